//! The real binary on a store seeded so that each priority factor decides
//! one place in the queue: `tend inbox` order, scores, why and factors;
//! weights from the config; `tend search` syntax, filters and order.
#![allow(clippy::unwrap_used)]
// Scores are rounded to a tenth (factors to a hundredth): exact is meant.
#![allow(clippy::float_cmp)]

mod common;

use common::{Home, line, stdout_json};
use serde_json::Value;
use tend::model::Platform;
use tend::store::PersonSeed;

/// Now is 2026-06-13T12:00Z (`common::NOW`). Each conversation differs from
/// a plain mention waiting three hours in one way.
fn seeded(config: &str) -> Home {
    let home = Home::new();
    home.write("config.toml", config);
    let three_hours_ago = "2026-06-13T09:00:00Z";
    let mention = |id: &str, at: &str, text: &str, author: &str| {
        line("mastodon", id, at, text, &[("author_handle", author)])
    };
    let mut lines = vec![
        // Two plain mentions at the same instant: equal scores, equal waits,
        // so the conversation stored first goes first.
        mention("tie-b", three_hours_ago, "nice release", "tieb@x.social"),
        mention("tie-a", three_hours_ago, "nice release", "tiea@x.social"),
        line(
            "github",
            "old",
            "2026-06-12T10:00:00Z",
            "the importer drops rows",
            &[("author_handle", "octo")],
        ),
        mention(
            "cust",
            three_hours_ago,
            "thanks for the fix",
            "cust@example.social",
        ),
        // 20 hours of a 24-hour promise: due soon.
        mention(
            "soon",
            "2026-06-12T16:00:00Z",
            "small thing",
            "soon@x.social",
        ),
        // One person waiting twice: two days in one, three hours in the other.
        mention(
            "twice-old",
            "2026-06-11T12:00:00Z",
            "first try",
            "twice@x.social",
        ),
        mention("twice-new", three_hours_ago, "second try", "twice@x.social"),
        // On Mastodon, linked below to the same person's email address,
        // where five conversations were answered.
        mention(
            "regular-now",
            three_hours_ago,
            "hello again",
            "reg@x.social",
        ),
        line(
            "x",
            "dm",
            three_hours_ago,
            "hey there",
            &[("author_handle", "dmer"), ("kind", "dm")],
        ),
        line(
            "bluesky",
            "asker",
            three_hours_ago,
            "does it export to csv?",
            &[("author_handle", "asker.bsky.social")],
        ),
        line(
            "mastodon",
            "famous",
            three_hours_ago,
            "saw this, nice",
            &[
                ("author_handle", "star@big.social"),
                ("author_followers", "2000000"),
            ],
        ),
    ];
    for day in 1..=5 {
        let thread = format!("old-thread-{day}");
        lines.push(line(
            "email",
            &format!("regular-{day}"),
            &format!("2026-06-0{day}T09:00:00Z"),
            "a question about csv export",
            &[
                ("author_handle", "reg@example.com"),
                ("kind", "email"),
                ("thread_id", &thread),
            ],
        ));
        lines.push(line(
            "email",
            &format!("reply-{day}"),
            &format!("2026-06-0{day}T10:00:00Z"),
            "here you go",
            &[("thread_id", &thread), ("direction", "out")],
        ));
    }
    home.write("seed.jsonl", lines.join("\n"));
    home.import(home.path("seed.jsonl"));
    link_people(&home);
    home
}

/// The customer's tag, and the regular's two handles made one person.
fn link_people(home: &Home) {
    let now = "2026-06-13T11:00:00Z".parse().unwrap();
    let mut store = tend::store::Store::open(&home.db()).unwrap();
    let customer = store
        .link_person(
            &PersonSeed {
                handles: vec![(Platform::Mastodon, "cust@example.social".into())],
                tags: vec!["customer".into()],
                note: String::new(),
            },
            now,
        )
        .unwrap();
    assert!(customer > 0);
    store
        .link_person(
            &PersonSeed {
                handles: vec![
                    (Platform::Email, "reg@example.com".into()),
                    (Platform::Mastodon, "reg@x.social".into()),
                ],
                tags: Vec::new(),
                note: String::new(),
            },
            now,
        )
        .unwrap();
}

fn inbox(home: &Home) -> Vec<Value> {
    let output = home.tend().args(["inbox", "--json"]).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    stdout_json(&output).as_array().unwrap().clone()
}

