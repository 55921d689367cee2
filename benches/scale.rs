//! The benchmarks of BENCHMARKS.md, end to end, printed as its table:
//!
//! ```text
//! cargo bench --bench scale                           # 100k and 1M messages, ~3 minutes
//! TEND_BENCH_SIZES=100000 cargo bench --bench scale   # sizes of your choosing
//! ```
//!
//! For each size, on fresh files under `target/tmp/bench/scale-N/`:
//! 1. the history is generated (`examples/generate.rs`, seed 1) and imported
//!    by the release binary into a new store, timed (the median of 3 runs
//!    below 1M, one run at 1M);
//! 2. the reference: the same rows, exported from that store as CSV, are
//!    imported by the `sqlite3` CLI's `.import` into the same `messages`
//!    table, indexes and full-text index, in one transaction with the same
//!    pragmas (`sqlite3` must be installed: `apt-get install sqlite3`);
//! 3. a 600-message thread is added (`support::add_long_thread`);
//! 4. start-up: `tend --exit-after-first-frame` in a 200×50 pseudo-terminal,
//!    from spawning the process to its exit, so the time includes exec,
//!    opening the store, the first frame and tearing down;
//! 5. in process, as `benches/queue.rs` does them: a keypress (`update` plus
//!    a full 200×50 frame) moving through the queue, to and from the long
//!    thread, scrolling it, and typing each search; building the queue;
//! 6. the peak RSS (`VmHWM`) of a real session in a pseudo-terminal, after
//!    keys typed into it: moving down the queue, three searches, the long
//!    thread opened and scrolled.
//!
//! The machine comes first in the output, then the table (also written to
//! `target/tmp/bench/scale.md`).
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/pty.rs"]
mod pty;
mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use pty::Pty;
use ratatui::crossterm::event::KeyCode;
use support::{LONG_THREAD_WORD, Session, now};
use tend::config::Config;
use tend::query::Query;
use tend::store::Store;

/// The frame size the session benchmarks draw.
const WIDTH: u16 = 200;
const HEIGHT: u16 = 50;
/// Rows of the list the session reads first (`QUEUE_PAGE` in `tui::app`).
const ROWS: usize = 200;

/// Each search is measured as the keystroke that completes it.
const SEARCHES: [(&str, &str); 6] = [
    ("a common word", "invoice"),
    ("a rare word", "zymurgy"),
    ("a prefix, as typed", "expo"),
    (
        "a word, platform and state",
        "invoice platform:github is:answered",
    ),
    ("a person's messages", "from:lukasz"),
    ("a common word with is:overdue", "the is:overdue"),
];

