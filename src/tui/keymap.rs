//! Which key does what: the commands a session knows, their default keys in
//! each context, the user's overrides from `[keys]` (applied as a patch over
//! the defaults), and the hints the status bar and help overlay show —
//! generated from the same table, so they never disagree with the keys.

use std::collections::BTreeMap;
use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a key is pressed: browsing the queue and thread, or typing a reply
/// (where plain keys type text, so commands need a modifier).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Browse,
    Typing,
}

/// Declares the commands with their config names and help text.
macro_rules! commands {
    ($($variant:ident = $name:literal, $context:ident, $help:literal;)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command { $($variant),+ }

        impl Command {
            pub const ALL: &'static [Command] = &[$(Command::$variant),+];

            #[must_use]
            pub fn help(self) -> &'static str {
                match self { $(Command::$variant => $help),+ }
            }

            #[must_use]
            pub fn context(self) -> Context {
                match self { $(Command::$variant => Context::$context),+ }
            }

            /// Looks a command up by its config name; the error lists them all.
            pub fn from_name(name: &str) -> Result<Command, String> {
                match name {
                    $($name => Ok(Command::$variant),)+
                    _ => Err(format!(
                        "unknown action \"{}\" (expected one of: {})",
                        crate::sanitize::quote(name),
                        [$($name),+].join(" ")
                    )),
                }
            }
        }
    };
}

commands! {
    Down = "down", Browse, "next conversation (in the thread: scroll)";
    Up = "up", Browse, "previous conversation (in the thread: scroll)";
    Top = "top", Browse, "first conversation";
    Bottom = "bottom", Browse, "last conversation";
    NextPane = "next-pane", Browse, "switch between queue and thread";
    Reply = "reply", Browse, "reply (opens your draft)";
    Edit = "edit", Browse, "reply in $VISUAL / $EDITOR";
    Done = "done", Browse, "done: no reply needed";
    Snooze = "snooze", Browse, "snooze: back in the queue later";
    Open = "open", Browse, "open the post in the browser";
    CopyLink = "copy-link", Browse, "copy the post's link";
    Tag = "tag", Browse, "tag the person";
    Note = "note", Browse, "edit the note on the person";
    Undo = "undo", Browse, "undo the last action (again: the one before)";
    Pause = "pause", Browse, "pause or resume the budget timer";
    Search = "search", Browse, "search all messages (also platform: is: tag: from:)";
    Filter = "filter", Browse, "filter: platform, state, tag, overdue";
    Clear = "clear-filter", Browse, "back to the whole queue";
    Help = "help", Browse, "this help";
    Quit = "quit", Browse, "quit (drafts are kept)";
    Send = "send", Typing, "save (the reply is also copied)";
    Leave = "leave", Typing, "leave the reply box, keeping the draft";
    EditTyping = "edit-draft", Typing, "continue the draft in $VISUAL / $EDITOR";
}

/// A key with its modifiers, as written in config: `j`, `G`, `?`, `enter`,
/// `ctrl-s`, `alt-x`, `shift-tab`, `pagedown`, `f1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Chord {
    code: ChordKey,
    ctrl: bool,
    alt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum ChordKey {
    Char(char),
    Named(&'static str),
    F(u8),
}

const NAMED: &[&str] = &[
    "enter",
    "esc",
    "tab",
    "shift-tab",
    "backspace",
    "delete",
    "insert",
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "pageup",
    "pagedown",
    "space",
];

impl Chord {
    /// Parses a key name; the error says what names exist.
    pub fn parse(text: &str) -> Result<Chord, String> {
        let mut rest = text.trim();
        let (mut ctrl, mut alt) = (false, false);
        loop {
            if let Some(after) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = after;
            } else if let Some(after) = rest.strip_prefix("alt-") {
                alt = true;
                rest = after;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() && c != ' ' => ChordKey::Char(c),
            _ => {
                let lower = rest.to_lowercase();
                if let Some(name) = NAMED.iter().find(|name| **name == lower) {
                    if *name == "space" {
                        ChordKey::Char(' ')
                    } else {
                        ChordKey::Named(name)
                    }
                } else if let Some(n) = lower
                    .strip_prefix('f')
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=12).contains(n))
                {
                    ChordKey::F(n)
                } else {
                    return Err(format!(
                        "unknown key \"{}\" (a character like j or ?, f1–f12, or one of: {}; with ctrl- or alt- before it)",
                        crate::sanitize::quote(text),
                        NAMED.join(" ")
                    ));
                }
            }
        };
        // Terminals send ctrl with a letter as the lowercase letter.
        let code = match code {
            ChordKey::Char(c) if ctrl => ChordKey::Char(c.to_ascii_lowercase()),
            other => other,
        };
        Ok(Chord { code, ctrl, alt })
    }

    /// The chord a terminal key event stands for, if it is one tend can bind.
    #[must_use]
    pub fn from_event(event: KeyEvent) -> Option<Chord> {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let alt = event.modifiers.contains(KeyModifiers::ALT);
        let code = match event.code {
            KeyCode::Char(c) => ChordKey::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            KeyCode::Enter => ChordKey::Named("enter"),
            KeyCode::Esc => ChordKey::Named("esc"),
            KeyCode::Tab => ChordKey::Named("tab"),
            KeyCode::BackTab => ChordKey::Named("shift-tab"),
            KeyCode::Backspace => ChordKey::Named("backspace"),
            KeyCode::Delete => ChordKey::Named("delete"),
            KeyCode::Insert => ChordKey::Named("insert"),
            KeyCode::Up => ChordKey::Named("up"),
            KeyCode::Down => ChordKey::Named("down"),
            KeyCode::Left => ChordKey::Named("left"),
            KeyCode::Right => ChordKey::Named("right"),
            KeyCode::Home => ChordKey::Named("home"),
            KeyCode::End => ChordKey::Named("end"),
            KeyCode::PageUp => ChordKey::Named("pageup"),
            KeyCode::PageDown => ChordKey::Named("pagedown"),
            KeyCode::F(n) => ChordKey::F(n),
            _ => return None,
        };
        Some(Chord { code, ctrl, alt })
    }

    /// A plain key that would type text in the reply box.
    fn types_text(self) -> bool {
        !self.ctrl && !self.alt && matches!(self.code, ChordKey::Char(_))
    }
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            ChordKey::Char(' ') => f.write_str("space"),
            ChordKey::Char(c) => write!(f, "{c}"),
            ChordKey::Named(name) => f.write_str(name),
            ChordKey::F(n) => write!(f, "f{n}"),
        }
    }
}

