//! `tend sync` end to end: the real binary against a loopback fake server
//! (`server.rs`) that serves the shared fixtures, checks each request, and
//! fails on demand (401, 429 with Retry-After, 500, a slow answer, a
//! connection dropped mid-page). After every failure the store must be
//! consistent and a later sync must complete.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/pty.rs"]
mod pty;
mod server;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use common::{Home, stdout_json};
use serde_json::{Value, json};
use server::{FakeServer, Fault, Seen};

/// A home whose config has `accounts` (TOML, `{base}` for the server) and
/// token files only the user can read.
fn home_for(server: &FakeServer, accounts: &str) -> Home {
    let home = Home::new();
    for (name, secret) in [
        ("mastodon.token", server::MASTODON_TOKEN),
        ("github.token", server::GITHUB_TOKEN),
        ("bluesky.password", server::BLUESKY_PASSWORD),
    ] {
        let path = home.write(name, format!("{secret}\n"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let config = format!(
        "[me]\nmastodon = \"robin@mastodon.example\"\ngithub = \"robin-vale\"\n\n\
         [sync]\ntimeout_seconds = 2\nwait_seconds = 5\n\n{}",
        accounts
            .replace("{base}", &server.base)
            .replace("{dir}", &home.dir.path().display().to_string())
    );
    home.write("config.toml", config);
    home
}

const MASTODON: &str = "[[accounts]]\nplatform = \"mastodon\"\ninstance = \"{base}\"\n\
                        token_file = \"{dir}/mastodon.token\"\npage_size = 4\n";
const BLUESKY: &str = "[[accounts]]\nplatform = \"bluesky\"\nhandle = \"robin.tallybook.example\"\n\
                       service = \"{base}\"\npassword_file = \"{dir}/bluesky.password\"\npage_size = 50\n";
const GITHUB: &str = "[[accounts]]\nplatform = \"github\"\napi = \"{base}\"\n\
                      token_file = \"{dir}/github.token\"\npage_size = 5\n";

/// `tend sync --json`: the exit status and the reports.
fn sync(home: &Home, args: &[&str]) -> (bool, Vec<Value>, String) {
    let output = home
        .tend()
        .arg("sync")
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let reports = match stdout_json(&output) {
        Value::Array(reports) => reports,
        other => panic!("not an array: {other} ({stderr})"),
    };
    (output.status.success(), reports, stderr)
}

/// `tend sync --json ARGS`, which must succeed: the reports.
fn synced(home: &Home, args: &[&str]) -> Vec<Value> {
    let (ok, reports, stderr) = sync(home, args);
    assert!(ok, "{stderr}");
    reports
}

/// Plain `tend sync ARGS`, which must fail with exit code 1: stdout, stderr.
fn sync_fails(home: &Home, args: &[&str]) -> (String, String) {
    let output = home.tend().arg("sync").args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    (stdout, stderr)
}

/// The account's stored cursor, without the server it belongs to (which
/// must name the account's service and this server).
fn cursor(home: &Home, account: &str) -> Value {
    let mut cursor: Value = serde_json::from_str(&home.text(&format!(
        "SELECT cursor FROM sync_cursors WHERE account = '{account}'"
    )))
    .unwrap();
    let origin = cursor.as_object_mut().unwrap().remove("origin").unwrap();
    let origin = origin.as_str().unwrap();
    let port = origin
        .rsplit_once(':')
        .unwrap()
        .1
        .split(' ')
        .next()
        .unwrap();
    let expected = match account {
        "bluesky" => format!(
            "bluesky http://127.0.0.1:{port} {}",
            server::BLUESKY_IDENTIFIER
        ),
        service => format!("{service} http://127.0.0.1:{port}"),
    };
    assert_eq!(origin, expected);
    cursor
}

/// The store is whole and holds no secret.
fn assert_consistent(home: &Home) {
    assert_eq!(home.text("PRAGMA integrity_check"), "ok");
    let bytes = [home.db(), home.db().with_extension("db-wal")]
        .iter()
        .filter_map(|path| std::fs::read(path).ok())
        .flatten()
        .collect::<Vec<u8>>();
    for secret in [
        server::MASTODON_TOKEN,
        server::GITHUB_TOKEN,
        server::BLUESKY_PASSWORD,
        "eyJ0eXAi",
    ] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} reached the store"
        );
    }
}

fn notification_requests(server: &FakeServer) -> Vec<Seen> {
    server
        .requests()
        .into_iter()
        .filter(|seen| seen.path == "/api/v1/notifications")
        .collect()
}

