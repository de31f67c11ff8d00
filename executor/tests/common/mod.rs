//! Shared helpers: run a hand-assembled program in a one-transaction batch.

#![allow(dead_code)]

use alloy_primitives::{address, Address, Bytes, U256};
use zkevm_executor::batch::{Batch, BatchAccount, BatchBlock, BatchTx};
use zkevm_executor::{trace_batch, Trace, TracedExecution};

pub const SENDER: Address = address!("0x5e00000000000000000000000000000000000001");
pub const CONTRACT: Address = address!("0xc000000000000000000000000000000000000001");
pub const OTHER: Address = address!("0xc000000000000000000000000000000000000002");
pub const COINBASE: Address = address!("0xc0ffee0000000000000000000000000000000000");

/// A batch with a funded sender, `code` at [`CONTRACT`], and one call to it.
pub fn batch_calling(code: Vec<u8>, calldata: Vec<u8>) -> Batch {
    let mut pre = std::collections::BTreeMap::new();
    pre.insert(SENDER, BatchAccount { balance: U256::from(10u128.pow(20)), ..Default::default() });
    pre.insert(
        CONTRACT,
        BatchAccount { code: code.into(), balance: U256::from(1000), ..Default::default() },
    );
    let mut batch = Batch::new(BatchBlock::simple(COINBASE, 10));
    batch.pre = pre;
    batch.transactions.push(call_tx(0, CONTRACT, calldata));
    batch
}

pub fn call_tx(nonce: u64, to: Address, calldata: Vec<u8>) -> BatchTx {
    BatchTx {
        sender: Some(SENDER),
        tx_type: Some(2),
        nonce: Some(nonce),
        gas_limit: Some(1_000_000),
        max_fee_per_gas: Some(10),
        max_priority_fee_per_gas: Some(1),
        to: Some(to),
        value: U256::from(5),
        data: calldata.into(),
        ..Default::default()
    }
}

/// Traces a batch (the replay check runs inside) and returns it.
pub fn trace(batch: &Batch) -> TracedExecution {
    let input = batch.to_input("test batch").expect("valid batch");
    trace_batch(&input, "test batch").expect("traced and checked")
}

/// Traces `code` called with `calldata`.
pub fn trace_code(code: Vec<u8>, calldata: Vec<u8>) -> Trace {
    trace(&batch_calling(code, calldata)).trace
}

/// `PUSH32 value`.
pub fn push(value: U256) -> Vec<u8> {
    let mut v = vec![0x7f];
    v.extend_from_slice(&value.to_be_bytes::<32>());
    v
}

/// `PUSH20 address`.
pub fn push_address(a: Address) -> Vec<u8> {
    let mut v = vec![0x73];
    v.extend_from_slice(a.as_slice());
    v
}

/// Concatenates program pieces.
pub fn program(pieces: &[&[u8]]) -> Vec<u8> {
    pieces.concat()
}

pub fn bytes(v: &[u8]) -> Bytes {
    Bytes::copy_from_slice(v)
}
