//! A fake HTTP/1.1 server for the sync tests: it serves the shared platform
//! fixtures in `tests/fixtures/` as `tests/fixtures/routes.json` maps them,
//! checks each platform's credentials the way the real API does, and can be
//! told to fail (an error status, a slow answer, a body cut in half).
//!
//! It binds **loopback only** (`127.0.0.1`, a port the OS picks), answers one
//! request per connection with `Connection: close`, and runs a thread per
//! connection. Std only: no async runtime, no HTTP crate.
//!
//! Credentials it accepts:
//! - Mastodon (`/api/v1/…`): `Authorization: Bearer mastodon-token`.
//! - GitHub (`/notifications`, `/repos/…`): `Bearer github-token` or `token github-token`.
//! - Bluesky: `createSession` with identifier `robin.tallybook.example` and password
//!   `xxxx-xxxx-xxxx-xxxx`; every other `/xrpc/` call needs an `accessJwt` this server
//!   has issued. The session's `didDoc` names this server as the PDS.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

/// The Mastodon access token the server accepts.
pub const MASTODON_TOKEN: &str = "mastodon-token";
/// The GitHub personal access token the server accepts.
pub const GITHUB_TOKEN: &str = "github-token";
/// The Bluesky handle `createSession` accepts.
pub const BLUESKY_IDENTIFIER: &str = "robin.tallybook.example";
/// The Bluesky app password `createSession` accepts.
pub const BLUESKY_PASSWORD: &str = "xxxx-xxxx-xxxx-xxxx";

const CREATE_SESSION: &str = "/xrpc/com.atproto.server.createSession";
const REFRESH_SESSION: &str = "/xrpc/com.atproto.server.refreshSession";
/// The host `routes.json` gives Mastodon's routes; other hosts' `/api/v1/` paths
/// (Algolia, Reddit) are not Mastodon's and need no Mastodon token.
const MASTODON_HOST: &str = "mastodon.example";
/// How long a connection may take to send its request before it is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A running fake server. Dropping it stops the accept loop.
#[derive(Debug)]
pub struct FakeServer {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base: String,
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept: Option<JoinHandle<()>>,
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The path as sent, without the query.
    pub path: String,
    /// Query pairs, percent-decoded (`+` is a space), in the order sent.
    pub query: Vec<(String, String)>,
    /// Lowercase names.
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
    /// When the request had arrived whole.
    pub at: std::time::Instant,
}

impl Seen {
    /// The first value of query key `key`.
    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    /// The value of header `name`, whatever its case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// What to do instead of the normal answer (see [`FakeServer::fault`]).
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this status, the body of fixture file `body` (or empty when None), the
    /// headers of fixture `.headers` file `headers` (its status line is replaced by `status`),
    /// plus `extra` headers (an extra header replaces a sidecar header of the same name).
    Status {
        status: u16,
        body: Option<&'static str>,
        headers: Option<&'static str>,
        extra: Vec<(&'static str, String)>,
    },
    /// Sleep this long before answering normally (the client should time out first).
    Slow(Duration),
    /// Send the normal status line and headers (with the full Content-Length), then only half
    /// of the body, then close the connection.
    DropMidBody,
}

impl FakeServer {
    /// Binds `127.0.0.1:0` and spawns the accept thread.
    pub fn start() -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let dir = crate::common::fixture("");
        let routes = load_routes(&dir);
        let shared = Arc::new(Shared {
            base: base.clone(),
            dir,
            routes,
            stopping: AtomicBool::new(false),
            seen: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            served: Mutex::new(Vec::new()),
            access_tokens: Mutex::new(HashSet::new()),
            refresh_tokens: Mutex::new(HashSet::new()),
        });
        let accept = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("fake-server-{}", addr.port()))
                .spawn(move || accept_loop(&listener, &shared))
                .unwrap()
        };
        FakeServer {
            base,
            shared,
            addr,
            accept: Some(accept),
        }
    }

    /// Every request received so far, in the order they arrived.
    pub fn requests(&self) -> Vec<Seen> {
        lock(&self.shared.seen).clone()
    }

    pub fn clear_requests(&self) {
        lock(&self.shared.seen).clear();
    }

    /// The next `times` requests whose path starts with `path_prefix` get `fault` instead of
    /// the normal answer. A `?key=value&…` after the path also requires those query values. Faults are checked before authentication and routing, oldest first.
    pub fn fault(&self, path_prefix: &str, fault: Fault, times: usize) {
        if times > 0 {
            lock(&self.shared.faults).push(Armed {
                prefix: path_prefix.to_owned(),
                fault,
                left: times,
            });
        }
    }

    /// Ends every Bluesky session, as revoking the app password on Bluesky
    /// does: their access and refresh tokens are refused from now on.
    pub fn revoke_sessions(&self) {
        lock(&self.shared.access_tokens).clear();
        lock(&self.shared.refresh_tokens).clear();
    }

    /// From now on, answer `path?key=value&…` (after the credentials check)
    /// with fixture `body` and `headers`: for answers `routes.json` does not
    /// have. The entry requiring most query pairs wins.
    pub fn serve(
        &self,
        path_and_query: &str,
        body: &'static str,
        headers: Vec<(&'static str, String)>,
    ) {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let query = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (key.to_owned(), value.to_owned())
            })
            .collect();
        lock(&self.shared.served).push(Served {
            path: path.to_owned(),
            query,
            body,
            headers,
        });
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag; if the connect fails the
        // listener is already gone.
        if TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)).is_ok()
            && let Some(accept) = self.accept.take()
        {
            let _ = accept.join();
        }
    }
}

