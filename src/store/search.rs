//! Full-text search over every stored message. Fast whatever the word: the
//! index is walked newest-stored first and the walk stops at the limit, so a
//! word in half a million messages costs what a rare one does; no ranking
//! over all hits. When fewer than the limit match, all of them are here and
//! the caller's newest-first order is exact. With filters (a person, a
//! state), only the newest 10,000 hits are looked at, and the caller is told
//! when more may match.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use rusqlite::params;

use super::Store;
use super::queue::{Author, ITEM_COLUMNS, ListFilter, QueueItem, item_from_row};
use crate::model::{Direction, from_micros, to_micros};

/// Hits a filtered search looks at, newest stored first.
const SCAN_LIMIT: i64 = 10_000;

impl Store {
    /// Messages matching the FTS5 expression `full_text` and the filter, at
    /// most `limit`, newest stored first, each as a row showing that message
    /// (its author, its text). The second value says whether more match.
    pub fn search(
        &self,
        full_text: &str,
        filter: &ListFilter<'_>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<(Vec<QueueItem>, bool)> {
        let mut conditions = String::new();
        for condition in filter.conditions(Author::Message, now) {
            let _ = write!(conditions, " AND {condition}");
        }
        // The full-text table drives (newest rowid first, which FTS5 walks
        // without sorting); messages and conversations are looked up per hit.
        // With filters, only the newest `SCAN_LIMIT` hits are looked at: a
        // rare person and a common word must not walk half a million rows.
        let hits = if conditions.is_empty() {
            "messages_fts f".to_owned()
        } else {
            format!(
                "(SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1
                  ORDER BY rowid DESC LIMIT {SCAN_LIMIT}) f"
            )
        };
        let matched = if conditions.is_empty() {
            "WHERE messages_fts MATCH ?1"
        } else {
            "WHERE 1"
        };
        let sql = format!(
            "SELECT {ITEM_COLUMNS}, m.id, m.created_at
             FROM {hits}
             CROSS JOIN messages m ON m.id = f.rowid
             CROSS JOIN conversations c ON c.id = m.conversation_id
             {matched}{conditions}
             ORDER BY f.rowid DESC LIMIT ?3"
        );
        // Not cached: with the filters written in, most searches are a new
        // statement, which would push out the ones that are used again.
        let mut statement = self.conn.prepare(&sql)?;
        let at = to_micros(now);
        let rows = statement
            .query_map(
                params![
                    full_text,
                    super::queue::PREVIEW_CHARS,
                    i64::try_from(limit).unwrap_or(i64::MAX - 1) + 1
                ],
                |row| {
                    let mut item = item_from_row(row, at)?;
                    item.hit = Some(super::queue::Hit {
                        message_id: row.get(15)?,
                        created_at: from_micros(row.get(16)?),
                        // The hit is the message the row shows.
                        direction: if item.by_me {
                            Direction::Out
                        } else {
                            Direction::In
                        },
                    });
                    Ok(item)
                },
            )
            .context("searching")?;
        let mut items: Vec<QueueItem> = rows.collect::<rusqlite::Result<_>>()?;
        let mut more = items.len() > limit;
        items.truncate(limit);
        if !more && !conditions.is_empty() {
            // Fewer found than asked: more may match past the hits looked at.
            more = self
                .conn
                .prepare_cached(
                    "SELECT 1 FROM messages_fts WHERE messages_fts MATCH ?1
                     ORDER BY rowid DESC LIMIT 1 OFFSET ?2",
                )?
                .exists(params![full_text, SCAN_LIMIT])?;
        }
        Ok((items, more))
    }
}