#[test]
fn mastodon_pages_through_then_asks_only_for_what_is_new() {
    let server = FakeServer::start();
    let home = home_for(&server, MASTODON);
    let reports = synced(&home, &[]);
    let report = &reports[0];
    assert_eq!(report["account"], "mastodon");
    assert_eq!(report["pages"], 3);
    assert_eq!(
        report["new_messages"], 4,
        "two mentions on each of two pages"
    );
    assert_eq!(
        report["not_messages"],
        json!({"favourite": 1, "follow": 1, "reblog": 1})
    );
    assert_eq!(report["up_to_date"], true);
    let requests = notification_requests(&server);
    let pages: Vec<Option<&str>> = requests.iter().map(|r| r.query_value("max_id")).collect();
    assert_eq!(pages, [None, Some("88212840"), Some("88210777")]);
    for request in &requests {
        assert_eq!(
            request.header("authorization"),
            Some("Bearer mastodon-token")
        );
        assert_eq!(request.query_value("limit"), Some("4"));
        assert_eq!(
            request.query_value("since_id"),
            None,
            "a first sync takes everything"
        );
    }
    assert_eq!(cursor(&home, "mastodon"), json!({"since": "88213457"}));
    // The same messages as importing the pages, marked with the account.
    assert_eq!(
        home.count("SELECT count(*) FROM messages WHERE source_account = 'mastodon'"),
        4
    );
    assert_consistent(&home);

    server.clear_requests();
    let reports = synced(&home, &["mastodon"]);
    assert_eq!(reports[0]["new_messages"], 0);
    assert_eq!(
        reports[0]["pages"], 1,
        "the first page reaches what is known"
    );
    let again = notification_requests(&server);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].query_value("since_id"), Some("88213457"));
}

#[test]
fn a_connection_dropped_mid_page_resumes_without_gaps_or_duplicates() {
    let server = FakeServer::start();
    let home = home_for(&server, MASTODON);
    server.fault(
        "/api/v1/notifications?max_id=88212840",
        Fault::DropMidBody,
        1,
    );
    let (stdout, stderr) = sync_fails(&home, &[]);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(
            "tend: sync mastodon: the connection dropped while reading GET /api/v1/notifications"
        ),
        "{stderr}"
    );
    assert!(stdout.contains("mastodon: 2 new messages"), "{stdout}");
    assert!(stdout.contains("the next sync resumes here"), "{stdout}");
    // Page 1 is stored with a cursor that points at page 2.
    assert_eq!(
        cursor(&home, "mastodon"),
        json!({"walk": {"top": "88213457", "next": "88212840"}})
    );
    assert_consistent(&home);

    server.clear_requests();
    let reports = synced(&home, &[]);
    assert_eq!(reports[0]["new_messages"], 2, "page 2's two, nothing twice");
    assert_eq!(reports[0]["already_known"], 0);
    let requests = notification_requests(&server);
    let resumed: Vec<Option<&str>> = requests.iter().map(|r| r.query_value("max_id")).collect();
    assert_eq!(
        resumed,
        [Some("88212840"), Some("88210777")],
        "it starts where it stopped"
    );
    assert_eq!(cursor(&home, "mastodon"), json!({"since": "88213457"}));
    assert_eq!(home.count("SELECT count(*) FROM messages"), 4);
}

#[test]
fn kill_9_while_a_page_is_on_its_way_keeps_what_was_stored_and_resumes() {
    use std::os::unix::process::ExitStatusExt;
    let server = FakeServer::start();
    let home = home_for(&server, MASTODON);
    server.fault(
        "/api/v1/notifications?max_id=88212840",
        Fault::Slow(Duration::from_millis(1500)),
        1,
    );
    let mut child = home.tend_process().arg("sync").spawn().unwrap();
    let asked_for_page_2 = || {
        notification_requests(&server)
            .iter()
            .any(|seen| seen.query_value("max_id") == Some("88212840"))
    };
    let started = std::time::Instant::now();
    while !asked_for_page_2() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never asked for page 2"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    assert_eq!(child.wait().unwrap().signal(), Some(9));
    // Page 1 and its cursor landed together; nothing of page 2.
    assert_consistent(&home);
    assert_eq!(home.count("SELECT count(*) FROM messages"), 2);
    assert_eq!(
        cursor(&home, "mastodon"),
        json!({"walk": {"top": "88213457", "next": "88212840"}})
    );
    let reports = synced(&home, &[]);
    assert_eq!(reports[0]["new_messages"], 2);
    assert_eq!(reports[0]["already_known"], 0, "nothing fetched twice");
    assert_eq!(home.count("SELECT count(*) FROM messages"), 4);
}

