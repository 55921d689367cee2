//! `config.toml`: its schema, its defaults (the embedded, commented
//! `assets/config.toml`), and errors that name the file, the line, the key and
//! what is allowed. Values are validated here so the rest of tend can trust them.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::Path;

use chrono::NaiveTime;
use serde::Deserialize;

use crate::model::Platform;

mod accounts;
pub use accounts::{Account, SecretSource, Service, SyncSettings, base_url as checked_base_url};

/// The commented default configuration, shipped inside the binary.
pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.toml");

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub budget: Budget,
    pub sla: Sla,
    pub me: Me,
    pub priority: Weights,
    pub keys: Keys,
    pub accounts: Vec<Account>,
    pub sync: SyncSettings,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Budget {
    pub minutes: Minutes,
    pub day_starts_at: ClockTime,
    pub idle_after_seconds: IdleSeconds,
    pub weekdays: Weekdays,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            minutes: Minutes(30),
            day_starts_at: ClockTime(NaiveTime::from_hms_opt(4, 0, 0).unwrap_or(NaiveTime::MIN)),
            idle_after_seconds: IdleSeconds(120),
            weekdays: Weekdays::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weekdays {
    pub mon: Option<Minutes>,
    pub tue: Option<Minutes>,
    pub wed: Option<Minutes>,
    pub thu: Option<Minutes>,
    pub fri: Option<Minutes>,
    pub sat: Option<Minutes>,
    pub sun: Option<Minutes>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Sla {
    pub hours: SlaHours,
    pub platforms: BTreeMap<Platform, SlaHours>,
}

impl Default for Sla {
    fn default() -> Self {
        Sla {
            hours: SlaHours(24),
            platforms: BTreeMap::new(),
        }
    }
}

impl Sla {
    /// The promised response time on `platform`, in hours.
    #[must_use]
    pub fn hours_for(&self, platform: Platform) -> u32 {
        self.platforms.get(&platform).unwrap_or(&self.hours).0
    }

    /// Where a conversation on `platform` waiting since `since` stands at `now`.
    #[must_use]
    pub fn assess(
        &self,
        platform: Platform,
        since: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::sla::Assessment {
        crate::sla::assess(since, self.hours_for(platform), now)
    }
}

/// The user's own handles, per platform.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(transparent)]
pub struct Me(pub BTreeMap<Platform, Handles>);

impl Me {
    /// `(platform, handle key)` pairs, compared the way `Platform::handle_key` says.
    #[must_use]
    pub fn handle_keys(&self) -> HashSet<(Platform, String)> {
        self.0
            .iter()
            .flat_map(|(platform, handles)| {
                handles
                    .0
                    .iter()
                    .map(|handle| (*platform, platform.handle_key(handle)))
            })
            .collect()
    }
}

/// `[priority]`: how much each factor of the queue order weighs (`priority`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Weights {
    /// Time against the response-time promise: due soon and overdue rise.
    pub sla: Weight,
    /// The person's relationship tag: customer > vip > lead > advocate.
    pub relationship: Weight,
    /// Past exchanges with the person, on any platform.
    pub depth: Weight,
    /// A waiting message asks a question.
    pub question: Weight,
    /// A direct message or email, or a reply to the user, over a mention.
    pub direct: Weight,
    /// How long the person has waited, across all their conversations.
    pub waited: Weight,
    /// Follower counts: deliberately small.
    pub reach: Weight,
    /// Back from a snooze the user chose.
    pub snoozed: Weight,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            sla: Weight(40),
            relationship: Weight(30),
            depth: Weight(15),
            question: Weight(10),
            direct: Weight(15),
            waited: Weight(10),
            reach: Weight(3),
            snoozed: Weight(10),
        }
    }
}

/// Key binding overrides, `key = "action"`, checked when the file is read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Keys(pub BTreeMap<String, String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bindings = BTreeMap::<String, String>::deserialize(deserializer)?;
        for (key, action) in &bindings {
            crate::tui::keymap::parse_binding(key, action).map_err(|why| {
                serde::de::Error::custom(format!("{}: {why}", crate::sanitize::quote(key)))
            })?;
        }
        Ok(Keys(bindings))
    }
}

