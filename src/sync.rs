//! `tend sync`: pulling new mentions from the accounts in config.toml. Each
//! service (`sync/mastodon.rs`, `bluesky.rs`, `github.rs`) fetches pages, newest
//! first, and hands them here; each page is stored with the cursor that
//! follows it in one transaction (`import::store_page`), so a sync that is
//! interrupted anywhere resumes where it stopped, without gaps or duplicates.
//!
//! A walk goes from the newest item down to the newest one the last complete
//! walk saw (`since`). While it is under way the cursor also holds where it
//! is (`walk.next`) and the newest item it started from (`walk.top`), which
//! becomes `since` when it reaches the bottom.

mod bluesky;
mod github;
pub mod http;
mod kept;
mod mastodon;
pub mod secret;

use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::config::{Account, Config, Service};
use crate::import::{ImportReport, PageContent, SyncPage, store_page};
use crate::store::Store;
use http::Http;

/// Pages one sync fetches per account at most; the next sync continues.
const MAX_PAGES: u32 = 200;

/// Where an account's sync stands, as stored in `sync_cursors`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The newest item the last complete walk saw: older ones are known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// The server's `Last-Modified` at that walk (GitHub's cheap polling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// A walk under way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk: Option<Walk>,
    /// Which server and user the cursor belongs to: an account renamed
    /// onto another server (or platform) starts afresh instead of taking
    /// another server's ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// `service address handle` of an account, as cursors record it.
fn origin_of(account: &Account) -> String {
    format!(
        "{} {} {}",
        account.service.as_str(),
        account.base_url,
        account.handle.as_deref().unwrap_or("")
    )
    .trim_end()
    .to_owned()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Walk {
    /// The newest item of this walk: `since` once it completes.
    pub top: String,
    /// The service's token for the next page down.
    pub next: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// One page as a service fetched it.
#[derive(Debug)]
pub struct Fetched {
    /// The page's items, without the ones `since` says are known.
    pub content: PageContent,
    /// Items the service set aside itself, by kind.
    pub not_messages: Vec<String>,
    /// The newest item's key on this page.
    pub newest: Option<String>,
    /// Every item's id on this page, known or not.
    pub ids: Vec<String>,
    /// The page reached items the last walk saw: the walk is complete.
    pub reached_known: bool,
    /// The token for the next page down, if there is one.
    pub next: Option<String>,
    pub last_modified: Option<String>,
}

/// What a fetch found.
#[derive(Debug)]
pub enum Fetch {
    Page(Fetched),
    /// Nothing changed since `last_modified` (GitHub's 304).
    NotModified,
}

/// A service that pages through new mentions.
pub trait Source {
    /// The page after `next` (the first page when `None`), skipping items at
    /// or older than `since`. `last_modified` is sent on a first page.
    fn fetch(
        &mut self,
        http: &mut Http<'_>,
        since: Option<&str>,
        next: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Fetch>;

    /// The user's own handles the service told (Bluesky's session).
    fn my_handles(&self) -> Vec<String> {
        Vec::new()
    }

    /// What went wrong on the side without failing the sync, since asked.
    fn notes(&mut self) -> Vec<String> {
        Vec::new()
    }
}

/// What one account's sync did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AccountReport {
    pub account: String,
    pub platform: String,
    pub pages: u32,
    /// What its pages stored, added up.
    #[serde(flatten)]
    pub stored: ImportReport,
    /// The walk reached what the last sync saw (false: stopped early).
    pub up_to_date: bool,
    /// Why it stopped, if it failed; what it stored before that stays.
    pub error: Option<String>,
    /// What went wrong on the side without stopping it.
    pub notes: Vec<String>,
}

/// What a sync needs from the world besides the store.
pub struct World<'a> {
    pub clock: &'a dyn Clock,
    pub sleep: &'a dyn Fn(Duration, http::Pause),
    /// tend's state directory, where sessions are kept between syncs.
    pub state_dir: &'a std::path::Path,
    /// Told the account and its progress after each page.
    pub progress: &'a mut dyn FnMut(&AccountReport),
}

impl std::fmt::Debug for World<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World").finish_non_exhaustive()
    }
}

