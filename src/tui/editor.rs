//! The reply box's text and cursor: editing, cursor movement, and soft-wrapping
//! the text for a box of a given width. Pure state: the TUI maps key presses to
//! these calls and draws what [`Editor::layout`] returns.
//!
//! Replies go to people who write in any script and use any emoji, so every
//! cursor step and every deletion covers a whole grapheme cluster (what a
//! reader sees as one character), and every column is counted the way the
//! terminal draws it: per grapheme with `unicode-width`, as ratatui does, so
//! the cursor lands where the text is actually drawn.
//!
//! Invariants kept by every method: there is at least one line, no line holds
//! a newline, carriage return, tab or other control character, and the cursor
//! sits on a grapheme boundary of its line.

use std::iter;
use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::sanitize::display_width;

/// A tab becomes spaces: a tab character's width depends on where it starts,
/// which would make columns disagree between the editor and the terminal.
const TAB_SPACES: &str = "    ";

/// The text's lines. A type of its own so that the derived `Default` of
/// [`Editor`] still starts with one empty line, which every method relies on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Lines(Vec<String>);

impl Default for Lines {
    fn default() -> Self {
        Self(vec![String::new()])
    }
}

/// Multi-line text with a cursor; see the module docs for the rules it keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Editor {
    lines: Lines,
    row: usize,
    /// Byte offset into the cursor's line; bytes rather than a grapheme index
    /// so that slicing and inserting need no counting.
    col: usize,
    /// Display column that up and down aim for, so that passing through a
    /// short line does not pull the cursor left for good.
    goal: Option<usize>,
    /// How many edits the text has had: a key that changed nothing (backspace
    /// at the start) leaves it, so callers need not compare the text.
    edits: u64,
}

/// Which way to move a cursor that an edit left inside a grapheme cluster
/// (typing a combining mark or a zero-width joiner can merge clusters).
#[derive(Clone, Copy)]
enum Snap {
    /// Past the cluster: what was just typed stays before the cursor.
    Forward,
    /// To its start: nothing that was before the cursor jumps after it.
    Backward,
}

impl Editor {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads text (e.g. a saved draft); `\r\n` and lone `\r` become `\n`,
    /// tabs become four spaces and other control characters are dropped.
    /// The cursor goes to the very end, where the writer left off.
    #[must_use]
    pub fn from_text(text: &str) -> Self {
        let lines: Vec<String> = normalise(text).split('\n').map(str::to_owned).collect();
        let row = lines.len().saturating_sub(1);
        let col = lines.get(row).map_or(0, String::len);
        Self {
            lines: Lines(lines),
            row,
            col,
            goal: None,
            edits: 0,
        }
    }

    /// The text, lines joined with `'\n'`.
    #[must_use]
    pub fn text(&self) -> String {
        self.lines.0.join("\n")
    }

    /// True when there is nothing but whitespace: such a reply is not worth
    /// sending.
    #[must_use]
    pub fn is_blank(&self) -> bool {
        self.lines
            .0
            .iter()
            .all(|line| line.chars().all(char::is_whitespace))
    }

    /// Length as the platforms count it, approximated by grapheme clusters
    /// (Bluesky counts graphemes), each newline counting as one.
    #[must_use]
    pub fn grapheme_count(&self) -> usize {
        let graphemes: usize = self
            .lines
            .0
            .iter()
            .map(|line| line.graphemes(true).count())
            .sum();
        graphemes + self.lines.0.len() - 1
    }

    /// Types one character: `'\n'` starts a new line, `'\r'` is ignored (a
    /// terminal may send it for Enter alongside `'\n'`), `'\t'` inserts four
    /// spaces and other control characters are ignored.
    /// Changes with every edit of the text (see `edits`).
    #[must_use]
    pub fn edits(&self) -> u64 {
        self.edits
    }

    pub fn insert_char(&mut self, c: char) {
        if c != '\r' {
            self.insert_str(c.encode_utf8(&mut [0; 4]));
        }
    }

