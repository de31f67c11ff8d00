//! The built-in subjects: a native transfer and six small contracts that between them run
//! every opcode family the circuits support (a reverted call and an exceptional halt among
//! them), each one transaction (a few thousand rows, a few seconds of MockProver), and the
//! demo batch.

use alloy_primitives::{address, Address, U256};
use zkevm_executor::batch::{Batch, BatchAccount, BatchBlock, BatchTx};
use zkevm_executor::trace_batch;

use super::campaign::Subject;
use super::MutationError;

const SENDER: Address = address!("0x5e00000000000000000000000000000000000001");
const CONTRACT: Address = address!("0xc000000000000000000000000000000000000001");
const RECIPIENT: Address = address!("0x5e00000000000000000000000000000000000002");

/// Opcodes used below.
mod op {
    pub const STOP: u8 = 0x00;
    pub const ADD: u8 = 0x01;
    pub const MUL: u8 = 0x02;
    pub const SUB: u8 = 0x03;
    pub const DIV: u8 = 0x04;
    pub const SDIV: u8 = 0x05;
    pub const MOD: u8 = 0x06;
    pub const SMOD: u8 = 0x07;
    pub const ADDMOD: u8 = 0x08;
    pub const MULMOD: u8 = 0x09;
    pub const EXP: u8 = 0x0a;
    pub const SIGNEXTEND: u8 = 0x0b;
    pub const LT: u8 = 0x10;
    pub const GT: u8 = 0x11;
    pub const SLT: u8 = 0x12;
    pub const SGT: u8 = 0x13;
    pub const EQ: u8 = 0x14;
    pub const ISZERO: u8 = 0x15;
    pub const AND: u8 = 0x16;
    pub const OR: u8 = 0x17;
    pub const XOR: u8 = 0x18;
    pub const NOT: u8 = 0x19;
    pub const BYTE: u8 = 0x1a;
    pub const SHL: u8 = 0x1b;
    pub const SHR: u8 = 0x1c;
    pub const SAR: u8 = 0x1d;
    pub const KECCAK256: u8 = 0x20;
    pub const CALLDATALOAD: u8 = 0x35;
    pub const CALLDATACOPY: u8 = 0x37;
    pub const BLOCKHASH: u8 = 0x40;
    pub const POP: u8 = 0x50;
    pub const MLOAD: u8 = 0x51;
    pub const MSTORE: u8 = 0x52;
    pub const MSTORE8: u8 = 0x53;
    pub const SLOAD: u8 = 0x54;
    pub const SSTORE: u8 = 0x55;
    pub const JUMP: u8 = 0x56;
    pub const JUMPI: u8 = 0x57;
    pub const PC: u8 = 0x58;
    pub const MSIZE: u8 = 0x59;
    pub const GAS: u8 = 0x5a;
    pub const JUMPDEST: u8 = 0x5b;
    pub const TLOAD: u8 = 0x5c;
    pub const TSTORE: u8 = 0x5d;
    pub const MCOPY: u8 = 0x5e;
    pub const PUSH0: u8 = 0x5f;
    pub const PUSH1: u8 = 0x60;
    pub const PUSH32: u8 = 0x7f;
    pub const DUP1: u8 = 0x80;
    pub const DUP2: u8 = 0x81;
    pub const SWAP1: u8 = 0x90;
    pub const LOG2: u8 = 0xa2;
    pub const RETURN: u8 = 0xf3;
    pub const REVERT: u8 = 0xfd;
    pub const INVALID: u8 = 0xfe;
}

fn push1(code: &mut Vec<u8>, v: u8) {
    code.extend([op::PUSH1, v]);
}

/// Arithmetic, comparisons, bitwise operations and shifts on a running value.
fn arithmetic() -> Vec<u8> {
    let mut c = Vec::new();
    push1(&mut c, 7);
    push1(&mut c, 5);
    c.push(op::ADD);
    push1(&mut c, 3);
    c.push(op::MUL);
    push1(&mut c, 5);
    c.extend([op::SWAP1, op::DIV]);
    push1(&mut c, 4);
    c.extend([op::SWAP1, op::MOD]);
    push1(&mut c, 0);
    c.push(op::SIGNEXTEND);
    push1(&mut c, 31);
    c.push(op::BYTE);
    push1(&mut c, 2);
    c.push(op::SHL);
    push1(&mut c, 1);
    c.push(op::SHR);
    push1(&mut c, 1);
    c.push(op::SAR);
    c.push(op::DUP1);
    push1(&mut c, 0x0f);
    c.extend([op::AND, op::OR]);
    push1(&mut c, 0x33);
    c.extend([op::XOR, op::NOT]);
    for cmp in [op::LT, op::GT, op::SLT, op::SGT] {
        c.push(op::DUP1);
        push1(&mut c, 5);
        c.extend([cmp, op::POP]);
    }
    c.extend([op::DUP1, op::DUP2, op::EQ, op::ISZERO, op::POP]);
    c.push(op::PUSH32);
    c.extend([0xff; 32]);
    c.extend([op::ADD, op::PUSH0, op::SUB, op::POP, op::STOP]);
    c
}

