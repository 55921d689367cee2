//! HTTP for `tend sync`: one blocking request at a time with a timeout,
//! rate limits honoured (`Retry-After`, `X-RateLimit-*`, `RateLimit-*`), a
//! couple of retries for a server's passing errors, and failures turned into
//! errors that say what happened and what to do. Waiting goes through an
//! injected sleeper and the clock, so tests choose how long nothing takes.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::clock::Clock;
use crate::sanitize::quote;

/// The largest response tend reads: pages are tens of kilobytes.
const MAX_BODY_BYTES: u64 = 32 << 20;
/// Tries for a 5xx answer, and the pause before each retry.
const SERVER_RETRIES: [Duration; 2] = [Duration::from_millis(500), Duration::from_secs(2)];
/// Tries for a rate limit that asks to wait a short while.
const RATE_LIMIT_RETRIES: usize = 3;

/// What went wrong talking to a server, said for a person.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("cannot reach {host}: {why}; check the address and the network")]
    Unreachable { host: String, why: String },
    #[error(
        "{what} took longer than {seconds} s; the server is slow or unreachable ([sync] timeout_seconds sets the limit)"
    )]
    Timeout { what: String, seconds: u64 },
    #[error("the connection dropped while reading {what}; run tend sync again to continue")]
    Dropped { what: String },
    #[error("{what} answered with more than {} MiB, more than a page can be; check the account's address", MAX_BODY_BYTES >> 20)]
    TooLarge { what: String },
    #[error("rate limited until {} UTC; run tend sync again after that (what was fetched is saved)", until.format("%Y-%m-%d %H:%M"))]
    RateLimited { until: DateTime<Utc> },
    #[error("{what} failed with a server error ({status}{detail}); try again later")]
    Server {
        what: String,
        status: u16,
        detail: String,
    },
}

/// One answer, read whole. Its body may hold tokens (a session's): `Debug`
/// shows its size only.
pub struct Reply {
    pub status: u16,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// A header's value (names compare case-insensitively).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON, or what it is instead.
    pub fn json(&self, what: &str) -> anyhow::Result<Value> {
        serde_json::from_slice(&self.body).map_err(|err| {
            anyhow::anyhow!(
                "{what} answered {} that is not JSON ({})",
                self.status,
                quote(&err.to_string())
            )
        })
    }

    /// The server's own words about an error (`error_description`,
    /// `message`, `error`), made safe to show, as ` : words`.
    #[must_use]
    pub fn detail(&self) -> String {
        let value: Value = serde_json::from_slice(&self.body).unwrap_or(Value::Null);
        ["error_description", "message", "error"]
            .iter()
            .find_map(|key| value.get(*key).and_then(Value::as_str))
            .map(|words| format!(": {}", quote(words)))
            .unwrap_or_default()
    }
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// A request: method, address, headers, body. Headers and body may hold
/// secrets: `Debug` shows neither.
pub struct Call<'a> {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Vec<u8>>,
    /// What the request is, for messages (`GET /api/v1/notifications`).
    pub what: &'a str,
}

impl std::fmt::Debug for Call<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("what", &self.what)
            .finish_non_exhaustive()
    }
}

impl<'a> Call<'a> {
    #[must_use]
    pub fn get(url: String, what: &'a str) -> Call<'a> {
        Call {
            method: "GET",
            url,
            headers: Vec::new(),
            body: None,
            what,
        }
    }

    #[must_use]
    pub fn post_json(url: String, body: &Value, what: &'a str) -> Call<'a> {
        Call {
            method: "POST",
            url,
            headers: vec![("Content-Type", "application/json".to_owned())],
            body: Some(body.to_string().into_bytes()),
            what,
        }
    }

    #[must_use]
    pub fn header(mut self, name: &'static str, value: String) -> Call<'a> {
        self.headers.push((name, value));
        self
    }
}

/// Why a sync pauses (the progress line says it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pause {
    /// Until the service's rate limit resets.
    RateLimit,
    /// After a server error, before trying again.
    ServerError,
}

/// A client for one account's sync.
pub struct Http<'a> {
    agent: ureq::Agent,
    timeout: Duration,
    /// The longest a rate limit is waited out.
    patience: Duration,
    clock: &'a dyn Clock,
    sleep: &'a dyn Fn(Duration, Pause),
    /// No request before this: the last answer said none were left.
    not_before: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Http<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("timeout", &self.timeout)
            .field("patience", &self.patience)
            .finish_non_exhaustive()
    }
}

impl<'a> Http<'a> {
    #[must_use]
    pub fn new(
        timeout: Duration,
        patience: Duration,
        clock: &'a dyn Clock,
        sleep: &'a dyn Fn(Duration, Pause),
    ) -> Http<'a> {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            // A redirect could carry the Authorization header elsewhere.
            .max_redirects(0)
            .user_agent(concat!("tend/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Http {
            agent,
            timeout,
            patience,
            clock,
            sleep,
            not_before: None,
        }
    }

