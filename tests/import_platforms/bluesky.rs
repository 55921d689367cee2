//! `tend import` on Bluesky's own JSON: the shared fixtures (two pages of
//! listNotifications and a getPostThread thread) and broken variants.

use crate::common::{Home, fixture, fixture_json};
use serde_json::{Value, json};

fn home() -> Home {
    let home = Home::new();
    home.write(
        "config.toml",
        "[me]\nbluesky = \"robin.tallybook.example\"\n",
    );
    home
}

#[test]
fn notifications_and_a_thread_import_as_bluesky_shows_them() {
    let home = home();
    let page = home.import_report(&fixture("bluesky_listNotifications.json"), &[]);
    assert_eq!(page["new_messages"], 3, "reply, mention, quote");
    assert_eq!(
        page["not_messages"],
        json!({"follow": 1, "like": 1, "repost": 1})
    );
    let last = home.import_report(&fixture("bluesky_listNotifications_page2.json"), &[]);
    assert_eq!(last["new_messages"], 0);
    let thread = home.import_report(&fixture("bluesky_getPostThread.json"), &[]);
    assert_eq!(thread["new_messages"], 2, "Robin's post and Robin's reply");
    assert_eq!(
        thread["already_known"], 1,
        "Kai's reply came with the notifications"
    );
    assert_eq!(thread["new_conversations"], 0);
    // Kai replied to Robin's post, Robin answered: one answered thread.
    let root = "at://did:plc:hxzcuo27khulmzyxga4ce4p5/app.bsky.feed.post/3mnzlzcokjk3i";
    assert_eq!(
        home.count(&format!(
            "SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE c.thread_key = '{root}' AND c.state = 'answered'"
        )),
        3
    );
    let (kind, url, author_id): (String, String, String) = home
        .peek()
        .query_row(
            "SELECT kind, url, author_id FROM messages WHERE author_handle = 'priya.example.net'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    assert_eq!(kind, "quote");
    assert_eq!(
        url,
        "https://bsky.app/profile/priya.example.net/post/3mo25ijrgs26g"
    );
    assert_eq!(author_id, "did:plc:syv2wz27oe2rgmsojbn6lqeq");
    // The text is stored as written (facets only add shortened links).
    let mira: String = home
        .peek()
        .query_row(
            "SELECT text FROM messages WHERE author_handle = 'mira.example.org'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(
        mira.starts_with("Café books ☕ now live in Tallybook, thanks @robin.tallybook.example"),
        "{mira}"
    );
    for file in [
        "bluesky_listNotifications.json",
        "bluesky_getPostThread.json",
    ] {
        assert_eq!(
            home.import_report(&fixture(file), &[])["new_messages"],
            0,
            "{file}"
        );
    }
}

#[test]
fn broken_notifications_say_which_field() {
    let home = home();
    let page = fixture_json("bluesky_listNotifications.json");
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "no-uri.json",
            {
                let mut p = page.clone();
                p["notifications"][0].as_object_mut().unwrap().remove("uri");
                p
            },
            "no-uri.json: notifications[0].uri: missing",
        ),
        (
            "null-author.json",
            {
                let mut p = page.clone();
                p["notifications"][1]["author"] = Value::Null;
                p
            },
            "null-author.json: notifications[1].author: missing",
        ),
        (
            "number-handle.json",
            {
                let mut p = page.clone();
                p["notifications"][1]["author"]["handle"] = json!(true);
                p
            },
            "number-handle.json: notifications[1].author.handle: must be a string, not a boolean",
        ),
        (
            "no-record.json",
            {
                let mut p = page.clone();
                p["notifications"][0]["record"] = json!("text");
                p
            },
            "no-record.json: notifications[0].record: missing",
        ),
    ];
    for (name, broken, message) in cases {
        let file = home.write(name, serde_json::to_vec(&broken).unwrap());
        let stderr = home.import_refused(&file, &[]);
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1);
    }
    assert_eq!(home.count("SELECT count(*) FROM messages"), 0);
    // An unknown reason is counted (R5); --format bluesky on Mastodon's file is refused.
    let mut unknown = page.clone();
    unknown["notifications"][0]["reason"] = json!("starterpack-joined");
    let file = home.write("unknown.json", serde_json::to_vec(&unknown).unwrap());
    let report = home.import_report(&file, &[]);
    assert_eq!(report["not_messages"]["starterpack-joined"], 1);
    let stderr = home.import_refused(fixture("mastodon_context.json"), &["--format", "bluesky"]);
    assert!(stderr.contains(
        "not a Bluesky listNotifications page or getPostThread thread (--format names one)"
    ));
}
