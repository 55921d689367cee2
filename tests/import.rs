//! `tend import` on real temp stores through the real binary: the shared
//! fixtures, every bad-input rule, idempotence, threads and states.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Home, fixture, line, stdout_json};
use predicates::prelude::*;

const ALL_TABLES: &str =
    "SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM conversations)
    + (SELECT count(*) FROM people) + (SELECT count(*) FROM handles)";

#[test]
fn shared_jsonl_fixture_imports_with_counts() {
    let home = Home::new();
    let output = home
        .tend()
        .args(["import", "--json"])
        .arg(fixture("generic.jsonl"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = stdout_json(&output);
    assert_eq!(report["new_messages"], 7);
    assert_eq!(report["new_conversations"], 7);
    assert_eq!(report["already_known"], 0);
    assert_eq!(report["skipped"], 0);
    assert_eq!(report["errors"], serde_json::json!([]));
    assert_eq!(home.count("SELECT count(*) FROM messages"), 7);
    // The x DM has no handle, only an author id: still one person.
    assert_eq!(home.count("SELECT count(*) FROM people"), 7);
    assert_eq!(
        home.count("SELECT created_at FROM messages WHERE platform = 'email'"),
        chrono::DateTime::parse_from_rfc3339("2026-06-12T10:00:09Z")
            .unwrap()
            .timestamp_micros(),
        "stored as UTC"
    );
    assert_eq!(home.thread_of("48213377"), "48210001");
    let text: String = home
        .peek()
        .query_row(
            "SELECT text FROM messages WHERE platform = 'bluesky'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(text.starts_with("Café books ☕"), "text kept exactly");
}

#[test]
fn csv_fixture_stores_exactly_what_the_jsonl_fixture_stores() {
    let jsonl = Home::new();
    jsonl
        .tend()
        .arg("import")
        .arg(fixture("generic.jsonl"))
        .assert()
        .success();
    let csv = Home::new();
    csv.tend()
        .arg("import")
        .arg(fixture("generic.csv"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "7 new messages, 7 new conversations, 0 already known, 0 skipped",
        ));
    let export = |home: &Home| home.tend().arg("export").output().unwrap().stdout;
    assert_eq!(
        String::from_utf8(export(&csv)).unwrap(),
        String::from_utf8(export(&jsonl)).unwrap()
    );
}

#[test]
fn reimport_adds_nothing_and_says_so() {
    let home = Home::new();
    home.import(fixture("generic.jsonl"));
    home.tend()
        .arg("import")
        .arg(fixture("generic.csv"))
        .assert()
        .success()
        .stdout(predicate::str::ends_with(
            "generic.csv: 0 new messages, 0 new conversations, 7 already known, 0 skipped\n",
        ));
    assert_eq!(home.count(ALL_TABLES), 7 + 7 + 7 + 7);
}

#[test]
fn duplicates_inside_one_file_are_one_message_and_the_first_wins() {
    let home = Home::new();
    let file = home.write(
        "dupes.jsonl",
        [
            line("github", "c1", "2026-06-12T09:00:00Z", "first copy", &[]),
            line("github", "c1", "2026-06-12T09:00:00Z", "second copy", &[]),
            line(
                "mastodon",
                "c1",
                "2026-06-12T09:00:00Z",
                "same id, other platform",
                &[],
            ),
        ]
        .join("\n"),
    );
    let output = home
        .tend()
        .args(["import", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    let report = stdout_json(&output);
    assert_eq!(
        (
            report["new_messages"].as_u64(),
            report["already_known"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(report["duplicates"], 1);
    assert_eq!(
        home.count("SELECT count(*) FROM messages WHERE text = 'first copy'"),
        1
    );
    assert_eq!(
        home.count("SELECT count(*) FROM messages WHERE text = 'second copy'"),
        0
    );
}

/// Each rule: the import fails with `FILE:LINE: what`, exit 1, one line, and
/// nothing already stored is lost or added.
#[test]
fn every_bad_record_fails_the_whole_file_with_its_location() {
    let good = line("github", "ok-1", "2026-06-12T09:00:00Z", "fine", &[]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "missing.jsonl",
            format!("{good}\n{}\n", r#"{"platform":"github","external_id":"x","text":"no time"}"#).into_bytes(),
            "missing.jsonl:2: missing required field \"created_at\"",
        ),
        (
            "time.jsonl",
            format!("{good}\n\n{}\n", line("github", "x", "12/06/2026 09:00", "", &[])).into_bytes(),
            "time.jsonl:3: created_at \"12/06/2026 09:00\" is not an RFC 3339 timestamp with offset",
        ),
        (
            "utf8.jsonl",
            [good.as_bytes(), b"\n{\"platform\":\"x\",\"external_id\":\"1\",\"text\":\"\xff\"}\n"].concat(),
            "utf8.jsonl:2:43: invalid UTF-8 at byte 43",
        ),
        ("json.jsonl", format!("{good}\n{{\"platform\": \"x\",,}}\n").into_bytes(), "json.jsonl:2:18: bad JSON: key must be a string"),
        (
            "platform.jsonl",
            format!("{good}\n{}\n", line("myspace", "x", "2026-06-12T09:00:00Z", "", &[])).into_bytes(),
            "platform.jsonl:2: platform: unknown platform \"myspace\" (expected one of: mastodon bluesky x",
        ),
        (
            "bad.csv",
            b"platform,external_id,created_at,text\nx,1,2026-06-12T09:00:00Z,ok\nx,2,2026-06-12,\"late\nrow\"\n".to_vec(),
            "bad.csv:3: created_at \"2026-06-12\" is not an RFC 3339",
        ),
    ];
    for (name, contents, expected) in cases {
        let home = Home::new();
        home.import(fixture("generic.jsonl"));
        let before = home.count(ALL_TABLES);
        let file = home.write(name, contents);
        let output = home.tend().arg("import").arg(&file).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr.starts_with(&format!("tend: {}/{expected}", home.dir.path().display())),
            "{name}: {stderr}"
        );
        assert!(
            stderr.contains("nothing was imported; --skip-bad imports the other records"),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{name}: one line: {stderr}");
        assert_eq!(
            home.count(ALL_TABLES),
            before,
            "{name}: nothing added or lost"
        );
        assert_eq!(
            home.count("SELECT count(*) FROM messages WHERE external_id = 'ok-1'"),
            0
        );
    }
}

#[test]
fn skip_bad_imports_the_rest_and_lists_what_it_skipped() {
    let home = Home::new();
    home.write(
        "mixed.jsonl",
        [
            line("github", "a", "2026-06-12T09:00:00Z", "good", &[]),
            "not json".to_owned(),
            line("github", "b", "yesterday", "bad time", &[]),
            line("github", "c", "2026-06-12T09:01:00Z", "good too", &[]),
        ]
        .join("\n"),
    );
    home.tend()
        .args(["import", "--skip-bad", "mixed.jsonl"])
        .assert()
        .success()
        .stdout(predicate::str::ends_with(
            "2 new messages, 2 new conversations, 0 already known, 2 skipped\n",
        ))
        .stderr(predicate::str::contains(
            "skipped mixed.jsonl:2:2: bad JSON: expected ident",
        ))
        .stderr(predicate::str::contains(
            "skipped mixed.jsonl:3: created_at \"yesterday\"",
        ));
    assert_eq!(home.count("SELECT count(*) FROM messages"), 2);

    let output = home
        .tend()
        .args(["import", "--skip-bad", "--json", "mixed.jsonl"])
        .output()
        .unwrap();
    let report = stdout_json(&output);
    assert_eq!(report["skipped"], 2);
    assert_eq!(report["errors"][1]["location"], "mixed.jsonl:3");
    assert!(
        report["errors"][1]["message"]
            .as_str()
            .unwrap()
            .starts_with("created_at \"yesterday\"")
    );
}

#[test]
fn failed_import_with_json_reports_the_error_too() {
    let home = Home::new();
    home.write("one.jsonl", "{}\n");
    let output = home
        .tend()
        .args(["import", "--json", "one.jsonl"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = stdout_json(&output);
    assert_eq!(report["new_messages"], 0);
    assert_eq!(report["errors"][0]["location"], "one.jsonl:1");
    assert_eq!(
        report["errors"][0]["message"],
        "missing required field \"platform\""
    );
}

#[test]
fn csv_with_bom_quoted_commas_and_newlines() {
    let home = Home::new();
    let file = home.write(
        "bom.csv",
        "\u{feff}text,platform,external_id,created_at,author_handle\r\n\
         \"Hi, Robin\r\nsecond line, with comma\",email,m1@example.com,2026-06-12T09:00:00+02:00,ana@example.com\r\n",
    );
    home.import(&file);
    let text: String = home
        .peek()
        .query_row("SELECT text FROM messages", [], |r| r.get(0))
        .unwrap();
    assert_eq!(text, "Hi, Robin\r\nsecond line, with comma");
}

#[test]
fn standard_input_and_forced_format() {
    let home = Home::new();
    home.tend()
        .args(["import", "-", "--format", "csv"])
        .write_stdin(std::fs::read(fixture("generic.csv")).unwrap())
        .assert()
        .success()
        .stdout(predicate::str::starts_with("<stdin>: 7 new messages"));
    // Content sniffing without an extension.
    let other = Home::new();
    let file = other.write(
        "mentions.txt",
        std::fs::read(fixture("generic.jsonl")).unwrap(),
    );
    other
        .tend()
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("7 new messages"));
}

#[test]
fn threads_follow_thread_id_then_parents_then_own_id() {
    let home = Home::new();
    // The reply and the reply-to-reply arrive before the root, in an earlier file.
    let first = home.write(
        "first.jsonl",
        [
            line(
                "hackernews",
                "3",
                "2026-06-12T11:00:00Z",
                "reply to reply",
                &[("parent_id", "2")],
            ),
            line(
                "hackernews",
                "2",
                "2026-06-12T10:00:00Z",
                "reply",
                &[("parent_id", "1")],
            ),
            line(
                "github",
                "gh-1",
                "2026-06-12T10:00:00Z",
                "issue comment",
                &[("thread_id", "o/r#1")],
            ),
            line(
                "mastodon",
                "solo",
                "2026-06-12T10:00:00Z",
                "standalone",
                &[],
            ),
        ]
        .join("\n"),
    );
    home.import(&first);
    assert_eq!(
        home.thread_of("3"),
        "1",
        "provisional thread named after the unknown parent"
    );
    assert_eq!(home.thread_of("2"), "1");
    assert_eq!(home.thread_of("gh-1"), "o/r#1");
    assert_eq!(home.thread_of("solo"), "solo");
    // The root arrives later with a parent of its own (the story): all merge.
    let second = home.write(
        "second.jsonl",
        line(
            "hackernews",
            "1",
            "2026-06-12T09:00:00Z",
            "top comment",
            &[("parent_id", "story")],
        ),
    );
    home.tend()
        .args(["import", "--json"])
        .arg(&second)
        .assert()
        .success();
    for id in ["1", "2", "3"] {
        assert_eq!(home.thread_of(id), "story", "message {id}");
    }
    assert_eq!(
        home.count("SELECT count(*) FROM conversations WHERE platform = 'hackernews'"),
        1
    );
    assert_eq!(
        home.count("SELECT message_count FROM conversations WHERE thread_key = 'story'"),
        3
    );
    assert_eq!(home.state_of("3"), "open");
}

#[test]
fn inbound_opens_outbound_answers_and_a_new_inbound_reopens() {
    let home = Home::new();
    home.write(
        "config.toml",
        "[me]\nmastodon = \"@Robin@mastodon.example\"\n",
    );
    let thread = [("thread_id", "t")];
    let question = line(
        "mastodon",
        "q",
        "2026-06-12T09:00:00Z",
        "can I export?",
        &[("thread_id", "t"), ("author_handle", "kai@social.example")],
    );
    home.write("1.jsonl", &question);
    home.import(home.path("1.jsonl"));
    assert_eq!(home.state_of("q"), "open");

    // A reply written by one of my handles (from config) answers it.
    let reply = line(
        "mastodon",
        "r",
        "2026-06-12T10:00:00Z",
        "yes",
        &[
            ("thread_id", "t"),
            ("author_handle", "robin@MASTODON.example"),
        ],
    );
    home.write("2.jsonl", &reply);
    home.import(home.path("2.jsonl"));
    assert_eq!(home.state_of("q"), "answered");
    assert_eq!(
        home.count("SELECT count(*) FROM messages WHERE direction = 'out'"),
        1
    );
    assert_eq!(
        home.count("SELECT count(*) FROM people"),
        1,
        "I am not one of my contacts"
    );

    // An older inbound message arriving late does not re-open it…
    home.write(
        "3.jsonl",
        line("mastodon", "old", "2026-06-12T09:30:00Z", "also", &thread),
    );
    home.import(home.path("3.jsonl"));
    assert_eq!(home.state_of("q"), "answered");
    // …a newer one does, and the SLA runs from it.
    home.write(
        "4.jsonl",
        line(
            "mastodon",
            "new",
            "2026-06-12T11:00:00Z",
            "and CSV?",
            &thread,
        ),
    );
    home.import(home.path("4.jsonl"));
    assert_eq!(home.state_of("q"), "open");
    let inbox = stdout_json(&home.tend().args(["inbox", "--json"]).output().unwrap());
    assert_eq!(inbox[0]["waiting_since"], "2026-06-12T11:00:00Z");
    assert_eq!(inbox[0]["preview"], "and CSV?");

    // An explicit `direction: out` answers too.
    let out = line(
        "mastodon",
        "r2",
        "2026-06-12T12:00:00Z",
        "yes, CSV too",
        &[("thread_id", "t"), ("direction", "out")],
    );
    home.write("5.jsonl", out);
    home.import(home.path("5.jsonl"));
    assert_eq!(home.state_of("q"), "answered");
}

#[test]
fn unknown_fields_are_kept_and_exported() {
    let home = Home::new();
    let mut record: serde_json::Value =
        serde_json::from_str(&line("reddit", "t1_a", "2026-06-12T09:00:00Z", "hi", &[])).unwrap();
    record["score"] = serde_json::json!(12);
    record["flair"] = serde_json::json!({"text": "Founder"});
    home.write("extra.jsonl", record.to_string());
    home.import(home.path("extra.jsonl"));
    let export = home.tend().arg("export").output().unwrap();
    let exported: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    assert_eq!(exported["score"], 12);
    assert_eq!(exported["flair"]["text"], "Founder");
    assert_eq!(exported["direction"], "in");
}

#[test]
fn a_directory_or_a_broken_csv_is_a_clear_file_error() {
    let home = Home::new();
    std::fs::create_dir(home.path("exports")).unwrap();
    home.tend()
        .args(["import", "exports"])
        .assert()
        .code(1)
        .stderr("tend: exports: is a directory, not a file to import\n");
    home.write("open.csv", "platform,external_id,created_at,text\nx,1,2026-06-12T09:00:00Z,\"oops\nx,2,2026-06-12T09:00:00Z,hi\n");
    home.tend()
        .args(["import", "--skip-bad", "open.csv"])
        .assert()
        .code(1)
        .stderr(
            "tend: open.csv:2: a quoted cell opened here is never closed (nothing was imported)\n",
        );
    assert_eq!(home.count("SELECT count(*) FROM messages"), 0);
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let home = Home::new();
    home.tend()
        .args(["import", "nope.jsonl"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "tend: nope.jsonl: cannot read: No such file or directory",
        ));
}

/// Imports each file in turn (each a list of JSONL lines) into a fresh store.
fn import_files(files: &[&[&str]]) -> Home {
    let home = Home::new();
    for (index, lines) in files.iter().enumerate() {
        let name = format!("{index}.jsonl");
        home.write(&name, lines.join("\n"));
        home.tend().args(["import", &name]).assert().success();
    }
    home
}

const ROOT: &str = r#"{"platform":"x","external_id":"A","created_at":"2026-06-10T00:00:00Z","text":"root","author_handle":"ana"}"#;
const MY_REPLY: &str = r#"{"platform":"x","external_id":"O","parent_id":"A","created_at":"2026-06-10T05:00:00Z","text":"mine","direction":"out"}"#;
const P_UNDER_A: &str = r#"{"platform":"x","external_id":"P","parent_id":"A","created_at":"2026-06-10T01:00:00Z","text":"P","author_handle":"di"}"#;

#[test]
fn a_late_parent_merges_waiting_replies_into_an_answered_thread_and_reopens_it() {
    let home = import_files(&[
        &[ROOT, MY_REPLY],
        &[
            r#"{"platform":"x","external_id":"Q9","parent_id":"P","created_at":"2026-06-10T09:00:00Z","text":"still waiting","author_handle":"bo"}"#,
        ],
        // An older reply in the same file as the parent must not hide the newer one.
        &[
            r#"{"platform":"x","external_id":"Q3","parent_id":"P","created_at":"2026-06-10T03:00:00Z","text":"older","author_handle":"cy"}"#,
            P_UNDER_A,
        ],
    ]);
    assert_eq!(home.count("SELECT count(*) FROM conversations"), 1);
    assert_eq!(home.state_of("Q9"), "open");
    let inbox = stdout_json(&home.tend().args(["inbox", "--json"]).output().unwrap());
    assert_eq!(inbox[0]["waiting_since"], "2026-06-10T09:00:00Z");
    assert_eq!(inbox[0]["preview"], "still waiting");
}

#[test]
fn merging_an_answered_provisional_thread_leaves_it_answered() {
    let home = import_files(&[
        &[
            r#"{"platform":"x","external_id":"Q","parent_id":"P","created_at":"2026-06-10T03:00:00Z","text":"Q","author_handle":"bo"}"#,
            r#"{"platform":"x","external_id":"O","parent_id":"Q","created_at":"2026-06-10T05:00:00Z","text":"mine","direction":"out"}"#,
        ],
        &[P_UNDER_A],
    ]);
    assert_eq!(home.state_of("Q"), "answered");
    assert_eq!(
        home.count("SELECT count(*) FROM conversations WHERE waiting_since IS NOT NULL"),
        0
    );
    assert_eq!(home.count("SELECT count(*) FROM conversations"), 1);
    // The same records in one file come out the same.
    let together = import_files(&[&[
        r#"{"platform":"x","external_id":"Q","parent_id":"P","created_at":"2026-06-10T03:00:00Z","text":"Q","author_handle":"bo"}"#,
        r#"{"platform":"x","external_id":"O","parent_id":"Q","created_at":"2026-06-10T05:00:00Z","text":"mine","direction":"out"}"#,
        P_UNDER_A,
    ]]);
    assert_eq!(together.state_of("Q"), "answered");
}

#[test]
fn a_file_that_cannot_be_read_leaves_no_store_behind() {
    let home = Home::new();
    home.tend()
        .args(["import", "nope.csv"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nope.csv"));
    assert!(!home.db().exists());
}
