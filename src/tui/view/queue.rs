//! The list pane: one row per conversation (or, in search results, per
//! matching message) — age (`!` overdue, colour when due soon, `↺` back from
//! a snooze, `✓` answered or done), platform, person, the first line of what
//! they wrote; the budget divider; the title says what the list is, the
//! bottom border what the queue will take; the search box while typing.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::border;
use crate::model::{ConversationState, Platform};
use crate::query::QueryError;
use crate::queue::{self, ListKind};
use crate::sanitize::{display_width, fit_to_width, preview, sanitize_line, truncate_to_width};
use crate::sla::{SlaState, short_span};
use crate::store::QueueItem;
use crate::tui::app::{App, Mode, Pane};
use crate::tui::editor::Editor;
use crate::tui::layout::{Areas, ListRow, list_rows};

pub fn draw(frame: &mut Frame<'_>, areas: &Areas, app: &App) {
    let width = usize::from(areas.queue.width.saturating_sub(2));
    let mut block = Block::bordered()
        .title(title(app, width))
        .border_style(border(app.focus == Pane::Queue));
    if app.list_kind == ListKind::Queue && app.matching > 0 {
        block = block.title_bottom(estimate(app, width));
    }
    frame.render_widget(block, areas.queue);
    if let (Some(area), Mode::Search { editor, error }) = (areas.search, &app.mode) {
        search_box(frame, area, editor, error.as_ref(), app);
    }
    let area = areas.list;
    if app.queue.is_empty() {
        let text = if app.query.searches_text() {
            "No message matches."
        } else if app.query.is_empty() {
            "Type to search every message."
        } else {
            "Nothing here with this filter."
        };
        frame.render_widget(
            Paragraph::new(vec![
                Line::styled(text, Style::new().fg(Color::DarkGray)),
                Line::styled(
                    "Esc goes back to the queue.",
                    Style::new().fg(Color::DarkGray),
                ),
            ]),
            area,
        );
        return;
    }
    let width = usize::from(area.width);
    let mine = &app.my_mention_names;
    let rows = list_rows(
        app.queue_offset,
        app.queue.len(),
        app.budget_line(),
        usize::from(area.height),
    );
    let lines: Vec<Line<'_>> = rows
        .into_iter()
        .map(|row| match row {
            ListRow::Divider => divider(app, width),
            ListRow::Item(index) => item_line(app, &app.queue[index], index, width, mine),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn item_line<'a>(
    app: &App,
    item: &'a QueueItem,
    index: usize,
    width: usize,
    mine: &[String],
) -> Line<'a> {
    // A search result is dated by the message found: the promise's mark and
    // colour belong to the conversation's wait, so they are left out.
    let sla = if item.hit.is_some() {
        None
    } else {
        app.sla(item).map(|assessment| assessment.state)
    };
    let mark = match (sla, item.state) {
        (Some(SlaState::Overdue), _) => "!",
        (Some(_), _) if item.back_from_snooze => "↺",
        (None, ConversationState::Answered | ConversationState::Done) => "✓",
        (None, ConversationState::Snoozed) => "z",
        _ => " ",
    };
    let mark = if item.back_from_snooze && mark == "!" {
        "!↺"
    } else {
        mark
    };
    let age = format!("{}{mark}", short_span(app.now - item.dated()));
    let age_style = match sla {
        Some(SlaState::Overdue) => Style::new().fg(Color::Red),
        Some(SlaState::DueSoon) => Style::new().fg(Color::Yellow),
        Some(SlaState::OnTime) => Style::new(),
        None => Style::new().fg(Color::DarkGray),
    };
    let person = item.shown_author();
    let selected = index == app.selected;
    let pointer = if selected { "▶" } else { " " };
    // pointer(1) age(6) platform person: what is left is the message.
    // A narrow list (80 columns) uses short platform names.
    let (platform, platform_width, person_width) = if width >= 44 {
        (item.platform.as_str(), 11, 16)
    } else {
        (short(item.platform), 5, 10)
    };
    let rest = width.saturating_sub(1 + 6 + platform_width + person_width + 1);
    let row_style = if selected {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new()
    };
    Line::from(vec![
        Span::raw(pointer),
        Span::styled(fit_to_width(&age, 6), age_style),
        Span::styled(
            fit_to_width(platform, platform_width),
            Style::new().fg(Color::DarkGray),
        ),
        Span::raw(fit_to_width(&person, person_width)),
        Span::raw(" "),
        Span::raw(fit_to_width(
            without_my_mentions(&preview(&item.text_head), mine),
            rest,
        )),
    ])
    .style(row_style)
}

/// `─── fits in today's 18 min ───`: the rows above it fit in what is left.
fn divider(app: &App, width: usize) -> Line<'static> {
    let room = app.timer.today().room();
    let label = queue::divider_label(room);
    let label = truncate_to_width(&label, width.saturating_sub(4));
    let side = width.saturating_sub(display_width(&label)) / 2;
    let rule = |n: usize| "─".repeat(n);
    let text = format!(
        "{}{label}{}",
        rule(side),
        rule(width.saturating_sub(side + display_width(&label)))
    );
    Line::styled(text, Style::new().fg(Color::Yellow))
}