#[test]
fn kill_9_at_any_moment_of_a_sync_leaves_a_store_the_next_sync_completes() {
    let server = FakeServer::start();
    let home = home_for(&server, &format!("{MASTODON}\n{GITHUB}"));
    // Killed at a spread of moments: before, while and after pages are stored.
    let mut killed_with_a_store = 0;
    for delay_ms in [0, 3, 6, 10, 15, 20, 30, 45, 60, 80] {
        let mut child = home.tend_process().arg("sync").spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if std::os::unix::process::ExitStatusExt::signal(&status) == Some(9) && home.db().exists() {
            killed_with_a_store += 1;
        }
        if !home.db().exists() {
            continue; // killed before it made the store
        }
        // Opened for writing, as tend opens it: a kill while the new store
        // was still in rollback-journal mode leaves a journal to roll back.
        let check: String = rusqlite::Connection::open(home.db())
            .unwrap()
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .unwrap();
        assert_eq!(check, "ok", "killed after {delay_ms} ms");
        // A cursor is never ahead of the messages it covers (once the
        // migrations, each whole or not at all, made its table).
        let migrated = home.count("SELECT count(*) FROM sqlite_master WHERE name = 'sync_cursors'");
        if migrated == 1
            && home.count("SELECT count(*) FROM sync_cursors WHERE account = 'mastodon'") == 1
        {
            // Exactly the messages of the pages the cursor is past.
            let stored: Value = serde_json::from_str(
                &home.text("SELECT cursor FROM sync_cursors WHERE account = 'mastodon'"),
            )
            .unwrap();
            let expected = match (stored["walk"]["next"].as_str(), stored["since"].as_str()) {
                (Some("88212840"), _) => 2,                            // past page 1
                (Some("88210777"), _) | (None, Some("88213457")) => 4, // past page 2, or done
                other => panic!("a cursor no page leads to: {other:?}"),
            };
            assert_eq!(
                home.count("SELECT count(*) FROM messages WHERE platform = 'mastodon'"),
                expected,
                "killed after {delay_ms} ms, cursor {stored}"
            );
        }
    }
    assert!(
        killed_with_a_store > 0,
        "no kill landed while a sync was under way"
    );
    synced(&home, &[]);
    assert_consistent(&home);
    // Every mention once, however many runs it took.
    assert_eq!(
        home.count("SELECT count(*) FROM messages WHERE platform = 'mastodon'"),
        4
    );
    assert_eq!(
        home.count(
            "SELECT count(*) FROM (SELECT platform, external_id FROM messages
             GROUP BY 1, 2 HAVING count(*) > 1)"
        ),
        0
    );
    assert_eq!(cursor(&home, "mastodon"), json!({"since": "88213457"}));
}

#[test]
fn a_bad_token_is_one_line_that_says_what_to_do_and_never_the_token() {
    let server = FakeServer::start();
    let home = home_for(&server, MASTODON);
    home.write("mastodon.token", "wrong-token-abc\n");
    let (_, stderr) = sync_fails(&home, &[]);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("mastodon refused the access token (401: The access token is invalid)"),
        "{stderr}"
    );
    assert!(stderr.contains("Preferences → Development"), "{stderr}");
    assert!(!stderr.contains("wrong-token-abc"), "{stderr}");
    assert_eq!(home.count("SELECT count(*) FROM messages"), 0);
    assert_eq!(home.count("SELECT count(*) FROM sync_cursors"), 0);
}

#[test]
fn a_token_file_others_can_read_is_refused_before_any_request() {
    let server = FakeServer::start();
    let home = home_for(&server, GITHUB);
    let token = home.path("github.token");
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (_, stderr) = sync_fails(&home, &[]);
    assert!(
        stderr.contains("can be read by others (mode 644)"),
        "{stderr}"
    );
    assert!(stderr.contains("chmod 600"), "{stderr}");
    assert!(server.requests().is_empty(), "nothing was sent");

    // A token written into config.toml holds the config to the same rule.
    let inline = home_for(
        &server,
        "[[accounts]]\nplatform = \"github\"\napi = \"{base}\"\ntoken = \"github-token\"\npage_size = 5\n",
    );
    std::fs::set_permissions(inline.config(), std::fs::Permissions::from_mode(0o644)).unwrap();
    server.clear_requests();
    let (_, stderr) = sync_fails(&inline, &[]);
    assert!(stderr.contains("config file that holds a secret"));
    assert!(server.requests().is_empty(), "nothing was sent");
    std::fs::set_permissions(inline.config(), std::fs::Permissions::from_mode(0o600)).unwrap();
    server.clear_requests();
    let reports = synced(&inline, &[]);
    assert_eq!(reports[0]["new_messages"], 1);
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer github-token"),
        "the token written in the config is the one sent"
    );
}

