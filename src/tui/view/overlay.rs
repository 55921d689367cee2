//! Whole-screen states and boxes over the panes: too small, inbox zero, the
//! help overlay (from the keymap), the snooze and tag menus, the note editor.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::bold;
use crate::sanitize::display_width;
use crate::tui::app::App;
use crate::tui::editor::Editor;
use crate::tui::keymap::{Command, Context};
use crate::tui::layout::{MIN_HEIGHT, MIN_WIDTH};

pub fn too_small(frame: &mut Frame<'_>, area: Rect) {
    let text = vec![
        Line::styled("Terminal too small", bold()),
        Line::from(format!(
            "{}×{}: tend needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
            area.width, area.height
        )),
        Line::from("Make the window larger; nothing is lost meanwhile."),
    ];
    let height = 3.min(area.height);
    let [_, middle, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }).centered(),
        middle,
    );
}

pub fn inbox_zero(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let quit = app.keymap.hint(Command::Quit, "quits").unwrap_or_default();
    let undo = app
        .keymap
        .hint(Command::Undo, "takes back the last action")
        .unwrap_or_default();
    let text = vec![
        Line::styled("Inbox zero", bold().fg(Color::Green)),
        Line::default(),
        Line::from("Nobody is waiting for an answer."),
        Line::from("Import more with `tend import FILE`, or log a call with `tend add`."),
        Line::from(format!("{undo} · {quit}")),
    ];
    let block = Block::bordered().border_style(Style::new().fg(Color::DarkGray));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [_, middle, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(5),
        Constraint::Fill(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }).centered(),
        middle,
    );
}

/// A box of `width`×`height` in the middle of `area` (clipped to it), cleared.
fn centered_box(frame: &mut Frame<'_>, area: Rect, width: u16, height: u16, title: &str) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(format!(" {title} "))
        .border_style(Style::new().fg(Color::Cyan));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}

pub fn help(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let mut lines = Vec::new();
    let mut section = |heading: &str, entries: Vec<(String, &str)>| {
        lines.push(Line::styled(heading.to_owned(), bold()));
        for (keys, what) in entries {
            lines.push(Line::from(vec![
                Span::styled(format!(" {keys:<14}"), Style::new().fg(Color::Cyan)),
                Span::raw(what.to_owned()),
            ]));
        }
        lines.push(Line::default());
    };
    // Opposite moves share a line, so the whole help fits in 80×24.
    let keymap = &app.keymap;
    let pair = |a: Command, b: Command| {
        format!(
            "{} {}",
            keymap.keys_for(a).join("/"),
            keymap.keys_for(b).join("/")
        )
    };
    let mut browse: Vec<(String, &str)> = keymap
        .help(Context::Browse)
        .into_iter()
        .filter(|(_, what)| {
            ![
                Command::Up,
                Command::Bottom,
                Command::Quit,
                Command::CopyLink,
                Command::Note,
                Command::Filter,
            ]
            .iter()
            .any(|c| c.help() == *what)
        })
        .collect();
    for (keys, what) in &mut browse {
        if *what == Command::Down.help() {
            *keys = pair(Command::Down, Command::Up);
            *what = "next / previous (in the thread: scroll)";
        } else if *what == Command::Top.help() {
            *keys = pair(Command::Top, Command::Bottom);
            *what = "first / last conversation";
        } else if *what == Command::Help.help() {
            *keys = pair(Command::Help, Command::Quit);
            *what = "this help / quit (drafts are kept)";
        } else if *what == Command::Open.help() {
            *keys = pair(Command::Open, Command::CopyLink);
            *what = "open the post in the browser / copy its link";
        } else if *what == Command::Tag.help() {
            *keys = pair(Command::Tag, Command::Note);
            *what = "tag the person / edit the note on them";
        } else if *what == Command::Search.help() {
            *keys = pair(Command::Search, Command::Filter);
            *what = "search everything / filter (platform: is: tag: from:)";
        }
    }
    section("In the queue and thread", browse);
    section(
        "In the reply box and note",
        app.keymap.help(Context::Typing),
    );
    lines.pop();
    lines.push(Line::styled(
        "Editing: arrows, ctrl/alt-←/→ by word, home/end, ctrl-w deletes a word.",
        Style::new().fg(Color::DarkGray),
    ));

    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let inner = centered_box(
        frame,
        area,
        74,
        height,
        "Keys · change them in config.toml [keys]",
    );
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn menu(
    frame: &mut Frame<'_>,
    area: Rect,
    title: &str,
    choices: &[&str],
    selected: usize,
    typing: Option<&Editor>,
    marked: &[String],
) {
    let extra = if typing.is_some() { 4 } else { 2 };
    let height = u16::try_from(choices.len())
        .unwrap_or(u16::MAX)
        .saturating_add(extra);
    let widest = choices
        .iter()
        .map(|choice| display_width(choice))
        .chain([display_width(title)])
        .max()
        .unwrap_or(0);
    let width = u16::try_from(widest + 8).unwrap_or(u16::MAX).max(40);
    let inner = centered_box(frame, area, width, height, title);
    // A menu taller than the screen scrolls with the selection.
    let rows = usize::from(inner.height.saturating_sub(extra - 2)).max(1);
    let first = (selected + 1).saturating_sub(rows);
    let mut lines: Vec<Line<'_>> = choices
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(index, choice)| {
            let mark = if marked.iter().any(|m| m == choice) {
                " ✓"
            } else {
                ""
            };
            // Digits pick the first nine; longer menus are moved through.
            let number = if index < 9 {
                (index + 1).to_string()
            } else {
                " ".to_owned()
            };
            let line = Line::from(format!(" {number} {choice}{mark}"));
            if index == selected {
                line.style(Style::new().add_modifier(Modifier::REVERSED))
            } else {
                line
            }
        })
        .collect();
    if let Some(editor) = typing {
        lines.push(Line::default());
        let (text, (x, _)) = editor.layout(usize::from(inner.width.saturating_sub(3).max(1)));
        lines.push(Line::from(format!(
            " > {}",
            text.last().cloned().unwrap_or_default()
        )));
        let x = u16::try_from(x)
            .unwrap_or(0)
            .saturating_add(3)
            .min(inner.width.saturating_sub(1));
        frame.set_cursor_position(Position::new(
            inner.x + x,
            inner.y + inner.height.saturating_sub(1),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn note(frame: &mut Frame<'_>, area: Rect, editor: &Editor, app: &App) {
    let save = app.keymap.hint(Command::Send, "save").unwrap_or_default();
    let leave = app.keymap.hint(Command::Leave, "close").unwrap_or_default();
    let inner = centered_box(frame, area, 60, 10, &format!("Note · {save} · {leave}"));
    let (lines, (x, y)) = editor.layout(usize::from(inner.width.max(1)));
    let top = (y + 1).saturating_sub(usize::from(inner.height.max(1)));
    let visible: Vec<Line<'_>> = lines.into_iter().skip(top).map(Line::from).collect();
    frame.render_widget(Paragraph::new(visible), inner);
    let x = u16::try_from(x)
        .unwrap_or(0)
        .min(inner.width.saturating_sub(1));
    frame.set_cursor_position(Position::new(
        inner.x + x,
        inner.y + u16::try_from(y - top).unwrap_or(0),
    ));
}
