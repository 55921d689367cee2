//! The generic format as JSON Lines: one object per line, LF or CRLF, blank
//! lines ignored, invalid UTF-8 rejected with its byte position.

use std::io::{BufRead, Read};

use anyhow::Context;
use serde_json::Value;

use super::record::{RecordError, message_from_fields};
use super::{BadRecord, ImportError, MAX_RECORD_BYTES, RecordSink};
use crate::store::NewMessage;

pub(super) fn read(
    name: &str,
    reader: Box<dyn BufRead + '_>,
    sink: &mut RecordSink<'_>,
) -> Result<(), ImportError> {
    // One byte past the limit tells a line that is too long from one that fits.
    let mut reader = reader.take(MAX_RECORD_BYTES as u64 + 1);
    let mut line = Vec::with_capacity(4096);
    let mut number = 0_usize;
    loop {
        line.clear();
        reader.set_limit(MAX_RECORD_BYTES as u64 + 1);
        let read = reader
            .read_until(b'\n', &mut line)
            .with_context(|| format!("{name}: cannot read"))?;
        if read == 0 {
            return Ok(());
        }
        number += 1;
        if line.len() > MAX_RECORD_BYTES && !line.ends_with(b"\n") {
            return Err(ImportError::File(BadRecord {
                location: format!("{name}:{number}"),
                message: format!("the line is longer than {} MiB", MAX_RECORD_BYTES >> 20),
            }));
        }
        let bytes = line.strip_suffix(b"\n").unwrap_or(&line);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record = parse_line(bytes).map_err(|(column, message)| BadRecord {
            location: match column {
                Some(column) => format!("{name}:{number}:{column}"),
                None => format!("{name}:{number}"),
            },
            message,
        });
        sink(number, record)?;
    }
}

/// One line to a message, or the column (1-based, in bytes) and what is wrong.
fn parse_line(bytes: &[u8]) -> Result<NewMessage, (Option<usize>, String)> {
    let text = std::str::from_utf8(bytes).map_err(|err| {
        (
            Some(err.valid_up_to() + 1),
            format!("invalid UTF-8 at byte {}", err.valid_up_to() + 1),
        )
    })?;
    let value: Value = serde_json::from_str(text).map_err(|err| {
        let message = err.to_string();
        // serde_json appends " at line 1 column N"; the location says that already.
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(head, _)| head);
        (Some(err.column()), format!("bad JSON: {message}"))
    })?;
    let Value::Object(fields) = value else {
        return Err((
            None,
            "expected a JSON object with the message's fields".into(),
        ));
    };
    message_from_fields(fields).map_err(|RecordError(message)| (None, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(input: &'static [u8]) -> Vec<String> {
        let mut seen = Vec::new();
        read("f.jsonl", Box::new(input), &mut |_, record| {
            match record {
                Ok(message) => seen.push(format!("ok {}", message.external_id)),
                Err(bad) => seen.push(bad.to_string()),
            }
            Ok(())
        })
        .unwrap();
        seen
    }

    #[test]
    fn locates_each_kind_of_bad_line() {
        let input: &[u8] = b"{\"platform\":\"x\",\"external_id\":\"1\",\"created_at\":\"2026-06-12T09:00:00Z\",\"text\":\"a\"}\r\n\
            \n   \n\
            {\"platform\":\"x\",\"external_id\":\"2\",\"created_at\":\"2026-06-12T09:00:00Z\",\"text\":\"caf\xE9\"}\n\
            {\"platform\":\"x\",\"external_id\":\"3\",\n\
            [1,2]\n\
            {\"platform\":\"x\",\"external_id\":\"4\",\"text\":\"\"}";
        assert_eq!(
            errors_of(input),
            vec![
                "ok 1".to_owned(),
                "f.jsonl:4:82: invalid UTF-8 at byte 82".to_owned(),
                "f.jsonl:5:34: bad JSON: EOF while parsing a value".to_owned(),
                "f.jsonl:6: expected a JSON object with the message's fields".to_owned(),
                "f.jsonl:7: missing required field \"created_at\"".to_owned(),
            ]
        );
    }
}
