//! REVERT and exceptional halts of the root call on whole traces: the call's reversible writes
//! (value transfer, warm flags, storage, transient storage, refund counter) are undone by the
//! writes its ending step carries, the receipt says it failed, and a halt consumes all gas.
//! Lies about an undo, the reversion range, the gas after a halt, the halt's cause and the
//! receipt are rejected by the MockProver. Invalid jumps (onto an opcode, into push data, past
//! the code, to a destination of 2^256 − 1) halt; a valid jump or a JUMPI not taken cannot be
//! claimed invalid. SSTOREs out of gas (the sentry's 2300, a cold clean change costing more
//! than the gas left) halt; an affordable one cannot be claimed out of gas. RETURNDATACOPY of
//! nothing succeeds; past the (empty) return data it halts, and a copy within it cannot be
//! claimed past it. Out of gas on EXP and MCOPY is in [`crate::oog`].

use alloy_primitives::{address, Address, U256};
use zkevm_executor::batch::{Batch, BatchAccount, BatchBlock, BatchTx};
use zkevm_executor::trace::{ExecError, ReceiptField, RwTarget, StepKind};
use zkevm_executor::{trace_batch, Trace};

use zkevm_soundness::mutation::forgery::ForgeryBench;

use crate::support::{assert_forgery_rejected, assert_rejected, mock_super_circuit};

const ALICE: Address = address!("0xa11ce00000000000000000000000000000000001");
const CONTRACT: Address = address!("0xc000000000000000000000000000000000000001");
const COINBASE: Address = address!("0xc0ffee0000000000000000000000000000000000");

/// One call of `code` (slot 1 holds 5 beforehand) with 7 wei and `gas` gas.
fn trace_call(code: Vec<u8>, gas: u64) -> Trace {
    trace_call_with(code, gas, 7)
}

/// One call of `code` (slot 1 holds 5 beforehand) with `value` wei and `gas` gas.
fn trace_call_with(code: Vec<u8>, gas: u64, value: u64) -> Trace {
    trace_call_input(code, gas, value, Vec::new())
}

/// One call of `code` (slot 1 holds 5 beforehand) with `value` wei, `gas` gas and `input`.
pub(crate) fn trace_call_input(code: Vec<u8>, gas: u64, value: u64, input: Vec<u8>) -> Trace {
    let mut batch = Batch::new(BatchBlock::simple(COINBASE, 10));
    batch
        .pre
        .insert(ALICE, BatchAccount { balance: U256::from(10u128.pow(20)), ..Default::default() });
    let mut storage = std::collections::BTreeMap::new();
    storage.insert(U256::from(1), U256::from(5));
    batch.pre.insert(CONTRACT, BatchAccount { code: code.into(), storage, ..Default::default() });
    batch.transactions.push(BatchTx {
        sender: Some(ALICE),
        tx_type: Some(2),
        nonce: Some(0),
        gas_limit: Some(gas),
        max_fee_per_gas: Some(30),
        max_priority_fee_per_gas: Some(2),
        to: Some(CONTRACT),
        value: U256::from(value),
        data: input.into(),
        ..Default::default()
    });
    let input = batch.to_input("revert test").expect("batch builds");
    trace_batch(&input, "revert test").expect("traces").trace
}

/// Writes that a failing call makes: slot 0 set twice, slot 1 cleared (a refund), a
/// transient slot, a warm SLOAD, then a word in memory.
fn writes() -> Vec<u8> {
    vec![
        0x60, 0x01, 0x5f, 0x55, // SSTORE(0, 1)
        0x60, 0x02, 0x5f, 0x55, // SSTORE(0, 2)
        0x5f, 0x60, 0x01, 0x55, // SSTORE(1, 0): clears, refund
        0x60, 0x04, 0x5f, 0x5d, // TSTORE(0, 4)
        0x60, 0x03, 0x54, 0x50, // SLOAD(3), POP
        0x60, 0xab, 0x5f, 0x52, // MSTORE(0, 0xab)
    ]
}

