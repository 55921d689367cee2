//! The budget in the session, on a simulated clock (readings are events):
//! the status bar in each of its states, the prompt when the budget is spent
//! and what each choice does, pause, suspend and `$EDITOR`, the active time
//! recorded per conversation, and two sessions open at once.
#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::Write as _;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use common::screen::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::style::Color;
use tend::budget::{Credit, Reading};
use tend::demo::Demo;
use tend::store::Store;
use tend::tui::app::{App, Effect, Event, Mode};
use tend::tui::keymap::Keymap;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn secs(seconds: u64) -> Duration {
    Duration::from_secs(seconds)
}

/// Writes `used` of today's budget as an earlier session would have.
fn spend_earlier(store: &mut Store, used: Duration) {
    if used.is_zero() {
        return;
    }
    let earlier = store
        .begin_timer_session(now() - TimeDelta::hours(2))
        .unwrap();
    let credit = Credit {
        day: today(),
        end: now() - TimeDelta::hours(1),
        span: used,
    };
    store
        .record_active(earlier, &[credit], &tend::config::Budget::default())
        .unwrap();
}

/// The demo week with `used` of today's 30 minutes spent earlier.
fn session(used: Duration, width: u16, height: u16) -> (App, tempfile::TempDir) {
    let (mut store, config, dir) = Demo::build(now()).unwrap().into_parts();
    spend_earlier(&mut store, used);
    (app_on(store, config, width, height), dir)
}

/// Another session on the store of `dir`, opened at the same "now".
fn open_again(dir: &tempfile::TempDir) -> App {
    let config = Demo::build(now()).unwrap().into_parts().1;
    let store = Store::open(&dir.path().join("demo.db")).unwrap();
    app_on(store, config, 120, 40)
}

/// The session's clock: a reading each second; working means a mouse
/// scroll each second too (input that changes nothing else). A pointer
/// merely moving is not work.
struct Clock {
    start: DateTime<Utc>,
    seconds: u64,
}

impl Clock {
    fn new() -> Clock {
        Clock::at(now())
    }

    fn at(start: DateTime<Utc>) -> Clock {
        Clock { start, seconds: 0 }
    }

    fn reading(&self) -> Reading {
        Reading::new(
            self.start + TimeDelta::seconds(self.seconds as i64),
            secs(self.seconds),
        )
    }

    fn wait(&mut self, app: &mut App, seconds: u64) {
        for _ in 0..seconds {
            self.seconds += 1;
            app.update(Event::Tick(self.reading())).unwrap();
        }
    }

    fn work(&mut self, app: &mut App, seconds: u64) {
        for _ in 0..seconds {
            self.wait(app, 1);
            // Scrolling down a thread already at its end: input that
            // changes nothing the tests look at.
            app.update(Event::Mouse(MouseEvent {
                kind: MouseEventKind::ScrollDown,
                column: 70,
                row: 5,
                modifiers: KeyModifiers::NONE,
            }))
            .unwrap();
        }
    }
}

fn status_line(app: &App, width: u16) -> String {
    let height = if width > 100 { 48 } else { 24 };
    rows(&render(app, width, height))[usize::from(height) - 1].clone()
}

/// The background colour of the budget's part of the status bar.
fn budget_colour(app: &App) -> Color {
    let terminal = render(app, 80, 24);
    terminal.backend().buffer()[(1, 23)].bg
}

fn stored_ms(dir: &tempfile::TempDir) -> i64 {
    Store::open(&dir.path().join("demo.db"))
        .unwrap()
        .used_on(today())
        .unwrap()
        .as_millis() as i64
}

fn spent_prompt(app: &App) -> bool {
    matches!(app.mode, Mode::Spent { .. })
}

