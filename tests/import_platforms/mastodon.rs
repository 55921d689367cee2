//! `tend import` on Mastodon's own JSON: the shared fixtures (three pages of
//! notifications and a status context) and broken variants of them.

use crate::common::{Home, fixture, fixture_json};
use serde_json::{Value, json};

fn home() -> Home {
    let home = Home::new();
    home.write(
        "config.toml",
        "[me]\nmastodon = \"robin@mastodon.example\"\n",
    );
    home
}

#[test]
fn the_fixtures_import_with_the_counts_and_threads_mastodon_shows() {
    let home = home();
    let page1 = home.import_report(&fixture("mastodon_notifications_page1.json"), &[]);
    assert_eq!(page1["new_messages"], 2);
    assert_eq!(page1["not_messages"], json!({"favourite": 1, "follow": 1}));
    let page2 = home.import_report(&fixture("mastodon_notifications_page2.json"), &[]);
    assert_eq!(page2["new_messages"], 2);
    assert_eq!(page2["not_messages"], json!({"reblog": 1}));
    // The last page is empty: nothing to import, not an error.
    let page3 = home.import_report(&fixture("mastodon_notifications_page3.json"), &[]);
    assert_eq!(page3["new_messages"], 0);
    let context = home.import_report(&fixture("mastodon_context.json"), &[]);
    assert_eq!(context["new_messages"], 3);
    assert_eq!(
        context["new_conversations"], 0,
        "all in the thread already begun"
    );
    assert_eq!(home.count("SELECT count(*) FROM messages"), 7);
    assert_eq!(home.count("SELECT count(*) FROM conversations"), 4);
    assert_eq!(
        home.count("SELECT count(*) FROM people"),
        3,
        "kai, theo, mira (robin is you)"
    );
    // Kai's reply joined Robin's post, Robin answered, Kai wrote again.
    let thread: Vec<(String, String)> = home
        .peek()
        .prepare(
            "SELECT m.direction, m.author_handle FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE c.thread_key = 'https://mastodon.example/users/robin/statuses/116732312368250633'
             ORDER BY m.created_at",
        )
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        thread,
        [
            ("out".into(), "robin@mastodon.example".into()),
            ("in".into(), "kai@social.example.net".into()),
            ("out".into(), "robin@mastodon.example".into()),
            ("in".into(), "kai@social.example.net".into()),
        ]
    );
    // Text as people read it; a DM is a DM; a content warning is kept.
    let text = |id: &str| -> (String, String) {
        home.peek()
            .query_row(
                "SELECT kind, text FROM messages WHERE external_id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap()
    };
    let (kind, first) = text("https://social.example.net/users/kai/statuses/114712093385120077");
    assert_eq!(kind, "reply");
    assert!(first.starts_with("@robin congrats on 0.9! Does the CSV import cope with semicolon-separated exports from German banks (\"Buchungstag;Betrag\")?"), "{first}");
    assert_eq!(
        text("https://toot.example.org/users/theo/statuses/114709876501234567").0,
        "dm"
    );
    let warned: String = home
        .peek()
        .query_row(
            "SELECT text FROM messages WHERE text LIKE 'CW: pricing opinions%'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(
        warned.starts_with("CW: pricing opinions\n\n@robin"),
        "{warned}"
    );
    // Reach comes along.
    assert_eq!(
        home.count("SELECT followers FROM people p JOIN handles h ON h.person_id = p.id WHERE h.handle_key = 'kai@social.example.net'"),
        522
    );
    // Again: nothing new.
    for file in ["mastodon_notifications_page1.json", "mastodon_context.json"] {
        let again = home.import_report(&fixture(file), &[]);
        assert_eq!(again["new_messages"], 0, "{file}");
    }
}

/// A change that breaks a page.
type Change = Box<dyn FnOnce(&mut Value)>;

fn broken(home: &Home, name: &str, change: impl FnOnce(&mut Value)) -> std::path::PathBuf {
    let mut page = fixture_json("mastodon_notifications_page1.json");
    change(&mut page);
    home.write(name, serde_json::to_vec_pretty(&page).unwrap())
}

