//! The session's state and `update`, the only place it changes. Events come
//! in as `Event`s (keys, paste, mouse, resize, ticks carrying the time); the
//! store is called from here, never from rendering; what must leave the
//! process (clipboard, browser, `$EDITOR`) goes back to the loop as `Effect`s.

use anyhow::Result;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use super::editor::Editor;
use super::keymap::{Command, Context, Keymap};
use super::layout::{Areas, ListRow, Shown, list_rows};
use super::timer::SessionTimer;
use super::view::conversation::Wrapped;
use crate::budget::{self, Away, Reading};
use crate::clock::Zone;
use crate::config::Config;
use crate::model::{ConversationState, Platform, parse_span};
use crate::query::{Query, QueryError};
use crate::queue::{self, ListKind};
use crate::sla;
use crate::store::{ConversationSummary, PersonCard, QueueItem, Store, Thread, Undone};

/// Draft text typed but not yet saved is written at least this often.
const DRAFT_SAVE_EVERY: i64 = 2;
/// Messages of a thread loaded for the right pane.
const THREAD_LIMIT: usize = 200;
/// Rows of the queue held in memory at most; the header counts all of them.
const QUEUE_LIMIT: usize = 1000;
/// Rows read at a time: the first frame and every refresh read one page (on
/// a 1M-message store the text of 1000 rows took 5 ms of a 15 ms queue),
/// and the next is read when the selection comes within `QUEUE_MARGIN`.
const QUEUE_PAGE: usize = 200;
const QUEUE_MARGIN: usize = 50;
/// Tags offered in the filter menu (more are reached with `tag:` in `/`).
const MENU_TAGS: usize = 8;
/// Keys pressed this soon after the budget-spent prompt opens are ignored:
/// they were meant for what was on the screen before it.
const SPENT_PROMPT_GRACE: std::time::Duration = std::time::Duration::from_secs(1);
/// While browsing, the queue is read again this often, so snoozed
/// conversations come back when due and imports from elsewhere show up.
const QUEUE_REFRESH_EVERY: i64 = 30;

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// The clock: sent before every other event and once a second.
    Tick(Reading),
    /// Back on the screen after `Ctrl-Z` or `$EDITOR`.
    Resumed,
    /// The text `$EDITOR` left in the file when the user came back.
    Edited(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Copy through the terminal (OSC 52), which works over SSH too.
    Copy(String),
    OpenUrl(String),
    /// Suspend the screen and let the user edit this text in `$VISUAL`/`$EDITOR`.
    EditExternally(String),
    /// `Ctrl-Z`: give the terminal back to the shell until it resumes tend.
    Suspend,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Queue,
    Conversation,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Browse,
    Reply,
    Help,
    /// A small menu; its last entry lets the user type their own answer.
    Menu {
        menu: Menu,
        choice: usize,
        typing: Option<Editor>,
    },
    Note(Editor),
    /// The search box has the keyboard; the list follows what is typed.
    /// `error` says why the text is not a query (the list stays as it was);
    /// an incomplete one is a hint until `Enter`.
    Search {
        editor: Editor,
        error: Option<QueryError>,
    },
    /// The filter menu: each choice adds or removes one filter word.
    Filter {
        choice: usize,
        choices: Vec<FilterChoice>,
    },
    /// Today's budget is used up: how to go on (`SPENT_CHOICES`). Keys in
    /// the first moment after `opened_at` (monotonic) are ignored.
    Spent {
        choice: usize,
        opened_at: std::time::Duration,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Menu {
    Snooze,
    Tag,
}

impl Menu {
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Menu::Snooze => "Snooze until",
            Menu::Tag => "Tag (again to remove)",
        }
    }

    #[must_use]
    pub fn choices(self) -> &'static [&'static str] {
        match self {
            Menu::Snooze => &SNOOZE_CHOICES,
            Menu::Tag => &TAG_CHOICES,
        }
    }
}

pub const SNOOZE_CHOICES: [&str; 4] = [
    "1 day",
    "3 days",
    "next week (Monday 09:00)",
    "a date or time…",
];
pub const TAG_CHOICES: [&str; 5] = ["customer", "lead", "advocate", "vip", "another tag…"];
pub const SPENT_TITLE: &str = "Today's budget is spent";
pub const SPENT_CHOICES: [&str; 3] = [
    "wrap up: finish the reply in hand, quit",
    "+10 min (overtime)",
    "keep going (overtime)",
];

/// One line of the filter menu: what it toggles in the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterChoice {
    Overdue,
    DueSoon,
    Platform(Platform),
    Tag(String),
    State(ConversationState),
    AllStates,
    Clear,
}

impl FilterChoice {
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            FilterChoice::Overdue => "overdue only".into(),
            FilterChoice::DueSoon => "due soon only".into(),
            FilterChoice::Platform(platform) => format!("platform: {platform}"),
            FilterChoice::Tag(tag) => format!("tag: {}", crate::sanitize::sanitize_line(tag)),
            FilterChoice::State(state) => format!("state: {state}"),
            FilterChoice::AllStates => "state: all".into(),
            FilterChoice::Clear => "clear all filters".into(),
        }
    }

    /// Whether the filter is on in `query`.
    #[must_use]
    pub fn is_on(&self, query: &Query) -> bool {
        match self {
            FilterChoice::Overdue => query.overdue,
            FilterChoice::DueSoon => query.due_soon,
            FilterChoice::Platform(platform) => query.platforms.contains(platform),
            FilterChoice::Tag(tag) => query.tags.contains(tag),
            FilterChoice::State(state) => query.states.contains(state),
            FilterChoice::AllStates => query.all_states,
            FilterChoice::Clear => false,
        }
    }

    /// Turns the filter on, or off when it is on.
    fn toggle(&self, query: &mut Query) {
        fn flip<T: PartialEq + Clone>(list: &mut Vec<T>, value: &T) {
            if let Some(at) = list.iter().position(|v| v == value) {
                list.remove(at);
            } else {
                list.push(value.clone());
            }
        }
        match self {
            FilterChoice::Overdue => query.overdue = !query.overdue,
            FilterChoice::DueSoon => query.due_soon = !query.due_soon,
            FilterChoice::Platform(platform) => flip(&mut query.platforms, platform),
            FilterChoice::Tag(tag) => flip(&mut query.tags, tag),
            FilterChoice::State(state) => {
                query.all_states = false;
                flip(&mut query.states, state);
            }
            FilterChoice::AllStates => {
                query.states.clear();
                query.all_states = !query.all_states;
            }
            FilterChoice::Clear => *query = Query::default(),
        }
    }
}

/// Where the list was before a search or filter: `Esc` goes back there.
#[derive(Debug, Clone, PartialEq)]
struct Place {
    query: Query,
    /// The query as it was typed (what `/` shows again).
    typed: String,
    row: Option<(i64, Option<i64>)>,
    selected: usize,
    offset: usize,
}

/// What the right pane shows for the selected conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    /// The list row it was read for (conversation, and the message a search found).
    pub row: (i64, Option<i64>),
    pub thread: Thread,
    pub person: Option<PersonCard>,
    pub others: Vec<ConversationSummary>,
    /// All of it as drawn `width` columns wide: wrapped when it is loaded
    /// or the width changes, not on every frame or scroll step.
    pub wrapped: Wrapped,
    pub width: u16,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub answered: u32,
    pub done: u32,
    pub snoozed: u32,
}

