//! Terminal sizes 1×1, 0×0, 10×3 and 500×200 through the whole UI: every
//! screen (queue, thread focused and scrolled, reply box with wide text,
//! search, filter, snooze, tag and note boxes, help, the budget-spent prompt,
//! inbox zero) drawn to a `TestBackend` of each size and through a resize
//! sequence. Nothing may panic; a tiny screen says why it shows nothing and
//! ignores keys without losing what was typed; a huge one draws everything;
//! back at 80×24 the screen is the one a session that never left 80×24 draws.
#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::Write as _;
use std::time::Duration;

use chrono::{NaiveDate, TimeDelta};
use common::screen::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;
use tend::budget::{Credit, Reading};
use tend::demo::Demo;
use tend::sanitize::display_width;
use tend::tui::app::{App, Event, Mode, Pane};

const REPLY_FIRST: &str = "日本語 works, and so does 👨‍👩‍👧‍👦 family";
const REPLY_SECOND: &str = "second line: 中文 ok 🇯🇵 e\u{301}";
const NOTE: &str = "met at FOSDEM 🙂 東京";
const TAG: &str = "beta 测试";

/// The demo week with today's 30 minutes already spent: the first tick
/// opens the budget-spent prompt.
fn spent_session(width: u16, height: u16) -> (App, tempfile::TempDir) {
    let (mut store, config, dir) = Demo::build(now()).unwrap().into_parts();
    let earlier = store
        .begin_timer_session(now() - TimeDelta::hours(2))
        .unwrap();
    let credit = Credit {
        day: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        end: now() - TimeDelta::hours(1),
        span: Duration::from_secs(30 * 60),
    };
    store
        .record_active(earlier, &[credit], &tend::config::Budget::default())
        .unwrap();
    let mut app = app_on(store, config, width, height);
    app.update(Event::Tick(Reading::new(
        now() + TimeDelta::seconds(1),
        Duration::from_secs(1),
    )))
    .unwrap();
    assert!(matches!(app.mode, Mode::Spent { .. }), "{:?}", app.mode);
    (app, dir)
}

type Open = fn(u16, u16) -> (App, tempfile::TempDir);

/// Every screen: its name and how to get there on a terminal of a size.
fn screens() -> Vec<(&'static str, Open)> {
    vec![
        ("queue", |w, h| {
            let (mut app, dir) = demo_app(w, h);
            key(&mut app, KeyCode::Char('j'));
            key(&mut app, KeyCode::Char('j'));
            (app, dir)
        }),
        // The first conversation's thread (a long email), read from a few
        // lines above its end.
        ("thread", |w, h| {
            let (mut app, dir) = demo_app(w, h);
            key(&mut app, KeyCode::Tab);
            for _ in 0..3 {
                key(&mut app, KeyCode::Char('k'));
            }
            (app, dir)
        }),
        ("reply", |w, h| {
            let (mut app, dir) = demo_app(w, h);
            key(&mut app, KeyCode::Char('j'));
            key(&mut app, KeyCode::Enter);
            type_text(&mut app, REPLY_FIRST);
            key(&mut app, KeyCode::Enter);
            type_text(&mut app, REPLY_SECOND);
            (app, dir)
        }),
        ("search", |w, h| {
            let (mut app, dir) = demo_app(w, h);
            key(&mut app, KeyCode::Char('/'));
            type_text(&mut app, "invoice");
            (app, dir)
        }),
        ("filter", |w, h| {
            let (mut app, dir) = demo_app(w, h);
            key(&mut app, KeyCode::Char('f'));
            (app, dir)
        }),
        ("snooze", |w, h| {
            let (mut app, dir) = demo_app(w, h);
            key(&mut app, KeyCode::Char('s'));
            (app, dir)
        }),
        ("tag", |w, h| {
            let (mut app, dir) = demo_app(w, h);
            key(&mut app, KeyCode::Char('t'));
            key(&mut app, KeyCode::Char('5')); // another tag…: the typing box
            type_text(&mut app, TAG);
            (app, dir)
        }),
        ("note", |w, h| {
            let (mut app, dir) = demo_app(w, h);
            key(&mut app, KeyCode::Char('n'));
            type_text(&mut app, NOTE);
            (app, dir)
        }),
        ("help", |w, h| {
            let (mut app, dir) = demo_app(w, h);
            key(&mut app, KeyCode::Char('?'));
            (app, dir)
        }),
        ("spent", spent_session),
        ("inbox_zero", empty_app),
    ]
}