#[test]
fn snapshot_the_status_bar_in_each_state() {
    for width in [80_u16, 160] {
        let mut table = String::new();
        let mut line = |name: &str, app: &App| {
            writeln!(table, "{name:<12}|{}", status_line(app, width)).unwrap();
        };

        let (mut app, _dir) = session(secs(12 * 60 + 18), width, 48);
        let mut clock = Clock::new();
        line("counting", &app);
        clock.work(&mut app, 3);
        line("3 s later", &app);
        assert_eq!(budget_colour(&app), Color::Green);
        key(&mut app, KeyCode::Char('p'));
        clock.work(&mut app, 30);
        line("paused", &app);
        assert_eq!(budget_colour(&app), Color::DarkGray);
        key(&mut app, KeyCode::Char('p'));
        clock.wait(&mut app, 200);
        line("idle", &app);
        assert_eq!(budget_colour(&app), Color::DarkGray);

        let (app, _dir) = session(secs(26 * 60), width, 48);
        line("last 5 min", &app);
        assert_eq!(budget_colour(&app), Color::Yellow);

        // The budget runs out while a reply is being typed: the bar says so.
        let (mut app, _dir) = session(secs(29 * 60 + 55), width, 48);
        let mut clock = Clock::new();
        key(&mut app, KeyCode::Enter);
        type_text(&mut app, "On it");
        clock.work(&mut app, 8);
        line("spent", &app);
        assert_eq!(budget_colour(&app), Color::Red);
        ctrl(&mut app, 's');
        assert!(spent_prompt(&app));
        clock.wait(&mut app, 1);
        key(&mut app, KeyCode::Char('2'));
        clock.work(&mut app, 3);
        line("+10 min", &app);
        assert_eq!(budget_colour(&app), Color::Magenta);

        let (mut app, _dir) = session(secs(31 * 60), width, 48);
        Clock::new().work(&mut app, 2);
        key(&mut app, KeyCode::Char('3'));
        line("overtime", &app);
        assert_eq!(budget_colour(&app), Color::Magenta);

        insta::assert_snapshot!(format!("status_bar_{width}"), table);
    }
}

#[test]
fn snapshot_the_budget_spent_prompt() {
    let (mut app, _dir) = session(secs(30 * 60), 80, 24);
    Clock::new().wait(&mut app, 1);
    assert!(spent_prompt(&app));
    insta::assert_snapshot!("spent_prompt_80x24", rows(&render(&app, 80, 24)).join("\n"));
}

#[test]
fn the_prompt_waits_for_the_reply_being_typed_and_loses_nothing() {
    let (mut app, dir) = session(secs(29 * 60 + 50), 120, 40);
    let mut clock = Clock::new();
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "Yes, the export keeps ");
    clock.work(&mut app, 30);
    // Spent 20 seconds ago; the box still has the keyboard.
    assert_eq!(app.mode, Mode::Reply);
    type_text(&mut app, "your tags.");
    assert_eq!(app.editor.text(), "Yes, the export keeps your tags.");
    ctrl(&mut app, 's');
    assert!(spent_prompt(&app), "{:?}", app.mode);
    assert_eq!(
        demo_count(
            &dir,
            "SELECT count(*) FROM messages WHERE text = 'Yes, the export keeps your tags.'"
        ),
        1
    );
    // A stray key does not answer the prompt; q still quits.
    key(&mut app, KeyCode::Char('d'));
    assert!(spent_prompt(&app));
    assert_eq!(app.counts.done, 0);
    key(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn wrap_up_finishes_the_reply_in_hand_then_quits() {
    let (mut app, dir) = session(secs(29 * 60 + 58), 120, 40);
    let mut clock = Clock::new();
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "Half an answer");
    key(&mut app, KeyCode::Esc);
    clock.work(&mut app, 5);
    assert!(spent_prompt(&app));
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(app.mode, Mode::Reply, "the draft in hand is reopened");
    assert!(!app.quit);
    type_text(&mut app, ", now whole.");
    ctrl(&mut app, 's');
    assert!(app.quit);
    assert_eq!(
        demo_count(
            &dir,
            "SELECT count(*) FROM messages WHERE text = 'Half an answer, now whole.'"
        ),
        1
    );

    // With nothing in hand, wrap up quits at once.
    let (mut app, _dir) = session(secs(30 * 60), 120, 40);
    Clock::new().wait(&mut app, 2);
    key(&mut app, KeyCode::Char('1'));
    assert!(app.quit);
}

#[test]
fn keys_meant_for_the_queue_do_not_answer_the_prompt() {
    let (mut app, _dir) = session(secs(30 * 60 - 1), 120, 40);
    let mut clock = Clock::new();
    clock.wait(&mut app, 1);
    assert!(spent_prompt(&app));
    // Pressed as it opened: Enter (reply), 1 (wrap up), Esc.
    for code in [KeyCode::Enter, KeyCode::Char('1'), KeyCode::Esc] {
        key(&mut app, code);
        assert!(spent_prompt(&app) && !app.quit, "{code:?}");
    }
    // A moment later Enter picks what is preselected: ten more minutes.
    clock.wait(&mut app, 1);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Browse);
    assert!(!app.quit);
    assert_eq!(app.timer.today().extension, secs(600));
}

