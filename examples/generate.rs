//! Writes N deterministic generic-format messages as JSONL, for measuring
//! imports: `cargo run --release --example generate -- 1000000 > 1m.jsonl`.
//! Threads of varying depth over six platforms, a few thousand people with a
//! heavy-tailed share of the messages, a quarter of them outbound.
#![allow(clippy::unwrap_used)]

use std::io::Write;

const PLATFORMS: [&str; 6] = ["mastodon", "bluesky", "github", "hackernews", "email", "x"];
const WORDS: [&str; 24] = [
    "invoice",
    "export",
    "sync",
    "thanks",
    "bug",
    "csv",
    "pdf",
    "licence",
    "team",
    "price",
    "refund",
    "feature",
    "release",
    "question",
    "template",
    "vat",
    "currency",
    "client",
    "draft",
    "recurring",
    "search",
    "update",
    "works",
    "great",
];

/// xorshift64*: deterministic, no dependency, plenty for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn main() {
    let count: u64 = std::env::args()
        .nth(1)
        .map_or(100_000, |n| n.parse().expect("a message count"));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let mut rng = Rng(0x7e4d_2026_0613_0001);
    let start = 1_750_000_000_i64; // mid-June 2025, seconds
    let mut written = 0;
    let mut thread: i32 = 0;
    while written < count {
        thread += 1;
        let platform = PLATFORMS[rng.below(6) as usize];
        // Depth 1..=12, most threads short.
        let depth = 1 + u64::from(rng.below(64).trailing_zeros()).min(11) + rng.below(2);
        // Heavy tail: a few people write a lot.
        let person = (rng.below(4000) * rng.below(4000)) / 4000;
        let mut at = start + i64::from(thread) * 17 + rng.below(3600) as i64;
        for turn in 0..depth.min(count - written) {
            let outbound = turn % 2 == 1;
            let author = if outbound {
                "me".to_owned()
            } else {
                format!("person{person}")
            };
            let words: Vec<&str> = (0..3 + rng.below(30))
                .map(|_| WORDS[rng.below(24) as usize])
                .collect();
            let time = chrono::DateTime::from_timestamp(at, 0)
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%SZ");
            let direction = if outbound {
                r#","direction":"out""#
            } else {
                ""
            };
            writeln!(
                out,
                r#"{{"platform":"{platform}","external_id":"m{written}","thread_id":"t{thread}","created_at":"{time}","author_handle":"{author}","author_display_name":"Person {person}","text":"{}"{direction}}}"#,
                words.join(" ")
            )
            .unwrap();
            written += 1;
            at += 60 + rng.below(86_400) as i64;
        }
    }
}
