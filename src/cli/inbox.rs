//! `tend inbox` (and, until the session lands, `tend` and `tend demo`): the
//! queue as a table or as JSON. Other people's words are sanitized here.

use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::Args;
use serde::Serialize;

use super::Context;
use crate::config::Config;
use crate::model::{Platform, rfc3339};
use crate::sanitize::{author_label, fit_to_width, preview};
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

/// One queue row as `--json` writes it (keys promised in the design).
#[derive(Debug, Serialize)]
struct InboxItem {
    thread_id: String,
    platform: String,
    author_handle: Option<String>,
    author_display_name: Option<String>,
    state: String,
    waiting_since: String,
    due_at: String,
    sla_state: SlaState,
    why: Vec<String>,
    preview: String,
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
    print_queue(&store, &config, context.clock.now(), args, out)
}

/// `tend demo`: the same view, on a throwaway store of sample data.
pub(super) fn run_demo(args: &InboxArgs, context: &Context<'_>, out: &mut dyn Write) -> Result<()> {
    let now = context.clock.now();
    let demo = crate::demo::Demo::build(now)?;
    print_queue(&demo.store, &demo.config, now, args, out)
}

fn print_queue(
    store: &Store,
    config: &Config,
    now: DateTime<Utc>,
    args: &InboxArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let queue = store.queue(now, args.limit)?;
    if args.json {
        let items: Vec<InboxItem> = queue
            .iter()
            .map(|item| json_item(item, config, now))
            .collect();
        crate::output::write_pretty(out, &items)?;
    } else {
        write_table(&queue, &store.waiting(now)?, config, now, out)?;
    }
    Ok(())
}

fn json_item(item: &QueueItem, config: &Config, now: DateTime<Utc>) -> InboxItem {
    let assessment = config.sla.assess(item.platform, item.waiting_since, now);
    InboxItem {
        thread_id: item.thread_id.clone(),
        platform: item.platform.to_string(),
        author_handle: item.author_handle.clone(),
        author_display_name: item.author_display_name.clone(),
        state: item.state.to_string(),
        waiting_since: rfc3339(item.waiting_since),
        due_at: rfc3339(assessment.due_at),
        sla_state: assessment.state,
        why: sla::reason(assessment, now).into_iter().collect(),
        preview: preview(&item.text_head),
        title: item.title.clone(),
        url: item.url.clone(),
        message_count: item.message_count,
    }
}

fn write_table(
    queue: &[QueueItem],
    waiting: &[(Platform, DateTime<Utc>)],
    config: &Config,
    now: DateTime<Utc>,
    out: &mut dyn Write,
) -> Result<()> {
    if waiting.is_empty() {
        writeln!(
            out,
            "Inbox zero: nobody is waiting for an answer. Import more with `tend import FILE`."
        )?;
        return Ok(());
    }
    let overdue = config.sla.overdue(waiting, now);
    let shown = if queue.len() < waiting.len() {
        format!(" (showing {})", queue.len())
    } else {
        String::new()
    };
    writeln!(out, "{} open · {overdue} overdue{shown}", waiting.len())?;
    let assessments: Vec<_> = queue
        .iter()
        .map(|item| config.sla.assess(item.platform, item.waiting_since, now))
        .collect();
    let width = terminal_size::terminal_size()
        .map_or(100, |(w, _)| usize::from(w.0))
        .clamp(60, 200);
    let message_width = width.saturating_sub(5 + 1 + 10 + 1 + 18 + 1);
    for (item, assessment) in queue.iter().zip(&assessments) {
        let mark = match assessment.state {
            SlaState::Overdue => "!",
            SlaState::DueSoon => "~",
            SlaState::OnTime => " ",
        };
        let age = format!("{}{mark}", sla::short_span(now - item.waiting_since));
        writeln!(
            out,
            "{} {} {} {}",
            fit_to_width(&age, 5),
            fit_to_width(item.platform.as_str(), 10),
            fit_to_width(
                &author_label(
                    item.author_display_name.as_deref(),
                    item.author_handle.as_deref()
                ),
                18
            ),
            fit_to_width(&preview(&item.text_head), message_width).trim_end(),
        )?;
    }
    Ok(())
}
