//! `tend budget` and `tend budget set` through the binary: today's numbers as
//! text and JSON, values set from a day on, weekday overrides, and bad input
//! that changes nothing.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use common::{Home, NOW};
use predicates::prelude::*;
use tend::budget::Credit;
use tend::store::Store;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW).unwrap().to_utc()
}

/// `tend budget …` at `at` (UTC), as JSON.
fn budget_at(home: &Home, at: &str, args: &[&str]) -> serde_json::Value {
    let output = home
        .tend()
        .env("TEND_NOW", at)
        .arg("budget")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Today's numbers at the tests' "now", a Saturday (2026-06-13).
fn budget(home: &Home) -> serde_json::Value {
    budget_at(home, NOW, &[])
}

/// Active time counted earlier today, as a session would have written it,
/// ending `hours_ago` (sessions at the same time count a second once).
fn spend(home: &Home, used: Duration, hours_ago: i64) {
    let mut store = Store::open(&home.db()).unwrap();
    let session = store
        .begin_timer_session(now() - TimeDelta::hours(3))
        .unwrap();
    let credit = Credit {
        day: now().date_naive(),
        end: now() - TimeDelta::hours(hours_ago),
        span: used,
    };
    store
        .record_active(session, &[credit], &tend::config::Budget::default())
        .unwrap();
}

#[test]
fn today_shows_budget_used_left_overtime_and_pace() {
    let home = Home::new();
    let json = budget(&home);
    assert_eq!(
        json,
        serde_json::json!({
            "date": "2026-06-13",
            "budget_seconds": 1800,
            "used_seconds": 0,
            "left_seconds": 1800,
            "overtime_seconds": 0,
            "pace_seconds": 120,
            "pace_samples": 0,
            "extension_seconds": 0,
            "keep_going": false,
        })
    );
    assert!(!home.db().exists(), "showing the budget creates no store");

    spend(&home, Duration::from_secs(12 * 60 + 18), 2);
    let json = budget(&home);
    assert_eq!(json["used_seconds"], 738);
    assert_eq!(json["left_seconds"], 1800 - 738);
    home.tend().arg("budget").assert().success().stdout(
        "Saturday 13 June 2026 (the day began at 04:00)\n\
             budget    30:00\n\
             used      12:18\n\
             left      17:42\n\
             overtime  00:00\n\
             pace      02:00 per conversation (no history yet)\n",
    );

    spend(&home, Duration::from_secs(23 * 60), 1);
    let json = budget(&home);
    assert_eq!(json["left_seconds"], 0);
    assert_eq!(json["overtime_seconds"], 738 + 23 * 60 - 1800);
}

#[test]
fn the_day_starts_at_day_starts_at_local_time() {
    let home = Home::new();
    home.write("config.toml", "[budget]\nday_starts_at = \"05:30\"\n");
    // 03:00 in Berlin on the 14th is still the 13th's evening.
    let output = home
        .tend()
        .env("TEND_NOW", "2026-06-14T01:00:00Z")
        .env("TZ", "Europe/Berlin")
        .args(["budget", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["date"], "2026-06-13");
}

#[test]
fn set_changes_the_budget_from_today_on_and_past_days_keep_theirs() {
    let home = Home::new();
    home.tend()
        .args(["budget", "set", "45m"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "From today on, the budget is 45 min a day.\nSaturday 13 June 2026",
        ));
    assert_eq!(budget(&home)["budget_seconds"], 2700);
    let tomorrow = "2026-06-14T12:00:00Z";
    assert_eq!(budget_at(&home, tomorrow, &[])["budget_seconds"], 2700);
    // Changed again tomorrow: today keeps 45 minutes.
    assert_eq!(
        budget_at(&home, tomorrow, &["set", "1h30m"])["budget_seconds"],
        5400
    );
    assert_eq!(budget(&home)["budget_seconds"], 2700);
    assert_eq!(
        budget_at(&home, "2026-06-12T12:00:00Z", &[])["budget_seconds"],
        1800
    );
    assert_eq!(
        budget_at(&home, "2026-07-01T12:00:00Z", &[])["budget_seconds"],
        5400
    );
}

#[test]
fn weekday_overrides_keep_their_days_after_a_set() {
    let home = Home::new();
    home.write("config.toml", "[budget.weekdays]\nsat = 10\nsun = 0\n");
    assert_eq!(budget(&home)["budget_seconds"], 600);
    let sunday = "2026-06-14T12:00:00Z";
    assert_eq!(budget_at(&home, sunday, &[])["budget_seconds"], 0);
    // Set on a Saturday: this Saturday gets it, the next keeps its override.
    home.tend()
        .args(["budget", "set", "20"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "the budget is 20 min a day. [budget.weekdays] still decides sat, sun.",
        ));
    assert_eq!(budget(&home)["budget_seconds"], 1200);
    assert_eq!(
        budget_at(&home, "2026-06-20T12:00:00Z", &[])["budget_seconds"],
        600
    );
    assert_eq!(
        budget_at(&home, "2026-06-15T12:00:00Z", &[])["budget_seconds"],
        1200
    );
}

#[test]
fn bad_amounts_are_refused_with_one_line_and_change_nothing() {
    let home = Home::new();
    home.tend()
        .args(["budget", "set", "45m"])
        .assert()
        .success();
    let before = budget(&home);
    let settings = || home.count("SELECT count(*) FROM budget_settings");
    assert_eq!(settings(), 1);
    for (amount, says) in [
        (
            "0",
            "\"0\" is out of range: a budget is from 1 minute to 24 hours",
        ),
        ("-5m", "\"-5m\" is negative"),
        (
            "banana",
            "\"banana\" is not an amount of time: expected minutes or hours, e.g. 45m",
        ),
        ("25h", "out of range"),
        ("", "not an amount of time"),
    ] {
        let output = home
            .tend()
            .args(["budget", "set", amount])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{amount}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.starts_with("tend: budget set: "), "{stderr}");
        assert!(stderr.contains(says), "{amount}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(output.stdout.is_empty());
    }
    assert_eq!(budget(&home), before);
    assert_eq!(settings(), 1);
}

#[test]
fn budget_set_help_says_what_amounts_it_takes() {
    let home = Home::new();
    home.tend()
        .args(["budget", "set", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("45m").and(predicate::str::contains("[budget.weekdays]")));
}