#[test]
fn a_short_rate_limit_is_waited_out_and_a_long_one_stops_until_later() {
    let server = FakeServer::start();
    let home = home_for(&server, MASTODON);
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
    let reports = synced(&home, &[]);
    assert_eq!(reports[0]["new_messages"], 4);
    let requests = notification_requests(&server);
    assert_eq!(requests.len(), 4, "one refused, then three pages");
    assert!(
        requests[1].at - requests[0].at >= Duration::from_secs(1),
        "the second try waited for Retry-After"
    );

    // Longer than [sync] wait_seconds: stop, say until when; the next sync goes on.
    let home = home_for(&server, MASTODON);
    server.fault(
        "/api/v1/notifications?max_id=88212840",
        Fault::Status {
            status: 429,
            body: Some("mastodon_error_429.json"),
            headers: Some("mastodon_error_429.headers"),
            extra: vec![("Retry-After", "300".to_owned())],
        },
        1,
    );
    let (_, stderr) = sync_fails(&home, &[]);
    // TEND_NOW is 12:00 UTC: five minutes later.
    assert!(
        stderr.contains("rate limited until 2026-06-13 12:05 UTC; run tend sync again after that"),
        "{stderr}"
    );
    assert_consistent(&home);
    let reports = synced(&home, &[]);
    assert_eq!(reports[0]["new_messages"], 2);
    assert_eq!(home.count("SELECT count(*) FROM messages"), 4);
}

#[test]
fn on_a_terminal_a_progress_line_says_what_the_sync_is_doing_and_why_it_waits() {
    let server = FakeServer::start();
    let home = home_for(&server, BLUESKY);
    server.fault(
        "/xrpc/app.bsky.notification.listNotifications",
        Fault::Status {
            status: 429,
            body: Some("bluesky_error_ratelimit.json"),
            headers: Some("bluesky_error_ratelimit.headers"),
            extra: vec![("Retry-After", "1".to_owned())],
        },
        1,
    );
    let mut command = home.tend_process();
    command.arg("sync");
    let mut running = pty::Pty::spawn(&mut command, 100, 30).unwrap();
    assert!(running.child.wait().unwrap().success());
    let output = running.finish().unwrap();
    // Each step overwrites the line (`\r`, erase to its end); the report
    // replaces the last one.
    let steps: Vec<&str> = output.split("\r\x1b[K").skip(1).collect();
    assert_eq!(
        steps,
        [
            "bluesky: connecting…",
            "bluesky: rate limited by the service; waiting 1 s…",
            "bluesky: connecting…",
            "bluesky: page 1, 3 new…",
            "bluesky: page 2, 3 new…",
            "bluesky: 3 new messages, 3 new conversations, 0 already known, 0 skipped, \
             3 not messages (1 follow, 1 like, 1 repost) · up to date\r\n",
        ],
        "{output:?}"
    );

    // Not on a terminal: the report alone.
    let output = home.tend().arg("sync").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "bluesky: 0 new messages, 0 new conversations, 1 already known, 0 skipped · up to date\n"
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn a_server_error_is_retried_and_a_lasting_one_stops_cleanly() {
    let server = FakeServer::start();
    let home = home_for(&server, GITHUB);
    let error = Fault::Status {
        status: 500,
        body: None,
        headers: None,
        extra: vec![],
    };
    server.fault("/notifications", error.clone(), 1);
    let reports = synced(&home, &[]);
    assert_eq!(reports[0]["new_messages"], 1);

    let home = home_for(&server, GITHUB);
    server.fault("/notifications", error, 3);
    let (_, stderr) = sync_fails(&home, &[]);
    assert!(
        stderr.contains("GET /notifications failed with a server error (500); try again later"),
        "{stderr}"
    );
    assert_eq!(home.count("SELECT count(*) FROM messages"), 0);
    let reports = synced(&home, &[]);
    assert_eq!(reports[0]["new_messages"], 1);
}

#[test]
fn a_slow_answer_times_out_and_the_next_sync_completes() {
    let server = FakeServer::start();
    let home = home_for(&server, BLUESKY);
    server.fault(
        "/xrpc/app.bsky.notification.listNotifications",
        Fault::Slow(Duration::from_secs(4)),
        1,
    );
    let (_, stderr) = sync_fails(&home, &[]);
    assert!(
        stderr.contains("GET app.bsky.notification.listNotifications took longer than 2 s"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(server::BLUESKY_PASSWORD) && !stderr.contains("eyJ"),
        "{stderr}"
    );
    assert_consistent(&home);
    let reports = synced(&home, &[]);
    assert_eq!(reports[0]["new_messages"], 3);
}

#[test]
fn bluesky_signs_in_refreshes_an_expired_session_and_pages_by_cursor() {
    let server = FakeServer::start();
    let home = home_for(&server, BLUESKY);
    server.fault(
        "/xrpc/app.bsky.notification.listNotifications?cursor=2026-06-11T18:40:02.572Z",
        Fault::Status {
            status: 400,
            body: Some("bluesky_error_expired.json"),
            headers: Some("bluesky_error_expired.headers"),
            extra: vec![],
        },
        1,
    );
    let reports = synced(&home, &[]);
    let report = &reports[0];
    assert_eq!(report["new_messages"], 3, "reply, mention, quote");
    assert_eq!(
        report["not_messages"],
        json!({"follow": 1, "like": 1, "repost": 1})
    );
    assert_eq!(report["pages"], 2);
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/xrpc/com.atproto.server.createSession",
            "/xrpc/app.bsky.notification.listNotifications",
            "/xrpc/app.bsky.notification.listNotifications",
            "/xrpc/com.atproto.server.refreshSession",
            "/xrpc/app.bsky.notification.listNotifications",
        ]
    );
    let requests = server.requests();
    let login: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        login,
        json!({"identifier": "robin.tallybook.example", "password": "xxxx-xxxx-xxxx-xxxx"})
    );
    assert_eq!(
        requests[2].query_value("cursor"),
        Some("2026-06-11T18:40:02.572Z")
    );
    assert!(
        requests[1]
            .header("authorization")
            .unwrap()
            .starts_with("Bearer eyJ")
    );
    // The request after the refresh carries the new session's token (the
    // server revoked the old one).
    let bearer = |seen: &Seen| seen.header("authorization").unwrap().to_owned();
    assert_ne!(bearer(&requests[1]), bearer(&requests[4]));
    assert_eq!(
        cursor(&home, "bluesky"),
        json!({"since": "2026-06-12T10:02:17.289Z"})
    );
    assert_consistent(&home);

    // The app password revoked on Bluesky (which ends its sessions, the
    // kept one too), and a wrong one in the file: one line, what to do.
    server.revoke_sessions();
    home.write("bluesky.password", "nope-nope-nope-nope\n");
    server.clear_requests();
    let (_, stderr) = sync_fails(&home, &[]);
    assert_eq!(
        server
            .requests()
            .iter()
            .map(|r| r.path.rsplit('.').next().unwrap())
            .collect::<Vec<_>>(),
        ["listNotifications", "refreshSession", "createSession"],
        "the kept session is tried, then refreshed, then a new one asked for"
    );
    assert!(
        stderr.contains("bluesky refused the app password (401"),
        "{stderr}"
    );
    assert!(stderr.contains("App passwords"), "{stderr}");
    assert!(!stderr.contains("nope-nope"), "{stderr}");
}

