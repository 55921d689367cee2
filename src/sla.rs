//! The response-time promise: when a waiting conversation is due, and whether
//! it is on time, due soon (the last quarter of the window) or overdue. Pure
//! arithmetic on instants handed in by the caller.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    OnTime,
    DueSoon,
    Overdue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assessment {
    pub due_at: DateTime<Utc>,
    pub state: SlaState,
}

/// Where a conversation waiting since `waiting_since` stands at `now` under a
/// promise of `hours`.
#[must_use]
pub fn assess(waiting_since: DateTime<Utc>, hours: u32, now: DateTime<Utc>) -> Assessment {
    let window = Duration::hours(i64::from(hours));
    let due_at = waiting_since + window;
    let state = if now >= due_at {
        SlaState::Overdue
    } else if now >= due_at - window / 4 {
        SlaState::DueSoon
    } else {
        SlaState::OnTime
    };
    Assessment { due_at, state }
}

/// A span as people say it in a queue: `45m`, `5h`, `3d`, `2y`.
#[must_use]
pub fn short_span(span: Duration) -> String {
    let minutes = span.num_minutes().max(0);
    let days = minutes / (24 * 60);
    if minutes < 60 {
        format!("{minutes}m")
    } else if minutes < 24 * 60 {
        format!("{}h", minutes / 60)
    } else if days < 365 {
        format!("{days}d")
    } else {
        format!("{}y", days / 365)
    }
}

/// The short reason a row stands out, if it does (`overdue 3h`, `due in 2h`).
#[must_use]
pub fn reason(assessment: Assessment, now: DateTime<Utc>) -> Option<String> {
    match assessment.state {
        SlaState::Overdue => Some(format!("overdue {}", short_span(now - assessment.due_at))),
        SlaState::DueSoon => Some(format!("due in {}", short_span(assessment.due_at - now))),
        SlaState::OnTime => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::at;

    #[test]
    fn states_change_exactly_at_the_boundaries() {
        let since = at("2026-11-20T08:00:00Z");
        let state = |now| assess(since, 24, at(now)).state;
        assert_eq!(state("2026-11-20T08:00:00Z"), SlaState::OnTime);
        assert_eq!(state("2026-11-21T01:59:59Z"), SlaState::OnTime);
        assert_eq!(state("2026-11-21T02:00:00Z"), SlaState::DueSoon);
        assert_eq!(state("2026-11-21T07:59:59Z"), SlaState::DueSoon);
        assert_eq!(state("2026-11-21T08:00:00Z"), SlaState::Overdue);
        assert_eq!(
            assess(since, 72, at("2026-11-22T08:00:00Z")).state,
            SlaState::OnTime
        );
        assert_eq!(assess(since, 24, since).due_at, at("2026-11-21T08:00:00Z"));
    }

    #[test]
    fn reasons_and_spans_read_naturally() {
        let since = at("2026-11-20T08:00:00Z");
        let now = at("2026-11-21T11:30:00Z");
        assert_eq!(
            reason(assess(since, 24, now), now).as_deref(),
            Some("overdue 3h")
        );
        let soon = at("2026-11-21T06:15:00Z");
        assert_eq!(
            reason(assess(since, 24, soon), soon).as_deref(),
            Some("due in 1h")
        );
        assert_eq!(reason(assess(since, 48, now), now), None);
        assert_eq!(short_span(Duration::minutes(59)), "59m");
        assert_eq!(short_span(Duration::hours(49)), "2d");
        assert_eq!(short_span(Duration::days(364)), "364d");
        assert_eq!(short_span(Duration::days(1095)), "3y");
        assert_eq!(short_span(Duration::minutes(-5)), "0m");
    }
}
