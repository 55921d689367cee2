//! `tend export`: every message as generic JSONL, to standard output or
//! written whole to a file (never half a file on a crash).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::Context;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to FILE (replaced whole, readable by you only) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub(super) fn run(
    args: &ExportArgs,
    context: &Context<'_>,
    notes: &mut dyn Write,
    out: &mut dyn Write,
) -> Result<()> {
    let store = context.store()?;
    let write_all = |sink: &mut dyn Write| -> Result<u64> {
        store.export(|message| crate::output::write_line(sink, message))
    };
    if let Some(path) = &args.output {
        let mut count = 0;
        crate::paths::write_private_atomically(path, |file| {
            count = write_all(file)?;
            Ok(())
        })?;
        writeln!(notes, "exported {count} messages to {}", path.display())?;
    } else {
        write_all(out)?;
        out.flush()?;
    }
    Ok(())
}
