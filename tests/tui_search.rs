//! Search, filters, the budget line and returning snoozes in the session,
//! drawn to ratatui's `TestBackend` on the demo week.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use chrono::TimeDelta;
use common::screen::*;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;
use tend::budget::Reading;
use tend::demo::Demo;
use tend::model::{ConversationState, Platform};
use tend::queue::ListKind;
use tend::tui::app::{App, Event, Mode};

fn screen(app: &tend::tui::app::App) -> String {
    rows(&render(app, 80, 24)).join("\n")
}

#[test]
fn snapshot_a_search_in_progress() {
    let (mut app, _dir) = demo_app(80, 24);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "recur");
    assert!(matches!(app.mode, Mode::Search { error: None, .. }));
    assert_eq!(app.list_kind, ListKind::Search);
    insta::assert_snapshot!("search_in_progress_80x24", render(&app, 80, 24).backend());
    // Every row found has the word (or a word it starts) in its message.
    assert!(!app.queue.is_empty());
    for item in &app.queue {
        let title = item.title.clone().unwrap_or_default();
        let words = format!("{} {title}", item.text_head).to_lowercase();
        assert!(words.contains("recur"), "{item:?}");
    }
}

#[test]
fn snapshot_empty_search_results() {
    let (mut app, _dir) = demo_app(80, 24);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "zeppelin");
    assert!(app.queue.is_empty());
    let text = screen(&app);
    assert!(text.contains("No message matches."), "{text}");
    insta::assert_snapshot!("search_no_results_80x24", render(&app, 80, 24).backend());
}

#[test]
fn a_bad_filter_says_so_in_the_box_and_keeps_the_list() {
    let (mut app, _dir) = demo_app(80, 24);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "invoice ");
    let found = app.queue.clone();
    type_text(&mut app, "platform");
    assert_ne!(app.queue, found, "a search for the word \"platform\" too");
    type_text(&mut app, ":");
    let error = |app: &tend::tui::app::App| match &app.mode {
        Mode::Search { error, .. } => error.clone(),
        _ => panic!("still in the box"),
    };
    // Half typed, it is a hint (grey) and the list stays as it was.
    let hint = error(&app).unwrap();
    assert!(hint.incomplete);
    assert_eq!(
        hint.message,
        "platform: needs a value, e.g. platform:github"
    );
    assert_eq!(
        app.queue, found,
        "a filter being typed does not apply yet: the rest of the query does"
    );
    let terminal = render(&app, 80, 24);
    assert!(rows(&terminal)[2].contains("platform: needs a value"));
    assert_eq!(terminal.backend().buffer()[(1, 2)].fg, Color::DarkGray);
    // Enter does not take a broken query: the message turns red.
    key(&mut app, KeyCode::Enter);
    assert!(!error(&app).unwrap().incomplete);
    let terminal = render(&app, 80, 24);
    assert_eq!(terminal.backend().buffer()[(1, 2)].fg, Color::Red);
    assert!(matches!(app.mode, Mode::Search { .. }));
    // Finishing the word fixes it, letter by letter without a red flash.
    for c in "email".chars() {
        key(&mut app, KeyCode::Char(c));
        assert!(error(&app).is_none_or(|e| e.incomplete), "{c}");
    }
    assert!(error(&app).is_none());
    assert!(!app.queue.is_empty());
    assert!(
        app.queue
            .iter()
            .all(|item| item.platform == Platform::Email)
    );
    for (typed, message) in [
        (" is:later", "unknown is: value \"later\""),
        (" is:\u{1b}[31mred", "unknown is: value"),
        (" colour:red", "unknown filter \"colour:\""),
    ] {
        type_text(&mut app, typed);
        let wrong = error(&app).unwrap();
        assert!(
            !wrong.incomplete && wrong.message.contains(message),
            "{wrong:?}"
        );
        // The box shows what was typed safely.
        assert!(!screen(&app).contains('\u{1b}'));
        let typed_text = |app: &tend::tui::app::App| match &app.mode {
            Mode::Search { editor, .. } => editor.text(),
            _ => panic!(),
        };
        for _ in 0..40 {
            if typed_text(&app) == "invoice platform:email" {
                break;
            }
            key(&mut app, KeyCode::Backspace);
        }
        assert_eq!(typed_text(&app), "invoice platform:email");
    }
}

