//! SHL, SHR and SAR (EIP-145), through the power of two of the shift ([`ShiftAmount`]: `2^s`,
//! or 0 for `s ≥ 256`) and the shared [`MulAddWords`] relation.
//!
//! - SHL: `x·2^s mod 2^256`.
//! - SHR: the quotient `q` of `x` by `2^s`: `q·2^s + r = x` exactly, with `r < 2^s` shown on
//!   bytes (every byte of `r` above the power's byte `j` is 0, and byte `j` is below `2^t`:
//!   `256·r_j = c·2^t` for a byte `c`). A zero power forces `q = 0`.
//! - SAR: SHR of `¬x` for negative `x`, negated back (`¬x` has limbs `2^128 − 1 − limb`).

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use super::compare::Sign;
use crate::constraint_builder::{constant, select};
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{two_pow_128, EvmBuilder, Word, WordBytes, WordCells};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::mul_add::{MulAddWords, Overflow};
use crate::evm::reader::StepReader;
use crate::evm::shift_amount::ShiftAmount;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use alloy_primitives::U256;
use zkevm_trace::trace::StepKind;

/// `¬w` when `negate` is 1, else `w` (limb-wise `2^128 − 1 − limb`).
fn negate_if<F: PrimeField>(negate: Expression<F>, w: Word<F>) -> Word<F> {
    let max = two_pow_128::<F>() - constant(1);
    Word {
        lo: select(negate.clone(), max.clone() - w.lo.clone(), w.lo),
        hi: select(negate, max - w.hi.clone(), w.hi),
    }
}

/// SHL.
#[derive(Clone, Debug)]
pub struct ShlGadget {
    common: OpcodeStep,
    shift: WordCells,
    x: WordBytes,
    amount: ShiftAmount,
    result: WordBytes,
    relation: MulAddWords,
    prev: WordCells,
}

impl Gadget for ShlGadget {
    const NAME: &'static str = "SHL";
    const STATE: ExecutionState = ExecutionState::Shl;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x1b])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for ShlGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("SHL: opcode", opcode, constant(0x1b));
        let (shift, x) = (cb.query_word(), cb.query_word_bytes());
        cb.stack_pop("SHL: shift", shift.expr());
        cb.stack_pop("SHL: x", x.expr());
        let amount = ShiftAmount::configure(cb, &shift.expr());
        let result = cb.query_word_bytes();
        let relation = MulAddWords::configure(
            cb,
            &x.bytes,
            &amount.power,
            Word::zero(),
            result.expr(),
            Overflow::Wraps,
        );
        let prev = cb.stack_push("SHL: x·2^shift", result.expr());
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, shift, x, amount, result, relation, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for ShlGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (shift, x) = (r.stack_pop()?, r.stack_pop()?);
        let pushed = r.stack_push()?;
        r.finish()?;
        a.assign_word(self.shift, word_limbs(shift));
        a.assign_word_bytes(&self.x, x);
        self.amount.assign(a, shift);
        let power = ShiftAmount::power_of(shift);
        a.assign_word_bytes(&self.result, x.wrapping_mul(power));
        self.relation.assign(a, x, power, U256::ZERO);
        a.assign_word(self.prev, word_limbs(pushed.prev));
        Ok(())
    }
}

/// SHR and SAR.
#[derive(Clone, Debug)]
pub struct ShrSarGadget {
    common: OpcodeStep,
    is_sar: Cell,
    shift: WordCells,
    x: WordCells,
    amount: ShiftAmount,
    sign: Sign,
    /// SAR of a negative word.
    negative: Cell,
    quotient: WordBytes,
    remainder: WordBytes,
    relation: MulAddWords,
    /// `256·r_j / 2^t`, a byte exactly when `r_j < 2^t`.
    remainder_scaled: Cell,
    prev: WordCells,
}

