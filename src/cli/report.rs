//! `zkevm report`: renders `zkevm statetest --json` reports as Markdown
//! ([`zkevm_statetest::report`] says what the page holds).

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use zkevm_statetest::report::{render, today, Header};
use zkevm_statetest::EntryReport;

/// Arguments of `zkevm report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// JSON reports written by `zkevm statetest --json`; their entries are pooled.
    #[arg(required = true)]
    reports: Vec<PathBuf>,
    /// Write the Markdown here instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
    /// The page's title.
    #[arg(long, default_value = "State-test conformance")]
    title: String,
    /// The command that produced the reports, shown in the header.
    #[arg(long)]
    command: Option<String>,
    /// The date shown in the header (default: today, UTC).
    #[arg(long)]
    date: Option<String>,
    /// A paragraph added under the header (repeatable).
    #[arg(long)]
    note: Vec<String>,
    /// How many unsupported reasons and slowest entries to list.
    #[arg(long, default_value_t = 20)]
    top: usize,
}

/// Runs the command.
pub fn run(args: ReportArgs) -> anyhow::Result<std::process::ExitCode> {
    let mut entries = Vec::new();
    for path in &args.reports {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let mut report: Vec<EntryReport> = serde_json::from_slice(&bytes).with_context(|| {
            format!("{}: not a `zkevm statetest --json` report", path.display())
        })?;
        entries.append(&mut report);
    }
    let header = Header {
        title: args.title,
        command: args.command.unwrap_or_else(|| "not recorded (see --command)".into()),
        date: args.date.unwrap_or_else(today),
        notes: args.note,
    };
    let page = render(&header, &entries, args.top);
    match &args.out {
        Some(path) => super::write_atomically(path, page.as_bytes())?,
        None => print!("{page}"),
    }
    Ok(std::process::ExitCode::SUCCESS)
}
