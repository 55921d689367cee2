//! The search box's language, shared by `/`, `f` and `tend search`: free
//! words search every stored message (full text, the word being typed also
//! as the stored words it starts, `"quoted phrases"` as they are), and `key:value` words filter:
//! `platform:github is:overdue tag:customer from:ana invoice`. The same key
//! given twice means either value. Pure: parsing, the canonical text, and the
//! full-text expression; `queue` runs it.

use std::fmt;

use crate::model::{ConversationState, Platform};

/// `is:` values: conversation states, `all`, and the promise's states.
pub const IS_VALUES: &str = "open, snoozed, answered, done, all, overdue or due-soon";

// Each flag is a word of its own in the query language (`is:all`,
// `is:overdue`, `is:due-soon`) plus whether the last word is unfinished.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Free words and quoted phrases, as typed (without the quotes).
    pub words: Vec<String>,
    /// Whether the text ended inside a word: that word is matched as a prefix
    /// (the user is still typing it).
    pub open_ended: bool,
    pub platforms: Vec<Platform>,
    /// Conversation states; empty means open (the queue).
    pub states: Vec<ConversationState>,
    /// `is:all`: every state.
    pub all_states: bool,
    pub overdue: bool,
    pub due_soon: bool,
    pub tags: Vec<String>,
    /// Starts of a word of the person's name or handle, lowercase.
    pub from: Vec<String>,
}

/// A query that cannot be run, said so the search box can show it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    pub message: String,
    /// The filter being typed may still become valid (`platform:` or
    /// `platform:git` at the end of the text): the box shows the message as
    /// a hint, not as a mistake.
    pub incomplete: bool,
}

