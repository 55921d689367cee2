//! What the left pane and `tend inbox` list, read in two steps: the waiting
//! conversations with the signals the priority order needs (no message text:
//! ten thousand of them read in milliseconds), then the text of only the rows
//! shown. Also the other lists a filter asks for (a state, newest first) and
//! the people a `from:` names. `queue` (the module) puts them together.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::Store;
use crate::config;
use crate::model::{ConversationState, Direction, Platform, from_micros, to_micros};
use crate::priority::{Addressed, Relationship};

/// How much of a body a row reads: enough for its first line.
pub(super) const PREVIEW_CHARS: i64 = 600;

/// One waiting conversation as the priority order reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub conversation_id: i64,
    pub platform: Platform,
    pub waiting_since: DateTime<Utc>,
    /// Snoozed, and the snooze is over: back in the queue.
    pub back_from_snooze: bool,
    pub person_id: Option<i64>,
    pub asks: bool,
    pub addressed: Addressed,
    pub exchanges: u32,
    pub followers: Option<u64>,
}

/// One row of a list: a conversation, shown by its newest inbound message
/// (or, in search results, by the message that matched).
#[derive(Debug, Clone, PartialEq)]
pub struct QueueItem {
    pub conversation_id: i64,
    pub platform: Platform,
    pub thread_id: String,
    /// A conversation back from a snooze is `Open` here (and `back_from_snooze`),
    /// though the store keeps it snoozed until it is touched.
    pub state: ConversationState,
    /// When the conversation started waiting, if it waits.
    pub waiting_since: Option<DateTime<Utc>>,
    pub back_from_snooze: bool,
    /// The newest message of the conversation.
    pub last_at: DateTime<Utc>,
    pub person_id: Option<i64>,
    pub author_handle: Option<String>,
    pub author_display_name: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    /// The start of the message shown, raw (sanitize before showing).
    pub text_head: String,
    /// The message shown is the user's own: a search hit on one, or the
    /// newest of a conversation that holds only theirs (an imported archive
    /// of their posts).
    pub by_me: bool,
    pub message_count: i64,
    /// In search results: the message that matched.
    pub hit: Option<Hit>,
    /// In the queue: why it is where it is (`queue` scores it).
    pub score: Option<crate::priority::Score>,
}

/// The message a search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub message_id: i64,
    pub created_at: DateTime<Utc>,
    pub direction: Direction,
}

impl QueueItem {
    /// The reasons a queue row is where it is (none outside the queue).
    #[must_use]
    pub fn why(&self) -> Vec<String> {
        self.score
            .as_ref()
            .map(|score| score.why.clone())
            .unwrap_or_default()
    }

    /// Who wrote the message shown, as lists name them: "you" for the
    /// user's own.
    #[must_use]
    pub fn shown_author(&self) -> String {
        if self.by_me {
            "you".to_owned()
        } else {
            crate::sanitize::author_label(
                self.author_display_name.as_deref(),
                self.author_handle.as_deref(),
            )
        }
    }

    /// The time the row's age counts from: the wait, the matching message,
    /// or the conversation's newest message.
    #[must_use]
    pub fn dated(&self) -> DateTime<Utc> {
        match (self.hit, self.waiting_since) {
            (Some(hit), _) => hit.created_at,
            (None, Some(since)) => since,
            (None, None) => self.last_at,
        }
    }
}

/// The columns `item_from_row` reads, after the caller's own (from index 0).
pub(super) const ITEM_COLUMNS: &str = "c.id, c.platform, c.thread_key, c.state, c.waiting_since,
    c.snoozed_until, c.last_at, m.person_id, m.author_handle, m.author_display_name,
    coalesce(c.title, m.title), m.url, substr(m.text, 1, ?2), c.message_count,
    coalesce(m.direction = 'out', 0)";

/// The message a listed conversation shows (as `m`): its newest inbound
/// one; in a conversation of the user's own messages only (where there is
/// no inbound one), its newest, which `messages_by_conversation` finds.
const SHOWN_MESSAGE: &str = "LEFT JOIN messages m ON m.id = coalesce(c.last_inbound_id,
    (SELECT id FROM messages WHERE conversation_id = c.id AND direction = 'out'
     ORDER BY created_at DESC, id DESC LIMIT 1))";

