//! The SuperCircuit on whole traces: native transfers and a contract call pass the MockProver;
//! lies about fees, nonces, refunds, receipts and outcomes are rejected; what has no gadget yet
//! is refused as `Unsupported`.

use std::sync::Arc;

use alloy_primitives::{address, Address, U256};
use halo2_proofs::halo2curves::bn256::Fr;
use zkevm_circuits::super_circuit::{ChunkParams, SuperCircuit};
use zkevm_circuits::CircuitError;
use zkevm_executor::batch::{Batch, BatchAccount, BatchBlock, BatchTx};
use zkevm_executor::trace::{AccountField, ReceiptField, RwTarget};
use zkevm_executor::{trace_batch, Trace};

use crate::support::{assert_rejected, mock_super_circuit as mock};

const ALICE: Address = address!("0xa11ce00000000000000000000000000000000001");
const BOB: Address = address!("0xb0b0000000000000000000000000000000000002");
const CONTRACT: Address = address!("0xc000000000000000000000000000000000000001");
const COINBASE: Address = address!("0xc0ffee0000000000000000000000000000000000");

fn batch() -> Batch {
    let mut batch = Batch::new(BatchBlock::simple(COINBASE, 10));
    batch
        .pre
        .insert(ALICE, BatchAccount { balance: U256::from(10u128.pow(20)), ..Default::default() });
    batch
        .pre
        .insert(BOB, BatchAccount { balance: U256::from(10u128.pow(18)), ..Default::default() });
    batch
}

fn tx(sender: Address, nonce: u64, to: Address, value: u64, tx_type: u8) -> BatchTx {
    BatchTx {
        sender: Some(sender),
        tx_type: Some(tx_type),
        nonce: Some(nonce),
        gas_limit: Some(100_000),
        gas_price: (tx_type == 0).then_some(20),
        max_fee_per_gas: (tx_type == 2).then_some(30),
        max_priority_fee_per_gas: (tx_type == 2).then_some(2),
        to: Some(to),
        value: U256::from(value),
        ..Default::default()
    }
}

fn trace(batch: &Batch) -> Trace {
    let input = batch.to_input("super circuit test").expect("batch builds");
    trace_batch(&input, "super circuit test").expect("traces").trace
}

/// Two native transfers (EIP-1559 and legacy) and a call into a small program with a value.
fn transfers_and_a_call() -> Trace {
    let mut batch = batch();
    let code = vec![
        0x60, 0x05, 0x61, 0x01, 0x02, 0x01, 0x80, 0x90, 0x03, 0x50, 0x5b, 0x58, 0x5a, 0x50, 0x50,
        0x59, 0x50, // MSIZE, POP
        0x5f, 0x5f, 0xf3, // RETURN of nothing
    ];
    batch.pre.insert(CONTRACT, BatchAccount { code: code.into(), ..Default::default() });
    batch.transactions.push(tx(ALICE, 0, BOB, 1_000_000, 2));
    batch.transactions.push(tx(BOB, 0, ALICE, 7, 0));
    batch.transactions.push(tx(ALICE, 1, CONTRACT, 3, 2));
    trace(&batch)
}

/// A contract exercising every SSTORE case (set, reset, clear, restore, no-op), SLOAD warm and
/// cold, TSTORE and TLOAD, called twice so that the second call sees committed values.
fn storage_calls() -> Trace {
    let mut batch = batch();
    let mut code = Vec::new();
    let sstore =
        |code: &mut Vec<u8>, value: u8, slot: u8| code.extend([0x60, value, 0x60, slot, 0x55]);
    sstore(&mut code, 0x2a, 1); // 0 -> 42: set (cold)
    code.extend([0x60, 0x01, 0x54, 0x50]); // SLOAD 1 (warm)
    sstore(&mut code, 0x00, 1); // 42 -> 0: dirty, restores the original zero
    sstore(&mut code, 0x05, 2); // 7 -> 5: reset (cold)
    sstore(&mut code, 0x00, 2); // 5 -> 0: dirty, clears
    sstore(&mut code, 0x07, 2); // 0 -> 7: dirty, un-clears and restores
    sstore(&mut code, 0x07, 2); // 7 -> 7: no-op
    sstore(&mut code, 0x09, 3); // 0 -> 9: set, kept for the second call
    code.extend([0x60, 0x03, 0x60, 0x09, 0x5d, 0x60, 0x09, 0x5c, 0x50]); // TSTORE, TLOAD
    code.extend([0x60, 0x04, 0x54, 0x50]); // SLOAD 4 (cold, empty)
    code.push(0x00);
    let mut storage = std::collections::BTreeMap::new();
    storage.insert(U256::from(2), U256::from(7));
    batch.pre.insert(CONTRACT, BatchAccount { code: code.into(), storage, ..Default::default() });
    batch.transactions.push(tx(ALICE, 0, CONTRACT, 0, 2));
    batch.transactions.push(tx(ALICE, 1, CONTRACT, 0, 0));
    trace(&batch)
}

