//! What must survive: a `kill -9` in the middle of a large import leaves the
//! store exactly as it was; two imports into one store at once both succeed
//! (one waits for the other); a full disk, a read-only store, a damaged one
//! and a file that is not a store each get one line naming the file and what
//! to do, with the file left as it was, and a session on a full disk keeps
//! the reply being typed. (`kill -9` of a sync is in `tests/sync/`, of a
//! session and two sessions with an import in `tests/session_tmux.rs`.)
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::screen::{demo_app_with, key, render, type_text};
use common::{Home, fixture};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sha2::{Digest, Sha256};
use tend::tui::app::{Event, Mode};

#[test]
fn kill_9_during_a_large_import_leaves_the_store_as_it_was() {
    let home = Home::new();
    home.import(fixture("generic.jsonl"));
    let big = home.write_bulk("big.jsonl", "big", 400_000);

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
    home.write_bulk("big.jsonl", "big", 2_000);
    home.import(&big);
    assert_eq!(home.count("SELECT count(*) FROM messages"), 2_007);
}

#[test]
fn two_imports_at_once_both_succeed() {
    let home = Home::new();
    let a = home.write_bulk("a.jsonl", "a", 30_000);
    let b = home.write_bulk("b.jsonl", "b", 30_000);
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

/// The store file's bytes, to show a command left them alone.
fn fingerprint(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

/// What a failed command printed, checked to be one line that names the store.
fn one_line_naming(output: &std::process::Output, store: &Path) -> String {
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains(&store.display().to_string()),
        "names the store: {stderr}"
    );
    stderr
}

#[test]
fn a_full_disk_refuses_the_import_whole_and_says_so() {
    let home = Home::new();
    home.import(fixture("generic.jsonl"));
    let big = home.write_bulk("big.jsonl", "big", 20_000);
    let before = fingerprint(&home.db());
    // The disk fills up: no file may grow past 400 KiB (the store is
    // ~150 KiB), so the write-ahead log stops growing part-way through the
    // import. With SIGXFSZ ignored the write fails with EFBIG, which SQLite
    // reports as an I/O error (ENOSPC would be "full"; the session's test
    // below gets that one).
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 400; exec '{}' import '{}'",
            env!("CARGO_BIN_EXE_tend"),
            big.display()
        ))
        .envs(home.tend_env())
        .output()
        .unwrap();
    let stderr = one_line_naming(&output, &home.db());
    assert!(
        stderr.starts_with(&format!(
            "tend: committing the import: {}: the system could not read or write the store",
            home.db().display()
        )) && stderr.contains("check free space"),
        "says what failed, why, and what to do: {stderr}"
    );
    assert_eq!(home.text("PRAGMA integrity_check"), "ok");
    assert_eq!(home.count("SELECT count(*) FROM messages"), 7);
    assert_eq!(
        home.count("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'zqxbulk'"),
        0
    );
    assert_eq!(
        fingerprint(&home.db()),
        before,
        "the store file is as it was"
    );
    // With room again, the same import goes through whole.
    home.import(&big);
    assert_eq!(home.count("SELECT count(*) FROM messages"), 20_007);
}

#[test]
fn a_session_on_a_full_disk_keeps_the_reply_being_typed() {
    let (mut app, dir) = demo_app_with(120, 40, |store| {
        store.limit_growth_for_tests(0).unwrap();
    });
    let db = dir.path().join("demo.db");
    let replies = || {
        rusqlite::Connection::open(&db)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM messages WHERE direction = 'out'",
                [],
                |row| row.get::<_, i64>(0),
            )
            .unwrap()
    };
    let before = replies();
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "Thanks, Mira — the fix ships on Monday.");
    // A long answer pasted in needs pages the full disk cannot give.
    let steps = "\n\n1. Open Settings → Export and pick the new CSV layout.".repeat(300);
    app.update(Event::Paste(steps.clone())).unwrap();
    let reply = format!("Thanks, Mira — the fix ships on Monday.{steps}");
    let save = Event::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let err = app.update(save).expect_err("the disk is full");
    let failure = tend::store::explain_failure(app.store_path(), &err)
        .expect("said to be about the store")
        .to_string();
    assert!(failure.contains("the disk is full"), "{failure}");
    // The reply is still in its box, the conversation still open, nothing stored.
    assert_eq!(app.mode, Mode::Reply);
    assert_eq!(app.editor.text(), reply);
    assert_eq!(replies(), before);
    let screen = format!("{:?}", render(&app, 120, 40).backend());
    assert!(screen.contains("pick the new CSV layout"), "{screen}");
    // Quitting cannot save it either, yet ctrl-c still quits (the session
    // prints what could not be saved).
    let quit = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.update(quit).is_err());
    assert!(app.quit);
    assert!(app.finish(common::screen::start()).is_err());
    assert_eq!(app.unsaved_draft(), Some(reply));
    let check: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

