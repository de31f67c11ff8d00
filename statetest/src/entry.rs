//! Ethereum `GeneralStateTests` as executor inputs.
//!
//! A state-test file maps test names to `{env, pre, transaction, post}`; each entry of
//! `post[fork]` selects one transaction (by data/gas/value indexes) and gives the expected
//! state root and logs hash. [`load_entries`] turns a file into one [`StateTestEntry`] per
//! `post[fork]` entry; [`run_entry`] executes it with tracing and the replay check and
//! compares both hashes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use alloy_primitives::B256;
use revm::context::CfgEnv;
use revm::primitives::hardfork::SpecId;
use revm_statetest_types::{SpecName, TestSuite};
use serde::{Deserialize, Serialize};

use zkevm_executor::{
    execute_plain, execute_traced_within, Execution, ExecutionInput, ExecutorError, Trace, TxStatus,
};

use crate::wide_numbers;

/// One `post[fork][index]` entry of a state test, ready to execute.
#[derive(Debug, Clone)]
pub struct StateTestEntry {
    /// `file::test::Fork[index]`, unique within a run.
    pub id: String,
    /// The file it came from.
    pub file: PathBuf,
    /// Test name within the file.
    pub name: String,
    /// Fork name.
    pub fork: String,
    /// The batch to execute (one transaction); an error if the transaction cannot be built.
    pub input: Result<ExecutionInput, String>,
    /// Expected post-state root.
    pub expected_hash: B256,
    /// Expected logs hash.
    pub expected_logs: B256,
    /// The exception the test expects (the transaction must be rejected).
    pub expect_exception: Option<String>,
}

/// Outcome of one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", content = "reason", rename_all = "snake_case")]
pub enum Outcome {
    /// Everything matched.
    Passed,
    /// Something did not match; the reason says what.
    Failed(String),
    /// The entry was not run; the reason says why.
    Skipped(String),
    /// A later stage (the circuits) cannot take the entry yet; the reason names what is
    /// missing.
    Unsupported(String),
    /// The entry ran past its time limit and was abandoned; the reason gives the limit.
    Timeout(String),
    /// The entry's transaction is invalid and the executor rejects it, as the test expects:
    /// there is nothing to prove. The reason gives the expected exception.
    InvalidTx(String),
}

impl Outcome {
    /// The outcome's name as reports spell it (`passed`, `failed`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed(_) => "failed",
            Outcome::Skipped(_) => "skipped",
            Outcome::Unsupported(_) => "unsupported",
            Outcome::Timeout(_) => "timeout",
            Outcome::InvalidTx(_) => "invalid-tx",
        }
    }

    /// The reason, empty for `passed`.
    pub fn reason(&self) -> &str {
        match self {
            Outcome::Passed => "",
            Outcome::Failed(r)
            | Outcome::Skipped(r)
            | Outcome::Unsupported(r)
            | Outcome::Timeout(r)
            | Outcome::InvalidTx(r) => r,
        }
    }
}

/// How far an entry got. Execution is this crate's; the later stages belong to whoever runs
/// them (see [`NextStage`]).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Not executed: the transaction could not be built, execution failed or the entry was
    /// skipped.
    #[default]
    Loaded,
    /// Executed with tracing, replay-checked and compared with the expected hashes.
    Executed,
    /// The circuits' witness was built.
    Witness,
    /// The circuits were checked by the MockProver.
    Mock,
}

/// What a stage after execution says about an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageResult {
    /// Its verdict.
    pub outcome: Outcome,
    /// The furthest stage reached.
    pub stage: Stage,
    /// Rows (or other units) each sub-circuit needs, by name; empty when not measured.
    pub rows: BTreeMap<String, usize>,
}

/// Per-entry record of a state-test run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryReport {
    /// Entry id.
    pub id: String,
    /// Fork.
    pub fork: String,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The furthest stage reached.
    #[serde(default)]
    pub stage: Stage,
    /// Gas used by the transaction (0 if not executed).
    pub gas: u64,
    /// Steps in the trace.
    pub steps: usize,
    /// RWs in the trace.
    pub rws: usize,
    /// Wall time of the entry in microseconds (traced execution and replay check).
    pub micros: u64,
    /// Wall time of the same entry on plain revm, when it was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plain_micros: Option<u64>,
    /// Rows (or other units) each sub-circuit needs, by name, when a later stage measured them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rows: BTreeMap<String, usize>,
}

impl EntryReport {
    /// A report of `outcome` for an entry that was not executed.
    pub fn unexecuted(id: String, fork: String, outcome: Outcome) -> Self {
        Self {
            id,
            fork,
            outcome,
            stage: Stage::Loaded,
            gas: 0,
            steps: 0,
            rws: 0,
            micros: 0,
            plain_micros: None,
            rows: BTreeMap::new(),
        }
    }
}