/// One row as a terminal shows it: a wide character's second cell is not
/// read as a space of its own.
fn row_text(terminal: &Terminal<TestBackend>, y: u16) -> String {
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    let mut x = 0;
    while x < buffer.area.width {
        let symbol = buffer[(x, y)].symbol();
        text.push_str(symbol);
        x += u16::try_from(display_width(symbol).max(1)).unwrap();
    }
    text
}

fn screen_text(terminal: &Terminal<TestBackend>) -> Vec<String> {
    (0..terminal.backend().buffer().area.height)
        .map(|y| row_text(terminal, y))
        .collect()
}

/// What must survive anything the terminal does.
#[derive(Debug, PartialEq)]
struct Kept {
    mode: Mode,
    draft: String,
    selected: usize,
    focus: Pane,
    queue: Vec<i64>,
    counts: (u32, u32, u32),
    quit: bool,
}

fn kept(app: &App) -> Kept {
    Kept {
        mode: app.mode.clone(),
        draft: app.editor.text(),
        selected: app.selected,
        focus: app.focus,
        queue: app.queue.iter().map(|item| item.conversation_id).collect(),
        counts: (app.counts.answered, app.counts.done, app.counts.snoozed),
        quit: app.quit,
    }
}

/// Presses what a user would, blind, on a screen too small to show anything:
/// text, deletion, leaving, saving, moving, acting.
fn press_while_tiny(app: &mut App) {
    for code in [
        KeyCode::Char('x'),
        KeyCode::Char('語'),
        KeyCode::Backspace,
        KeyCode::Backspace,
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Char('j'),
        KeyCode::Char('d'),
        KeyCode::Tab,
        KeyCode::Char('1'),
    ] {
        key(app, code);
    }
    ctrl(app, 's');
    ctrl(app, 'w');
}

/// The too-small screen at `width`×`height`, whatever the session was doing.
fn assert_too_small(name: &str, terminal: &Terminal<TestBackend>, width: u16, height: u16) {
    let screen = screen_text(terminal);
    match (width, height) {
        // No cells, nothing to draw: what such a size must not do (crash,
        // or change the session) is for `differences` to catch.
        (0, _) | (_, 0) => assert_eq!(screen, vec![String::new(); usize::from(height)], "{name}"),
        // One cell: the first letter of "Terminal too small".
        (1, 1) => assert_eq!(screen, ["T"], "{name}"),
        // "Terminal too small", centred and wrapped, then the size.
        (10, 3) => assert_eq!(screen, [" Terminal ", " too small", "10×3: tend"], "{name}"),
        _ => unreachable!("no expectation for {width}x{height}"),
    }
}

/// A screen that never left 80×24 and the one that went through `sizes`
/// and came back: the same, or what differs (returned, for one report).
fn differences(name: &str, open: Open, travelled: &App) -> Option<String> {
    let (fresh, _dir) = open(80, 24);
    assert_eq!(
        kept(travelled),
        kept(&fresh),
        "{name}: the session's state changed"
    );
    let here = render(travelled, 80, 24);
    let there = render(&fresh, 80, 24);
    if here.backend().buffer() == there.backend().buffer() {
        return None;
    }
    let mut report = format!(
        "{name}: list offset {} (fresh {}), thread scroll {} (fresh {})\n",
        travelled.queue_offset, fresh.queue_offset, travelled.thread_scroll, fresh.thread_scroll
    );
    for (y, (a, b)) in screen_text(&here)
        .into_iter()
        .zip(screen_text(&there))
        .enumerate()
    {
        if a != b {
            writeln!(report, "  row {y:2} after:  {a}\n  row {y:2} fresh:  {b}").unwrap();
        }
    }
    Some(report)
}

