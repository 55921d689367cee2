//! `tend import` on an X account archive's `tweets.js` and
//! `direct-messages.js`.

use crate::common::{Home, fixture};
use serde_json::{Value, json};

#[test]
fn your_tweets_and_direct_messages_import_from_the_archive() {
    let home = Home::new();
    let tweets = home.import_report(&fixture("x_archive_tweets.js"), &[]);
    assert_eq!(tweets["new_messages"], 3);
    assert_eq!(tweets["not_messages"], json!({"retweet": 1}));
    assert_eq!(
        home.count("SELECT count(*) FROM messages WHERE direction = 'out'"),
        3
    );
    let text: String = home
        .peek()
        .query_row(
            "SELECT text FROM messages WHERE external_id = '2065366441653243904'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        text.contains("Latin-1 & Windows-1252"),
        "entities decoded: {text}"
    );
    let dms = home.import_report(&fixture("x_archive_direct-messages.js"), &[]);
    assert_eq!(dms["new_messages"], 3);
    assert_eq!(dms["new_conversations"], 2);
    // Your id is the one both conversations share: your message is yours.
    assert_eq!(
        home.count("SELECT count(*) FROM messages WHERE kind = 'dm' AND direction = 'out'"),
        1
    );
    assert_eq!(
        home.count("SELECT count(*) FROM conversations WHERE state = 'open'"),
        1
    );
    let expanded: String = home
        .peek()
        .query_row(
            "SELECT text FROM messages WHERE external_id = '2065373595206488065'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        expanded,
        "Here's the bank export that breaks the importer: https://files.example.net/export_2026-06.csv"
    );
    assert_eq!(
        home.import_report(&fixture("x_archive_direct-messages.js"), &[])["new_messages"],
        0
    );
    // The archive names people by number only: their profile opens by it.
    assert_eq!(
        home.text(
            "SELECT group_concat(url) FROM (SELECT DISTINCT author_profile_url AS url
               FROM messages WHERE kind = 'dm' AND direction = 'in' ORDER BY url)"
        ),
        "https://x.com/i/user/1501234567890123456,https://x.com/i/user/1620000000000000123"
    );

    // A conversation of your own posts lists as yours, with its text.
    let listed = home.tend().args(["search", "is:all"]).output().unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    let mine: Vec<&str> = listed
        .lines()
        .filter(|line| line.contains(" answered you "))
        .collect();
    assert_eq!(mine.len(), 3, "{listed}");
    assert!(
        mine.iter().any(|line| line.ends_with(
            "you                Tallybook 0.9 is out: offline-first invoices, CSV import, d…"
        )),
        "{listed}"
    );
    assert!(
        !listed.contains("(unknown)          \n"),
        "no empty rows: {listed}"
    );
}

#[test]
fn one_conversation_needs_your_id_in_the_config() {
    let text = std::fs::read_to_string(fixture("x_archive_direct-messages.js")).unwrap();
    let json_part = &text[text.find('=').unwrap() + 1..];
    let mut items: Value = serde_json::from_str(json_part.trim().trim_end_matches(';')).unwrap();
    items.as_array_mut().unwrap().truncate(1);
    let home = Home::new();
    let file = home.write(
        "direct-messages.js",
        format!("window.YTD.direct_messages.part0 = {items}"),
    );
    let stderr = home.import_refused(&file, &[]);
    assert!(
        stderr.contains("cannot tell which side of these direct messages is you"),
        "{stderr}"
    );
    assert_eq!(home.count("SELECT count(*) FROM messages"), 0);
    home.write(
        "config.toml",
        "[me]\nx = [\"robin_vale\", \"1388112233445566778\"]\n",
    );
    let report = home.import_report(&file, &[]);
    assert_eq!(report["new_messages"], 2);
    assert_eq!(
        home.count("SELECT count(*) FROM messages WHERE direction = 'out'"),
        1
    );
    // A tweet with a mangled time says which and where.
    let mut tweets: Value = {
        let text = std::fs::read_to_string(fixture("x_archive_tweets.js")).unwrap();
        serde_json::from_str(
            text[text.find('=').unwrap() + 1..]
                .trim()
                .trim_end_matches(';'),
        )
        .unwrap()
    };
    tweets[0]["tweet"]["created_at"] = json!("2026-06-12");
    let file = home.write("tweets.js", format!("window.YTD.tweets.part0 = {tweets}"));
    let stderr = Home::new().import_refused(&file, &["--format", "x-archive"]);
    assert!(stderr.contains(
        "tweets.js: [0].tweet.created_at: \"2026-06-12\" is not a time like \"Fri Jun 12 09:31:47 +0000 2026\""
    ));
}
