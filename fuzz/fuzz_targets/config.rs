//! `config.toml`: `Config::parse` (what `Config::load` runs on the file's
//! text) on every UTF-8 string, then what tend does with a loaded config:
//! handle lookups, per-platform SLA hours, and the session's keymap built
//! from `[keys]`. Findings are panics, and a config that loads but whose
//! `[keys]` the session then refuses (config.rs promises values are
//! "validated here so the rest of tend can trust them").
#![no_main]

use libfuzzer_sys::fuzz_target;
use tend::config::Config;
use tend::model::Platform;
use tend::tui::keymap::{Context, Keymap};

fuzz_target!(|data: &[u8]| {
    // `Config::load` reads the file with `read_to_string`: non-UTF-8 never
    // reaches the parser.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::parse(text, "config.toml") {
        Ok(config) => {
            let _ = config.me.handle_keys();
            for platform in Platform::ALL {
                let _ = config.sla.hours_for(*platform);
            }
            let _ = format!("{config:?}");
            // As `tui::run` builds it.
            let keymap = Keymap::with_overrides(
                config
                    .keys
                    .0
                    .iter()
                    .map(|(key, action)| (key.as_str(), action.as_str())),
            )
            .unwrap_or_else(|err| panic!("a loaded config's [keys] was refused: {err}"));
            let _ = keymap.help(Context::Browse);
            let _ = keymap.help(Context::Typing);
        }
        Err(err) => {
            let _ = err.to_string();
        }
    }
});