    /// Sends `call`, waiting out short rate limits and retrying a server's
    /// passing errors. Any other status is the caller's to judge.
    pub fn send(&mut self, call: &Call<'_>) -> Result<Reply, HttpError> {
        let mut server_errors = 0;
        let mut rate_limits = 0;
        loop {
            if let Some(until) = self.not_before.take() {
                self.wait_until(until)?;
            }
            let reply = self.send_once(call)?;
            let now = self.clock.now();
            if let Some(reset) = exhausted_until(&reply, now) {
                self.not_before = Some(reset);
            }
            // GitHub says a spent budget with 403; others with 429.
            let limited = reply.status == 429
                || (matches!(reply.status, 403 | 503)
                    && (reply.header("retry-after").is_some() || self.not_before.is_some()));
            if limited {
                let until = retry_after(&reply, now)
                    .or(self.not_before)
                    .unwrap_or(now + chrono::Duration::seconds(60));
                self.not_before = None;
                rate_limits += 1;
                if rate_limits > RATE_LIMIT_RETRIES {
                    return Err(HttpError::RateLimited { until });
                }
                self.wait_until(until)?;
                continue;
            }
            if (500..=599).contains(&reply.status) {
                if let Some(pause) = SERVER_RETRIES.get(server_errors) {
                    server_errors += 1;
                    (self.sleep)(*pause, Pause::ServerError);
                    continue;
                }
                return Err(HttpError::Server {
                    what: call.what.to_owned(),
                    status: reply.status,
                    detail: reply.detail(),
                });
            }
            return Ok(reply);
        }
    }

    /// Sleeps until `until`, unless that is longer than the user's patience.
    fn wait_until(&self, until: DateTime<Utc>) -> Result<(), HttpError> {
        let wait = (until - self.clock.now()).to_std().unwrap_or_default();
        if wait > self.patience {
            return Err(HttpError::RateLimited { until });
        }
        if !wait.is_zero() {
            (self.sleep)(wait, Pause::RateLimit);
        }
        Ok(())
    }

    fn send_once(&self, call: &Call<'_>) -> Result<Reply, HttpError> {
        let mut request = ureq::http::Request::builder()
            .method(call.method)
            .uri(&call.url);
        if !call
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("accept"))
        {
            request = request.header("Accept", "application/json");
        }
        for (name, value) in &call.headers {
            request = request.header(*name, value);
        }
        let request = request
            .body(call.body.clone().unwrap_or_default())
            .map_err(|err| HttpError::Unreachable {
                host: host_of(&call.url),
                why: format!("not a valid request ({err})"),
            })?;
        let mut response = self
            .agent
            .run(request)
            .map_err(|err| self.transport_error(call, err))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec()
            .map_err(|err| match err {
                ureq::Error::Timeout(_) => HttpError::Timeout {
                    what: call.what.to_owned(),
                    seconds: self.timeout.as_secs(),
                },
                ureq::Error::BodyExceedsLimit(_) => HttpError::TooLarge {
                    what: call.what.to_owned(),
                },
                _ => HttpError::Dropped {
                    what: call.what.to_owned(),
                },
            })?;
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    fn transport_error(&self, call: &Call<'_>, err: ureq::Error) -> HttpError {
        let host = host_of(&call.url);
        match err {
            ureq::Error::Timeout(_) => HttpError::Timeout {
                what: call.what.to_owned(),
                seconds: self.timeout.as_secs(),
            },
            ureq::Error::HostNotFound => HttpError::Unreachable {
                host,
                why: "no such host".to_owned(),
            },
            ureq::Error::ConnectionFailed => HttpError::Unreachable {
                host,
                why: "connection refused".to_owned(),
            },
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                HttpError::Unreachable {
                    host,
                    why: "connection refused".to_owned(),
                }
            }
            ureq::Error::Io(io)
                if matches!(
                    io.kind(),
                    std::io::ErrorKind::ConnectionReset
                        | std::io::ErrorKind::ConnectionAborted
                        | std::io::ErrorKind::UnexpectedEof
                        | std::io::ErrorKind::BrokenPipe
                ) =>
            {
                HttpError::Dropped {
                    what: call.what.to_owned(),
                }
            }
            ureq::Error::Io(io) if io.to_string().contains("lookup address") => {
                HttpError::Unreachable {
                    host,
                    why: "no such host".to_owned(),
                }
            }
            other => HttpError::Unreachable {
                host,
                why: crate::sanitize::sanitize_line(&other.to_string()).into_owned(),
            },
        }
    }
}

/// `scheme://host[:port]` of an address, for messages.
fn host_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    quote(&format!("{scheme}://{host}"))
}

