//! The session rendered headless: whole-screen snapshots (fixed clock, the
//! demo week) at 80×24 and 160×48, pane checks on the buffer, action
//! sequences on the app, and the bytes a hostile corpus puts on a terminal.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::screen::*;

use ratatui::crossterm::event::KeyCode;
use tend::budget::Reading;
use tend::config::Config;
use tend::demo::Demo;
use tend::store::Store;
use tend::tui::app::{App, Event, Mode};
use tend::tui::keymap::Keymap;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

/// The demo at each size, after `keys`, as a snapshot named `name_WxH`.
fn snapshot_demo_after(name: &str, keys: impl Fn(&mut App)) {
    for (width, height) in SIZES {
        let (mut app, _dir) = demo_app(width, height);
        keys(&mut app);
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            render(&app, width, height).backend()
        );
    }
}

#[test]
fn snapshot_queue_with_thread() {
    snapshot_demo_after("queue", |app| {
        key(app, KeyCode::Char('j'));
        key(app, KeyCode::Char('j'));
    });
}

#[test]
fn snapshot_reply_box_with_text() {
    snapshot_demo_after("reply", |app| {
        key(app, KeyCode::Char('j'));
        key(app, KeyCode::Char('j'));
        key(app, KeyCode::Enter);
        type_text(
            app,
            "Yes! 0.10 fixed it: search is instant now, even with 900 clients 🙂",
        );
        key(app, KeyCode::Enter);
        type_text(app, "Thanks for testing — 日本語 works too.");
    });
}

#[test]
fn snapshot_help_overlay() {
    snapshot_demo_after("help", |app| {
        key(app, KeyCode::Char('?'));
    });
}

#[test]
fn snapshot_too_small_and_recovering() {
    let (mut app, _dir) = demo_app(50, 10);
    insta::assert_snapshot!("too_small_50x10", render(&app, 50, 10).backend());
    for (width, height) in SIZES {
        app.update(Event::Resize(width, height)).unwrap();
        let screen = rows(&render(&app, width, height));
        assert!(
            screen[0].starts_with("┌ Queue (21 open · 13 overdue)"),
            "{width}x{height}: {}",
            screen[0]
        );
    }
    // Degenerate sizes: a tiny screen still says why it shows nothing, a huge
    // one draws the panes (0×0 and 1×1 have no room for either, only no panic).
    render(&app, 0, 0);
    render(&app, 1, 1);
    let tiny = rows(&render(&app, 10, 3)).join("\n");
    assert!(tiny.contains("Terminal"), "{tiny}");
    let huge = rows(&render(&app, 500, 200));
    assert!(
        huge[0].starts_with("┌ Queue (21 open · 13 overdue)"),
        "{}",
        huge[0].chars().take(80).collect::<String>()
    );
    assert!(
        huge[199].trim_end().ends_with("q quit"),
        "the status bar is on the last row"
    );
}

#[test]
fn snapshot_inbox_zero() {
    for (width, height) in SIZES {
        let (app, _dir) = empty_app(width, height);
        insta::assert_snapshot!(
            format!("inbox_zero_{width}x{height}"),
            render(&app, width, height).backend()
        );
    }
}

