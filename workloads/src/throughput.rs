//! The throughput report: one workload taken through every phase (trace, plan, witness,
//! keygen, prove, verify), each timed, with the figures `zkevm bench` prints and writes.
//!
//! Chunks are proven one after another, each with every core (halo2 parallelises inside a
//! proof), so each chunk's time is its own. Keys are generated fresh (never read from the
//! cache) so that keygen is measured; the KZG parameters come from the cache (their loading
//! or generation is the `setup` time, not a phase).
//!
//! A workload the circuits cannot prove yet ends with the outcome `unsupported` and the reason
//! witness generation gave; one whose single transaction exceeds the largest chunk ends with
//! `too_large`. Neither has figures: nothing is estimated.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use zkevm_circuits::arith::ArithConfig;
use zkevm_circuits::bitwise::BitwiseConfig;
use zkevm_circuits::copy::CopyConfig;
use zkevm_circuits::evm::layout::region_rows as evm_region_rows;
use zkevm_circuits::halo2_proofs::plonk::{keygen_pk, keygen_vk};
use zkevm_circuits::keccak::layout::region_rows;
use zkevm_circuits::public::PublicConfig;
use zkevm_circuits::super_circuit::{ChunkParams, SuperCircuit};
use zkevm_circuits::table::{CallDataTable, TxTable};
use zkevm_circuits::CircuitError;
use zkevm_executor::chunk::sub_batch;
use zkevm_executor::{trace_batch, ExecutionInput, Trace};
use zkevm_prover::plan::{exceeded, plan};
use zkevm_prover::prove::{peak_rss_kib, prove_chunk};
use zkevm_prover::{load_params, Cache, ParamsSource, ProverError};
use zkevm_verifier::{
    verify, vk_fingerprint, BatchStatement, Bundle, ProofArtifact, StatementSummary, VerifierKey,
};

use crate::chunk::{chunk_for_k, MAX_K, MIN_K};
use crate::error::BenchError;
use crate::lower_bound::{time_commitments, CommittedColumns};
use crate::workloads::Workload;

/// Version of the JSON report's layout.
pub const REPORT_FORMAT: u32 = 1;

/// How to run a workload.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// Transactions (default: [`Workload::default_size`]).
    pub size: Option<usize>,
    /// Chunk size (default: the smallest `k` of [`chunk_for_k`]'s family whose chunk holds
    /// the workload's first transaction alone).
    pub k: Option<u32>,
    /// Where the KZG parameters come from.
    pub params: ParamsSource,
    /// Where they are cached.
    pub cache: Cache,
}

/// The machine a report was measured on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// Logical cores available to the process.
    pub cores: usize,
    /// Total memory in MiB (`/proc/meminfo`), when known.
    pub memory_mib: Option<u64>,
    /// CPU model (`/proc/cpuinfo`), when known.
    pub cpu: Option<String>,
}

impl Machine {
    /// This machine.
    pub fn this() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_mib = meminfo
            .lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kib| kib.parse::<u64>().ok())
            .map(|kib| kib / 1024);
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, model)| model.trim().to_string());
        Machine { cores, memory_mib, cpu }
    }
}

/// A whole `zkevm bench` run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    /// [`REPORT_FORMAT`].
    pub format: u32,
    /// Where it ran.
    pub machine: Machine,
    /// Date of the run, UTC, `YYYY-MM-DD`.
    pub date: String,
    /// The command line that produced it.
    pub command: String,
    /// What the KZG parameters are.
    pub params: String,
    /// One entry per workload, in run order.
    pub workloads: Vec<WorkloadReport>,
}

/// How a workload's run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Proven and verified; the figures are measured.
    Measured,
    /// Something in its trace has no circuit yet (`reason` names it).
    Unsupported,
    /// One of its transactions alone exceeds the chunk (`reason` says which capacity).
    TooLarge,
}

/// One workload's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkloadReport {
    /// Its name.
    pub workload: String,
    /// What each transaction does.
    pub description: String,
    /// Transactions.
    pub size: usize,
    /// The chunk size, once chosen.
    pub k: Option<u32>,
    /// How it ended.
    pub outcome: Outcome,
    /// Why it was not measured.
    pub reason: Option<String>,
    /// The figures, when measured.
    pub figures: Option<Figures>,
}

