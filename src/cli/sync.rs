//! `tend sync [ACCOUNT]`: pull new mentions from the configured accounts, a
//! line per account (or `--json`), a progress line on a terminal while it
//! pulls. One account failing does not stop the others.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use anyhow::{Result, anyhow};
use clap::Args;

use super::Context;
use crate::sync::http::Pause;
use crate::sync::{AccountReport, World, chosen, sync_account};

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The account to sync, by its `name` in the config file (its platform
    /// when it has none); every account when left out.
    pub account: Option<String>,
    /// Print a JSON array, one report per account.
    #[arg(long)]
    pub json: bool,
}

pub(super) fn run(
    args: &SyncArgs,
    context: &Context<'_>,
    out: &mut dyn Write,
    notes: &mut dyn Write,
) -> Result<()> {
    let config = context.config()?;
    let accounts = chosen(&config, args.account.as_deref())?;
    let mut store = context.store()?;
    let on_terminal = std::io::stderr().is_terminal();
    // The account being pulled and the line last shown for it: a wait
    // names the account, and the line comes back when the wait is over.
    let shown = RefCell::new((String::new(), String::new()));
    let show = |line: &str| {
        let _ = write!(std::io::stderr(), "\r\x1b[K{line}");
        let _ = std::io::stderr().flush();
    };
    let mut progress = |report: &AccountReport| {
        if on_terminal {
            let account = crate::sanitize::quote(&report.account);
            let line = if report.pages == 0 {
                format!("{account}: connecting…")
            } else {
                format!(
                    "{account}: page {}, {} new…",
                    report.pages, report.stored.new_messages
                )
            };
            show(&line);
            *shown.borrow_mut() = (account, line);
        }
    };
    let sleep = |wait: Duration, why: Pause| {
        let told = on_terminal && wait >= Duration::from_secs(1);
        if told {
            let why = match why {
                Pause::RateLimit => "rate limited by the service",
                Pause::ServerError => "the service had an error",
            };
            let seconds = wait
                .as_secs()
                .saturating_add(u64::from(wait.subsec_nanos() > 0));
            show(&format!(
                "{}: {why}; waiting {seconds} s…",
                shown.borrow().0
            ));
        }
        std::thread::sleep(wait);
        if told {
            show(&shown.borrow().1);
        }
    };
    let mut world = World {
        clock: context.clock,
        sleep: &sleep,
        state_dir: &context.paths.state,
        progress: &mut progress,
    };
    let mut reports = Vec::new();
    for account in accounts {
        let report = sync_account(
            &mut store,
            &config,
            &context.paths.config,
            account,
            &mut world,
        );
        if on_terminal {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
        }
        if !args.json {
            writeln!(out, "{}", line(&report))?;
        }
        reports.push(report);
    }
    if args.json {
        crate::output::write_line(out, &reports)?;
    }
    let mut failed: Vec<String> = reports
        .iter()
        .filter_map(|report| {
            let error = report.error.as_ref()?;
            Some(format!(
                "sync {}: {error}",
                crate::sanitize::quote(&report.account)
            ))
        })
        .collect();
    for report in &reports {
        for note in &report.notes {
            writeln!(
                notes,
                "tend: sync {}: {note}",
                crate::sanitize::quote(&report.account)
            )?;
        }
    }
    let last = failed.pop();
    for failure in failed {
        writeln!(notes, "tend: {failure}")?;
    }
    match last {
        Some(failure) => Err(anyhow!(failure)),
        None => Ok(()),
    }
}

/// `mastodon: 3 new messages, … · up to date`.
fn line(report: &AccountReport) -> String {
    let state = match (&report.error, report.up_to_date) {
        (Some(_), _) => "stopped (below); the next sync resumes here",
        (None, true) => "up to date",
        (None, false) => "more to fetch: run tend sync again",
    };
    format!(
        "{}: {} · {state}",
        crate::sanitize::quote(&report.account),
        super::import::summary(&report.stored)
    )
}