/// The bindings in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: BTreeMap<(Context, Chord), Command>,
}

const DEFAULTS: &[(&str, Command)] = &[
    ("j", Command::Down),
    ("down", Command::Down),
    ("k", Command::Up),
    ("up", Command::Up),
    ("g", Command::Top),
    ("home", Command::Top),
    ("G", Command::Bottom),
    ("end", Command::Bottom),
    ("tab", Command::NextPane),
    ("shift-tab", Command::NextPane),
    ("enter", Command::Reply),
    ("r", Command::Reply),
    ("e", Command::Edit),
    ("d", Command::Done),
    ("s", Command::Snooze),
    ("o", Command::Open),
    ("y", Command::CopyLink),
    ("t", Command::Tag),
    ("n", Command::Note),
    ("u", Command::Undo),
    ("p", Command::Pause),
    ("/", Command::Search),
    ("f", Command::Filter),
    ("esc", Command::Clear),
    ("?", Command::Help),
    ("q", Command::Quit),
    ("ctrl-s", Command::Send),
    ("esc", Command::Leave),
    ("ctrl-e", Command::EditTyping),
];

impl Default for Keymap {
    fn default() -> Self {
        let mut bindings = BTreeMap::new();
        for (key, command) in DEFAULTS {
            if let Ok(chord) = Chord::parse(key) {
                bindings.insert((command.context(), chord), *command);
            }
        }
        Keymap { bindings }
    }
}

impl Keymap {
    /// The defaults with the user's `[keys]` laid over them: a bound key does
    /// what the user says in that command's context, whatever it did before.
    pub fn with_overrides<'a>(
        overrides: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Keymap, String> {
        let mut keymap = Keymap::default();
        for (key, action) in overrides {
            let (chord, command) = parse_binding(key, action)?;
            keymap.bindings.insert((command.context(), chord), command);
        }
        Ok(keymap)
    }

    #[must_use]
    pub fn command(&self, context: Context, event: KeyEvent) -> Option<Command> {
        let chord = Chord::from_event(event)?;
        self.bindings.get(&(context, chord)).copied()
    }

    /// The keys bound to `command`, in a stable order, e.g. `["j", "down"]`.
    #[must_use]
    pub fn keys_for(&self, command: Command) -> Vec<String> {
        let mut keys: Vec<(bool, String)> = self
            .bindings
            .iter()
            .filter(|(_, bound)| **bound == command)
            .map(|((_, chord), _)| (!matches!(chord.code, ChordKey::Char(_)), chord.to_string()))
            .collect();
        // Letters before named keys: `j/down` reads better than `down/j`.
        keys.sort();
        keys.into_iter().map(|(_, key)| key).collect()
    }

    /// `(keys, what they do)` for every bound command of a context, for the help overlay.
    #[must_use]
    pub fn help(&self, context: Context) -> Vec<(String, &'static str)> {
        Command::ALL
            .iter()
            .filter(|command| command.context() == context)
            .filter_map(|command| {
                let keys = self.keys_for(*command);
                (!keys.is_empty()).then(|| (keys.join("/"), command.help()))
            })
            .collect()
    }