/// The accounts `name` picks (all when `None`), or an error listing them.
pub fn chosen<'a>(config: &'a Config, name: Option<&str>) -> Result<Vec<&'a Account>> {
    if config.accounts.is_empty() {
        return Err(anyhow!(
            "no accounts to sync: add an [[accounts]] section to the config file \
             (`tend config --default` shows one for each service)"
        ));
    }
    let Some(name) = name else {
        return Ok(config.accounts.iter().collect());
    };
    let found: Vec<&Account> = config.accounts.iter().filter(|a| a.name == name).collect();
    if found.is_empty() {
        let names: Vec<&str> = config.accounts.iter().map(|a| a.name.as_str()).collect();
        return Err(anyhow!(
            "no account named {}; the config has: {}",
            crate::sanitize::quote(name),
            names.join(", ")
        ));
    }
    Ok(found)
}

/// Syncs one account. Pages stored before a failure stay stored; the
/// report says what failed.
pub fn sync_account(
    store: &mut Store,
    config: &Config,
    config_path: &std::path::Path,
    account: &Account,
    world: &mut World<'_>,
) -> AccountReport {
    let mut report = AccountReport {
        account: account.name.clone(),
        platform: account.service.as_str().to_owned(),
        ..AccountReport::default()
    };
    if let Err(err) = pull(store, config, config_path, account, world, &mut report) {
        report.error = Some(format!("{err:#}").replace(['\n', '\r'], " "));
    }
    report
}

fn pull(
    store: &mut Store,
    config: &Config,
    config_path: &std::path::Path,
    account: &Account,
    world: &mut World<'_>,
    report: &mut AccountReport,
) -> Result<()> {
    let secret = secret::read(account, config_path)?;
    (world.progress)(report);
    let mut http = Http::new(
        Duration::from_secs(u64::from(config.sync.timeout_seconds.0)),
        Duration::from_secs(u64::from(config.sync.wait_seconds.0)),
        world.clock,
        world.sleep,
    );
    let mut source: Box<dyn Source> = match account.service {
        Service::Mastodon => Box::new(mastodon::Mastodon::new(account, secret)),
        Service::Bluesky => Box::new(bluesky::Bluesky::new(
            account,
            secret,
            kept::path_for(world.state_dir, &account.name),
            origin_of(account),
        )),
        Service::Github => Box::new(github::Github::new(account, secret)),
    };
    let walked = walk(
        store,
        config,
        account,
        source.as_mut(),
        &mut http,
        world,
        report,
    );
    report.notes.extend(source.notes());
    walked
}

