//! Reading files into the store. Each format turns its input into records
//! (`FILE:LINE`-located `NewMessage`s or located errors); this module picks
//! the format, runs them through one store transaction, and applies the
//! import rules: all or nothing, or `--skip-bad` to keep the good records.

mod bluesky;
mod csv;
pub(crate) mod github;
mod hackernews;
mod html;
mod jsonl;
mod mastodon;
mod mbox;
mod platform;
mod record;
mod reddit;
mod x;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::Platform;
use crate::sanitize::quote;
use crate::store::{Ingest, IngestCounts, NewMessage, Store};

pub use record::{RecordError, message_from_fields};

/// The formats `tend import` reads. Platform formats join this list as their
/// importers land.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// By content: a platform's JSON, the generic JSONL or CSV.
    Auto,
    /// The generic format, one JSON object per line.
    Jsonl,
    /// The generic format as CSV with a header row.
    Csv,
    /// Mastodon: pages of /api/v1/notifications, or a status context.
    Mastodon,
    /// Bluesky: pages of listNotifications, or a getPostThread thread.
    Bluesky,
    /// GitHub: issue comments (one, or a listing), issues, pull requests;
    /// a notifications page is counted (tend sync fetches its comments).
    Github,
    /// Hacker News: Algolia search results for comments.
    Hackernews,
    /// Reddit: inbox, mentions or messages listings.
    Reddit,
    /// An X archive's data/tweets.js or data/direct-messages.js.
    XArchive,
    /// Email: an mbox file, or one message (.eml).
    Mbox,
}