#[test]
fn github_fetches_each_notifications_comment_and_polls_with_if_modified_since() {
    let server = FakeServer::start();
    let home = home_for(&server, GITHUB);
    let reports = synced(&home, &[]);
    let report = &reports[0];
    // One comment is served; the others' addresses answer 404 (deleted), and
    // the discussion has none.
    assert_eq!(report["new_messages"], 1);
    assert_eq!(
        report["not_messages"],
        json!({"Discussion (not in GitHub's REST API)": 1, "deleted comment": 3})
    );
    let title = home.text("SELECT title FROM messages WHERE external_id = 'IC_kwDOMGp7Ts6zjZtO'");
    assert_eq!(
        title,
        "CSV import fails on semicolon-delimited bank exports"
    );
    assert_eq!(
        home.thread_of("IC_kwDOMGp7Ts6zjZtO"),
        "tallybook/tallybook#214"
    );
    let requests = server.requests();
    assert_eq!(requests[0].path, "/notifications");
    assert_eq!(requests[0].query_value("per_page"), Some("5"));
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer github-token")
    );
    assert_eq!(
        requests[0].header("x-github-api-version"),
        Some("2022-11-28")
    );
    assert!(
        requests
            .iter()
            .any(|r| r.path == "/repos/tallybook/tallybook/issues/comments/3012345678"),
        "comment addresses are fetched from the configured API"
    );
    // A pull request nobody commented on is what its notification points
    // at: read once, though it cannot be read (404).
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.path == "/repos/tallybook/tallybook/pulls/220")
            .count(),
        1
    );
    // The Link header's page 2 is fetched next: the empty end.
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.path == "/notifications")
            .map(|r| r.query_value("page"))
            .collect::<Vec<_>>(),
        [None, Some("2")]
    );
    assert_eq!(
        cursor(&home, "github")["last_modified"],
        "Fri, 12 Jun 2026 09:18:44 GMT"
    );
    assert_consistent(&home);

    server.clear_requests();
    let reports = synced(&home, &[]);
    assert_eq!(reports[0]["new_messages"], 0);
    assert_eq!(
        reports[0]["pages"], 0,
        "304: nothing changed, nothing stored"
    );
    let again = server.requests();
    assert_eq!(again.len(), 1);
    assert_eq!(
        again[0].header("if-modified-since"),
        Some("Fri, 12 Jun 2026 09:18:44 GMT")
    );
    // Ten minutes of overlap: a notification stamped a little before the
    // newest one seen, but delivered after it, is still found.
    assert_eq!(again[0].query_value("since"), Some("2026-06-12T09:08:44Z"));
}

