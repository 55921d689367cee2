//! Where tend keeps its files, and creating them private to the user.
//! Locations come from the `directories` crate unless `--db`/`TEND_DB`,
//! `--config`/`TEND_CONFIG` or `TEND_STATE` say otherwise; only `main` asks
//! the OS for them.

use std::fs::{self, DirBuilder, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub db: PathBuf,
    pub config: PathBuf,
    /// A directory for what tend keeps between runs that is neither data
    /// nor configuration: sync sessions (`sync/kept.rs`).
    pub state: PathBuf,
}

impl Paths {
    /// The platform's data, config and state directories (e.g.
    /// `~/.local/share/tend/tend.db`, `~/.config/tend/config.toml` and
    /// `~/.local/state/tend` on Linux), each replaced by its override.
    pub fn resolve(
        db: Option<PathBuf>,
        config: Option<PathBuf>,
        state: Option<PathBuf>,
    ) -> Result<Paths> {
        let dirs = || {
            directories::ProjectDirs::from("", "", "tend").ok_or_else(|| {
                anyhow!(
                    "cannot find a home directory for tend's files; set TEND_DB and TEND_CONFIG"
                )
            })
        };
        let db = match db {
            Some(path) => path,
            None => dirs()?.data_dir().join("tend.db"),
        };
        let config = match config {
            Some(path) => path,
            None => dirs()?.config_dir().join("config.toml"),
        };
        // macOS and Windows have no state directory; their local data
        // directory is the one meant for files like these.
        let state = match state {
            Some(path) => path,
            None => dirs().map(|dirs| {
                dirs.state_dir()
                    .unwrap_or_else(|| dirs.data_local_dir())
                    .to_path_buf()
            })?,
        };
        Ok(Paths { db, config, state })
    }
}

/// Creates `dir` and its missing parents readable by the user only (0700).
/// Existing directories keep their permissions: they are the user's choice.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create directory {}", dir.display()))
}

/// Creates an empty file readable by the user only (0600) if none exists, so
/// that files other programs create there (SQLite's WAL and shared-memory files
/// copy the database file's mode) are private too.
pub fn touch_private_file(path: &Path) -> Result<()> {
    if let Some(parent) = path.parent() {
        create_private_dir(parent)?;
    }
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(err).with_context(|| format!("cannot create {}", path.display())),
    }
}

/// Writes `path` whole or not at all: into a private temporary file beside it
/// (created exclusively, with an unpredictable name), synced, renamed over the
/// target, and the directory synced so the rename itself survives a power cut.
/// A crash leaves the old file intact.
pub fn write_private_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    create_private_dir(&dir)?;
    let file_name = path
        .file_name()
        .ok_or_else(|| anyhow!("{} is not a file name", path.display()))?;
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{}.", file_name.to_string_lossy()))
        .suffix(".tend-tmp")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    let mut out = io::BufWriter::new(temp);
    write(&mut out)?;
    let temp = out
        .into_inner()
        .map_err(|err| anyhow!("cannot write {}: {}", path.display(), err.error()))?;
    temp.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {}", path.display()))?;
    temp.persist(path)
        .map_err(|err| anyhow!("cannot write {}: {}", path.display(), err.error))?;
    if let Ok(dir) = fs::File::open(&dir) {
        dir.sync_all()
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn created_files_and_directories_are_private() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("a/b/tend.db");
        touch_private_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&root.path().join("a/b")), 0o700);
        assert_eq!(mode(&root.path().join("a")), 0o700);
    }

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temp() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out.jsonl");
        fs::write(&target, "old\n").unwrap();
        write_private_atomically(&target, |out| Ok(out.write_all(b"new\n")?)).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new\n");
        let failed = write_private_atomically(&target, |out| {
            out.write_all(b"half")?;
            Err(anyhow!("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read_to_string(&target).unwrap(), "new\n");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }
}