/// What a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detected {
    Jsonl,
    Csv,
    /// One JSON document, for a platform importer to recognize.
    Document,
    /// Email.
    Mbox,
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
    /// Opens `path`, or standard input for `-`. Standard input is first
    /// copied to an anonymous temporary file, so that a slow pipe never holds
    /// the store's write lock while it trickles in.
    pub fn open(path: &Path, stdin: &'a std::io::Stdin) -> Result<Source<'a>> {
        if path.as_os_str() == "-" {
            let mut spool = tempfile::tempfile()
                .context("<stdin>: cannot create a temporary file to read into")?;
            std::io::copy(&mut stdin.lock(), &mut spool).context("<stdin>: cannot read")?;
            spool
                .seek(SeekFrom::Start(0))
                .context("<stdin>: cannot read back")?;
            return Ok(Source {
                name: "<stdin>".into(),
                reader: Box::new(BufReader::with_capacity(1 << 16, spool)),
                extension: None,
            });
        }
        let name = quote(&path.display().to_string());
        if path.is_dir() {
            bail!("{name}: is a directory, not a file to import");
        }
        let file =
            std::fs::File::open(path).map_err(|err| anyhow!("{name}: cannot read: {err}"))?;
        Ok(Source {
            name,
            reader: Box::new(BufReader::with_capacity(1 << 16, file)),
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
    /// Items of a platform's file that are not messages (likes, boosts,
    /// follows), by kind: counted, never imported, never errors.
    pub not_messages: std::collections::BTreeMap<String, u64>,
}

impl ImportReport {
    fn new(
        counts: IngestCounts,
        errors: Vec<BadRecord>,
        not_messages: std::collections::BTreeMap<String, u64>,
    ) -> ImportReport {
        ImportReport {
            new_messages: counts.new_messages,
            new_conversations: counts.new_conversations,
            already_known: counts.already_known,
            duplicates: counts.duplicates,
            skipped: errors.len() as u64,
            errors,
            not_messages,
        }
    }

    /// Adds another import's report to this one (a sync's pages).
    pub fn absorb(&mut self, other: ImportReport) {
        self.new_messages += other.new_messages;
        self.new_conversations += other.new_conversations;
        self.already_known += other.already_known;
        self.duplicates += other.duplicates;
        self.skipped += other.skipped;
        self.errors.extend(other.errors);
        for (kind, count) in other.not_messages {
            *self.not_messages.entry(kind).or_default() += count;
        }
    }
}

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A bad record without `--skip-bad`: reading stops at the first one.
    #[error("{0} (nothing was imported; --skip-bad imports the other records)")]
    Bad(BadRecord),
    /// The file as a whole cannot be read (a broken header, an unclosed quote,
    /// a record too large): `--skip-bad` cannot help.
    #[error("{0} (nothing was imported)")]
    File(BadRecord),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// The largest record tend reads: well above any real message, small enough
/// that a file of garbage (or /dev/zero) cannot exhaust memory.
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// What a format reader hands over for each record: the line it starts on
/// and the message, or what is wrong with it.
type RecordSink<'a> =
    dyn FnMut(usize, Result<NewMessage, BadRecord>) -> Result<(), ImportError> + 'a;

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
    let reading = Reading::start(&mut source, options.format)?;
    let name = source.name.clone();
    let mut ingest = store.ingest(options.now, options.my_handles.clone())?;
    let (skipped, not_messages) =
        ingest_records(&mut ingest, &name, options.skip_bad, None, |sink| {
            reading.read(source, &options.my_handles, sink)
        })?;
    let counts = ingest.finish()?;
    Ok(ImportReport::new(counts, skipped, not_messages))
}

/// Feeds the records `read` finds into `ingest`: the one sink of `import`
/// and `store_page`. A bad record stops it unless `skip_bad`; messages a
/// sync fetched are stored as `account`'s. Gives the skipped records and the
/// items that were not messages.
fn ingest_records(
    ingest: &mut Ingest<'_>,
    name: &str,
    skip_bad: bool,
    account: Option<&str>,
    read: impl FnOnce(&mut RecordSink<'_>) -> Result<NotMessages, ImportError>,
) -> Result<(Vec<BadRecord>, NotMessages), ImportError> {
    let mut skipped = Vec::new();
    let mut sink =
        |line: usize, record: Result<NewMessage, BadRecord>| -> Result<(), ImportError> {
            match record {
                Ok(mut message) => {
                    message.source_account = account.map(str::to_owned).or(message.source_account);
                    ingest.add(&message).with_context(|| {
                        if line > 0 {
                            format!("{name}:{line}: cannot store this record")
                        } else {
                            format!("{name}: cannot store this record")
                        }
                    })?;
                }
                Err(bad) if skip_bad => skipped.push(bad),
                Err(bad) => return Err(ImportError::Bad(bad)),
            }
            Ok(())
        };
    let not_messages = read(&mut sink)?;
    Ok((skipped, not_messages))
}

/// Counts of items that are not messages, by kind.
type NotMessages = std::collections::BTreeMap<String, u64>;

/// Reads `bytes` as `format` the way `tend import` does, storing nothing:
/// how many messages and bad records it holds. The fuzz targets (`fuzz/`)
/// drive every parser through this, without a store in the way.
pub fn read_without_storing(format: Format, bytes: &[u8]) -> Result<(usize, usize), ImportError> {
    let mut source = Source {
        name: "<fuzz>".into(),
        reader: Box::new(Cursor::new(bytes)),
        extension: None,
    };
    let reading = Reading::start(&mut source, format)?;
    let (mut messages, mut bad) = (0, 0);
    let mut sink = |_: usize, record: Result<NewMessage, BadRecord>| -> Result<(), ImportError> {
        match record {
            Ok(_) => messages += 1,
            Err(_) => bad += 1,
        }
        Ok(())
    };
    reading.read(source, &HashSet::new(), &mut sink)?;
    Ok((messages, bad))
}

/// A source whose format is known, with a platform's whole document already
/// read: what `import` finds out before it takes the store's write lock.
struct Reading {
    detected: Detected,
    document: Option<(Importer, serde_json::Value)>,
}

impl Reading {
    fn start(source: &mut Source<'_>, format: Format) -> Result<Reading, ImportError> {
        skip_bom(source).with_context(|| format!("{}: cannot read", source.name))?;
        let detected = match format {
            Format::Auto => {
                detect(source).with_context(|| format!("{}: cannot read", source.name))?
            }
            Format::Jsonl => Detected::Jsonl,
            Format::Csv => Detected::Csv,
            Format::Mastodon
            | Format::Bluesky
            | Format::Github
            | Format::Hackernews
            | Format::Reddit
            | Format::XArchive => Detected::Document,
            Format::Mbox => Detected::Mbox,
        };
        // A platform's document is read and recognized before the store is
        // written to: a file tend cannot read costs no lock.
        let document = match detected {
            Detected::Document => Some(platform_document(source, format)?),
            Detected::Jsonl | Detected::Csv | Detected::Mbox => None,
        };
        Ok(Reading { detected, document })
    }

    /// Hands every record to `sink`; returns the not-message counts.
    fn read(
        self,
        source: Source<'_>,
        my_handles: &HashSet<(Platform, String)>,
        sink: &mut RecordSink<'_>,
    ) -> Result<NotMessages, ImportError> {
        let name = source.name;
        match (self.detected, self.document) {
            (Detected::Csv, _) => csv::read(&name, source.reader, sink)?,
            (Detected::Mbox, _) => {
                let mut reader = source.reader;
                let mut records = platform::Records::new(&name, sink);
                mbox::read(&mut reader, &mut records)
                    .with_context(|| format!("{name}: cannot read"))?;
                return records.finish();
            }
            (_, Some((importer, document))) => {
                let mut records = platform::Records::new(&name, sink);
                importer.read(&document, my_handles, &mut records);
                return records.finish();
            }
            (Detected::Jsonl | Detected::Document, None) => {
                jsonl::read(&name, source.reader, sink)?;
            }
        }
        Ok(std::collections::BTreeMap::new())
    }
}

/// What one page of a sync holds, in the platform's own JSON.
#[derive(Debug)]
pub enum PageContent {
    /// A page of Mastodon notifications.
    Mastodon(serde_json::Value),
    /// A page of Bluesky's listNotifications.
    Bluesky(serde_json::Value),
    /// GitHub comments (or issues), each with its notification's title.
    Github(Vec<GithubPost>),
}

/// A GitHub comment or issue as the API gave it, and the title of the
/// thread its notification named.
pub type GithubPost = (serde_json::Map<String, serde_json::Value>, Option<String>);

/// One page a sync fetched, and where the account's sync stands once it is
/// stored.
#[derive(Debug)]
pub struct SyncPage<'a> {
    /// What errors call the page (`mastodon page 2`).
    pub name: String,
    pub account: &'a str,
    pub platform: Platform,
    pub content: PageContent,
    /// Items the sync set aside itself (a GitHub discussion), by kind.
    pub not_messages: Vec<String>,
    /// The account's cursor after this page.
    pub cursor: String,
}

/// Stores a sync's page and its cursor in one transaction. An item the
/// importer cannot read is skipped and listed (a server's odd item must not
/// stop every later sync), as `--skip-bad` does for a file.
#[allow(clippy::implicit_hasher)] // `Store::ingest` takes this very set
pub fn store_page(
    store: &mut Store,
    page: &SyncPage<'_>,
    my_handles: &HashSet<(Platform, String)>,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let mut ingest = store.ingest(now, my_handles.clone())?;
    // A page's bad items are counted and the sync goes on: one item tend
    // cannot read must not stop every later sync at the same place.
    let read = |sink: &mut RecordSink<'_>| {
        let mut records = platform::Records::new(&page.name, sink);
        for kind in &page.not_messages {
            records.not_a_message(kind);
        }
        match &page.content {
            PageContent::Mastodon(document) => {
                Importer::Mastodon.read(document, my_handles, &mut records);
            }
            PageContent::Bluesky(document) => {
                Importer::Bluesky.read(document, my_handles, &mut records);
            }
            PageContent::Github(posts) => {
                for (index, (post, title)) in posts.iter().enumerate() {
                    records.add(github::message(
                        post,
                        &format!("[{index}]"),
                        title.as_deref(),
                    ));
                }
            }
        }
        records.finish()
    };
    let (skipped, not_messages) =
        ingest_records(&mut ingest, &page.name, true, Some(page.account), read).map_err(
            // The store's own error stays whole, so what it means for the
            // file (a full disk, a read-only store) can still be told.
            |err| match err {
                ImportError::Other(err) => err,
                other => anyhow::Error::new(other),
            },
        )?;
    ingest.save_cursor(page.account, page.platform.as_str(), &page.cursor, now)?;
    let counts = ingest.finish()?;
    Ok(ImportReport::new(counts, skipped, not_messages))
}

/// The platform importers, each with what it recognizes and what it is
/// called in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Importer {
    Mastodon,
    Bluesky,
    Github,
    Hackernews,
    Reddit,
    XArchive,
}

