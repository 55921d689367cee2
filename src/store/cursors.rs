//! Where `tend sync` stopped, per account (`sync_cursors`). A cursor is
//! written only inside an import's transaction, beside the messages of the
//! page it follows: both land or neither does.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Ingest, Store};
use crate::model::to_micros;

impl Store {
    /// The cursor `account` last saved, if it ever synced.
    pub fn sync_cursor(&self, account: &str) -> Result<Option<String>> {
        self.conn
            .prepare_cached("SELECT cursor FROM sync_cursors WHERE account = ?1")?
            .query_row([account], |row| row.get(0))
            .optional()
            .with_context(|| format!("reading where account {account:?} last synced"))
    }
}

impl Ingest<'_> {
    /// Records where `account`'s sync stands once this import commits.
    pub fn save_cursor(
        &mut self,
        account: &str,
        platform: &str,
        cursor: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.transaction()
            .prepare_cached(
                "INSERT INTO sync_cursors (account, platform, cursor, updated_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (account) DO UPDATE SET
                     platform = excluded.platform,
                     cursor = excluded.cursor,
                     updated_at = excluded.updated_at",
            )?
            .execute(params![account, platform, cursor, to_micros(now)])
            .with_context(|| format!("saving where account {account:?} synced to"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn a_cursor_lands_with_its_import_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let now = Utc::now();
        assert_eq!(store.sync_cursor("mastodon").unwrap(), None);

        let mut ingest = store.ingest(now, HashSet::new()).unwrap();
        ingest
            .save_cursor("mastodon", "mastodon", "{\"since\":\"1\"}", now)
            .unwrap();
        drop(ingest); // rolled back, as a failed page is
        assert_eq!(store.sync_cursor("mastodon").unwrap(), None);

        for cursor in ["{\"since\":\"1\"}", "{\"since\":\"2\"}"] {
            let mut ingest = store.ingest(now, HashSet::new()).unwrap();
            ingest
                .save_cursor("mastodon", "mastodon", cursor, now)
                .unwrap();
            ingest.finish().unwrap();
        }
        assert_eq!(
            store.sync_cursor("mastodon").unwrap().as_deref(),
            Some("{\"since\":\"2\"}")
        );
        assert_eq!(store.sync_cursor("github").unwrap(), None);
    }
}
