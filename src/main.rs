//! Wiring only: parse the command line, pick the clock and paths, run the
//! command, turn an error into one line on stderr and exit code 1.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::Parser;
use tend::cli::{Cli, Context, run};
use tend::clock::{Clock, FixedClock, SystemClock};
use tend::paths::Paths;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let state = std::env::var_os("TEND_STATE")
        .filter(|state| !state.is_empty())
        .map(std::path::PathBuf::from);
    let paths = Paths::resolve(cli.db.clone(), cli.config.clone(), state);
    let result = paths.and_then(|paths| {
        let db = paths.db.clone();
        start(cli, paths).map_err(|err| explained(&db, err))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let message = format!("{err:#}").replace(['\n', '\r'], " ");
            let _ = writeln!(std::io::stderr(), "tend: {message}");
            ExitCode::FAILURE
        }
    }
}

/// SQLite's word for a store that cannot be used ("attempt to write a
/// readonly database", "disk I/O error") becomes what it means for the
/// file and what to do, after what was being done.
fn explained(db: &std::path::Path, err: anyhow::Error) -> anyhow::Error {
    let Some(failure) = tend::store::explain_failure(db, &err) else {
        return err;
    };
    let outermost = err.chain().next();
    if outermost.is_some_and(<dyn std::error::Error>::is::<rusqlite::Error>) {
        failure.into()
    } else {
        anyhow::anyhow!("{err}: {failure}")
    }
}

fn start(cli: Cli, paths: Paths) -> Result<()> {
    let clock = clock()?;
    let config_named = cli.config.is_some();
    let stdin = std::io::stdin();
    let context = Context {
        paths,
        config_named,
        clock: clock.as_ref(),
        stdin: &stdin,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = run(cli, &context, &mut out, &mut std::io::stderr());
    let flushed = out.flush();
    // A reader that goes away (`tend export | head`) ends the output, which is
    // its choice, not an error; a command that failed still failed.
    match (result, flushed) {
        (Ok(()), Ok(())) => Ok(()),
        (Ok(()), Err(err)) if err.kind() == ErrorKind::BrokenPipe => Ok(()),
        (Ok(()), Err(err)) => Err(err).context("writing output"),
        (Err(err), _) if is_broken_pipe(&err) => Ok(()),
        (Err(err), _) => Err(err),
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == ErrorKind::BrokenPipe)
    })
}

/// The real clock, or a fixed instant from `TEND_NOW` (RFC 3339) for scripted
/// runs: tests, benchmarks and screenshots that must not depend on the hour.
fn clock() -> Result<Box<dyn Clock>> {
    match std::env::var("TEND_NOW") {
        Ok(text) => {
            let at = chrono::DateTime::parse_from_rfc3339(&text)
                .with_context(|| format!("TEND_NOW=\"{text}\" is not an RFC 3339 time"))?;
            Ok(Box::new(FixedClock(at.with_timezone(&chrono::Utc))))
        }
        Err(_) => Ok(Box::new(SystemClock)),
    }
}