#[test]
fn enter_opens_a_result_and_esc_returns_to_the_queue_where_it_was() {
    let (mut app, _dir) = demo_app(80, 24);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    let before = app.selected_item().unwrap().conversation_id;
    let queue = app.queue.clone();
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "kanji");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Browse);
    assert_eq!(app.list_kind, ListKind::Search);
    let hit = app.selected_item().unwrap().clone();
    assert!(hit.hit.is_some());
    let detail = app.detail.as_ref().unwrap();
    assert_eq!(detail.thread.conversation_id, hit.conversation_id);
    // The thread opens at the message found (or as near as its end allows).
    let start = detail
        .wrapped
        .starts
        .iter()
        .find(|(id, _)| *id == hit.hit.unwrap().message_id)
        .map(|(_, line)| *line)
        .unwrap();
    // 21 rows of thread at 80×24: a search result has no why line.
    let last_top = detail.wrapped.lines.len().saturating_sub(21);
    assert_eq!(usize::from(app.thread_scroll), start.min(last_top));
    assert!(screen(&app).contains("Search · kanji"));
    assert!(screen(&app).contains("esc whole queue"), "how to clear it");
    // Keys act on the result: `r` opens the reply box for it.
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(app.mode, Mode::Reply);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    assert!(app.query.is_empty());
    assert_eq!(app.queue, queue);
    assert_eq!(app.selected_item().unwrap().conversation_id, before);
    // Esc inside the box goes back too, at once.
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "pdf");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Browse);
    assert_eq!(app.selected_item().unwrap().conversation_id, before);
    assert_eq!(app.list_kind, ListKind::Queue);
}

#[test]
fn snapshot_an_active_filter_and_its_menu() {
    let (mut app, _dir) = demo_app(80, 24);
    let open = app.open_total;
    key(&mut app, KeyCode::Char('f'));
    insta::assert_snapshot!("filter_menu_80x24", render(&app, 80, 24).backend());
    key(&mut app, KeyCode::Enter); // overdue only
    assert!(app.query.overdue);
    assert_eq!(app.matching, app.overdue_total);
    assert!(app.matching < open);
    assert!(
        app.queue
            .iter()
            .all(|item| { app.sla(item).unwrap().state == tend::sla::SlaState::Overdue })
    );
    insta::assert_snapshot!("filter_overdue_80x24", render(&app, 80, 24).backend());
    // A second filter narrows it; picking it again removes it.
    key(&mut app, KeyCode::Char('f'));
    let email = match &app.mode {
        Mode::Filter { choices, .. } => choices
            .iter()
            .position(|c| c.label() == "platform: email")
            .unwrap(),
        _ => panic!("the filter menu"),
    };
    for _ in 0..email {
        key(&mut app, KeyCode::Char('j'));
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.query.to_string(), "platform:email is:overdue");
    assert!(
        app.queue
            .iter()
            .all(|item| item.platform == Platform::Email)
    );
    assert!(screen(&app).contains("platform:email is:overdue"));
    // `/` starts from the filter's words.
    key(&mut app, KeyCode::Char('/'));
    let Mode::Search { editor, .. } = &app.mode else {
        panic!()
    };
    assert_eq!(editor.text(), "platform:email is:overdue ");
    key(&mut app, KeyCode::Enter);
    // Esc clears it all: the whole queue again.
    key(&mut app, KeyCode::Esc);
    assert!(app.query.is_empty());
    assert_eq!(app.matching, open);
}

#[test]
fn other_states_are_listed_newest_first() {
    let (mut app, _dir) = demo_app(120, 40);
    key(&mut app, KeyCode::Char('f'));
    let answered = match &app.mode {
        Mode::Filter { choices, .. } => choices
            .iter()
            .position(|c| c.label() == "state: answered")
            .unwrap(),
        _ => panic!(),
    };
    for _ in 0..answered {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.list_kind, ListKind::Conversations);
    assert!(!app.queue.is_empty());
    assert!(
        app.queue
            .iter()
            .all(|item| item.state == tend::model::ConversationState::Answered)
    );
    assert!(app.queue.windows(2).all(|w| w[0].last_at >= w[1].last_at));
    assert_eq!(app.budget_line(), None, "no budget line outside the queue");
    assert!(screen(&app).contains("is:answered"));
}

#[test]
fn the_budget_line_moves_with_the_time_left_and_goes_when_all_fits() {
    let (mut app, _dir) = demo_app(80, 24);
    // 21 waiting at 2 minutes each, 30 minutes left: 15 fit.
    assert_eq!(app.budget_line(), Some(15));
    let text = screen(&app);
    assert!(text.contains("─ fits in today's 30 min ─"), "{text}");
    assert!(text.contains("≈ 42 min · 30 min left today"), "{text}");
    // Each keypress row by row: the divider is not a row to select.
    for _ in 0..16 {
        key(&mut app, KeyCode::Char('j'));
    }
    assert_eq!(app.selected, 16);
    // A bigger budget: everything fits, no divider.
    let (store, mut config, _dir) = Demo::build(now()).unwrap().into_parts();
    config.budget.minutes = tend::config::Minutes(60);
    let app = app_on(store, config, 80, 24);
    assert_eq!(app.budget_line(), None);
    assert!(!screen(&app).contains("fits in today's"));
}

