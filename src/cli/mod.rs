//! Command-line parsing and dispatch.

mod bench;
mod chunk_bar;
mod mutate;
mod progress;
mod prove;
mod report;
mod statetest;
mod trace;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// zkEVM toolkit: trace Ethereum executions, check them against the state tests, prove and
/// verify them.
#[derive(Debug, Parser)]
#[command(name = "zkevm", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Execute an input with tracing and write its trace.
    ///
    /// INPUT is a batch JSON file, a state-test JSON file (every entry of the fork, one
    /// trace each, selected with --entry), or `demo` for the built-in demo batch.
    Trace(trace::TraceArgs),
    /// Run Ethereum state tests and report passed, failed and skipped entries.
    Statetest(statetest::StatetestArgs),
    /// Prove a batch (default: the demo) and write its proof bundle and statement.
    Prove(prove::ProveArgs),
    /// Verify a proof bundle against its statement: prints `valid` or why not.
    Verify(verify::VerifyArgs),
    /// Render `statetest --json` reports as a Markdown conformance page.
    Report(report::ReportArgs),
    /// Measure prover throughput on named workloads (phase times, gas/s, rows, memory, proof
    /// size, lower-bound ratio); render a saved report as Markdown.
    Bench(bench::BenchArgs),
    /// Soundness campaign: tell semantic lies in honest traces and report how many the
    /// circuits reject (per kind, per opcode family, every survivor).
    Mutate(mutate::MutateArgs),
}

/// How far `statetest` takes each entry ([`zkevm_statetest::Mode`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Execute with tracing, run the replay check, compare state root and logs hash.
    Execute,
    /// Execute, then run the SuperCircuit (sized to the trace) through the MockProver.
    Mock,
    /// As mock, then prove the trace with KZG (insecure seeded setup) and verify the proof.
    Prove,
}

impl From<Mode> for zkevm_statetest::Mode {
    fn from(mode: Mode) -> Self {
        match mode {
            Mode::Execute => Self::Execute,
            Mode::Mock => Self::Mock,
            Mode::Prove => Self::Prove,
        }
    }
}

/// Runs the parsed command; the exit code says whether everything passed.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Trace(args) => trace::run(args),
        Command::Statetest(args) => statetest::run(args),
        Command::Prove(args) => prove::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Report(args) => report::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Mutate(args) => mutate::run(args),
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, then a rename,
/// so that an interrupted run never leaves a half-written file.
pub(crate) fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context;
    let dir =
        path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let file_name = path.file_name().context("output path has no file name")?;
    let tmp = dir.join(format!(".{}.tmp-{}", file_name.to_string_lossy(), std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
