//! `tend budget`: today's budget, the time used and left, overtime and pace;
//! `tend budget set` changes the budget from today on.

use std::io::Write;

use anyhow::{Result, anyhow};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::Context;
use crate::budget::{self, DayBudget, Days};
use crate::config::Config;
use crate::queue;

#[derive(Debug, Args)]
pub struct BudgetArgs {
    #[command(subcommand)]
    pub action: Option<BudgetAction>,
    /// As JSON: one object with `date`, `budget_seconds`, `used_seconds`,
    /// `left_seconds`, `overtime_seconds`, `pace_seconds`.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum BudgetAction {
    /// Today's budget, time used and left, overtime and pace (the default).
    Show,
    /// Change the daily budget from today on: `45m`, `1h30m`, or minutes
    /// (`20`), from 1 minute to 24 hours. Past days keep the budget they had;
    /// days listed in `[budget.weekdays]` keep theirs (except today).
    Set {
        #[arg(value_name = "AMOUNT", allow_hyphen_values = true)]
        amount: String,
    },
}

/// `tend budget --json`: the keys the design promises, and a few more.
#[derive(Debug, Serialize)]
struct BudgetJson {
    date: String,
    budget_seconds: u64,
    used_seconds: u64,
    left_seconds: u64,
    overtime_seconds: u64,
    pace_seconds: u64,
    /// How many answered or done conversations the pace is the median of.
    pace_samples: usize,
    /// "+10 min" chosen today when the budget ran out.
    extension_seconds: u64,
    keep_going: bool,
}

pub(super) fn run(args: &BudgetArgs, context: &Context<'_>, out: &mut dyn Write) -> Result<()> {
    let config = context.config()?;
    let now = context.clock.now();
    let days = Days::new(context.clock.zone(), config.budget.day_starts_at.0);
    let today = days.day_of(now);
    let store = if let Some(BudgetAction::Set { amount }) = &args.action {
        // Checked before the store is opened: bad input changes nothing.
        let seconds = budget::parse_amount(amount).map_err(|why| anyhow!("budget set: {why}"))?;
        let mut store = context.store()?;
        store.set_budget(today, seconds, &config.budget, now)?;
        if !args.json {
            write!(
                out,
                "From today on, the budget is {} a day.",
                queue::minutes(std::time::Duration::from_secs(seconds.unsigned_abs()))
            )?;
            let kept = budget::overridden_weekdays(&config.budget.weekdays);
            if !kept.is_empty() {
                write!(out, " [budget.weekdays] still decides {}.", kept.join(", "))?;
            }
            writeln!(out)?;
        }
        Some(store)
    } else {
        context.existing_store()?
    };
    let (day, (pace, samples)) = match store {
        Some(store) => (
            store.day_budget(today, today, &config.budget)?,
            store.pace(now)?,
        ),
        None => (unused_day(today, &config), (budget::DEFAULT_PACE, 0)),
    };
    if args.json {
        let json = BudgetJson {
            date: day.day.to_string(),
            budget_seconds: day.budget.as_secs(),
            used_seconds: day.used.as_secs(),
            left_seconds: day.left().as_secs(),
            overtime_seconds: day.overtime().as_secs(),
            pace_seconds: pace.as_secs(),
            pace_samples: samples,
            extension_seconds: day.extension.as_secs(),
            keep_going: day.keep_going,
        };
        crate::output::write_line(out, &json)?;
        return Ok(());
    }
    writeln!(
        out,
        "{} (the day began at {})",
        day.day.format("%A %-d %B %Y"),
        config.budget.day_starts_at.0.format("%H:%M")
    )?;
    let pace_note = if samples == 0 {
        "per conversation (no history yet)".to_owned()
    } else {
        format!(
            "per conversation (median of {samples} in {} days)",
            budget::PACE_DAYS
        )
    };
    for (label, value) in [
        ("budget", budget::clock(day.budget)),
        ("used", budget::clock(day.used)),
        ("left", budget::clock(day.left())),
        ("overtime", budget::clock(day.overtime())),
        ("pace", format!("{} {pace_note}", budget::clock(pace))),
    ] {
        writeln!(out, "{label:<9} {value}")?;
    }
    Ok(())
}

/// Today when there is no store yet: the configured budget, nothing used.
fn unused_day(today: chrono::NaiveDate, config: &Config) -> DayBudget {
    DayBudget {
        day: today,
        budget: std::time::Duration::from_secs(
            budget::budget_for(today, &config.budget, &[]).unsigned_abs(),
        ),
        used: std::time::Duration::ZERO,
        extension: std::time::Duration::ZERO,
        keep_going: false,
    }
}
