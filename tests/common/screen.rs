//! The session without a terminal: an app on the demo week (or an empty
//! store) at a fixed "now", keys sent as events, frames drawn to ratatui's
//! `TestBackend` and read back as text.

use std::time::Duration;

use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tend::budget::Reading;
use tend::clock::Zone;
use tend::config::Config;
use tend::demo::Demo;
use tend::store::Store;
use tend::tui::app::{App, Effect, Event};
use tend::tui::keymap::Keymap;

/// The session's "now" (a Sunday).
pub const NOW: &str = "2026-11-22T12:00:00Z";

pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .with_timezone(&Utc)
}

/// The first reading of a session's clock.
pub fn start() -> Reading {
    Reading::new(now(), Duration::ZERO)
}

pub fn utc() -> Zone {
    Zone::Fixed(chrono::FixedOffset::east_opt(0).unwrap())
}

/// A session on `store` at the fixed "now", in UTC, with the default keys.
pub fn app_on(store: Store, config: Config, width: u16, height: u16) -> App {
    App::new(
        store,
        config,
        Keymap::default(),
        start(),
        utc(),
        (width, height),
    )
    .unwrap()
}

/// The demo week at a fixed "now"; the directory must outlive the app.
pub fn demo_app(width: u16, height: u16) -> (App, tempfile::TempDir) {
    demo_app_with(width, height, |_| {})
}

/// The same, with something done to the store before the session opens it.
pub fn demo_app_with(
    width: u16,
    height: u16,
    prepare: impl FnOnce(&Store),
) -> (App, tempfile::TempDir) {
    let (store, config, dir) = Demo::build(now()).unwrap().into_parts();
    prepare(&store);
    (app_on(store, config, width, height), dir)
}

pub fn empty_app(width: u16, height: u16) -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("tend.db")).unwrap();
    (app_on(store, Config::default(), width, height), dir)
}

pub fn render(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| tend::tui::view::draw(frame, app))
        .unwrap();
    terminal
}

/// Presses `code`; returns what the app asks the loop to do.
pub fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
        .unwrap()
}

/// Presses ctrl-`c`; returns what the app asks the loop to do.
pub fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )))
    .unwrap()
}

/// One number from the store of a demo session's directory.
pub fn demo_count(dir: &tempfile::TempDir, sql: &str) -> i64 {
    rusqlite::Connection::open(dir.path().join("demo.db"))
        .unwrap()
        .query_row(sql, [], |row| row.get(0))
        .unwrap()
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// The screen as text, one line per row, for assertions on single lines.
pub fn rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_owned())
                .collect::<String>()
        })
        .collect()
}

/// What a terminal makes of the bytes: printed text, and anything else.
#[derive(Default)]
pub struct Seen {
    pub text: String,
    pub bad: Vec<String>,
}
impl vte::Perform for Seen {
    fn print(&mut self, c: char) {
        self.text.push(c);
    }
    fn execute(&mut self, byte: u8) {
        self.bad.push(format!("control {byte:#04x}"));
    }
    fn csi_dispatch(
        &mut self,
        params: &vte::Params,
        intermediates: &[u8],
        _ignore: bool,
        action: char,
    ) {
        // Cursor position (H), colours and styles (m), and hiding or
        // showing the cursor (?25l / ?25h) are what the backend writes.
        let cursor_visibility = intermediates == b"?" && matches!(action, 'h' | 'l');
        if !matches!(action, 'H' | 'm') && !cursor_visibility {
            self.bad
                .push(format!("CSI {params:?} {intermediates:?} {action}"));
        }
    }
    fn osc_dispatch(&mut self, params: &[&[u8]], _bell: bool) {
        self.bad.push(format!("OSC {params:?}"));
    }
    fn esc_dispatch(&mut self, intermediates: &[u8], _ignore: bool, byte: u8) {
        self.bad.push(format!("ESC {intermediates:?} {byte}"));
    }
    fn hook(&mut self, _: &vte::Params, _: &[u8], _: bool, action: char) {
        self.bad.push(format!("DCS {action}"));
    }
}

/// One frame as the bytes a real terminal of `width`×`height` would receive.
pub fn terminal_bytes(app: &App, width: u16, height: u16) -> Vec<u8> {
    let mut bytes = Vec::<u8>::new();
    {
        let viewport = ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, width, height));
        let options = ratatui::TerminalOptions { viewport };
        let mut terminal =
            Terminal::with_options(ratatui::backend::CrosstermBackend::new(&mut bytes), options)
                .unwrap();
        terminal
            .draw(|frame| tend::tui::view::draw(frame, app))
            .unwrap();
    }
    bytes
}