impl Query {
    /// Parses what was typed. Unfinished quotes end at the end of the text,
    /// so a query is runnable at every keystroke.
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        let mut query = Query {
            open_ended: !text.is_empty() && !text.ends_with(char::is_whitespace),
            ..Query::default()
        };
        let words = split(text);
        let last = words.len().saturating_sub(1);
        // Whether the text ends in a free word still being typed (not a
        // filter, not a quoted phrase): only that one is completed.
        let mut ends_in_free_word = false;
        for (index, (word, quoted)) in words.into_iter().enumerate() {
            let being_typed = index == last && query.open_ended;
            let filter = if quoted {
                None
            } else {
                word.split_once(':').filter(|(key, value)| {
                    !key.is_empty()
                        && key.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
                        && !value.starts_with("//")
                })
            };
            let Some((key, value)) = filter else {
                if word.chars().any(char::is_alphanumeric) {
                    ends_in_free_word = being_typed && !quoted;
                    query.words.push(word);
                }
                continue;
            };
            let key = key.to_ascii_lowercase();
            let value = value.trim_matches('"').trim();
            let lowered = value.to_lowercase();
            // A value still being typed that a valid one starts with.
            let unfinished = being_typed && starts_a_value(&key, &lowered);
            let error = |message: String| QueryError {
                message,
                incomplete: unfinished,
            };
            if value.is_empty() {
                return Err(error(match key.as_str() {
                    "platform" => "platform: needs a value, e.g. platform:github".to_owned(),
                    "is" => format!("is: needs a value: {IS_VALUES}"),
                    "tag" => "tag: needs a value, e.g. tag:customer".to_owned(),
                    "from" => "from: needs a name or handle, e.g. from:ana".to_owned(),
                    _ => unknown_filter(&key),
                }));
            }
            let value = lowered;
            match key.as_str() {
                "platform" => {
                    let platform = value.parse::<Platform>().map_err(|_| {
                        error(format!(
                            "unknown platform \"{}\": use one of {}",
                            crate::sanitize::quote(&value),
                            Platform::allowed()
                        ))
                    })?;
                    push_new(&mut query.platforms, platform);
                }
                "is" => match value.as_str() {
                    "all" => query.all_states = true,
                    "overdue" => query.overdue = true,
                    "due-soon" | "due" => query.due_soon = true,
                    _ => {
                        let state = value.parse::<ConversationState>().map_err(|_| {
                            error(format!(
                                "unknown is: value \"{}\": use {IS_VALUES}",
                                crate::sanitize::quote(&value)
                            ))
                        })?;
                        push_new(&mut query.states, state);
                    }
                },
                "tag" => push_new(&mut query.tags, value),
                "from" => push_new(&mut query.from, value.trim_start_matches('@').to_owned()),
                _ => return Err(error(unknown_filter(&key))),
            }
        }
        query.open_ended = ends_in_free_word;
        Ok(query)
    }

    /// Nothing asked: the plain queue.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Query::default()
    }

    /// Free words: the list is messages that match, newest first.
    #[must_use]
    pub fn searches_text(&self) -> bool {
        !self.words.is_empty()
    }

    /// The list is the waiting conversations in priority order (filtered).
    #[must_use]
    pub fn lists_waiting(&self) -> bool {
        !self.searches_text()
            && !self.all_states
            && self
                .states
                .iter()
                .all(|state| *state == ConversationState::Open)
    }

    /// The word still being typed, lowercase, when it is one word of two
    /// characters or more: what `full_text`'s completions complete.
    #[must_use]
    pub fn typed_prefix(&self) -> Option<String> {
        let word = self.words.last().filter(|_| self.open_ended)?;
        let single = word.chars().all(char::is_alphanumeric) && word.chars().count() >= 2;
        single.then(|| word.to_lowercase())
    }

    /// The FTS5 expression for the free words: each quoted (so nothing typed
    /// is query syntax), all of them required; the word being typed matches
    /// itself or any of `completions` (stored words it starts).
    #[must_use]
    pub fn full_text(&self, completions: &[String]) -> Option<String> {
        let quote = |word: &str| format!("\"{}\"", word.replace('"', "\"\""));
        let last = self.words.len().checked_sub(1)?;
        let typed = self.typed_prefix();
        let terms: Vec<String> = self
            .words
            .iter()
            .enumerate()
            .map(|(index, word)| {
                if index != last || typed.is_none() || completions.is_empty() {
                    return quote(word);
                }
                let mut either = vec![quote(word)];
                either.extend(
                    completions
                        .iter()
                        .filter(|completion| Some(completion.as_str()) != typed.as_deref())
                        .map(|completion| quote(completion)),
                );
                format!("({})", either.join(" OR "))
            })
            .collect();
        Some(terms.join(" AND "))
    }
}

/// The canonical text: filters in a fixed order, then the words.
impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.platforms.iter().map(|p| format!("platform:{p}")));
        parts.extend(self.states.iter().map(|s| format!("is:{s}")));
        if self.all_states {
            parts.push("is:all".to_owned());
        }
        if self.overdue {
            parts.push("is:overdue".to_owned());
        }
        if self.due_soon {
            parts.push("is:due-soon".to_owned());
        }
        parts.extend(
            self.tags
                .iter()
                .map(|t| format!("tag:{}", quote_if_spaced(t))),
        );
        parts.extend(
            self.from
                .iter()
                .map(|n| format!("from:{}", quote_if_spaced(n))),
        );
        parts.extend(self.words.iter().map(|w| quote_if_spaced(w)));
        f.write_str(&parts.join(" "))
    }
}

fn quote_if_spaced(text: &str) -> String {
    if text.contains(char::is_whitespace) || text.contains(':') {
        format!("\"{text}\"")
    } else {
        text.to_owned()
    }
}

/// Whether `typed` is the start of a value `key:` takes (anything starts a
/// tag or a name).
fn starts_a_value(key: &str, typed: &str) -> bool {
    match key {
        "platform" => Platform::ALL.iter().any(|p| p.as_str().starts_with(typed)),
        "is" => [
            "open", "snoozed", "answered", "done", "all", "overdue", "due-soon",
        ]
        .iter()
        .any(|value| value.starts_with(typed)),
        "tag" | "from" => true,
        _ => false,
    }
}

