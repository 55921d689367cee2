//! Mastodon's own JSON: pages of `GET /api/v1/notifications` (mentions
//! become messages; favourites, boosts and follows are counted, not
//! imported) and a status context (`GET /api/v1/statuses/:id/context`).
//!
//! A status is keyed by its `uri` (global) while replies point at their
//! parent by `in_reply_to_id`, an id local to the instance that answered.
//! Inside a context file every status is there to translate it. On a
//! notifications page the parent is found when its author is a local
//! account mentioned in the reply (the usual "reply to you"): a local
//! status's uri is `https://HOST/users/NAME/statuses/ID`.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::html;
use super::platform::{Found, Records, field_str, optional_str, timestamp_at};
use crate::model::{Kind, Platform};
use crate::store::NewMessage;

/// Whether `document` is one of Mastodon's: a notifications page (an array
/// of objects with `type`, `account` and `created_at`) or a context.
#[must_use]
pub fn recognizes(document: &Value) -> bool {
    match document {
        // The last page of notifications is `[]`.
        Value::Array(items) => items.first().is_none_or(|first| {
            first.get("type").is_some_and(Value::is_string)
                && first.get("account").is_some_and(Value::is_object)
                && first.get("created_at").is_some()
        }),
        Value::Object(object) => {
            (object.contains_key("ancestors") && object.contains_key("descendants"))
                || is_status(object)
                || is_outbox(object)
        }
        _ => false,
    }
}

/// One status (`POST /api/v1/statuses` answers with the new one).
fn is_status(object: &Map<String, Value>) -> bool {
    ["uri", "account", "content", "created_at"]
        .iter()
        .all(|key| object.contains_key(*key))
}

/// `outbox.json` from an account archive: the user's own posts.
fn is_outbox(object: &Map<String, Value>) -> bool {
    object.get("type").and_then(Value::as_str) == Some("OrderedCollection")
        && object.get("orderedItems").is_some_and(Value::is_array)
}

pub fn read(document: &Value, records: &mut Records<'_>) {
    match document {
        Value::Array(notifications) => {
            for (index, notification) in notifications.iter().enumerate() {
                let path = format!("[{index}]");
                let kind = notification
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if kind != "mention" {
                    records.not_a_message(if kind.is_empty() { "unknown" } else { kind });
                    continue;
                }
                let found = match notification.get("status") {
                    Some(Value::Object(status)) => message(status, &format!("{path}.status"), None),
                    other => Err(Found::not_an_object(&format!("{path}.status"), other)),
                };
                records.add(found);
            }
        }
        Value::Object(status) if is_status(status) => {
            records.add(message(status, "status", None));
        }
        Value::Object(outbox) if is_outbox(outbox) => read_outbox(outbox, records),
        Value::Object(context) => {
            let statuses: Vec<(String, &Map<String, Value>)> = ["ancestors", "descendants"]
                .iter()
                .flat_map(|part| {
                    context
                        .get(*part)
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .enumerate()
                        .filter_map(move |(index, status)| {
                            status.as_object().map(|s| (format!("{part}[{index}]"), s))
                        })
                })
                .collect();
            // Local ids to uris: every parent in a context is in the file.
            let uris: HashMap<&str, &str> = statuses
                .iter()
                .filter_map(|(_, status)| {
                    Some((status.get("id")?.as_str()?, status.get("uri")?.as_str()?))
                })
                .collect();
            // Everything in a context is one thread: the first ancestor's,
            // the root (the status it was asked for is not in the file, so a
            // reply to it could not find its parent by id).
            let root = context
                .get("ancestors")
                .and_then(Value::as_array)
                .and_then(|ancestors| ancestors.first())
                .and_then(|root| root.get("uri"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            for (path, status) in statuses {
                records.add(message(status, &path, Some(&uris)).map(|mut message| {
                    message.thread_id.clone_from(&root);
                    message
                }));
            }
        }
        _ => {}
    }
}

/// An archive's outbox: each `Create` of a `Note` is one of the user's own
/// posts (outbound, whatever `[me]` says: the archive is theirs), replies
/// pointing at what they answered by its global id; boosts (`Announce`)
/// are counted.
fn read_outbox(outbox: &Map<String, Value>, records: &mut Records<'_>) {
    let items = outbox.get("orderedItems").and_then(Value::as_array);
    for (index, activity) in items.into_iter().flatten().enumerate() {
        let path = format!("orderedItems[{index}]");
        let kind = activity.get("type").and_then(Value::as_str).unwrap_or("");
        let note = activity.get("object").and_then(Value::as_object);
        match (kind, note) {
            ("Create", Some(note)) if note.get("type").and_then(Value::as_str) == Some("Note") => {
                records.add(outbox_note(note, &format!("{path}.object")));
            }
            ("Create", None) => records.add(Err(Found::not_an_object(
                &format!("{path}.object"),
                activity.get("object"),
            ))),
            ("Announce", _) => records.not_a_message("boost"),
            _ => records.not_a_message(if kind.is_empty() { "unknown" } else { kind }),
        }
    }
}

fn outbox_note(note: &Map<String, Value>, path: &str) -> Result<NewMessage, Found> {
    let uri = field_str(note, "id", path)?;
    let created_at = timestamp_at(note, "published", path)?;
    let actor = field_str(note, "attributedTo", path)?;
    let text = status_text(note.get("content"), optional_str(note, "summary"));
    // `https://HOST/users/NAME` is NAME@HOST.
    let handle = host_of(&actor).and_then(|host| {
        let name = actor.rsplit_once("/users/")?.1;
        (!name.is_empty() && !name.contains('/')).then(|| format!("{name}@{host}"))
    });
    let parent = optional_str(note, "inReplyTo");
    Ok(NewMessage {
        platform: Platform::Mastodon,
        external_id: uri,
        created_at,
        text,
        kind: if parent.is_some() {
            Kind::Reply
        } else {
            Kind::Mention
        },
        thread_id: None,
        parent_id: parent,
        author_handle: handle,
        author_display_name: None,
        author_profile_url: None,
        author_id: Some(actor),
        title: None,
        url: optional_str(note, "url"),
        source_account: None,
        direction: Some(crate::model::Direction::Out),
        author_followers: None,
        extra_json: None,
    })
}

/// A status's HTML as text, its content warning (part of what was said)
/// kept in front.
fn status_text(content: Option<&Value>, warning: Option<String>) -> String {
    let text = html::to_text(content.and_then(Value::as_str).unwrap_or(""));
    match warning {
        Some(warning) => format!("CW: {warning}\n\n{text}"),
        None => text,
    }
}

/// One status as a message. `uris` translates local ids (a context file).
fn message(
    status: &Map<String, Value>,
    path: &str,
    uris: Option<&HashMap<&str, &str>>,
) -> Result<NewMessage, Found> {
    let uri = field_str(status, "uri", path)?;
    let created_at = timestamp_at(status, "created_at", path)?;
    let account = status
        .get("account")
        .and_then(Value::as_object)
        .ok_or_else(|| Found::missing(&format!("{path}.account")))?;
    let acct = field_str(account, "acct", &format!("{path}.account"))?;
    let profile = optional_str(account, "url");
    let handle = full_handle(&acct, profile.as_deref());
    let text = status_text(status.get("content"), optional_str(status, "spoiler_text"));
    let visibility = optional_str(status, "visibility");
    let parent = optional_str(status, "in_reply_to_id").and_then(|local| match uris {
        Some(uris) => uris.get(local.as_str()).map(|uri| (*uri).to_owned()),
        None => local_parent_uri(status, &local),
    });
    let kind = if visibility.as_deref() == Some("direct") {
        Kind::Dm
    } else if status.get("in_reply_to_id").is_some_and(|v| !v.is_null()) {
        Kind::Reply
    } else {
        Kind::Mention
    };
    let mut extra = Map::new();
    if let Some(id) = optional_str(status, "id") {
        // The instance's own id: what a reply through its API names.
        extra.insert("status_id".into(), Value::String(id));
    }
    if let Some(visibility) = &visibility {
        extra.insert("visibility".into(), Value::String(visibility.clone()));
    }
    let followers = account.get("followers_count").and_then(Value::as_u64);
    if let Some(followers) = followers {
        extra.insert("author_followers".into(), Value::from(followers));
    }
    Ok(NewMessage {
        platform: Platform::Mastodon,
        external_id: uri,
        created_at,
        text,
        kind,
        thread_id: None,
        parent_id: parent,
        author_handle: Some(handle),
        author_display_name: optional_str(account, "display_name"),
        author_profile_url: profile,
        author_id: optional_str(account, "uri"),
        title: None,
        url: optional_str(status, "url"),
        source_account: None,
        direction: None,
        author_followers: followers,
        extra_json: Some(Value::Object(extra).to_string()),
    })
}

/// `user@host` for everyone: a local account's `acct` is bare, and its
/// host is the one in its profile address.
fn full_handle(acct: &str, profile: Option<&str>) -> String {
    if acct.contains('@') {
        return acct.to_owned();
    }
    match profile.and_then(host_of) {
        Some(host) => format!("{acct}@{host}"),
        None => acct.to_owned(),
    }
}

fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest)).filter(|host| !host.is_empty())
}

