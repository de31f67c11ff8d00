//! JUMP and JUMPI: the destination must be a JUMPDEST byte that is code (not push data) in the
//! running code, found by bytecode lookup; its high limb must be zero.

use halo2_proofs::halo2curves::ff::PrimeField;

use crate::constraint_builder::{constant, select};
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{EvmBuilder, WordCells};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::reader::StepReader;
use crate::evm::transition::{StepTransition, Transition};
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

/// The JUMPDEST opcode.
const JUMPDEST: u64 = 0x5b;

fn require_jump_destination<F: PrimeField>(cb: &mut EvmBuilder<F>, destination: &WordCells) {
    cb.require_zero("jump destination fits the code", destination.hi.expr());
    cb.bytecode_lookup(
        "jump destination is a JUMPDEST",
        destination.lo.expr(),
        constant(JUMPDEST),
        constant(1),
    );
}

/// JUMP.
#[derive(Clone, Debug)]
pub struct JumpGadget {
    common: OpcodeStep,
    destination: WordCells,
}

impl Gadget for JumpGadget {
    const NAME: &'static str = "JUMP";
    const STATE: ExecutionState = ExecutionState::Jump;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x56])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for JumpGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("JUMP: opcode", opcode, constant(0x56));
        let destination = cb.query_word();
        cb.stack_pop("JUMP: destination", destination.expr());
        require_jump_destination(cb, &destination);
        let transition =
            StepTransition::same_context(cb).with_pc(Transition::To(destination.lo.expr()));
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, destination }
    }
}

impl<F: PrimeField> StepGadget<F> for JumpGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        a.assign_word(self.destination, word_limbs(r.stack_pop()?));
        r.finish()?;
        Ok(())
    }
}

/// JUMPI: jump when the condition word is not zero, else continue at `pc + 1`.
#[derive(Clone, Debug)]
pub struct JumpIGadget {
    common: OpcodeStep,
    destination: WordCells,
    condition: WordCells,
    /// Inverse of `lo + hi` of the condition, or 0 (both limbs are below `2^128`, so their sum
    /// is zero exactly when the word is).
    inverse: Cell,
}

impl Gadget for JumpIGadget {
    const NAME: &'static str = "JUMPI";
    const STATE: ExecutionState = ExecutionState::JumpI;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x57])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for JumpIGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("JUMPI: opcode", opcode, constant(0x57));
        let (destination, condition) = (cb.query_word(), cb.query_word());
        cb.stack_pop("JUMPI: destination", destination.expr());
        cb.stack_pop("JUMPI: condition", condition.expr());
        let inverse = cb.query_cell();
        let sum = condition.lo.expr() + condition.hi.expr();
        let is_zero = constant(1) - sum.clone() * inverse.expr();
        cb.require_zero("JUMPI: condition is zero", sum * is_zero.clone());
        cb.require_zero("JUMPI: condition is zero", inverse.expr() * is_zero.clone());
        cb.when(constant(1) - is_zero.clone(), |cb| require_jump_destination(cb, &destination));
        let pc = cb.cur.pc.clone();
        let next_pc = select(is_zero, pc + constant(1), destination.lo.expr());
        let transition = StepTransition::same_context(cb).with_pc(Transition::To(next_pc));
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, destination, condition, inverse }
    }
}

impl<F: PrimeField> StepGadget<F> for JumpIGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        a.assign_word(self.destination, word_limbs(r.stack_pop()?));
        let condition = word_limbs(r.stack_pop()?);
        r.finish()?;
        a.assign_word(self.condition, condition);
        let sum = F::from_u128(condition.0) + F::from_u128(condition.1);
        a.assign(self.inverse, sum.invert().unwrap_or(F::ZERO));
        Ok(())
    }
}
