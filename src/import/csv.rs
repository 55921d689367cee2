//! The generic format as CSV (RFC 4180): a header row naming the fields in
//! any order, quoted cells that hold commas and newlines, an empty cell
//! meaning "not given". The `csv` crate is lenient where tend must not be: a
//! quoted cell that never closes would silently swallow the rest of the file,
//! so a `QuoteTracker` follows the quoting as the bytes go by.

use std::io::{self, BufRead, Read};

use serde_json::{Map, Value};

use super::record::{RecordError, message_from_fields};
use super::{BadRecord, ImportError, MAX_RECORD_BYTES, RecordSink};
use crate::sanitize::quote;

const REQUIRED_COLUMNS: [&str; 4] = ["platform", "external_id", "created_at", "text"];

pub(super) fn read(
    name: &str,
    reader: Box<dyn BufRead + '_>,
    sink: &mut RecordSink<'_>,
) -> Result<(), ImportError> {
    let mut csv = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(QuoteTracker::new(reader));
    let mut record = ::csv::ByteRecord::new();
    let file_error = |line: u64, message: String| {
        ImportError::File(BadRecord {
            location: format!("{name}:{line}"),
            message,
        })
    };
    if !read_record(name, &mut csv, &mut record)? {
        return Err(file_error(
            1,
            "empty file: expected a header row naming the fields".into(),
        ));
    }
    let header_line = csv.get_mut().next_record_line();
    let columns = header_columns(&record).map_err(|message| file_error(header_line, message))?;
    loop {
        if !read_record(name, &mut csv, &mut record)? {
            return match csv.get_ref().unclosed_quote_line() {
                Some(line) => Err(file_error(
                    line,
                    "a quoted cell opened here is never closed".into(),
                )),
                None => Ok(()),
            };
        }
        let line = csv.get_mut().next_record_line();
        let located = |message: String| BadRecord {
            location: format!("{name}:{line}"),
            message,
        };
        sink(
            line as usize,
            row_to_message(&columns, &record).map_err(located),
        )?;
    }
}

/// The header's column names: each present once, none empty, the required ones there.
fn header_columns(record: &::csv::ByteRecord) -> Result<Vec<String>, String> {
    let mut columns: Vec<String> = Vec::with_capacity(record.len());
    for (index, cell) in record.iter().enumerate() {
        let column = std::str::from_utf8(cell)
            .map_err(|_| format!("invalid UTF-8 in header column {}", index + 1))?
            .trim()
            .to_owned();
        if column.is_empty() {
            return Err(format!("header column {} has no name", index + 1));
        }
        if columns.contains(&column) {
            return Err(format!(
                "the header names column \"{}\" twice",
                quote(&column)
            ));
        }
        columns.push(column);
    }
    for required in REQUIRED_COLUMNS {
        if !columns.iter().any(|column| column == required) {
            return Err(format!(
                "missing required column \"{required}\" (the header row has: {})",
                quote(&columns.join(","))
            ));
        }
    }
    Ok(columns)
}

/// Reads the next record. Reading fails only on I/O or on a record over the
/// size limit (flexible byte records accept any shape).
fn read_record(
    name: &str,
    csv: &mut ::csv::Reader<QuoteTracker<Box<dyn BufRead + '_>>>,
    record: &mut ::csv::ByteRecord,
) -> Result<bool, ImportError> {
    csv.read_byte_record(record).map_err(|err| {
        if let Some(line) = csv.get_ref().too_long_at {
            return ImportError::File(BadRecord {
                location: format!("{name}:{line}"),
                message: format!("the record is longer than {} MiB", MAX_RECORD_BYTES >> 20),
            });
        }
        ImportError::Other(anyhow::anyhow!("{name}: cannot read: {err}"))
    })
}

fn row_to_message(
    columns: &[String],
    record: &::csv::ByteRecord,
) -> Result<crate::store::NewMessage, String> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted cell: the cell's end, or the first of `""`.
    QuoteInQuoted,
}

/// Follows RFC 4180 quoting over the raw bytes: the line each record starts
/// on (the `csv` crate's own positions point before skipped line ends), where
/// a quoted cell opened (to report one that never closes) and how long the
/// current record is (to refuse one that would not fit in memory).
struct QuoteTracker<R> {
    inner: R,
    state: Quoting,
    line: u64,
    at_record_start: bool,
    /// Start lines of records read ahead of the `csv` reader, in order.
    record_lines: std::collections::VecDeque<u64>,
    quote_opened_at: u64,
    record_bytes: usize,
    too_long_at: Option<u64>,
}

impl<R> QuoteTracker<R> {
    fn new(inner: R) -> Self {
        QuoteTracker {
            inner,
            state: Quoting::FieldStart,
            line: 1,
            at_record_start: true,
            record_lines: std::collections::VecDeque::new(),
            quote_opened_at: 0,
            record_bytes: 0,
            too_long_at: None,
        }
    }

    /// The start line of the record the `csv` reader has just returned.
    fn next_record_line(&mut self) -> u64 {
        self.record_lines.pop_front().unwrap_or(self.line)
    }

