//! The EVM circuit's witness: each step of a trace with what its gadget needs.

use std::collections::BTreeMap;

use alloy_primitives::{Bytes, B256, U256};

use zkevm_trace::trace::{BlockContext, Rw, Step, StepKind, Trace, TxTrace};

use super::execution_state::ExecutionState;
use super::step::StepValues;
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
    /// The step's transaction (none for padding and EndBlock).
    pub tx: Option<&'t TxTrace>,
    /// The block.
    pub block: &'t BlockContext,
    /// Every code of the trace, by hash.
    pub bytecodes: &'t BTreeMap<B256, Bytes>,
    /// Whether witness generation checked the step (then its gadget's reader insists on the
    /// RWs it expects; a forged witness is read as it is, for the constraints to judge).
    pub checked: bool,
}

impl<'t> StepWitness<'t> {
    /// The code whose hash is `hash`, if the trace keeps it.
    pub fn bytecode(&self, hash: U256) -> Option<&'t [u8]> {
        self.bytecodes.get(&B256::from(hash.to_be_bytes::<32>())).map(|code| code.as_ref())
    }
}

/// Per call of a trace: whether its writes persist, and the RW counter of the last write of
/// its reversion range (0 when they persist). A call persists when it and every caller
/// succeed; a failed call's reversion writes are the last RWs of its last step.
pub fn call_reversions(trace: &Trace) -> Vec<(bool, u64)> {
    let mut out = vec![(true, 0u64); trace.calls.len()];
    for (id, call) in trace.calls.iter().enumerate() {
        let parent = call.parent.and_then(|p| out.get(p)).is_none_or(|p| p.0);
        out[id].0 = call.success && parent;
    }
    for step in trace.txs.iter().flat_map(|tx| tx.steps.iter()) {
        let code_step = matches!(step.kind, StepKind::Op(_) | StepKind::Error { .. });
        if let Some(entry) = out.get_mut(step.call_index).filter(|e| code_step && !e.0) {
            entry.1 = (step.rw_counter + step.rw_count).saturating_sub(1);
        }
    }
    out
}

/// The step state of `step` in `trace` (`reversions` from [`call_reversions`]).
pub fn step_values(trace: &Trace, step: &Step, reversions: &[(bool, u64)]) -> StepValues {
    let call = trace.calls.get(step.call_index);
    // Steps that run no code hold no code hash (the circuit pins it to zero there).
    let runs_code = matches!(step.kind, StepKind::Op(_) | StepKind::Error { .. });
    let (code_hash_lo, code_hash_hi) =
        call.filter(|_| runs_code).map(|c| hash_halves(&c.code_hash.0)).unwrap_or_default();
    let opcode = match step.kind {
        StepKind::Op(op) | StepKind::Error { opcode: op, .. } => op as u64,
        _ => 0,
    };
    // Steps outside code (BeginTx, EndTx, EndBlock) carry no reversion state.
    let (is_persistent, rw_counter_end_of_reversion) = match step.kind {
        StepKind::Op(_) | StepKind::Error { .. } => {
            reversions.get(step.call_index).copied().unwrap_or((true, 0))
        }
        _ => (false, 0),
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
        is_persistent: is_persistent as u64,
        rw_counter_end_of_reversion,
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
