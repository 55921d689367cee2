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
    let Some(store) = context.existing_store()? else {
        anyhow::bail!(
            "{}: no store here yet; check --db/TEND_DB",
            context.paths.db.display()
        );
    };
    let write_all = |sink: &mut dyn Write| -> Result<u64> {
        store.export(|message| crate::output::write_line(sink, message))
    };
    if let Some(path) = &args.output
        && same_file(path, &context.paths.db)
    {
        anyhow::bail!(
            "{}: that is the store itself; export to another file",
            path.display()
        );
    }
    if let Some(path) = &args.output {
        let mut count = 0;
        crate::paths::write_private_atomically(path, |file| {
            count = write_all(file)?;
            Ok(())
        })?;
        let noun = if count == 1 { "message" } else { "messages" };
        writeln!(notes, "exported {count} {noun} to {}", path.display())?;
    } else {
        write_all(out)?;
        out.flush()?;
    }
    Ok(())
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}
