//! The MockProver stage of `zkevm statetest --mode mock`, cheapest checks first.
//!
//! An entry goes through, in order: the EVM witness check (every step must have a gadget; most
//! entries stop here, at about the cost of execution), the row budget (the circuit sized to the
//! trace must fit `--max-rows` in its tallest region), the SuperCircuit's witness, then the
//! MockProver. Nothing costly runs for an entry an earlier check already turned away, and a
//! cancelled entry (one abandoned after its timeout) stops at the next check.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::entry::{Outcome, Stage, StageResult};
use zkevm_circuits::evm::dispatch::block_witnesses;
use zkevm_circuits::halo2_proofs::halo2curves::bn256::Fr;
use zkevm_circuits::super_circuit::{evm_rows_of, ChunkParams, SuperCircuit};
use zkevm_circuits::{mock, CircuitError};
use zkevm_executor::Trace;

/// The name under which the tallest region's rows are reported.
pub const TALLEST: &str = "tallest region";

/// Settings of the mock stage.
#[derive(Clone, Debug)]
pub struct MockStage {
    /// Most rows the tallest region may need; 0 means no limit.
    pub max_rows: usize,
    /// Set when the entry has been abandoned: the stage stops at its next check.
    pub cancelled: Arc<AtomicBool>,
}

impl MockStage {
    /// Runs the stage on a trace that executed correctly.
    pub fn run(&self, trace: &Trace) -> StageResult {
        let executed =
            |outcome| StageResult { outcome, stage: Stage::Executed, rows: BTreeMap::new() };
        // The EVM steps first: an opcode without a gadget is found in one pass over the steps.
        if let Err(e) = block_witnesses(trace, evm_rows_of(trace), true) {
            return executed(verdict(e));
        }
        let params = ChunkParams::fitting(trace);
        let rows = rows_of(&params);
        let result = |outcome, stage| StageResult { outcome, stage, rows: rows.clone() };
        let tallest = params.rows();
        if self.max_rows > 0 && tallest > self.max_rows {
            let reason = format!(
                "rows: the tallest region needs {tallest}, over the budget of {} (--max-rows)",
                self.max_rows
            );
            return result(Outcome::Unsupported(reason), Stage::Executed);
        }
        if let Some(cancelled) = self.cancelled() {
            return result(cancelled, Stage::Executed);
        }
        let circuit = match SuperCircuit::new(Arc::new(trace.clone()), params) {
            Ok(circuit) => circuit,
            Err(e) => return result(verdict(e), Stage::Executed),
        };
        if let Some(cancelled) = self.cancelled() {
            return result(cancelled, Stage::Witness);
        }
        let failures = match mock::run(params.k::<Fr>(), &circuit, circuit.instances()) {
            Ok(failures) => failures,
            Err(e) => return result(Outcome::Failed(format!("synthesis: {e:?}")), Stage::Witness),
        };
        let outcome = match failures.is_empty() {
            true => Outcome::Passed,
            false => {
                let first = failures.first().map(|f| f.to_string()).unwrap_or_default();
                let first: String =
                    first.lines().next().unwrap_or_default().chars().take(200).collect();
                Outcome::Failed(format!("{} constraint failures, first: {first}", failures.len()))
            }
        };
        result(outcome, Stage::Mock)
    }

    fn cancelled(&self) -> Option<Outcome> {
        self.cancelled
            .load(Ordering::Relaxed)
            .then(|| Outcome::Timeout("abandoned after its time limit".into()))
    }
}

/// Each capacity of `params` and the tallest region's rows, by name.
pub fn rows_of(params: &ChunkParams) -> BTreeMap<String, usize> {
    let mut rows: BTreeMap<String, usize> =
        params.capacities().iter().map(|(name, n)| (name.to_string(), *n)).collect();
    rows.insert(TALLEST.to_string(), params.rows());
    rows
}

/// A witness error as an outcome: what has no circuit yet is unsupported; a circuit sized to
/// the trace that does not hold it is a bug.
fn verdict(e: CircuitError) -> Outcome {
    match e {
        CircuitError::Unsupported(what) => Outcome::Unsupported(what),
        e @ CircuitError::CapacityExceeded { .. } => {
            Outcome::Failed(format!("the circuit sized to the trace does not hold it: {e}"))
        }
        e @ CircuitError::MalformedWitness(_) => Outcome::Failed(e.to_string()),
    }
}

/// The real-prover stage of prove mode: the MockProver first (an unsupported or rejected
/// trace stops there), then a KZG proof of the trace in a chunk fitted to it (insecure seeded
/// parameters; keys cached per fitted chunk), verified against its statement.
pub fn prove_stage(stage: &MockStage, trace: &Trace) -> StageResult {
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
