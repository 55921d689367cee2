//! Bluesky's own JSON: pages of `app.bsky.notification.listNotifications`
//! (mentions, replies and quotes become messages; likes, reposts, follows
//! and the rest are counted, not imported) and a thread from
//! `app.bsky.feed.getPostThread`. A post is keyed by its `at://` uri; its
//! `reply` refs give the thread (root) and the parent; link facets whose
//! text is shortened get their address shown.

use serde_json::{Map, Value};

use super::platform::{Found, Records, field_str, optional_str, timestamp_at};
use crate::model::{Kind, Platform};
use crate::store::NewMessage;

/// A notifications page (`notifications` of objects with a `reason`) or a
/// thread (`thread`).
#[must_use]
pub fn recognizes(document: &Value) -> bool {
    let Value::Object(object) = document else {
        return false;
    };
    let notifications = object
        .get("notifications")
        .and_then(Value::as_array)
        .is_some_and(|items| {
            items
                .first()
                .is_none_or(|first| first.get("reason").is_some())
        });
    let thread = object.get("thread").is_some_and(Value::is_object);
    notifications || thread
}

pub fn read(document: &Value, records: &mut Records<'_>) {
    if let Some(notifications) = document.get("notifications").and_then(Value::as_array) {
        for (index, notification) in notifications.iter().enumerate() {
            let path = format!("notifications[{index}]");
            let reason = notification
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            let kind = match reason {
                "mention" => Kind::Mention,
                "reply" => Kind::Reply,
                "quote" => Kind::Quote,
                other => {
                    records.not_a_message(other);
                    continue;
                }
            };
            let found = match notification {
                Value::Object(notification) => post(notification, "record", &path, kind),
                other => Err(Found::not_an_object(&path, Some(other))),
            };
            records.add(found);
        }
    } else if let Some(thread) = document.get("thread") {
        walk(thread, "thread", records);
    }
}

/// A thread view: the post, its parents (up) and its replies (down).
fn walk(view: &Value, path: &str, records: &mut Records<'_>) {
    let Value::Object(view) = view else { return };
    match view.get("$type").and_then(Value::as_str) {
        Some("app.bsky.feed.defs#notFoundPost") => return records.not_a_message("not found"),
        Some("app.bsky.feed.defs#blockedPost") => return records.not_a_message("blocked"),
        _ => {}
    }
    let found = match view.get("post") {
        Some(Value::Object(post_view)) => {
            post(post_view, "record", &format!("{path}.post"), Kind::Reply)
        }
        _ => Err(Found::missing(&format!("{path}.post"))),
    };
    records.add(found.map(|mut message| {
        // A post that replies to nothing starts the thread: not a reply.
        if message.parent_id.is_none() {
            message.kind = Kind::Mention;
        }
        message
    }));
    if let Some(parent) = view.get("parent") {
        walk(parent, &format!("{path}.parent"), records);
    }
    for (index, reply) in view
        .get("replies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        walk(reply, &format!("{path}.replies[{index}]"), records);
    }
}

/// A post (a notification or a thread's post view: `uri`, `author` and the
/// record under `record_key`) as a message.
fn post(
    view: &Map<String, Value>,
    record_key: &str,
    path: &str,
    kind: Kind,
) -> Result<NewMessage, Found> {
    let uri = field_str(view, "uri", path)?;
    let author = view
        .get("author")
        .and_then(Value::as_object)
        .ok_or_else(|| Found::missing(&format!("{path}.author")))?;
    let handle = field_str(author, "handle", &format!("{path}.author"))?;
    let record_path = format!("{path}.{record_key}");
    let record = view
        .get(record_key)
        .and_then(Value::as_object)
        .ok_or_else(|| Found::missing(&record_path))?;
    let created_at = timestamp_at(record, "createdAt", &record_path)
        .or_else(|_| timestamp_at(view, "indexedAt", path))?;
    let text = record.get("text").and_then(Value::as_str).unwrap_or("");
    let reply = record.get("reply").and_then(Value::as_object);
    let reference = |which: &str| reply?.get(which)?.get("uri")?.as_str().map(str::to_owned);
    let rkey = uri.rsplit('/').next().unwrap_or_default();
    Ok(NewMessage {
        platform: Platform::Bluesky,
        url: Some(format!("https://bsky.app/profile/{handle}/post/{rkey}")),
        external_id: uri,
        created_at,
        text: with_links(text, record.get("facets")),
        kind,
        thread_id: reference("root"),
        parent_id: reference("parent"),
        author_display_name: optional_str(author, "displayName"),
        author_profile_url: Some(format!("https://bsky.app/profile/{handle}")),
        author_id: optional_str(author, "did"),
        author_handle: Some(handle),
        title: None,
        source_account: None,
        direction: None,
        author_followers: None,
        extra_json: optional_str(view, "cid")
            .map(|cid| serde_json::json!({ "cid": cid }).to_string()),
    })
}

/// The text with each link facet's address after it, where the text shows
/// less than the address (Bluesky shortens long links to `example.com/a…`).
/// Facet ranges are UTF-8 byte offsets; one that does not fall on character
/// boundaries is left alone.
fn with_links(text: &str, facets: Option<&Value>) -> String {
    let mut links: Vec<(usize, String)> = facets
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|facet| {
            let end = usize::try_from(facet.get("index")?.get("byteEnd")?.as_u64()?).ok()?;
            let start = usize::try_from(facet.get("index")?.get("byteStart")?.as_u64()?).ok()?;
            let shown = text.get(start..end)?;
            let uri = facet
                .get("features")?
                .as_array()?
                .iter()
                .find_map(|feature| {
                    let link = feature.get("$type")?.as_str()? == "app.bsky.richtext.facet#link";
                    link.then(|| feature.get("uri")?.as_str())?
                })?;
            let bare = super::html::bare_address(uri);
            (!bare.starts_with(shown.trim_end_matches(['…', '.'])) || shown.ends_with('…'))
                .then(|| (end, format!(" ({uri})")))
        })
        .collect();
    links.sort_by_key(|(end, _)| std::cmp::Reverse(*end));
    let mut out = text.to_owned();
    for (end, address) in links {
        out.insert_str(end, &address);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shortened_links_get_their_address_and_bytes_are_bytes() {
        let text = "café ☕ docs: example.com/import/c… and example.com";
        let start = text.find("example.com/import").unwrap();
        let end = start + "example.com/import/c…".len();
        let second = text.rfind("example.com").unwrap();
        let facets = json!([
            {"index": {"byteStart": start, "byteEnd": end},
             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/import/csv"}]},
            {"index": {"byteStart": second, "byteEnd": second + 11},
             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com"}]},
            {"index": {"byteStart": 1, "byteEnd": 4},
             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://broken.example"}]},
            {"index": {"byteStart": 0, "byteEnd": 4},
             "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "x"}]}
        ]);
        assert_eq!(
            with_links(text, Some(&facets)),
            "café ☕ docs: example.com/import/c… (https://example.com/import/csv) and example.com"
        );
        assert_eq!(with_links("plain", None), "plain");
    }
}
