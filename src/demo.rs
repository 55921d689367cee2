//! `tend demo`: a throwaway store filled with a believable week of sample
//! data (`assets/demo/`, embedded). Message times are written as "how long
//! ago", so the demo always looks fresh; the records then go through the real
//! import path.

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use crate::config::Config;
use crate::import::message_from_fields;
use crate::model::{Platform, parse_span, rfc3339};
use crate::store::{PersonSeed, Store};

const MESSAGES: &str = include_str!("../assets/demo/messages.jsonl");
const PEOPLE: &str = include_str!("../assets/demo/people.json");
const CONFIG: &str = include_str!("../assets/demo/config.toml");

/// A demo store in a temporary directory, removed when this is dropped.
#[derive(Debug)]
pub struct Demo {
    pub store: Store,
    pub config: Config,
    dir: tempfile::TempDir,
}

#[derive(Debug, Deserialize)]
struct PersonEntry {
    handles: Vec<HandleEntry>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    note: String,
}

#[derive(Debug, Deserialize)]
struct HandleEntry {
    platform: Platform,
    handle: String,
}

impl Demo {
    /// The store and config, with the directory that must outlive the store.
    #[must_use]
    pub fn into_parts(self) -> (Store, Config, tempfile::TempDir) {
        (self.store, self.config, self.dir)
    }

    pub fn build(now: DateTime<Utc>) -> Result<Demo> {
        let dir = tempfile::Builder::new()
            .prefix("tend-demo-")
            .tempdir()
            .context("creating the demo store")?;
        let mut store = Store::open(&dir.path().join("demo.db"))?;
        let config = Config::parse(CONFIG, "assets/demo/config.toml")?;
        let mut ingest = store.ingest(now, config.me.handle_keys())?;
        for (index, line) in MESSAGES.lines().enumerate() {
            let at = |err: anyhow::Error| {
                err.context(format!("assets/demo/messages.jsonl:{}", index + 1))
            };
            let message = demo_record(line, now).map_err(at)?;
            ingest.add(&message)?;
        }
        ingest.finish()?;
        let people: Vec<PersonEntry> =
            serde_json::from_str(PEOPLE).context("assets/demo/people.json")?;
        for person in people {
            let seed = PersonSeed {
                handles: person
                    .handles
                    .into_iter()
                    .map(|h| (h.platform, h.handle))
                    .collect(),
                tags: person.tags,
                note: person.note,
            };
            store.link_person(&seed, now)?;
        }
        Ok(Demo { store, config, dir })
    }
}

/// A demo line: the generic format with `"ago": "2d3h15m"` instead of `created_at`.
fn demo_record(line: &str, now: DateTime<Utc>) -> Result<crate::store::NewMessage> {
    let Value::Object(mut fields) = serde_json::from_str(line)? else {
        bail!("not a JSON object");
    };
    let ago = match fields.remove("ago") {
        Some(Value::String(ago)) => parse_span(&ago)
            .ok_or_else(|| anyhow!("bad \"ago\" duration \"{ago}\" (e.g. 2d3h15m)"))?,
        _ => bail!("missing \"ago\""),
    };
    fields.insert("created_at".into(), Value::String(rfc3339(now - ago)));
    message_from_fields(fields).map_err(|err| anyhow!(err.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_week_has_the_promised_shape() {
        let now = DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let demo = Demo::build(now).unwrap();
        let counts: (i64, i64, i64, i64) = demo
            .store
            .conn_for_tests()
            .query_row(
                "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM people),
                        (SELECT count(DISTINCT platform) FROM messages),
                        (SELECT count(*) FROM conversations WHERE state = 'answered')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        let (messages, people, platforms, answered) = counts;
        assert!((60..=120).contains(&messages), "{messages} messages");
        assert!((25..=40).contains(&people), "{people} people");
        assert_eq!(platforms, 6);
        assert!(answered >= 5, "{answered} answered");
        let queue = demo.store.queue(now, None).unwrap();
        assert!(queue.len() >= 10, "{} waiting", queue.len());
        let overdue = queue
            .iter()
            .filter(|item| now - item.dated() > chrono::Duration::hours(72))
            .count();
        assert!(overdue >= 2, "{overdue} long overdue");
        // Ana is one person across mastodon and email, tagged customer.
        let ana: Vec<_> = queue
            .iter()
            .filter(|i| {
                i.author_display_name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("Ana"))
            })
            .collect();
        let ana_person = ana.first().and_then(|i| i.person_id).unwrap();
        assert!(
            demo.store
                .person_tags(ana_person)
                .unwrap()
                .contains(&"customer".to_owned())
        );
    }
}