/// For a tiny size: every screen, driven at 80×24, resized to the size and
/// drawn; keys do nothing there; back at 80×24 nothing is lost.
fn tiny(width: u16, height: u16) {
    let mut changed = Vec::new();
    for (name, open) in screens() {
        let (mut app, _dir) = open(80, 24);
        let before = kept(&app);
        app.update(Event::Resize(width, height)).unwrap();
        assert_too_small(name, &render(&app, width, height), width, height);
        press_while_tiny(&mut app);
        assert_eq!(
            kept(&app),
            before,
            "{name}: a key did something at {width}x{height}"
        );
        assert_too_small(name, &render(&app, width, height), width, height);
        app.update(Event::Resize(80, 24)).unwrap();
        changed.extend(differences(name, open, &app));
    }
    assert!(
        changed.is_empty(),
        "back at 80x24 after {width}x{height}, the screen differs from a session that stayed:\n{}",
        changed.join("\n")
    );
}

#[test]
fn one_by_one_shows_the_start_of_the_too_small_message_and_loses_nothing() {
    tiny(1, 1);
}

#[test]
fn ten_by_three_says_the_terminal_is_too_small_and_loses_nothing() {
    tiny(10, 3);
}

#[test]
fn zero_by_zero_draws_nothing_and_loses_nothing() {
    tiny(0, 0);
}

