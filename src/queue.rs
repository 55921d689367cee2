//! What the left pane and `tend inbox` list for a query (`query`): the
//! waiting conversations best first (scored by `priority`, filtered), the
//! conversations in other states newest first, or the messages a search
//! finds, newest first. Also where today's budget runs out in that list.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::priority::{self, Relationship, Signals};
use crate::query::Query;
use crate::sla::SlaState;
use crate::store::{Candidate, ListFilter, Promise, QueueItem, Store};

/// Stored words a word being typed stands for at most, the most often seen
/// first: enough that a rarer completion rarely matters, few enough that the
/// index walks them together in a millisecond.
const COMPLETIONS: usize = 48;
/// Hits a search reads before it puts them in time order.
const SEARCH_WINDOW: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Waiting conversations in priority order.
    Queue,
    /// Conversations in other states, newest first.
    Conversations,
    /// Messages matching the words, newest first.
    Search,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub kind: ListKind,
    pub items: Vec<QueueItem>,
    /// Rows the query matches; `items` holds at most the limit of them.
    pub matching: usize,
    /// More rows match than `matching` says (a search stops at its limit).
    pub more: bool,
    /// The whole queue, whatever the query, when the list read it anyway
    /// (`counts` reads it on its own).
    pub counts: Option<Counts>,
}

/// How many conversations wait, and how many of them are overdue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub waiting: usize,
    pub overdue: usize,
}

/// The whole queue's counts at `now`.
pub fn counts(store: &Store, config: &Config, now: DateTime<Utc>) -> Result<Counts> {
    Ok(count(config, &store.candidates(now)?, now))
}

fn count(config: &Config, candidates: &[Candidate], now: DateTime<Utc>) -> Counts {
    let overdue = candidates
        .iter()
        .filter(|c| config.sla.assess(c.platform, c.waiting_since, now).state == SlaState::Overdue)
        .count();
    Counts {
        waiting: candidates.len(),
        overdue,
    }
}

/// Lists what `query` asks for at `now`, at most `limit` rows.
pub fn list(
    store: &Store,
    config: &Config,
    query: &Query,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Listing> {
    let people = people_filter(store, query)?;
    if query.lists_waiting() {
        return ranked(store, config, query, people.as_ref(), now, limit);
    }
    if query.searches_text() {
        return found(store, config, query, people.as_ref(), now, limit);
    }
    let mut items =
        store.conversations_in(&filter(config, query, people.as_ref()), limit + 1, now)?;
    let more = items.len() > limit;
    items.truncate(limit);
    Ok(Listing {
        kind: ListKind::Conversations,
        matching: items.len(),
        more,
        items,
        counts: None,
    })
}

/// The store's side of a query's filters.
fn filter<'a>(
    config: &'a Config,
    query: &'a Query,
    people: Option<&'a HashSet<i64>>,
) -> ListFilter<'a> {
    ListFilter {
        states: if query.all_states { &[] } else { &query.states },
        platforms: &query.platforms,
        people,
        promise: (query.overdue || query.due_soon).then_some(Promise {
            overdue: query.overdue,
            due_soon: query.due_soon,
            sla: &config.sla,
        }),
    }
}

/// How many rows of a list fit in what is left of today's budget at `pace`
/// per conversation; `None` when all of them do (no divider to draw).
#[must_use]
pub fn budget_line(rows: usize, pace: Duration, left: Duration) -> Option<usize> {
    if pace.is_zero() {
        return None;
    }
    let fit = (left.as_secs_f64() / pace.as_secs_f64()).floor() as usize;
    (fit < rows).then_some(fit)
}

/// The header's estimate: `≈ 28 min · 18 min left today`, the time `rows`
/// conversations take at `pace` next to the time `room` still left.
#[must_use]
pub fn estimate(rows: usize, pace: Duration, room: Duration) -> String {
    let needed = pace.saturating_mul(u32::try_from(rows).unwrap_or(u32::MAX));
    let left = if room.is_zero() {
        "budget spent today".to_owned()
    } else {
        format!("{} left today", minutes(room))
    };
    format!("≈ {} · {left}", minutes(needed))
}

/// What the budget line says: ` fits in today's 18 min `, or that the
/// budget is spent.
#[must_use]
pub fn divider_label(room: Duration) -> String {
    if room.is_zero() {
        " today's budget is spent ".to_owned()
    } else {
        format!(" fits in today's {} ", minutes(room))
    }
}

