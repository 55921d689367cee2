//! Writing messages into the store: one transaction for a whole import, with
//! prepared statements, lookup caches, full-text rows added in one bulk
//! statement, and conversation states settled once at the end.
//!
//! Threads: a message belongs to its `thread_id`; without one, to the thread of
//! its parent; with an unknown parent, to a provisional thread keyed by the
//! parent id. When that parent arrives later (even in another file), the
//! provisional thread is merged into the parent's.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::Store;
use crate::model::{ConversationState, Direction, Kind, Platform, to_micros};
use crate::priority::Addressed;

/// Page cache for imports, in KiB (negative `cache_size` is KiB). Memory is
/// only taken as pages are touched, so small imports stay small.
const IMPORT_CACHE_KIB: i64 = -64 * 1024;

/// One message as importers hand it over: already validated, text untouched.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    pub platform: Platform,
    pub external_id: String,
    pub created_at: DateTime<Utc>,
    pub text: String,
    pub kind: Kind,
    pub thread_id: Option<String>,
    pub parent_id: Option<String>,
    pub author_handle: Option<String>,
    pub author_display_name: Option<String>,
    pub author_profile_url: Option<String>,
    pub author_id: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub source_account: Option<String>,
    /// `Some(Out)` when the record said so; otherwise the author decides.
    pub direction: Option<Direction>,
    /// The author's follower count, where the platform tells it.
    pub author_followers: Option<u64>,
    /// Fields of the record tend does not know, as a JSON object.
    pub extra_json: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestCounts {
    pub new_messages: u64,
    pub new_conversations: u64,
    /// Messages the store already had, including repeats within this import.
    pub already_known: u64,
    /// Of `already_known`, the ones repeated within this import.
    pub duplicates: u64,
}

/// What a newly stored message did to its conversation; folded together per
/// conversation and applied when the import finishes.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Touch {
    pub(super) newest_new_inbound: Option<i64>,
    pub(super) newest_new_outbound: Option<i64>,
}

/// An import in progress. Nothing is visible to other processes until
/// `finish`; dropping it (an error, a bad record) rolls everything back.
#[derive(Debug)]
pub struct Ingest<'store> {
    tx: Transaction<'store>,
    now: i64,
    my_handles: HashSet<(Platform, String)>,
    message_id_before: i64,
    conversation_id_before: i64,
    conversations: HashMap<(Platform, String), i64>,
    handles: HashMap<(Platform, String), i64>,
    touched: HashMap<i64, Touch>,
    counts: IngestCounts,
    terms: super::terms::TermCounter,
    /// The largest follower count seen per person in this import.
    followers: HashMap<i64, u64>,
}

impl Store {
    /// Starts an import. `my_handles` are the user's own `(platform, handle key)`
    /// pairs: what they wrote is outbound.
    pub fn ingest(
        &mut self,
        now: DateTime<Utc>,
        my_handles: HashSet<(Platform, String)>,
    ) -> Result<Ingest<'_>> {
        // A large import touches pages all over the indexes; SQLite's default
        // 2 MB cache would re-read them from the OS for every row.
        self.conn
            .pragma_update(None, "cache_size", IMPORT_CACHE_KIB)?;
        let tx = self.write()?;
        let message_id_before =
            tx.query_row("SELECT coalesce(max(id), 0) FROM messages", [], |r| {
                r.get(0)
            })?;
        let conversation_id_before =
            tx.query_row("SELECT coalesce(max(id), 0) FROM conversations", [], |r| {
                r.get(0)
            })?;
        Ok(Ingest {
            tx,
            now: to_micros(now),
            my_handles,
            message_id_before,
            conversation_id_before,
            conversations: HashMap::new(),
            handles: HashMap::new(),
            touched: HashMap::new(),
            counts: IngestCounts::default(),
            terms: super::terms::TermCounter::default(),
            followers: HashMap::new(),
        })
    }
}

