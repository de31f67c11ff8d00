//! `a·b + c = d + 2^256·overflow` for 256-bit words, the relation behind MUL, DIV and MOD.
//!
//! `a` and `b` are 32 little-endian byte cells, read as four 64-bit limbs `a_0..a_3`; `c` and
//! `d` are canonical words (`lo`, `hi` below `2^128`). With the partial products
//! `t_0 = a_0b_0`, `t_1 = a_0b_1 + a_1b_0`, `t_2 = a_0b_2 + a_1b_1 + a_2b_0`,
//! `t_3 = a_0b_3 + a_1b_2 + a_2b_1 + a_3b_0`:
//!
//! - low half: `t_0 + 2^64·t_1 + c_lo = d_lo + 2^128·carry_lo`, `carry_lo < 2^72` (9 bytes);
//! - high half: `t_2 + 2^64·t_3 + c_hi + carry_lo = d_hi + 2^128·carry_hi`.
//!
//! Wrapping use (MUL) range-checks `carry_hi` below `2^72`; exact use (DIV, MOD) requires
//! `carry_hi = 0` and the products above `2^256` (`a_1b_3, a_2b_2, a_3b_1, a_2b_3, a_3b_2,
//! a_3b_3`, all non-negative and far below the modulus) to sum to zero. Every term is below
//! `2^200`, so the identities hold over the integers.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use super::assign::StepAssigner;
use super::builder::{from_bytes, two_pow_128, EvmBuilder, Word};
use super::cell::Cell;
use crate::constraint_builder::constant;
use alloy_primitives::U256;

/// Bytes of each carry.
const CARRY_BYTES: usize = 9;

/// Whether the product may exceed 256 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overflow {
    /// Modulo `2^256` (MUL).
    Wraps,
    /// Exact: no overflow (DIV, MOD).
    Forbidden,
}

/// The cells of one `a·b + c = d` relation.
#[derive(Clone, Debug)]
pub struct MulAddWords {
    carry_lo: [Cell; CARRY_BYTES],
    carry_hi: Option<[Cell; CARRY_BYTES]>,
}

/// The four 64-bit limbs of 32 little-endian bytes.
fn limbs<F: PrimeField>(bytes: &[Cell; 32]) -> [Expression<F>; 4] {
    [0, 1, 2, 3].map(|i| from_bytes(&bytes[8 * i..8 * i + 8]))
}

impl MulAddWords {
    /// States `a·b + c = d` (modulo `2^256` when `overflow` is [`Overflow::Wraps`]).
    pub fn configure<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        a: &[Cell; 32],
        b: &[Cell; 32],
        c: Word<F>,
        d: Word<F>,
        overflow: Overflow,
    ) -> Self {
        let (a, b) = (limbs::<F>(a), limbs::<F>(b));
        let product = |i: usize, j: usize| a[i].clone() * b[j].clone();
        let t0 = product(0, 0);
        let t1 = product(0, 1) + product(1, 0);
        let t2 = product(0, 2) + product(1, 1) + product(2, 0);
        let t3 = product(0, 3) + product(1, 2) + product(2, 1) + product(3, 0);
        let two_64 = constant::<F>(1 << 32) * constant(1 << 32);
        let carry_lo = [(); CARRY_BYTES].map(|_| cb.query_byte());
        cb.require_equal(
            "a·b + c = d: low half",
            t0 + t1 * two_64.clone() + c.lo,
            d.lo + from_bytes(&carry_lo) * two_pow_128(),
        );
        let high = t2 + t3 * two_64 + c.hi + from_bytes(&carry_lo);
        let carry_hi = match overflow {
            Overflow::Wraps => {
                let carry_hi = [(); CARRY_BYTES].map(|_| cb.query_byte());
                cb.require_equal(
                    "a·b + c = d: high half",
                    high,
                    d.hi + from_bytes(&carry_hi) * two_pow_128(),
                );
                Some(carry_hi)
            }
            Overflow::Forbidden => {
                cb.require_equal("a·b + c = d: high half, no carry", high, d.hi);
                let beyond = product(1, 3)
                    + product(2, 2)
                    + product(3, 1)
                    + product(2, 3)
                    + product(3, 2)
                    + product(3, 3);
                cb.require_zero("a·b + c = d: no product beyond 256 bits", beyond);
                None
            }
        };
        Self { carry_lo, carry_hi }
    }

    /// Assigns the carries of `a·b + c`.
    pub fn assign<F: PrimeField>(
        &self,
        assigner: &mut StepAssigner<'_, '_, F>,
        a: U256,
        b: U256,
        c: U256,
    ) {
        let (a, b) = (a.as_limbs(), b.as_limbs());
        let p = |i: usize, j: usize| U256::from(a[i]) * U256::from(b[j]);
        let t0 = p(0, 0);
        let t1 = p(0, 1) + p(1, 0);
        let t2 = p(0, 2) + p(1, 1) + p(2, 0);
        let t3 = p(0, 3) + p(1, 2) + p(2, 1) + p(3, 0);
        let mask = (U256::from(1) << 128) - U256::from(1);
        let (c_lo, c_hi) = (c & mask, c >> 128);
        let low = t0 + (t1 << 64) + c_lo;
        let carry_lo = low >> 128;
        let high = t2 + (t3 << 64) + c_hi + carry_lo;
        assign_u256_bytes(assigner, &self.carry_lo, carry_lo);
        if let Some(cells) = &self.carry_hi {
            assign_u256_bytes(assigner, cells, high >> 128);
        }
    }
}

/// Assigns the little-endian bytes of `value` (as many as there are cells).
pub fn assign_u256_bytes<F: PrimeField>(
    a: &mut StepAssigner<'_, '_, F>,
    cells: &[Cell],
    value: U256,
) {
    for (cell, byte) in cells.iter().zip(value.to_le_bytes::<32>()) {
        a.assign_u64(*cell, byte as u64);
    }
}