/// A span in whole minutes, as people say it: `18 min`, `2 h 5 min`.
#[must_use]
pub fn minutes(span: Duration) -> String {
    let minutes = span.as_secs().div_ceil(60);
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// The people `tag:` and `from:` allow (both: those who pass both), or
/// `None` for anyone.
fn people_filter(store: &Store, query: &Query) -> Result<Option<HashSet<i64>>> {
    let tagged = if query.tags.is_empty() {
        None
    } else {
        Some(store.people_tagged(&query.tags)?)
    };
    let named = if query.from.is_empty() {
        None
    } else {
        Some(store.people_named(&query.from)?)
    };
    Ok(match (tagged, named) {
        (Some(tagged), Some(named)) => Some(tagged.intersection(&named).copied().collect()),
        (one, other) => one.or(other),
    })
}

fn ranked(
    store: &Store,
    config: &Config,
    query: &Query,
    people: Option<&HashSet<i64>>,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Listing> {
    let candidates = store.candidates(now)?;
    let counts = count(config, &candidates, now);
    let relationships = store.relationships()?;
    // Each person's longest wait and number of waiting conversations, over
    // the whole queue (a filter does not change why a row is where it is).
    let mut waits: HashMap<i64, (DateTime<Utc>, usize)> = HashMap::new();
    for candidate in &candidates {
        if let Some(person) = candidate.person_id {
            let entry = waits.entry(person).or_insert((candidate.waiting_since, 0));
            entry.0 = entry.0.min(candidate.waiting_since);
            entry.1 += 1;
        }
    }
    let mut rows: Vec<(Candidate, Signals, priority::Score)> = candidates
        .into_iter()
        .filter(|c| query.platforms.is_empty() || query.platforms.contains(&c.platform))
        .filter(|c| people.is_none_or(|people| c.person_id.is_some_and(|p| people.contains(&p))))
        .map(|candidate| {
            let (person_waiting_since, person_waiting_in) = candidate
                .person_id
                .and_then(|person| waits.get(&person).copied())
                .unwrap_or((candidate.waiting_since, 1));
            let signals = Signals {
                platform: candidate.platform,
                waiting_since: candidate.waiting_since,
                person_waiting_since,
                person_waiting_in,
                relationship: candidate
                    .person_id
                    .and_then(|person| relationships.get(&person).copied())
                    .unwrap_or(Relationship::None),
                exchanges: candidate.exchanges,
                asked_question: candidate.asks,
                addressed: candidate.addressed,
                followers: candidate.followers,
                back_from_snooze: candidate.back_from_snooze,
            };
            let ranked = priority::rank(&signals, &config.priority, &config.sla, now);
            (candidate, signals, ranked)
        })
        .filter(|(_, _, score)| {
            (!query.overdue && !query.due_soon)
                || (query.overdue && score.sla.state == SlaState::Overdue)
                || (query.due_soon && score.sla.state == SlaState::DueSoon)
        })
        .collect();
    rows.sort_by(|(a, _, a_score), (b, _, b_score)| {
        priority::order(
            (a_score, a.waiting_since, a.conversation_id),
            (b_score, b.waiting_since, b.conversation_id),
        )
    });
    let matching = rows.len();
    rows.truncate(limit);
    let ids: Vec<i64> = rows.iter().map(|(c, ..)| c.conversation_id).collect();
    // Reasons are text: written for the rows shown only.
    let mut score_of: HashMap<i64, priority::Score> = rows
        .into_iter()
        .map(|(c, signals, mut score)| {
            priority::explain(&signals, &mut score, now);
            (c.conversation_id, score)
        })
        .collect();
    let mut items = store.items(&ids, now)?;
    for item in &mut items {
        item.score = score_of.remove(&item.conversation_id);
    }
    Ok(Listing {
        kind: ListKind::Queue,
        items,
        matching,
        more: false,
        counts: Some(counts),
    })
}

fn found(
    store: &Store,
    config: &Config,
    query: &Query,
    people: Option<&HashSet<i64>>,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Listing> {
    // The word being typed also matches the stored words it starts: an OR
    // of the likeliest ones (a prefix query would merge them all first).
    let completions = match query.typed_prefix() {
        Some(prefix) => store.terms_starting(&prefix, COMPLETIONS)?,
        None => Vec::new(),
    };
    let Some(full_text) = query.full_text(&completions) else {
        return Ok(Listing {
            kind: ListKind::Search,
            items: Vec::new(),
            matching: 0,
            more: false,
            counts: None,
        });
    };
    // Up to a window of hits, newest stored first, then in time order: all
    // of them when fewer match, so the order is exact; beyond it, the
    // newest stored (`more` says so).
    let (mut items, more) = store.search(
        &full_text,
        &filter(config, query, people),
        limit.max(SEARCH_WINDOW),
        now,
    )?;
    items.sort_by_key(|item| {
        std::cmp::Reverse(item.hit.map(|hit| (hit.created_at, hit.message_id)))
    });
    // Counted before the cut to the rows asked for: the session reads a
    // page at a time, and its title says how many match.
    let matching = items.len();
    items.truncate(limit);
    Ok(Listing {
        kind: ListKind::Search,
        matching,
        more,
        items,
        counts: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_line_falls_after_what_fits() {
        let minutes = |m: u64| Duration::from_secs(m * 60);
        assert_eq!(budget_line(14, minutes(2), minutes(18)), Some(9));
        assert_eq!(budget_line(14, minutes(2), minutes(19)), Some(9));
        assert_eq!(budget_line(9, minutes(2), minutes(18)), None, "all fit");
        assert_eq!(budget_line(3, minutes(2), Duration::ZERO), Some(0));
        assert_eq!(budget_line(0, minutes(2), Duration::ZERO), None);
        assert_eq!(budget_line(5, Duration::ZERO, minutes(1)), None);
    }

    #[test]
    fn the_estimate_reads_plainly() {
        let min = |m: u64| Duration::from_secs(m * 60);
        assert_eq!(
            estimate(14, min(2), min(18)),
            "≈ 28 min · 18 min left today"
        );
        assert_eq!(
            estimate(40, Duration::from_secs(150), Duration::from_secs(59)),
            "≈ 1 h 40 min · 1 min left today"
        );
        assert_eq!(
            estimate(30, min(2), Duration::ZERO),
            "≈ 1 h · budget spent today"
        );
        assert_eq!(estimate(0, min(2), min(5)), "≈ 0 min · 5 min left today");
    }
}