#[test]
fn a_snoozed_conversation_comes_back_marked() {
    let (mut app, _dir) = demo_app(120, 40);
    let snoozed = app.selected_item().unwrap().conversation_id;
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Char('1')); // one day
    assert!(app.queue.iter().all(|item| item.conversation_id != snoozed));
    // A day and a minute later the 30-second refresh brings it back.
    let later = Reading::new(
        now() + TimeDelta::days(1) + TimeDelta::minutes(1),
        Duration::from_secs(3600),
    );
    app.update(Event::Tick(later)).unwrap();
    let back = app
        .queue
        .iter()
        .find(|item| item.conversation_id == snoozed)
        .unwrap();
    assert!(back.back_from_snooze);
    assert!(
        back.score
            .as_ref()
            .unwrap()
            .why
            .contains(&"back from snooze".to_owned())
    );
    // Its own row, and only it, is marked: overdue and back from a snooze.
    let name = back.author_display_name.clone().unwrap();
    let screen = rows(&render(&app, 120, 40));
    let marked: Vec<&String> = screen.iter().filter(|line| line.contains('↺')).collect();
    assert_eq!(marked.len(), 1, "{screen:#?}");
    assert!(marked[0].contains(&name), "{}", marked[0]);
    assert!(
        marked[0].starts_with("│ 5d!↺ ") || marked[0].starts_with("│▶5d!↺ "),
        "the age cell says it: {}",
        marked[0]
    );
    // Lists say what it is now: open again, not snoozed.
    assert_eq!(back.state, ConversationState::Open);
    let listed = |app: &mut App, filter: &str| {
        key(app, KeyCode::Char('/'));
        type_text(app, filter);
        let found = app
            .queue
            .iter()
            .find(|item| item.conversation_id == snoozed)
            .map(|item| item.state);
        key(app, KeyCode::Esc);
        found
    };
    assert_eq!(listed(&mut app, "is:open"), Some(ConversationState::Open));
    assert_eq!(listed(&mut app, "is:snoozed"), None);
}

#[test]
fn a_result_opens_its_thread_at_the_message_found() {
    let (mut app, _dir) = demo_app(80, 24);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "xchacha20");
    key(&mut app, KeyCode::Enter);
    let hit = app.selected_item().unwrap().hit.unwrap();
    let detail = app.detail.as_ref().unwrap();
    let start = detail
        .wrapped
        .starts
        .iter()
        .find(|(id, _)| *id == hit.message_id)
        .map(|(_, line)| *line)
        .unwrap();
    // In the middle of a long Hacker News thread: not where the queue opens it.
    assert!(
        start + 21 < detail.wrapped.lines.len(),
        "{start} of {}",
        detail.wrapped.lines.len()
    );
    assert_eq!(usize::from(app.thread_scroll), start);
    let text = screen(&app);
    assert!(text.contains("Each device keeps a SQLite DB"), "{text}");
}

#[test]
fn the_budget_line_follows_the_pace_and_the_time_used() {
    let (mut store, config, _dir) = Demo::build(now()).unwrap().into_parts();
    // Three conversations dealt with earlier, four minutes each: the pace.
    let earlier: Vec<i64> = store
        .queue(now(), Some(3))
        .unwrap()
        .iter()
        .map(|item| item.conversation_id)
        .collect();
    for id in earlier {
        store
            .mark_done(
                id,
                Some(Duration::from_secs(240)),
                now() - TimeDelta::hours(1),
            )
            .unwrap();
    }
    let mut app = app_on(store, config, 80, 24);
    assert_eq!(app.pace, Duration::from_secs(240));
    // 18 waiting at four minutes each, 30 minutes left: seven fit.
    assert_eq!(app.matching, 18);
    assert_eq!(app.budget_line(), Some(7));
    assert!(screen(&app).contains("≈ 1 h 12 min · 30 min left ─"));
    // Ten minutes of work later, five do.
    for second in 1..=600_u64 {
        let at = Reading::new(
            now() + TimeDelta::seconds(second as i64),
            Duration::from_secs(second),
        );
        app.update(Event::Tick(at)).unwrap();
        if second % 30 == 0 {
            key(&mut app, KeyCode::Char('x')); // unbound: input, nothing else
        }
    }
    assert_eq!(app.timer.today().room(), Duration::from_secs(20 * 60));
    assert_eq!(app.budget_line(), Some(5));
    let text = screen(&app);
    assert!(text.contains("─ fits in today's 20 min ─"), "{text}");
}

#[test]
fn the_list_follows_each_keystroke_newest_first_and_esc_restores_the_view() {
    let (mut app, _dir) = demo_app(80, 24);
    // Scrolled down the queue first.
    key(&mut app, KeyCode::Char('G'));
    let (selected, offset) = (app.selected, app.queue_offset);
    assert!(offset > 0);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "in");
    let wider = app.queue.clone();
    type_text(&mut app, "voice");
    let narrower = app.queue.clone();
    assert!(!narrower.is_empty() && narrower.len() < wider.len());
    let times: Vec<_> = narrower
        .iter()
        .map(|item| item.hit.unwrap().created_at)
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    // A key that changes nothing keeps the selection.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Right);
    assert_eq!(app.selected, 1);
    key(&mut app, KeyCode::Esc);
    assert_eq!((app.selected, app.queue_offset), (selected, offset));
    // Enter on an empty box keeps the queue and what was picked in it.
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Browse);
    assert!(app.query.is_empty());
}
