//! Where each pane goes, decided in one place: rendering draws into these
//! areas and mouse clicks are mapped back through the same function.

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the panes cannot show a row of the queue next to a thread.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;
/// Rows of the reply box, borders included.
const REPLY_HEIGHT: u16 = 8;
/// Rows of the search box: what is typed, and a line for what is wrong with it.
const SEARCH_HEIGHT: u16 = 2;

/// What takes room besides the panes themselves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shown {
    /// The reply box under the thread.
    pub reply: bool,
    /// The search box at the top of the queue.
    pub search: bool,
    /// The "why" line at the top of the conversation.
    pub why: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub too_small: bool,
    /// Queue and conversation together (the inbox-zero screen uses it whole).
    pub main: Rect,
    pub queue: Rect,
    /// Inside the queue's border: the search box (input and message lines)
    /// and the rows of the list under it.
    pub search: Option<Rect>,
    pub list: Rect,
    pub conversation: Rect,
    /// Inside the conversation's border: the why line, the thread, and the
    /// reply box under it.
    pub why: Option<Rect>,
    pub thread: Rect,
    pub reply: Option<Rect>,
    pub status: Rect,
}

impl Areas {
    #[must_use]
    pub fn of(area: Rect, shown: Shown) -> Areas {
        let too_small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
        let [main, status] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        let queue_width = (main.width * 2 / 5).clamp(30.min(main.width), 64);
        let [queue, conversation] =
            Layout::horizontal([Constraint::Length(queue_width), Constraint::Min(1)]).areas(main);
        let queue_inner = inside(queue);
        let (search, list) = if shown.search && queue_inner.height > 3 {
            let [search, list] =
                Layout::vertical([Constraint::Length(SEARCH_HEIGHT), Constraint::Min(1)])
                    .areas(queue_inner);
            (Some(search), list)
        } else {
            (None, queue_inner)
        };
        let mut inner = inside(conversation);
        let why = (shown.why && inner.height > 4).then(|| {
            let [why, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
            inner = rest;
            why
        });
        // On short terminals the box shrinks (down to one line of text)
        // rather than disappear: the user must see what they type.
        let reply_height = REPLY_HEIGHT.min(inner.height / 2);
        let (thread, reply) = if shown.reply && reply_height >= 3 {
            let [thread, reply] =
                Layout::vertical([Constraint::Min(1), Constraint::Length(reply_height)])
                    .areas(inner);
            (thread, Some(reply))
        } else {
            (inner, None)
        };
        Areas {
            too_small,
            main,
            queue,
            search,
            list,
            conversation,
            why,
            thread,
            reply,
            status,
        }
    }
}

/// The area inside a one-cell border.
fn inside(area: Rect) -> Rect {
    Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    )
}

/// What the list pane shows on each of its rows, from the top: a
/// conversation (by index) or the budget divider, which takes a row of its
/// own before the first conversation that does not fit. Drawing, mouse
/// clicks and scrolling all read rows through this.
#[must_use]
pub fn list_rows(offset: usize, len: usize, divider: Option<usize>, height: usize) -> Vec<ListRow> {
    let mut rows = Vec::with_capacity(height);
    let mut index = offset;
    while rows.len() < height && index < len {
        if divider == Some(index) {
            rows.push(ListRow::Divider);
            if rows.len() == height {
                break;
            }
        }
        rows.push(ListRow::Item(index));
        index += 1;
    }
    rows
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListRow {
    Item(usize),
    Divider,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panes_share_the_width_and_the_reply_box_takes_the_bottom() {
        let reply = Shown {
            reply: true,
            ..Shown::default()
        };
        let areas = Areas::of(Rect::new(0, 0, 80, 24), reply);
        assert!(!areas.too_small);
        assert_eq!(areas.queue, Rect::new(0, 0, 32, 23));
        assert_eq!(areas.list, Rect::new(1, 1, 30, 21));
        assert_eq!(areas.search, None);
        assert_eq!(areas.conversation, Rect::new(32, 0, 48, 23));
        assert_eq!(areas.reply, Some(Rect::new(33, 14, 46, 8)));
        assert_eq!(areas.status, Rect::new(0, 23, 80, 1));
        assert_eq!(
            Areas::of(Rect::new(0, 0, 200, 50), Shown::default())
                .queue
                .width,
            64
        );
        assert!(Areas::of(Rect::new(0, 0, 59, 24), Shown::default()).too_small);
        // At the smallest size the box shrinks but stays: two lines of text.
        let smallest = Areas::of(Rect::new(0, 0, MIN_WIDTH, MIN_HEIGHT), reply);
        assert_eq!(smallest.reply.map(|r| r.height), Some(4));
        assert!(Areas::of(Rect::new(0, 0, 0, 0), reply).too_small);
    }

    #[test]
    fn the_search_box_and_why_line_take_rows_from_their_panes() {
        let all = Shown {
            reply: true,
            search: true,
            why: true,
        };
        let areas = Areas::of(Rect::new(0, 0, 80, 24), all);
        assert_eq!(areas.search, Some(Rect::new(1, 1, 30, 2)));
        assert_eq!(areas.list, Rect::new(1, 3, 30, 19));
        assert_eq!(areas.why, Some(Rect::new(33, 1, 46, 1)));
        assert_eq!(areas.thread, Rect::new(33, 2, 46, 12));
        assert_eq!(areas.reply, Some(Rect::new(33, 14, 46, 8)));
    }

    #[test]
    fn the_divider_takes_a_row_before_the_first_row_that_does_not_fit() {
        use ListRow::{Divider, Item};
        assert_eq!(
            list_rows(0, 4, Some(2), 10),
            [Item(0), Item(1), Divider, Item(2), Item(3)]
        );
        assert_eq!(list_rows(0, 4, Some(0), 3), [Divider, Item(0), Item(1)]);
        assert_eq!(list_rows(0, 4, None, 3), [Item(0), Item(1), Item(2)]);
        assert_eq!(list_rows(0, 4, Some(2), 2), [Item(0), Item(1)]);
        assert_eq!(list_rows(0, 4, Some(2), 3), [Item(0), Item(1), Divider]);
        assert_eq!(list_rows(2, 4, Some(2), 3), [Divider, Item(2), Item(3)]);
        assert_eq!(list_rows(3, 4, Some(2), 3), [Item(3)]);
        assert_eq!(list_rows(0, 0, Some(0), 3), []);
    }
}