/// Fetches and stores pages from where the account's cursor stands.
fn walk(
    store: &mut Store,
    config: &Config,
    account: &Account,
    source: &mut dyn Source,
    http: &mut Http<'_>,
    world: &mut World<'_>,
    report: &mut AccountReport,
) -> Result<()> {
    let platform = account.service.platform();
    let origin = origin_of(account);
    // A cursor this tend cannot read (written by hand?), or one of another
    // server, starts over: what is already stored is recognized, not
    // duplicated.
    let mut cursor: Cursor = store
        .sync_cursor(&account.name)?
        .and_then(|text| serde_json::from_str::<Cursor>(&text).ok())
        .filter(|cursor| cursor.origin.as_deref() == Some(origin.as_str()))
        .unwrap_or_default();
    let mut my_handles = config.me.handle_keys();
    // Ids seen in this run: a page of nothing but those means the pages
    // shifted under the walk (new items pushed page N down to N+1) or the
    // server repeats itself. Stop this run there, walk kept: the next run
    // goes on from the same place, where those items are merely known.
    let mut seen = std::collections::HashSet::new();
    while report.pages < MAX_PAGES {
        let walk = cursor.walk.clone();
        let mut fetched = match source.fetch(
            http,
            cursor.since.as_deref(),
            walk.as_ref().map(|walk| walk.next.as_str()),
            cursor.last_modified.as_deref().filter(|_| walk.is_none()),
        )? {
            Fetch::NotModified => {
                report.up_to_date = true;
                return Ok(());
            }
            Fetch::Page(fetched) => fetched,
        };
        // An empty page ends the walk, whatever the service says comes next
        // (a cursor that never runs out would walk on to MAX_PAGES).
        if fetched.ids.is_empty() {
            fetched.next = None;
        }
        for handle in source.my_handles() {
            my_handles.insert((platform, platform.handle_key(&handle)));
        }
        if !fetched.ids.is_empty() && fetched.ids.iter().all(|id| seen.contains(id)) {
            return Ok(());
        }
        seen.extend(fetched.ids.iter().cloned());
        let next_cursor = after_page(&cursor, &fetched, &origin);
        report.pages += 1;
        let page = SyncPage {
            name: format!("{} page {}", account.name, report.pages),
            account: &account.name,
            platform,
            content: fetched.content,
            not_messages: fetched.not_messages,
            cursor: serde_json::to_string(&next_cursor).context("writing the sync cursor")?,
        };
        report
            .stored
            .absorb(store_page(store, &page, &my_handles, world.clock.now())?);
        (world.progress)(report);
        let complete = next_cursor.walk.is_none();
        cursor = next_cursor;
        if complete {
            report.up_to_date = true;
            return Ok(());
        }
    }
    Ok(())
}

/// Where the walk stands once `fetched`, the page after `cursor`, is stored.
fn after_page(cursor: &Cursor, fetched: &Fetched, origin: &str) -> Cursor {
    let walk = cursor.walk.as_ref();
    let top = walk
        .map(|walk| walk.top.clone())
        .or_else(|| fetched.newest.clone());
    let last_modified = walk
        .and_then(|walk| walk.last_modified.clone())
        .or_else(|| fetched.last_modified.clone());
    match (&fetched.next, top, fetched.reached_known) {
        (Some(next), Some(top), false) => Cursor {
            since: cursor.since.clone(),
            last_modified: cursor.last_modified.clone(),
            walk: Some(Walk {
                top,
                next: next.clone(),
                last_modified,
            }),
            origin: Some(origin.to_owned()),
        },
        (_, top, _) => Cursor {
            since: top.or_else(|| cursor.since.clone()),
            last_modified: last_modified.or_else(|| cursor.last_modified.clone()),
            walk: None,
            origin: Some(origin.to_owned()),
        },
    }
}

/// How far back of `since` a time-keyed walk looks again. A service's time
/// is when something happened, and an item can become visible a little
/// after a later one (indexing, delivery): the overlap fetches it, and the
/// store's dedupe makes the rest "already known".
pub const TIME_OVERLAP: chrono::Duration = chrono::Duration::minutes(10);

/// `since` (RFC 3339) less `TIME_OVERLAP`: where a time-keyed walk stops.
#[must_use]
pub fn looked_back(since: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let since = chrono::DateTime::parse_from_rfc3339(since).ok()?;
    Some(since.with_timezone(&chrono::Utc) - TIME_OVERLAP)
}

/// A page's items sorted out against `since` (less `TIME_OVERLAP`), for
/// services whose items carry a time (`indexedAt`, `updated_at`).
#[derive(Debug)]
pub struct Split {
    /// Every item's id (`id_key`), known or not.
    pub ids: Vec<String>,
    /// The items newer than `since`, in the page's order.
    pub fresh: Vec<serde_json::Value>,
    pub reached_known: bool,
    /// The newest fresh item's time, RFC 3339.
    pub newest: Option<String>,
}