/// Memory words and bytes, MSIZE, PC, GAS, KECCAK256, jumps taken and not, RETURN with data.
fn memory_and_flow() -> Vec<u8> {
    let mut c = Vec::new();
    push1(&mut c, 0xaa);
    push1(&mut c, 0);
    c.push(op::MSTORE);
    push1(&mut c, 0);
    c.extend([op::MLOAD, op::POP]);
    push1(&mut c, 0xbb);
    push1(&mut c, 0x41);
    c.push(op::MSTORE8);
    c.extend([op::MSIZE, op::POP, op::PC, op::POP, op::GAS, op::POP]);
    push1(&mut c, 0x20);
    push1(&mut c, 0x10);
    c.extend([op::KECCAK256, op::POP]);
    let dest = c.len() + 4;
    c.extend([op::PUSH1, dest as u8, op::JUMP, op::INVALID, op::JUMPDEST]);
    let dest = c.len() + 6;
    c.extend([op::PUSH1, 1, op::PUSH1, dest as u8, op::JUMPI, op::INVALID, op::JUMPDEST]);
    c.extend([op::PUSH0, op::PUSH0, op::JUMPI]);
    push1(&mut c, 0x28);
    push1(&mut c, 0x08);
    c.push(op::RETURN);
    c
}

/// Calldata, storage (a write, a read, a cleared slot earning a refund), transient storage,
/// every context read, BLOCKHASH inside and outside the window, and a LOG2 with data.
fn storage_and_logs() -> Vec<u8> {
    let mut c = Vec::new();
    push1(&mut c, 0);
    c.push(op::CALLDATALOAD);
    push1(&mut c, 1);
    c.push(op::SSTORE);
    push1(&mut c, 1);
    c.extend([op::SLOAD, op::POP]);
    push1(&mut c, 0);
    push1(&mut c, 2);
    c.push(op::SSTORE);
    push1(&mut c, 9);
    push1(&mut c, 3);
    c.push(op::TSTORE);
    push1(&mut c, 3);
    c.extend([op::TLOAD, op::POP]);
    // CALLER, CALLVALUE, ADDRESS, ORIGIN, GASPRICE, COINBASE, TIMESTAMP, NUMBER, CHAINID,
    // BASEFEE, SELFBALANCE, CODESIZE, CALLDATASIZE.
    for read in [0x33, 0x34, 0x30, 0x32, 0x3a, 0x41, 0x42, 0x43, 0x46, 0x48, 0x47, 0x38, 0x36] {
        c.extend([read, op::POP]);
    }
    // BLOCKHASH of block 9 (in the window of block 10) and of block 10 (0).
    for block in [9, 10] {
        push1(&mut c, block);
        c.extend([op::BLOCKHASH, op::POP]);
    }
    push1(&mut c, 0x24);
    c.extend([op::CALLDATALOAD, op::POP]);
    push1(&mut c, 0x11);
    push1(&mut c, 0);
    c.push(op::MSTORE);
    push1(&mut c, 0x72);
    push1(&mut c, 0x71);
    push1(&mut c, 0x24);
    push1(&mut c, 0x04);
    c.extend([op::LOG2, op::STOP]);
    c
}

/// Signed division and remainder, ADDMOD and MULMOD (one with a zero modulus), EXP, and
/// copies: CALLDATACOPY unaligned, past the input's end and empty; MCOPY overlapping and empty.
fn wide_arithmetic_and_copies() -> Vec<u8> {
    let mut c = Vec::new();
    // -7 / 2 and -7 % 2 (signed).
    for signed in [op::SDIV, op::SMOD] {
        push1(&mut c, 2);
        push1(&mut c, 7);
        c.extend([op::PUSH0, op::SUB, signed, op::POP]);
    }
    // (200 + 100) % 7, (200 · 100) % 7 and (200 · 100) % 0.
    for (modulus, wide) in [(7, op::ADDMOD), (7, op::MULMOD), (0, op::MULMOD)] {
        push1(&mut c, modulus);
        push1(&mut c, 100);
        push1(&mut c, 200);
        c.extend([wide, op::POP]);
    }
    // 3 ** 5.
    push1(&mut c, 5);
    push1(&mut c, 3);
    c.extend([op::EXP, op::POP]);
    // CALLDATACOPY(dest, src, size) for (3, 1, 40), (64, 30, 20) and (9, 0, 0).
    for (dest, src, size) in [(3, 1, 40), (64, 30, 20), (9, 0, 0)] {
        push1(&mut c, size);
        push1(&mut c, src);
        push1(&mut c, dest);
        c.push(op::CALLDATACOPY);
    }
    // MCOPY(dest, src, size) for (10, 3, 50) (overlapping) and (0, 0, 0).
    for (dest, src, size) in [(10, 3, 50), (0, 0, 0)] {
        push1(&mut c, size);
        push1(&mut c, src);
        push1(&mut c, dest);
        c.push(op::MCOPY);
    }
    c.push(op::STOP);
    c
}