#[derive(Debug)]
struct Shared {
    base: String,
    dir: PathBuf,
    routes: Vec<Route>,
    stopping: AtomicBool,
    seen: Mutex<Vec<Seen>>,
    faults: Mutex<Vec<Armed>>,
    /// Answers a test added to the route table (`FakeServer::serve`).
    served: Mutex<Vec<Served>>,
    /// Bluesky access tokens this server has issued.
    access_tokens: Mutex<HashSet<String>>,
    /// Bluesky refresh tokens this server has issued.
    refresh_tokens: Mutex<HashSet<String>>,
}

/// A route a test added: `path` exactly, with each of `query`'s pairs.
#[derive(Debug)]
struct Served {
    path: String,
    query: Vec<(String, String)>,
    body: &'static str,
    headers: Vec<(&'static str, String)>,
}

#[derive(Debug)]
struct Armed {
    prefix: String,
    fault: Fault,
    left: usize,
}

/// One entry of `routes.json`.
#[derive(Debug)]
struct Route {
    host: String,
    method: String,
    path: String,
    query: Vec<(String, String)>,
    when_header: Option<(String, String)>,
    status: Option<u16>,
    body: Option<String>,
    headers: Option<String>,
}

#[derive(Debug)]
struct Response {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Send only half of the body, then close.
    cut: bool,
}

impl Response {
    /// Adds a header, replacing any of the same name.
    fn set_header(&mut self, name: &str, value: String) {
        self.headers
            .retain(|(old, _)| !old.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value));
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not take the server down with it.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn load_routes(dir: &Path) -> Vec<Route> {
    let text = std::fs::read_to_string(dir.join("routes.json")).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let string =
        |route: &Value, key: &str| route.get(key).and_then(Value::as_str).map(str::to_owned);
    json["routes"]
        .as_array()
        .unwrap()
        .iter()
        // `(missing/invalid token)` and the like are examples, not paths.
        .filter(|route| !route["path"].as_str().unwrap_or("(").starts_with('('))
        .map(|route| Route {
            host: string(route, "host").unwrap_or_default(),
            method: string(route, "method").unwrap_or_default(),
            path: string(route, "path").unwrap_or_default(),
            query: route
                .get("query")
                .and_then(Value::as_object)
                .map(|query| {
                    query
                        .iter()
                        .map(|(key, value)| (key.clone(), value.as_str().unwrap().to_owned()))
                        .collect()
                })
                .unwrap_or_default(),
            when_header: string(route, "when_request_header").map(|header| {
                let (name, value) = header.split_once(':').unwrap();
                (name.trim().to_owned(), value.trim().to_owned())
            }),
            status: route
                .get("status")
                .and_then(Value::as_u64)
                .map(|status| u16::try_from(status).unwrap()),
            body: string(route, "body"),
            headers: string(route, "headers"),
        })
        .collect()
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let shared = Arc::clone(shared);
        std::thread::spawn(move || serve(&shared, &stream));
    }
}

fn serve(shared: &Shared, stream: &TcpStream) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let Some(request) = read_request(stream) else {
        return;
    };
    lock(&shared.seen).push(request.clone());
    let response = match shared.take_fault(&request) {
        Some(Fault::Status {
            status,
            body,
            headers,
            extra,
        }) => {
            let mut response = shared.fixture(Some(status), body, headers);
            for (name, value) in extra {
                response.set_header(name, value);
            }
            response
        }
        Some(Fault::Slow(delay)) => {
            std::thread::sleep(delay);
            shared.answer(&request)
        }
        Some(Fault::DropMidBody) => Response {
            cut: true,
            ..shared.answer(&request)
        },
        None => shared.answer(&request),
    };
    write_response(stream, &response);
}

