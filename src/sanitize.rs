//! Turns untrusted text (stored raw, exactly as other people wrote it) into
//! terminal-safe text at display time, and cuts or pads it to a column width
//! for table layouts.
//!
//! Sanitizing happens on the way out, never on the way in, so the store keeps
//! the evidence and a better rule later applies to old messages too. Every
//! function here runs for every visible row on every frame: clean text (the
//! common case) is recognised by one scan and returned borrowed.

use std::borrow::Cow;
use std::iter;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Tab stops every 4 columns: wide enough to show indentation, narrow enough
/// not to waste a list row.
pub const TAB_WIDTH: usize = 4;

/// More marks than this on one character is a zalgo flood, not writing; real
/// scripts stack two or three.
const MAX_MARKS: usize = 4;

/// 🏴, the only base an emoji tag sequence (the Scotland and Wales flags) may
/// follow.
const BLACK_FLAG: char = '\u{1F3F4}';

/// Ends an emoji tag sequence.
const CANCEL_TAG: char = '\u{E007F}';

/// Multi-line text for a thread view: keeps '\n', expands '\t' to spaces up to
/// the next multiple of [`TAB_WIDTH`] display columns (column counted from the
/// last '\n'), applies every rule of the safety contract. Returns
/// `Cow::Borrowed` when nothing needed changing, so the common case does not
/// allocate.
#[must_use]
pub fn sanitize(text: &str) -> Cow<'_, str> {
    sanitize_as(text, Layout::Block)
}

/// One-line text for list rows, names, handles, error messages that quote
/// input: like [`sanitize`], but every run of whitespace that contains a line
/// break or tab (`\n`, `\r\n`, `\t`, U+2028, U+2029) becomes one space, so a
/// name can never push the rows below it down. Leading and trailing whitespace
/// is kept: callers decide whether to trim.
#[must_use]
pub fn sanitize_line(text: &str) -> Cow<'_, str> {
    sanitize_as(text, Layout::Line)
}

/// The preview of a message body for a list row: the first line that still
/// has something visible once sanitized (a line of bidi controls or tabs is
/// as empty as a blank one), trimmed. A salutation line ("Hi Robin,") is
/// passed over when more follows: in a queue of emails it would make every
/// row read the same. Empty if there is no visible line.
#[must_use]
pub fn preview(text: &str) -> String {
    let all: Vec<String> = text
        .split(['\n', '\u{2028}', '\u{2029}'])
        .map(|line| {
            sanitize_line(line.strip_suffix('\r').unwrap_or(line))
                .trim()
                .to_owned()
        })
        .filter(|line| !line.is_empty())
        .collect();
    // Quoted lines (`> …`) repeat what was said before: the new words come
    // first, unless there are none.
    let said: Vec<&String> = all.iter().filter(|line| !line.starts_with('>')).collect();
    let mut lines = if said.is_empty() {
        all.iter().collect::<Vec<_>>()
    } else {
        said
    }
    .into_iter()
    .cloned();
    let Some(first) = lines.next() else {
        return String::new();
    };
    if is_salutation(&first) {
        lines.next().unwrap_or(first)
    } else {
        first
    }
}

/// Who wrote something, as a list or header shows it: the display name, else
/// the handle, else "(unknown)" — one terminal-safe line.
#[must_use]
pub fn author_label(display_name: Option<&str>, handle: Option<&str>) -> String {
    let name = display_name.filter(|name| !name.trim().is_empty());
    sanitize_line(name.or(handle).unwrap_or("(unknown)"))
        .trim()
        .to_owned()
}

/// How much of a bad value an error message quotes, in characters as the
/// reader sees them (grapheme clusters).
const QUOTE_GRAPHEMES: usize = 60;

/// A value as an error message may show it: one terminal-safe line, cut to
/// a readable length (a megabyte of bad input must not become the message).
/// The cut falls between grapheme clusters: cutting inside one would leave
/// half a flag's tag sequence or an accent without its letter.
#[must_use]
pub fn quote(text: &str) -> String {
    let safe = sanitize_line(text);
    match graphemes_before(&safe, QUOTE_GRAPHEMES) {
        Some(kept) => format!("{kept}…"),
        None => safe.into_owned(),
    }
}

/// The first `count` grapheme clusters of `text`, when it has more. Text is
/// cut only between clusters: a cut inside one would leave half a flag's
/// tag sequence, or an accent without its letter.
#[must_use]
pub fn graphemes_before(text: &str, count: usize) -> Option<&str> {
    text.grapheme_indices(true)
        .nth(count)
        .map(|(cut, _)| &text[..cut])
}

