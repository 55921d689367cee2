//! The queue pane: one row per waiting conversation — age (`!` overdue, colour
//! when due soon), platform, person, the first line of what they wrote.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::border;
use crate::model::Platform;
use crate::sanitize::{author_label, fit_to_width, preview};
use crate::sla::{SlaState, short_span};
use crate::tui::app::{App, Pane};

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let title = format!(
        " Queue ({} open · {} overdue) ",
        app.open_total, app.overdue_total
    );
    let block = Block::bordered()
        .title(title)
        .border_style(border(app.focus == Pane::Queue));
    let inner = block.inner(area);
    let width = usize::from(inner.width);
    let mine = my_mention_names(app);
    let rows = usize::from(inner.height);
    let lines: Vec<Line<'_>> = app
        .queue
        .iter()
        .enumerate()
        .skip(app.queue_offset)
        .take(rows)
        .map(|(index, item)| {
            let sla = app.sla(item);
            let mark = if sla.state == SlaState::Overdue {
                "!"
            } else {
                " "
            };
            let age = format!("{}{mark}", short_span(app.now - item.waiting_since));
            let age_style = match sla.state {
                SlaState::Overdue => Style::new().fg(Color::Red),
                SlaState::DueSoon => Style::new().fg(Color::Yellow),
                SlaState::OnTime => Style::new(),
            };
            let person = author_label(
                item.author_display_name.as_deref(),
                item.author_handle.as_deref(),
            );
            let selected = index == app.selected;
            let pointer = if selected { "▶" } else { " " };
            // pointer(1) age(5) platform person: what is left is the message.
            // A narrow queue (80 columns) uses short platform names.
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
                    without_my_mentions(&preview(&item.text_head), &mine),
                    rest,
                )),
            ])
            .style(row_style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// Four letters at most, for narrow queues.
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

/// The names a mention of the user can take: `robin` and
/// `robin@mastodon.example` for a Mastodon handle, the handle itself elsewhere.
fn my_mention_names(app: &App) -> Vec<String> {
    app.config
        .me
        .handle_keys()
        .into_iter()
        .flat_map(|(_, key)| {
            let local = key.split('@').next().unwrap_or_default().to_owned();
            [key, local]
        })
        .filter(|name| !name.is_empty())
        .collect()
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