impl Shared {
    /// Takes one use of the oldest fault armed for `request`: its path
    /// starts with the prefix, and it has each `key=value` of the prefix's
    /// query, if it has one (`/api/v1/notifications?max_id=88212840`).
    fn take_fault(&self, request: &Seen) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let index = faults.iter().position(|armed| {
            let (path, query) = armed.prefix.split_once('?').unwrap_or((&armed.prefix, ""));
            request.path.starts_with(path)
                && query
                    .split('&')
                    .filter(|pair| !pair.is_empty())
                    .all(|pair| {
                        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                        request.query_value(key) == Some(value)
                    })
        })?;
        let armed = &mut faults[index];
        armed.left -= 1;
        let fault = armed.fault.clone();
        if armed.left == 0 {
            faults.remove(index);
        }
        Some(fault)
    }

    /// The normal answer: authentication first, then the route table.
    fn answer(&self, request: &Seen) -> Response {
        let path = request.path.as_str();
        if path.starts_with("/api/v1/") && self.is_mastodon(path) {
            if bearer(request) != Some(MASTODON_TOKEN) {
                return self.fixture(Some(401), Some("mastodon_error_401.json"), None);
            }
        } else if path == "/notifications" || path.starts_with("/repos/") {
            let authorization = request.header("authorization").unwrap_or("");
            let token = authorization
                .split_once(' ')
                .filter(|(scheme, _)| {
                    scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token")
                })
                .map(|(_, token)| token.trim());
            if token != Some(GITHUB_TOKEN) {
                return self.fixture(Some(401), Some("github_error_401.json"), None);
            }
            // The fixture is page 1; its Link names pages 2 and 3, which this
            // server serves as the empty end of the list.
            let later_page = request
                .query_value("page")
                .and_then(|page| page.parse::<u32>().ok())
                .is_some_and(|page| page >= 2);
            if path == "/notifications" && later_page {
                let mut response = self.fixture(Some(200), None, None);
                response.body = b"[]".to_vec();
                return response;
            }
        } else if request.method == "POST" && path == CREATE_SESSION {
            return self.create_session(request);
        } else if request.method == "POST" && path == REFRESH_SESSION {
            return self.refresh_session(request);
        } else if path.starts_with("/xrpc/") {
            let valid =
                bearer(request).is_some_and(|token| lock(&self.access_tokens).contains(token));
            if !valid {
                return self.bluesky_auth_error();
            }
        }
        if let Some(response) = self.served(request) {
            return response;
        }
        match self.route(request) {
            Some(route) => self.fixture(
                route.status,
                route.body.as_deref(),
                route.headers.as_deref(),
            ),
            None => Response {
                status: 404,
                reason: reason(404).to_owned(),
                headers: Vec::new(),
                body: br#"{"message":"Not Found"}"#.to_vec(),
                cut: false,
            },
        }
    }

    /// The answer a test added for `request`, if any.
    fn served(&self, request: &Seen) -> Option<Response> {
        let served = lock(&self.served);
        let entry = served
            .iter()
            .filter(|entry| {
                entry.path == request.path
                    && entry
                        .query
                        .iter()
                        .all(|(key, value)| request.query_value(key) == Some(value.as_str()))
            })
            .max_by_key(|entry| entry.query.len())?;
        let mut response = self.fixture(Some(200), Some(entry.body), None);
        for (name, value) in &entry.headers {
            response.set_header(name, value.clone());
        }
        Some(response)
    }

    /// Whether an `/api/v1/` path is Mastodon's: not a path `routes.json` gives another host.
    fn is_mastodon(&self, path: &str) -> bool {
        !self
            .routes
            .iter()
            .any(|route| route.path == path && route.host != MASTODON_HOST)
    }

    /// The matching route with the most query keys (a header condition breaks a tie; then the
    /// earlier route wins).
    fn route(&self, request: &Seen) -> Option<&Route> {
        self.routes
            .iter()
            .rev()
            .filter(|route| {
                route.method == request.method
                    && route.path == request.path
                    && route.query.iter().all(|(key, value)| {
                        request
                            .query
                            .iter()
                            .any(|(name, sent)| name == key && sent == value)
                    })
                    && route
                        .when_header
                        .as_ref()
                        .is_none_or(|(name, value)| request.header(name) == Some(value.as_str()))
            })
            .max_by_key(|route| (route.query.len(), route.when_header.is_some()))
    }

    fn create_session(&self, request: &Seen) -> Response {
        let credentials: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        if credentials["identifier"] != BLUESKY_IDENTIFIER
            || credentials["password"] != BLUESKY_PASSWORD
        {
            return self.bluesky_auth_error();
        }
        self.issue_session(
            "bluesky_createSession.json",
            Some("bluesky_createSession.headers"),
        )
    }

    fn refresh_session(&self, request: &Seen) -> Response {
        let valid = bearer(request).is_some_and(|token| lock(&self.refresh_tokens).contains(token));
        if !valid {
            return self.bluesky_auth_error();
        }
        self.issue_session("bluesky_refreshSession.json", None)
    }

    /// Serves a session fixture: its tokens become valid and its PDS is this server.
    fn issue_session(&self, body: &str, headers: Option<&str>) -> Response {
        let mut response = self.fixture(None, Some(body), headers);
        let mut session: Value = serde_json::from_slice(&response.body).unwrap();
        if let Some(services) = session
            .pointer_mut("/didDoc/service")
            .and_then(Value::as_array_mut)
        {
            for service in services {
                if let Some(service) = service.as_object_mut()
                    && service.contains_key("serviceEndpoint")
                {
                    service.insert(
                        "serviceEndpoint".to_owned(),
                        Value::String(self.base.clone()),
                    );
                }
            }
        }
        // Each session's access token is its own (the fixtures' refreshed
        // one equals the first), and a new session revokes the old ones: a
        // client that keeps using a stale token is refused.
        let mut access_tokens = lock(&self.access_tokens);
        let access = format!(
            "{}.{}",
            session["accessJwt"].as_str().unwrap(),
            access_tokens.len() + lock(&self.refresh_tokens).len()
        );
        access_tokens.clear();
        access_tokens.insert(access.clone());
        session["accessJwt"] = Value::String(access);
        lock(&self.refresh_tokens).insert(session["refreshJwt"].as_str().unwrap().to_owned());
        response.body = serde_json::to_vec_pretty(&session).unwrap();
        response
    }

    fn bluesky_auth_error(&self) -> Response {
        self.fixture(
            Some(401),
            Some("bluesky_error_auth.json"),
            Some("bluesky_error_auth.headers"),
        )
    }

    /// A response from fixture files: `status` overrides the sidecar's status line, which
    /// defaults to `200 OK` when there is no sidecar.
    fn fixture(&self, status: Option<u16>, body: Option<&str>, headers: Option<&str>) -> Response {
        let (sidecar_status, sidecar_reason, headers) = match headers {
            Some(name) => self.sidecar(name),
            None => (200, reason(200).to_owned(), Vec::new()),
        };
        let status = status.unwrap_or(sidecar_status);
        let reason = if status == sidecar_status {
            sidecar_reason
        } else {
            reason(status).to_owned()
        };
        let body = body.map_or_else(Vec::new, |name| {
            std::fs::read(self.dir.join(name))
                .unwrap_or_else(|error| panic!("fixture {name}: {error}"))
        });
        Response {
            status,
            reason,
            headers,
            body,
            cut: false,
        }
    }

    /// A `.headers` sidecar: its status, reason and headers (framing headers dropped).
    fn sidecar(&self, name: &str) -> (u16, String, Vec<(String, String)>) {
        let text = std::fs::read_to_string(self.dir.join(name))
            .unwrap_or_else(|error| panic!("fixture {name}: {error}"));
        let mut lines = text
            .lines()
            .map(str::trim_end)
            .filter(|line| !line.is_empty());
        let status_line = lines.next().unwrap_or_else(|| panic!("{name} is empty"));
        let mut parts = status_line.splitn(3, ' ');
        let _version = parts.next();
        let status: u16 = parts
            .next()
            .and_then(|status| status.parse().ok())
            .unwrap_or_else(|| panic!("{name}: bad status line {status_line:?}"));
        let reason = parts.next().unwrap_or("").to_owned();
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
            .filter(|(name, _)| {
                !["content-length", "transfer-encoding", "connection"]
                    .iter()
                    .any(|framing| name.eq_ignore_ascii_case(framing))
            })
            .collect();
        (status, reason, headers)
    }
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(request: &Seen) -> Option<&str> {
    let (scheme, token) = request.header("authorization")?.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        410 => "Gone",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// Reads one request; `None` when the peer sent nothing usable (the wake-up
/// connection of [`FakeServer`]'s drop, a client that gave up).
fn read_request(stream: &TcpStream) -> Option<Seen> {
    let mut reader = BufReader::new(stream);
    let request_line = read_line(&mut reader)?;
    let mut parts = request_line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect();

    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let line = read_line(&mut reader)?;
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
    }
    // The client sends bodies with a length (no chunks, no 100-continue).
    let length: usize = headers
        .get("content-length")
        .map_or(Some(0), |length| length.parse().ok())?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        method,
        path: path.to_owned(),
        query,
        headers,
        body,
        at: std::time::Instant::now(),
    })
}

