//! The generic format as CSV (RFC 4180): a header row naming the fields in
//! any order, quoted cells that hold commas and newlines, a UTF-8 BOM
//! tolerated, an empty cell meaning "not given".

use std::io::BufRead;

use serde_json::{Map, Value};

use super::record::{RecordError, message_from_fields, quote};
use super::{BadRecord, ImportError};
use crate::store::NewMessage;

const REQUIRED_COLUMNS: [&str; 4] = ["platform", "external_id", "created_at", "text"];

pub(super) fn read(
    name: &str,
    reader: Box<dyn BufRead + '_>,
    handle: &mut dyn FnMut(Result<NewMessage, BadRecord>) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut csv = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut record = ::csv::ByteRecord::new();
    let header_error = |message: String| {
        ImportError::Bad(BadRecord {
            location: format!("{name}:1"),
            message,
        })
    };
    if !read_record(name, &mut csv, &mut record)? {
        return Err(header_error(
            "empty file: expected a header row naming the fields".into(),
        ));
    }
    let mut columns = Vec::with_capacity(record.len());
    for (index, cell) in record.iter().enumerate() {
        let cell = if index == 0 {
            cell.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(cell)
        } else {
            cell
        };
        let column = std::str::from_utf8(cell)
            .map_err(|_| header_error(format!("invalid UTF-8 in header column {}", index + 1)))?;
        columns.push(column.trim().to_owned());
    }
    for required in REQUIRED_COLUMNS {
        if !columns.iter().any(|column| column == required) {
            return Err(header_error(format!(
                "missing required column \"{required}\" (the header row has: {})",
                quote(&columns.join(","))
            )));
        }
    }
    loop {
        if !read_record(name, &mut csv, &mut record)? {
            return Ok(());
        }
        let line = record.position().map_or(0, ::csv::Position::line);
        // A record that ends with the file's last newline is not a row.
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        let located = |message: String| BadRecord {
            location: format!("{name}:{line}"),
            message,
        };
        handle(row_to_message(&columns, &record).map_err(located))?;
    }
}

/// Reads the next record; malformed CSV is a located bad record of the file.
fn read_record<R: std::io::Read>(
    name: &str,
    csv: &mut ::csv::Reader<R>,
    record: &mut ::csv::ByteRecord,
) -> Result<bool, ImportError> {
    csv.read_byte_record(record).map_err(|err| {
        let line = err.position().map_or(0, ::csv::Position::line);
        match err.into_kind() {
            ::csv::ErrorKind::Io(io) => {
                ImportError::Other(anyhow::anyhow!("{name}: cannot read: {io}"))
            }
            other => ImportError::Bad(BadRecord {
                location: format!("{name}:{line}"),
                message: format!("bad CSV: {other:?}"),
            }),
        }
    })
}

fn row_to_message(columns: &[String], record: &::csv::ByteRecord) -> Result<NewMessage, String> {
    if record.len() != columns.len() {
        return Err(format!(
            "the row has {} cells but the header names {}",
            record.len(),
            columns.len()
        ));
    }
    let mut fields = Map::new();
    for (column, cell) in columns.iter().zip(record.iter()) {
        let cell = std::str::from_utf8(cell).map_err(|err| {
            format!(
                "invalid UTF-8 in column \"{column}\" at byte {} of the cell",
                err.valid_up_to() + 1
            )
        })?;
        // An empty cell is "not given", except the text, which may be empty.
        if !cell.is_empty() || column == "text" {
            fields.insert(column.clone(), Value::String(cell.to_owned()));
        }
    }
    message_from_fields(fields).map_err(|RecordError(message)| message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcomes(input: &'static [u8]) -> Result<Vec<String>, String> {
        let mut seen = Vec::new();
        read("f.csv", Box::new(input), &mut |record| {
            match record {
                Ok(message) => seen.push(format!("ok {} {:?}", message.external_id, message.text)),
                Err(bad) => seen.push(bad.to_string()),
            }
            Ok(())
        })
        .map_err(|err| err.to_string())?;
        Ok(seen)
    }

    #[test]
    fn bom_quoted_commas_and_newlines_any_column_order() {
        let input = b"\xEF\xBB\xBFtext,created_at,external_id,platform\r\n\
            \"a, b\",2026-06-12T09:00:00Z,1,x\r\n\
            \"line one\nline \"\"two\"\"\",2026-06-12T09:00:00Z,2,x\r\n\
            ,2026-06-12T09:00:00Z,3,x\r\n";
        assert_eq!(
            outcomes(input).unwrap(),
            vec![
                "ok 1 \"a, b\"".to_owned(),
                "ok 2 \"line one\\nline \\\"two\\\"\"".to_owned(),
                "ok 3 \"\"".to_owned(),
            ]
        );
    }

    #[test]
    fn rows_are_located_by_their_first_line() {
        let input = b"platform,external_id,created_at,text\n\
            x,1,2026-06-12T09:00:00Z,\"spans\ntwo lines\"\n\
            x,2,yesterday,oops\n\
            x,3,2026-06-12T09:00:00Z\n\
            x,4,2026-06-12T09:00:00Z,caf\xE9\n";
        assert_eq!(
            outcomes(input).unwrap(),
            vec![
                "ok 1 \"spans\\ntwo lines\"".to_owned(),
                "f.csv:4: created_at \"yesterday\" is not an RFC 3339 timestamp with offset (like 2026-06-12T09:14:03Z)".to_owned(),
                "f.csv:5: the row has 3 cells but the header names 4".to_owned(),
                "f.csv:6: invalid UTF-8 in column \"text\" at byte 4 of the cell".to_owned(),
            ]
        );
    }

    #[test]
    fn header_without_required_columns_is_refused() {
        let err = outcomes(b"platform,external_id,text\nx,1,a\n").unwrap_err();
        assert!(
            err.starts_with("f.csv:1: missing required column \"created_at\""),
            "{err}"
        );
    }
}