/// The writes, then REVERT with 32 bytes of memory.
fn reverting() -> Trace {
    let mut code = writes();
    code.extend([0x60, 0x20, 0x5f, 0xfd]); // REVERT(0, 32)
    trace_call(code, 200_000)
}

/// The writes, then INVALID.
fn invalid() -> Trace {
    let mut code = writes();
    code.push(0xfe);
    trace_call(code, 200_000)
}

pub(crate) fn mock(trace: Trace) -> Result<(), Vec<String>> {
    zkevm_executor::ReplayCheck::check(&trace).map_err(|e| vec![format!("replay: {e}")])?;
    mock_super_circuit(trace)
}

/// The index of the step that ends the root call (the one before EndTx).
pub(crate) fn ending_step(trace: &Trace) -> usize {
    trace.txs[0].steps.len() - 2
}

/// RW indices of the ending step's reversion range.
fn reversion_range(trace: &Trace) -> std::ops::Range<usize> {
    let step = &trace.txs[0].steps[ending_step(trace)];
    let end = (step.rw_counter + step.rw_count - 1) as usize;
    end - step.reversible_write_counter as usize..end
}

#[test]
fn a_reverted_call_passes() {
    let trace = reverting();
    assert!(matches!(trace.txs[0].outcome, zkevm_executor::trace::TxOutcome::Revert { .. }));
    let step = &trace.txs[0].steps[ending_step(&trace)];
    assert_eq!(step.kind, StepKind::Op(0xfd));
    // Value transfer (2), 3 SSTOREs (2 each) and a refund change, TSTORE, SLOAD's warm flag.
    assert_eq!(step.reversible_write_counter, 2 + 6 + 1 + 1 + 1);
    assert_eq!(mock(trace), Ok(()));
}

#[test]
fn an_invalid_opcode_halts_and_reverts() {
    let trace = invalid();
    let step = &trace.txs[0].steps[ending_step(&trace)];
    assert_eq!(step.kind, StepKind::Error { opcode: 0xfe, error: ExecError::InvalidOpcode });
    assert_eq!(trace.txs[0].steps.last().map(|s| s.gas_left), Some(0));
    assert_eq!(mock(trace), Ok(()));
}

#[test]
fn out_of_gas_stack_underflow_and_unassigned_opcodes_halt() {
    // SSTORE(0, 1), then a loop of PUSH0s until the gas runs out on a PUSH0 (2 gas).
    let out_of_gas = trace_call(vec![0x60, 0x01, 0x5f, 0x55, 0x5b, 0x5f, 0x60, 0x04, 0x56], 43_500);
    // SSTORE(0, 1), then ADD on an empty stack.
    let underflow = trace_call(vec![0x60, 0x01, 0x5f, 0x55, 0x01], 100_000);
    // TSTORE(0, 1), then the unassigned byte 0x0c.
    let unassigned = trace_call(vec![0x60, 0x01, 0x5f, 0x5d, 0x0c], 100_000);
    for (trace, error) in [
        (out_of_gas, ExecError::OutOfGas),
        (underflow, ExecError::StackUnderflow),
        (unassigned, ExecError::InvalidOpcode),
    ] {
        let step = &trace.txs[0].steps[ending_step(&trace)];
        assert!(
            matches!(&step.kind, StepKind::Error { error: e, .. } if *e == error),
            "{:?}",
            step.kind
        );
        assert_eq!(mock(trace), Ok(()), "{error:?}");
    }
}