/// One line without its CRLF; `None` at end of stream or on a read error.
fn read_line(reader: &mut impl BufRead) -> Option<String> {
    let mut line = Vec::new();
    if reader.read_until(b'\n', &mut line).ok()? == 0 {
        return None;
    }
    while line
        .last()
        .is_some_and(|byte| *byte == b'\n' || *byte == b'\r')
    {
        line.pop();
    }
    Some(String::from_utf8_lossy(&line).into_owned())
}

/// `%XX` escapes and `+` as a space, as in a form-encoded query.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => decoded.push(b' '),
            b'%' if index + 2 < bytes.len()
                && bytes[index + 1].is_ascii_hexdigit()
                && bytes[index + 2].is_ascii_hexdigit() =>
            {
                decoded.push(hex_value(bytes[index + 1]) * 16 + hex_value(bytes[index + 2]));
                index += 2;
            }
            byte => decoded.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit - b'A' + 10,
    }
}

fn write_response(stream: &TcpStream, response: &Response) {
    let mut head = format!("HTTP/1.1 {} {}\r\n", response.status, response.reason);
    for (name, value) in &response.headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    if !response
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
    {
        head.push_str("Content-Type: application/json\r\n");
    }
    let _ = write!(
        head,
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        response.body.len()
    );
    let body = if response.cut {
        &response.body[..response.body.len() / 2]
    } else {
        &response.body[..]
    };
    let mut out = stream;
    let _ = out.write_all(head.as_bytes());
    let _ = out.write_all(body);
    let _ = out.flush();
    let _ = stream.shutdown(Shutdown::Write);
}

