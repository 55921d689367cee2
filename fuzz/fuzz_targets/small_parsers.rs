//! The small text parsers outside the importers: spans people type
//! (`parse_span`: `45m`, `6d18h5m`), key names and `[keys]` entries
//! (`Chord::parse`, `parse_binding`), a sync's `Link` header (`link_next`)
//! and its RFC 3339 cursor (`looked_back`). The first byte picks the parser.
//! Findings are panics, and a span outside what `parse_span` promises
//! (0 to 100 years, "so arithmetic on instants never overflows").
#![no_main]

use libfuzzer_sys::fuzz_target;
use tend::model::parse_span;
use tend::sync::{link_next, looked_back};
use tend::tui::keymap::{Chord, parse_binding};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match which % 5 {
        0 => {
            if let Some(span) = parse_span(&text) {
                assert!(
                    span >= chrono::TimeDelta::zero() && span <= chrono::TimeDelta::days(36_525),
                    "parse_span({text:?}) = {span:?}, outside 0..=100 years"
                );
            }
        }
        1 => {
            if let Ok(chord) = Chord::parse(&text) {
                // The help overlay and error messages print it.
                let _ = chord.to_string();
            }
        }
        2 => {
            let (key, action) = text.split_once('=').unwrap_or((&text, "send"));
            let _ = parse_binding(key, action);
        }
        3 => {
            let (link, param) = text.split_once('\n').unwrap_or((&text, "max_id"));
            let _ = link_next(link, param);
        }
        _ => {
            let _ = looked_back(&text);
        }
    }
});