// Independent facts about the session (a draft unsaved, wrapping up,
// quitting, a search cut short), not states of one thing.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug)]
pub struct App {
    store: Store,
    pub config: Config,
    pub keymap: Keymap,
    /// The names a mention of the user takes (`robin`, `robin@host`), which
    /// the queue's previews skip: from the config, so worked out once.
    pub my_mention_names: Vec<String>,
    pub now: DateTime<Utc>,
    session_start: DateTime<Utc>,
    /// The rows of the list: the queue, or what a filter or search found.
    pub queue: Vec<QueueItem>,
    /// What the list is, and for which query.
    pub list_kind: ListKind,
    pub query: Query,
    /// The query as typed in the search box, or the filter words.
    typed: String,
    /// Rows the query matches (the list holds at most `QUEUE_LIMIT`), and
    /// whether a search found more than it shows.
    pub matching: usize,
    pub more: bool,
    /// Rows the list is read with (a multiple of `QUEUE_PAGE`).
    rows_wanted: usize,
    /// Where to go back to from a search or filter: `/` and the first
    /// filter add a place, `Esc` goes back.
    places: Vec<Place>,
    /// All waiting conversations and how many of them are overdue.
    pub open_total: usize,
    pub overdue_total: usize,
    /// The user's median active time per conversation (the budget line).
    pub pace: std::time::Duration,
    queue_read_at: DateTime<Utc>,
    pub selected: usize,
    pub queue_offset: usize,
    pub focus: Pane,
    pub mode: Mode,
    pub detail: Option<Detail>,
    pub thread_scroll: u16,
    /// Whether the thread shows its newest message (as it opens), to stay
    /// there when the pane changes size.
    thread_at_newest: bool,
    pub editor: Editor,
    draft_for: Option<i64>,
    draft_dirty: bool,
    draft_saved_at: DateTime<Utc>,
    pub status: Option<String>,
    /// The post just answered: `o` right after saving opens it (the selection
    /// has moved on to the next conversation by then).
    replied_link: Option<String>,
    pub counts: Counts,
    pub size: (u16, u16),
    /// Local time for timestamps and budget days (tests use UTC).
    pub zone: Zone,
    /// The latest reading of the clock.
    reading: Reading,
    pub timer: SessionTimer,
    /// "Wrap up" was chosen: saving or leaving the reply in hand quits.
    pub wrap_up: bool,
    pub quit: bool,
}

impl App {
    pub fn new(
        store: Store,
        config: Config,
        keymap: Keymap,
        at: Reading,
        zone: Zone,
        size: (u16, u16),
    ) -> Result<App> {
        let now = at.wall;
        let timer = SessionTimer::start(&store, &config.budget, zone, at)?;
        let my_mention_names = config
            .me
            .handle_keys()
            .into_iter()
            .flat_map(|(_, key)| {
                let local = key.split('@').next().unwrap_or_default().to_owned();
                [key, local]
            })
            .filter(|name| !name.is_empty())
            .collect();
        let mut app = App {
            store,
            my_mention_names,
            config,
            keymap,
            now,
            session_start: now,
            queue: Vec::new(),
            list_kind: ListKind::Queue,
            query: Query::default(),
            typed: String::new(),
            matching: 0,
            more: false,
            rows_wanted: QUEUE_PAGE,
            places: Vec::new(),
            open_total: 0,
            overdue_total: 0,
            pace: budget::DEFAULT_PACE,
            queue_read_at: now,
            selected: 0,
            queue_offset: 0,
            focus: Pane::Queue,
            mode: Mode::Browse,
            detail: None,
            thread_scroll: 0,
            thread_at_newest: true,
            editor: Editor::new(),
            draft_for: None,
            draft_dirty: false,
            draft_saved_at: now,
            status: None,
            replied_link: None,
            counts: Counts::default(),
            size,
            zone,
            reading: at,
            timer,
            wrap_up: false,
            quit: false,
        };
        app.refresh(None)?;
        app.read_pace()?;
        app.timer
            .select(app.selected_item().map(|item| item.conversation_id));
        Ok(app)
    }

    #[must_use]
    pub fn selected_item(&self) -> Option<&QueueItem> {
        self.queue.get(self.selected)
    }

    /// Where a waiting row stands against the promise.
    #[must_use]
    pub fn sla(&self, item: &QueueItem) -> Option<sla::Assessment> {
        item.waiting_since
            .map(|since| self.config.sla.assess(item.platform, since, self.now))
    }

    /// Before which row of the list today's remaining budget runs out, when
    /// it does: the queue only (a search is not a plan for the day).
    #[must_use]
    pub fn budget_line(&self) -> Option<usize> {
        if self.list_kind != ListKind::Queue {
            return None;
        }
        queue::budget_line(self.matching, self.pace, self.timer.today().room())
            .filter(|&row| row < self.queue.len())
    }

    /// The key context: typing when an editor has the keyboard.
    #[must_use]
    pub fn context(&self) -> Context {
        match self.mode {
            Mode::Reply
            | Mode::Note(_)
            | Mode::Search { .. }
            | Mode::Menu {
                typing: Some(_), ..
            } => Context::Typing,
            _ => Context::Browse,
        }
    }

    /// Handles one event. Errors are the store's; the caller shows them and
    /// goes on (nothing typed is lost: the editor keeps its text).
    pub fn update(&mut self, event: Event) -> Result<Vec<Effect>> {
        // Time up to this event counts for the conversation selected until now.
        let counted = self.count_time(&event);
        let effects = self.handle(event);
        if let Err(err) = counted {
            self.time_not_saved(&err);
        }
        // Time spent typing a search is nobody's: the top row changes with
        // every key and is not being answered.
        let working_on = match self.mode {
            Mode::Search { .. } => None,
            _ => self.selected_item().map(|item| item.conversation_id),
        };
        self.timer.select(working_on);
        self.offer_choices_when_spent();
        effects
    }

    /// Feeds the budget timer: readings, and input from the user.
    fn count_time(&mut self, event: &Event) -> Result<()> {
        match event {
            Event::Tick(at) => {
                self.reading = *at;
                self.now = at.wall;
                self.timer.tick(*at)
            }
            Event::Key(key) if key.kind == KeyEventKind::Release => Ok(()),
            // A pointer passing over the window is not the user at work.
            Event::Mouse(mouse) if mouse.kind == MouseEventKind::Moved => Ok(()),
            Event::Key(_) | Event::Paste(_) | Event::Mouse(_) => self.timer.input(self.reading),
            Event::Resumed => self.timer.come_back(self.reading),
            Event::Resize(..) | Event::Edited(_) => Ok(()),
        }
    }

    /// When the budget runs out, the prompt waits until the user is browsing:
    /// it never takes the keyboard from a reply, a note or another menu.
    fn offer_choices_when_spent(&mut self) {
        let fits = !self.areas().too_small;
        if self.mode == Mode::Browse && fits && !self.quit && self.timer.today().prompt_due() {
            // The mildest choice is preselected: a key meant for the queue
            // must not end the session or silence the day.
            self.mode = Mode::Spent {
                choice: 1,
                opened_at: self.reading.mono,
            };
        }
    }

