//! Reading every message back out in the generic import format, for
//! `tend export`. Streams row by row in a stable order; never holds the store
//! in memory.

use anyhow::{Context, Result};
use serde::Serialize;

use super::Store;
use crate::model::{from_micros, rfc3339};

/// One exported line. Field order follows the import format's documentation;
/// fields the importer did not know come last, as they were.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportedMessage {
    pub platform: String,
    pub external_id: String,
    pub kind: String,
    pub thread_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_handle: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_profile_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_id: Option<String>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_account: Option<String>,
    pub direction: String,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Store {
    /// Calls `each` for every message, oldest first (ties by platform and id).
    pub fn export(&self, mut each: impl FnMut(&ExportedMessage) -> Result<()>) -> Result<u64> {
        let mut statement = self.conn.prepare(
            "SELECT m.platform, m.external_id, m.kind, c.thread_key, m.parent_id, m.author_handle,
                    m.author_display_name, m.author_profile_url, m.author_id, m.created_at, m.title,
                    m.text, m.url, m.source_account, m.direction, m.extra_json
             FROM messages m JOIN conversations c ON c.id = m.conversation_id
             ORDER BY m.created_at, m.platform, m.external_id",
        )?;
        let mut rows = statement.query([])?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let extra_json: Option<String> = row.get(15)?;
            let extra = match extra_json {
                Some(json) => serde_json::from_str(&json)
                    .context("a stored message has unreadable extra fields")?,
                None => serde_json::Map::new(),
            };
            let message = ExportedMessage {
                platform: row.get(0)?,
                external_id: row.get(1)?,
                kind: row.get(2)?,
                thread_id: row.get(3)?,
                parent_id: row.get(4)?,
                author_handle: row.get(5)?,
                author_display_name: row.get(6)?,
                author_profile_url: row.get(7)?,
                author_id: row.get(8)?,
                created_at: rfc3339(from_micros(row.get(9)?)),
                title: row.get(10)?,
                text: row.get(11)?,
                url: row.get(12)?,
                source_account: row.get(13)?,
                direction: row.get(14)?,
                extra,
            };
            each(&message)?;
            count += 1;
        }
        Ok(count)
    }
}