/// An exceptional halt is proven by the condition that holds, whatever the executor's label
/// says (revm names some stack underflows overflows): an ADD on an empty stack labelled as an
/// overflow, or as running out of gas, still halts.
#[test]
fn a_halt_is_proven_by_its_facts_not_its_label() {
    for label in [ExecError::StackOverflow, ExecError::OutOfGas] {
        // SSTORE(0, 1), then ADD on an empty stack.
        let mut trace = trace_call(vec![0x60, 0x01, 0x5f, 0x55, 0x01], 100_000);
        let at = ending_step(&trace);
        let StepKind::Error { error, .. } = &mut trace.txs[0].steps[at].kind else {
            panic!("the ADD halts")
        };
        *error = label.clone();
        assert_eq!(mock(trace), Ok(()), "{label:?}");
    }
}

#[test]
fn a_wrong_undo_is_rejected() {
    // The undo of the first SSTORE's slot write restores 7 instead of 0.
    let mut trace = reverting();
    let range = reversion_range(&trace);
    let undo = range
        .clone()
        .rev()
        .find(|&i| matches!(trace.rws[i].target, RwTarget::Storage { .. }))
        .expect("a storage undo");
    trace.rws[undo].value = U256::from(7);
    let target = trace.rws[undo].target;
    for rw in trace.rws[undo + 1..].iter_mut().filter(|rw| rw.target == target) {
        rw.access = zkevm_executor::trace::RwAccess::Write { prev: U256::from(7) };
    }
    assert_rejected(trace, "evm: rw lookup");
}

#[test]
fn a_skipped_undo_is_rejected() {
    // REVERT claims one reversible write fewer: the first write (the value the sender paid)
    // would have no undo in the range.
    let mut trace = reverting();
    let end = ending_step(&trace);
    trace.txs[0].steps[end].reversible_write_counter -= 1;
    assert_rejected(trace, "reverted: the reversion range follows the step's RWs");
}

#[test]
fn an_rw_counter_that_skips_the_range_wrongly_is_rejected() {
    let mut trace = reverting();
    let end = ending_step(&trace);
    let step = &mut trace.txs[0].steps[end];
    step.rw_count -= 1;
    trace.txs[0].steps[end + 1].rw_counter -= 1;
    assert_rejected(trace, "reverted: rw_counter jumps over the reversion range");
}

#[test]
fn witness_generation_names_a_step_whose_rws_its_gadget_does_not_read() {
    // The same lie: EndTx now starts one RW early, on the reverted call's last undo.
    let mut trace = reverting();
    let end = ending_step(&trace);
    trace.txs[0].steps[end].rw_count -= 1;
    trace.txs[0].steps[end + 1].rw_counter -= 1;
    let params = zkevm_circuits::super_circuit::ChunkParams::fitting(&trace);
    let refused =
        zkevm_circuits::super_circuit::SuperCircuit::new(std::sync::Arc::new(trace), params);
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.starts_with("malformed witness: step EndTx"), "{message}");
    assert!(message.contains("gadget EndTx"), "{message}");
    assert!(message.contains("should be a read of call context IsSuccess"), "{message}");
    assert!(message.contains("found a write of Account"), "{message}");
}

/// Inserts RW `rw` at `index` of the log, renumbering the RWs and steps after it.
fn insert_rw(trace: &mut Trace, index: usize, rw: zkevm_executor::trace::Rw) {
    trace.rws.insert(index, rw);
    for (i, rw) in trace.rws.iter_mut().enumerate() {
        rw.rw_counter = i as u64 + 1;
    }
    let counter = index as u64 + 1;
    for step in trace.txs.iter_mut().flat_map(|tx| tx.steps.iter_mut()) {
        if step.rw_counter > counter {
            step.rw_counter += 1;
        } else if step.rw_counter + step.rw_count > counter - 1 && step.rw_counter <= counter {
            step.rw_count += 1;
        }
    }
    trace.end_block.rw_counter += 1;
}