    fn handle(&mut self, event: Event) -> Result<Vec<Effect>> {
        match event {
            Event::Tick(now) => {
                let now = now.wall;
                if self.draft_dirty && (now - self.draft_saved_at).num_seconds() >= DRAFT_SAVE_EVERY
                {
                    self.save_draft()?;
                }
                if self.mode == Mode::Browse
                    && (now - self.queue_read_at).num_seconds() >= QUEUE_REFRESH_EVERY
                {
                    self.refresh(None)?;
                }
                // The budget line moves up as time is used.
                self.keep_selection_visible();
                Ok(Vec::new())
            }
            Event::Resize(width, height) => {
                self.size = (width, height);
                self.keep_selection_visible();
                self.wrap_detail();
                Ok(Vec::new())
            }
            Event::Paste(text) => {
                if let Mode::Search { mut editor, .. } = self.mode.clone() {
                    editor.insert_str(&text);
                    let error = self.search_for(&editor)?;
                    self.mode = Mode::Search { editor, error };
                } else if let Some(editor) = self.active_editor() {
                    editor.insert_str(&text);
                    self.touch_draft();
                }
                Ok(Vec::new())
            }
            Event::Edited(text) => {
                self.editor = Editor::from_text(text.trim_end_matches('\n'));
                self.mode = Mode::Reply;
                self.focus = Pane::Conversation;
                self.draft_dirty = true;
                self.save_draft()?;
                Ok(Vec::new())
            }
            Event::Mouse(mouse) => {
                self.mouse(mouse)?;
                Ok(Vec::new())
            }
            Event::Resumed => Ok(Vec::new()),
            Event::Key(key) if key.kind == KeyEventKind::Release => Ok(Vec::new()),
            Event::Key(key) => self.key(key),
        }
    }

