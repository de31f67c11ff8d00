//! The trace of calls and their ends, on small hand-assembled programs: every call kind as a
//! frame whose result is handed back, creations, reverted calls, exceptional halts, plain
//! transfers, SELFDESTRUCT and RETURNDATACOPY. Every trace here has also passed the replay
//! check (`trace_batch` runs it).

mod common;

use alloy_primitives::{keccak256, U256};
use common::*;
use revm::bytecode::opcode as op;
use zkevm_executor::trace::{
    CallContextField, CallKind, CopyLocation, ExecError, Rw, RwTarget, StepKind, Trace,
};

fn u(v: u64) -> U256 {
    U256::from(v)
}

/// The RWs of the first step of `kind` in the first transaction.
fn rws_of(trace: &Trace, kind: StepKind) -> &[Rw] {
    let step = trace.txs[0].steps.iter().find(|s| s.kind == kind).expect("step present");
    let start = (step.rw_counter - 1) as usize;
    &trace.rws[start..start + step.rw_count as usize]
}

fn kinds(trace: &Trace) -> Vec<StepKind> {
    trace.txs[0].steps.iter().map(|s| s.kind.clone()).collect()
}

/// Code that returns the 32-byte word 0x2a.
fn returns_42() -> Vec<u8> {
    vec![op::PUSH1, 42, op::PUSH1, 0, op::MSTORE, op::PUSH1, 32, op::PUSH1, 0, op::RETURN]
}

/// Calls OTHER with `call_op`, copying 32 returned bytes to memory 0.
fn caller_of(call_op: u8) -> Vec<u8> {
    let with_value = matches!(call_op, op::CALL | op::CALLCODE);
    let mut code = vec![op::PUSH1, 32, op::PUSH1, 0, op::PUSH1, 0, op::PUSH1, 0];
    if with_value {
        code.extend_from_slice(&[op::PUSH1, 0]);
    }
    code.extend(push_address(OTHER));
    code.extend_from_slice(&[op::GAS, call_op, op::PUSH1, 0, op::MLOAD, op::STOP]);
    code
}

#[test]
fn every_call_kind_is_a_frame_with_its_result_handed_back() {
    for (call_op, kind) in [
        (op::CALL, CallKind::Call),
        (op::CALLCODE, CallKind::CallCode),
        (op::DELEGATECALL, CallKind::DelegateCall),
        (op::STATICCALL, CallKind::StaticCall),
    ] {
        let mut batch = batch_calling(caller_of(call_op), vec![]);
        batch.pre.insert(
            OTHER,
            zkevm_executor::batch::BatchAccount { code: returns_42().into(), ..Default::default() },
        );
        let trace = trace(&batch).trace;
        assert_eq!(trace.calls.len(), 2, "{kind:?}");
        let callee = &trace.calls[1];
        assert_eq!((callee.kind, callee.depth, callee.success), (kind, 1, true));
        assert_eq!(callee.output.len(), 32);
        assert!(trace.copy_events.iter().any(|c| c.src == CopyLocation::ReturnData { call: 1 }
            && c.dst == CopyLocation::Memory { call: 0 }));
        let mload = rws_of(&trace, StepKind::Op(op::MLOAD)).last().expect("result");
        assert_eq!(mload.value, u(42), "{kind:?}: returned word lands in caller memory");
    }
}

#[test]
fn create_and_create2_deploy_code_and_hash_it() {
    // init code: returns the 1-byte runtime 0x00 (STOP): MSTORE8(0, 0); RETURN(0, 1)
    let init: Vec<u8> =
        vec![op::PUSH1, 0, op::PUSH1, 0, op::MSTORE8, op::PUSH1, 1, op::PUSH1, 0, op::RETURN];
    for (create_op, kind) in [(op::CREATE, CallKind::Create), (op::CREATE2, CallKind::Create2)] {
        // Store the init code in memory at 0, then CREATE(value 0, offset 0, size len).
        let mut code = push(U256::from_be_slice(&{
            let mut w = [0u8; 32];
            w[..init.len()].copy_from_slice(&init);
            w
        }));
        code.extend_from_slice(&[op::PUSH1, 0, op::MSTORE]);
        if create_op == op::CREATE2 {
            code.extend_from_slice(&[op::PUSH1, 7]);
        }
        code.extend_from_slice(&[
            op::PUSH1,
            init.len() as u8,
            op::PUSH1,
            0,
            op::PUSH1,
            0,
            create_op,
            op::STOP,
        ]);
        let trace = trace_code(code, vec![]);
        let created = &trace.calls[1];
        assert_eq!((created.kind, created.success), (kind, true));
        assert_eq!(created.output.as_ref(), &[0x00]);
        let code_hash = keccak256([0x00]);
        assert!(trace.keccak_inputs.iter().any(|k| k.hash == code_hash));
        assert_eq!(trace.post_state.accounts[&created.address].code_hash, code_hash);
        assert_eq!(trace.post_state.accounts[&created.address].nonce, 1);
    }
}

