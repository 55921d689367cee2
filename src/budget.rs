//! The engagement budget, as pure logic: how much time a day gets (config,
//! per-weekday overrides, `tend budget set` from a day on), which moments
//! count (`meter`), which day a moment belongs to (`day`), how overlapping
//! sessions count a second once (`uncovered`), and the user's pace. The store
//! keeps what this module computes; the session and `tend budget` show it.

pub mod day;
pub mod meter;
#[cfg(test)]
mod tests;

use std::time::Duration;

use chrono::{Datelike, NaiveDate, Weekday};

pub use day::Days;
pub use meter::{Activity, Away, Credit, Meter, Reading};

use crate::config;

/// A day's budget may be extended by this when it is spent ("+10 min").
pub const EXTENSION: Duration = Duration::from_secs(10 * 60);
/// The pace assumed until the user has answered something: two minutes.
pub const DEFAULT_PACE: Duration = Duration::from_secs(120);
/// How far back the pace looks.
pub const PACE_DAYS: i64 = 30;
/// `tend budget set` takes whole minutes in this range.
pub const SET_RANGE_MINUTES: std::ops::RangeInclusive<i64> = 1..=1440;

/// A `tend budget set`: from `from` on, `seconds` a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    pub from: NaiveDate,
    pub seconds: i64,
}

/// The budget of `day`, in seconds. A value set on that very day wins (the
/// user just said what today gets); then a `[budget.weekdays]` override for
/// its weekday; then the latest value set before it; then `[budget] minutes`.
#[must_use]
pub fn budget_for(day: NaiveDate, config: &config::Budget, settings: &[Setting]) -> i64 {
    if let Some(set_that_day) = settings.iter().find(|s| s.from == day) {
        return set_that_day.seconds;
    }
    if let Some(minutes) = weekday_override(&config.weekdays, day.weekday()) {
        return i64::from(minutes) * 60;
    }
    settings
        .iter()
        .filter(|s| s.from < day)
        .max_by_key(|s| s.from)
        .map_or(i64::from(config.minutes.0) * 60, |s| s.seconds)
}

fn weekday_override(weekdays: &config::Weekdays, weekday: Weekday) -> Option<u32> {
    let minutes = match weekday {
        Weekday::Mon => weekdays.mon,
        Weekday::Tue => weekdays.tue,
        Weekday::Wed => weekdays.wed,
        Weekday::Thu => weekdays.thu,
        Weekday::Fri => weekdays.fri,
        Weekday::Sat => weekdays.sat,
        Weekday::Sun => weekdays.sun,
    };
    minutes.map(|m| m.0)
}

/// The weekdays `[budget.weekdays]` decides, by their config names.
#[must_use]
pub fn overridden_weekdays(weekdays: &config::Weekdays) -> Vec<&'static str> {
    [
        (Weekday::Mon, "mon"),
        (Weekday::Tue, "tue"),
        (Weekday::Wed, "wed"),
        (Weekday::Thu, "thu"),
        (Weekday::Fri, "fri"),
        (Weekday::Sat, "sat"),
        (Weekday::Sun, "sun"),
    ]
    .into_iter()
    .filter(|(day, _)| weekday_override(weekdays, *day).is_some())
    .map(|(_, name)| name)
    .collect()
}

/// One day of the budget: what it was, what was used, what the user chose
/// when it ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayBudget {
    pub day: NaiveDate,
    pub budget: Duration,
    pub used: Duration,
    /// "+10 min" chosen this many times' worth: overtime, but expected.
    pub extension: Duration,
    /// "keep going" chosen: no more prompts that day.
    pub keep_going: bool,
}

impl DayBudget {
    /// What is left, in whole seconds: shown next to the time used, the two
    /// add up to the budget.
    #[must_use]
    pub fn left(&self) -> Duration {
        self.budget.saturating_sub(self.whole_seconds_used())
    }

    #[must_use]
    pub fn overtime(&self) -> Duration {
        self.whole_seconds_used().saturating_sub(self.budget)
    }