/// Declares an integer setting with the range it allows; the range is part of
/// the error message, so a bad value tells the user what would work.
macro_rules! bounded {
    ($name:ident, $min:literal ..= $max:literal, $what:literal) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
        #[serde(try_from = "i64")]
        pub struct $name(pub u32);

        impl TryFrom<i64> for $name {
            type Error = String;
            fn try_from(value: i64) -> Result<Self, String> {
                if ($min..=$max).contains(&value) {
                    Ok($name(value as u32))
                } else {
                    Err(format!(
                        concat!("{} is out of range: expected ", $what, " from {} to {}"),
                        value, $min, $max
                    ))
                }
            }
        }
    };
}

bounded!(Minutes, 0..=1440, "whole minutes");
bounded!(IdleSeconds, 10..=3600, "seconds");
bounded!(SlaHours, 1..=8760, "hours");
bounded!(Weight, 0..=100, "whole points");
bounded!(TimeoutSeconds, 1..=600, "seconds");
bounded!(WaitSeconds, 0..=3600, "seconds");

/// A local time of day written `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct ClockTime(pub NaiveTime);

impl TryFrom<String> for ClockTime {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        NaiveTime::parse_from_str(&text, "%H:%M")
            .map(ClockTime)
            .map_err(|_| format!("\"{text}\" is not a time of day: expected HH:MM, e.g. \"04:00\""))
    }
}

/// One handle or a list of them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Handles(pub Vec<String>);

impl<'de> Deserialize<'de> for Handles {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct HandlesVisitor;
        impl<'de> serde::de::Visitor<'de> for HandlesVisitor {
            type Value = Handles;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a handle or a list of handles")
            }
            fn visit_str<E: serde::de::Error>(self, handle: &str) -> Result<Handles, E> {
                Ok(Handles(vec![handle.to_owned()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Handles, A::Error> {
                let mut handles = Vec::new();
                while let Some(handle) = seq.next_element::<String>()? {
                    handles.push(handle);
                }
                Ok(Handles(handles))
            }
        }
        deserializer.deserialize_any(HandlesVisitor)
    }
}

/// A config file that could not be used. Displayed as one line:
/// `FILE:LINE: KEY: what is wrong`.
#[derive(Debug, thiserror::Error)]
#[error("{location}: {message}")]
pub struct ConfigError {
    pub location: String,
    pub message: String,
}

impl Config {
    /// Reads `path`. A missing file is the defaults unless the user named it
    /// explicitly (then it is an error: they expected it to be used).
    pub fn load(path: &Path, must_exist: bool) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text, &path.display().to_string()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound && !must_exist => {
                Ok(Config::default())
            }
            Err(err) => Err(ConfigError {
                location: path.display().to_string(),
                message: format!("cannot read config file: {err}"),
            }),
        }
    }

