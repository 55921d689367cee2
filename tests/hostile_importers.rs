//! Hostile input through every importer. The strings of
//! `tests/fixtures/hostile.jsonl` (text, handle, display name; the text again
//! as a title where a format has one) go into the fields each importer reads,
//! in files built here from the real fixtures. Each file is imported with the
//! real binary; then `tend inbox` and `tend search` must print nothing a
//! terminal would act on, the session drawn on the store must send the
//! terminal nothing but text, cursor moves and colours, and the store must
//! hold the text as it was received (made safe only where it is shown).
#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::Write as _;

use base64::Engine as _;
use common::screen::{Seen, app_on, key, render, rows, type_text};
use common::{Home, fixture, fixture_json};
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use serde_json::{Value, json};
use tend::config::Config;
use tend::store::Store;
use tend::tui::app::{App, Mode};
use tend::tui::layout::Areas;

/// One record of the hostile corpus.
struct Hostile {
    handle: String,
    name: String,
    text: String,
}

fn corpus() -> Vec<Hostile> {
    let source = std::fs::read_to_string(fixture("hostile.jsonl")).unwrap();
    let corpus: Vec<Hostile> = source
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let record: Value = serde_json::from_str(line).unwrap();
            let field = |name: &str| record[name].as_str().unwrap().to_owned();
            Hostile {
                handle: field("author_handle"),
                name: field("author_display_name"),
                text: field("text"),
            }
        })
        .collect();
    assert!(corpus.len() >= 14, "the hostile fixture lost records");
    corpus
}

/// What the store must hold for one imported message.
#[derive(Debug, PartialEq)]
struct Stored {
    text: String,
    handle: Option<String>,
    name: Option<String>,
    title: Option<String>,
}

/// A file to import and what each of its hostile messages must be stored as.
struct Built {
    file: &'static str,
    contents: Vec<u8>,
    expected: Vec<(String, Stored)>,
    /// Whether the hostile messages are other people's, waiting in the queue
    /// (an archive of your own tweets is not).
    inbound: bool,
}

/// A character a terminal acts on or that reorders what it shows (R1); a
/// newline is the only control plain output may contain.
fn forbidden(c: char) -> bool {
    (c.is_ascii_control() && c != '\n')
        || ('\u{80}'..='\u{9f}').contains(&c)
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// Characters HTML escapes, and (`controls`) every control and bidi
/// character as a numeric entity, which decodes to the raw character.
fn html_escape(text: &str, controls: bool) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if controls && forbidden(c) && !matches!(c, '\t' | '\r') => {
                write!(out, "&#x{:X};", u32::from(c)).unwrap();
            }
            c => out.push(c),
        }
    }
    out
}

