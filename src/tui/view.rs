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

use std::time::Duration;

use super::app::{App, FilterChoice, Menu, Mode, SPENT_CHOICES, SPENT_TITLE};
use super::keymap::Command;
use super::layout::Areas;
use crate::budget::{self, Activity};
use crate::sanitize::display_width;

pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let area = frame.area();
    let areas = Areas::of(area, app.shown());
    if areas.too_small {
        overlay::too_small(frame, area);
        return;
    }
    let searching = matches!(app.mode, Mode::Search { .. });
    if app.queue.is_empty() && app.query.is_empty() && !searching {
        overlay::inbox_zero(frame, areas.main, app);
    } else {
        queue::draw(frame, &areas, app);
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
                    .map_or(&[][..], |p| p.tags.as_slice()),
                Menu::Snooze => &[],
            };
            overlay::menu(
                frame,
                areas.main,
                menu.title(),
                menu.choices(),
                *choice,
                typing.as_ref(),
                marked,
            );
        }
        Mode::Spent { choice, .. } => overlay::menu(
            frame,
            areas.main,
            SPENT_TITLE,
            &SPENT_CHOICES,
            *choice,
            None,
            &[],
        ),
        Mode::Filter { choice, choices } => {
            let labels: Vec<String> = choices.iter().map(FilterChoice::label).collect();
            let marked: Vec<String> = choices
                .iter()
                .filter(|choice| choice.is_on(&app.query))
                .map(FilterChoice::label)
                .collect();
            let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
            overlay::menu(
                frame,
                areas.main,
                "Filter (again to remove)",
                &labels,
                *choice,
                None,
                &marked,
            );
        }
        Mode::Note(editor) => overlay::note(frame, areas.main, editor, app),
        Mode::Browse | Mode::Reply | Mode::Search { .. } => {}
    }
}

/// The budget on the left, then the last message (or the session's counts),
/// key hints on the right. On narrow screens the counts shorten so that the
/// three most important hints still fit.
fn status_bar(frame: &mut Frame<'_>, area: Rect, app: &App) {
    const KEEP_HINTS: usize = 3;
    let width = usize::from(area.width);
    let mut spans = vec![budget(app, width >= 100)];
    let mut hints = hints(app);
    if let Some(status) = &app.status {
        // Status lines can quote tags and names: other people's text, made safe.
        spans.push(Span::styled(
            format!(" {}", crate::sanitize::sanitize_line(status)),
            Style::new().fg(Color::Yellow),
        ));
    } else {
        let counts = &app.counts;
        let longest_first = [
            format!(
                " answered {} · done {} · snoozed {}",
                counts.answered, counts.done, counts.snoozed
            ),
            format!(" answered {} · done {}", counts.answered, counts.done),
            format!(" answered {}", counts.answered),
        ];
        let important = hints[hints.len().saturating_sub(KEEP_HINTS)..].join("  ");
        let taken = display_width(&spans[0].content) + display_width(&important) + 3;
        if let Some(counts) = longest_first
            .into_iter()
            .find(|counts| taken + display_width(counts) <= width)
        {
            spans.push(Span::styled(counts, Style::new().fg(Color::Gray)));
        }
    }
    let used: usize = spans.iter().map(|span| display_width(&span.content)).sum();
    // At least two spaces between the status text and the hints, one after them.
    let available = width.saturating_sub(used);
    let room = available.saturating_sub(3);
    // The hints are listed most important last; drop from the front until they fit.
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

/// Time left today and a gauge of time used, coloured by how it stands:
/// running, the last five minutes, spent, overtime; "paused" or "idle" when
/// the timer is not counting.
fn budget(app: &App, wide: bool) -> Span<'static> {
    const LAST_MINUTES: Duration = Duration::from_secs(5 * 60);
    let today = app.timer.today();
    let state = match app.timer.activity() {
        Activity::Paused => "paused · ",
        Activity::Idle => "idle · ",
        Activity::Counting | Activity::Away => "",
    };
    let (text, colour) = if !today.spent() {
        let colour = if today.left() <= LAST_MINUTES {
            Color::Yellow
        } else {
            Color::Green
        };
        let of = if wide {
            format!(" of {}", budget::clock(today.budget))
        } else {
            String::new()
        };
        (
            format!(
                "{} left{of} {}",
                budget::clock(today.left()),
                gauge(today.used, today.budget)
            ),
            colour,
        )
    } else if let Some(extension_left) = today.extension_left() {
        (
            format!(
                "overtime +{} · {} of +{} left",
                budget::clock(today.overtime()),
                budget::clock(extension_left),
                budget::clock(today.extension)
            ),
            Color::Magenta,
        )
    } else if today.keep_going || today.extension > Duration::ZERO {
        (
            format!("overtime +{}", budget::clock(today.overtime())),
            Color::Magenta,
        )
    } else {
        (
            format!("budget spent · {} used", budget::clock(today.used)),
            Color::Red,
        )
    };
    let style = if state.is_empty() {
        Style::new().fg(Color::Black).bg(colour)
    } else {
        Style::new().fg(Color::Black).bg(Color::DarkGray)
    };
    Span::styled(format!(" ◷ {state}{text} "), style)
}

/// Ten cells, filled for the part of the budget used.
fn gauge(used: Duration, budget: Duration) -> String {
    const CELLS: u128 = 10;
    let filled = if budget.is_zero() {
        CELLS
    } else {
        (used.as_millis() * CELLS / budget.as_millis()).min(CELLS)
    };
    (0..CELLS)
        .map(|cell| if cell < filled { '▮' } else { '▯' })
        .collect()
}

/// The keys that matter now, from the active keymap, least important first.
fn hints(app: &App) -> Vec<String> {
    let keymap = &app.keymap;
    let wanted: &[(Command, &str)] = match &app.mode {
        Mode::Reply => &[
            (Command::EditTyping, "editor"),
            (Command::Leave, "leave"),
            (Command::Send, "save"),
        ],
        Mode::Note(_) => &[(Command::Leave, "close"), (Command::Send, "save")],
        Mode::Help => return vec!["any key closes".into()],
        Mode::Spent { .. } => return vec!["enter pick".into(), "esc +10 min".into()],
        Mode::Menu { .. } => {
            return vec!["enter pick".into(), "esc cancel".into()];
        }
        Mode::Filter { .. } => return vec!["enter turns on/off".into(), "esc cancel".into()],
        Mode::Search { error, .. } => {
            let mut hints = vec!["↑↓ pick".to_owned()];
            hints.extend(keymap.hint(Command::Leave, "back"));
            if error.is_none() {
                hints.push("enter keep".into());
            }
            return hints;
        }
        Mode::Browse if app.timer.activity() == Activity::Paused && !app.query.is_empty() => &[
            (Command::Help, "help"),
            (Command::Quit, "quit"),
            (Command::Clear, "whole queue"),
            (Command::Pause, "resume"),
        ],
        Mode::Browse if app.timer.activity() == Activity::Paused => &[
            (Command::Help, "help"),
            (Command::Quit, "quit"),
            (Command::Pause, "resume"),
        ],
        Mode::Browse if !app.query.is_empty() => &[
            (Command::Undo, "undo"),
            (Command::Done, "done"),
            (Command::Reply, "reply"),
            (Command::Help, "help"),
            (Command::Clear, "whole queue"),
            (Command::Quit, "quit"),
        ],
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
