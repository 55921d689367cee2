//! `[[accounts]]` and `[sync]`: the sources `tend sync` pulls from, checked
//! when the file is read. An account names where its secret is (an
//! environment variable or a file), rarely the secret itself; whatever it
//! holds is never printed, not even by `Debug`.

use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;

/// The services `tend sync` pulls from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Mastodon,
    Bluesky,
    Github,
}

impl Service {
    /// The platform its messages are stored under.
    #[must_use]
    pub fn platform(self) -> crate::model::Platform {
        match self {
            Service::Mastodon => crate::model::Platform::Mastodon,
            Service::Bluesky => crate::model::Platform::Bluesky,
            Service::Github => crate::model::Platform::Github,
        }
    }

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Mastodon => "mastodon",
            Service::Bluesky => "bluesky",
            Service::Github => "github",
        }
    }

    /// What the secret is called on this service, for messages.
    #[must_use]
    pub fn secret_name(self) -> &'static str {
        match self {
            Service::Mastodon => "access token",
            Service::Bluesky => "app password",
            Service::Github => "token",
        }
    }

    /// The config key family that holds the secret (`token…`, `password…`).
    #[must_use]
    pub fn secret_key(self) -> &'static str {
        match self {
            Service::Mastodon | Service::Github => "token",
            Service::Bluesky => "password",
        }
    }
}

/// Where an account's secret comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// Written in config.toml itself (allowed when only the user can read it).
    Inline(String),
    /// The name of an environment variable.
    Env(String),
    /// A file readable only by the user.
    File(PathBuf),
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::Inline(_) => f.write_str("Inline(<hidden>)"),
            SecretSource::Env(name) => f.debug_tuple("Env").field(name).finish(),
            SecretSource::File(path) => f.debug_tuple("File").field(path).finish(),
        }
    }
}

/// One `[[accounts]]` entry, validated.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawAccount")]
pub struct Account {
    /// What `tend sync NAME` and messages call it; the platform by default.
    pub name: String,
    pub service: Service,
    /// The server's address, without a trailing slash: the Mastodon
    /// instance, Bluesky's sign-in service, or GitHub's API.
    pub base_url: String,
    /// Bluesky: the handle (or email) that signs in.
    pub handle: Option<String>,
    pub secret: SecretSource,
    /// Items asked for per request; the service's largest by default.
    pub page_size: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccount {
    name: Option<String>,
    platform: String,
    instance: Option<String>,
    handle: Option<String>,
    service: Option<String>,
    api: Option<String>,
    token: Option<String>,
    token_env: Option<String>,
    token_file: Option<PathBuf>,
    password: Option<String>,
    password_env: Option<String>,
    password_file: Option<PathBuf>,
    page_size: Option<i64>,
}

impl TryFrom<RawAccount> for Account {
    type Error = String;