impl Importer {
    const ALL: [Importer; 6] = [
        Importer::Mastodon,
        Importer::Bluesky,
        Importer::Github,
        Importer::Hackernews,
        Importer::Reddit,
        Importer::XArchive,
    ];

    fn recognizes(self, document: &serde_json::Value) -> bool {
        match self {
            Importer::Mastodon => mastodon::recognizes(document),
            Importer::Bluesky => bluesky::recognizes(document),
            Importer::Github => github::recognizes(document),
            Importer::Hackernews => hackernews::recognizes(document),
            Importer::Reddit => reddit::recognizes(document),
            Importer::XArchive => x::recognizes(document),
        }
    }

    /// Hands each message of `document` (one this importer recognizes) to
    /// `records`. `my_handles` tells an X archive whose side is whose.
    fn read(
        self,
        document: &serde_json::Value,
        my_handles: &HashSet<(Platform, String)>,
        records: &mut platform::Records<'_>,
    ) {
        match self {
            Importer::Mastodon => mastodon::read(document, records),
            Importer::Bluesky => bluesky::read(document, records),
            Importer::Github => github::read(document, records),
            Importer::Hackernews => hackernews::read(document, records),
            Importer::Reddit => reddit::read(document, records),
            Importer::XArchive => x::read(document, my_handles, records),
        }
    }

