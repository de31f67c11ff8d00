//! The capacity planner: which chunks a trace is proven in, decided before any proving.
//!
//! A batch is proven in **one chunk** for now: splitting a trace at transaction boundaries
//! needs each chunk's trace re-executed from the previous chunk's post-state, which the
//! executor does not offer yet. A batch that does not fit is a typed error that names the
//! transaction when one alone does not fit.

use zkevm_circuits::super_circuit::ChunkParams;
use zkevm_executor::Trace;

use crate::error::ProverError;

/// The default chunk capacities (their verifying key is pinned in the tests): `k = 11`, sized
/// for batches of a few transfers and small contract calls (one keccak permutation hashes code
/// up to 135 bytes; each permutation takes 1,600 rows).
pub const DEFAULT_CHUNK: ChunkParams = ChunkParams {
    evm_steps: 128,
    rw_rows: 1024,
    bytecode_rows: 512,
    keccak_permutations: 1,
    txs: 8,
    statement_rows: 48,
    bitwise_ops: 16,
    calldata_words: 32,
};

/// One chunk to prove.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkPlan {
    /// Position in the batch.
    pub index: usize,
    /// Batch index of its first transaction.
    pub first_tx: u64,
    /// Its transactions.
    pub tx_count: usize,
}

/// The chunks of `trace` in chunks of `chunk`.
pub fn plan(trace: &Trace, chunk: &ChunkParams) -> Result<Vec<ChunkPlan>, ProverError> {
    let needed = ChunkParams::fitting(trace);
    for ((what, need), (_, capacity)) in needed.capacities().into_iter().zip(chunk.capacities()) {
        if need <= capacity {
            continue;
        }
        if let Some((tx, need)) = lone_transaction_over(trace, what, capacity) {
            return Err(ProverError::TxTooLarge { tx, what, needed: need, capacity });
        }
        return Err(ProverError::BatchTooLarge { what, needed: need, capacity });
    }
    Ok(vec![ChunkPlan { index: 0, first_tx: 0, tx_count: trace.txs.len() }])
}

/// The first transaction that alone needs more than `capacity` steps or RW rows.
fn lone_transaction_over(trace: &Trace, what: &str, capacity: usize) -> Option<(usize, usize)> {
    let starts: Vec<u64> =
        trace.txs.iter().map(|tx| tx.steps.first().map_or(0, |s| s.rw_counter)).collect();
    trace.txs.iter().enumerate().find_map(|(i, tx)| {
        let need = match what {
            // Its steps, and EndBlock.
            "EVM steps" => tx.steps.len() + 1,
            // Its RWs, and two padding rows.
            "RW rows" => {
                let end = starts.get(i + 1).copied().unwrap_or(trace.rws.len() as u64 + 1);
                (end.saturating_sub(starts[i])) as usize + 2
            }
            _ => return None,
        };
        (need > capacity).then_some((i, need))
    })
}
