//! An X (Twitter) account archive's `data/tweets.js` and
//! `data/direct-messages.js`: `window.YTD.<name>.part<N> = [ … ]`. Your own
//! tweets become your side of the history (replies point at what they
//! answer; retweets are counted, not imported). Direct messages become
//! conversations; they carry numeric ids only, so your id is the one every
//! conversation shares, or one written in `[me] x`.

use std::collections::{HashMap, HashSet};

use chrono::DateTime;
use serde_json::{Map, Value};

use super::html::decode_entities;
use super::platform::{Found, Records, field_str, optional_str, timestamp_at};
use crate::model::{Direction, Kind, Platform};
use crate::store::NewMessage;

/// Whether a file (from its first non-blank byte) is an archive's
/// JavaScript: `window.YTD.tweets.part0 = [`.
#[must_use]
pub fn is_wrapped(bytes: &[u8]) -> bool {
    bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .trim_ascii_start()
        .starts_with(b"window.")
}

/// The JSON inside an archive file: everything after the first `=`.
#[must_use]
pub fn json_part(bytes: &[u8]) -> Option<&[u8]> {
    if !is_wrapped(bytes) {
        return None;
    }
    let equals = bytes.iter().position(|&b| b == b'=')?;
    let json = bytes[equals + 1..].trim_ascii();
    Some(json.strip_suffix(b";").unwrap_or(json))
}

/// Items of `tweets.js` (`tweet`) or `direct-messages.js` (`dmConversation`).
#[must_use]
pub fn recognizes(document: &Value) -> bool {
    document.as_array().is_some_and(|items| {
        items.first().is_none_or(|first| {
            first.get("tweet").is_some() || first.get("dmConversation").is_some()
        })
    })
}

/// `my_handles` are the user's `(platform, handle key)` pairs: an X one
/// made of digits is their numeric id.
pub fn read(document: &Value, my_handles: &HashSet<(Platform, String)>, records: &mut Records<'_>) {
    let items = document.as_array().map(Vec::as_slice).unwrap_or_default();
    let my_ids: HashSet<String> = my_handles
        .iter()
        .filter(|(platform, id)| *platform == Platform::X && id.chars().all(|c| c.is_ascii_digit()))
        .map(|(_, id)| id.clone())
        .collect();
    let me = my_id(items, &my_ids);
    let conversations = items
        .iter()
        .any(|item| item.get("dmConversation").is_some());
    if conversations && me.is_none() {
        // Guessing would file your own messages as other people's.
        return records.refuse(
            "cannot tell which side of these direct messages is you: add your numeric X id \
             (accountId in data/account.js) to [me] x in the config"
                .to_owned(),
        );
    }
    for (index, item) in items.iter().enumerate() {
        let path = format!("[{index}]");
        if let Some(tweet) = item.get("tweet").and_then(Value::as_object) {
            let text = tweet.get("full_text").and_then(Value::as_str).unwrap_or("");
            if text.starts_with("RT @") {
                records.not_a_message("retweet");
                continue;
            }
            records.add(own_tweet(tweet, &format!("{path}.tweet")));
        } else if let Some(conversation) = item.get("dmConversation").and_then(Value::as_object) {
            let path = format!("{path}.dmConversation");
            let Some(thread) = optional_str(conversation, "conversationId") else {
                records.add(Err(Found::missing(&format!("{path}.conversationId"))));
                continue;
            };
            let messages = conversation.get("messages").and_then(Value::as_array);
            for (number, message) in messages.into_iter().flatten().enumerate() {
                let path = format!("{path}.messages[{number}]");
                match message.get("messageCreate").and_then(Value::as_object) {
                    Some(create) => records.add(direct_message(
                        create,
                        &format!("{path}.messageCreate"),
                        &thread,
                        me.as_deref(),
                    )),
                    // Joins, leaves, renames: not messages.
                    None => records.not_a_message(
                        message
                            .as_object()
                            .and_then(|m| m.keys().next())
                            .map_or("other", String::as_str),
                    ),
                }
            }
        } else {
            records.not_a_message("other");
        }
    }
}

