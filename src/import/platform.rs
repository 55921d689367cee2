//! What the platform importers share: reading a whole JSON document, the
//! records they hand to the import (with errors located by field path,
//! `FILE: [2].status.created_at: …`), and the count of items that are not
//! messages (likes, boosts, follows: skipped, never errors).

use std::collections::BTreeMap;
use std::io::Read;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::{BadRecord, ImportError, RecordSink};
use crate::sanitize::quote;
use crate::store::NewMessage;

/// The largest document a platform importer reads whole.
const MAX_DOCUMENT_BYTES: u64 = 256 << 20;

/// A problem with one item, located by its field path in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: String,
    pub message: String,
}

impl Found {
    pub fn missing(path: &str) -> Found {
        Found {
            path: path.to_owned(),
            message: "missing".to_owned(),
        }
    }

    /// What stands where an object should: missing, or the wrong type.
    pub fn not_an_object(path: &str, value: Option<&Value>) -> Found {
        match value {
            None | Some(Value::Null) => Found::missing(path),
            Some(other) => Found {
                path: path.to_owned(),
                message: format!("must be an object, not {}", super::record::type_name(other)),
            },
        }
    }
}

/// Parses the whole input as one JSON document.
pub fn document(name: &str, reader: &mut dyn Read) -> Result<Value, ImportError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| anyhow::anyhow!("{name}: cannot read: {err}"))?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(ImportError::File(BadRecord {
            location: name.to_owned(),
            message: format!(
                "larger than {} MiB: not a page tend reads whole",
                MAX_DOCUMENT_BYTES >> 20
            ),
        }));
    }
    // An X archive's file wraps its JSON in `window.YTD.<name>.part<N> = `.
    let json = super::x::json_part(&bytes).unwrap_or(&bytes);
    serde_json::from_slice(json).map_err(|err| {
        ImportError::File(BadRecord {
            location: format!("{name}:{}:{}", err.line(), err.column()),
            message: format!("not valid JSON: {}", quote(&err.to_string())),
        })
    })
}

/// The messages an importer finds, handed on to the import as they come.
pub struct Records<'a> {
    name: &'a str,
    sink: &'a mut RecordSink<'a>,
    index: usize,
    /// Items that are not messages, by kind (`favourite`, `follow`, …).
    pub not_messages: BTreeMap<String, u64>,
    stopped: Option<ImportError>,
}

impl<'a> Records<'a> {
    pub fn new(name: &'a str, sink: &'a mut RecordSink<'a>) -> Records<'a> {
        Records {
            name,
            sink,
            index: 0,
            not_messages: BTreeMap::new(),
            stopped: None,
        }
    }

    pub fn add(&mut self, found: Result<NewMessage, Found>) {
        if self.stopped.is_some() {
            return;
        }
        self.index += 1;
        // Importers that build their own dates (epoch seconds, X's and
        // email's formats) are held to what an export can write back.
        let found =
            found.and_then(
                |message| match crate::model::in_supported_range(message.created_at) {
                    Some(_) => Ok(message),
                    None => Err(Found {
                        path: format!(
                            "item {} ({})",
                            self.index,
                            crate::sanitize::quote(&message.external_id)
                        ),
                        message: "its time is outside the years 0001 to 9999".to_owned(),
                    }),
                },
            );
        let record = found.map_err(|found| BadRecord {
            location: format!("{}: {}", self.name, found.path),
            message: found.message,
        });
        if let Err(err) = (self.sink)(self.index, record) {
            self.stopped = Some(err);
        }
    }

    /// The file as a whole cannot be imported (`--skip-bad` cannot help).
    pub fn refuse(&mut self, message: String) {
        if self.stopped.is_none() {
            self.stopped = Some(ImportError::File(BadRecord {
                location: self.name.to_owned(),
                message,
            }));
        }
    }

    pub fn not_a_message(&mut self, kind: &str) {
        *self.not_messages.entry(kind.to_owned()).or_default() += 1;
    }

    /// The counts, or the error that stopped the import.
    pub fn finish(self) -> Result<BTreeMap<String, u64>, ImportError> {
        match self.stopped {
            Some(err) => Err(err),
            None => Ok(self.not_messages),
        }
    }
}

/// A required string field.
pub fn field_str(object: &Map<String, Value>, key: &str, path: &str) -> Result<String, Found> {
    match object.get(key) {
        Some(Value::String(text)) if !text.trim().is_empty() => Ok(text.clone()),
        // Ids are strings on every platform, but a number is read as one.
        Some(Value::Number(number)) if number.is_u64() || number.is_i64() => Ok(number.to_string()),
        None | Some(Value::Null) => Err(Found::missing(&format!("{path}.{key}"))),
        Some(Value::String(_)) => Err(Found {
            path: format!("{path}.{key}"),
            message: "empty".to_owned(),
        }),
        Some(other) => Err(Found {
            path: format!("{path}.{key}"),
            message: format!("must be a string, not {}", super::record::type_name(other)),
        }),
    }
}

/// An optional string field; empty counts as absent.
pub fn optional_str(object: &Map<String, Value>, key: &str) -> Option<String> {
    match object.get(key)? {
        Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
        Value::Number(number) if number.is_u64() || number.is_i64() => Some(number.to_string()),
        _ => None,
    }
}

/// A required RFC 3339 timestamp.
pub fn timestamp_at(
    object: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<DateTime<Utc>, Found> {
    let text = field_str(object, key, path)?;
    super::record::timestamp(&text).map_err(|err| Found {
        path: format!("{path}.{key}"),
        message: err.0,
    })
}