/// Changes a write's value and every later access of that location until its next write.
fn lie_about_write(trace: &mut Trace, index: usize, value: U256) {
    let key = trace.rws[index].target.key();
    assert!(trace.rws[index].is_write());
    trace.rws[index].value = value;
    for rw in trace.rws[index + 1..].iter_mut().filter(|rw| rw.target.key() == key) {
        if rw.is_write() {
            rw.access = zkevm_executor::trace::RwAccess::Write { prev: value };
            break;
        }
        rw.value = value;
    }
}

fn find(trace: &Trace, pred: impl Fn(&RwTarget) -> bool, nth: usize) -> usize {
    trace
        .rws
        .iter()
        .enumerate()
        .filter(|(_, rw)| pred(&rw.target))
        .nth(nth)
        .map(|(i, _)| i)
        .expect("found")
}

/// Raises by `delta` the value of the `nth` access to `account`'s balance (a write), as
/// `lie_about_write` does.
fn raise_balance_write(trace: &mut Trace, account: Address, nth: usize, delta: u64) {
    let balance = |t: &RwTarget| matches!(t, RwTarget::Account { address, field: AccountField::Balance } if *address == account);
    let index = find(trace, balance, nth);
    let value = trace.rws[index].value + U256::from(delta);
    lie_about_write(trace, index, value);
}

#[test]
fn transfers_and_a_call_pass() {
    let trace = transfers_and_a_call();
    let params = ChunkParams::fitting(&trace);
    eprintln!("{params:?}, k = {}", params.k::<Fr>());
    assert_eq!(mock(trace), Ok(()));
}

#[test]
fn storage_operations_pass() {
    assert_eq!(mock(storage_calls()), Ok(()));
}

fn step_with(trace: &Trace, opcode: u8, nth: usize) -> (usize, usize) {
    trace
        .txs
        .iter()
        .enumerate()
        .flat_map(|(t, tx)| tx.steps.iter().enumerate().map(move |(i, s)| (t, i, s)))
        .filter(|(_, _, s)| s.kind == zkevm_executor::trace::StepKind::Op(opcode))
        .nth(nth)
        .map(|(t, i, _)| (t, i))
        .expect("the step exists")
}

#[test]
fn a_wrong_storage_gas_is_rejected() {
    // Every SSTORE case and both SLOADs: charging one gas less fails.
    for (opcode, nth) in
        [(0x55, 0), (0x55, 1), (0x55, 2), (0x55, 3), (0x55, 4), (0x55, 5), (0x54, 0), (0x54, 1)]
    {
        let mut trace = storage_calls();
        let (t, i) = step_with(&trace, opcode, nth);
        trace.txs[t].steps[i + 1].gas_left += 1;
        assert_rejected(trace, "gas is charged");
    }
}

#[test]
fn a_wrong_refund_counter_is_rejected() {
    let mut trace = storage_calls();
    let refund = find(&trace, |t| matches!(t, RwTarget::TxRefund { .. }), 0);
    let value = trace.rws[refund].value + U256::from(1);
    lie_about_write(&mut trace, refund, value);
    assert_rejected(trace, "evm: rw lookup");
}

#[test]
fn a_cold_slot_cannot_be_claimed_warm() {
    let mut trace = storage_calls();
    let warm = find(&trace, |t| matches!(t, RwTarget::TxAccessListStorage { .. }), 0);
    trace.rws[warm].access = zkevm_executor::trace::RwAccess::Write { prev: U256::from(1) };
    assert_rejected(trace, "gas is charged");
}

#[test]
fn a_wrong_memory_size_is_rejected() {
    let mut trace = transfers_and_a_call();
    let (t, i) = step_with(&trace, 0x59, 0);
    let index = trace.txs[t].steps[i].rw_counter as usize - 1;
    lie_about_write(&mut trace, index, U256::from(32));
    assert_rejected(trace, "evm: rw lookup");
}

#[test]
fn returning_data_passes() {
    let mut batch = batch();
    let code = vec![0x60, 0x20, 0x5f, 0xf3]; // RETURN 32 bytes from offset 0
    batch.pre.insert(CONTRACT, BatchAccount { code: code.into(), ..Default::default() });
    batch.transactions.push(tx(ALICE, 0, CONTRACT, 0, 2));
    mock(trace(&batch)).expect("RETURN of data from the root call passes");
}

#[test]
fn the_demo_batch_passes() {
    let demo = zkevm_executor::demo::demo_batch();
    mock(trace(&demo)).expect("native and token transfers pass");
}

#[test]
fn a_wrong_fee_is_rejected() {
    let mut trace = transfers_and_a_call();
    raise_balance_write(&mut trace, ALICE, 0, 1);
    assert_rejected(trace, "BeginTx: fee paid");
}

