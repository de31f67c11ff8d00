//! Comparisons: LT GT SLT SGT (one gadget), EQ, ISZERO; and NOT.
//!
//! LT/GT/SLT/SGT: `opcode = 0x10 + is_gt + 2·is_signed`. With `(x, y)` the operands in "is x
//! less than y" order, `c = x − y mod 2^256` as 32 bytes and `y + c = x + lt·2^256` give the
//! unsigned answer `lt`. Signs come from `x_hi ≥ 2^127` (a 16-byte difference); the signed
//! answer is `x < 0 ≤ y`, or `lt` when the signs agree.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use crate::constraint_builder::{constant, select};
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{
    from_bytes, two_pow_128, EvmBuilder, IsZeroCells, Word, WordBytes, WordCells,
};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::reader::StepReader;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

/// `2^127`.
fn two_pow_127<F: PrimeField>() -> Expression<F> {
    Expression::Constant(F::from_u128(1 << 127))
}

/// The sign of a word from its high limb: `hi − 2^127 + (1 − sign)·2^128` is 16 bytes.
#[derive(Clone, Debug)]
pub(crate) struct Sign {
    /// 1 for a negative word.
    pub(crate) sign: Cell,
    bytes: [Cell; 16],
}

impl Sign {
    /// States the sign of the word whose high limb is `hi`.
    pub(crate) fn configure<F: PrimeField>(cb: &mut EvmBuilder<F>, hi: Expression<F>) -> Self {
        let sign = cb.query_bool("comparison: sign is boolean");
        let bytes = [(); 16].map(|_| cb.query_byte());
        cb.require_equal(
            "comparison: sign bit",
            hi - two_pow_127() + (constant(1) - sign.expr()) * two_pow_128(),
            from_bytes(&bytes),
        );
        Self { sign, bytes }
    }

    /// Assigns the sign of the word whose high limb is `hi`.
    pub(crate) fn assign<F: PrimeField>(&self, a: &mut StepAssigner<'_, '_, F>, hi: u128) {
        let negative = hi >> 127 == 1;
        a.assign_u64(self.sign, negative as u64);
        let value = if negative { hi - (1 << 127) } else { hi + (1 << 127) };
        for (i, cell) in self.bytes.iter().enumerate() {
            a.assign_u64(*cell, ((value >> (8 * i)) & 0xff) as u64);
        }
    }
}

/// LT, GT, SLT, SGT.
#[derive(Clone, Debug)]
pub struct ComparatorGadget {
    common: OpcodeStep,
    is_gt: Cell,
    is_signed: Cell,
    a: WordCells,
    b: WordCells,
    difference: WordBytes,
    carry: Cell,
    lt: Cell,
    x_sign: Sign,
    y_sign: Sign,
    same_sign: Cell,
    signed_lt: Cell,
    result: Cell,
    prev: WordCells,
}

impl Gadget for ComparatorGadget {
    const NAME: &'static str = "LT/GT/SLT/SGT";
    const STATE: ExecutionState = ExecutionState::Comparator;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, 0x10..=0x13)
    }
}

