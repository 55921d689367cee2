//! The meter: which moments of a session are active time. Pure: it is fed
//! readings (a monotonic time for how much passed, the wall time for which
//! day it belongs to) and says what to credit to which day.
//!
//! A moment counts when the session is open, not paused, not suspended, and
//! the last input was less than `idle_after` ago. Time between two readings
//! is credited only up to `MAX_CREDIT_PER_READING`: a process that was
//! stopped, a laptop lid closed, or a loop stuck on a busy store never turns
//! into an hour of work.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::day::Days;

/// The loop reads the clock at least once a second; anything much longer
/// between two readings is time the process did not see.
pub const MAX_CREDIT_PER_READING: Duration = Duration::from_secs(3);

/// One look at the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub wall: DateTime<Utc>,
    /// Since an arbitrary origin, never going back.
    pub mono: Duration,
}

impl Reading {
    #[must_use]
    pub fn new(wall: DateTime<Utc>, mono: Duration) -> Reading {
        Reading { wall, mono }
    }
}

/// Active time to add to a day. `end` is the wall time it ended at; it
/// began `span` earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credit {
    pub day: NaiveDate,
    pub end: DateTime<Utc>,
    pub span: Duration,
}

impl Credit {
    #[must_use]
    pub fn start(&self) -> DateTime<Utc> {
        self.end - self.span
    }
}

/// What the meter is doing now, for the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    Counting,
    /// No input for `idle_after`.
    Idle,
    /// The user paused the timer.
    Paused,
    /// The session is suspended (`Ctrl-Z`) or the screen is handed to `$EDITOR`.
    Away,
}

/// Why the session left the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Away {
    /// `Ctrl-Z`: nothing counts until the shell brings tend back.
    Suspended,
    /// `$EDITOR` runs: the user is writing, but tend sees only the keys that
    /// open and close it, so the time counts as it would with a key pressed
    /// at each end: at most `idle_after` after opening plus `idle_after`
    /// before closing.
    Editor,
}

#[derive(Debug, Clone)]
pub struct Meter {
    idle_after: Duration,
    /// Time up to this reading has been looked at.
    seen: Option<Duration>,
    last_input: Option<Duration>,
    paused: bool,
    /// Why and since when (monotonic) the screen is left.
    away: Option<(Away, Duration)>,
}

impl Meter {
    #[must_use]
    pub fn new(idle_after: Duration) -> Meter {
        Meter {
            idle_after,
            seen: None,
            last_input: None,
            paused: false,
            away: None,
        }
    }

    /// A reading with nothing else happening (the loop's tick).
    pub fn tick<Tz: TimeZone>(&mut self, at: Reading, days: &Days<Tz>) -> Vec<Credit> {
        self.advance(at, days)
    }

    /// A key press or mouse action. Input does not end a pause: `p` does.
    pub fn input<Tz: TimeZone>(&mut self, at: Reading, days: &Days<Tz>) -> Vec<Credit> {
        let credits = self.advance(at, days);
        self.last_input = Some(at.mono);
        credits
    }

    /// Pauses, or resumes (which counts as input).
    pub fn toggle_pause<Tz: TimeZone>(&mut self, at: Reading, days: &Days<Tz>) -> Vec<Credit> {
        let credits = self.input(at, days);
        self.paused = !self.paused;
        credits
    }

    /// The screen is left: suspended, or handed to `$EDITOR`.
    pub fn leave<Tz: TimeZone>(&mut self, at: Reading, days: &Days<Tz>, away: Away) -> Vec<Credit> {
        let credits = self.advance(at, days);
        self.away = Some((away, at.mono));
        credits
    }

    /// Back on the screen; coming back is input.
    pub fn come_back<Tz: TimeZone>(&mut self, at: Reading, days: &Days<Tz>) -> Vec<Credit> {
        let mut credits = self.advance(at, days);
        if let Some((Away::Editor, since)) = self.away.take()
            && !self.paused
        {
            let span = at
                .mono
                .saturating_sub(since)
                .min(self.idle_after.saturating_mul(2));
            credits.extend(credit(at.wall, span, days));
        }
        self.last_input = Some(at.mono);
        credits
    }

    #[must_use]
    pub fn activity(&self, mono: Duration) -> Activity {
        if self.away.is_some() {
            Activity::Away
        } else if self.paused {
            Activity::Paused
        } else if self
            .last_input
            .is_some_and(|input| mono < input + self.idle_after)
        {
            Activity::Counting
        } else {
            Activity::Idle
        }
    }

    fn advance<Tz: TimeZone>(&mut self, at: Reading, days: &Days<Tz>) -> Vec<Credit> {
        let Some(seen) = self.seen.replace(at.mono) else {
            return Vec::new();
        };
        if at.mono < seen {
            // Not monotonic after all: keep the later reading, credit nothing.
            self.seen = Some(seen);
            return Vec::new();
        }
        if self.paused || self.away.is_some() {
            return Vec::new();
        }
        let Some(input) = self.last_input else {
            return Vec::new();
        };
        let end = at.mono.min(input + self.idle_after);
        if end <= seen {
            return Vec::new();
        }
        let span = end.saturating_sub(seen).min(MAX_CREDIT_PER_READING);
        // The wall time `end` happened at: what passed after it is idle time.
        let wall_end = wall_minus(at.wall, at.mono.saturating_sub(end));
        credit(wall_end, span, days)
    }
}

/// `span` of active time ending at `end`, split at the start of a day.
/// The day is the one the wall clock says, even when it says an earlier
/// day than before (the clock was set back, or the zone moved west):
/// every session on the machine then agrees on the day of a second, so
/// overlapping sessions still count it once, and a clock set wrong for a
/// while costs only that while.
fn credit<Tz: TimeZone>(end: DateTime<Utc>, span: Duration, days: &Days<Tz>) -> Vec<Credit> {
    if span.is_zero() {
        return Vec::new();
    }
    let start = wall_minus(end, span);
    let first_day = days.day_of(start);
    let last_day = days.day_of(end);
    if first_day >= last_day {
        return vec![Credit {
            day: last_day,
            end,
            span,
        }];
    }
    let boundary = days.start_of(last_day).clamp(start, end);
    let before = (boundary - start).to_std().unwrap_or_default().min(span);
    [
        Credit {
            day: first_day,
            end: boundary,
            span: before,
        },
        Credit {
            day: last_day,
            end,
            span: span.saturating_sub(before),
        },
    ]
    .into_iter()
    .filter(|credit| !credit.span.is_zero())
    .collect()
}

fn wall_minus(wall: DateTime<Utc>, span: Duration) -> DateTime<Utc> {
    chrono::TimeDelta::from_std(span)
        .ok()
        .and_then(|delta| wall.checked_sub_signed(delta))
        .unwrap_or(wall)
}
