//! Out of gas on EXP in the root call. EXP costs `10 + 50` per byte of its exponent (EIP-160),
//! so the step must prove the exponent's byte length before it can prove that the gas left is
//! short of the cost. The call then halts exceptionally: all its gas is consumed and its
//! writes are undone (as in [`super::error`]).
//!
//! The step reads its two operands (the executor records these reads for this halt), holds
//! the exponent in 32 byte cells and states its byte length `L` with a one-hot `length` over
//! `0..=32`: every byte at or above `L` is zero, and byte `L − 1` is not (an IsZero check that
//! must agree with `L = 0`). Then `cost − 1 − gas_left` fits 2 bytes (the cost is at most
//! 1,610): the cost exceeds the gas left.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Error;
use zkevm_trace::trace::{ExecError, StepKind};

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{from_bytes, EvmBuilder, IsZeroCells, WordBytes, WordCells};
use crate::evm::cell::Cell;
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{AssignError, ExecutionGadget, Gadget, StepGadget, Unsupported};
use crate::evm::reader::StepReader;
use crate::evm::spec::{exp_gas, EXP_BYTE_GAS, EXP_GAS};
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;

/// EXP's opcode byte.
const EXP: u8 = 0x0a;

/// Whether a halt with `error` at `opcode` is the out of gas this gadget proves.
pub fn provable(opcode: u8, error: &ExecError) -> bool {
    opcode == EXP && *error == ExecError::OutOfGas
}

/// Out of gas on EXP.
#[derive(Clone, Debug)]
pub struct ExpOutOfGasGadget {
    base: WordCells,
    exponent: WordBytes,
    /// One-hot: the exponent's byte length.
    length: [Cell; 33],
    /// Byte `L − 1` of the exponent (0 when `L = 0`).
    top: Cell,
    top_is_zero: IsZeroCells,
    /// `cost − 1 − gas_left`.
    shortfall: [Cell; 2],
}

impl Gadget for ExpOutOfGasGadget {
    const NAME: &'static str = "EXP out of gas";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasExp;

    fn claims(step: &StepKind) -> bool {
        matches!(step, StepKind::Error { opcode, error } if provable(*opcode, error))
    }

    fn supports(w: &StepWitness<'_>) -> Result<(), Unsupported> {
        if w.rws.len() as u64 != w.values.reversible_write_counter + 2 {
            return Err(Unsupported::new("EXP out of gas with an unexpected RW shape"));
        }
        Ok(())
    }
}

impl<F: PrimeField> ExecutionGadget<F> for ExpOutOfGasGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (cur, next) = (cb.cur.clone(), cb.next.clone());
        let opcode = cur.opcode.clone();
        cb.bytecode_lookup(
            "EXP out of gas: opcode at pc",
            cur.pc.clone(),
            opcode.clone(),
            constant(1),
        );
        cb.require_equal("EXP out of gas: opcode", opcode, constant(u64::from(EXP)));
        let (base, exponent) = (cb.query_word(), cb.query_word_bytes());
        cb.stack_pop("EXP out of gas: base", base.expr());
        cb.stack_pop("EXP out of gas: exponent", exponent.expr());

        // The byte length L: bytes at or above L are zero, byte L − 1 is not.
        let length = [(); 33].map(|_| cb.query_bool("EXP out of gas: length is boolean"));
        let one_hot = length.iter().fold(constant(0), |acc, l| acc + l.expr());
        cb.require_equal("EXP out of gas: one length", one_hot, constant(1));
        let mut at_most = constant(0);
        for (i, byte) in exponent.bytes.iter().enumerate() {
            at_most = at_most + length[i].expr();
            cb.require_zero(
                "EXP out of gas: no byte past the length",
                at_most.clone() * byte.expr(),
            );
        }
        let top = cb.query_cell();
        let top_byte = exponent
            .bytes
            .iter()
            .zip(&length[1..])
            .fold(constant(0), |acc, (byte, l)| acc + l.expr() * byte.expr());
        cb.require_equal("EXP out of gas: the top byte", top.expr(), top_byte);
        let top_is_zero = cb.is_zero("EXP out of gas: the top byte is zero", top.expr());
        cb.require_equal(
            "EXP out of gas: the top byte is not zero",
            top_is_zero.is_zero.expr(),
            length[0].expr(),
        );

        // gas_left < 10 + 50·L.
        let bytes = length
            .iter()
            .enumerate()
            .fold(constant(0), |acc, (l, cell)| acc + cell.expr() * constant(l as u64));
        let cost = constant(EXP_GAS) + constant(EXP_BYTE_GAS) * bytes;
        let shortfall = [cb.query_byte(), cb.query_byte()];
        cb.require_equal(
            "EXP out of gas: gas left is below the cost",
            cost - constant(1) - cur.gas_left.clone(),
            from_bytes(&shortfall),
        );

        // All gas is consumed; the call's writes are undone; EndTx follows.
        cb.require_zero("EXP out of gas: no gas left", next.gas_left);
        let own = cb.rw_count();
        StepTransition::end_tx_reverted(cb, own, constant(0)).constrain(cb);
        Self { base, exponent, length, top, top_is_zero, shortfall }
    }
}

impl<F: PrimeField> StepGadget<F> for ExpOutOfGasGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        let StepKind::Error { opcode, error } = &w.step.kind else {
            return Err(Error::Synthesis.into());
        };
        if !provable(*opcode, error) {
            return Err(Error::Synthesis.into());
        }
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (base, exponent) = (r.stack_pop()?, r.stack_pop()?);
        a.assign_word(self.base, word_limbs(base));
        a.assign_word_bytes(&self.exponent, exponent);
        let length = exponent.byte_len();
        for (l, cell) in self.length.iter().enumerate() {
            a.assign_u64(*cell, u64::from(l == length));
        }
        let top = match length {
            0 => 0,
            l => exponent.byte(l - 1),
        };
        a.assign_u64(self.top, u64::from(top));
        a.assign_is_zero(self.top_is_zero, F::from(u64::from(top)));
        let shortfall = exp_gas(exponent).wrapping_sub(1).wrapping_sub(w.values.gas_left);
        a.assign_bytes(&self.shortfall, shortfall);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_shortfall_fits_its_two_bytes() {
        assert!(exp_gas(alloy_primitives::U256::MAX) - 1 < 1 << 16);
    }
}