    fn try_from(raw: RawAccount) -> Result<Account, String> {
        let service = match raw.platform.as_str() {
            "mastodon" => Service::Mastodon,
            "bluesky" => Service::Bluesky,
            "github" => Service::Github,
            other => {
                return Err(format!(
                    "platform {}: tend syncs mastodon, bluesky and github; other platforms' \
                     exports come in with tend import",
                    crate::sanitize::quote(other)
                ));
            }
        };
        // Keys that belong to another service are mistakes, not extras.
        let foreign = [
            ("instance", raw.instance.is_some(), Service::Mastodon),
            ("service", raw.service.is_some(), Service::Bluesky),
            ("api", raw.api.is_some(), Service::Github),
            ("handle", raw.handle.is_some(), Service::Bluesky),
        ]
        .into_iter()
        .find(|(_, given, owner)| *given && *owner != service);
        if let Some((key, _, owner)) = foreign {
            return Err(format!(
                "`{key}` is a {} setting, not a {} one",
                owner.as_str(),
                service.as_str()
            ));
        }
        let (address, key, default) = match service {
            Service::Mastodon => (raw.instance, "instance", None),
            Service::Bluesky => (raw.service, "service", Some("https://bsky.social")),
            Service::Github => (raw.api, "api", Some("https://api.github.com")),
        };
        let address = match (address, default) {
            (Some(address), _) => address,
            (None, Some(default)) => default.to_owned(),
            (None, None) => {
                return Err(format!(
                    "`{key}` is missing: the address of your Mastodon server, e.g. \
                     instance = \"https://mastodon.social\""
                ));
            }
        };
        let base_url = base_url(&address).map_err(|why| format!("{key}: {why}"))?;
        let handle = match service {
            Service::Bluesky => Some(raw.handle.filter(|h| !h.trim().is_empty()).ok_or(
                "`handle` is missing: the Bluesky handle that signs in, e.g. \
                 handle = \"you.bsky.social\"",
            )?),
            Service::Mastodon | Service::Github => None,
        };
        let secret = secret_source(
            service,
            raw.token,
            raw.token_env,
            raw.token_file,
            raw.password,
            raw.password_env,
            raw.password_file,
        )?;
        let largest = match service {
            Service::Mastodon => 40,
            Service::Bluesky => 100,
            Service::Github => 50,
        };
        let page_size = match raw.page_size {
            None => largest,
            Some(size) if (1..=i64::from(largest)).contains(&size) => size as u32,
            Some(size) => {
                return Err(format!(
                    "page_size {size} is out of range: {} takes 1 to {largest} items a request",
                    service.as_str()
                ));
            }
        };
        let name = raw.name.unwrap_or_else(|| service.as_str().to_owned());
        if name.trim().is_empty() || name.chars().any(char::is_control) {
            return Err("`name` must be a visible name, e.g. name = \"work-github\"".to_owned());
        }
        Ok(Account {
            name,
            service,
            base_url,
            handle,
            secret,
            page_size,
        })
    }
}

/// Exactly one place for the secret, under the service's own key.
fn secret_source(
    service: Service,
    token: Option<String>,
    token_env: Option<String>,
    token_file: Option<PathBuf>,
    password: Option<String>,
    password_env: Option<String>,
    password_file: Option<PathBuf>,
) -> Result<SecretSource, String> {
    let key = service.secret_key();
    let (inline, env, file, other) = match service {
        Service::Mastodon | Service::Github => (
            token,
            token_env,
            token_file,
            password.is_some() || password_env.is_some() || password_file.is_some(),
        ),
        Service::Bluesky => (
            password,
            password_env,
            password_file,
            token.is_some() || token_env.is_some() || token_file.is_some(),
        ),
    };
    if other {
        return Err(format!(
            "{} signs in with {} {}: use {key}_env or {key}_file",
            service.as_str(),
            if service == Service::Bluesky {
                "an"
            } else {
                "a"
            },
            service.secret_name()
        ));
    }
    let mut given: Vec<SecretSource> = Vec::new();
    given.extend(inline.map(SecretSource::Inline));
    given.extend(env.map(SecretSource::Env));
    given.extend(file.map(SecretSource::File));
    match given.len() {
        1 => Ok(given.remove(0)),
        0 => Err(format!(
            "no {}: set {key}_env = \"NAME\" (an environment variable holding it) or \
             {key}_file = \"PATH\" (a file only you can read)",
            service.secret_name()
        )),
        _ => Err(format!(
            "give the {} once: one of {key}, {key}_env or {key}_file",
            service.secret_name()
        )),
    }
}

/// `https://host[:port][/path]`, or plain `http://` to this machine only: a
/// secret never crosses a network unencrypted.
pub fn base_url(address: &str) -> Result<String, String> {
    let address = address.trim().trim_end_matches('/');
    let quoted = crate::sanitize::quote(address);
    let (scheme, rest) = address
        .split_once("://")
        .ok_or_else(|| format!("{quoted} is not an address: expected https://HOST"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_name = host
        .strip_prefix('[')
        .and_then(|v6| v6.split_once(']'))
        .map_or_else(
            || host.rsplit_once(':').map_or(host, |(name, _)| name),
            |(name, _)| name,
        );
    if host_name.is_empty() || rest.contains(['?', '#', ' ']) {
        return Err(format!("{quoted} is not an address: expected https://HOST"));
    }
    match scheme {
        "https" => Ok(address.to_owned()),
        "http" if matches!(host_name, "127.0.0.1" | "localhost" | "::1") => Ok(address.to_owned()),
        "http" => Err(format!(
            "{quoted} is not encrypted: use https:// (plain http is allowed only to this machine)"
        )),
        _ => Err(format!("{quoted}: expected an https:// address")),
    }
}

/// `[sync]`: how patient `tend sync` is with slow or busy servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SyncSettings {
    /// How long one request may take, connecting included.
    pub timeout_seconds: super::TimeoutSeconds,
    /// The longest wait for a rate limit to reset before stopping (the next
    /// `tend sync` resumes where this one stopped).
    pub wait_seconds: super::WaitSeconds,
}

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings {
            timeout_seconds: super::TimeoutSeconds(30),
            wait_seconds: super::WaitSeconds(60),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_must_be_encrypted_unless_local() {
        assert_eq!(
            base_url("https://mastodon.example/").unwrap(),
            "https://mastodon.example"
        );
        assert_eq!(
            base_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(base_url("http://[::1]:80").unwrap(), "http://[::1]:80");
        assert!(
            base_url("http://mastodon.example")
                .unwrap_err()
                .contains("not encrypted")
        );
        assert!(
            base_url("mastodon.example")
                .unwrap_err()
                .contains("not an address")
        );
        assert!(
            base_url("ftp://x")
                .unwrap_err()
                .contains("expected an https://")
        );
        assert!(base_url("https://").unwrap_err().contains("not an address"));
    }

    #[test]
    fn an_inline_secret_never_shows_in_debug() {
        let shown = format!("{:?}", SecretSource::Inline("hunter2".into()));
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