// ---- Self-tests ---------------------------------------------------------------------------------

type Answer = (u16, BTreeMap<String, String>, Vec<u8>);

/// One raw HTTP/1.1 request to `base`; the status, headers (lowercase names) and whatever body
/// bytes arrived before the server closed the connection.
fn get(
    base: &str,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut stream = connect(base, Duration::from_secs(5));
    send(&mut stream, method, path_and_query, headers, body);
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse_answer(&raw)
}

fn connect(base: &str, timeout: Duration) -> TcpStream {
    let stream = TcpStream::connect(base.strip_prefix("http://").unwrap()).unwrap();
    stream.set_read_timeout(Some(timeout)).unwrap();
    stream
}

fn send(
    stream: &mut TcpStream,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) {
    let mut head = format!("{method} {path_and_query} HTTP/1.1\r\nHost: fake.example\r\n");
    for (name, value) in headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    let _ = write!(head, "Content-Length: {}\r\n\r\n", body.len());
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
}

fn parse_answer(raw: &[u8]) -> Answer {
    let end = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .unwrap();
    let head = std::str::from_utf8(&raw[..end]).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    (status, headers, raw[end + 4..].to_vec())
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(crate::common::fixture(name)).unwrap()
}

const MASTODON_AUTH: (&str, &str) = ("Authorization", "Bearer mastodon-token");

