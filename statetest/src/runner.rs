//! A state-test run: files read in parallel and each file's entries run in parallel, each on
//! the calling worker, or with a timeout on its own thread that is abandoned at the deadline
//! ([`crate::deadline`]). When the total must be known (a sample, a list, a progress bar), a
//! first pass lists the entries. With a report path, each finished entry is also appended to
//! a journal that a resumed run continues from ([`crate::journal`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use revm_statetest_types::SpecName;

use crate::deadline::{Abandon, Deadlines};
use crate::entry::{self, EntryReport, Outcome, StateTestEntry};
use crate::error::StatetestError;
use crate::journal::Journal;
use crate::sample;
use crate::select::{self, Selection};
use crate::stages::{prove_stage, MockStage};

/// How far each entry is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Execute with tracing, run the replay check, compare state root and logs hash.
    Execute,
    /// Execute, then run the SuperCircuit (sized to the trace) through the MockProver.
    Mock,
    /// As mock, then prove the trace with KZG (insecure seeded setup) and verify the proof.
    Prove,
}

/// What a run runs, and how.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// State-test files or folders (searched recursively for .json files).
    pub paths: Vec<PathBuf>,
    /// How far each entry is taken.
    pub mode: Mode,
    /// Fork whose `post` entries are run.
    pub fork: String,
    /// The JSON report the run's journal belongs to (no journal without one).
    pub report: Option<PathBuf>,
    /// Continue the interrupted run whose journal `report` names.
    pub resume: bool,
    /// Only entries whose id contains this text.
    pub filter: Option<String>,
    /// Only the entries listed in this file ([`crate::select`]).
    pub entries: Option<PathBuf>,
    /// Run only a deterministic sample of this many entries.
    pub sample: Option<usize>,
    /// The sample's seed.
    pub seed: u64,
    /// Entries run in parallel (0: the number of cores).
    pub jobs: usize,
    /// Abandon an entry after this long (none: no limit).
    pub timeout: Option<Duration>,
    /// Also execute each entry on plain revm and time it.
    pub compare_plain: bool,
    /// Skip entries whose trace exceeds this many RWs.
    pub max_rws: Option<usize>,
    /// In mock mode, an entry whose tallest region needs more rows is unsupported (0: no
    /// limit).
    pub max_rows: usize,
    /// List the entries first even when no sample or list needs it (to show a total).
    pub count_first: bool,
}

/// Who watches a run: told the total when it is known, and every finished entry.
pub trait Observer: Sync {
    /// The number of entries the run will report, resumed ones included (0 when the run did
    /// not list them first).
    fn total(&self, total: u64);
    /// One finished entry (resumed ones first).
    fn record(&self, report: &EntryReport);
}

/// What a run leaves.
pub struct Run {
    /// Every entry's report, resumed ones first.
    pub reports: Vec<EntryReport>,
    /// The journal, to finish once the report is written.
    pub journal: Option<Journal>,
    /// Entries abandoned at their deadline and still running.
    pub abandoned: usize,
}

/// Runs `options`, telling `observer`.
pub fn run(options: &RunOptions, observer: &dyn Observer) -> Result<Run, StatetestError> {
    let fork = entry::parse_fork(&options.fork)?;
    let files = entry::collect_files(&options.paths)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        .build()
        .map_err(|e| StatetestError::ThreadPool(e.to_string()))?;
    let listed = options.entries.as_deref().map(select::read_entries).transpose()?;
    let selection = Selection::new(options.filter.clone(), listed, &options.paths);
    let files: Vec<PathBuf> = files.into_iter().filter(|f| selection.may_hold(f)).collect();
    let counted = options.sample.is_some() || selection.is_listed() || options.count_first;
    let (selected, total) = match counted {
        true => pool.install(|| plan(&files, &fork, options, &selection)),
        false => (None, 0),
    };
    let deadlines = options.timeout.map(|limit| Deadlines::new(limit, 1));
    let (journal, reports, done) = match &options.report {
        Some(path) => {
            let (journal, resumed) = Journal::open(path, options.resume)?;
            (Some(journal), resumed.reports, Some(resumed.ids))
        }
        None => (None, Vec::new(), None),
    };
    observer.total(total as u64);
    reports.iter().for_each(|r| observer.record(r));
    let runner = FileRunner {
        fork: &fork,
        options,
        selection: &selection,
        selected: selected.as_ref(),
        deadlines: deadlines.as_ref(),
        observer,
        journal: journal.as_ref(),
        done: done.as_ref(),
    };
    let new: Vec<EntryReport> =
        pool.install(|| files.par_iter().flat_map_iter(|file| runner.run_file(file)).collect());
    let abandoned = deadlines.as_ref().map_or(0, |d| d.abandoned());
    Ok(Run { reports: reports.into_iter().chain(new).collect(), journal, abandoned })
}

