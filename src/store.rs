//! The one SQLite file that holds everything, and the only module that runs
//! SQL. `Store` is one concrete struct; its queries are grouped by concern in
//! `store/`. Every write runs in a `BEGIN IMMEDIATE` transaction: a deferred
//! transaction that reads and then writes fails at once with "database is
//! locked" when another process committed in between, instead of waiting.

mod cursors;
mod ingest;
mod migrations;
mod people;
mod queue;
mod search;
mod session;
mod terms;
mod timer;
mod transfer;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};

pub use ingest::{Ingest, IngestCounts, NewMessage};
pub use migrations::LATEST_VERSION;
pub use people::PersonSeed;
pub use queue::{Candidate, Hit, ListFilter, Promise, QueueItem};
pub use session::{ConversationSummary, PersonCard, Thread, ThreadMessage, Undone};
pub use transfer::ExportedMessage;

/// How long a write waits for another tend process (an import, a second
/// session) to finish before giving up with a clear message.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a store file cannot be used. Each message names the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path}: this store was written by a newer tend (schema version {found}, this tend knows \
         up to {supported}); upgrade tend — the file was not changed"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "{path}: not a tend store (the file is not an SQLite database); check --db/TEND_DB — the file was not changed"
    )]
    NotADatabase { path: PathBuf },
    #[error(
        "{path}: an SQLite database of another program, not a tend store; check --db/TEND_DB — the file was not changed"
    )]
    ForeignDatabase { path: PathBuf },
    #[error("{path}: not a regular file; --db/TEND_DB must name a store file")]
    NotAFile { path: PathBuf },
    #[error("{path}: the store is busy (another tend is writing to it); try again in a moment")]
    Busy { path: PathBuf },
    #[error(
        "{path}: the store is read-only for you; tend writes to the file and creates {path}-wal \
         and {path}-shm beside it, so make the file and its folder writable (chmod u+w) \
         or point --db/TEND_DB at another store — nothing was changed"
    )]
    ReadOnly { path: PathBuf },
    #[error(
        "{path}: cannot open the store file or the -wal/-shm files SQLite keeps beside it; \
         check that the folder exists and you may write to it"
    )]
    CannotOpen { path: PathBuf },
    #[error(
        "{path}: the disk is full (or the file may grow no further); nothing was written — \
         free some space and do it again"
    )]
    Full { path: PathBuf },
    #[error(
        "{path}: the system could not read or write the store (disk I/O error); nothing half-written \
         was kept — check free space and the disk, then do it again"
    )]
    Io { path: PathBuf },
    #[error(
        "{path}: the store is damaged (SQLite: database disk image is malformed); tend changed \
         nothing — restore it from a backup, or salvage what is readable with \
         `sqlite3 '{path}' .recover | sqlite3 recovered.db`"
    )]
    Damaged { path: PathBuf },
}

/// What a failure means for the user when it is about the store file itself
/// (read-only, full, damaged, unopenable) rather than one query: the error
/// to show, naming the file and what to do. `None` for any other failure,
/// and for one already explained (a `StoreError` keeps no SQLite error).
#[must_use]
pub fn explain_failure(path: &Path, err: &anyhow::Error) -> Option<StoreError> {
    let sqlite = err
        .chain()
        .find_map(|cause| cause.downcast_ref::<rusqlite::Error>())?;
    file_failure(path, sqlite.sqlite_error_code()?)
}

fn file_failure(path: &Path, code: ErrorCode) -> Option<StoreError> {
    let path = path.to_path_buf();
    Some(match code {
        ErrorCode::NotADatabase => StoreError::NotADatabase { path },
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Busy { path },
        ErrorCode::ReadOnly => StoreError::ReadOnly { path },
        ErrorCode::CannotOpen => StoreError::CannotOpen { path },
        ErrorCode::DiskFull => StoreError::Full { path },
        ErrorCode::SystemIoFailure => StoreError::Io { path },
        ErrorCode::DatabaseCorrupt => StoreError::Damaged { path },
        _ => return None,
    })
}

