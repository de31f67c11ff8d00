//! STOP in the root call: the call succeeded (its IsSuccess flag, set when it started, must be
//! 1) and EndTx follows.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Error;
use zkevm_executor::trace::CallContextField;

use super::{ExecutionGadget, StepGadget};
use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{EvmBuilder, Word};
use crate::evm::common::{GasCost, OpcodeStep, Transition};
use crate::evm::execution_state::ExecutionState;
use crate::evm::witness::StepWitness;

/// STOP.
#[derive(Clone, Debug)]
pub struct StopGadget {
    common: OpcodeStep,
}

impl<F: PrimeField> ExecutionGadget<F> for StopGadget {
    const STATE: ExecutionState = ExecutionState::Stop;

    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("STOP: opcode", opcode, constant(0x00));
        cb.call_context(
            "STOP: the call succeeds",
            CallContextField::IsSuccess,
            Word::small(constant(1)),
            None,
        );
        Self { common: OpcodeStep::configure(cb, GasCost::Constant, Transition::EndTx) }
    }
}

impl<F: PrimeField> StepGadget<F> for StopGadget {
    fn assign(&self, a: &mut StepAssigner<'_, '_, F>, w: &StepWitness<'_>) -> Result<(), Error> {
        self.common.assign(a, w)
    }
}
