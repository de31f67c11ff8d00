//! An invalid jump of the root call: JUMP, or JUMPI with a nonzero condition, to a destination
//! that is not a JUMPDEST of the running code. The call halts exceptionally: all its gas is
//! consumed and its writes are undone (as in [`super::error`]).
//!
//! The step reads its operands (the executor records them for this error) and proves the
//! destination invalid in one of three ways, which cover every invalid destination:
//! - its high limb is not zero (the destination is at least `2^128`, past any code);
//! - its low limb is at least the code's length: `lo − length` on 16 bytes;
//! - it is inside the code (`length − 1 − lo` on 16 bytes) and the bytecode table's byte there
//!   is not a JUMPDEST that is code: `is_code · [byte = 0x5b] = 0` (a 0x5b inside push data is
//!   not a destination).
//!
//! Cells a case does not use are pinned to zero.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Error;
use zkevm_trace::trace::{ExecError, StepKind};

use crate::constraint_builder::{constant, select};
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{from_bytes, EvmBuilder, IsZeroCells, WordCells};
use crate::evm::cell::Cell;
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{AssignError, ExecutionGadget, Gadget, StepGadget, Unsupported};
use crate::evm::reader::StepReader;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;

const JUMP: u64 = 0x56;
const JUMPDEST: u64 = 0x5b;

/// Whether a halt with `error` at `opcode` is an invalid jump this gadget proves.
pub fn provable(opcode: u8, error: &ExecError) -> bool {
    *error == ExecError::InvalidJump && (opcode == 0x56 || opcode == 0x57)
}

/// Whether byte `index` of `code` is an opcode (not push data).
fn is_code_at(code: &[u8], index: usize) -> bool {
    let mut at = 0;
    while at < index {
        let push_size = match code[at] {
            byte @ 0x60..=0x7f => usize::from(byte - 0x5f),
            _ => 0,
        };
        at += 1 + push_size;
    }
    at == index
}

/// An invalid JUMP or JUMPI.
#[derive(Clone, Debug)]
pub struct InvalidJumpGadget {
    is_jumpi: Cell,
    destination: WordCells,
    /// JUMPI's condition (zero for JUMP).
    condition: WordCells,
    /// Inverse of `lo + hi` of the condition (JUMPI), which proves it nonzero.
    condition_inverse: Cell,
    high_is_zero: IsZeroCells,
    code_length: Cell,
    /// The destination is at or past the code's end (with a zero high limb).
    past_code: Cell,
    /// `lo − length` (past the code) or `length − 1 − lo` (inside), two 8-byte halves.
    distance: [Cell; 16],
    /// The destination is inside the code.
    in_code: Cell,
    /// The code byte at the destination and whether it is code (inside the code).
    byte: Cell,
    is_code: Cell,
    is_jumpdest_byte: IsZeroCells,
}

impl Gadget for InvalidJumpGadget {
    const NAME: &'static str = "invalid jump";
    const STATE: ExecutionState = ExecutionState::ErrorInvalidJump;

    fn claims(step: &StepKind) -> bool {
        matches!(step, StepKind::Error { opcode, error } if provable(*opcode, error))
    }

    fn supports(w: &StepWitness<'_>) -> Result<(), Unsupported> {
        let reads = 1 + u64::from(w.values.opcode == 0x57);
        if w.rws.len() as u64 != w.values.reversible_write_counter + reads {
            return Err(Unsupported::new("invalid jump with an unexpected RW shape"));
        }
        Ok(())
    }
}

