// Scores are rounded (factors to a hundredth, totals to a tenth), so exact
// comparisons are what the tests mean.
#![allow(clippy::float_cmp)]

use super::*;
use crate::config::{Sla, Weight};
use crate::testing::at;

const NOW: &str = "2026-11-22T12:00:00Z";

/// A stranger's passing mention, waiting two hours: the baseline every test
/// changes one thing of.
fn baseline() -> Signals {
    Signals {
        platform: Platform::Mastodon,
        waiting_since: at("2026-11-22T10:00:00Z"),
        person_waiting_since: at("2026-11-22T10:00:00Z"),
        person_waiting_in: 1,
        relationship: Relationship::None,
        exchanges: 0,
        asked_question: false,
        addressed: Addressed::Mention,
        followers: None,
        back_from_snooze: false,
    }
}

fn total(signals: &Signals) -> f64 {
    score(signals, &Weights::default(), &Sla::default(), at(NOW)).total
}

#[test]
fn each_factor_raises_the_score_on_its_own() {
    let base = total(&baseline());
    let changes: Vec<(&str, Signals)> = vec![
        (
            "overdue",
            Signals {
                waiting_since: at("2026-11-21T08:00:00Z"),
                person_waiting_since: at("2026-11-21T08:00:00Z"),
                ..baseline()
            },
        ),
        (
            "customer",
            Signals {
                relationship: Relationship::Customer,
                ..baseline()
            },
        ),
        (
            "depth",
            Signals {
                exchanges: 4,
                ..baseline()
            },
        ),
        (
            "question",
            Signals {
                asked_question: true,
                ..baseline()
            },
        ),
        (
            "direct",
            Signals {
                addressed: Addressed::Direct,
                ..baseline()
            },
        ),
        (
            "reply",
            Signals {
                addressed: Addressed::Reply,
                ..baseline()
            },
        ),
        (
            "waited elsewhere",
            Signals {
                person_waiting_since: at("2026-11-20T12:00:00Z"),
                person_waiting_in: 2,
                ..baseline()
            },
        ),
        (
            "reach",
            Signals {
                followers: Some(50_000),
                ..baseline()
            },
        ),
        (
            "snooze",
            Signals {
                back_from_snooze: true,
                ..baseline()
            },
        ),
    ];
    for (what, signals) in changes {
        assert!(
            total(&signals) > base,
            "{what}: {} <= {base}",
            total(&signals)
        );
    }
}

#[test]
fn stronger_signals_rank_higher() {
    let with = |relationship| {
        total(&Signals {
            relationship,
            ..baseline()
        })
    };
    assert!(with(Relationship::Customer) > with(Relationship::Vip));
    assert!(with(Relationship::Vip) > with(Relationship::Lead));
    assert!(with(Relationship::Lead) > with(Relationship::Advocate));
    assert!(with(Relationship::Advocate) > with(Relationship::None));
    let addressed = |addressed| {
        total(&Signals {
            addressed,
            ..baseline()
        })
    };
    assert!(addressed(Addressed::Direct) > addressed(Addressed::Reply));
    let depth = |exchanges| {
        total(&Signals {
            exchanges,
            ..baseline()
        })
    };
    assert!(depth(10) > depth(3) && depth(3) > depth(1));
    assert_eq!(depth(20), depth(500), "depth saturates");
}

#[test]
fn the_promise_rises_through_its_window_and_beyond() {
    let waited = |since: &str| {
        let signals = Signals {
            waiting_since: at(since),
            person_waiting_since: at(since),
            ..baseline()
        };
        score(&signals, &Weights::default(), &Sla::default(), at(NOW))
    };
    let steps = [
        "2026-11-22T11:00:00Z", // 1h: on time
        "2026-11-21T20:00:00Z", // 16h: on time
        "2026-11-21T17:00:00Z", // 19h: due soon
        "2026-11-21T13:00:00Z", // 23h: due soon
        "2026-11-21T11:00:00Z", // 25h: overdue
        "2026-11-20T12:00:00Z", // 48h: a window overdue
    ];
    let scores: Vec<Score> = steps.iter().map(|since| waited(since)).collect();
    for pair in scores.windows(2) {
        assert!(pair[1].factors.sla > pair[0].factors.sla, "{pair:?}");
    }
    assert_eq!(scores[2].sla.state, SlaState::DueSoon);
    assert_eq!(scores[4].sla.state, SlaState::Overdue);
    // Due soon weighs more than any on-time wait; overdue more than due soon.
    assert!(scores[1].factors.sla < 0.5 * 40.0);
    assert!(scores[3].factors.sla <= 40.0 && scores[4].factors.sla >= 40.0);
    assert_eq!(scores[5].factors.sla, 80.0);
    assert_eq!(waited("2026-11-10T12:00:00Z").factors.sla, 80.0, "capped");
}

