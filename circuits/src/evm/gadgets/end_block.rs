//! Padding and EndBlock: the step slots after the last transaction.
//!
//! Padding steps carry the step state unchanged to EndBlock, which must be the last slot. EndBlock
//! looks up the RW table's padding row with `rw_counter = capacity − (total RWs) − 1`; padding
//! rows count up from 0, so the table has at least `capacity − total` padding rows and at most
//! `total` RW rows, all of which the steps looked up with distinct counters.

use halo2_proofs::halo2curves::ff::PrimeField;

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::EvmBuilder;
use crate::evm::cell::LookupTable;
use crate::evm::common::require_no_code_state;
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::witness::StepWitness;
use zkevm_trace::trace::StepKind;

/// Padding and EndBlock hold no gas, logs or code state: every step-state cell but the
/// counters and ids they carry is zero, as in the trace's EndBlock step.
fn require_closing_state<F: PrimeField>(cb: &mut EvmBuilder<F>) {
    require_no_code_state(cb);
    let cur = cb.cur.clone();
    cb.require_zero("closing: no gas", cur.gas_left);
    cb.require_zero("closing: no log id", cur.log_id);
}

/// Padding.
#[derive(Clone, Debug)]
pub struct PaddingGadget;

impl Gadget for PaddingGadget {
    const NAME: &'static str = "padding";
    const STATE: ExecutionState = ExecutionState::Padding;

    /// No step of a trace: the framework places padding between the last step and EndBlock.
    fn claims(_step: &StepKind) -> bool {
        false
    }
}

impl<F: PrimeField> ExecutionGadget<F> for PaddingGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        cb.require_next_in(
            "padding: padding or EndBlock follows",
            &[ExecutionState::Padding, ExecutionState::EndBlock],
        );
        let (cur, next) = (cb.cur.clone(), cb.next.clone());
        cb.require_equal("padding: state carried", next.rw_counter, cur.rw_counter);
        cb.require_equal("padding: state carried", next.tx_id, cur.tx_id);
        cb.require_equal("padding: state carried", next.call_id, cur.call_id);
        require_closing_state(cb);
        PaddingGadget
    }
}

impl<F: PrimeField> StepGadget<F> for PaddingGadget {
    fn assign(
        &self,
        _: &mut StepAssigner<'_, '_, F>,
        _: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        Ok(())
    }
}

/// EndBlock.
#[derive(Clone, Debug)]
pub struct EndBlockGadget;

impl Gadget for EndBlockGadget {
    const NAME: &'static str = "EndBlock";
    const STATE: ExecutionState = ExecutionState::EndBlock;

    fn claims(step: &StepKind) -> bool {
        matches!(step, StepKind::EndBlock)
    }
}

impl<F: PrimeField> ExecutionGadget<F> for EndBlockGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        // cur.rw_counter is one past the last RW: the padding row to find is capacity − it.
        let counter = cb.rw_capacity.clone() - cb.cur.rw_counter.clone();
        let mut tuple = vec![constant(1), counter];
        tuple.extend((0..13).map(|_| constant(0)));
        cb.lookup(LookupTable::Rw, "EndBlock: the RW table has no other rows", tuple);
        require_closing_state(cb);
        EndBlockGadget
    }
}

impl<F: PrimeField> StepGadget<F> for EndBlockGadget {
    fn assign(
        &self,
        _: &mut StepAssigner<'_, '_, F>,
        _: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        Ok(())
    }
}