fn main() {
    if let Err(err) = run() {
        eprintln!("scale benchmark: {err:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let sizes: Vec<u64> = std::env::var("TEND_BENCH_SIZES")
        .unwrap_or_else(|_| "100000,1000000".into())
        .split(',')
        .map(|size| {
            size.trim()
                .parse()
                .context("TEND_BENCH_SIZES: a comma-separated list of message counts")
        })
        .collect::<Result<_>>()?;
    ensure!(
        Command::new("sqlite3").arg("-version").output().is_ok(),
        "the reference import needs the sqlite3 CLI: apt-get install sqlite3"
    );
    // `cargo bench` builds the binary with the bench profile (optimized).
    let machine = machine();
    println!("{machine}");
    let mut columns = Vec::new();
    for &size in &sizes {
        eprintln!("== {size} messages");
        columns.push(measure_size(size)?);
    }
    let table = table(&sizes, &columns);
    println!("{table}");
    std::fs::write(
        support::work_dir().join("scale.md"),
        format!("{machine}\n{table}"),
    )?;
    Ok(())
}

/// Times in one column of the table.
struct Column {
    messages: u64,
    store_bytes: u64,
    open_conversations: usize,
    import: Duration,
    reference: Duration,
    first_frame: Sample,
    moving: Sample,
    to_long_thread: Sample,
    scrolling: Sample,
    queue_build: Sample,
    searches: Vec<Sample>,
    peak_rss_kb: u64,
}

fn measure_size(size: u64) -> Result<Column> {
    let dir = support::work_dir().join(format!("scale-{size}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let jsonl = dir.join("history.jsonl");
    support::write_history(&jsonl, size)?;

    eprintln!("import");
    let runs = if size < 1_000_000 { 3 } else { 1 };
    let mut imports = Vec::new();
    let db = dir.join("tend.db");
    for _ in 0..runs {
        remove_store(&db)?;
        imports.push(support::import(&db, &jsonl)?);
    }
    std::fs::remove_file(&jsonl)?;
    eprintln!("reference import");
    let mut references = Vec::new();
    for _ in 0..runs {
        references.push(reference_import(&db, &dir)?);
    }
    support::add_long_thread(&db)?;
    let store_bytes = std::fs::metadata(&db)?.len();

    eprintln!("first frame");
    let first_frame = measure(30, || first_frame(&db))?;

    eprintln!("session");
    let mut session = Session::open(&db, WIDTH, HEIGHT)?;
    session.draw()?;
    let moving = alternate(&mut session, 300, KeyCode::Char('j'), KeyCode::Char('k'))?.0;
    let mut session = Session::open(&db, WIDTH, HEIGHT)?;
    session.key(KeyCode::Char('/'))?;
    session.type_text(LONG_THREAD_WORD)?;
    session.key(KeyCode::Enter)?;
    session.select_long_thread()?;
    // From the long thread down to the short one, and back up to it.
    let to_long_thread = alternate(&mut session, 100, KeyCode::Down, KeyCode::Up)?.1;
    session.key(KeyCode::Tab)?;
    let scrolling = alternate(&mut session, 300, KeyCode::Char('j'), KeyCode::Char('k'))?.0;

    let store = Store::open(&db)?;
    let config = Config::default();
    let open_conversations = store.candidates(now())?.len();
    let queue_build = measure(30, || {
        tend::queue::list(&store, &config, &Query::default(), now(), ROWS).map(|_| ())
    })?;
    let mut searches = Vec::new();
    for (_, text) in SEARCHES {
        let mut session = Session::open(&db, WIDTH, HEIGHT)?;
        session.key(KeyCode::Char('/'))?;
        let (head, last) = text.split_at(text.len() - 1);
        session.type_text(head)?;
        let last = last.chars().next().unwrap_or(' ');
        searches.push(alternate(&mut session, 60, KeyCode::Char(last), KeyCode::Backspace)?.0);
    }

    eprintln!("peak memory");
    let peak_rss_kb = session_peak_rss(&db)?;
    Ok(Column {
        messages: size,
        store_bytes,
        open_conversations,
        import: Sample(imports).quantile(0.5),
        reference: Sample(references).quantile(0.5),
        first_frame,
        moving,
        to_long_thread,
        scrolling,
        queue_build,
        searches,
        peak_rss_kb,
    })
}

fn remove_store(db: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let path = PathBuf::from(format!("{}{suffix}", db.display()));
        if path.exists() {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(())
}

/// The same rows through SQLite's own bulk path: `.import` of a CSV export
/// of tend's `messages` into a new file with that table's schema, indexes
/// and full-text index (taken from tend's store, so they stay the same), in
/// one transaction, WAL and `synchronous=FULL` as tend runs.
fn reference_import(tend_db: &Path, dir: &Path) -> Result<Duration> {
    let rows = dir.join("rows.csv");
    if !rows.exists() {
        let csv = std::fs::File::create(&rows)?;
        let status = Command::new("sqlite3")
            .args(["-readonly", "-csv"])
            .arg(tend_db)
            .arg("SELECT * FROM messages ORDER BY id")
            .stdout(csv)
            .status()?;
        ensure!(status.success(), "sqlite3 could not export the rows");
    }
    let schema = Command::new("sqlite3")
        .arg("-readonly")
        .arg(tend_db)
        .arg(
            "SELECT sql || ';' FROM sqlite_master
             WHERE (tbl_name = 'messages' OR name = 'messages_fts') AND sql IS NOT NULL
             ORDER BY type = 'index', name",
        )
        .output()?;
    ensure!(schema.status.success(), "sqlite3 could not read the schema");
    let schema = String::from_utf8(schema.stdout)?;
    let script = format!(
        "PRAGMA journal_mode = WAL;\nPRAGMA synchronous = FULL;\n{schema}\nBEGIN;\n\
         .import --csv '{}' messages\n\
         INSERT INTO messages_fts (rowid, text, title, author_handle, author_display_name)\n\
           SELECT id, text, title, author_handle, author_display_name FROM messages;\n\
         COMMIT;\n",
        rows.display()
    );
    let reference = dir.join("reference.db");
    remove_store(&reference)?;
    let started = Instant::now();
    let mut child = Command::new("sqlite3")
        .arg(&reference)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    std::io::Write::write_all(
        &mut child.stdin.take().context("sqlite3's stdin")?,
        script.as_bytes(),
    )?;
    let output = child.wait_with_output()?;
    let took = started.elapsed();
    ensure!(
        output.status.success() && output.stderr.is_empty(),
        "the reference import failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(took)
}

/// `tend --exit-after-first-frame` in a 200×50 pseudo-terminal, spawn to exit.
fn first_frame(db: &Path) -> Result<()> {
    let mut command = support::tend(db)?;
    command.arg("--exit-after-first-frame");
    let mut running = Pty::spawn(&mut command, WIDTH, HEIGHT)?;
    let status = running.child.wait()?;
    let screen = running.finish()?;
    ensure!(
        status.success() && screen.contains("Queue"),
        "tend --exit-after-first-frame: {status}, drew:\n{}",
        String::from_utf8_lossy(screen.as_bytes())
    );
    Ok(())
}

/// The peak resident memory of a session on `db`, in KiB, after keys a
/// user types: moving down the queue, a search, the long thread opened and
/// scrolled, a common-word search.
fn session_peak_rss(db: &Path) -> Result<u64> {
    let mut command = support::tend(db)?;
    let mut running = Pty::spawn(&mut command, WIDTH, HEIGHT)?;
    let pid = running.child.id();
    std::thread::sleep(Duration::from_secs(1));
    let backspaces = "\x7f".repeat(40);
    let steps = [
        "j".repeat(20),
        format!("/invoice\r{}", "j".repeat(10)),
        format!("/{backspaces}{LONG_THREAD_WORD}\r"),
        "\tjjjjjjjjjjkkkkkkkkkk\t".into(),
        format!("/{backspaces}the\r"),
    ];
    for step in &steps {
        for byte in step.bytes() {
            running.send(&[byte])?;
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    ensure!(
        running.child.try_wait()?.is_none(),
        "the session ended before it was measured"
    );
    let peak = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmHWM in /proc/PID/status")?;
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(pid as i32).context("the session's pid")?,
        rustix::process::Signal::TERM,
    )?;
    running.child.wait()?;
    let screen = running.finish()?;
    ensure!(
        screen.contains(&format!("Reply {}", support::LONG_THREAD_MESSAGES - 1)),
        "the session never showed the long thread"
    );
    Ok(peak)
}

/// Durations of repeated runs.
struct Sample(Vec<Duration>);

impl Sample {
    fn quantile(&self, q: f64) -> Duration {
        let mut sorted = self.0.clone();
        sorted.sort();
        let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
        sorted.get(index).copied().unwrap_or_default()
    }

    /// "median / p95" in milliseconds.
    fn show(&self) -> String {
        format!(
            "{} / {}",
            millis(self.quantile(0.5)),
            millis(self.quantile(0.95))
        )
    }
}

fn millis(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// `runs` timed runs of `work`, after a tenth as many untimed ones.
fn measure(runs: usize, mut work: impl FnMut() -> Result<()>) -> Result<Sample> {
    for _ in 0..runs.div_ceil(10) {
        work()?;
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        work()?;
        times.push(started.elapsed());
    }
    Ok(Sample(times))
}

/// Presses `first` and `second` in turn, `runs` times each: the times of
/// the `first` presses, and of the `second` ones.
fn alternate(
    session: &mut Session,
    runs: usize,
    first: KeyCode,
    second: KeyCode,
) -> Result<(Sample, Sample)> {
    let (mut firsts, mut seconds) = (Vec::new(), Vec::new());
    for round in 0..runs + runs.div_ceil(10) {
        for (key, times) in [(first, &mut firsts), (second, &mut seconds)] {
            let started = Instant::now();
            session.press(key)?;
            if round >= runs.div_ceil(10) {
                times.push(started.elapsed());
            }
        }
    }
    Ok((Sample(firsts), Sample(seconds)))
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map_or_else(
            || "unknown CPU".into(),
            |rest| rest.trim_start_matches([' ', '\t', ':']).to_owned(),
        );
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or_else(|| "?".into(), |kb| format!("{} GiB", kb >> 20));
    let command_line = |program: &str, arg: &str| {
        Command::new(program)
            .arg(arg)
            .output()
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let sqlite_cli = command_line("sqlite3", "-version");
    let sqlite_cli = sqlite_cli.split_whitespace().next().unwrap_or("?");
    format!(
        "Machine: {cpu}, {cores} cores, {memory} RAM; Linux {}; {}; \
         tend's SQLite {}, reference sqlite3 CLI {sqlite_cli}\n",
        command_line("uname", "-r"),
        command_line("rustc", "--version"),
        rusqlite::version(),
    )
}

fn table(sizes: &[u64], columns: &[Column]) -> String {
    let mut out = String::new();
    let header: Vec<String> = sizes
        .iter()
        .map(|size| format!("{} messages", thousands(*size)))
        .collect();
    let _ = writeln!(out, "| | {} | target (1M) |", header.join(" | "));
    let _ = writeln!(out, "|---|{}---|", "---|".repeat(sizes.len()));
    let mut row = |what: &str, cell: &dyn Fn(&Column) -> String, target: &str| {
        let cells: Vec<String> = columns.iter().map(cell).collect();
        let _ = writeln!(out, "| {what} | {} | {target} |", cells.join(" | "));
    };
    row("store file", &|c| format!("{} MB", c.store_bytes >> 20), "");
    row(
        "open conversations (queue)",
        &|c| thousands(c.open_conversations as u64),
        "",
    );
    row(
        "import, `tend import` (messages/s)",
        &|c| {
            format!(
                "{} /s ({:.1} s)",
                thousands(rate(c.messages, c.import)),
                c.import.as_secs_f64()
            )
        },
        "",
    );
    row(
        "import, `sqlite3` `.import` reference",
        &|c| {
            format!(
                "{} /s ({:.1} s)",
                thousands(rate(c.messages, c.reference)),
                c.reference.as_secs_f64()
            )
        },
        "",
    );
    row(
        "import, tend ÷ reference",
        &|c| format!("{:.2}×", c.import.as_secs_f64() / c.reference.as_secs_f64()),
        "≤ 2×",
    );
    row(
        "start to first frame, 200×50 (median / p95)",
        &|c| c.first_frame.show(),
        "< 30 ms",
    );
    row(
        "keypress: moving through the queue",
        &|c| c.moving.show(),
        "< 4 ms",
    );
    row(
        "keypress: onto the 600-message thread",
        &|c| c.to_long_thread.show(),
        "< 4 ms",
    );
    row(
        "keypress: scrolling that thread",
        &|c| c.scrolling.show(),
        "< 4 ms",
    );
    row(
        "queue build (all open scored, 200 rows read)",
        &|c| c.queue_build.show(),
        "",
    );
    for (index, (what, text)) in SEARCHES.iter().enumerate() {
        row(
            &format!("search keystroke: {what} (`{text}`)"),
            &|c| c.searches[index].show(),
            "< 20 ms",
        );
    }
    row(
        "peak RSS of a session (moving, 3 searches, the long thread)",
        &|c| format!("{} MB", c.peak_rss_kb / 1024),
        "< 64 MB",
    );
    out
}

fn rate(messages: u64, took: Duration) -> u64 {
    (messages as f64 / took.as_secs_f64()) as u64
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