    fn key(&mut self, key: KeyEvent) -> Result<Vec<Effect>> {
        self.status = None;
        // ctrl-c quits from anywhere, keeping the draft, as terminal users expect.
        // A draft the store will not take (a full disk) does not keep the
        // user in: the loop prints it after the session.
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            self.save_draft()?;
            return Ok(Vec::new());
        }
        // ctrl-z hands the terminal back to the shell, as everywhere.
        if key.code == KeyCode::Char('z') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.save_draft()?;
            self.leave_screen(Away::Suspended);
            return Ok(vec![Effect::Suspend]);
        }
        let command = self.keymap.command(self.context(), key);
        // The too-small screen promises nothing happens: only quitting does.
        if self.areas().too_small {
            if self.mode == Mode::Browse && command == Some(Command::Quit) {
                self.save_draft()?;
                self.quit = true;
            }
            return Ok(Vec::new());
        }
        match self.mode.clone() {
            Mode::Help => {
                self.mode = Mode::Browse;
                Ok(Vec::new())
            }
            Mode::Reply => self.reply_key(key, command),
            Mode::Note(_) => self.note_key(key, command),
            Mode::Menu {
                menu,
                choice,
                typing,
            } => self.menu_key(key, command, menu, choice, typing),
            Mode::Spent { choice, opened_at } => self.spent_key(key, command, choice, opened_at),
            Mode::Search { editor, .. } => self.search_key(key, command, editor),
            Mode::Filter { choice, choices } => self.filter_key(key, choice, choices),
            Mode::Browse => match command {
                Some(command) => self.browse(command),
                None => Ok(Vec::new()),
            },
        }
    }

    fn browse(&mut self, command: Command) -> Result<Vec<Effect>> {
        let in_thread = self.focus == Pane::Conversation;
        if let (Command::Open, Some(link)) = (command, self.replied_link.take()) {
            return Ok(vec![Effect::OpenUrl(link)]);
        }
        match command {
            Command::Down if in_thread => self.scroll_thread(1),
            Command::Up if in_thread => self.scroll_thread_up(1),
            Command::Down => self.select(self.selected.saturating_add(1))?,
            Command::Up => self.select(self.selected.saturating_sub(1))?,
            Command::Top => self.select(0)?,
            Command::Bottom => self.select(usize::MAX)?,
            Command::NextPane => {
                self.focus = if in_thread {
                    Pane::Queue
                } else {
                    Pane::Conversation
                };
            }
            Command::Reply => self.open_reply()?,
            Command::Edit => {
                if self.selected_item().is_some() {
                    self.open_reply()?;
                    return Ok(self.hand_to_editor());
                }
            }
            Command::Pause => self.toggle_pause()?,
            Command::Done => {
                if let Some(item) = self.selected_item() {
                    let id = item.conversation_id;
                    let spent = self.timer.spent_on(id);
                    self.store.mark_done(id, measured(spent), self.now)?;
                    self.timer.forget(id);
                    self.counts.done += 1;
                    self.read_pace()?;
                    self.status = Some("Done. u undoes it.".into());
                    self.refresh(Some(self.selected))?;
                }
            }
            Command::Snooze if self.selected_item().is_some() => {
                self.mode = Mode::Menu {
                    menu: Menu::Snooze,
                    choice: 0,
                    typing: None,
                };
            }
            Command::Tag if self.person_id().is_some() => {
                self.mode = Mode::Menu {
                    menu: Menu::Tag,
                    choice: 0,
                    typing: None,
                };
            }
            Command::Tag => self.status = Some("Nobody to tag: this message has no author.".into()),
            Command::Note if self.person_id().is_some() => {
                let note = self
                    .detail
                    .as_ref()
                    .and_then(|d| d.person.as_ref())
                    .map(|p| p.note.clone());
                self.mode = Mode::Note(Editor::from_text(&note.unwrap_or_default()));
            }
            Command::Search => self.open_search(),
            Command::Open => {
                let link = self.link();
                if link.is_none() {
                    self.status = Some("This message has no link.".into());
                }
                return Ok(link.map(Effect::OpenUrl).into_iter().collect());
            }
            Command::CopyLink => {
                let link = self.link();
                self.status = Some(
                    if link.is_some() {
                        "Link copied."
                    } else {
                        "This message has no link."
                    }
                    .into(),
                );
                return Ok(link.map(Effect::Copy).into_iter().collect());
            }
            Command::Undo => self.undo()?,
            Command::Filter => self.open_filters()?,
            Command::Clear => self.back_to_queue()?,
            Command::Help => self.mode = Mode::Help,
            Command::Quit => {
                self.save_draft()?;
                self.quit = true;
            }
            Command::Snooze
            | Command::Note
            | Command::Send
            | Command::Leave
            | Command::EditTyping => {}
        }
        Ok(Vec::new())
    }

    fn toggle_pause(&mut self) -> Result<()> {
        self.timer.toggle_pause(self.reading)?;
        self.status = Some(if self.timer.activity() == budget::Activity::Paused {
            let resume = self.keymap.hint(Command::Pause, "resumes");
            format!("Timer paused · {}", resume.unwrap_or_default())
        } else {
            "Timer running.".into()
        });
        Ok(())
    }

    /// `/`: the search box, holding the current filter words to add to.
    fn open_search(&mut self) {
        self.remember_place();
        // What was typed, as it was: a trailing space would turn the word
        // being typed into a finished one and change the results.
        self.mode = Mode::Search {
            editor: Editor::from_text(&self.typed),
            error: None,
        };
    }

    fn reply_key(&mut self, key: KeyEvent, command: Option<Command>) -> Result<Vec<Effect>> {
        match command {
            Some(Command::Send) => return self.send(),
            Some(Command::Leave) => {
                self.save_draft()?;
                self.mode = Mode::Browse;
                self.focus = Pane::Queue;
                if self.wrap_up {
                    self.quit = true;
                }
            }
            Some(Command::EditTyping) => return Ok(self.hand_to_editor()),
            // The message being answered may be above the box: page through it.
            _ if key.code == KeyCode::PageDown => self.scroll_thread(5),
            _ if key.code == KeyCode::PageUp => {
                self.scroll_thread_up(5);
            }
            _ => {
                if edit(&mut self.editor, key) {
                    self.touch_draft();
                }
            }
        }
        Ok(Vec::new())
    }

    fn note_key(&mut self, key: KeyEvent, command: Option<Command>) -> Result<Vec<Effect>> {
        let Mode::Note(mut editor) = self.mode.clone() else {
            return Ok(Vec::new());
        };
        // Esc closes the box and, like the reply box, keeps what was typed.
        if let Some(Command::Send | Command::Leave) = command {
            let current = self
                .detail
                .as_ref()
                .and_then(|d| d.person.as_ref())
                .map(|p| p.note.clone());
            if let (Some(person), Some(current)) = (self.person_id(), current)
                && current.trim() != editor.text().trim()
            {
                self.store
                    .set_note(person, editor.text().trim(), self.now)?;
                self.status = Some("Note saved.".into());
                // A note orders nothing: only the person's card is read again.
                self.reload_person(person)?;
            }
            self.mode = Mode::Browse;
        } else {
            edit(&mut editor, key);
            self.mode = Mode::Note(editor);
        }
        Ok(Vec::new())
    }

    fn menu_key(
        &mut self,
        key: KeyEvent,
        command: Option<Command>,
        menu: Menu,
        choice: usize,
        typing: Option<Editor>,
    ) -> Result<Vec<Effect>> {
        let last = menu.choices().len() - 1;
        let Some(mut editor) = typing else {
            match pick(key, choice, last + 1) {
                Pick::Move(choice) => {
                    self.mode = Mode::Menu {
                        menu,
                        choice,
                        typing: None,
                    }
                }
                // Any other key closes the menu.
                Pick::Cancel => self.mode = Mode::Browse,
                Pick::Chosen(chosen) if chosen == last => {
                    self.mode = Mode::Menu {
                        menu,
                        choice: chosen,
                        typing: Some(Editor::new()),
                    };
                }
                Pick::Chosen(chosen) => match menu {
                    Menu::Snooze => {
                        let until = match chosen {
                            0 => self.now + Duration::days(1),
                            1 => self.now + Duration::days(3),
                            _ => next_monday_morning(self.now, &self.zone),
                        };
                        self.snooze_until(until)?;
                    }
                    Menu::Tag => self.toggle_tag(TAG_CHOICES[chosen])?,
                },
            }
            return Ok(Vec::new());
        };
        match command {
            Some(Command::Leave) => {
                self.mode = Mode::Menu {
                    menu,
                    choice,
                    typing: None,
                }
            }
            _ if key.code == KeyCode::Enter => match menu {
                Menu::Snooze => {
                    if let Some(until) = snooze_time(&editor.text(), self.now, &self.zone) {
                        self.snooze_until(until)?;
                    } else {
                        self.status =
                            Some("Not a time ahead: try tomorrow, 2026-12-01, 2026-12-01 14:00, 3d or 4h.".into());
                        self.mode = Mode::Menu {
                            menu,
                            choice,
                            typing: Some(editor),
                        };
                    }
                }
                Menu::Tag => self.toggle_tag(&editor.text())?,
            },
            _ => {
                edit(&mut editor, key);
                self.mode = Mode::Menu {
                    menu,
                    choice,
                    typing: Some(editor),
                };
            }
        }
        Ok(Vec::new())
    }

    /// Keys of the budget-spent prompt. A stray key does not answer it, nor
    /// one pressed as it opened (it was meant for the queue); Esc is "not
    /// now" (ten more minutes); quitting still quits.
    fn spent_key(
        &mut self,
        key: KeyEvent,
        command: Option<Command>,
        choice: usize,
        opened_at: std::time::Duration,
    ) -> Result<Vec<Effect>> {
        let settled = self.reading.mono.saturating_sub(opened_at) >= SPENT_PROMPT_GRACE;
        match pick(key, choice, SPENT_CHOICES.len()) {
            Pick::Move(choice) => self.mode = Mode::Spent { choice, opened_at },
            Pick::Cancel if command == Some(Command::Quit) => {
                self.save_draft()?;
                self.quit = true;
            }
            Pick::Cancel if settled && key.code == KeyCode::Esc => self.when_spent(1)?,
            Pick::Chosen(chosen) if settled => self.when_spent(chosen)?,
            Pick::Cancel | Pick::Chosen(_) => {}
        }
        Ok(Vec::new())
    }

    /// The choice made when the budget ran out (`SPENT_CHOICES`).
    fn when_spent(&mut self, choice: usize) -> Result<()> {
        self.mode = Mode::Browse;
        match choice {
            0 => {
                self.wrap_up = true;
                if self.draft_visible() {
                    self.open_reply()?;
                    self.status = Some("Wrapping up: save the reply and tend quits.".into());
                } else {
                    self.save_draft()?;
                    self.quit = true;
                }
            }
            1 => {
                self.timer.extend()?;
                self.status = Some("Ten more minutes, counted as overtime.".into());
            }
            _ => {
                self.timer.keep_going()?;
                self.status =
                    Some("Keep going: overtime is counted, no more prompts today.".into());
            }
        }
        Ok(())
    }

    /// Leaves the screen to `$EDITOR` with the draft; the timer counts the
    /// time away the way `budget::Away::Editor` says.
    fn hand_to_editor(&mut self) -> Vec<Effect> {
        self.leave_screen(Away::Editor);
        vec![Effect::EditExternally(self.editor.text())]
    }

    /// Tells the timer the screen is left. Leaving happens whatever the
    /// store says: the loop sends `Resumed` after, which the timer needs to
    /// count again; a failed write is shown and retried by the heartbeat.
    fn leave_screen(&mut self, away: Away) {
        if let Err(err) = self.timer.leave(self.reading, away) {
            self.time_not_saved(&err);
        }
    }

    /// A timer write failed: the time stays in memory and the heartbeat
    /// tries again; the user is told, and nothing else stops.
    fn time_not_saved(&mut self, err: &anyhow::Error) {
        self.status = Some(format!(
            "Active time not saved yet (tend tries again): {err:#}"
        ));
    }

    fn toggle_tag(&mut self, typed: &str) -> Result<()> {
        self.mode = Mode::Browse;
        let Some(person) = self.person_id() else {
            return Ok(());
        };
        // Tags are one short lowercase line, however they were typed or pasted.
        let tag = typed
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_lowercase();
        if tag.is_empty() {
            return Ok(());
        }
        let has = self
            .detail
            .as_ref()
            .and_then(|d| d.person.as_ref())
            .is_some_and(|p| p.tags.contains(&tag));
        if has {
            self.store.untag(person, &tag, self.now)?;
            self.status = Some(format!("Removed the tag {tag}."));
        } else if self.store.tag(person, &tag, self.now)? {
            self.status = Some(format!("Tagged {tag}."));
        }
        self.refresh(Some(self.selected))
    }

    fn snooze_until(&mut self, until: DateTime<Utc>) -> Result<()> {
        self.mode = Mode::Browse;
        let Some(item) = self.selected_item() else {
            return Ok(());
        };
        let id = item.conversation_id;
        self.store.snooze(id, until, self.now)?;
        self.counts.snoozed += 1;
        let local = until.with_timezone(&self.zone).format("%a %b %-d %H:%M");
        self.status = Some(format!("Snoozed until {local}."));
        self.refresh(Some(self.selected))
    }

    fn open_reply(&mut self) -> Result<()> {
        let Some(item) = self.selected_item() else {
            return Ok(());
        };
        let id = item.conversation_id;
        if self.draft_for != Some(id) {
            self.save_draft()?;
            self.editor = Editor::from_text(&self.store.draft(id)?.unwrap_or_default());
            self.draft_for = Some(id);
            self.draft_dirty = false;
        }
        self.mode = Mode::Reply;
        self.focus = Pane::Conversation;
        // The box takes room from the thread: keep the newest message in view.
        self.scroll_to_newest();
        Ok(())
    }

    /// Stores the reply and copies it, so it can be pasted into the post.
    fn send(&mut self) -> Result<Vec<Effect>> {
        let Some(id) = self.draft_for else {
            return Ok(Vec::new());
        };
        let text = self.editor.text();
        if self.editor.is_blank() {
            self.status = Some("Nothing to save: the reply is empty.".into());
            return Ok(Vec::new());
        }
        let platform = self
            .detail
            .as_ref()
            .map_or(Platform::Other, |d| d.thread.platform);
        let mine = self
            .config
            .me
            .0
            .get(&platform)
            .and_then(|handles| handles.0.first())
            .cloned();
        let spent = self.timer.spent_on(id);
        self.store
            .reply(id, &text, mine.as_deref(), measured(spent), self.now)?;
        self.timer.forget(id);
        self.counts.answered += 1;
        self.read_pace()?;
        self.editor = Editor::new();
        self.draft_for = None;
        self.draft_dirty = false;
        self.mode = Mode::Browse;
        self.focus = Pane::Queue;
        self.replied_link = self.link();
        self.status = Some(if self.replied_link.is_some() {
            "Saved and copied · o opens the post · u undoes".into()
        } else {
            "Saved and copied · u undoes".into()
        });
        self.refresh(Some(self.selected))?;
        if self.wrap_up {
            self.quit = true;
        }
        Ok(vec![Effect::Copy(text)])
    }

    fn undo(&mut self) -> Result<()> {
        let undone = self.store.undo_last(self.session_start, self.now)?;
        self.status = Some(match &undone {
            None => "Nothing to undo in this session.".into(),
            Some(Undone::Reply { .. }) => "Undid the reply: it is a draft again.".into(),
            Some(Undone::Done { .. }) => "Undid done.".into(),
            Some(Undone::Snooze { .. }) => "Undid the snooze.".into(),
            Some(Undone::Tag { tag, .. }) => format!("Undid the tag {tag}."),
            Some(Undone::Untag { tag, .. }) => format!("Put the tag {tag} back."),
            Some(Undone::Note { .. }) => "Undid the note change.".into(),
        });
        let pace_changed = matches!(undone, Some(Undone::Reply { .. } | Undone::Done { .. }));
        // A conversation that comes back into the queue is selected again.
        let (count, conversation) = match undone {
            None => return Ok(()),
            Some(Undone::Reply { conversation_id }) => {
                (Some(&mut self.counts.answered), Some(conversation_id))
            }
            Some(Undone::Done { conversation_id }) => {
                (Some(&mut self.counts.done), Some(conversation_id))
            }
            Some(Undone::Snooze { conversation_id }) => {
                (Some(&mut self.counts.snoozed), Some(conversation_id))
            }
            Some(Undone::Tag { .. } | Undone::Untag { .. } | Undone::Note { .. }) => (None, None),
        };
        if let Some(count) = count {
            *count = count.saturating_sub(1);
        }
        if pace_changed {
            self.read_pace()?;
        }
        self.refresh_to(conversation, Some(self.selected))
    }

    /// Where the panes are at the current size, as the view draws them.
    fn areas(&self) -> Areas {
        Areas::of(Rect::new(0, 0, self.size.0, self.size.1), self.shown())
    }

    /// What takes room in the panes now (the view lays out the same way).
    #[must_use]
    pub fn shown(&self) -> Shown {
        Shown {
            reply: self.reply_box_shown(),
            search: matches!(self.mode, Mode::Search { .. }),
            why: self
                .selected_item()
                .is_some_and(|item| item.score.is_some()),
        }
    }

    fn mouse(&mut self, mouse: MouseEvent) -> Result<()> {
        let areas = self.areas();
        let at = Position::new(mouse.column, mouse.row);
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left)
                if areas.queue.contains(at) && self.mode == Mode::Browse =>
            {
                // A click on the border or the divider selects nothing.
                if areas.list.contains(at) {
                    let rows = list_rows(
                        self.queue_offset,
                        self.queue.len(),
                        self.budget_line(),
                        usize::from(areas.list.height),
                    );
                    if let Some(ListRow::Item(index)) =
                        rows.get(usize::from(mouse.row - areas.list.y))
                    {
                        self.select(*index)?;
                    }
                }
                self.focus = Pane::Queue;
            }
            MouseEventKind::Down(MouseButton::Left)
                if areas.conversation.contains(at) && self.mode == Mode::Browse =>
            {
                self.focus = Pane::Conversation;
            }
            MouseEventKind::ScrollDown if areas.conversation.contains(at) => self.scroll_thread(3),
            MouseEventKind::ScrollUp if areas.conversation.contains(at) => {
                self.scroll_thread_up(3);
            }
            MouseEventKind::ScrollDown if self.mode == Mode::Browse => {
                self.select(self.selected.saturating_add(1))?;
            }
            MouseEventKind::ScrollUp if self.mode == Mode::Browse => {
                self.select(self.selected.saturating_sub(1))?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Scrolls the thread down, but not past its end.
    fn scroll_thread(&mut self, lines: u16) {
        if lines > 0 {
            self.thread_at_newest = false;
        }
        self.thread_scroll = self
            .thread_scroll
            .saturating_add(lines)
            .min(self.thread_scroll_max());
    }

    /// Wraps the right pane's text for the thread's current width, when it
    /// changed (the reply box changes the thread's height only).
    /// Reads the selected person's card again (a note changed), keeping the
    /// thread, the scroll and the reply box as they are.
    fn reload_person(&mut self, person: i64) -> Result<()> {
        let card = self.store.person(person)?;
        if let Some(detail) = &mut self.detail {
            detail.person = Some(card);
            detail.wrapped.lines.clear();
        }
        self.wrap_detail();
        Ok(())
    }

    fn wrap_detail(&mut self) {
        let width = self.areas().thread.width;
        if let Some(detail) = &mut self.detail
            && (detail.width != width || detail.wrapped.lines.is_empty())
        {
            detail.wrapped =
                super::view::conversation::lines(detail, self.zone, usize::from(width));
            detail.width = width;
        }
        // A reader at the newest message stays there; one who scrolled keeps
        // the line they were on, even through a size where all of it fits
        // (the view clamps what it shows, the position is not clamped).
        if self.thread_at_newest {
            self.scroll_to_newest();
        }
    }

    /// The thread scrolled to its newest message: its end at the bottom of
    /// the pane, or its start at the top when it is taller than the pane.
    fn scroll_to_newest(&mut self) {
        self.thread_at_newest = true;
        let Some(detail) = &self.detail else { return };
        let height = usize::from(self.areas().thread.height);
        let last_start = detail.wrapped.starts.last().map_or(0, |&(_, line)| line);
        let line = detail
            .wrapped
            .thread_end
            .saturating_sub(height)
            .min(last_start);
        self.thread_scroll = u16::try_from(line).unwrap_or(u16::MAX);
    }

    /// The most the thread can scroll at the pane's height.
    fn thread_scroll_max(&self) -> u16 {
        let Some(detail) = &self.detail else { return 0 };
        let height = usize::from(self.areas().thread.height);
        u16::try_from(detail.wrapped.lines.len().saturating_sub(height)).unwrap_or(u16::MAX)
    }

    /// Scrolls the thread up by `lines`, from where it shows.
    fn scroll_thread_up(&mut self, lines: u16) {
        self.thread_at_newest = false;
        self.thread_scroll = self
            .thread_scroll
            .min(self.thread_scroll_max())
            .saturating_sub(lines);
    }

    /// Whether the reply box takes room under the thread.
    #[must_use]
    pub fn reply_box_shown(&self) -> bool {
        self.mode == Mode::Reply || self.draft_visible()
    }

    /// Whether a draft for this conversation is there to show.
    #[must_use]
    pub fn draft_visible(&self) -> bool {
        self.draft_for.is_some()
            && self.draft_for == self.selected_item().map(|item| item.conversation_id)
            && !self.editor.is_blank()
    }

    fn active_editor(&mut self) -> Option<&mut Editor> {
        match &mut self.mode {
            Mode::Reply => Some(&mut self.editor),
            Mode::Note(editor)
            | Mode::Menu {
                typing: Some(editor),
                ..
            } => Some(editor),
            _ => None,
        }
    }

    fn touch_draft(&mut self) {
        if self.mode == Mode::Reply {
            self.draft_dirty = true;
        }
    }

    /// The session ends (quit, a signal, the terminal gone): what was typed
    /// and the time counted are written, both tried even if one fails.
    pub fn finish(&mut self, at: Reading) -> Result<()> {
        let saved = self.save_draft();
        let timed = self.timer.finish(at);
        saved.and(timed)
    }

    /// The reply being typed, if the store does not hold it as it is now
    /// (its last save failed).
    #[must_use]
    pub fn unsaved_draft(&self) -> Option<String> {
        (self.draft_for.is_some() && self.draft_dirty).then(|| self.editor.text())
    }

    #[must_use]
    pub fn store_path(&self) -> &std::path::Path {
        self.store.path()
    }

    /// Writes the reply being typed, if it changed since the last save.
    pub fn save_draft(&mut self) -> Result<()> {
        if let (Some(id), true) = (self.draft_for, self.draft_dirty) {
            self.store.save_draft(id, &self.editor.text(), self.now)?;
            self.draft_dirty = false;
            self.draft_saved_at = self.now;
        }
        Ok(())
    }

    fn person_id(&self) -> Option<i64> {
        self.detail
            .as_ref()
            .and_then(|d| d.person.as_ref())
            .map(|p| p.id)
    }

    /// The link of the newest message that has one.
    fn link(&self) -> Option<String> {
        let thread = &self.detail.as_ref()?.thread;
        thread
            .messages
            .iter()
            .rev()
            .find_map(|m| m.url.clone())
            .or_else(|| self.selected_item()?.url.clone())
    }

    fn select(&mut self, index: usize) -> Result<()> {
        let wanted = rows_for(index);
        let mut index = index;
        // The list was cut at the rows read, and the selection nears the end:
        // read on (only the list: the row shown and the counts stay), and
        // move as far from the current row as asked, wherever it now is.
        if wanted > self.rows_wanted && self.queue.len() == self.rows_wanted {
            self.rows_wanted = wanted;
            let current = self.selected_item().map(row_key);
            self.read_list()?;
            if let Some(now) =
                current.and_then(|key| self.queue.iter().position(|item| row_key(item) == key))
            {
                index = if index >= self.selected {
                    now.saturating_add(index - self.selected)
                } else {
                    now.saturating_sub(self.selected - index)
                };
                self.selected = now;
            }
        }
        let index = index.min(self.queue.len().saturating_sub(1));
        if index != self.selected || self.detail.is_none() {
            self.save_draft()?;
            self.selected = index;
            self.load_detail()?;
        }
        self.keep_selection_visible();
        Ok(())
    }

    /// Re-reads the list. The selection stays on the same row of the list
    /// (conversation, or matching message) when it is still there, else on
    /// the same row (the next item), never the top.
    fn refresh(&mut self, keep_row: Option<usize>) -> Result<()> {
        self.refresh_to(None, keep_row)
    }

    /// A refresh that selects `conversation` when it is listed (an undo
    /// brings one back).
    fn refresh_to(&mut self, conversation: Option<i64>, keep_row: Option<usize>) -> Result<()> {
        let current = self.selected_item().map(row_key);
        self.read_list()?;
        if self.list_kind != ListKind::Queue {
            // A search or another state does not count the queue; an action may have changed it.
            let counts = queue::counts(&self.store, &self.config, self.now)?;
            self.open_total = counts.waiting;
            self.overdue_total = counts.overdue;
        }
        let row = conversation
            .and_then(|id| {
                self.queue
                    .iter()
                    .position(|item| item.conversation_id == id)
            })
            .or_else(|| {
                current.and_then(|key| self.queue.iter().position(|item| row_key(item) == key))
            })
            .or(keep_row)
            .unwrap_or(self.selected);
        self.selected = row.min(self.queue.len().saturating_sub(1));
        self.load_detail()?;
        self.keep_selection_visible();
        Ok(())
    }

    /// The user's pace changes only with a reply, a done or an undo: read
    /// then, not on every refresh.
    fn read_pace(&mut self) -> Result<()> {
        self.pace = self.store.pace(self.now)?.0;
        Ok(())
    }

    /// Lists what `self.query` asks for (the store's work is `queue::list`).
    fn read_list(&mut self) -> Result<()> {
        let listing = queue::list(
            &self.store,
            &self.config,
            &self.query,
            self.now,
            self.rows_wanted,
        )?;
        self.queue = listing.items;
        self.list_kind = listing.kind;
        self.matching = listing.matching;
        self.more = listing.more;
        if let Some(counts) = listing.counts {
            self.open_total = counts.waiting;
            self.overdue_total = counts.overdue;
        }
        self.queue_read_at = self.now;
        Ok(())
    }

    /// Shows what `query` lists, from its first row.
    fn show_query(&mut self, query: Query) -> Result<()> {
        self.query = query;
        self.rows_wanted = QUEUE_PAGE;
        self.read_list()?;
        self.selected = 0;
        self.queue_offset = 0;
        self.load_detail()?;
        self.keep_selection_visible();
        Ok(())
    }

    fn remember_place(&mut self) {
        self.places.push(Place {
            query: self.query.clone(),
            typed: self.typed.clone(),
            row: self.selected_item().map(row_key),
            selected: self.selected,
            offset: self.queue_offset,
        });
    }

    /// Back to `place`: its query, and the same conversation selected and
    /// the same rows in view when they are still there.
    fn go_back_to(&mut self, place: Place) -> Result<()> {
        self.query = place.query;
        self.typed = place.typed;
        self.rows_wanted = rows_for(place.selected);
        self.read_list()?;
        self.selected = place
            .row
            .and_then(|key| self.queue.iter().position(|item| row_key(item) == key))
            .unwrap_or(place.selected)
            .min(self.queue.len().saturating_sub(1));
        self.queue_offset = place.offset.min(self.selected);
        self.load_detail()?;
        self.keep_selection_visible();
        Ok(())
    }

    /// `Esc` while browsing a search or filter: back to the whole queue,
    /// where it was before the first of them.
    fn back_to_queue(&mut self) -> Result<()> {
        if self.query.is_empty() {
            return Ok(());
        }
        let whole = self.places.iter().position(|place| place.query.is_empty());
        let place = whole.map_or_else(
            || Place {
                query: Query::default(),
                typed: String::new(),
                row: None,
                selected: 0,
                offset: 0,
            },
            |at| self.places.swap_remove(at),
        );
        self.places.clear();
        self.go_back_to(place)
    }

    /// Keys of the search box. The list follows the text as it is typed;
    /// arrows move through it; `Enter` keeps it, `Esc` goes back to where
    /// the list was before `/`.
    fn search_key(
        &mut self,
        key: KeyEvent,
        command: Option<Command>,
        mut editor: Editor,
    ) -> Result<Vec<Effect>> {
        let Mode::Search { error, .. } = self.mode.clone() else {
            return Ok(Vec::new());
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let mut error = error;
        match key.code {
            _ if command == Some(Command::Leave) => {
                self.mode = Mode::Browse;
                let place = self.places.pop();
                return match place {
                    Some(place) => self.go_back_to(place).map(|()| Vec::new()),
                    None => self.show_query(Query::default()).map(|()| Vec::new()),
                };
            }
            KeyCode::Enter if error.is_none() => {
                self.mode = Mode::Browse;
                self.focus = Pane::Queue;
                self.typed = editor.text();
                return Ok(Vec::new());
            }
            // Enter on half a filter: now it is a mistake, said in red.
            KeyCode::Enter => {
                if let Some(error) = &mut error {
                    error.incomplete = false;
                }
            }
            KeyCode::Down => self.select(self.selected.saturating_add(1))?,
            KeyCode::Char('n' | 'j') if ctrl => self.select(self.selected.saturating_add(1))?,
            KeyCode::Up => self.select(self.selected.saturating_sub(1))?,
            KeyCode::Char('p' | 'k') if ctrl => self.select(self.selected.saturating_sub(1))?,
            KeyCode::PageDown => self.select(self.selected.saturating_add(10))?,
            KeyCode::PageUp => self.select(self.selected.saturating_sub(10))?,
            _ => {
                // A key that changed nothing (backspace in an empty box)
                // leaves the list and the selection alone.
                if edit(&mut editor, key) {
                    error = self.search_for(&editor)?;
                }
            }
        }
        self.mode = Mode::Search { editor, error };
        Ok(Vec::new())
    }

    /// Runs what the search box holds; returns why it cannot be run. A
    /// filter being typed (`platform:gi`) does not apply yet: the list shows
    /// the rest of the query, not a search for the filter's name.
    fn search_for(&mut self, editor: &Editor) -> Result<Option<QueryError>> {
        // One line: a newline typed or pasted is a space.
        let text = editor.text().replace('\n', " ");
        match Query::parse(&text) {
            Ok(query) => {
                self.show_query(query)?;
                Ok(None)
            }
            Err(err) => {
                let before_last = text
                    .trim_end()
                    .rsplit_once(char::is_whitespace)
                    .map_or("", |(head, _)| head);
                if err.incomplete
                    && let Ok(rest) = Query::parse(&format!("{before_last} "))
                    && rest != self.query
                {
                    self.show_query(rest)?;
                }
                Ok(Some(err))
            }
        }
    }

    /// The filter menu: the states, the platforms and tags in use, the promise.
    fn open_filters(&mut self) -> Result<()> {
        let mut choices = vec![FilterChoice::Overdue, FilterChoice::DueSoon];
        // What is in use, and whatever is on (so it can be turned off).
        let mut platforms = self.store.platforms_in_use()?;
        platforms.extend(
            self.query
                .platforms
                .iter()
                .filter(|p| !platforms.contains(p))
                .copied()
                .collect::<Vec<_>>(),
        );
        choices.extend(platforms.into_iter().map(FilterChoice::Platform));
        let mut tags: Vec<String> = self
            .store
            .tags_in_use()?
            .into_iter()
            .take(MENU_TAGS)
            .collect();
        for tag in &self.query.tags {
            if !tags.contains(tag) {
                tags.push(tag.clone());
            }
        }
        choices.extend(tags.into_iter().map(FilterChoice::Tag));
        choices.extend([
            FilterChoice::State(ConversationState::Snoozed),
            FilterChoice::State(ConversationState::Answered),
            FilterChoice::State(ConversationState::Done),
            FilterChoice::AllStates,
        ]);
        if !self.query.is_empty() {
            choices.push(FilterChoice::Clear);
        }
        self.mode = Mode::Filter { choice: 0, choices };
        Ok(())
    }

    fn filter_key(
        &mut self,
        key: KeyEvent,
        choice: usize,
        choices: Vec<FilterChoice>,
    ) -> Result<Vec<Effect>> {
        match pick(key, choice, choices.len()) {
            Pick::Move(choice) => self.mode = Mode::Filter { choice, choices },
            Pick::Cancel => self.mode = Mode::Browse,
            Pick::Chosen(chosen) => {
                self.mode = Mode::Browse;
                if choices[chosen] == FilterChoice::Clear {
                    return self.back_to_queue().map(|()| Vec::new());
                }
                let mut query = self.query.clone();
                choices[chosen].toggle(&mut query);
                if self.query.is_empty() {
                    self.remember_place();
                }
                if query.is_empty() {
                    return self.back_to_queue().map(|()| Vec::new());
                }
                self.typed = format!("{query} ");
                self.show_query(query)?;
            }
        }
        Ok(Vec::new())
    }

    fn load_detail(&mut self) -> Result<()> {
        let Some(item) = self.queue.get(self.selected).cloned() else {
            self.detail = None;
            return Ok(());
        };
        // A draft left in this conversation (earlier today, or before a crash)
        // shows in the reply box as soon as it is selected.
        if self.mode != Mode::Reply {
            let draft = self.store.draft(item.conversation_id)?;
            self.draft_for = draft.as_ref().map(|_| item.conversation_id);
            self.editor = Editor::from_text(&draft.unwrap_or_default());
            self.draft_dirty = false;
        }
        let thread = self.store.thread(item.conversation_id, THREAD_LIMIT)?;
        let (person, others) = match item.person_id {
            Some(person) => (
                Some(self.store.person(person)?),
                self.store
                    .person_conversations(person, item.conversation_id, 8)?,
            ),
            None => (None, Vec::new()),
        };
        let mut detail = Detail {
            row: row_key(&item),
            thread,
            person,
            others,
            wrapped: Wrapped::default(),
            width: 0,
        };
        // The same row read again (a refresh, a tag): the reader stays where
        // they were, and unchanged text is not wrapped again.
        let previous = self
            .detail
            .take()
            .filter(|previous| previous.row == detail.row);
        let same_row = previous.is_some();
        if let Some(previous) = previous.filter(|previous| {
            (&previous.thread, &previous.person, &previous.others)
                == (&detail.thread, &detail.person, &detail.others)
        }) {
            (detail.wrapped, detail.width) = (previous.wrapped, previous.width);
        }
        self.detail = Some(detail);
        self.wrap_detail();
        if same_row {
            return Ok(());
        }
        // Open at the newest message: it is the one waiting for an answer;
        // a search result opens at the message found.
        let found = item.hit.and_then(|hit| {
            let starts = &self.detail.as_ref()?.wrapped.starts;
            starts
                .iter()
                .find(|(id, _)| *id == hit.message_id)
                .map(|(_, line)| *line)
        });
        match found {
            Some(line) => {
                self.thread_at_newest = false;
                self.thread_scroll = u16::try_from(line).unwrap_or(u16::MAX);
                self.scroll_thread(0);
            }
            None => self.scroll_to_newest(),
        }
        Ok(())
    }

    /// Scrolls the list so the selected row shows (the budget divider takes
    /// a row of its own).
    fn keep_selection_visible(&mut self) {
        // A list too small to draw keeps where it was: a moment at a tiny
        // size must not leave it scrolled.
        if self.areas().too_small {
            return;
        }
        let height = usize::from(self.areas().list.height).max(1);
        // No empty rows under the list while rows above it are hidden: a
        // list that grew (a taller terminal) shows its top again. The divider
        // takes a row, hence one to spare.
        let divider = self.budget_line();
        let room = self.queue.len() + usize::from(divider.is_some());
        self.queue_offset = self.queue_offset.min(room.saturating_sub(height));
        if self.selected < self.queue_offset {
            self.queue_offset = self.selected;
        }
        if self.selected >= self.queue_offset + height {
            self.queue_offset = self.selected + 1 - height;
        }
        while self.queue_offset < self.selected
            && !list_rows(self.queue_offset, self.queue.len(), divider, height)
                .contains(&ListRow::Item(self.selected))
        {
            self.queue_offset += 1;
        }
    }

    /// The summary printed after the session.
    #[must_use]
    pub fn summary(&self) -> String {
        let today = self.timer.today();
        let day = if today.spent() {
            format!("+{} overtime today", budget::clock(today.overtime()))
        } else {
            format!("{} left today", budget::clock(today.left()))
        };
        format!(
            "{} active ({day}) · answered {} · done {} · snoozed {} · still open {} · overdue {}",
            budget::clock(self.timer.session_total()),
            self.counts.answered,
            self.counts.done,
            self.counts.snoozed,
            self.open_total,
            self.overdue_total
        )
    }
}

/// The rows to read for row `index` to be selectable with `QUEUE_MARGIN`
/// below it: whole pages, at most `QUEUE_LIMIT`.
fn rows_for(index: usize) -> usize {
    index
        .saturating_add(QUEUE_MARGIN + 1)
        .min(QUEUE_LIMIT)
        .next_multiple_of(QUEUE_PAGE)
        .clamp(QUEUE_PAGE, QUEUE_LIMIT)
}

/// What identifies a row across re-reads: its conversation and, in search
/// results, the message that matched.
fn row_key(item: &QueueItem) -> (i64, Option<i64>) {
    (item.conversation_id, item.hit.map(|hit| hit.message_id))
}

/// Active time spent on a conversation, when some was measured: one handled
/// while the timer was paused or idle says nothing about the user's pace.
fn measured(spent: std::time::Duration) -> Option<std::time::Duration> {
    (!spent.is_zero()).then_some(spent)
}

enum Pick {
    Move(usize),
    Chosen(usize),
    Cancel,
}

/// Keys of a small menu: j/k or arrows move, enter or the item's number picks.
fn pick(key: KeyEvent, choice: usize, len: usize) -> Pick {
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => Pick::Move((choice + 1).min(len - 1)),
        KeyCode::Up | KeyCode::Char('k') => Pick::Move(choice.saturating_sub(1)),
        KeyCode::Enter => Pick::Chosen(choice),
        KeyCode::Char(c)
            if c.is_ascii_digit() && (1..=len).contains(&(c as usize - '0' as usize)) =>
        {
            Pick::Chosen(c as usize - '1' as usize)
        }
        _ => Pick::Cancel,
    }
}

