//! What a working session does to the store, and what it reads. Writes:
//! drafts saved as the user types, replies, done, snooze, tags and notes, each
//! recorded in the action log, and undo, which walks that log back one step at
//! a time (an undone reply becomes a draft again: nothing typed is lost).
//! Reads: a conversation's thread, the person behind it, their other
//! conversations on every platform.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::json;

use super::Store;
use super::ingest::{Touch, count_exchanges, settle};
use crate::model::{ConversationState, Direction, Kind, Platform, from_micros, to_micros};

/// One message of a thread, raw (sanitize before showing).
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadMessage {
    pub id: i64,
    pub direction: Direction,
    pub kind: Kind,
    pub author_handle: Option<String>,
    pub author_display_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub title: Option<String>,
    pub text: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Thread {
    pub conversation_id: i64,
    pub platform: Platform,
    pub thread_id: String,
    pub title: Option<String>,
    pub state: ConversationState,
    pub snoozed_until: Option<DateTime<Utc>>,
    /// The newest messages, oldest first.
    pub messages: Vec<ThreadMessage>,
    /// How many older messages were left out.
    pub earlier: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonCard {
    pub id: i64,
    pub display_name: Option<String>,
    pub handles: Vec<(Platform, String)>,
    pub tags: Vec<String>,
    pub note: String,
}

/// Another conversation with the same person, for the right pane's history.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationSummary {
    pub conversation_id: i64,
    pub platform: Platform,
    pub title: Option<String>,
    pub state: ConversationState,
    pub last_at: DateTime<Utc>,
    pub message_count: i64,
}

/// What an undo took back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undone {
    /// The reply was removed; its text is the conversation's draft again.
    Reply {
        conversation_id: i64,
    },
    Done {
        conversation_id: i64,
    },
    Snooze {
        conversation_id: i64,
    },
    Tag {
        person_id: i64,
        tag: String,
    },
    Untag {
        person_id: i64,
        tag: String,
    },
    Note {
        person_id: i64,
    },
}

/// An action as undo reads it: id, kind, conversation, person, message,
/// previous state, previous snooze time, detail (JSON).
type ActionRow = (
    i64,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    String,
);

/// The state columns an action changes, as they were before it.
#[derive(Debug)]
struct Before {
    state: String,
    snoozed_until: Option<i64>,
    settled_through: Option<i64>,
}

fn before(tx: &Transaction<'_>, conversation: i64) -> Result<Before> {
    let found = tx
        .query_row(
            "SELECT state, snoozed_until, settled_through FROM conversations WHERE id = ?1",
            [conversation],
            |row| {
                Ok(Before {
                    state: row.get(0)?,
                    snoozed_until: row.get(1)?,
                    settled_through: row.get(2)?,
                })
            },
        )
        .optional()?;
    match found {
        Some(before) => Ok(before),
        None => bail!("conversation {conversation} is not in the store"),
    }
}

fn record_action(
    tx: &Transaction<'_>,
    kind: &str,
    at: DateTime<Utc>,
    (conversation, person, message): (Option<i64>, Option<i64>, Option<i64>),
    before: Option<&Before>,
    detail: &serde_json::Value,
    spent: Option<Duration>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO actions (at, kind, conversation_id, person_id, message_id, prev_state, prev_snoozed_until, detail,
                              active_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            to_micros(at),
            kind,
            conversation,
            person,
            message,
            before.map(|b| b.state.clone()),
            before.and_then(|b| b.snoozed_until),
            detail.to_string(),
            // The active time spent on it: the pace comes from it.
            spent.map(|spent| i64::try_from(spent.as_millis()).unwrap_or(i64::MAX)),
        ],
    )?;
    Ok(())
}

/// The words a reply adds to the completions: what `reply` counts and an
/// undo takes back.
fn reply_terms(text: &str, my_handle: Option<&str>) -> super::terms::TermCounter {
    let mut terms = super::terms::TermCounter::default();
    terms.add(text);
    if let Some(handle) = my_handle {
        terms.add(handle);
    }
    terms
}

