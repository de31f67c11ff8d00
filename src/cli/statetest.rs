//! `zkevm statetest`: Ethereum state tests through the executor and, in mock mode, the
//! SuperCircuit on the MockProver; in prove mode, also a KZG proof, verified. The run is
//! [`zkevm_statetest::run`]; this command parses its options, draws the progress bar and
//! prints the closing counts.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use zkevm_statetest::RunOptions;

use super::progress::Progress;
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
    /// Write a JSON report with one record per entry. While the run lasts, finished entries
    /// are journaled to `REPORT.partial`.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Continue the interrupted run whose journal `--json REPORT` names: its entries are not
    /// run again and count in the totals and the report.
    #[arg(long, requires = "json")]
    resume: bool,
    /// Only entries whose id contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Only the entries listed in this file: one id per line, relative to the PATH folder
    /// (`VMTests/vmArithmeticTest/add.json::add::Cancun[0](d0,g0,v0)`); `#` starts a
    /// comment line and text up to a line's last tab is ignored.
    #[arg(long)]
    entries: Option<PathBuf>,
    /// Run only a deterministic sample of this many entries (after --filter).
    #[arg(long)]
    sample: Option<usize>,
    /// The sample's seed: the same seed and corpus give the same sample on every machine.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Entries run in parallel (default: number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Abandon an entry after this many seconds and report it as `timeout` (counted as
    /// skipped). 0 means no limit.
    #[arg(long, default_value_t = 0)]
    timeout: u64,
    /// Also execute each entry on plain revm and print the traced/plain time ratio.
    #[arg(long)]
    compare_plain: bool,
    /// Skip (and report as skipped) entries whose trace exceeds this many RWs; a trace
    /// takes about 250 bytes per RW. 0 means no limit.
    #[arg(long, default_value_t = 20_000_000)]
    max_rws: usize,
    /// In mock mode, report an entry whose circuit needs more rows than this in its tallest
    /// region as `unsupported` without running it. 0 means no limit.
    #[arg(long, default_value_t = 1 << 16)]
    max_rows: usize,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs the command.
pub fn run(args: StatetestArgs) -> anyhow::Result<ExitCode> {
    let options = RunOptions {
        paths: args.paths,
        mode: args.mode.into(),
        fork: args.fork,
        report: args.json.clone(),
        resume: args.resume,
        filter: args.filter,
        entries: args.entries,
        sample: args.sample,
        seed: args.seed,
        jobs: args.jobs.unwrap_or(0),
        timeout: (args.timeout > 0).then(|| Duration::from_secs(args.timeout)),
        compare_plain: args.compare_plain,
        max_rws: (args.max_rws > 0).then_some(args.max_rws),
        max_rows: args.max_rows,
        count_first: Progress::visible(args.quiet),
    };
    let progress = Progress::new(args.quiet);
    let run = zkevm_statetest::run(&options, &progress)?;
    let t = progress.finish();
    if run.abandoned > 0 {
        let n = run.abandoned;
        eprintln!("note: {n} abandoned entries were still running; they end with the process");
    }
    if let Some(path) = &args.json {
        let json = serde_json::to_vec_pretty(&run.reports).context("serialising the report")?;
        super::write_atomically(path, &json)?;
    }
    if let Some(journal) = run.journal {
        journal.finish()?;
    }
    if !t.unsupported.is_empty() {
        let mut reasons: Vec<_> = t.unsupported.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        println!("unsupported, by reason:");
        for (reason, count) in reasons.iter().take(15) {
            println!("  {count:>6}  {reason}");
        }
        if reasons.len() > 15 {
            println!("  ... and {} more reasons (see the JSON report)", reasons.len() - 15);
        }
    }
    if args.compare_plain && !t.plain.is_zero() {
        println!(
            "traced {:.2}s, plain {:.2}s: traced/plain = {:.2}",
            t.traced.as_secs_f64(),
            t.plain.as_secs_f64(),
            t.traced.as_secs_f64() / t.plain.as_secs_f64()
        );
    }
    println!("{}", t.summary());
    Ok(if t.failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