/// A short line ending in a comma, like "Hi Robin," or "Dear Ms. Lima,".
fn is_salutation(line: &str) -> bool {
    line.ends_with(',') && line.split_whitespace().count() <= 4
}

/// Display width in terminal columns of already-sanitized text, measured per
/// grapheme cluster so that an emoji sequence counts as the one glyph the
/// terminal draws.
#[must_use]
pub fn display_width(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    text.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// Cuts already-sanitized one-line text to at most `max_width` columns, never
/// inside a grapheme. When something was cut the result ends with '…' (one
/// column, counted within `max_width`) so the reader knows there is more. A
/// wide grapheme that would straddle the limit is left out, so the result may
/// be one column short.
#[must_use]
pub fn truncate_to_width(text: &str, max_width: usize) -> Cow<'_, str> {
    if max_width == 0 {
        return Cow::Borrowed("");
    }
    if text.is_ascii() {
        return if text.len() <= max_width {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(format!("{}…", &text[..max_width - 1]))
        };
    }
    // Room left for text once the ellipsis is in.
    let budget = max_width - 1;
    let mut used = 0;
    let mut fits_end = 0;
    for (start, grapheme) in text.grapheme_indices(true) {
        used += grapheme.width();
        if used > max_width {
            return Cow::Owned(format!("{}…", &text[..fits_end]));
        }
        if used <= budget {
            fits_end = start + grapheme.len();
        }
    }
    Cow::Borrowed(text)
}

/// [`truncate_to_width`], then padded with spaces on the right to exactly
/// `width` columns, so table columns line up whatever the script.
#[must_use]
pub fn fit_to_width(text: &str, width: usize) -> String {
    let cut = truncate_to_width(text, width);
    let padding = width.saturating_sub(display_width(&cut));
    let mut fitted = String::with_capacity(cut.len() + padding);
    fitted.push_str(&cut);
    fitted.extend(iter::repeat_n(' ', padding));
    fitted
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// Line breaks kept, tabs expanded.
    Block,
    /// Line breaks and tabs folded into spaces.
    Line,
}

fn sanitize_as(text: &str, layout: Layout) -> Cow<'_, str> {
    if is_clean(text, layout) {
        return Cow::Borrowed(text);
    }
    // Marks are capped on the mapped text, not the input: dropping an
    // invisible character can glue two floods of marks into one cluster.
    let mapped = map_chars(text, layout);
    let safe = cap_marks_and_expand_tabs(&mapped);
    // `is_clean` is conservative about marks; keep the promise that unchanged
    // text comes back borrowed.
    if safe == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(safe)
    }
}

/// The fast pre-scan. Never says clean when work is needed, but may say
/// dirty for mark-heavy text that turns out to be fine (clusters are only
/// counted exactly on the slow path).
fn is_clean(text: &str, layout: Layout) -> bool {
    let plain = |b: u8| matches!(b, b' '..=b'~') || (b == b'\n' && layout == Layout::Block);
    let Some(first) = text.bytes().position(|b| !plain(b)) else {
        return true;
    };
    // Every byte before `first` is ASCII, so it is a char boundary.
    let mut chars = text[first..].chars();
    // Marks since the last ASCII character: an ASCII character always starts
    // a new cluster, so this is never less than the marks in any one cluster.
    let mut marks = 0;
    while let Some(c) = chars.next() {
        if c.is_ascii() {
            marks = 0;
        } else if is_combining_mark(c) {
            marks += 1;
            if marks > MAX_MARKS {
                return false;
            }
        }
        if c == BLACK_FLAG {
            let rest = chars.as_str();
            chars = rest[tag_sequence_len(rest)..].chars();
        } else if needs_work(c, layout) {
            return false;
        }
    }
    true
}

fn needs_work(c: char, layout: Layout) -> bool {
    match c {
        '\n' => layout == Layout::Line,
        '\u{2028}' | '\u{2029}' => true,
        c => c.is_control() || is_dropped(c),
    }
}