pub(super) fn item_from_row(row: &rusqlite::Row<'_>, now: i64) -> rusqlite::Result<QueueItem> {
    let platform: String = row.get(1)?;
    let state: String = row.get(3)?;
    let state: ConversationState = state.parse().unwrap_or(ConversationState::Open);
    let waiting_since: Option<i64> = row.get(4)?;
    let snoozed_until: Option<i64> = row.get(5)?;
    // Done and answered conversations keep no waiting time that means anything.
    let waits = matches!(state, ConversationState::Open)
        || (state == ConversationState::Snoozed && snoozed_until.is_some_and(|at| at <= now));
    let back_from_snooze = waits && state == ConversationState::Snoozed;
    Ok(QueueItem {
        conversation_id: row.get(0)?,
        platform: platform.parse().unwrap_or(Platform::Other),
        thread_id: row.get(2)?,
        // Everything that lists it shows it open: it is waiting again.
        state: if back_from_snooze {
            ConversationState::Open
        } else {
            state
        },
        waiting_since: waiting_since.filter(|_| waits).map(from_micros),
        back_from_snooze,
        last_at: from_micros(row.get::<_, Option<i64>>(6)?.unwrap_or_default()),
        person_id: row.get(7)?,
        author_handle: row.get(8)?,
        author_display_name: row.get(9)?,
        title: row.get(10)?,
        url: row.get(11)?,
        text_head: row.get::<_, Option<String>>(12)?.unwrap_or_default(),
        message_count: row.get(13)?,
        by_me: row.get(14)?,
        hit: None,
        score: None,
    })
}

