//! Reading an account's secret: from an environment variable, from a file
//! only the user can read, or from config.toml when only the user can read
//! that. A secret lives in memory for one sync and is never written
//! anywhere: not to the store, not to an error message.

use std::path::Path;

use anyhow::{Result, anyhow, bail};

use crate::config::{Account, SecretSource};
use crate::sanitize::quote;

/// A secret, kept out of `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    #[must_use]
    pub fn new(secret: String) -> Secret {
        Secret(secret)
    }

    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

/// The account's secret. `config_path` is the file an inline secret was
/// read from.
pub fn read(account: &Account, config_path: &Path) -> Result<Secret> {
    let what = account.service.secret_name();
    let text = match &account.secret {
        SecretSource::Inline(secret) => {
            refuse_if_others_can_read(config_path, "config file that holds a secret")?;
            secret.clone()
        }
        SecretSource::Env(name) => std::env::var(name).map_err(|_| {
            anyhow!(
                "the environment variable \"{}\" that should hold the {what} is not set; \
                 export it, or name a file with {}_file",
                quote(name),
                account.service.secret_key()
            )
        })?,
        SecretSource::File(path) => {
            let path = expand_home(path);
            refuse_if_others_can_read(&path, &format!("{what} file"))?;
            std::fs::read_to_string(&path).map_err(|err| {
                anyhow!(
                    "cannot read the {what} file {}: {err}",
                    quote(&path.display().to_string())
                )
            })?
        }
    };
    let secret = text.trim();
    if secret.is_empty() {
        bail!("the {what} is empty");
    }
    if secret.chars().any(char::is_control) {
        bail!("the {what} holds control characters (more than one line?); it must be one line");
    }
    Ok(Secret(secret.to_owned()))
}

/// `~/x` is the user's `x`: config files are written by hand.
fn expand_home(path: &Path) -> std::path::PathBuf {
    match (path.strip_prefix("~"), directories::BaseDirs::new()) {
        (Ok(rest), Some(dirs)) => dirs.home_dir().join(rest),
        _ => path.to_owned(),
    }
}

/// A secret that the group or others can read is refused, with the fix.
fn refuse_if_others_can_read(path: &Path, what: &str) -> Result<()> {
    let shown = quote(&path.display().to_string());
    let mode =
        readable_by_others(path).map_err(|err| anyhow!("cannot read the {what} {shown}: {err}"))?;
    if let Some(mode) = mode {
        bail!(
            "the {what} {shown} can be read by others (mode {mode:03o}); \
             run `chmod 600 {shown}` and sync again"
        );
    }
    Ok(())
}

/// The file's mode when others than the user may read it; `None` when only
/// the user can.
#[cfg(unix)]
pub(super) fn readable_by_others(path: &Path) -> std::io::Result<Option<u32>> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
    Ok((mode & 0o077 != 0).then_some(mode))
}

#[cfg(not(unix))]
pub(super) fn readable_by_others(path: &Path) -> std::io::Result<Option<u32>> {
    std::fs::metadata(path).map(|_| None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn account(toml: &str) -> Account {
        Config::parse(toml, "c").unwrap().accounts.remove(0)
    }

    #[cfg(unix)]
    #[test]
    fn a_secret_others_can_read_is_refused_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "s3cret-token\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let github = account(&format!(
            "[[accounts]]\nplatform = \"github\"\ntoken_file = {:?}\n",
            file.display().to_string()
        ));
        let config = dir.path().join("config.toml");
        let err = read(&github, &config).unwrap_err().to_string();
        assert!(err.contains("can be read by others (mode 644)"), "{err}");
        assert!(err.contains("chmod 600"), "{err}");
        assert!(!err.contains("s3cret"), "{err}");

        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read(&github, &config).unwrap().expose(), "s3cret-token");
        assert_eq!(
            format!("{:?}", read(&github, &config).unwrap()),
            "Secret(<hidden>)"
        );

        // A secret inside config.toml holds it to the same rule.
        let inline = account("[[accounts]]\nplatform = \"github\"\ntoken = \"s3cret\"\n");
        std::fs::write(&config, "").unwrap();
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o640)).unwrap();
        let err = read(&inline, &config).unwrap_err().to_string();
        assert!(err.contains("config file that holds a secret"), "{err}");
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read(&inline, &config).unwrap().expose(), "s3cret");
    }

    #[test]
    fn an_unset_variable_says_which() {
        let mastodon = account(
            "[[accounts]]\nplatform = \"mastodon\"\ninstance = \"https://m.example\"\n\
             token_env = \"TEND_TEST_SURELY_UNSET_9\"\n",
        );
        let err = read(&mastodon, Path::new("c")).unwrap_err().to_string();
        assert!(err.contains("\"TEND_TEST_SURELY_UNSET_9\""), "{err}");
        assert!(err.contains("access token"), "{err}");
    }
}