#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed, readable by the user only) and migrates the
    /// store at `path`. A store from a newer tend is refused before anything
    /// is written to it.
    pub fn open(path: &Path) -> Result<Store> {
        crate::paths::touch_private_file(path)?;
        if !std::fs::metadata(path).is_ok_and(|meta| meta.is_file()) {
            return Err(StoreError::NotAFile {
                path: path.to_path_buf(),
            }
            .into());
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("cannot open store {}", path.display()))?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.conn.busy_timeout(BUSY_TIMEOUT)?;
        // One statement, so both come from the same snapshot even while
        // another process creates the store.
        let (version, tables): (i64, i64) = store
            .conn
            .query_row(
                "SELECT user_version, (SELECT count(*) FROM sqlite_master) FROM pragma_user_version",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(|err| store.explain(err))?;
        refuse_newer(&store.path, version)?;
        // Version 0 is a new store, unless the file already holds tables.
        if version == 0 && tables > 0 {
            return Err(StoreError::ForeignDatabase {
                path: store.path.clone(),
            }
            .into());
        }
        store.enable_wal()?;
        // FULL: each commit is synced to disk, so what the user did survives a
        // power cut too; commits are few (one per import, one per action).
        store.conn.pragma_update(None, "synchronous", "FULL")?;
        store.conn.pragma_update(None, "foreign_keys", "ON")?;
        // Statement journals and sorts in memory: on disk they cost a write
        // per page touched by every multi-row statement.
        store.conn.pragma_update(None, "temp_store", "MEMORY")?;
        // No memory-mapped reads (SQLite's default): every page a session
        // touched would stay in its resident memory, ~390 MB after a minute
        // on a 1M-message store, and the first frame was slower (29 ms against
        // 22 ms), unmapping included. The kernel's page cache keeps the file
        // warm without counting against tend (BENCHMARKS.md).
        register_functions(&store.conn)?;
        migrations::migrate(&store)?;
        Ok(store)
    }

    /// Switches a new store to write-ahead logging. The switch needs an
    /// exclusive lock; when two processes open a fresh store at once, SQLite
    /// answers one of them "busy" at once instead of waiting (each holds the
    /// shared lock the other needs), so this waits and retries. Once the file
    /// is in WAL mode the switch is a no-op that takes no such lock.
    fn enable_wal(&self) -> Result<()> {
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        let mut pause = Duration::from_millis(2);
        loop {
            match self.conn.pragma_update(None, "journal_mode", "WAL") {
                Ok(()) => return Ok(()),
                Err(err)
                    if err.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                        && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(100));
                }
                Err(err) => return Err(self.explain(err)),
            }
        }
    }

    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Lets this connection grow the file by at most `pages` more pages
    /// (SQLite's `max_page_count`): a write past that fails as on a full
    /// disk. For the fault tests; tend itself never limits the store.
    #[doc(hidden)]
    pub fn limit_growth_for_tests(&self, pages: u32) -> Result<()> {
        let now: i64 = self
            .conn
            .query_row("PRAGMA page_count", [], |row| row.get(0))?;
        self.conn
            .pragma_update(None, "max_page_count", now + i64::from(pages))?;
        Ok(())
    }

    #[cfg(test)]
    pub(crate) fn conn_for_tests(&self) -> &Connection {
        &self.conn
    }

    fn user_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|err| self.explain(err))
    }

    /// Opens the store at `path` if there is one: commands that only read
    /// must not leave an empty store behind a mistyped `--db`.
    pub fn open_existing(path: &Path) -> Result<Option<Store>> {
        if path.exists() {
            Store::open(path).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Starts a write transaction that takes the write lock up front. A newer
    /// tend may have migrated the store since it was opened (a session stays
    /// open for hours): then nothing is written.
    fn write(&mut self) -> Result<Transaction<'_>> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|err| explain_for(&path, err))?;
        let version: i64 = tx
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|err| explain_for(&path, err))?;
        refuse_newer(&path, version)?;
        Ok(tx)
    }

    /// Turns SQLite's terse codes into errors that say which file and what to do.
    fn explain(&self, err: rusqlite::Error) -> anyhow::Error {
        explain_for(&self.path, err)
    }
}

/// Rust functions a migration computes stored values with, so that old
/// rows get exactly what new ones get.
fn register_functions(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("tend_asks_question", 1, flags, |context| {
        Ok(context
            .get_raw(0)
            .as_str()
            .is_ok_and(crate::priority::asks_question))
    })?;
    conn.create_scalar_function("tend_addressed", 1, flags, |context| {
        let kind = context
            .get_raw(0)
            .as_str()
            .ok()
            .and_then(|kind| kind.parse().ok());
        Ok(kind.map_or(0, |kind| crate::priority::Addressed::of_kind(kind).level()))
    })?;
    Ok(())
}

/// Adds the text of messages `after < id <= through` to the full-text index.
/// The index has external content: a removal must repeat exactly what was
/// added, so both are written here, from one column list.
fn index_text(tx: &Transaction<'_>, after: i64, through: i64) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO messages_fts (rowid, text, title, author_handle, author_display_name)
         SELECT id, text, title, author_handle, author_display_name FROM messages
         WHERE id > ?1 AND id <= ?2",
        [after, through],
    )
}

