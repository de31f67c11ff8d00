//! ADD and SUB: `a + b = c` or `a − b = c` modulo `2^256`.
//!
//! Both are the addition `x + b = z + carry·2^256` with `(x, z) = (a, c)` for ADD and `(c, a)`
//! for SUB, checked limb by limb with boolean carries. The result `c` is pushed as 32
//! range-checked bytes, so every limb is below `2^128` and the carries are unique.

use halo2_proofs::halo2curves::ff::PrimeField;

use crate::constraint_builder::{constant, select};
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{two_pow_128, EvmBuilder, WordBytes, WordCells};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::reader::StepReader;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

/// The ADD/SUB gadget.
#[derive(Clone, Debug)]
pub struct AddSubGadget {
    common: OpcodeStep,
    is_sub: Cell,
    a: WordCells,
    b: WordCells,
    c: WordBytes,
    c_prev: WordCells,
    carry_lo: Cell,
    carry_hi: Cell,
}

impl Gadget for AddSubGadget {
    const NAME: &'static str = "ADD/SUB";
    const STATE: ExecutionState = ExecutionState::AddSub;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x01, 0x03])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for AddSubGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let is_sub = cb.query_bool("ADD/SUB: is_sub is boolean");
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("ADD/SUB: opcode", opcode, constant(0x01) + constant(2) * is_sub.expr());
        let (a, b, c) = (cb.query_word(), cb.query_word(), cb.query_word_bytes());
        cb.stack_pop("ADD/SUB: a", a.expr());
        cb.stack_pop("ADD/SUB: b", b.expr());
        let c_prev = cb.stack_push("ADD/SUB: c", c.expr());

        let (a_word, b_word, c_word) = (a.expr::<F>(), b.expr::<F>(), c.expr::<F>());
        let x_lo = select(is_sub.expr(), c_word.lo.clone(), a_word.lo.clone());
        let x_hi = select(is_sub.expr(), c_word.hi.clone(), a_word.hi.clone());
        let z_lo = select(is_sub.expr(), a_word.lo, c_word.lo);
        let z_hi = select(is_sub.expr(), a_word.hi, c_word.hi);
        let carry_lo = cb.query_bool("ADD/SUB: carry is boolean");
        let carry_hi = cb.query_bool("ADD/SUB: carry is boolean");
        let two_128 = two_pow_128::<F>();
        cb.require_equal(
            "ADD/SUB: low limbs add up",
            x_lo + b_word.lo,
            z_lo + carry_lo.expr() * two_128.clone(),
        );
        cb.require_equal(
            "ADD/SUB: high limbs add up",
            x_hi + b_word.hi + carry_lo.expr(),
            z_hi + carry_hi.expr() * two_128,
        );
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, is_sub, a, b, c, c_prev, carry_lo, carry_hi }
    }
}

impl<F: PrimeField> StepGadget<F> for AddSubGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let is_sub = w.values.opcode == 0x03;
        a.assign_u64(self.is_sub, is_sub as u64);
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (x, y) = (r.stack_pop()?, r.stack_pop()?);
        let pushed = r.stack_push()?;
        let z = pushed.value;
        a.assign_word(self.a, word_limbs(x));
        a.assign_word(self.b, word_limbs(y));
        for (cell, byte) in self.c.bytes.iter().zip(z.to_le_bytes::<32>()) {
            a.assign_u64(*cell, byte as u64);
        }
        a.assign_word(self.c_prev, word_limbs(pushed.prev));
        // Carries of x + y = z (ADD) or of c + y = a (SUB): the addend is z for SUB.
        let addend = word_limbs(if is_sub { z } else { x });
        let y = word_limbs(y);
        let (_, carry_lo) = addend.0.overflowing_add(y.0);
        let (high, c1) = addend.1.overflowing_add(y.1);
        let (_, c2) = high.overflowing_add(carry_lo as u128);
        a.assign_u64(self.carry_lo, carry_lo as u64);
        a.assign_u64(self.carry_hi, (c1 || c2) as u64);
        r.finish()?;
        Ok(())
    }
}
