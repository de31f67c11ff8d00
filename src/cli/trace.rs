//! `zkevm trace`: execute an input and write its trace.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Args;
use zkevm_executor::batch::Batch;
use zkevm_executor::{demo, trace_batch, ExecutionInput};
use zkevm_statetest as statetest;

/// Arguments of `zkevm trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// A batch JSON file, a state-test JSON file, or `demo` for the built-in demo batch.
    input: String,
    /// Where to write the trace (JSON, or bincode with --binary). Without it only the
    /// summary is printed.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the trace as bincode instead of JSON.
    #[arg(long)]
    binary: bool,
    /// For a state-test file: which `post` entry to trace (0-based, in file order).
    #[arg(long, default_value_t = 0)]
    entry: usize,
    /// For a state-test file: the fork whose entries are considered.
    #[arg(long, default_value = "Cancun")]
    fork: String,
}

/// Runs the command.
pub fn run(args: TraceArgs) -> anyhow::Result<ExitCode> {
    let (input, context) = load_input(&args.input, args.entry, &args.fork)?;
    let traced = trace_batch(&input, &context)?;
    let trace = &traced.trace;
    let written = match &args.out {
        Some(path) => {
            let bytes = if args.binary {
                bincode::serialize(trace).context("encoding the trace")?
            } else {
                serde_json::to_vec(trace).context("encoding the trace")?
            };
            super::write_atomically(path, &bytes)?;
            format!(" -> {} ({} bytes)", path.display(), bytes.len())
        }
        None => String::new(),
    };
    println!(
        "{context}: {} txs, {} steps, {} rws, {} gas{written}",
        trace.txs.len(),
        trace.step_count(),
        trace.rws.len(),
        trace.gas_used()
    );
    Ok(ExitCode::SUCCESS)
}

/// The executor input `input` names (a batch file, a state-test file whose `entry`-th entry of
/// `fork` is taken, or `demo`), and a name for it in messages.
pub(crate) fn load_input(
    input: &str,
    entry: usize,
    fork: &str,
) -> anyhow::Result<(ExecutionInput, String)> {
    if input == "demo" {
        return Ok((demo::demo_batch().to_input("demo batch")?, "demo batch".into()));
    }
    let path = Path::new(input);
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not valid JSON", path.display()))?;
    if json.get("transactions").is_some() {
        let context = path.display().to_string();
        return Ok((Batch::load(path)?.to_input(&context)?, context));
    }
    let spec = statetest::parse_fork(fork)?;
    let entries = statetest::load_entries(path, &spec)?;
    let count = entries.len();
    let Some(entry) = entries.into_iter().nth(entry) else {
        bail!("{}: no {fork} entry #{entry} (the file has {count})", path.display());
    };
    let input = entry.input.map_err(|e| anyhow::anyhow!("{}: {e}", entry.id))?;
    Ok((input, entry.id))
}