    /// Parses config text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let error_at = |span: Option<std::ops::Range<usize>>, message: String| {
            let location = match span {
                Some(span) => format!("{origin}:{}", line_of(text, span.start)),
                None => origin.to_owned(),
            };
            ConfigError { location, message }
        };
        let deserializer = toml::Deserializer::parse(text)
            .map_err(|err| error_at(err.span(), err.message().trim().to_owned()))?;
        let config: Config = serde_path_to_error::deserialize(deserializer).map_err(|err| {
            let key = err.path().to_string();
            let inner = err.into_inner();
            let message = inner.message().trim().to_owned();
            let message = if key == "." {
                message
            } else {
                format!("{key}: {message}")
            };
            error_at(inner.span(), message)
        })?;
        // `tend sync NAME` and the stored cursors tell accounts apart by name.
        let mut names = HashSet::new();
        if let Some(twice) = config
            .accounts
            .iter()
            .find(|account| !names.insert(account.name.as_str()))
        {
            return Err(error_at(
                None,
                format!(
                    "accounts: two accounts are named {}; give each a `name`",
                    crate::sanitize::quote(&twice.name)
                ),
            ));
        }
        Ok(config)
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text.get(..byte).unwrap_or(text).matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(text: &str) -> String {
        Config::parse(text, "config.toml").unwrap_err().to_string()
    }

    #[test]
    fn embedded_default_is_valid_and_equals_the_built_in_defaults() {
        let parsed = Config::parse(DEFAULT_CONFIG, "default").unwrap();
        assert_eq!(parsed, Config::default());
        assert_eq!(parsed.budget.minutes, Minutes(30));
        assert_eq!(parsed.sla.hours_for(Platform::Github), 24);
    }

    #[test]
    fn full_config_parses() {
        let config = Config::parse(
            r#"
[budget]
minutes = 45
day_starts_at = "05:30"
[budget.weekdays]
sat = 10
sun = 0
[sla]
hours = 12
[sla.platforms]
github = 72
[me]
mastodon = ["@Robin@mastodon.example"]
email = "robin@example.com"
"#,
            "c",
        )
        .unwrap();
        assert_eq!(config.budget.minutes, Minutes(45));
        assert_eq!(config.budget.weekdays.sun, Some(Minutes(0)));
        assert_eq!(config.sla.hours_for(Platform::Github), 72);
        assert_eq!(config.sla.hours_for(Platform::Email), 12);
        let mine = config.me.handle_keys();
        assert!(mine.contains(&(Platform::Mastodon, "robin@mastodon.example".into())));
        assert!(mine.contains(&(Platform::Email, "robin@example.com".into())));
    }

    #[test]
    fn unknown_key_names_file_line_key_and_allowed_keys() {
        assert_eq!(
            parse_err("[budget]\nminutes = 30\nminutez = 3\n"),
            "config.toml:3: budget.minutez: unknown field `minutez`, expected one of `minutes`, \
             `day_starts_at`, `idle_after_seconds`, `weekdays`"
        );
        assert!(
            parse_err("[budgte]\n").starts_with("config.toml:1: budgte: unknown field `budgte`")
        );
    }

    #[test]
    fn bad_values_say_what_is_allowed() {
        assert_eq!(
            parse_err("[budget]\nminutes = -5\n"),
            "config.toml:2: budget.minutes: -5 is out of range: expected whole minutes from 0 to 1440"
        );
        assert_eq!(
            parse_err("[budget]\nday_starts_at = \"25:00\"\n"),
            "config.toml:2: budget.day_starts_at: \"25:00\" is not a time of day: expected HH:MM, e.g. \"04:00\""
        );
        assert!(parse_err("[sla.platforms]\nmyspace = 3\n").contains(
            "sla.platforms.myspace: unknown platform \"myspace\" (expected one of: mastodon"
        ));
        assert!(parse_err("[me]\nfax = \"x\"\n").contains("unknown platform \"fax\""));
        assert!(
            parse_err("[sla]\nhours = \"soon\"\n")
                .starts_with("config.toml:2: sla.hours: invalid type")
        );
    }

    #[test]
    fn accounts_are_checked_when_read_and_say_what_would_work() {
        let config = Config::parse(
            "[[accounts]]\nplatform = \"mastodon\"\ninstance = \"https://mastodon.example/\"\n\
             token_env = \"TOKEN\"\n\n[[accounts]]\nname = \"work\"\nplatform = \"github\"\n\
             token_file = \"~/.config/tend/github.token\"\n",
            "c",
        )
        .unwrap();
        assert_eq!(config.accounts[0].name, "mastodon");
        assert_eq!(config.accounts[0].base_url, "https://mastodon.example");
        assert_eq!(config.accounts[0].page_size, 40);
        assert_eq!(config.accounts[1].name, "work");
        assert_eq!(config.accounts[1].base_url, "https://api.github.com");
        assert_eq!(config.sync, SyncSettings::default());

        let cases = [
            (
                "[[accounts]]\nplatform = \"myspace\"\n",
                "config.toml:1: accounts[0]: platform myspace: tend syncs mastodon, bluesky and github",
            ),
            (
                "[[accounts]]\nplatform = \"mastodon\"\ntoken_env = \"T\"\n",
                "config.toml:1: accounts[0]: `instance` is missing",
            ),
            (
                "[[accounts]]\nplatform = \"bluesky\"\npassword_env = \"T\"\n",
                "config.toml:1: accounts[0]: `handle` is missing",
            ),
            (
                "[[accounts]]\nplatform = \"github\"\n",
                "config.toml:1: accounts[0]: no token: set token_env",
            ),
            (
                "[[accounts]]\nplatform = \"github\"\ntoken_env = \"A\"\ntoken_file = \"b\"\n",
                "give the token once",
            ),
            (
                "[[accounts]]\nplatform = \"github\"\npassword_env = \"A\"\n",
                "github signs in with a token: use token_env or token_file",
            ),
            (
                "[[accounts]]\nplatform = \"github\"\ntoken_env = \"A\"\ninstance = \"https://x\"\n",
                "`instance` is a mastodon setting, not a github one",
            ),
            (
                "[[accounts]]\nplatform = \"github\"\ntoken_env = \"A\"\napi = \"http://ghe.example\"\n",
                "api: http://ghe.example is not encrypted",
            ),
            (
                "[[accounts]]\nplatform = \"github\"\ntoken_env = \"A\"\npage_size = 80\n",
                "page_size 80 is out of range: github takes 1 to 50",
            ),
            (
                "[[accounts]]\nplatform = \"github\"\ntoken_env = \"A\"\nsecret = 1\n",
                "config.toml:4: accounts[0].secret: unknown field `secret`",
            ),
            (
                "[[accounts]]\nplatform = \"github\"\ntoken_env = \"A\"\n[[accounts]]\nplatform = \"github\"\ntoken_env = \"B\"\n",
                "config.toml: accounts: two accounts are named github; give each a `name`",
            ),
            (
                "[sync]\ntimeout_seconds = 0\n",
                "config.toml:2: sync.timeout_seconds: 0 is out of range: expected seconds from 1 to 600",
            ),
        ];
        for (text, expected) in cases {
            let err = parse_err(text);
            assert!(err.contains(expected), "{text:?}: {err}");
            assert!(!err.contains('\n'), "{err}");
        }
    }

    #[test]
    fn priority_weights_default_and_are_bounded() {
        let config = Config::parse("[priority]\nreach = 0\nrelationship = 100\n", "c").unwrap();
        assert_eq!(config.priority.reach, Weight(0));
        assert_eq!(config.priority.relationship, Weight(100));
        assert_eq!(config.priority.sla, Weights::default().sla);
        assert_eq!(
            parse_err("[priority]\ndepth = 101\n"),
            "config.toml:2: priority.depth: 101 is out of range: expected whole points from 0 to 100"
        );
        assert!(parse_err("[priority]\nfame = 3\n").starts_with(
            "config.toml:2: priority.fame: unknown field `fame`, expected one of `sla`"
        ));
    }

    #[test]
    fn key_bindings_are_checked_when_read() {
        let config = Config::parse("[keys]\nctrl-d = \"send\"\nx = \"done\"\n", "c").unwrap();
        assert_eq!(config.keys.0.get("x").map(String::as_str), Some("done"));
        let err = parse_err("[keys]\nctrl-s = \"sned\"\n");
        assert!(
            err.starts_with(
                "config.toml:1: keys: ctrl-s: unknown action \"sned\" (expected one of:"
            ),
            "{err}"
        );
    }

    #[test]
    fn syntax_errors_are_one_line_with_position() {
        let err = parse_err("[budget\nminutes = 3\n");
        assert!(err.starts_with("config.toml:1: "), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn missing_file_is_defaults_unless_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.toml");
        assert_eq!(Config::load(&missing, false).unwrap(), Config::default());
        let err = Config::load(&missing, true).unwrap_err().to_string();
        assert!(err.contains("none.toml: cannot read config file"), "{err}");
    }
}
