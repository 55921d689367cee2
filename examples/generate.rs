//! A seeded generator of realistic message history in tend's generic JSONL
//! import format, for measuring imports and trying the queue on something that
//! looks like years of use. Same arguments, same bytes; it reads no file.
//!
//! ```text
//! cargo run --release --example generate -- 1000000 > 1m.jsonl
//! cargo run --release --example generate -- 100000 --seed 7 --end 2026-11-22T12:00:00Z
//! generate [N] [--seed S] [--end RFC3339]     (defaults: 100000, 1, 2026-11-22T12:00:00Z)
//! ```
//!
//! What it imitates, so queries and screens meet real shapes:
//! - about five years before `--end`, growing (doubling every ~5 months) so
//!   most traffic is recent, with office-hours and weekday rhythm;
//! - a few thousand people (~3000 at 100k, ~8000 at 1M), Zipf-weighted so a
//!   few write a lot, with stable per-platform handles and display names that
//!   include accents, CJK and emoji;
//! - threads with a Pareto size (most 1–3 messages, some in the hundreds, a
//!   handful past 500), public ones branching, DMs and email one-to-one;
//! - text from a Zipf vocabulary (real words up front, made-up ones in the
//!   tail, one-off words), mostly a sentence or two, some long and multi-
//!   paragraph, with questions, emoji, CJK, URLs with query strings, code;
//! - the user ("Robin", `direction: out`) answers almost everything; about 1%
//!   of messages' worth of conversations is left open, most from the last two
//!   weeks, so a 24 h promise shows on-time, due-soon and overdue rows.
#![allow(clippy::unwrap_used)]
// Calendar arithmetic reads best with its textbook names (y, m, d, h, s), and
// the tables of words and names make two functions long.
#![allow(clippy::many_single_char_names, clippy::too_many_lines)]

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{self, Write};

const USAGE: &str = "usage: generate [N] [--seed S] [--end RFC3339]";
const DEFAULT_END: &str = "2026-11-22T12:00:00Z";
const SPAN_SECS: i64 = 1826 * 86_400;
const DAY: i64 = 86_400;

const MASTODON: usize = 0;
const BLUESKY: usize = 1;
const X: usize = 2;
const GITHUB: usize = 3;
const HN: usize = 4;
const REDDIT: usize = 5;
const EMAIL: usize = 6;
const PLATFORMS: [&str; 7] = [
    "mastodon",
    "bluesky",
    "x",
    "github",
    "hackernews",
    "reddit",
    "email",
];
const PLATFORM_WEIGHTS: [f64; 7] = [22.0, 14.0, 18.0, 12.0, 7.0, 11.0, 16.0];
const ROBIN: [&str; 7] = [
    "robin@mastodon.example",
    "robin.tallybook.example",
    "robin_vale",
    "robin-vale",
    "robinvale",
    "robin_vale",
    "robin@tallybook.example",
];
/// How people address the user in a mention, per platform.
const ROBIN_MENTION: [&str; 7] = [
    "@robin ",
    "@robin.tallybook.example ",
    "@robin_vale ",
    "@robin-vale ",
    "",
    "u/robin_vale ",
    "",
];
const ROBIN_DID: &str = "did:plc:r6bvn2tallybook4ex7mpl3";

fn main() {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return;
        }
        Err(message) => {
            eprintln!("generate: {message} ({USAGE})");
            std::process::exit(2);
        }
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if let Err(err) = Generator::new(&args).run(args.count, &mut out) {
        // `generate | head` is a normal way to look at the output.
        if err.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("generate: cannot write: {err}");
            std::process::exit(1);
        }
    }
}

struct Args {
    count: u64,
    seed: u64,
    end: i64,
}

/// The same bytes as `generate COUNT --seed SEED --end END`, into `out`: the
/// benchmarks build their stores with it (`benches/queue.rs`).
#[allow(dead_code)]
pub fn write_messages(count: u64, seed: u64, end: &str, out: &mut impl Write) -> io::Result<()> {
    let end = parse_rfc3339(end).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not an RFC 3339 time: {end}"),
        )
    })?;
    Generator::new(&Args { count, seed, end }).run(count, out)
}

/// `Ok(None)` asks for the usage text.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut count = None;
    let mut seed = 1;
    let mut end = parse_rfc3339(DEFAULT_END).expect("the default end is a valid timestamp");
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--seed" => {
                let text = value("--seed")?;
                seed = text
                    .parse()
                    .map_err(|_| format!("--seed: not a number: {text:?}"))?;
            }
            "--end" => {
                let text = value("--end")?;
                end = parse_rfc3339(&text)
                    .ok_or_else(|| format!("--end: not an RFC 3339 time with offset: {text:?}"))?;
            }
            _ if flag.starts_with('-') && flag.len() > 1 => {
                return Err(format!("unknown option {arg:?}"));
            }
            _ if count.is_some() => return Err(format!("unexpected argument {arg:?}")),
            _ => {
                count = Some(
                    arg.parse()
                        .map_err(|_| format!("not a message count: {arg:?}"))?,
                );
            }
        }
    }
    Ok(Some(Args {
        count: count.unwrap_or(100_000),
        seed,
        end,
    }))
}

