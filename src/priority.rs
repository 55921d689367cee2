//! The queue's order: one explainable score per waiting conversation, the
//! sum of named factors, each a signal (0 to 1, the promise up to 2) times
//! its weight from `[priority]`. The same numbers make the "why" line, so
//! what the user reads is what ordered the queue. Pure: signals and the
//! time are handed in.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::{self, Weights};
use crate::model::{Kind, Platform};
use crate::sla::{self, Assessment, SlaState};

/// Past exchanges beyond this add nothing: twenty conversations is a
/// relationship already.
const DEPTH_SATURATES_AT: f64 = 20.0;
/// A person waiting this long (across all their conversations) gets the
/// whole "waited" weight.
const WAIT_SATURATES_HOURS: f64 = 72.0;
/// Followers: a million gets the whole (small) reach weight.
const REACH_SATURATES_DIGITS: f64 = 6.0;

/// The relationship tags that order the queue, strongest last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    None,
    Advocate,
    Lead,
    Vip,
    Customer,
}

impl Relationship {
    /// The relationships a tag names.
    pub const TAGGED: [Relationship; 4] = [
        Relationship::Customer,
        Relationship::Vip,
        Relationship::Lead,
        Relationship::Advocate,
    ];

    #[must_use]
    pub fn of_tag(tag: &str) -> Relationship {
        Relationship::TAGGED
            .into_iter()
            .find(|relationship| relationship.label() == Some(tag))
            .unwrap_or(Relationship::None)
    }

    fn signal(self) -> f64 {
        match self {
            Relationship::Customer => 1.0,
            Relationship::Vip => 0.8,
            Relationship::Lead => 0.6,
            Relationship::Advocate => 0.4,
            Relationship::None => 0.0,
        }
    }

    /// The tag that names it.
    #[must_use]
    pub fn label(self) -> Option<&'static str> {
        match self {
            Relationship::Customer => Some("customer"),
            Relationship::Vip => Some("vip"),
            Relationship::Lead => Some("lead"),
            Relationship::Advocate => Some("advocate"),
            Relationship::None => None,
        }
    }
}

/// Whether the waiting messages were written to the user, strongest last:
/// a passing mention, a reply to them, a direct message or email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Addressed {
    Mention,
    Reply,
    Direct,
}

impl Addressed {
    #[must_use]
    pub fn of_kind(kind: Kind) -> Addressed {
        match kind {
            Kind::Dm | Kind::Email => Addressed::Direct,
            Kind::Reply | Kind::Comment => Addressed::Reply,
            Kind::Mention | Kind::Quote | Kind::Other => Addressed::Mention,
        }
    }

    /// As stored in `conversations.waiting_addressed`.
    #[must_use]
    pub fn from_level(level: i64) -> Addressed {
        match level {
            2.. => Addressed::Direct,
            1 => Addressed::Reply,
            _ => Addressed::Mention,
        }
    }

    #[must_use]
    pub fn level(self) -> i64 {
        self as i64
    }

    fn signal(self) -> f64 {
        match self {
            Addressed::Direct => 1.0,
            Addressed::Reply => 0.6,
            Addressed::Mention => 0.0,
        }
    }
}

/// What is known about one waiting conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Signals {
    pub platform: Platform,
    pub waiting_since: DateTime<Utc>,
    /// The oldest wait of this person across all their waiting
    /// conversations (this one's own without a known person).
    pub person_waiting_since: DateTime<Utc>,
    /// How many conversations this person waits in (1 without a person).
    pub person_waiting_in: usize,
    pub relationship: Relationship,
    /// The person's conversations the user has answered in, on any platform.
    pub exchanges: u32,
    pub asked_question: bool,
    pub addressed: Addressed,
    pub followers: Option<u64>,
    pub back_from_snooze: bool,
}

/// Each factor's points: its signal times its weight.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Factors {
    pub sla: f64,
    pub relationship: f64,
    pub depth: f64,
    pub question: f64,
    pub direct: f64,
    pub waited: f64,
    pub reach: f64,
    pub snoozed: f64,
}

