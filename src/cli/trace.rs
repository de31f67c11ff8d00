//! `zkevm trace`: execute an input and write its trace.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

/// Arguments of `zkevm trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Batch JSON file, state-test JSON file, or `demo`.
    input: String,
    /// Output file (default: print nothing but the summary).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write bincode instead of JSON.
    #[arg(long)]
    binary: bool,
}

/// Runs the command.
pub fn run(args: TraceArgs) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("not yet")
}