impl Gadget for ShrSarGadget {
    const NAME: &'static str = "SHR/SAR";
    const STATE: ExecutionState = ExecutionState::ShrSar;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x1c, 0x1d])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for ShrSarGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let is_sar = cb.query_bool("SHR/SAR: is_sar is boolean");
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("SHR/SAR: opcode", opcode, constant(0x1c) + is_sar.expr());
        let (shift, x) = (cb.query_word(), cb.query_word());
        cb.stack_pop("SHR/SAR: shift", shift.expr());
        cb.stack_pop("SHR/SAR: x", x.expr());
        let amount = ShiftAmount::configure(cb, &shift.expr());
        let sign = Sign::configure(cb, x.hi.expr());
        let negative = cb.query_cell();
        cb.require_equal(
            "SHR/SAR: negative SAR operand",
            negative.expr(),
            is_sar.expr() * sign.sign.expr(),
        );
        let dividend = negate_if(negative.expr(), x.expr());
        let (quotient, remainder) = (cb.query_word_bytes(), cb.query_word_bytes());
        let relation = MulAddWords::configure(
            cb,
            &quotient.bytes,
            &amount.power,
            remainder.expr(),
            dividend,
            Overflow::Forbidden,
        );
        cb.when(constant(1) - amount.in_range::<F>(), |cb| {
            for byte in &quotient.bytes {
                cb.require_zero("SHR/SAR: quotient 0 past 255", byte.expr());
            }
        });
        // r < 2^(8j + t): bytes above j are zero, byte j is below 2^t.
        for i in 1..32 {
            let below = (0..i).fold(constant(0), |acc, k| acc + amount.byte_is::<F>(k));
            cb.require_zero(
                "SHR/SAR: remainder below the power, high bytes",
                below * remainder.bytes[i].expr(),
            );
        }
        let remainder_scaled = cb.query_byte();
        let selected = (0..32)
            .fold(constant(0), |acc, k| acc + amount.byte_is::<F>(k) * remainder.bytes[k].expr());
        cb.require_equal(
            "SHR/SAR: remainder below the power, its top byte",
            remainder_scaled.expr() * amount.bit_power(),
            selected * constant(256),
        );
        let result = negate_if(negative.expr(), quotient.expr());
        let prev = cb.stack_push("SHR/SAR: result", result);
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self {
            common,
            is_sar,
            shift,
            x,
            amount,
            sign,
            negative,
            quotient,
            remainder,
            relation,
            remainder_scaled,
            prev,
        }
    }
}

impl<F: PrimeField> StepGadget<F> for ShrSarGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let is_sar = w.values.opcode == 0x1d;
        a.assign_u64(self.is_sar, is_sar as u64);
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (shift, x) = (r.stack_pop()?, r.stack_pop()?);
        let pushed = r.stack_push()?;
        r.finish()?;
        a.assign_word(self.shift, word_limbs(shift));
        a.assign_word(self.x, word_limbs(x));
        self.amount.assign(a, shift);
        let (_, hi) = word_limbs(x);
        self.sign.assign(a, hi);
        let negative = is_sar && x.bit(255);
        a.assign_u64(self.negative, negative as u64);
        let dividend = if negative { !x } else { x };
        let power = ShiftAmount::power_of(shift);
        let (q, r) = if power.is_zero() {
            (U256::ZERO, dividend)
        } else {
            (dividend / power, dividend % power)
        };
        a.assign_word_bytes(&self.quotient, q);
        a.assign_word_bytes(&self.remainder, r);
        self.relation.assign(a, q, power, r);
        let scaled = if power.is_zero() {
            0
        } else {
            let j = shift.saturating_to::<usize>() / 8;
            let t = shift.saturating_to::<u64>() % 8;
            ((r.to_le_bytes::<32>()[j] as u64) * 256) >> t
        };
        a.assign_u64(self.remainder_scaled, scaled);
        a.assign_word(self.prev, word_limbs(pushed.prev));
        Ok(())
    }
}
