//! The right pane: who this is (name, handles, tags), the thread, their
//! earlier conversations on every platform, the note, and the reply box.
//! Every piece of other people's text is sanitized here before it is drawn.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use unicode_segmentation::UnicodeSegmentation;

use super::{bold, border};
use crate::clock::Zone;
use crate::model::{Direction, Platform};
use crate::sanitize::{
    author_label, display_width, graphemes_before, sanitize, sanitize_line, truncate_to_width,
};
use crate::tui::app::{App, Detail, Mode, Pane};
use crate::tui::keymap::Command;
use crate::tui::layout::Areas;

/// A message longer than this shows its start and says how much more there is.
const PREVIEW_CHARS: usize = 4000;
/// A title is a heading: past this many characters (grapheme clusters) it is cut (a title is
/// anyone's to set, and a page-long one would push the thread out of view).
const TITLE_CHARS: usize = 200;

pub fn draw(frame: &mut Frame<'_>, areas: &Areas, app: &App) {
    let Some(detail) = &app.detail else {
        // Nothing selected (an empty search): the pane stays framed.
        frame.render_widget(
            Block::bordered().border_style(border(false)),
            areas.conversation,
        );
        return;
    };
    let block = Block::bordered()
        .title(title(detail))
        .border_style(border(app.focus == Pane::Conversation));
    frame.render_widget(block, areas.conversation);
    if let (Some(area), Some(score)) = (
        areas.why,
        app.selected_item().and_then(|item| item.score.as_ref()),
    ) {
        frame.render_widget(why_line(score, usize::from(area.width)), area);
    }
    // Wrapped in `update` (see `App::wrap_detail`); only what shows is copied.
    let height = usize::from(areas.thread.height);
    let end = detail.wrapped.lines.len().saturating_sub(height);
    let top = usize::from(app.thread_scroll).min(end);
    let visible = detail.wrapped.lines[top..].iter().take(height).cloned();
    frame.render_widget(Paragraph::new(visible.collect::<Vec<_>>()), areas.thread);
    if let Some(area) = areas.reply {
        reply_box(frame, area, app);
    }
}

/// Why the conversation is where it is in the queue: the factors that
/// placed it, then its score (`priority`).
fn why_line(score: &crate::priority::Score, width: usize) -> Line<'static> {
    let all = if score.why.is_empty() {
        "on time, nothing stands out".to_owned()
    } else {
        score.why.join(" · ")
    };
    let points = format!(" · score {:.1}", score.total);
    let width = width.saturating_sub(4);
    // The reasons first: the score goes when they need the room, then the
    // last reasons, whole (half a reason says nothing).
    let (reasons, points) = if display_width(&all) + display_width(&points) <= width {
        (all, points)
    } else {
        let mut shown = String::new();
        for reason in &score.why {
            let next = if shown.is_empty() {
                reason.clone()
            } else {
                format!("{shown} · {reason}")
            };
            if display_width(&next) > width {
                break;
            }
            shown = next;
        }
        if shown.is_empty() {
            shown = truncate_to_width(&all, width).into_owned();
        }
        (shown, String::new())
    };
    Line::from(vec![
        Span::styled("why ", Style::new().fg(Color::DarkGray)),
        Span::styled(reasons, Style::new().fg(Color::Yellow)),
        Span::styled(points, Style::new().fg(Color::DarkGray)),
    ])
}

/// Already-sanitized text wrapped to `width` columns the way the reply editor
/// wraps (grapheme- and width-aware; ratatui's own wrap can overflow by a
/// column on wide characters and eat the border).
fn wrapped(text: &str, width: usize, style: Style) -> impl Iterator<Item = Line<'static>> {
    crate::tui::editor::wrap(text, width)
        .into_iter()
        .map(move |line| Line::styled(line, style))
}

fn title(detail: &Detail) -> Line<'static> {
    let Some(person) = &detail.person else {
        return Line::from(" (unknown) ");
    };
    let name = author_label(
        person.display_name.as_deref(),
        person.handles.first().map(|(_, handle)| handle.as_str()),
    );
    let mut spans = vec![Span::styled(format!(" {name} "), bold())];
    // The handle that is also the name is said once.
    let handles: Vec<String> = person
        .handles
        .iter()
        .map(|(_, handle)| sanitize_line(handle).trim().to_owned())
        .filter(|handle| *handle != name)
        .collect();
    // Each part ends with its own space, so nothing doubles when one is missing.
    if !handles.is_empty() {
        spans.push(Span::styled(
            format!("{} ", handles.join(" ")),
            Style::new().fg(Color::DarkGray),
        ));
    }
    for tag in &person.tags {
        spans.push(Span::styled(
            format!("· {} ", sanitize_line(tag)),
            Style::new().fg(Color::Green),
        ));
    }
    Line::from(spans)
}

/// The pane's text at `width` columns, built by `update`, not per frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Wrapped {
    /// The thread, the person's earlier conversations, their note.
    pub lines: Vec<Line<'static>>,
    /// The line each message starts on (a search result opens at its message).
    pub starts: Vec<(i64, usize)>,
    /// The line after the thread's last message: the thread opens with its
    /// newest message in view, whatever follows it.
    pub thread_end: usize,
}