fn external_ids(home: &Home, items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|item| {
            home.peek()
                .query_row(
                    "SELECT m.external_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
                     WHERE c.thread_key = ?1 AND m.direction = 'in' ORDER BY m.created_at DESC LIMIT 1",
                    [item["thread_id"].as_str().unwrap()],
                    |row| row.get(0),
                )
                .unwrap()
        })
        .collect()
}

#[test]
fn inbox_json_is_in_priority_order_with_score_why_and_factors() {
    let home = seeded("");
    let items = inbox(&home);
    assert_eq!(
        external_ids(&home, &items),
        [
            "twice-old",
            "old",
            "cust",
            "soon",
            "dm",
            "asker",
            "regular-now",
            "twice-new",
            "famous",
            "tie-b",
            "tie-a"
        ]
    );
    let scores: Vec<f64> = items.iter().map(|i| i["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert_eq!(scores[9], scores[10], "the last two tie");
    for key in [
        "thread_id",
        "platform",
        "author_handle",
        "author_display_name",
        "state",
        "waiting_since",
        "due_at",
        "sla_state",
        "score",
        "why",
        "preview",
        "factors",
    ] {
        assert!(
            items.iter().all(|item| item.get(key).is_some()),
            "key {key}"
        );
    }
    let why = |index: usize| items[index]["why"].clone();
    let factor = |index: usize, name: &str| items[index]["factors"][name].as_f64().unwrap();
    assert_eq!(
        why(0),
        serde_json::json!(["overdue 1d", "waiting 2d in 2 conversations"])
    );
    assert_eq!(
        factor(0, "sla"),
        80.0,
        "a whole window overdue counts double"
    );
    assert_eq!(why(1), serde_json::json!(["overdue 2h"]));
    assert_eq!(items[1]["sla_state"], "overdue");
    assert_eq!(items[1]["due_at"], "2026-06-13T10:00:00Z");
    assert_eq!(why(2), serde_json::json!(["customer"]));
    assert_eq!(factor(2, "relationship"), 30.0);
    assert_eq!(why(3), serde_json::json!(["due in 4h"]));
    assert_eq!(items[3]["sla_state"], "due_soon");
    assert_eq!(why(4), serde_json::json!(["direct message"]));
    assert_eq!(factor(4, "direct"), 15.0);
    assert_eq!(why(5), serde_json::json!(["asked a question"]));
    assert_eq!(factor(5, "question"), 10.0);
    // Answered by email, waiting on Mastodon: one person, depth counts both.
    assert_eq!(why(6), serde_json::json!(["5 past exchanges"]));
    assert!(factor(6, "depth") > 8.0);
    assert_eq!(
        why(7),
        serde_json::json!(["waiting 2d in 2 conversations"]),
        "the person's longest wait lifts their newer conversation"
    );
    assert!(factor(7, "waited") > factor(9, "waited"));
    assert_eq!(why(8), serde_json::json!(["2.0M followers"]));
    assert_eq!(factor(8, "reach"), 3.0, "reach is capped small");
    assert_eq!(why(9), serde_json::json!([]));
    // The factors add up to the score.
    for item in &items {
        let sum: f64 = item["factors"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_f64().unwrap())
            .sum();
        assert!(
            (sum - item["score"].as_f64().unwrap()).abs() < 0.051,
            "{item}"
        );
    }
    // The plain table is in the same order, with the budget's estimate.
    let table = home.tend().arg("inbox").output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.starts_with("11 open · 2 overdue · ≈ 22 min · 30 min left today\n"),
        "{table}"
    );
    let rows: Vec<&str> = table.lines().skip(1).collect();
    assert!(
        rows[0].contains("twice@x.social") && rows[1].contains("github"),
        "{table}"
    );
    assert!(
        !table.contains("fits in today's"),
        "everything fits: no divider"
    );
}

#[test]
fn weights_from_the_config_change_the_order() {
    let home = seeded("[priority]\nrelationship = 0\nquestion = 50\n");
    let items = inbox(&home);
    let order = external_ids(&home, &items);
    assert_eq!(&order[..3], ["twice-old", "asker", "old"], "{order:?}");
    let customer = items
        .iter()
        .position(|i| i["author_handle"] == "cust@example.social")
        .unwrap();
    assert_eq!(
        items[customer]["why"],
        serde_json::json!([]),
        "a factor weighed 0 says nothing"
    );
    assert_eq!(
        items[customer]["factors"]["relationship"].as_f64(),
        Some(0.0)
    );
    // A weight out of range is refused like any bad config.
    home.write("config.toml", "[priority]\ndepth = 500\n");
    let output = home.tend().args(["inbox", "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        format!(
            "tend: {}:2: priority.depth: 500 is out of range: expected whole points from 0 to 100\n",
            home.config().display()
        )
    );
}

#[test]
fn a_small_budget_draws_the_line_where_time_runs_out() {
    let home = seeded("[budget]\nminutes = 7\n");
    let table = home.tend().arg("inbox").output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].ends_with("≈ 22 min · 7 min left today"), "{table}");
    // Two minutes each without history: three fit in seven minutes.
    assert!(
        lines[4].starts_with("─── fits in today's 7 min ───"),
        "{table}"
    );
}

