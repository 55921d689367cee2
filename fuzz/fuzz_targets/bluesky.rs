//! `tend import --format bluesky` on arbitrary bytes, without a store. Errors are
//! expected results; only a panic, a hang or running out of memory is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tend::import::{Format, read_without_storing};

fuzz_target!(|data: &[u8]| {
    if let Err(err) = read_without_storing(Format::Bluesky, data) {
        // The message is what the user sees: building it must not panic either.
        let _ = err.to_string();
    }
});