#[test]
fn panes_show_what_they_should() {
    let (mut app, _dir) = demo_app(80, 24);
    let screen = rows(&render(&app, 80, 24));
    assert!(
        screen[1].starts_with("│▶4d!   mail Hendrik V… we're …││why overdue 2d · lead · asked"),
        "{}",
        screen[1]
    );
    // The thread opens at its newest message, the one waiting for an answer.
    assert!(
        screen
            .iter()
            .any(|row| row.contains("PO number on it. Possible?")),
        "{}",
        screen.join("\n")
    );
    assert!(
        screen[23].starts_with(" ◷ 30:00 left ▯▯▯▯▯▯▯▯▯▯  answered 0 · done 0 "),
        "{}",
        screen[23]
    );
    assert!(
        screen[23].trim_end().ends_with("r reply  ? help  q quit"),
        "{}",
        screen[23]
    );
    // The selected row is drawn reversed; the others are not.
    let terminal = render(&app, 80, 24);
    let buffer = terminal.backend().buffer();
    assert!(
        buffer[(10, 1)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    );
    assert!(
        !buffer[(10, 2)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    );
    // Hints follow the keymap: rebinding reply changes what the bar says.
    let (store, config, _dir2) = Demo::build(now()).unwrap().into_parts();
    let keymap = Keymap::with_overrides([("a", "reply")]).unwrap();
    app = App::new(store, config, keymap, start(), utc(), (80, 24)).unwrap();
    let screen = rows(&render(&app, 80, 24));
    assert!(
        screen[23].trim_end().ends_with("a reply  ? help  q quit"),
        "{}",
        screen[23]
    );
}

/// What the tests compare: the queue (ids in order) and the conversation shown.
fn state(app: &App) -> (Vec<i64>, usize, Option<i64>) {
    (
        app.queue.iter().map(|item| item.conversation_id).collect(),
        app.selected,
        app.detail.as_ref().map(|d| d.thread.conversation_id),
    )
}

#[test]
fn reply_done_snooze_then_undo_back_to_the_start() {
    let (mut app, _dir) = demo_app(120, 40);
    key(&mut app, KeyCode::Char('j'));
    let start = state(&app);
    let second = start.0[1];

    key(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "Thanks, fixed in 0.10.1");
    ctrl(&mut app, 's');
    assert_eq!(app.counts.answered, 1);
    assert!(
        !app.queue.iter().any(|i| i.conversation_id == second),
        "answered: out of the queue"
    );
    assert_eq!(
        app.selected, 1,
        "the selection moves to the next item, not the top"
    );
    assert_eq!(app.queue[1].conversation_id, start.0[2]);

    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Char('1'));
    assert_eq!((app.counts.done, app.counts.snoozed), (1, 1));
    assert_eq!(app.queue.len(), start.0.len() - 3);

    for _ in 0..3 {
        key(&mut app, KeyCode::Char('u'));
    }
    assert_eq!(
        app.queue
            .iter()
            .map(|i| i.conversation_id)
            .collect::<Vec<_>>(),
        start.0
    );
    assert_eq!(
        app.counts.answered + app.counts.done + app.counts.snoozed,
        0
    );
    assert_eq!(
        app.selected, 1,
        "after undoing the reply, its conversation is selected"
    );
    // The undone reply is a draft again, shown in the reply box.
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(app.editor.text(), "Thanks, fixed in 0.10.1");
    key(&mut app, KeyCode::Esc);
    assert_eq!(state(&app), start);
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(
        app.status.as_deref(),
        Some("Nothing to undo in this session.")
    );
}

#[test]
fn drafts_are_kept_when_leaving_and_saved_on_the_clock() {
    let (mut app, dir) = demo_app(120, 40);
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "half a thought");
    let saved = || {
        demo_count(
            &dir,
            "SELECT count(*) FROM drafts WHERE text = 'half a thought'",
        )
    };
    assert_eq!(saved(), 0);
    // Two seconds later the tick saves it without any other key.
    app.update(Event::Tick(Reading::new(
        now() + chrono::Duration::seconds(3),
        Duration::from_secs(3),
    )))
    .unwrap();
    assert_eq!(saved(), 1, "saved by the clock, before leaving the box");
    // A key that changes nothing (delete at the end) writes nothing.
    let written_at = || {
        demo_count(
            &dir,
            "SELECT updated_at FROM drafts WHERE text = 'half a thought'",
        )
    };
    let first = written_at();
    key(&mut app, KeyCode::Delete);
    app.update(Event::Tick(Reading::new(
        now() + chrono::Duration::seconds(6),
        Duration::from_secs(6),
    )))
    .unwrap();
    assert_eq!(written_at(), first);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('k'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.editor.text(), "half a thought");
    assert_eq!(app.mode, Mode::Reply);
}

#[test]
fn tag_and_note_through_their_boxes() {
    let (mut app, _dir) = demo_app(120, 40);
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Char('3')); // advocate
    let card = |app: &App| app.detail.clone().unwrap().person.unwrap();
    let tags = |app: &App| card(app).tags;
    assert!(tags(&app).contains(&"advocate".to_owned()));
    key(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "met at FOSDEM");
    ctrl(&mut app, 's');
    assert!(card(&app).note.ends_with("met at FOSDEM"));
    key(&mut app, KeyCode::Char('u'));
    assert!(
        !card(&app).note.contains("FOSDEM"),
        "the note is back as it was"
    );
    key(&mut app, KeyCode::Char('u'));
    assert!(!tags(&app).contains(&"advocate".to_owned()));
    // A typed tag is one lowercase line however it was typed.
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Char('5'));
    app.update(Event::Paste("Beta Tester\nsecond line".into()))
        .unwrap();
    key(&mut app, KeyCode::Enter);
    assert!(
        tags(&app).contains(&"beta tester".to_owned()),
        "{:?}",
        tags(&app)
    );
    // Opening the note and leaving it unchanged records nothing to undo.
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('u'));
    assert!(
        !tags(&app).contains(&"beta tester".to_owned()),
        "undo took back the tag, not an empty note change"
    );
}

