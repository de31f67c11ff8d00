//! `zkevm statetest`: Ethereum state tests through the executor and, in mock mode, the
//! SuperCircuit on the MockProver; in prove mode, also a KZG proof, verified.
//!
//! Files are read in parallel and a file's entries run in parallel; each entry runs on the
//! calling worker, or with `--timeout` on its own thread that is abandoned at the deadline
//! ([`super::deadline`]). With `--sample` or a visible progress bar, a first pass lists the
//! entries (to choose the sample and to know the total). With `--json`, each finished entry
//! is also appended to a journal that `--resume` continues from ([`super::journal`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use rayon::prelude::*;
use revm_statetest_types::SpecName;
use zkevm_executor::statetest::{self, EntryReport, Outcome, StageResult, StateTestEntry};

use super::deadline::{Abandon, Deadlines};
use super::journal::Journal;
use super::mock::MockStage;
use super::progress::Progress;
use super::select::{self, Selection};
use super::{sample, Mode};

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
    let fork = statetest::parse_fork(&args.fork)?;
    let files = statetest::collect_files(&args.paths)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .context("starting the worker threads")?;
    let listed = args.entries.as_deref().map(select::read_entries).transpose()?;
    let selection = Selection::new(args.filter.clone(), listed, &args.paths);
    let files: Vec<PathBuf> = files.into_iter().filter(|f| selection.may_hold(f)).collect();
    let (selected, total) =
        if args.sample.is_some() || selection.is_listed() || Progress::visible(args.quiet) {
            let (selected, total) = pool.install(|| plan(&files, &fork, &args, &selection));
            (selected, Some(total))
        } else {
            (None, None)
        };
    let deadlines =
        (args.timeout > 0).then(|| Deadlines::new(Duration::from_secs(args.timeout), 1));
    let (journal, mut reports) = match &args.json {
        Some(path) => {
            let (journal, resumed) = Journal::open(path, args.resume)?;
            if args.resume {
                eprintln!("resuming: {} entries already run", resumed.ids.len());
            }
            (Some((journal, resumed.ids)), resumed.reports)
        }
        None => (None, Vec::new()),
    };
    let progress = Progress::new(total.unwrap_or(0) as u64, args.quiet);
    reports.iter().for_each(|r| progress.record(r));
    let runner = FileRunner {
        fork: &fork,
        args: &args,
        selection: &selection,
        selected: selected.as_ref(),
        deadlines: deadlines.as_ref(),
        progress: &progress,
        journal: journal.as_ref().map(|(j, _)| j),
        done: journal.as_ref().map(|(_, done)| done),
    };
    let new: Vec<EntryReport> =
        pool.install(|| files.par_iter().flat_map_iter(|file| runner.run_file(file)).collect());
    reports.extend(new);
    let t = progress.finish();
    if let Some(n) = deadlines.as_ref().map(|d| d.abandoned()).filter(|n| *n > 0) {
        eprintln!("note: {n} abandoned entries were still running; they end with the process");
    }
    if let (Some(path), Some((journal, _))) = (&args.json, journal) {
        let json = serde_json::to_vec_pretty(&reports).context("serialising the report")?;
        super::write_atomically(path, &json)?;
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

/// The first pass: the ids of the sample (when sampling) and how many entries will run.
/// A file that cannot be loaded counts as one (failed) entry.
fn plan(
    files: &[PathBuf],
    fork: &SpecName,
    args: &StatetestArgs,
    selection: &Selection,
) -> (Option<HashSet<String>>, usize) {
    let listed: Vec<Result<Vec<String>, ()>> = files
        .par_iter()
        .map(|file| {
            statetest::load_entries(file, fork)
                .map(|entries| {
                    entries.into_iter().filter(|e| selection.admits(&e.id)).map(|e| e.id).collect()
                })
                .map_err(|_| ())
        })
        .collect();
    let unloadable = listed.iter().filter(|l| l.is_err()).count();
    let ids: Vec<String> = listed.into_iter().flatten().flatten().collect();
    let missing = selection.missing(&ids);
    if !missing.is_empty() {
        eprintln!("warning: {} listed entries were not found, e.g. {}", missing.len(), missing[0]);
    }
    match args.sample {
        Some(n) => {
            let chosen = sample::choose(&ids, &args.paths, n, args.seed);
            let total = chosen.len() + unloadable;
            (Some(chosen), total)
        }
        None => (None, ids.len() + unloadable),
    }
}

/// What every file of a run shares.
struct FileRunner<'a> {
    fork: &'a SpecName,
    args: &'a StatetestArgs,
    selection: &'a Selection,
    selected: Option<&'a HashSet<String>>,
    deadlines: Option<&'a Arc<Deadlines>>,
    progress: &'a Progress,
    journal: Option<&'a Journal>,
    /// Entries a resumed run has already run.
    done: Option<&'a HashSet<String>>,
}