#[test]
fn gas_left_after_a_halt_is_zero() {
    // The halt leaves 1000 gas, which EndTx returns to the sender (an extra balance write,
    // less fee to the coinbase, less cumulative gas): only the halt can object.
    let mut trace = invalid();
    let kept = 1000u64;
    let end_tx = trace.txs[0].steps.len() - 1;
    let price = U256::from(trace.txs[0].effective_gas_price);
    let base_fee = U256::from(trace.block.base_fee);
    trace.txs[0].steps[end_tx].gas_left = kept;
    let first = trace.txs[0].steps[end_tx].rw_counter as usize - 1;
    let sender =
        RwTarget::Account { address: ALICE, field: zkevm_executor::trace::AccountField::Balance };
    let balance =
        trace.rws[..first].iter().rev().find(|rw| rw.target == sender).expect("paid").value;
    let refund =
        zkevm_executor::trace::Rw::write(0, sender, balance + U256::from(kept) * price, balance);
    insert_rw(&mut trace, first + 2, refund);
    for rw in trace.rws[first..].iter_mut() {
        match rw.target {
            RwTarget::Account { address: COINBASE, .. } => {
                rw.value -= (price - base_fee) * U256::from(kept);
            }
            RwTarget::TxReceipt { field: ReceiptField::CumulativeGasUsed, .. } => {
                rw.value -= U256::from(kept);
            }
            _ => {}
        }
    }
    assert_rejected(trace, "halt: no gas left");
}

/// An affordable, well-formed JUMPDEST claimed to halt, for each cause the halt gadget
/// proves. Witness generation finds no condition that holds and refuses it; the forged witness
/// (built past that check, claiming the label's cause) is rejected by that cause's constraint.
#[test]
fn an_affordable_step_cannot_be_claimed_to_halt() {
    for (error, constraint) in [
        (ExecError::OutOfGas, "halt: gas left is below the cost"),
        (ExecError::StackUnderflow, "halt: fewer items than the opcode pops"),
        (ExecError::StackOverflow, "halt: more than 1024 items after the opcode"),
        (ExecError::InvalidOpcode, "halt: INVALID or an unassigned byte"),
    ] {
        // JUMPDEST (cost 1, plenty of gas left) claimed to halt before INVALID.
        let mut trace = trace_call_with(vec![0x5b, 0xfe], 100_000, 0);
        let jumpdest = 1;
        assert_eq!(trace.txs[0].steps[jumpdest].kind, StepKind::Op(0x5b));
        trace.txs[0].steps[jumpdest].kind = StepKind::Error { opcode: 0x5b, error };
        assert!(
            mock_super_circuit(trace.clone())
                .is_err_and(|e| e.iter().any(|f| f.contains("does not prove"))),
            "witness generation refuses it"
        );
        let bench = ForgeryBench::new(trace).expect("the forged witness lays out");
        assert_forgery_rejected(bench.verdict(Vec::new()), constraint);
    }
}

#[test]
fn a_reverted_receipt_cannot_claim_success() {
    let mut trace = reverting();
    let receipt = trace
        .rws
        .iter()
        .position(|rw| {
            matches!(rw.target, RwTarget::TxReceipt { field: ReceiptField::Success, .. })
        })
        .expect("receipt");
    trace.rws[receipt].value = U256::from(1);
    assert_rejected(trace, "evm: rw lookup");
}

/// SSTORE(0, 1), then `jump` (which must jump nowhere valid), then bytes that follow it.
fn jumping(jump: &[u8], tail: &[u8]) -> Trace {
    let mut code = vec![0x60, 0x01, 0x5f, 0x55];
    code.extend(jump);
    code.extend(tail);
    trace_call(code, 100_000)
}

