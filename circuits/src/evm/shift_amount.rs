//! A shift operand `s` as the power of two the shift multiplies or divides by:
//! `2^s` for `s < 256`, and 0 for larger shifts (so that SHL and SHR give 0 and SAR gives the
//! sign fill through the same relations).
//!
//! In range, `s = 8·j + t`: `j` one-hot over 32 byte selectors, `t` three bits, and
//! `2^t = (1 + t_0)(1 + 3t_1)(1 + 15t_2)` in one cell; the power is the word whose byte `j`
//! is `2^t` and whose other bytes are 0. Out of range (no selector set), either the high limb
//! is non-zero or `lo − 256` is 16 bytes, as in [`super::byte_index`].

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use super::assign::StepAssigner;
use super::builder::{from_bytes, EvmBuilder, IsZeroCells, Word};
use super::cell::Cell;
use crate::constraint_builder::constant;
use alloy_primitives::U256;

/// The cells of a shift amount and its power of two.
#[derive(Clone, Debug)]
pub struct ShiftAmount {
    byte_selectors: [Cell; 32],
    bits: [Cell; 3],
    /// `2^t`.
    bit_power: Cell,
    hi_is_zero: IsZeroCells,
    above: [Cell; 16],
    /// `2^s` (or 0) as 32 little-endian byte cells, for word relations.
    pub power: [Cell; 32],
}

impl ShiftAmount {
    /// States the power of two of `shift`.
    pub fn configure<F: PrimeField>(cb: &mut EvmBuilder<F>, shift: &Word<F>) -> Self {
        let byte_selectors = [(); 32].map(|_| cb.query_bool("shift: byte selector is boolean"));
        let in_range = byte_selectors.iter().fold(constant(0), |acc, c| acc + c.expr());
        cb.require_boolean("shift: at most one byte selector", in_range.clone());
        let bits = [(); 3].map(|_| cb.query_bool("shift: bit is boolean"));
        let position = byte_selectors
            .iter()
            .enumerate()
            .fold(constant(0), |acc, (j, c)| acc + constant::<F>(8 * j as u64) * c.expr())
            + bits[0].expr()
            + bits[1].expr() * constant(2)
            + bits[2].expr() * constant(4);
        cb.when(in_range.clone(), |cb| {
            cb.require_zero("shift: in range, high limb 0", shift.hi.clone());
            cb.require_equal("shift: in range, 8·byte + bits", shift.lo.clone(), position);
        });
        for bit in &bits {
            cb.require_zero(
                "shift: out of range, no bits",
                (constant(1) - in_range.clone()) * bit.expr(),
            );
        }
        let bit_power = cb.query_cell();
        cb.require_equal(
            "shift: 2^t",
            bit_power.expr(),
            (constant(1) + bits[0].expr())
                * (constant(1) + constant(3) * bits[1].expr())
                * (constant(1) + constant(15) * bits[2].expr()),
        );
        let power = [(); 32].map(|_| cb.query_byte());
        for (j, byte) in power.iter().enumerate() {
            cb.require_equal(
                "shift: the power's bytes",
                byte.expr(),
                byte_selectors[j].expr() * bit_power.expr(),
            );
        }
        let hi_is_zero = cb.is_zero("shift: high limb is zero", shift.hi.clone());
        let above = [(); 16].map(|_| cb.query_byte());
        cb.require_equal(
            "shift: out of range, low limb ≥ 256",
            from_bytes(&above),
            hi_is_zero.is_zero.expr()
                * (constant(1) - in_range)
                * (shift.lo.clone() - constant(256)),
        );
        Self { byte_selectors, bits, bit_power, hi_is_zero, above, power }
    }

    /// 1 when the shift's byte part `j` is `k`.
    pub fn byte_is<F: PrimeField>(&self, k: usize) -> Expression<F> {
        self.byte_selectors[k].expr()
    }

    /// `2^t`, the power of the shift's bit part.
    pub fn bit_power<F: PrimeField>(&self) -> Expression<F> {
        self.bit_power.expr()
    }

    /// 1 when the shift is below 256.
    pub fn in_range<F: PrimeField>(&self) -> Expression<F> {
        self.byte_selectors.iter().fold(constant(0), |acc, c| acc + c.expr())
    }

    /// `2^s` for `s < 256`, else 0.
    pub fn power_of(shift: U256) -> U256 {
        if shift < U256::from(256u16) {
            U256::from(1u8) << shift.saturating_to::<usize>()
        } else {
            U256::ZERO
        }
    }

    /// Assigns the cells for `shift`.
    pub fn assign<F: PrimeField>(&self, a: &mut StepAssigner<'_, '_, F>, shift: U256) {
        let (lo, hi) = crate::state::rw_row::word_limbs(shift);
        let small = shift < U256::from(256u16);
        let s = if small { lo as u64 } else { 0 };
        for (j, cell) in self.byte_selectors.iter().enumerate() {
            a.assign_u64(*cell, (small && s / 8 == j as u64) as u64);
        }
        for (i, cell) in self.bits.iter().enumerate() {
            a.assign_u64(*cell, (s >> i) & 1);
        }
        a.assign_u64(self.bit_power, 1 << (s % 8));
        for (cell, byte) in self.power.iter().zip(Self::power_of(shift).to_le_bytes::<32>()) {
            a.assign_u64(*cell, byte as u64);
        }
        a.assign_is_zero(self.hi_is_zero, F::from_u128(hi));
        let above = if hi == 0 && !small { lo - 256 } else { 0 };
        for (i, cell) in self.above.iter().enumerate() {
            a.assign_u64(*cell, ((above >> (8 * i)) & 0xff) as u64);
        }
    }
}
