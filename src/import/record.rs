//! One record of the generic import format, from named fields to a validated
//! `NewMessage`. JSONL and CSV both hand their fields over as a JSON object,
//! so the rules (and their error messages) exist once.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::model::{Direction, Kind, Platform};
use crate::sanitize::sanitize_line;
use crate::store::NewMessage;

/// What is wrong with a record, in words for the user (location is added by
/// the reader that knows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError(pub String);

/// How much of a bad value an error message quotes.
const QUOTE_CHARS: usize = 60;

/// Builds a message from a record's fields; unknown fields are kept as JSON.
pub fn message_from_fields(mut fields: Map<String, Value>) -> Result<NewMessage, RecordError> {
    let platform: Platform = required(&mut fields, "platform")?
        .parse()
        .map_err(|err: crate::model::UnknownValue| RecordError(format!("platform: {err}")))?;
    let external_id = required(&mut fields, "external_id")?;
    if external_id.trim().is_empty() {
        return Err(RecordError("external_id is empty".into()));
    }
    let created_at = timestamp(&required(&mut fields, "created_at")?)?;
    let text = required(&mut fields, "text")?;
    let kind = match optional(&mut fields, "kind")? {
        Some(kind) => kind
            .parse()
            .map_err(|err: crate::model::UnknownValue| RecordError(format!("kind: {err}")))?,
        None => Kind::Mention,
    };
    let direction = match optional(&mut fields, "direction")? {
        Some(direction) => Some(
            direction
                .parse::<Direction>()
                .map_err(|err| RecordError(format!("direction: {err}")))?,
        ),
        None => None,
    };
    let message = NewMessage {
        platform,
        external_id,
        created_at,
        text,
        kind,
        thread_id: optional(&mut fields, "thread_id")?.filter(|id| !id.is_empty()),
        parent_id: optional(&mut fields, "parent_id")?.filter(|id| !id.is_empty()),
        author_handle: optional(&mut fields, "author_handle")?,
        author_display_name: optional(&mut fields, "author_display_name")?,
        author_profile_url: optional(&mut fields, "author_profile_url")?,
        author_id: optional(&mut fields, "author_id")?,
        title: optional(&mut fields, "title")?,
        url: optional(&mut fields, "url")?,
        source_account: optional(&mut fields, "source_account")?,
        direction,
        extra_json: if fields.is_empty() {
            None
        } else {
            Some(Value::Object(fields).to_string())
        },
    };
    Ok(message)
}

/// RFC 3339 with an explicit offset, normalised to UTC.
pub fn timestamp(text: &str) -> Result<DateTime<Utc>, RecordError> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| {
            RecordError(format!(
                "created_at \"{}\" is not an RFC 3339 timestamp with offset (like 2026-06-12T09:14:03Z)",
                quote(text)
            ))
        })
}

fn required(fields: &mut Map<String, Value>, name: &str) -> Result<String, RecordError> {
    optional(fields, name)?.ok_or_else(|| RecordError(format!("missing required field \"{name}\"")))
}

/// A string field; `null` counts as absent. Numbers are accepted for ids
/// (platforms hand out numeric ids and people write them unquoted).
fn optional(fields: &mut Map<String, Value>, name: &str) -> Result<Option<String>, RecordError> {
    match fields.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(Value::Number(number)) if name.ends_with("_id") => Ok(Some(number.to_string())),
        Some(other) => Err(RecordError(format!(
            "field \"{name}\" must be a string, not {}",
            type_name(&other)
        ))),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A bad value as an error message may show it: terminal-safe and short.
pub fn quote(text: &str) -> String {
    let safe = sanitize_line(text);
    match safe.char_indices().nth(QUOTE_CHARS) {
        Some((cut, _)) => format!("{}…", &safe[..cut]),
        None => safe.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    fn base() -> Value {
        json!({"platform": "github", "external_id": "IC_1", "created_at": "2026-06-12T12:00:09+02:00", "text": ""})
    }

    #[test]
    fn minimal_record_gets_defaults_and_utc_time() {
        let message = message_from_fields(fields(base())).unwrap();
        assert_eq!(message.kind, Kind::Mention);
        assert_eq!(message.direction, None);
        assert_eq!(message.created_at.to_rfc3339(), "2026-06-12T10:00:09+00:00");
        assert_eq!(message.extra_json, None);
    }

    #[test]
    fn unknown_fields_are_kept_as_json() {
        let mut value = base();
        value["likes"] = json!(3);
        value["lang"] = json!("de");
        let message = message_from_fields(fields(value)).unwrap();
        assert_eq!(
            message.extra_json.as_deref(),
            Some(r#"{"lang":"de","likes":3}"#)
        );
    }

    #[test]
    fn each_rule_has_its_message() {
        let cases = [
            (
                json!({"external_id": "1"}),
                "missing required field \"platform\"",
            ),
            (
                json!({"platform": "fax", "external_id": "1"}),
                "platform: unknown platform \"fax\"",
            ),
            (
                json!({"platform": "x", "external_id": " ", "created_at": "", "text": ""}),
                "external_id is empty",
            ),
            (
                json!({"platform": "x", "external_id": "1", "text": ""}),
                "missing required field \"created_at\"",
            ),
            (
                json!({"platform": "x", "external_id": "1", "created_at": "2026-06-12 09:00", "text": ""}),
                "created_at \"2026-06-12 09:00\" is not an RFC 3339 timestamp with offset",
            ),
            (
                json!({"platform": "x", "external_id": "1", "created_at": "2026-06-12T09:00:00", "text": ""}),
                "is not an RFC 3339 timestamp with offset",
            ),
            (
                json!({"platform": "x", "external_id": "1", "created_at": "2026-06-12T09:00:00Z"}),
                "missing required field \"text\"",
            ),
            (
                json!({"platform": "x", "external_id": "1", "created_at": "2026-06-12T09:00:00Z", "text": 5}),
                "field \"text\" must be a string, not a number",
            ),
            (
                json!({"platform": "x", "external_id": "1", "created_at": "2026-06-12T09:00:00Z", "text": "", "direction": "sideways"}),
                "direction: unknown direction \"sideways\" (expected one of: in out)",
            ),
        ];
        for (value, expected) in cases {
            let err = message_from_fields(fields(value.clone())).unwrap_err();
            assert!(
                err.0.contains(expected),
                "{value}: got {:?}, wanted {expected:?}",
                err.0
            );
        }
    }

    #[test]
    fn numeric_ids_are_accepted_as_text() {
        let mut value = base();
        value["external_id"] = json!(48_213_377);
        value["parent_id"] = json!(48_213_001);
        let message = message_from_fields(fields(value)).unwrap();
        assert_eq!(message.external_id, "48213377");
        assert_eq!(message.parent_id.as_deref(), Some("48213001"));
    }

    #[test]
    fn quoted_values_are_safe_and_short() {
        assert_eq!(quote("a\u{1b}[2Jb"), "a␛[2Jb");
        assert_eq!(quote(&"x".repeat(100)).chars().count(), QUOTE_CHARS + 1);
    }
}
