//! Which gadget takes each step, and the witnesses of a trace in step order.
//!
//! The registry ([`super::gadgets`]) is asked, never a list kept here: a step's state is the one
//! gadget that claims it, and a claimed step is supported when its gadget says so
//! ([`Gadget::supports`](super::gadgets::Gadget::supports)).

use std::ops::Range;

use zkevm_trace::trace::{StepKind, Trace};

use super::execution_state::ExecutionState;
use super::gadget::Unsupported;
use super::gadgets::{descriptor, state_of};
use super::heights::{height, step_offsets};
use super::layout::SLOT_HEIGHT;
use super::witness::{all_steps, call_reversions, step_values, StepWitness};
use crate::error::CircuitError;

/// The witnesses of steps `range` of [`all_steps`]: each must have a gadget, and a next step
/// (whose state the last one's transition reads).
pub fn step_witnesses(
    trace: &Trace,
    range: Range<usize>,
) -> Result<Vec<StepWitness<'_>>, CircuitError> {
    let steps = all_steps(trace);
    let reversions = call_reversions(trace);
    let mut witnesses = Vec::with_capacity(range.len());
    for i in range {
        let step = steps.get(i).ok_or_else(|| CircuitError::Unsupported(format!("no step {i}")))?;
        let next = steps
            .get(i + 1)
            .ok_or_else(|| CircuitError::Unsupported(format!("no step after {i}")))?;
        let state = state_of(&step.kind)?;
        let first = step.rw_counter.saturating_sub(1) as usize;
        let rws = trace
            .rws
            .get(first..first + step.rw_count as usize)
            .ok_or_else(|| CircuitError::Unsupported(format!("step {i}: RWs outside the log")))?;
        let code = trace
            .calls
            .get(step.call_index)
            .and_then(|call| trace.bytecodes.get(&call.code_hash))
            .map(|code| code.as_ref())
            .unwrap_or(&[]);
        let tx = match step.kind {
            StepKind::EndBlock => None,
            _ => trace.calls.get(step.call_index).and_then(|call| trace.txs.get(call.tx)),
        };
        witnesses.push(StepWitness {
            step,
            state,
            rws,
            code,
            values: step_values(trace, step, &reversions),
            next: step_values(trace, next, &reversions),
            tx,
            block: &trace.block,
            bytecodes: &trace.bytecodes,
            checked: false,
        });
    }
    Ok(witnesses)
}

/// The witnesses of a whole trace in an EVM region of `rows` rows (whole slots): every step at
/// its state's height, one-slot padding steps, and EndBlock in the last slot. Any step the circuit cannot
/// prove yet is `Unsupported`, naming it (with `check`; without, the steps' shapes are taken
/// as they are, for forged witnesses).
pub fn block_witnesses(
    trace: &Trace,
    rows: usize,
    check: bool,
) -> Result<Vec<StepWitness<'_>>, CircuitError> {
    let steps = all_steps(trace);
    let real = steps.len() - 1;
    let mut witnesses = step_witnesses(trace, 0..real)?;
    for w in witnesses.iter_mut().filter(|_| check) {
        check_supported(trace, w)?;
        w.checked = true;
    }
    // Padding and EndBlock carry the last transaction's ids.
    let mut end = step_values(trace, &trace.end_block, &[]);
    if let Some(last) = witnesses.last_mut() {
        end.tx_id = last.values.tx_id;
        end.call_id = last.values.call_id;
        last.next = end;
    }
    let closing = |state| StepWitness {
        step: &trace.end_block,
        state,
        rws: &[],
        code: &[],
        values: end,
        next: end,
        tx: None,
        block: &trace.block,
        bytecodes: &trace.bytecodes,
        checked: check,
    };
    // Padding and EndBlock take one slot each (a test checks it), so any gap can be filled.
    let rows = rows - rows % SLOT_HEIGHT;
    let used = step_offsets(witnesses.iter().map(|w| w.state)).1 + height(ExecutionState::EndBlock);
    if used > rows {
        return Err(CircuitError::CapacityExceeded {
            what: "EVM rows",
            needed: used,
            capacity: rows,
        });
    }
    let padding = (rows - used) / height(ExecutionState::Padding);
    witnesses.extend((0..padding).map(|_| closing(ExecutionState::Padding)));
    witnesses.push(closing(ExecutionState::EndBlock));
    Ok(witnesses)
}

/// What the framework and the step's gadget assume of it beyond its state: calls that stay in
/// the root frame, and the shape the gadget's `assign` relies on.
fn check_supported(trace: &Trace, w: &StepWitness<'_>) -> Result<(), CircuitError> {
    let depth = trace.calls.get(w.step.call_index).map_or(0, |c| c.depth);
    if depth > 0 {
        return Err(Unsupported::new("sub-call").into());
    }
    let gadget = descriptor(w.state)
        .ok_or_else(|| CircuitError::Unsupported(format!("no gadget for {:?}", w.state)))?;
    (gadget.supports)(w)?;
    Ok(())
}
