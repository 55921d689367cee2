//! What must survive: a `kill -9` in the middle of a large import leaves the
//! store exactly as it was, and two imports into one store at once both
//! succeed (one waits for the other).
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{Home, fixture};

/// `count` generic records, threads of five, ids prefixed so files don't overlap.
fn write_big_file(path: &Path, prefix: &str, count: usize) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..count {
        writeln!(
            out,
            r#"{{"platform":"github","external_id":"{prefix}-{i}","thread_id":"{prefix}/repo#{}","created_at":"2026-06-{:02}T{:02}:{:02}:00Z","author_handle":"user{}","text":"message {i} about zqxbulk invoices, exports and the sync add-on"}}"#,
            i / 5,
            1 + i % 28,
            i % 24,
            i % 60,
            i % 997,
        )
        .unwrap();
    }
}

#[test]
fn kill_9_during_a_large_import_leaves_the_store_as_it_was() {
    let home = Home::new();
    home.import(fixture("generic.jsonl"));
    let big = home.path("big.jsonl");
    write_big_file(&big, "big", 400_000);

    let mut child = home.tend_process().arg("import").arg(&big).spawn().unwrap();
    // Wait until the import is visibly under way: its uncommitted pages spill
    // into the write-ahead log once the page cache is full.
    let wal = home.path("data/tend.db-wal");
    let started = Instant::now();
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 4 << 20 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it could be killed; use a bigger file"
        );
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the import never got going"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "killed mid-import, not finished");

    assert_eq!(home.text("PRAGMA integrity_check"), "ok");
    assert_eq!(home.count("SELECT count(*) FROM messages"), 7);
    assert_eq!(home.count("SELECT count(*) FROM conversations"), 7);
    assert_eq!(
        home.count("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'zqxbulk'"),
        0
    );
    // And the store still works: the same import now goes through whole.
    write_big_file(&big, "big", 2_000);
    home.import(&big);
    assert_eq!(home.count("SELECT count(*) FROM messages"), 2_007);
}

#[test]
fn two_imports_at_once_both_succeed() {
    let home = Home::new();
    let (a, b) = (home.path("a.jsonl"), home.path("b.jsonl"));
    write_big_file(&a, "a", 30_000);
    write_big_file(&b, "b", 30_000);
    // The second starts once the first is visibly writing, so they overlap:
    // the second must wait for the lock, not fail.
    let spawn = |file: &Path| {
        home.tend_process()
            .args(["import", "--json"])
            .arg(file)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut first = spawn(&a);
    let wal = home.path("data/tend.db-wal");
    let started = Instant::now();
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 1 << 20 {
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first import ended before the second started"
        );
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the first import never got going"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let second = spawn(&b);
    let outputs = [
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    ];
    for output in &outputs {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report["new_messages"], 30_000);
        assert_eq!(report["new_conversations"], 6_000);
    }
    assert_eq!(home.count("SELECT count(*) FROM messages"), 60_000);
    assert_eq!(
        home.count("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'zqxbulk'"),
        60_000
    );
    assert_eq!(home.text("PRAGMA integrity_check"), "ok");
}