/// Runs the binary as a user who may not write where root may: root ignores
/// file modes, so as root the command runs as `nobody` (through setpriv).
fn as_unprivileged(home: &Home, args: &[&str]) -> std::process::Output {
    // `nobody` must reach the binary and the home directory.
    let binary = home.path("tend-copy");
    if !binary.exists() {
        std::fs::copy(env!("CARGO_BIN_EXE_tend"), &binary).unwrap();
    }
    let root = home.path("");
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(home.config(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut command = if rustix::process::getuid().is_root() {
        let mut command = std::process::Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&binary);
        command
    } else {
        std::process::Command::new(&binary)
    };
    command
        .args(args)
        .envs(home.tend_env())
        .current_dir(&root)
        .output()
        .expect("running tend (as root this needs setpriv, from util-linux)")
}

#[test]
fn a_read_only_store_is_named_with_what_to_do_and_left_alone() {
    let home = Home::new();
    home.import(fixture("generic.jsonl"));
    let data = home.db().parent().unwrap().to_path_buf();
    let before = fingerprint(&home.db());
    let wal_files = |data: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(data)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path != &home.db())
            .collect()
    };
    assert_eq!(wal_files(&data), Vec::<PathBuf>::new());
    // The file read-only, then (writable file) the folder read-only.
    for (file_mode, dir_mode) in [(0o444, 0o755), (0o666, 0o555)] {
        std::fs::set_permissions(home.db(), std::fs::Permissions::from_mode(file_mode)).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(dir_mode)).unwrap();
        let import = fixture("generic.csv").display().to_string();
        for args in [vec!["inbox"], vec!["import", import.as_str()]] {
            let output = as_unprivileged(&home, &args);
            let stderr = one_line_naming(&output, &home.db());
            assert!(
                stderr.contains("read-only") && stderr.contains("chmod"),
                "{args:?} with modes {file_mode:o}/{dir_mode:o}: {stderr}"
            );
        }
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(fingerprint(&home.db()), before);
        assert_eq!(
            wal_files(&data),
            Vec::<PathBuf>::new(),
            "nothing created beside it"
        );
    }
    std::fs::set_permissions(home.db(), std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(home.count("SELECT count(*) FROM messages"), 7);
}

#[test]
fn a_damaged_store_is_named_with_what_to_do_and_left_alone() {
    let home = Home::new();
    let file = home.write_bulk("some.jsonl", "some", 3_000);
    home.import(&file);
    // Bytes overwritten across the middle half of the file, as a failing
    // disk or a stray program might.
    let db = home.db();
    let mut bytes = std::fs::read(&db).unwrap();
    let len = bytes.len();
    for byte in &mut bytes[len / 4..len * 3 / 4] {
        *byte = 0xA5;
    }
    std::fs::write(&db, &bytes).unwrap();
    let before = fingerprint(&db);
    let mut failed = Vec::new();
    for args in [
        vec!["inbox"],
        vec!["search", "zqxbulk"],
        vec!["export"],
        vec!["budget"],
    ] {
        let output = home.tend_process().args(&args).output().unwrap();
        if output.status.success() {
            // What reads only undamaged pages works, and says what it found.
            assert!(output.stderr.is_empty(), "{args:?}: {output:?}");
            assert!(!output.stdout.is_empty(), "{args:?} printed nothing");
        } else {
            let stderr = one_line_naming(&output, &db);
            assert!(
                stderr.starts_with(&format!("tend: {}: the store is damaged", db.display())),
                "{args:?}: {stderr}"
            );
            assert!(stderr.contains(".recover"), "{args:?}: {stderr}");
            failed.push(args[0]);
        }
        assert_eq!(fingerprint(&db), before, "{args:?} changed the file");
    }
    // Export reads every message, so it cannot miss the damage.
    assert!(failed.contains(&"export"), "failed: {failed:?}");
}
