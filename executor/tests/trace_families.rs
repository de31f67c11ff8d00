//! The trace of each opcode family, on small hand-assembled programs. Every trace here has
//! also passed the replay check (`trace_batch` runs it).

mod common;

use alloy_primitives::{keccak256, U256};
use common::*;
use revm::bytecode::opcode as op;
use zkevm_executor::trace::{
    AccountField, CallContextField, CopyLocation, LogField, ReceiptField, Rw, RwTarget, StepKind,
    Trace,
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

#[test]
fn arithmetic_reads_operands_and_writes_result() {
    let code = vec![op::PUSH1, 3, op::PUSH1, 2, op::ADD, op::POP, op::STOP];
    let trace = trace_code(code, vec![]);
    assert_eq!(
        kinds(&trace),
        vec![
            StepKind::BeginTx,
            StepKind::Op(op::PUSH1),
            StepKind::Op(op::PUSH1),
            StepKind::Op(op::ADD),
            StepKind::Op(op::POP),
            StepKind::Op(op::STOP),
            StepKind::EndTx
        ]
    );
    let add = rws_of(&trace, StepKind::Op(op::ADD));
    let call = trace.txs[0].steps[3].call_index;
    let summary: Vec<(bool, RwTarget, U256)> =
        add.iter().map(|rw| (rw.is_write(), rw.target, rw.value)).collect();
    assert_eq!(
        summary,
        vec![
            (false, RwTarget::Stack { call, ptr: 1 }, u(2)),
            (false, RwTarget::Stack { call, ptr: 0 }, u(3)),
            (true, RwTarget::Stack { call, ptr: 0 }, u(5)),
        ]
    );
    let step = &trace.txs[0].steps[3];
    assert_eq!((step.pc, step.stack_pointer, step.gas_cost), (4, 2, 3));
}

#[test]
fn dup_and_swap_touch_only_the_slots_they_move() {
    let code = vec![op::PUSH1, 1, op::PUSH1, 2, op::DUP2, op::SWAP2, op::STOP];
    let trace = trace_code(code, vec![]);
    let dup = rws_of(&trace, StepKind::Op(op::DUP2));
    assert_eq!(dup.len(), 2);
    assert_eq!((dup[0].is_write(), dup[0].value), (false, u(1)));
    assert_eq!((dup[1].is_write(), dup[1].value), (true, u(1)));
    let swap = rws_of(&trace, StepKind::Op(op::SWAP2));
    assert_eq!(swap.len(), 4);
    assert!(swap[2].is_write() && swap[3].is_write());
}

#[test]
fn unaligned_memory_access_touches_two_words() {
    let value = U256::from(0xabcdu64);
    let code =
        program(&[&push(value), &[op::PUSH1, 1, op::MSTORE, op::PUSH1, 1, op::MLOAD, op::STOP]]);
    let trace = trace_code(code, vec![]);
    let call = trace.txs[0].steps[1].call_index;
    let words = |rws: &[Rw], write: bool| -> Vec<u64> {
        rws.iter()
            .filter_map(|rw| match rw.target {
                RwTarget::Memory { call: c, word_addr } if c == call && rw.is_write() == write => {
                    Some(word_addr)
                }
                _ => None,
            })
            .collect()
    };
    assert_eq!(words(rws_of(&trace, StepKind::Op(op::MSTORE)), true), vec![0, 1]);
    assert_eq!(words(rws_of(&trace, StepKind::Op(op::MLOAD)), false), vec![0, 1]);
    let mload_result = rws_of(&trace, StepKind::Op(op::MLOAD)).last().expect("result");
    assert_eq!(mload_result.value, value);
}

#[test]
fn storage_records_committed_values_warmth_and_refunds() {
    // SSTORE(1, 7); SLOAD(1); SSTORE(2, 0)
    let code = vec![
        op::PUSH1,
        7,
        op::PUSH1,
        1,
        op::SSTORE,
        op::PUSH1,
        1,
        op::SLOAD,
        op::POP,
        op::PUSH1,
        0,
        op::PUSH1,
        2,
        op::SSTORE,
        op::STOP,
    ];
    let mut batch = batch_calling(code, vec![]);
    let contract = batch.pre.get_mut(&CONTRACT).expect("contract");
    contract.storage.insert(u(1), u(3));
    contract.storage.insert(u(2), u(4));
    let traced = trace(&batch);
    let trace = &traced.trace;
    let sstore = rws_of(trace, StepKind::Op(op::SSTORE));
    let warm = sstore
        .iter()
        .find(|rw| matches!(rw.target, RwTarget::TxAccessListStorage { .. }))
        .expect("warm");
    assert_eq!((warm.value_prev(), warm.value), (Some(U256::ZERO), u(1)));
    let write =
        sstore.iter().find(|rw| matches!(rw.target, RwTarget::Storage { .. })).expect("storage");
    assert!(
        matches!(write.target, RwTarget::Storage { key, committed_value, .. } if key == u(1) && committed_value == u(3))
    );
    assert_eq!((write.value_prev(), write.value), (Some(u(3)), u(7)));
    let sload = rws_of(trace, StepKind::Op(op::SLOAD));
    let warm = sload
        .iter()
        .find(|rw| matches!(rw.target, RwTarget::TxAccessListStorage { .. }))
        .expect("warm");
    assert_eq!(warm.value_prev(), Some(u(1)), "second access is warm");
    let refund = trace
        .rws
        .iter()
        .rfind(|rw| matches!(rw.target, RwTarget::TxRefund { .. }) && rw.is_write());
    assert_eq!(refund.map(|rw| rw.value), Some(u(4800)), "clearing a slot refunds 4800 (EIP-3529)");
    let post = &trace.post_state.accounts[&CONTRACT].storage;
    assert_eq!((post[&u(1)], post[&u(2)]), (u(7), u(0)));
}

#[test]
fn transient_storage_is_per_transaction() {
    let code = vec![op::PUSH1, 9, op::PUSH1, 4, op::TSTORE, op::PUSH1, 4, op::TLOAD, op::STOP];
    let trace = trace_code(code, vec![]);
    let load = rws_of(&trace, StepKind::Op(op::TLOAD));
    let read = load
        .iter()
        .find(|rw| matches!(rw.target, RwTarget::TransientStorage { .. }))
        .expect("read");
    assert_eq!(read.value, u(9));
}

#[test]
fn environment_opcodes_read_the_call_context() {
    let code = vec![op::CALLER, op::CALLVALUE, op::ADDRESS, op::CALLDATASIZE, op::STOP];
    let trace = trace_code(code, vec![1, 2, 3]);
    let ctx = |kind, field| {
        rws_of(&trace, kind)
            .iter()
            .find(|rw| matches!(rw.target, RwTarget::CallContext { field: f, .. } if f == field))
            .map(|rw| rw.value)
    };
    let addr = |a: alloy_primitives::Address| U256::from_be_slice(a.as_slice());
    assert_eq!(ctx(StepKind::Op(op::CALLER), CallContextField::CallerAddress), Some(addr(SENDER)));
    assert_eq!(ctx(StepKind::Op(op::CALLVALUE), CallContextField::Value), Some(u(5)));
    assert_eq!(
        ctx(StepKind::Op(op::ADDRESS), CallContextField::CalleeAddress),
        Some(addr(CONTRACT))
    );
    assert_eq!(ctx(StepKind::Op(op::CALLDATASIZE), CallContextField::CallDataLength), Some(u(3)));
}

#[test]
fn balance_warms_the_account_and_reads_its_balance() {
    let code = program(&[&push_address(OTHER), &[op::BALANCE, op::POP, op::SELFBALANCE, op::STOP]]);
    let mut batch = batch_calling(code, vec![]);
    batch.pre.insert(
        OTHER,
        zkevm_executor::batch::BatchAccount { balance: u(77), ..Default::default() },
    );
    let trace = trace(&batch).trace;
    let rws = rws_of(&trace, StepKind::Op(op::BALANCE));
    let warm = rws
        .iter()
        .find(|rw| matches!(rw.target, RwTarget::TxAccessListAccount { .. }))
        .expect("warm");
    assert_eq!(warm.value_prev(), Some(U256::ZERO), "OTHER starts cold");
    let read = rws
        .iter()
        .find(|rw| matches!(rw.target, RwTarget::Account { field: AccountField::Balance, .. }));
    assert_eq!(read.map(|rw| rw.value), Some(u(77)));
    let own = rws_of(&trace, StepKind::Op(op::SELFBALANCE));
    let read = own
        .iter()
        .find(|rw| matches!(rw.target, RwTarget::Account { field: AccountField::Balance, .. }));
    assert_eq!(read.map(|rw| rw.value), Some(u(1005)), "pre-balance 1000 plus the call's value 5");
}

#[test]
fn logs_become_tx_log_writes_and_a_receipt() {
    // MSTORE(0, 0x1234); LOG2(offset 30, size 2, topic 0xaa, topic 0xbb)
    let code = vec![
        op::PUSH2,
        0x12,
        0x34,
        op::PUSH1,
        0,
        op::MSTORE,
        op::PUSH1,
        0xbb,
        op::PUSH1,
        0xaa,
        op::PUSH1,
        2,
        op::PUSH1,
        30,
        op::LOG2,
        op::STOP,
    ];
    let trace = trace_code(code, vec![]);
    let tx = &trace.txs[0];
    assert_eq!(tx.logs.len(), 1);
    assert_eq!(tx.logs[0].data.as_ref(), &[0x12, 0x34]);
    let rws = rws_of(&trace, StepKind::Op(op::LOG2));
    let fields: Vec<LogField> = rws
        .iter()
        .filter_map(|rw| match rw.target {
            RwTarget::TxLog { field, .. } => Some(field),
            _ => None,
        })
        .collect();
    assert_eq!(
        fields,
        vec![
            LogField::Address,
            LogField::TopicCount,
            LogField::Topic(0),
            LogField::Topic(1),
            LogField::DataLength,
            LogField::DataWord(0)
        ]
    );
    let count = trace
        .rws
        .iter()
        .find(|rw| matches!(rw.target, RwTarget::TxReceipt { field: ReceiptField::LogCount, .. }));
    assert_eq!(count.map(|rw| rw.value), Some(u(1)));
    assert!(trace
        .copy_events
        .iter()
        .any(|c| matches!(c.dst, CopyLocation::LogData { log_id: 0, .. })));
}

#[test]
fn keccak_and_calldatacopy_record_their_bytes() {
    // CALLDATACOPY(0, 0, 4); KECCAK256(0, 4)
    let code = vec![
        op::PUSH1,
        4,
        op::PUSH1,
        0,
        op::PUSH1,
        0,
        op::CALLDATACOPY,
        op::PUSH1,
        4,
        op::PUSH1,
        0,
        op::KECCAK256,
        op::STOP,
    ];
    let trace = trace_code(code, vec![0xde, 0xad, 0xbe, 0xef]);
    let copy = trace
        .copy_events
        .iter()
        .find(|c| matches!(c.src, CopyLocation::TxCalldata { tx: 0 }))
        .expect("copy");
    assert_eq!(copy.bytes.as_ref(), &[0xde, 0xad, 0xbe, 0xef]);
    let hashed = trace
        .keccak_inputs
        .iter()
        .find(|k| k.input.as_ref() == [0xde, 0xad, 0xbe, 0xef])
        .expect("input");
    assert_eq!(hashed.hash, keccak256([0xde, 0xad, 0xbe, 0xef]));
    let result = rws_of(&trace, StepKind::Op(op::KECCAK256)).last().expect("result");
    assert_eq!(result.value, U256::from_be_bytes(hashed.hash.0));
}

#[test]
fn block_context_comparison_bitwise_and_jumps_use_only_the_stack() {
    let code = vec![
        op::NUMBER,
        op::TIMESTAMP,
        op::COINBASE,
        op::GASLIMIT,
        op::CHAINID,
        op::BASEFEE,
        op::BLOBBASEFEE,
        op::DIFFICULTY,
        op::PUSH1,
        9,
        op::BLOCKHASH,
        op::LT,
        op::GT,
        op::SLT,
        op::SGT,
        op::EQ,
        op::ISZERO,
        op::AND,
        op::OR,
        op::XOR,
        op::NOT,
        op::PUSH0,
        op::BYTE,
        op::PUSH1,
        1,
        op::SHL,
        op::PUSH1,
        1,
        op::SAR,
        op::PUSH1,
        1,
        op::SHR,
        op::PUSH1,
        38,
        op::JUMPI,
        op::PC,
        op::GAS,
        op::MSIZE,
        op::JUMPDEST,
        op::STOP,
    ];
    let trace = trace_code(code, vec![]);
    for step in &trace.txs[0].steps {
        if let StepKind::Op(opcode) = step.kind {
            if opcode == op::STOP {
                continue;
            }
            let start = (step.rw_counter - 1) as usize;
            let rws = &trace.rws[start..start + step.rw_count as usize];
            assert!(
                rws.iter().all(|rw| matches!(rw.target, RwTarget::Stack { .. })),
                "{:?}",
                step.kind
            );
        }
    }
    // STOP reads the outcome its call was started with; the frame succeeded.
    let stop = rws_of(&trace, StepKind::Op(op::STOP));
    assert!(matches!(
        stop[0].target,
        RwTarget::CallContext { field: zkevm_executor::trace::CallContextField::IsSuccess, .. }
    ));
    assert_eq!(stop[0].value, u(1));
    let number = rws_of(&trace, StepKind::Op(op::NUMBER));
    assert_eq!(number[0].value, u(10));
    let blockhash = rws_of(&trace, StepKind::Op(op::BLOCKHASH)).last().expect("result");
    assert_eq!(
        blockhash.value,
        U256::from_be_bytes(keccak256("9").0),
        "unlisted block hashes follow the state-test convention"
    );
    assert!(trace.block.block_hashes.contains(&(9, keccak256("9"))));
}

#[test]
fn mcopy_codecopy_and_extcode_opcodes_record_their_sources() {
    let mut code = vec![
        op::PUSH1,
        8,
        op::PUSH1,
        0,
        op::PUSH1,
        0,
        op::CODECOPY, // memory[0..8] = code[0..8]
        op::PUSH1,
        8,
        op::PUSH1,
        0,
        op::PUSH1,
        40,
        op::MCOPY, // memory[40..48] = memory[0..8]
    ];
    code.extend(push_address(OTHER));
    code.extend_from_slice(&[op::EXTCODEHASH, op::POP]);
    code.extend_from_slice(&[op::PUSH1, 2, op::PUSH1, 0, op::PUSH1, 64]);
    code.extend(push_address(OTHER));
    code.extend_from_slice(&[op::EXTCODECOPY, op::STOP]);
    let mut batch = batch_calling(code.clone(), vec![]);
    batch.pre.insert(
        OTHER,
        zkevm_executor::batch::BatchAccount { code: vec![0xaa, 0xbb].into(), ..Default::default() },
    );
    let trace = trace(&batch).trace;
    let own_hash = keccak256(&code);
    let codecopy =
        trace.copy_events.iter().find(|c| c.src == CopyLocation::Bytecode { code_hash: own_hash });
    assert_eq!(codecopy.map(|c| c.bytes.to_vec()), Some(code[..8].to_vec()));
    let mcopy = trace.copy_events.iter().find(|c| {
        c.src == CopyLocation::Memory { call: 0 } && c.dst == CopyLocation::Memory { call: 0 }
    });
    assert_eq!(mcopy.map(|c| (c.src_offset, c.dst_offset)), Some((0, 40)));
    let hash_reads: Vec<AccountField> = rws_of(&trace, StepKind::Op(op::EXTCODEHASH))
        .iter()
        .filter_map(|rw| match rw.target {
            RwTarget::Account { field, .. } => Some(field),
            _ => None,
        })
        .collect();
    assert_eq!(
        hash_reads,
        vec![AccountField::Nonce, AccountField::Balance, AccountField::CodeHash]
    );
    let ext = trace
        .copy_events
        .iter()
        .find(|c| c.src == CopyLocation::Bytecode { code_hash: keccak256([0xaa, 0xbb]) });
    assert_eq!(ext.map(|c| c.bytes.to_vec()), Some(vec![0xaa, 0xbb]));
}

#[test]
fn constant_gas_in_the_opcode_table_matches_what_revm_charges() {
    let mut checked = std::collections::BTreeSet::new();
    let mut traces = vec![trace(&zkevm_executor::demo::demo_batch()).trace];
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/statetests/VMTests");
    if let Ok(fork) = zkevm_statetest::parse_fork("Cancun") {
        let dirs =
            ["vmArithmeticTest", "vmBitwiseLogicOperation", "vmIOandFlowOperations", "vmTests"];
        let paths: Vec<_> = dirs.iter().map(|d| root.join(d)).filter(|p| p.exists()).collect();
        for file in zkevm_statetest::collect_files(&paths).unwrap_or_default() {
            for entry in zkevm_statetest::load_entries(&file, &fork).unwrap_or_default() {
                if let Ok(input) = entry.input {
                    if let Ok(t) = zkevm_executor::execute_traced(&input) {
                        traces.push(t.trace);
                    }
                }
            }
        }
    }
    for t in &traces {
        for step in t.txs.iter().flat_map(|tx| &tx.steps) {
            if let StepKind::Op(opcode) = step.kind {
                if let Some(gas) = zkevm_executor::opcodes::properties(opcode).constant_gas {
                    assert_eq!(step.gas_cost, gas, "opcode 0x{opcode:02x}");
                    checked.insert(opcode);
                }
            }
        }
    }
    assert!(checked.len() > 20, "only {} constant-gas opcodes were exercised", checked.len());
    eprintln!("constant gas confirmed for {} opcodes", checked.len());
}

/// `C_mem(words)` (Yellow Paper, appendix H).
fn memory_cost(words: u64) -> u64 {
    3 * words + words * words / 512
}

#[test]
fn memory_gas_in_the_opcode_table_matches_what_revm_charges() {
    use zkevm_executor::opcodes::{memory_gas, RangeLength};
    let p = |v: u64| push(U256::from(v));
    // Every memory-priced opcode once, at unaligned offsets, each expanding memory.
    let mut code = program(&[
        &p(0x20),
        &p(0x40),
        &[0x52], // MSTORE(0x40, 0x20)
        &p(0x41),
        &[0x51, 0x50], // MLOAD(0x41)
        &p(1),
        &p(0x100),
        &[0x53], // MSTORE8(0x100, 1)
        &p(0x45),
        &p(3),
        &[0x20, 0x50], // KECCAK256(3, 0x45)
        &p(0x21),
        &p(0),
        &p(0x200),
        &[0x37], // CALLDATACOPY(0x200, 0, 0x21)
        &p(0x21),
        &p(0),
        &p(0x300),
        &[0x39], // CODECOPY(0x300, 0, 0x21)
    ]);
    for n in 0..5u64 {
        for _ in 0..n {
            code.extend(p(7)); // topics
        }
        code.extend(p(0x50 + n));
        code.extend(p(0x400 + 0x100 * n));
        code.push(0xa0 + n as u8); // LOGn(0x400 + 0x100·n, 0x50 + n)
    }
    code.extend(program(&[&p(0x500), &p(0x10), &[0xf3]])); // RETURN(0x10, 0x500)
    let reverting = program(&[&p(0x30), &p(0x61), &[0xfd]]); // REVERT(0x61, 0x30)
    let mut traces = vec![trace_code(code, vec![0xab; 40]), trace_code(reverting, vec![])];
    traces.push(trace(&zkevm_executor::demo::demo_batch()).trace);
    let mut checked = std::collections::BTreeSet::new();
    for t in &traces {
        for step in t.txs.iter().flat_map(|tx| &tx.steps) {
            let StepKind::Op(opcode) = step.kind else { continue };
            let Some(gas) = memory_gas(opcode) else { continue };
            let operand = |i: u64| {
                let rw = &t.rws[(step.rw_counter + i - 1) as usize];
                assert!(!rw.is_write(), "operand {i} of 0x{opcode:02x} is a read");
                rw.value.saturating_to::<u64>()
            };
            let offset = operand(0);
            let (length, units) = match gas.length {
                RangeLength::Fixed(n) => (u64::from(n), 0),
                RangeLength::WordsOfOperand(i) => {
                    let length = operand(u64::from(i));
                    (length, length.div_ceil(32))
                }
                RangeLength::BytesOfOperand(i) => {
                    let length = operand(u64::from(i));
                    (length, length)
                }
            };
            let now = step.memory_word_size;
            let needed = if length == 0 { 0 } else { (offset + length).div_ceil(32) };
            let after = now.max(needed);
            let expected = gas.constant + gas.unit * units + memory_cost(after) - memory_cost(now);
            assert_eq!(step.gas_cost, expected, "opcode 0x{opcode:02x}");
            checked.insert(opcode);
        }
    }
    assert_eq!(checked.len(), 13, "every memory-priced opcode: {checked:?}");
}

/// The opcode table (`zkevm_trace::opcodes::TABLE`, plain data so that the circuits need not
/// link revm) is revm's under Cancun rules: every byte's name and stack effect, and the bytes
/// revm assigns only after Cancun unassigned.
#[test]
fn the_opcode_table_is_revms_under_cancun() {
    use revm::bytecode::opcode::OpCode;
    use zkevm_executor::opcodes::{after_cancun, TABLE};
    for byte in 0..=255u8 {
        let expected = match OpCode::new(byte).filter(|_| !after_cancun(byte)) {
            Some(code) => (Some(code.as_str()), code.inputs(), code.outputs()),
            None => (None, 0, 0),
        };
        let ours = TABLE[byte as usize];
        let ours = if ours.0.is_none() { (None, 0, 0) } else { ours };
        assert_eq!(ours, expected, "byte 0x{byte:02x}");
    }
}
