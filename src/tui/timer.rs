//! The session's side of the budget: the meter fed with the session's
//! readings and input, active time written to the store by a heartbeat on a
//! connection of its own, today's numbers for the status bar, and the active
//! time spent on each conversation while it was selected (the pace).
//!
//! The heartbeat's connection waits only briefly for the lock: while an
//! import holds the store, the screen stays live and the time waits in memory
//! for the next beat.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Result;

use crate::budget::{self, Activity, Away, Credit, DayBudget, Days, Meter, Reading};
use crate::clock::Zone;
use crate::config;
use crate::store::{Store, StoreError};

/// Active time is written at least this often while it counts, and whenever
/// counting stops (pause, idle, suspend, quit). A `kill -9` loses at most this.
pub const HEARTBEAT: Duration = Duration::from_secs(5);
/// How long a heartbeat waits for another process's write lock.
const HEARTBEAT_PATIENCE: Duration = Duration::from_millis(50);
/// How long the last write (quit, signal) and the user's own choices wait.
const FINAL_PATIENCE: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub struct SessionTimer {
    meter: Meter,
    days: Days<Zone>,
    config: config::Budget,
    log: Store,
    /// Registered with the first write, so that a session opens even while
    /// another process holds the store's write lock.
    session: Option<i64>,
    /// Counted but not written yet.
    pending: Vec<Credit>,
    written_at: Duration,
    /// Today, with this session's unwritten time included.
    today: DayBudget,
    activity: Activity,
    /// Active time of this session.
    session_total: Duration,
    /// Active time per conversation while it was selected.
    spent: HashMap<i64, Duration>,
    selected: Option<i64>,
    last: Reading,
}

impl SessionTimer {
    /// Starts counting: opening the session is the first input.
    pub fn start(store: &Store, config: &config::Budget, zone: Zone, at: Reading) -> Result<Self> {
        let log = Store::open(store.path())?;
        log.set_patience(HEARTBEAT_PATIENCE)?;
        let days = Days::new(zone, config.day_starts_at.0);
        let day = days.day_of(at.wall);
        let today = log.day_budget(day, day, config)?;
        let mut meter = Meter::new(Duration::from_secs(u64::from(config.idle_after_seconds.0)));
        meter.input(at, &days);
        Ok(SessionTimer {
            meter,
            days,
            config: config.clone(),
            log,
            session: None,
            pending: Vec::new(),
            written_at: at.mono,
            today,
            activity: Activity::Counting,
            session_total: Duration::ZERO,
            spent: HashMap::new(),
            selected: None,
            last: at,
        })
    }

    #[must_use]
    pub fn today(&self) -> &DayBudget {
        &self.today
    }

    #[must_use]
    pub fn activity(&self) -> Activity {
        self.activity
    }

    #[must_use]
    pub fn session_total(&self) -> Duration {
        self.session_total
    }

    /// The loop's tick.
    pub fn tick(&mut self, at: Reading) -> Result<()> {
        let credits = self.meter.tick(at, &self.days);
        self.absorb(at, &credits)
    }

    /// A key, a click, a paste.
    pub fn input(&mut self, at: Reading) -> Result<()> {
        let credits = self.meter.input(at, &self.days);
        self.absorb(at, &credits)
    }

    pub fn toggle_pause(&mut self, at: Reading) -> Result<()> {
        let credits = self.meter.toggle_pause(at, &self.days);
        self.absorb(at, &credits)
    }

    /// The screen is left for the shell (`Ctrl-Z`) or `$EDITOR`: what counted
    /// so far is written first.
    pub fn leave(&mut self, at: Reading, away: Away) -> Result<()> {
        let credits = self.meter.leave(at, &self.days, away);
        self.absorb(at, &credits)
    }

    pub fn come_back(&mut self, at: Reading) -> Result<()> {
        let credits = self.meter.come_back(at, &self.days);
        self.absorb(at, &credits)
    }

    /// The conversation time is spent on from now.
    pub fn select(&mut self, conversation: Option<i64>) {
        self.selected = conversation;
    }

    /// The active time spent on `conversation` in this session, recorded
    /// when it is answered or marked done.
    #[must_use]
    pub fn spent_on(&self, conversation: i64) -> Duration {
        self.spent.get(&conversation).copied().unwrap_or_default()
    }

    /// The conversation was answered or done: its time is recorded.
    pub fn forget(&mut self, conversation: i64) {
        self.spent.remove(&conversation);
    }

    /// "+10 min": overtime the user agreed to.
    pub fn extend(&mut self) -> Result<()> {
        self.patiently(|timer| {
            timer
                .log
                .extend_budget(timer.today.day, &timer.config, budget::EXTENSION)
        })?;
        self.today.extension += budget::EXTENSION;
        Ok(())
    }

    /// "Keep going": no more prompts today.
    pub fn keep_going(&mut self) -> Result<()> {
        self.patiently(|timer| timer.log.keep_going(timer.today.day, &timer.config))?;
        self.today.keep_going = true;
        Ok(())
    }

    /// The session ends: the last time counted is written, waiting for the
    /// lock if it must.
    pub fn finish(&mut self, at: Reading) -> Result<()> {
        let credits = self.meter.tick(at, &self.days);
        self.take(&credits);
        self.patiently(SessionTimer::write)
    }

    fn patiently(&mut self, work: impl FnOnce(&mut Self) -> Result<()>) -> Result<()> {
        self.log.set_patience(FINAL_PATIENCE)?;
        let result = work(self);
        self.log.set_patience(HEARTBEAT_PATIENCE)?;
        result
    }

    /// Counts the credits in, and writes when the heartbeat is due, counting
    /// stopped, or a new day began.
    fn absorb(&mut self, at: Reading, credits: &[Credit]) -> Result<()> {
        self.last = at;
        self.take(credits);
        let activity = self.meter.activity(at.mono);
        let stopped = self.activity == Activity::Counting && activity != Activity::Counting;
        self.activity = activity;
        let new_day = self.days.day_of(at.wall) != self.today.day
            || self.pending.iter().any(|c| c.day != self.today.day);
        let beat = at.mono.saturating_sub(self.written_at) >= HEARTBEAT;
        if new_day || stopped || (beat && !self.pending.is_empty()) {
            self.written_at = at.mono;
            match self.write() {
                Ok(()) => {}
                // Another process holds the store: the time stays pending.
                Err(err) if matches!(err.downcast_ref(), Some(StoreError::Busy { .. })) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }

    fn take(&mut self, credits: &[Credit]) {
        for credit in credits {
            self.pending.push(*credit);
            self.session_total += credit.span;
            if credit.day == self.today.day {
                self.today.used += credit.span;
            }
            if let Some(conversation) = self.selected {
                *self.spent.entry(conversation).or_default() += credit.span;
            }
        }
    }

    /// Writes what is pending and reads today back (other sessions included).
    fn write(&mut self) -> Result<()> {
        if !self.pending.is_empty() {
            let session = match self.session {
                Some(session) => session,
                None => *self
                    .session
                    .insert(self.log.begin_timer_session(self.last.wall)?),
            };
            let segments = budget::merge(&self.pending);
            self.log.record_active(session, &segments, &self.config)?;
            self.pending.clear();
        }
        let day = self.days.day_of(self.last.wall);
        self.today = self.log.day_budget(day, day, &self.config)?;
        Ok(())
    }
}
