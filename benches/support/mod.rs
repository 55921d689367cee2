//! What the benchmarks share: generated history imported through the real
//! `tend` binary, one long thread added to it, and a session on the store
//! driven key by key the way a terminal drives it (`update`, then a full
//! frame drawn).

#[path = "../../examples/generate.rs"]
#[allow(dead_code)]
mod generate;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tend::budget::Reading;
use tend::clock::Zone;
use tend::config::Config;
use tend::store::Store;
use tend::tui::app::{App, Event};
use tend::tui::keymap::Keymap;

/// The generated history ends here, and every run of `tend` is told it is now.
pub const END: &str = "2026-11-22T12:00:00Z";
/// A word only the long thread and one short conversation hold: searching
/// for it lists exactly those two.
pub const LONG_THREAD_WORD: &str = "zebrafinch";
/// Messages in the long thread.
pub const LONG_THREAD_MESSAGES: usize = 600;

pub fn now() -> DateTime<Utc> {
    END.parse().unwrap_or_default()
}

/// Where the benchmarks keep their stores and files (under `target/`).
pub fn work_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench")
}

/// `tend` as the benchmarks run it: the fixed now, an empty (default)
/// config, the given store.
pub fn tend(db: &Path) -> io::Result<Command> {
    let config = work_dir().join("config.toml");
    if !config.exists() {
        std::fs::create_dir_all(work_dir())?;
        std::fs::write(&config, "")?;
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_tend"));
    command
        .env("TEND_NOW", END)
        .env("TEND_CONFIG", config)
        .env("TEND_DB", db);
    Ok(command)
}

/// `count` generated messages (seed 1) as generic JSONL.
pub fn write_history(path: &Path, count: u64) -> io::Result<()> {
    let mut out = io::BufWriter::new(std::fs::File::create(path)?);
    generate::write_messages(count, 1, END, &mut out)?;
    out.flush()
}

/// Imports `jsonl` into `db` with the release binary; how long it took.
pub fn import(db: &Path, jsonl: &Path) -> io::Result<Duration> {
    let started = Instant::now();
    let output = tend(db)?.arg("import").arg(jsonl).output()?;
    let took = started.elapsed();
    if !output.status.success() {
        return Err(io::Error::other(format!(
            "tend import {}: {}",
            jsonl.display(),
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(took)
}

/// Adds a conversation of `LONG_THREAD_MESSAGES` messages (the person's
/// last, so it is open) and a short one, both holding `LONG_THREAD_WORD`.
pub fn add_long_thread(db: &Path) -> io::Result<()> {
    let path = work_dir().join("long-thread.jsonl");
    let mut out = io::BufWriter::new(std::fs::File::create(&path)?);
    let record = |out: &mut io::BufWriter<std::fs::File>,
                  id: String,
                  thread: &str,
                  minute: usize,
                  inbound: bool,
                  text: &str| {
        let (direction, author) = if inbound {
            ("in", "wren_long")
        } else {
            ("out", "robin_vale")
        };
        writeln!(
            out,
            r#"{{"platform":"github","external_id":"{id}","thread_id":"{thread}","created_at":"2026-11-{:02}T{:02}:{:02}:00Z","direction":"{direction}","author_handle":"{author}","text":"{text}"}}"#,
            15 + minute / 1440,
            minute / 60 % 24,
            minute % 60,
        )
    };
    for i in 0..LONG_THREAD_MESSAGES {
        let text = format!(
            "Reply {i} in the long {LONG_THREAD_WORD} thread: the export still rounds VAT \
             on multi-currency invoices, and here is what I tried this time, step by step."
        );
        // Alternating, ending with the person's message.
        let inbound = (LONG_THREAD_MESSAGES - i) % 2 == 1;
        record(
            &mut out,
            format!("long-{i}"),
            "tallybook/app#9000",
            i * 9,
            inbound,
            &text,
        )?;
    }
    record(
        &mut out,
        "short-0".into(),
        "tallybook/app#9001",
        10,
        true,
        &format!("Is the {LONG_THREAD_WORD} fix in the next release?"),
    )?;
    out.flush()?;
    drop(out);
    import(db, &path).map(|_| ())
}

/// A session on a store, in a `width`×`height` frame.
pub struct Session {
    pub app: App,
    terminal: Terminal<TestBackend>,
}

impl Session {
    pub fn open(db: &Path, width: u16, height: u16) -> anyhow::Result<Session> {
        let zone = Zone::Fixed(FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!()));
        let app = App::new(
            Store::open(db)?,
            Config::default(),
            Keymap::default(),
            Reading::new(now(), Duration::ZERO),
            zone,
            (width, height),
        )?;
        let terminal = Terminal::new(TestBackend::new(width, height))?;
        Ok(Session { app, terminal })
    }

    /// One key: the update it causes, without drawing.
    pub fn key(&mut self, code: KeyCode) -> anyhow::Result<()> {
        self.app
            .update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            .map(|_| ())
    }

    pub fn type_text(&mut self, text: &str) -> anyhow::Result<()> {
        text.chars().try_for_each(|c| self.key(KeyCode::Char(c)))
    }

    /// What a keypress costs in the session: its update and the whole frame.
    pub fn press(&mut self, code: KeyCode) -> anyhow::Result<()> {
        self.key(code)?;
        self.draw()
    }

    pub fn draw(&mut self) -> anyhow::Result<()> {
        let app = &self.app;
        self.terminal
            .draw(|frame| tend::tui::view::draw(frame, app))?;
        Ok(())
    }

    /// Selects the long thread among the search results (the list holds it
    /// and a short conversation) and draws it.
    pub fn select_long_thread(&mut self) -> anyhow::Result<()> {
        let long = |session: &Session| {
            session
                .app
                .selected_item()
                .is_some_and(|item| item.message_count >= LONG_THREAD_MESSAGES as i64)
        };
        if !long(self) {
            self.key(KeyCode::Down)?;
        }
        self.draw()?;
        anyhow::ensure!(
            long(self),
            "the long thread is not in the list:\n{}",
            self.screen()
        );
        Ok(())
    }

    /// The frame as text, one line per row.
    pub fn screen(&self) -> String {
        let buffer = self.terminal.backend().buffer();
        let width = usize::from(buffer.area.width.max(1));
        buffer
            .content
            .chunks(width)
            .map(|row| {
                row.iter()
                    .map(ratatui::buffer::Cell::symbol)
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}