/// The uri of a reply's parent when the parent's author is a local account
/// mentioned in it (`https://HOST/@NAME` → `https://HOST/users/NAME/statuses/ID`).
fn local_parent_uri(status: &Map<String, Value>, local_id: &str) -> Option<String> {
    let author = status.get("in_reply_to_account_id")?.as_str()?;
    let mention = status
        .get("mentions")?
        .as_array()?
        .iter()
        .find(|mention| mention.get("id").and_then(Value::as_str) == Some(author))?;
    let acct = mention.get("acct")?.as_str()?;
    if acct.contains('@') {
        return None; // remote: its local id here is not the one in its uri
    }
    let url = mention.get("url")?.as_str()?;
    let scheme = url.split_once("://")?.0;
    let host = host_of(url)?;
    Some(format!(
        "{scheme}://{host}/users/{acct}/statuses/{local_id}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_get_their_host_and_local_parents_their_uri() {
        assert_eq!(
            full_handle("mira", Some("https://mastodon.example/@mira")),
            "mira@mastodon.example"
        );
        assert_eq!(
            full_handle("kai@social.example.net", None),
            "kai@social.example.net"
        );
        assert_eq!(full_handle("mira", Some("not a url")), "mira");
        let status: Map<String, Value> = serde_json::from_str(
            r#"{"in_reply_to_account_id": "1", "mentions": [
                {"id": "1", "acct": "robin", "url": "https://mastodon.example/@robin"}]}"#,
        )
        .unwrap();
        assert_eq!(
            local_parent_uri(&status, "42").as_deref(),
            Some("https://mastodon.example/users/robin/statuses/42")
        );
        let remote: Map<String, Value> = serde_json::from_str(
            r#"{"in_reply_to_account_id": "1", "mentions": [
                {"id": "1", "acct": "kai@social.example.net", "url": "https://social.example.net/@kai"}]}"#,
        )
        .unwrap();
        assert_eq!(local_parent_uri(&remote, "42"), None);
    }
}