    /// A paste: may hold newlines (`\r\n` and `\r` count as one), inserted at
    /// the cursor as one edit; the cursor ends after it. Tabs and control
    /// characters are treated as in [`Editor::insert_char`].
    pub fn insert_str(&mut self, text: &str) {
        let text = normalise(text);
        if text.is_empty() {
            return;
        }
        let mut pieces = text.split('\n');
        let lines = &mut self.lines.0;
        let line = &mut lines[self.row];
        let tail = line.split_off(self.col);
        line.push_str(pieces.next().unwrap_or_default());
        let new_lines: Vec<String> = pieces.map(str::to_owned).collect();
        let row = self.row + new_lines.len();
        let after = self.row + 1;
        lines.splice(after..after, new_lines);
        let line = &mut lines[row];
        self.row = row;
        self.col = line.len();
        line.push_str(&tail);
        self.after_edit(Snap::Forward);
    }

    pub fn newline(&mut self) {
        self.insert_str("\n");
    }

    /// Deletes the grapheme before the cursor; at a line start, joins the line
    /// to the previous one.
    pub fn backspace(&mut self) {
        if self.col > 0 {
            let start = prev_boundary(self.line(), self.col);
            self.remove_before(start);
        } else if self.row > 0 {
            let line = self.lines.0.remove(self.row);
            self.row -= 1;
            let prev = &mut self.lines.0[self.row];
            self.col = prev.len();
            prev.push_str(&line);
            self.after_edit(Snap::Backward);
        }
    }

    /// Deletes the grapheme under the cursor; at a line end, joins the next
    /// line to this one.
    pub fn delete(&mut self) {
        let line = self.line();
        if self.col < line.len() {
            let end = next_boundary(line, self.col);
            self.lines.0[self.row].replace_range(self.col..end, "");
            self.after_edit(Snap::Backward);
        } else if self.row + 1 < self.lines.0.len() {
            let next = self.lines.0.remove(self.row + 1);
            self.lines.0[self.row].push_str(&next);
            self.after_edit(Snap::Backward);
        }
    }

    /// Ctrl-W: deletes what [`Editor::word_left`] would move over, but never
    /// past the line start (a reply's lines are short; eating the line above
    /// by surprise is worse than pressing twice). At a line start it behaves
    /// like backspace.
    pub fn delete_word_back(&mut self) {
        if self.col == 0 {
            self.backspace();
        } else {
            let start = word_start_before(self.line(), self.col).unwrap_or(0);
            self.remove_before(start);
        }
    }

    /// One grapheme left, onto the end of the previous line from a line start.
    pub fn left(&mut self) {
        self.goal = None;
        if self.col > 0 {
            self.col = prev_boundary(self.line(), self.col);
        } else if self.row > 0 {
            self.row -= 1;
            self.col = self.line().len();
        }
    }

    /// One grapheme right, onto the start of the next line from a line end.
    pub fn right(&mut self) {
        self.goal = None;
        if self.col < self.line().len() {
            self.col = next_boundary(self.line(), self.col);
        } else if self.row + 1 < self.lines.0.len() {
            self.row += 1;
            self.col = 0;
        }
    }

    /// To the start of the word before the cursor, skipping whitespace and
    /// punctuation first; line breaks are skipped like whitespace. Words are
    /// Unicode word segments holding a letter or digit, so `don't`, `3.14`
    /// and `foo_bar` are one word each and each CJK ideograph is one.
    pub fn word_left(&mut self) {
        self.goal = None;
        let mut row = self.row;
        let mut col = self.col;
        loop {
            if let Some(start) = word_start_before(&self.lines.0[row], col) {
                (self.row, self.col) = (row, start);
                return;
            }
            if row == 0 {
                (self.row, self.col) = (0, 0);
                return;
            }
            row -= 1;
            col = self.lines.0[row].len();
        }
    }

    /// To the end of the word after the cursor, skipping whitespace,
    /// punctuation and line breaks first; the mirror of [`Editor::word_left`].
    pub fn word_right(&mut self) {
        self.goal = None;
        let mut row = self.row;
        let mut col = self.col;
        loop {
            if let Some(end) = word_end_after(&self.lines.0[row], col) {
                (self.row, self.col) = (row, end);
                return;
            }
            if row + 1 == self.lines.0.len() {
                (self.row, self.col) = (row, self.lines.0[row].len());
                return;
            }
            row += 1;
            col = 0;
        }
    }

