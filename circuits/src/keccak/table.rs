//! The keccak table: `(q_last, is_final, input RLC, input length, hash lo, hash hi)`, one row
//! per hashed input, on the last byte row of the input's final block.
//!
//! A lookup asks for `(1, 1, rlc, len, lo, hi)`: only rows the sponge constrains as finished
//! hashes (a slot's last byte row, `q_last`, in a final block) match. Keeping the two flags as
//! separate entries keeps the table at degree 1. `hi` and `lo` are the big-endian halves of the 32-byte digest
//! read as an EVM word (`hi` = bytes 0..16). The region's first row is all zero, the row a
//! disabled lookup matches.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, Expression, Fixed};

use super::permutation::PermutationConfig;
use super::sponge::SpongeConfig;
use crate::challenges::compress_expr;
use crate::constraint_builder::constant;
use crate::table::LookupTable;

/// The input RLC's index in the tuple.
const INPUT_RLC_INDEX: usize = 2;

/// The keccak table's columns.
#[derive(Clone, Copy, Debug)]
pub struct KeccakTable {
    /// 1 on a slot's last byte row.
    pub q_last: Column<Fixed>,
    /// 1 in a final block.
    pub is_final: Column<Advice>,
    /// RLC of the input (second phase).
    pub input_rlc: Column<Advice>,
    /// Input length in bytes.
    pub input_len: Column<Advice>,
    /// Digest bytes 16..32 as a big-endian number.
    pub hash_lo: Column<Advice>,
    /// Digest bytes 0..16 as a big-endian number.
    pub hash_hi: Column<Advice>,
}

impl KeccakTable {
    /// The table over the sponge's and permutation's columns.
    pub fn new(perm: &PermutationConfig, sponge: &SpongeConfig) -> Self {
        Self {
            q_last: sponge.q_byte_last,
            is_final: sponge.is_final,
            input_rlc: sponge.rlc,
            input_len: sponge.len,
            hash_lo: perm.c[1],
            hash_hi: perm.c[0],
        }
    }
}

impl<F: PrimeField> LookupTable<F> for KeccakTable {
    fn table_exprs(&self) -> Vec<Expression<F>> {
        vec![
            self.q_last.cur(),
            self.is_final.cur(),
            self.input_rlc.cur(),
            self.input_len.cur(),
            self.hash_lo.cur(),
            self.hash_hi.cur(),
        ]
    }

    /// `q_last · Σ θ^i·t_i` over the first-phase entries: only a slot's last byte row (the
    /// row that exports a digest) can match, whatever the free cells of other rows hold.
    fn compressed(&self, theta: &Expression<F>) -> Expression<F> {
        let mut tuple = self.table_exprs();
        tuple.remove(INPUT_RLC_INDEX);
        self.q_last.cur() * compress_expr(&tuple, theta)
    }

    /// The input RLC (second phase), zero outside the export rows.
    fn late_entry(&self) -> Option<(usize, Expression<F>)> {
        Some((INPUT_RLC_INDEX, self.q_last.cur() * self.input_rlc.cur()))
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec![
            "keccak.enabled",
            "keccak.input_rlc",
            "keccak.input_len",
            "keccak.hash_lo",
            "keccak.hash_hi",
        ]
    }
}

impl KeccakTable {
    /// The lookup tuple asking that `keccak256` of the input with RLC `rlc` and length `len`
    /// is the word `(lo, hi)`.
    pub fn lookup_tuple<F: PrimeField>(
        rlc: Expression<F>,
        len: Expression<F>,
        lo: Expression<F>,
        hi: Expression<F>,
    ) -> Vec<Expression<F>> {
        vec![constant(1), constant(1), rlc, len, lo, hi]
    }
}

/// The digest's `(lo, hi)` halves as the table holds them.
pub fn hash_halves(digest: &[u8; 32]) -> (u128, u128) {
    let half = |bytes: &[u8]| bytes.iter().fold(0u128, |acc, b| (acc << 8) | *b as u128);
    (half(&digest[16..]), half(&digest[..16]))
}
