//! Hacker News through Algolia's search API (`/api/v1/search_by_date`,
//! `tags=comment`): HN has no notifications, so mentions are comments found
//! by keyword. Each comment hit becomes a message in its story's thread;
//! story hits are counted, not imported. Both the current hit shape and the
//! legacy one (null fields, `.000Z` times) are read.

use serde_json::{Map, Value};

use super::html;
use super::platform::{Found, Records, field_str, optional_str, timestamp_at};
use crate::model::{Kind, Platform};
use crate::store::NewMessage;

/// A search response (`hits` of objects with an `objectID`), or one item
/// of HN's own API (`/v0/item/ID.json`: `id`, `type`, `time`).
#[must_use]
pub fn recognizes(document: &Value) -> bool {
    is_item(document)
        || document
            .get("hits")
            .and_then(Value::as_array)
            .is_some_and(|hits| {
                hits.first()
                    .is_none_or(|first| first.get("objectID").is_some())
            })
            && (document.get("nbHits").is_some() || document.get("hitsPerPage").is_some())
}

fn is_item(document: &Value) -> bool {
    document.get("id").is_some_and(Value::is_u64)
        && document.get("type").is_some_and(Value::is_string)
        && document.get("time").is_some_and(Value::is_i64)
}

pub fn read(document: &Value, records: &mut Records<'_>) {
    if let Value::Object(item) = document
        && is_item(document)
    {
        return read_item(item, records);
    }
    let hits = document.get("hits").and_then(Value::as_array);
    for (index, hit) in hits.into_iter().flatten().enumerate() {
        let path = format!("hits[{index}]");
        let Value::Object(hit) = hit else {
            records.add(Err(Found::not_an_object(&path, Some(hit))));
            continue;
        };
        let tags: Vec<&str> = hit
            .get("_tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let is_comment = tags.contains(&"comment")
            || (tags.is_empty() && hit.get("comment_text").is_some_and(Value::is_string));
        if !is_comment {
            records.not_a_message(if tags.contains(&"story") {
                "story"
            } else {
                "other"
            });
            continue;
        }
        records.add(comment(hit, &path));
    }
}

/// An item from HN's Firebase API: a comment becomes a message under its
/// parent (its story is not named; it joins the story's thread when the
/// parent is known); stories, jobs, polls and deleted items are counted.
fn read_item(item: &Map<String, Value>, records: &mut Records<'_>) {
    let kind = item.get("type").and_then(Value::as_str).unwrap_or("");
    let deleted = item.get("deleted").and_then(Value::as_bool) == Some(true);
    if kind != "comment" || deleted {
        records.not_a_message(if deleted { "deleted" } else { kind });
        return;
    }
    records.add(item_comment(item));
}

fn item_comment(item: &Map<String, Value>) -> Result<NewMessage, Found> {
    let id = field_str(item, "id", "item")?;
    let time = item.get("time").and_then(Value::as_i64).unwrap_or_default();
    let created_at = chrono::DateTime::from_timestamp(time, 0).ok_or_else(|| Found {
        path: "item.time".to_owned(),
        message: format!("{time} is not a time in seconds since 1970"),
    })?;
    let text = item.get("text").and_then(Value::as_str).unwrap_or("");
    let mut message = hn_comment(id, created_at, text, optional_str(item, "by"));
    message.parent_id = optional_str(item, "parent");
    Ok(message)
}

/// A comment by `author` with HN's HTML `text`, and its addresses.
fn hn_comment(
    id: String,
    created_at: chrono::DateTime<chrono::Utc>,
    text: &str,
    author: Option<String>,
) -> NewMessage {
    NewMessage {
        platform: Platform::Hackernews,
        url: Some(format!("https://news.ycombinator.com/item?id={id}")),
        external_id: id,
        created_at,
        text: html::to_text(text),
        kind: Kind::Comment,
        thread_id: None,
        parent_id: None,
        author_profile_url: author
            .as_ref()
            .map(|author| format!("https://news.ycombinator.com/user?id={author}")),
        author_display_name: None,
        author_id: None,
        author_handle: author,
        title: None,
        source_account: None,
        direction: None,
        author_followers: None,
        extra_json: None,
    }
}

fn comment(hit: &Map<String, Value>, path: &str) -> Result<NewMessage, Found> {
    let id = field_str(hit, "objectID", path)?;
    let created_at = timestamp_at(hit, "created_at", path)?;
    let text = hit
        .get("comment_text")
        .and_then(Value::as_str)
        .ok_or_else(|| Found::missing(&format!("{path}.comment_text")))?;
    let mut message = hn_comment(id, created_at, text, optional_str(hit, "author"));
    message.thread_id = optional_str(hit, "story_id");
    message.parent_id = optional_str(hit, "parent_id");
    message.title = optional_str(hit, "story_title");
    message.extra_json = optional_str(hit, "story_url")
        .map(|url| serde_json::json!({ "story_url": url }).to_string());
    Ok(message)
}
