//! Reading files into the store. Each format turns its input into records
//! (`FILE:LINE`-located `NewMessage`s or located errors); this module picks
//! the format, runs them through one store transaction, and applies the
//! import rules: all or nothing, or `--skip-bad` to keep the good records.

mod csv;
mod jsonl;
mod record;

use std::collections::HashSet;
use std::io::BufRead;
use std::path::Path;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::Platform;
use crate::sanitize::sanitize_line;
use crate::store::{IngestCounts, NewMessage, Store};

pub use record::{RecordError, message_from_fields};

/// The formats `tend import` reads. Platform formats join this list as their
/// importers land.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// By file extension (.jsonl .ndjson .json / .csv), else by content.
    Auto,
    /// The generic format, one JSON object per line.
    Jsonl,
    /// The generic format as CSV with a header row.
    Csv,
}

/// An input: its name as errors show it, and its bytes.
pub struct Source<'a> {
    pub name: String,
    pub reader: Box<dyn BufRead + 'a>,
    /// The file's extension, if it has one, for format detection.
    pub extension: Option<String>,
}

impl std::fmt::Debug for Source<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl<'a> Source<'a> {
    /// Opens `path`, or standard input for `-`.
    pub fn open(path: &Path, stdin: &'a std::io::Stdin) -> Result<Source<'a>> {
        if path.as_os_str() == "-" {
            return Ok(Source {
                name: "<stdin>".into(),
                reader: Box::new(stdin.lock()),
                extension: None,
            });
        }
        let name = sanitize_line(&path.display().to_string()).into_owned();
        let file = std::fs::File::open(path)
            .map_err(|err| anyhow::anyhow!("{name}: cannot read: {err}"))?;
        Ok(Source {
            name,
            reader: Box::new(std::io::BufReader::with_capacity(1 << 16, file)),
            extension: path
                .extension()
                .map(|ext| ext.to_string_lossy().to_lowercase()),
        })
    }
}

/// A record that could not be imported, located in its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{location}: {message}")]
pub struct BadRecord {
    pub location: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ImportReport {
    pub new_messages: u64,
    pub new_conversations: u64,
    pub already_known: u64,
    /// Of `already_known`, repeats within this file (the first copy wins).
    pub duplicates: u64,
    pub skipped: u64,
    pub errors: Vec<BadRecord>,
}

impl ImportReport {
    fn with_counts(counts: IngestCounts, errors: Vec<BadRecord>) -> ImportReport {
        ImportReport {
            new_messages: counts.new_messages,
            new_conversations: counts.new_conversations,
            already_known: counts.already_known,
            duplicates: counts.duplicates,
            skipped: errors.len() as u64,
            errors,
        }
    }
}

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A bad record without `--skip-bad`: reading stops at the first one.
    #[error("{0} (nothing was imported; --skip-bad imports the other records)")]
    Bad(BadRecord),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// The user's side of an import: options and whose handles are theirs.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub format: Format,
    pub skip_bad: bool,
    pub my_handles: HashSet<(Platform, String)>,
    pub now: DateTime<Utc>,
}

/// Imports one source in one transaction.
pub fn import(
    store: &mut Store,
    mut source: Source<'_>,
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let format = match options.format {
        Format::Auto => detect(&mut source)?,
        chosen => chosen,
    };
    let mut ingest = store.ingest(options.now, options.my_handles.clone())?;
    let mut skipped = Vec::new();
    let mut handle = |record: Result<NewMessage, BadRecord>| -> Result<(), ImportError> {
        match record {
            Ok(message) => {
                ingest.add(&message)?;
            }
            Err(bad) if options.skip_bad => skipped.push(bad),
            Err(bad) => return Err(ImportError::Bad(bad)),
        }
        Ok(())
    };
    match format {
        Format::Jsonl | Format::Auto => jsonl::read(&source.name, source.reader, &mut handle)?,
        Format::Csv => csv::read(&source.name, source.reader, &mut handle)?,
    }
    let counts = ingest.finish()?;
    Ok(ImportReport::with_counts(counts, skipped))
}

/// By extension when it is one we know, else by the first byte of content:
/// a JSON object starts with `{`; anything else is taken for CSV's header row.
fn detect(source: &mut Source<'_>) -> Result<Format> {
    match source.extension.as_deref() {
        Some("jsonl" | "ndjson" | "json") => return Ok(Format::Jsonl),
        Some("csv") => return Ok(Format::Csv),
        _ => {}
    }
    let head = source.reader.fill_buf()?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = head.iter().find(|byte| !byte.is_ascii_whitespace());
    Ok(if first == Some(&b'{') {
        Format::Jsonl
    } else {
        Format::Csv
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str, text: &'static str) -> Source<'static> {
        Source {
            name: name.into(),
            reader: Box::new(text.as_bytes()),
            extension: Path::new(name)
                .extension()
                .map(|e| e.to_string_lossy().into_owned()),
        }
    }

    #[test]
    fn detects_by_extension_then_content() {
        assert_eq!(detect(&mut source("a.csv", "{")).unwrap(), Format::Csv);
        assert_eq!(detect(&mut source("a.ndjson", "x")).unwrap(), Format::Jsonl);
        assert_eq!(
            detect(&mut source("-", "\u{feff}  {\"a\":1}")).unwrap(),
            Format::Jsonl
        );
        assert_eq!(
            detect(&mut source("data", "platform,text\n")).unwrap(),
            Format::Csv
        );
    }
}
