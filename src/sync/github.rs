//! GitHub: `GET /notifications?all=true`, newest first, paged by `page`
//! from the `Link` header, `since` the newest update already seen, and
//! `If-Modified-Since` so an unchanged inbox costs no rate limit (304).
//!
//! A notification carries no text, and its `latest_comment_url` is only the
//! newest comment: a mention followed by a bot's comment would be lost with
//! it. So for an issue or pull request the thread's comments since the last
//! sync are read (`/issues/N/comments?since=`), plus its opening post when
//! that is new too; on the first sync, the newest page of comments and the
//! opening post. The latest comment is read on its own only when the
//! listing does not hold it (a review comment, a listing that cannot be
//! read). Discussions have no REST address and are counted, as are notices
//! that are not conversations (CI, security alerts, invitations).

use std::collections::HashSet;

use anyhow::{Result, anyhow};
use chrono::{DateTime, SecondsFormat, Utc};
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

/// A comment, issue or pull request as GitHub's REST API gives it.
type Post = Map<String, Value>;

/// GitHub's largest page of comments.
const COMMENTS_PER_PAGE: u32 = 100;
/// Pages of one thread's new comments a sync reads at most (the rest are
/// older than the 1,000 newest, and the thread is there to be opened).
const COMMENT_PAGES: u32 = 10;

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

    /// The posts each notification stands for (with the thread's title),
    /// or the kinds the others are counted as. `bound` is how far back is
    /// new: the last complete walk's newest update, less the overlap.
    fn texts_of(
        &mut self,
        http: &mut Http<'_>,
        notifications: &[Value],
        bound: Option<DateTime<Utc>>,
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
            let thread = match conversation_of(notification) {
                Ok(thread) => thread,
                Err(kind) => {
                    not_messages.push(kind);
                    continue;
                }
            };
            let found = self.thread_since(http, &thread, bound, &mut not_messages)?;
            posts.extend(found.into_iter().map(|post| (post, thread.title.clone())));
        }
        Ok((posts, not_messages))
    }

    /// An issue's or pull request's posts since `bound`: its comments, and
    /// its opening post when that is new (or is what the notification
    /// points at, as before anyone comments). With no bound (a first sync),
    /// the newest comments and the opening post. What the notification
    /// points at is read on its own when the listing may not hold it (a
    /// review comment, a listing that cannot be read); when that cannot be
    /// read either, it is counted.
    fn thread_since(
        &self,
        http: &mut Http<'_>,
        thread: &Conversation<'_>,
        bound: Option<DateTime<Utc>>,
        not_messages: &mut Vec<String>,
    ) -> Result<Vec<Post>> {
        let comments = self.comments(http, &thread.listing, bound)?;
        let latest = thread.latest;
        let mut posts = Vec::new();
        match self.post(http, thread.address)? {
            Ok(opening) if api_url_of(&opening) == Some(latest) || is_newer(&opening, bound) => {
                posts.push(opening);
            }
            Err(unreadable) if latest == thread.address => not_messages.push(unreadable),
            // An old opening post, or one that cannot be read while the
            // notification points at a comment: the comments are the news.
            Ok(_) | Err(_) => {}
        }
        // An issue comment the listing does not hold, when it holds the
        // newest, is older than the bound: already stored.
        let held = latest == thread.address
            || comments.as_ref().is_some_and(|comments| {
                comments.holds_newest && latest.contains("/issues/comments/")
            });
        posts.extend(comments.into_iter().flat_map(|comments| comments.posts));
        if !held && !posts.iter().any(|post| api_url_of(post) == Some(latest)) {
            match self.post(http, latest)? {
                Ok(post) => posts.push(post),
                Err(unreadable) => not_messages.push(unreadable),
            }
        }
        Ok(posts)
    }

    /// The comments of listing `path` (`/repos/O/R/issues/N/comments`)
    /// updated since `bound`, oldest first, up to `COMMENT_PAGES` pages;
    /// with no bound, the newest ones. `None` when it cannot be read.
    fn comments(
        &self,
        http: &mut Http<'_>,
        path: &str,
        bound: Option<DateTime<Utc>>,
    ) -> Result<Option<Comments>> {
        let mut first = format!("{path}?per_page={COMMENTS_PER_PAGE}");
        let Some(bound) = bound else {
            return self.newest_comments(http, &first);
        };
        push_param(
            &mut first,
            "since",
            &bound.to_rfc3339_opts(SecondsFormat::Secs, true),
        );
        let Some((mut posts, link)) = self.comment_page(http, &first)? else {
            return Ok(None);
        };
        // Pages left unread (a thousand comments since the last sync, or
        // one that failed) are the newest ones.
        let mut holds_newest = true;
        let mut next = super::link_next(&link, "page");
        for _ in 1..COMMENT_PAGES {
            let Some(page) = next.take() else {
                break;
            };
            let mut address = first.clone();
            push_param(&mut address, "page", &page);
            let Some((comments, link)) = self.comment_page(http, &address)? else {
                holds_newest = false;
                break;
            };
            posts.extend(comments);
            next = super::link_next(&link, "page");
        }
        holds_newest &= next.is_none();
        Ok(Some(Comments {
            posts,
            holds_newest,
        }))
    }

    /// The newest 100 or more comments of listing `first` (page 1): comments
    /// come oldest first, so these are the last page and, when that holds
    /// fewer than a page, the one before it.
    fn newest_comments(&self, http: &mut Http<'_>, first: &str) -> Result<Option<Comments>> {
        let Some((page_1, link)) = self.comment_page(http, first)? else {
            return Ok(None);
        };
        let Some(last) = super::link_param(&link, "last", "page")
            .and_then(|page| page.parse::<u32>().ok())
            .filter(|last| *last > 1)
        else {
            return Ok(Some(Comments {
                posts: page_1,
                holds_newest: true,
            }));
        };
        let page = |number: u32| {
            let mut address = first.to_owned();
            push_param(&mut address, "page", &number.to_string());
            address
        };
        let Some((mut newest, _)) = self.comment_page(http, &page(last))? else {
            return Ok(Some(Comments {
                posts: page_1,
                holds_newest: false,
            }));
        };
        if newest.len() < COMMENTS_PER_PAGE as usize {
            let before = if last == 2 {
                Some(page_1)
            } else {
                self.comment_page(http, &page(last - 1))?
                    .map(|(comments, _)| comments)
            };
            if let Some(mut before) = before {
                before.append(&mut newest);
                newest = before;
            }
        }
        Ok(Some(Comments {
            posts: newest,
            holds_newest: true,
        }))
    }

    /// One page of a comments listing and its `Link` header, or `None`
    /// when it cannot be read.
    fn comment_page(
        &self,
        http: &mut Http<'_>,
        address: &str,
    ) -> Result<Option<(Vec<Post>, String)>> {
        let Ok((reply, what)) = self.get(http, address)? else {
            return Ok(None);
        };
        let Ok(Value::Array(items)) = reply.json(&what) else {
            return Ok(None);
        };
        let comments = items
            .into_iter()
            .filter_map(|item| match item {
                Value::Object(comment) => Some(comment),
                _ => None,
            })
            .collect();
        Ok(Some((
            comments,
            reply.header("link").unwrap_or_default().to_owned(),
        )))
    }

    fn check(&self, what: &str, reply: &Reply) -> Result<()> {
        match reply.status {
            200 | 304 => Ok(()),
            401 | 403 => Err(refused(
                self.account,
                reply.status,
                &reply.detail(),
                TOKEN_FIX,
            )),
            _ => Err(unexpected(what, reply)),
        }
    }

    /// The comment (or issue) at an API address GitHub gave, or the kind of
    /// item it is counted as when it cannot be read.
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
        Ok(match self.get(http, path)? {
            Ok((reply, what)) => match reply.json(&what) {
                Ok(Value::Object(post)) => Ok(post),
                _ => Err("unreadable comment (not JSON)".to_owned()),
            },
            Err(unreadable) => Err(unreadable),
        })
    }

    /// A 200 answer to `GET path` (with its query) on the configured API,
    /// with what it was for error messages; or, when the item cannot be
    /// read (deleted, behind SSO, a server error that lasts), the kind it is
    /// counted as: one such item must not stop every later sync at the same
    /// place. The network, the token and rate limits stop the sync (`Err`),
    /// which resumes here.
    fn get(
        &self,
        http: &mut Http<'_>,
        path: &str,
    ) -> Result<std::result::Result<(Reply, String), String>> {
        let what = format!("GET {}", path.split('?').next().unwrap_or(path));
        let reply = match http.send(&self.call(format!("{}{path}", self.account.base_url), &what)) {
            Ok(reply) => reply,
            Err(HttpError::Server { status, .. }) => {
                return Ok(Err(format!("unreadable comment ({status})")));
            }
            Err(other) => return Err(other.into()),
        };
        match reply.status {
            200 => Ok(Ok((reply, what))),
            404 | 410 => Ok(Err("deleted comment".to_owned())),
            401 => Err(refused(self.account, 401, &reply.detail(), TOKEN_FIX)),
            status => Ok(Err(format!("unreadable comment ({status})"))),
        }
    }
}

