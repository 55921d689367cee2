//! GitHub's REST JSON: issue and pull-request comments (`GET` on a
//! notification's `latest_comment_url`, or a `/issues/N/comments` listing),
//! issues and pull requests themselves (their opening text), and pages of
//! `GET /notifications`.
//!
//! A notification says that something happened on a thread and why
//! (`mention`, `comment`, …), not who wrote what: its text is behind its
//! `latest_comment_url`. A notifications file is therefore counted, not
//! imported; `tend sync` fetches each one's comment (`sync::github`), and a
//! saved comment imports here. Every message of an issue or pull request
//! goes into one thread, `owner/repo#number`.

use serde_json::{Map, Value};

use super::platform::{Found, Records, field_str, optional_str, timestamp_at};
use crate::model::{Kind, Platform};
use crate::store::NewMessage;

/// What a notification without its comment is counted as.
pub const NOTIFICATION: &str = "notification without text";

/// A comment, an issue or a pull request, or an array of them or of
/// notifications.
#[must_use]
pub fn recognizes(document: &Value) -> bool {
    match document {
        Value::Array(items) => items
            .first()
            .is_some_and(|first| is_notification(first) || is_post(first)),
        Value::Object(_) => is_post(document),
        _ => false,
    }
}

fn is_notification(item: &Value) -> bool {
    item.get("reason").is_some_and(Value::is_string)
        && item.get("subject").is_some_and(Value::is_object)
        && item.get("repository").is_some()
}

/// A comment, issue or pull request: GitHub's node id and body, and the
/// address of the issue or repository it belongs to.
fn is_post(item: &Value) -> bool {
    item.get("node_id").is_some()
        && item.get("body").is_some()
        && ["issue_url", "pull_request_url", "repository_url"]
            .iter()
            .any(|key| item.get(*key).is_some_and(Value::is_string))
}

pub fn read(document: &Value, records: &mut Records<'_>) {
    match document {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let path = format!("[{index}]");
                match item {
                    Value::Object(_) if is_notification(item) => {
                        records.not_a_message(NOTIFICATION);
                    }
                    Value::Object(object) => records.add(message(object, &path, None)),
                    other => records.add(Err(Found::not_an_object(&path, Some(other)))),
                }
            }
        }
        Value::Object(object) => records.add(message(object, "comment", None)),
        _ => {}
    }
}

/// One comment, issue or pull request as a message; `title` is the issue's,
/// when a notification told it.
pub fn message(
    post: &Map<String, Value>,
    path: &str,
    title: Option<&str>,
) -> Result<NewMessage, Found> {
    let node_id = field_str(post, "node_id", path)?;
    let created_at = timestamp_at(post, "created_at", path)?;
    let thread = thread_of(post).ok_or_else(|| Found {
        path: format!("{path}.issue_url"),
        message: "missing: no issue or pull request address to thread it under".to_owned(),
    })?;
    let body = match post.get("body") {
        Some(Value::String(body)) => body.as_str(),
        // An issue opened with an empty description has a null body.
        None | Some(Value::Null) => "",
        Some(other) => {
            return Err(Found {
                path: format!("{path}.body"),
                message: format!("must be a string, not {}", super::record::type_name(other)),
            });
        }
    };
    // GitHub stores Markdown with CRLF line ends; a lone CR is kept (and
    // shown as a placeholder, as any control character is).
    let text = body.replace("\r\n", "\n");
    // A deleted account's posts have `user: null` (or GitHub's "ghost").
    let user = post.get("user").and_then(Value::as_object);
    let login = user.and_then(|user| optional_str(user, "login"));
    let mut extra = Map::new();
    if let Some(association) = optional_str(post, "author_association") {
        extra.insert("author_association".into(), Value::String(association));
    }
    Ok(NewMessage {
        platform: Platform::Github,
        external_id: node_id,
        created_at,
        text,
        kind: Kind::Comment,
        thread_id: Some(thread),
        parent_id: None,
        author_handle: login,
        author_display_name: None,
        author_profile_url: user.and_then(|user| optional_str(user, "html_url")),
        author_id: user.and_then(|user| optional_str(user, "id")),
        title: title
            .map(str::to_owned)
            .or_else(|| optional_str(post, "title")),
        url: optional_str(post, "html_url"),
        source_account: None,
        direction: None,
        author_followers: None,
        extra_json: (!extra.is_empty()).then(|| Value::Object(extra).to_string()),
    })
}

/// `owner/repo#number`, from a comment's issue (or pull request) address,
/// or an issue's own repository address and number.
#[must_use]
pub fn thread_of(post: &Map<String, Value>) -> Option<String> {
    for key in ["issue_url", "pull_request_url"] {
        if let Some(url) = post.get(key).and_then(Value::as_str) {
            return issue_in_api_url(url);
        }
    }
    let repository = post.get("repository_url")?.as_str()?;
    let (owner, repo, _) = repository_in_api_url(repository)?;
    let number = post.get("number")?.as_u64()?;
    Some(format!("{owner}/{repo}#{number}"))
}

/// `…/repos/OWNER/REPO/issues/N` (or `/pulls/N`) → `OWNER/REPO#N`.
#[must_use]
pub fn issue_in_api_url(url: &str) -> Option<String> {
    let (owner, repo, number) = issue_address(url)?;
    Some(format!("{owner}/{repo}#{number}"))
}

/// Owner, repository and number of an issue's or pull request's API
/// address (`…/repos/OWNER/REPO/issues/N`, `/pulls/N`; what follows the
/// number is not looked at).
#[must_use]
pub fn issue_address(url: &str) -> Option<(&str, &str, &str)> {
    let (owner, repo, rest) = repository_in_api_url(url)?;
    let mut parts = rest.split('/');
    let (kind, number) = (parts.next()?, parts.next()?);
    let number = number.split(['?', '#']).next()?;
    let valid = matches!(kind, "issues" | "pulls")
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit());
    valid.then_some((owner, repo, number))
}

/// Owner and repository of an API address under `/repos/`, and the rest.
fn repository_in_api_url(url: &str) -> Option<(&str, &str, &str)> {
    let (_, rest) = url.split_once("/repos/")?;
    let mut parts = rest.splitn(3, '/');
    let owner = parts.next().filter(|part| !part.is_empty())?;
    let repo = parts.next().filter(|part| !part.is_empty())?;
    Some((owner, repo, parts.next().unwrap_or("")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_are_owner_repo_number() {
        assert_eq!(
            issue_in_api_url("https://api.github.com/repos/tallybook/tallybook/issues/214")
                .as_deref(),
            Some("tallybook/tallybook#214")
        );
        assert_eq!(
            issue_in_api_url("https://api.github.com/repos/a/b/pulls/7?x=1").as_deref(),
            Some("a/b#7")
        );
        assert_eq!(
            issue_in_api_url("https://api.github.com/repos/a/b/issues/comments/9"),
            None
        );
        assert_eq!(issue_in_api_url("https://api.github.com/repos/a/b"), None);
        let issue: Map<String, Value> = serde_json::from_str(
            r#"{"repository_url": "https://api.github.com/repos/a/b", "number": 12}"#,
        )
        .unwrap();
        assert_eq!(thread_of(&issue).as_deref(), Some("a/b#12"));
    }
}