#[must_use]
pub fn lines(detail: &Detail, zone: Zone, width: usize) -> Wrapped {
    let mut starts = Vec::with_capacity(detail.thread.messages.len());
    let dim = Style::new().fg(Color::DarkGray);
    let mut lines = Vec::new();
    if let Some(subject) = &detail.thread.title {
        lines.extend(wrapped(&headline(subject), width, bold()));
    }
    if detail.thread.earlier > 0 {
        lines.extend(wrapped(
            &format!("({} earlier messages not shown)", detail.thread.earlier),
            width,
            dim,
        ));
    }
    for message in &detail.thread.messages {
        starts.push((message.id, lines.len()));
        let when = message
            .created_at
            .with_timezone(&zone)
            .format("%b %d %H:%M")
            .to_string();
        let (who, who_style) = match message.direction {
            Direction::Out => ("you".to_owned(), Style::new().fg(Color::Cyan)),
            Direction::In => (
                author_label(
                    message.author_display_name.as_deref(),
                    message.author_handle.as_deref(),
                ),
                bold(),
            ),
        };
        let who = truncate_to_width(&who, width.saturating_sub(when.len() + 2)).into_owned();
        lines.push(Line::from(vec![
            Span::styled(when, dim),
            Span::raw("  "),
            Span::styled(who, who_style),
        ]));
        let shown = graphemes_before(&message.text, PREVIEW_CHARS).unwrap_or(&message.text);
        lines.extend(wrapped(&sanitize(shown), width, Style::new()));
        if shown.len() < message.text.len() {
            let more = format!(
                "… {} more characters (o opens the post)",
                message.text[shown.len()..].graphemes(true).count()
            );
            lines.extend(wrapped(&more, width, dim.add_modifier(Modifier::ITALIC)));
        }
        lines.push(Line::default());
    }
    let thread_end = lines.len().saturating_sub(1);
    if let Some(person) = &detail.person {
        if !detail.others.is_empty() {
            lines.push(Line::styled("Earlier conversations", bold()));
            for other in &detail.others {
                let when = other
                    .last_at
                    .with_timezone(&zone)
                    .format("%b %d")
                    .to_string();
                let subject = other
                    .title
                    .as_deref()
                    .map(|t| format!(" · {}", sanitize_line(t).trim()))
                    .unwrap_or_default();
                let line = format!(
                    "{when}  {}  {} · {} messages{subject}",
                    other.platform, other.state, other.message_count
                );
                // One line each: the list is for glancing at.
                lines.push(Line::raw(truncate_to_width(&line, width).into_owned()));
            }
            lines.push(Line::default());
        }
        if !person.note.trim().is_empty() {
            lines.push(Line::styled("Note", bold()));
            lines.extend(wrapped(&sanitize(&person.note), width, Style::new()));
        }
    }
    // The separator after the last block would only leave a blank line at the end.
    if lines.last().is_some_and(|line| line.spans.is_empty()) {
        lines.pop();
    }
    Wrapped {
        lines,
        starts,
        thread_end,
    }
}

/// A title as a heading: one line of text, at most `TITLE_CHARS` grapheme
/// clusters of it.
fn headline(title: &str) -> String {
    let title = sanitize_line(title);
    let title = title.trim();
    match graphemes_before(title, TITLE_CHARS) {
        Some(kept) => format!("{}…", kept.trim_end()),
        None => title.to_owned(),
    }
}

/// Posts have a length limit on some platforms; the count turns red past it.
fn limit(platform: Platform) -> Option<usize> {
    match platform {
        Platform::Mastodon => Some(500),
        Platform::Bluesky => Some(300),
        Platform::X => Some(280),
        _ => None,
    }
}

fn reply_box(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let typing = app.mode == Mode::Reply;
    let count = app.editor.grapheme_count();
    let platform = app
        .detail
        .as_ref()
        .map_or(Platform::Other, |d| d.thread.platform);
    let (counter, over) = match limit(platform) {
        Some(max) => (format!("{count}/{max}"), count > max),
        None => (count.to_string(), false),
    };
    let mut title = vec![
        Span::raw(if typing { " reply · " } else { " draft · " }),
        Span::styled(
            counter,
            if over {
                Style::new().fg(Color::Red)
            } else {
                Style::new()
            },
        ),
    ];
    let keys = &app.keymap;
    let hint = if typing {
        [
            keys.hint(Command::Send, "save"),
            keys.hint(Command::Leave, "leave"),
        ]
    } else {
        [keys.hint(Command::Reply, "continue"), None]
    };
    for hint in hint.into_iter().flatten() {
        title.push(Span::raw(format!(" · {hint}")));
    }
    title.push(Span::raw(" "));
    let block = Block::bordered()
        .title(Line::from(title))
        .border_style(border(typing));
    let inner = block.inner(area);
    let (lines, (x, y)) = app.editor.layout(usize::from(inner.width.max(1)));
    let height = usize::from(inner.height.max(1));
    let top = (y + 1).saturating_sub(height);
    let visible: Vec<Line<'_>> = lines
        .into_iter()
        .skip(top)
        .take(height)
        .map(Line::from)
        .collect();
    frame.render_widget(Paragraph::new(visible).block(block), area);
    if typing {
        let x = u16::try_from(x)
            .unwrap_or(u16::MAX)
            .min(inner.width.saturating_sub(1));
        let y = u16::try_from(y - top).unwrap_or(0);
        frame.set_cursor_position(Position::new(inner.x + x, inner.y + y));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_title_is_cut_between_characters_as_shown() {
        assert_eq!(
            headline(&"x".repeat(10_000)),
            format!("{}…", "x".repeat(200))
        );
        assert_eq!(headline("  short\ttitle "), "short title");
        let scotland = "🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}";
        for before in 194..202 {
            let cut = headline(&format!(
                "{}{scotland}{}",
                "a".repeat(before),
                "b".repeat(50)
            ));
            let tags = cut
                .chars()
                .filter(|c| ('\u{e0000}'..='\u{e007f}').contains(c));
            assert_eq!(
                tags.count(),
                if cut.contains(scotland) { 6 } else { 0 },
                "{cut}"
            );
            assert_eq!(sanitize_line(&cut), cut);
        }
    }
}