impl Store {
    /// Every conversation waiting for an answer at `now`: open ones, and
    /// snoozed ones whose time has come. Reads no message.
    pub fn candidates(&self, now: DateTime<Utc>) -> Result<Vec<Candidate>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT c.id, c.platform, c.waiting_since, c.state = 'snoozed', c.person_id,
                    c.waiting_asks, c.waiting_addressed, p.exchanges, p.followers
             FROM conversations c LEFT JOIN people p ON p.id = c.person_id
             WHERE c.state = 'open' AND c.waiting_since IS NOT NULL
             UNION ALL
             SELECT c.id, c.platform, c.waiting_since, 1, c.person_id,
                    c.waiting_asks, c.waiting_addressed, p.exchanges, p.followers
             FROM conversations c LEFT JOIN people p ON p.id = c.person_id
             WHERE c.state = 'snoozed' AND c.snoozed_until <= ?1 AND c.waiting_since IS NOT NULL",
        )?;
        let rows = statement.query_map([to_micros(now)], |row| {
            let platform: String = row.get(1)?;
            Ok(Candidate {
                conversation_id: row.get(0)?,
                platform: platform.parse().unwrap_or(Platform::Other),
                waiting_since: from_micros(row.get(2)?),
                back_from_snooze: row.get(3)?,
                person_id: row.get(4)?,
                asks: row.get(5)?,
                addressed: Addressed::from_level(row.get(6)?),
                exchanges: row.get::<_, Option<u32>>(7)?.unwrap_or(0),
                followers: row
                    .get::<_, Option<i64>>(8)?
                    .and_then(|n| u64::try_from(n).ok()),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The strongest relationship tag of every person who has one.
    pub fn relationships(&self) -> Result<HashMap<i64, Relationship>> {
        let tags = quoted_list(
            Relationship::TAGGED
                .into_iter()
                .filter_map(Relationship::label),
        );
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT person_id, tag FROM person_tags WHERE tag IN ({tags})"
        ))?;
        let mut strongest = HashMap::new();
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (person, tag) = row?;
            let relationship = Relationship::of_tag(&tag);
            let entry = strongest.entry(person).or_insert(relationship);
            *entry = (*entry).max(relationship);
        }
        Ok(strongest)
    }

    /// The people who carry any of `tags`.
    pub fn people_tagged(&self, tags: &[String]) -> Result<HashSet<i64>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT person_id FROM person_tags WHERE tag = ?1")?;
        let mut people = HashSet::new();
        for tag in tags {
            for person in statement.query_map([tag], |row| row.get(0))? {
                people.insert(person?);
            }
        }
        Ok(people)
    }

    /// The people a word of whose name or handle starts with any of
    /// `starts` (lowercase): `from:ana` finds "Ana Lima" and `@ana@fosstodon.org`.
    pub fn people_named(&self, starts: &[String]) -> Result<HashSet<i64>> {
        // LIKE folds the case of ASCII only: it narrows the rows for an ASCII
        // start (a name with "Ł" cannot start with "l" either), and every
        // row is read for `from:łukasz`. The word rule is checked here.
        let mut statement = self.conn.prepare_cached(
            "SELECT id, display_name FROM people WHERE display_name LIKE ?1
             UNION ALL
             SELECT person_id, coalesce(handle, '') || ' ' || coalesce(display_name, '') FROM handles
             WHERE handle LIKE ?1 OR display_name LIKE ?1",
        )?;
        let mut people = HashSet::new();
        for start in starts {
            let pattern = if start.is_ascii() {
                format!("%{}%", start.replace(['%', '_'], ""))
            } else {
                "%".to_owned()
            };
            let rows = statement.query_map([pattern], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, Option<String>>(1)?))
            })?;
            for row in rows {
                let (person, names) = row?;
                if names.is_some_and(|names| has_word_starting(&names, start)) {
                    people.insert(person);
                }
            }
        }
        Ok(people)
    }

    /// The rows of `conversations`, in the order given, skipping any gone meanwhile.
    pub fn items(&self, conversations: &[i64], now: DateTime<Utc>) -> Result<Vec<QueueItem>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {ITEM_COLUMNS} FROM conversations c {SHOWN_MESSAGE} WHERE c.id = ?1"
        ))?;
        let now = to_micros(now);
        let mut items = Vec::with_capacity(conversations.len());
        for &id in conversations {
            if let Some(item) = statement
                .query_row(params![id, PREVIEW_CHARS], |row| item_from_row(row, now))
                .optional()?
            {
                items.push(item);
            }
        }
        Ok(items)
    }

    /// Conversations `filter` lets through, newest first.
    pub fn conversations_in(
        &self,
        filter: &ListFilter<'_>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<QueueItem>> {
        let conditions = filter.conditions(Author::Conversation, now);
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let mut statement = self.conn.prepare(&format!(
            "SELECT {ITEM_COLUMNS} FROM conversations c {SHOWN_MESSAGE}
             {filter} ORDER BY c.last_at DESC, c.id DESC LIMIT ?1"
        ))?;
        let now = to_micros(now);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows =
            statement.query_map(params![limit, PREVIEW_CHARS], |row| item_from_row(row, now))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Conversations waiting for an answer at `now`, the longest wait first
    /// (the priority order is `queue`'s; this is the store's own view).
    pub fn queue(&self, now: DateTime<Utc>, limit: Option<usize>) -> Result<Vec<QueueItem>> {
        let mut waiting = self.candidates(now)?;
        waiting.sort_by_key(|c| (c.waiting_since, c.conversation_id));
        let ids: Vec<i64> = waiting
            .iter()
            .take(limit.unwrap_or(usize::MAX))
            .map(|c| c.conversation_id)
            .collect();
        self.items(&ids, now)
    }

    /// Platforms that have conversations, for the filter menu.
    pub fn platforms_in_use(&self) -> Result<Vec<Platform>> {
        let mut used = Vec::new();
        let mut statement = self
            .conn
            .prepare_cached("SELECT 1 FROM conversations WHERE platform = ?1 LIMIT 1")?;
        for platform in Platform::ALL {
            if statement.exists([platform.as_str()])? {
                used.push(*platform);
            }
        }
        Ok(used)
    }

    /// Every tag in use, for the filter menu.
    pub fn tags_in_use(&self) -> Result<Vec<String>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT DISTINCT tag FROM person_tags ORDER BY tag")?;
        let tags = statement
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(tags)
    }
}

/// What a list of conversations or messages is limited to. Empty lists
/// mean any.
#[derive(Debug, Clone, Default)]
pub struct ListFilter<'a> {
    pub states: &'a [ConversationState],
    pub platforms: &'a [Platform],
    /// Authors (anyone when `None`).
    pub people: Option<&'a HashSet<i64>>,
    /// Only waiting conversations this far along the promise.
    pub promise: Option<Promise<'a>>,
}

/// Whose people filter `ListFilter::people` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Author {
    /// Anyone who wrote in the conversation.
    Conversation,
    /// The writer of the message found.
    Message,
}

/// `is:overdue` and `is:due-soon` (either, when both).
#[derive(Debug, Clone, Copy)]
pub struct Promise<'a> {
    pub overdue: bool,
    pub due_soon: bool,
    pub sla: &'a config::Sla,
}

