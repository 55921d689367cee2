//! A Bluesky session kept between syncs, so that a sync every few minutes
//! does not sign in every time: `createSession` allows 30 calls in five
//! minutes and as few as 100 a day, while a session's refresh token lasts
//! months.
//!
//! The file holds the session's tokens, never the app password. It lives in
//! tend's state directory (`TEND_STATE`), never in the store, and is written
//! whole with mode 0600. It is used only by the account it was made for (the
//! same service and handle) and only while no one else can read it; anything
//! else about it (missing, damaged, another account's) means signing in
//! afresh, which writes it again.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};

use super::secret::Secret;

/// A session's tokens and where they are good.
#[derive(Debug)]
pub struct Session {
    pub access: Secret,
    pub refresh: Secret,
    /// The personal data server, as the sign-in named it.
    pub pds: String,
    pub handle: String,
}

/// The file's shape. Its `origin` is the account's (`sync::origin_of`).
#[derive(Serialize, Deserialize)]
struct File {
    origin: String,
    handle: String,
    pds: String,
    access_jwt: String,
    refresh_jwt: String,
}

/// `STATE/sessions/NAME.json` for account `name`. Lowercase letters,
/// digits and `-` stay; any other byte becomes `_` and two hex digits, so
/// two names never share a file, not even on a file system that ignores
/// case, and none leaves the directory.
#[must_use]
pub fn path_for(state_dir: &Path, name: &str) -> PathBuf {
    let mut file = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-' {
            file.push(char::from(byte));
        } else {
            let _ = write!(file, "_{byte:02X}");
        }
    }
    state_dir.join("sessions").join(format!("{file}.json"))
}

/// The session kept at `path` for `origin`, if there is a usable one.
#[must_use]
pub fn load(path: &Path, origin: &str) -> Option<Session> {
    if !private(path) {
        return None;
    }
    let text = std::fs::read(path).ok()?;
    let file: File = serde_json::from_slice(&text).ok()?;
    let pds = crate::config::checked_base_url(&file.pds).ok()?;
    (file.origin == origin).then(|| Session {
        access: Secret::new(file.access_jwt),
        refresh: Secret::new(file.refresh_jwt),
        pds,
        handle: file.handle,
    })
}

/// Keeps `session` at `path` for `origin`, replacing what was there whole.
pub fn save(path: &Path, origin: &str, session: &Session) -> Result<()> {
    let file = File {
        origin: origin.to_owned(),
        handle: session.handle.clone(),
        pds: session.pds.clone(),
        access_jwt: session.access.expose().to_owned(),
        refresh_jwt: session.refresh.expose().to_owned(),
    };
    crate::paths::write_private_atomically(path, |out| {
        serde_json::to_writer_pretty(&mut *out, &file)?;
        Ok(out.write_all(b"\n")?)
    })
}

/// Whether only the user can read the file (a copy others could read may
/// have been taken: it is not used, and the next save replaces it).
fn private(path: &Path) -> bool {
    path.is_file() && matches!(super::secret::readable_by_others(path), Ok(None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn session(access: &str) -> Session {
        Session {
            access: Secret::new(access.to_owned()),
            refresh: Secret::new("refresh-1".to_owned()),
            pds: "https://pds.example".to_owned(),
            handle: "robin.example".to_owned(),
        }
    }

    const ORIGIN: &str = "bluesky https://bsky.social robin.example";

    #[test]
    fn a_saved_session_loads_back_for_its_own_account_only() {
        let state = tempfile::tempdir().unwrap();
        let path = path_for(state.path(), "bluesky");
        assert!(load(&path, ORIGIN).is_none(), "nothing kept yet");
        save(&path, ORIGIN, &session("access-1")).unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        let kept = load(&path, ORIGIN).unwrap();
        assert_eq!(kept.access.expose(), "access-1");
        assert_eq!(kept.refresh.expose(), "refresh-1");
        assert_eq!(kept.pds, "https://pds.example");
        assert_eq!(kept.handle, "robin.example");
        assert!(load(&path, "bluesky https://bsky.social someone.else").is_none());

        save(&path, ORIGIN, &session("access-2")).unwrap();
        assert_eq!(load(&path, ORIGIN).unwrap().access.expose(), "access-2");
    }

    #[test]
    fn a_session_file_others_can_read_or_that_is_damaged_is_not_used() {
        let state = tempfile::tempdir().unwrap();
        let path = path_for(state.path(), "bluesky");
        save(&path, ORIGIN, &session("access-1")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(load(&path, ORIGIN).is_none());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(load(&path, ORIGIN).is_some());
        std::fs::write(&path, "{\"origin\": ").unwrap();
        assert!(load(&path, ORIGIN).is_none());
        // A data server that is not https (nor this machine) is not called.
        let text = serde_json::json!({
            "origin": ORIGIN, "handle": "h", "pds": "http://pds.example",
            "access_jwt": "a", "refresh_jwt": "r"
        });
        std::fs::write(&path, text.to_string()).unwrap();
        assert!(load(&path, ORIGIN).is_none());
    }

    #[test]
    fn each_account_name_has_its_own_file_inside_the_sessions_directory() {
        let state = Path::new("/state");
        let file = |name: &str| {
            path_for(state, name)
                .strip_prefix("/state/sessions")
                .unwrap()
                .display()
                .to_string()
        };
        assert_eq!(file("bluesky"), "bluesky.json");
        assert_eq!(
            file("../../etc/passwd"),
            "_2E_2E_2F_2E_2E_2Fetc_2Fpasswd.json"
        );
        let names = [
            "work bsky",
            "work_bsky",
            "work.bsky",
            "Work",
            "work",
            "ロビン",
            "ナナミ",
        ];
        let files: std::collections::HashSet<String> =
            names.iter().map(|name| file(name).to_lowercase()).collect();
        assert_eq!(files.len(), names.len(), "{files:?}");
    }
}