/// Removes message `id`'s text from the full-text index (before the row goes).
fn unindex_text(tx: &Transaction<'_>, id: i64) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO messages_fts (messages_fts, rowid, text, title, author_handle, author_display_name)
         SELECT 'delete', id, text, title, author_handle, author_display_name FROM messages WHERE id = ?1",
        [id],
    )
}

/// A store a newer tend wrote is not this tend's to read or change.
fn refuse_newer(path: &Path, version: i64) -> Result<()> {
    if version > LATEST_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: LATEST_VERSION,
        }
        .into());
    }
    Ok(())
}

fn explain_for(path: &Path, err: rusqlite::Error) -> anyhow::Error {
    match err
        .sqlite_error_code()
        .and_then(|code| file_failure(path, code))
    {
        Some(failure) => failure.into(),
        None => anyhow::Error::new(err).context(format!("store {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_creates_a_private_migrated_wal_store() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/tend.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.user_version().unwrap(), LATEST_VERSION);
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = store
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let perms = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(perms, 0o600);
        drop(store);
        // Reopening an up-to-date store changes nothing.
        let again = Store::open(&path).unwrap();
        assert_eq!(again.user_version().unwrap(), LATEST_VERSION);
    }

    #[test]
    fn a_store_from_the_previous_version_is_migrated_with_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tend.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(include_str!("../assets/migrations/0001_initial.sql"))
                .unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO people (display_name, created_at) VALUES ('Ana', 0)",
                [],
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.user_version().unwrap(), LATEST_VERSION);
        let name: String = store
            .conn
            .query_row("SELECT display_name FROM people", [], |r| r.get(0))
            .unwrap();
        assert_eq!(name, "Ana");
        let drafts: i64 = store
            .conn
            .query_row("SELECT count(*) FROM drafts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(drafts, 0);
    }

    #[test]
    fn newer_store_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tend.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", LATEST_VERSION + 1)
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(
            matches!(err.downcast_ref(), Some(StoreError::NewerSchema { .. })),
            "{err}"
        );
        assert!(err.to_string().contains("upgrade tend"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert!(!dir.path().join("tend.db-wal").exists());
    }

    #[test]
    fn another_programs_database_and_device_files_are_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("photos.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE albums (name TEXT); INSERT INTO albums VALUES ('summer');",
            )
            .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(
            matches!(err.downcast_ref(), Some(StoreError::ForeignDatabase { .. })),
            "{err}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert!(!dir.path().join("photos.db-wal").exists());

        let err = Store::open(Path::new("/dev/null")).unwrap_err();
        assert!(
            matches!(err.downcast_ref(), Some(StoreError::NotAFile { .. })),
            "{err}"
        );
    }

    #[test]
    fn writes_stop_when_a_newer_tend_migrated_the_store_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tend.db");
        let mut store = Store::open(&path).unwrap();
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", LATEST_VERSION + 1)
            .unwrap();
        let err = store
            .ingest(chrono::Utc::now(), std::collections::HashSet::new())
            .unwrap_err();
        assert!(
            matches!(err.downcast_ref(), Some(StoreError::NewerSchema { .. })),
            "{err}"
        );
    }

    #[test]
    fn read_only_opening_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("typo/tend.db");
        assert!(Store::open_existing(&path).unwrap().is_none());
        assert!(!dir.path().join("typo").exists());
    }

    #[test]
    fn a_file_that_is_not_a_database_is_named_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        let text = "these are my notes, not a database\n".repeat(200);
        std::fs::write(&path, &text).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(
            matches!(err.downcast_ref(), Some(StoreError::NotADatabase { .. })),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn each_failure_of_the_file_is_named_for_what_it_means() {
        let path = Path::new("/x/tend.db");
        let named = |code| file_failure(path, code);
        assert!(matches!(
            named(ErrorCode::SystemIoFailure),
            Some(StoreError::Io { .. })
        ));
        assert!(matches!(
            named(ErrorCode::DiskFull),
            Some(StoreError::Full { .. })
        ));
        assert!(matches!(
            named(ErrorCode::CannotOpen),
            Some(StoreError::CannotOpen { .. })
        ));
        assert!(matches!(
            named(ErrorCode::ReadOnly),
            Some(StoreError::ReadOnly { .. })
        ));
        assert!(matches!(
            named(ErrorCode::DatabaseCorrupt),
            Some(StoreError::Damaged { .. })
        ));
        assert!(named(ErrorCode::ConstraintViolation).is_none());
    }
}