#[test]
fn ten_more_minutes_are_overtime_and_the_prompt_comes_back_after_them() {
    let (mut app, dir) = session(secs(30 * 60), 120, 40);
    let mut clock = Clock::new();
    clock.work(&mut app, 2);
    key(&mut app, KeyCode::Char('2'));
    assert_eq!(app.mode, Mode::Browse);
    let extension = demo_count(
        &dir,
        "SELECT extension_seconds FROM budget_days WHERE day = '2026-11-22'",
    );
    assert_eq!(extension, 600);
    clock.work(&mut app, 9 * 60);
    assert!(!spent_prompt(&app));
    clock.work(&mut app, 61);
    assert!(spent_prompt(&app));
    assert_eq!(app.timer.today().overtime(), secs(10 * 60 + 3));
}

#[test]
fn esc_asks_again_later_and_keep_going_means_no_more_prompts_today() {
    let (mut app, dir) = session(secs(30 * 60), 120, 40);
    let mut clock = Clock::new();
    clock.work(&mut app, 2);
    assert!(spent_prompt(&app));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Browse);
    clock.work(&mut app, 10 * 60);
    assert!(spent_prompt(&app), "asked again ten minutes later");
    key(&mut app, KeyCode::Char('3'));
    assert_eq!(app.mode, Mode::Browse);
    clock.work(&mut app, 10 * 60 + 1);
    assert!(!spent_prompt(&app));
    app.finish(clock.reading()).unwrap();
    drop(app);
    // A new session the same day does not ask again.
    let mut again = open_again(&dir);
    Clock::new().work(&mut again, 2);
    assert!(!spent_prompt(&again));
    assert!(again.timer.today().keep_going);
}

#[test]
fn pause_idle_suspend_and_the_editor_count_what_they_should() {
    let (mut app, dir) = session(Duration::ZERO, 120, 40);
    let mut clock = Clock::new();
    clock.work(&mut app, 20);
    // Paused: mouse and keys go on, nothing counts.
    key(&mut app, KeyCode::Char('p'));
    clock.work(&mut app, 60);
    key(&mut app, KeyCode::Char('p'));
    clock.work(&mut app, 10);
    // Idle: only the first two minutes after the last input count, and a
    // pointer passing over the window is not input.
    clock.wait(&mut app, 600);
    for _ in 0..30 {
        clock.wait(&mut app, 1);
        app.update(Event::Mouse(MouseEvent {
            kind: MouseEventKind::Moved,
            column: 10,
            row: 10,
            modifiers: KeyModifiers::NONE,
        }))
        .unwrap();
    }
    // Suspended for five minutes, then back.
    let effects = ctrl(&mut app, 'z');
    assert_eq!(effects, vec![Effect::Suspend]);
    clock.seconds += 300;
    app.update(Event::Tick(clock.reading())).unwrap();
    app.update(Event::Resumed).unwrap();
    clock.work(&mut app, 5);
    // Ninety seconds in $EDITOR count whole.
    let effects = key(&mut app, KeyCode::Char('e'));
    assert!(matches!(effects[..], [Effect::EditExternally(_)]));
    clock.seconds += 90;
    app.update(Event::Tick(clock.reading())).unwrap();
    app.update(Event::Resumed).unwrap();
    app.update(Event::Edited("Written elsewhere".into()))
        .unwrap();
    app.finish(clock.reading()).unwrap();
    let expected = secs(20 + 10 + 120 + 5 + 90);
    assert_eq!(app.timer.session_total(), expected);
    assert_eq!(stored_ms(&dir), expected.as_millis() as i64);
}

#[test]
fn time_spent_on_a_conversation_is_recorded_with_its_answer_and_makes_the_pace() {
    let (mut app, dir) = session(Duration::ZERO, 120, 40);
    let mut clock = Clock::new();
    clock.work(&mut app, 40);
    key(&mut app, KeyCode::Char('d'));
    clock.work(&mut app, 15);
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "Thanks!");
    clock.work(&mut app, 45);
    ctrl(&mut app, 's');
    clock.work(&mut app, 5);
    key(&mut app, KeyCode::Char('d'));
    let store = Store::open(&dir.path().join("demo.db")).unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("demo.db")).unwrap();
    let spent: Vec<(String, i64)> = conn
        .prepare("SELECT kind, active_ms FROM actions WHERE active_ms IS NOT NULL ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        spent,
        vec![
            ("done".into(), 40_000),
            ("replied".into(), 60_000),
            ("done".into(), 5_000)
        ]
    );
    assert_eq!(store.pace(now()).unwrap(), (secs(40), 3));
    // An undone answer is not part of the pace.
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(store.pace(now()).unwrap(), (secs(50), 2));
    // One handled while the timer was paused measured nothing: no sample.
    key(&mut app, KeyCode::Char('p'));
    clock.work(&mut app, 30);
    key(&mut app, KeyCode::Char('d'));
    assert_eq!(store.pace(now()).unwrap(), (secs(50), 2));
}

