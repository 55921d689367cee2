//! The search box's language (`/`, `f`, `tend search`): `Query::parse` on
//! every UTF-8 string, then everything a caller does with a parsed query
//! (the canonical text, the full-text expression). Only panics are findings:
//! an error is a valid answer to a bad query.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tend::query::Query;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Query::parse(&text) {
        Ok(query) => {
            let _ = query.is_empty();
            let _ = query.searches_text();
            let _ = query.lists_waiting();
            let typed = query.typed_prefix();
            let _ = query.full_text(&[]);
            // Completions as the store would offer them for the typed word.
            let completions: Vec<String> = typed
                .iter()
                .flat_map(|word| [word.clone(), format!("{word}s"), format!("{word}\"x")])
                .collect();
            let _ = query.full_text(&completions);
            // The canonical text is shown in the search box and parsed again.
            let canonical = query.to_string();
            let _ = Query::parse(&canonical);
        }
        Err(err) => {
            let _ = err.to_string();
        }
    }
});