impl<F: PrimeField> ExecutionGadget<F> for ComparatorGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let is_gt = cb.query_bool("comparison: is_gt is boolean");
        let is_signed = cb.query_bool("comparison: is_signed is boolean");
        let opcode = cb.cur.opcode.clone();
        cb.require_equal(
            "comparison: opcode",
            opcode,
            constant(0x10) + is_gt.expr() + constant(2) * is_signed.expr(),
        );
        let (a, b) = (cb.query_word(), cb.query_word());
        cb.stack_pop("comparison: a", a.expr());
        cb.stack_pop("comparison: b", b.expr());
        let (a_word, b_word) = (a.expr::<F>(), b.expr::<F>());
        let x = Word {
            lo: select(is_gt.expr(), b_word.lo.clone(), a_word.lo.clone()),
            hi: select(is_gt.expr(), b_word.hi.clone(), a_word.hi.clone()),
        };
        let y = Word {
            lo: select(is_gt.expr(), a_word.lo, b_word.lo),
            hi: select(is_gt.expr(), a_word.hi, b_word.hi),
        };
        let difference = cb.query_word_bytes();
        let (carry, lt) = (cb.query_bool("comparison: carry"), cb.query_bool("comparison: lt"));
        let c = difference.expr::<F>();
        cb.require_equal(
            "comparison: y + (x − y) = x, low limb",
            y.lo.clone() + c.lo,
            x.lo.clone() + carry.expr() * two_pow_128(),
        );
        cb.require_equal(
            "comparison: y + (x − y) = x, high limb",
            y.hi.clone() + c.hi + carry.expr(),
            x.hi.clone() + lt.expr() * two_pow_128(),
        );
        let x_sign = Sign::configure(cb, x.hi);
        let y_sign = Sign::configure(cb, y.hi);
        let (sx, sy) = (x_sign.sign.expr(), y_sign.sign.expr());
        let same_sign = cb.query_cell();
        cb.require_equal(
            "comparison: same sign",
            same_sign.expr(),
            constant(1) - sx.clone() - sy.clone() + constant(2) * sx.clone() * sy.clone(),
        );
        let signed_lt = cb.query_cell();
        cb.require_equal(
            "comparison: signed less-than",
            signed_lt.expr(),
            sx * (constant(1) - sy) + same_sign.expr() * lt.expr(),
        );
        let result = cb.query_cell();
        cb.require_equal(
            "comparison: result",
            result.expr(),
            select(is_signed.expr(), signed_lt.expr(), lt.expr()),
        );
        let prev = cb.stack_push("comparison: result", Word::small(result.expr()));
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self {
            common,
            is_gt,
            is_signed,
            a,
            b,
            difference,
            carry,
            lt,
            x_sign,
            y_sign,
            same_sign,
            signed_lt,
            result,
            prev,
        }
    }
}

impl<F: PrimeField> StepGadget<F> for ComparatorGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let opcode = w.values.opcode;
        let (is_gt, is_signed) = (opcode & 1 == 1, opcode & 2 == 2);
        a.assign_u64(self.is_gt, is_gt as u64);
        a.assign_u64(self.is_signed, is_signed as u64);
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (av, bv) = (r.stack_pop()?, r.stack_pop()?);
        let pushed = r.stack_push()?;
        a.assign_word(self.a, word_limbs(av));
        a.assign_word(self.b, word_limbs(bv));
        let (x, y) = if is_gt { (bv, av) } else { (av, bv) };
        let difference = x.wrapping_sub(y);
        a.assign_word_bytes(&self.difference, difference);
        let (y_limbs, c_limbs) = (word_limbs(y), word_limbs(difference));
        let carry = y_limbs.0.overflowing_add(c_limbs.0).1;
        a.assign_u64(self.carry, carry as u64);
        let lt = x < y;
        a.assign_u64(self.lt, lt as u64);
        let (x_hi, y_hi) = (word_limbs(x).1, word_limbs(y).1);
        self.x_sign.assign(a, x_hi);
        self.y_sign.assign(a, y_hi);
        let (sx, sy) = (x_hi >> 127 == 1, y_hi >> 127 == 1);
        a.assign_u64(self.same_sign, (sx == sy) as u64);
        let signed_lt = (sx && !sy) || (sx == sy && lt);
        a.assign_u64(self.signed_lt, signed_lt as u64);
        let result = if is_signed { signed_lt } else { lt };
        a.assign_u64(self.result, result as u64);
        a.assign_word(self.prev, word_limbs(pushed.prev));
        r.finish()?;
        Ok(())
    }
}

/// EQ: `a = b` exactly when both limb differences are zero.
#[derive(Clone, Debug)]
pub struct EqGadget {
    common: OpcodeStep,
    a: WordCells,
    b: WordCells,
    lo_equal: IsZeroCells,
    hi_equal: IsZeroCells,
    result: Cell,
    prev: WordCells,
}