fn unknown_filter(key: &str) -> String {
    format!(
        "unknown filter \"{}:\": use platform:, is:, tag: or from: (quote a word to search for it)",
        crate::sanitize::quote(key)
    )
}

fn push_new<T: PartialEq>(list: &mut Vec<T>, value: T) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// Words separated by whitespace; `"…"` holds spaces (also after `key:`).
/// Returns each word and whether it was wholly quoted.
fn split(text: &str) -> Vec<(String, bool)> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut in_quotes = false;
    for c in text.chars() {
        match c {
            '"' => {
                if in_quotes {
                    in_quotes = false;
                } else {
                    in_quotes = true;
                    quoted = word.is_empty();
                    if !quoted {
                        word.push(c);
                    }
                    continue;
                }
                if !quoted {
                    word.push(c);
                }
            }
            // Control characters (a pasted NUL, an escape) are not text to find.
            c if c.is_control() && !c.is_whitespace() => {}
            c if c.is_whitespace() && !in_quotes => {
                if !word.is_empty() {
                    words.push((std::mem::take(&mut word), quoted));
                }
                quoted = false;
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push((word, quoted));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Query {
        Query::parse(text).unwrap()
    }

    fn error(text: &str) -> String {
        Query::parse(text).unwrap_err().message
    }

    #[test]
    fn filters_and_words_as_the_issue_writes_them() {
        let query = parse("platform:github is:overdue tag:customer from:ana invoice");
        assert_eq!(query.platforms, [Platform::Github]);
        assert!(query.overdue);
        assert_eq!(query.tags, ["customer"]);
        assert_eq!(query.from, ["ana"]);
        assert_eq!(query.words, ["invoice"]);
        assert!(query.open_ended);
        assert_eq!(
            query.to_string(),
            "platform:github is:overdue tag:customer from:ana invoice"
        );
        assert_eq!(query.typed_prefix().as_deref(), Some("invoice"));
        assert_eq!(
            query
                .full_text(&["invoices".into(), "invoice".into()])
                .as_deref(),
            Some("(\"invoice\" OR \"invoices\")")
        );
        assert!(query.searches_text() && !query.lists_waiting());
    }

    #[test]
    fn keys_are_case_blind_values_lowercased_repeats_mean_either() {
        let query = parse("Platform:GitHub platform:email IS:Snoozed tag:VIP from:@Ana ");
        assert_eq!(query.platforms, [Platform::Github, Platform::Email]);
        assert_eq!(query.states, [ConversationState::Snoozed]);
        assert_eq!(query.tags, ["vip"]);
        assert_eq!(query.from, ["ana"]);
        assert!(!query.open_ended && !query.searches_text());
        assert!(!query.lists_waiting());
    }

    #[test]
    fn bad_filters_say_what_would_work() {
        assert_eq!(
            error("platform:"),
            "platform: needs a value, e.g. platform:github"
        );
        assert_eq!(
            error("invoice platform: "),
            "platform: needs a value, e.g. platform:github"
        );
        assert_eq!(
            error("is:late"),
            "unknown is: value \"late\": use open, snoozed, answered, done, all, overdue or due-soon"
        );
        assert!(
            error("platform:myspace")
                .starts_with("unknown platform \"myspace\": use one of mastodon bluesky x github")
        );
        assert_eq!(error("tag:"), "tag: needs a value, e.g. tag:customer");
        assert_eq!(
            error("from:\"\""),
            "from: needs a name or handle, e.g. from:ana"
        );
        assert_eq!(
            error("platfrom:github"),
            "unknown filter \"platfrom:\": use platform:, is:, tag: or from: (quote a word to search for it)"
        );
        let escaped = error("is:\u{1b}[31m");
        assert!(!escaped.contains('\u{1b}'), "quoted safely: {escaped:?}");
    }

    #[test]
    fn a_filter_still_being_typed_is_incomplete_not_wrong() {
        for typed in [
            "platform:",
            "platform:git",
            "is:ov",
            "tag:",
            "invoice from:",
        ] {
            let err = Query::parse(typed).unwrap_err();
            assert!(err.incomplete, "{typed}: {err:?}");
        }
        for wrong in [
            "platform:gx",
            "is:later",
            "platform: ",
            "is:ov invoice",
            "colour:",
        ] {
            let err = Query::parse(wrong).unwrap_err();
            assert!(!err.incomplete, "{wrong}: {err:?}");
        }
        assert!(
            Query::parse("platform:git")
                .unwrap_err()
                .message
                .starts_with("unknown platform \"git\": use one of mastodon")
        );
    }

    #[test]
    fn quotes_links_and_odd_text_are_words() {
        let query = parse("\"re: invoice\" https://example.com/a?b=1 from:\"ana lima\" ? --");
        assert_eq!(query.words, ["re: invoice", "https://example.com/a?b=1"]);
        assert_eq!(query.from, ["ana lima"]);
        assert_eq!(
            query.full_text(&["https".into()]).as_deref(),
            Some("\"re: invoice\" AND \"https://example.com/a?b=1\""),
            "only a single word being typed is completed"
        );
        assert_eq!(
            query.to_string(),
            "from:\"ana lima\" \"re: invoice\" \"https://example.com/a?b=1\""
        );
        // Quotes inside words cannot break out of the FTS string.
        let sneaky = parse("a\"b\" OR x");
        assert_eq!(
            sneaky.full_text(&[]).as_deref(),
            Some("\"a\"\"b\"\"\" AND \"OR\" AND \"x\"")
        );
        // An unfinished quote runs to the end: the query still runs.
        assert_eq!(parse("\"export to c").words, ["export to c"]);
    }

    #[test]
    fn only_a_free_word_being_typed_is_completed() {
        assert_eq!(parse("ana from:ana").typed_prefix(), None);
        assert_eq!(
            parse("\"inv").typed_prefix(),
            None,
            "a phrase is taken as typed"
        );
        assert_eq!(parse("from:ana inv").typed_prefix().as_deref(), Some("inv"));
        assert_eq!(
            parse("in\u{0}v\u{1b}").words,
            ["inv"],
            "control characters are dropped"
        );
    }

    #[test]
    fn the_word_being_typed_is_completed_from_two_characters() {
        let completions = ["invoice".to_owned(), "inventory".to_owned()];
        assert_eq!(parse("inv").typed_prefix().as_deref(), Some("inv"));
        assert_eq!(
            parse("Inv").full_text(&completions).as_deref(),
            Some("(\"Inv\" OR \"invoice\" OR \"inventory\")")
        );
        assert_eq!(parse("i").typed_prefix(), None);
        assert_eq!(parse("i").full_text(&completions).as_deref(), Some("\"i\""));
        assert_eq!(parse("inv").full_text(&[]).as_deref(), Some("\"inv\""));
        assert_eq!(
            parse("invoice ").full_text(&completions).as_deref(),
            Some("\"invoice\"")
        );
        assert_eq!(
            parse("csv is:open").full_text(&completions).as_deref(),
            Some("\"csv\""),
            "a filter after the word finishes it"
        );
        assert_eq!(
            parse("re-inv").typed_prefix(),
            None,
            "two words: not completed"
        );
        assert_eq!(parse("").full_text(&completions), None);
        assert!(parse("").is_empty() && parse("  ").is_empty());
        assert!(parse("is:open").lists_waiting());
        assert!(parse("is:overdue tag:vip").lists_waiting());
        assert!(!parse("is:all").lists_waiting());
    }
}