/// Seconds per phase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhaseTimes {
    /// Loading (or generating and caching) the KZG parameters.
    pub setup: f64,
    /// Executing the whole batch with the tracing inspector and the replay check.
    pub trace: f64,
    /// The capacity planner (it re-executes growing prefixes of each chunk).
    pub plan: f64,
    /// Building every chunk's circuit witness (`SuperCircuit::new`), all chunks.
    pub witness: f64,
    /// Proving and verifying key generation (once; the chunks share keys).
    pub keygen: f64,
    /// Proving, all chunks.
    pub prove: f64,
    /// Verifying the bundle (every chunk's proof and public inputs).
    pub verify: f64,
}

/// Rows a sub-circuit uses, summed over the chunks, and the rows its capacity reserves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowUse {
    /// The sub-circuit (or table).
    pub circuit: String,
    /// Rows its witness needs, summed over chunks.
    pub used: usize,
    /// Rows its capacity reserves, summed over chunks.
    pub capacity: usize,
}

/// The lower bound and the prover's distance from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LowerBound {
    /// MSM size (`2^k`).
    pub msm_size: usize,
    /// MSMs timed: [`CommittedColumns::committed`].
    pub msms: usize,
    /// Seconds to compute them, measured in this run.
    pub seconds: f64,
    /// Mean proving time per chunk divided by `seconds`.
    pub ratio: f64,
}

/// Everything measured for a workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Gas used by the batch.
    pub gas: u64,
    /// EVM steps (BeginTx, opcodes, EndTx; as the trace counts them).
    pub steps: usize,
    /// Transactions.
    pub txs: usize,
    /// RW log entries.
    pub rws: usize,
    /// Chunks proven.
    pub chunks: usize,
    /// The chunk's capacities.
    pub chunk: ChunkParams,
    /// Seconds per phase.
    pub seconds: PhaseTimes,
    /// Each chunk's proving time.
    pub prove_per_chunk: Vec<f64>,
    /// trace + witness + prove, seconds.
    pub end_to_end: f64,
    /// Gas per second, end to end.
    pub gas_per_second: f64,
    /// Steps per second, end to end.
    pub steps_per_second: f64,
    /// Witness time divided by proving time.
    pub witness_fraction: f64,
    /// Rows per sub-circuit.
    pub rows: Vec<RowUse>,
    /// Rows of each chunk (`2^k`).
    pub rows_per_chunk: usize,
    /// Committed advice cells (advice columns x `2^k` x chunks) per EVM step.
    pub cells_per_step: f64,
    /// The circuit's columns and commitments.
    pub columns: CommittedColumns,
    /// The lower bound.
    pub lower_bound: LowerBound,
    /// Peak resident memory (VmHWM) at the end of this workload's run, MiB.
    pub peak_rss_mib: Option<f64>,
    /// Whether the peak was reset when this workload started (otherwise it is the process's
    /// peak so far).
    pub peak_rss_per_workload: bool,
    /// Bytes of one chunk's proof.
    pub proof_bytes: usize,
    /// Bytes of the whole bundle (artifacts with public inputs).
    pub bundle_bytes: usize,
}

impl WorkloadReport {
    fn ended(
        workload: Workload,
        size: usize,
        k: Option<u32>,
        outcome: Outcome,
        reason: String,
    ) -> Self {
        WorkloadReport {
            workload: workload.name().to_string(),
            description: workload.describe().to_string(),
            size,
            k,
            outcome,
            reason: Some(reason),
            figures: None,
        }
    }
}

/// Resets the process's peak resident memory (Linux `clear_refs` 5); false when it cannot.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let value = f();
    (value, started.elapsed())
}

fn workload_error(workload: Workload, e: impl std::fmt::Display) -> BenchError {
    BenchError::Workload { workload: workload.name(), why: e.to_string() }
}

/// Rows per sub-circuit of a chunk with capacities `p` (the regions of the SuperCircuit;
/// the fixed and block tables, whose size does not depend on the chunk, are left out).
pub fn region_rows_of(p: &ChunkParams) -> Vec<(&'static str, usize)> {
    vec![
        ("EVM", evm_region_rows(p.evm_rows)),
        ("state (RW)", p.rw_rows),
        ("bytecode", p.bytecode_rows),
        ("keccak", region_rows(p.keccak_permutations)),
        ("tx table", TxTable::rows(p.txs)),
        ("bitwise", BitwiseConfig::rows(p.bitwise_ops)),
        ("arithmetic", ArithConfig::rows(p.arith_blocks)),
        ("calldata", CallDataTable::rows(p.calldata_words)),
        ("copy", CopyConfig::rows(p.copy_words)),
        ("statement", PublicConfig::rows(p)),
    ]
}