/// When a `Retry-After` (seconds, or an HTTP date) says to try again.
fn retry_after(reply: &Reply, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let value = reply.header("retry-after")?.trim();
    if let Ok(seconds) = value.parse::<u32>() {
        return now.checked_add_signed(chrono::Duration::seconds(i64::from(seconds)));
    }
    DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// When the request budget the last answer reported resets, if it is spent.
/// Servers say it three ways: GitHub and Bluesky in epoch seconds, Mastodon
/// as an ISO time, Reddit in seconds from now.
fn exhausted_until(reply: &Reply, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let remaining = ["x-ratelimit-remaining", "ratelimit-remaining"]
        .iter()
        .find_map(|name| reply.header(name))?;
    if remaining.trim().parse::<f64>().ok()? > 0.0 {
        return None;
    }
    let reset = ["x-ratelimit-reset", "ratelimit-reset"]
        .iter()
        .find_map(|name| reply.header(name))?
        .trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(reset) {
        return Some(at.with_timezone(&Utc));
    }
    let number = reset
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)?;
    // A billion seconds is 2001: anything smaller counts from now. A reset
    // more than a day away is a server's mistake, not a reason to wait.
    let at = if number > 1e9 {
        DateTime::from_timestamp(number.min(1e12) as i64, 0)?
    } else {
        now.checked_add_signed(chrono::Duration::milliseconds(
            (number.min(1e8) * 1000.0) as i64,
        ))?
    };
    Some(at.min(now + chrono::Duration::days(1)))
}

/// Appends `&key=value` to `url`, the value percent-encoded (RFC 3986
/// unreserved characters stay).
pub fn push_param(url: &mut String, key: &str, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    url.push('&');
    url.push_str(key);
    url.push('=');
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            url.push(byte as char);
        } else {
            url.push('%');
            url.push(HEX[usize::from(byte >> 4)] as char);
            url.push(HEX[usize::from(byte & 0xF)] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(headers: &[(&str, &str)]) -> Reply {
        Reply {
            status: 200,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: Vec::new(),
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_spent_budget_resets_when_each_server_says() {
        let now = at("2026-06-12T09:18:00Z");
        // Mastodon: an ISO time.
        let mastodon = reply(&[
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", "2026-06-12T09:25:00.000000Z"),
        ]);
        assert_eq!(
            exhausted_until(&mastodon, now),
            Some(at("2026-06-12T09:25:00Z"))
        );
        // GitHub and Bluesky: epoch seconds.
        let github = reply(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1781258700"),
        ]);
        assert_eq!(
            exhausted_until(&github, now),
            DateTime::from_timestamp(1_781_258_700, 0)
        );
        let bluesky = reply(&[
            ("RateLimit-Remaining", "0"),
            ("RateLimit-Reset", "1781255100"),
        ]);
        assert_eq!(
            exhausted_until(&bluesky, now),
            DateTime::from_timestamp(1_781_255_100, 0)
        );
        // Reddit: seconds from now, remaining as a float.
        let reddit = reply(&[
            ("x-ratelimit-remaining", "0.0"),
            ("x-ratelimit-reset", "412"),
        ]);
        assert_eq!(
            exhausted_until(&reddit, now),
            Some(now + chrono::Duration::seconds(412))
        );
        // Requests left: no wait.
        let left = reply(&[
            ("x-ratelimit-remaining", "96.0"),
            ("x-ratelimit-reset", "412"),
        ]);
        assert_eq!(exhausted_until(&left, now), None);
    }

    #[test]
    fn hostile_reset_values_neither_panic_nor_wait_past_a_day() {
        let now = at("2026-06-12T09:18:00Z");
        for reset in ["-inf", "-1e20", "-1e14", "NaN", "inf", "1e300", "-5"] {
            let hostile = reply(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", reset)]);
            if let Some(until) = exhausted_until(&hostile, now) {
                assert!(until <= now + chrono::Duration::days(1), "{reset}: {until}");
            }
        }
        let far = reply(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "99999999999"),
        ]);
        assert_eq!(
            exhausted_until(&far, now),
            Some(now + chrono::Duration::days(1))
        );
        let call = Call::get("https://x/y".into(), "GET /y")
            .header("Authorization", "Bearer s3cret".into());
        assert!(!format!("{call:?}").contains("s3cret"));
    }

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        let now = at("2026-06-12T09:18:00Z");
        assert_eq!(
            retry_after(&reply(&[("Retry-After", "300")]), now),
            Some(at("2026-06-12T09:23:00Z"))
        );
        assert_eq!(
            retry_after(
                &reply(&[("retry-after", "Fri, 12 Jun 2026 09:20:00 GMT")]),
                now
            ),
            Some(at("2026-06-12T09:20:00Z"))
        );
        assert_eq!(retry_after(&reply(&[("Retry-After", "soon")]), now), None);
    }

    #[test]
    fn query_values_are_encoded() {
        let mut url = "https://x/y?limit=5".to_owned();
        push_param(&mut url, "cursor", "2026-06-11T18:40:02.572Z");
        push_param(&mut url, "uri", "at://did:plc:x/a b");
        assert_eq!(
            url,
            "https://x/y?limit=5&cursor=2026-06-11T18%3A40%3A02.572Z&uri=at%3A%2F%2Fdid%3Aplc%3Ax%2Fa%20b"
        );
    }
}