impl Factors {
    /// Each to a hundredth of a point: what `--json` shows adds up to the score.
    fn rounded(self) -> Factors {
        let round = |points: f64| (points * 100.0).round() / 100.0;
        Factors {
            sla: round(self.sla),
            relationship: round(self.relationship),
            depth: round(self.depth),
            question: round(self.question),
            direct: round(self.direct),
            waited: round(self.waited),
            reach: round(self.reach),
            snoozed: round(self.snoozed),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// The sum of the factors, to a hundredth of a point (so equal is equal
    /// and the factors `--json` shows add up to it).
    pub total: f64,
    pub factors: Factors,
    pub sla: Assessment,
    /// Short reasons, in factor order, for the factors that counted.
    pub why: Vec<String>,
}

/// Scores one conversation at `now`, with the why line.
#[must_use]
pub fn score(
    signals: &Signals,
    weights: &Weights,
    promise: &config::Sla,
    now: DateTime<Utc>,
) -> Score {
    let mut score = rank(signals, weights, promise, now);
    explain(signals, &mut score, now);
    score
}

/// Fills in the why line of a score `rank` made: done only for the rows a
/// list shows, as the reasons are text.
pub fn explain(signals: &Signals, score: &mut Score, now: DateTime<Utc>) {
    let person_wait = hours(now - signals.person_waiting_since);
    score.why = why(signals, &score.factors, score.sla, person_wait, now);
}

/// The score without its why line: what ordering ten thousand rows needs.
#[must_use]
pub fn rank(
    signals: &Signals,
    weights: &Weights,
    promise: &config::Sla,
    now: DateTime<Utc>,
) -> Score {
    let assessment = promise.assess(signals.platform, signals.waiting_since, now);
    let person_wait = hours(now - signals.person_waiting_since);
    let factors = Factors {
        sla: weight(weights.sla) * sla_signal(signals.waiting_since, assessment, now),
        relationship: weight(weights.relationship) * signals.relationship.signal(),
        depth: weight(weights.depth) * depth_signal(signals.exchanges),
        question: weight(weights.question) * f64::from(u8::from(signals.asked_question)),
        direct: weight(weights.direct) * signals.addressed.signal(),
        waited: weight(weights.waited) * (person_wait / WAIT_SATURATES_HOURS).clamp(0.0, 1.0),
        reach: weight(weights.reach) * reach_signal(signals.followers),
        snoozed: weight(weights.snoozed) * f64::from(u8::from(signals.back_from_snooze)),
    };
    let factors = factors.rounded();
    let sum = factors.sla
        + factors.relationship
        + factors.depth
        + factors.question
        + factors.direct
        + factors.waited
        + factors.reach
        + factors.snoozed;
    Score {
        total: (sum * 100.0).round() / 100.0,
        factors,
        sla: assessment,
        why: Vec::new(),
    }
}

/// Queue order: higher score first; equal scores, the longer wait first,
/// then the older conversation, so the order never depends on chance.
#[must_use]
pub fn order(a: (&Score, DateTime<Utc>, i64), b: (&Score, DateTime<Utc>, i64)) -> Ordering {
    b.0.total
        .total_cmp(&a.0.total)
        .then(a.1.cmp(&b.1))
        .then(a.2.cmp(&b.2))
}

fn weight(value: config::Weight) -> f64 {
    f64::from(value.0)
}

fn hours(span: chrono::Duration) -> f64 {
    span.num_seconds().max(0) as f64 / 3600.0
}

/// The promise rises through its window: up to 0.375 while on time, 0.5 to 1
/// when due soon, 1 to 2 as it goes from due to a whole window overdue.
fn sla_signal(waiting_since: DateTime<Utc>, assessment: Assessment, now: DateTime<Utc>) -> f64 {
    let window = hours(assessment.due_at - waiting_since).max(f64::EPSILON);
    let elapsed = hours(now - waiting_since) / window;
    match assessment.state {
        SlaState::OnTime => 0.5 * elapsed.clamp(0.0, 0.75),
        SlaState::DueSoon => 0.5 + 2.0 * (elapsed - 0.75).clamp(0.0, 0.25),
        SlaState::Overdue => 1.0 + (elapsed - 1.0).clamp(0.0, 1.0),
    }
}

fn depth_signal(exchanges: u32) -> f64 {
    ((1.0 + f64::from(exchanges)).ln() / (1.0 + DEPTH_SATURATES_AT).ln()).min(1.0)
}

fn reach_signal(followers: Option<u64>) -> f64 {
    followers.map_or(0.0, |count| {
        ((1.0 + count as f64).log10() / REACH_SATURATES_DIGITS).min(1.0)
    })
}

/// The reasons, in the order of the design's example: `overdue 3h ·
/// customer · 4 past exchanges · asked a question`. A factor whose weight
/// is zero says nothing: it did not place the row.
fn why(
    signals: &Signals,
    factors: &Factors,
    assessment: Assessment,
    person_wait: f64,
    now: DateTime<Utc>,
) -> Vec<String> {
    let mut why = Vec::new();
    if factors.sla > 0.0
        && let Some(reason) = sla::reason(assessment, now)
    {
        why.push(reason);
    }
    if factors.relationship > 0.0
        && let Some(label) = signals.relationship.label()
    {
        why.push(label.to_owned());
    }
    if factors.depth > 0.0 {
        why.push(match signals.exchanges {
            1 => "1 past exchange".to_owned(),
            n => format!("{n} past exchanges"),
        });
    }
    if factors.question > 0.0 {
        why.push("asked a question".to_owned());
    }
    if factors.direct > 0.0 {
        why.push(
            match signals.addressed {
                Addressed::Direct => "direct message",
                Addressed::Reply | Addressed::Mention => "replied to you",
            }
            .to_owned(),
        );
    }
    // The person's wait says something the row's own age does not only when
    // they wait elsewhere too.
    if factors.waited > 0.0 && signals.person_waiting_in > 1 {
        let span = sla::short_span(chrono::Duration::seconds((person_wait * 3600.0) as i64));
        why.push(format!(
            "waiting {span} in {} conversations",
            signals.person_waiting_in
        ));
    }
    if factors.reach > 0.0
        && let Some(followers) = signals.followers.filter(|&n| n >= 1000)
    {
        why.push(format!("{} followers", short_count(followers)));
    }
    if factors.snoozed > 0.0 {
        why.push("back from snooze".to_owned());
    }
    why
}

/// `12k`, `3.4M`: a count as people say it.
fn short_count(count: u64) -> String {
    match count {
        0..1_000 => count.to_string(),
        1_000..10_000 => format!("{:.1}k", count as f64 / 1e3),
        10_000..1_000_000 => format!("{}k", count / 1_000),
        _ => format!("{:.1}M", count as f64 / 1e6),
    }
}

/// Whether a message asks something: a question mark that ends a word (not
/// one inside a link's query string, `?q=1`), outside quoted lines (`> …` in email
/// replies quote the user's own words), or an opening `¿`.
#[must_use]
pub fn asks_question(text: &str) -> bool {
    // Most messages have no question mark at all: one fast scan says so.
    if !text.contains(['?', '？', '؟', '¿']) {
        return false;
    }
    text.lines()
        .filter(|line| !line.trim_start().starts_with('>'))
        .flat_map(str::split_whitespace)
        .any(|word| {
            if word.contains('¿') {
                return true;
            }
            let mut chars = word.char_indices().peekable();
            while let Some((_, c)) = chars.next() {
                if matches!(c, '?' | '？' | '؟') {
                    let ends_word = chars.peek().is_none_or(|&(_, next)| {
                        matches!(
                            next,
                            '?' | '？'
                                | '!'
                                | '.'
                                | ','
                                | ')'
                                | ']'
                                | '"'
                                | '\''
                                | '»'
                                | '”'
                                | '’'
                                | '…'
                                | ':'
                                | ';'
                        )
                    });
                    if ends_word {
                        return true;
                    }
                }
            }
            false
        })
}

#[cfg(test)]
mod tests;
