//! Budget days: a local calendar day that starts at `day_starts_at` (04:00 by
//! default), so a session past midnight counts for the evening it began in.
//! Each day starts at one instant, so every second belongs to exactly one day
//! and days only move forward, also on daylight-saving days (23 or 25 hours
//! long) and when the start time falls in a skipped or repeated hour.

use chrono::{DateTime, MappedLocalTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Timelike, Utc};

/// How instants map to budget days in one time zone.
#[derive(Debug, Clone)]
pub struct Days<Tz: TimeZone> {
    zone: Tz,
    starts_at: NaiveTime,
}

impl<Tz: TimeZone> Days<Tz> {
    pub fn new(zone: Tz, starts_at: NaiveTime) -> Days<Tz> {
        Days { zone, starts_at }
    }

    /// The first instant of `day`: the earliest moment the local clock shows
    /// `starts_at` or later on that date. When that local time is skipped
    /// (clocks spring forward over it), the day starts when the clock jumps;
    /// when it happens twice (clocks fall back), at the first.
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let local = day.and_time(self.starts_at);
        let mut probe = local;
        // A gap lasts an hour in most zones and never more than a day.
        for _ in 0..=(26 * 60) {
            match self.zone.from_local_datetime(&probe) {
                MappedLocalTime::Single(at) => return at.with_timezone(&Utc),
                MappedLocalTime::Ambiguous(first, second) => {
                    return first.min(second).with_timezone(&Utc);
                }
                MappedLocalTime::None => {}
            }
            let Some(next) = probe.checked_add_signed(TimeDelta::minutes(1)) else {
                break;
            };
            probe = next;
        }
        local.and_utc()
    }

    /// The budget day `at` belongs to.
    pub fn day_of(&self, at: DateTime<Utc>) -> NaiveDate {
        let local = at.with_timezone(&self.zone).naive_local();
        let into_day = TimeDelta::seconds(i64::from(self.starts_at.num_seconds_from_midnight()));
        let guess = local
            .checked_sub_signed(into_day)
            .map_or(local.date(), |shifted| shifted.date());
        if let Some(next) = guess.succ_opt()
            && self.start_of(next) <= at
        {
            return next;
        }
        if self.start_of(guess) <= at {
            guess
        } else {
            guess.pred_opt().unwrap_or(guess)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::at as utc;
    use chrono_tz::Europe::Berlin;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn days(hh: u32, mm: u32) -> Days<chrono_tz::Tz> {
        Days::new(Berlin, NaiveTime::from_hms_opt(hh, mm, 0).unwrap())
    }

    #[test]
    fn a_night_after_midnight_belongs_to_the_evening_before() {
        let days = days(4, 0);
        assert_eq!(days.day_of(utc("2026-11-22T22:59:59Z")), date("2026-11-22"));
        // 01:30 local on the 23rd is still the 22nd's evening.
        assert_eq!(days.day_of(utc("2026-11-23T00:30:00Z")), date("2026-11-22"));
        assert_eq!(days.day_of(utc("2026-11-23T02:59:59Z")), date("2026-11-22"));
        assert_eq!(days.day_of(utc("2026-11-23T03:00:00Z")), date("2026-11-23"));
        assert_eq!(
            days.start_of(date("2026-11-23")),
            utc("2026-11-23T03:00:00Z")
        );
    }

    #[test]
    fn daylight_saving_days_are_23_and_25_hours_long() {
        let days = days(4, 0);
        // Berlin springs forward at 02:00 on 2026-03-29 and falls back at
        // 03:00 on 2026-10-25: before 04:00, so in the budget day before.
        let spring = days.start_of(date("2026-03-29")) - days.start_of(date("2026-03-28"));
        assert_eq!(spring, TimeDelta::hours(23));
        let autumn = days.start_of(date("2026-10-25")) - days.start_of(date("2026-10-24"));
        assert_eq!(autumn, TimeDelta::hours(25));
    }

    #[test]
    fn a_start_in_the_skipped_hour_begins_when_the_clock_jumps() {
        // 02:30 does not exist in Berlin on 2026-03-29: clocks go 02:00 → 03:00 (01:00 UTC).
        let days = days(2, 30);
        assert_eq!(
            days.start_of(date("2026-03-29")),
            utc("2026-03-29T01:00:00Z")
        );
        assert_eq!(days.day_of(utc("2026-03-29T00:59:59Z")), date("2026-03-28"));
        assert_eq!(days.day_of(utc("2026-03-29T01:00:00Z")), date("2026-03-29"));
    }

    #[test]
    fn a_start_in_the_repeated_hour_is_its_first_time_and_the_day_never_goes_back() {
        // 02:30 happens twice in Berlin on 2026-10-25 (00:30 and 01:30 UTC).
        let days = days(2, 30);
        assert_eq!(
            days.start_of(date("2026-10-25")),
            utc("2026-10-25T00:30:00Z")
        );
        // After the clocks fall back, local 02:10 reads earlier than the start
        // again, but the instant is later: still the new day.
        assert_eq!(days.day_of(utc("2026-10-25T01:10:00Z")), date("2026-10-25"));
        assert_eq!(days.day_of(utc("2026-10-25T00:29:59Z")), date("2026-10-24"));
    }

    #[test]
    fn day_of_never_decreases_over_a_year_of_minutes_in_a_dst_zone() {
        let days = days(2, 30);
        let mut at = utc("2026-01-01T00:00:00Z");
        let mut last = days.day_of(at);
        while at < utc("2027-01-01T00:00:00Z") {
            at += TimeDelta::minutes(7);
            let day = days.day_of(at);
            assert!(day >= last, "{at}: {day} after {last}");
            assert!(days.start_of(day) <= at && at < days.start_of(day.succ_opt().unwrap()));
            last = day;
        }
    }
}
