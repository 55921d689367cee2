//! `tend add`: log one message by hand. It goes through the same ingest path
//! as an import, with an id derived from its content so that running the same
//! command twice logs it once.

use std::io::Write;

use anyhow::{Result, bail};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clap::Args;

use super::Context;
use crate::model::{Kind, Platform, in_supported_range, parse_span, rfc3339};
use crate::store::NewMessage;

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Where it happened (mastodon, email, phone, in-person, …).
    #[arg(long, value_name = "P")]
    pub platform: Platform,
    /// Who wrote or said it: their handle, address or name. One of your own
    /// handles (config [me]) logs your reply.
    #[arg(long, value_name = "HANDLE")]
    pub from: String,
    /// What they said.
    #[arg(long)]
    pub text: String,
    /// Their display name, if the handle is not one.
    #[arg(long)]
    pub name: Option<String>,
    /// A link to the message.
    #[arg(long, value_name = "U")]
    pub url: Option<String>,
    /// When: RFC 3339, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD` (local time), or `2h ago`,
    /// `3d ago`, `45m ago`. Default: now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// The thread it belongs to (default: a thread of its own).
    #[arg(long, value_name = "T")]
    pub thread: Option<String>,
    /// A subject line.
    #[arg(long)]
    pub title: Option<String>,
    /// What sort of message it is.
    #[arg(long, default_value = "mention")]
    pub kind: Kind,
    /// Print what was stored as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(super) fn run(args: &AddArgs, context: &Context<'_>, out: &mut dyn Write) -> Result<()> {
    if args.from.trim().is_empty() {
        bail!("--from is empty: say who wrote it");
    }
    let config = context.config()?;
    let now = context.clock.now();
    let created_at = match &args.at {
        Some(text) => parse_time(text, now, &context.clock.zone())?,
        None => now,
    };
    let external_id = format!(
        "tend-add:{:016x}",
        fnv1a(&[
            args.platform.as_str(),
            &args.from,
            &rfc3339(created_at),
            &args.text,
            args.thread.as_deref().unwrap_or("")
        ])
    );
    let message = NewMessage {
        platform: args.platform,
        external_id: external_id.clone(),
        created_at,
        text: args.text.clone(),
        kind: args.kind,
        thread_id: args.thread.clone(),
        parent_id: None,
        author_handle: Some(args.from.clone()),
        author_display_name: args.name.clone(),
        author_profile_url: None,
        author_id: None,
        title: args.title.clone(),
        url: args.url.clone(),
        source_account: None,
        direction: None,
        author_followers: None,
        extra_json: None,
    };
    let mut store = context.store()?;
    let mut ingest = store.ingest(now, config.me.handle_keys())?;
    let added = ingest.add(&message)?;
    let counts = ingest.finish()?;
    let thread = args.thread.clone().unwrap_or_else(|| external_id.clone());
    if args.json {
        let value = serde_json::json!({
            "external_id": external_id,
            "thread_id": thread,
            "created_at": rfc3339(created_at),
            "new_messages": counts.new_messages,
            "new_conversations": counts.new_conversations,
            "already_known": counts.already_known,
        });
        crate::output::write_line(out, &value)?;
    } else if added {
        let place = if counts.new_conversations > 0 {
            "a new conversation"
        } else {
            "its conversation"
        };
        writeln!(
            out,
            "added to {place} on {} ({})",
            args.platform,
            rfc3339(created_at)
        )?;
    } else {
        writeln!(
            out,
            "already logged: the same message from the same person at the same time is stored"
        )?;
    }
    Ok(())
}

/// `--at` in the forms people type.
fn parse_time<Tz: TimeZone>(text: &str, now: DateTime<Utc>, zone: &Tz) -> Result<DateTime<Utc>> {
    let text = text.trim();
    let parsed = DateTime::parse_from_rfc3339(text).ok();
    if let Some(at) = parsed.and_then(|at| in_supported_range(at.with_timezone(&Utc))) {
        return Ok(at);
    }
    let local = |naive: NaiveDateTime| {
        zone.from_local_datetime(&naive)
            .earliest()
            .map(|at| at.with_timezone(&Utc))
    };
    if let Ok(naive) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        && let Some(at) = local(naive)
    {
        return Ok(at);
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        && let Some(at) = date.and_hms_opt(0, 0, 0).and_then(local)
    {
        return Ok(at);
    }
    if let Some(at) = text
        .strip_suffix("ago")
        .and_then(parse_span)
        .and_then(|span| now.checked_sub_signed(span))
        .and_then(in_supported_range)
    {
        return Ok(at);
    }
    bail!(
        "--at \"{}\": not a time; use RFC 3339 (2026-06-12T09:14:03Z), YYYY-MM-DD HH:MM, YYYY-MM-DD, or e.g. \"2h ago\"",
        crate::sanitize::quote(text)
    )
}

/// FNV-1a over the fields, with a separator: stable across Rust versions and
/// machines (unlike `DefaultHasher`), which an id must be.
fn fnv1a(fields: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for field in fields {
        for byte in field.bytes().chain(std::iter::once(0x1f)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    #[test]
    fn times_people_type() {
        let now = DateTime::parse_from_rfc3339("2026-11-22T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let zone = FixedOffset::east_opt(3600).unwrap();
        let parse = |text| {
            parse_time(text, now, &zone)
                .map(rfc3339)
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            parse("2026-11-20T09:30:00+02:00").unwrap(),
            "2026-11-20T07:30:00Z"
        );
        assert_eq!(parse("2026-11-20 09:30").unwrap(), "2026-11-20T08:30:00Z");
        assert_eq!(parse("2026-11-20").unwrap(), "2026-11-19T23:00:00Z");
        assert_eq!(parse("2h ago").unwrap(), "2026-11-22T10:00:00Z");
        assert_eq!(parse("3 days ago").unwrap(), "2026-11-19T12:00:00Z");
        assert_eq!(parse("45m ago").unwrap(), "2026-11-22T11:15:00Z");
        for bad in [
            "yesterday-ish",
            "99999999999d ago",
            "9999999999999d ago",
            "0000-06-01T00:00:00Z",
        ] {
            let err = parse(bad).unwrap_err();
            assert!(
                err.starts_with(&format!("--at \"{bad}\": not a time")),
                "{err}"
            );
        }
    }

    #[test]
    fn ids_are_stable_and_field_boundaries_matter() {
        assert_eq!(fnv1a(&["a", "bc"]), fnv1a(&["a", "bc"]));
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
        // Computed independently (Python) from the FNV-1a definition.
        assert_eq!(fnv1a(&["tend"]), 0x0a5a_3548_d345_0dbd);
    }
}