/// The first pass: the ids of the sample (when sampling) and how many entries will run.
/// A file that cannot be loaded counts as one (failed) entry.
fn plan(
    files: &[PathBuf],
    fork: &SpecName,
    options: &RunOptions,
    selection: &Selection,
) -> (Option<HashSet<String>>, usize) {
    let listed: Vec<Result<Vec<String>, ()>> = files
        .par_iter()
        .map(|file| {
            entry::load_entries(file, fork)
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
        tracing::warn!("{} listed entries were not found, e.g. {}", missing.len(), missing[0]);
    }
    match options.sample {
        Some(n) => {
            let chosen = sample::choose(&ids, &options.paths, n, options.seed);
            let total = chosen.len() + unloadable;
            (Some(chosen), total)
        }
        None => (None, ids.len() + unloadable),
    }
}

/// What every file of a run shares.
struct FileRunner<'a> {
    fork: &'a SpecName,
    options: &'a RunOptions,
    selection: &'a Selection,
    selected: Option<&'a HashSet<String>>,
    deadlines: Option<&'a Arc<Deadlines>>,
    observer: &'a dyn Observer,
    journal: Option<&'a Journal>,
    /// Entries a resumed run has already run.
    done: Option<&'a HashSet<String>>,
}

impl FileRunner<'_> {
    /// The reports of one file's chosen entries, run in parallel; a file that cannot be
    /// loaded is one failed entry.
    fn run_file(&self, file: &Path) -> Vec<EntryReport> {
        let is_done = |id: &str| self.done.is_some_and(|done| done.contains(id));
        let entries = match entry::load_entries(file, self.fork) {
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
                let report = run_one(entry, self.options, self.deadlines);
                self.finished(&report);
                report
            })
            .collect()
    }

    fn finished(&self, report: &EntryReport) {
        self.observer.record(report);
        if let Some(journal) = self.journal {
            journal.record(report);
        }
    }
}

/// Runs one entry, within the deadline when there is one.
fn run_one(
    entry: StateTestEntry,
    options: &RunOptions,
    deadlines: Option<&Arc<Deadlines>>,
) -> EntryReport {
    let cancel = Arc::new(AtomicBool::new(false));
    let stage = MockStage { max_rows: options.max_rows, cancelled: cancel.clone() };
    let (mode, compare_plain, max_rws) = (options.mode, options.compare_plain, options.max_rws);
    let Some(deadlines) = deadlines else {
        return run_entry(&entry, mode, max_rws, &stage, compare_plain);
    };
    let (id, fork) = (entry.id.clone(), entry.fork.clone());
    let start = Instant::now();
    let result =
        deadlines.run(cancel, move || run_entry(&entry, mode, max_rws, &stage, compare_plain));
    result.unwrap_or_else(|abandon| {
        let outcome = match abandon {
            Abandon::TimedOut => {
                let limit = options.timeout.unwrap_or_default().as_secs();
                Outcome::Timeout(format!("ran past {limit} s"))
            }
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
        Mode::Execute => entry::run_entry(entry, max_rws),
        Mode::Mock => entry::run_entry_with(entry, max_rws, Some(&|trace| stage.run(trace))),
        Mode::Prove => {
            entry::run_entry_with(entry, max_rws, Some(&|trace| prove_stage(stage, trace)))
        }
    };
    report.plain_micros = compare_plain.then(|| time_plain(entry).as_micros() as u64);
    report
}

fn time_plain(entry: &StateTestEntry) -> Duration {
    let start = Instant::now();
    if let Ok(input) = &entry.input {
        let _ = zkevm_executor::execute_plain(input);
    }
    start.elapsed()
}