#[test]
fn invalid_jumps_halt_and_revert() {
    // Code: SSTORE (4 bytes), then the jump at 4.
    let cases = [
        // JUMP to 7, an ADD.
        ("onto an opcode", jumping(&[0x60, 0x07, 0x56], &[0x01, 0x00])),
        // JUMP to 8, a 0x5b inside PUSH1's data.
        ("into push data", jumping(&[0x60, 0x08, 0x56], &[0x60, 0x5b, 0x00])),
        // JUMPI (condition 1) to 200, past the code's end.
        ("past the code", jumping(&[0x60, 0x01, 0x60, 0xc8, 0x57], &[0x00])),
        // JUMP to 2^256 - 1.
        ("to 2^256 - 1", jumping(&[0x5f, 0x19, 0x56], &[0x5b, 0x00])),
    ];
    for (what, trace) in cases {
        let step = &trace.txs[0].steps[ending_step(&trace)];
        assert!(
            matches!(&step.kind, StepKind::Error { error: ExecError::InvalidJump, .. }),
            "{what}: {:?}",
            step.kind
        );
        assert_eq!(trace.txs[0].steps.last().map(|s| s.gas_left), Some(0), "{what}");
        assert_eq!(mock(trace), Ok(()), "{what}");
    }
}

#[test]
fn a_valid_jump_cannot_be_claimed_invalid() {
    // JUMP to 3, a JUMPDEST, claimed to be an invalid jump (no writes to undo before it).
    let mut trace = trace_call_with(vec![0x60, 0x03, 0x56, 0x5b, 0x00], 100_000, 0);
    let jump = trace.txs[0].steps.iter().position(|s| s.kind == StepKind::Op(0x56)).expect("JUMP");
    trace.txs[0].steps[jump].kind = StepKind::Error { opcode: 0x56, error: ExecError::InvalidJump };
    assert_rejected(trace, "invalid jump: not a JUMPDEST that is code");
}

#[test]
fn a_jumpi_not_taken_cannot_be_claimed_invalid() {
    // JUMPI with condition 0 to 200 (no jump), claimed to be an invalid jump.
    let mut trace = trace_call_with(vec![0x5f, 0x60, 0xc8, 0x57, 0x00], 100_000, 0);
    let jumpi =
        trace.txs[0].steps.iter().position(|s| s.kind == StepKind::Op(0x57)).expect("JUMPI");
    trace.txs[0].steps[jumpi].kind =
        StepKind::Error { opcode: 0x57, error: ExecError::InvalidJump };
    assert_rejected(trace, "invalid jump: JUMPI's condition is not zero");
}

/// SSTORE(1, calldata word 0) with `gas` gas: the code is PUSH0, CALLDATALOAD, PUSH1 1,
/// SSTORE, STOP; intrinsic gas is 21,140 (one nonzero calldata byte), and the pushes cost 8, so
/// SSTORE starts with `gas − 21,148` left.
fn storing(word: u8, gas: u64) -> Trace {
    storing_after(&[], word, gas)
}

/// [`storing`] after `prefix` (which must leave the stack as it found it).
fn storing_after(prefix: &[u8], word: u8, gas: u64) -> Trace {
    let mut input = vec![0u8; 32];
    input[31] = word;
    let mut code = prefix.to_vec();
    code.extend([0x5f, 0x35, 0x60, 0x01, 0x55, 0x00]);
    trace_call_input(code, gas, 0, input)
}

#[test]
fn sstore_out_of_gas_halts_and_reverts() {
    let cases = [
        // 2,000 gas left: at most 2300 (EIP-2200's sentry).
        ("sentry", storing(7, 23_148)),
        // 2,394 gas left, slot 1 (cold, 5) set to 7 costs 2,100 + 2,900.
        ("cost", storing(7, 23_542)),
        // SLOAD(1) first (2,105 with PUSH1 and POP): the slot is warm, the change costs 2,900.
        ("warm", storing_after(&[0x60, 0x01, 0x54, 0x50], 7, 25_647)),
    ];
    for (what, trace) in cases {
        let step = &trace.txs[0].steps[ending_step(&trace)];
        assert_eq!(
            step.kind,
            StepKind::Error { opcode: 0x55, error: ExecError::OutOfGas },
            "{what}"
        );
        assert_eq!(trace.txs[0].steps.last().map(|s| s.gas_left), Some(0), "{what}");
        assert_eq!(mock(trace), Ok(()), "{what}");
    }
    // With enough gas, the same store completes.
    let trace = storing(7, 26_200);
    assert_eq!(trace.txs[0].steps[ending_step(&trace) - 1].kind, StepKind::Op(0x55));
}