    /// What is left of the "+10 min" agreed to, while some is.
    #[must_use]
    pub fn extension_left(&self) -> Option<Duration> {
        let extended = self.budget + self.extension;
        (self.spent() && self.used < extended)
            .then(|| extended.saturating_sub(self.whole_seconds_used()))
    }

    /// Time still to spend today: what is left of the budget, or of the
    /// "+10 min" agreed to once it is spent.
    #[must_use]
    pub fn room(&self) -> Duration {
        self.extension_left().unwrap_or_else(|| self.left())
    }

    fn whole_seconds_used(&self) -> Duration {
        Duration::from_secs(self.used.as_secs())
    }

    #[must_use]
    pub fn spent(&self) -> bool {
        self.used >= self.budget
    }

    /// Whether the budget-spent prompt is due: spent, past any extension,
    /// and the user has not chosen to keep going.
    #[must_use]
    pub fn prompt_due(&self) -> bool {
        !self.keep_going && self.used >= self.budget + self.extension
    }
}

/// The user's pace: the median active time spent per answered or done
/// conversation (`samples`, any order), or two minutes with no history.
#[must_use]
pub fn pace(samples: &mut [Duration]) -> Duration {
    if samples.is_empty() {
        return DEFAULT_PACE;
    }
    samples.sort_unstable();
    let middle = samples.len() / 2;
    if samples.len() % 2 == 1 {
        samples[middle]
    } else {
        (samples[middle - 1] + samples[middle]) / 2
    }
}

/// Credits in the order measured, with runs that follow one another on the
/// same day joined: what a heartbeat writes as segments.
#[must_use]
pub fn merge(credits: &[Credit]) -> Vec<Credit> {
    let mut merged: Vec<Credit> = Vec::new();
    for credit in credits {
        if let Some(last) = merged.last_mut()
            && last.day == credit.day
            && (credit.start() - last.end).abs()
                <= chrono::TimeDelta::from_std(meter::MAX_CREDIT_PER_READING).unwrap_or_default()
            && credit.end >= last.end
        {
            last.end = credit.end;
            last.span += credit.span;
        } else {
            merged.push(*credit);
        }
    }
    merged
}

/// How much of `span` (start, end) no span in `others` covers: the part of a
/// session's time no other session has counted yet. Units are the caller's.
#[must_use]
pub fn uncovered(span: (i64, i64), others: &[(i64, i64)]) -> i64 {
    let (start, end) = span;
    let mut covering: Vec<(i64, i64)> = others
        .iter()
        .map(|&(a, b)| (a.max(start), b.min(end)))
        .filter(|(a, b)| a < b)
        .collect();
    covering.sort_unstable();
    let mut covered = 0;
    let mut reach = start;
    for (a, b) in covering {
        let from = a.max(reach);
        if b > from {
            covered += b - from;
            reach = b;
        }
    }
    (end - start).max(0) - covered
}

/// A budget as typed after `tend budget set`: `45m`, `1h30m`, `2h`, or a bare
/// number of minutes. The error says what is accepted.
pub fn parse_amount(text: &str) -> Result<i64, String> {
    let trimmed = text.trim();
    let minutes = if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        trimmed.parse::<i64>().ok()
    } else {
        crate::model::parse_span(trimmed).map(|span| span.num_minutes())
    };
    let quoted = crate::sanitize::quote(text);
    if trimmed.starts_with('-') {
        return Err(format!(
            "\"{quoted}\" is negative: a budget is from 1 minute to 24 hours"
        ));
    }
    match minutes {
        Some(minutes) if SET_RANGE_MINUTES.contains(&minutes) => Ok(minutes * 60),
        Some(_) => Err(format!(
            "\"{quoted}\" is out of range: a budget is from 1 minute to 24 hours \
             (a day off is `sun = 0` in [budget.weekdays])"
        )),
        None => Err(format!(
            "\"{quoted}\" is not an amount of time: expected minutes or hours, e.g. 45m, 1h30m or 20"
        )),
    }
}

/// A span as the status bar and `tend budget` show it: `mm:ss`, `h:mm:ss`
/// from an hour up.
#[must_use]
pub fn clock(span: Duration) -> String {
    let seconds = span.as_secs();
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes:02}:{seconds:02}")
    }
}
