//! The one place time is read. Everything below `main` takes a `&dyn Clock`
//! (or instants already read from one), so time-dependent logic is tested
//! with chosen instants instead of sleeping. A clock gives three things: the
//! wall time (which day, how old a message is), a monotonic reading (how much
//! time passed: the budget counts with it, so a wall clock set back or forward
//! never makes time negative or doubled), and the local time zone.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use chrono::{
    DateTime, FixedOffset, Local, MappedLocalTime, NaiveDate, NaiveDateTime, TimeZone, Utc,
};

pub trait Clock: std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;

    /// Time since an arbitrary origin fixed for the process; never goes back.
    fn monotonic(&self) -> Duration {
        process_origin().elapsed()
    }

    /// Where "today" and the hours shown are reckoned.
    fn zone(&self) -> Zone {
        Zone::Local
    }
}

fn process_origin() -> Instant {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A wall clock stuck at one instant: tests, and the `TEND_NOW` override that
/// lets scripted runs of the binary (tests, benchmarks, screenshots) see a
/// fixed "now". Its monotonic reading still advances, so a scripted session
/// counts the seconds it really runs.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// The time zone: the system's (which follows `TZ`, daylight saving time and
/// changes made while tend runs), or a fixed offset for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Local,
    Fixed(FixedOffset),
}

impl TimeZone for Zone {
    type Offset = FixedOffset;

    fn from_offset(offset: &FixedOffset) -> Zone {
        Zone::Fixed(*offset)
    }

    fn offset_from_local_date(&self, local: &NaiveDate) -> MappedLocalTime<FixedOffset> {
        match self {
            Zone::Local => Local.offset_from_local_date(local),
            Zone::Fixed(offset) => offset.offset_from_local_date(local),
        }
    }

    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> MappedLocalTime<FixedOffset> {
        match self {
            Zone::Local => Local.offset_from_local_datetime(local),
            Zone::Fixed(offset) => offset.offset_from_local_datetime(local),
        }
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> FixedOffset {
        match self {
            Zone::Local => Local.offset_from_utc_date(utc),
            Zone::Fixed(offset) => offset.offset_from_utc_date(utc),
        }
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> FixedOffset {
        match self {
            Zone::Local => Local.offset_from_utc_datetime(utc),
            Zone::Fixed(offset) => offset.offset_from_utc_datetime(utc),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_wall_clock_still_measures_elapsed_time() {
        let clock = FixedClock(Utc::now());
        let first = clock.monotonic();
        std::thread::sleep(Duration::from_millis(5));
        assert!(clock.monotonic() >= first + Duration::from_millis(5));
        assert_eq!(clock.now(), clock.0);
    }

    #[test]
    fn a_fixed_zone_converts_like_its_offset() {
        let offset = FixedOffset::east_opt(-5 * 3600).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap();
        assert_eq!(
            at.with_timezone(&Zone::Fixed(offset)).naive_local(),
            at.with_timezone(&offset).naive_local()
        );
    }
}
