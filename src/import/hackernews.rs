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

/// A search response: `hits` of objects with an `objectID`.
#[must_use]
pub fn recognizes(document: &Value) -> bool {
    document
        .get("hits")
        .and_then(Value::as_array)
        .is_some_and(|hits| {
            hits.first()
                .is_none_or(|first| first.get("objectID").is_some())
        })
        && (document.get("nbHits").is_some() || document.get("hitsPerPage").is_some())
}

pub fn read(document: &Value, records: &mut Records<'_>) {
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

fn comment(hit: &Map<String, Value>, path: &str) -> Result<NewMessage, Found> {
    let id = field_str(hit, "objectID", path)?;
    let created_at = timestamp_at(hit, "created_at", path)?;
    let text = hit
        .get("comment_text")
        .and_then(Value::as_str)
        .ok_or_else(|| Found::missing(&format!("{path}.comment_text")))?;
    let author = optional_str(hit, "author");
    Ok(NewMessage {
        platform: Platform::Hackernews,
        url: Some(format!("https://news.ycombinator.com/item?id={id}")),
        external_id: id,
        created_at,
        text: html::to_text(text),
        kind: Kind::Comment,
        thread_id: optional_str(hit, "story_id"),
        parent_id: optional_str(hit, "parent_id"),
        author_profile_url: author
            .as_ref()
            .map(|author| format!("https://news.ycombinator.com/user?id={author}")),
        author_display_name: None,
        author_id: None,
        author_handle: author,
        title: optional_str(hit, "story_title"),
        source_account: None,
        direction: None,
        author_followers: None,
        extra_json: optional_str(hit, "story_url")
            .map(|url| serde_json::json!({ "story_url": url }).to_string()),
    })
}
