//! STOP, RETURN and REVERT in the root call. STOP and RETURN: the call succeeded (its
//! IsSuccess flag, set when it started, must be 1) and EndTx follows. REVERT: the call failed
//! (0), its writes are undone, and EndTx follows.

use halo2_proofs::halo2curves::ff::PrimeField;
use zkevm_trace::trace::CallContextField;

use super::sha3::span_bytes;
use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{Access, EvmBuilder, Word};
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::memory::{MemoryExpansion, MemorySpan};
use crate::evm::reader::StepReader;
use crate::evm::streams::{memory_stream, Direction};
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use zkevm_trace::trace::StepKind;

/// STOP, explicit or at or past the end of the code (where the EVM stops as if it read 0x00:
/// `pc` reaches the code's length `L`, or passes it by up to 32 after a PUSH whose immediate
/// the code cuts short).
#[derive(Clone, Debug)]
pub struct StopGadget {
    common: OpcodeStep,
    /// 1 when `pc` is at or past the code's length.
    past_the_end: crate::evm::cell::Cell,
    /// The code's length (past the end).
    length: crate::evm::cell::Cell,
    /// `pc − L` (past the end), a byte.
    overshoot: crate::evm::cell::Cell,
}

impl Gadget for StopGadget {
    const NAME: &'static str = "STOP";
    const STATE: ExecutionState = ExecutionState::Stop;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x00])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for StopGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("STOP: opcode", opcode, constant(0x00));
        cb.call_context(
            "STOP: the call succeeds",
            CallContextField::IsSuccess,
            Word::small(constant(1)),
            Access::Read,
        );
        let past_the_end = cb.query_bool("STOP: past the end is boolean");
        let pc = cb.cur.pc.clone();
        let (length, overshoot) = (cb.query_cell(), cb.query_byte());
        cb.when(past_the_end.expr(), |cb| {
            cb.code_length_lookup("STOP: the code's length", length.expr());
            cb.require_equal(
                "STOP: pc is at or past the end of the code",
                pc - length.expr(),
                overshoot.expr(),
            );
        });
        cb.when(constant(1) - past_the_end.expr(), |cb| {
            cb.require_zero("STOP: no length inside the code", length.expr());
            cb.require_zero("STOP: no length inside the code", overshoot.expr());
        });
        let fetched = constant(1) - past_the_end.expr();
        let transition = StepTransition::end_tx(cb);
        let common = OpcodeStep::configure_fetching(cb, GasCost::Constant, transition, fetched);
        Self { common, past_the_end, length, overshoot }
    }
}

impl<F: PrimeField> StepGadget<F> for StopGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let past_the_end = w.values.pc as usize >= w.code.len();
        a.assign_u64(self.past_the_end, past_the_end as u64);
        let (length, overshoot) = match past_the_end {
            true => (w.code.len() as u64, w.values.pc - w.code.len() as u64),
            false => (0, 0),
        };
        a.assign_u64(self.length, length);
        a.assign_u64(self.overshoot, overshoot);
        Ok(())
    }
}

/// RETURN or REVERT from the root call: EndTx follows. The returned memory range is read
/// through the copy circuit (its words are RWs of this step) and pays for memory expansion;
/// what a root call returns is not part of the state, so its bytes go nowhere. RETURN's call
/// succeeded (its IsSuccess flag is 1); REVERT's failed (0), and its reversible writes are
/// undone by the writes that follow the step's own (see [`StepTransition::end_tx_reverted`]).
#[derive(Clone, Debug)]
pub struct ReturnRevertGadget<const IS_REVERT: bool> {
    common: OpcodeStep,
    offset: crate::evm::builder::WordCells,
    length: crate::evm::builder::WordCells,
    span: MemorySpan,
    rlc: crate::evm::cell::Cell,
    size_after: crate::evm::cell::Cell,
    expansion: MemoryExpansion,
}

/// RETURN from the root call.
pub type ReturnGadget = ReturnRevertGadget<false>;
/// REVERT from the root call.
pub type RevertGadget = ReturnRevertGadget<true>;

impl<const IS_REVERT: bool> Gadget for ReturnRevertGadget<IS_REVERT> {
    const NAME: &'static str = if IS_REVERT { "REVERT" } else { "RETURN" };
    const STATE: ExecutionState =
        if IS_REVERT { ExecutionState::Revert } else { ExecutionState::Return };

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [if IS_REVERT { 0xfd } else { 0xf3 }])
    }
}

impl<F: PrimeField, const IS_REVERT: bool> ExecutionGadget<F> for ReturnRevertGadget<IS_REVERT> {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        let (expected, success) = if IS_REVERT { (0xfd, 0) } else { (0xf3, 1) };
        cb.require_equal("RETURN/REVERT: opcode", opcode, constant(expected));
        let (offset, length) = (cb.query_word(), cb.query_word());
        cb.stack_pop("RETURN/REVERT: offset", offset.expr());
        cb.stack_pop("RETURN/REVERT: length", length.expr());
        cb.call_context(
            "RETURN/REVERT: the call's outcome",
            CallContextField::IsSuccess,
            Word::small(constant(success)),
            Access::Read,
        );
        let span = MemorySpan::configure(cb, &offset.expr(), &length.expr());
        let rlc = cb.query_rlc();
        let claim = memory_stream(cb, Direction::Read, &span, length.lo.expr(), rlc.expr());
        cb.when(span.nonempty(), |cb| cb.word_stream("RETURN/REVERT: the returned bytes", claim));
        // The call ends: the memory size after the step is a cell, not the next step's.
        let size_after = cb.query_cell();
        let (expansion, size, memory_gas) =
            MemoryExpansion::configure_to(cb, span.needed(), size_after.expr());
        cb.require_equal("RETURN/REVERT: memory size after", size_after.expr(), size);
        let transition = if IS_REVERT {
            StepTransition::end_tx_reverted(cb, cb.rw_count(), constant(0))
        } else {
            StepTransition::end_tx(cb)
        };
        let common = OpcodeStep::configure(cb, GasCost::Dynamic(memory_gas), transition);
        if IS_REVERT {
            // The reverted end leaves the call and transaction ids to EndTx; REVERT pins them.
            let (cur, next) = (cb.cur.clone(), cb.next.clone());
            cb.require_equal("same call", next.call_id, cur.call_id);
            cb.require_equal("same transaction", next.tx_id, cur.tx_id);
        }
        Self { common, offset, length, span, rlc, size_after, expansion }
    }
}

impl<F: PrimeField, const IS_REVERT: bool> StepGadget<F> for ReturnRevertGadget<IS_REVERT> {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (offset, length) = (r.stack_pop()?, r.stack_pop()?);
        r.call_context(CallContextField::IsSuccess)?;
        a.assign_word(self.offset, crate::state::rw_row::word_limbs(offset));
        a.assign_word(self.length, crate::state::rw_row::word_limbs(length));
        self.span.assign(a, offset, length);
        let (_, words, needed) = MemorySpan::native(offset, length);
        let read = r.memory_words(words as usize, false)?;
        a.assign_rlc(self.rlc, span_bytes(read, offset, length));
        a.assign_u64(self.size_after, w.values.memory_word_size.max(needed));
        self.expansion.assign(a, w.values.memory_word_size, needed);
        Ok(())
    }
}