/// Replaces or drops every character the contract names, one at a time (tabs
/// are left for [`cap_marks_and_expand_tabs`], which knows the column).
fn map_chars(text: &str, layout: Layout) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    loop {
        let rest = chars.as_str();
        if layout == Layout::Line {
            let run = whitespace_run_len(rest);
            if run > 0 {
                let (spaces, tail) = rest.split_at(run);
                if spaces.contains(['\n', '\t', '\u{2028}', '\u{2029}']) {
                    out.push(' ');
                } else {
                    out.push_str(spaces);
                }
                chars = tail.chars();
                continue;
            }
        }
        let Some(c) = chars.next() else { break };
        match c {
            // CRLF is a line ending: drop the CR, the LF comes next.
            '\r' if chars.as_str().starts_with('\n') => {}
            // Line and paragraph separators mean a line break, but terminals
            // do not break on them; make them what they mean.
            '\u{2028}' | '\u{2029}' => out.push('\n'),
            BLACK_FLAG => {
                out.push(c);
                let rest = chars.as_str();
                let (tags, tail) = rest.split_at(tag_sequence_len(rest));
                out.push_str(tags);
                chars = tail.chars();
            }
            c if is_dropped(c) => {}
            c => out.push(visible(c)),
        }
    }
    out
}

/// Bytes taken by a run of whitespace at the start of `text` that
/// `sanitize_line` may fold. Whitespace controls other than '\t' and '\n'
/// (vertical tab, form feed, NEL, a lone CR) are not part of it: they get a
/// visible placeholder instead of vanishing into a space.
fn whitespace_run_len(text: &str) -> usize {
    for (i, c) in text.char_indices() {
        let in_run = match c {
            '\t' | '\n' => true,
            '\r' => text[i + 1..].starts_with('\n'),
            c => c.is_whitespace() && !c.is_control(),
        };
        if !in_run {
            return i;
        }
    }
    text.len()
}

/// What a terminal would execute or misdraw becomes a symbol that shows the
/// attempt: C0 controls their Control Picture (ESC → ␛), DEL ␡, C1 controls
/// (U+009B is a one-byte CSI on some terminals) U+FFFD.
fn visible(c: char) -> char {
    match c {
        '\n' | '\t' => c,
        '\0'..='\u{1F}' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{FFFD}'),
        '\u{7F}' => '\u{2421}',
        '\u{80}'..='\u{9F}' => '\u{FFFD}',
        c => c,
    }
}

/// Characters that reorder or hide text without being seen themselves: bidi
/// controls (the "TXT.exe" trick), zero-width characters that split words to
/// dodge a reader's eye, and tag characters outside an emoji flag. ZWJ, ZWNJ
/// and the variation selectors are kept: emoji and several scripts need them.
fn is_dropped(c: char) -> bool {
    is_bidi_control(c)
        || matches!(
            c,
            '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{E0000}'..=CANCEL_TAG
        )
}

/// Bidi controls: they reorder what a terminal shows. Dropped from shown
/// text, escaped in JSON output.
#[must_use]
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// Bytes of the emoji tag sequence (tag letters ended by a cancel tag) at the
/// start of `text`, which follows a 🏴; 0 when there is no complete one, so
/// stray tags are dropped like any other invisible text.
fn tag_sequence_len(text: &str) -> usize {
    let tags = text
        .chars()
        .take_while(|c| ('\u{E0020}'..='\u{E007E}').contains(c))
        .map(char::len_utf8)
        .sum::<usize>();
    if tags > 0 && text[tags..].starts_with(CANCEL_TAG) {
        tags + CANCEL_TAG.len_utf8()
    } else {
        0
    }
}

/// General category Mn/Me in the blocks where floods come from; a range check
/// is enough to stop zalgo without a Unicode table.
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