/// Thread `owner/repo#N`'s messages, oldest first: `author direction`.
fn github_thread(home: &Home, thread: &str) -> Vec<String> {
    home.text(&format!(
        "SELECT group_concat(author_handle || ' ' || direction, char(10)) FROM
           (SELECT m.author_handle, m.direction FROM messages m
              JOIN conversations c ON c.id = m.conversation_id
             WHERE c.thread_key = '{thread}' ORDER BY m.created_at)"
    ))
    .lines()
    .map(str::to_owned)
    .collect()
}

/// Issue #214 and its comments listing: three pages, and what came after
/// the first sync (`tests/fixtures/tend/README.md`).
fn serve_issue_214(server: &FakeServer, listing: &str) {
    let page = |number: u32| format!("{}{listing}?per_page=100&page={number}", server.base);
    let link = format!("<{}>; rel=\"next\", <{}>; rel=\"last\"", page(2), page(3));
    server.serve(
        listing,
        "tend/github_issue_214_comments_page1.json",
        vec![("Link", link)],
    );
    for (query, body) in [
        ("page=2", "tend/github_issue_214_comments_page2.json"),
        ("page=3", "tend/github_issue_214_comments_page3.json"),
        (
            "since=2026-06-12T09:08:44Z&page=2",
            "tend/github_issue_214_comments_since_page2.json",
        ),
    ] {
        server.serve(&format!("{listing}?{query}"), body, vec![]);
    }
    let since = "since=2026-06-12T09:08:44Z";
    server.serve(
        &format!("{listing}?{since}"),
        "tend/github_issue_214_comments_since_page1.json",
        vec![(
            "Link",
            format!(
                "<{}{listing}?per_page=100&{since}&page=2>; rel=\"next\"",
                server.base
            ),
        )],
    );
    server.serve(
        "/repos/tallybook/tallybook/issues/214",
        "tend/github_issue_214.json",
        vec![],
    );
}

#[test]
fn github_reads_the_threads_comments_so_a_mention_before_the_latest_is_kept() {
    let server = FakeServer::start();
    let listing = "/repos/tallybook/tallybook/issues/214/comments";
    serve_issue_214(&server, listing);
    let home = home_for(&server, GITHUB);
    let reports = synced(&home, &[]);
    // The notification's latest comment is Kai's; Mira's mention came just
    // before it. A first sync reads the issue itself and the thread's
    // newest comments: the last page, and the one before it because the
    // last holds less than a page (not Priya's comment on page 1).
    assert_eq!(reports[0]["new_messages"], 4);
    assert_eq!(
        github_thread(&home, "tallybook/tallybook#214"),
        [
            "theo-lindqvist in",
            "robin-vale out",
            "mira-santos in",
            "kai-okafor in"
        ]
    );
    assert_eq!(
        home.text("SELECT title FROM messages WHERE external_id = 'IC_kwDOMGp7Ts6zccc3'"),
        "CSV import fails on semicolon-delimited bank exports"
    );
    let requests = server.requests();
    let listings: Vec<(Option<&str>, Option<&str>)> = requests
        .iter()
        .filter(|r| r.path == listing)
        .map(|r| (r.query_value("page"), r.query_value("since")))
        .collect();
    assert_eq!(
        listings,
        [(None, None), (Some("3"), None), (Some("2"), None)]
    );
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.path == listing)
            .map(|r| r.header("authorization"))
            .collect::<Vec<_>>(),
        [Some("Bearer github-token"); 3]
    );
    assert!(
        !requests
            .iter()
            .any(|r| r.path == "/repos/tallybook/tallybook/issues/comments/3012345678"),
        "the latest comment came with the listing, and is not read again"
    );
    // The other notifications' threads have no listing here: their latest
    // comments are read on their own, as before (and are gone).
    assert_eq!(reports[0]["not_messages"]["deleted comment"], 3);
    assert_consistent(&home);

    // Later, the inbox changed: only what is new since the last sync (less
    // the overlap) is asked for, and the old issue is not stored twice.
    server.fault(
        "/notifications",
        Fault::Status {
            status: 200,
            body: Some("github_notifications.json"),
            headers: None,
            extra: vec![],
        },
        1,
    );
    server.clear_requests();
    let reports = synced(&home, &[]);
    assert_eq!(reports[0]["new_messages"], 1, "Juno's comment");
    assert_eq!(reports[0]["already_known"], 0);
    assert_eq!(
        github_thread(&home, "tallybook/tallybook#214")[3..],
        ["juno-park in", "kai-okafor in"]
    );
    let requests = server.requests();
    // Kai's comment, the notification's latest, is older than the listing's
    // `since`: known, so not read again.
    assert!(
        !requests
            .iter()
            .any(|r| r.path == "/repos/tallybook/tallybook/issues/comments/3012345678"),
        "{:?}",
        requests.iter().map(|r| &r.path).collect::<Vec<_>>()
    );
    let listings: Vec<(Option<&str>, Option<&str>)> = requests
        .iter()
        .filter(|r| r.path == listing)
        .map(|r| (r.query_value("since"), r.query_value("page")))
        .collect();
    let since = Some("2026-06-12T09:08:44Z");
    assert_eq!(listings, [(since, None), (since, Some("2"))]);
    assert_consistent(&home);
}

