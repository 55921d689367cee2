//! Email: an mbox file (RFC 4155; mboxrd `>From` quoting undone) or a
//! single `.eml` message. MIME, RFC 2047 headers and other charsets are
//! `mail-parser`'s work; this module splits the file (a `From ` line counts
//! only when it looks like a separator: after a blank line, ending in a
//! time and a year, so a body line "From here on…" cannot split a message)
//! and threads by `Message-ID`, `In-Reply-To` and `References`.

use std::io::BufRead;

use chrono::{DateTime, Utc};
use mail_parser::{HeaderValue, Message, MessageParser};
use sha2::{Digest, Sha256};

use super::platform::{Found, Records};
use crate::model::{Kind, Platform};
use crate::store::NewMessage;

/// Whether `bytes` start like an mbox (`From ` separator) or a message
/// (a header line such as `Received:` or `From:`).
#[must_use]
pub fn recognizes(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"From ") {
        return true;
    }
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let Some(colon) = first_line.iter().position(|&b| b == b':') else {
        return false;
    };
    let name = &first_line[..colon];
    !name.is_empty()
        && name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && HEADERS
            .iter()
            .any(|header| name.eq_ignore_ascii_case(header.as_bytes()))
}

/// Header names a message file starts with.
const HEADERS: [&str; 12] = [
    "Return-Path",
    "Received",
    "Delivered-To",
    "From",
    "To",
    "Date",
    "Subject",
    "Message-ID",
    "MIME-Version",
    "X-Mozilla-Status",
    "X-GM-THRID",
    "DKIM-Signature",
];

/// Reads messages one at a time (an mbox may be gigabytes): each is parsed
/// and handed on before the next is read.
pub fn read(reader: &mut dyn BufRead, records: &mut Records<'_>) -> std::io::Result<()> {
    let parser = MessageParser::default();
    let mut number = 0;
    let mut handle = |raw: Vec<u8>, records: &mut Records<'_>| {
        if raw.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        number += 1;
        let path = format!("message {number}");
        let found = match parser.parse(&raw) {
            Some(message) => email(&message, &raw, &path),
            None => Err(Found {
                path,
                message: "not an email message".to_owned(),
            }),
        };
        records.add(found);
    };
    let mut current = Vec::new();
    let mut previous_blank = true;
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        if previous_blank && is_separator(&line) {
            handle(std::mem::take(&mut current), records);
            previous_blank = false;
            continue;
        }
        unquote_into(&line, &mut current);
        previous_blank = line.iter().all(u8::is_ascii_whitespace);
        if current.len() > super::MAX_RECORD_BYTES {
            records.refuse(format!(
                "message {} is larger than {} MiB: not an mbox tend can read",
                number + 1,
                super::MAX_RECORD_BYTES >> 20
            ));
            return Ok(());
        }
    }
    handle(current, records);
    Ok(())
}

/// mboxrd: `>From `, `>>From `… lose one `>`.
fn unquote_into(line: &[u8], message: &mut Vec<u8>) {
    let quoted = line.iter().take_while(|&&b| b == b'>').count();
    if quoted > 0 && line[quoted..].starts_with(b"From ") {
        message.extend_from_slice(&line[1..]);
    } else {
        message.extend_from_slice(line);
    }
}

/// `From <sender> <asctime>`: a time (`10:00:12`) and a four-digit year at
/// the end (after an optional zone), as mbox writers put it.
fn is_separator(line: &[u8]) -> bool {
    // Most lines after a blank one are text: the cheap test first.
    let Some(rest) = line.strip_prefix(b"From ") else {
        return false;
    };
    let Ok(rest) = std::str::from_utf8(rest) else {
        return false;
    };
    let words: Vec<&str> = rest.split_whitespace().collect();
    let has_time = words.iter().any(|word| {
        let parts: Vec<&str> = word.split(':').collect();
        parts.len() >= 2
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    });
    let has_year = words
        .iter()
        .rev()
        .take(2)
        .any(|word| word.len() == 4 && word.chars().all(|c| c.is_ascii_digit()));
    words.len() >= 3 && has_time && has_year
}

