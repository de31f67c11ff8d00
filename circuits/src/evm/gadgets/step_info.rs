//! JUMPDEST (nothing but gas), PC (push the program counter), GAS (push the gas left after
//! the step).

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Error;

use super::{ExecutionGadget, StepGadget};
use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{EvmBuilder, Word, WordCells};
use crate::evm::common::{GasCost, NextPc, OpcodeStep, Transition};
use crate::evm::execution_state::ExecutionState;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;

/// JUMPDEST.
#[derive(Clone, Debug)]
pub struct JumpDestGadget {
    common: OpcodeStep,
}

impl<F: PrimeField> ExecutionGadget<F> for JumpDestGadget {
    const STATE: ExecutionState = ExecutionState::JumpDest;

    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("JUMPDEST: opcode", opcode, constant(0x5b));
        Self {
            common: OpcodeStep::configure(
                cb,
                GasCost::Constant,
                Transition::SameContext(NextPc::Advance(1)),
            ),
        }
    }
}

impl<F: PrimeField> StepGadget<F> for JumpDestGadget {
    fn assign(&self, a: &mut StepAssigner<'_, '_, F>, w: &StepWitness<'_>) -> Result<(), Error> {
        self.common.assign(a, w)
    }
}

/// PC.
#[derive(Clone, Debug)]
pub struct PcGadget {
    common: OpcodeStep,
    prev: WordCells,
}

impl<F: PrimeField> ExecutionGadget<F> for PcGadget {
    const STATE: ExecutionState = ExecutionState::Pc;

    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (opcode, pc) = (cb.cur.opcode.clone(), cb.cur.pc.clone());
        cb.require_equal("PC: opcode", opcode, constant(0x58));
        let prev = cb.stack_push("PC: the program counter", Word::small(pc));
        let common = OpcodeStep::configure(
            cb,
            GasCost::Constant,
            Transition::SameContext(NextPc::Advance(1)),
        );
        Self { common, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for PcGadget {
    fn assign(&self, a: &mut StepAssigner<'_, '_, F>, w: &StepWitness<'_>) -> Result<(), Error> {
        self.common.assign(a, w)?;
        a.assign_word(self.prev, word_limbs(w.rw(0)?.value_prev.unwrap_or_default()));
        Ok(())
    }
}

/// GAS: the value pushed is the gas left after the step (range-checked by the common checks).
#[derive(Clone, Debug)]
pub struct GasGadget {
    common: OpcodeStep,
    prev: WordCells,
}

impl<F: PrimeField> ExecutionGadget<F> for GasGadget {
    const STATE: ExecutionState = ExecutionState::Gas;

    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (opcode, gas_after) = (cb.cur.opcode.clone(), cb.next.gas_left.clone());
        cb.require_equal("GAS: opcode", opcode, constant(0x5a));
        let prev = cb.stack_push("GAS: gas left after the step", Word::small(gas_after));
        let common = OpcodeStep::configure(
            cb,
            GasCost::Constant,
            Transition::SameContext(NextPc::Advance(1)),
        );
        Self { common, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for GasGadget {
    fn assign(&self, a: &mut StepAssigner<'_, '_, F>, w: &StepWitness<'_>) -> Result<(), Error> {
        self.common.assign(a, w)?;
        a.assign_word(self.prev, word_limbs(w.rw(0)?.value_prev.unwrap_or_default()));
        Ok(())
    }
}

/// MSIZE: the memory size in bytes, 32 times the step state's word count.
#[derive(Clone, Debug)]
pub struct MsizeGadget {
    common: OpcodeStep,
    prev: WordCells,
}

impl<F: PrimeField> ExecutionGadget<F> for MsizeGadget {
    const STATE: ExecutionState = ExecutionState::Msize;

    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (opcode, words) = (cb.cur.opcode.clone(), cb.cur.memory_word_size.clone());
        cb.require_equal("MSIZE: opcode", opcode, constant(0x59));
        let prev = cb.stack_push("MSIZE: memory size", Word::small(words * constant(32)));
        let common = OpcodeStep::configure(
            cb,
            GasCost::Constant,
            Transition::SameContext(NextPc::Advance(1)),
        );
        Self { common, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for MsizeGadget {
    fn assign(&self, a: &mut StepAssigner<'_, '_, F>, w: &StepWitness<'_>) -> Result<(), Error> {
        self.common.assign(a, w)?;
        a.assign_word(self.prev, word_limbs(w.rw(0)?.value_prev.unwrap_or_default()));
        Ok(())
    }
}
