//! The other commands through the real binary: export round trip, inbox
//! (JSON contract, order, sanitized plain output), add, config, demo, exit
//! codes, and stores tend must refuse without touching them.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Home, fixture, line, stdout_json};
use predicates::prelude::*;
use std::os::unix::fs::PermissionsExt;

#[test]
fn export_round_trips_through_an_empty_store() {
    let first = Home::new();
    first.write("config.toml", "[me]\ngithub = \"robin-vale\"\n");
    first
        .tend()
        .arg("import")
        .arg(fixture("generic.jsonl"))
        .assert()
        .success();
    first
        .tend()
        .arg("import")
        .arg(fixture("hostile.jsonl"))
        .assert()
        .success();
    let reply = line(
        "github",
        "IC_reply",
        "2026-06-12T10:30:00.5+01:00",
        "thanks, fixed in 0.9.1",
        &[
            ("thread_id", "tallybook/tallybook#214"),
            ("author_handle", "robin-vale"),
        ],
    );
    first.write("reply.jsonl", reply);
    first
        .tend()
        .args(["import", "reply.jsonl"])
        .assert()
        .success();
    first
        .tend()
        .args(["export", "-o", "one.jsonl"])
        .assert()
        .success()
        .stderr("exported 22 messages to one.jsonl\n");

    let second = Home::new();
    second
        .tend()
        .arg("import")
        .arg(first.path("one.jsonl"))
        .assert()
        .success();
    let again = second.tend().arg("export").output().unwrap();
    let one = std::fs::read_to_string(first.path("one.jsonl")).unwrap();
    assert_eq!(String::from_utf8(again.stdout).unwrap(), one);
    assert_eq!(one.lines().count(), 22);
    // Direction survives even though the second store has no [me] config.
    assert_eq!(second.state_of("IC_reply"), "answered");
    assert!(
        one.contains(r#""created_at":"2026-06-12T09:30:00.500Z""#),
        "UTC, fraction kept"
    );
    // Raw text (escape sequences included) is exported exactly, JSON-escaped.
    assert!(one.contains(r"nice app! \u001b]52;c;ZWNobyBwd25lZA==\u0007 see you"));
    let mode = std::fs::metadata(first.path("one.jsonl"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn inbox_json_keeps_the_promise_per_platform() {
    let home = Home::new();
    home.write(
        "config.toml",
        "[sla]\nhours = 24\n[sla.platforms]\nemail = 2\n",
    );
    home.import(fixture("generic.jsonl"));
    let inbox = stdout_json(&home.tend().args(["inbox", "--json"]).output().unwrap());
    let items = inbox.as_array().unwrap();
    assert_eq!(items.len(), 7);
    // The email waits longest past its 2h promise: it comes first.
    assert_eq!(items[0]["platform"], "email");
    // (Every key the design promises: tests/priority.rs.)
    // Now is 2026-06-13T12:00Z: the email (10:00Z the day before, 2h promise) is
    // overdue by 23h; the GitHub one (09:18Z the day before, 24h) by 2h.
    let email = items.iter().find(|i| i["platform"] == "email").unwrap();
    assert_eq!(email["due_at"], "2026-06-12T12:00:09Z");
    assert_eq!(email["sla_state"], "overdue");
    assert_eq!(email["why"][0], "overdue 23h");
    assert!(email["score"].as_f64().unwrap() > 40.0, "{email}");
    assert_eq!(
        email["preview"],
        "as promised on Mastodon, here is the bank export that breaks the importer."
    );
    let github = items.iter().find(|i| i["platform"] == "github").unwrap();
    assert_eq!(github["sla_state"], "overdue");
    assert_eq!(github["why"][0], "overdue 2h");
    let limited = stdout_json(
        &home
            .tend()
            .args(["inbox", "--json", "--limit", "2"])
            .output()
            .unwrap(),
    );
    assert_eq!(limited.as_array().unwrap().len(), 2);
    assert_eq!(limited[0], items[0]);
}

#[test]
fn plain_inbox_never_puts_control_characters_on_the_terminal() {
    let home = Home::new();
    home.import(fixture("hostile.jsonl"));
    let output = home.tend().arg("inbox").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("14 open · 14 overdue · ≈ 28 min · 30 min left today\n"),
        "{text}"
    );
    let bad: Vec<char> = text
        .chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || ('\u{202a}'..='\u{202e}').contains(c)
                || ('\u{2066}'..='\u{2069}').contains(c)
        })
        .collect();
    assert!(bad.is_empty(), "control characters reached stdout: {bad:?}");
    assert!(text.contains("nice app! ␛]52;c;"), "{text}");
    // Hostile display names are made safe too.
    assert!(text.contains("␛[8mCsi"), "{text}");
    assert!(text.contains("Bidi evil"), "{text}");
}

#[test]
fn json_output_escapes_what_a_terminal_would_act_on() {
    let home = Home::new();
    home.import(fixture("hostile.jsonl"));
    for args in [vec!["export"], vec!["inbox", "--json"]] {
        let output = home.tend().args(&args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
        let text = String::from_utf8(output.stdout).unwrap();
        let raw: Vec<char> = text
            .chars()
                        .filter(|c| {
                (c.is_control() && *c != '\n')
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
            })
            .collect();
        assert!(raw.is_empty(), "{args:?} printed {raw:?}");
        if args == ["export"] {
            assert!(
                text.contains(r"one-byte CSI \u009b31m"),
                "C1 escaped, not dropped"
            );
        }
    }
    // Escaped, the data is unchanged: the export imports back to the same text.
    let export = home.tend().arg("export").output().unwrap().stdout;
    let other = Home::new();
    other
        .tend()
        .args(["import", "-", "--format", "jsonl"])
        .write_stdin(export)
        .assert()
        .success();
    let original: String = home
        .peek()
        .query_row("SELECT group_concat(text, '|') FROM messages", [], |r| {
            r.get(0)
        })
        .unwrap();
    let copy: String = other
        .peek()
        .query_row("SELECT group_concat(text, '|') FROM messages", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(copy, original);
}

#[test]
fn empty_inbox_says_what_to_do() {
    let home = Home::new();
    home.write("none.jsonl", "");
    home.tend()
        .args(["import", "none.jsonl"])
        .assert()
        .success();
    home.tend().arg("inbox").assert().success().stdout(
        "Inbox zero: nobody is waiting for an answer. Import more with `tend import FILE`.\n",
    );
}

#[test]
fn add_logs_a_mention_once_and_my_reply_answers_it() {
    let home = Home::new();
    home.write("config.toml", "[me]\nphone = \"me\"\n");
    let add = |from: &str, text: &str, at: &str| {
        let mut command = home.tend();
        command.args([
            "add",
            "--platform",
            "phone",
            "--from",
            from,
            "--text",
            text,
            "--at",
            at,
            "--thread",
            "call-ana",
        ]);
        command
    };
    add(
        "Ana Lima",
        "asked for a quote for 3 seats",
        "2026-06-13T09:00:00Z",
    )
    .assert()
    .success()
    .stdout("added to a new conversation on phone (2026-06-13T09:00:00Z)\n");
    add(
        "Ana Lima",
        "asked for a quote for 3 seats",
        "2026-06-13T09:00:00Z",
    )
    .assert()
    .success()
    .stdout(predicate::str::starts_with("already logged"));
    assert_eq!(home.count("SELECT count(*) FROM messages"), 1);
    assert_eq!(
        home.state_of(
            &home
                .peek()
                .query_row("SELECT external_id FROM messages", [], |r| r
                    .get::<_, String>(0))
                .unwrap()
        ),
        "open"
    );
    add("me", "sent the quote", "1h ago")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("added to its conversation"));
    assert_eq!(
        home.count("SELECT count(*) FROM conversations WHERE state = 'answered'"),
        1
    );
    let when: String = home
        .peek()
        .query_row("SELECT max(created_at) FROM messages", [], |r| {
            r.get::<_, i64>(0)
        })
        .map(|micros| {
            chrono::DateTime::from_timestamp_micros(micros)
                .unwrap()
                .to_rfc3339()
        })
        .unwrap();
    assert_eq!(when, "2026-06-13T11:00:00+00:00", "`1h ago` from TEND_NOW");
}

#[test]
fn add_rejects_bad_input_clearly() {
    let home = Home::new();
    home.tend()
        .args(["add", "--platform", "fax", "--from", "a", "--text", "b"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown platform \"fax\" (expected one of: mastodon",
        ));
    for at in ["teatime", "99999999999d ago"] {
        home.tend()
            .args([
                "add",
                "--platform",
                "phone",
                "--from",
                "a",
                "--text",
                "b",
                "--at",
                at,
            ])
            .assert()
            .code(1)
            .stderr(predicate::str::starts_with(format!(
                "tend: --at \"{at}\": not a time"
            )));
    }
    assert!(!home.db().exists(), "bad input creates no store");
}

#[test]
fn config_errors_name_file_line_and_key_and_change_nothing() {
    let home = Home::new();
    home.import(fixture("generic.jsonl"));
    home.write("config.toml", "[budget]\nminutes = 30\nminuts = 45\n");
    let config = home.config();
    home.tend()
        .arg("inbox")
        .assert()
        .code(1)
        .stderr(format!(
            "tend: {}:3: budget.minuts: unknown field `minuts`, expected one of `minutes`, `day_starts_at`, \
             `idle_after_seconds`, `weekdays`\n",
            config.display()
        ));
    home.write("config.toml", "[budget]\nminutes = 3000\n");
    home.tend()
        .args(["config"])
        .assert()
        .code(1)
        .stderr(predicate::str::ends_with(
            "config.toml:2: budget.minutes: 3000 is out of range: expected whole minutes from 0 to 1440\n",
        ));
    home.write("config.toml", "[budget]\nminutes = 45\n");
    home.tend().arg("config").assert().success().stdout(format!(
        "store   {}\nconfig  {} (valid)\nstate   {}\n",
        home.db().display(),
        config.display(),
        home.state().display()
    ));
    assert_eq!(home.count("SELECT count(*) FROM messages"), 7);
}

#[test]
fn default_config_is_printed_and_is_valid() {
    let home = Home::new();
    let output = home.tend().args(["config", "--default"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("[budget]\n") && text.contains("[me]\n") && text.contains("[[accounts]]")
    );
    home.write("config.toml", &text);
    home.tend()
        .arg("config")
        .assert()
        .success()
        .stdout(predicate::str::contains("(valid)"));
}

#[test]
fn named_config_that_does_not_exist_is_an_error_but_the_default_path_is_optional() {
    let home = Home::new();
    home.tend()
        .args(["inbox", "--config", "missing.toml"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "tend: missing.toml: cannot read config file",
        ));
    let mut command = home.tend();
    command
        .env_remove("TEND_CONFIG")
        .env("HOME", home.path("fresh-home"))
        .env("XDG_CONFIG_HOME", home.path("xdg"));
    command
        .arg("inbox")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("No store yet at "));
}

#[test]
fn usage_errors_exit_2_and_help_lists_the_commands() {
    let home = Home::new();
    home.tend().arg("frobnicate").assert().code(2);
    home.tend()
        .args(["import"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<FILE|->"));
    home.tend()
        .args(["inbox", "--limit", "many"])
        .assert()
        .code(2);
    let help = home.tend().arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for command in [
        "demo", "import", "add", "inbox", "budget", "export", "config",
    ] {
        assert!(
            help.contains(&format!("  {command} ")),
            "help lists {command}: {help}"
        );
    }
    assert!(help.contains("TEND_DB") && help.contains("TEND_CONFIG"));
}

#[test]
fn demo_shows_a_fresh_week_whatever_the_date() {
    let home = Home::new();
    let output = home.tend().args(["demo", "--json"]).output().unwrap();
    assert!(output.status.success());
    let items = stdout_json(&output);
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 21, "the demo week leaves 21 waiting");
    let newest = items
        .iter()
        .map(|i| i["waiting_since"].as_str().unwrap())
        .max()
        .unwrap();
    assert!(
        newest > "2026-06-13T10:00:00Z" && newest < common::NOW,
        "relative to now: {newest}"
    );
    let overdue = items.iter().filter(|i| i["sla_state"] == "overdue").count();
    assert_eq!(overdue, 13);
    assert!(items.iter().any(|i| i["sla_state"] == "on_time"));
    let platforms: std::collections::BTreeSet<&str> = items
        .iter()
        .map(|i| i["platform"].as_str().unwrap())
        .collect();
    assert_eq!(platforms.len(), 6, "{platforms:?}");
    // The throwaway store never touches the user's.
    assert!(!home.db().exists());
    let plain = home.tend().arg("demo").output().unwrap();
    assert!(
        String::from_utf8(plain.stdout)
            .unwrap()
            .starts_with(&format!("{} open · ", items.len()))
    );
}

#[test]
fn a_store_from_a_newer_tend_is_refused_untouched() {
    let home = Home::new();
    home.import(fixture("generic.jsonl"));
    {
        let conn = rusqlite::Connection::open(home.db()).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let before = std::fs::read(home.db()).unwrap();
    let file = fixture("generic.jsonl");
    let file = file.to_str().unwrap();
    for args in [vec!["inbox"], vec!["import", file], vec!["export"]] {
        home.tend()
            .args(&args)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(
                "this store was written by a newer tend (schema version 99",
            ))
            .stderr(predicate::str::contains(
                "upgrade tend — the file was not changed",
            ));
    }
    assert_eq!(std::fs::read(home.db()).unwrap(), before);
}

#[test]
fn a_file_that_is_not_a_store_is_named_and_kept() {
    let home = Home::new();
    std::fs::create_dir_all(home.db().parent().unwrap()).unwrap();
    let text = "my shopping list\n".repeat(300);
    std::fs::write(home.db(), &text).unwrap();
    for args in [vec!["inbox"], vec!["import", "-"]] {
        home.tend()
            .args(&args)
            .assert()
            .code(1)
            .stderr(format!(
                "tend: {}: not a tend store (the file is not an SQLite database); check --db/TEND_DB — the file was not changed\n",
                home.db().display()
            ));
    }
    assert_eq!(std::fs::read_to_string(home.db()).unwrap(), text);
}

#[test]
fn bare_tend_without_a_terminal_prints_the_queue() {
    let home = Home::new();
    home.import(fixture("generic.jsonl"));
    home.tend()
        .assert()
        .success()
        .stdout(predicate::str::starts_with("7 open · "))
        .stderr("");
}

#[test]
fn read_only_commands_do_not_create_a_store() {
    let home = Home::new();
    home.tend()
        .arg("inbox")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("No store yet at "));
    home.tend()
        .args(["inbox", "--json"])
        .assert()
        .success()
        .stdout("[]\n");
    home.tend()
        .arg("export")
        .assert()
        .code(1)
        .stderr(predicate::str::ends_with(
            "no store here yet; check --db/TEND_DB\n",
        ));
    assert!(!home.db().exists() && !home.db().parent().unwrap().exists());
}

#[test]
fn export_refuses_to_overwrite_the_store() {
    let home = Home::new();
    home.import(fixture("generic.jsonl"));
    let before = std::fs::read(home.db()).unwrap();
    home.tend()
        .args(["export", "-o", "data/tend.db"])
        .assert()
        .code(1)
        .stderr(predicate::str::ends_with(
            "that is the store itself; export to another file\n",
        ));
    assert_eq!(std::fs::read(home.db()).unwrap(), before);
}

/// A pipe whose reader has gone: spawn with stdout piped and close our end.
fn run_with_closed_stdout(mut command: std::process::Command) -> std::process::Output {
    use std::process::Stdio;
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_reader_that_goes_away_is_not_an_error_but_a_failure_still_is() {
    let home = Home::new();
    let big = home.path("big.jsonl");
    let lines: Vec<String> = (0..3000)
        .map(|i| {
            line(
                "github",
                &format!("id-{i}"),
                "2026-06-12T09:00:00Z",
                &"padding ".repeat(20),
                &[],
            )
        })
        .collect();
    std::fs::write(&big, lines.join("\n")).unwrap();
    home.import(&big);
    // `tend export | head -0`: far more than a pipe buffer, nobody reading.
    let mut export = home.tend_process();
    export.arg("export");
    let output = run_with_closed_stdout(export);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stderr.is_empty());
    // A failed import stays failed even if its JSON report has no reader.
    home.write("bad.jsonl", "{}\n");
    let mut import = home.tend_process();
    import.args(["import", "--json", "bad.jsonl"]);
    let output = run_with_closed_stdout(import);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("bad.jsonl:1: missing required field")
    );
}
