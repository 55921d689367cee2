//! Full-text search over every stored message. Fast whatever the word: the
//! index is walked newest-stored first and the walk stops at the limit, so a
//! word in half a million messages costs what a rare one does; no ranking
//! over all hits. When fewer than the limit match, all of them are here and
//! the caller's newest-first order is exact.

use std::collections::HashSet;
use std::fmt::Write as _;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use rusqlite::params;

use super::Store;
use super::queue::{ITEM_COLUMNS, QueueItem, item_from_row, quoted_list};
use crate::model::{ConversationState, Direction, Platform, from_micros, to_micros};

/// What a search is limited to, besides its words.
#[derive(Debug, Clone, Default)]
pub struct SearchFilter<'a> {
    /// Conversation states (any when empty).
    pub states: &'a [ConversationState],
    pub platforms: &'a [Platform],
    /// Authors (anyone when `None`).
    pub people: Option<&'a HashSet<i64>>,
}

impl Store {
    /// Messages matching the FTS5 expression `full_text` and the filter, at
    /// most `limit`, newest stored first, each as a row showing that message
    /// (its author, its text). The second value says whether more match.
    pub fn search(
        &self,
        full_text: &str,
        filter: &SearchFilter<'_>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<(Vec<QueueItem>, bool)> {
        // Closed vocabularies and integer ids only are written into the
        // statement; the typed words are a bound parameter.
        let mut conditions = String::new();
        if !filter.states.is_empty() {
            let states = quoted_list(filter.states.iter().map(|s| s.as_str()));
            let _ = write!(conditions, " AND c.state IN ({states})");
        }
        if !filter.platforms.is_empty() {
            let platforms = quoted_list(filter.platforms.iter().map(|p| p.as_str()));
            let _ = write!(conditions, " AND m.platform IN ({platforms})");
        }
        if let Some(people) = filter.people {
            let ids: Vec<String> = people.iter().map(i64::to_string).collect();
            let _ = write!(conditions, " AND m.person_id IN ({})", ids.join(","));
        }
        // The full-text table drives (newest rowid first, which FTS5 walks
        // without sorting); messages and conversations are looked up per hit.
        let sql = format!(
            "SELECT {ITEM_COLUMNS}, m.id, m.created_at, m.direction
             FROM messages_fts f
             CROSS JOIN messages m ON m.id = f.rowid
             CROSS JOIN conversations c ON c.id = m.conversation_id
             WHERE messages_fts MATCH ?1{conditions}
             ORDER BY f.rowid DESC LIMIT ?3"
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let at = to_micros(now);
        let rows = statement
            .query_map(
                params![full_text, super::queue::PREVIEW_CHARS, limit as i64 + 1],
                |row| {
                    let mut item = item_from_row(row, at)?;
                    let direction: String = row.get(16)?;
                    item.hit = Some(super::queue::Hit {
                        message_id: row.get(14)?,
                        created_at: from_micros(row.get(15)?),
                        direction: direction.parse().unwrap_or(Direction::In),
                    });
                    Ok(item)
                },
            )
            .context("searching")?;
        let mut items: Vec<QueueItem> = rows.collect::<rusqlite::Result<_>>()?;
        let more = items.len() > limit;
        items.truncate(limit);
        Ok((items, more))
    }
}