/// At 0×0 the session still answers: ctrl-c saves the draft typed before
/// and quits; `q` quits from the queue.
#[test]
fn zero_by_zero_still_answers_the_keys_that_leave() {
    let (mut app, dir) = screens()[2].1(80, 24);
    app.update(Event::Resize(0, 0)).unwrap();
    render(&app, 0, 0);
    let draft = format!("{REPLY_FIRST}\n{REPLY_SECOND}");
    ctrl(&mut app, 'c');
    assert!(app.quit);
    let saved = demo_count(
        &dir,
        &format!(
            "SELECT count(*) FROM drafts WHERE text = '{}'",
            draft.replace('\'', "''")
        ),
    );
    assert_eq!(saved, 1, "the draft typed before the resize is saved");

    let (mut app, _dir) = screens()[0].1(80, 24);
    app.update(Event::Resize(0, 0)).unwrap();
    render(&app, 0, 0);
    key(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

/// Every row of the list and every line of the thread, the box borders in
/// their columns whatever the text's width, and what the screen is about.
#[test]
fn five_hundred_by_two_hundred_draws_every_screen_whole() {
    const W: u16 = 500;
    const H: u16 = 200;
    for (name, open) in screens() {
        let (app, _dir) = open(W, H);
        let terminal = render(&app, W, H);
        let screen = screen_text(&terminal);
        let all = screen.join("\n");
        let buffer = terminal.backend().buffer();
        assert!(
            screen[usize::from(H) - 1].starts_with(" ◷ "),
            "{name}: the status bar is on the last row: {}",
            screen[usize::from(H) - 1]
        );
        let wants: &[&str] = match name {
            "queue" | "thread" => &[],
            "reply" => &[REPLY_FIRST, REPLY_SECOND, "reply · "],
            "search" => &["┌ Search · invoice", "│/ invoice"],
            "filter" => &["Filter (again to remove)", "overdue only"],
            "snooze" => &["Snooze until", "next week (Monday 09:00)"],
            "tag" => &["Tag (again to remove)", "> beta 测试"],
            "note" => &["Note · ctrl-s save", NOTE],
            "help" => &[
                "Keys · change them in config.toml [keys]",
                "In the reply box and note",
            ],
            "spent" => &["Today's budget is spent", "+10 min (overtime)"],
            "inbox_zero" => &["Inbox zero", "Nobody is waiting for an answer."],
            _ => unreachable!(),
        };
        for want in wants {
            assert!(all.contains(want), "{name}: {want:?} is not on the screen");
        }
        if name == "inbox_zero" {
            assert!(app.queue.is_empty());
            continue;
        }
        if name != "search" {
            assert!(
                screen[0].starts_with("┌ Queue (21 open · 13 overdue)"),
                "{name}"
            );
        }
        // Borders stay in their columns on every row, wide text or not.
        let queue_width = 64;
        for y in 1..H - 2 {
            for x in [0, queue_width - 1, queue_width, W - 1] {
                assert_eq!(
                    buffer[(x, y)].symbol(),
                    "│",
                    "{name}: column {x} of row {y}: {}",
                    screen[usize::from(y)]
                );
            }
        }
        // Every row of the list shows its conversation.
        let list: Vec<String> = (1..H - 2)
            .map(|y| {
                (1..queue_width - 1)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
            })
            .filter(|row| !row.trim().is_empty() && !row.contains("───"))
            .collect();
        let first_list_row = usize::from(name == "search") * 2;
        let list = &list[first_list_row..];
        assert_eq!(list.len(), app.queue.len(), "{name}: {list:#?}");
        for (row, item) in list.iter().zip(&app.queue) {
            assert!(row.contains(item.platform.as_str()), "{name}: {row}");
        }
        assert!(list[app.selected].starts_with('▶'), "{name}");
        // The whole thread fits, and every line of it is on the screen.
        let detail = app.detail.as_ref().unwrap();
        assert!(detail.wrapped.lines.len() < usize::from(H) - 20, "{name}");
        for line in &detail.wrapped.lines {
            let line = line.to_string();
            assert!(
                all.contains(line.trim_end()),
                "{name}: the thread line {line:?} is not on the screen"
            );
        }
        // Every row's message starts in the same column, CJK and emoji
        // names included: pointer, age (6), platform (11), person (16), space.
        let gap = 1 + 1 + 6 + 11 + 16;
        for y in 1..H - 2 {
            let row: String = (1..queue_width - 1)
                .map(|x| buffer[(x, y)].symbol())
                .collect();
            if row.trim().is_empty() || row.contains("───") || (name == "search" && y < 3) {
                continue;
            }
            assert_eq!(buffer[(gap, y)].symbol(), " ", "{name}: {row}");
            assert_ne!(buffer[(gap + 1, y)].symbol(), " ", "{name}: {row}");
        }
        let focused = buffer[(queue_width, 0)].fg == Color::Cyan;
        assert_eq!(focused, app.focus == Pane::Conversation, "{name}");
    }
}

/// Enlarging to 500×200 and back: the screen is as it was.
#[test]
fn five_hundred_by_two_hundred_and_back_loses_nothing() {
    let mut changed = Vec::new();
    for (name, open) in screens() {
        let (mut app, _dir) = open(80, 24);
        app.update(Event::Resize(500, 200)).unwrap();
        let huge = screen_text(&render(&app, 500, 200));
        assert!(huge[0].starts_with('┌'), "{name}: {}", huge[0]);
        app.update(Event::Resize(80, 24)).unwrap();
        changed.extend(differences(name, open, &app));
    }
    assert!(
        changed.is_empty(),
        "back at 80x24 after 500x200, the screen differs from a session that stayed:\n{}",
        changed.join("\n")
    );
}

/// 80×24 → 1×1 → 0×0 → 10×3 → 500×200 → 80×24 through `Event::Resize`,
/// drawn at each size: the screen comes back as a fresh 80×24 session's.
#[test]
fn a_resize_sequence_through_every_size_comes_back_to_the_same_screen() {
    let mut changed = Vec::new();
    for (name, open) in screens() {
        let (mut app, _dir) = open(80, 24);
        let before = kept(&app);
        for (width, height) in [(1, 1), (0, 0), (10, 3), (500, 200)] {
            app.update(Event::Resize(width, height)).unwrap();
            let terminal = render(&app, width, height);
            if width < 60 {
                assert_too_small(name, &terminal, width, height);
                press_while_tiny(&mut app);
            } else {
                let screen = screen_text(&terminal);
                assert!(screen[0].starts_with('┌'), "{name}: {}", screen[0]);
                assert!(screen[199].starts_with(" ◷ "), "{name}: {}", screen[199]);
            }
            assert_eq!(kept(&app), before, "{name} at {width}x{height}");
        }
        app.update(Event::Resize(80, 24)).unwrap();
        changed.extend(differences(name, open, &app));
    }
    assert!(
        changed.is_empty(),
        "back at 80x24 after the resize sequence, the screen differs from a session that stayed:\n{}",
        changed.join("\n")
    );
}
