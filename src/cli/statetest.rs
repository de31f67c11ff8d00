//! `zkevm statetest`: Ethereum state tests through the executor and, in mock mode, the
//! SuperCircuit on the MockProver; in prove mode, also a KZG proof, verified.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use rayon::prelude::*;
use revm_statetest_types::SpecName;
use zkevm_executor::statetest::{self, EntryReport, Outcome, StateTestEntry};

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
    /// Files run in parallel (default: number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Also execute each entry on plain revm and print the traced/plain time ratio.
    #[arg(long)]
    compare_plain: bool,
    /// Skip (and report as skipped) entries whose trace exceeds this many RWs; a trace
    /// takes about 250 bytes per RW. 0 means no limit.
    #[arg(long, default_value_t = 20_000_000)]
    max_rws: usize,
}

#[derive(Default)]
struct Totals {
    passed: usize,
    failed: usize,
    skipped: usize,
    unsupported: std::collections::BTreeMap<String, usize>,
    traced: Duration,
    plain: Duration,
}

/// Runs the command.
pub fn run(args: StatetestArgs) -> anyhow::Result<ExitCode> {
    let fork = statetest::parse_fork(&args.fork)?;
    let files = statetest::collect_files(&args.paths)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .context("starting the worker threads")?;
    let totals = Mutex::new(Totals::default());
    let reports: Vec<EntryReport> = pool.install(|| {
        files
            .par_iter()
            .flat_map_iter(|file| {
                let reports = run_file(file, &fork, &args);
                record(&totals, &reports);
                reports.into_iter().map(|(report, _)| report)
            })
            .collect()
    });
    if let Some(path) = &args.json {
        let json = serde_json::to_vec_pretty(&reports).context("serialising the report")?;
        super::write_atomically(path, &json)?;
    }
    let t = totals.into_inner().unwrap_or_default();
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
    println!("{} passed, {} failed, {} skipped", t.passed, t.failed, t.skipped);
    Ok(if t.failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Counts a file's reports and prints its failures as soon as they are known.
fn record(totals: &Mutex<Totals>, reports: &[(EntryReport, Option<Duration>)]) {
    let Ok(mut t) = totals.lock() else { return };
    let mut out = std::io::stdout().lock();
    for (report, plain) in reports {
        match &report.outcome {
            Outcome::Passed => t.passed += 1,
            Outcome::Failed(reason) => {
                t.failed += 1;
                let _ = writeln!(out, "FAILED {}: {reason}", report.id);
            }
            Outcome::Skipped(reason) => {
                t.skipped += 1;
                let _ = writeln!(out, "SKIPPED {}: {reason}", report.id);
            }
            Outcome::Unsupported(reason) => {
                t.skipped += 1;
                *t.unsupported.entry(reason.clone()).or_default() += 1;
            }
        }
        if let Some(plain) = plain {
            t.plain += *plain;
            t.traced += Duration::from_micros(report.micros);
        }
    }
}

/// All entries of one file; a file that cannot be loaded is one failed entry.
fn run_file(
    file: &Path,
    fork: &SpecName,
    args: &StatetestArgs,
) -> Vec<(EntryReport, Option<Duration>)> {
    match statetest::load_entries(file, fork) {
        Ok(entries) => entries
            .iter()
            .filter(|e| args.filter.as_deref().is_none_or(|f| e.id.contains(f)))
            .map(|entry| {
                let max_rws = (args.max_rws > 0).then_some(args.max_rws);
                let mut report = match args.mode {
                    Mode::Execute => statetest::run_entry(entry, max_rws),
                    Mode::Mock => statetest::run_entry_with(entry, max_rws, Some(&mock_stage)),
                    Mode::Prove => statetest::run_entry_with(entry, max_rws, Some(&prove_stage)),
                };
                let plain = args.compare_plain.then(|| time_plain(entry));
                report.plain_micros = plain.map(|d| d.as_micros() as u64);
                (report, plain)
            })
            .collect(),
        Err(e) => vec![(
            EntryReport {
                id: file.display().to_string(),
                fork: format!("{fork:?}"),
                outcome: Outcome::Failed(e.to_string()),
                gas: 0,
                steps: 0,
                rws: 0,
                micros: 0,
                plain_micros: None,
            },
            None,
        )],
    }
}

/// The MockProver stage of `--mode mock`.
fn mock_stage(trace: &zkevm_executor::Trace) -> Outcome {
    use zkevm_circuits::super_circuit::{mock_prove, MockVerdict};
    match mock_prove(trace) {
        MockVerdict::Passed => Outcome::Passed,
        MockVerdict::Unsupported(what) => Outcome::Unsupported(what),
        MockVerdict::Failed(why) => Outcome::Failed(why),
    }
}

/// The real-prover stage of `--mode prove`: the MockProver first (an unsupported or rejected
/// trace stops there), then a KZG proof of the trace in a chunk fitted to it (insecure seeded
/// parameters; keys cached per fitted chunk), verified against its statement.
fn prove_stage(trace: &zkevm_executor::Trace) -> Outcome {
    use zkevm_circuits::halo2_proofs::halo2curves::bn256::Fr;
    use zkevm_circuits::super_circuit::ChunkParams;
    use zkevm_prover::{keys, load_params, prove_trace, Cache, ParamsSource, ProveOptions};
    let mock = mock_stage(trace);
    if mock != Outcome::Passed {
        return mock;
    }
    let chunk = ChunkParams::fitting(trace);
    let cache = match Cache::default_location() {
        Ok(cache) => cache,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let options = ProveOptions {
        chunk,
        params: ParamsSource::Insecure,
        jobs: 1,
        cache: cache.clone(),
        progress: false,
        max_memory_mib: None,
    };
    let proven = match prove_trace(trace, chunk, &options) {
        Ok(proven) => proven,
        Err(zkevm_prover::ProverError::Unsupported(what)) => return Outcome::Unsupported(what),
        Err(e) => return Outcome::Failed(format!("proving: {e}")),
    };
    let key = load_params(&ParamsSource::Insecure, chunk.k::<Fr>(), &cache)
        .and_then(|params| keys::verifier_key(&chunk, params, &cache));
    match key.map(|key| zkevm_verifier::verify(&proven.bundle, &proven.statement, &key)) {
        Ok(Ok(_)) => Outcome::Passed,
        Ok(Err(e)) => Outcome::Failed(format!("verifying: {e}")),
        Err(e) => Outcome::Failed(format!("verifier key: {e}")),
    }
}

fn time_plain(entry: &StateTestEntry) -> Duration {
    let start = Instant::now();
    if let Ok(input) = &entry.input {
        let _ = zkevm_executor::execute_plain(input);
    }
    start.elapsed()
}
