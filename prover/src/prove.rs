//! Proving a batch: plan, build every chunk's circuit (an unsupported trace fails here, before
//! any key is made), load parameters and keys, prove the chunks in parallel, and collect the
//! bundle, the statement and a report.

use std::sync::Arc;
use std::time::{Duration, Instant};

use halo2_proofs::halo2curves::bn256::{Bn256, Fr, G1Affine};
use halo2_proofs::plonk::{create_proof, ProvingKey};
use halo2_proofs::poly::kzg::commitment::{KZGCommitmentScheme, ParamsKZG};
use halo2_proofs::poly::kzg::multiopen::ProverSHPLONK;
use halo2_proofs::transcript::{Blake2bWrite, Challenge255, TranscriptWriterBuffer};
use rayon::prelude::*;
use zkevm_circuits::super_circuit::{ChunkParams, SuperCircuit};
use zkevm_circuits::CircuitError;
use zkevm_executor::{trace_batch, ExecutionInput, Trace};
use zkevm_verifier::{vk_fingerprint, BatchStatement, Bundle, ProofArtifact, StatementSummary};

use crate::cache::Cache;
use crate::error::ProverError;
use crate::keys::proving_key;
use crate::plan::plan;
use crate::setup::{load_params, ParamsSource};

/// How to prove.
#[derive(Clone, Debug)]
pub struct ProveOptions {
    /// The chunk capacities.
    pub chunk: ChunkParams,
    /// Where the KZG parameters come from.
    pub params: ParamsSource,
    /// Chunks proven at once (0: one per core).
    pub jobs: usize,
    /// Where parameters and keys are cached.
    pub cache: Cache,
    /// Emit progress events: a `tracing` event at target [`PROGRESS_TARGET`] when proving
    /// starts (field `chunks`) and after each chunk (field `proven`), for whoever draws
    /// progress (the CLI's bar).
    pub progress: bool,
    /// Memory budget in MiB: fewer chunks are proven at once when each needs more than its
    /// share (an estimate from the circuit's size).
    pub max_memory_mib: Option<u64>,
}

/// What proving a batch measured.
#[derive(Clone, Debug)]
pub struct ProveReport {
    /// Chunks proven.
    pub chunks: usize,
    /// Transactions proven.
    pub transactions: usize,
    /// Gas used by the batch.
    pub gas: u64,
    /// The circuit size.
    pub k: u32,
    /// Loading or generating parameters and keys.
    pub setup: Duration,
    /// Each chunk's proving time.
    pub chunk_times: Vec<Duration>,
    /// Wall time of the whole run.
    pub total: Duration,
    /// Size of each proof in bytes.
    pub proof_bytes: Vec<usize>,
    /// Peak resident memory of the process (VmHWM), in KiB, when known.
    pub peak_rss_kib: Option<u64>,
    /// What the parameters are (says so when they are insecure).
    pub params: String,
    /// Chunks proven at once.
    pub jobs: usize,
    /// Estimated memory per chunk being proven, in MiB.
    pub chunk_memory_mib: u64,
}

impl ProveReport {
    /// Gas per second of wall time.
    pub fn gas_per_second(&self) -> f64 {
        self.gas as f64 / self.total.as_secs_f64().max(1e-9)
    }

    /// Lines of the final summary.
    pub fn summary(&self) -> String {
        let per_chunk: Vec<String> =
            self.chunk_times.iter().map(|t| format!("{:.2}s", t.as_secs_f64())).collect();
        let peak = self
            .peak_rss_kib
            .map_or("unknown".to_string(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0));
        format!(
            "{}\nproved {} chunk(s) at k={}, {} transactions, {} gas in {:.2}s ({:.0} gas/s); \
             setup {:.2}s, per chunk [{}] ({} at once, about {} MiB each); proof {} bytes; \
             peak memory {peak}",
            self.params,
            self.chunks,
            self.k,
            self.transactions,
            self.gas,
            self.total.as_secs_f64(),
            self.gas_per_second(),
            self.setup.as_secs_f64(),
            per_chunk.join(", "),
            self.jobs,
            self.chunk_memory_mib,
            self.proof_bytes.iter().sum::<usize>(),
        )
    }
}

/// A proven batch.
#[derive(Clone, Debug)]
pub struct ProvenBatch {
    /// The chunks' artifacts.
    pub bundle: Bundle,
    /// What they claim.
    pub statement: BatchStatement,
    /// Figures.
    pub report: ProveReport,
}

/// Peak resident memory of this process, from `/proc/self/status` (Linux only).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn witness_error(chunk: usize, e: CircuitError) -> ProverError {
    match e {
        CircuitError::Unsupported(what) => ProverError::Unsupported(what),
        other => ProverError::Witness { chunk, why: other.to_string() },
    }
}

/// The `tracing` target of progress events (see [`ProveOptions::progress`]).
pub const PROGRESS_TARGET: &str = "zkevm::progress";

/// Proves the batch `input` (`context` names it in messages) as `options` say.
pub fn prove_batch(
    input: &ExecutionInput,
    context: &str,
    options: &ProveOptions,
) -> Result<ProvenBatch, ProverError> {
    let start = Instant::now();
    let trace =
        trace_batch(input, context).map_err(|e| ProverError::Execution(e.to_string()))?.trace;
    // What the circuits cannot prove is reported before any capacity question.
    SuperCircuit::new(Arc::new(trace.clone()), ChunkParams::fitting(&trace))
        .map_err(|e| witness_error(0, e))?;
    let chunks = plan(input, context, &options.chunk)?;
    let circuits = chunks
        .into_iter()
        .map(|c| {
            SuperCircuit::new(Arc::new(c.trace), options.chunk)
                .map(|circuit| circuit.with_first_tx(c.first_tx as u64))
                .map_err(|e| witness_error(c.index, e))
        })
        .collect::<Result<Vec<_>, _>>()?;

    prove_circuits(circuits, trace.txs.len(), trace.gas_used(), options, start)
}