#[test]
fn mastodon_pages_are_chosen_by_the_most_specific_query() {
    let server = FakeServer::start();

    let (status, headers, body) = get(
        &server.base,
        "GET",
        "/api/v1/notifications?limit=4",
        &[MASTODON_AUTH],
        b"",
    );
    assert_eq!(status, 200);
    assert_eq!(body, fixture_bytes("mastodon_notifications_page1.json"));
    assert!(headers["link"].contains("max_id=88212840>; rel=\"next\""));
    assert_eq!(headers["content-length"], body.len().to_string());
    assert_eq!(headers["connection"], "close");
    assert_eq!(headers["content-type"], "application/json; charset=utf-8");

    // Unlisted keys are ignored, and order does not matter.
    let (status, headers, body) = get(
        &server.base,
        "GET",
        "/api/v1/notifications?max_id=88212840&types%5B%5D=mention&limit=4",
        &[MASTODON_AUTH],
        b"",
    );
    assert_eq!(status, 200);
    assert_eq!(body, fixture_bytes("mastodon_notifications_page2.json"));
    assert!(headers["link"].contains("max_id=88210777"));

    let (status, headers, body) = get(
        &server.base,
        "GET",
        "/api/v1/notifications?limit=4&max_id=88210777",
        &[MASTODON_AUTH],
        b"",
    );
    assert_eq!(status, 200);
    assert_eq!(body, fixture_bytes("mastodon_notifications_page3.json"));
    assert!(!headers.contains_key("link"));

    // A path no route names is a 404 (after authentication).
    let (status, _, body) = get(
        &server.base,
        "GET",
        "/api/v1/nothing",
        &[MASTODON_AUTH],
        b"",
    );
    assert_eq!(status, 404);
    assert_eq!(body, br#"{"message":"Not Found"}"#);
}

#[test]
fn mastodon_without_the_token_is_401() {
    let server = FakeServer::start();
    let (status, headers, body) = get(
        &server.base,
        "GET",
        "/api/v1/notifications?limit=4",
        &[],
        b"",
    );
    assert_eq!(status, 401);
    assert_eq!(body, fixture_bytes("mastodon_error_401.json"));
    assert_eq!(headers["content-type"], "application/json");

    let wrong = ("authorization", "Bearer github-token");
    let (status, _, _) = get(
        &server.base,
        "GET",
        "/api/v1/notifications?limit=4",
        &[wrong],
        b"",
    );
    assert_eq!(status, 401);

    // Algolia's `/api/v1/` is not Mastodon's: no token needed.
    let (status, _, body) = get(
        &server.base,
        "GET",
        "/api/v1/search_by_date?query=tallybook&tags=comment&hitsPerPage=20",
        &[],
        b"",
    );
    assert_eq!(status, 200);
    assert_eq!(body, fixture_bytes("hn_algolia_search.json"));
}

#[test]
fn github_if_modified_since_gives_304() {
    let server = FakeServer::start();
    let auth = ("Authorization", "Bearer github-token");
    let since = ("If-Modified-Since", "Fri, 12 Jun 2026 09:18:44 GMT");

    let (status, headers, body) = get(
        &server.base,
        "GET",
        "/notifications?per_page=5",
        &[auth, since],
        b"",
    );
    assert_eq!(status, 304);
    assert!(body.is_empty());
    assert_eq!(headers["x-poll-interval"], "60");
    assert_eq!(headers["content-length"], "0");

    let (status, headers, body) = get(
        &server.base,
        "GET",
        "/notifications?per_page=5",
        &[auth],
        b"",
    );
    assert_eq!(status, 200);
    assert_eq!(body, fixture_bytes("github_notifications.json"));
    assert_eq!(headers["last-modified"], "Fri, 12 Jun 2026 09:18:44 GMT");

    // Another date is not the 304 route.
    let older = ("If-Modified-Since", "Thu, 11 Jun 2026 09:18:44 GMT");
    let (status, _, _) = get(
        &server.base,
        "GET",
        "/notifications?per_page=5",
        &[auth, older],
        b"",
    );
    assert_eq!(status, 200);

    let classic = ("Authorization", "token github-token");
    let (status, _, body) = get(
        &server.base,
        "GET",
        "/repos/tallybook/tallybook/issues/comments/3012345678",
        &[classic],
        b"",
    );
    assert_eq!(status, 200);
    assert_eq!(body, fixture_bytes("github_issue_comment.json"));

    let (status, _, body) = get(&server.base, "GET", "/notifications?per_page=5", &[], b"");
    assert_eq!(status, 401);
    assert_eq!(body, fixture_bytes("github_error_401.json"));
}

#[test]
fn bluesky_session_points_the_pds_at_this_server() {
    let server = FakeServer::start();
    let json = ("Content-Type", "application/json");
    let thread = "/xrpc/app.bsky.feed.getPostThread?uri=at%3A%2F%2Fdid%3Aplc%3Ajn4hjoul4n4nmwj2lxrrfdz5%2Fapp.bsky.feed.post%2F3mo3id7kqgc37&depth=6&parentHeight=80";

    let wrong = br#"{"identifier":"robin.tallybook.example","password":"wrong"}"#;
    let (status, headers, body) = get(&server.base, "POST", CREATE_SESSION, &[json], wrong);
    assert_eq!(status, 401);
    assert_eq!(headers["www-authenticate"], "Bearer");
    assert_eq!(body, fixture_bytes("bluesky_error_auth.json"));

    // No session yet: the fixture's accessJwt is not valid.
    let fixture: Value =
        serde_json::from_slice(&fixture_bytes("bluesky_createSession.json")).unwrap();
    let access = format!("Bearer {}", fixture["accessJwt"].as_str().unwrap());
    let (status, _, _) = get(
        &server.base,
        "GET",
        thread,
        &[("Authorization", &access)],
        b"",
    );
    assert_eq!(status, 401);

    let right = br#"{"identifier":"robin.tallybook.example","password":"xxxx-xxxx-xxxx-xxxx"}"#;
    let (status, headers, body) = get(&server.base, "POST", CREATE_SESSION, &[json], right);
    assert_eq!(status, 200);
    assert_eq!(headers["ratelimit-limit"], "30");
    let session: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        session["didDoc"]["service"][0]["serviceEndpoint"],
        server.base.as_str()
    );
    assert!(
        session["accessJwt"]
            .as_str()
            .unwrap()
            .starts_with(fixture["accessJwt"].as_str().unwrap())
    );
    let recorded = server.requests().pop().unwrap();
    assert_eq!(recorded.body, right);
    let access = format!("Bearer {}", session["accessJwt"].as_str().unwrap());

    let (status, _, body) = get(
        &server.base,
        "GET",
        thread,
        &[("Authorization", &access)],
        b"",
    );
    assert_eq!(status, 200);
    assert_eq!(body, fixture_bytes("bluesky_getPostThread.json"));

    // The access token is no refresh token; the refresh token is.
    let (status, _, _) = get(
        &server.base,
        "POST",
        REFRESH_SESSION,
        &[("Authorization", &access)],
        b"",
    );
    assert_eq!(status, 401);
    let refresh = format!("Bearer {}", session["refreshJwt"].as_str().unwrap());
    let (status, _, body) = get(
        &server.base,
        "POST",
        REFRESH_SESSION,
        &[("Authorization", &refresh)],
        b"",
    );
    assert_eq!(status, 200);
    let refreshed: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        refreshed["didDoc"]["service"][0]["serviceEndpoint"],
        server.base.as_str()
    );
    // The old access token is revoked; the new one works.
    let (status, _, _) = get(
        &server.base,
        "GET",
        thread,
        &[("Authorization", &access)],
        b"",
    );
    assert_eq!(status, 401);
    let access = format!("Bearer {}", refreshed["accessJwt"].as_str().unwrap());
    let (status, _, body) = get(
        &server.base,
        "GET",
        "/xrpc/app.bsky.notification.listNotifications?limit=50&cursor=2026-06-11T18%3A40%3A02.572Z",
        &[("Authorization", &access)],
        b"",
    );
    assert_eq!(status, 200);
    assert_eq!(body, fixture_bytes("bluesky_listNotifications_page2.json"));
}