/// The steps that need grapheme clusters: capping marks per cluster, and tab
/// expansion, which needs the display column.
fn cap_marks_and_expand_tabs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut column = 0;
    for grapheme in text.graphemes(true) {
        match grapheme {
            "\n" => {
                out.push('\n');
                column = 0;
            }
            "\t" => {
                let spaces = TAB_WIDTH - column % TAB_WIDTH;
                out.extend(iter::repeat_n(' ', spaces));
                column += spaces;
            }
            _ => {
                let start = out.len();
                let mut marks = 0;
                for c in grapheme.chars() {
                    if is_combining_mark(c) {
                        marks += 1;
                        if marks > MAX_MARKS {
                            continue;
                        }
                    }
                    out.push(c);
                }
                column += out[start..].width();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_between_grapheme_clusters_only() {
        // "e" and a combining acute: one cluster of two characters.
        let text = format!("{}e\u{301}tail", "a".repeat(3));
        assert_eq!(graphemes_before(&text, 4), Some("aaae\u{301}"));
        assert_eq!(graphemes_before(&text, 3), Some("aaa"));
        assert_eq!(graphemes_before(&text, 8), None, "no cut: it has 8");
        let flag = "🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}";
        assert_eq!(graphemes_before(&format!("{flag}{flag}"), 1), Some(flag));
    }

    #[test]
    fn quoted_values_are_safe_and_short() {
        assert_eq!(quote("a\u{1b}[2Jb\nc"), "a␛[2Jb c");
        assert_eq!(quote(&"x".repeat(100)), format!("{}…", "x".repeat(60)));
    }

    /// Found by the `sanitize` fuzz target: a Scotland flag (🏴 and tag
    /// letters up to a cancel tag) across the cut used to leave tag
    /// characters without their cancel tag, which `sanitize` itself drops.
    #[test]
    fn a_quote_is_never_cut_inside_a_flag_or_an_accented_letter() {
        let accented = format!("{}{}", "a".repeat(59), "e\u{301}".repeat(3));
        assert_eq!(quote(&accented), format!("{}e\u{301}…", "a".repeat(59)));
        let scotland = "🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}";
        for before in 55..62 {
            let text = format!("{}{scotland}{}", "a".repeat(before), "e\u{301}".repeat(10));
            let quoted = quote(&text);
            assert_eq!(sanitize_line(&quoted), quoted, "{before}: {quoted:?}");
            let flag_kept = quoted.contains(scotland);
            let tags = quoted
                .chars()
                .filter(|c| ('\u{e0000}'..='\u{e007f}').contains(c));
            assert_eq!(
                tags.count(),
                if flag_kept { 6 } else { 0 },
                "{before}: {quoted:?}"
            );
        }
    }

    #[test]
    fn preview_passes_over_a_salutation_when_more_follows() {
        assert_eq!(
            preview("Hi Robin,\n\nthe invoice is wrong."),
            "the invoice is wrong."
        );
        assert_eq!(preview("Dear Ms. Lima,\r\nthanks"), "thanks");
        assert_eq!(preview("Hi Robin,"), "Hi Robin,");
        assert_eq!(
            preview("Hi again, just checking this reached you?\nx"),
            "Hi again, just checking this reached you?"
        );
    }

    #[test]
    fn plain_text_is_borrowed() {
        let text = "hello, world\nsecond line";
        let out = sanitize(text);
        assert_eq!(out, text);
        assert!(matches!(out, Cow::Borrowed(_)));
        assert!(matches!(sanitize_line("hello, world"), Cow::Borrowed(_)));
        assert!(matches!(sanitize("Ünïcödé ☕ 日本語"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_becomes_a_picture_and_the_rest_stays_visible() {
        assert_eq!(sanitize("a\u{1b}[31mb"), "a␛[31mb");
        assert_eq!(sanitize("\u{1b}]0;pwned\u{7}"), "␛]0;pwned␇");
    }

    #[test]
    fn c0_controls_become_control_pictures() {
        assert_eq!(sanitize("\0\u{7}\u{8}\u{b}\u{c}\u{1f}"), "␀␇␈␋␌␟");
    }

    #[test]
    fn del_becomes_a_picture() {
        assert_eq!(sanitize("a\u{7f}b"), "a␡b");
    }

    #[test]
    fn c1_controls_become_replacement_characters() {
        assert_eq!(sanitize("x\u{9b}31m"), "x�31m");
        assert_eq!(sanitize("a\u{85}b\u{80}\u{9f}"), "a�b��");
        assert_eq!(sanitize_line("a\u{85}b"), "a�b");
    }

    #[test]
    fn bidi_controls_are_dropped() {
        assert_eq!(
            sanitize("a\u{202a}b\u{202b}c\u{202c}d\u{202d}e\u{202e}f"),
            "abcdef"
        );
        assert_eq!(
            sanitize("\u{2066}a\u{2067}b\u{2068}c\u{2069}\u{200e}d\u{200f}e\u{61c}"),
            "abcde"
        );
        assert_eq!(sanitize("invoice \u{202e}txt.exe"), "invoice txt.exe");
    }

    #[test]
    fn invisible_characters_are_dropped() {
        assert_eq!(
            sanitize("zero\u{200b}width\u{2060}join\u{feff}bom\u{ad}shy"),
            "zerowidthjoinbomshy"
        );
    }

    #[test]
    fn joiners_and_variation_selectors_are_kept() {
        let text = "می\u{200c}خواهم ❤\u{fe0f} ☺\u{fe0e}";
        let out = sanitize(text);
        assert_eq!(out, text);
        assert!(matches!(out, Cow::Borrowed(_)));
    }

    #[test]
    fn emoji_sequences_are_unchanged_and_borrowed() {
        for text in [
            "👨\u{200d}👩\u{200d}👧\u{200d}👦",
            "🏳\u{fe0f}\u{200d}🌈",
            "👍🏽",
            "🇯🇵",
            "1\u{fe0f}\u{20e3}",
        ] {
            let out = sanitize(text);
            assert_eq!(out, text);
            assert!(matches!(out, Cow::Borrowed(_)), "{text:?} was copied");
        }
    }

    #[test]
    fn scotland_flag_is_kept_whole() {
        let scotland = "🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}";
        let text = format!("go {scotland}!");
        let out = sanitize(&text);
        assert_eq!(out, text.as_str());
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(sanitize_line(&text), text.as_str());
    }

    #[test]
    fn stray_tag_characters_are_dropped() {
        // Tag text hidden after an ordinary letter.
        assert_eq!(sanitize("hi\u{e0069}\u{e0067}\u{e006e}!"), "hi!");
        assert_eq!(sanitize("a\u{e0001}b\u{e007f}c"), "abc");
        // A flag with tags but no cancel tag is not a sequence.
        assert_eq!(sanitize("🏴\u{e0067}\u{e0062}x"), "🏴x");
        // A cancel tag alone after the flag is not one either.
        assert_eq!(sanitize("🏴\u{e007f}"), "🏴");
    }

    #[test]
    fn zalgo_is_capped_at_four_marks_per_cluster() {
        let zalgo = format!("z{}algo", "\u{301}\u{302}\u{303}".repeat(10));
        assert_eq!(sanitize(&zalgo), "z\u{301}\u{302}\u{303}\u{301}algo");
        assert_eq!(sanitize_line(&zalgo), "z\u{301}\u{302}\u{303}\u{301}algo");
    }

    #[test]
    fn four_marks_are_kept_and_borrowed() {
        let text = "a\u{301}\u{302}\u{1ab0}\u{20d0} e\u{301}";
        let out = sanitize(text);
        assert_eq!(out, text);
        assert!(matches!(out, Cow::Borrowed(_)));
    }

    #[test]
    fn marks_split_by_invisible_characters_are_still_capped() {
        // Once the zero width spaces go, all eight marks sit on the 'a'.
        let text = "a\u{301}\u{301}\u{301}\u{200b}\u{302}\u{302}\u{302}\u{200b}\u{303}\u{303}";
        assert_eq!(sanitize(text), "a\u{301}\u{301}\u{301}\u{302}");
    }

    #[test]
    fn marks_on_a_replaced_control_are_capped() {
        let text = format!("\u{1b}{}x", "\u{300}".repeat(9));
        assert_eq!(sanitize(&text), "␛\u{300}\u{300}\u{300}\u{300}x");
    }

    #[test]
    fn crlf_is_a_line_ending() {
        assert_eq!(sanitize("one\r\ntwo\r\n"), "one\ntwo\n");
    }

    #[test]
    fn lone_cr_becomes_a_picture() {
        assert_eq!(sanitize("safe\rEVIL"), "safe␍EVIL");
        assert_eq!(sanitize("a\r\r\nb"), "a␍\nb");
        assert_eq!(sanitize_line("a\rb"), "a␍b");
    }

    #[test]
    fn line_separators_become_line_breaks() {
        assert_eq!(sanitize("a\u{2028}b\u{2029}c"), "a\nb\nc");
    }

    #[test]
    fn tabs_expand_to_the_next_stop() {
        assert_eq!(sanitize("\tx"), "    x");
        assert_eq!(sanitize("a\tb"), "a   b");
        assert_eq!(sanitize("abc\tb"), "abc b");
        assert_eq!(sanitize("abcd\te"), "abcd    e");
        assert_eq!(sanitize("a\t\tb"), "a       b");
        // The column restarts after a line break.
        assert_eq!(sanitize("abcdef\nab\tc"), "abcdef\nab  c");
        // Columns are display columns: 日 takes two.
        assert_eq!(sanitize("日\tx"), "日  x");
        // A replaced control takes one.
        assert_eq!(sanitize("\u{1b}\tx"), "␛   x");
    }

    #[test]
    fn sanitize_line_folds_breaks_and_tabs() {
        assert_eq!(sanitize_line("a\nb"), "a b");
        assert_eq!(sanitize_line("a \r\n\t b"), "a b");
        assert_eq!(sanitize_line("col1\tcol2"), "col1 col2");
        assert_eq!(sanitize_line("a\u{2028}b\u{2029}c"), "a b c");
        assert_eq!(sanitize_line("\n\nlead and trail\n"), " lead and trail ");
    }

    #[test]
    fn sanitize_line_keeps_runs_without_breaks() {
        let text = "two  spaces\u{a0}and\u{3000}ideographic";
        let out = sanitize_line(text);
        assert_eq!(out, text);
        assert!(matches!(out, Cow::Borrowed(_)));
    }

    #[test]
    fn sanitize_line_shows_whitespace_controls() {
        assert_eq!(sanitize_line("a\u{b}\nb"), "a␋ b");
        assert_eq!(sanitize_line("a\u{c}b"), "a␌b");
    }

    #[test]
    fn preview_skips_quoted_lines_unless_they_are_all() {
        assert_eq!(
            preview("> Any invoicing app that works offline?\n\nTallybook & a cheap laptop."),
            "Tallybook & a cheap laptop."
        );
        assert_eq!(preview("> only a quote"), "> only a quote");
    }

    #[test]
    fn preview_takes_the_first_line_with_content() {
        assert_eq!(
            preview("\n  \n\t\n  hello\u{1b}[1m there \nsecond"),
            "hello␛[1m there"
        );
        assert_eq!(preview("\r\n\u{202e}\u{200b}\r\nreal\r\nnext"), "real");
        assert_eq!(preview("first\tcell"), "first cell");
        assert_eq!(preview(" \n\t\n"), "");
        assert_eq!(preview(""), "");
    }

    #[test]
    fn display_width_counts_columns() {
        assert_eq!(display_width("hello"), 5);
        assert_eq!(display_width(""), 0);
        assert_eq!(display_width("日本語"), 6);
        assert_eq!(display_width("한국어 텍스트"), 13);
        assert_eq!(display_width("👨\u{200d}👩\u{200d}👧\u{200d}👦"), 2);
        assert_eq!(display_width("🇯🇵👍🏽"), 4);
        assert_eq!(display_width("e\u{301}"), 1);
        assert_eq!(display_width("␛[31m"), 5);
    }

    #[test]
    fn truncate_ascii() {
        assert_eq!(truncate_to_width("hello world", 5), "hell…");
        assert_eq!(truncate_to_width("hello", 5), "hello");
        assert!(matches!(truncate_to_width("hello", 5), Cow::Borrowed(_)));
        assert_eq!(truncate_to_width("hello", 6), "hello");
    }

    #[test]
    fn truncate_to_zero_and_one() {
        assert_eq!(truncate_to_width("hello", 0), "");
        assert_eq!(truncate_to_width("", 0), "");
        assert_eq!(truncate_to_width("hello", 1), "…");
        assert_eq!(truncate_to_width("h", 1), "h");
        assert_eq!(truncate_to_width("日", 1), "…");
        assert_eq!(truncate_to_width("日本", 1), "…");
    }

    #[test]
    fn truncate_leaves_out_a_wide_grapheme_that_straddles() {
        // 日 fits in the 3 columns before the ellipsis, 本 would need 4.
        assert_eq!(truncate_to_width("日本語", 4), "日…");
        assert_eq!(truncate_to_width("日本語", 5), "日本…");
        assert_eq!(truncate_to_width("日本語", 6), "日本語");
        assert_eq!(truncate_to_width("a日本語", 4), "a日…");
    }

    #[test]
    fn truncate_never_splits_a_grapheme() {
        let family = "👨\u{200d}👩\u{200d}👧\u{200d}👦";
        let text = format!("{family}{family}{family}");
        assert_eq!(truncate_to_width(&text, 4), format!("{family}…"));
        assert_eq!(truncate_to_width(&text, 6), text);
        assert_eq!(
            truncate_to_width("e\u{301}e\u{301}e\u{301}", 2),
            "e\u{301}…"
        );
    }

    #[test]
    fn fit_pads_to_the_exact_width() {
        assert_eq!(fit_to_width("ab", 5), "ab   ");
        assert_eq!(fit_to_width("hello world", 5), "hell…");
        assert_eq!(fit_to_width("日本語", 4), "日… ");
        assert_eq!(fit_to_width("日本", 5), "日本 ");
        assert_eq!(fit_to_width("anything", 0), "");
        assert_eq!(fit_to_width("", 3), "   ");
    }
}