#[test]
fn an_affordable_sstore_cannot_be_claimed_out_of_gas() {
    // The halt of `storing(7, 23_542)` with the calldata word changed to 5: SSTORE(1, 5) on a
    // slot holding 5 costs 2,200 < 2,394 (and 2,394 > 2,300), so the claimed halt is false.
    // The transaction's input, CALLDATALOAD's push and SSTORE's read all say 5, so only the
    // halt's own condition is false.
    let mut trace = storing(7, 23_542);
    let mut input = trace.txs[0].input.to_vec();
    input[31] = 5;
    trace.txs[0].input = input.into();
    let mut changed = 0;
    for rw in trace.rws.iter_mut() {
        if matches!(rw.target, RwTarget::Stack { .. }) && rw.value == U256::from(7) {
            rw.value = U256::from(5);
            if let Some(prev) = rw.value_prev().as_mut().filter(|p| **p == U256::from(7)) {
                *prev = U256::from(5);
            }
            changed += 1;
        }
    }
    assert_eq!(changed, 2, "CALLDATALOAD's push and SSTORE's read");
    assert_rejected(trace, "SSTORE out of gas: at most 2300 gas left, or less than the cost");
}

/// SSTORE(0, 1), then RETURNDATACOPY with `size`, `offset` and `dest` pushed by `pushes`
/// (size first, dest last), then STOP.
fn copying_return_data(pushes: &[u8]) -> Trace {
    let mut code = vec![0x60, 0x01, 0x5f, 0x55];
    code.extend(pushes);
    code.extend([0x3e, 0x00]);
    trace_call(code, 100_000)
}

#[test]
fn returndatacopy_of_nothing_passes_and_past_the_data_halts() {
    // size 0, offset 0, dest 0xff: copies nothing, touches no memory.
    let trace = copying_return_data(&[0x5f, 0x5f, 0x60, 0xff]);
    let copy = ending_step(&trace) - 1;
    assert_eq!(trace.txs[0].steps[copy].kind, StepKind::Op(0x3e));
    assert_eq!(trace.txs[0].steps[copy].gas_cost, 3);
    assert_eq!(mock(trace), Ok(()));
    let cases = [
        ("one byte", vec![0x60, 0x01, 0x5f, 0x5f], ExecError::ReturnDataOutOfBounds),
        ("nothing at offset 1", vec![0x5f, 0x60, 0x01, 0x5f], ExecError::ReturnDataOutOfBounds),
        ("offset 2^256 - 1", vec![0x5f, 0x5f, 0x19, 0x5f], ExecError::ReturnDataOutOfBounds),
        ("size 2^256 - 1", vec![0x5f, 0x19, 0x5f, 0x5f], ExecError::InvalidOperand),
    ];
    for (what, pushes, error) in cases {
        let trace = copying_return_data(&pushes);
        let step = &trace.txs[0].steps[ending_step(&trace)];
        assert_eq!(step.kind, StepKind::Error { opcode: 0x3e, error }, "{what}");
        assert_eq!(mock(trace), Ok(()), "{what}");
    }
}

#[test]
fn a_copy_within_the_return_data_cannot_be_claimed_past_it() {
    // RETURNDATACOPY(0, 0, 0) claimed to be past the (empty) data.
    let mut trace = trace_call_with(vec![0x5f, 0x5f, 0x5f, 0x3e, 0x00], 100_000, 0);
    let copy =
        trace.txs[0].steps.iter().position(|s| s.kind == StepKind::Op(0x3e)).expect("the copy");
    trace.txs[0].steps[copy].kind =
        StepKind::Error { opcode: 0x3e, error: ExecError::ReturnDataOutOfBounds };
    assert_rejected(trace, "RETURNDATACOPY past the data: offset + size > L");
}

