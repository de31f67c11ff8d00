//! The EVM circuit's witness: each step of a trace with what its gadget needs.

use std::collections::BTreeMap;
use std::ops::Range;

use alloy_primitives::{Bytes, B256, U256};

use zkevm_executor::trace::{BlockContext, Rw, Step, StepKind, Trace, TxTrace};

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
    /// The step's transaction (none for padding and EndBlock).
    pub tx: Option<&'t TxTrace>,
    /// The block.
    pub block: &'t BlockContext,
    /// Every code of the trace, by hash.
    pub bytecodes: &'t BTreeMap<B256, Bytes>,
}

impl<'t> StepWitness<'t> {
    /// The step's RW at `index`. A malformed trace whose step has fewer RWs than its gadget
    /// reads is a synthesis error, never a panic.
    pub fn rw(&self, index: usize) -> Result<&'t Rw, halo2_proofs::plonk::Error> {
        self.rws.get(index).ok_or(halo2_proofs::plonk::Error::Synthesis)
    }

    /// The code whose hash is `hash`, if the trace keeps it.
    pub fn bytecode(&self, hash: U256) -> Option<&'t [u8]> {
        self.bytecodes.get(&B256::from(hash.to_be_bytes::<32>())).map(|code| code.as_ref())
    }

    /// The step's last RW (see [`StepWitness::rw`]).
    pub fn last_rw(&self) -> Result<&'t Rw, halo2_proofs::plonk::Error> {
        self.rws.last().ok_or(halo2_proofs::plonk::Error::Synthesis)
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
        });
    }
    Ok(witnesses)
}

/// The witnesses of a whole trace in `slots` step slots: every step, padding, and EndBlock in
/// the last slot. Any step the circuit cannot prove yet is `Unsupported`, naming it (with
/// `check`; without, the steps' shapes are taken as they are, for forged witnesses).
pub fn block_witnesses(
    trace: &Trace,
    slots: usize,
    check: bool,
) -> Result<Vec<StepWitness<'_>>, CircuitError> {
    let steps = all_steps(trace);
    let real = steps.len() - 1;
    if real + 1 > slots {
        return Err(CircuitError::CapacityExceeded {
            what: "EVM steps",
            needed: real + 1,
            capacity: slots,
        });
    }
    let mut witnesses = step_witnesses(trace, 0..real)?;
    for w in witnesses.iter().filter(|_| check) {
        check_supported(trace, w)?;
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
    };
    witnesses.extend((real + 1..slots).map(|_| closing(ExecutionState::Padding)));
    witnesses.push(closing(ExecutionState::EndBlock));
    Ok(witnesses)
}

fn unsupported(what: impl Into<String>) -> CircuitError {
    CircuitError::Unsupported(what.into())
}