    /// After the last byte: the line where a still-open quoted cell began.
    fn unclosed_quote_line(&self) -> Option<u64> {
        (self.state == Quoting::Quoted).then_some(self.quote_opened_at)
    }

    fn step(&mut self, byte: u8) {
        use Quoting::{FieldStart, QuoteInQuoted, Quoted, Unquoted};
        let line_end = byte == b'\n' || byte == b'\r';
        if self.at_record_start && !line_end {
            self.record_lines.push_back(self.line);
            self.at_record_start = false;
        }
        self.record_bytes += 1;
        // Like the `csv` crate: CR, LF and CRLF all end a record outside quotes.
        let ends_record = line_end && self.state != Quoted;
        self.state = match (self.state, byte) {
            (FieldStart, b'"') => {
                self.quote_opened_at = self.line;
                Quoted
            }
            (Quoted, b'"') => QuoteInQuoted,
            // Inside quotes everything is text; `""` is an escaped quote.
            (Quoted, _) | (QuoteInQuoted, b'"') => Quoted,
            (_, b',' | b'\n' | b'\r') => FieldStart,
            (FieldStart | Unquoted | QuoteInQuoted, _) => Unquoted,
        };
        if byte == b'\n' {
            self.line += 1;
        }
        if ends_record {
            self.at_record_start = true;
            self.record_bytes = 0;
        }
    }
}

impl<R: Read> Read for QuoteTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        for &byte in &buf[..read] {
            self.step(byte);
            if self.record_bytes > MAX_RECORD_BYTES {
                self.too_long_at = Some(self.line);
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "record too long",
                ));
            }
        }
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcomes(input: &'static [u8]) -> Result<Vec<String>, String> {
        let mut seen = Vec::new();
        read("f.csv", Box::new(input), &mut |line, record| {
            match record {
                Ok(message) => seen.push(format!(
                    "ok {line} {} {:?}",
                    message.external_id, message.text
                )),
                Err(bad) => seen.push(bad.to_string()),
            }
            Ok(())
        })
        .map_err(|err| err.to_string())?;
        Ok(seen)
    }

    #[test]
    fn quoted_commas_and_newlines_any_column_order() {
        let input = b"text,created_at,external_id,platform\r\n\
            \"a, b\",2026-06-12T09:00:00Z,1,x\r\n\
            \"line one\nline \"\"two\"\"\",2026-06-12T09:00:00Z,2,x\r\n\
            ,2026-06-12T09:00:00Z,3,x\r\n";
        assert_eq!(
            outcomes(input).unwrap(),
            vec![
                "ok 2 1 \"a, b\"".to_owned(),
                "ok 3 2 \"line one\\nline \\\"two\\\"\"".to_owned(),
                "ok 5 3 \"\"".to_owned(),
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
                "ok 2 1 \"spans\\ntwo lines\"".to_owned(),
                "f.csv:4: created_at \"yesterday\" is not an RFC 3339 timestamp with offset (like 2026-06-12T09:14:03Z)".to_owned(),
                "f.csv:5: the row has 3 cells but the header names 4".to_owned(),
                "f.csv:6: invalid UTF-8 in column \"text\" at byte 4 of the cell".to_owned(),
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_is_an_error_where_it_opened() {
        let input = b"platform,external_id,created_at,text\n\
            x,1,2026-06-12T09:00:00Z,\"oops\n\
            x,2,2026-06-12T09:00:00Z,hi\n";
        assert_eq!(
            outcomes(input).unwrap_err(),
            "f.csv:2: a quoted cell opened here is never closed (nothing was imported)"
        );
        // Quotes inside unquoted cells and escaped quotes are not openings.
        let fine = b"platform,external_id,created_at,text\nx,1,2026-06-12T09:00:00Z,5\" screen\nx,2,2026-06-12T09:00:00Z,\"a \"\"b\"\"\"\n";
        assert_eq!(outcomes(fine).unwrap().len(), 2);
    }

    #[test]
    fn header_problems_are_file_errors_on_the_header_line() {
        let cases: [(&[u8], &str); 4] = [
            (
                b"platform,external_id,text\nx,1,a\n",
                "f.csv:1: missing required column \"created_at\"",
            ),
            (
                b"\n\nplatform,external_id,created_at,text,text\n",
                "f.csv:3: the header names column \"text\" twice",
            ),
            (
                b"platform,,external_id,created_at,text\n",
                "f.csv:1: header column 2 has no name",
            ),
            (
                b"",
                "f.csv:1: empty file: expected a header row naming the fields",
            ),
        ];
        for (input, expected) in cases {
            let err = outcomes(input).unwrap_err();
            assert!(err.starts_with(expected), "{err}");
            assert!(
                err.ends_with("(nothing was imported)"),
                "no --skip-bad hint: {err}"
            );
        }
    }

    #[test]
    fn a_record_over_the_limit_is_refused_without_reading_it_all() {
        let mut tracker = QuoteTracker::new(io::repeat(b'x'));
        let mut buffer = vec![0; 1 << 16];
        let failed = (0..).find_map(|_| tracker.read(&mut buffer).err());
        assert_eq!(
            failed.map(|err| err.kind()),
            Some(io::ErrorKind::InvalidData)
        );
        assert_eq!(tracker.too_long_at, Some(1));
    }
}