#[test]
fn a_typed_snooze_time_is_understood_and_a_bad_one_says_so() {
    let (mut app, _dir) = demo_app(120, 40);
    let first = app.queue[0].conversation_id;
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Char('4'));
    type_text(&mut app, "someday");
    key(&mut app, KeyCode::Enter);
    assert!(
        app.status
            .as_deref()
            .unwrap_or_default()
            .starts_with("Not a time ahead"),
        "{:?}",
        app.status
    );
    assert_eq!(app.queue[0].conversation_id, first, "nothing snoozed yet");
    for _ in 0.."someday".len() {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "3d");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.counts.snoozed, 1);
    assert!(!app.queue.iter().any(|item| item.conversation_id == first));
    assert_eq!(app.mode, Mode::Browse);
}

#[test]
fn saving_a_reply_copies_it() {
    let (mut app, _dir) = demo_app(120, 40);
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "Copied for pasting");
    let effects = ctrl(&mut app, 's');
    assert_eq!(
        effects,
        vec![tend::tui::app::Effect::Copy("Copied for pasting".into())]
    );
}

#[test]
fn nothing_happens_on_the_too_small_screen_but_quitting() {
    let (mut app, _dir) = demo_app(50, 10);
    let before = app.queue.len();
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Char('d'));
    assert_eq!((app.queue.len(), app.counts.done), (before, 0));
    key(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

/// Everything a hostile corpus makes tend write to a terminal, parsed as a
/// terminal would: nothing but text, cursor moves and colours may come out.
#[test]
fn hostile_text_puts_nothing_on_the_terminal_but_text_and_styling() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("tend.db")).unwrap();
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hostile.jsonl"
    ))
    .unwrap();
    let mut ingest = store
        .ingest(now(), std::collections::HashSet::default())
        .unwrap();
    for line in source.lines() {
        let fields: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(line).unwrap();
        ingest
            .add(&tend::import::message_from_fields(fields).unwrap())
            .unwrap();
    }
    ingest.finish().unwrap();
    let mut app = App::new(
        store,
        Config::default(),
        Keymap::default(),
        start(),
        utc(),
        (120, 40),
    )
    .unwrap();
    let mut seen = Seen::default();
    let mut parser = vte::Parser::new();
    // Every hostile message gets its turn in the right pane.
    for _ in 0..app.queue.len() {
        parser.advance(&mut seen, &terminal_bytes(&app, 120, 40));
        key(&mut app, KeyCode::Char('j'));
    }
    // Boxes and the status bar quote text too: a tag typed with escapes,
    // the tag menu and the note box over a hostile person.
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Char('5'));
    app.update(Event::Paste("x\u{1b}]52;c;AAAA\u{7}\u{202e}y".into()))
        .unwrap();
    key(&mut app, KeyCode::Enter);
    for open in [None, Some('t'), Some('n'), Some('?')] {
        if let Some(c) = open {
            key(&mut app, KeyCode::Char(c));
        }
        parser.advance(&mut seen, &terminal_bytes(&app, 120, 40));
        key(&mut app, KeyCode::Esc);
    }
    assert!(
        seen.bad.is_empty(),
        "the terminal was sent: {:?}",
        &seen.bad[..seen.bad.len().min(10)]
    );
    // The backend moves the cursor over blank cells rather than printing spaces.
    assert!(
        seen.text.contains("niceapp!␛]52;c;ZWNobyBwd25lZA==␇seeyou"),
        "the attack is shown, defused"
    );
    let forbidden = |c: &char| {
        ('\u{80}'..='\u{9f}').contains(c)
            || ('\u{202a}'..='\u{202e}').contains(c)
            || ('\u{2066}'..='\u{2069}').contains(c)
    };
    assert!(
        !seen.text.chars().any(|c| forbidden(&c)),
        "no C1 or bidi controls printed"
    );
    assert!(seen.text.contains("👨‍👩‍👧‍👦"), "emoji survive");
}