#[test]
fn a_status_fault_is_used_once_then_the_normal_answer_returns() {
    let server = FakeServer::start();
    server.fault(
        "/api/v1/notifications",
        Fault::Status {
            status: 429,
            body: Some("mastodon_error_429.json"),
            headers: Some("mastodon_error_429.headers"),
            extra: vec![("Retry-After", "1".to_owned())],
        },
        1,
    );
    // Another path leaves the fault armed.
    let (status, _, _) = get(
        &server.base,
        "GET",
        "/api/v1/statuses/116736369845998183/context",
        &[MASTODON_AUTH],
        b"",
    );
    assert_eq!(status, 200);
    // Faults come before authentication.
    let (status, headers, body) = get(
        &server.base,
        "GET",
        "/api/v1/notifications?limit=4",
        &[],
        b"",
    );
    assert_eq!(status, 429);
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(body, fixture_bytes("mastodon_error_429.json"));

    let (status, _, body) = get(
        &server.base,
        "GET",
        "/api/v1/notifications?limit=4",
        &[MASTODON_AUTH],
        b"",
    );
    assert_eq!(status, 200);
    assert_eq!(body, fixture_bytes("mastodon_notifications_page1.json"));
}

#[test]
fn drop_mid_body_sends_half_the_promised_bytes() {
    let server = FakeServer::start();
    server.fault("/notifications", Fault::DropMidBody, 1);
    let auth = ("Authorization", "Bearer github-token");
    let (status, headers, body) = get(
        &server.base,
        "GET",
        "/notifications?per_page=5",
        &[auth],
        b"",
    );
    assert_eq!(status, 200);
    let promised: usize = headers["content-length"].parse().unwrap();
    assert_eq!(promised, fixture_bytes("github_notifications.json").len());
    assert_eq!(body.len(), promised / 2);
}

