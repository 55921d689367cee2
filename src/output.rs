//! JSON for standard output that is safe on a terminal. `serde_json` escapes
//! only C0 controls; other people's text can also carry DEL, C1 controls (U+009B
//! is a one-byte CSI to some terminals) and bidi overrides, which `tend export`
//! or `--json` would otherwise put on the screen raw. They can only occur inside
//! JSON strings (the syntax is ASCII), so escaping them as `\uXXXX` anywhere
//! in the text keeps the JSON valid and its decoded values identical.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;
use serde::Serialize;

fn needs_escape(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}') || crate::sanitize::is_bidi_control(c)
}

/// `json` with terminal-unsafe characters written as `\uXXXX` escapes.
#[must_use]
pub fn terminal_safe(json: &str) -> Cow<'_, str> {
    let clean = if json.is_ascii() {
        !json.contains('\u{7f}')
    } else {
        !json.chars().any(needs_escape)
    };
    if clean {
        return Cow::Borrowed(json);
    }
    let mut safe = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs_escape(c) {
            let _ = write!(safe, "\\u{:04x}", u32::from(c));
        } else {
            safe.push(c);
        }
    }
    Cow::Owned(safe)
}

/// One value as a compact JSON line.
pub fn write_line(out: &mut dyn Write, value: &impl Serialize) -> Result<()> {
    let json = serde_json::to_string(value)?;
    out.write_all(terminal_safe(&json).as_bytes())?;
    out.write_all(b"\n")?;
    Ok(())
}

/// One value as indented JSON, for output people read too.
pub fn write_pretty(out: &mut dyn Write, value: &impl Serialize) -> Result<()> {
    let json = serde_json::to_string_pretty(value)?;
    out.write_all(terminal_safe(&json).as_bytes())?;
    out.write_all(b"\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_serde_json_leaves_raw_and_decodes_the_same() {
        let text = "a\u{1b}[2J b\u{9b}31m c\u{7f} d\u{202e}evil\u{202c} ☕ 日本";
        let json = serde_json::to_string(&text).unwrap();
        assert!(json.contains('\u{9b}'), "serde_json leaves C1 raw: {json}");
        let safe = terminal_safe(&json);
        assert_eq!(
            safe,
            r#""a\u001b[2J b\u009b31m c\u007f d\u202eevil\u202c ☕ 日本""#
        );
        let decoded: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(decoded, text);
    }

    #[test]
    fn clean_json_is_borrowed() {
        assert!(matches!(
            terminal_safe(r#"{"a":"☕ plain"}"#),
            Cow::Borrowed(_)
        ));
    }
}
