//! The queue, search and a keypress on a big store:
//!
//! ```text
//! cargo bench --bench queue                              # 1M messages, ~10k open
//! TEND_BENCH_MESSAGES=100000 cargo bench --bench queue   # a quicker 100k
//! ```
//!
//! The store is built once, from `examples/generate.rs` (seed 1, ending at
//! 2026-11-22T12:00Z) through the real `tend import`, and kept under
//! `target/` for later runs (about 45 s and 800 MB at 1M). Each benchmark is
//! what one user action costs: building the queue (10k conversations scored,
//! the first 1000 rows read), a search as the list reads it, and a keypress
//! in the session (`update` and a full 200×50 frame) moving through the
//! queue or typing in the search box.

#[path = "../examples/generate.rs"]
#[allow(dead_code)]
mod generate;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use chrono::{DateTime, Utc};
use divan::Bencher;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tend::budget::Reading;
use tend::clock::Zone;
use tend::config::Config;
use tend::query::Query;
use tend::store::Store;
use tend::tui::app::{App, Event};
use tend::tui::keymap::Keymap;

const END: &str = "2026-11-22T12:00:00Z";
/// Rows of the list the session reads, as `tui::app` does.
const ROWS: usize = 1000;

fn main() {
    LazyLock::force(&STORE);
    divan::main();
}

static STORE: LazyLock<PathBuf> = LazyLock::new(|| {
    let count: u64 = std::env::var("TEND_BENCH_MESSAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-stores");
    // The schema version is in the name: a new migration builds a new store.
    let path = dir.join(format!(
        "generated-{count}-v{}.db",
        tend::store::LATEST_VERSION
    ));
    if !path.exists() {
        build(&path, count).unwrap_or_else(|err| panic!("building {}: {err}", path.display()));
    }
    path
});

fn build(path: &Path, count: u64) -> std::io::Result<()> {
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    let jsonl = path.with_extension("jsonl");
    eprintln!("building {} ({count} messages, once)…", path.display());
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&jsonl)?);
        generate::write_messages(count, 1, END, &mut out)?;
    }
    let partial = path.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_tend"))
        .args(["import", "--db"])
        .arg(&partial)
        .arg(&jsonl)
        .env("TEND_NOW", END)
        .status()?;
    std::fs::remove_file(&jsonl)?;
    if !status.success() {
        return Err(std::io::Error::other("tend import failed"));
    }
    std::fs::rename(partial, path)
}

fn now() -> DateTime<Utc> {
    END.parse().unwrap_or_default()
}

fn store() -> Store {
    Store::open(&STORE).unwrap_or_else(|err| panic!("{err:#}"))
}

#[divan::bench]
fn queue_build(bencher: Bencher) {
    let store = store();
    let config = Config::default();
    bencher.bench_local(|| {
        tend::queue::list(&store, &config, &Query::default(), now(), ROWS).map(|l| l.items.len())
    });
}

/// The two reads `queue_build` is made of: every waiting conversation's
/// signals, then the text of the rows shown.
#[divan::bench]
fn queue_candidates(bencher: Bencher) {
    let store = store();
    bencher.bench_local(|| store.candidates(now()).map(|c| c.len()));
}

#[divan::bench]
fn queue_rows_text(bencher: Bencher) {
    let store = store();
    let ids: Vec<i64> = store
        .candidates(now())
        .unwrap_or_default()
        .iter()
        .take(ROWS)
        .map(|c| c.conversation_id)
        .collect();
    bencher.bench_local(|| store.items(&ids, now()).map(|items| items.len()));
}

/// A common word, a rare one, a word being typed, words with filters (a
/// rare person with a common word is the worst case), and filters alone.
#[divan::bench(args = [
    "the",
    "invoice",
    "zymurgy",
    "inv",
    "invoice platform:github is:answered",
    "tag:customer is:overdue",
    "is:answered",
    "is:answered platform:hackernews",
    "from:lukasz",
    "from:lukasz the",
    "the is:overdue",
])]
fn search(bencher: Bencher, text: &str) {
    let store = store();
    let config = Config::default();
    let query = Query::parse(text).unwrap_or_else(|err| panic!("{text}: {err}"));
    bencher.bench_local(|| {
        tend::queue::list(&store, &config, &query, now(), ROWS).map(|l| l.items.len())
    });
}

fn session() -> (App, Terminal<TestBackend>) {
    let app = App::new(
        store(),
        Config::default(),
        Keymap::default(),
        Reading::new(now(), Duration::ZERO),
        Zone::Fixed(chrono::FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!())),
        (200, 50),
    )
    .unwrap_or_else(|err| panic!("{err:#}"));
    let terminal = Terminal::new(TestBackend::new(200, 50)).unwrap_or_else(|err| panic!("{err}"));
    (app, terminal)
}

fn press(app: &mut App, code: KeyCode) {
    app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
        .unwrap_or_else(|err| panic!("{err:#}"));
}

/// `j` then `k`, alternately: each loads the next conversation's thread,
/// person and history, and draws the frame.
#[divan::bench]
fn keypress_moving_through_the_queue(bencher: Bencher) {
    let (mut app, mut terminal) = session();
    let mut down = true;
    bencher.bench_local(|| {
        press(
            &mut app,
            if down {
                KeyCode::Char('j')
            } else {
                KeyCode::Char('k')
            },
        );
        down = !down;
        terminal
            .draw(|frame| tend::tui::view::draw(frame, &app))
            .map(|_| ())
    });
}

/// Typing in the search box: each keystroke runs the search again (`invoic`
/// + `e`, then a backspace) and draws the frame.
#[divan::bench]
fn keypress_typing_a_search(bencher: Bencher) {
    let (mut app, mut terminal) = session();
    press(&mut app, KeyCode::Char('/'));
    for c in "invoic".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let mut add = true;
    bencher.bench_local(|| {
        press(
            &mut app,
            if add {
                KeyCode::Char('e')
            } else {
                KeyCode::Backspace
            },
        );
        add = !add;
        terminal
            .draw(|frame| tend::tui::view::draw(frame, &app))
            .map(|_| ())
    });
}
