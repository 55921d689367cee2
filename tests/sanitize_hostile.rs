//! Every string of the hostile fixture, run through the sanitizer: nothing a
//! terminal would execute or hide may come out, and the known attacks come out
//! exactly as the reader should see them.

use std::borrow::Cow;
use std::fs;

use serde_json::Value;
use tend::sanitize::{display_width, sanitize, sanitize_line, truncate_to_width};
use unicode_segmentation::UnicodeSegmentation;

fn records() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/hostile.jsonl");
    let jsonl = fs::read_to_string(path).expect("read the hostile fixture");
    jsonl
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).expect("fixture line is JSON"))
        .collect()
}

/// Looked up by author, so a reordered fixture still tests the right attack.
fn record(handle: &str) -> Value {
    records()
        .into_iter()
        .find(|r| r["author_handle"] == handle)
        .unwrap_or_else(|| panic!("no record by {handle} in the fixture"))
}

/// One string field of the record written by `handle`.
fn field(handle: &str, name: &str) -> String {
    record(handle)[name]
        .as_str()
        .expect("string field")
        .to_owned()
}

fn forbidden(c: char) -> bool {
    matches!(
        c,
        '\0'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{61c}'
            | '\u{200b}'
            | '\u{feff}'
    )
}

#[test]
fn no_string_field_reaches_the_terminal_raw() {
    let records = records();
    assert!(records.len() >= 14, "the hostile fixture lost records");
    for record in &records {
        let fields = record.as_object().expect("record is an object");
        for (name, value) in fields {
            let Some(raw) = value.as_str() else { continue };
            let block = sanitize(raw);
            if let Some(c) = block.chars().find(|&c| c != '\n' && forbidden(c)) {
                panic!("sanitize left {c:?} in {name}: {block:?}");
            }
            let line = sanitize_line(raw);
            if let Some(c) = line.chars().find(|&c| forbidden(c)) {
                panic!("sanitize_line left {c:?} in {name}: {line:?}");
            }
        }
    }
}

#[test]
fn osc_52_clipboard_write_is_shown_not_run() {
    let text = field("osc52@hostile.example", "text");
    let text = text.as_str();
    assert_eq!(sanitize(text), "nice app! ␛]52;c;ZWNobyBwd25lZA==␇ see you");
}

#[test]
fn osc_8_hyperlink_is_shown_not_run() {
    let text = field("osc8@hostile.example", "text");
    let text = text.as_str();
    assert_eq!(
        sanitize(text),
        "docs at ␛]8;;https://evil.example/␇https://tallybook.example/docs␛]8;;␇ ok?"
    );
}

#[test]
fn csi_sequences_are_shown_not_run() {
    let handle = "csi@hostile.example";
    assert_eq!(
        sanitize_line(&field(handle, "author_display_name")),
        "␛[8mCsi"
    );
    assert_eq!(
        sanitize(&field(handle, "text")),
        "line one␛[2J␛[H␛[31mRED␛[0m␛[5A␛[2K hidden?"
    );
}

#[test]
fn c1_del_and_nul_get_placeholders() {
    let text = field("c1@hostile.example", "text");
    let text = text.as_str();
    assert_eq!(
        sanitize(text),
        "one-byte CSI �31m red? and NEL� and DEL␡ and NUL␀ end"
    );
}

#[test]
fn bidi_controls_are_dropped() {
    let handle = "bidi@hostile.example";
    assert_eq!(
        sanitize_line(&field(handle, "author_display_name")),
        "Bidi evil"
    );
    assert_eq!(
        sanitize(&field(handle, "text")),
        "invoice for TXT.exe and isolate and RLM ALM"
    );
}

#[test]
fn zero_width_characters_are_dropped_but_joiners_kept() {
    let text = field("zw@hostile.example", "text");
    let text = text.as_str();
    assert_eq!(
        sanitize(text),
        "zerowidth\u{200c} join\u{200d} ers BOM inside"
    );
}

#[test]
fn emoji_come_through_untouched() {
    let text = field("emoji@hostile.example", "text");
    let text = text.as_str();
    let out = sanitize(text);
    assert_eq!(out, text);
    assert!(matches!(out, Cow::Borrowed(_)), "clean text was copied");
    assert_eq!(sanitize_line(text), text);
}

#[test]
fn cjk_comes_through_untouched_at_double_width() {
    let text = field("cjk@hostile.example", "text");
    let text = text.as_str();
    assert_eq!(sanitize(text), text);
    assert_eq!(text.chars().count(), 31);
    // 31 characters, all wide (the fullwidth comma included) except the two
    // ASCII spaces: 2 * 31 - 2.
    assert_eq!(display_width(&sanitize_line(text)), 60);
}

#[test]
fn zalgo_is_capped() {
    let text = field("zalgo@hostile.example", "text");
    let text = text.as_str();
    let out = sanitize(text);
    assert_eq!(out, "z\u{301}\u{302}\u{303}\u{304}algo");
    for grapheme in out.graphemes(true) {
        assert!(grapheme.chars().count() <= 5, "{grapheme:?} is too heavy");
    }
}

#[test]
fn a_long_word_is_cut_with_an_ellipsis() {
    let text = field("longword@hostile.example", "text");
    let text = text.as_str();
    let line = sanitize_line(text);
    let cut = truncate_to_width(&line, 20);
    assert_eq!(cut, format!("{}…", "A".repeat(19)));
    assert_eq!(display_width(&cut), 20);
}

#[test]
fn tabs_and_carriage_returns() {
    let text = field("tabs@hostile.example", "text");
    let text = text.as_str();
    assert_eq!(sanitize(text), "col1    col2    col3\noverwritten?␍YES");
    assert_eq!(sanitize_line(text), "col1 col2 col3 overwritten?␍YES");
}

#[test]
fn backspaces_cannot_erase_text() {
    let text = field("backspace@hostile.example", "text");
    let text = text.as_str();
    assert_eq!(sanitize(text), "safe text␈␈␈␈evil");
}

#[test]
fn mixed_attack() {
    let text = field("mixed@hostile.example", "text");
    let text = text.as_str();
    assert_eq!(sanitize_line(text), "Ünïcödé ␛[1;32mgreen␛[0m ☕ esrever");
}
