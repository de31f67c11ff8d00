//! The capacity planner: which chunks a batch is proven in, decided before any proving.
//!
//! Chunks are cut at transaction boundaries. Each chunk is the batch's next transactions run
//! from the state the earlier chunks left ([`zkevm_executor::chunk`]); a chunk takes as many
//! transactions as fit every capacity of the chunk parameters. A transaction that does not fit
//! an empty chunk is a typed error that names it.

use zkevm_circuits::super_circuit::ChunkParams;
use zkevm_executor::chunk::{next_part, sub_batch};
use zkevm_executor::{trace_batch, ExecutionInput, Trace};

use crate::error::ProverError;

/// The default chunk capacities (their verifying key is pinned in the tests): `k = 11`, sized
/// for a few transfers and small contract calls (one keccak permutation hashes code up to 135
/// bytes; each permutation takes 1,600 rows).
pub const DEFAULT_CHUNK: ChunkParams = ChunkParams {
    evm_rows: 1024,
    rw_rows: 1024,
    bytecode_rows: 512,
    keccak_permutations: 1,
    txs: 8,
    statement_rows: 96,
    bitwise_ops: 16,
    calldata_words: 32,
    copy_words: 16,
    arith_blocks: 32,
};

/// Capacities at `k = 15` for batches with contract calls: the built-in demo batch (eight
/// native and token transfers, a 1,090-byte token contract, mapping-slot hashes and logs)
/// fits one chunk.
pub const LARGE_CHUNK: ChunkParams = ChunkParams {
    evm_rows: 16384,
    rw_rows: 8192,
    bytecode_rows: 4096,
    keccak_permutations: 16,
    txs: 32,
    statement_rows: 256,
    bitwise_ops: 64,
    calldata_words: 128,
    copy_words: 256,
    arith_blocks: 512,
};

/// The chunk parameters `zkevm prove` chooses from, by name: `small` ([`DEFAULT_CHUNK`]) and
/// `large` ([`LARGE_CHUNK`]). A verifier accepts bundles proven with these only.
pub const CHUNK_PRESETS: [(&str, ChunkParams); 2] =
    [("small", DEFAULT_CHUNK), ("large", LARGE_CHUNK)];

/// The name of a preset's parameters, if they are one.
pub fn preset_name(chunk: &ChunkParams) -> Option<&'static str> {
    CHUNK_PRESETS.iter().find(|(_, p)| p == chunk).map(|(name, _)| *name)
}

/// The smallest preset whose chunks hold every transaction of `input` (the batch is then
/// planned in those chunks); the error of the largest preset when none does.
pub fn smallest_preset(input: &ExecutionInput, context: &str) -> Result<ChunkParams, ProverError> {
    let mut last = None;
    for (_, preset) in CHUNK_PRESETS {
        match plan(input, context, &preset) {
            Ok(_) => return Ok(preset),
            Err(e @ ProverError::TxTooLarge { .. }) => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or(ProverError::Execution("no chunk presets".into())))
}

/// One chunk to prove.
#[derive(Clone, Debug)]
pub struct Chunk {
    /// Position in the batch.
    pub index: usize,
    /// Batch index of its first transaction.
    pub first_tx: usize,
    /// Its trace: its transactions run from the state the earlier chunks left.
    pub trace: Trace,
}

/// The first capacity of `chunk` that `trace` exceeds: `(what, needed, capacity)`.
pub fn exceeded(trace: &Trace, chunk: &ChunkParams) -> Option<(&'static str, usize, usize)> {
    let needed = ChunkParams::fitting(trace);
    needed
        .capacities()
        .into_iter()
        .zip(chunk.capacities())
        .find(|((_, need), (_, capacity))| need > capacity)
        .map(|((what, need), (_, capacity))| (what, need, capacity))
}

fn execute(input: &ExecutionInput, context: &str) -> Result<Trace, ProverError> {
    trace_batch(input, context).map(|t| t.trace).map_err(|e| ProverError::Execution(e.to_string()))
}

/// The chunks of the batch `input` in chunks of `chunk`.
pub fn plan(
    input: &ExecutionInput,
    context: &str,
    chunk: &ChunkParams,
) -> Result<Vec<Chunk>, ProverError> {
    let total = input.txs.len();
    let mut chunks: Vec<Chunk> = Vec::new();
    // The part the last chunk was run as (its pre-state is where the next starts from).
    let mut previous: Option<ExecutionInput> = None;
    let mut start = 0;
    while start < total {
        let mut best: Option<(usize, ExecutionInput, Trace)> = None;
        for end in start + 1..=total {
            let part = match (&previous, chunks.last()) {
                (Some(prev), Some(last)) => next_part(input, prev, &last.trace, start..end),
                _ => sub_batch(input, start..end),
            };
            let trace = execute(&part, &format!("{context}, transactions {start}..{end}"))?;
            match exceeded(&trace, chunk) {
                None => best = Some((end, part, trace)),
                Some((what, needed, capacity)) => {
                    if best.is_none() {
                        return Err(ProverError::TxTooLarge { tx: start, what, needed, capacity });
                    }
                    break;
                }
            }
        }
        let Some((end, part, trace)) = best else {
            return Err(ProverError::Execution(format!("{context}: no transaction to plan")));
        };
        chunks.push(Chunk { index: chunks.len(), first_tx: start, trace });
        previous = Some(part);
        start = end;
    }
    Ok(chunks)
}
