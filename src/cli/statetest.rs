//! `zkevm statetest`: Ethereum state tests through the executor.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use rayon::prelude::*;
use zkevm_executor::statetest::{self, EntryReport, Outcome};

use super::Mode;

/// Arguments of `zkevm statetest`.
#[derive(Debug, Args)]
pub struct StatetestArgs {
    /// State-test files or folders (searched recursively for .json files).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// How far each entry is taken.
    #[arg(long, value_enum, default_value = "execute")]
    mode: Mode,
    /// Fork whose `post` entries are run.
    #[arg(long, default_value = "Cancun")]
    fork: String,
    /// Write a JSON report with one record per entry.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Only entries whose id contains this text.
    #[arg(long)]
    filter: Option<String>,
}

/// Runs the command.
pub fn run(args: StatetestArgs) -> anyhow::Result<ExitCode> {
    let fork = statetest::parse_fork(&args.fork)?;
    let files = statetest::collect_files(&args.paths)?;
    let reports: Vec<EntryReport> = files
        .par_iter()
        .flat_map_iter(|file| run_file(file, &fork, args.filter.as_deref()))
        .collect();
    let (mut passed, mut failed, mut skipped) = (0usize, 0usize, 0usize);
    for report in &reports {
        match &report.outcome {
            Outcome::Passed => passed += 1,
            Outcome::Failed(reason) => {
                failed += 1;
                println!("FAILED {}: {reason}", report.id);
            }
            Outcome::Skipped(_) => skipped += 1,
        }
    }
    if let Some(path) = &args.json {
        let json = serde_json::to_vec_pretty(&reports).context("serialising the report")?;
        super::write_atomically(path, &json)?;
    }
    let _ = args.mode;
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// All entries of one file; a file that cannot be loaded is one failed entry.
fn run_file(
    file: &PathBuf,
    fork: &revm_statetest_types::SpecName,
    filter: Option<&str>,
) -> Vec<EntryReport> {
    match statetest::load_entries(file, fork) {
        Ok(entries) => entries
            .iter()
            .filter(|e| filter.is_none_or(|f| e.id.contains(f)))
            .map(statetest::run_entry)
            .collect(),
        Err(e) => vec![EntryReport {
            id: file.display().to_string(),
            fork: format!("{fork:?}"),
            outcome: Outcome::Failed(e.to_string()),
            gas: 0,
            steps: 0,
            rws: 0,
            millis: 0,
        }],
    }
}