impl Ingest<'_> {
    /// The import's transaction, for the store's other writers that must
    /// land with it (a sync cursor).
    pub(super) fn transaction(&self) -> &Transaction<'_> {
        &self.tx
    }

    /// Stores one message unless `(platform, external_id)` is already known.
    /// Returns whether it was new.
    pub fn add(&mut self, message: &NewMessage) -> Result<bool> {
        let platform = message.platform.as_str();
        let existing: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM messages WHERE platform = ?1 AND external_id = ?2")?
            .query_row(params![platform, message.external_id], |row| row.get(0))
            .optional()?;
        if let Some(id) = existing {
            self.counts.already_known += 1;
            if id > self.message_id_before {
                self.counts.duplicates += 1;
            }
            return Ok(false);
        }

        let direction = self.direction_of(message);
        let thread_key = self.thread_key_of(message)?;
        let conversation = self.conversation_for(message.platform, &thread_key)?;
        if thread_key != message.external_id {
            self.merge_provisional_thread(message.platform, &message.external_id, conversation)?;
        }
        let person = match direction {
            Direction::In => self.person_for(message)?,
            Direction::Out => None,
        };
        let created_at = to_micros(message.created_at);
        self.tx
            .prepare_cached(
                "INSERT INTO messages (platform, external_id, conversation_id, parent_id, direction,
                    kind, person_id, author_handle, author_display_name, author_profile_url,
                    author_id, created_at, title, url, source_account, text, extra_json, imported_at,
                    asks)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                    ?19)",
            )?
            .execute(params![
                platform,
                message.external_id,
                conversation,
                message.parent_id,
                direction.as_str(),
                message.kind.as_str(),
                person,
                message.author_handle,
                message.author_display_name,
                message.author_profile_url,
                message.author_id,
                created_at,
                message.title,
                message.url,
                message.source_account,
                message.text,
                message.extra_json,
                self.now,
                direction == Direction::In && crate::priority::asks_question(&message.text),
            ])?;
        // What the full-text index will hold for it (`index_text`).
        for text in [
            Some(message.text.as_str()),
            message.title.as_deref(),
            message.author_handle.as_deref(),
            message.author_display_name.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            self.terms.add(text);
        }
        let touch = self.touched.entry(conversation).or_default();
        let newest = match direction {
            Direction::In => &mut touch.newest_new_inbound,
            Direction::Out => &mut touch.newest_new_outbound,
        };
        *newest = Some(newest.map_or(created_at, |seen| seen.max(created_at)));
        self.counts.new_messages += 1;
        Ok(true)
    }

    /// Indexes the new text, settles every touched conversation and commits.
    pub fn finish(self) -> Result<IngestCounts> {
        let Ingest {
            tx,
            touched,
            mut counts,
            terms,
            followers,
            message_id_before,
            conversation_id_before,
            ..
        } = self;
        super::index_text(&tx, message_id_before, i64::MAX).context("indexing imported text")?;
        terms.write(&tx)?;
        let mut statement = tx.prepare_cached(
            "UPDATE people SET followers = max(coalesce(followers, 0), ?2) WHERE id = ?1",
        )?;
        for (person, most) in followers {
            statement.execute(params![person, i64::try_from(most).unwrap_or(i64::MAX)])?;
        }
        drop(statement);
        // In id order: neighbouring conversations share pages.
        let mut touched: Vec<(i64, Touch)> = touched.into_iter().collect();
        touched.sort_unstable_by_key(|(conversation, _)| *conversation);
        let mut people = HashSet::new();
        for (conversation, touch) in touched {
            people.extend(settle(&tx, conversation, touch)?);
        }
        count_exchanges(&tx, people)?;
        let new_conversations: i64 = tx.query_row(
            "SELECT count(*) FROM conversations WHERE id > ?1",
            [conversation_id_before],
            |row| row.get(0),
        )?;
        counts.new_conversations = new_conversations as u64;
        tx.commit().context("committing the import")?;
        Ok(counts)
    }

    fn direction_of(&self, message: &NewMessage) -> Direction {
        let mine = message.author_handle.as_deref().is_some_and(|handle| {
            self.my_handles
                .contains(&(message.platform, message.platform.handle_key(handle)))
        });
        if mine {
            Direction::Out
        } else {
            message.direction.unwrap_or(Direction::In)
        }
    }

    fn thread_key_of(&mut self, message: &NewMessage) -> Result<String> {
        if let Some(thread) = &message.thread_id {
            return Ok(thread.clone());
        }
        let Some(parent) = &message.parent_id else {
            return Ok(message.external_id.clone());
        };
        let parents_thread: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT c.thread_key FROM messages m JOIN conversations c ON c.id = m.conversation_id
                 WHERE m.platform = ?1 AND m.external_id = ?2",
            )?
            .query_row(params![message.platform.as_str(), parent], |row| row.get(0))
            .optional()?;
        Ok(parents_thread.unwrap_or_else(|| parent.clone()))
    }

    fn find_conversation(&mut self, platform: Platform, thread_key: &str) -> Result<Option<i64>> {
        if let Some(id) = self.conversations.get(&(platform, thread_key.to_owned())) {
            return Ok(Some(*id));
        }
        let found: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM conversations WHERE platform = ?1 AND thread_key = ?2")?
            .query_row(params![platform.as_str(), thread_key], |row| row.get(0))
            .optional()?;
        if let Some(id) = found {
            self.conversations
                .insert((platform, thread_key.to_owned()), id);
        }
        Ok(found)
    }

    fn conversation_for(&mut self, platform: Platform, thread_key: &str) -> Result<i64> {
        if let Some(id) = self.find_conversation(platform, thread_key)? {
            return Ok(id);
        }
        self.tx
            .prepare_cached(
                "INSERT INTO conversations (platform, thread_key, state) VALUES (?1, ?2, 'open')",
            )?
            .execute(params![platform.as_str(), thread_key])?;
        let id = self.tx.last_insert_rowid();
        self.conversations
            .insert((platform, thread_key.to_owned()), id);
        Ok(id)
    }

    /// Replies that arrived before this message were filed under a thread named
    /// after it; now that it is known to belong to `into`, they move there.
    fn merge_provisional_thread(
        &mut self,
        platform: Platform,
        external_id: &str,
        into: i64,
    ) -> Result<()> {
        let Some(provisional) = self.find_conversation(platform, external_id)? else {
            return Ok(());
        };
        if provisional == into {
            return Ok(());
        }
        let (state, settled, last_inbound): (String, Option<i64>, Option<i64>) =
            self.tx.query_row(
                "SELECT state, settled_through, last_inbound_at FROM conversations WHERE id = ?1",
                [provisional],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )?;
        self.tx.execute(
            "UPDATE messages SET conversation_id = ?1 WHERE conversation_id = ?2",
            [into, provisional],
        )?;
        self.tx.execute(
            "UPDATE actions SET conversation_id = ?1 WHERE conversation_id = ?2",
            [into, provisional],
        )?;
        // A draft typed in either thread survives: two are joined, never dropped.
        self.tx.execute(
            "INSERT INTO drafts (conversation_id, text, updated_at)
             SELECT ?1, text, updated_at FROM drafts WHERE conversation_id = ?2
             ON CONFLICT (conversation_id) DO UPDATE SET text = drafts.text || char(10) || char(10) || excluded.text",
            [into, provisional],
        )?;
        self.tx.execute(
            "DELETE FROM drafts WHERE conversation_id = ?1",
            [provisional],
        )?;
        // Keep the later of the two "dealt with up to here" marks.
        self.tx.execute(
            "UPDATE conversations SET settled_through = max(coalesce(settled_through, ?2), coalesce(?2, settled_through))
             WHERE id = ?1",
            params![into, settled],
        )?;
        self.tx
            .execute("DELETE FROM conversations WHERE id = ?1", [provisional])?;
        self.conversations
            .remove(&(platform, external_id.to_owned()));
        // Messages that were waiting in the provisional thread arrive in the
        // target as new: they re-open it even if it was done or snoozed.
        let mut touch = self.touched.remove(&provisional).unwrap_or_default();
        if state == ConversationState::Open.as_str() {
            touch.newest_new_inbound = touch.newest_new_inbound.max(last_inbound);
        }
        let target = self.touched.entry(into).or_default();
        target.newest_new_inbound = target.newest_new_inbound.max(touch.newest_new_inbound);
        target.newest_new_outbound = target.newest_new_outbound.max(touch.newest_new_outbound);
        Ok(())
    }

    fn create_person(
        &mut self,
        message: &NewMessage,
        handle_key: Option<&str>,
        author_id: Option<&str>,
    ) -> Result<i64> {
        self.tx
            .prepare_cached("INSERT INTO people (display_name, created_at) VALUES (?1, ?2)")?
            .execute(params![message.author_display_name, self.now])?;
        let person = self.tx.last_insert_rowid();
        self.tx
            .prepare_cached(
                "INSERT INTO handles (person_id, platform, handle_key, handle, display_name, profile_url, author_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                person,
                message.platform.as_str(),
                handle_key,
                message.author_handle,
                message.author_display_name,
                message.author_profile_url,
                author_id,
            ])?;
        Ok(person)
    }

    /// The person behind the message's author, created on first sight.
    fn person_for(&mut self, message: &NewMessage) -> Result<Option<i64>> {
        let platform = message.platform;
        let handle_key = message
            .author_handle
            .as_deref()
            .map(|h| platform.handle_key(h))
            .filter(|k| !k.is_empty());
        let author_id = message.author_id.as_deref().filter(|id| !id.is_empty());
        let cache_key = match (&handle_key, author_id) {
            (Some(key), _) => (platform, format!("h:{key}")),
            (None, Some(id)) => (platform, format!("i:{id}")),
            (None, None) => return Ok(None),
        };
        if let Some(&person) = self.handles.get(&cache_key) {
            self.note_followers(person, message.author_followers);
            return Ok(Some(person));
        }
        // The handle first, then the platform's author id: two equality
        // lookups (one statement with OR and ORDER BY was planned again on
        // every call, 8% of an import).
        let mut found: Option<i64> = None;
        if let Some(key) = &handle_key {
            found = self
                .tx
                .prepare_cached(
                    "SELECT person_id FROM handles WHERE platform = ?1 AND handle_key = ?2",
                )?
                .query_row(params![platform.as_str(), key], |row| row.get(0))
                .optional()?;
        }
        if let (None, Some(id)) = (found, author_id) {
            found = self
                .tx
                .prepare_cached(
                    "SELECT person_id FROM handles WHERE platform = ?1 AND author_id = ?2",
                )?
                .query_row(params![platform.as_str(), id], |row| row.get(0))
                .optional()?;
        }
        let person = if let Some(person) = found {
            person
        } else {
            self.create_person(message, handle_key.as_deref(), author_id)?
        };
        self.handles.insert(cache_key, person);
        self.note_followers(person, message.author_followers);
        Ok(Some(person))
    }

    /// Keeps the largest follower count seen for the person, written once
    /// when the import finishes.
    fn note_followers(&mut self, person: i64, followers: Option<u64>) {
        if let Some(followers) = followers {
            let most = self.followers.entry(person).or_default();
            *most = (*most).max(followers);
        }
    }
}

