//! The queue, search and a keypress on a big store:
//!
//! ```text
//! cargo bench --bench queue                              # 1M messages, ~10k open
//! TEND_BENCH_MESSAGES=100000 cargo bench --bench queue   # a quicker 100k
//! ```
//!
//! The store is built once, from `examples/generate.rs` (seed 1, ending at
//! 2026-11-22T12:00Z) through the real `tend import`, plus a 600-message
//! thread (`support::add_long_thread`), and kept under `target/` for later
//! runs (about 45 s and 800 MB at 1M). `benches/scale.rs` measures the same
//! actions end to end and prints the table of BENCHMARKS.md. Each benchmark is
//! what one user action costs: building the queue (10k conversations scored,
//! the first 200 rows read), a search as the list reads it, and a keypress
//! in the session (`update` and a full 200×50 frame) moving through the
//! queue or typing in the search box.

mod support;

use std::path::PathBuf;
use std::sync::LazyLock;

use divan::Bencher;
use ratatui::crossterm::event::KeyCode;
use support::{LONG_THREAD_WORD, Session, now};
use tend::config::Config;
use tend::query::Query;
use tend::store::Store;

/// Rows of the list the session reads first (`QUEUE_PAGE` in `tui::app`).
const ROWS: usize = 200;

fn main() {
    LazyLock::force(&STORE);
    divan::main();
}

static STORE: LazyLock<PathBuf> = LazyLock::new(|| {
    let count: u64 = std::env::var("TEND_BENCH_MESSAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    // The schema version is in the name: a new migration builds a new store.
    let path =
        support::work_dir().join(format!("queue-{count}-v{}.db", tend::store::LATEST_VERSION));
    if !path.exists() {
        build(&path, count).unwrap_or_else(|err| panic!("building {}: {err}", path.display()));
    }
    path
});

fn build(path: &std::path::Path, count: u64) -> std::io::Result<()> {
    std::fs::create_dir_all(support::work_dir())?;
    eprintln!("building {} ({count} messages, once)…", path.display());
    let jsonl = path.with_extension("jsonl");
    support::write_history(&jsonl, count)?;
    let partial = path.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    support::import(&partial, &jsonl)?;
    std::fs::remove_file(&jsonl)?;
    support::add_long_thread(&partial)?;
    std::fs::rename(partial, path)
}

fn store() -> Store {
    Store::open(&STORE).unwrap_or_else(|err| panic!("{err:#}"))
}

fn session() -> Session {
    Session::open(&STORE, 200, 50).unwrap_or_else(|err| panic!("{err:#}"))
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

/// Presses `first` and `second` in turn, each press one measured run.
fn alternate(bencher: Bencher, mut session: Session, first: KeyCode, second: KeyCode) {
    let mut turn = true;
    bencher.bench_local(|| {
        let key = if turn { first } else { second };
        turn = !turn;
        session.press(key)
    });
}

/// `j` then `k`, alternately: each loads the next conversation's thread,
/// person and history, and draws the frame.
#[divan::bench]
fn keypress_moving_through_the_queue(bencher: Bencher) {
    alternate(bencher, session(), KeyCode::Char('j'), KeyCode::Char('k'));
}

/// Between a conversation of 600 messages and a short one (the two that
/// hold the search word): every other press loads and wraps the long thread.
#[divan::bench]
fn keypress_to_and_from_a_600_message_thread(bencher: Bencher) {
    let mut session = session();
    open_long_thread(&mut session);
    alternate(bencher, session, KeyCode::Down, KeyCode::Up);
}

/// Scrolling the long thread's pane, a line at a time.
#[divan::bench]
fn keypress_scrolling_a_600_message_thread(bencher: Bencher) {
    let mut session = session();
    open_long_thread(&mut session);
    session
        .key(KeyCode::Tab)
        .unwrap_or_else(|err| panic!("{err:#}"));
    alternate(bencher, session, KeyCode::Char('j'), KeyCode::Char('k'));
}

/// Typing in the search box: each keystroke runs the search again (`invoic`
/// + `e`, then a backspace) and draws the frame.
#[divan::bench]
fn keypress_typing_a_search(bencher: Bencher) {
    let mut session = session();
    session
        .key(KeyCode::Char('/'))
        .and_then(|()| session.type_text("invoic"))
        .unwrap_or_else(|err| panic!("{err:#}"));
    alternate(bencher, session, KeyCode::Char('e'), KeyCode::Backspace);
}

/// Searches for the long thread's word and leaves the search box: the list
/// holds the long thread and a short conversation, the long one selected.
fn open_long_thread(session: &mut Session) {
    session
        .key(KeyCode::Char('/'))
        .and_then(|()| session.type_text(LONG_THREAD_WORD))
        .and_then(|()| session.key(KeyCode::Enter))
        .unwrap_or_else(|err| panic!("{err:#}"));
    session
        .select_long_thread()
        .unwrap_or_else(|err| panic!("{err:#}"));
}