    fn format(self) -> Format {
        match self {
            Importer::Mastodon => Format::Mastodon,
            Importer::Bluesky => Format::Bluesky,
            Importer::Github => Format::Github,
            Importer::Hackernews => Format::Hackernews,
            Importer::Reddit => Format::Reddit,
            Importer::XArchive => Format::XArchive,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Importer::Mastodon => "a Mastodon notifications page, status, status context or outbox",
            Importer::Bluesky => "a Bluesky listNotifications page or getPostThread thread",
            Importer::Github => "a GitHub comment, issue, comments listing or notifications page",
            Importer::Hackernews => "a Hacker News (Algolia) search result or item",
            Importer::Reddit => "a Reddit inbox listing",
            Importer::XArchive => "an X archive's tweets.js or direct-messages.js",
        }
    }
}

/// Reads the whole input and finds whose format it is (the one asked for,
/// or any that recognizes it).
fn platform_document(
    source: &mut Source<'_>,
    format: Format,
) -> Result<(Importer, serde_json::Value), ImportError> {
    let document = platform::document(&source.name, &mut source.reader)?;
    let asked: Vec<Importer> = match format {
        Format::Auto | Format::Jsonl | Format::Csv => Importer::ALL.to_vec(),
        chosen => Importer::ALL
            .into_iter()
            .filter(|i| i.format() == chosen)
            .collect(),
    };
    let importer = asked
        .iter()
        .copied()
        .find(|importer| importer.recognizes(&document));
    importer
        .map(|importer| (importer, document))
        .ok_or_else(|| {
            let what: Vec<&str> = asked.iter().map(|importer| importer.what()).collect();
            let expected = if asked.len() == 1 {
                what.join("")
            } else {
                format!(
                    "a format tend knows: the generic JSONL or CSV, {}",
                    what.join(", ")
                )
            };
            ImportError::File(BadRecord {
                location: source.name.clone(),
                message: format!("not {expected} (--format names one)"),
            })
        })
}

/// A UTF-8 byte order mark says nothing to a reader of UTF-8; drop it.
fn skip_bom(source: &mut Source<'_>) -> std::io::Result<()> {
    if source.reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        source.reader.consume(3);
    }
    Ok(())
}