fn email(message: &Message<'_>, raw: &[u8], path: &str) -> Result<NewMessage, Found> {
    let id = message
        .message_id()
        .map(|id| id.trim().trim_matches(['<', '>']).to_owned())
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| format!("sha256:{:x}", Sha256::digest(raw)));
    let created_at = message
        .date()
        .and_then(|date| DateTime::<Utc>::from_timestamp(date.to_timestamp(), 0))
        .ok_or_else(|| Found {
            path: format!("{path} ({id}): Date"),
            message: "missing or not a date".to_owned(),
        })?;
    let ids = |value: &HeaderValue<'_>| -> Vec<String> {
        value
            .as_text_list()
            .unwrap_or_default()
            .iter()
            .map(|id| id.trim().trim_matches(['<', '>']).to_owned())
            .filter(|id| !id.is_empty())
            .collect()
    };
    let references = ids(message.references());
    let in_reply_to = ids(message.in_reply_to());
    let parent = in_reply_to.last().or(references.last()).cloned();
    // The root: the first reference, else the parent, else the message.
    let thread = references.first().or(in_reply_to.first()).cloned();
    let from = message.from().and_then(|from| from.first());
    let to = message
        .to()
        .and_then(|to| to.first())
        .and_then(|to| to.address())
        .map(str::to_lowercase);
    let text = message
        .body_text(0)
        .map(|text| text.replace("\r\n", "\n"))
        .unwrap_or_default();
    Ok(NewMessage {
        platform: Platform::Email,
        external_id: id,
        created_at,
        text,
        kind: Kind::Email,
        thread_id: thread,
        parent_id: parent,
        author_handle: from.and_then(|from| from.address()).map(str::to_lowercase),
        author_display_name: from
            .and_then(|from| from.name())
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty()),
        author_profile_url: None,
        author_id: None,
        title: message.subject().map(str::to_owned),
        url: None,
        source_account: to,
        direction: None,
        author_followers: None,
        extra_json: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages `read` hands on (it is what every import runs).
    fn read_all(bytes: &[u8]) -> Vec<NewMessage> {
        let mut found = Vec::new();
        let mut sink = |_: usize,
                        record: Result<NewMessage, crate::import::BadRecord>|
         -> Result<(), crate::import::ImportError> {
            found.extend(record.ok());
            Ok(())
        };
        let mut records = Records::new("box", &mut sink);
        read(&mut &bytes[..], &mut records).unwrap();
        records.finish().unwrap();
        found
    }

    #[test]
    fn only_a_real_separator_splits_and_mboxrd_quoting_is_undone() {
        let mbox = b"From a@example.com Fri Jun 12 10:00:12 2026\nMessage-ID: <1@x>\nDate: Fri, 12 Jun 2026 10:00:00 +0000\nSubject: one\n\nFrom here on it breaks.\n>From the header row\n>>From deeper\n\nFrom b@example.com Fri Jun 12 11:00:00 +0000 2026\nDate: Fri, 12 Jun 2026 11:00:00 +0000\nSubject: two\n\nbody\n";
        let messages = read_all(mbox);
        assert_eq!(messages.len(), 2);
        assert!(
            messages[0]
                .text
                .contains("From here on it breaks.\nFrom the header row\n>From deeper\n"),
            "{}",
            messages[0].text
        );
        assert!(is_separator(
            b"From MAILER-DAEMON Thu Jun 11 07:45:00 2026\n"
        ));
        assert!(is_separator(
            b"From 1834@xxx Thu Jun 11 07:45:00 +0000 2026\n"
        ));
        assert!(!is_separator(
            b"From here on everything ends up in one column.\n"
        ));
        assert_eq!(
            read_all(b"Date: Fri, 12 Jun 2026 10:00:00 +0000\nSubject: x\n\nbody\n").len(),
            1,
            "an .eml is one message"
        );
        assert!(read_all(b"").is_empty());
    }

    #[test]
    fn mbox_and_eml_are_recognized_by_their_first_line() {
        assert!(recognizes(b"From a@b Fri Jun 12 10:00:12 2026\n"));
        assert!(recognizes(b"Return-Path: <a@b>\n"));
        assert!(recognizes(b"message-id: <x@y>\n"));
        assert!(!recognizes(b"platform,external_id\n"));
        assert!(!recognizes(b"Note: hello\n"));
    }
}
