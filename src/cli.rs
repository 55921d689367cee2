//! The command line: clap definitions, and running each command against an
//! injected context (paths, config, clock, output streams) so that the whole
//! command path is testable below `main`.

mod add;
mod budget;
mod export;
mod import;
mod inbox;
mod search;
mod sync;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{Args, Parser, Subcommand};

use crate::clock::Clock;
use crate::config::Config;
use crate::paths::Paths;
use crate::tui::Until;

#[derive(Debug, Parser)]
#[command(
    name = "tend",
    version,
    about = "Answer the people who write to you, best first, within a daily time budget.",
    long_about = "tend keeps the mentions, replies, DMs and emails people send you in one local \
                  SQLite store, and puts the ones waiting for an answer in a queue.\n\n\
                                    Without a command, tend opens today's session: the queue on the left, best \
                  first, the conversation on the right, a reply box under it; / searches, f \
                  filters (? shows the keys). When standard \
                  output is not a terminal it prints the queue instead.",
    after_help = "Data: --db or TEND_DB (default: the platform data directory, e.g. \
                  ~/.local/share/tend/tend.db).\nConfig: --config or TEND_CONFIG (default: e.g. \
                  ~/.config/tend/config.toml); `tend config --default` prints a commented one.\n\
                  State: TEND_STATE (default: e.g. ~/.local/state/tend), where tend sync keeps \
                  Bluesky sessions."
)]
pub struct Cli {
    /// The store file.
    #[arg(long, global = true, env = "TEND_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The configuration file.
    #[arg(long, global = true, env = "TEND_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Benchmarking aid: open the session, draw its first frame and exit at
    /// once, writing nothing (times the start-up; see BENCHMARKS.md).
    #[arg(long)]
    pub exit_after_first_frame: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open a session on a throwaway store filled with a week of sample data
    /// (prints the queue instead when standard output is not a terminal).
    Demo(DemoArgs),
    /// Import messages from a file (or - for standard input) in one transaction.
    Import(import::ImportArgs),
    /// Log one message by hand: a call, a chat at a conference, a DM from a
    /// platform without an importer.
    Add(add::AddArgs),
    /// The queue, non-interactively: open conversations, best first (the
    /// session's order; --json lists each one's score and why).
    Inbox(inbox::InboxArgs),
    /// Search every stored message, or list conversations by filter:
    /// `tend search platform:github is:overdue invoice`.
    Search(search::SearchArgs),
    /// Today's engagement budget: time used, left, overtime and pace; `set`
    /// changes it from today on.
    Budget(budget::BudgetArgs),
    /// Write every message as JSONL that `tend import` takes back.
    Export(export::ExportArgs),
    /// Pull new mentions from the accounts in the config file (Mastodon,
    /// Bluesky, GitHub); each sync continues where the last one stopped.
    Sync(sync::SyncArgs),
    /// Show which files tend uses, or print the commented default config.
    Config(ConfigArgs),
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub inbox: inbox::InboxArgs,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the commented default configuration (redirect it to the config path to start one).
    #[arg(long)]
    pub default: bool,
    /// As JSON.
    #[arg(long, conflicts_with = "default")]
    pub json: bool,
}

/// What a command needs from the world, injected so tests can supply their own.
#[derive(Debug)]
pub struct Context<'a> {
    pub paths: Paths,
    /// Whether the config path was named by the user (then it must exist).
    pub config_named: bool,
    pub clock: &'a dyn Clock,
    pub stdin: &'a std::io::Stdin,
}

impl Context<'_> {
    pub fn config(&self) -> Result<Config> {
        Ok(Config::load(&self.paths.config, self.config_named)?)
    }

    pub fn store(&self) -> Result<crate::store::Store> {
        crate::store::Store::open(&self.paths.db)
    }

    /// The store if it exists, for commands that only read.
    pub fn existing_store(&self) -> Result<Option<crate::store::Store>> {
        crate::store::Store::open_existing(&self.paths.db)
    }
}

/// Runs the parsed command line, writing data to `out` and notes to `err`.
pub fn run(
    cli: Cli,
    context: &Context<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    match cli.command {
        Some(_) if cli.exit_after_first_frame => {
            bail!("--exit-after-first-frame times the session: give it without a command")
        }
        None if cli.exit_after_first_frame => {
            if !std::io::stdout().is_terminal() {
                bail!("--exit-after-first-frame draws the session, so it needs a terminal");
            }
            let config = context.config()?;
            crate::tui::run(context.store()?, config, context.clock, Until::FirstFrame)?;
            Ok(())
        }
        None if std::io::stdout().is_terminal() => {
            let config = context.config()?;
            let summary = crate::tui::run(context.store()?, config, context.clock, Until::Quit)?;
            writeln!(out, "Session: {summary}")?;
            Ok(())
        }
        None => inbox::run(&inbox::InboxArgs::default(), context, out),
        Some(Command::Demo(args)) if !args.inbox.json && std::io::stdout().is_terminal() => {
            let mut demo = crate::demo::Demo::build(context.clock.now())?;
            // The demo is also where people try their own key bindings.
            demo.config.keys = context.config()?.keys;
            let summary = crate::tui::run(demo.store, demo.config, context.clock, Until::Quit)?;
            writeln!(
                out,
                "Demo session: {summary} (the demo store is gone; yours is untouched)"
            )?;
            Ok(())
        }
        Some(Command::Demo(args)) => inbox::run_demo(&args.inbox, context, out),
        Some(Command::Import(args)) => import::run(&args, context, out, err),
        Some(Command::Add(args)) => add::run(&args, context, out),
        Some(Command::Inbox(args)) => inbox::run(&args, context, out),
        Some(Command::Search(args)) => search::run(&args, context, out),
        Some(Command::Budget(args)) => budget::run(&args, context, out),
        Some(Command::Export(args)) => export::run(&args, context, err, out),
        Some(Command::Sync(args)) => sync::run(&args, context, out, err),
        Some(Command::Config(args)) => run_config(&args, context, out),
    }
}

fn run_config(args: &ConfigArgs, context: &Context<'_>, out: &mut dyn Write) -> Result<()> {
    if args.default {
        out.write_all(crate::config::DEFAULT_CONFIG.as_bytes())?;
        return Ok(());
    }
    // Loading validates: `tend config` is also how to check an edited file.
    context.config()?;
    let found = context.paths.config.exists();
    if args.json {
        let value = serde_json::json!({
            "db": context.paths.db,
            "config": context.paths.config,
            "config_exists": found,
            "state": context.paths.state,
        });
        crate::output::write_line(out, &value)?;
    } else {
        writeln!(out, "store   {}", context.paths.db.display())?;
        let status = if found {
            "valid"
        } else {
            "not found: using the defaults"
        };
        writeln!(out, "config  {} ({status})", context.paths.config.display())?;
        writeln!(out, "state   {}", context.paths.state.display())?;
    }
    Ok(())
}
