//! 256-bit words as `(lo, hi)` 128-bit limbs: as expressions ([`Word`]), in two cells
//! ([`WordCells`]) or 32 byte cells ([`WordBytes`]), the cells of IsZero and word-equality
//! checks, and the limb arithmetic helpers ([`from_bytes`], [`two_pow_128`]). Re-exported by
//! [`super::builder`].

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use super::cell::Cell;
use crate::constraint_builder::constant;

/// A 256-bit word as `(lo, hi)` 128-bit limb expressions.
#[derive(Clone, Debug)]
pub struct Word<F: PrimeField> {
    /// Low 128 bits.
    pub lo: Expression<F>,
    /// High 128 bits.
    pub hi: Expression<F>,
}

impl<F: PrimeField> Word<F> {
    /// A word below `2^128`.
    pub fn small(value: Expression<F>) -> Self {
        Self { lo: value, hi: constant(0) }
    }

    /// The zero word.
    pub fn zero() -> Self {
        Self::small(constant(0))
    }
}

/// A word held in two general cells (canonical because of where it comes from).
#[derive(Clone, Copy, Debug)]
pub struct WordCells {
    /// Low limb.
    pub lo: Cell,
    /// High limb.
    pub hi: Cell,
}

impl WordCells {
    /// The word as expressions.
    pub fn expr<F: PrimeField>(&self) -> Word<F> {
        Word { lo: self.lo.expr(), hi: self.hi.expr() }
    }
}

/// A word held as 32 range-checked little-endian bytes: canonical by construction.
#[derive(Clone, Copy, Debug)]
pub struct WordBytes {
    /// Byte `i` is the coefficient of `256^i`.
    pub bytes: [Cell; 32],
}

impl WordBytes {
    /// The word as limb expressions.
    pub fn expr<F: PrimeField>(&self) -> Word<F> {
        let limb = |cells: &[Cell]| {
            cells.iter().rev().fold(constant(0), |acc, c| acc * constant(256) + c.expr())
        };
        Word { lo: limb(&self.bytes[..16]), hi: limb(&self.bytes[16..]) }
    }
}

/// The cells of an IsZero check.
#[derive(Clone, Copy, Debug)]
pub struct IsZeroCells {
    /// Inverse of the value, or 0.
    pub inverse: Cell,
    /// 1 if the value is zero.
    pub is_zero: Cell,
}

/// The cells of a word comparison.
#[derive(Clone, Copy, Debug)]
pub struct WordEqualCells {
    /// Low limbs equal.
    pub lo: IsZeroCells,
    /// High limbs equal.
    pub hi: IsZeroCells,
    /// Both equal.
    pub equal: Cell,
}

/// `a + b·256 + …` for little-endian byte cells.
pub fn from_bytes<F: PrimeField>(bytes: &[Cell]) -> Expression<F> {
    bytes.iter().rev().fold(constant(0), |acc, c| acc * constant(256) + c.expr())
}

/// `2^128`, the weight of a word's high limb.
pub fn two_pow_128<F: PrimeField>() -> Expression<F> {
    Expression::Constant(F::from_u128(1 << 64) * F::from_u128(1 << 64))
}
