//! Drawing a frame: a pure function of `&App` (it reads, never changes, and
//! never touches the store). One file per pane under `view/`; the layout
//! comes from `layout::Areas`, shared with mouse handling.

pub(crate) mod conversation;
mod overlay;
mod queue;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{App, Menu, Mode};
use super::keymap::Command;
use super::layout::Areas;
use crate::sanitize::display_width;

pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let area = frame.area();
    let areas = Areas::of(area, app.reply_box_shown());
    if areas.too_small {
        overlay::too_small(frame, area);
        return;
    }
    if app.queue.is_empty() {
        overlay::inbox_zero(frame, areas.main, app);
    } else {
        queue::draw(frame, areas.queue, app);
        conversation::draw(frame, &areas, app);
    }
    status_bar(frame, areas.status, app);
    match &app.mode {
        Mode::Help => overlay::help(frame, areas.main, app),
        Mode::Menu {
            menu,
            choice,
            typing,
        } => {
            // The tag menu ticks the tags the person already has.
            let marked = match menu {
                Menu::Tag => app
                    .detail
                    .as_ref()
                    .and_then(|d| d.person.as_ref())
                    .map(|p| p.tags.clone()),
                Menu::Snooze => None,
            };
            let marked = marked.unwrap_or_default();
            overlay::menu(
                frame,
                areas.main,
                menu.title(),
                menu.choices(),
                *choice,
                typing.as_ref(),
                &marked,
            );
        }
        Mode::Note(editor) => overlay::note(frame, areas.main, editor, app),
        Mode::Browse | Mode::Reply => {}
    }
}

/// Session counts and the last message on the left, key hints on the right.
fn status_bar(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let counts = format!(
        " answered {} · done {} · snoozed {} ",
        app.counts.answered, app.counts.done, app.counts.snoozed
    );
    let mut spans = vec![Span::styled(
        counts,
        Style::new().fg(Color::Black).bg(Color::Gray),
    )];
    if let Some(status) = &app.status {
        // Status lines can quote tags and names: other people's text, made safe.
        spans.push(Span::styled(
            format!(" {}", crate::sanitize::sanitize_line(status)),
            Style::new().fg(Color::Yellow),
        ));
    }
    let used: usize = spans.iter().map(|span| display_width(&span.content)).sum();
    // At least two spaces between the status text and the hints, one after them.
    let available = usize::from(area.width).saturating_sub(used);
    let room = available.saturating_sub(3);
    // The hints are listed most important last; drop from the front until they fit.
    let mut hints = hints(app);
    while !hints.is_empty() && display_width(&hints.join("  ")) > room {
        hints.remove(0);
    }
    let hints = hints.join("  ");
    if !hints.is_empty() {
        spans.push(Span::raw(" ".repeat(available - display_width(&hints) - 1)));
        spans.push(Span::styled(hints, Style::new().fg(Color::DarkGray)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The keys that matter now, from the active keymap, least important first.
fn hints(app: &App) -> Vec<String> {
    let keymap = &app.keymap;
    let wanted: &[(Command, &str)] = match app.mode {
        Mode::Reply => &[
            (Command::EditTyping, "editor"),
            (Command::Leave, "leave"),
            (Command::Send, "save"),
        ],
        Mode::Note(_) => &[(Command::Leave, "close"), (Command::Send, "save")],
        Mode::Help => return vec!["any key closes".into()],
        Mode::Menu { .. } => {
            return vec!["enter pick".into(), "esc cancel".into()];
        }
        Mode::Browse if app.queue.is_empty() => &[
            (Command::Undo, "undo"),
            (Command::Help, "help"),
            (Command::Quit, "quit"),
        ],
        Mode::Browse => &[
            (Command::Undo, "undo"),
            (Command::Snooze, "snooze"),
            (Command::Done, "done"),
            (Command::Reply, "reply"),
            (Command::Help, "help"),
            (Command::Quit, "quit"),
        ],
    };
    wanted
        .iter()
        .filter_map(|(command, label)| keymap.hint(*command, label))
        .collect()
}

/// Border style of a pane: brighter when it has the keyboard.
fn border(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Cyan)
    } else {
        Style::new().fg(Color::DarkGray)
    }
}

fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