/// The smallest `k` of the family whose chunk holds the first transaction alone.
fn auto_k(input: &ExecutionInput, name: &str) -> Result<Result<u32, String>, BenchError> {
    let first = sub_batch(input, 0..1);
    let trace = trace_batch(&first, name).map_err(|e| BenchError::Prover(exec(e)))?.trace;
    let mut last = String::new();
    for k in MIN_K..=MAX_K {
        match exceeded(&trace, &chunk_for_k(k)?) {
            None => return Ok(Ok(k)),
            Some((what, needed, capacity)) => {
                last = format!(
                    "one transaction needs {needed} {what}, a k = {k} chunk holds {capacity}"
                )
            }
        }
    }
    Ok(Err(last))
}

fn exec(e: impl std::fmt::Display) -> ProverError {
    ProverError::Execution(e.to_string())
}

/// Runs `workload` through every phase; `log` receives a line as each phase ends.
pub fn run_workload(
    workload: Workload,
    options: &BenchOptions,
    log: &dyn Fn(&str),
) -> Result<WorkloadReport, BenchError> {
    let name = workload.name();
    let size = options.size.unwrap_or_else(|| workload.default_size());
    if size == 0 {
        return Err(BenchError::EmptyWorkload);
    }
    let input = workload.input(size)?;
    let peak_resettable = reset_peak_rss();

    let (traced, trace_time) = timed(|| trace_batch(&input, name));
    let trace: Trace = traced.map_err(|e| workload_error(workload, e))?.trace;
    log(&format!(
        "{name}: traced {} txs, {} steps, {} gas in {:.3}s",
        trace.txs.len(),
        trace.step_count(),
        trace.gas_used(),
        trace_time.as_secs_f64()
    ));
    // What the circuits cannot prove is reported before any capacity question.
    match SuperCircuit::new(Arc::new(trace.clone()), ChunkParams::fitting(&trace)) {
        Ok(_) => {}
        Err(CircuitError::Unsupported(what)) => {
            log(&format!("{name}: unsupported: {what}"));
            return Ok(WorkloadReport::ended(
                workload,
                size,
                options.k,
                Outcome::Unsupported,
                CircuitError::Unsupported(what).to_string(),
            ));
        }
        Err(e) => return Err(workload_error(workload, e)),
    }

    let k = match options.k {
        Some(k) => k,
        None => match auto_k(&input, name)? {
            Ok(k) => k,
            Err(why) => {
                return Ok(WorkloadReport::ended(workload, size, None, Outcome::TooLarge, why))
            }
        },
    };
    let chunk = chunk_for_k(k)?;
    let (params, setup_time) = timed(|| load_params(&options.params, k, &options.cache));
    let params = params?;

    let (chunks, plan_time) = timed(|| plan(&input, name, &chunk));
    let chunks = match chunks {
        Ok(chunks) => chunks,
        Err(ProverError::TxTooLarge { tx, what, needed, capacity }) => {
            let why = format!(
                "transaction {tx} alone needs {needed} {what}, a k = {k} chunk holds {capacity}"
            );
            log(&format!("{name}: too large: {why}"));
            return Ok(WorkloadReport::ended(workload, size, Some(k), Outcome::TooLarge, why));
        }
        Err(e) => return Err(e.into()),
    };
    log(&format!(
        "{name}: {} chunk(s) at k = {k}, planned in {:.3}s",
        chunks.len(),
        plan_time.as_secs_f64()
    ));

    let mut rows: Vec<RowUse> = region_rows_of(&chunk)
        .into_iter()
        .map(|(circuit, _)| RowUse { circuit: circuit.to_string(), used: 0, capacity: 0 })
        .collect();
    for c in &chunks {
        let used = region_rows_of(&ChunkParams::fitting(&c.trace));
        for ((row, (_, used)), (_, capacity)) in
            rows.iter_mut().zip(used).zip(region_rows_of(&chunk))
        {
            row.used += used;
            row.capacity += capacity;
        }
    }

    let (circuits, witness_time) = timed(|| {
        chunks
            .iter()
            .map(|c| {
                SuperCircuit::new(Arc::new(c.trace.clone()), chunk)
                    .map(|circuit| circuit.with_first_tx(c.first_tx as u64))
            })
            .collect::<Result<Vec<_>, _>>()
    });
    let circuits = circuits.map_err(|e| workload_error(workload, e))?;
    log(&format!("{name}: witnesses in {:.3}s", witness_time.as_secs_f64()));
    let Some(first) = circuits.first() else {
        return Err(workload_error(workload, "no chunk to prove"));
    };

    let (pk, keygen_time) = timed(|| {
        let vk = keygen_vk(&params, first)?;
        keygen_pk(&params, vk, first)
    });
    let pk = pk.map_err(|e| ProverError::Keygen(format!("{e:?}")))?;
    log(&format!("{name}: keys in {:.3}s", keygen_time.as_secs_f64()));
    let fingerprint = vk_fingerprint(pk.get_vk());

    let mut artifacts = Vec::with_capacity(circuits.len());
    let mut prove_per_chunk = Vec::with_capacity(circuits.len());
    for (index, circuit) in circuits.iter().enumerate() {
        let (proof, time) = timed(|| prove_chunk(index, circuit, &params, &pk));
        let proof = proof?;
        log(&format!("{name}: chunk {index} proven in {:.3}s", time.as_secs_f64()));
        prove_per_chunk.push(time.as_secs_f64());
        artifacts.push(ProofArtifact {
            chunk_index: index as u64,
            chunk_params: chunk,
            vk_fingerprint: fingerprint,
            summary: StatementSummary::of(circuit.statement()),
            public_inputs: circuit.instance(),
            proof,
        });
    }
    let prove_time: f64 = prove_per_chunk.iter().sum();
    let proof_bytes = artifacts.first().map_or(0, |a| a.proof.len());
    let bundle = Bundle { chunks: artifacts };
    let statement = BatchStatement::new(circuits.iter().map(|c| c.statement().clone()).collect());
    let key = VerifierKey::new(params.clone(), pk.get_vk().clone(), chunk);
    let (verified, verify_time) = timed(|| verify(&bundle, &statement, &key));
    verified.map_err(|e| BenchError::Verify(e.to_string()))?;
    log(&format!("{name}: verified in {:.3}s", verify_time.as_secs_f64()));

    let columns = CommittedColumns::of_super_circuit();
    let msm_time = time_commitments(&params, columns.committed).as_secs_f64();
    let mean_prove = prove_time / circuits.len() as f64;
    log(&format!(
        "{name}: {} MSMs of size 2^{k} in {msm_time:.3}s (prove/MSM {:.1})",
        columns.committed,
        mean_prove / msm_time
    ));
    drop(pk);

    let steps = trace.step_count();
    let end_to_end = trace_time.as_secs_f64() + witness_time.as_secs_f64() + prove_time;
    let rows_per_chunk = 1usize << k;
    let figures = Figures {
        gas: trace.gas_used(),
        steps,
        txs: trace.txs.len(),
        rws: trace.rws.len(),
        chunks: circuits.len(),
        chunk,
        seconds: PhaseTimes {
            setup: setup_time.as_secs_f64(),
            trace: trace_time.as_secs_f64(),
            plan: plan_time.as_secs_f64(),
            witness: witness_time.as_secs_f64(),
            keygen: keygen_time.as_secs_f64(),
            prove: prove_time,
            verify: verify_time.as_secs_f64(),
        },
        prove_per_chunk,
        end_to_end,
        gas_per_second: trace.gas_used() as f64 / end_to_end,
        steps_per_second: steps as f64 / end_to_end,
        witness_fraction: witness_time.as_secs_f64() / prove_time,
        rows,
        rows_per_chunk,
        cells_per_step: (columns.advice() * rows_per_chunk * circuits.len()) as f64
            / steps.max(1) as f64,
        lower_bound: LowerBound {
            msm_size: rows_per_chunk,
            msms: columns.committed,
            seconds: msm_time,
            ratio: mean_prove / msm_time,
        },
        columns,
        peak_rss_mib: peak_rss_kib().map(|kib| kib as f64 / 1024.0),
        peak_rss_per_workload: peak_resettable,
        proof_bytes,
        bundle_bytes: bundle.to_bytes().len(),
    };
    Ok(WorkloadReport {
        workload: name.to_string(),
        description: workload.describe().to_string(),
        size,
        k: Some(k),
        outcome: Outcome::Measured,
        reason: None,
        figures: Some(figures),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use zkevm_circuits::halo2_proofs::halo2curves::bn256::Fr;

    /// The per-region rows agree with the circuit's own height.
    #[test]
    fn region_rows_cover_the_tallest_region() {
        for k in 11..=13 {
            let chunk = chunk_for_k(k).expect("in range");
            let tallest = region_rows_of(&chunk).into_iter().map(|(_, r)| r).max().unwrap_or(0);
            assert!(tallest <= chunk.rows());
            assert!(chunk.k::<Fr>() == k);
        }
    }
}