fn search(home: &Home, args: &[&str]) -> std::process::Output {
    home.tend().arg("search").args(args).output().unwrap()
}

#[test]
fn search_syntax_errors_are_one_line_and_exit_1() {
    let home = seeded("");
    for (query, message) in [
        (
            "platform:",
            "tend: search: platform: needs a value, e.g. platform:github\n",
        ),
        (
            "is:late",
            "tend: search: unknown is: value \"late\": use open, snoozed, answered, done, all, overdue or due-soon\n",
        ),
        (
            "platfrom:github",
            "tend: search: unknown filter \"platfrom:\": use platform:, is:, tag: or from: (quote a word to search for it)\n",
        ),
        (
            "tag:",
            "tend: search: tag: needs a value, e.g. tag:customer\n",
        ),
    ] {
        let output = search(&home, &[query]);
        assert_eq!(output.status.code(), Some(1), "{query}");
        assert_eq!(String::from_utf8(output.stderr).unwrap(), message);
        assert!(output.stdout.is_empty());
    }
    // Checked before the store is opened: no store is made for a typo.
    let empty = Home::new();
    assert_eq!(search(&empty, &["is:"]).status.code(), Some(1));
    assert!(!empty.db().exists());
}

#[test]
fn search_finds_words_newest_first_and_filters_narrow_it() {
    let home = seeded("");
    let found = |args: &[&str]| {
        let output = search(&home, &[args, &["--json"]].concat());
        assert!(output.status.success(), "{output:?}");
        stdout_json(&output)
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["at"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    // "csv" is in the asker's message and the regular's five old ones.
    let csv = found(&["csv"]);
    assert_eq!(csv.len(), 6);
    assert_eq!(csv[0], "2026-06-13T09:00:00Z", "newest first");
    assert!(csv.windows(2).all(|w| w[0] >= w[1]), "{csv:?}");
    assert_eq!(found(&["csv", "platform:email"]).len(), 5);
    assert_eq!(found(&["csv", "is:open"]).len(), 1);
    assert_eq!(found(&["csv", "from:asker"]).len(), 1);
    assert_eq!(found(&["expo"]).len(), 6, "the last word is a prefix");
    assert_eq!(found(&["\"export to csv\""]).len(), 1);
    // Filters alone list conversations: the queue's, in its order.
    assert_eq!(found(&["tag:customer"]), ["2026-06-13T09:00:00Z"]);
    assert_eq!(
        found(&["is:overdue"]),
        ["2026-06-11T12:00:00Z", "2026-06-12T10:00:00Z"],
        "in the queue's order"
    );
    assert_eq!(found(&["is:due-soon"]), ["2026-06-12T16:00:00Z"]);
    assert_eq!(found(&["is:answered"]).len(), 5);
    // Words and filters together: the promise is checked in the store,
    // before the limit, so nothing overdue is left out.
    assert_eq!(found(&["try", "is:overdue"]), ["2026-06-11T12:00:00Z"]);
    assert_eq!(found(&["try", "is:open"]).len(), 2);
    // A name or handle is a word like any other.
    assert_eq!(found(&["asker"]).len(), 1);
    // Fewer rows than match: still the newest (all matches were ranked).
    let two = found(&["csv", "--limit", "2"]);
    assert_eq!(two, ["2026-06-13T09:00:00Z", "2026-06-05T09:00:00Z"]);
    let text = String::from_utf8(search(&home, &["csv", "--limit", "2"]).stdout).unwrap();
    assert!(
        text.starts_with("6 messages (showing 2; --limit shows more)\n"),
        "{text}"
    );
    let text = String::from_utf8(search(&home, &["export"]).stdout).unwrap();
    assert!(text.starts_with("6 messages\n"), "{text}");
    let none = String::from_utf8(search(&home, &["zebra"]).stdout).unwrap();
    assert_eq!(none, "0 messages\n");
}