/// What the gadgets assume of a step beyond its state: the shapes of BeginTx and EndTx, calls
/// that stay in the root frame, values within the limbs the gadgets use.
fn check_supported(trace: &Trace, w: &StepWitness<'_>) -> Result<(), CircuitError> {
    use super::gadgets::begin_tx::{EMPTY_CODE_HASH, PRECOMPILES};
    let depth = trace.calls.get(w.step.call_index).map_or(0, |c| c.depth);
    if depth > 0 {
        return Err(unsupported("sub-call"));
    }
    let Some(tx) = w.tx else { return Ok(()) };
    let limb = alloy_primitives::U256::from(1u8) << 128;
    match w.state {
        ExecutionState::BeginTx => {
            let Some(to) = tx.to else { return Err(unsupported("contract creation")) };
            if !tx.access_list.is_empty() {
                return Err(unsupported("transaction access list"));
            }
            if !tx.blob_hashes.is_empty() {
                return Err(unsupported("blob transaction"));
            }
            let to_number = alloy_primitives::U256::from_be_slice(to.as_slice());
            if !to_number.is_zero() && to_number <= alloy_primitives::U256::from(PRECOMPILES) {
                return Err(unsupported("transaction to a precompile"));
            }
            let priority = tx.max_priority_fee_per_gas.unwrap_or(tx.gas_price);
            if tx.gas_price >= 1 << 64 || priority >= 1 << 64 {
                return Err(unsupported("gas price of 2^64 wei or more"));
            }
            if alloy_primitives::U256::from(tx.gas_limit)
                * alloy_primitives::U256::from(tx.effective_gas_price)
                >= limb
            {
                return Err(unsupported("transaction fee of 2^128 wei or more"));
            }
            let transfers = if tx.value.is_zero() { 0 } else { 2 };
            if w.rws.len() != 28 + transfers {
                return Err(unsupported("BeginTx with an unexpected RW shape"));
            }
            let hash = w.rws[15].value.to_be_bytes::<32>();
            if hash != EMPTY_CODE_HASH && w.code.is_empty() {
                return Err(unsupported("callee with an unknown code hash"));
            }
        }
        ExecutionState::EndTx => {
            let gas_left = w.values.gas_left;
            let spent = tx.gas_limit.saturating_sub(gas_left);
            let counter = w.rws.get(1).map_or(0, |rw| rw.value.saturating_to::<u64>());
            let refund = counter.min(spent / 5);
            let price = alloy_primitives::U256::from(tx.effective_gas_price);
            let returned = alloy_primitives::U256::from(gas_left + refund) * price;
            let tip = tx.effective_gas_price.saturating_sub(trace.block.base_fee as u128);
            let reward =
                alloy_primitives::U256::from(tip) * alloy_primitives::U256::from(spent - refund);
            if returned >= limb || reward >= limb {
                return Err(unsupported("refund or fee of 2^128 wei or more"));
            }
            let expected = 6
                + usize::from(!returned.is_zero())
                + usize::from(!reward.is_zero())
                + usize::from(w.values.tx_id > 0);
            if w.rws.len() != expected {
                return Err(unsupported("EndTx with an unexpected RW shape (self-destruct)"));
            }
        }
        ExecutionState::ErrorHalt
            if !super::gadgets::error::covered(
                w.values.opcode as u8,
                w.values.stack_pointer,
                w.values.gas_left,
            ) =>
        {
            return Err(unsupported("exceptional halt whose condition the circuit does not prove"));
        }
        ExecutionState::ErrorInvalidJump
            if w.rws.len() as u64
                != w.values.reversible_write_counter + 1 + u64::from(w.values.opcode == 0x57) =>
        {
            return Err(unsupported("invalid jump with an unexpected RW shape"));
        }
        ExecutionState::ErrorOutOfGasSstore => {
            // Five reads; past the sentry, the warm flag (if cold) and the value are written
            // and undone with the call's writes.
            let cold = w.rws.get(3).is_some_and(|rw| rw.value.is_zero());
            let writes = if w.values.gas_left > super::gadgets::sstore_oog::SSTORE_SENTRY {
                1 + u64::from(cold)
            } else {
                0
            };
            if w.rws.len() as u64 != w.values.reversible_write_counter + 5 + 2 * writes {
                return Err(unsupported("SSTORE out of gas with an unexpected RW shape"));
            }
        }
        ExecutionState::ReturnDataCopy
            if w.rws.len() != 4 || w.rws.get(2).is_some_and(|rw| !rw.value.is_zero()) =>
        {
            return Err(unsupported("RETURNDATACOPY of return data (needs calls)"));
        }
        ExecutionState::ErrorReturnDataOutOfBounds
            if w.rws.len() as u64 != w.values.reversible_write_counter + 4 =>
        {
            return Err(unsupported("RETURNDATACOPY past the data with an unexpected RW shape"));
        }
        ExecutionState::ErrorOutOfGasMemory => {
            let fixed =
                zkevm_executor::opcodes::memory_gas(w.values.opcode as u8).is_some_and(|g| {
                    matches!(g.length, zkevm_executor::opcodes::RangeLength::Fixed(_))
                });
            let reads = 1 + u64::from(!fixed);
            if w.rws.len() as u64 != w.values.reversible_write_counter + reads {
                return Err(unsupported("memory out of gas with an unexpected RW shape"));
            }
            let limit = alloy_primitives::U256::from(super::gadgets::memory_oog::MAX_RANGE_BYTES);
            let length = if fixed { None } else { w.rws.get(1).map(|rw| rw.value) };
            let offset = w.rws.first().map(|rw| rw.value).unwrap_or_default();
            let nonempty = length.is_none_or(|l| !l.is_zero());
            if nonempty && (offset >= limit || length.is_some_and(|l| l >= limit)) {
                return Err(unsupported("out of gas on a memory range at or past 2^35 bytes"));
            }
        }
        ExecutionState::ErrorOutOfGasMcopy => {
            if w.rws.len() as u64 != w.values.reversible_write_counter + 3 {
                return Err(unsupported("MCOPY out of gas with an unexpected RW shape"));
            }
            let limit = alloy_primitives::U256::from(super::gadgets::memory_oog::MAX_RANGE_BYTES);
            let operand = |i: usize| w.rws.get(i).map(|rw| rw.value).unwrap_or_default();
            let (dest, src, size) = (operand(0), operand(1), operand(2));
            if !size.is_zero() && (dest >= limit || src >= limit || size >= limit) {
                return Err(unsupported("out of gas on a memory range at or past 2^35 bytes"));
            }
        }
        ExecutionState::ErrorOutOfGasExp
            if w.rws.len() as u64 != w.values.reversible_write_counter + 2 =>
        {
            return Err(unsupported("EXP out of gas with an unexpected RW shape"));
        }
        ExecutionState::ErrorHalt if w.rws.len() as u64 != w.values.reversible_write_counter => {
            // The halt changed state before failing (SSTORE's slot load): not covered yet.
            return Err(unsupported(format!(
                "error at {} after a state change",
                super::execution_state::opcode_name(w.values.opcode as u8)
            )));
        }
        _ => {}
    }
    Ok(())
}
