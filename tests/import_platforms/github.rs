//! `tend import` on GitHub's REST JSON: a comment, a comments listing, an
//! issue, and a notifications page (counted: its text comes with sync).

use crate::common::{Home, fixture, fixture_json};
use serde_json::json;

#[test]
fn a_comment_becomes_a_message_in_its_issue_thread() {
    let home = Home::new();
    home.write("config.toml", "[me]\ngithub = \"robin-vale\"\n");
    let report = home.import_report(&fixture("github_issue_comment.json"), &[]);
    assert_eq!(report["new_messages"], 1);
    assert_eq!(report["new_conversations"], 1);
    let row: (String, String, String, String, String) = home
        .peek()
        .query_row(
            "SELECT m.kind, m.text, m.url, c.thread_key, m.direction
             FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE m.external_id = 'IC_kwDOMGp7Ts6zjZtO'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(row.0, "comment");
    assert!(row.1.starts_with("@robin-vale repro attached"), "{}", row.1);
    assert!(!row.1.contains('\r'), "CRLF became LF: {:?}", row.1);
    assert!(row.1.contains("\n```\nBuchungstag;Betrag"), "{:?}", row.1);
    assert_eq!(
        row.2,
        "https://github.com/tallybook/tallybook/issues/214#issuecomment-3012345678"
    );
    assert_eq!(row.3, "tallybook/tallybook#214");
    assert_eq!(row.4, "in");
    assert_eq!(
        home.text("SELECT handle FROM handles WHERE platform = 'github'"),
        "kai-okafor"
    );
    assert_eq!(
        home.import_report(&fixture("github_issue_comment.json"), &[])["already_known"],
        1
    );
}

#[test]
fn a_listing_threads_comments_and_the_issue_together_and_mine_are_outbound() {
    let home = Home::new();
    home.write("config.toml", "[me]\ngithub = \"robin-vale\"\n");
    let comment = fixture_json("github_issue_comment.json");
    let mut mine = comment.clone();
    mine["node_id"] = json!("IC_mine");
    mine["user"]["login"] = json!("robin-vale");
    mine["created_at"] = json!("2026-06-12T10:00:00Z");
    mine["body"] = json!("Thanks, fixed in 1.4.");
    let issue = json!({
        "node_id": "I_issue214", "number": 214, "title": "CSV import fails on semicolons",
        "repository_url": "https://api.github.com/repos/tallybook/tallybook",
        "html_url": "https://github.com/tallybook/tallybook/issues/214",
        "user": null, "body": null, "created_at": "2026-06-11T08:00:00Z"
    });
    let file = home.write(
        "listing.json",
        serde_json::to_vec(&json!([issue, comment, mine])).unwrap(),
    );
    let report = home.import_report(&file, &[]);
    assert_eq!(report["new_messages"], 3);
    assert_eq!(report["new_conversations"], 1, "one issue, one thread");
    assert_eq!(home.state_of("IC_kwDOMGp7Ts6zjZtO"), "answered");
    assert_eq!(
        home.text("SELECT direction FROM messages WHERE external_id = 'IC_mine'"),
        "out"
    );
    // The deleted author and empty description are kept as such.
    assert_eq!(
        home.text("SELECT coalesce(author_id, 'none') || '|' || text || '|' || title FROM messages WHERE external_id = 'I_issue214'"),
        "none||CSV import fails on semicolons"
    );
}

#[test]
fn notifications_are_counted_and_bad_comments_say_where() {
    let home = Home::new();
    let report = home.import_report(&fixture("github_notifications.json"), &[]);
    assert_eq!(report["new_messages"], 0);
    assert_eq!(
        report["not_messages"],
        json!({"notification without text": 5})
    );

    let mut broken = fixture_json("github_issue_comment.json");
    broken["body"] = json!(42);
    let file = home.write("broken.json", serde_json::to_vec(&broken).unwrap());
    assert!(
        Home::new()
            .import_refused(&file, &[])
            .contains("broken.json: comment.body: must be a string, not a number"),
    );
    let mut orphan = fixture_json("github_issue_comment.json");
    orphan.as_object_mut().unwrap().remove("issue_url");
    orphan["repository_url"] = json!("https://api.github.com/repos/a/b");
    let file = home.write("orphan.json", serde_json::to_vec(&json!([orphan])).unwrap());
    let stderr = Home::new().import_refused(&file, &["--format", "github"]);
    assert!(
        stderr.contains("orphan.json: [0].issue_url: missing"),
        "{stderr}"
    );
    let file = home.write(
        "truncated.json",
        &std::fs::read(fixture("github_issue_comment.json")).unwrap()[..300],
    );
    let stderr = Home::new().import_refused(&file, &["--format", "github"]);
    assert!(
        stderr.contains("truncated.json:") && stderr.contains("not valid JSON"),
        "{stderr}"
    );
}
