//! The one place the wall clock is read. Everything below `main` takes a
//! `&dyn Clock` (or a `DateTime` already read from one), so time-dependent
//! logic is tested with fixed instants instead of sleeping.

use chrono::{DateTime, Utc};

pub trait Clock: std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stuck at one instant: tests, and the `TEND_NOW` override that lets
/// scripted runs of the binary (tests, benchmarks, screenshots) see a fixed "now".
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}