/// Open and answered follow from the messages: the conversation waits when
/// an inbound message is newer than the last reply (or than what was marked
/// done). Done and snoozed are the user's word and only give way to news: a
/// newly stored inbound message after that point re-opens, a newly stored
/// reply that is the newest word answers.
fn next_state<'a>(
    state: &'a str,
    aggregates: &Aggregates,
    dealt_with_through: Option<i64>,
    touch: Touch,
) -> &'a str {
    let waiting = aggregates.last_inbound > dealt_with_through;
    let replied_last =
        aggregates.last_outbound.is_some() && aggregates.last_outbound >= aggregates.last_inbound;
    let user_settled =
        state == ConversationState::Done.as_str() || state == ConversationState::Snoozed.as_str();
    if user_settled {
        if touch.newest_new_inbound > dealt_with_through {
            ConversationState::Open.as_str()
        } else if touch.newest_new_outbound.is_some() && replied_last {
            ConversationState::Answered.as_str()
        } else {
            state
        }
    } else if waiting {
        ConversationState::Open.as_str()
    } else if replied_last {
        ConversationState::Answered.as_str()
    } else {
        state
    }
}

/// A conversation's aggregates, computed from its messages in time order.
#[derive(Debug, Default)]
struct Aggregates {
    count: i64,
    first: Option<i64>,
    last: Option<i64>,
    last_inbound: Option<i64>,
    last_inbound_id: Option<i64>,
    /// The author of the newest inbound message.
    last_inbound_person: Option<i64>,
    last_outbound: Option<i64>,
    title: Option<String>,
    /// Inbound messages, oldest first: when, whether it asks, how it
    /// addresses the user, who wrote it.
    inbound: Vec<(i64, bool, Addressed, Option<i64>)>,
}