    /// One line up, as near the remembered display column as the line allows
    /// without passing it; on the first line, to its start.
    pub fn up(&mut self) {
        if self.row == 0 {
            self.home();
        } else {
            let goal = self.goal.unwrap_or_else(|| self.cursor().1);
            self.row -= 1;
            self.col = offset_at_column(self.line(), goal);
            self.goal = Some(goal);
        }
    }

    /// One line down, as near the remembered display column as the line
    /// allows without passing it; on the last line, to its end.
    pub fn down(&mut self) {
        if self.row + 1 == self.lines.0.len() {
            self.end();
        } else {
            let goal = self.goal.unwrap_or_else(|| self.cursor().1);
            self.row += 1;
            self.col = offset_at_column(self.line(), goal);
            self.goal = Some(goal);
        }
    }

    pub fn home(&mut self) {
        self.goal = None;
        self.col = 0;
    }

    pub fn end(&mut self) {
        self.goal = None;
        self.col = self.line().len();
    }

    /// Cursor as (line index, display column within that line).
    #[must_use]
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, display_width(&self.line()[..self.col]))
    }

    /// Wraps the text for a box `width` columns wide and places the cursor in
    /// that layout as (x column, y visual line).
    ///
    /// A line breaks only after whitespace (not after a no-break space), and
    /// whitespace stays on the visual line of the word it follows, so a word
    /// and its trailing space move to the next visual line together when they
    /// don't both fit: `"hello world again"` at width 11 is `"hello "`,
    /// `"world again"`. Whitespace is never dropped, so every position of the
    /// text has a visible cell for the cursor. A word too wide for a visual
    /// line of its own starts on a fresh one and breaks between graphemes; a
    /// wide grapheme that would straddle the edge goes to the next visual
    /// line. Only a grapheme wider than the whole box (CJK at width 1) makes a
    /// visual line wider than `width`.
    ///
    /// A cursor at a soft-wrap point shows at the start of the next visual
    /// line. A cursor at the end of a line that exactly fills the width shows
    /// at the start of an extra empty visual line added after it (only while
    /// the cursor is there), where the next typed character will appear.
    #[must_use]
    pub fn layout(&self, width: usize) -> (Vec<String>, (usize, usize)) {
        let width = width.max(1);
        let mut visual = Vec::new();
        let mut cursor = (0, 0);
        for (index, line) in self.lines.0.iter().enumerate() {
            let rows = wrap_line(line, width);
            let first = visual.len();
            visual.extend(rows.iter().map(|range| line[range.clone()].to_owned()));
            if index != self.row {
                continue;
            }
            let k = rows
                .iter()
                .rposition(|range| range.start <= self.col)
                .unwrap_or(0);
            let x = rows
                .get(k)
                .map_or(0, |range| display_width(&line[range.start..self.col]));
            cursor = if x < width {
                (x, first + k)
            } else if k + 1 == rows.len() {
                visual.push(String::new());
                (0, first + k + 1)
            } else {
                // Only zero-width graphemes after the cursor can keep it on a
                // full visual line; the last cell is the nearest visible one.
                (width - 1, first + k)
            };
        }
        (visual, cursor)
    }

    fn line(&self) -> &str {
        &self.lines.0[self.row]
    }

    /// Removes from `start` to the cursor on the cursor's line.
    fn remove_before(&mut self, start: usize) {
        self.lines.0[self.row].replace_range(start..self.col, "");
        self.col = start;
        self.after_edit(Snap::Backward);
    }

    /// Restores the grapheme-boundary invariant and forgets the goal column.
    fn after_edit(&mut self, snap: Snap) {
        self.goal = None;
        self.edits = self.edits.wrapping_add(1);
        let line = self.line();
        let bounds = boundaries(line);
        if !bounds.contains(&self.col) {
            self.col = match snap {
                Snap::Forward => bounds
                    .into_iter()
                    .find(|&b| b > self.col)
                    .unwrap_or(line.len()),
                Snap::Backward => bounds
                    .into_iter()
                    .rev()
                    .find(|&b| b < self.col)
                    .unwrap_or(0),
            };
        }
    }
}

/// Line endings to `\n`, tabs to spaces, other control characters dropped:
/// they would be invisible in the box yet reach the recipient, or the
/// terminal.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            '\n' => out.push('\n'),
            '\t' => out.push_str(TAB_SPACES),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Byte offsets where the cursor may stand in `line`, end included.