#[test]
fn open_right_after_a_reply_opens_the_post_answered() {
    let (mut app, _dir) = demo_app(120, 40);
    // The second conversation (Bluesky) has links; the first is an email.
    key(&mut app, KeyCode::Char('j'));
    let answered_link = app
        .detail
        .as_ref()
        .unwrap()
        .thread
        .messages
        .iter()
        .rev()
        .find_map(|m| m.url.clone())
        .unwrap();
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "On the roadmap for 0.11.");
    ctrl(&mut app, 's');
    let effects = key(&mut app, KeyCode::Char('o'));
    assert_eq!(
        effects,
        vec![tend::tui::app::Effect::OpenUrl(answered_link.clone())]
    );
    // Only right after: the next o opens the selected conversation's post.
    let effects = key(&mut app, KeyCode::Char('o'));
    let selected_link = app.selected_item().and_then(|item| item.url.clone());
    let thread_link = app
        .detail
        .as_ref()
        .and_then(|d| d.thread.messages.iter().rev().find_map(|m| m.url.clone()));
    let expected = thread_link.or(selected_link).unwrap();
    assert_ne!(expected, answered_link);
    assert_eq!(effects, vec![tend::tui::app::Effect::OpenUrl(expected)]);
}

#[test]
fn a_draft_from_an_earlier_session_shows_when_its_conversation_is_selected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tend.db");
    let (store, config, demo_dir) = Demo::build(now()).unwrap().into_parts();
    drop(store);
    // Reuse the demo data in a store that outlives one app.
    let demo_store_path = demo_dir.path().join("demo.db");
    std::fs::copy(&demo_store_path, &path).unwrap();
    {
        let mut app = App::new(
            Store::open(&path).unwrap(),
            config.clone(),
            Keymap::default(),
            start(),
            utc(),
            (120, 40),
        )
        .unwrap();
        key(&mut app, KeyCode::Char('j'));
        key(&mut app, KeyCode::Enter);
        type_text(&mut app, "started this yesterday");
        key(&mut app, KeyCode::Esc);
    }
    let mut app = App::new(
        Store::open(&path).unwrap(),
        config,
        Keymap::default(),
        start(),
        utc(),
        (120, 40),
    )
    .unwrap();
    assert!(!app.draft_visible());
    key(&mut app, KeyCode::Char('j'));
    assert!(app.draft_visible());
    let screen = rows(&render(&app, 120, 40)).join("\n");
    assert!(screen.contains("started this yesterday"), "{screen}");
    assert!(screen.contains("draft · 22"), "{screen}");
}

#[test]
fn the_thread_scrolls_to_its_end_and_no_further() {
    let (mut app, _dir) = demo_app(80, 24);
    key(&mut app, KeyCode::Tab);
    for _ in 0..500 {
        key(&mut app, KeyCode::Char('j'));
    }
    let end = app.thread_scroll;
    let detail = app.detail.as_ref().unwrap();
    assert_eq!(
        usize::from(end),
        detail.wrapped.lines.len() - 20,
        "the last line at the bottom (the why line takes the pane's first row)"
    );
    // The last line of the pane's text is on screen, in its bottom row.
    let last: String = detail.wrapped.lines.last().unwrap().to_string();
    let screen = rows(&render(&app, 80, 24));
    assert!(!last.trim().is_empty());
    assert!(
        screen[21].contains(last.trim()),
        "{last:?} in {}",
        screen[21]
    );
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(app.thread_scroll, end - 1);
}

#[test]
fn the_thread_stays_where_it_was_read_through_a_tag_and_a_refresh() {
    let (mut app, _dir) = demo_app(80, 24);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('g'));
    for _ in 0..3 {
        key(&mut app, KeyCode::Char('k'));
    }
    let reading = app.thread_scroll;
    let end = u16::try_from(app.detail.as_ref().unwrap().wrapped.lines.len()).unwrap();
    assert!(reading + 21 < end, "not at the end: {reading} of {end}");
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Char('1')); // customer: the queue is read again
    assert_eq!(app.thread_scroll, reading);
    // The 30-second refresh too.
    let later = Reading::new(
        now() + chrono::TimeDelta::seconds(31),
        Duration::from_secs(31),
    );
    app.update(Event::Tick(later)).unwrap();
    assert_eq!(app.thread_scroll, reading);
    // Another conversation opens at its newest message.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('j'));
    let detail = app.detail.as_ref().unwrap();
    assert_eq!(
        usize::from(app.thread_scroll),
        detail.wrapped.lines.len().saturating_sub(20)
    );
}