/// Proves `trace` as one chunk of `chunk` (e.g. [`ChunkParams::fitting`] it): what
/// `zkevm statetest --mode prove` runs on each entry. Keys come from the chunk itself.
pub fn prove_trace(
    trace: &Trace,
    chunk: ChunkParams,
    options: &ProveOptions,
) -> Result<ProvenBatch, ProverError> {
    let start = Instant::now();
    let circuit =
        SuperCircuit::new(Arc::new(trace.clone()), chunk).map_err(|e| witness_error(0, e))?;
    let options = ProveOptions { chunk, ..options.clone() };
    prove_circuits(vec![circuit], trace.txs.len(), trace.gas_used(), &options, start)
}

/// Estimated memory to prove one chunk of the constraint system of `chunk` at `k`, in MiB:
/// every advice column and three columns per lookup, in the extended domain (4n for degree 5).
pub fn chunk_memory_mib(k: u32) -> u64 {
    use halo2_proofs::plonk::{Circuit, ConstraintSystem};
    let mut meta = ConstraintSystem::<Fr>::default();
    <SuperCircuit as Circuit<Fr>>::configure(&mut meta);
    let columns = (meta.num_advice_columns() + 3 * meta.lookups().len()) as u64;
    let extended = 4u64;
    ((1u64 << k) * 32 * columns * extended).div_ceil(1 << 20)
}

fn prove_circuits(
    circuits: Vec<SuperCircuit>,
    transactions: usize,
    gas: u64,
    options: &ProveOptions,
    start: Instant,
) -> Result<ProvenBatch, ProverError> {
    let k = options.chunk.k::<Fr>();
    let params = load_params(&options.params, k, &options.cache)?;
    let Some(first) = circuits.first() else {
        return Err(ProverError::Execution("no transaction to prove".into()));
    };
    let pk = proving_key(first, &params, &options.cache)?;
    let fingerprint = vk_fingerprint(pk.get_vk());
    let setup = start.elapsed();

    let per_chunk = chunk_memory_mib(k);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut jobs = if options.jobs == 0 { cores } else { options.jobs };
    if let Some(budget) = options.max_memory_mib {
        jobs = jobs.min((budget / per_chunk.max(1)).max(1) as usize);
    }
    let jobs = jobs.min(circuits.len()).max(1);

    let _span = tracing::info_span!("prove_chunks", chunks = circuits.len(), k).entered();
    if options.progress {
        tracing::info!(target: PROGRESS_TARGET, chunks = circuits.len() as u64, "proving chunks");
    }
    let proven_count = std::sync::atomic::AtomicU64::new(0);
    // Chunks run `jobs` at a time; each proof uses the whole pool for its own parallel work.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cores.max(jobs))
        .build()
        .map_err(|_| ProverError::Threads(jobs))?;
    let mut proven: Vec<(ProofArtifact, Duration)> = Vec::with_capacity(circuits.len());
    for (batch, group) in circuits.chunks(jobs).enumerate() {
        let done: Vec<(ProofArtifact, Duration)> = pool.install(|| {
            group
                .par_iter()
                .enumerate()
                .map(|(offset, circuit)| {
                    let index = batch * jobs + offset;
                    let started = Instant::now();
                    let proof = prove_chunk(index, circuit, &params, &pk)?;
                    let done = proven_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if options.progress {
                        tracing::info!(target: PROGRESS_TARGET, proven = done + 1, "chunk proven");
                    }
                    let artifact = ProofArtifact {
                        chunk_index: index as u64,
                        chunk_params: options.chunk,
                        vk_fingerprint: fingerprint,
                        summary: StatementSummary::of(circuit.statement()),
                        public_inputs: circuit.instance(),
                        proof,
                    };
                    Ok((artifact, started.elapsed()))
                })
                .collect::<Result<_, ProverError>>()
        })?;
        proven.extend(done);
    }

    let statement = BatchStatement::new(circuits.iter().map(|c| c.statement().clone()).collect());
    let report = ProveReport {
        chunks: proven.len(),
        transactions,
        gas,
        k,
        setup,
        chunk_times: proven.iter().map(|(_, t)| *t).collect(),
        total: start.elapsed(),
        proof_bytes: proven.iter().map(|(a, _)| a.proof.len()).collect(),
        peak_rss_kib: peak_rss_kib(),
        params: options.params.describe(),
        jobs,
        chunk_memory_mib: per_chunk,
    };
    let bundle = Bundle { chunks: proven.into_iter().map(|(a, _)| a).collect() };
    Ok(ProvenBatch { bundle, statement, report })
}

/// One chunk's proof.
pub fn prove_chunk(
    index: usize,
    circuit: &SuperCircuit,
    params: &ParamsKZG<Bn256>,
    pk: &ProvingKey<G1Affine>,
) -> Result<Vec<u8>, ProverError> {
    let instance: Vec<Fr> = circuit.instance();
    let columns: &[&[Fr]] = &[&instance];
    let mut transcript = Blake2bWrite::<_, G1Affine, Challenge255<_>>::init(vec![]);
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, _, _>(
        params,
        pk,
        std::slice::from_ref(circuit),
        &[columns],
        rand_core::OsRng,
        &mut transcript,
    )
    .map_err(|e| ProverError::Proving { chunk: index, why: format!("{e:?}") })?;
    Ok(transcript.finalize())
}