// ---------------------------------------------------------------- time

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Unix seconds of `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; fractions are dropped.
fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't' | b' '))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let mut rest = &b[19..];
    if rest.first() == Some(&b'.') {
        let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        rest = &rest[1 + digits..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2]
            if [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()) =>
        {
            let digit = |d: &u8| i64::from(d - b'0');
            let (oh, om) = (digit(h1) * 10 + digit(h2), digit(m1) * 10 + digit(m2));
            if oh > 23 || om > 59 {
                return None;
            }
            if *sign == b'+' {
                oh * 3600 + om * 60
            } else {
                -(oh * 3600 + om * 60)
            }
        }
        _ => return None,
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = match mo {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    // Five years of history must stay after 1970 and the year four digits wide.
    if !(1976..=9998).contains(&y)
        || !(1..=12).contains(&mo)
        || d < 1
        || d > month_days
        || h > 23
        || mi > 59
        || s > 60
    {
        return None;
    }
    Some(days_from_civil(y, mo, d) * DAY + h * 3600 + mi * 60 + s.min(59) - offset)
}

fn push_2(buf: &mut Vec<u8>, n: i64) {
    buf.extend_from_slice(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]);
}

/// RFC 3339 at a fixed offset (`Z` for 0), with milliseconds when given.
fn push_time(buf: &mut Vec<u8>, at: i64, millis: Option<u64>, offset_min: i64) {
    let local = at + offset_min * 60;
    let (y, m, d) = civil_from_days(local.div_euclid(DAY));
    let secs = local.rem_euclid(DAY);
    push_2(buf, y / 100);
    push_2(buf, y % 100);
    buf.push(b'-');
    push_2(buf, m);
    buf.push(b'-');
    push_2(buf, d);
    buf.push(b'T');
    push_2(buf, secs / 3600);
    buf.push(b':');
    push_2(buf, secs / 60 % 60);
    buf.push(b':');
    push_2(buf, secs % 60);
    if let Some(ms) = millis {
        let ms = ms as i64;
        buf.extend_from_slice(&[b'.', b'0' + (ms / 100) as u8]);
        push_2(buf, ms % 100);
    }
    if offset_min == 0 {
        buf.push(b'Z');
    } else {
        buf.push(if offset_min < 0 { b'-' } else { b'+' });
        push_2(buf, offset_min.abs() / 60);
        buf.push(b':');
        push_2(buf, offset_min.abs() % 60);
    }
}

// ---------------------------------------------------------------- randomness

/// `SplitMix64`: tiny, fast, and good enough that nothing here shows patterns.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.index(items.len())]
    }

    /// In [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Seconds, log-uniform between `lo` and `hi`: waits span orders of magnitude.
    fn wait(&mut self, lo: f64, hi: f64) -> i64 {
        (lo * (hi / lo).powf(self.unit())) as i64
    }
}

/// A bijection on u64, so ids made from a counter look random but never collide.
fn scramble(mut x: u64) -> u64 {
    x ^= x >> 31;
    x = x.wrapping_mul(0x7FB5_D329_728E_A185);
    x ^= x >> 27;
    x = x.wrapping_mul(0x81DA_DEF4_BC2D_D44D);
    x ^ (x >> 33)
}

fn push_base(out: &mut String, mut n: u64, alphabet: &[u8], min_len: usize) {
    let mut digits = [0u8; 64];
    let mut len = 0;
    while n > 0 || len < min_len {
        digits[len] = alphabet[(n % alphabet.len() as u64) as usize];
        n /= alphabet.len() as u64;
        len += 1;
    }
    out.extend(digits[..len].iter().rev().map(|&d| d as char));
}

const BASE36: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE32_SORT: &[u8] = b"234567abcdefghijklmnopqrstuvwxyz";

/// Walker's alias table: O(1) draws from a fixed discrete distribution.
struct Alias {
    threshold: Vec<u32>,
    alias: Vec<u32>,
}

impl Alias {
    fn new(weights: &[f64]) -> Alias {
        let n = weights.len();
        assert!(
            n > 0 && n < u32::MAX as usize,
            "an alias table needs 1..2^32 weights"
        );
        let total: f64 = weights.iter().sum();
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..n).partition(|&i| scaled[i] < 1.0);
        let mut threshold = vec![u32::MAX; n];
        let mut alias: Vec<u32> = (0..n as u32).collect();
        while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
            small.pop();
            threshold[s] = (scaled[s] * 4_294_967_296.0) as u32;
            alias[s] = l as u32;
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        Alias { threshold, alias }
    }

    fn zipf(n: usize, exponent: f64) -> Alias {
        let weights: Vec<f64> = (1..=n).map(|rank| (rank as f64).powf(-exponent)).collect();
        Alias::new(&weights)
    }

    fn sample(&self, rng: &mut Rng) -> usize {
        let r = rng.next();
        let i = (((r >> 32) * self.threshold.len() as u64) >> 32) as usize;
        if (r as u32) < self.threshold[i] {
            i
        } else {
            self.alias[i] as usize
        }
    }
}

// ---------------------------------------------------------------- vocabulary

/// Ordered roughly by frequency: the rank decides how common a word is.
const CORE_WORDS: &str = "
the to i a and it you is that of for in this on my with but have can be not do at so if just
it's thanks was are what would there your me from we or an like get one when how all any about
i'm don't no yes out up will has did does also really now time still some which more been they
then than other only new way use using
invoice invoices export import csv pdf sync app version update release bug issue feature question
data file files client clients tax vat currency bank payment payments refund licence template
report receipt expense account settings backup price plan support docs error crash fix fixed
tallybook
good great nice love looks thing things think know want need help please try tried see seems sure
right first last next back day days week today again because though maybe probably actually
already ever never always often sometimes here where why who while after before since until
around into over under between through without each every both few many much most less lot bit
little big small large long short old free open close start end keep let put set show give take
tell ask say mean find look call come go going run read write change add remove delete save load
send share print check test happen wrong problem easy hard simple clear quick slow fast better
best different possible important interesting useful helpful annoying weird broken missing empty
whole part order customer business freelance freelancer work project company name address people
user users friend idea reason case example line page screen button menu window list table value
field text word hour minute morning evening night weekend holiday summer winter install linux
windows mac terminal command config search filter date format column row total number amount
euro dollar month year quarter recurring draft reminder email mobile phone desktop cloud local
offline invoicing bookkeeping accountant spreadsheet rounding decimal separator semicolon encoding
utf-8 locale timezone import-file mapping duplicate duplicates backup restore migration upgrade
downgrade beta stable roadmap changelog pricing subscription lifetime discount student nonprofit
licence-key activation device devices laptop keyboard shortcut shortcuts dark theme font printer
margin logo footer header signature stripe paypal iban swift reverse-charge germany france spain
italy netherlands sweden japan canada australia brazil india customs shipping hosting selfhosted
docker nix homebrew flatpak snap appimage arm64 intel release-notes
year people know take into just over think also back after work first well way even want because
these give most us great small every found those never under might while last should home around
another came three high upon during without again place world something through same being
morning thought made going looked until right began almost enough across half against toward
whether quite however perhaps rather several although instead along among behind beyond unless
nothing everything someone anyone everyone somewhere anything asap fyi btw imo thx lol cheers
hey hi hello sorry oops welcome congrats awesome amazing perfect lovely cool fine okay ok sadly
luckily honestly basically apparently exactly definitely certainly finally currently recently
usually manual automatic default custom option options preference preferences permission
download upload attachment link links website server api token login password reset profile
workflow process step steps detail details screenshot video feedback review rating request
requests contract quote estimate deadline schedule calendar meeting call chat message inbox
notification notifications status progress history archive folder storage space limit limits
";

/// Real but rare: they sit at the far end of the ranking.
const RARE_WORDS: &str = "café naïve déjà façade über quixotic ephemeral serendipity zymurgy
sesquipedalian defenestration palimpsest ineffable obsequious perspicacious halcyon petrichor
lagniappe susurrus vellichor";

const ONSETS: [&str; 31] = [
    "b", "br", "c", "ch", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "kl", "l", "m", "n", "p",
    "pl", "qu", "r", "s", "sh", "sk", "st", "t", "th", "tr", "v", "w", "z",
];
const VOWELS: [&str; 10] = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "y", "io"];
const CODAS: [&str; 12] = [
    "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck", "x", "ng",
];

fn push_made_up(rng: &mut Rng, out: &mut String) {
    for _ in 0..=rng.below(3) {
        out.push_str(ONSETS[rng.index(ONSETS.len())]);
        out.push_str(VOWELS[rng.index(VOWELS.len())]);
    }
    out.push_str(CODAS[rng.index(CODAS.len())]);
}

const VOCABULARY_SIZE: usize = 4000;

fn vocabulary(rng: &mut Rng) -> Vec<String> {
    let mut seen = HashSet::new();
    let core: Vec<&str> = CORE_WORDS
        .split_whitespace()
        .filter(|w| seen.insert((*w).to_owned()))
        .collect();
    let rare: Vec<&str> = RARE_WORDS.split_whitespace().collect();
    let mut made_up = Vec::new();
    while made_up.len() < VOCABULARY_SIZE - core.len() - rare.len() {
        let mut word = String::new();
        push_made_up(rng, &mut word);
        if word.len() > 2 && seen.insert(word.clone()) {
            made_up.push(word);
        }
    }
    // The commonest two hundred are real; below that real and made-up words mix,
    // so "export" is frequent and some real words are rare.
    let mut words: Vec<String> = core[..200].iter().map(|w| (*w).to_owned()).collect();
    let (mut core_rest, mut made) = (core[200..].iter(), made_up.into_iter());
    loop {
        match (core_rest.next(), made.next()) {
            (None, None) => break,
            (c, m) => words.extend(c.map(|w| (*w).to_owned()).into_iter().chain(m)),
        }
    }
    words.extend(rare.iter().map(|w| (*w).to_owned()));
    words
}

const CJK: [&str; 24] = [
    "ありがとうございます。",
    "CSVのエクスポートで文字化けします。",
    "請求書のテンプレートを変更できますか？",
    "すごく便利です！",
    "同期がうまくいきません。",
    "次のバージョンはいつ出ますか？",
    "日本円の表示がおかしいです。",
    "消費税の計算について質問があります。",
    "请问如何导出发票？",
    "这个功能很好用。",
    "同步好像有问题。",
    "可以支持人民币吗？",
    "谢谢你的回复！",
    "我在 Linux 上安装失败了。",
    "能不能加一个深色主题？",
    "감사합니다!",
    "송장 내보내기가 안 돼요.",
    "한국어 지원 계획이 있나요?",
    "정말 좋은 앱이에요.",
    "發票的日期格式不對。",
    "感謝分享！",
    "バックアップはどこに保存されますか？",
    "PDFのフォントが崩れます。",
    "이 기능 너무 좋아요 👍",
];

#[rustfmt::skip]
const EMOJI: [&str; 30] = [
    "🙂", "😂", "🔥", "☕", "👍", "🎉", "❤️", "🚀", "🤔", "✅", "🙏", "😅", "👀", "💯", "😍",
    "🥲", "🤯", "😬", "✨", "🐛", "📈", "💸", "🇩🇪", "🇯🇵", "👍🏽", "👩‍💻", "🧑‍🍳", "🏳️‍🌈", "🦀", "⚠️",
];

const ROBIN_OPENERS: [&str; 12] = [
    "Thanks!",
    "Thank you!",
    "Good catch.",
    "Great question.",
    "Oh no, sorry about that.",
    "Yes!",
    "Not yet, but it's on the list.",
    "Thanks for the report.",
    "Noted.",
    "Done 🙂",
    "Ha, fair point.",
    "Short answer: yes.",
];

// ---------------------------------------------------------------- people

const FIRST_NAMES: &str = "Kai Mira José Zoë Björn Łukasz Søren Chloé François Ana Ngozi Priya Mehmet Şebnem Ólafur Anaïs \
Jürgen Małgorzata Tomás Inés Dmitri Sam Alex Jordan Emma Liam Olivia Noah Ava Lucas Mia Leo \
Sofia Elena Marco Giulia Hannah Felix Lena Jonas Amara Tariq Fatima Omar Aisha Ravi Ananya Chen \
Wei Yuki Hiro Min-jun Thảo Nikolai Ingrid Astrid Matteo Lucía Renée Dagný Oisín Siobhán Zeynep \
Kwame Chidi Ada Grace Ben Tom Kate Max Nina Paul Rosa Ivan Eva Hugo Clara Rui Maël";

/// Comma-separated: some have spaces.
const LAST_NAMES: &str = "Okafor, Lindqvist, García, Müller, Ødegaard, Nguyễn, Kowalczyk, Çelik, O'Brien, van der Berg, \
Dubois, Rossi, Smith, Johnson, Patel, Sharma, Kim, Tanaka, Ivanova, Novák, Dvořák, Szabó, \
Jensen, Hansen, Schmidt, Weber, Fischer, Martin, Bernard, López, Pérez, Silva, Santos, Costa, \
Yılmaz, Kaya, Haddad, Mensah, Adeyemi, Walker, Brown, Taylor, Wilson, Clarke, Murphy, Kelly, \
Larsen, Virtanen, Korhonen, Popescu, Horvat, Petrović, Nakamura, Singh, Ali, Wong, Reyes, \
Fernández, Åberg, Nowak, Wójcik, Lefèvre, Moreau, Bianchi, Ricci, Becker, Hoffmann, Jovanović, \
Þórsdóttir, Al-Sayed";

/// (display name, handle base, name used to sign).
const CJK_NAMES: [(&str, &str, &str); 16] = [
    ("山田 太郎", "yamada_taro", "太郎"),
    ("佐藤 花子", "sato_hanako", "花子"),
    ("鈴木 一郎", "suzuki_ichiro", "一郎"),
    ("高橋 さくら", "takahashi_sakura", "さくら"),
    ("田中 健", "tanaka_ken", "健"),
    ("王芳", "wang_fang", "芳"),
    ("李伟", "li_wei", "伟"),
    ("张静", "zhang_jing", "静"),
    ("刘洋", "liu_yang", "洋"),
    ("陈晨", "chen_chen", "晨"),
    ("김민준", "kim_minjun", "민준"),
    ("이서연", "lee_seoyeon", "서연"),
    ("박지훈", "park_jihoon", "지훈"),
    ("최유진", "choi_yujin", "유진"),
    ("黃志明", "huang_zhiming", "志明"),
    ("林美玲", "lin_meiling", "美玲"),
];

const NICK_A: [&str; 12] = [
    "quiet", "lazy", "tiny", "rusty", "blue", "happy", "null", "brave", "sleepy", "pixel", "async",
    "retro",
];
const NICK_B: [&str; 12] = [
    "fox", "owl", "cat", "otter", "byte", "panda", "moth", "robot", "comet", "ledger", "fern",
    "kernel",
];
const NAME_EMOJI: [&str; 8] = [" ☕", " 🚀", " 🌱", " 🏳️‍🌈", " 🇺🇦", " ✨", " 🦀", " 📚"];
const INSTANCES: [&str; 10] = [
    "mastodon.example",
    "social.example.net",
    "fosstodon.example",
    "hachyderm.example",
    "toot.example.org",
    "mstdn.example.jp",
    "chaos.example.social",
    "infosec.example.exchange",
    "indieweb.example.social",
    "norden.example.social",
];
const MAIL_DOMAINS: [&str; 5] = [
    "gmail.example",
    "fastmail.example",
    "proton.example",
    "outlook.example",
    "posteo.example",
];
const UTC_OFFSETS: [i64; 14] = [
    0, 60, 60, 60, 120, 120, -300, -240, -420, 330, 540, 600, -180, 480,
];

struct Person {
    display: String,
    /// How they sign an email.
    first: String,
    handles: [String; 7],
    did: String,
    cjk: bool,
    named_on_github: bool,
    utc_offset_min: i64,
}

/// Handles are unique per platform (case-insensitively, as tend compares
/// them); a taken one gets a number, as sign-up forms do.
fn unique(taken: &mut HashSet<String>, make: impl Fn(&str) -> String) -> String {
    for n in 0.. {
        let suffix = if n == 0 {
            String::new()
        } else {
            (n + 1).to_string()
        };
        let handle = make(&suffix);
        if taken.insert(handle.to_lowercase()) {
            return handle;
        }
    }
    unreachable!("some suffix is free")
}

/// Handles are ASCII: "Łukasz Dvořák" signs up as `lukasz_dvorak`.
fn ascii_fold(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        out.push_str(match c {
            'a'..='z' | '0'..='9' => {
                out.push(c);
                continue;
            }
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ả' => "a",
            'ç' | 'č' | 'ć' => "c",
            'é' | 'è' | 'ê' | 'ë' | 'ě' | 'ễ' => "e",
            'í' | 'ì' | 'î' | 'ï' | 'ı' => "i",
            'ñ' | 'ń' => "n",
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => "o",
            'ú' | 'ù' | 'û' | 'ü' => "u",
            'ý' => "y",
            'š' | 'ś' | 'ş' => "s",
            'ž' | 'ź' | 'ż' => "z",
            'ł' => "l",
            'ř' => "r",
            'ð' => "d",
            'þ' => "th",
            _ => "",
        });
    }
    out
}

fn people(rng: &mut Rng, count: usize) -> (Vec<Person>, [Vec<u32>; 7]) {
    let firsts: Vec<&str> = FIRST_NAMES.split_whitespace().collect();
    let lasts: Vec<&str> = LAST_NAMES.split(',').map(str::trim).collect();
    let mut taken: [HashSet<String>; 7] = Default::default();
    for (set, robin) in taken.iter_mut().zip(ROBIN) {
        set.insert(robin.to_owned());
    }
    let platform_pick = Alias::new(&PLATFORM_WEIGHTS);
    let mut members: [Vec<u32>; 7] = Default::default();
    let mut people = Vec::with_capacity(count);
    for id in 0..count {
        let cjk = rng.chance(0.05);
        let (mut display, base, first, last) = if cjk {
            let (name, base, first) = CJK_NAMES[rng.index(CJK_NAMES.len())];
            (name.to_owned(), base.to_owned(), first.to_owned(), None)
        } else {
            let first = *firsts.get(rng.index(firsts.len())).unwrap();
            let last = *lasts.get(rng.index(lasts.len())).unwrap();
            let (first_ascii, last_ascii) = (ascii_fold(first), ascii_fold(last));
            let base = match rng.below(100) {
                0..30 => first_ascii.clone(),
                30..50 => format!("{first_ascii}_{last_ascii}"),
                50..65 => format!("{first_ascii}{last_ascii}"),
                65..75 => format!("{}{last_ascii}", &first_ascii[..1]),
                75..85 => format!("{first_ascii}{}", 10 + rng.below(90)),
                _ => format!("{}{}", NICK_A[rng.index(12)], NICK_B[rng.index(12)]),
            };
            (
                format!("{first} {last}"),
                base,
                first.to_owned(),
                Some((first_ascii, last_ascii)),
            )
        };
        if !cjk && rng.chance(0.04) {
            display.push_str(NAME_EMOJI[rng.index(NAME_EMOJI.len())]);
        } else if !cjk && rng.chance(0.06) {
            display.clone_from(&base);
        }
        let instance = INSTANCES[rng.index(INSTANCES.len())];
        let custom_domain = rng.chance(0.2);
        let capitalised = rng.chance(0.2);
        let mail_domain = match (&last, rng.below(4)) {
            (Some((_, last)), 0) => format!("{last}.example.net"),
            _ => MAIL_DOMAINS[rng.index(MAIL_DOMAINS.len())].to_owned(),
        };
        let mail_local = match &last {
            Some((first, last)) if rng.chance(0.5) => format!("{first}.{last}"),
            _ => base.clone(),
        };
        let dashed = base.replace('_', "-");
        let x_base: String = base.chars().take(13).collect();
        let handles = [
            unique(&mut taken[MASTODON], |n| format!("{base}{n}@{instance}")),
            unique(&mut taken[BLUESKY], |n| {
                if custom_domain {
                    format!("{dashed}{n}.example.com")
                } else {
                    format!("{dashed}{n}.bsky.social")
                }
            }),
            unique(&mut taken[X], |n| format!("{x_base}{n}")),
            unique(&mut taken[GITHUB], |n| format!("{dashed}{n}")),
            unique(&mut taken[HN], |n| format!("{}{n}", base.replace('_', ""))),
            unique(&mut taken[REDDIT], |n| {
                if capitalised {
                    format!("{}{}{n}", base[..1].to_uppercase(), &base[1..])
                } else {
                    format!("{base}{n}")
                }
            }),
            unique(&mut taken[EMAIL], |n| {
                format!("{mail_local}{n}@{mail_domain}")
            }),
        ];
        let mut did = String::from("did:plc:");
        for _ in 0..24 {
            did.push(BASE32_SORT[rng.index(32)] as char);
        }
        // Most people are on one or two platforms, a few everywhere.
        let wanted = match rng.below(100) {
            0..45 => 1,
            45..75 => 2,
            75..92 => 3,
            _ => 4,
        };
        let mut on = [false; 7];
        let mut placed = 0;
        while placed < wanted {
            let platform = platform_pick.sample(rng);
            if !on[platform] {
                on[platform] = true;
                members[platform].push(id as u32);
                placed += 1;
            }
        }
        people.push(Person {
            display,
            first,
            handles,
            did,
            cjk,
            named_on_github: rng.chance(0.5),
            utc_offset_min: UTC_OFFSETS[rng.index(UTC_OFFSETS.len())],
        });
    }
    for (platform, list) in members.iter_mut().enumerate() {
        if list.is_empty() {
            list.push((platform % count) as u32);
        }
    }
    (people, members)
}

// ---------------------------------------------------------------- threads

#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Robin,
    Person(u32),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A mention and its few replies, in public.
    Direct,
    Dm,
    Email,
    /// A post, story or issue many people reply to, branching.
    Public,
}

struct Node {
    who: Who,
    at: i64,
    parent: Option<usize>,
}

/// What every message of a thread shares.
struct ThreadInfo {
    platform: usize,
    mode: Mode,
    starter: u32,
    /// GitHub: the repository (index) and issue number.
    issue: (usize, u64),
    /// Reddit: the post's web link and id.
    post_url: String,
    post_id: String,
}

const REPOS: [&str; 6] = [
    "tallybook/tallybook",
    "tallybook/tallybook",
    "tallybook/tallybook-cli",
    "tallybook/docs",
    "tallybook/tallybook-sync",
    "robin-vale/csv-sniff",
];
const SUBREDDITS: [&str; 8] = [
    "selfhosted",
    "freelance",
    "smallbusiness",
    "opensource",
    "linux",
    "accounting",
    "rust",
    "commandline",
];

/// Chance that a conversation whose last message is inbound is still waiting
/// at `--end`, by the age of that message: recent ones pile up, a few old ones
/// were forgotten. Tuned so about 1% of messages leave a conversation open.
fn open_chance(age: i64) -> f64 {
    match age / DAY {
        0 => 0.95,
        1..=2 => 0.65,
        3..=6 => 0.465,
        7..=13 => 0.335,
        14..=29 => 0.079,
        30..=89 => 0.0205,
        _ => 0.0037,
    }
}

struct Generator {
    rng: Rng,
    end: i64,
    words: Vec<String>,
    word_pick: Alias,
    people: Vec<Person>,
    members: [Vec<u32>; 7],
    member_pick: Vec<Alias>,
    platform_pick: Alias,
    hour_pick: Alias,
    /// Numeric ids already used, per platform (ms-based ids could meet).
    numeric_ids: [HashSet<u64>; 7],
    issue_numbers: [u64; REPOS.len()],
    counter: u64,
    last_word: usize,
    nodes: Vec<Node>,
    ids: Vec<String>,
    text: String,
    url: String,
    title: String,
    buf: Vec<u8>,
}

impl Generator {
    fn new(args: &Args) -> Generator {
        let mut world = Rng::new(args.seed, 1);
        let words = vocabulary(&mut world);
        // ~3000 people at 100k messages, ~8000 at 1M.
        let count = (3000.0 * (args.count.max(1) as f64 / 100_000.0).powf(0.426))
            .round()
            .max(20.0) as usize;
        let (people, members) = people(&mut world, count);
        // A few people write a lot: weight by rank^-0.8, the rank being the id.
        let member_pick = members
            .iter()
            .map(|list| {
                let weights: Vec<f64> = list.iter().map(|&p| f64::from(p + 1).powf(-0.8)).collect();
                Alias::new(&weights)
            })
            .collect();
        // UTC hours: Europe and the Americas awake, Asia-Pacific a little.
        let hours = [
            3., 2., 2., 2., 2., 3., 5., 7., 9., 10., 10., 10., 9., 9., 10., 10., 10., 9., 8., 7.,
            6., 5., 4., 3.,
        ];
        Generator {
            rng: Rng::new(args.seed, 2),
            end: args.end,
            word_pick: Alias::zipf(words.len(), 1.0),
            words,
            people,
            members,
            member_pick,
            platform_pick: Alias::new(&PLATFORM_WEIGHTS),
            hour_pick: Alias::new(&hours),
            numeric_ids: Default::default(),
            issue_numbers: [0; REPOS.len()],
            counter: 0,
            last_word: usize::MAX,
            nodes: Vec::new(),
            ids: Vec::new(),
            text: String::new(),
            url: String::new(),
            title: String::new(),
            buf: Vec::with_capacity(1 << 21),
        }
    }

    fn run(&mut self, count: u64, out: &mut impl Write) -> io::Result<()> {
        let mut written = 0;
        while written < count {
            written += self.thread(count - written);
            if self.buf.len() >= 1 << 20 {
                out.write_all(&self.buf)?;
                self.buf.clear();
            }
        }
        out.write_all(&self.buf)?;
        out.flush()
    }

    fn member(&mut self, platform: usize) -> u32 {
        self.members[platform][self.member_pick[platform].sample(&mut self.rng)]
    }

    /// A thread's first moment: growth doubles traffic every ~5 months, with a
    /// thin floor so the early years are not empty; weekends are quieter.
    fn start_time(&mut self) -> i64 {
        let growth = 12.0 * std::f64::consts::LN_2;
        loop {
            let x = if self.rng.chance(0.08) {
                self.rng.unit()
            } else {
                1.0 + (1.0 - self.rng.unit() * (1.0 - (-growth).exp())).ln() / growth
            };
            let day = (self.end - ((1.0 - x) * SPAN_SECS as f64) as i64).div_euclid(DAY);
            let weekday = (day + 4).rem_euclid(7); // 0 is Sunday
            if (weekday == 0 || weekday == 6) && self.rng.chance(0.35) {
                continue;
            }
            let at = day * DAY
                + self.hour_pick.sample(&mut self.rng) as i64 * 3600
                + self.rng.below(3600) as i64;
            return if at > self.end { at - DAY } else { at };
        }
    }

    /// Plans, settles and writes one thread of at most `budget` messages;
    /// returns how many it wrote.
    fn thread(&mut self, budget: u64) -> u64 {
        let platform = self.platform_pick.sample(&mut self.rng);
        let starter = self.member(platform);
        // Pareto(1.5) sizes: P(size >= k) = k^-1.5.
        let mut size = ((1.0 - self.rng.unit()).powf(-1.0 / 1.5) as usize).min(1200);
        let mode = match platform {
            EMAIL => Mode::Email,
            X if self.rng.chance(0.22) => Mode::Dm,
            MASTODON if self.rng.chance(0.12) => Mode::Dm,
            REDDIT if self.rng.chance(0.06) => Mode::Dm,
            GITHUB => Mode::Public,
            _ if size >= 4 => Mode::Public,
            _ => Mode::Direct,
        };
        if matches!(mode, Mode::Dm | Mode::Email) {
            size = size.min(60);
        }
        let robin_root = mode == Mode::Public
            && size >= 4
            && self.rng.chance(match platform {
                HN => 0.45,
                GITHUB => 0.15,
                _ => 0.35,
            });
        self.plan(platform, mode, starter, size, robin_root);
        self.settle();
        self.nodes.truncate(budget as usize);
        self.write_thread(platform, mode, starter);
        self.nodes.len() as u64
    }

    fn plan(&mut self, platform: usize, mode: Mode, starter: u32, size: usize, robin_root: bool) {
        self.nodes.clear();
        let start = self.start_time();
        let root = if robin_root {
            Who::Robin
        } else {
            Who::Person(starter)
        };
        self.nodes.push(Node {
            who: root,
            at: start,
            parent: None,
        });
        let mut pool = vec![starter];
        while self.nodes.len() < size {
            let last = self.nodes.len() - 1;
            let prev = self.nodes[last].who;
            let rng = &mut self.rng;
            let who = match (mode, prev) {
                (Mode::Public, Who::Person(_)) if rng.chance(0.25) => Who::Robin,
                (Mode::Public, _) => match rng.below(100) {
                    0..20 => Who::Person(starter),
                    20..55 => Who::Person(pool[rng.index(pool.len())]),
                    _ => {
                        let p = self.member(platform);
                        pool.push(p);
                        Who::Person(p)
                    }
                },
                (_, Who::Person(_)) if rng.chance(0.7) => Who::Robin,
                (Mode::Direct, _) if rng.chance(0.1) => Who::Person(self.member(platform)),
                _ => Who::Person(starter),
            };
            let rng = &mut self.rng;
            let wait = match (mode, who, prev) {
                (_, Who::Robin, _) => rng.wait(600.0, 3.0 * 86_400.0),
                (Mode::Public, _, _) => rng.wait(20.0, 8.0 * 3600.0),
                (_, _, Who::Robin) => rng.wait(120.0, 2.0 * 86_400.0),
                _ => rng.wait(60.0, 86_400.0),
            };
            let at = self.nodes[last].at + wait.max(1);
            if at > self.end {
                break;
            }
            let rng = &mut self.rng;
            let parent = match (mode, who) {
                (Mode::Public, Who::Person(_)) => match rng.below(4) {
                    0 => 0,
                    1 => rng.index(last + 1),
                    _ => last,
                },
                _ => last,
            };
            self.nodes.push(Node {
                who,
                at,
                parent: Some(parent),
            });
        }
    }

    /// The user answers what is left inbound, except for an age-dependent
    /// share that stays open at `--end`.
    fn settle(&mut self) {
        let last = self.nodes.len() - 1;
        let at = self.nodes[last].at;
        if self.nodes[last].who == Who::Robin
            || self.rng.chance(open_chance(self.end - at))
            || self.end - at < 60
        {
            return;
        }
        let wait = self.rng.wait(600.0, 3.0 * 86_400.0);
        let reply = if at + wait <= self.end {
            at + wait
        } else {
            at + 60 + self.rng.below((self.end - at - 59) as u64) as i64
        };
        self.nodes.push(Node {
            who: Who::Robin,
            at: reply,
            parent: Some(last),
        });
    }

    fn write_thread(&mut self, platform: usize, mode: Mode, starter: u32) {
        self.ids.clear();
        self.title.clear();
        let mut info = ThreadInfo {
            platform,
            mode,
            starter,
            issue: (0, 0),
            post_url: String::new(),
            post_id: String::new(),
        };
        match platform {
            GITHUB => {
                let repo = self.rng.index(REPOS.len());
                self.issue_numbers[repo] += 1;
                info.issue = (repo, self.issue_numbers[repo]);
                let _ = write!(self.title, "{}#{}: ", REPOS[repo], info.issue.1);
                self.sentence_title(false);
            }
            HN => {
                let ask = self.nodes[0].who != Who::Robin && self.rng.chance(0.2);
                self.title.push_str(match (self.nodes[0].who, ask) {
                    (Who::Robin, _) => "Show HN: Tallybook – ",
                    (_, true) => "Ask HN: ",
                    _ => "",
                });
                self.sentence_title(ask);
            }
            REDDIT if mode != Mode::Dm => {
                let ask = self.rng.chance(0.3);
                self.sentence_title(ask);
                let sub = SUBREDDITS[self.rng.index(SUBREDDITS.len())];
                let n = 1_000_000_000 + self.counter * 5 + self.rng.below(5);
                push_base(&mut info.post_id, n, BASE36, 6);
                let url = &mut info.post_url;
                let _ = write!(
                    url,
                    "https://www.reddit.com/r/{sub}/comments/{}/",
                    info.post_id
                );
                let slug: String = self
                    .title
                    .chars()
                    .take(48)
                    .map(|c| c.to_ascii_lowercase())
                    .collect();
                let slug = slug.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
                url.push_str(slug.trim_matches('_'));
                url.push('/');
            }
            EMAIL | REDDIT => self.sentence_title(false),
            _ => {}
        }
        for i in 0..self.nodes.len() {
            self.write_message(i, &info);
        }
    }

    fn write_message(&mut self, i: usize, info: &ThreadInfo) {
        let Node { who, at, parent } = self.nodes[i];
        let platform = info.platform;
        let parent_who = parent.map(|p| self.nodes[p].who);
        let kind = match (platform, info.mode) {
            (GITHUB, _) => "comment",
            (_, Mode::Email) => "email",
            (_, Mode::Dm) => "dm",
            _ if who == Who::Robin && i == 0 => "other",
            _ if who == Who::Robin => "reply",
            _ if i == 0 && matches!(platform, BLUESKY | X) && self.rng.chance(0.06) => "quote",
            _ if i == 0 => "mention",
            _ if parent_who == Some(Who::Robin) => "reply",
            _ if self.rng.chance(0.5) => "mention",
            _ => "reply",
        };
        self.body(i, who, info, kind, parent_who);
        let millis = matches!(platform, MASTODON | BLUESKY | X).then(|| self.rng.below(1000));
        let (id, has_url) = self.id_and_url(i, info, who, at * 1000 + millis.unwrap_or(0) as i64);

        let person = match who {
            Who::Person(p) => Some(&self.people[p as usize]),
            Who::Robin => None,
        };
        let buf = &mut self.buf;
        buf.extend_from_slice(b"{\"platform\":\"");
        buf.extend_from_slice(PLATFORMS[platform].as_bytes());
        buf.push(b'"');
        push_field(buf, "external_id", &id);
        push_field(buf, "kind", kind);
        push_field(buf, "thread_id", self.ids.first().unwrap_or(&id));
        if let Some(p) = parent {
            push_field(buf, "parent_id", &self.ids[p]);
        }
        buf.extend_from_slice(b",\"created_at\":\"");
        let offset = match (platform, person) {
            (EMAIL, Some(p)) => p.utc_offset_min,
            (EMAIL, None) => 60,
            _ => 0,
        };
        push_time(buf, at, millis, offset);
        buf.push(b'"');
        push_field(
            buf,
            "author_handle",
            person.map_or(ROBIN[platform], |p| &p.handles[platform]),
        );
        let display = match (platform, person) {
            (HN | REDDIT, _) => None,
            (_, None) => Some("Robin Vale"),
            (GITHUB, Some(p)) if !p.named_on_github => None,
            (_, Some(p)) => Some(p.display.as_str()),
        };
        if let Some(name) = display {
            push_field(buf, "author_display_name", name);
        }
        match platform {
            EMAIL if i > 0 => push_field(buf, "title", &format!("Re: {}", self.title)),
            EMAIL | GITHUB | HN => push_field(buf, "title", &self.title),
            REDDIT if info.mode != Mode::Dm || i == 0 => push_field(buf, "title", &self.title),
            _ => {}
        }
        push_field(buf, "text", &self.text);
        if has_url {
            push_field(buf, "url", &self.url);
        }
        if who == Who::Robin {
            buf.extend_from_slice(b",\"direction\":\"out\"");
        } else if self.counter.is_multiple_of(37) {
            // Mostly left to the default, sometimes spelled out.
            buf.extend_from_slice(b",\"direction\":\"in\"");
        }
        buf.extend_from_slice(b"}\n");
        self.ids.push(id);
        self.counter += 1;
    }

    /// The message's id and (in `self.url`) its web link, as each platform
    /// spells them; returns whether there is a link. Ids embed the message
    /// counter, so they are unique without bookkeeping, except where they are
    /// built from the time as the platform does.
    fn id_and_url(&mut self, i: usize, info: &ThreadInfo, who: Who, at_ms: i64) -> (String, bool) {
        let ctr = self.counter;
        let person = match who {
            Who::Person(p) => Some(&self.people[p as usize]),
            Who::Robin => None,
        };
        let handle: &str = person.map_or(ROBIN[info.platform], |p| &p.handles[info.platform]);
        let mut id = String::new();
        let url = &mut self.url;
        url.clear();
        let mut fresh = |platform: usize, mut n: u64| {
            while !self.numeric_ids[platform].insert(n) {
                n += 1;
            }
            n
        };
        match info.platform {
            MASTODON => {
                let n = fresh(MASTODON, ((at_ms as u64) << 16) | (ctr & 0xffff));
                let (user, host) = handle
                    .split_once('@')
                    .unwrap_or((handle, "mastodon.example"));
                let _ = write!(id, "https://{host}/users/{user}/statuses/{n}");
                let _ = write!(url, "https://{host}/@{user}/{n}");
            }
            BLUESKY => {
                let micros = at_ms as u64 * 1000 + self.rng.below(1000);
                let n = fresh(BLUESKY, (micros << 10) | (ctr & 0x3ff));
                let did = person.map_or(ROBIN_DID, |p| &p.did);
                let _ = write!(id, "at://{did}/app.bsky.feed.post/");
                let tid_start = id.len();
                push_base(&mut id, n & (u64::MAX >> 1), BASE32_SORT, 13);
                let _ = write!(
                    url,
                    "https://bsky.app/profile/{handle}/post/{}",
                    &id[tid_start..]
                );
            }
            X => {
                const TWITTER_EPOCH_MS: i64 = 1_288_834_974_657;
                let since = (at_ms.max(TWITTER_EPOCH_MS) - TWITTER_EPOCH_MS) as u64;
                let n = fresh(X, (since << 22) | (ctr & 0x3f_ffff));
                let _ = write!(id, "{n}");
                if info.mode == Mode::Dm {
                    return (id, false);
                }
                let _ = write!(url, "https://x.com/{handle}/status/{n}");
            }
            GITHUB => {
                id.push_str(if i == 0 { "I_kwDOK" } else { "IC_kwDOK" });
                push_base(&mut id, scramble(ctr), BASE62, 11);
                let (repo, issue) = info.issue;
                let _ = write!(url, "https://github.com/{}/issues/{issue}", REPOS[repo]);
                if i > 0 {
                    let _ = write!(url, "#issuecomment-{}", 2_000_000_000 + ctr);
                }
            }
            HN => {
                let _ = write!(id, "{}", 30_000_000 + ctr * 3 + self.rng.below(3));
                let _ = write!(url, "https://news.ycombinator.com/item?id={id}");
            }
            REDDIT if info.mode == Mode::Dm => {
                id.push_str("t4_");
                push_base(&mut id, 3_000_000_000 + ctr, BASE36, 6);
                let _ = write!(url, "https://www.reddit.com/message/messages/{}", &id[3..]);
            }
            REDDIT if i == 0 => {
                let _ = write!(id, "t3_{}", info.post_id);
                url.push_str(&info.post_url);
            }
            REDDIT => {
                id.push_str("t1_");
                push_base(
                    &mut id,
                    2_000_000_000 + ctr * 3 + self.rng.below(3),
                    BASE36,
                    6,
                );
                let _ = write!(url, "{}{}/", info.post_url, &id[3..]);
            }
            _ => {
                let domain = handle
                    .split_once('@')
                    .map_or("tallybook.example", |(_, d)| d);
                if domain == "gmail.example" {
                    id.push_str("CA");
                    push_base(&mut id, scramble(ctr), BASE62, 11);
                    id.push_str("@mail.gmail.example");
                } else {
                    let at = at_ms / 1000;
                    let (y, m, d) = civil_from_days(at.div_euclid(DAY));
                    let s = at.rem_euclid(DAY);
                    let (hh, mm, ss) = (s / 3600, s / 60 % 60, s % 60);
                    let _ = write!(id, "{y}{m:02}{d:02}{hh:02}{mm:02}{ss:02}.GA");
                    push_base(&mut id, ctr, BASE36, 4);
                    let _ = write!(id, "@{domain}");
                }
                return (id, false);
            }
        }
        (id, true)
    }

    // ------------------------------------------------------------ text

    fn push_word(&mut self, capital: bool) {
        let rng = &mut self.rng;
        let r = rng.unit();
        if r < 0.012 {
            let _ = match rng.below(8) {
                0 => write!(self.text, "{}", rng.below(100)),
                1 => write!(self.text, "2.{}.{}", rng.below(12), rng.below(10)),
                2 => write!(self.text, "€{}", 5 + rng.below(500)),
                3 => write!(self.text, "${}.{:02}", rng.below(300), rng.below(100)),
                4 => write!(self.text, "{}%", rng.below(100)),
                5 => write!(self.text, "INV-{:04}", rng.below(10_000)),
                6 => write!(self.text, "20{}", 18 + rng.below(9)),
                _ => write!(self.text, "#{}", self.words[self.word_pick.sample(rng)]),
            };
            return;
        }
        if r < 0.014 {
            // One-off words: typos, names, jargon nobody else uses.
            push_made_up(rng, &mut self.text);
            return;
        }
        let quoted = r < 0.018;
        if quoted {
            self.text.push('"');
        }
        let mut pick = self.word_pick.sample(rng);
        if pick == self.last_word {
            // "the the" is rare in real text, not one pair in a few hundred.
            pick = self.word_pick.sample(rng);
        }
        self.last_word = pick;
        let word = &self.words[pick];
        let is_i = word == "i" || word.starts_with("i'");
        if capital || is_i {
            let mut chars = word.chars();
            if let Some(c) = chars.next() {
                self.text.extend(c.to_uppercase());
                self.text.push_str(chars.as_str());
            }
        } else {
            self.text.push_str(word);
        }
        if quoted {
            self.text.push('"');
        }
    }

    fn sentence(&mut self, cjk: bool, ask: bool, emoji: f64) {
        if (cjk && self.rng.chance(0.7)) || self.rng.chance(0.008) {
            self.text.push_str(CJK[self.rng.index(CJK.len())]);
        } else {
            let rng = &mut self.rng;
            let words =
                3 + rng.below(5) + rng.below(5) + if rng.chance(0.3) { rng.below(8) } else { 0 };
            for j in 0..words {
                if j > 0 {
                    self.text
                        .push_str(if self.rng.chance(0.06) { ", " } else { " " });
                }
                self.push_word(j == 0);
            }
            let rng = &mut self.rng;
            self.text.push_str(if ask || rng.chance(0.06) {
                "?"
            } else {
                match rng.below(100) {
                    0..7 => "!",
                    7..9 => "...",
                    _ => ".",
                }
            });
        }
        if self.rng.chance(emoji) {
            self.text.push(' ');
            let e = EMOJI[self.rng.index(EMOJI.len())];
            for _ in 0..if self.rng.chance(0.2) { 3 } else { 1 } {
                self.text.push_str(e);
            }
        }
    }

    fn sentence_title(&mut self, ask: bool) {
        let start = self.text.len();
        let words = 3 + self.rng.below(6);
        for j in 0..words {
            if j > 0 {
                self.text.push(' ');
            }
            self.push_word(j == 0);
        }
        if ask {
            self.text.push('?');
        }
        self.title.push_str(&self.text[start..]);
        self.text.truncate(start);
    }

    fn url(&mut self) {
        let rng = &mut self.rng;
        let word = |rng: &mut Rng| self.words[self.word_pick.sample(rng)].as_str();
        let n = rng.below(100_000);
        let _ = match rng.below(6) {
            0 => write!(
                self.text,
                "https://files.example.net/{}_20{}-{:02}.csv",
                word(rng),
                20 + rng.below(7),
                1 + rng.below(12)
            ),
            1 => write!(
                self.text,
                "https://docs.tallybook.example/{}/{}?lang=en&v={n}",
                word(rng),
                word(rng)
            ),
            2 => write!(
                self.text,
                "https://example.com/{}?id={n}&ref={}",
                word(rng),
                word(rng)
            ),
            3 => write!(
                self.text,
                "https://github.com/tallybook/tallybook/issues/{}",
                1 + rng.below(3000)
            ),
            4 => {
                self.text.push_str("https://www.youtube.example/watch?v=");
                push_base(&mut self.text, rng.next() >> 2, BASE62, 11);
                write!(self.text, "&t={}s", rng.below(900))
            }
            _ => write!(
                self.text,
                "https://shop.example.org/p/{}-{}?utm_source=mastodon&utm_medium=social",
                word(rng),
                word(rng)
            ),
        };
    }

    fn code_block(&mut self) {
        self.text.push_str("\n\n```\n");
        for _ in 0..=self.rng.below(6) {
            let rng = &mut self.rng;
            let word = |rng: &mut Rng| self.words[self.word_pick.sample(rng)].as_str();
            let _ = match rng.below(7) {
                0 => writeln!(
                    self.text,
                    "$ tallybook export --format csv --out {}.csv",
                    word(rng)
                ),
                1 => writeln!(
                    self.text,
                    "Error: {} {} at line {}",
                    word(rng),
                    word(rng),
                    rng.below(5000)
                ),
                2 => writeln!(
                    self.text,
                    "thread 'main' panicked at src/{}.rs:{}:{}:",
                    word(rng),
                    rng.below(900),
                    rng.below(80)
                ),
                3 => writeln!(
                    self.text,
                    "C:\\Users\\{}\\Documents\\{}.csv",
                    word(rng),
                    word(rng)
                ),
                4 => writeln!(
                    self.text,
                    "\tat {}.{}({}.java:{})",
                    word(rng),
                    word(rng),
                    word(rng),
                    rng.below(400)
                ),
                // Pasted straight from a terminal, colour codes and all.
                5 if rng.chance(0.05) => {
                    writeln!(self.text, "\u{1b}[31merror\u{1b}[0m: {}", word(rng))
                }
                _ => writeln!(
                    self.text,
                    "version = \"2.{}.{}\"",
                    rng.below(12),
                    rng.below(10)
                ),
            };
        }
        self.text.push_str("```");
    }

    /// The message text: a mention prefix where the platform has one, then
    /// mostly a sentence or two, sometimes paragraphs, code or a link.
    #[allow(clippy::too_many_arguments)]
    fn body(&mut self, i: usize, who: Who, info: &ThreadInfo, kind: &str, parent_who: Option<Who>) {
        let (platform, mode, starter) = (info.platform, info.mode, info.starter);
        self.text.clear();
        let person = match who {
            Who::Person(p) => Some(p as usize),
            Who::Robin => None,
        };
        let cjk = person.is_some_and(|p| self.people[p].cjk);
        let social = matches!(platform, MASTODON | BLUESKY | X);
        // Who is being answered: an @-prefix on social platforms.
        match (who, parent_who) {
            _ if mode == Mode::Dm || mode == Mode::Email => {}
            (Who::Person(_), _) if kind == "mention" => self.text.push_str(ROBIN_MENTION[platform]),
            (_, Some(Who::Person(p))) if social || (platform == GITHUB && self.rng.chance(0.3)) => {
                let handle = &self.people[p as usize].handles[platform];
                self.text.push('@');
                self.text.push_str(handle);
                self.text.push(' ');
            }
            _ => {}
        }
        let email = mode == Mode::Email;
        if email {
            let greeting = match (person, self.rng.below(4)) {
                (None, _) => format!("Hi {},\n\n", self.people[starter as usize].first),
                (Some(_), 0) => String::new(),
                (Some(_), 1) => "Hello Robin,\n\n".to_owned(),
                (Some(_), 2) => "Robin,\n\n".to_owned(),
                _ => "Hi Robin,\n\n".to_owned(),
            };
            self.text.push_str(&greeting);
        }
        if who == Who::Robin && self.rng.chance(0.4) {
            self.text
                .push_str(ROBIN_OPENERS[self.rng.index(ROBIN_OPENERS.len())]);
            self.text.push(' ');
        }
        let ask = person.is_some() && self.rng.chance(if i == 0 { 0.35 } else { 0.2 });
        let emoji = if person.is_some() { 0.08 } else { 0.03 };
        let long_chance = match (platform, who) {
            (_, Who::Robin) => 0.03,
            (EMAIL | GITHUB, _) => 0.2,
            (HN | REDDIT, _) => 0.1,
            (_, _) if mode == Mode::Dm => 0.04,
            _ => 0.0,
        };
        let body_start = self.text.len();
        if self.rng.chance(long_chance) {
            let target = body_start + 500 + self.rng.index(3400);
            let mut first = true;
            while self.text.len() < target {
                if !first {
                    self.text.push_str("\n\n");
                }
                first = false;
                if self.rng.chance(0.1) {
                    for _ in 0..2 + self.rng.below(4) {
                        self.text.push_str("- ");
                        self.sentence(cjk, false, 0.0);
                        self.text.push('\n');
                    }
                    self.text.pop();
                } else {
                    for k in 0..2 + self.rng.below(5) {
                        if k > 0 {
                            self.text.push(' ');
                        }
                        self.sentence(cjk, false, emoji / 3.0);
                    }
                }
            }
            if ask {
                self.text.push_str("\n\n");
                self.sentence(cjk, true, 0.0);
            }
        } else {
            let sentences = match self.rng.below(100) {
                0..55 => 1,
                55..82 => 2,
                _ => 3 + self.rng.below(3),
            };
            for k in 0..sentences {
                if k > 0 {
                    self.text.push(' ');
                }
                self.sentence(cjk, ask && k + 1 == sentences, emoji);
            }
        }
        if self.rng.chance(0.05) {
            self.text.push(' ');
            self.url();
        }
        if platform == GITHUB && person.is_some() && self.rng.chance(0.2) {
            self.code_block();
        }
        if matches!(platform, MASTODON | BLUESKY) && self.rng.chance(0.06) {
            self.text.push_str(" #");
            self.text.push_str(self.rng.pick(&[
                "localfirst",
                "freelance",
                "opensource",
                "invoicing",
                "buildinpublic",
            ]));
        }
        // Platforms that cap a post's length cut it, as their composers do.
        let cap = match (platform, mode) {
            (_, Mode::Dm) => usize::MAX,
            (X, _) => 280,
            (BLUESKY, _) => 300,
            (MASTODON, _) => 500,
            _ => usize::MAX,
        };
        if let Some((cut, _)) = self.text.char_indices().nth(cap) {
            let cut = self.text[..cut].rfind(' ').unwrap_or(cut);
            self.text.truncate(cut);
        }
        if email {
            match person {
                None => self.text.push_str("\n\nBest,\nRobin"),
                Some(p) if self.rng.chance(0.7) => {
                    let signoff = self.rng.pick(&[
                        "Thanks",
                        "Best",
                        "Cheers",
                        "Regards",
                        "Kind regards",
                        "Danke",
                    ]);
                    let _ = write!(self.text, "\n\n{signoff},\n{}", self.people[p].first);
                }
                Some(p) if self.rng.chance(0.5) => {
                    let _ = write!(self.text, "\n\n-- \n{}", self.people[p].display);
                }
                _ => {}
            }
            // Some mail clients still send CRLF, and it arrives as such.
            if self.rng.chance(0.01) {
                self.text = self.text.replace('\n', "\r\n");
            }
        }
    }
}

/// Appends `,"key":"value"`.
fn push_field(buf: &mut Vec<u8>, key: &str, value: &str) {
    buf.extend_from_slice(b",\"");
    buf.extend_from_slice(key.as_bytes());
    buf.extend_from_slice(b"\":");
    push_json(buf, value);
}

/// Appends `s` as a JSON string.
fn push_json(buf: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let special = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    buf.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Most of the output needs no escaping: skip it 16 bytes at a time.
        if let Some(chunk) = bytes.get(i..i + 16)
            && !chunk.iter().fold(false, |any, &b| any | special(b))
        {
            i += 16;
            continue;
        }
        let b = bytes[i];
        i += 1;
        let escaped: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => &[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ],
            _ => continue,
        };
        buf.extend_from_slice(&bytes[start..i - 1]);
        buf.extend_from_slice(escaped);
        start = i;
    }
    buf.extend_from_slice(&bytes[start..]);
    buf.push(b'"');
}