#[must_use]
pub fn split_by_time(
    items: Vec<serde_json::Value>,
    id_key: &str,
    time_key: &str,
    since: Option<&str>,
) -> Split {
    use chrono::{DateTime, Utc};
    let time = |item: &serde_json::Value| -> Option<DateTime<Utc>> {
        let text = item.get(time_key)?.as_str()?;
        Some(DateTime::parse_from_rfc3339(text).ok()?.with_timezone(&Utc))
    };
    let since = since.and_then(looked_back);
    let total = items.len();
    let ids = items
        .iter()
        .filter_map(|item| item.get(id_key)?.as_str().map(str::to_owned))
        .collect();
    let fresh: Vec<serde_json::Value> = items
        .into_iter()
        .filter(|item| match (time(item), since) {
            (Some(at), Some(since)) => at > since,
            _ => true,
        })
        .collect();
    let newest = fresh
        .iter()
        .filter_map(time)
        .max()
        .map(crate::model::rfc3339);
    Split {
        ids,
        reached_known: fresh.len() < total,
        fresh,
        newest,
    }
}

/// The value of `param` in the `rel="next"` address of a `Link` header.
#[must_use]
pub fn link_next(link: &str, param: &str) -> Option<String> {
    link_param(link, "next", param)
}

/// Query parameter `param` of the `Link` header's `rel` address.
#[must_use]
pub fn link_param(link: &str, rel: &str, param: &str) -> Option<String> {
    let wanted = format!("rel=\"{rel}\"");
    link.split(',').find_map(|part| {
        let (address, rels) = part.split_once(';')?;
        if !rels.split(';').any(|each| each.trim() == wanted) {
            return None;
        }
        let address = address.trim().strip_prefix('<')?.strip_suffix('>')?;
        let (_, query) = address.split_once('?')?;
        query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == param).then(|| value.to_owned())
        })
    })
}

/// A message for a server's refusal of the secret: what, and how to fix it.
pub(crate) fn refused(account: &Account, status: u16, detail: &str, fix: &str) -> anyhow::Error {
    anyhow!(
        "{service} refused the {} ({status}{detail}); {fix}, then put it where the account's \
         {key}_env or {key}_file setting points",
        account.service.secret_name(),
        service = account.service.as_str(),
        key = account.service.secret_key(),
    )
}

/// A reply that is not what the service documents.
pub(crate) fn unexpected(what: &str, reply: &http::Reply) -> anyhow::Error {
    anyhow!(
        "{what} answered {}{}, which tend does not expect; try again later, and \
         check the account's address in the config file",
        reply.status,
        reply.detail()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_next_finds_the_next_page_only() {
        let mastodon = "<https://mastodon.example/api/v1/notifications?limit=4&max_id=88212840>; rel=\"next\", \
                        <https://mastodon.example/api/v1/notifications?limit=4&min_id=88213457>; rel=\"prev\"";
        assert_eq!(link_next(mastodon, "max_id").as_deref(), Some("88212840"));
        assert_eq!(link_next(mastodon, "min_id"), None);
        let github = "<https://api.github.com/notifications?per_page=5&page=2>; rel=\"next\", \
                      <https://api.github.com/notifications?per_page=5&page=3>; rel=\"last\"";
        assert_eq!(link_next(github, "page").as_deref(), Some("2"));
        assert_eq!(link_param(github, "last", "page").as_deref(), Some("3"));
        assert_eq!(link_param(github, "prev", "page"), None);
        assert_eq!(link_next("garbage", "page"), None);
    }

    #[test]
    fn a_cursor_reads_back_what_it_wrote() {
        let cursor = Cursor {
            since: Some("88213457".into()),
            last_modified: None,
            walk: Some(Walk {
                top: "9".into(),
                next: "5".into(),
                last_modified: None,
            }),
            origin: Some("mastodon https://m.example".into()),
        };
        let text = serde_json::to_string(&cursor).unwrap();
        assert_eq!(
            text,
            r#"{"since":"88213457","walk":{"top":"9","next":"5"},"origin":"mastodon https://m.example"}"#
        );
        assert_eq!(serde_json::from_str::<Cursor>(&text).unwrap(), cursor);
    }
}