#[test]
fn broken_pages_say_where_and_store_nothing() {
    let home = home();
    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "no-uri.json",
            Box::new(|page| {
                page[0]["status"].as_object_mut().unwrap().remove("uri");
            }),
            "no-uri.json: [0].status.uri: missing",
        ),
        (
            "null-account.json",
            Box::new(|page| page[2]["status"]["account"] = Value::Null),
            "null-account.json: [2].status.account: missing",
        ),
        (
            "bad-time.json",
            Box::new(|page| page[0]["status"]["created_at"] = json!("yesterday")),
            "bad-time.json: [0].status.created_at: \"yesterday\" is not an RFC 3339 timestamp",
        ),
        (
            "wrong-type.json",
            Box::new(|page| page[0]["status"]["uri"] = json!(["x"])),
            "wrong-type.json: [0].status.uri: must be a string, not an array",
        ),
        (
            "no-status.json",
            Box::new(|page| page[0]["status"] = Value::Null),
            "no-status.json: [0].status: missing",
        ),
        (
            "text-status.json",
            Box::new(|page| page[0]["status"] = json!("hello")),
            "text-status.json: [0].status: must be an object, not a string",
        ),
    ];
    for (name, change, message) in cases {
        let file = broken(&home, name, change);
        let stderr = home.import_refused(&file, &[]);
        assert!(
            stderr.starts_with(&format!("tend: {}", home.path(message).display())),
            "{name}: {stderr}"
        );
        assert!(stderr.ends_with("(nothing was imported; --skip-bad imports the other records)\n"));
        assert_eq!(stderr.lines().count(), 1);
        assert_eq!(home.count("SELECT count(*) FROM messages"), 0, "{name}");
    }
    // --skip-bad keeps the good mention and says which one it skipped.
    let file = broken(&home, "skip.json", |page| {
        page[0]["status"].as_object_mut().unwrap().remove("uri");
    });
    let report = home.import_report(&file, &["--skip-bad"]);
    assert_eq!(report["new_messages"], 1);
    assert_eq!(report["skipped"], 1);
    assert!(
        report["errors"][0]["location"]
            .as_str()
            .unwrap()
            .ends_with("skip.json: [0].status.uri")
    );
    // An unknown notification type is counted, never an error (R5).
    let file = broken(&home, "unknown.json", |page| {
        page[1]["type"] = json!("quasar");
    });
    let report = home.import_report(&file, &[]);
    assert_eq!(report["not_messages"]["quasar"], 1);
}

#[test]
fn truncated_or_foreign_files_are_refused_whole() {
    let home = home();
    let text = std::fs::read_to_string(fixture("mastodon_notifications_page1.json")).unwrap();
    let cut = home.write("cut.json", &text[..text.len() / 2]);
    let stderr = home.import_refused(&cut, &[]);
    assert!(
        stderr.contains("cut.json:") && stderr.contains("not valid JSON: EOF while parsing"),
        "{stderr}"
    );
    assert!(stderr.ends_with("(nothing was imported)\n"));
    // A JSON document that is no platform's: named, with --format to say.
    let other = home.write("other.json", "{\n  \"hello\": 1\n}\n");
    let stderr = home.import_refused(&other, &[]);
    assert!(stderr.contains("other.json: not a format tend knows"));
    // One object on one line is read as the generic format, and says why not.
    let record = home.write("record.json", "{\"hello\": 1}\n");
    let stderr = home.import_refused(&record, &[]);
    assert!(stderr.contains("record.json:1: missing required field \"platform\""));
    // --format mastodon on the generic format: refused, nothing stored.
    let stderr = home.import_refused(fixture("generic.jsonl"), &["--format", "mastodon"]);
    assert!(
        stderr.contains("generic.jsonl:2:1: not valid JSON: trailing characters"),
        "the generic JSONL is not one JSON document: {stderr}"
    );
    assert_eq!(home.count("SELECT count(*) FROM messages"), 0);
}

#[test]
fn entities_that_decode_to_escapes_are_stored_raw_and_shown_safely() {
    let home = home();
    let file = broken(&home, "hostile.json", |page| {
        page[0]["status"]["content"] =
            json!("<p>hi &#27;]52;c;ZWNobyBwd25lZA==&#7; and &#x202E;gnp.exe</p>");
        page[0]["account"]["display_name"] = json!("Kai\u{1b}[2J");
    });
    home.tend().arg("import").arg(&file).assert().success();
    let stored: String = home
        .peek()
        .query_row(
            "SELECT text FROM messages WHERE external_id = 'https://social.example.net/users/kai/statuses/114712093385120077'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(
        stored, "hi \u{1b}]52;c;ZWNobyBwd25lZA==\u{7} and \u{202e}gnp.exe",
        "raw in the store"
    );
    let shown = home.tend().arg("inbox").output().unwrap();
    let shown = String::from_utf8(shown.stdout).unwrap();
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}') && !shown.contains('\u{202e}'),
        "{shown}"
    );
    assert!(shown.contains("hi ␛]52;c;"), "{shown}");
}

#[test]
fn an_archive_outbox_and_a_single_status_are_the_users_own_posts() {
    let home = Home::new();
    let report = home.import_report(&fixture("mastodon_outbox.json"), &[]);
    assert_eq!(report["new_messages"], 2);
    assert_eq!(report["not_messages"], json!({"boost": 1}));
    assert_eq!(
        home.count("SELECT count(*) FROM messages WHERE direction = 'out'"),
        2,
        "an outbox is the user's own, whatever [me] says"
    );
    // The reply points at what it answered by its global id.
    assert_eq!(
        home.text("SELECT parent_id FROM messages WHERE external_id LIKE '%116736439551262721'"),
        "https://social.example.net/users/kai/statuses/114712093385120077"
    );
    assert_eq!(
        home.text("SELECT group_concat(DISTINCT author_handle) FROM messages"),
        "robin@mastodon.example"
    );
    // The status a reply created is the same post: known.
    let status = home.import_report(&fixture("mastodon_status_created.json"), &[]);
    assert_eq!(status["already_known"], 1);
    let mut broken = fixture_json("mastodon_outbox.json");
    broken["orderedItems"][0]["object"]
        .as_object_mut()
        .unwrap()
        .remove("published");
    let file = home.write("outbox.json", serde_json::to_vec(&broken).unwrap());
    let stderr = Home::new().import_refused(&file, &[]);
    assert!(
        stderr.contains("outbox.json: orderedItems[0].object.published: missing"),
        "{stderr}"
    );
}