#[test]
fn a_copy_past_the_return_data_cannot_be_claimed_to_succeed() {
    // RETURNDATACOPY(0, 1, 0) (nothing at offset 1) halts; claimed to succeed.
    let mut trace = trace_call_with(vec![0x5f, 0x60, 0x01, 0x5f, 0x3e, 0x00], 100_000, 0);
    let copy = ending_step(&trace);
    assert!(matches!(trace.txs[0].steps[copy].kind, StepKind::Error { opcode: 0x3e, .. }));
    trace.txs[0].steps[copy].kind = StepKind::Op(0x3e);
    assert_rejected(trace, "RETURNDATACOPY: offset within the data");
}

/// SSTORE(0, 1), then `tail` with 100,000 gas.
fn after_a_store(tail: &[u8]) -> Trace {
    let mut code = vec![0x60, 0x01, 0x5f, 0x55];
    code.extend(tail);
    trace_call(code, 100_000)
}

/// PUSH3 2^20.
const PUSH_2_20: [u8; 4] = [0x62, 0x10, 0x00, 0x00];

#[test]
fn memory_priced_opcodes_run_out_of_gas_and_halt() {
    let with = |before: &[u8], op: &[u8]| {
        let mut tail = before.to_vec();
        tail.extend(op);
        tail.push(0x00);
        after_a_store(&tail)
    };
    let big = PUSH_2_20;
    let cases = [
        // MLOAD and MSTORE8 at 2^20: 32,769 words of memory cost over 2 million gas.
        ("MLOAD", 0x51, with(&big, &[0x51])),
        ("MSTORE8", 0x53, with(&[&[0x5f][..], &big].concat(), &[0x53])),
        // KECCAK256, RETURN and LOG1 of 2^20 bytes at 0.
        ("KECCAK256", 0x20, with(&[&big[..], &[0x5f]].concat(), &[0x20])),
        ("RETURN", 0xf3, with(&[&big[..], &[0x5f]].concat(), &[0xf3])),
        ("LOG1", 0xa1, with(&[&[0x5f][..], &big, &[0x5f]].concat(), &[0xa1])),
        // CALLDATACOPY and CODECOPY of 2^20 bytes to 0.
        ("CALLDATACOPY", 0x37, with(&[&big[..], &[0x5f, 0x5f]].concat(), &[0x37])),
        ("CODECOPY", 0x39, with(&[&big[..], &[0x5f, 0x5f]].concat(), &[0x39])),
        // A LOG0 of 12,000 bytes within 1,024 bytes of memory... past the gas: 375 + 96,000.
        ("LOG0 priced per byte", 0xa0, with(&[0x61, 0x2e, 0xe0, 0x5f], &[0xa0])),
    ];
    for (what, opcode, trace) in cases {
        let step = &trace.txs[0].steps[ending_step(&trace)];
        assert_eq!(step.kind, StepKind::Error { opcode, error: ExecError::OutOfGas }, "{what}");
        assert_eq!(mock(trace), Ok(()), "{what}");
    }
}

#[test]
fn an_affordable_memory_access_cannot_be_claimed_out_of_gas() {
    // The MLOAD at 2^20 above, with its offset changed to 0 in the push and the read: an MLOAD
    // at 0 costs 6, far below the gas left.
    let mut tail = PUSH_2_20.to_vec();
    tail.extend([0x51, 0x00]);
    let mut trace = after_a_store(&tail);
    let mut changed = 0;
    for rw in trace.rws.iter_mut() {
        if matches!(rw.target, RwTarget::Stack { .. }) && rw.value == U256::from(1u64 << 20) {
            rw.value = U256::ZERO;
            changed += 1;
        }
    }
    assert_eq!(changed, 2, "the push and the read");
    assert_rejected(trace, "memory out of gas: gas left is below the cost");
}