#[test]
fn per_platform_promises_change_the_state() {
    let mut promise = Sla::default();
    promise
        .platforms
        .insert(Platform::Github, config::SlaHours(72));
    let since = at("2026-11-21T08:00:00Z"); // 28h ago
    let on = |platform| {
        let signals = Signals {
            platform,
            waiting_since: since,
            person_waiting_since: since,
            ..baseline()
        };
        score(&signals, &Weights::default(), &promise, at(NOW))
    };
    assert_eq!(on(Platform::Mastodon).sla.state, SlaState::Overdue);
    assert_eq!(on(Platform::Github).sla.state, SlaState::OnTime);
    assert_eq!(on(Platform::Github).sla.due_at, at("2026-11-24T08:00:00Z"));
    assert!(on(Platform::Mastodon).total > on(Platform::Github).total);
}

#[test]
fn relationships_beat_audiences() {
    let famous_stranger = Signals {
        followers: Some(5_000_000),
        ..baseline()
    };
    let small_customer = Signals {
        relationship: Relationship::Customer,
        followers: Some(12),
        ..baseline()
    };
    assert!(total(&small_customer) > total(&famous_stranger));
    let advocate = Signals {
        relationship: Relationship::Advocate,
        ..baseline()
    };
    assert!(total(&advocate) > total(&famous_stranger));
}

#[test]
fn weights_from_config_apply() {
    let customer = Signals {
        relationship: Relationship::Customer,
        ..baseline()
    };
    let asker = Signals {
        asked_question: true,
        ..baseline()
    };
    let mut weights = Weights::default();
    let now = at(NOW);
    let sla = Sla::default();
    assert!(score(&customer, &weights, &sla, now).total > score(&asker, &weights, &sla, now).total);
    weights.relationship = Weight(5);
    weights.question = Weight(50);
    let customer_score = score(&customer, &weights, &sla, now);
    assert!(customer_score.total < score(&asker, &weights, &sla, now).total);
    assert_eq!(customer_score.factors.relationship, 5.0);
    weights.relationship = Weight(0);
    let off = score(&customer, &weights, &sla, now);
    assert_eq!(off.factors.relationship, 0.0);
    assert!(!off.why.contains(&"customer".to_owned()), "{:?}", off.why);
}

#[test]
fn equal_scores_put_the_longer_wait_first_then_the_older_conversation() {
    let mut rows = [
        (at("2026-11-22T10:00:00Z"), 7_i64),
        (at("2026-11-22T09:00:00Z"), 9),
        (at("2026-11-22T10:00:00Z"), 3),
    ];
    let same = score(&baseline(), &Weights::default(), &Sla::default(), at(NOW));
    rows.sort_by(|a, b| order((&same, a.0, a.1), (&same, b.0, b.1)));
    assert_eq!(rows.map(|(_, id)| id), [9, 3, 7]);
    let higher = Score {
        total: same.total + 0.1,
        ..same.clone()
    };
    assert_eq!(
        order((&higher, rows[2].0, 7), (&same, rows[0].0, 9)),
        Ordering::Less,
        "a higher score goes first whatever the wait"
    );
}

#[test]
fn the_why_line_reads_like_the_design() {
    let signals = Signals {
        waiting_since: at("2026-11-21T09:00:00Z"),
        person_waiting_since: at("2026-11-21T09:00:00Z"),
        relationship: Relationship::Customer,
        exchanges: 4,
        asked_question: true,
        ..baseline()
    };
    let scored = score(&signals, &Weights::default(), &Sla::default(), at(NOW));
    assert_eq!(
        scored.why,
        [
            "overdue 3h",
            "customer",
            "4 past exchanges",
            "asked a question"
        ]
    );
    let more = Signals {
        addressed: Addressed::Direct,
        person_waiting_since: at("2026-11-19T12:00:00Z"),
        person_waiting_in: 3,
        followers: Some(12_400),
        back_from_snooze: true,
        exchanges: 1,
        ..signals
    };
    let scored = score(&more, &Weights::default(), &Sla::default(), at(NOW));
    assert_eq!(
        scored.why,
        [
            "overdue 3h",
            "customer",
            "1 past exchange",
            "asked a question",
            "direct message",
            "waiting 3d in 3 conversations",
            "12k followers",
            "back from snooze"
        ]
    );
    assert_eq!(
        score(&baseline(), &Weights::default(), &Sla::default(), at(NOW)).why,
        Vec::<String>::new()
    );
}