impl<F: PrimeField> ExecutionGadget<F> for InvalidJumpGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (cur, next) = (cb.cur.clone(), cb.next.clone());
        let is_jumpi = cb.query_bool("invalid jump: JUMPI is boolean");
        cb.require_equal(
            "invalid jump: JUMP or JUMPI",
            cur.opcode.clone(),
            constant(JUMP) + is_jumpi.expr(),
        );
        cb.bytecode_lookup("invalid jump: opcode at pc", cur.pc.clone(), cur.opcode, constant(1));

        let (destination, condition) = (cb.query_word(), cb.query_word());
        cb.stack_pop("invalid jump: destination", destination.expr());
        cb.stack_pop_if("invalid jump: condition", is_jumpi.expr(), condition.expr());
        let condition_inverse = cb.query_cell();
        let sum = condition.lo.expr() + condition.hi.expr();
        cb.require_equal(
            "invalid jump: JUMPI's condition is not zero",
            sum * condition_inverse.expr(),
            is_jumpi.expr(),
        );
        cb.when(constant(1) - is_jumpi.expr(), |cb| {
            cb.require_zero("invalid jump: JUMP has no condition", condition.lo.expr());
            cb.require_zero("invalid jump: JUMP has no condition", condition.hi.expr());
            cb.require_zero("invalid jump: JUMP has no condition", condition_inverse.expr());
        });

        let high_is_zero = cb.is_zero("invalid jump: high limb", destination.hi.expr());
        let code_length = cb.query_cell();
        cb.code_length_lookup("invalid jump: the code's length", code_length.expr());
        let past_code = cb.query_bool("invalid jump: past the code is boolean");
        let distance = [(); 16].map(|_| cb.query_byte());
        let (byte, is_code) = (cb.query_cell(), cb.query_cell());
        let is_jumpdest_byte =
            cb.is_zero("invalid jump: JUMPDEST byte", byte.expr() - constant(JUMPDEST));
        let low = destination.lo.expr();
        let distance_value =
            from_bytes(&distance[..8]) * constant(1u64 << 32) * constant(1u64 << 32)
                + from_bytes(&distance[8..]);
        let inside = constant(1) - past_code.expr();
        cb.when(high_is_zero.is_zero.expr(), |cb| {
            cb.require_equal(
                "invalid jump: the destination against the code's length",
                distance_value.clone(),
                select(
                    past_code.expr(),
                    low.clone() - code_length.expr(),
                    code_length.expr() - constant(1) - low.clone(),
                ),
            );
        });
        // In the code: a cell, to keep the byte's constraints within degree 5.
        let in_code = cb.query_cell();
        cb.require_equal(
            "invalid jump: inside the code",
            in_code.expr(),
            high_is_zero.is_zero.expr() * inside,
        );
        cb.when(in_code.expr(), |cb| {
            cb.bytecode_lookup(
                "invalid jump: the byte at the destination",
                low.clone(),
                byte.expr(),
                is_code.expr(),
            );
            cb.require_zero(
                "invalid jump: not a JUMPDEST that is code",
                is_code.expr() * is_jumpdest_byte.is_zero.expr(),
            );
        });
        // Unused cells: the case split when the high limb is not zero, the byte past the code.
        cb.when(constant(1) - high_is_zero.is_zero.expr(), |cb| {
            cb.require_zero("invalid jump: unused case flag", past_code.expr());
            for cell in distance {
                cb.require_zero("invalid jump: unused distance", cell.expr());
            }
        });
        cb.when(constant(1) - in_code.expr(), |cb| {
            cb.require_zero("invalid jump: unused code byte", byte.expr());
            cb.require_zero("invalid jump: unused code flag", is_code.expr());
        });

        // All gas is consumed; the call's writes are undone; EndTx follows.
        cb.require_zero("invalid jump: no gas left", next.gas_left);
        let own = cb.rw_count();
        StepTransition::end_tx_reverted(cb, own, constant(0)).constrain(cb);
        Self {
            is_jumpi,
            destination,
            condition,
            condition_inverse,
            high_is_zero,
            code_length,
            past_code,
            distance,
            in_code,
            byte,
            is_code,
            is_jumpdest_byte,
        }
    }
}

impl<F: PrimeField> StepGadget<F> for InvalidJumpGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        let StepKind::Error { opcode, .. } = &w.step.kind else {
            return Err(Error::Synthesis.into());
        };
        let is_jumpi = u64::from(*opcode) == JUMP + 1;
        a.assign_u64(self.is_jumpi, is_jumpi as u64);
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let destination = word_limbs(r.stack_pop()?);
        a.assign_word(self.destination, destination);
        if is_jumpi {
            let condition = word_limbs(r.stack_pop()?);
            a.assign_word(self.condition, condition);
            let sum = F::from_u128(condition.0) + F::from_u128(condition.1);
            a.assign(self.condition_inverse, sum.invert().unwrap_or(F::ZERO));
        }
        a.assign_is_zero(self.high_is_zero, F::from_u128(destination.1));
        let code = w.code;
        let length = code.len() as u128;
        a.assign_u64(self.code_length, length as u64);
        let mut byte = 0u64;
        if destination.1 == 0 {
            let low = destination.0;
            let past = low >= length;
            a.assign_u64(self.past_code, past as u64);
            let distance = if past { low - length } else { length - 1 - low };
            a.assign_bytes(&self.distance[..8], (distance >> 64) as u64);
            a.assign_bytes(&self.distance[8..], distance as u64);
            if !past {
                a.assign_u64(self.in_code, 1);
                byte = u64::from(code[low as usize]);
                a.assign_u64(self.byte, byte);
                a.assign_u64(self.is_code, is_code_at(code, low as usize) as u64);
            }
        }
        a.assign_is_zero(self.is_jumpdest_byte, F::from(byte) - F::from(JUMPDEST));
        Ok(())
    }
}
