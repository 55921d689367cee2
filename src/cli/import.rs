//! `tend import FILE|-`: one file, one transaction, and a summary of what
//! happened (as a line or as JSON).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::Context;
use crate::import::{Format, ImportError, ImportOptions, ImportReport, Source, import};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to import, or - for standard input.
    #[arg(value_name = "FILE|-")]
    pub file: PathBuf,
    /// The file's format.
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    pub format: Format,
    /// Import the good records and list the bad ones, instead of importing nothing.
    #[arg(long)]
    pub skip_bad: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(super) fn run(
    args: &ImportArgs,
    context: &Context<'_>,
    out: &mut dyn Write,
    notes: &mut dyn Write,
) -> Result<()> {
    let config = context.config()?;
    // The source first: a file that cannot be read must not leave an empty
    // store behind a mistyped --db.
    let source = Source::open(&args.file, context.stdin)?;
    let mut store = context.store()?;
    let name = source.name.clone();
    let options = ImportOptions {
        format: args.format,
        skip_bad: args.skip_bad,
        my_handles: config.me.handle_keys(),
        now: context.clock.now(),
    };
    match import(&mut store, source, &options) {
        Ok(report) => {
            if args.json {
                crate::output::write_line(out, &report)?;
            } else {
                for bad in &report.errors {
                    writeln!(notes, "skipped {bad}")?;
                }
                writeln!(out, "{name}: {}", summary(&report))?;
            }
            Ok(())
        }
        Err(ImportError::Other(err)) => Err(err),
        Err(failed) => {
            if let (true, ImportError::Bad(bad) | ImportError::File(bad)) = (args.json, &failed) {
                let report = ImportReport {
                    errors: vec![bad.clone()],
                    ..ImportReport::default()
                };
                crate::output::write_line(out, &report)?;
            }
            Err(failed.into())
        }
    }
}

pub(super) fn summary(report: &ImportReport) -> String {
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let repeated = if report.duplicates > 0 {
        format!(" ({} repeated in the file)", report.duplicates)
    } else {
        String::new()
    };
    let total: u64 = report.not_messages.values().sum();
    let not_messages = if total == 0 {
        String::new()
    } else {
        let kinds: Vec<String> = report
            .not_messages
            .iter()
            .map(|(kind, count)| format!("{count} {}", crate::sanitize::quote(kind)))
            .collect();
        format!(
            ", {} ({})",
            plural(total, "not a message", "not messages"),
            kinds.join(", ")
        )
    };
    format!(
        "{}, {}, {} already known{repeated}, {} skipped{not_messages}",
        plural(report.new_messages, "new message", "new messages"),
        plural(
            report.new_conversations,
            "new conversation",
            "new conversations"
        ),
        report.already_known,
        report.skipped,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reads_as_a_sentence() {
        let report = ImportReport {
            new_messages: 1,
            new_conversations: 2,
            already_known: 3,
            duplicates: 1,
            skipped: 0,
            errors: vec![],
            not_messages: std::collections::BTreeMap::new(),
        };
        assert_eq!(
            summary(&report),
            "1 new message, 2 new conversations, 3 already known (1 repeated in the file), 0 skipped"
        );
        let mut platform = report.clone();
        platform.not_messages.insert("favourite".into(), 1);
        platform.not_messages.insert("follow".into(), 2);
        assert!(
            summary(&platform).ends_with("0 skipped, 3 not messages (1 favourite, 2 follow)"),
            "{}",
            summary(&platform)
        );
    }
}