/// The editor keys, the same in every text box. Returns whether the text changed.
fn edit(editor: &mut Editor, key: KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let edits = editor.edits();
    match key.code {
        KeyCode::Char('w') if ctrl => editor.delete_word_back(),
        KeyCode::Char('b') if alt => editor.word_left(),
        KeyCode::Char('f') if alt => editor.word_right(),
        KeyCode::Char('a') if ctrl => editor.home(),
        KeyCode::Char(c) if !ctrl && !alt => editor.insert_char(c),
        KeyCode::Enter => editor.newline(),
        KeyCode::Tab => editor.insert_char('\t'),
        KeyCode::Backspace if ctrl || alt => editor.delete_word_back(),
        KeyCode::Backspace => editor.backspace(),
        KeyCode::Delete => editor.delete(),
        KeyCode::Left if ctrl || alt => editor.word_left(),
        KeyCode::Right if ctrl || alt => editor.word_right(),
        KeyCode::Left => editor.left(),
        KeyCode::Right => editor.right(),
        KeyCode::Up => editor.up(),
        KeyCode::Down => editor.down(),
        KeyCode::Home => editor.home(),
        KeyCode::End => editor.end(),
        _ => {}
    }
    editor.edits() != edits
}

/// Monday 09:00 local time, at least a day away.
fn next_monday_morning<Tz: TimeZone>(now: DateTime<Utc>, zone: &Tz) -> DateTime<Utc> {
    let today = now.with_timezone(zone).date_naive();
    // 7 on a Monday: the next one, not this morning.
    let monday = today + Duration::days(7 - i64::from(today.weekday().num_days_from_monday()));
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN);
    zone.from_local_datetime(&monday.and_time(nine))
        .earliest()
        .map_or(now + Duration::days(7), |at| at.with_timezone(&Utc))
}