/// Parses a fork name as the state tests spell it (`Cancun`, `Shanghai`, ...).
pub fn parse_fork(name: &str) -> Result<SpecName, ExecutorError> {
    let spec: SpecName = serde_json::from_value(serde_json::Value::String(name.to_string()))
        .unwrap_or(SpecName::Unknown);
    match spec {
        SpecName::Unknown | SpecName::Constantinople | SpecName::ByzantiumToConstantinopleAt5 => {
            Err(ExecutorError::InvalidInput {
                context: format!("fork {name:?}"),
                message: "unknown fork; use a state-test fork name such as Cancun or Shanghai"
                    .into(),
            })
        }
        spec => Ok(spec),
    }
}

/// Every `.json` file under the given files and folders, sorted, each path once.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ExecutorError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path)
            .map_err(|source| ExecutorError::Io { path: path.clone(), source })?;
        if meta.is_dir() {
            walk(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ExecutorError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|source| ExecutorError::Io { path: dir.to_path_buf(), source })?;
    for entry in entries {
        let entry =
            entry.map_err(|source| ExecutorError::Io { path: dir.to_path_buf(), source })?;
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// Loads the `post[fork]` entries of one state-test file. A file without entries for the
/// fork gives an empty list.
pub fn load_entries(file: &Path, fork: &SpecName) -> Result<Vec<StateTestEntry>, ExecutorError> {
    let text = std::fs::read_to_string(file)
        .map_err(|source| ExecutorError::Io { path: file.to_path_buf(), source })?;
    let (suite, wide) = parse_suite(&text).map_err(|e| ExecutorError::Parse {
        path: file.to_path_buf(),
        what: "state test",
        message: e.to_string(),
    })?;
    let fork_name = format!("{fork:?}");
    let spec = fork.to_spec_id();
    let mut entries = Vec::new();
    for (name, unit) in &suite.0 {
        let Some(tests) = unit.post.get(fork) else { continue };
        let mut cfg = CfgEnv::default();
        cfg.chain_id = unit.env.current_chain_id.map_or(1, |id| id.saturating_to());
        cfg.set_spec_and_mainnet_gas_params(spec);
        cfg.set_max_blobs_per_tx(
            if spec.is_enabled_in(SpecId::PRAGUE) && !spec.is_enabled_in(SpecId::OSAKA) {
                9
            } else {
                6
            },
        );
        let block = unit.block_env(&mut cfg);
        let pre_state = unit.state();
        for (index, test) in tests.iter().enumerate() {
            let idx = &test.indexes;
            let id = format!(
                "{}::{name}::{fork_name}[{index}](d{},g{},v{})",
                file.display(),
                idx.data,
                idx.gas,
                idx.value
            );
            let too_wide = wide
                .get(name)
                .and_then(|w| w.iter().find(|n| n.used_by(idx.data, idx.gas, idx.value)));
            // `tx_env` panics on some out-of-range values (a fee above u128): contain it.
            let tx = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| test.tx_env(unit)))
                .unwrap_or_else(|_| Err(revm_statetest_types::TestError::InvalidTransactionType))
                .map_err(|e| e.to_string());
            let tx = match too_wide {
                Some(number) => Err(number.reason()),
                None => tx,
            };
            let input = tx.map(|tx| ExecutionInput {
                cfg: cfg.clone(),
                block: block.clone(),
                pre_state: pre_state.clone(),
                txs: vec![tx],
                block_hashes: Default::default(),
                gas_used_before: 0,
            });
            entries.push(StateTestEntry {
                id,
                file: file.to_path_buf(),
                name: name.clone(),
                fork: fork_name.clone(),
                input,
                expected_hash: test.hash,
                expected_logs: test.logs,
                expect_exception: test.expect_exception.clone(),
            });
        }
    }
    Ok(entries)
}

/// Parses a state-test file. A file `revm-statetest-types` rejects is parsed again with its
/// `0x:bigint` numbers rewritten (see [`wide_numbers`]); if that fails too, the first error is
/// the one reported.
fn parse_suite(
    text: &str,
) -> Result<(TestSuite, BTreeMap<String, Vec<wide_numbers::WideNumber>>), serde_json::Error> {
    let first = match serde_json::from_str::<TestSuite>(text) {
        Ok(suite) => return Ok((suite, BTreeMap::new())),
        Err(e) => e,
    };
    let mut document: serde_json::Value = serde_json::from_str(text)?;
    let wide = wide_numbers::normalize(&mut document);
    match serde_json::from_value::<TestSuite>(document) {
        Ok(suite) => Ok((suite, wide)),
        Err(_) => Err(first),
    }
}