#[test]
fn every_account_syncs_and_one_failing_does_not_stop_the_others() {
    let server = FakeServer::start();
    // The failing account first: the ones after it still sync.
    let home = home_for(&server, &format!("{GITHUB}\n{MASTODON}\n{BLUESKY}"));
    home.write("github.token", "bad\n");
    let (stdout, stderr) = sync_fails(&home, &[]);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].starts_with("github: 0 new messages"), "{stdout}");
    assert!(
        lines[1].starts_with("mastodon: 4 new messages") && lines[1].ends_with("up to date"),
        "{stdout}"
    );
    assert!(
        lines[2].starts_with("bluesky: 3 new messages") && lines[2].ends_with("up to date"),
        "{stdout}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("tend: sync github: github refused the token (401: Bad credentials)"),
        "{stderr}"
    );
    assert!(stderr.contains("Tokens (classic)"), "{stderr}");

    // Naming an account syncs that one; an unknown name lists the others.
    let (_, stderr) = sync_fails(&home, &["gitlab"]);
    assert_eq!(
        stderr.trim(),
        "tend: no account named gitlab; the config has: github, mastodon, bluesky"
    );
}

#[test]
fn no_accounts_and_bad_account_settings_say_how_to_fix_them() {
    let home = Home::new();
    let (_, stderr) = sync_fails(&home, &[]);
    assert!(stderr.contains("no accounts to sync: add an [[accounts]] section"));
    home.write("config.toml", "[[accounts]]\nplatform = \"mastodon\"\ninstance = \"http://mastodon.example\"\ntoken_env = \"X\"\n");
    let (_, stderr) = sync_fails(&home, &[]);
    assert!(
        stderr.ends_with(
            "config.toml:1: accounts[0]: instance: http://mastodon.example is not encrypted: \
             use https:// (plain http is allowed only to this machine)\n"
        ),
        "{stderr}"
    );
}

#[test]
fn one_unreadable_github_comment_is_counted_and_the_sync_goes_on() {
    let server = FakeServer::start();
    let home = home_for(&server, GITHUB);
    // Behind an organisation's single sign-on, say.
    server.fault(
        "/repos/tallybook/tallybook/issues/comments/3012345678",
        Fault::Status {
            status: 403,
            body: None,
            headers: None,
            extra: vec![],
        },
        1,
    );
    let reports = synced(&home, &[]);
    assert_eq!(reports[0]["not_messages"]["unreadable comment (403)"], 1);
    assert_eq!(reports[0]["up_to_date"], true);

    // GitHub's spent budget comes as a 403 too: waited out, not blamed on the token.
    let home = home_for(&server, GITHUB);
    let reset = chrono::DateTime::parse_from_rfc3339(common::NOW)
        .unwrap()
        .timestamp()
        + 1;
    server.fault(
        "/notifications",
        Fault::Status {
            status: 403,
            body: Some("github_error_401.json"),
            headers: None,
            extra: vec![
                ("x-ratelimit-remaining", "0".to_owned()),
                ("x-ratelimit-reset", reset.to_string()),
            ],
        },
        1,
    );
    server.clear_requests();
    let reports = synced(&home, &[]);
    assert_eq!(reports[0]["new_messages"], 1);
    let polls: Vec<Seen> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/notifications")
        .collect();
    assert!(
        polls[1].at - polls[0].at >= Duration::from_millis(900),
        "the second try waited for the reset"
    );
}

/// The auth calls (`createSession`, `refreshSession`) among the requests.
fn bluesky_auth_calls(server: &FakeServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .filter(|r| r.path.contains("com.atproto.server."))
        .map(|r| r.path.rsplit('.').next().unwrap().to_owned())
        .collect()
}