    /// A short hint (`enter reply`) for the status bar, or `None` if unbound.
    #[must_use]
    pub fn hint(&self, command: Command, label: &str) -> Option<String> {
        self.keys_for(command)
            .first()
            .map(|key| format!("{key} {label}"))
    }
}

/// Checks one `[keys]` entry: a known key, a known action, and no plain
/// character for a command used while typing.
pub fn parse_binding(key: &str, action: &str) -> Result<(Chord, Command), String> {
    let chord = Chord::parse(key)?;
    let command = Command::from_name(action)?;
    if chord
        == (Chord {
            code: ChordKey::Char('c'),
            ctrl: true,
            alt: false,
        })
    {
        return Err("ctrl-c always quits (keeping drafts); bind another key".into());
    }
    if command.context() == Context::Typing && chord.types_text() {
        return Err(format!(
            "\"{action}\" works while typing a reply, where \"{key}\" types text: use a key with ctrl- or alt-"
        ));
    }
    Ok((chord, command))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn defaults_follow_the_design() {
        let keymap = Keymap::default();
        let browse = |code| keymap.command(Context::Browse, key(code, KeyModifiers::NONE));
        assert_eq!(browse(KeyCode::Char('j')), Some(Command::Down));
        assert_eq!(browse(KeyCode::Down), Some(Command::Down));
        assert_eq!(browse(KeyCode::Enter), Some(Command::Reply));
        assert_eq!(browse(KeyCode::Char('?')), Some(Command::Help));
        assert_eq!(browse(KeyCode::Char('/')), Some(Command::Search));
        assert_eq!(browse(KeyCode::Char('f')), Some(Command::Filter));
        assert_eq!(browse(KeyCode::Esc), Some(Command::Clear));
        assert_eq!(
            keymap.command(
                Context::Browse,
                key(KeyCode::Char('G'), KeyModifiers::SHIFT)
            ),
            Some(Command::Bottom)
        );
        assert_eq!(
            keymap.command(
                Context::Typing,
                key(KeyCode::Char('s'), KeyModifiers::CONTROL)
            ),
            Some(Command::Send)
        );
        assert_eq!(
            keymap.command(Context::Typing, key(KeyCode::Char('j'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(keymap.keys_for(Command::Down), vec!["j", "down"]);
    }

    #[test]
    fn overrides_patch_the_defaults_and_the_hints_follow() {
        let keymap = Keymap::with_overrides([("ctrl-d", "send"), ("x", "done")]).unwrap();
        assert_eq!(
            keymap.command(
                Context::Typing,
                key(KeyCode::Char('d'), KeyModifiers::CONTROL)
            ),
            Some(Command::Send)
        );
        assert_eq!(
            keymap.command(Context::Browse, key(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Command::Done)
        );
        assert_eq!(keymap.keys_for(Command::Done), vec!["d", "x"]);
        assert!(
            keymap
                .help(Context::Typing)
                .contains(&("ctrl-d/ctrl-s".into(), Command::Send.help()))
        );
        assert_eq!(
            keymap.hint(Command::Send, "save"),
            Some("ctrl-d save".into())
        );
    }

    #[test]
    fn bad_bindings_say_what_is_allowed() {
        let err = Keymap::with_overrides([("ctrl-s", "sned")]).unwrap_err();
        assert!(
            err.starts_with("unknown action \"sned\" (expected one of: down up top"),
            "{err}"
        );
        let err = Keymap::with_overrides([("hyper-s", "send")]).unwrap_err();
        assert!(err.starts_with("unknown key \"hyper-s\""), "{err}");
        let err = Keymap::with_overrides([("x", "send")]).unwrap_err();
        assert!(err.contains("use a key with ctrl- or alt-"), "{err}");
    }

    #[test]
    fn ctrl_letters_match_whatever_case_was_written_and_ctrl_c_stays_quit() {
        let keymap = Keymap::with_overrides([("ctrl-D", "send")]).unwrap();
        assert_eq!(
            keymap.command(
                Context::Typing,
                key(KeyCode::Char('d'), KeyModifiers::CONTROL)
            ),
            Some(Command::Send)
        );
        assert_eq!(keymap.keys_for(Command::Send), vec!["ctrl-d", "ctrl-s"]);
        let err = Keymap::with_overrides([("ctrl-c", "done")]).unwrap_err();
        assert!(err.starts_with("ctrl-c always quits"), "{err}");
    }

    #[test]
    fn chords_round_trip_through_their_names() {
        for name in [
            "j",
            "G",
            "?",
            "ctrl-s",
            "alt-x",
            "shift-tab",
            "pagedown",
            "f5",
            "space",
            "ctrl-alt-k",
        ] {
            assert_eq!(Chord::parse(name).unwrap().to_string(), name);
        }
    }
}