/// Your numeric id: one written in `[me] x`, else the one every DM
/// conversation (`<id>-<id>`) shares when there are several.
fn my_id(items: &[Value], configured: &HashSet<String>) -> Option<String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut conversations = 0;
    for item in items {
        let Some(id) = item
            .get("dmConversation")
            .and_then(|c| c.get("conversationId"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        conversations += 1;
        for part in id.split('-') {
            if configured.contains(part) {
                return Some(part.to_owned());
            }
            *seen.entry(part).or_default() += 1;
        }
    }
    let shared: Vec<&str> = seen
        .into_iter()
        .filter(|(_, count)| *count == conversations)
        .map(|(id, _)| id)
        .collect();
    (conversations > 1 && shared.len() == 1).then(|| shared[0].to_owned())
}

fn own_tweet(tweet: &Map<String, Value>, path: &str) -> Result<NewMessage, Found> {
    let id = field_str(tweet, "id_str", path).or_else(|_| field_str(tweet, "id", path))?;
    let written = field_str(tweet, "created_at", path)?;
    let created_at = DateTime::parse_from_str(&written, "%a %b %d %H:%M:%S %z %Y")
        .map(|at| at.to_utc())
        .map_err(|_| Found {
            path: format!("{path}.created_at"),
            message: format!(
                "\"{}\" is not a time like \"Fri Jun 12 09:31:47 +0000 2026\"",
                crate::sanitize::quote(&written)
            ),
        })?;
    let parent = optional_str(tweet, "in_reply_to_status_id_str")
        .or_else(|| optional_str(tweet, "in_reply_to_status_id"));
    Ok(NewMessage {
        platform: Platform::X,
        url: Some(format!("https://x.com/i/status/{id}")),
        external_id: id,
        created_at,
        text: decode_entities(tweet.get("full_text").and_then(Value::as_str).unwrap_or("")),
        kind: if parent.is_some() {
            Kind::Reply
        } else {
            Kind::Other
        },
        thread_id: None,
        parent_id: parent,
        author_handle: None,
        author_display_name: None,
        author_profile_url: None,
        author_id: None,
        title: None,
        source_account: None,
        direction: Some(Direction::Out),
        author_followers: None,
        extra_json: None,
    })
}

fn direct_message(
    create: &Map<String, Value>,
    path: &str,
    thread: &str,
    me: Option<&str>,
) -> Result<NewMessage, Found> {
    let id = field_str(create, "id", path)?;
    let created_at = timestamp_at(create, "createdAt", path)?;
    let sender = field_str(create, "senderId", path)?;
    let mut text = create
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    // t.co links as the address they stand for.
    for url in create
        .get("urls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(short), Some(expanded)) = (
            url.get("url").and_then(Value::as_str),
            url.get("expanded").and_then(Value::as_str),
        ) {
            text = text.replace(short, expanded);
        }
    }
    let mine = me == Some(sender.as_str());
    Ok(NewMessage {
        platform: Platform::X,
        external_id: id,
        created_at,
        text: decode_entities(&text),
        kind: Kind::Dm,
        thread_id: Some(thread.to_owned()),
        parent_id: None,
        author_handle: None,
        author_display_name: None,
        // The archive names people by number only; X opens a profile by it.
        author_profile_url: (!mine).then(|| format!("https://x.com/i/user/{sender}")),
        author_id: (!mine).then_some(sender),
        title: None,
        url: Some(format!("https://x.com/messages/{thread}")),
        source_account: None,
        direction: Some(if mine { Direction::Out } else { Direction::In }),
        author_followers: None,
        extra_json: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_archive_wrapper_is_taken_off() {
        assert_eq!(
            json_part(b"window.YTD.tweets.part0 = [1];\n"),
            Some(&b"[1]"[..])
        );
        assert_eq!(
            json_part("\u{feff}window.YTD.x.part1 =[]".as_bytes()),
            Some(&b"[]"[..])
        );
        assert_eq!(json_part(b"[1]"), None);
    }

    #[test]
    fn your_id_is_the_one_every_conversation_shares_or_the_configured_one() {
        let items = |ids: &[&str]| -> Vec<Value> {
            ids.iter()
                .map(|id| json!({"dmConversation": {"conversationId": id}}))
                .collect()
        };
        let none = HashSet::new();
        assert_eq!(my_id(&items(&["1-2", "1-3"]), &none).as_deref(), Some("1"));
        assert_eq!(
            my_id(&items(&["1-2"]), &none),
            None,
            "one conversation: either side"
        );
        let configured: HashSet<String> = ["2".to_owned()].into();
        assert_eq!(my_id(&items(&["1-2"]), &configured).as_deref(), Some("2"));
    }
}
