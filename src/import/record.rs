//! One record of the generic import format, from named fields to a validated
//! `NewMessage`. JSONL and CSV both hand their fields over as a JSON object,
//! so the rules (and their error messages) exist once.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::model::{Direction, Kind, Platform};
use crate::sanitize::quote;
use crate::store::NewMessage;

/// What is wrong with a record, in words for the user (location is added by
/// the reader that knows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError(pub String);

/// Builds a message from a record's fields; unknown fields are kept as JSON.
pub fn message_from_fields(mut fields: Map<String, Value>) -> Result<NewMessage, RecordError> {
    let platform: Platform = required(&mut fields, "platform")?
        .parse()
        .map_err(|err: crate::model::UnknownValue| RecordError(format!("platform: {err}")))?;
    let external_id = required(&mut fields, "external_id")?;
    let created_at = timestamp(&required(&mut fields, "created_at")?)
        .map_err(|err| RecordError(format!("created_at {}", err.0)))?;
    // The text is the one field where "" is a value (an empty post), not absence.
    let text = match fields.remove("text") {
        Some(Value::String(text)) => text,
        None | Some(Value::Null) => {
            return Err(RecordError("missing required field \"text\"".into()));
        }
        Some(other) => {
            return Err(RecordError(format!(
                "field \"text\" must be a string, not {}",
                type_name(&other)
            )));
        }
    };
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
    let author_followers = followers(&fields);
    let message = NewMessage {
        platform,
        external_id,
        created_at,
        text,
        kind,
        thread_id: optional(&mut fields, "thread_id")?,
        parent_id: optional(&mut fields, "parent_id")?,
        author_handle: optional(&mut fields, "author_handle")?,
        author_display_name: optional(&mut fields, "author_display_name")?,
        author_profile_url: optional(&mut fields, "author_profile_url")?,
        author_id: optional(&mut fields, "author_id")?,
        title: optional(&mut fields, "title")?,
        url: optional(&mut fields, "url")?,
        source_account: optional(&mut fields, "source_account")?,
        direction,
        author_followers,
        extra_json: if fields.is_empty() {
            None
        } else {
            Some(Value::Object(fields).to_string())
        },
    };
    Ok(message)
}

/// `author_followers`, the writer's follower count (reach, which weighs
/// little in the queue order): a whole number, or digits in a CSV cell.
/// Anything else (`"12k"`) is not read as a count but never fails the
/// record; the field stays among the extra fields either way, so an export
/// carries it back.
fn followers(fields: &Map<String, Value>) -> Option<u64> {
    match fields.get("author_followers")? {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// RFC 3339 with an explicit offset, normalised to UTC.
pub fn timestamp(text: &str) -> Result<DateTime<Utc>, RecordError> {
    let at = DateTime::parse_from_rfc3339(text.trim()).map_err(|_| {
        RecordError(format!(
            "\"{}\" is not an RFC 3339 timestamp with offset (like 2026-06-12T09:14:03Z)",
            quote(text)
        ))
    })?;
    crate::model::in_supported_range(at.with_timezone(&Utc)).ok_or_else(|| {
        RecordError(format!(
            "\"{}\" is outside the years 0001 to 9999",
            quote(text)
        ))
    })
}

fn required(fields: &mut Map<String, Value>, name: &str) -> Result<String, RecordError> {
    optional(fields, name)?.ok_or_else(|| RecordError(format!("missing required field \"{name}\"")))
}

/// A string field. `null`, `""` and blanks count as absent, as an empty CSV
/// cell does. Whole numbers are accepted for ids (platforms hand out numeric
/// ids and people write them unquoted); others would lose digits as floats.
fn optional(fields: &mut Map<String, Value>, name: &str) -> Result<Option<String>, RecordError> {
    match fields.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(Value::Number(number))
            if name.ends_with("_id") && (number.is_u64() || number.is_i64()) =>
        {
            Ok(Some(number.to_string()))
        }
        Some(Value::Number(number)) if name.ends_with("_id") => Err(RecordError(format!(
            "field \"{name}\" is the number {number}, which is not a whole number that fits 64 bits: write ids as strings"
        ))),
        Some(other) => Err(RecordError(format!(
            "field \"{name}\" must be a string, not {}",
            type_name(&other)
        ))),
    }
}

/// "a number", "an object": what a JSON value is, for messages.
pub(super) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
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
                "missing required field \"external_id\"",
            ),
            (
                json!({"platform": "x", "external_id": 1.5, "created_at": "", "text": ""}),
                "field \"external_id\" is the number 1.5, which is not a whole number",
            ),
            (
                json!({"platform": "x", "external_id": "1", "created_at": "0000-01-01T00:00:00+01:00", "text": ""}),
                "is outside the years 0001 to 9999",
            ),
            (
                json!({"platform": "x", "external_id": "1", "created_at": "9999-12-31T23:00:00-02:00", "text": ""}),
                "is outside the years 0001 to 9999",
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
    fn empty_strings_are_absent_except_the_text() {
        let mut value = base();
        value["kind"] = json!("");
        value["direction"] = json!("");
        value["author_handle"] = json!("");
        value["thread_id"] = json!("  ");
        let message = message_from_fields(fields(value)).unwrap();
        assert_eq!(message.kind, Kind::Mention);
        assert_eq!(
            (message.direction, message.author_handle, message.thread_id),
            (None, None, None)
        );
        assert_eq!(message.text, "");
    }

    #[test]
    fn follower_counts_are_whole_numbers_and_kept_for_export() {
        let mut value = base();
        value["author_followers"] = json!(1200);
        let message = message_from_fields(fields(value.clone())).unwrap();
        assert_eq!(message.author_followers, Some(1200));
        assert_eq!(
            message.extra_json.as_deref(),
            Some(r#"{"author_followers":1200}"#)
        );
        value["author_followers"] = json!(" 77 ");
        assert_eq!(
            message_from_fields(fields(value.clone()))
                .unwrap()
                .author_followers,
            Some(77)
        );
        // Not a count: kept as it was, never an error.
        for other in [json!(-3), json!(2.5), json!("12k"), json!(true)] {
            value["author_followers"] = other.clone();
            let message = message_from_fields(fields(value.clone())).unwrap();
            assert_eq!(message.author_followers, None, "{other}");
            assert!(message.extra_json.unwrap().contains("author_followers"));
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
}
