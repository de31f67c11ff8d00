//! A family of chunk parameters, one per `k`: the default chunk (k = 11) and, above it, every
//! capacity doubled per step of `k`, with as many keccak permutations as the extra rows hold.

use zkevm_circuits::halo2_proofs::halo2curves::bn256::Fr;
use zkevm_circuits::halo2_proofs::plonk::{Circuit, ConstraintSystem};
use zkevm_circuits::keccak::layout::region_rows;
use zkevm_circuits::super_circuit::{ChunkParams, SuperCircuit};
use zkevm_prover::DEFAULT_CHUNK;

use crate::error::BenchError;

/// The smallest `k` of the family (the default chunk).
pub const MIN_K: u32 = 11;
/// The largest `k` of the family.
pub const MAX_K: u32 = 18;

/// The chunk of the family at `k`: [`DEFAULT_CHUNK`] at k = 11; above, every capacity but
/// the keccak permutations scaled by `2^(k - 11)`, and as many permutations as fit the rows
/// left after halo2's reserved rows.
pub fn chunk_for_k(k: u32) -> Result<ChunkParams, BenchError> {
    if !(MIN_K..=MAX_K).contains(&k) {
        return Err(BenchError::UnsupportedK { k, min: MIN_K, max: MAX_K });
    }
    if k == MIN_K {
        return Ok(DEFAULT_CHUNK);
    }
    let scale = 1usize << (k - MIN_K);
    let mut meta = ConstraintSystem::<Fr>::default();
    <SuperCircuit as Circuit<Fr>>::configure(&mut meta);
    let usable = (1usize << k) - meta.minimum_rows();
    let mut permutations = 1;
    while region_rows(permutations + 1) <= usable {
        permutations += 1;
    }
    let d = DEFAULT_CHUNK;
    let chunk = ChunkParams {
        evm_rows: d.evm_rows * scale,
        rw_rows: d.rw_rows * scale,
        bytecode_rows: d.bytecode_rows * scale,
        keccak_permutations: permutations,
        txs: d.txs * scale,
        statement_rows: d.statement_rows * scale,
        bitwise_ops: d.bitwise_ops * scale,
        calldata_words: d.calldata_words * scale,
        copy_words: d.copy_words * scale,
        arith_blocks: d.arith_blocks * scale,
    };
    debug_assert_eq!(chunk.k::<Fr>(), k, "the scaled chunk must fit its k");
    Ok(chunk)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every chunk of the family has exactly its `k`.
    #[test]
    fn each_chunk_has_its_k() {
        for k in MIN_K..=14 {
            assert_eq!(chunk_for_k(k).expect("in range").k::<Fr>(), k);
        }
        assert_eq!(chunk_for_k(11).expect("in range"), DEFAULT_CHUNK);
        assert!(matches!(chunk_for_k(10), Err(BenchError::UnsupportedK { .. })));
        assert!(matches!(chunk_for_k(MAX_K + 1), Err(BenchError::UnsupportedK { .. })));
    }
}