fn boundaries(line: &str) -> Vec<usize> {
    line.grapheme_indices(true)
        .map(|(i, _)| i)
        .chain(iter::once(line.len()))
        .collect()
}

fn prev_boundary(line: &str, col: usize) -> usize {
    boundaries(line)
        .into_iter()
        .rev()
        .find(|&b| b < col)
        .unwrap_or(0)
}

fn next_boundary(line: &str, col: usize) -> usize {
    boundaries(line)
        .into_iter()
        .find(|&b| b > col)
        .unwrap_or(line.len())
}

/// The byte offset of the last grapheme boundary at or before display column
/// `goal`: the cursor never lands right of where it was aiming.
fn offset_at_column(line: &str, goal: usize) -> usize {
    let mut column = 0;
    for (i, grapheme) in line.grapheme_indices(true) {
        column += grapheme.width();
        if column > goal {
            return i;
        }
    }
    line.len()
}

/// A word is a segment that holds a letter or digit; the rest (spaces,
/// punctuation, emoji) is what word moves skip.
fn is_word(segment: &str) -> bool {
    segment.chars().any(char::is_alphanumeric)
}

/// Start of the last word that starts before `col`.
fn word_start_before(line: &str, col: usize) -> Option<usize> {
    let segments: Vec<(usize, &str)> = line.split_word_bound_indices().collect();
    segments
        .into_iter()
        .rev()
        .find(|&(i, s)| i < col && is_word(s))
        .map(|(i, _)| i)
}

/// End of the first word that ends after `col`.
fn word_end_after(line: &str, col: usize) -> Option<usize> {
    line.split_word_bound_indices()
        .map(|(i, s)| (i + s.len(), s))
        .find(|&(end, s)| end > col && is_word(s))
        .map(|(end, _)| end)
}

/// Whitespace a line may break after; the no-break spaces exist precisely to
/// forbid that.
fn is_break_space(grapheme: &str) -> bool {
    grapheme
        .chars()
        .all(|c| c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}'))
}

/// Splits a line into pieces that wrap as a unit: a word with the whitespace
/// after it (leading whitespace is a piece of its own).
fn chunks(line: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut after_space = false;
    for (i, grapheme) in line.grapheme_indices(true) {
        let space = is_break_space(grapheme);
        if after_space && !space {
            out.push(start..i);
            start = i;
        }
        after_space = space;
    }
    if start < line.len() {
        out.push(start..line.len());
    }
    out
}

/// `text` (any number of lines) wrapped to `width` columns as the editor
/// wraps: for showing text that is not being edited.
#[must_use]
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    text.split('\n')
        .flat_map(|line| {
            wrap_line(line, width)
                .into_iter()
                .map(|range| line[range].to_owned())
        })
        .collect()
}