/// The longest title that fits: what the list is and how many rows.
fn title(app: &App, width: usize) -> String {
    let counts = format!("{} open · {} overdue", app.open_total, app.overdue_total);
    let query = sanitize_line(&app.query.to_string()).trim().to_owned();
    let found = format!("{}{}", app.matching, if app.more { "+" } else { "" });
    let candidates: Vec<String> = match app.list_kind {
        ListKind::Queue if app.query.is_empty() => vec![
            format!("Queue ({counts})"),
            counts,
            format!("{} open", app.open_total),
        ],
        ListKind::Queue => vec![
            format!("Queue · {query} ({} of {})", app.matching, app.open_total),
            format!("{query} ({} of {})", app.matching, app.open_total),
            format!("{query} ({})", app.matching),
        ],
        ListKind::Conversations => vec![format!("{query} ({found})")],
        ListKind::Search => vec![
            format!("Search · {query} ({found})"),
            format!("{query} ({found})"),
        ],
    };
    let fits = |text: &String| display_width(text) + 2 <= width;
    let chosen = candidates
        .iter()
        .find(|text| fits(text))
        .or(candidates.last())
        .cloned()
        .unwrap_or_default();
    format!(
        " {} ",
        fit_to_width(&chosen, width.saturating_sub(2)).trim_end()
    )
}

/// `≈ 28 min · 18 min left today` on the bottom border.
fn estimate(app: &App, width: usize) -> Line<'static> {
    let text = queue::estimate(app.matching, app.pace, app.timer.today().room());
    let text = if display_width(&text) + 2 <= width {
        text
    } else {
        text.trim_end_matches(" today").to_owned()
    };
    Line::styled(
        format!(
            " {} ",
            fit_to_width(&text, width.saturating_sub(2)).trim_end()
        ),
        Style::new().fg(Color::Gray),
    )
}

/// What is typed (`/ invoice`, the cursor in it) and, under it, what is
/// wrong with it or how the box works.
fn search_box(
    frame: &mut Frame<'_>,
    area: Rect,
    editor: &Editor,
    error: Option<&QueryError>,
    app: &App,
) {
    let width = usize::from(area.width).saturating_sub(2).max(1);
    // The editor wraps long text; the box shows the line with the cursor.
    let (lines, (x, y)) = editor.layout(width);
    let visible = lines.get(y).cloned().unwrap_or_default();
    let message = if let Some(error) = error {
        // Half a filter still being typed is a hint; anything else, a mistake.
        let colour = if error.incomplete {
            Color::DarkGray
        } else {
            Color::Red
        };
        Line::styled(
            fit_to_width(&sanitize_line(&error.message), usize::from(area.width)),
            Style::new().fg(colour),
        )
    } else {
        let width = usize::from(area.width);
        let hint = if app.queue.is_empty() && app.query.searches_text() {
            "esc back · try fewer words"
        } else {
            [
                "↑↓ pick · enter keep · esc back · platform: is: tag: from:",
                "↑↓ pick · enter keep · esc back",
                "↑↓ · enter keep · esc back",
            ]
            .into_iter()
            .find(|hint| display_width(hint) <= width)
            .unwrap_or("enter keep · esc back")
        };
        Line::styled(
            fit_to_width(hint, usize::from(area.width)),
            Style::new().fg(Color::DarkGray),
        )
    };
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled("/ ", Style::new().fg(Color::Cyan)),
                Span::raw(sanitize_line(&visible).into_owned()),
            ]),
            message,
        ]),
        area,
    );
    let x = u16::try_from(x + 2).unwrap_or(0);
    frame.set_cursor_position(Position::new(
        area.x + x.min(area.width.saturating_sub(1)),
        area.y,
    ));
}

/// Four letters at most, for narrow lists.
fn short(platform: Platform) -> &'static str {
    match platform {
        Platform::Mastodon => "mast",
        Platform::Bluesky => "bsky",
        Platform::X => "x",
        Platform::Github => "gh",
        Platform::Hackernews => "hn",
        Platform::Reddit => "rddt",
        Platform::Email => "mail",
        Platform::Linkedin => "lnkd",
        Platform::Facebook => "fb",
        Platform::Instagram => "ig",
        Platform::Youtube => "yt",
        Platform::Discord => "dscd",
        Platform::Slack => "slck",
        Platform::Phone => "tel",
        Platform::InPerson => "irl",
        Platform::Other => "othr",
    }
}

/// A reply usually starts by mentioning the user (`@robin thanks…`): in a
/// narrow row those words say nothing, so the preview starts after them.
fn without_my_mentions<'a>(text: &'a str, mine: &[String]) -> &'a str {
    let mut rest = text;
    while let Some(word) = rest.split_whitespace().next() {
        let name = word
            .trim_start_matches('@')
            .trim_start_matches("u/")
            .trim_end_matches([',', ':', '!', '.']);
        let mention = (word.starts_with('@') || word.starts_with("u/"))
            && mine.iter().any(|m| m.eq_ignore_ascii_case(name));
        if !mention {
            break;
        }
        rest = rest.trim_start()[word.len()..].trim_start();
    }
    if rest.is_empty() { text } else { rest }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_skip_leading_mentions_of_me_only() {
        let mine = vec![
            "robin".to_owned(),
            "robin@mastodon.example".to_owned(),
            "robin-vale".to_owned(),
        ];
        assert_eq!(
            without_my_mentions("@robin does it export?", &mine),
            "does it export?"
        );
        assert_eq!(
            without_my_mentions("@Robin@mastodon.example, @robin-vale: hi", &mine),
            "hi"
        );
        assert_eq!(
            without_my_mentions("@priya @robin recurring?", &mine),
            "@priya @robin recurring?"
        );
        assert_eq!(without_my_mentions("@robin", &mine), "@robin");
        assert_eq!(
            without_my_mentions("robin is great", &mine),
            "robin is great"
        );
    }
}
