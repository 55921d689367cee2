//! The budget's records: active time written in segments by each session's
//! heartbeat (each second counted once across sessions), each used day's
//! budget as it was, `tend budget set` values from a day on, the choices made
//! when a day's budget ran out, and the active time spent per answered
//! conversation, from which the pace comes.

use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::Store;
use crate::budget::{self, Credit, DayBudget, Setting};
use crate::config;
use crate::model::to_micros;

fn settings(conn: &Connection) -> Result<Vec<Setting>> {
    let mut statement = conn
        .prepare_cached("SELECT from_day, budget_seconds FROM budget_settings ORDER BY from_day")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
    })?;
    let mut settings = Vec::new();
    for row in rows {
        let (from, seconds) = row?;
        // A row that does not parse was not written by tend; it sets nothing.
        if let Ok(from) = from.parse() {
            settings.push(Setting { from, seconds });
        }
    }
    Ok(settings)
}

/// Keeps `day`'s budget as it is now (from `config` and the settings in the
/// store): the day's record once it is past. Every `budget_days` row starts here.
fn record_day_budget(tx: &Transaction<'_>, day: NaiveDate, config: &config::Budget) -> Result<()> {
    let seconds = budget::budget_for(day, config, &settings(tx)?);
    tx.execute(
        "INSERT INTO budget_days (day, budget_seconds) VALUES (?1, ?2)
         ON CONFLICT (day) DO UPDATE SET budget_seconds = excluded.budget_seconds",
        params![day.to_string(), seconds],
    )?;
    Ok(())
}

impl Store {
    /// How long a write waits for the lock. A session's timer writes on its
    /// own connection with little patience, so a long import never freezes
    /// the screen: the heartbeat keeps its time and tries again.
    pub fn set_patience(&self, patience: Duration) -> Result<()> {
        self.conn.busy_timeout(patience)?;
        Ok(())
    }