#[test]
fn a_reverted_call_restores_its_writes() {
    // OTHER: SSTORE(0, 1); REVERT(0, 0)
    let callee =
        vec![op::PUSH1, 1, op::PUSH1, 0, op::SSTORE, op::PUSH1, 0, op::PUSH1, 0, op::REVERT];
    let mut batch = batch_calling(caller_of(op::CALL), vec![]);
    batch.pre.insert(
        OTHER,
        zkevm_executor::batch::BatchAccount { code: callee.into(), ..Default::default() },
    );
    let trace = trace(&batch).trace;
    assert!(!trace.calls[1].success);
    let writes: Vec<U256> = trace
        .rws
        .iter()
        .filter(|rw| {
            rw.is_write()
                && matches!(rw.target, RwTarget::Storage { address, .. } if address == OTHER)
        })
        .map(|rw| rw.value)
        .collect();
    assert_eq!(writes, vec![u(1), u(0)], "the write, then its reversion");
    assert_eq!(trace.post_state.accounts[&OTHER].storage[&u(0)], U256::ZERO);
}

#[test]
fn exceptional_halts_are_error_steps() {
    let cases: [(Vec<u8>, ExecError); 4] = [
        (vec![op::INVALID], ExecError::InvalidOpcode),
        (vec![op::ADD], ExecError::StackUnderflow),
        (vec![op::PUSH1, 3, op::JUMP], ExecError::InvalidJump),
        (vec![op::JUMPDEST, op::PUSH1, 0, op::JUMP], ExecError::OutOfGas),
    ];
    for (code, error) in cases {
        let trace = trace_code(code, vec![]);
        let last_op =
            trace.txs[0].steps.iter().rev().find(|s| s.kind != StepKind::EndTx).expect("step");
        assert!(
            matches!(&last_op.kind, StepKind::Error { error: e, .. } if *e == error),
            "{:?}",
            last_op.kind
        );
        assert!(!trace.calls[0].success);
        assert_eq!(trace.txs[0].gas_used, 1_000_000, "a halt consumes all gas");
    }
}

#[test]
fn a_plain_transfer_is_begin_and_end_only() {
    let mut batch = batch_calling(vec![], vec![]);
    batch.transactions[0].to = Some(OTHER);
    let trace = trace(&batch).trace;
    assert_eq!(kinds(&trace), vec![StepKind::BeginTx, StepKind::EndTx]);
    assert_eq!(trace.txs[0].gas_used, 21_000);
    let begin = &trace.txs[0].steps[0];
    assert_eq!(
        (begin.gas_left, begin.gas_cost),
        (1_000_000, 21_000),
        "BeginTx charges intrinsic gas"
    );
    assert_eq!(trace.post_state.accounts[&OTHER].balance, u(5));
    let coinbase = &trace.post_state.accounts[&COINBASE];
    assert_eq!(coinbase.balance, u(21_000), "priority fee 1 per gas");
}

#[test]
fn selfdestruct_moves_the_balance() {
    let code = program(&[&push_address(OTHER), &[op::SELFDESTRUCT]]);
    let trace = trace_code(code, vec![]);
    assert_eq!(trace.post_state.accounts[&OTHER].balance, u(1005));
    assert_eq!(trace.post_state.accounts[&CONTRACT].balance, U256::ZERO);
    assert!(
        trace.post_state.accounts[&CONTRACT].code_hash != revm::primitives::KECCAK_EMPTY,
        "EIP-6780 keeps the code"
    );
}

#[test]
fn returndatacopy_reads_the_last_callee_output() {
    let mut code = caller_of(op::STATICCALL);
    code.pop(); // drop STOP
    code.extend_from_slice(&[
        op::RETURNDATASIZE,
        op::PUSH1,
        0,
        op::PUSH1,
        96,
        op::RETURNDATACOPY,
        op::STOP,
    ]);
    let mut batch = batch_calling(code, vec![]);
    batch.pre.insert(
        OTHER,
        zkevm_executor::batch::BatchAccount { code: returns_42().into(), ..Default::default() },
    );
    let trace = trace(&batch).trace;
    let size = rws_of(&trace, StepKind::Op(op::RETURNDATASIZE))
        .iter()
        .find(|rw| {
            matches!(
                rw.target,
                RwTarget::CallContext { field: CallContextField::LastReturnDataLength, .. }
            )
        })
        .map(|rw| rw.value);
    assert_eq!(size, Some(u(32)));
    let copy = trace
        .copy_events
        .iter()
        .find(|c| c.src == CopyLocation::ReturnData { call: 1 } && c.dst_offset == 96);
    assert_eq!(copy.map(|c| c.bytes.len()), Some(32));
}