#[test]
fn a_bluesky_session_is_kept_for_the_next_sync_in_a_private_file() {
    use std::os::unix::fs::PermissionsExt;
    let server = FakeServer::start();
    let home = home_for(&server, BLUESKY);
    synced(&home, &[]);
    assert_eq!(bluesky_auth_calls(&server), ["createSession"]);
    let kept = home.state().join("sessions/bluesky.json");
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&kept), 0o600);
    assert_eq!(mode(kept.parent().unwrap()), 0o700);
    let text = std::fs::read_to_string(&kept).unwrap();
    assert!(!text.contains(server::BLUESKY_PASSWORD), "{text}");
    let bearer_of_last_list = || {
        server
            .requests()
            .iter()
            .rev()
            .find(|r| r.path.ends_with("listNotifications"))
            .and_then(|r| r.header("authorization").map(str::to_owned))
            .unwrap()
    };
    assert!(text.contains(bearer_of_last_list().trim_start_matches("Bearer ")));

    // The next sync starts from the kept session: no sign-in at all.
    server.clear_requests();
    synced(&home, &[]);
    assert_eq!(bluesky_auth_calls(&server), Vec::<String>::new());

    // Its access token has expired: the kept refresh token renews it, and
    // the renewed session is what is kept.
    server.fault(
        "/xrpc/app.bsky.notification.listNotifications",
        Fault::Status {
            status: 400,
            body: Some("bluesky_error_expired.json"),
            headers: Some("bluesky_error_expired.headers"),
            extra: vec![],
        },
        1,
    );
    server.clear_requests();
    synced(&home, &[]);
    assert_eq!(bluesky_auth_calls(&server), ["refreshSession"]);
    let renewed = bearer_of_last_list();
    assert!(
        std::fs::read_to_string(&kept)
            .unwrap()
            .contains(renewed.trim_start_matches("Bearer "))
    );
    server.clear_requests();
    synced(&home, &[]);
    assert_eq!(bluesky_auth_calls(&server), Vec::<String>::new());

    // A kept file others can read is not used, and is replaced privately.
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o644)).unwrap();
    server.clear_requests();
    synced(&home, &[]);
    assert_eq!(bluesky_auth_calls(&server), ["createSession"]);
    assert_eq!(mode(&kept), 0o600);
    assert_consistent(&home);
}

#[test]
fn a_session_that_cannot_be_kept_is_said_and_the_sync_still_completes() {
    let server = FakeServer::start();
    let home = home_for(&server, BLUESKY);
    // A file where the state directory should be.
    home.write("state", "not a directory");
    let output = home.tend().arg("sync").output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.starts_with("bluesky: 3 new messages"), "{stdout}");
    assert!(
        stderr.starts_with("tend: sync bluesky: the session could not be kept for the next sync (cannot create directory "),
        "{stderr}"
    );
    assert!(stderr.ends_with("which will sign in again\n"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "said once: {stderr}");
    let reports = synced(&home, &[]);
    let notes = reports[0]["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0]
            .as_str()
            .unwrap()
            .starts_with("the session could not be kept for the next sync"),
        "{notes:?}"
    );
}

#[test]
fn an_empty_page_ends_the_walk_whatever_cursor_it_carries() {
    let server = FakeServer::start();
    let home = home_for(&server, BLUESKY);
    // Page 2, mid-walk.
    server.serve(
        "/xrpc/app.bsky.notification.listNotifications?cursor=2026-06-11T18:40:02.572Z",
        "tend/bluesky_empty_page_with_cursor.json",
        vec![],
    );
    let reports = synced(&home, &[]);
    assert_eq!(
        (&reports[0]["pages"], &reports[0]["up_to_date"]),
        (&json!(2), &json!(true))
    );
    let lists = server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("listNotifications"))
        .count();
    assert_eq!(lists, 2);
}

#[test]
fn a_bluesky_token_refused_mid_sync_gets_a_fresh_session() {
    let server = FakeServer::start();
    let home = home_for(&server, BLUESKY);
    server.fault(
        "/xrpc/app.bsky.notification.listNotifications",
        Fault::Status {
            status: 401,
            body: Some("bluesky_error_auth.json"),
            headers: Some("bluesky_error_auth.headers"),
            extra: vec![],
        },
        1,
    );
    let reports = synced(&home, &[]);
    assert_eq!(reports[0]["new_messages"], 3);
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.path == "/xrpc/com.atproto.server.refreshSession")
    );
}

#[test]
fn a_cursor_of_another_server_is_not_used() {
    let server = FakeServer::start();
    let home = home_for(&server, MASTODON);
    assert!(sync(&home, &[]).0);
    // The same account name, moved to another address of the same server.
    let config = std::fs::read_to_string(home.config()).unwrap();
    let moved_base = server.base.replace("127.0.0.1", "localhost");
    home.write("config.toml", config.replace(&server.base, &moved_base));
    server.clear_requests();
    let reports = synced(&home, &[]);
    assert_eq!(
        reports[0]["already_known"], 4,
        "a fresh walk, nothing twice"
    );
    assert_eq!(
        notification_requests(&server)[0].query_value("since_id"),
        None
    );
}