/// The API address a post was read from (`url`: a comment's, an issue's).
fn api_url_of(post: &Map<String, Value>) -> Option<&str> {
    post.get("url").and_then(Value::as_str)
}

/// Whether a post was written after `bound` (always, with no bound or no
/// readable time: the store's dedupe makes a repeat "already known").
fn is_newer(post: &Map<String, Value>, bound: Option<DateTime<Utc>>) -> bool {
    let created = post
        .get("created_at")
        .and_then(Value::as_str)
        .and_then(|at| DateTime::parse_from_rfc3339(at).ok());
    match (created, bound) {
        (Some(created), Some(bound)) => created > bound,
        _ => true,
    }
}

/// An issue or pull request a notification is about.
#[derive(Debug)]
struct Conversation<'n> {
    /// Its API address.
    address: &'n str,
    /// `/repos/O/R/issues/N/comments`: a pull request's conversation is its
    /// issue's comments.
    listing: String,
    /// What the notification points at: the newest comment, or the
    /// address itself before anyone comments.
    latest: &'n str,
    title: Option<String>,
}

/// Comments read from a listing.
#[derive(Debug)]
struct Comments {
    posts: Vec<Post>,
    /// The listing's newest comments are among them.
    holds_newest: bool,
}

/// The issue or pull request a notification is about, or the kind it is
/// counted as: a notice that is not a conversation (CI, security alerts),
/// a discussion (not in the REST API), a release or a commit.
fn conversation_of(notification: &Value) -> std::result::Result<Conversation<'_>, String> {
    let reason = notification
        .get("reason")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    if NOT_CONVERSATIONS.contains(&reason) {
        return Err(reason.to_owned());
    }
    let subject = notification.get("subject");
    let field = |key: &str| subject.and_then(|s| s.get(key)).and_then(Value::as_str);
    let kind = field("type").unwrap_or("notification");
    let Some(address) = field("url") else {
        return Err(format!("{kind} (not in GitHub's REST API)"));
    };
    let Some((owner, repo, number)) = crate::import::github::issue_address(address) else {
        return Err(format!("{kind} (not an issue or pull request)"));
    };
    Ok(Conversation {
        address,
        listing: format!("/repos/{owner}/{repo}/issues/{number}/comments"),
        latest: field("latest_comment_url").unwrap_or(address),
        title: field("title").map(str::to_owned),
    })
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
        let bound = since.and_then(super::looked_back);
        if let Some(bound) = bound {
            push_param(
                &mut url,
                "since",
                &bound.to_rfc3339_opts(SecondsFormat::Secs, true),
            );
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
        let split = split_by_time(notifications, "id", "updated_at", since);
        let (posts, not_messages) = self.texts_of(http, &split.fresh, bound)?;
        let next = reply
            .header("link")
            .and_then(|link| link_next(link, "page"));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_is_a_conversation_when_it_is_about_an_issue_or_pull_request() {
        let about = |reason: &str, kind: &str, url: Option<&str>, latest: Option<&str>| {
            serde_json::json!({
                "reason": reason,
                "subject": {"title": "T", "type": kind, "url": url, "latest_comment_url": latest}
            })
        };
        let issue = about(
            "mention",
            "Issue",
            Some("https://api.github.com/repos/tallybook/tallybook/issues/214"),
            Some("https://api.github.com/repos/tallybook/tallybook/issues/comments/9"),
        );
        let found = conversation_of(&issue).unwrap();
        assert_eq!(
            found.listing,
            "/repos/tallybook/tallybook/issues/214/comments"
        );
        assert_eq!(
            found.latest,
            "https://api.github.com/repos/tallybook/tallybook/issues/comments/9"
        );
        assert_eq!(found.title.as_deref(), Some("T"));
        // A pull request's conversation is its issue's comments; before
        // anyone comments, the notification points at the pull request.
        let pull = about(
            "mention",
            "PullRequest",
            Some("https://ghe.example/api/v3/repos/o/r/pulls/7"),
            None,
        );
        let found = conversation_of(&pull).unwrap();
        assert_eq!(found.listing, "/repos/o/r/issues/7/comments");
        assert_eq!(found.latest, "https://ghe.example/api/v3/repos/o/r/pulls/7");
        for (notification, counted) in [
            (
                about(
                    "subscribed",
                    "Release",
                    Some("https://api.github.com/repos/o/r/releases/5"),
                    None,
                ),
                "Release (not an issue or pull request)",
            ),
            (
                about(
                    "comment",
                    "Commit",
                    Some("https://api.github.com/repos/o/r/commits/abc123"),
                    None,
                ),
                "Commit (not an issue or pull request)",
            ),
            (
                about("mention", "Discussion", None, None),
                "Discussion (not in GitHub's REST API)",
            ),
            (
                about(
                    "ci_activity",
                    "CheckSuite",
                    Some("https://api.github.com/repos/o/r/issues/7"),
                    None,
                ),
                "ci_activity",
            ),
        ] {
            assert_eq!(conversation_of(&notification).unwrap_err(), counted);
        }
    }

    #[test]
    fn a_post_is_newer_than_the_bound_when_written_after_it() {
        let post = |created: &str| {
            serde_json::json!({ "created_at": created })
                .as_object()
                .cloned()
                .unwrap_or_default()
        };
        let bound = DateTime::parse_from_rfc3339("2026-06-12T09:08:44Z")
            .map(|at| at.with_timezone(&Utc))
            .ok();
        assert!(is_newer(&post("2026-06-12T09:08:45Z"), bound));
        assert!(!is_newer(&post("2026-06-12T09:08:44Z"), bound));
        assert!(!is_newer(&post("2026-06-11T08:41:52Z"), bound));
        assert!(
            is_newer(&post("2026-06-11T08:41:52Z"), None),
            "a first sync takes it"
        );
        assert!(is_newer(&post("yesterday"), bound), "dedupe sorts it out");
    }
}
