//! Where each pane goes, decided in one place: rendering draws into these
//! areas and mouse clicks are mapped back through the same function.

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the panes cannot show a row of the queue next to a thread.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;
/// Rows of the reply box, borders included.
const REPLY_HEIGHT: u16 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub too_small: bool,
    /// Queue and conversation together (the inbox-zero screen uses it whole).
    pub main: Rect,
    pub queue: Rect,
    pub conversation: Rect,
    /// Inside the conversation's border: the thread, and the reply box under it.
    pub thread: Rect,
    pub reply: Option<Rect>,
    pub status: Rect,
}

impl Areas {
    #[must_use]
    pub fn of(area: Rect, reply_open: bool) -> Areas {
        let too_small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
        let [main, status] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        let queue_width = (main.width * 2 / 5).clamp(30.min(main.width), 64);
        let [queue, conversation] =
            Layout::horizontal([Constraint::Length(queue_width), Constraint::Min(1)]).areas(main);
        let inner = Rect::new(
            conversation.x + 1,
            conversation.y + 1,
            conversation.width.saturating_sub(2),
            conversation.height.saturating_sub(2),
        );
        // On short terminals the box shrinks (down to one line of text)
        // rather than disappear: the user must see what they type.
        let reply_height = REPLY_HEIGHT.min(inner.height / 2);
        let (thread, reply) = if reply_open && reply_height >= 3 {
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
            conversation,
            thread,
            reply,
            status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panes_share_the_width_and_the_reply_box_takes_the_bottom() {
        let areas = Areas::of(Rect::new(0, 0, 80, 24), true);
        assert!(!areas.too_small);
        assert_eq!(areas.queue, Rect::new(0, 0, 32, 23));
        assert_eq!(areas.conversation, Rect::new(32, 0, 48, 23));
        assert_eq!(areas.reply, Some(Rect::new(33, 14, 46, 8)));
        assert_eq!(areas.status, Rect::new(0, 23, 80, 1));
        assert_eq!(Areas::of(Rect::new(0, 0, 200, 50), false).queue.width, 64);
        assert!(Areas::of(Rect::new(0, 0, 59, 24), false).too_small);
        // At the smallest size the box shrinks but stays: two lines of text.
        let smallest = Areas::of(Rect::new(0, 0, MIN_WIDTH, MIN_HEIGHT), true);
        assert_eq!(smallest.reply.map(|r| r.height), Some(4));
        assert!(Areas::of(Rect::new(0, 0, 0, 0), true).too_small);
    }
}
