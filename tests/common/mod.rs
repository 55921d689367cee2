//! A temp home for one test: its own store and config, a fixed "now", and
//! the real `tend` binary.
#![allow(dead_code, clippy::unwrap_used)]

pub mod screen;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

/// The instant every binary run in these tests sees as "now".
pub const NOW: &str = "2026-06-13T12:00:00Z";

pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        let home = Home {
            dir: tempfile::tempdir().unwrap(),
        };
        // TEND_CONFIG names this file, and a named config must exist.
        home.write("config.toml", "");
        home
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("data/tend.db")
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    /// `TEND_STATE`: where sync sessions are kept.
    pub fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// `tend` with this home's store and config.
    pub fn tend(&self) -> assert_cmd::Command {
        let mut command = assert_cmd::Command::new(env!("CARGO_BIN_EXE_tend"));
        command
            .env("TEND_DB", self.db())
            .env("TEND_CONFIG", self.config())
            .env("TEND_STATE", self.state())
            .env("TEND_NOW", NOW)
            // "Today" is the host's day unless a test says otherwise.
            .env("TZ", "UTC")
            .env_remove("COLUMNS")
            .current_dir(self.dir.path());
        command
    }

    /// `tend import FILE`, which must succeed.
    pub fn import(&self, file: impl AsRef<std::ffi::OsStr>) -> assert_cmd::assert::Assert {
        self.tend().arg("import").arg(file).assert().success()
    }

    /// The same, as a plain process for tests that kill or race it.
    pub fn tend_process(&self) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tend"));
        command.envs(self.tend_env()).current_dir(self.dir.path());
        command
    }

    /// The environment every run of `tend` here gets, for a command that
    /// starts it some other way (a shell with limits, another user).
    pub fn tend_env(&self) -> [(&'static str, std::ffi::OsString); 5] {
        [
            ("TEND_DB", self.db().into_os_string()),
            ("TEND_CONFIG", self.config().into_os_string()),
            ("TEND_STATE", self.state().into_os_string()),
            ("TEND_NOW", NOW.into()),
            ("TZ", "UTC".into()),
        ]
    }

    /// Writes file `name` of `count` generic records, threads of five, ids
    /// prefixed so files don't overlap, each with the word "zqxbulk".
    pub fn write_bulk(&self, name: &str, prefix: &str, count: usize) -> PathBuf {
        use std::io::Write as _;
        let path = self.path(name);
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
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
        path
    }

    /// A read-only look at the store, as another program would have.
    pub fn peek(&self) -> Connection {
        Connection::open_with_flags(self.db(), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.peek().query_row(sql, [], |row| row.get(0)).unwrap()
    }

    /// The state of the conversation holding message `external_id`.
    pub fn state_of(&self, external_id: &str) -> String {
        self.conversation_column(external_id, "state")
    }

    /// The thread key of the conversation holding message `external_id`.
    pub fn thread_of(&self, external_id: &str) -> String {
        self.conversation_column(external_id, "thread_key")
    }

    fn conversation_column(&self, external_id: &str, column: &str) -> String {
        let sql = format!(
            "SELECT c.{column} FROM conversations c JOIN messages m ON m.conversation_id = c.id
             WHERE m.external_id = ?1"
        );
        self.peek()
            .query_row(&sql, [external_id], |row| row.get(0))
            .unwrap()
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// One generic-format JSONL line.
pub fn line(platform: &str, id: &str, at: &str, text: &str, extra: &[(&str, &str)]) -> String {
    let mut object = serde_json::json!({
        "platform": platform, "external_id": id, "created_at": at, "text": text,
    });
    for (key, value) in extra {
        object[*key] = serde_json::Value::String((*value).to_owned());
    }
    object.to_string()
}

pub fn stdout_json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A fixture file's JSON, to change into a broken variant.
pub fn fixture_json(name: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(fixture(name)).unwrap()).unwrap()
}

impl Home {
    /// `tend import FILE ARGS --json`: the report, whether it succeeded or not.
    pub fn import_report(&self, file: &Path, args: &[&str]) -> serde_json::Value {
        stdout_json(
            &self
                .tend()
                .arg("import")
                .arg(file)
                .args(args)
                .arg("--json")
                .output()
                .unwrap(),
        )
    }

    /// `tend import FILE ARGS`, which must refuse the file: its error.
    pub fn import_refused(&self, file: impl AsRef<Path>, args: &[&str]) -> String {
        let output = self
            .tend()
            .arg("import")
            .args(args)
            .arg(file.as_ref())
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        stderr
    }

    /// One text value from the store.
    pub fn text(&self, sql: &str) -> String {
        self.peek().query_row(sql, [], |row| row.get(0)).unwrap()
    }
}