impl ListFilter<'_> {
    /// SQL conditions on `c` (the conversation) and, for `Author::Message`,
    /// `m` (the message). Closed vocabularies and integers only are written
    /// in: nothing the user typed.
    pub(super) fn conditions(&self, person: Author, now: DateTime<Utc>) -> Vec<String> {
        let mut conditions = Vec::new();
        if !self.states.is_empty() {
            // A conversation back from a snooze is open, though stored as snoozed.
            let back = format!("c.snoozed_until <= {}", to_micros(now));
            let states: Vec<String> = self
                .states
                .iter()
                .map(|state| match state {
                    ConversationState::Open => {
                        format!("c.state = 'open' OR (c.state = 'snoozed' AND {back})")
                    }
                    ConversationState::Snoozed => {
                        format!("(c.state = 'snoozed' AND NOT coalesce({back}, 0))")
                    }
                    other => format!("c.state = '{}'", other.as_str()),
                })
                .collect();
            conditions.push(format!("({})", states.join(" OR ")));
        }
        if !self.platforms.is_empty() {
            let platforms = quoted_list(self.platforms.iter().map(|p| p.as_str()));
            conditions.push(format!("c.platform IN ({platforms})"));
        }
        if let Some(people) = self.people {
            let ids: Vec<String> = people.iter().map(i64::to_string).collect();
            let ids = ids.join(",");
            conditions.push(match person {
                // A conversation with someone: any of its messages is theirs
                // (read from the index of their messages, not a scan).
                Author::Conversation => format!(
                    "c.id IN (SELECT conversation_id FROM messages WHERE person_id IN ({ids}))"
                ),
                Author::Message => format!("m.person_id IN ({ids})"),
            });
        }
        if let Some(promise) = self.promise {
            conditions.push(promise.condition(now));
        }
        conditions
    }
}

impl Promise<'_> {
    /// Waiting, and (per platform) past the promise or in its last quarter:
    /// the same instants `sla::assess` uses.
    fn condition(&self, now: DateTime<Utc>) -> String {
        let now = to_micros(now);
        let window = |hours: u32| i64::from(hours) * 3_600_000_000;
        // The latest waiting_since that is overdue / due soon, per platform.
        let by_platform = |bound: &dyn Fn(i64) -> i64| {
            let default = bound(window(self.sla.hours.0));
            if self.sla.platforms.is_empty() {
                return default.to_string();
            }
            let mut case = String::from("CASE c.platform");
            for (platform, hours) in &self.sla.platforms {
                let _ = write!(
                    case,
                    " WHEN '{}' THEN {}",
                    platform.as_str(),
                    bound(window(hours.0))
                );
            }
            format!("{case} ELSE {default} END")
        };
        let overdue_from = by_platform(&|window| now - window);
        let soon_from = by_platform(&|window| now - window + window / 4);
        let mut either = Vec::new();
        if self.overdue {
            either.push(format!("c.waiting_since <= {overdue_from}"));
        }
        if self.due_soon {
            either.push(format!(
                "(c.waiting_since > {overdue_from} AND c.waiting_since <= {soon_from})"
            ));
        }
        format!(
            "c.waiting_since IS NOT NULL
             AND (c.state = 'open' OR (c.state = 'snoozed' AND c.snoozed_until <= {now}))
             AND ({})",
            if either.is_empty() {
                "1".to_owned()
            } else {
                either.join(" OR ")
            }
        )
    }
}

