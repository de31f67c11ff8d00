//! The EVM circuit's witness: each step of a trace with what its gadget needs.

use std::ops::Range;

use zkevm_executor::trace::{Rw, Step, StepKind, Trace};

use super::execution_state::ExecutionState;
use super::step::StepValues;
use crate::error::CircuitError;
use crate::keccak::hash_halves;

/// One step and its context.
#[derive(Clone, Debug)]
pub struct StepWitness<'t> {
    /// The step.
    pub step: &'t Step,
    /// Its gadget.
    pub state: ExecutionState,
    /// The RWs it makes, in order.
    pub rws: &'t [Rw],
    /// The running code.
    pub code: &'t [u8],
    /// Its step state.
    pub values: StepValues,
    /// The next step's state.
    pub next: StepValues,
}

/// The step state of `step` in `trace`.
pub fn step_values(trace: &Trace, step: &Step) -> StepValues {
    let call = trace.calls.get(step.call_index);
    let (code_hash_lo, code_hash_hi) =
        call.map(|c| hash_halves(&c.code_hash.0)).unwrap_or_default();
    let opcode = match step.kind {
        StepKind::Op(op) | StepKind::Error { opcode: op, .. } => op as u64,
        _ => 0,
    };
    StepValues {
        rw_counter: step.rw_counter,
        call_id: step.call_index as u64,
        tx_id: call.map_or(0, |c| c.tx as u64),
        code_hash_lo,
        code_hash_hi,
        pc: step.pc,
        gas_left: step.gas_left,
        stack_pointer: step.stack_pointer as u64,
        memory_word_size: step.memory_word_size,
        reversible_write_counter: step.reversible_write_counter,
        log_id: step.log_id,
        opcode,
    }
}

/// Every step of the trace in execution order, the batch's EndBlock last.
pub fn all_steps(trace: &Trace) -> Vec<&Step> {
    trace
        .txs
        .iter()
        .flat_map(|tx| tx.steps.iter())
        .chain(std::iter::once(&trace.end_block))
        .collect()
}

/// The witnesses of steps `range` of [`all_steps`]: each must have a gadget, and a next step
/// (whose state the last one's transition reads).
pub fn step_witnesses(
    trace: &Trace,
    range: Range<usize>,
) -> Result<Vec<StepWitness<'_>>, CircuitError> {
    let steps = all_steps(trace);
    let mut witnesses = Vec::with_capacity(range.len());
    for i in range {
        let step = steps.get(i).ok_or_else(|| CircuitError::Unsupported(format!("no step {i}")))?;
        let next = steps
            .get(i + 1)
            .ok_or_else(|| CircuitError::Unsupported(format!("no step after {i}")))?;
        let state = ExecutionState::of_step(step)?;
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
        if let StepKind::Op(op @ 0x60..=0x7f) = step.kind {
            let last = step.pc as usize + (op - 0x5f) as usize;
            if last >= code.len() {
                return Err(CircuitError::Unsupported(
                    "PUSH cut short by the end of the code".into(),
                ));
            }
        }
        witnesses.push(StepWitness {
            step,
            state,
            rws,
            code,
            values: step_values(trace, step),
            next: step_values(trace, next),
        });
    }
    Ok(witnesses)
}