impl FileRunner<'_> {
    /// The reports of one file's chosen entries, run in parallel; a file that cannot be
    /// loaded is one failed entry.
    fn run_file(&self, file: &Path) -> Vec<EntryReport> {
        let is_done = |id: &str| self.done.is_some_and(|done| done.contains(id));
        let entries = match statetest::load_entries(file, self.fork) {
            Ok(entries) => entries,
            Err(_) if is_done(&file.display().to_string()) => return Vec::new(),
            Err(e) => {
                let report = EntryReport::unexecuted(
                    file.display().to_string(),
                    format!("{:?}", self.fork),
                    Outcome::Failed(e.to_string()),
                );
                self.finished(&report);
                return vec![report];
            }
        };
        entries
            .into_par_iter()
            .filter(|e| {
                self.selection.admits(&e.id)
                    && self.selected.is_none_or(|s| s.contains(&e.id))
                    && !is_done(&e.id)
            })
            .map(|entry| {
                let report = run_one(entry, self.args, self.deadlines);
                self.finished(&report);
                report
            })
            .collect()
    }

    fn finished(&self, report: &EntryReport) {
        self.progress.record(report);
        if let Some(journal) = self.journal {
            journal.record(report);
        }
    }
}

/// Runs one entry, within the deadline when there is one.
fn run_one(
    entry: StateTestEntry,
    args: &StatetestArgs,
    deadlines: Option<&Arc<Deadlines>>,
) -> EntryReport {
    let cancel = Arc::new(AtomicBool::new(false));
    let stage = MockStage { max_rows: args.max_rows, cancelled: cancel.clone() };
    let (mode, compare_plain) = (args.mode, args.compare_plain);
    let max_rws = (args.max_rws > 0).then_some(args.max_rws);
    let Some(deadlines) = deadlines else {
        return run_entry(&entry, mode, max_rws, &stage, compare_plain);
    };
    let (id, fork) = (entry.id.clone(), entry.fork.clone());
    let start = Instant::now();
    let result =
        deadlines.run(cancel, move || run_entry(&entry, mode, max_rws, &stage, compare_plain));
    result.unwrap_or_else(|abandon| {
        let outcome = match abandon {
            Abandon::TimedOut => Outcome::Timeout(format!("ran past {} s", args.timeout)),
            Abandon::Lost(why) => Outcome::Failed(why),
        };
        let mut report = EntryReport::unexecuted(id, fork, outcome);
        report.micros = start.elapsed().as_micros() as u64;
        report
    })
}

fn run_entry(
    entry: &StateTestEntry,
    mode: Mode,
    max_rws: Option<usize>,
    stage: &MockStage,
    compare_plain: bool,
) -> EntryReport {
    let mut report = match mode {
        Mode::Execute => statetest::run_entry(entry, max_rws),
        Mode::Mock => statetest::run_entry_with(entry, max_rws, Some(&|trace| stage.run(trace))),
        Mode::Prove => {
            statetest::run_entry_with(entry, max_rws, Some(&|trace| prove_stage(stage, trace)))
        }
    };
    report.plain_micros = compare_plain.then(|| time_plain(entry).as_micros() as u64);
    report
}

/// The real-prover stage of `--mode prove`: the MockProver first (an unsupported or rejected
/// trace stops there), then a KZG proof of the trace in a chunk fitted to it (insecure seeded
/// parameters; keys cached per fitted chunk), verified against its statement.
fn prove_stage(stage: &MockStage, trace: &zkevm_executor::Trace) -> StageResult {
    use zkevm_circuits::halo2_proofs::halo2curves::bn256::Fr;
    use zkevm_circuits::super_circuit::ChunkParams;
    use zkevm_prover::{keys, load_params, prove_trace, Cache, ParamsSource, ProveOptions};
    let mock = stage.run(trace);
    if mock.outcome != Outcome::Passed {
        return mock;
    }
    let result = |outcome| StageResult { outcome, ..mock.clone() };
    let chunk = ChunkParams::fitting(trace);
    let cache = match Cache::default_location() {
        Ok(cache) => cache,
        Err(e) => return result(Outcome::Failed(e.to_string())),
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
        Err(zkevm_prover::ProverError::Unsupported(what)) => {
            return result(Outcome::Unsupported(what))
        }
        Err(e) => return result(Outcome::Failed(format!("proving: {e}"))),
    };
    let key = load_params(&ParamsSource::Insecure, chunk.k::<Fr>(), &cache)
        .and_then(|params| keys::verifier_key(&chunk, params, &cache));
    result(match key.map(|key| zkevm_verifier::verify(&proven.bundle, &proven.statement, &key)) {
        Ok(Ok(_)) => Outcome::Passed,
        Ok(Err(e)) => Outcome::Failed(format!("verifying: {e}")),
        Err(e) => Outcome::Failed(format!("verifier key: {e}")),
    })
}

fn time_plain(entry: &StateTestEntry) -> Duration {
    let start = Instant::now();
    if let Ok(input) = &entry.input {
        let _ = zkevm_executor::execute_plain(input);
    }
    start.elapsed()
}
