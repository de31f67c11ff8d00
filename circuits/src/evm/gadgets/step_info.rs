//! JUMPDEST (nothing but gas), PC (push the program counter), GAS (push the gas left after
//! the step).

use halo2_proofs::halo2curves::ff::PrimeField;

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{EvmBuilder, Word, WordCells};
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::reader::StepReader;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

/// JUMPDEST.
#[derive(Clone, Debug)]
pub struct JumpDestGadget {
    common: OpcodeStep,
}

impl Gadget for JumpDestGadget {
    const NAME: &'static str = "JUMPDEST";
    const STATE: ExecutionState = ExecutionState::JumpDest;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x5b])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for JumpDestGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("JUMPDEST: opcode", opcode, constant(0x5b));
        let transition = StepTransition::same_context(cb);
        Self { common: OpcodeStep::configure(cb, GasCost::Constant, transition) }
    }
}

impl<F: PrimeField> StepGadget<F> for JumpDestGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        StepReader::new(w, <Self as Gadget>::NAME).finish()?;
        Ok(())
    }
}

/// PC.
#[derive(Clone, Debug)]
pub struct PcGadget {
    common: OpcodeStep,
    prev: WordCells,
}

impl Gadget for PcGadget {
    const NAME: &'static str = "PC";
    const STATE: ExecutionState = ExecutionState::Pc;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x58])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for PcGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (opcode, pc) = (cb.cur.opcode.clone(), cb.cur.pc.clone());
        cb.require_equal("PC: opcode", opcode, constant(0x58));
        let prev = cb.stack_push("PC: the program counter", Word::small(pc));
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for PcGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        a.assign_word(self.prev, word_limbs(r.stack_push()?.prev));
        r.finish()?;
        Ok(())
    }
}

/// GAS: the value pushed is the gas left after the step (range-checked by the common checks).
#[derive(Clone, Debug)]
pub struct GasGadget {
    common: OpcodeStep,
    prev: WordCells,
}

impl Gadget for GasGadget {
    const NAME: &'static str = "GAS";
    const STATE: ExecutionState = ExecutionState::Gas;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x5a])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for GasGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (opcode, gas_after) = (cb.cur.opcode.clone(), cb.next.gas_left.clone());
        cb.require_equal("GAS: opcode", opcode, constant(0x5a));
        let prev = cb.stack_push("GAS: gas left after the step", Word::small(gas_after));
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for GasGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        a.assign_word(self.prev, word_limbs(r.stack_push()?.prev));
        r.finish()?;
        Ok(())
    }
}

/// MSIZE: the memory size in bytes, 32 times the step state's word count.
#[derive(Clone, Debug)]
pub struct MsizeGadget {
    common: OpcodeStep,
    prev: WordCells,
}

impl Gadget for MsizeGadget {
    const NAME: &'static str = "MSIZE";
    const STATE: ExecutionState = ExecutionState::Msize;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x59])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for MsizeGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (opcode, words) = (cb.cur.opcode.clone(), cb.cur.memory_word_size.clone());
        cb.require_equal("MSIZE: opcode", opcode, constant(0x59));
        let prev = cb.stack_push("MSIZE: memory size", Word::small(words * constant(32)));
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for MsizeGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        a.assign_word(self.prev, word_limbs(r.stack_push()?.prev));
        r.finish()?;
        Ok(())
    }
}