#[test]
fn totals_are_rounded_so_equal_is_equal() {
    let scored = score(&baseline(), &Weights::default(), &Sla::default(), at(NOW));
    assert_eq!(scored.total, (scored.total * 100.0).round() / 100.0);
    // 2h of a 24h window: 0.5 * 2/24 * 40 = 1.67 points; 2h of 72h of
    // "waited": 0.28. Each factor to a hundredth, and the sum.
    assert_eq!(scored.factors.sla, 1.67);
    assert_eq!(scored.factors.waited, 0.28);
    assert_eq!(scored.total, 1.95);
}

#[test]
fn questions_are_found_where_people_ask_them() {
    for text in [
        "can I export to CSV?",
        "is it open source? asking for a friend",
        "really?!",
        "(does it sync?)",
        "それは何ですか？",
        "¿Funciona con Stripe",
        "see https://example.com/faq?",
    ] {
        assert!(asks_question(text), "{text}");
    }
    for text in [
        "loved the export feature",
        "docs at https://example.com/search?q=csv&page=2",
        "> did you try restarting?\nyes, that fixed it",
        "",
    ] {
        assert!(!asks_question(text), "{text}");
    }
    assert_eq!(Addressed::of_kind(Kind::Dm), Addressed::Direct);
    assert_eq!(Addressed::of_kind(Kind::Email), Addressed::Direct);
    assert_eq!(Addressed::of_kind(Kind::Comment), Addressed::Reply);
    assert_eq!(Addressed::of_kind(Kind::Quote), Addressed::Mention);
    for addressed in [Addressed::Mention, Addressed::Reply, Addressed::Direct] {
        assert_eq!(Addressed::from_level(addressed.level()), addressed);
    }
    assert_eq!(Relationship::of_tag("vip"), Relationship::Vip);
    assert_eq!(Relationship::of_tag("friend"), Relationship::None);
}

#[test]
fn each_weight_scales_its_own_factor_only() {
    // Every signal at its full value; weights all different.
    let full = Signals {
        waiting_since: at("2026-11-20T12:00:00Z"), // a whole window overdue: 2
        person_waiting_since: at("2026-11-19T12:00:00Z"), // 72h: 1
        person_waiting_in: 2,
        relationship: Relationship::Customer,
        exchanges: 20,
        asked_question: true,
        addressed: Addressed::Direct,
        followers: Some(1_000_000),
        back_from_snooze: true,
        ..baseline()
    };
    let weights = Weights {
        sla: Weight(41),
        relationship: Weight(31),
        depth: Weight(17),
        question: Weight(11),
        direct: Weight(13),
        waited: Weight(7),
        reach: Weight(5),
        snoozed: Weight(3),
    };
    let scored = score(&full, &weights, &Sla::default(), at(NOW));
    assert_eq!(
        scored.factors,
        Factors {
            sla: 82.0,
            relationship: 31.0,
            depth: 17.0,
            question: 11.0,
            direct: 13.0,
            waited: 7.0,
            reach: 5.0,
            snoozed: 3.0,
        }
    );
    assert_eq!(scored.total, 169.0);
    // Each weight at zero silences its own reason and nothing else.
    let reasons = scored.why.len();
    for (name, mut off) in [
        ("sla", weights.clone()),
        ("relationship", weights.clone()),
        ("depth", weights.clone()),
        ("question", weights.clone()),
        ("direct", weights.clone()),
        ("waited", weights.clone()),
        ("reach", weights.clone()),
        ("snoozed", weights.clone()),
    ] {
        let field = match name {
            "sla" => &mut off.sla,
            "relationship" => &mut off.relationship,
            "depth" => &mut off.depth,
            "question" => &mut off.question,
            "direct" => &mut off.direct,
            "waited" => &mut off.waited,
            "reach" => &mut off.reach,
            _ => &mut off.snoozed,
        };
        *field = Weight(0);
        let quiet = score(&full, &off, &Sla::default(), at(NOW));
        assert_eq!(quiet.why.len(), reasons - 1, "{name}: {:?}", quiet.why);
        assert!(quiet.total < scored.total, "{name}");
    }
}