/// One message as `settle` reads it.
type SettleRow = (i64, i64, bool, Option<String>, Option<i64>, bool, String);

/// Recomputes a conversation's aggregates from its messages and settles its
/// state (see `next_state`). Returns the people who wrote in it: their
/// exchange counts may have changed (`count_exchanges`).
///
/// The messages are read with one equality-only query and ordered here: a
/// range condition or an ORDER BY that another index could serve makes SQLite
/// re-plan the statement on every call (measured: 15% of an import).
pub(super) fn settle(tx: &Transaction<'_>, conversation: i64, touch: Touch) -> Result<Vec<i64>> {
    // No ORDER BY: with one, SQLite weighs the created_at index and re-plans
    // on every new conversation id.
    let mut messages: Vec<SettleRow> = tx
        .prepare_cached(
            "SELECT created_at, id, direction = 'in', title, person_id, asks, kind
             FROM messages INDEXED BY messages_by_conversation
             WHERE conversation_id = ?1",
        )?
        .query_map([conversation], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
                row.get(6)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    messages.sort_unstable_by_key(|(created_at, id, ..)| (*created_at, *id));
    let mut aggregates = Aggregates::default();
    let mut people = Vec::new();
    for (created_at, id, inbound, title, person, asks, kind) in messages {
        aggregates.count += 1;
        aggregates.first.get_or_insert(created_at);
        aggregates.last = Some(created_at);
        if inbound {
            aggregates.last_inbound = Some(created_at);
            aggregates.last_inbound_id = Some(id);
            aggregates.last_inbound_person = person;
            let addressed = kind.parse().map_or(Addressed::Mention, Addressed::of_kind);
            aggregates
                .inbound
                .push((created_at, asks, addressed, person));
            if let Some(person) = person
                && !people.contains(&person)
            {
                people.push(person);
            }
        } else {
            aggregates.last_outbound = Some(created_at);
        }
        if aggregates.title.is_none() {
            aggregates.title = title;
        }
    }
    let (state, settled): (String, Option<i64>) = tx
        .prepare_cached("SELECT state, settled_through FROM conversations WHERE id = ?1")?
        .query_row([conversation], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let dealt_with_through = aggregates.last_outbound.max(settled);
    let new_state = next_state(&state, &aggregates, dealt_with_through, touch);
    let waiting: Vec<&(i64, bool, Addressed, Option<i64>)> = aggregates
        .inbound
        .iter()
        .filter(|(at, ..)| Some(*at) > dealt_with_through)
        .collect();
    let waiting_since = waiting.first().map(|(at, ..)| *at);
    let waiting_asks = waiting.iter().any(|(_, asks, ..)| *asks);
    let waiting_addressed = waiting
        .iter()
        .map(|(_, _, addressed, _)| *addressed)
        .max()
        .unwrap_or(Addressed::Mention);
    // The person who has waited longest (a "+1" added later does not take
    // a customer's place); with nobody waiting, the last one who wrote.
    let person = waiting
        .first()
        .map_or(aggregates.last_inbound_person, |(.., person)| *person);
    tx.prepare_cached(
        "UPDATE conversations SET
            state = ?2,
            snoozed_until = CASE WHEN ?2 = 'snoozed' THEN snoozed_until END,
            message_count = ?3, first_at = ?4, last_at = ?5, last_inbound_at = ?6,
            last_outbound_at = ?7, waiting_since = ?8, last_inbound_id = ?9,
            title = coalesce(title, ?10), person_id = ?11, waiting_asks = ?12,
            waiting_addressed = ?13
         WHERE id = ?1",
    )?
    .execute(params![
        conversation,
        new_state,
        aggregates.count,
        aggregates.first,
        aggregates.last,
        aggregates.last_inbound,
        aggregates.last_outbound,
        waiting_since,
        aggregates.last_inbound_id,
        aggregates.title,
        person,
        waiting_asks,
        waiting_addressed.level(),
    ])?;
    Ok(people)
}

/// Recounts, for each of `people`, the conversations the user has answered
/// in with them (the priority's depth). From the messages each time, so no
/// sequence of imports, replies, undos and merges can make it drift.
pub(super) fn count_exchanges(
    tx: &Transaction<'_>,
    people: impl IntoIterator<Item = i64>,
) -> Result<()> {
    let mut statement = tx.prepare_cached(
        "UPDATE people SET exchanges = (SELECT count(*) FROM conversations c
            WHERE c.last_outbound_at IS NOT NULL
              AND c.id IN (SELECT conversation_id FROM messages WHERE person_id = ?1))
         WHERE id = ?1",
    )?;
    for person in people {
        statement.execute([person])?;
    }
    Ok(())
}
