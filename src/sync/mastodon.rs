//! Mastodon: `GET /api/v1/notifications?types[]=mention`, newest first,
//! paged by `max_id` from the `Link` header, with `since_id` so the server
//! sends only what is new. Notification ids are numbers written as strings.

use anyhow::{Result, anyhow};
use serde_json::Value;

use super::http::{Call, Http, push_param};
use super::secret::Secret;
use super::{Fetch, Fetched, Source, link_next, refused, unexpected};
use crate::config::Account;
use crate::import::PageContent;

#[derive(Debug)]
pub struct Mastodon<'a> {
    account: &'a Account,
    token: Secret,
}

impl<'a> Mastodon<'a> {
    pub fn new(account: &'a Account, token: Secret) -> Mastodon<'a> {
        Mastodon { account, token }
    }
}

/// Whether notification id `id` is at or below `since` (numeric order: ids
/// grow, and a longer one is larger).
fn at_or_below(id: &str, since: &str) -> bool {
    (id.len(), id) <= (since.len(), since)
}

impl Source for Mastodon<'_> {
    fn fetch(
        &mut self,
        http: &mut Http<'_>,
        since: Option<&str>,
        next: Option<&str>,
        _last_modified: Option<&str>,
    ) -> Result<Fetch> {
        let mut url = format!(
            "{}/api/v1/notifications?limit={}&types%5B%5D=mention",
            self.account.base_url, self.account.page_size
        );
        if let Some(next) = next {
            push_param(&mut url, "max_id", next);
        }
        if let Some(since) = since {
            push_param(&mut url, "since_id", since);
        }
        let what = "GET /api/v1/notifications";
        let reply = http.send(
            &Call::get(url, what)
                .header("Authorization", format!("Bearer {}", self.token.expose())),
        )?;
        match reply.status {
            200 => {}
            401 | 403 => {
                return Err(refused(
                    self.account,
                    reply.status,
                    &reply.detail(),
                    "make a new one in Mastodon under Preferences → Development → New \
                     application, with the read:notifications scope",
                ));
            }
            _ => return Err(unexpected(what, &reply)),
        }
        let page = reply.json(what)?;
        let Value::Array(notifications) = page else {
            return Err(anyhow!(
                "{what} answered something other than a list of notifications"
            ));
        };
        let total = notifications.len();
        let ids: Vec<Option<String>> = notifications
            .iter()
            .map(|n| n.get("id").and_then(Value::as_str).map(str::to_owned))
            .collect();
        // Known items are dropped: a server that ignores since_id (or an
        // instance that was moved) must not make the walk go on forever.
        let fresh: Vec<Value> = notifications
            .into_iter()
            .zip(&ids)
            .filter(|(_, id)| match (id, since) {
                (Some(id), Some(since)) => !at_or_below(id, since),
                _ => true,
            })
            .map(|(notification, _)| notification)
            .collect();
        let reached_known = fresh.len() < total;
        let newest = ids
            .iter()
            .flatten()
            .filter(|id| since.is_none_or(|since| !at_or_below(id, since)))
            .max_by(|a, b| (a.len(), a.as_str()).cmp(&(b.len(), b.as_str())))
            .cloned();
        let next = reply
            .header("link")
            .and_then(|link| link_next(link, "max_id"));
        Ok(Fetch::Page(Fetched {
            content: PageContent::Mastodon(Value::Array(fresh)),
            not_messages: Vec::new(),
            newest,
            ids: ids.into_iter().flatten().collect(),
            reached_known,
            next,
            last_modified: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_compare_as_numbers() {
        assert!(at_or_below("88212840", "88213457"));
        assert!(at_or_below("88213457", "88213457"));
        assert!(!at_or_below("100000000", "99999999"));
        assert!(at_or_below("99999999", "100000000"));
    }
}