    /// Registers a running session; its segments carry the id.
    pub fn begin_timer_session(&mut self, now: DateTime<Utc>) -> Result<i64> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO timer_sessions (started_at, pid) VALUES (?1, ?2)",
            params![to_micros(now), std::process::id()],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Writes active time measured by `session`, in one transaction. Time
    /// another session already counted over the same wall-clock span is not
    /// counted again. Each day credited keeps its budget as it is now, from
    /// `config` and the settings read in the same transaction (so a
    /// `tend budget set` in another terminal is never written over).
    pub fn record_active(
        &mut self,
        session: i64,
        credits: &[Credit],
        config: &config::Budget,
    ) -> Result<()> {
        let tx = self.write()?;
        for credit in credits {
            let day = credit.day.to_string();
            let end = to_micros(credit.end);
            let measured_ms = i64::try_from(credit.span.as_millis()).unwrap_or(i64::MAX);
            let start = end.saturating_sub(measured_ms.saturating_mul(1000));
            let mut others = tx.prepare_cached(
                "SELECT ended_at - measured_ms * 1000, ended_at FROM timer_segments
                 WHERE day = ?1 AND session_id != ?2 AND ended_at > ?3",
            )?;
            let spans = others
                .query_map(params![day, session, start], |row| {
                    Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let active_ms = budget::uncovered((start, end), &spans) / 1000;
            tx.execute(
                "INSERT INTO timer_segments (session_id, day, ended_at, measured_ms, active_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    session,
                    day,
                    end,
                    measured_ms,
                    active_ms.clamp(0, measured_ms)
                ],
            )?;
        }
        let mut days: Vec<NaiveDate> = credits.iter().map(|c| c.day).collect();
        days.dedup();
        for day in days {
            record_day_budget(&tx, day, config)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Active time counted on `day`, by every session.
    pub fn used_on(&self, day: NaiveDate) -> Result<Duration> {
        let ms: i64 = self.conn.query_row(
            "SELECT coalesce(sum(active_ms), 0) FROM timer_segments WHERE day = ?1",
            [day.to_string()],
            |row| row.get(0),
        )?;
        Ok(Duration::from_millis(ms.max(0) as u64))
    }

    /// Every `tend budget set`, oldest first.
    pub fn budget_settings(&self) -> Result<Vec<Setting>> {
        settings(&self.conn)
    }

    /// The budget from `from` on (`tend budget set`); `from` is today, whose
    /// record changes with it.
    pub fn set_budget(
        &mut self,
        from: NaiveDate,
        seconds: i64,
        config: &config::Budget,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO budget_settings (from_day, budget_seconds, set_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (from_day) DO UPDATE SET budget_seconds = excluded.budget_seconds, set_at = excluded.set_at",
            params![from.to_string(), seconds, to_micros(now)],
        )?;
        record_day_budget(&tx, from, config)?;
        tx.commit()?;
        Ok(())
    }

    /// "+10 min" when the budget is spent: recorded as agreed overtime.
    pub fn extend_budget(
        &mut self,
        day: NaiveDate,
        config: &config::Budget,
        by: Duration,
    ) -> Result<()> {
        let tx = self.write()?;
        record_day_budget(&tx, day, config)?;
        tx.execute(
            "UPDATE budget_days SET extension_seconds = extension_seconds + ?2 WHERE day = ?1",
            params![
                day.to_string(),
                i64::try_from(by.as_secs()).unwrap_or(i64::MAX)
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// "Keep going" when the budget is spent: no more prompts that day.
    pub fn keep_going(&mut self, day: NaiveDate, config: &config::Budget) -> Result<()> {
        let tx = self.write()?;
        record_day_budget(&tx, day, config)?;
        tx.execute(
            "UPDATE budget_days SET keep_going = 1 WHERE day = ?1",
            [day.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// One day of the budget. A past day keeps the budget recorded when it was
    /// used; today (and a day never used) follows the settings and config.
    pub fn day_budget(
        &self,
        day: NaiveDate,
        today: NaiveDate,
        config: &config::Budget,
    ) -> Result<DayBudget> {
        let record: Option<(i64, i64, bool)> = self
            .conn
            .query_row(
                "SELECT budget_seconds, extension_seconds, keep_going FROM budget_days WHERE day = ?1",
                [day.to_string()],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let budget_seconds = match record {
            Some((recorded, _, _)) if day < today => recorded,
            _ => budget::budget_for(day, config, &self.budget_settings()?),
        };
        let (extension, keep_going) = record.map_or((0, false), |(_, ext, keep)| (ext, keep));
        Ok(DayBudget {
            day,
            budget: Duration::from_secs(budget_seconds.max(0) as u64),
            used: self.used_on(day)?,
            extension: Duration::from_secs(extension.max(0) as u64),
            keep_going,
        })
    }

    /// The median active time per answered or done conversation over the
    /// last 30 days (undone ones left out); two minutes without history.
    /// Also returns how many conversations it is the median of.
    pub fn pace(&self, now: DateTime<Utc>) -> Result<(Duration, usize)> {
        let since = now - TimeDelta::days(budget::PACE_DAYS);
        let mut statement = self.conn.prepare_cached(
            "SELECT a.active_ms FROM actions a
             WHERE a.at >= ?1 AND a.kind IN ('replied', 'done') AND a.active_ms IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM actions u WHERE u.undoes = a.id)
             ORDER BY a.at DESC LIMIT 10000",
        )?;
        let mut samples = statement
            .query_map([to_micros(since)], |row| row.get::<_, i64>(0))?
            .map(|ms| ms.map(|ms| Duration::from_millis(ms.max(0) as u64)))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let count = samples.len();
        Ok((budget::pace(&mut samples), count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Minutes;
    use crate::testing::at;

    fn credit(day: &str, end: &str, seconds: u64) -> Credit {
        Credit {
            day: day.parse().unwrap(),
            end: at(end),
            span: Duration::from_secs(seconds),
        }
    }

    #[test]
    fn overlapping_sessions_add_only_what_no_other_session_counted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tend.db");
        let mut one = Store::open(&path).unwrap();
        let mut two = Store::open(&path).unwrap();
        let (a, b) = (
            one.begin_timer_session(at("2026-11-22T10:00:00Z")).unwrap(),
            two.begin_timer_session(at("2026-11-22T10:05:00Z")).unwrap(),
        );
        // A: 10:00–10:10. B: 10:05–10:20, written in two beats. A again 10:30.
        one.record_active(
            a,
            &[credit("2026-11-22", "2026-11-22T10:10:00Z", 600)],
            &config::Budget::default(),
        )
        .unwrap();
        two.record_active(
            b,
            &[credit("2026-11-22", "2026-11-22T10:12:00Z", 420)],
            &config::Budget::default(),
        )
        .unwrap();
        two.record_active(
            b,
            &[credit("2026-11-22", "2026-11-22T10:20:00Z", 480)],
            &config::Budget::default(),
        )
        .unwrap();
        one.record_active(
            a,
            &[credit("2026-11-22", "2026-11-22T10:31:00Z", 60)],
            &config::Budget::default(),
        )
        .unwrap();
        let day = "2026-11-22".parse().unwrap();
        assert_eq!(one.used_on(day).unwrap(), Duration::from_secs(21 * 60));
        // A session's own segments are not compared with each other: a clock
        // set back within one session loses nothing.
        one.record_active(
            a,
            &[credit("2026-11-22", "2026-11-22T10:31:00Z", 60)],
            &config::Budget::default(),
        )
        .unwrap();
        assert_eq!(one.used_on(day).unwrap(), Duration::from_secs(22 * 60));
    }

    #[test]
    fn a_heartbeat_never_writes_over_a_budget_set_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tend.db");
        let mut session = Store::open(&path).unwrap();
        let id = session
            .begin_timer_session(at("2026-11-22T10:00:00Z"))
            .unwrap();
        let day: NaiveDate = "2026-11-22".parse().unwrap();
        Store::open(&path)
            .unwrap()
            .set_budget(
                day,
                45 * 60,
                &config::Budget::default(),
                at("2026-11-22T10:00:30Z"),
            )
            .unwrap();
        session
            .record_active(
                id,
                &[credit("2026-11-22", "2026-11-22T10:01:00Z", 60)],
                &config::Budget::default(),
            )
            .unwrap();
        let tomorrow = day.succ_opt().unwrap();
        let recorded = session
            .day_budget(day, tomorrow, &config::Budget::default())
            .unwrap();
        assert_eq!(recorded.budget, Duration::from_secs(45 * 60));
    }

    #[test]
    fn a_past_day_keeps_the_budget_it_was_used_with() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("tend.db")).unwrap();
        let session = store
            .begin_timer_session(at("2026-11-20T10:00:00Z"))
            .unwrap();
        let friday: NaiveDate = "2026-11-20".parse().unwrap();
        store
            .record_active(
                session,
                &[credit("2026-11-20", "2026-11-20T10:10:00Z", 600)],
                &config::Budget::default(),
            )
            .unwrap();
        let config = config::Budget {
            minutes: Minutes(50),
            ..config::Budget::default()
        };
        let sunday: NaiveDate = "2026-11-22".parse().unwrap();
        let past = store.day_budget(friday, sunday, &config).unwrap();
        assert_eq!(past.budget, Duration::from_secs(1800));
        assert_eq!(past.used, Duration::from_secs(600));
        // Seen as today, the day follows the config.
        let live = store.day_budget(friday, friday, &config).unwrap();
        assert_eq!(live.budget, Duration::from_secs(3000));
        // A day never used follows the settings and config too.
        let unused: NaiveDate = "2026-11-19".parse().unwrap();
        assert_eq!(
            store.day_budget(unused, sunday, &config).unwrap().budget,
            Duration::from_secs(3000)
        );
    }
}