/// A snooze time as typed: `2026-12-01`, `2026-12-01 14:00` (local), or a span from now: `3d`, `4h`.
fn snooze_time<Tz: TimeZone>(text: &str, now: DateTime<Utc>, zone: &Tz) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let local = |naive: NaiveDateTime| {
        zone.from_local_datetime(&naive)
            .earliest()
            .map(|at| at.with_timezone(&Utc))
    };
    let at = if text.eq_ignore_ascii_case("tomorrow") {
        let tomorrow = now.with_timezone(zone).date_naive().succ_opt()?;
        local(tomorrow.and_time(NaiveTime::from_hms_opt(9, 0, 0)?))
    } else if let Some(span) = parse_span(text) {
        now.checked_add_signed(span)
    } else if let Ok(naive) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M") {
        local(naive)
    } else if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        local(date.and_time(NaiveTime::from_hms_opt(9, 0, 0)?))
    } else {
        None
    };
    at.filter(|at| *at > now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::at;
    use chrono::FixedOffset;

    #[test]
    fn snooze_times_people_type() {
        let zone = FixedOffset::east_opt(3600).unwrap();
        let now = at("2026-11-20T10:00:00Z"); // a Friday
        assert_eq!(
            snooze_time("3d", now, &zone),
            Some(at("2026-11-23T10:00:00Z"))
        );
        assert_eq!(
            snooze_time("2026-12-01", now, &zone),
            Some(at("2026-12-01T08:00:00Z"))
        );
        assert_eq!(
            snooze_time("2026-12-01 14:30", now, &zone),
            Some(at("2026-12-01T13:30:00Z"))
        );
        assert_eq!(snooze_time("2026-11-01", now, &zone), None, "in the past");
        assert_eq!(snooze_time("soon", now, &zone), None);
        assert_eq!(
            snooze_time("Tomorrow", now, &zone),
            Some(at("2026-11-21T08:00:00Z"))
        );
        assert_eq!(next_monday_morning(now, &zone), at("2026-11-23T08:00:00Z"));
        let monday = at("2026-11-23T10:00:00Z");
        assert_eq!(
            next_monday_morning(monday, &zone),
            at("2026-11-30T08:00:00Z")
        );
    }
}