/// Byte ranges of the visual lines of one line, greedily filled; an empty
/// line gives one empty range.
fn wrap_line(line: &str, width: usize) -> Vec<Range<usize>> {
    let mut rows = Vec::new();
    let mut start = 0;
    let mut used = 0;
    for chunk in chunks(line) {
        let chunk_width = display_width(&line[chunk.clone()]);
        if used + chunk_width <= width {
            used += chunk_width;
            continue;
        }
        if chunk.start > start {
            rows.push(start..chunk.start);
            start = chunk.start;
            used = 0;
        }
        if chunk_width <= width {
            used = chunk_width;
            continue;
        }
        for (i, grapheme) in line[chunk.clone()].grapheme_indices(true) {
            let at = chunk.start + i;
            let grapheme_width = grapheme.width();
            if used + grapheme_width > width && at > start {
                rows.push(start..at);
                start = at;
                used = 0;
            }
            used += grapheme_width;
        }
    }
    rows.push(start..line.len());
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAMILY: &str = "👨\u{200d}👩\u{200d}👧\u{200d}👦";

    fn typed(text: &str) -> Editor {
        let mut editor = Editor::new();
        for c in text.chars() {
            editor.insert_char(c);
        }
        editor
    }

    fn lines(layout: &(Vec<String>, (usize, usize))) -> Vec<&str> {
        layout.0.iter().map(String::as_str).collect()
    }

    #[test]
    fn new_and_default_are_one_empty_line() {
        let editor = Editor::new();
        assert_eq!(editor, Editor::default());
        assert_eq!(editor.text(), "");
        assert_eq!(editor.cursor(), (0, 0));
        assert!(editor.is_blank());
        assert_eq!(editor.grapheme_count(), 0);
        assert_eq!(editor.layout(10), (vec![String::new()], (0, 0)));
    }

    #[test]
    fn typing_reads_back() {
        let mut editor = typed("hi\nthere");
        assert_eq!(editor.text(), "hi\nthere");
        assert_eq!(editor.cursor(), (1, 5));
        editor.insert_char('\r');
        editor.insert_char('\t');
        editor.insert_char('\u{1b}');
        editor.insert_char('!');
        assert_eq!(editor.text(), "hi\nthere    !");
        assert_eq!(editor.cursor(), (1, 10));
        editor.newline();
        assert_eq!(editor.text(), "hi\nthere    !\n");
        assert_eq!(editor.cursor(), (2, 0));
    }

    #[test]
    fn typing_in_the_middle_splits_the_line() {
        let mut editor = Editor::from_text("helloworld");
        for _ in 0..5 {
            editor.left();
        }
        editor.newline();
        assert_eq!(editor.text(), "hello\nworld");
        assert_eq!(editor.cursor(), (1, 0));
        editor.insert_char('W');
        assert_eq!(editor.text(), "hello\nWworld");
        assert_eq!(editor.cursor(), (1, 1));
    }

    #[test]
    fn blank_is_whitespace_only() {
        assert!(Editor::from_text(" \n\t\n  ").is_blank());
        assert!(!Editor::from_text(" \n . ").is_blank());
    }

    #[test]
    fn from_text_normalises_line_endings_and_puts_cursor_at_end() {
        let editor = Editor::from_text("a\r\nb\rc\n\r\nd\te");
        assert_eq!(editor.text(), "a\nb\nc\n\nd    e");
        assert_eq!(editor.cursor(), (4, 6));
        let editor = Editor::from_text("x\r\n");
        assert_eq!(editor.text(), "x\n");
        assert_eq!(editor.cursor(), (1, 0));
    }

    #[test]
    fn backspace_joins_lines() {
        let mut editor = Editor::from_text("ab\ncd");
        editor.home();
        editor.backspace();
        assert_eq!(editor.text(), "abcd");
        assert_eq!(editor.cursor(), (0, 2));
        editor.backspace();
        assert_eq!(editor.text(), "acd");
        assert_eq!(editor.cursor(), (0, 1));
        editor.home();
        editor.backspace();
        assert_eq!(editor.text(), "acd");
        assert_eq!(editor.cursor(), (0, 0));
    }

    #[test]
    fn delete_joins_lines() {
        let mut editor = Editor::from_text("ab\ncd\nef");
        editor.up();
        editor.up();
        editor.end();
        editor.delete();
        assert_eq!(editor.text(), "abcd\nef");
        assert_eq!(editor.cursor(), (0, 2));
        editor.delete();
        assert_eq!(editor.text(), "abd\nef");
        assert_eq!(editor.cursor(), (0, 2));
        editor.down();
        editor.delete();
        assert_eq!(editor.text(), "abd\nef");
        assert_eq!(editor.cursor(), (1, 2));
    }

    #[test]
    fn clusters_are_one_step() {
        for (cluster, width) in [("e\u{301}", 1), ("🇯🇵", 2), (FAMILY, 2)] {
            let mut editor = Editor::from_text(&format!("a{cluster}b"));
            assert_eq!(editor.cursor(), (0, 2 + width), "{cluster:?}");
            editor.left();
            assert_eq!(editor.cursor(), (0, 1 + width), "{cluster:?}");
            editor.left();
            assert_eq!(editor.cursor(), (0, 1), "{cluster:?}");
            editor.right();
            assert_eq!(editor.cursor(), (0, 1 + width), "{cluster:?}");
            editor.backspace();
            assert_eq!(editor.text(), "ab", "{cluster:?}");
            assert_eq!(editor.cursor(), (0, 1), "{cluster:?}");

            let mut editor = Editor::from_text(&format!("a{cluster}b"));
            editor.home();
            editor.right();
            editor.delete();
            assert_eq!(editor.text(), "ab", "{cluster:?}");
            assert_eq!(editor.grapheme_count(), 2);
        }
    }

    #[test]
    fn typing_a_joiner_or_mark_keeps_the_cursor_after_the_cluster() {
        let mut editor = typed(FAMILY);
        assert_eq!(editor.text(), FAMILY);
        assert_eq!(editor.cursor(), (0, 2));
        editor.left();
        assert_eq!(editor.cursor(), (0, 0));

        let mut editor = Editor::from_text("ex");
        editor.left();
        editor.insert_char('\u{301}');
        assert_eq!(editor.text(), "e\u{301}x");
        assert_eq!(editor.cursor(), (0, 1));
        editor.left();
        assert_eq!(editor.cursor(), (0, 0));

        // A joiner typed between two emoji joins them; the cursor goes past
        // the joined cluster, not to the line end.
        let mut editor = Editor::from_text("👨👩xy");
        editor.home();
        editor.right();
        editor.insert_char('\u{200d}');
        assert_eq!(editor.text(), "👨\u{200d}👩xy");
        assert_eq!(editor.cursor(), (0, 2));
        editor.insert_char('z');
        assert_eq!(editor.text(), "👨\u{200d}👩zxy");

        // Deleting the space between two regional indicators pairs them into
        // one flag; the cursor goes back to the flag's start.
        let mut editor = Editor::from_text("🇯 🇵");
        editor.left();
        editor.backspace();
        assert_eq!(editor.text(), "🇯🇵");
        assert_eq!(editor.cursor(), (0, 0));
    }

    #[test]
    fn left_and_right_wrap_across_lines() {
        let mut editor = Editor::from_text("ab\ncd");
        editor.home();
        editor.left();
        assert_eq!(editor.cursor(), (0, 2));
        editor.right();
        assert_eq!(editor.cursor(), (1, 0));
        editor.end();
        editor.right();
        assert_eq!(editor.cursor(), (1, 2));
        editor.up();
        editor.home();
        editor.left();
        assert_eq!(editor.cursor(), (0, 0));
    }

    #[test]
    fn cjk_is_two_columns_each() {
        let mut editor = typed("日本");
        assert_eq!(editor.cursor(), (0, 4));
        editor.left();
        assert_eq!(editor.cursor(), (0, 2));
    }

    #[test]
    fn word_moves_skip_punctuation_then_the_word() {
        let mut editor = Editor::from_text("hello, wide world");
        editor.word_left();
        assert_eq!(editor.cursor(), (0, 12));
        editor.word_left();
        assert_eq!(editor.cursor(), (0, 7));
        editor.word_left();
        assert_eq!(editor.cursor(), (0, 0));
        editor.word_left();
        assert_eq!(editor.cursor(), (0, 0));
        editor.word_right();
        assert_eq!(editor.cursor(), (0, 5));
        editor.word_right();
        assert_eq!(editor.cursor(), (0, 11));
        editor.word_right();
        assert_eq!(editor.cursor(), (0, 17));
        editor.word_right();
        assert_eq!(editor.cursor(), (0, 17));
    }

    #[test]
    fn word_moves_from_inside_a_word() {
        let mut editor = Editor::from_text("hello world");
        for _ in 0..2 {
            editor.left();
        }
        editor.word_left();
        assert_eq!(editor.cursor(), (0, 6));
        editor.right();
        editor.right();
        editor.word_right();
        assert_eq!(editor.cursor(), (0, 11));
    }

    #[test]
    fn word_moves_cross_lines() {
        let mut editor = Editor::from_text("one two.\n\n  three, four");
        editor.up();
        editor.up();
        editor.end();
        // From the end of "two." past the empty line and the indent.
        editor.word_right();
        assert_eq!(editor.cursor(), (2, 7));
        editor.word_left();
        assert_eq!(editor.cursor(), (2, 2));
        editor.word_left();
        assert_eq!(editor.cursor(), (0, 4));
        editor.down();
        editor.down();
        editor.end();
        editor.word_right();
        assert_eq!(editor.cursor(), (2, 13));
    }

    #[test]
    fn word_moves_treat_dotted_words_and_cjk_by_unicode_rules() {
        let mut editor = Editor::from_text("see foo.bar 日本");
        editor.word_left();
        assert_eq!(editor.cursor(), (0, 14));
        editor.word_left();
        assert_eq!(editor.cursor(), (0, 12));
        editor.word_left();
        assert_eq!(editor.cursor(), (0, 4));
    }

    #[test]
    fn delete_word_back_stays_on_its_line() {
        let mut editor = Editor::from_text("first\nhello, wide world  ");
        editor.delete_word_back();
        assert_eq!(editor.text(), "first\nhello, wide ");
        editor.delete_word_back();
        assert_eq!(editor.text(), "first\nhello, ");
        editor.delete_word_back();
        assert_eq!(editor.text(), "first\n");
        assert_eq!(editor.cursor(), (1, 0));
        editor.delete_word_back();
        assert_eq!(editor.text(), "first");
        assert_eq!(editor.cursor(), (0, 5));

        let mut editor = Editor::from_text("a\n   x");
        editor.left();
        editor.delete_word_back();
        assert_eq!(editor.text(), "a\nx");
        assert_eq!(editor.cursor(), (1, 0));

        let mut editor = Editor::from_text("say hello");
        for _ in 0..2 {
            editor.left();
        }
        editor.delete_word_back();
        assert_eq!(editor.text(), "say lo");
        assert_eq!(editor.cursor(), (0, 4));
    }

    #[test]
    fn vertical_moves_keep_the_preferred_column() {
        let mut editor = Editor::from_text("hello world\nhi\ngoodbye all");
        editor.up();
        editor.up();
        editor.end();
        for _ in 0..3 {
            editor.left();
        }
        assert_eq!(editor.cursor(), (0, 8));
        editor.down();
        assert_eq!(editor.cursor(), (1, 2));
        editor.down();
        assert_eq!(editor.cursor(), (2, 8));
        editor.up();
        editor.up();
        assert_eq!(editor.cursor(), (0, 8));
        // A horizontal move forgets the column.
        editor.down();
        editor.left();
        editor.down();
        assert_eq!(editor.cursor(), (2, 1));
        // So does an edit.
        editor.up();
        editor.up();
        editor.end();
        editor.down();
        editor.insert_char('!');
        editor.down();
        assert_eq!(editor.cursor(), (2, 3));
    }

    #[test]
    fn vertical_moves_at_the_edges_go_to_line_start_or_end() {
        let mut editor = Editor::from_text("abc\ndef");
        editor.left();
        editor.down();
        assert_eq!(editor.cursor(), (1, 3));
        editor.left();
        editor.up();
        assert_eq!(editor.cursor(), (0, 2));
        editor.up();
        assert_eq!(editor.cursor(), (0, 0));
        editor.down();
        assert_eq!(editor.cursor(), (1, 0));
    }

    #[test]
    fn vertical_moves_never_land_inside_or_past_a_wide_grapheme() {
        let mut editor = Editor::from_text("日本語\nabc");
        editor.end();
        assert_eq!(editor.cursor(), (1, 3));
        editor.up();
        assert_eq!(editor.cursor(), (0, 2));
        editor.down();
        assert_eq!(editor.cursor(), (1, 3));
    }

    #[test]
    fn paste_normalises_and_inserts_as_one_edit() {
        let mut editor = Editor::from_text("ab");
        editor.left();
        editor.insert_str("x\r\ny\rz\t");
        assert_eq!(editor.text(), "ax\ny\nz    b");
        assert_eq!(editor.cursor(), (2, 5));
        editor.insert_str("");
        assert_eq!(editor.text(), "ax\ny\nz    b");
        editor.insert_str("\r\n");
        assert_eq!(editor.text(), "ax\ny\nz    \nb");
        assert_eq!(editor.cursor(), (3, 0));
    }

    #[test]
    fn grapheme_count_counts_clusters_and_newlines() {
        assert_eq!(
            Editor::from_text(&format!("a{FAMILY}\nb")).grapheme_count(),
            4
        );
        assert_eq!(Editor::from_text("e\u{301}🇯🇵\n\n").grapheme_count(), 4);
    }

    #[test]
    fn layout_keeps_trailing_space_with_its_word() {
        let editor = Editor::from_text("hello world again");
        let layout = editor.layout(11);
        assert_eq!(lines(&layout), ["hello ", "world again", ""]);
        assert_eq!(layout.1, (0, 2));
        let layout = editor.layout(12);
        assert_eq!(lines(&layout), ["hello world ", "again"]);
        assert_eq!(layout.1, (5, 1));
        let layout = editor.layout(17);
        assert_eq!(lines(&layout), ["hello world again", ""]);
        assert_eq!(layout.1, (0, 1));
        let layout = editor.layout(18);
        assert_eq!(lines(&layout), ["hello world again"]);
        assert_eq!(layout.1, (17, 0));
    }

    #[test]
    fn layout_breaks_a_long_word_between_graphemes() {
        let editor = Editor::from_text("abcdefghijklmnopqrst");
        let layout = editor.layout(8);
        assert_eq!(lines(&layout), ["abcdefgh", "ijklmnop", "qrst"]);
        assert_eq!(layout.1, (4, 2));
        // The long word starts on a visual line of its own.
        let editor = Editor::from_text("hi abcdefghijklmnopqrst ok");
        let layout = editor.layout(8);
        assert_eq!(lines(&layout), ["hi ", "abcdefgh", "ijklmnop", "qrst ok"]);
        assert_eq!(layout.1, (7, 3));
    }

    #[test]
    fn layout_never_splits_a_wide_grapheme_across_the_edge() {
        let editor = Editor::from_text("日本語です");
        let layout = editor.layout(5);
        assert_eq!(lines(&layout), ["日本", "語で", "す"]);
        assert_eq!(layout.1, (2, 2));
        let layout = editor.layout(3);
        assert_eq!(lines(&layout), ["日", "本", "語", "で", "す"]);
        assert_eq!(layout.1, (2, 4));
        let layout = editor.layout(1);
        assert_eq!(lines(&layout), ["日", "本", "語", "で", "す", ""]);
        assert_eq!(layout.1, (0, 5));
        let editor = Editor::from_text(&format!("ab {FAMILY}{FAMILY}"));
        assert_eq!(
            lines(&editor.layout(5)),
            ["ab ", &format!("{FAMILY}{FAMILY}")]
        );
    }

    #[test]
    fn layout_places_the_cursor_across_lines_and_wrap_points() {
        let mut editor = Editor::from_text("one two three\n\nfour");
        let layout = editor.layout(8);
        assert_eq!(lines(&layout), ["one two ", "three", "", "four"]);
        assert_eq!(layout.1, (4, 3));
        editor.up();
        assert_eq!(editor.layout(8).1, (0, 2));
        editor.up();
        editor.home();
        for _ in 0..8 {
            editor.right();
        }
        // At the wrap point the cursor shows at the start of the next line.
        assert_eq!(editor.layout(8).1, (0, 1));
        editor.left();
        assert_eq!(editor.layout(8).1, (7, 0));
        editor.end();
        assert_eq!(editor.layout(8).1, (5, 1));
    }

    #[test]
    fn layout_exact_fill_moves_the_cursor_to_an_extra_line() {
        let mut editor = Editor::from_text("abcd\nxy");
        editor.up();
        editor.end();
        let layout = editor.layout(4);
        assert_eq!(lines(&layout), ["abcd", "", "xy"]);
        assert_eq!(layout.1, (0, 1));
        // Elsewhere the full line gets no extra visual line.
        editor.left();
        let layout = editor.layout(4);
        assert_eq!(lines(&layout), ["abcd", "xy"]);
        assert_eq!(layout.1, (3, 0));
        editor.down();
        assert_eq!(editor.layout(4).1, (2, 1));
    }

    #[test]
    fn layout_keeps_whitespace_and_wraps_after_it() {
        let editor = Editor::from_text("a        b");
        assert_eq!(lines(&editor.layout(4)), ["a   ", "    ", " b"]);
        let editor = Editor::from_text("    indented text");
        assert_eq!(lines(&editor.layout(10)), ["    ", "indented ", "text"]);
        // A no-break space is no break opportunity.
        let editor = Editor::from_text("10\u{a0}km away");
        assert_eq!(lines(&editor.layout(6)), ["10\u{a0}km ", "away"]);
    }

    #[test]
    fn layout_of_zero_width_treated_as_one() {
        let editor = Editor::from_text("ab");
        assert_eq!(lines(&editor.layout(0)), ["a", "b", ""]);
    }
}
