//! GitHub: `GET /notifications?all=true`, newest first, paged by `page`
//! from the `Link` header, `since` the newest update already seen, and
//! `If-Modified-Since` so an unchanged inbox costs no rate limit (304). A
//! notification carries no text: its `latest_comment_url` is fetched and the
//! comment (or the issue, for one without comments) becomes the message.
//! Discussions have no REST address and are counted, as are notices that
//! are not conversations (CI, security alerts, invitations).

use std::collections::HashSet;

use anyhow::{Result, anyhow};
use serde_json::{Map, Value};

use super::http::{Call, Http, HttpError, Reply, push_param};
use super::secret::Secret;
use super::{Fetch, Fetched, Source, link_next, refused, split_by_time, unexpected};
use crate::config::Account;
use crate::import::{GithubPost, PageContent};

/// Notification reasons that are not someone writing to the user.
const NOT_CONVERSATIONS: [&str; 7] = [
    "ci_activity",
    "security_alert",
    "security_advisory_credit",
    "invitation",
    "member_feature_requested",
    "approval_requested",
    "state_change",
];

const TOKEN_FIX: &str = "make a classic token with the notifications scope (and repo for \
                         private repositories) on GitHub under Settings → Developer settings → \
                         Personal access tokens → Tokens (classic)";

#[derive(Debug)]
pub struct Github<'a> {
    account: &'a Account,
    token: Secret,
    /// Notifications handled in this run: a repeated page fetches no
    /// comment twice.
    handled: HashSet<String>,
}

impl<'a> Github<'a> {
    pub fn new(account: &'a Account, token: Secret) -> Github<'a> {
        Github {
            account,
            token,
            handled: HashSet::new(),
        }
    }

    fn call<'c>(&self, url: String, what: &'c str) -> Call<'c> {
        Call::get(url, what)
            .header("Authorization", format!("Bearer {}", self.token.expose()))
            .header("Accept", "application/vnd.github+json".to_owned())
            .header("X-GitHub-Api-Version", "2022-11-28".to_owned())
    }

    /// What each notification points at: its comment (with the thread's
    /// title), or the kind it is counted as.
    fn texts_of(
        &mut self,
        http: &mut Http<'_>,
        notifications: &[Value],
    ) -> Result<(Vec<GithubPost>, Vec<String>)> {
        let mut posts = Vec::new();
        let mut not_messages = Vec::new();
        for notification in notifications {
            let id = notification
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !id.is_empty() && !self.handled.insert(id.to_owned()) {
                continue;
            }
            let reason = notification
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            if NOT_CONVERSATIONS.contains(&reason) {
                not_messages.push(reason.to_owned());
                continue;
            }
            let subject = notification.get("subject");
            let title = subject
                .and_then(|s| s.get("title"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            let address = subject.and_then(|s| {
                ["latest_comment_url", "url"]
                    .iter()
                    .find_map(|key| s.get(*key).and_then(Value::as_str))
            });
            let Some(address) = address else {
                let kind = subject
                    .and_then(|s| s.get("type"))
                    .and_then(Value::as_str)
                    .unwrap_or("notification");
                not_messages.push(format!("{kind} (not in GitHub's REST API)"));
                continue;
            };
            match self.post(http, address)? {
                Ok(post) => posts.push((post, title)),
                Err(unreadable) => not_messages.push(unreadable),
            }
        }
        Ok((posts, not_messages))
    }

    fn check(&self, what: &str, reply: &Reply) -> Result<()> {
        match reply.status {
            200 | 304 => Ok(()),
            401 => Err(refused(self.account, 401, &reply.detail(), TOKEN_FIX)),
            403 => Err(refused(self.account, 403, &reply.detail(), TOKEN_FIX)),
            _ => Err(unexpected(what, reply)),
        }
    }

    /// The comment (or issue) a notification points at, or the kind of
    /// item it is counted as when it cannot be read (deleted, behind SSO,
    /// a server error that lasts): one such item must not stop every later
    /// sync at the same place. The network, the token and rate limits
    /// stop the sync (`Err`), which resumes here.
    fn post(
        &self,
        http: &mut Http<'_>,
        api_url: &str,
    ) -> Result<std::result::Result<Map<String, Value>, String>> {
        // A notification names GitHub's own address; the request goes to the
        // configured API (GitHub Enterprise's `…/api/v3`, or a test's server).
        let Some(path) = api_url.find("/repos/").map(|at| &api_url[at..]) else {
            return Ok(Err("notification without a repository address".to_owned()));
        };
        let what = format!("GET {}", path.split('?').next().unwrap_or(path));
        let reply = match http.send(&self.call(format!("{}{path}", self.account.base_url), &what)) {
            Ok(reply) => reply,
            Err(HttpError::Server { status, .. }) => {
                return Ok(Err(format!("unreadable comment ({status})")));
            }
            Err(other) => return Err(other.into()),
        };
        match reply.status {
            200 => {}
            404 | 410 => return Ok(Err("deleted comment".to_owned())),
            401 => return Err(refused(self.account, 401, &reply.detail(), TOKEN_FIX)),
            status => return Ok(Err(format!("unreadable comment ({status})"))),
        }
        match reply.json(&what) {
            Ok(Value::Object(post)) => Ok(Ok(post)),
            _ => Ok(Err("unreadable comment (not JSON)".to_owned())),
        }
    }
}

impl Source for Github<'_> {
    fn fetch(
        &mut self,
        http: &mut Http<'_>,
        since: Option<&str>,
        next: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Fetch> {
        let mut url = format!(
            "{}/notifications?all=true&per_page={}",
            self.account.base_url, self.account.page_size
        );
        // As far back as `split_by_time` looks.
        if let Some(since) = since.and_then(super::looked_back) {
            let since = since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            push_param(&mut url, "since", &since);
        }
        if let Some(page) = next {
            push_param(&mut url, "page", page);
        }
        let what = "GET /notifications";
        let mut call = self.call(url, what);
        if let Some(last_modified) = last_modified {
            call = call.header("If-Modified-Since", last_modified.to_owned());
        }
        let reply = http.send(&call)?;
        self.check(what, &reply)?;
        if reply.status == 304 {
            return Ok(Fetch::NotModified);
        }
        let Value::Array(notifications) = reply.json(what)? else {
            return Err(anyhow!(
                "{what} answered something other than a list of notifications"
            ));
        };
        let total = notifications.len();
        let split = split_by_time(notifications, "id", "updated_at", since);
        let (posts, not_messages) = self.texts_of(http, &split.fresh)?;
        let next = (total > 0)
            .then(|| {
                reply
                    .header("link")
                    .and_then(|link| link_next(link, "page"))
            })
            .flatten();
        Ok(Fetch::Page(Fetched {
            content: PageContent::Github(posts),
            not_messages,
            newest: split.newest,
            ids: split.ids,
            reached_known: split.reached_known,
            next,
            last_modified: reply.header("last-modified").map(str::to_owned),
        }))
    }
}