/// CSV by its extension; otherwise by content. A JSON array is a
/// platform's document; an object is the generic JSONL when its first line
/// is a whole record with `platform`, else a platform's document; anything
/// else is taken for CSV's header row. Blank input is JSONL (it imports
/// nothing, as an empty `.jsonl` does).
fn detect(source: &mut Source<'_>) -> std::io::Result<Detected> {
    match source.extension.as_deref() {
        Some("csv") => return Ok(Detected::Csv),
        Some("mbox" | "mbx" | "eml") => return Ok(Detected::Mbox),
        _ => {}
    }
    // Leading blanks may span buffer fills (a pipe that pauses): keep what was
    // read and put it back in front of the rest.
    let mut blanks = Vec::new();
    let first = loop {
        let chunk = source.reader.fill_buf()?;
        if chunk.is_empty() {
            break None;
        }
        if let Some(&byte) = chunk.iter().find(|byte| !byte.is_ascii_whitespace()) {
            break Some(byte);
        }
        let read = chunk.len();
        blanks.extend_from_slice(chunk);
        source.reader.consume(read);
    };
    let chunk = source.reader.fill_buf()?;
    let head = chunk.trim_ascii_start();
    let email = first.is_some() && mbox::recognizes(head);
    let archive = first == Some(b'w') && x::is_wrapped(head);
    let first_line_is_a_record = first == Some(b'{') && {
        let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
        // A whole object on the first line is a record of the generic
        // format, unless a platform importer knows it (a page saved on one
        // line): a record with a mistake still gets the JSONL reader's
        // message (`FILE:1: missing required field "platform"`).
        serde_json::from_slice::<serde_json::Value>(line).is_ok_and(|record| {
            record.is_object()
                && !Importer::ALL
                    .into_iter()
                    .any(|importer| importer.recognizes(&record))
        })
    };
    if !blanks.is_empty() {
        let rest = std::mem::replace(&mut source.reader, Box::new(std::io::empty()));
        source.reader = Box::new(BufReader::new(Cursor::new(blanks).chain(rest)));
    }
    let by_extension = matches!(source.extension.as_deref(), Some("jsonl" | "ndjson"));
    Ok(match first {
        None => Detected::Jsonl,
        Some(b'{') if first_line_is_a_record || by_extension => Detected::Jsonl,
        Some(b'[' | b'{') => Detected::Document,
        Some(_) if archive => Detected::Document,
        Some(_) if email => Detected::Mbox,
        Some(_) if by_extension => Detected::Jsonl,
        Some(_) => Detected::Csv,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    #[test]
    fn a_sync_page_the_full_disk_refuses_keeps_the_stores_own_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut store = Store::open(&path).unwrap();
        store.limit_growth_for_tests(0).unwrap();
        let comment = serde_json::json!({
            "node_id": "IC_1", "created_at": "2026-06-12T09:18:44Z",
            "issue_url": "https://api.github.com/repos/o/r/issues/1",
            "body": "x".repeat(64 * 1024), "user": {"login": "kai"}
        });
        let page = SyncPage {
            name: "github page 1".into(),
            account: "github",
            platform: Platform::Github,
            content: PageContent::Github(vec![(comment.as_object().cloned().unwrap(), None)]),
            not_messages: Vec::new(),
            cursor: "{}".into(),
        };
        let err = store_page(
            &mut store,
            &page,
            &HashSet::new(),
            crate::testing::at("2026-06-12T10:00:00Z"),
        )
        .unwrap_err();
        assert!(
            matches!(
                crate::store::explain_failure(&path, &err),
                Some(crate::store::StoreError::Full { .. })
            ),
            "{err:#}"
        );
    }

    /// JSON shaped like platform pages: the keys importers read, with values
    /// of any type, nested a few levels.
    fn json() -> impl Strategy<Value = Value> {
        let keys = prop::sample::select(vec![
            "type",
            "account",
            "status",
            "uri",
            "acct",
            "url",
            "created_at",
            "content",
            "notifications",
            "reason",
            "record",
            "author",
            "handle",
            "createdAt",
            "text",
            "reply",
            "root",
            "parent",
            "hits",
            "objectID",
            "comment_text",
            "_tags",
            "kind",
            "data",
            "children",
            "name",
            "created_utc",
            "body",
            "tweet",
            "full_text",
            "dmConversation",
            "conversationId",
            "messages",
            "messageCreate",
            "senderId",
            "id",
            "in_reply_to_id",
            "ancestors",
            "descendants",
            "thread",
            "post",
            "facets",
            "node_id",
            "body",
            "issue_url",
            "subject",
            "repository",
        ]);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "[a-z0-9:/@. \u{1b}<>&#;é☕森-]{0,12}".prop_map(Value::String),
            Just(Value::String("2026-06-12T09:14:03Z".into())),
        ];
        let leaf = prop_oneof![
            leaf,
            // The values that let an item through, so the parsing is reached.
            prop::sample::select(vec![
                "mention", "reply", "quote", "t1", "t4", "Listing", "comment", "1-2", "1",
            ])
            .prop_map(|text| Value::String(text.into())),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(keys.clone(), inner, 0..6).prop_map(|map| {
                    Value::Object(map.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                }),
            ]
        })
    }

    /// Every JSON pointer in `value` (`/0/status/uri`).
    fn pointers(value: &Value) -> Vec<String> {
        let mut all = Vec::new();
        let mut stack = vec![(String::new(), value)];
        while let Some((at, value)) = stack.pop() {
            match value {
                Value::Object(object) => {
                    stack.extend(object.iter().map(|(k, v)| (format!("{at}/{k}"), v)));
                }
                Value::Array(items) => {
                    stack.extend(
                        items
                            .iter()
                            .enumerate()
                            .map(|(i, v)| (format!("{at}/{i}"), v)),
                    );
                }
                _ => {}
            }
            if !at.is_empty() {
                all.push(at);
            }
        }
        all
    }

    /// How many objects are listed in `value`'s arrays, at any depth: damage
    /// to what lists several items (a page's list, a thread's root) leaves no
    /// item whole.
    fn listed_objects(value: &Value) -> usize {
        match value {
            Value::Array(items) => items
                .iter()
                .map(|item| usize::from(item.is_object()) + listed_objects(item))
                .sum(),
            Value::Object(fields) => fields.values().map(listed_objects).sum(),
            _ => 0,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Whatever a page holds, each importer hands over messages or
        /// errors that say where, in one line: never a panic, never an
        /// error without a place.
        #[test]
        fn every_importer_takes_any_json(document in json()) {
            for importer in Importer::ALL {
                let mut seen = Vec::new();
                let mut sink = |_: usize, record: Result<NewMessage, BadRecord>| -> Result<(), ImportError> {
                    seen.push(record);
                    Ok(())
                };
                let mut records = platform::Records::new("page.json", &mut sink);
                let me = [(Platform::X, "1".to_owned())].into();
                importer.read(&document, &me, &mut records);
                if let Err(ImportError::File(refused)) = records.finish() {
                    prop_assert_eq!(refused.location, "page.json");
                }
                for record in seen {
                    match record {
                        Ok(message) => prop_assert!(!message.external_id.trim().is_empty()),
                        Err(bad) => {
                            prop_assert!(bad.location.starts_with("page.json: "), "{bad:?}");
                            prop_assert!(!bad.message.is_empty() && !bad.message.contains('\n'), "{bad:?}");
                        }
                    }
                }
            }
        }

        /// A real page with one value changed or removed anywhere: the other
        /// items still import, and what is wrong says where.
        #[test]
        fn a_damaged_fixture_keeps_the_rest(
            file in prop::sample::select(vec![
                "mastodon_notifications_page1.json",
                "mastodon_context.json",
                "bluesky_listNotifications.json",
                "bluesky_getPostThread.json",
                "hn_algolia_search.json",
                "reddit_inbox.json",
                "x_archive_tweets.js",
                "x_archive_direct-messages.js",
            ]),
            at in any::<prop::sample::Index>(),
            value in json(),
            remove in any::<bool>(),
        ) {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(file);
            let mut reader: &[u8] = &std::fs::read(path).unwrap();
            let mut document = platform::document(file, &mut reader).unwrap();
            let pointers = pointers(&document);
            let pointer = at.get(&pointers).clone();
            if document.pointer(&pointer).is_some_and(|value| listed_objects(value) >= 2) {
                return Ok(());
            }
            let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", &pointer));
            match document.pointer_mut(parent) {
                Some(Value::Object(object)) if remove => { object.remove(last); }
                Some(Value::Array(items)) if remove => {
                    if let Ok(index) = last.parse::<usize>()
                        && index < items.len()
                    {
                        items.remove(index);
                    }
                }
                _ => if let Some(slot) = document.pointer_mut(&pointer) { *slot = value; },
            }
            let importer = Importer::ALL.into_iter().find(|i| i.recognizes(&document));
            let Some(importer) = importer else { return Ok(()); };
            let mut seen = Vec::new();
            let mut sink = |_: usize, record: Result<NewMessage, BadRecord>| -> Result<(), ImportError> {
                seen.push(record);
                Ok(())
            };
            let mut records = platform::Records::new(file, &mut sink);
            importer.read(&document, &HashSet::new(), &mut records);
            let refused = records.finish().is_err();
            let good = seen.iter().filter(|record| record.is_ok()).count();
            for record in &seen {
                if let Err(bad) = record {
                    prop_assert!(bad.location.starts_with(&format!("{file}: ")), "{bad:?}");
                }
            }
            prop_assert!(refused || good >= 1, "{pointer}: {seen:?}");
        }

        /// Any bytes as an mbox: messages or located errors, one per message.
        #[test]
        fn the_mbox_reader_takes_any_bytes(
            parts in prop::collection::vec(
                prop_oneof![
                    Just(b"From a@b Fri Jun 12 10:00:12 2026\n".to_vec()),
                    Just(b"Date: Fri, 12 Jun 2026 10:00:00 +0000\n".to_vec()),
                    Just(b"Message-ID: <x@y>\n\n".to_vec()),
                    Just(b">From quoted\n".to_vec()),
                    Just(b"Subject: =?UTF-8?B?w6k=?=\n".to_vec()),
                    prop::collection::vec(any::<u8>(), 0..40),
                ],
                0..12,
            )
        ) {
            let bytes = parts.concat();
            let mut seen = Vec::new();
            let mut sink = |_: usize, record: Result<NewMessage, BadRecord>| -> Result<(), ImportError> {
                seen.push(record);
                Ok(())
            };
            let mut records = platform::Records::new("box.mbox", &mut sink);
            prop_assert!(mbox::read(&mut &bytes[..], &mut records).is_ok());
            prop_assert!(records.finish().is_ok());
            for record in seen {
                if let Err(bad) = record {
                    prop_assert!(bad.location.starts_with("box.mbox: message "), "{bad:?}");
                }
            }
        }
    }

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
        assert_eq!(detect(&mut source("a.csv", "{")).unwrap(), Detected::Csv);
        assert_eq!(
            detect(&mut source("a.ndjson", "x")).unwrap(),
            Detected::Jsonl
        );
        assert_eq!(
            detect(&mut source("-", "  {\"platform\":\"x\"}\n{}")).unwrap(),
            Detected::Jsonl
        );
        assert_eq!(
            detect(&mut source("data", "platform,text\n")).unwrap(),
            Detected::Csv
        );
        assert_eq!(
            detect(&mut source("page.json", "[{\"id\":1}]")).unwrap(),
            Detected::Document
        );
        assert_eq!(
            detect(&mut source(
                "context.json",
                "{\"ancestors\": [],\n\"descendants\": []}"
            ))
            .unwrap(),
            Detected::Document
        );
        assert_eq!(
            detect(&mut source("a.jsonl", "{\"a\":1}")).unwrap(),
            Detected::Jsonl
        );
        assert_eq!(
            detect(&mut source("empty", "  \n")).unwrap(),
            Detected::Jsonl
        );
        // A record with a mistake is still the generic format...
        assert_eq!(
            detect(&mut source("a.json", "{\"external_id\":\"1\"}\n{}")).unwrap(),
            Detected::Jsonl
        );
        // ...and a platform's page saved on one line is a document.
        assert_eq!(
            detect(&mut source(
                "page.json",
                "{\"notifications\":[],\"cursor\":\"x\"}"
            ))
            .unwrap(),
            Detected::Document
        );
    }
}