/// The list is read a page at a time, so the first frame reads what it
/// shows and not a thousand rows; moving down reads on before the end.
#[test]
fn a_long_queue_is_read_as_the_selection_nears_its_end() {
    let (mut app, _dir) = long_queue();
    assert_eq!(app.queue.len(), 200, "one page to start with");
    assert_eq!(app.matching, 1_234, "the header counts them all");
    let order: Vec<i64> = app.queue.iter().map(|item| item.conversation_id).collect();
    for _ in 0..149 {
        key(&mut app, KeyCode::Char('j'));
    }
    assert_eq!(app.queue.len(), 200, "not yet near the end");
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.queue.len(), 400, "the next page, 50 rows ahead");
    assert_eq!(app.selected, 150);
    assert_eq!(
        app.queue[..200]
            .iter()
            .map(|item| item.conversation_id)
            .collect::<Vec<_>>(),
        order,
        "the rows read before keep their places"
    );
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.queue.len(), 1_000, "the last row held");
    assert_eq!(app.selected, 999);
    let screen = rows(&render(&app, 120, 40)).join("\n");
    let last = &app.queue[999];
    assert!(screen.contains(&last.text_head), "{screen}");
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.selected, 0);
}

/// 1,234 waiting conversations, one a minute: more than the session reads
/// at once.
fn long_queue() -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("tend.db")).unwrap();
    let mut ingest = store
        .ingest(now(), std::collections::HashSet::default())
        .unwrap();
    for i in 0..1_234 {
        let record = serde_json::json!({
            "platform": "github",
            "external_id": format!("q-{i}"),
            "thread_id": format!("tallybook/app#{i}"),
            "created_at": (now() - chrono::Duration::minutes(2_000 - i)).to_rfc3339(),
            "author_handle": format!("person{i}"),
            "text": format!("question number {i}?"),
        });
        let serde_json::Value::Object(fields) = record else {
            unreachable!()
        };
        ingest
            .add(&tend::import::message_from_fields(fields).unwrap())
            .unwrap();
    }
    ingest.finish().unwrap();
    (app_on(store, Config::default(), 120, 40), dir)
}

#[test]
fn back_from_a_search_a_selection_past_the_first_page_is_still_there() {
    let (mut app, _dir) = long_queue();
    for _ in 0..300 {
        key(&mut app, KeyCode::Char('j'));
    }
    let id = app.queue[300].conversation_id;
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "question");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.queue.len(), 200, "a new list reads one page");
    // Yet the title counts every match in the search's window.
    assert_eq!((app.matching, app.more), (1_000, true));
    assert!(rows(&render(&app, 120, 40))[0].contains("(1000+)"));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.selected, 300);
    assert_eq!(app.queue[app.selected].conversation_id, id);
}

#[test]
fn a_taller_terminal_shows_the_list_from_its_top() {
    let (mut app, _dir) = demo_app(80, 24);
    key(&mut app, KeyCode::Char('G'));
    assert!(app.queue_offset > 0, "{}", app.queue_offset);
    app.update(Event::Resize(120, 60)).unwrap();
    assert_eq!(app.queue_offset, 0);
}

#[test]
fn the_thread_keeps_its_reading_place_through_resizes() {
    // At the newest message, at another width: where a fresh session opens.
    let (mut app, _dir) = demo_app(80, 24);
    key(&mut app, KeyCode::Char('j'));
    app.update(Event::Resize(100, 14)).unwrap();
    let (mut fresh, _fresh_dir) = demo_app(100, 14);
    key(&mut fresh, KeyCode::Char('j'));
    assert!(
        fresh.thread_scroll > 0,
        "the thread is taller than the pane"
    );
    assert_eq!(app.thread_scroll, fresh.thread_scroll);
    // Scrolled down by the reader: the same line after a resize.
    let (mut app, _dir) = demo_app(80, 24);
    key(&mut app, KeyCode::Tab);
    let opened = app.thread_scroll;
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    let read = app.thread_scroll;
    assert!(read > opened, "{opened} {read}");
    app.update(Event::Resize(80, 40)).unwrap();
    assert_eq!(app.thread_scroll, read);
    // Up from a size where everything fits scrolls from what shows (the top).
    app.update(Event::Resize(500, 200)).unwrap();
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(app.thread_scroll, 0);
}

#[test]
fn a_draft_saved_on_the_clock_is_not_unsaved() {
    let (mut app, dir) = demo_app(80, 24);
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "hello");
    assert_eq!(app.unsaved_draft().as_deref(), Some("hello"));
    app.update(Event::Tick(Reading::new(
        now() + chrono::TimeDelta::seconds(5),
        Duration::from_secs(5),
    )))
    .unwrap();
    assert_eq!(app.unsaved_draft(), None);
    assert_eq!(
        demo_count(&dir, "SELECT count(*) FROM drafts WHERE text = 'hello'"),
        1,
        "saved, not only marked so"
    );
}
