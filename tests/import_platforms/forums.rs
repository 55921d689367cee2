//! `tend import` on Hacker News (Algolia search results) and Reddit (inbox
//! listings): the shared fixtures and broken variants.

use crate::common::{Home, fixture, fixture_json};
use serde_json::json;

fn text_of(home: &Home, id: &str) -> (String, String, Option<String>) {
    home.peek()
        .query_row(
            "SELECT kind, text, title FROM messages WHERE external_id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap()
}

#[test]
fn hacker_news_comments_join_their_story_as_plain_text() {
    let home = Home::new();
    let report = home.import_report(&fixture("hn_algolia_search.json"), &[]);
    assert_eq!(report["new_messages"], 3);
    assert_eq!(report["new_conversations"], 2, "two stories");
    let (kind, text, title) = text_of(&home, "48212950");
    assert_eq!(kind, "comment");
    assert_eq!(
        title.as_deref(),
        Some("Show HN: Tallybook – local-first invoicing for freelancers")
    );
    assert!(
        !text.contains("<a") && !text.contains("&#x"),
        "HTML became text: {text}"
    );
    assert!(
        text.contains("https://"),
        "links keep their address: {text}"
    );
    assert_eq!(
        home.count("SELECT count(*) FROM conversations WHERE thread_key = '48210001'"),
        1
    );
    let url: String = home
        .peek()
        .query_row(
            "SELECT url FROM messages WHERE external_id = '48213377'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(url, "https://news.ycombinator.com/item?id=48213377");
    assert_eq!(
        home.import_report(&fixture("hn_algolia_search.json"), &[])["new_messages"],
        0
    );
    // A story hit is counted, not imported; a comment without text says where.
    let mut search = fixture_json("hn_algolia_search.json");
    search["hits"][0]["_tags"] = json!(["story", "author_kaio", "story_48210001"]);
    let file = home.write("story.json", serde_json::to_vec(&search).unwrap());
    assert_eq!(
        Home::new().import_report(&file, &[])["not_messages"],
        json!({"story": 1})
    );
    let mut broken = fixture_json("hn_algolia_search.json");
    broken["hits"][2]
        .as_object_mut()
        .unwrap()
        .remove("comment_text");
    let file = home.write("broken.json", serde_json::to_vec(&broken).unwrap());
    let stderr = Home::new().import_refused(&file, &[]);
    assert!(stderr.contains("broken.json: hits[2].comment_text: missing"));
}

#[test]
fn reddit_mentions_replies_and_messages_with_entities_decoded() {
    let home = Home::new();
    home.write("config.toml", "[me]\nreddit = \"robin_vale\"\n");
    let inbox = home.import_report(&fixture("reddit_inbox.json"), &[]);
    assert_eq!(inbox["new_messages"], 4);
    assert_eq!(inbox["new_conversations"], 3);
    // The mentions listing repeats two of them: nothing new.
    let mentions = home.import_report(&fixture("reddit_mentions.json"), &[]);
    assert_eq!(
        (
            mentions["new_messages"].clone(),
            mentions["already_known"].clone()
        ),
        (json!(0), json!(2))
    );
    let (kind, text, title) = text_of(&home, "t1_n7wz81c");
    assert_eq!(kind, "mention");
    assert!(
        text.starts_with("> Any invoicing app that works offline?\n\nTallybook & a cheap laptop."),
        "{text}"
    );
    assert_eq!(
        title.as_deref(),
        Some("Any invoicing app that works offline?")
    );
    let (kind, _, title) = text_of(&home, "t4_2k9f0xq");
    assert_eq!(
        (kind.as_str(), title.as_deref()),
        ("dm", Some("Licence question"))
    );
    let (kind, ..) = text_of(&home, "t1_n7xr9vd");
    assert_eq!(kind, "reply");
    // Two comments on one post are one conversation.
    assert_eq!(
        home.count("SELECT message_count FROM conversations WHERE thread_key = 't3_1l9zq0b'"),
        2
    );
    // A private message's replies come along; a post in the listing is counted.
    let mut listing = fixture_json("reddit_inbox.json");
    let mut reply = listing["data"]["children"][2].clone();
    reply["data"]["name"] = json!("t4_2k9f0xr");
    // No id: the name says it.
    reply["data"].as_object_mut().unwrap().remove("id");
    reply["data"]["parent_id"] = json!("t4_2k9f0xq");
    reply["data"]["first_message_name"] = json!("t4_2k9f0xq");
    reply["data"]["created_utc"] = json!(1_781_250_900.0);
    reply["data"]["body"] = json!("also: is there a &lt;team&gt; plan?");
    listing["data"]["children"][2]["data"]["replies"] =
        json!({"kind": "Listing", "data": {"children": [reply]}});
    listing["data"]["children"]
        .as_array_mut()
        .unwrap()
        .push(json!({"kind": "t3", "data": {}}));
    // A comment without its context has no address rather than a wrong one.
    listing["data"]["children"][1]["data"]
        .as_object_mut()
        .unwrap()
        .remove("context");
    let fresh = Home::new();
    let file = fresh.write("nested.json", serde_json::to_vec(&listing).unwrap());
    let report = fresh.import_report(&file, &[]);
    assert_eq!(report["new_messages"], 5);
    assert_eq!(report["not_messages"], json!({"t3": 1}));
    assert_eq!(
        text_of(&fresh, "t4_2k9f0xr").1,
        "also: is there a <team> plan?"
    );
    assert_eq!(
        fresh.count("SELECT message_count FROM conversations WHERE thread_key = 't4_2k9f0xq'"),
        2
    );
    assert_eq!(
        fresh.text("SELECT url FROM messages WHERE external_id = 't4_2k9f0xr'"),
        "https://www.reddit.com/message/messages/2k9f0xr"
    );
    assert_eq!(
        fresh.count(
            "SELECT count(*) FROM messages WHERE external_id = 't1_n7xq2ka' AND url IS NULL"
        ),
        1
    );
    // A time past the year 9999 is refused, as the generic format refuses it.
    let mut future = fixture_json("reddit_inbox.json");
    future["data"]["children"][0]["data"]["created_utc"] = json!(1.0e12);
    let file = fresh.write("future.json", serde_json::to_vec(&future).unwrap());
    let stderr = Home::new().import_refused(&file, &[]);
    assert!(
        stderr.contains(
            "future.json: item 1 (t1_n7xr9vd): its time is outside the years 0001 to 9999"
        )
    );
    // A wrong type says where.
    let mut broken = fixture_json("reddit_inbox.json");
    broken["data"]["children"][1]["data"]["created_utc"] = json!("yesterday");
    let file = fresh.write("broken.json", serde_json::to_vec(&broken).unwrap());
    let stderr = Home::new().import_refused(&file, &[]);
    assert!(stderr.contains(
        "broken.json: data.children[1].data.created_utc: must be a number of seconds since 1970"
    ));
}

#[test]
fn a_hacker_news_item_is_the_same_comment_as_its_search_hit() {
    let home = Home::new();
    let item = home.import_report(&fixture("hn_firebase_item.json"), &[]);
    assert_eq!(item["new_messages"], 1);
    let (kind, text, _) = text_of(&home, "48213377");
    assert_eq!(kind, "comment");
    assert!(
        text.contains("bank's semicolon export.\n\nAuthor,"),
        "{text:?}"
    );
    // It waits under its parent (a provisional thread, until the parent
    // arrives); the search hit for it is the same comment, already known.
    assert_eq!(home.thread_of("48213377"), "48213001");
    let search = home.import_report(&fixture("hn_algolia_search.json"), &[]);
    assert_eq!(search["already_known"], 1);
    let mut story = fixture_json("hn_firebase_item.json");
    story["type"] = json!("story");
    let file = home.write("story.json", serde_json::to_vec(&story).unwrap());
    assert_eq!(
        Home::new().import_report(&file, &[])["not_messages"],
        json!({"story": 1})
    );
    let mut deleted = fixture_json("hn_firebase_item.json");
    deleted["deleted"] = json!(true);
    let file = home.write("deleted.json", serde_json::to_vec(&deleted).unwrap());
    let report = Home::new().import_report(&file, &[]);
    assert_eq!(report["not_messages"], json!({"deleted": 1}));
    assert_eq!(report["new_messages"], 0);
}
