//! `tend search QUERY`: the session's `/` for scripts — the same words and
//! filters (`query`), the same lists (`queue`), as a table or JSON.

use std::io::Write;

use anyhow::{Result, anyhow};
use clap::Args;
use serde::Serialize;

use super::Context;
use crate::model::rfc3339;
use crate::query::Query;
use crate::queue::{self, ListKind};
use crate::sanitize::{fit_to_width, preview};
use crate::sla;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find in every stored message (the last one also as the start
    /// of longer words, "quoted phrases" as they are) and filters:
    /// platform:NAME, is:open|snoozed|answered|done|all|overdue|due-soon,
    /// tag:TAG, from:NAME.
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// As a JSON array, newest first (the queue's order for filters alone).
    #[arg(long)]
    pub json: bool,
    /// Show at most N rows.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
}

/// One row as `--json` writes it.
#[derive(Debug, Serialize)]
struct Found {
    thread_id: String,
    platform: String,
    state: String,
    /// The matching message's time (search), or the wait's, or the newest message's.
    at: String,
    direction: Option<String>,
    author_handle: Option<String>,
    author_display_name: Option<String>,
    title: Option<String>,
    url: Option<String>,
    preview: String,
    waiting_since: Option<String>,
    score: Option<f64>,
    why: Vec<String>,
}

pub(super) fn run(args: &SearchArgs, context: &Context<'_>, out: &mut dyn Write) -> Result<()> {
    // Checked before anything is opened: a typo costs nothing.
    let text = args.query.join(" ");
    let query = Query::parse(text.trim_end()).map_err(|err| anyhow!("search: {err}"))?;
    let config = context.config()?;
    let Some(store) = context.existing_store()? else {
        if args.json {
            writeln!(out, "[]")?;
        }
        return Ok(());
    };
    let now = context.clock.now();
    let listing = queue::list(&store, &config, &query, now, args.limit)?;
    if args.json {
        let found: Vec<Found> = listing
            .items
            .iter()
            .map(|item| Found {
                thread_id: item.thread_id.clone(),
                platform: item.platform.to_string(),
                state: item.state.to_string(),
                at: rfc3339(item.dated()),
                direction: item.hit.map(|hit| hit.direction.to_string()),
                author_handle: item.author_handle.clone(),
                author_display_name: item.author_display_name.clone(),
                title: item.title.clone(),
                url: item.url.clone(),
                preview: preview(&item.text_head),
                waiting_since: item.waiting_since.map(rfc3339),
                score: item.score.as_ref().map(|score| score.total),
                why: item.why(),
            })
            .collect();
        crate::output::write_pretty(out, &found)?;
        return Ok(());
    }
    let count = listing.matching;
    let what = match (listing.kind, count) {
        (ListKind::Search, 1) => "message",
        (ListKind::Search, _) => "messages",
        (_, 1) => "conversation",
        _ => "conversations",
    };
    let more = if listing.more || listing.matching > listing.items.len() {
        format!(" (showing {}; --limit shows more)", listing.items.len())
    } else {
        String::new()
    };
    writeln!(out, "{count} {what}{more}")?;
    for item in &listing.items {
        writeln!(
            out,
            "{} {} {} {} {}",
            fit_to_width(&sla::short_span(now - item.dated()), 4),
            fit_to_width(item.platform.as_str(), 10),
            fit_to_width(item.state.as_str(), 8),
            fit_to_width(&item.shown_author(), 18),
            fit_to_width(&preview(&item.text_head), 60).trim_end(),
        )?;
    }
    Ok(())
}