/// Executes one entry with tracing and the replay check, and compares the state root and
/// logs hash with the test's expectation. An entry whose trace would exceed `max_rws` RWs
/// is skipped, and the report says so.
pub fn run_entry(entry: &StateTestEntry, max_rws: Option<usize>) -> EntryReport {
    run_entry_with(entry, max_rws, None)
}

/// A stage run on the trace of an entry that executed correctly (e.g. the MockProver).
pub type NextStage<'a> = &'a (dyn Fn(&Trace) -> StageResult + Sync);

/// [`run_entry`], then `next` on the trace when execution passed; its outcome is the entry's.
/// A panic in `next` fails the entry instead of ending the run.
pub fn run_entry_with(
    entry: &StateTestEntry,
    max_rws: Option<usize>,
    next: Option<NextStage<'_>>,
) -> EntryReport {
    let start = Instant::now();
    let mut report = EntryReport::unexecuted(entry.id.clone(), entry.fork.clone(), Outcome::Passed);
    report.outcome = match &entry.input {
        Err(e) if entry.expect_exception.is_some() => Outcome::InvalidTx(format!(
            "{} (the transaction cannot be built: {e})",
            entry.expect_exception.as_deref().unwrap_or_default()
        )),
        Err(e) => Outcome::Failed(format!("cannot build the transaction: {e}")),
        Ok(input) => match contain_panic(|| execute_traced_within(input, max_rws)) {
            Err(e @ ExecutorError::TraceTooLarge { .. }) => Outcome::Skipped(e.to_string()),
            Err(e) => Outcome::Failed(format!("{e}{}", plain_verdict(entry, input))),
            Ok(traced) => {
                report.gas = traced.trace.gas_used();
                report.steps = traced.trace.step_count();
                report.rws = traced.trace.rws.len();
                report.stage = Stage::Executed;
                match (judge(entry, input, &traced.execution), next) {
                    (Outcome::Passed, Some(_)) if traced.trace.txs.is_empty() => {
                        Outcome::Unsupported("no transaction to prove".into())
                    }
                    (Outcome::Passed, Some(stage)) => {
                        match contain_panic(|| Ok(stage(&traced.trace))) {
                            Ok(result) => {
                                report.stage = result.stage;
                                report.rows = result.rows;
                                result.outcome
                            }
                            Err(e) => Outcome::Failed(e.to_string()),
                        }
                    }
                    (outcome, _) => outcome,
                }
            }
        },
    };
    report.micros = start.elapsed().as_micros() as u64;
    report
}

fn judge(entry: &StateTestEntry, input: &ExecutionInput, execution: &Execution) -> Outcome {
    let status = execution.statuses.first();
    match (status, &entry.expect_exception) {
        (Some(TxStatus::Rejected(e)), Some(expected)) => {
            return Outcome::InvalidTx(format!("{expected} (rejected: {e})"))
        }
        (Some(TxStatus::Rejected(e)), None) => {
            return Outcome::Failed(format!("revm rejected the transaction: {e}"))
        }
        (Some(TxStatus::Executed(_)), Some(expected)) => {
            return Outcome::Failed(format!(
                "expected exception {expected}, but the transaction executed"
            ))
        }
        _ => {}
    }
    let mismatch = if execution.logs_hash != entry.expected_logs {
        Some(format!("logs hash {} != expected {}", execution.logs_hash, entry.expected_logs))
    } else if execution.state_root != entry.expected_hash {
        Some(format!("state root {} != expected {}", execution.state_root, entry.expected_hash))
    } else {
        None
    };
    let Some(mismatch) = mismatch else { return Outcome::Passed };
    // Tell a tracing bug from a revm one.
    let plain = execute_plain(input);
    let plain_agrees = plain
        .as_ref()
        .is_ok_and(|p| p.state_root == execution.state_root && p.logs_hash == execution.logs_hash);
    if plain_agrees {
        Outcome::Failed(format!("{mismatch} (plain revm computes the same: a revm failure)"))
    } else {
        Outcome::Failed(format!("{mismatch} (plain revm differs: tracing changed execution)"))
    }
}

/// After a traced failure: whether plain revm passes the entry, so a report tells a
/// tracing bug from an entry revm itself fails.
fn plain_verdict(entry: &StateTestEntry, input: &ExecutionInput) -> &'static str {
    match execute_plain(input) {
        Ok(p) if p.state_root == entry.expected_hash && p.logs_hash == entry.expected_logs => {
            " (plain revm passes this entry)"
        }
        Ok(_) => " (plain revm fails this entry too: a revm failure)",
        Err(_) => " (plain revm errors on this entry too)",
    }
}

/// Runs `f`, turning a panic inside revm or the recorder into an error, so that one bad entry
/// cannot end a whole run.
fn contain_panic<T>(f: impl FnOnce() -> Result<T, ExecutorError>) -> Result<T, ExecutorError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into());
        Err(ExecutorError::Panicked(message))
    })
}