#[test]
fn two_sessions_open_at_once_count_each_second_once() {
    let (mut first, dir) = session(Duration::ZERO, 120, 40);
    let mut second = open_again(&dir);
    let (mut one, mut two) = (Clock::new(), Clock::new());
    // Both work through the same 60 wall-clock seconds; then the second
    // alone for 30 more.
    for _ in 0..60 {
        one.work(&mut first, 1);
        two.work(&mut second, 1);
    }
    two.work(&mut second, 30);
    first.finish(one.reading()).unwrap();
    second.finish(two.reading()).unwrap();
    assert_eq!(stored_ms(&dir), 90_000);
    assert_eq!(second.timer.today().used, secs(90));
}

#[test]
fn a_session_across_day_starts_at_moves_to_the_new_day_without_restarting() {
    // 03:59:30 UTC (the zone is UTC): thirty seconds before the day starts.
    let start = DateTime::parse_from_rfc3339("2026-11-23T03:59:30Z")
        .unwrap()
        .to_utc();
    let (mut store, config, dir) = Demo::build(start).unwrap().into_parts();
    spend_earlier(&mut store, secs(29 * 60));
    let mut app = App::new(
        store,
        config,
        Keymap::default(),
        Reading::new(start, Duration::ZERO),
        utc(),
        (120, 40),
    )
    .unwrap();
    let mut clock = Clock::at(start);
    clock.work(&mut app, 20);
    assert_eq!(app.timer.today().day, today());
    clock.work(&mut app, 40);
    // The new day has its own budget: no prompt, time counts from zero.
    assert_eq!(app.timer.today().day, today().succ_opt().unwrap());
    assert_eq!(app.timer.today().used, secs(30));
    assert!(!spent_prompt(&app));
    app.finish(clock.reading()).unwrap();
    let store = Store::open(&dir.path().join("demo.db")).unwrap();
    assert_eq!(store.used_on(today()).unwrap(), secs(29 * 60 + 30));
    assert_eq!(
        store.used_on(today().succ_opt().unwrap()).unwrap(),
        secs(30)
    );
    assert_eq!(app.timer.session_total(), secs(60));
}

#[test]
fn a_session_opens_and_counts_while_another_process_holds_the_store() {
    let (mut first, dir) = session(Duration::ZERO, 120, 40);
    first.finish(start()).unwrap();
    drop(first);
    // An import in another process holds the write lock.
    let importer = rusqlite::Connection::open(dir.path().join("demo.db")).unwrap();
    importer.execute_batch("BEGIN IMMEDIATE").unwrap();
    let opened = std::time::Instant::now();
    let mut app = open_again(&dir);
    assert!(
        opened.elapsed() < Duration::from_secs(2),
        "no waiting to open"
    );
    let mut clock = Clock::new();
    clock.work(&mut app, 12);
    assert_eq!(
        app.timer.today().used,
        secs(12),
        "counted in memory meanwhile"
    );
    assert_eq!(stored_ms(&dir), 0);
    importer.execute_batch("COMMIT").unwrap();
    // The next heartbeat (every five seconds) writes all of it.
    clock.work(&mut app, 3);
    assert_eq!(stored_ms(&dir), 15_000);
}

#[test]
fn a_write_that_fails_when_leaving_the_screen_does_not_stop_the_timer() {
    let (mut app, dir) = session(Duration::ZERO, 120, 40);
    let mut clock = Clock::new();
    clock.work(&mut app, 3);
    // The store refuses timer writes (as a full disk would).
    let store = rusqlite::Connection::open(dir.path().join("demo.db")).unwrap();
    store
        .execute_batch(
            "CREATE TRIGGER refuse BEFORE INSERT ON timer_segments
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .unwrap();
    let effects = ctrl(&mut app, 'z');
    assert_eq!(effects, vec![Effect::Suspend], "suspending still happens");
    assert!(
        app.status
            .as_deref()
            .unwrap_or_default()
            .contains("disk full")
    );
    store.execute_batch("DROP TRIGGER refuse").unwrap();
    clock.seconds += 60;
    app.update(Event::Tick(clock.reading())).unwrap();
    app.update(Event::Resumed).unwrap();
    clock.work(&mut app, 10);
    app.finish(clock.reading()).unwrap();
    assert_eq!(
        stored_ms(&dir),
        13_000,
        "nothing lost, the stop not counted"
    );
}
