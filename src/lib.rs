//! `tend`: a local store of the conversations a one-person brand has with the
//! people who write to it, and the tools to work through them within a daily
//! engagement budget. `ARCHITECTURE.md` is the map; `main.rs` only wires.

pub mod budget;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod import;
pub mod model;
pub mod output;
pub mod paths;
pub mod priority;
pub mod query;
pub mod queue;
pub mod sanitize;
pub mod sla;
pub mod store;
pub mod sync;
pub mod tui;

/// What unit tests across modules share.
#[cfg(test)]
pub(crate) mod testing {
    use chrono::{DateTime, Utc};

    /// An instant written in RFC 3339, for tests.
    pub fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap_or_else(|err| panic!("{text}: {err}"))
            .to_utc()
    }
}
