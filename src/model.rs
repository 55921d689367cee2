//! Plain data shared by every part of tend: the fixed vocabularies of the
//! design (platforms, message kinds, directions, conversation states) and the
//! conversions between stored and displayed forms. No I/O here.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};

/// Declares a closed vocabulary stored as lowercase text: parsing names every
/// allowed value in its error, so a typo in a file or flag says what would fit.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The allowed values, space-separated, for error messages and help.
            #[must_use]
            pub fn allowed() -> String {
                let names: &[&str] = &[$($text),+];
                names.join(" ")
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(text: &str) -> Result<Self, UnknownValue> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownValue { what: $what, value: text.to_owned(), allowed: Self::allowed() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// A value outside a closed vocabulary. The value is quoted sanitized because it
/// may come from an imported file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown {what} \"{}\" (expected one of: {allowed})",
    crate::sanitize::quote(value)
)]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
    pub allowed: String,
}

vocabulary!(
    /// Where a message came from.
    Platform, "platform" {
        Mastodon = "mastodon", Bluesky = "bluesky", X = "x", Github = "github",
        Hackernews = "hackernews", Reddit = "reddit", Email = "email", Linkedin = "linkedin",
        Facebook = "facebook", Instagram = "instagram", Youtube = "youtube", Discord = "discord",
        Slack = "slack", Phone = "phone", InPerson = "in-person", Other = "other",
    }
);

vocabulary!(
    /// What sort of message it is on its platform.
    Kind, "kind" {
        Mention = "mention", Reply = "reply", Quote = "quote", Dm = "dm",
        Comment = "comment", Email = "email", Other = "other",
    }
);

vocabulary!(
    /// Written to the user (`in`) or by the user (`out`).
    Direction, "direction" { In = "in", Out = "out" }
);

vocabulary!(
    /// Where a conversation stands. `snoozed` carries an until-time in the store.
    ConversationState, "state" {
        Open = "open", Answered = "answered", Done = "done", Snoozed = "snoozed",
    }
);

impl Platform {
    /// How a handle is compared on this platform: handles are case-insensitive on
    /// every platform tend knows, and a leading `@` is decoration, not identity.
    #[must_use]
    pub fn handle_key(self, handle: &str) -> String {
        let trimmed = handle.trim();
        let bare = trimmed.strip_prefix('@').unwrap_or(trimmed);
        let bare = match self {
            Platform::Email => bare.strip_prefix("mailto:").unwrap_or(bare),
            Platform::Reddit => bare.strip_prefix("u/").unwrap_or(bare),
            _ => bare,
        };
        bare.to_lowercase()
    }
}

/// Timestamps are stored as microseconds since the Unix epoch, UTC: integers
/// sort and index cheaply and keep the sub-second precision platforms send.
#[must_use]
pub fn to_micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

/// A span as people write it: `45m`, `2h`, `3 days`, `6d18h5m`. Units are
/// d/day(s), h/hour(s), m/min/minute(s); at most 100 years, so arithmetic on
/// instants never overflows.
#[must_use]
pub fn parse_span(text: &str) -> Option<chrono::TimeDelta> {
    use chrono::TimeDelta;
    let mut total = TimeDelta::zero();
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let number: i64 = rest[..digits].parse().ok()?;
        rest = rest[digits..].trim_start();
        let unit_end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let part = match &rest[..unit_end] {
            "d" | "day" | "days" => TimeDelta::try_days(number)?,
            "h" | "hour" | "hours" => TimeDelta::try_hours(number)?,
            "m" | "min" | "mins" | "minute" | "minutes" => TimeDelta::try_minutes(number)?,
            _ => return None,
        };
        total = total.checked_add(&part)?;
        rest = rest[unit_end..].trim_start();
    }
    (total <= TimeDelta::days(36_525)).then_some(total)
}

/// Years tend stores: RFC 3339 writes four-digit years, so anything outside
/// could not be exported and imported back.
#[must_use]
pub fn in_supported_range(at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    use chrono::Datelike;
    (1..=9999).contains(&at.year()).then_some(at)
}

#[must_use]
pub fn from_micros(micros: i64) -> DateTime<Utc> {
    Utc.timestamp_micros(micros)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// RFC 3339 in UTC with as many fractional digits as needed, as exports and
/// JSON output write it.
#[must_use]
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_round_trips_and_lists_allowed_values_on_error() {
        for platform in Platform::ALL {
            assert_eq!(platform.as_str().parse::<Platform>(), Ok(*platform));
        }
        let err = "myspace".parse::<Platform>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown platform \"myspace\" (expected one of: mastodon bluesky x github \
             hackernews reddit email linkedin facebook instagram youtube discord slack phone \
             in-person other)"
        );
    }

    #[test]
    fn unknown_value_error_does_not_echo_control_characters() {
        let err = "x\u{1b}]52;c;AAA\u{7}".parse::<Kind>().unwrap_err();
        assert!(!err.to_string().contains('\u{1b}'));
        assert!(err.to_string().contains("␛]52"));
    }

    #[test]
    fn handle_keys_ignore_case_and_decoration() {
        assert_eq!(
            Platform::Mastodon.handle_key(" @Ana@Fosstodon.org "),
            "ana@fosstodon.org"
        );
        assert_eq!(
            Platform::Email.handle_key("mailto:Ana@Example.com"),
            "ana@example.com"
        );
        assert_eq!(Platform::Reddit.handle_key("u/Ledger_Kai"), "ledger_kai");
    }

    #[test]
    fn spans_people_write() {
        let minutes = |m| Some(chrono::TimeDelta::minutes(m));
        assert_eq!(parse_span("45m"), minutes(45));
        assert_eq!(parse_span("2 hours"), minutes(120));
        assert_eq!(parse_span("6d18h5m"), minutes(6 * 1440 + 18 * 60 + 5));
        assert_eq!(parse_span("1 day 2h"), minutes(1440 + 120));
        for bad in [
            "",
            "5",
            "5s",
            "h",
            "99999999999d",
            "9999999999999d",
            "-3d",
            "36526d",
        ] {
            assert_eq!(parse_span(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn micros_round_trip_keeps_milliseconds() {
        let at = DateTime::parse_from_rfc3339("2026-06-12T09:14:03.402Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(from_micros(to_micros(at)), at);
        assert_eq!(rfc3339(at), "2026-06-12T09:14:03.402Z");
        let whole = DateTime::parse_from_rfc3339("2026-06-12T12:00:09+02:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(rfc3339(whole), "2026-06-12T10:00:09Z");
    }
}
