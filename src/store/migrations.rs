//! Forward-only schema migrations: numbered SQL files under
//! `assets/migrations/`, embedded in the binary, never edited once landed.
//! Each runs in its own IMMEDIATE transaction that also bumps
//! `PRAGMA user_version`, so a crash leaves the store at one version or the next.

use anyhow::{Context, Result};

use super::Store;

/// `(version, file name, SQL)`, in order. Append only.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "0001_initial.sql",
        include_str!("../../assets/migrations/0001_initial.sql"),
    ),
    (
        2,
        "0002_drafts.sql",
        include_str!("../../assets/migrations/0002_drafts.sql"),
    ),
    (
        3,
        "0003_budget.sql",
        include_str!("../../assets/migrations/0003_budget.sql"),
    ),
    (
        4,
        "0004_unused_index.sql",
        include_str!("../../assets/migrations/0004_unused_index.sql"),
    ),
    (
        5,
        "0005_priority.sql",
        include_str!("../../assets/migrations/0005_priority.sql"),
    ),
    (
        6,
        "0006_sync.sql",
        include_str!("../../assets/migrations/0006_sync.sql"),
    ),
];

/// The schema version this binary writes.
pub const LATEST_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

pub(super) fn migrate(store: &Store) -> Result<()> {
    for &(version, name, sql) in MIGRATIONS {
        if store.user_version()? >= version {
            continue;
        }
        // Two processes may open a fresh store at once: the second waits for
        // the lock here, then finds the work done.
        let tx = rusqlite::Transaction::new_unchecked(
            &store.conn,
            rusqlite::TransactionBehavior::Immediate,
        )
        .map_err(|err| store.explain(err))?;
        let current: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if current < version {
            tx.execute_batch(sql).with_context(|| {
                format!("applying migration {name} to {}", store.path.display())
            })?;
            tx.pragma_update(None, "user_version", version)?;
        }
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn migrations_are_numbered_in_order_and_match_the_files() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| Path::new(name).extension().is_some_and(|ext| ext == "sql"))
            .collect();
        files.sort();
        let listed: Vec<&str> = MIGRATIONS.iter().map(|(_, name, _)| *name).collect();
        assert_eq!(files, listed, "every migration file is listed, in order");
        for (index, (version, name, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*version, index as i64 + 1);
            assert!(name.starts_with(&format!("{version:04}_")), "{name}");
        }
    }
}
