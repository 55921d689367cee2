//! The terminal-safety layer (src/sanitize.rs) on arbitrary text: every
//! public function, and the promises its docs make about what comes out.
//!
//! Asserted, because the module says so:
//! - `sanitize`: no control character but '\n' (C0/C1/DEL become pictures or
//!   U+FFFD, CRLF becomes '\n', '\t' is expanded to spaces), no U+2028/U+2029
//!   (they become '\n'), no bidi control, no zero-width or invisible
//!   character the module drops (U+200B, U+2060, U+FEFF, U+00AD), no tag
//!   character except in a complete emoji tag sequence after 🏴, at most four
//!   combining marks (in the module's ranges) per grapheme cluster;
//!   unchanged text comes back borrowed.
//! - `sanitize_line`: all of that, and no '\n' either (one line).
//! - `preview`, `author_label`: one safe line, trimmed.
//! - `quote`: one safe line of at most 60 grapheme clusters plus '…'.
//! - `truncate_to_width`: at most `max_width` columns (by `display_width`),
//!   a prefix of the text, cut only at a grapheme boundary, plus '…' if cut.
//! - `fit_to_width`: exactly `width` columns.
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use tend::sanitize::{
    author_label, display_width, fit_to_width, is_bidi_control, preview, quote, sanitize,
    sanitize_line, truncate_to_width,
};
use unicode_segmentation::UnicodeSegmentation;

const BLACK_FLAG: char = '\u{1F3F4}';
const CANCEL_TAG: char = '\u{E007F}';
const MAX_MARKS: usize = 4;

/// The combining-mark ranges src/sanitize.rs caps.
fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Bytes of a complete tag sequence (tag letters, then a cancel tag) at the
/// start of `text`.
fn tag_sequence_len(text: &str) -> usize {
    let tags: usize = text
        .chars()
        .take_while(|c| ('\u{E0020}'..='\u{E007E}').contains(c))
        .map(char::len_utf8)
        .sum();
    if tags > 0 && text[tags..].starts_with(CANCEL_TAG) {
        tags + CANCEL_TAG.len_utf8()
    } else {
        0
    }
}

/// Panics unless `out` keeps every promise for terminal-safe text.
fn check_safe(what: &str, input: &str, out: &str, one_line: bool) {
    let fail = |why: String| -> ! { panic!("{what}: {why}\n input: {input:?}\noutput: {out:?}") };
    let mut at = 0;
    while let Some(c) = out[at..].chars().next() {
        if c == '\n' {
            if one_line {
                fail(format!("line break at byte {at}"));
            }
        } else if c.is_control() {
            fail(format!("control character {c:?} at byte {at}"));
        } else if matches!(c, '\u{2028}' | '\u{2029}') {
            fail(format!("line/paragraph separator {c:?} at byte {at}"));
        } else if is_bidi_control(c) {
            fail(format!("bidi control {c:?} at byte {at}"));
        } else if matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}') {
            fail(format!("invisible character {c:?} at byte {at}"));
        } else if ('\u{E0000}'..=CANCEL_TAG).contains(&c) {
            fail(format!("stray tag character {c:?} at byte {at}"));
        }
        at += c.len_utf8();
        if c == BLACK_FLAG {
            // A flag's complete tag sequence (🏴 + tag letters + cancel tag) is kept.
            at += tag_sequence_len(&out[at..]);
        }
    }
    for cluster in out.graphemes(true) {
        let marks = cluster.chars().filter(|&c| is_combining_mark(c)).count();
        if marks > MAX_MARKS {
            fail(format!(
                "{marks} combining marks in the cluster {cluster:?}"
            ));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&width, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let text: &str = &text;
    let width = usize::from(width % 100);

    let block = sanitize(text);
    check_safe("sanitize", text, &block, false);
    if let Cow::Owned(owned) = &block {
        assert_ne!(owned, text, "sanitize copied text it did not change");
    }

    let line = sanitize_line(text);
    check_safe("sanitize_line", text, &line, true);
    if let Cow::Owned(owned) = &line {
        assert_ne!(owned, text, "sanitize_line copied text it did not change");
    }

    let shown = preview(text);
    check_safe("preview", text, &shown, true);
    assert_eq!(shown, shown.trim(), "preview is not trimmed: {text:?}");

    let split = text
        .char_indices()
        .nth(width)
        .map_or(text.len(), |(at, _)| at);
    let (name, handle) = text.split_at(split);
    let label = author_label(Some(name), Some(handle));
    check_safe("author_label", text, &label, true);
    assert_eq!(label, label.trim(), "author_label is not trimmed: {text:?}");
    let label = author_label(None, Some(handle));
    check_safe("author_label", text, &label, true);

    let quoted = quote(text);
    check_safe("quote", text, &quoted, true);
    let clusters = quoted.graphemes(true).count();
    assert!(
        clusters <= 61,
        "quote is {clusters} grapheme clusters long: {text:?}"
    );

    // The layout functions take text that is already sanitized, one line.
    let _ = display_width(&block);
    let cut = truncate_to_width(&line, width);
    let cut_width = display_width(&cut);
    assert!(
        cut_width <= width,
        "truncate_to_width({line:?}, {width}) = {cut:?}, {cut_width} columns"
    );
    let kept: &str = if cut == line {
        &cut
    } else {
        cut.strip_suffix('…').unwrap_or(&cut)
    };
    assert!(
        line.starts_with(kept),
        "truncate_to_width({line:?}, {width}) = {cut:?} is not a prefix"
    );
    if kept.len() < line.len() {
        assert!(
            line.grapheme_indices(true).any(|(at, _)| at == kept.len()) || kept.is_empty(),
            "truncate_to_width({line:?}, {width}) cut inside a grapheme: {cut:?}"
        );
    }
    let fitted = fit_to_width(&line, width);
    let fitted_width = display_width(&fitted);
    assert_eq!(
        fitted_width, width,
        "fit_to_width({line:?}, {width}) = {fitted:?}, {fitted_width} columns"
    );
});
