//! The right pane: who this is (name, handles, tags), the thread, their
//! earlier conversations on every platform, the note, and the reply box.
//! Every piece of other people's text is sanitized here before it is drawn.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{bold, border};
use crate::model::{Direction, Platform};
use crate::sanitize::{sanitize, sanitize_line};
use crate::tui::app::{App, Detail, Mode, Pane};
use crate::tui::keymap::Command;
use crate::tui::layout::Areas;

/// A message longer than this shows its start and says how much more there is.
const PREVIEW_CHARS: usize = 4000;

pub fn draw(frame: &mut Frame<'_>, areas: &Areas, app: &App) {
    let Some(detail) = &app.detail else { return };
    let block = Block::bordered()
        .title(title(detail))
        .border_style(border(app.focus == Pane::Conversation));
    frame.render_widget(block, areas.conversation);
    let thread = thread_paragraph(detail, app);
    let scroll = app.thread_scroll.min(max_scroll(detail, app, areas.thread));
    frame.render_widget(thread.scroll((scroll, 0)), areas.thread);
    if let Some(area) = areas.reply {
        reply_box(frame, area, app);
    }
}

fn thread_paragraph(detail: &Detail, app: &App) -> Paragraph<'static> {
    Paragraph::new(thread_lines(detail, app)).wrap(Wrap { trim: false })
}

/// How far the thread can scroll in `area` before only blank space is left.
#[must_use]
pub fn max_scroll(detail: &Detail, app: &App, area: Rect) -> u16 {
    let lines = thread_paragraph(detail, app).line_count(area.width.max(1));
    u16::try_from(lines.saturating_sub(usize::from(area.height))).unwrap_or(u16::MAX)
}

fn title(detail: &Detail) -> Line<'static> {
    let Some(person) = &detail.person else {
        return Line::from(" (unknown) ");
    };
    let name = person
        .display_name
        .as_deref()
        .or_else(|| person.handles.first().map(|(_, handle)| handle.as_str()))
        .unwrap_or("(unknown)");
    let mut spans = vec![Span::styled(
        format!(" {} ", sanitize_line(name).trim()),
        bold(),
    )];
    let handles: Vec<String> = person
        .handles
        .iter()
        .map(|(_, handle)| sanitize_line(handle).into_owned())
        .collect();
    spans.push(Span::styled(
        handles.join(" "),
        Style::new().fg(Color::DarkGray),
    ));
    for tag in &person.tags {
        spans.push(Span::styled(
            format!(" · {}", sanitize_line(tag)),
            Style::new().fg(Color::Green),
        ));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}

fn thread_lines(detail: &Detail, app: &App) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(subject) = &detail.thread.title {
        lines.push(Line::styled(
            sanitize_line(subject).trim().to_owned(),
            bold(),
        ));
    }
    if detail.thread.earlier > 0 {
        lines.push(Line::styled(
            format!("({} earlier messages not shown)", detail.thread.earlier),
            Style::new().fg(Color::DarkGray),
        ));
    }
    for message in &detail.thread.messages {
        let when = message
            .created_at
            .with_timezone(&app.zone)
            .format("%b %d %H:%M")
            .to_string();
        let (who, who_style) = match message.direction {
            Direction::Out => ("you".to_owned(), Style::new().fg(Color::Cyan)),
            Direction::In => {
                let name = message
                    .author_display_name
                    .as_deref()
                    .filter(|n| !n.trim().is_empty());
                let who = name
                    .or(message.author_handle.as_deref())
                    .unwrap_or("(unknown)");
                (sanitize_line(who).trim().to_owned(), bold())
            }
        };
        lines.push(Line::from(vec![
            Span::styled(when, Style::new().fg(Color::DarkGray)),
            Span::raw("  "),
            Span::styled(who, who_style),
        ]));
        let total = message.text.chars().count();
        let shown: String = message.text.chars().take(PREVIEW_CHARS).collect();
        for text_line in sanitize(&shown).split('\n') {
            lines.push(Line::from(text_line.to_owned()));
        }
        if total > PREVIEW_CHARS {
            lines.push(Line::styled(
                format!(
                    "  … {} more characters (o opens the post)",
                    total - PREVIEW_CHARS
                ),
                Style::new()
                    .fg(Color::DarkGray)
                    .add_modifier(Modifier::ITALIC),
            ));
        }
        lines.push(Line::default());
    }
    if let Some(person) = &detail.person {
        if !detail.others.is_empty() {
            lines.push(Line::styled("Earlier conversations", bold()));
            for other in &detail.others {
                let when = other
                    .last_at
                    .with_timezone(&app.zone)
                    .format("%b %d")
                    .to_string();
                let subject = other
                    .title
                    .as_deref()
                    .map(|t| format!(" · {}", sanitize_line(t).trim()))
                    .unwrap_or_default();
                lines.push(Line::from(format!(
                    "  {when}  {}  {} · {} messages{subject}",
                    other.platform, other.state, other.message_count
                )));
            }
            lines.push(Line::default());
        }
        if !person.note.trim().is_empty() {
            lines.push(Line::styled("Note", bold()));
            for note_line in sanitize(&person.note).split('\n') {
                lines.push(Line::from(format!("  {note_line}")));
            }
        }
    }
    // The separator after the last block would only leave a blank line at the end.
    if lines.last().is_some_and(|line| line.spans.is_empty()) {
        lines.pop();
    }
    lines
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