impl Gadget for EqGadget {
    const NAME: &'static str = "EQ";
    const STATE: ExecutionState = ExecutionState::Eq;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x14])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for EqGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("EQ: opcode", opcode, constant(0x14));
        let (a, b) = (cb.query_word(), cb.query_word());
        cb.stack_pop("EQ: a", a.expr());
        cb.stack_pop("EQ: b", b.expr());
        let lo_equal = cb.is_zero("EQ: low limbs", a.lo.expr() - b.lo.expr());
        let hi_equal = cb.is_zero("EQ: high limbs", a.hi.expr() - b.hi.expr());
        let result = cb.query_cell();
        cb.require_equal(
            "EQ: result",
            result.expr(),
            lo_equal.is_zero.expr() * hi_equal.is_zero.expr(),
        );
        let prev = cb.stack_push("EQ: result", Word::small(result.expr()));
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, a, b, lo_equal, hi_equal, result, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for EqGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (x, y) = (word_limbs(r.stack_pop()?), word_limbs(r.stack_pop()?));
        let pushed = r.stack_push()?;
        a.assign_word(self.a, x);
        a.assign_word(self.b, y);
        a.assign_is_zero(self.lo_equal, F::from_u128(x.0) - F::from_u128(y.0));
        a.assign_is_zero(self.hi_equal, F::from_u128(x.1) - F::from_u128(y.1));
        a.assign_u64(self.result, (x == y) as u64);
        a.assign_word(self.prev, word_limbs(pushed.prev));
        r.finish()?;
        Ok(())
    }
}

/// ISZERO: limbs below `2^128` sum to zero exactly when both are zero.
#[derive(Clone, Debug)]
pub struct IsZeroOpGadget {
    common: OpcodeStep,
    value: WordCells,
    is_zero: IsZeroCells,
    prev: WordCells,
}

impl Gadget for IsZeroOpGadget {
    const NAME: &'static str = "ISZERO";
    const STATE: ExecutionState = ExecutionState::IsZero;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x15])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for IsZeroOpGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("ISZERO: opcode", opcode, constant(0x15));
        let value = cb.query_word();
        cb.stack_pop("ISZERO: value", value.expr());
        let is_zero = cb.is_zero("ISZERO: value", value.lo.expr() + value.hi.expr());
        let prev = cb.stack_push("ISZERO: result", Word::small(is_zero.is_zero.expr()));
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, value, is_zero, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for IsZeroOpGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let value = word_limbs(r.stack_pop()?);
        let pushed = r.stack_push()?;
        a.assign_word(self.value, value);
        a.assign_is_zero(self.is_zero, F::from_u128(value.0) + F::from_u128(value.1));
        a.assign_word(self.prev, word_limbs(pushed.prev));
        r.finish()?;
        Ok(())
    }
}

/// NOT: each limb becomes `2^128 − 1` minus itself.
#[derive(Clone, Debug)]
pub struct NotGadget {
    common: OpcodeStep,
    value: WordCells,
    prev: WordCells,
}

impl Gadget for NotGadget {
    const NAME: &'static str = "NOT";
    const STATE: ExecutionState = ExecutionState::Not;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x19])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for NotGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("NOT: opcode", opcode, constant(0x19));
        let value = cb.query_word();
        cb.stack_pop("NOT: value", value.expr());
        let ones = Expression::Constant(F::from_u128(u128::MAX));
        let result = Word { lo: ones.clone() - value.lo.expr(), hi: ones - value.hi.expr() };
        let prev = cb.stack_push("NOT: result", result);
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, value, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for NotGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        a.assign_word(self.value, word_limbs(r.stack_pop()?));
        a.assign_word(self.prev, word_limbs(r.stack_push()?.prev));
        r.finish()?;
        Ok(())
    }
}
