//! The replay check rejects every kind of lie about the RW log: each test corrupts one
//! field of an honest trace and asserts the precise error.

mod common;

use alloy_primitives::{Bytes, U256};
use common::*;
use revm::bytecode::opcode as op;
use zkevm_executor::trace::check::CheckError;
use zkevm_executor::trace::{AccountField, RwAccess, RwTarget, Trace};
use zkevm_executor::ReplayCheck;

/// An honest trace with storage, memory, a log and a keccak input.
fn honest() -> Trace {
    // SSTORE(1, 7); MSTORE(0, 0x1234); LOG1(30, 2, 0xaa); KECCAK256(0, 32)
    let code = vec![
        op::PUSH1,
        7,
        op::PUSH1,
        1,
        op::SSTORE,
        op::PUSH2,
        0x12,
        0x34,
        op::PUSH1,
        0,
        op::MSTORE,
        op::PUSH1,
        0xaa,
        op::PUSH1,
        2,
        op::PUSH1,
        30,
        op::LOG1,
        op::PUSH1,
        32,
        op::PUSH1,
        0,
        op::KECCAK256,
        op::STOP,
    ];
    let mut batch = batch_calling(code, vec![]);
    batch.pre.get_mut(&CONTRACT).expect("contract").storage.insert(U256::from(1), U256::from(3));
    let trace = trace(&batch).trace;
    assert_eq!(trace.check(), Ok(()));
    trace
}

fn index_of(trace: &Trace, pred: impl Fn(&zkevm_executor::trace::Rw) -> bool) -> usize {
    trace.rws.iter().position(pred).expect("rw present")
}

#[test]
fn a_read_of_a_wrong_stack_value_fails() {
    let mut t = honest();
    let i = index_of(&t, |rw| !rw.is_write() && matches!(rw.target, RwTarget::Stack { .. }));
    t.rws[i].value += U256::from(1);
    assert!(
        matches!(t.check(), Err(CheckError::StaleRead { rw_counter, .. }) if rw_counter == i as u64 + 1)
    );
}

#[test]
fn a_read_of_a_wrong_memory_value_fails() {
    let mut t = honest();
    let i = index_of(&t, |rw| !rw.is_write() && matches!(rw.target, RwTarget::Memory { .. }));
    t.rws[i].value = U256::from(99);
    assert!(matches!(
        t.check(),
        Err(CheckError::StaleRead { target: RwTarget::Memory { .. }, .. })
    ));
}

#[test]
fn a_write_lying_about_the_previous_value_fails() {
    let mut t = honest();
    let i = index_of(&t, |rw| rw.is_write() && matches!(rw.target, RwTarget::Storage { .. }));
    t.rws[i].access = RwAccess::Write { prev: U256::from(4) };
    assert!(matches!(t.check(), Err(CheckError::WrongPrevious { expected, got, .. })
        if expected == U256::from(3) && got == U256::from(4)));
}

#[test]
fn a_changed_storage_write_breaks_the_post_state() {
    let mut t = honest();
    let i = index_of(&t, |rw| rw.is_write() && matches!(rw.target, RwTarget::Storage { .. }));
    t.rws[i].value = U256::from(8);
    assert!(
        matches!(t.check(), Err(CheckError::PostStateMismatch { address, .. }) if address == CONTRACT)
    );
}

#[test]
fn a_wrong_committed_value_fails() {
    let mut t = honest();
    let i = index_of(&t, |rw| matches!(rw.target, RwTarget::Storage { .. }));
    if let RwTarget::Storage { committed_value, .. } = &mut t.rws[i].target {
        *committed_value = U256::from(5);
    }
    assert!(
        matches!(t.check(), Err(CheckError::WrongCommittedValue { expected, .. }) if expected == U256::from(3))
    );
}

#[test]
fn a_dropped_balance_write_breaks_the_post_state() {
    let mut t = honest();
    let i = index_of(&t, |rw| {
        rw.is_write()
            && matches!(rw.target, RwTarget::Account { address, field: AccountField::Balance } if address == COINBASE)
    });
    t.rws.remove(i);
    for (j, rw) in t.rws.iter_mut().enumerate() {
        rw.rw_counter = j as u64 + 1;
    }
    assert!(
        matches!(t.check(), Err(CheckError::PostStateMismatch { address, .. }) if address == COINBASE)
    );
}

#[test]
fn a_wrong_rw_counter_fails() {
    let mut t = honest();
    t.rws[5].rw_counter = 99;
    assert_eq!(t.check(), Err(CheckError::RwCounter { index: 5, expected: 6, got: 99 }));
}

#[test]
fn steps_that_do_not_tile_the_log_fail() {
    let mut t = honest();
    t.txs[0].steps[2].rw_count += 1;
    assert!(matches!(t.check(), Err(CheckError::StepRange { tx: 0, .. })));
}

#[test]
fn a_step_with_the_wrong_stack_pointer_fails() {
    let mut t = honest();
    let step = t.txs[0]
        .steps
        .iter_mut()
        .find(|s| s.kind == zkevm_executor::trace::StepKind::Op(op::SSTORE));
    step.expect("sstore").stack_pointer = 3;
    assert!(matches!(t.check(), Err(CheckError::StackShape { opcode: op::SSTORE, .. })));
}

#[test]
fn a_log_that_differs_from_the_receipt_fails() {
    let mut t = honest();
    t.txs[0].logs[0].data = Bytes::from(vec![0x12, 0x35]);
    assert!(matches!(t.check(), Err(CheckError::Logs { tx: 0, .. })));
}

#[test]
fn a_keccak_input_with_a_wrong_hash_fails() {
    let mut t = honest();
    t.keccak_inputs[0].hash.0[0] ^= 1;
    assert_eq!(t.check(), Err(CheckError::KeccakMismatch { index: 0 }));
}

#[test]
fn a_stack_read_before_any_write_fails() {
    let mut t = honest();
    // The first stack access of the first opcode step is a write (PUSH1); make it a read.
    let i = index_of(&t, |rw| matches!(rw.target, RwTarget::Stack { .. }));
    t.rws[i].access = RwAccess::Read;
    assert!(matches!(t.check(), Err(CheckError::ReadBeforeWrite { .. })));
}

#[test]
fn traces_survive_json_and_bincode_round_trips() {
    let t = honest();
    let json = serde_json::to_string(&t).expect("json");
    let back: Trace = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, t);
    let bin = bincode::serialize(&t).expect("bincode");
    let back: Trace = bincode::deserialize(&bin).expect("decode");
    assert_eq!(back, t);
}
