//! A word operand used as a byte index: one-hot selectors over `0..32` when the word is below
//! 32, and a proof that it is not otherwise.
//!
//! `in_range = Σ sel_k` (each `sel_k` boolean); in range, `hi = 0` and `lo = Σ k·sel_k`. Out of
//! range, either `hi ≠ 0` (an IsZero check) or `lo − 32` is 16 bytes; the bytes hold
//! `[hi = 0]·(1 − in_range)·(lo − 32)` and so are all zero whenever that proof is not needed.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use super::assign::StepAssigner;
use super::builder::{from_bytes, EvmBuilder, IsZeroCells, Word};
use super::cell::Cell;
use crate::constraint_builder::constant;
use alloy_primitives::U256;

/// The cells of a byte index.
#[derive(Clone, Debug)]
pub struct ByteIndex {
    selectors: [Cell; 32],
    hi_is_zero: IsZeroCells,
    above: [Cell; 16],
}

impl ByteIndex {
    /// States the selectors of `index`.
    pub fn configure<F: PrimeField>(cb: &mut EvmBuilder<F>, index: &Word<F>) -> Self {
        let selectors = [(); 32].map(|_| cb.query_bool("byte index: selector is boolean"));
        let in_range = selectors.iter().fold(constant(0), |acc, c| acc + c.expr());
        cb.require_boolean("byte index: at most one selector", in_range.clone());
        let position = selectors
            .iter()
            .enumerate()
            .fold(constant(0), |acc, (k, c)| acc + constant::<F>(k as u64) * c.expr());
        cb.when(in_range.clone(), |cb| {
            cb.require_zero("byte index: in range, high limb 0", index.hi.clone());
            cb.require_equal(
                "byte index: in range, the selected index",
                index.lo.clone(),
                position,
            );
        });
        let hi_is_zero = cb.is_zero("byte index: high limb is zero", index.hi.clone());
        let above = [(); 16].map(|_| cb.query_byte());
        cb.require_equal(
            "byte index: out of range, low limb ≥ 32",
            from_bytes(&above),
            hi_is_zero.is_zero.expr()
                * (constant(1) - in_range)
                * (index.lo.clone() - constant(32)),
        );
        Self { selectors, hi_is_zero, above }
    }

    /// 1 when the index is `k`.
    pub fn is<F: PrimeField>(&self, k: usize) -> Expression<F> {
        self.selectors[k].expr()
    }

    /// 1 when the index is below 32.
    pub fn in_range<F: PrimeField>(&self) -> Expression<F> {
        self.selectors.iter().fold(constant(0), |acc, c| acc + c.expr())
    }

    /// Assigns the selectors of `index`.
    pub fn assign<F: PrimeField>(&self, a: &mut StepAssigner<'_, '_, F>, index: U256) {
        let (lo, hi) = crate::state::rw_row::word_limbs(index);
        let small = index < U256::from(32u8);
        for (k, cell) in self.selectors.iter().enumerate() {
            a.assign_u64(*cell, (small && lo == k as u128) as u64);
        }
        a.assign_is_zero(self.hi_is_zero, F::from_u128(hi));
        let above = if hi == 0 && !small { lo - 32 } else { 0 };
        for (i, cell) in self.above.iter().enumerate() {
            a.assign_u64(*cell, ((above >> (8 * i)) & 0xff) as u64);
        }
    }
}
