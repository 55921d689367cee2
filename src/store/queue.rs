//! The queue: open conversations (and snoozed ones that are due), each with
//! the newest inbound message that makes it wait. One indexed query with a
//! LIMIT; the priority module orders what it returns.

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::params;

use super::Store;
use crate::model::{ConversationState, Platform, from_micros, to_micros};

/// How much of a body the queue reads: enough for its first line.
const PREVIEW_CHARS: i64 = 2000;

#[derive(Debug, Clone, PartialEq)]
pub struct QueueItem {
    pub conversation_id: i64,
    pub platform: Platform,
    pub thread_id: String,
    /// `Open`, also for a snoozed conversation whose time has come.
    pub state: ConversationState,
    pub waiting_since: DateTime<Utc>,
    pub person_id: Option<i64>,
    pub author_handle: Option<String>,
    pub author_display_name: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    /// The start of the newest inbound message, raw (sanitize before showing).
    pub text_head: String,
    pub message_count: i64,
}

/// Which conversations wait for an answer at ?1: open ones, and snoozed ones
/// whose time has come.
const WAITING: &str = "c.waiting_since IS NOT NULL
    AND (c.state = 'open' OR (c.state = 'snoozed' AND c.snoozed_until <= ?1))";

impl Store {
    /// Platform and waiting time of every waiting conversation: enough for the
    /// queue's header counts without reading any message.
    pub fn waiting(&self, now: DateTime<Utc>) -> Result<Vec<(Platform, DateTime<Utc>)>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT c.platform, c.waiting_since FROM conversations c WHERE {WAITING}"
        ))?;
        let rows = statement.query_map([to_micros(now)], |row| {
            let platform: String = row.get(0)?;
            Ok((
                platform.parse().unwrap_or(Platform::Other),
                from_micros(row.get(1)?),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Conversations waiting for an answer at `now`, oldest wait first.
    pub fn queue(&self, now: DateTime<Utc>, limit: Option<usize>) -> Result<Vec<QueueItem>> {
        let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT c.id, c.platform, c.thread_key, c.waiting_since, m.person_id, m.author_handle,
                    m.author_display_name, coalesce(c.title, m.title), m.url, substr(m.text, 1, ?3),
                    c.message_count
             FROM conversations c JOIN messages m ON m.id = c.last_inbound_id
             WHERE {WAITING}
             ORDER BY c.waiting_since, c.id
             LIMIT ?2"
        ))?;
        let rows = statement.query_map(params![to_micros(now), limit, PREVIEW_CHARS], |row| {
            let platform: String = row.get(1)?;
            Ok(QueueItem {
                conversation_id: row.get(0)?,
                platform: platform.parse().unwrap_or(Platform::Other),
                thread_id: row.get(2)?,
                state: ConversationState::Open,
                waiting_since: from_micros(row.get(3)?),
                person_id: row.get(4)?,
                author_handle: row.get(5)?,
                author_display_name: row.get(6)?,
                title: row.get(7)?,
                url: row.get(8)?,
                text_head: row.get(9)?,
                message_count: row.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
