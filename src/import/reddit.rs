//! Reddit's inbox listings (`/message/inbox`, `/message/mentions`,
//! `/message/messages`): comments (`t1`: mentions and replies) and private
//! messages (`t4`, with their nested replies) become messages; anything else
//! is counted, not imported. Without `raw_json=1` Reddit escapes `& < >`
//! in every string; they are decoded.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::html::decode_entities;
use super::platform::{Found, Records, field_str, optional_str};
use crate::model::{Kind, Platform};
use crate::store::NewMessage;

/// A Listing: `{"kind": "Listing", "data": {"children": [...]}}`.
#[must_use]
pub fn recognizes(document: &Value) -> bool {
    document.get("kind").and_then(Value::as_str) == Some("Listing")
        && document
            .get("data")
            .and_then(|data| data.get("children"))
            .is_some_and(Value::is_array)
}

pub fn read(document: &Value, records: &mut Records<'_>) {
    listing(document, "data.children", records);
}

fn listing(listing: &Value, path: &str, records: &mut Records<'_>) {
    let children = listing
        .get("data")
        .and_then(|data| data.get("children"))
        .and_then(Value::as_array);
    for (index, child) in children.into_iter().flatten().enumerate() {
        let path = format!("{path}[{index}]");
        let kind = child
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        let Some(data) = child.get("data").and_then(Value::as_object) else {
            records.add(Err(Found::missing(&format!("{path}.data"))));
            continue;
        };
        match kind {
            "t1" | "t4" => {
                records.add(thing(data, kind, &format!("{path}.data")));
                // A private message carries its replies as a nested Listing.
                if let Some(replies) = data.get("replies").filter(|r| r.is_object()) {
                    self::listing(
                        replies,
                        &format!("{path}.data.replies.data.children"),
                        records,
                    );
                }
            }
            other => records.not_a_message(other),
        }
    }
}

fn thing(data: &Map<String, Value>, kind: &str, path: &str) -> Result<NewMessage, Found> {
    let name = field_str(data, "name", path)?;
    let created = match data.get("created_utc") {
        Some(Value::Number(seconds)) => seconds.as_f64().unwrap_or(f64::NAN),
        None | Some(Value::Null) => return Err(Found::missing(&format!("{path}.created_utc"))),
        Some(_) => {
            return Err(Found {
                path: format!("{path}.created_utc"),
                message: "must be a number of seconds since 1970".to_owned(),
            });
        }
    };
    let created_at =
        DateTime::<Utc>::from_timestamp_millis((created * 1000.0) as i64).ok_or_else(|| Found {
            path: format!("{path}.created_utc"),
            message: format!("{created} is not a time"),
        })?;
    let body = data
        .get("body")
        .and_then(Value::as_str)
        .ok_or_else(|| Found::missing(&format!("{path}.body")))?;
    let author = optional_str(data, "author").filter(|author| author != "[deleted]");
    let decoded = |key: &str| optional_str(data, key).map(|text| decode_entities(&text));
    let (message_kind, thread, title, url) = if kind == "t4" {
        // `t4_<id>`: the name, which every thing has, holds the id.
        let id = name.strip_prefix("t4_").unwrap_or(&name);
        (
            Kind::Dm,
            optional_str(data, "first_message_name"),
            decoded("subject"),
            Some(format!("https://www.reddit.com/message/messages/{id}")),
        )
    } else {
        let context = optional_str(data, "context");
        // `/r/<sub>/comments/<link>/<slug>/<id>/`: the post is the thread.
        let link = context
            .as_deref()
            .unwrap_or_default()
            .split('/')
            .skip_while(|part| *part != "comments")
            .nth(1)
            .map(|link| format!("t3_{link}"));
        let mention = optional_str(data, "type").as_deref() == Some("username_mention");
        (
            if mention { Kind::Mention } else { Kind::Reply },
            link,
            decoded("link_title"),
            context.map(|context| format!("https://www.reddit.com{context}")),
        )
    };
    Ok(NewMessage {
        platform: Platform::Reddit,
        external_id: name,
        created_at,
        text: decode_entities(body),
        kind: message_kind,
        thread_id: thread,
        parent_id: optional_str(data, "parent_id"),
        author_profile_url: author
            .as_ref()
            .map(|author| format!("https://www.reddit.com/user/{author}")),
        author_display_name: None,
        author_id: optional_str(data, "author_fullname"),
        author_handle: author,
        title,
        url,
        source_account: optional_str(data, "dest"),
        direction: None,
        author_followers: None,
        extra_json: optional_str(data, "subreddit")
            .map(|subreddit| serde_json::json!({ "subreddit": subreddit }).to_string()),
    })
}