/// Storage and transient writes, then REVERT with data: the writes are undone.
fn reverted() -> Vec<u8> {
    let mut c = Vec::new();
    push1(&mut c, 0x44);
    push1(&mut c, 1);
    c.push(op::SSTORE);
    push1(&mut c, 0x55);
    push1(&mut c, 4);
    c.push(op::TSTORE);
    push1(&mut c, 0x66);
    push1(&mut c, 0);
    c.push(op::MSTORE);
    push1(&mut c, 0x20);
    push1(&mut c, 0x05);
    c.push(op::REVERT);
    c
}

/// A storage write, then INVALID: an exceptional halt that undoes the write and takes all gas.
fn halted() -> Vec<u8> {
    let mut c = Vec::new();
    push1(&mut c, 0x77);
    push1(&mut c, 1);
    c.extend([op::SSTORE, op::INVALID]);
    c
}

/// One transaction from a funded sender to `to` (with `code` installed there unless empty).
fn one_tx(
    name: &str,
    to: Address,
    code: Vec<u8>,
    data: Vec<u8>,
    value: u64,
) -> Result<Subject, MutationError> {
    let mut batch =
        Batch::new(BatchBlock::simple(address!("0xc0ffee0000000000000000000000000000000000"), 10));
    batch
        .pre
        .insert(SENDER, BatchAccount { balance: U256::from(10u128.pow(20)), ..Default::default() });
    if !code.is_empty() {
        let storage = [(U256::from(2), U256::from(5))].into_iter().collect();
        batch.pre.insert(to, BatchAccount { code: code.into(), storage, ..Default::default() });
    }
    batch.transactions.push(BatchTx {
        sender: Some(SENDER),
        tx_type: Some(2),
        nonce: Some(0),
        gas_limit: Some(1_000_000),
        max_fee_per_gas: Some(10),
        max_priority_fee_per_gas: Some(1),
        to: Some(to),
        value: U256::from(value),
        data: data.into(),
        ..Default::default()
    });
    let trace = |batch: &Batch| -> Result<_, zkevm_executor::ExecutorError> {
        Ok(trace_batch(&batch.to_input(name)?, name)?.trace)
    };
    let trace = trace(&batch)
        .map_err(|e| MutationError::Trace { subject: name.into(), message: e.to_string() })?;
    Ok(Subject { name: name.into(), trace })
}

/// The small built-in subjects (no demo batch).
pub fn programs() -> Result<Vec<Subject>, MutationError> {
    let calldata: Vec<u8> = (1..=40u8).collect();
    Ok(vec![
        one_tx("transfer", RECIPIENT, Vec::new(), Vec::new(), 1_000)?,
        one_tx("arithmetic", CONTRACT, arithmetic(), Vec::new(), 0)?,
        one_tx("memory-and-flow", CONTRACT, memory_and_flow(), Vec::new(), 0)?,
        one_tx("storage-and-logs", CONTRACT, storage_and_logs(), calldata.clone(), 3)?,
        one_tx("wide-arithmetic-and-copies", CONTRACT, wide_arithmetic_and_copies(), calldata, 0)?,
        one_tx("reverted", CONTRACT, reverted(), Vec::new(), 0)?,
        one_tx("halted", CONTRACT, halted(), Vec::new(), 0)?,
    ])
}

/// The demo batch (eight transactions, the token contract; a large chunk).
pub fn demo() -> Result<Subject, MutationError> {
    let batch = zkevm_executor::demo::demo_batch();
    let traced = batch
        .to_input("demo")
        .and_then(|input| trace_batch(&input, "demo"))
        .map_err(|e| MutationError::Trace { subject: "demo".into(), message: e.to_string() })?;
    Ok(Subject { name: "demo".into(), trace: traced.trace })
}

/// The subjects of a batch file.
pub fn batch_file(path: &std::path::Path) -> Result<Subject, MutationError> {
    let name = path.display().to_string();
    let err = |e: zkevm_executor::ExecutorError| MutationError::Trace {
        subject: name.clone(),
        message: e.to_string(),
    };
    let batch = Batch::load(path).map_err(err)?;
    let traced = batch.to_input(&name).and_then(|input| trace_batch(&input, &name)).map_err(err)?;
    Ok(Subject { name, trace: traced.trace })
}
