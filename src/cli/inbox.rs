//! `tend inbox` (and `tend`, `tend demo` when standard output is not a
//! terminal): the queue in priority order as a table (with the budget line)
//! or as JSON (with each row's score, why and factors). Other people's words
//! are sanitized here.

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::Args;
use serde::Serialize;

use super::Context;
use crate::budget::Days;
use crate::config::Config;
use crate::model::rfc3339;
use crate::priority::Factors;
use crate::query::Query;
use crate::queue::{self, Listing};
use crate::sanitize::{fit_to_width, preview};
use crate::sla::{self, SlaState};
use crate::store::{QueueItem, Store};

#[derive(Debug, Default, Args)]
pub struct InboxArgs {
    /// As a JSON array, in queue order.
    #[arg(long)]
    pub json: bool,
    /// Show at most N conversations.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

/// One queue row as `--json` writes it (keys promised in the design, then
/// each factor's points and the signals behind them).
#[derive(Debug, Serialize)]
struct InboxItem {
    thread_id: String,
    platform: String,
    author_handle: Option<String>,
    author_display_name: Option<String>,
    state: String,
    waiting_since: Option<String>,
    due_at: Option<String>,
    sla_state: Option<SlaState>,
    score: Option<f64>,
    why: Vec<String>,
    preview: String,
    factors: Option<Factors>,
    back_from_snooze: bool,
    title: Option<String>,
    url: Option<String>,
    message_count: i64,
}

pub(super) fn run(args: &InboxArgs, context: &Context<'_>, out: &mut dyn Write) -> Result<()> {
    let config = context.config()?;
    let Some(store) = context.existing_store()? else {
        if args.json {
            writeln!(out, "[]")?;
        } else {
            writeln!(
                out,
                "No store yet at {}. `tend import FILE` fills it; `tend demo` shows sample data.",
                context.paths.db.display()
            )?;
        }
        return Ok(());
    };
    print_queue(&store, &config, context, args, out)
}

/// `tend demo` when standard output is not a terminal: the same table, on a
/// throwaway store of sample data.
pub(super) fn run_demo(args: &InboxArgs, context: &Context<'_>, out: &mut dyn Write) -> Result<()> {
    let demo = crate::demo::Demo::build(context.clock.now())?;
    print_queue(&demo.store, &demo.config, context, args, out)
}

fn print_queue(
    store: &Store,
    config: &Config,
    context: &Context<'_>,
    args: &InboxArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let now = context.clock.now();
    let listing = queue::list(
        store,
        config,
        &Query::default(),
        now,
        args.limit.unwrap_or(usize::MAX),
    )?;
    if args.json {
        let items: Vec<InboxItem> = listing.items.iter().map(json_item).collect();
        crate::output::write_pretty(out, &items)?;
        return Ok(());
    }
    let days = Days::new(context.clock.zone(), config.budget.day_starts_at.0);
    let today = days.day_of(now);
    let room = store.day_budget(today, today, &config.budget)?.room();
    let (pace, _) = store.pace(now)?;
    write_table(&listing, pace, room, now, out)
}

fn json_item(item: &QueueItem) -> InboxItem {
    let assessment = item.score.as_ref().map(|score| score.sla);
    InboxItem {
        thread_id: item.thread_id.clone(),
        platform: item.platform.to_string(),
        author_handle: item.author_handle.clone(),
        author_display_name: item.author_display_name.clone(),
        state: item.state.to_string(),
        waiting_since: item.waiting_since.map(rfc3339),
        due_at: assessment.map(|a| rfc3339(a.due_at)),
        sla_state: assessment.map(|a| a.state),
        score: item.score.as_ref().map(|score| score.total),
        why: item.why(),
        preview: preview(&item.text_head),
        factors: item.score.as_ref().map(|score| score.factors),
        back_from_snooze: item.back_from_snooze,
        title: item.title.clone(),
        url: item.url.clone(),
        message_count: item.message_count,
    }
}

fn write_table(
    listing: &Listing,
    pace: Duration,
    room: Duration,
    now: DateTime<Utc>,
    out: &mut dyn Write,
) -> Result<()> {
    let counts = listing.counts.unwrap_or_default();
    if counts.waiting == 0 {
        writeln!(
            out,
            "Inbox zero: nobody is waiting for an answer. Import more with `tend import FILE`."
        )?;
        return Ok(());
    }
    let shown = if listing.items.len() < counts.waiting {
        format!(" (showing {})", listing.items.len())
    } else {
        String::new()
    };
    writeln!(
        out,
        "{} open · {} overdue · {}{shown}",
        counts.waiting,
        counts.overdue,
        queue::estimate(counts.waiting, pace, room)
    )?;
    let width = terminal_size::terminal_size()
        .map_or(100, |(w, _)| usize::from(w.0))
        .clamp(60, 200);
    let message_width = width.saturating_sub(5 + 1 + 10 + 1 + 18 + 1);
    let divider = queue::budget_line(counts.waiting, pace, room);
    for (row, item) in listing.items.iter().enumerate() {
        if divider == Some(row) {
            writeln!(out, "{}", divider_text(room, width))?;
        }
        let mark = match item.score.as_ref().map(|score| score.sla.state) {
            Some(SlaState::Overdue) => "!",
            Some(SlaState::DueSoon) => "~",
            _ => " ",
        };
        let age = format!("{}{mark}", sla::short_span(now - item.dated()));
        writeln!(
            out,
            "{} {} {} {}",
            fit_to_width(&age, 5),
            fit_to_width(item.platform.as_str(), 10),
            fit_to_width(&item.shown_author(), 18),
            fit_to_width(&preview(&item.text_head), message_width).trim_end(),
        )?;
    }
    Ok(())
}

/// `─── fits in today's 18 min ───` (or that the budget is spent), as wide as the table.
fn divider_text(room: Duration, width: usize) -> String {
    let label = queue::divider_label(room);
    let rule = width.saturating_sub(label.chars().count() + 3);
    format!("───{label}{}", "─".repeat(rule.min(40)))
}