#[test]
fn a_wrong_nonce_is_rejected() {
    let mut trace = transfers_and_a_call();
    trace.txs[2].nonce = 5;
    assert_rejected(trace, "evm: rw lookup");
}

#[test]
fn a_wrong_transfer_is_rejected() {
    let mut trace = transfers_and_a_call();
    raise_balance_write(&mut trace, BOB, 0, 1);
    assert_rejected(trace, "BeginTx: callee receives the value");
}

#[test]
fn a_wrong_refund_is_rejected() {
    let mut trace = transfers_and_a_call();
    raise_balance_write(&mut trace, ALICE, 1, 20);
    assert_rejected(trace, "EndTx: sender refund");
}

#[test]
fn a_wrong_coinbase_fee_is_rejected() {
    let mut trace = transfers_and_a_call();
    let fee =
        find(&trace, |t| matches!(t, RwTarget::Account { address, .. } if *address == COINBASE), 0);
    let value = trace.rws[fee].value - U256::from(1);
    lie_about_write(&mut trace, fee, value);
    assert_rejected(trace, "EndTx: coinbase fee");
}

#[test]
fn a_wrong_cumulative_gas_is_rejected() {
    let mut trace = transfers_and_a_call();
    let receipt = trace
        .rws
        .iter()
        .enumerate()
        .filter(|(_, rw)| {
            rw.is_write()
                && matches!(
                    rw.target,
                    RwTarget::TxReceipt { field: ReceiptField::CumulativeGasUsed, .. }
                )
        })
        .nth(1)
        .map(|(i, _)| i)
        .expect("found");
    let value = trace.rws[receipt].value + U256::from(1);
    lie_about_write(&mut trace, receipt, value);
    assert_rejected(trace, "evm: rw lookup");
}

#[test]
fn a_successful_call_cannot_be_reported_failed() {
    let mut trace = transfers_and_a_call();
    let flag = find(
        &trace,
        |t| {
            matches!(
                t,
                RwTarget::CallContext {
                    field: zkevm_executor::trace::CallContextField::IsSuccess,
                    ..
                }
            )
        },
        2,
    );
    // The call's outcome written as failure (and read so by RETURN and EndTx).
    lie_about_write(&mut trace, flag, U256::ZERO);
    assert_rejected(trace, "evm: rw lookup");
}

#[test]
fn unsupported_steps_are_named() {
    let mut batch = batch();
    let code = vec![0x5f, 0xff]; // SELFDESTRUCT(0)
    batch.pre.insert(CONTRACT, BatchAccount { code: code.into(), ..Default::default() });
    batch.transactions.push(tx(ALICE, 0, CONTRACT, 0, 2));
    let trace = trace(&batch);
    let params = ChunkParams::fitting(&trace);
    match SuperCircuit::new(Arc::new(trace), params) {
        Err(CircuitError::Unsupported(what)) => assert_eq!(what, "opcode SELFDESTRUCT"),
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

/// A PUSH whose immediate runs past the end of the code reads the missing bytes as zero: the
/// code `PUSH3 0x01 0x02` ends inside the PUSH3, which pushes 0x010200 (its two bytes, then a
/// zero), and the call stops. A forged trace that pushes 0x010201 instead (a nonzero byte past
/// the code) is rejected.
#[test]
fn a_push_cut_short_by_the_end_of_the_code_reads_zeros() {
    let mut batch = batch();
    let code = vec![0x62, 0x01, 0x02]; // PUSH3 0x01 0x02, then the end of the code
    batch.pre.insert(CONTRACT, BatchAccount { code: code.into(), ..Default::default() });
    batch.transactions.push(tx(ALICE, 0, CONTRACT, 0, 2));
    let trace = trace(&batch);
    let push = trace
        .rws
        .iter()
        .position(|rw| matches!(rw.target, RwTarget::Stack { .. }) && rw.is_write())
        .expect("the PUSH3 writes the stack");
    assert_eq!(trace.rws[push].value, U256::from(0x010200));
    assert_eq!(mock(trace.clone()), Ok(()));
    let mut forged = trace;
    forged.rws[push].value = U256::from(0x010201);
    assert_rejected(forged, "PUSH: bytes past n or past the code are zero");
}

#[test]
fn code_ending_without_stop_stops() {
    let mut batch = batch();
    let code = vec![0x60, 0x01, 0x5f, 0x55]; // PUSH1 1, PUSH0, SSTORE, then the end of the code
    batch.pre.insert(CONTRACT, BatchAccount { code: code.into(), ..Default::default() });
    batch.transactions.push(tx(ALICE, 0, CONTRACT, 0, 2));
    let trace = trace(&batch);
    assert_eq!(mock(trace.clone()), Ok(()));
    // A STOP claimed before the end of the code, where the byte is not 0x00, is rejected.
    let mut early = trace;
    let stop = early.txs[0].steps.len() - 2;
    early.txs[0].steps[stop].pc -= 1;
    assert_rejected(early, "evm");
}
