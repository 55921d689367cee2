//! The budget logic against chosen clocks: named situations, and property
//! tests that compare the meter with a model that counts millisecond by
//! millisecond.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::*;
use crate::testing::at as utc;

const IDLE: Duration = Duration::from_secs(120);

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn four_am(zone: Tz) -> Days<Tz> {
    Days::new(zone, NaiveTime::from_hms_opt(4, 0, 0).unwrap())
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// A session driven second by second: the wall clock follows the monotonic
/// one from `start` unless a test moves it.
struct Session {
    meter: Meter,
    days: Days<Tz>,
    mono: Duration,
    wall: DateTime<Utc>,
    credits: Vec<Credit>,
}

impl Session {
    fn new(start: &str, zone: Tz) -> Session {
        let mut session = Session {
            meter: Meter::new(IDLE),
            days: four_am(zone),
            mono: Duration::from_secs(1000),
            wall: utc(start),
            credits: Vec::new(),
        };
        let at = session.reading();
        let credits = session.meter.input(at, &session.days);
        session.credits.extend(credits);
        session
    }

    fn reading(&self) -> Reading {
        Reading::new(self.wall, self.mono)
    }

    /// `seconds` pass with a tick each second.
    fn pass(&mut self, seconds: u64) {
        for _ in 0..seconds {
            self.mono += secs(1);
            self.wall += TimeDelta::seconds(1);
            let at = self.reading();
            let credits = self.meter.tick(at, &self.days);
            self.credits.extend(credits);
        }
    }

    /// `seconds` of work: a key press each second.
    fn work(&mut self, seconds: u64) {
        for _ in 0..seconds {
            self.mono += secs(1);
            self.wall += TimeDelta::seconds(1);
            let at = self.reading();
            let credits = self.meter.input(at, &self.days);
            self.credits.extend(credits);
        }
    }

    fn key(&mut self) {
        let at = self.reading();
        let credits = self.meter.input(at, &self.days);
        self.credits.extend(credits);
    }

    fn total(&self) -> Duration {
        self.credits.iter().map(|c| c.span).sum()
    }

    fn by_day(&self) -> BTreeMap<NaiveDate, Duration> {
        let mut days = BTreeMap::new();
        for credit in &self.credits {
            *days.entry(credit.day).or_default() += credit.span;
        }
        days
    }
}

#[test]
fn input_keeps_time_counting_and_idle_stops_it_after_idle_after() {
    let mut s = Session::new("2026-11-22T10:00:00Z", chrono_tz::UTC);
    s.work(60);
    assert_eq!(s.total(), secs(60));
    // No key for ten minutes: only the first two count.
    s.pass(600);
    assert_eq!(s.total(), secs(60 + 120));
    assert_eq!(s.meter.activity(s.mono), Activity::Idle);
    // A key resumes counting from that moment; the idle gap stays uncounted.
    s.key();
    s.pass(30);
    assert_eq!(s.total(), secs(60 + 120 + 30));
    assert_eq!(s.meter.activity(s.mono), Activity::Counting);
}

#[test]
fn a_manual_pause_stops_counting_until_p_again_even_with_keys_pressed() {
    let mut s = Session::new("2026-11-22T10:00:00Z", chrono_tz::UTC);
    s.work(10);
    let at = s.reading();
    s.meter.toggle_pause(at, &s.days);
    s.work(50);
    assert_eq!(s.meter.activity(s.mono), Activity::Paused);
    assert_eq!(s.total(), secs(10));
    let at = s.reading();
    s.meter.toggle_pause(at, &s.days);
    s.pass(20);
    assert_eq!(s.total(), secs(30));
}

#[test]
fn suspended_time_never_counts_and_coming_back_is_input() {
    let mut s = Session::new("2026-11-22T10:00:00Z", chrono_tz::UTC);
    s.work(10);
    let at = s.reading();
    s.credits
        .extend(s.meter.leave(at, &s.days, Away::Suspended));
    assert_eq!(s.meter.activity(s.mono), Activity::Away);
    // Stopped for 40 minutes: the loop does not tick, then the shell resumes it.
    s.mono += secs(2400);
    s.wall += TimeDelta::seconds(2400);
    let at = s.reading();
    s.credits.extend(s.meter.come_back(at, &s.days));
    assert_eq!(s.total(), secs(10));
    s.pass(5);
    assert_eq!(s.total(), secs(15));
}

#[test]
fn a_long_gap_between_readings_counts_at_most_the_cap() {
    let mut s = Session::new("2026-11-22T10:00:00Z", chrono_tz::UTC);
    s.work(10);
    // The process was stopped from outside (or the lid closed) with a key
    // just pressed: the next reading comes an hour later.
    s.mono += secs(3600);
    s.wall += TimeDelta::seconds(3600);
    s.key();
    assert_eq!(s.total(), secs(10) + meter::MAX_CREDIT_PER_READING);
}

#[test]
fn editor_time_counts_up_to_idle_after_at_each_end() {
    let mut s = Session::new("2026-11-22T10:00:00Z", chrono_tz::UTC);
    let at = s.reading();
    s.meter.leave(at, &s.days, Away::Editor);
    s.mono += secs(90);
    s.wall += TimeDelta::seconds(90);
    let at = s.reading();
    s.credits.extend(s.meter.come_back(at, &s.days));
    assert_eq!(s.total(), secs(90), "a short edit counts whole");

    let at = s.reading();
    s.meter.leave(at, &s.days, Away::Editor);
    s.mono += secs(3600);
    s.wall += TimeDelta::seconds(3600);
    let at = s.reading();
    s.credits.extend(s.meter.come_back(at, &s.days));
    assert_eq!(s.total(), secs(90 + 240), "an editor left open for an hour");
}

#[test]
fn a_session_across_day_starts_at_splits_its_time_without_restarting() {
    // Berlin in November is UTC+1: the day starts at 03:00 UTC.
    let mut s = Session::new("2026-11-23T02:59:00Z", chrono_tz::Europe::Berlin);
    s.work(120);
    let days = s.by_day();
    assert_eq!(days[&date("2026-11-22")], secs(60));
    assert_eq!(days[&date("2026-11-23")], secs(60));
    assert_eq!(s.meter.activity(s.mono), Activity::Counting);
}

#[test]
fn a_spring_forward_day_counts_real_time_into_the_right_days() {
    // Berlin, 2026-03-29: 02:00 local becomes 03:00. A session from 01:30 to
    // 04:30 local is 2 hours of real time; the day starts at 04:00 local.
    let mut s = Session::new("2026-03-29T00:30:00Z", chrono_tz::Europe::Berlin);
    s.work(2 * 3600);
    let days = s.by_day();
    assert_eq!(s.total(), secs(2 * 3600));
    assert_eq!(
        days[&date("2026-03-28")],
        secs(3600 + 1800),
        "01:30 → 04:00 local is 1.5 h"
    );
    assert_eq!(days[&date("2026-03-29")], secs(1800));
}

#[test]
fn a_fall_back_day_counts_the_repeated_hour_once_per_real_second() {
    // Berlin, 2026-10-25: 03:00 local becomes 02:00 again. 01:30 → 04:30 local
    // is 4 hours of real time; the day starts at 04:00 CET (03:00 UTC).
    let mut s = Session::new("2026-10-24T23:30:00Z", chrono_tz::Europe::Berlin);
    s.work(4 * 3600);
    let days = s.by_day();
    assert_eq!(s.total(), secs(4 * 3600));
    assert_eq!(days[&date("2026-10-24")], secs(3 * 3600 + 1800));
    assert_eq!(days[&date("2026-10-25")], secs(1800));
}

#[test]
fn a_clock_set_back_or_forward_changes_the_day_never_the_time() {
    let mut s = Session::new("2026-11-23T04:30:00Z", chrono_tz::UTC);
    s.work(60);
    // The wall clock jumps back five hours, into the previous budget day:
    // the wall clock decides the day, the monotonic clock the time.
    s.wall -= TimeDelta::hours(5);
    s.work(60);
    assert_eq!(s.total(), secs(120));
    let days = s.by_day();
    assert_eq!(days[&date("2026-11-22")], secs(60));
    assert_eq!(days[&date("2026-11-23")], secs(60));
    // Set two days ahead by mistake, then corrected: only the seconds it
    // was wrong go to the wrong day.
    s.wall += TimeDelta::days(2);
    s.work(30);
    s.wall -= TimeDelta::days(2);
    s.work(30);
    assert_eq!(s.total(), secs(180));
    assert_eq!(s.by_day()[&date("2026-11-24")], secs(30));
    assert_eq!(s.by_day()[&date("2026-11-22")], secs(90));
}

#[test]
fn a_zone_change_mid_session_moves_the_day_with_the_local_clock() {
    // 10:00 on the 22nd in New York. The laptop's zone becomes Tokyo (00:01
    // on the 23rd there, before 04:00: still the 22nd); hours later Tokyo's
    // 23rd has begun; back in New York's zone it is the 22nd again.
    let mut s = Session::new("2026-11-22T15:00:00Z", chrono_tz::America::New_York);
    s.work(60);
    s.days = four_am(chrono_tz::Asia::Tokyo);
    s.work(60);
    s.wall += TimeDelta::hours(5);
    s.work(60);
    s.days = four_am(chrono_tz::America::New_York);
    s.work(60);
    assert_eq!(s.total(), secs(240));
    assert_eq!(s.by_day()[&date("2026-11-22")], secs(180));
    assert_eq!(s.by_day()[&date("2026-11-23")], secs(60));
}

#[test]
fn two_overlapping_sessions_count_each_second_once() {
    // Session A counted 10:00–10:10; B, opened at 10:05, counted 10:05–10:20;
    // C ran 10:30–10:31 alone.
    let minute = 60_000_i64;
    let a = (0, 10 * minute);
    let b = (5 * minute, 20 * minute);
    let c = (30 * minute, 31 * minute);
    assert_eq!(uncovered(a, &[]), 10 * minute);
    assert_eq!(uncovered(b, &[a]), 10 * minute);
    assert_eq!(uncovered(c, &[a, b]), minute);
    // Whichever writes first, the union is counted: 21 minutes.
    assert_eq!(
        uncovered(b, &[]) + uncovered(a, &[b]) + uncovered(c, &[a, b]),
        21 * minute
    );
    // A span inside one already counted adds nothing; overlapping others merge.
    assert_eq!(uncovered((2, 4), &[(0, 10)]), 0);
    assert_eq!(uncovered((0, 10), &[(1, 3), (2, 5), (8, 20)]), 4);
}

#[test]
fn the_budget_of_a_day_follows_set_weekdays_and_config_in_that_order() {
    let mut config = config::Budget::default();
    config.weekdays.sat = Some(config::Minutes(10));
    let sunday = date("2026-11-22");
    let saturday = date("2026-11-28");
    let monday = date("2026-11-23");
    assert_eq!(budget_for(sunday, &config, &[]), 30 * 60);
    assert_eq!(budget_for(saturday, &config, &[]), 10 * 60);
    let settings = [Setting {
        from: sunday,
        seconds: 45 * 60,
    }];
    assert_eq!(budget_for(sunday, &config, &settings), 45 * 60);
    assert_eq!(
        budget_for(monday, &config, &settings),
        45 * 60,
        "from that day on"
    );
    assert_eq!(
        budget_for(saturday, &config, &settings),
        10 * 60,
        "weekday override stays"
    );
    assert_eq!(budget_for(date("2026-11-21"), &config, &settings), 10 * 60);
    assert_eq!(
        budget_for(date("2026-11-20"), &config, &settings),
        30 * 60,
        "past days keep theirs"
    );
    // Set on a Saturday, that Saturday gets it.
    let settings = [Setting {
        from: saturday,
        seconds: 20 * 60,
    }];
    assert_eq!(budget_for(saturday, &config, &settings), 20 * 60);
}

#[test]
fn spent_overtime_and_the_prompt_follow_used_time() {
    let mut day = DayBudget {
        day: date("2026-11-22"),
        budget: secs(1800),
        used: secs(1700),
        extension: Duration::ZERO,
        keep_going: false,
    };
    assert_eq!(
        (day.left(), day.overtime(), day.spent()),
        (secs(100), Duration::ZERO, false)
    );
    assert!(!day.prompt_due());
    day.used = secs(1800);
    assert!(day.spent() && day.prompt_due());
    assert_eq!(day.extension_left(), None);
    day.extension = EXTENSION;
    assert!(!day.prompt_due(), "+10 min chosen");
    assert_eq!(day.extension_left(), Some(secs(600)));
    day.used = secs(2400);
    assert_eq!(day.overtime(), secs(600));
    assert_eq!(day.extension_left(), None, "the ten minutes are up");
    assert!(day.prompt_due(), "the ten minutes are up");
    day.keep_going = true;
    assert!(!day.prompt_due());
}

#[test]
fn pace_is_the_median_or_two_minutes_without_history() {
    assert_eq!(pace(&mut []), DEFAULT_PACE);
    assert_eq!(pace(&mut [secs(300), secs(30), secs(60)]), secs(60));
    assert_eq!(
        pace(&mut [secs(30), secs(90), secs(60), secs(600)]),
        secs(75)
    );
}

#[test]
fn amounts_people_type_after_budget_set() {
    assert_eq!(parse_amount("45m"), Ok(45 * 60));
    assert_eq!(parse_amount("1h30m"), Ok(90 * 60));
    assert_eq!(parse_amount(" 20 "), Ok(20 * 60));
    assert_eq!(parse_amount("24h"), Ok(1440 * 60));
    for (bad, says) in [
        ("0", "out of range"),
        ("0m", "out of range"),
        ("25h", "out of range"),
        ("-5m", "negative"),
        ("banana", "not an amount of time"),
        ("", "not an amount of time"),
        ("45s", "not an amount of time"),
        ("1.5h", "not an amount of time"),
    ] {
        let err = parse_amount(bad).unwrap_err();
        assert!(err.contains(says), "{bad}: {err}");
    }
    assert!(
        !parse_amount("\u{1b}[31m").unwrap_err().contains('\u{1b}'),
        "quoted safely"
    );
}

#[test]
fn spans_read_as_a_clock() {
    assert_eq!(clock(secs(0)), "00:00");
    assert_eq!(clock(secs(11 * 60 + 42)), "11:42");
    assert_eq!(clock(secs(90 * 60)), "1:30:00");
}

// ---------------------------------------------------------------------------
// Property tests: the meter against a model that looks at every millisecond.

#[derive(Debug, Clone, Copy)]
enum Step {
    Tick,
    Key,
    Pause,
    Suspend,
}

fn steps() -> impl Strategy<Value = Vec<(u64, Step)>> {
    let step = prop_oneof![
        6 => Just(Step::Tick),
        3 => Just(Step::Key),
        1 => Just(Step::Pause),
        1 => Just(Step::Suspend),
    ];
    // Readings at most a second apart, as the loop makes them.
    prop::collection::vec((1_u64..=1000, step), 1..400)
}

/// Millisecond by millisecond: a moment counts when the session is not
/// paused or suspended and a key was pressed less than `idle` before it.
fn model(idle_ms: u64, events: &[(u64, Step)]) -> (u64, Vec<u64>) {
    let (mut t, mut last_key, mut paused, mut away) = (0_u64, 0_u64, false, false);
    let mut counted_at = Vec::new();
    for &(gap, step) in events {
        for ms in t..t + gap {
            if !paused && !away && ms < last_key + idle_ms {
                counted_at.push(ms);
            }
        }
        t += gap;
        match step {
            Step::Tick => {}
            Step::Key => last_key = t,
            Step::Pause => {
                paused = !paused;
                last_key = t;
            }
            Step::Suspend => {
                if away {
                    last_key = t;
                }
                away = !away;
            }
        }
    }
    (counted_at.len() as u64, counted_at)
}

fn run_meter(
    idle_ms: u64,
    events: &[(u64, Step)],
    start: DateTime<Utc>,
    days: &Days<Tz>,
    wall_jumps: &[i64],
) -> Vec<Credit> {
    let mut meter = Meter::new(Duration::from_millis(idle_ms));
    let (mut mono, mut wall) = (Duration::ZERO, start);
    let mut credits = meter.input(Reading::new(wall, mono), days);
    let mut away = false;
    for (index, &(gap, step)) in events.iter().enumerate() {
        mono += Duration::from_millis(gap);
        wall += TimeDelta::milliseconds(gap as i64);
        if let Some(jump) = wall_jumps.get(index) {
            wall += TimeDelta::seconds(*jump);
        }
        let at = Reading::new(wall, mono);
        credits.extend(match step {
            Step::Tick => meter.tick(at, days),
            Step::Key => meter.input(at, days),
            Step::Pause => meter.toggle_pause(at, days),
            Step::Suspend if away => meter.come_back(at, days),
            Step::Suspend => meter.leave(at, days, Away::Suspended),
        });
        if matches!(step, Step::Suspend) {
            away = !away;
        }
    }
    credits
}

proptest! {
    #[test]
    fn the_meter_counts_what_the_model_counts_per_day(
        events in steps(),
        idle_s in 1_u64..=5,
        // Start within a few minutes of a day start, on a DST day or not.
        start in prop_oneof![
            Just("2026-03-29T01:58:00Z"),
            Just("2026-10-25T02:58:00Z"),
            Just("2026-11-23T02:59:30Z"),
        ],
    ) {
        let idle_ms = idle_s * 1000;
        let start = utc(start);
        let days = four_am(chrono_tz::Europe::Berlin);
        let credits = run_meter(idle_ms, &events, start, &days, &[]);
        let (total, moments) = model(idle_ms, &events);
        let credited: Duration = credits.iter().map(|c| c.span).sum();
        prop_assert_eq!(credited, Duration::from_millis(total));
        let mut expected: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        // Moments come in order: walk the day starts along with them.
        let offset = |day: NaiveDate| (days.start_of(day.succ_opt().unwrap()) - start).num_milliseconds();
        let mut day = days.day_of(start);
        let mut next_start = offset(day);
        for ms in moments {
            while ms as i64 >= next_start {
                day = day.succ_opt().unwrap();
                next_start = offset(day);
            }
            *expected.entry(day).or_default() += 1;
        }
        let mut got: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        for credit in &credits {
            *got.entry(credit.day).or_default() += credit.span.as_millis() as u64;
        }
        got.retain(|_, ms| *ms > 0);
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn wall_clock_jumps_change_days_never_totals(
        events in steps(),
        jumps in prop::collection::vec(prop_oneof![8 => Just(0_i64), 1 => -90_000_i64..90_000], 0..400),
    ) {
        let idle_ms = 3000;
        let days = four_am(chrono_tz::Europe::Berlin);
        let credits = run_meter(idle_ms, &events, utc("2026-11-22T12:00:00Z"), &days, &jumps);
        let credited: Duration = credits.iter().map(|c| c.span).sum();
        prop_assert_eq!(credited, Duration::from_millis(model(idle_ms, &events).0));
        // Each credit lies in the day the wall clock gave its start.
        prop_assert!(credits.iter().all(|c| days.day_of(c.start()) == c.day));
        prop_assert!(credits.iter().all(|c| !c.span.is_zero()));
    }
}