#[test]
fn a_slow_answer_outlasts_the_client_timeout() {
    let server = FakeServer::start();
    server.fault("/message/", Fault::Slow(Duration::from_millis(150)), 1);
    let mut stream = connect(&server.base, Duration::from_millis(40));
    send(&mut stream, "GET", "/message/inbox?limit=25", &[], b"");
    let mut raw = Vec::new();
    let error = stream.read_to_end(&mut raw).unwrap_err();
    assert!(matches!(
        error.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    ));
    assert!(raw.is_empty());

    let (status, _, body) = get(&server.base, "GET", "/message/inbox?limit=25", &[], b"");
    assert_eq!(status, 200);
    assert_eq!(body, fixture_bytes("reddit_inbox.json"));
}

#[test]
fn requests_are_recorded_with_decoded_query_and_headers() {
    let server = FakeServer::start();
    get(
        &server.base,
        "GET",
        "/2/users/1388112233445566778/mentions?max_results=10&tweet.fields=created_at%2Cauthor_id&q=caf%C3%A9+au+lait&flag",
        &[("X-Custom-Thing", "yes"), MASTODON_AUTH],
        b"",
    );
    get(
        &server.base,
        "POST",
        "/api/v1/statuses",
        &[MASTODON_AUTH],
        b"status=hi",
    );
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    let first = &seen[0];
    assert_eq!(first.method, "GET");
    assert_eq!(first.path, "/2/users/1388112233445566778/mentions");
    assert_eq!(
        first.query_value("tweet.fields"),
        Some("created_at,author_id")
    );
    assert_eq!(first.query_value("q"), Some("café au lait"));
    assert_eq!(first.query_value("flag"), Some(""));
    assert_eq!(first.query_value("absent"), None);
    assert_eq!(first.query[0], ("max_results".to_owned(), "10".to_owned()));
    assert_eq!(first.headers["x-custom-thing"], "yes");
    assert_eq!(first.header("x-CUSTOM-thing"), Some("yes"));
    assert_eq!(first.header("Host"), Some("fake.example"));
    assert_eq!(seen[1].method, "POST");
    assert_eq!(seen[1].body, b"status=hi");

    server.clear_requests();
    assert!(server.requests().is_empty());
}

#[test]
fn percent_decoding_keeps_what_is_not_an_escape() {
    assert_eq!(percent_decode("a%2Fb+c"), "a/b c");
    assert_eq!(percent_decode("100%"), "100%");
    assert_eq!(percent_decode("%zz%4"), "%zz%4");
    assert_eq!(percent_decode("%e2%98%95"), "☕");
}

#[test]
fn dropping_the_server_stops_it() {
    let server = FakeServer::start();
    let (status, _, _) = get(&server.base, "GET", "/v0/item/48213377.json", &[], b"");
    assert_eq!(status, 200);
    let address = server.base.trim_start_matches("http://").to_owned();
    let started = std::time::Instant::now();
    drop(server);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        std::net::TcpStream::connect(&address).is_err(),
        "nothing listens on {address} any more"
    );
}