/// The text a browser shows for a paragraph of escaped `text`: runs of HTML
/// whitespace (space, tab, LF, FF, CR) are one space, none at the ends.
/// Nothing else changes: other characters, controls included, are text.
fn html_shown(text: &str) -> String {
    let html_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r');
    let mut out = String::new();
    let mut space = false;
    for c in text.chars() {
        if html_space(c) {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// What Reddit (without `raw_json=1`) and X archives escape.
fn amp_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn stored(text: &str, handle: Option<&str>, name: Option<&str>, title: Option<&str>) -> Stored {
    Stored {
        text: text.to_owned(),
        handle: handle.map(str::to_owned),
        name: name.map(str::to_owned),
        title: title.map(str::to_owned),
    }
}

fn json_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(value).unwrap()
}

fn minute(index: usize) -> String {
    format!("2026-06-12T11:{index:02}:00Z")
}

// ---------------------------------------------------------------- the files

/// Generic JSONL: the fixture's records, then one hostile record each,
/// shaped like the fixture's first.
fn generic_jsonl(corpus: &[Hostile]) -> Built {
    let source = std::fs::read_to_string(fixture("generic.jsonl")).unwrap();
    let template: Value = serde_json::from_str(source.lines().next().unwrap()).unwrap();
    let mut contents = source.clone();
    if !contents.ends_with('\n') {
        contents.push('\n');
    }
    let mut expected = Vec::new();
    for (index, h) in corpus.iter().enumerate() {
        let mut record = template.clone();
        let object = record.as_object_mut().unwrap();
        object.remove("thread_id");
        object.remove("parent_id");
        let id = format!("hostile-jsonl-{index}");
        object.insert("external_id".into(), json!(id));
        object.insert("created_at".into(), json!(minute(index)));
        object.insert("author_handle".into(), json!(h.handle));
        object.insert("author_display_name".into(), json!(h.name));
        object.insert("title".into(), json!(h.text));
        object.insert("text".into(), json!(h.text));
        contents.push_str(&record.to_string());
        contents.push('\n');
        expected.push((
            id,
            stored(&h.text, Some(&h.handle), Some(&h.name), Some(&h.text)),
        ));
    }
    Built {
        file: "hostile.jsonl",
        contents: contents.into_bytes(),
        expected,
        inbound: true,
    }
}

/// Generic CSV: the fixture's header and rows, then one hostile row each
/// (quoted cells holding tabs, CR LF, lone CR, NUL, ESC, bidi).
fn generic_csv(corpus: &[Hostile]) -> Built {
    let mut reader = csv::Reader::from_path(fixture("generic.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for row in &rows {
        writer.write_record(row).unwrap();
    }
    let template = &rows[0];
    let mut expected = Vec::new();
    for (index, h) in corpus.iter().enumerate() {
        let id = format!("hostile-csv-{index}");
        let row: Vec<String> = header
            .iter()
            .zip(template)
            .map(|(column, value)| match column {
                "external_id" => id.clone(),
                "thread_id" | "parent_id" => String::new(),
                "created_at" => minute(index),
                "author_handle" => h.handle.clone(),
                "author_display_name" => h.name.clone(),
                "title" | "text" => h.text.clone(),
                _ => value.to_owned(),
            })
            .collect();
        writer.write_record(&row).unwrap();
        expected.push((
            id,
            stored(&h.text, Some(&h.handle), Some(&h.name), Some(&h.text)),
        ));
    }
    Built {
        file: "hostile.csv",
        contents: writer.into_inner().unwrap(),
        expected,
        inbound: true,
    }
}

/// Mastodon notifications: the fixture's page, then hostile mentions shaped
/// like its first one; the content is HTML with every control character as
/// a numeric entity (they decode to the raw character).
fn mastodon(corpus: &[Hostile]) -> Built {
    let mut page = fixture_json("mastodon_notifications_page1.json");
    let template = page[0].clone();
    let mut expected = Vec::new();
    for (index, h) in corpus.iter().enumerate() {
        let mut notification = template.clone();
        let uri = format!("https://hostile.example/users/h{index}/statuses/{index}");
        notification["id"] = json!(format!("99{index}"));
        notification["created_at"] = json!(minute(index));
        for account in [&["account"][..], &["status", "account"]] {
            let account = account
                .iter()
                .fold(&mut notification, |value, key| &mut value[*key]);
            account["id"] = json!(format!("55{index}"));
            account["uri"] = json!(format!("https://hostile.example/users/h{index}"));
            account["url"] = json!(format!("https://hostile.example/@h{index}"));
            account["acct"] = json!(h.handle);
            account["display_name"] = json!(h.name);
        }
        let status = &mut notification["status"];
        status["id"] = json!(format!("77{index}"));
        status["uri"] = json!(uri);
        status["created_at"] = json!(minute(index));
        status["in_reply_to_id"] = Value::Null;
        status["in_reply_to_account_id"] = Value::Null;
        status["content"] = json!(format!("<p>{}</p>", html_escape(&h.text, true)));
        expected.push((
            uri,
            stored(&html_shown(&h.text), Some(&h.handle), Some(&h.name), None),
        ));
        page.as_array_mut().unwrap().push(notification);
    }
    Built {
        file: "mastodon.json",
        contents: json_bytes(&page),
        expected,
        inbound: true,
    }
}

/// Bluesky listNotifications: hostile mentions shaped like the fixture's.
fn bluesky(corpus: &[Hostile]) -> Built {
    let mut page = fixture_json("bluesky_listNotifications.json");
    let template = page["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["reason"] == "mention")
        .unwrap()
        .clone();
    let mut expected = Vec::new();
    for (index, h) in corpus.iter().enumerate() {
        let mut notification = template.clone();
        let uri = format!("at://did:plc:hostile{index}/app.bsky.feed.post/h{index}");
        notification["uri"] = json!(uri);
        notification["author"]["did"] = json!(format!("did:plc:hostile{index}"));
        notification["author"]["handle"] = json!(h.handle);
        notification["author"]["displayName"] = json!(h.name);
        let record = notification["record"].as_object_mut().unwrap();
        record.remove("facets");
        record.remove("reply");
        record.insert("text".into(), json!(h.text));
        record.insert("createdAt".into(), json!(minute(index)));
        expected.push((uri, stored(&h.text, Some(&h.handle), Some(&h.name), None)));
        page["notifications"]
            .as_array_mut()
            .unwrap()
            .push(notification);
    }
    Built {
        file: "bluesky.json",
        contents: json_bytes(&page),
        expected,
        inbound: true,
    }
}

/// GitHub issue comments: the fixture's comment, then hostile ones on an
/// issue each; the login (GitHub has no display name) is the hostile name,
/// the issue's title the hostile text. GitHub's CR LF becomes LF.
fn github(corpus: &[Hostile]) -> Built {
    let template = fixture_json("github_issue_comment.json");
    let mut comments = vec![template.clone()];
    let mut expected = Vec::new();
    for (index, h) in corpus.iter().enumerate() {
        let mut comment = template.clone();
        let id = format!("IC_hostile{index}");
        let issue = 900 + index;
        comment["node_id"] = json!(id);
        comment["issue_url"] = json!(format!(
            "https://api.github.com/repos/tallybook/tallybook/issues/{issue}"
        ));
        comment["html_url"] = json!(format!(
            "https://github.com/tallybook/tallybook/issues/{issue}#issuecomment-{index}"
        ));
        comment["created_at"] = json!(minute(index));
        comment["user"]["login"] = json!(h.name);
        comment["user"]["id"] = json!(5_000_000 + index);
        comment["body"] = json!(h.text);
        comment["title"] = json!(h.text);
        expected.push((
            id,
            stored(
                &h.text.replace("\r\n", "\n"),
                Some(&h.name),
                None,
                Some(&h.text),
            ),
        ));
        comments.push(comment);
    }
    Built {
        file: "github.json",
        contents: json_bytes(&Value::Array(comments)),
        expected,
        inbound: true,
    }
}

/// Hacker News (Algolia): hostile comment hits on a story each; the comment
/// is HTML with the controls raw, the author the hostile name, the story
/// title the hostile text.
fn hackernews(corpus: &[Hostile]) -> Built {
    let mut page = fixture_json("hn_algolia_search.json");
    let template = page["hits"][0].clone();
    let mut expected = Vec::new();
    for (index, h) in corpus.iter().enumerate() {
        let mut hit = template.clone();
        let id = format!("4900{index:02}");
        let story = 48_300_000 + index;
        hit["objectID"] = json!(id);
        hit["story_id"] = json!(story);
        hit["parent_id"] = json!(story);
        hit["_tags"] = json!(["comment", format!("story_{story}")]);
        hit["author"] = json!(h.name);
        hit["comment_text"] = json!(html_escape(&h.text, false));
        hit["story_title"] = json!(h.text);
        hit["created_at"] = json!(minute(index));
        hit.as_object_mut().unwrap().remove("_highlightResult");
        expected.push((
            id,
            stored(&html_shown(&h.text), Some(&h.name), None, Some(&h.text)),
        ));
        page["hits"].as_array_mut().unwrap().push(hit);
    }
    Built {
        file: "hn.json",
        contents: json_bytes(&page),
        expected,
        inbound: true,
    }
}

/// Reddit inbox: hostile comment replies and private messages (in turn),
/// with Reddit's `&amp; &lt; &gt;` escaping; the author is the hostile
/// name, the post title or subject the hostile text.
fn reddit(corpus: &[Hostile]) -> Built {
    let mut listing = fixture_json("reddit_inbox.json");
    let children = listing["data"]["children"].as_array().unwrap().clone();
    let comment = children.iter().find(|c| c["kind"] == "t1").unwrap().clone();
    let private = children.iter().find(|c| c["kind"] == "t4").unwrap().clone();
    let mut expected = Vec::new();
    for (index, h) in corpus.iter().enumerate() {
        let mut child = if index % 2 == 0 {
            comment.clone()
        } else {
            private.clone()
        };
        let kind = child["kind"].as_str().unwrap().to_owned();
        let name = format!("{kind}_hostile{index}");
        let data = &mut child["data"];
        data["name"] = json!(name);
        data["id"] = json!(format!("hostile{index}"));
        data["author"] = json!(h.name);
        data["author_fullname"] = json!(format!("t2_hostile{index}"));
        data["body"] = json!(amp_escape(&h.text));
        data["created_utc"] = json!(1_781_265_600 + index * 60);
        if kind == "t1" {
            data["link_title"] = json!(amp_escape(&h.text));
            data["context"] = json!(format!(
                "/r/selfhosted/comments/h{index}/hostile/hostile{index}/?context=3"
            ));
            data["parent_id"] = json!(format!("t3_h{index}"));
        } else {
            data["subject"] = json!(amp_escape(&h.text));
        }
        expected.push((name, stored(&h.text, Some(&h.name), None, Some(&h.text))));
        listing["data"]["children"]
            .as_array_mut()
            .unwrap()
            .push(child);
    }
    Built {
        file: "reddit.json",
        contents: json_bytes(&listing),
        expected,
        inbound: true,
    }
}

/// An X archive file: `window.YTD.<name>.part0 = ` and the JSON.
fn x_archive(name: &str, items: &Value) -> Vec<u8> {
    format!(
        "window.YTD.{name}.part0 = {}",
        serde_json::to_string_pretty(items).unwrap()
    )
    .into_bytes()
}

/// The JSON inside an X archive fixture.
fn x_fixture(name: &str) -> Value {
    let bytes = std::fs::read(fixture(name)).unwrap();
    let equals = bytes.iter().position(|&b| b == b'=').unwrap();
    serde_json::from_slice(&bytes[equals + 1..]).unwrap()
}

/// X `tweets.js`: your own tweets (no author), HTML-escaped as the archive
/// writes them.
fn x_tweets(corpus: &[Hostile]) -> Built {
    let mut items = x_fixture("x_archive_tweets.js");
    let template = items
        .as_array()
        .unwrap()
        .iter()
        .find(|item| {
            !item["tweet"]["full_text"]
                .as_str()
                .unwrap()
                .starts_with("RT @")
        })
        .unwrap()
        .clone();
    let mut expected = Vec::new();
    for (index, h) in corpus.iter().enumerate() {
        let mut item = template.clone();
        let id = format!("99000000000000000{index:02}");
        let tweet = item["tweet"].as_object_mut().unwrap();
        tweet.retain(|key, _| !key.starts_with("in_reply_to"));
        tweet.insert("id_str".into(), json!(id));
        tweet.insert("id".into(), json!(id));
        tweet.insert(
            "created_at".into(),
            json!(format!("Fri Jun 12 11:{index:02}:00 +0000 2026")),
        );
        tweet.insert("full_text".into(), json!(amp_escape(&h.text)));
        expected.push((id, stored(&h.text, None, None, None)));
        items.as_array_mut().unwrap().push(item);
    }
    Built {
        file: "tweets.js",
        contents: x_archive("tweets", &items),
        expected,
        inbound: false,
    }
}

/// X `direct-messages.js`: a conversation with each hostile sender (ids
/// only: X DMs carry no handle), the user being the id every conversation
/// of the fixture shares.
fn x_direct_messages(corpus: &[Hostile]) -> Built {
    let mut items = x_fixture("x_archive_direct-messages.js");
    let template = items[0].clone();
    let me = "1388112233445566778";
    assert!(
        template["dmConversation"]["conversationId"]
            .as_str()
            .unwrap()
            .contains(me)
    );
    let message = template["dmConversation"]["messages"][0].clone();
    let mut expected = Vec::new();
    for (index, h) in corpus.iter().enumerate() {
        let sender = format!("17000000000000000{index:02}");
        let id = format!("88000000000000000{index:02}");
        let mut create = message.clone();
        let fields = &mut create["messageCreate"];
        fields["senderId"] = json!(sender);
        fields["recipientId"] = json!(me);
        fields["id"] = json!(id);
        fields["createdAt"] = json!(minute(index));
        fields["urls"] = json!([]);
        fields["text"] = json!(amp_escape(&h.text));
        let mut conversation = template.clone();
        conversation["dmConversation"]["conversationId"] = json!(format!("{me}-{sender}"));
        conversation["dmConversation"]["messages"] = json!([create]);
        expected.push((id, stored(&h.text, None, None, None)));
        items.as_array_mut().unwrap().push(conversation);
    }
    Built {
        file: "direct-messages.js",
        contents: x_archive("direct_messages", &items),
        expected,
        inbound: true,
    }
}

/// RFC 2047 encoded words for `text` (UTF-8, base64), folded so no line
/// runs long; adjacent encoded words join without the space between them.
fn encoded_words(text: &str) -> String {
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words
        .iter()
        .map(|word| {
            format!(
                "=?UTF-8?B?{}?=",
                base64::engine::general_purpose::STANDARD.encode(word)
            )
        })
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// An mbox: the fixture's messages, then one hostile email each (name and
/// subject as encoded words, the body base64 UTF-8).
fn mbox(corpus: &[Hostile]) -> Built {
    let mut contents = std::fs::read(fixture("sample.mbox")).unwrap();
    if !contents.ends_with(b"\n") {
        contents.push(b'\n');
    }
    let mut expected = Vec::new();
    for (index, h) in corpus.iter().enumerate() {
        let id = format!("hostile-{index}@hostile.example");
        let body = base64::engine::general_purpose::STANDARD.encode(&h.text);
        let body: Vec<&str> = body
            .as_bytes()
            .chunks(76)
            .map(|line| std::str::from_utf8(line).unwrap())
            .collect();
        let message = format!(
            "\nFrom {handle} Fri Jun 12 11:{index:02}:00 2026\r\n\
             Date: Fri, 12 Jun 2026 11:{index:02}:00 +0000\r\n\
             From: {name} <{handle}>\r\n\
             To: Robin Vale <robin@tallybook.example>\r\n\
             Subject: {subject}\r\n\
             Message-ID: <{id}>\r\n\
             MIME-Version: 1.0\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\
             Content-Transfer-Encoding: base64\r\n\
             \r\n\
             {body}\r\n",
            handle = h.handle,
            name = encoded_words(&h.name),
            subject = encoded_words(&h.text),
            body = body.join("\r\n"),
        );
        contents.extend_from_slice(message.as_bytes());
        expected.push((
            id,
            stored(
                &h.text.replace("\r\n", "\n"),
                Some(&h.handle),
                Some(h.name.trim()),
                Some(&h.text),
            ),
        ));
    }
    Built {
        file: "hostile.mbox",
        contents,
        expected,
        inbound: true,
    }
}

// ---------------------------------------------------------------- the checks

/// The first forbidden characters of `output`, with where they are.
fn unsafe_characters(output: &[u8]) -> Vec<String> {
    let text = String::from_utf8(output.to_vec()).expect("output is UTF-8");
    text.char_indices()
        .filter(|(_, c)| forbidden(*c))
        .take(10)
        .map(|(at, c)| {
            let before: String = text[..at].chars().rev().take(30).collect();
            let before: String = before.chars().rev().collect();
            format!("{c:?} at byte {at} after {before:?}")
        })
        .collect()
}

/// Runs `tend ARGS`, which must succeed; its standard output, checked
/// (with standard error) for anything a terminal would act on.
fn plain(home: &Home, what: &str, args: &[&str]) -> String {
    let output = home.tend().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{what}: tend {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let bad = unsafe_characters(bytes);
        assert!(
            bad.is_empty(),
            "{what}: tend {args:?} wrote to {stream}: {bad:#?}"
        );
    }
    String::from_utf8(output.stdout).unwrap()
}

/// A session on the store, drawn as the bytes a real terminal would get.
struct Session {
    app: App,
    seen: Seen,
    parser: vte::Parser,
    frames: usize,
}

impl Session {
    fn draw(&mut self) {
        let (width, height) = self.app.size;
        let bytes = common::screen::terminal_bytes(&self.app, width, height);
        self.parser.advance(&mut self.seen, &bytes);
        self.frames += 1;
        self.columns_stay_aligned();
    }

    /// The same frame in a `TestBackend`: every row of the list keeps its
    /// columns (the space before the message is where it is on every row:
    /// a name too wide for its column would cover it)
    /// and the pane borders stay put, whatever widths the text has.
    fn columns_stay_aligned(&self) {
        let app = &self.app;
        let (width, height) = app.size;
        let areas = Areas::of(Rect::new(0, 0, width, height), app.shown());
        // Menus and boxes cover the list; they are drawn, not checked here.
        let covered = !matches!(app.mode, Mode::Browse | Mode::Reply);
        if areas.too_small || app.queue.is_empty() || covered {
            return;
        }
        let terminal = common::screen::render(app, width, height);
        let buffer = terminal.backend().buffer();
        let list = areas.list;
        let (platform, person) = if list.width >= 44 { (11, 16) } else { (5, 10) };
        let gap = list.x + 1 + 6 + platform + person;
        for y in list.y..list.bottom() {
            let row: String = (list.x..list.right())
                .map(|x| buffer[(x, y)].symbol())
                .collect();
            if row.trim().is_empty() || row.contains("───") {
                continue;
            }
            let shown = |x: u16| buffer[(x, y)].symbol().to_owned();
            assert_eq!(shown(gap), " ", "column {gap} of {row:?}");

            for x in [areas.queue.x, areas.queue.right() - 1, areas.conversation.x] {
                assert_eq!(shown(x), "│", "border column {x} beside {row:?}");
            }
        }
    }

    /// Every row of the list in turn, drawn, then with the reply box open
    /// (a line typed into it) and drawn again.
    fn walk(&mut self) -> usize {
        let rows = self.app.queue.len();
        key(&mut self.app, KeyCode::Char('g'));
        for _ in 0..rows {
            self.draw();
            self.widgets_get_only_safe_text();
            self.newest_message_shows();
            key(&mut self.app, KeyCode::Enter);
            assert_eq!(self.app.mode, Mode::Reply);
            type_text(&mut self.app, "ok 👍");
            self.draw();
            key(&mut self.app, KeyCode::Esc);
            key(&mut self.app, KeyCode::Char('j'));
        }
        rows
    }
}

impl Session {
    /// The right pane's conversation: there is one whenever a row is
    /// selected (none only for an empty list).
    fn shown_detail(&self) -> Option<&tend::tui::app::Detail> {
        self.app.selected_item()?;
        let detail = self.app.detail.as_ref();
        assert!(
            detail.is_some(),
            "a row is selected but the pane shows nothing"
        );
        detail
    }

    /// What the right pane hands its widget is already safe: the check does
    /// not lean on ratatui, which drops some control characters itself.
    fn widgets_get_only_safe_text(&self) {
        let Some(detail) = self.shown_detail() else {
            return;
        };
        for line in &detail.wrapped.lines {
            let line = line.to_string();
            assert!(
                !line.chars().any(forbidden),
                "{:?}: the thread pane draws {line:?}",
                self.app.selected_item().map(|item| &item.thread_id)
            );
        }
    }

    /// A conversation opens at its newest message, the one waiting for an
    /// answer: some of it is in the thread pane, whatever else is around it.
    fn newest_message_shows(&self) {
        let app = &self.app;
        let Some(detail) = self.shown_detail() else {
            return;
        };
        let &(_, start) = detail
            .wrapped
            .starts
            .last()
            .expect("a conversation has messages, so its thread starts somewhere");
        // A message ends at the blank line after it.
        let end = (start + 1..detail.wrapped.lines.len())
            .find(|&line| detail.wrapped.lines[line].spans.is_empty())
            .unwrap_or(detail.wrapped.lines.len());
        let (width, height) = app.size;
        let pane = Areas::of(Rect::new(0, 0, width, height), app.shown()).thread;
        let top = usize::from(app.thread_scroll);
        let bottom = top + usize::from(pane.height);
        let shown: Vec<String> = detail.wrapped.lines
            [top.min(detail.wrapped.lines.len())..bottom.min(detail.wrapped.lines.len())]
            .iter()
            .take(6)
            .map(|line| {
                format!(
                    "  {}",
                    line.to_string().chars().take(60).collect::<String>()
                )
            })
            .collect();
        assert!(
            start < bottom && end > top,
            "{:?}: the newest message (lines {start}..{end}) is not in view (lines {top}..{bottom} of {}):\n{}",
            app.selected_item().map(|item| &item.thread_id),
            detail.wrapped.lines.len(),
            shown.join("\n")
        );
    }
}

/// The session on `home`'s store at `width`×`height`: the queue, then every
/// stored conversation (`/is:all`), each row drawn with and without the
/// reply box; then the tag menu, the note box and help over the last one.
fn session_on(home: &Home, what: &str, width: u16, height: u16) -> Seen {
    let store = Store::open(&home.db()).unwrap();
    let app = app_on(store, Config::default(), width, height);
    let mut session = Session {
        app,
        seen: Seen::default(),
        parser: vte::Parser::new(),
        frames: 0,
    };
    session.draw();
    session.walk();
    key(&mut session.app, KeyCode::Char('/'));
    type_text(&mut session.app, "is:all");
    session.draw();
    key(&mut session.app, KeyCode::Enter);
    let all = session.walk();
    assert!(all >= 14, "{what}: is:all lists {all} rows");
    for open in ['t', 'n', '?'] {
        key(&mut session.app, KeyCode::Char(open));
        session.draw();
        key(&mut session.app, KeyCode::Esc);
    }
    assert!(session.frames > 2 * all, "{what}");
    session.seen
}

fn check(make: fn(&[Hostile]) -> Built) {
    let built = make(&corpus());
    let what = built.file;
    let home = Home::new();
    let file = home.write(built.file, &built.contents);
    let imported = home.import(&file).get_output().clone();
    for bytes in [&imported.stdout, &imported.stderr] {
        let bad = unsafe_characters(bytes);
        assert!(bad.is_empty(), "{what}: tend import wrote {bad:#?}");
    }
    for (id, _) in &built.expected {
        assert_eq!(
            home.peek()
                .query_row(
                    "SELECT count(*) FROM messages WHERE external_id = ?1",
                    [id],
                    |row| row.get::<_, i64>(0)
                )
                .unwrap(),
            1,
            "{what}: {id} was not imported"
        );
    }

    // (a) Plain output: the queue and searches, the attacks shown defused.
    let inbox = plain(&home, what, &["inbox"]);
    if built.inbound {
        assert!(
            inbox.contains("␛"),
            "{what}: the inbox shows no attack:\n{inbox}"
        );
    }
    plain(&home, what, &["search", "is:all", "--limit", "1000"]);
    let nice = plain(&home, what, &["search", "nice"]);
    assert!(nice.contains("␛]52;c;ZWNobyBwd25lZA==␇"), "{what}:\n{nice}");
    let hidden = plain(&home, what, &["search", "hidden"]);
    assert!(
        hidden.contains("line one␛[2J␛[H␛[31mRED"),
        "{what}:\n{hidden}"
    );
    for word in [
        "pwned", "invoice", "esrever", "family", "col2", "evil", "see",
    ] {
        let found = plain(&home, what, &["search", word]);
        assert!(!found.starts_with("0 "), "{what}: {word}: {found}");
    }
    plain(&home, what, &["inbox", "--json"]);
    plain(
        &home,
        what,
        &["search", "--json", "is:all", "--limit", "1000"],
    );

    // (b) The session: nothing but text, cursor moves and colours.
    for (width, height) in [(120, 40), (80, 24)] {
        let seen = session_on(&home, what, width, height);
        assert!(
            seen.bad.is_empty(),
            "{what} at {width}x{height}: the terminal was sent {:?}",
            &seen.bad[..seen.bad.len().min(10)]
        );
        let printed: Vec<char> = seen.text.chars().filter(|c| forbidden(*c)).collect();
        assert!(
            printed.is_empty(),
            "{what} at {width}x{height}: printed {printed:?}"
        );
        assert!(
            seen.text.contains("␛]52;c;ZWNobyBwd25lZA==␇"),
            "{what} at {width}x{height}: the OSC 52 message was not drawn, defused"
        );
    }

    // (c) The store holds what was received, not what is shown.
    let peek = home.peek();
    let mut different = Vec::new();
    for (id, want) in &built.expected {
        let got = peek
            .query_row(
                "SELECT text, author_handle, author_display_name, title
                 FROM messages WHERE external_id = ?1",
                [id],
                |row| {
                    Ok(Stored {
                        text: row.get(0)?,
                        handle: row.get(1)?,
                        name: row.get(2)?,
                        title: row.get(3)?,
                    })
                },
            )
            .unwrap();
        if got != *want {
            different.push(format!("{id}:\n  stored   {got:?}\n  received {want:?}"));
        }
    }
    assert!(
        different.is_empty(),
        "{what}: not stored as received:\n{}",
        different.join("\n")
    );
}

#[test]
fn generic_jsonl_import() {
    check(generic_jsonl);
}

#[test]
fn generic_csv_import() {
    check(generic_csv);
}

#[test]
fn mastodon_notifications_import() {
    check(mastodon);
}

#[test]
fn bluesky_notifications_import() {
    check(bluesky);
}

#[test]
fn github_issue_comments_import() {
    check(github);
}

#[test]
fn hacker_news_algolia_import() {
    check(hackernews);
}

#[test]
fn reddit_inbox_import() {
    check(reddit);
}

#[test]
fn x_archive_tweets_import() {
    check(x_tweets);
}

#[test]
fn x_archive_direct_messages_import() {
    check(x_direct_messages);
}

#[test]
fn mbox_import() {
    check(mbox);
}

/// One person, two conversations: an old one whose title is the corpus's
/// ten-thousand-character word, and a new message. Opening the new one shows
/// the new message, not the old conversation's title: a title elsewhere
/// cannot push what waits for an answer off the screen.
#[test]
fn a_huge_title_elsewhere_does_not_hide_the_message_waiting() {
    let corpus = corpus();
    let long = corpus
        .iter()
        .find(|h| h.handle.starts_with("longword@"))
        .unwrap();
    let home = Home::new();
    let lines = [
        common::line(
            "github",
            "old",
            "2026-06-01T10:00:00Z",
            "an old issue",
            &[
                ("author_handle", "mallory"),
                ("thread_id", "acme/app#1"),
                ("title", &long.text),
            ],
        ),
        common::line(
            "github",
            "new",
            "2026-06-12T10:00:00Z",
            "the question waiting for an answer",
            &[("author_handle", "mallory"), ("thread_id", "acme/app#2")],
        ),
    ];
    let file = home.write("two.jsonl", lines.join("\n"));
    home.import(&file);
    let store = Store::open(&home.db()).unwrap();
    let mut session = Session {
        app: app_on(store, Config::default(), 120, 40),
        seen: Seen::default(),
        parser: vte::Parser::new(),
        frames: 0,
    };
    let newest = session
        .app
        .queue
        .iter()
        .position(|item| item.thread_id == "acme/app#2")
        .unwrap();
    for _ in 0..newest {
        key(&mut session.app, KeyCode::Char('j'));
    }
    session.newest_message_shows();
    let screen = rows(&render(&session.app, 120, 40)).join("\n");
    assert!(
        screen.contains("the question waiting for an answer"),
        "{screen}"
    );
}