pub(super) fn quoted_list<'a>(values: impl Iterator<Item = &'a str>) -> String {
    values
        .map(|value| format!("'{}'", value.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(",")
}

/// Whether a word of `names` (split at anything not a letter or digit)
/// starts with `start`, ignoring case.
fn has_word_starting(names: &str, start: &str) -> bool {
    let names = names.to_lowercase();
    if start.contains(|c: char| !c.is_alphanumeric()) {
        // `from:ana@fosstodon` or `from:"ana lima"`: the typed text as a whole.
        return names.contains(start);
    }
    names
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.starts_with(start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;
    use crate::sla::SlaState::{DueSoon, Overdue};
    use crate::store::NewMessage;
    use crate::testing::at;

    fn message(id: &str, thread: &str, when: &str, author: Option<&str>, text: &str) -> NewMessage {
        NewMessage {
            platform: Platform::Email,
            external_id: id.into(),
            created_at: at(when),
            text: text.into(),
            kind: Kind::Email,
            thread_id: Some(thread.into()),
            parent_id: None,
            author_handle: author.map(Into::into),
            author_display_name: None,
            author_profile_url: None,
            author_id: None,
            title: None,
            url: None,
            source_account: None,
            direction: author.is_none().then_some(Direction::Out),
            author_followers: None,
            extra_json: None,
        }
    }

    fn import(store: &mut Store, messages: &[NewMessage]) {
        let mut ingest = store
            .ingest(at("2026-06-13T12:00:00Z"), HashSet::new())
            .unwrap();
        for message in messages {
            ingest.add(message).unwrap();
        }
        ingest.finish().unwrap();
    }

    fn exchanges(store: &Store) -> i64 {
        store
            .conn
            .query_row("SELECT exchanges FROM people", [], |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn exchanges_follow_replies_imports_and_undo() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let ana = Some("ana@example.com");
        import(
            &mut store,
            &[
                message("a1", "t1", "2026-06-01T09:00:00Z", ana, "hi"),
                message("r1", "t1", "2026-06-01T10:00:00Z", None, "hello"),
                message("a2", "t2", "2026-06-02T09:00:00Z", ana, "can I export?"),
            ],
        );
        assert_eq!(exchanges(&store), 1);
        let now = at("2026-06-13T12:00:00Z");
        let waiting = store.candidates(now).unwrap();
        assert_eq!(waiting.len(), 1);
        assert!(waiting[0].asks, "the waiting message asks");
        assert_eq!(waiting[0].addressed, Addressed::Direct);
        assert_eq!(waiting[0].exchanges, 1);
        let t2 = waiting[0].conversation_id;
        store.reply(t2, "yes", None, None, now).unwrap();
        assert_eq!(exchanges(&store), 2);
        store.undo_last(now, now).unwrap();
        assert_eq!(exchanges(&store), 1, "undo gives the count back");
        // A later message that asks nothing: the conversation still asks
        // (the question waits too), until it is answered.
        import(
            &mut store,
            &[message("a3", "t2", "2026-06-03T09:00:00Z", ana, "thanks")],
        );
        assert!(store.candidates(now).unwrap()[0].asks);
        import(
            &mut store,
            &[message("r2", "t2", "2026-06-04T09:00:00Z", None, "sure")],
        );
        assert!(store.candidates(now).unwrap().is_empty());
        assert_eq!(exchanges(&store), 2);
        import(
            &mut store,
            &[message("a4", "t2", "2026-06-05T09:00:00Z", ana, "ok")],
        );
        let again = store.candidates(now).unwrap();
        assert!(!again[0].asks, "the question was answered");
    }

    #[test]
    fn the_promise_filter_agrees_with_the_assessment_at_its_boundaries() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let now = at("2026-06-13T12:00:00Z");
        let mut messages = Vec::new();
        for (index, when) in [
            "2026-06-12T18:00:01Z", // email: on time by a second
            "2026-06-12T18:00:00Z", // email: due soon
            "2026-06-12T12:00:01Z", // email: due soon, a second left
            "2026-06-12T12:00:00Z", // email: overdue
            "2026-06-11T06:00:01Z", // github (72h): on time
            "2026-06-11T06:00:00Z", // github: due soon
            "2026-06-10T12:00:00Z", // github: overdue
        ]
        .iter()
        .enumerate()
        {
            let id = format!("m{index}");
            let mut message = message(&id, &id, when, Some("ana@example.com"), "hi");
            if index >= 4 {
                message.platform = Platform::Github;
            }
            messages.push(message);
        }
        import(&mut store, &messages);
        let mut sla = config::Sla::default();
        sla.platforms.insert(Platform::Github, config::SlaHours(72));
        let listed = |store: &Store, overdue: bool, due_soon: bool| {
            let filter = ListFilter {
                promise: Some(Promise {
                    overdue,
                    due_soon,
                    sla: &sla,
                }),
                ..ListFilter::default()
            };
            let mut ids: Vec<String> = store
                .conversations_in(&filter, 100, now)
                .unwrap()
                .into_iter()
                .map(|item| item.thread_id)
                .collect();
            ids.sort();
            ids
        };
        let assessed = |store: &Store, state: crate::sla::SlaState| {
            let mut ids: Vec<String> = store
                .queue(now, None)
                .unwrap()
                .into_iter()
                .filter(|item| {
                    sla.assess(item.platform, item.waiting_since.unwrap(), now)
                        .state
                        == state
                })
                .map(|item| item.thread_id)
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(listed(&store, true, false), ["m3", "m6"]);
        assert_eq!(listed(&store, true, false), assessed(&store, Overdue));
        assert_eq!(listed(&store, false, true), ["m1", "m2", "m5"]);
        assert_eq!(listed(&store, false, true), assessed(&store, DueSoon));
        assert_eq!(listed(&store, true, true).len(), 5);
        // With one promise for every platform the same holds.
        let single = config::Sla::default();
        let filter = ListFilter {
            promise: Some(Promise {
                overdue: true,
                due_soon: false,
                sla: &single,
            }),
            ..ListFilter::default()
        };
        let overdue: Vec<String> = store
            .conversations_in(&filter, 100, now)
            .unwrap()
            .into_iter()
            .map(|item| item.thread_id)
            .collect();
        assert_eq!(overdue.len(), 4, "{overdue:?}");
        // Answered conversations are never overdue, however old.
        import(
            &mut store,
            &[message("r3", "m3", "2026-06-13T11:00:00Z", None, "done")],
        );
        assert_eq!(listed(&store, true, false), ["m6"]);
    }

    #[test]
    fn a_schema_4_store_gets_the_priority_columns_filled_in() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            for sql in [
                include_str!("../../assets/migrations/0001_initial.sql"),
                include_str!("../../assets/migrations/0002_drafts.sql"),
                include_str!("../../assets/migrations/0003_budget.sql"),
                include_str!("../../assets/migrations/0004_unused_index.sql"),
            ] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 4).unwrap();
            conn.execute_batch(
                "PRAGMA foreign_keys = OFF;
                 INSERT INTO people (id, display_name, created_at) VALUES (1, 'Ana', 0);
                 INSERT INTO conversations (id, platform, thread_key, state, message_count,
                     last_inbound_at, last_outbound_at, waiting_since, last_inbound_id)
                     VALUES (1, 'x', 't1', 'open', 2, 30, 10, 20, 3),
                            (2, 'x', 't2', 'answered', 2, 5, 6, NULL, 4);
                 INSERT INTO messages (id, platform, external_id, conversation_id, direction, kind,
                     person_id, created_at, text, imported_at, extra_json) VALUES
                     (1, 'x', 'm1', 1, 'out', 'reply', NULL, 10, 'earlier', 0, NULL),
                     (2, 'x', 'm2', 1, 'in', 'mention', 1, 20, 'does it sync?', 0, NULL),
                     (3, 'x', 'm3', 1, 'in', 'dm', 1, 30, 'hello', 0, '{\"author_followers\":1200}'),
                     (4, 'x', 'm4', 2, 'in', 'mention', 1, 5, 'see https://a.example/?q=1', 0, NULL),
                     (5, 'x', 'm5', 2, 'out', 'reply', NULL, 6, 'thanks', 0, NULL);
                 INSERT INTO messages_fts (rowid, text, title, author_handle, author_display_name)
                     SELECT id, text, title, author_handle, author_display_name FROM messages;",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let row: (Option<i64>, bool, i64) = store
            .conn
            .query_row(
                "SELECT person_id, waiting_asks, waiting_addressed FROM conversations WHERE id = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .unwrap();
        assert_eq!(row, (Some(1), true, Addressed::Direct.level()));
        let asks: Vec<bool> = store
            .conn
            .prepare("SELECT asks FROM messages ORDER BY id")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(asks, [false, true, false, false, false]);
        let (exchanges, followers): (i64, Option<i64>) = store
            .conn
            .query_row("SELECT exchanges, followers FROM people", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .unwrap();
        assert_eq!((exchanges, followers), (2, Some(1200)));
        // The words already indexed are there to complete what is typed.
        assert_eq!(store.terms_starting("s", 5).unwrap(), ["see", "sync"]);
        assert_eq!(store.terms_starting("th", 5).unwrap(), ["thanks"]);
    }

    #[test]
    fn from_matches_the_start_of_a_word_of_a_name_or_handle() {
        assert!(has_word_starting("Ana Lima", "ana"));
        assert!(has_word_starting("Ana Lima", "lim"));
        assert!(has_word_starting("@ana@fosstodon.org ", "foss"));
        assert!(!has_word_starting("Banana Split", "ana"));
        assert!(has_word_starting("ana lima", "ana lima"));
        assert!(has_word_starting("bo.chen@example.com", "bo.chen"));
        assert!(!has_word_starting("", "ana"));
    }
}