impl Store {
    /// The newest `limit` messages of a conversation, oldest first.
    pub fn thread(&self, conversation: i64, limit: usize) -> Result<Thread> {
        let head = self
            .conn
            .query_row(
                "SELECT platform, thread_key, title, state, snoozed_until, message_count FROM conversations WHERE id = ?1",
                [conversation],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, Option<String>>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, Option<i64>>(4)?,
                        row.get::<_, i64>(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((platform, thread_id, title, state, snoozed_until, count)) = head else {
            bail!("conversation {conversation} is not in the store");
        };
        let mut statement = self.conn.prepare_cached(
            "SELECT id, direction, kind, author_handle, author_display_name, created_at, title, text, url
             FROM messages WHERE conversation_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2",
        )?;
        let mut messages = statement
            .query_map(params![conversation, limit as i64], |row| {
                let direction: String = row.get(1)?;
                let kind: String = row.get(2)?;
                Ok(ThreadMessage {
                    id: row.get(0)?,
                    direction: direction.parse().unwrap_or(Direction::In),
                    kind: kind.parse().unwrap_or(Kind::Other),
                    author_handle: row.get(3)?,
                    author_display_name: row.get(4)?,
                    created_at: from_micros(row.get(5)?),
                    title: row.get(6)?,
                    text: row.get(7)?,
                    url: row.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        messages.reverse();
        Ok(Thread {
            conversation_id: conversation,
            platform: platform.parse().unwrap_or(Platform::Other),
            thread_id,
            title,
            state: state.parse().unwrap_or(ConversationState::Open),
            snoozed_until: snoozed_until.map(from_micros),
            earlier: (count as usize).saturating_sub(messages.len()),
            messages,
        })
    }

    pub fn person(&self, person: i64) -> Result<PersonCard> {
        let head: Option<(Option<String>, String)> = self
            .conn
            .query_row(
                "SELECT display_name, note FROM people WHERE id = ?1",
                [person],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((display_name, note)) = head else {
            bail!("person {person} is not in the store");
        };
        let mut statement = self.conn.prepare_cached(
            "SELECT platform, coalesce(handle, author_id) FROM handles WHERE person_id = ?1 ORDER BY platform, id",
        )?;
        let handles = statement
            .query_map([person], |row| {
                let platform: String = row.get(0)?;
                Ok((platform.parse().unwrap_or(Platform::Other), row.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(PersonCard {
            id: person,
            display_name,
            handles,
            tags: self.person_tags(person)?,
            note,
        })
    }

    /// The person's other conversations, on every platform, newest first.
    pub fn person_conversations(
        &self,
        person: i64,
        except: i64,
        limit: usize,
    ) -> Result<Vec<ConversationSummary>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT id, platform, title, state, last_at, message_count FROM conversations
             WHERE id IN (SELECT DISTINCT conversation_id FROM messages WHERE person_id = ?1) AND id != ?2
             ORDER BY last_at DESC LIMIT ?3",
        )?;
        let rows = statement.query_map(params![person, except, limit as i64], |row| {
            let platform: String = row.get(1)?;
            let state: String = row.get(3)?;
            Ok(ConversationSummary {
                conversation_id: row.get(0)?,
                platform: platform.parse().unwrap_or(Platform::Other),
                title: row.get(2)?,
                state: state.parse().unwrap_or(ConversationState::Open),
                last_at: from_micros(row.get::<_, Option<i64>>(4)?.unwrap_or_default()),
                message_count: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn draft(&self, conversation: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT text FROM drafts WHERE conversation_id = ?1",
                [conversation],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Saves what the user has typed so far; an empty draft is removed.
    pub fn save_draft(&mut self, conversation: i64, text: &str, now: DateTime<Utc>) -> Result<()> {
        let tx = self.write()?;
        if text.trim().is_empty() {
            tx.execute(
                "DELETE FROM drafts WHERE conversation_id = ?1",
                [conversation],
            )?;
        } else {
            tx.execute(
                "INSERT INTO drafts (conversation_id, text, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (conversation_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                params![conversation, text, to_micros(now)],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Stores the user's reply as an outbound message (the conversation is
    /// answered), drops the draft, and records the action with the active
    /// time `spent` on it in the session. Returns the message's id.
    /// `my_handle` is the user's handle on that platform, if known.
    pub fn reply(
        &mut self,
        conversation: i64,
        text: &str,
        my_handle: Option<&str>,
        spent: Option<Duration>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        if text.trim().is_empty() {
            bail!("an empty reply is not saved");
        }
        let tx = self.write()?;
        let before = before(&tx, conversation)?;
        let (platform, parent): (String, Option<String>) = tx.query_row(
            "SELECT c.platform, m.external_id FROM conversations c LEFT JOIN messages m ON m.id = c.last_inbound_id
             WHERE c.id = ?1",
            [conversation],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let at = to_micros(now);
        tx.execute(
            "INSERT INTO messages (platform, external_id, conversation_id, parent_id, direction, kind, author_handle,
                                   created_at, text, imported_at)
             VALUES (?1, ?2, ?3, ?4, 'out', 'reply', ?5, ?6, ?7, ?6)",
            params![platform, format!("tend-reply:{conversation}:{at}"), conversation, parent, my_handle, at, text],
        )?;
        let message = tx.last_insert_rowid();
        super::index_text(&tx, message - 1, message)?;
        reply_terms(text, my_handle).write(&tx)?;
        let people = settle(
            &tx,
            conversation,
            Touch {
                newest_new_inbound: None,
                newest_new_outbound: Some(at),
            },
        )?;
        count_exchanges(&tx, people)?;
        tx.execute(
            "DELETE FROM drafts WHERE conversation_id = ?1",
            [conversation],
        )?;
        record_action(
            &tx,
            "replied",
            now,
            (Some(conversation), None, Some(message)),
            Some(&before),
            &json!({}),
            spent,
        )?;
        tx.commit()?;
        Ok(message)
    }

    /// No reply needed: what waits now is dealt with; a newer message re-opens
    /// it. `spent` is the active time the session spent on it.
    pub fn mark_done(
        &mut self,
        conversation: i64,
        spent: Option<Duration>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.write()?;
        let before = before(&tx, conversation)?;
        tx.execute(
            "UPDATE conversations SET state = 'done', snoozed_until = NULL, waiting_since = NULL,
                 settled_through = max(coalesce(settled_through, last_inbound_at), coalesce(last_inbound_at, settled_through))
             WHERE id = ?1",
            [conversation],
        )?;
        let detail = json!({ "settled_through": before.settled_through });
        record_action(
            &tx,
            "done",
            now,
            (Some(conversation), None, None),
            Some(&before),
            &detail,
            spent,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Out of the queue until `until`, then back in it.
    pub fn snooze(
        &mut self,
        conversation: i64,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.write()?;
        let before = before(&tx, conversation)?;
        tx.execute(
            "UPDATE conversations SET state = 'snoozed', snoozed_until = ?2 WHERE id = ?1",
            params![conversation, to_micros(until)],
        )?;
        let detail = json!({ "until": to_micros(until) });
        record_action(
            &tx,
            "snoozed",
            now,
            (Some(conversation), None, None),
            Some(&before),
            &detail,
            None,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Tags a person (lowercased). Returns false when the tag was already there.
    pub fn tag(&mut self, person: i64, tag: &str, now: DateTime<Utc>) -> Result<bool> {
        self.change_tag(person, tag, true, now)
    }

    /// Removes a tag. Returns false when the person did not have it.
    pub fn untag(&mut self, person: i64, tag: &str, now: DateTime<Utc>) -> Result<bool> {
        self.change_tag(person, tag, false, now)
    }

    /// Adds or removes a tag; an action is recorded only when something changed.
    fn change_tag(
        &mut self,
        person: i64,
        tag: &str,
        add: bool,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty() {
            bail!("a tag needs a name");
        }
        let tx = self.write()?;
        let (sql, kind) = if add {
            (
                "INSERT OR IGNORE INTO person_tags (person_id, tag) VALUES (?1, ?2)",
                "tagged",
            )
        } else {
            (
                "DELETE FROM person_tags WHERE person_id = ?1 AND tag = ?2",
                "untagged",
            )
        };
        let changed = tx.execute(sql, params![person, tag])? > 0;
        if changed {
            record_action(
                &tx,
                kind,
                now,
                (None, Some(person), None),
                None,
                &json!({ "tag": tag }),
                None,
            )?;
        }
        tx.commit()?;
        Ok(changed)
    }

    pub fn set_note(&mut self, person: i64, note: &str, now: DateTime<Utc>) -> Result<()> {
        let tx = self.write()?;
        let previous: String =
            tx.query_row("SELECT note FROM people WHERE id = ?1", [person], |row| {
                row.get(0)
            })?;
        if previous == note {
            // Nothing changed: no write, and no undo step that undoes nothing.
            return Ok(());
        }
        tx.execute(
            "UPDATE people SET note = ?2 WHERE id = ?1",
            params![person, note],
        )?;
        record_action(
            &tx,
            "noted",
            now,
            (None, Some(person), None),
            None,
            &json!({ "previous": previous }),
            None,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Takes back the newest action taken at or after `since` that is not
    /// undone yet. `None` when there is nothing left to undo.
    pub fn undo_last(
        &mut self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<Undone>> {
        let tx = self.write()?;
        let last: Option<ActionRow> = tx
            .query_row(
                "SELECT id, kind, conversation_id, person_id, message_id, prev_state, prev_snoozed_until, coalesce(detail, '{}')
                 FROM actions a
                 WHERE kind != 'undone' AND at >= ?1 AND NOT EXISTS (SELECT 1 FROM actions u WHERE u.undoes = a.id)
                 ORDER BY id DESC LIMIT 1",
                [to_micros(since)],
                |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?, row.get(7)?))
                },
            )
            .optional()?;
        let Some((id, kind, conversation, person, message, prev_state, prev_snoozed, detail)) =
            last
        else {
            return Ok(None);
        };
        let detail: serde_json::Value = serde_json::from_str(&detail)?;
        let field = |name: &str| {
            detail[name]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("action {id} ({kind}) has no {name} to restore"))
        };
        let tag = || field("tag");
        let restore_state = |tx: &Transaction<'_>, conversation: i64| -> Result<()> {
            tx.execute(
                "UPDATE conversations SET state = ?2, snoozed_until = ?3 WHERE id = ?1",
                params![conversation, prev_state, prev_snoozed],
            )?;
            let people = settle(tx, conversation, Touch::default())?;
            count_exchanges(tx, people)
        };
        let undone = match (kind.as_str(), conversation, person) {
            ("replied", Some(conversation), _) => {
                if let Some(message) = message {
                    unstore_reply(&tx, conversation, message, now)?;
                }
                restore_state(&tx, conversation)?;
                Undone::Reply {
                    conversation_id: conversation,
                }
            }
            ("done", Some(conversation), _) => {
                tx.execute(
                    "UPDATE conversations SET settled_through = ?2 WHERE id = ?1",
                    params![conversation, detail["settled_through"].as_i64()],
                )?;
                restore_state(&tx, conversation)?;
                Undone::Done {
                    conversation_id: conversation,
                }
            }
            ("snoozed", Some(conversation), _) => {
                restore_state(&tx, conversation)?;
                Undone::Snooze {
                    conversation_id: conversation,
                }
            }
            ("tagged", _, Some(person)) => {
                tx.execute(
                    "DELETE FROM person_tags WHERE person_id = ?1 AND tag = ?2",
                    params![person, tag()?],
                )?;
                Undone::Tag {
                    person_id: person,
                    tag: tag()?,
                }
            }
            ("untagged", _, Some(person)) => {
                tx.execute(
                    "INSERT OR IGNORE INTO person_tags (person_id, tag) VALUES (?1, ?2)",
                    params![person, tag()?],
                )?;
                Undone::Untag {
                    person_id: person,
                    tag: tag()?,
                }
            }
            ("noted", _, Some(person)) => {
                let previous = field("previous")?;
                tx.execute(
                    "UPDATE people SET note = ?2 WHERE id = ?1",
                    params![person, previous],
                )?;
                Undone::Note { person_id: person }
            }
            _ => bail!("action {id} ({kind}) cannot be undone"),
        };
        tx.execute(
            "INSERT INTO actions (at, kind, conversation_id, person_id, undoes) VALUES (?1, 'undone', ?2, ?3, ?4)",
            params![to_micros(now), conversation, person, id],
        )?;
        tx.commit()?;
        Ok(Some(undone))
    }
}

/// Removes a stored reply (and its full-text row), keeping its text as the
/// conversation's draft so the user can edit and save it again.
fn unstore_reply(
    tx: &Transaction<'_>,
    conversation: i64,
    message: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let reply: Option<(String, Option<String>)> = tx
        .query_row(
            "SELECT text, author_handle FROM messages WHERE id = ?1",
            [message],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((text, my_handle)) = reply else {
        return Ok(());
    };
    super::unindex_text(tx, message)?;
    reply_terms(&text, my_handle.as_deref()).remove(tx)?;
    tx.execute(
        "UPDATE actions SET message_id = NULL WHERE message_id = ?1",
        [message],
    )?;
    tx.execute("DELETE FROM messages WHERE id = ?1", [message])?;
    tx.execute(
        "INSERT INTO drafts (conversation_id, text, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (conversation_id) DO UPDATE SET text = excluded.text || char(10) || char(10) || drafts.text",
        params![conversation, text, to_micros(now)],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewMessage, PersonSeed};
    use crate::testing::at;
    use std::collections::HashSet;

    fn message(
        platform: Platform,
        id: &str,
        thread: &str,
        when: &str,
        author: &str,
        out: bool,
    ) -> NewMessage {
        NewMessage {
            platform,
            external_id: id.into(),
            created_at: at(when),
            text: format!("text of {id}"),
            kind: Kind::Mention,
            thread_id: Some(thread.into()),
            parent_id: None,
            author_handle: Some(author.into()),
            author_display_name: None,
            author_profile_url: None,
            author_id: None,
            title: None,
            url: None,
            source_account: None,
            direction: out.then_some(Direction::Out),
            author_followers: None,
            extra_json: None,
        }
    }

    /// Three waiting conversations (ana twice, on two platforms; bo once).
    fn seeded() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("tend.db")).unwrap();
        let mut ingest = store
            .ingest(at("2026-06-13T00:00:00Z"), HashSet::new())
            .unwrap();
        for m in [
            message(
                Platform::Mastodon,
                "a1",
                "ta",
                "2026-06-12T08:00:00Z",
                "ana@social.example",
                false,
            ),
            message(
                Platform::Mastodon,
                "a2",
                "ta",
                "2026-06-12T09:00:00Z",
                "me@social.example",
                true,
            ),
            message(
                Platform::Mastodon,
                "a3",
                "ta",
                "2026-06-12T10:00:00Z",
                "ana@social.example",
                false,
            ),
            message(
                Platform::Email,
                "e1",
                "te",
                "2026-06-12T11:00:00Z",
                "ana@mail.example",
                false,
            ),
            message(
                Platform::Github,
                "g1",
                "tg",
                "2026-06-12T12:00:00Z",
                "bo",
                false,
            ),
        ] {
            ingest.add(&m).unwrap();
        }
        ingest.finish().unwrap();
        let seed = PersonSeed {
            handles: vec![
                (Platform::Mastodon, "ana@social.example".into()),
                (Platform::Email, "ana@mail.example".into()),
            ],
            tags: vec![],
            note: String::new(),
        };
        store
            .link_person(&seed, at("2026-06-13T00:00:00Z"))
            .unwrap();
        (dir, store)
    }

    fn conversation(store: &Store, thread: &str) -> i64 {
        store
            .conn
            .query_row(
                "SELECT id FROM conversations WHERE thread_key = ?1",
                [thread],
                |r| r.get(0),
            )
            .unwrap()
    }

    /// Everything an action or its undo may touch, as comparable text.
    fn snapshot(store: &Store) -> Vec<String> {
        let rows = |sql: &str| -> Vec<String> {
            let mut statement = store.conn.prepare(sql).unwrap();
            let columns = statement.column_count();
            statement
                .query_map([], |row| {
                    Ok((0..columns)
                        .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        [
            rows("SELECT * FROM conversations ORDER BY id"),
            rows("SELECT id, conversation_id, direction, text FROM messages ORDER BY id"),
            rows("SELECT conversation_id, text FROM drafts ORDER BY conversation_id"),
            rows("SELECT * FROM person_tags ORDER BY person_id, tag"),
            rows("SELECT id, note, exchanges FROM people ORDER BY id"),
            rows("SELECT * FROM terms ORDER BY term"),
            rows("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'text' ORDER BY rowid"),
        ]
        .concat()
    }

    #[test]
    fn reply_done_snooze_tag_note_then_undo_all_gives_the_start_back() {
        let (_dir, mut store) = seeded();
        let start = at("2026-06-13T09:00:00Z");
        let (ta, te, tg) = (
            conversation(&store, "ta"),
            conversation(&store, "te"),
            conversation(&store, "tg"),
        );
        let ana = store
            .queue(start, None)
            .unwrap()
            .iter()
            .find(|i| i.conversation_id == ta)
            .unwrap()
            .person_id
            .unwrap();
        store
            .save_draft(ta, "Yes, CSV export is in 0.9.", start)
            .unwrap();
        let before = snapshot(&store);
        assert_eq!(store.queue(start, None).unwrap().len(), 3);

        let reply = store
            .reply(
                ta,
                "Yes, CSV export is in 0.9.",
                Some("me@social.example"),
                None,
                start,
            )
            .unwrap();
        store.mark_done(te, None, start).unwrap();
        store.snooze(tg, at("2026-06-14T09:00:00Z"), start).unwrap();
        assert!(store.tag(ana, "Customer", start).unwrap());
        assert!(
            !store.tag(ana, "customer", start).unwrap(),
            "already tagged: no second action"
        );
        store
            .set_note(ana, "bought the sync add-on", start)
            .unwrap();

        assert!(store.queue(start, None).unwrap().is_empty());
        assert_eq!(
            store.thread(ta, 10).unwrap().state,
            ConversationState::Answered
        );
        assert_eq!(store.draft(ta).unwrap(), None);
        let stored: (String, Option<String>, String) = store
            .conn
            .query_row(
                "SELECT direction, parent_id, platform FROM messages WHERE id = ?1",
                [reply],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(stored, ("out".into(), Some("a3".into()), "mastodon".into()));
        assert_eq!(store.person(ana).unwrap().tags, vec!["customer".to_owned()]);

        let later = at("2026-06-13T09:05:00Z");
        let undone: Vec<Undone> = (0..5)
            .map(|_| store.undo_last(start, later).unwrap().unwrap())
            .collect();
        assert_eq!(
            undone,
            vec![
                Undone::Note { person_id: ana },
                Undone::Tag {
                    person_id: ana,
                    tag: "customer".into()
                },
                Undone::Snooze {
                    conversation_id: tg
                },
                Undone::Done {
                    conversation_id: te
                },
                Undone::Reply {
                    conversation_id: ta
                },
            ]
        );
        assert_eq!(
            store.undo_last(start, later).unwrap(),
            None,
            "drafts are not actions"
        );
        assert_eq!(snapshot(&store), before);
    }

    #[test]
    fn done_counts_what_waited_then_and_a_newer_message_reopens_from_itself() {
        let (_dir, mut store) = seeded();
        let te = conversation(&store, "te");
        store
            .mark_done(te, None, at("2026-06-13T09:00:00Z"))
            .unwrap();
        let mut ingest = store
            .ingest(at("2026-06-13T10:00:00Z"), HashSet::new())
            .unwrap();
        ingest
            .add(&message(
                Platform::Email,
                "e2",
                "te",
                "2026-06-13T09:30:00Z",
                "ana@mail.example",
                false,
            ))
            .unwrap();
        ingest.finish().unwrap();
        let queue = store.queue(at("2026-06-13T10:00:00Z"), None).unwrap();
        let item = queue.iter().find(|i| i.conversation_id == te).unwrap();
        assert_eq!(
            item.waiting_since,
            Some(at("2026-06-13T09:30:00Z")),
            "not from the message marked done"
        );
    }

    #[test]
    fn a_snoozed_conversation_returns_when_due() {
        let (_dir, mut store) = seeded();
        let tg = conversation(&store, "tg");
        store
            .snooze(tg, at("2026-06-14T09:00:00Z"), at("2026-06-13T09:00:00Z"))
            .unwrap();
        let waiting = |now| {
            store
                .queue(at(now), None)
                .unwrap()
                .iter()
                .any(|i| i.conversation_id == tg)
        };
        assert!(!waiting("2026-06-14T08:59:59Z"));
        assert!(waiting("2026-06-14T09:00:00Z"));
    }

    #[test]
    fn an_undone_reply_becomes_the_draft_again_and_leaves_the_index() {
        let (_dir, mut store) = seeded();
        let ta = conversation(&store, "ta");
        let now = at("2026-06-13T09:00:00Z");
        store
            .reply(ta, "zebracrossing reply", None, None, now)
            .unwrap();
        let found = |store: &Store| -> i64 {
            store
                .conn
                .query_row(
                    "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'zebracrossing'",
                    [],
                    |r| r.get(0),
                )
                .unwrap()
        };
        assert_eq!(found(&store), 1);
        store.undo_last(now, now).unwrap();
        assert_eq!(found(&store), 0);
        assert_eq!(
            store.draft(ta).unwrap().as_deref(),
            Some("zebracrossing reply")
        );
        assert_eq!(store.thread(ta, 10).unwrap().state, ConversationState::Open);
        let integrity: String = store
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok");
    }

    #[test]
    fn undo_stays_within_the_session() {
        let (_dir, mut store) = seeded();
        let tg = conversation(&store, "tg");
        store
            .mark_done(tg, None, at("2026-06-12T20:00:00Z"))
            .unwrap();
        let session_start = at("2026-06-13T09:00:00Z");
        assert_eq!(store.undo_last(session_start, session_start).unwrap(), None);
        assert!(
            store
                .undo_last(at("2026-06-12T00:00:00Z"), session_start)
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn thread_person_and_their_other_conversations() {
        let (_dir, store) = seeded();
        let ta = conversation(&store, "ta");
        let thread = store.thread(ta, 2).unwrap();
        assert_eq!(thread.earlier, 1);
        let ids: Vec<i64> = thread.messages.iter().map(|m| m.id).collect();
        assert!(ids[0] < ids[1], "oldest first");
        assert_eq!(thread.messages[1].text, "text of a3");
        assert_eq!(thread.messages[0].direction, Direction::Out);
        let ana = store.queue(at("2026-06-13T09:00:00Z"), None).unwrap()[0]
            .person_id
            .unwrap();
        let card = store.person(ana).unwrap();
        assert_eq!(
            card.handles,
            vec![
                (Platform::Email, "ana@mail.example".into()),
                (Platform::Mastodon, "ana@social.example".into())
            ]
        );
        let others = store.person_conversations(ana, ta, 10).unwrap();
        assert_eq!(others.len(), 1);
        assert_eq!(others[0].platform, Platform::Email);
    }

    #[test]
    fn saving_an_empty_draft_removes_it_and_an_empty_reply_is_refused() {
        let (_dir, mut store) = seeded();
        let ta = conversation(&store, "ta");
        let now = at("2026-06-13T09:00:00Z");
        store.save_draft(ta, "half a thought", now).unwrap();
        assert_eq!(store.draft(ta).unwrap().as_deref(), Some("half a thought"));
        store.save_draft(ta, "  ", now).unwrap();
        assert_eq!(store.draft(ta).unwrap(), None);
        assert!(store.reply(ta, " \n", None, None, now).is_err());
        assert_eq!(store.thread(ta, 10).unwrap().state, ConversationState::Open);
    }

    #[test]
    fn a_draft_survives_when_its_thread_merges_into_another() {
        let (_dir, mut store) = seeded();
        let now = at("2026-06-13T09:00:00Z");
        let mut orphan = message(
            Platform::Github,
            "g9",
            "",
            "2026-06-12T13:00:00Z",
            "cy",
            false,
        );
        orphan.thread_id = None;
        orphan.parent_id = Some("g5".into());
        let mut ingest = store.ingest(now, HashSet::new()).unwrap();
        ingest.add(&orphan).unwrap();
        ingest.finish().unwrap();
        let provisional = conversation(&store, "g5");
        store
            .save_draft(provisional, "thanks for the repro", now)
            .unwrap();
        let tg = conversation(&store, "tg");
        store.save_draft(tg, "looking into it", now).unwrap();
        // The parent arrives and belongs to thread tg: the two threads merge.
        let mut ingest = store.ingest(now, HashSet::new()).unwrap();
        ingest
            .add(&message(
                Platform::Github,
                "g5",
                "tg",
                "2026-06-12T12:30:00Z",
                "bo",
                false,
            ))
            .unwrap();
        ingest.finish().unwrap();
        assert_eq!(
            store.draft(tg).unwrap().as_deref(),
            Some("looking into it\n\nthanks for the repro")
        );
    }
}
