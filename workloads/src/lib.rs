//! `zkevm-workloads`: the named workloads, the criterion benches' helpers and the throughput
//! report behind `zkevm bench`.
//!
//! - [`workloads`]: deterministic batches (`transfers`, `erc20`, `compute`, `memory`,
//!   `memory-words`, `storage`, `keccak`), each scaled by a number of transactions;
//! - [`chunk`]: one chunk size per `k` (the default chunk at k = 11, scaled above);
//! - [`throughput`]: a workload through every phase (trace, plan, witness, keygen, prove,
//!   verify), timed, with rows, memory, proof size and the lower-bound ratio;
//! - [`lower_bound`]: what halo2 commits per chunk, and the time of those MSMs;
//! - [`markdown`]: a report rendered as the Markdown page `docs/performance.md`.
//!
//! [`state_test_workloads`] adds a few Ethereum state tests to the execution bench when
//! `../shared/statetests` is present.

pub mod chunk;
mod error;
pub mod lower_bound;
pub mod markdown;
pub mod throughput;
pub mod workloads;

use std::path::Path;

use alloy_primitives::{address, U256};
pub use error::BenchError;
pub use workloads::Workload;
use zkevm_executor::batch::{Batch, BatchAccount, BatchBlock, BatchTx};
use zkevm_executor::{demo, ExecutionInput};
use zkevm_statetest as statetest;

/// The built-in demo batch (8 native and token transfers).
pub fn demo_workload() -> ExecutionInput {
    demo::demo_batch().to_input("demo").unwrap_or_else(|e| panic!("demo batch is valid: {e}"))
}

/// One transaction running an arithmetic loop of `iterations` rounds (about 8 steps each).
pub fn loop_workload(iterations: u16) -> ExecutionInput {
    let [hi, lo] = iterations.to_be_bytes();
    // PUSH2 n; JUMPDEST; PUSH1 1; SWAP1; SUB; DUP1; PUSH1 3; JUMPI; STOP
    let code = vec![0x61, hi, lo, 0x5b, 0x60, 0x01, 0x90, 0x03, 0x80, 0x60, 0x03, 0x57, 0x00];
    let sender = address!("0x5e00000000000000000000000000000000000001");
    let contract = address!("0xc000000000000000000000000000000000000001");
    let mut batch =
        Batch::new(BatchBlock::simple(address!("0xc0ffee0000000000000000000000000000000000"), 1));
    batch
        .pre
        .insert(sender, BatchAccount { balance: U256::from(10u128.pow(20)), ..Default::default() });
    batch.pre.insert(contract, BatchAccount { code: code.into(), ..Default::default() });
    batch.transactions.push(BatchTx {
        sender: Some(sender),
        tx_type: Some(2),
        nonce: Some(0),
        gas_limit: Some(30_000_000),
        max_fee_per_gas: Some(10),
        max_priority_fee_per_gas: Some(1),
        to: Some(contract),
        ..Default::default()
    });
    batch.to_input("loop").unwrap_or_else(|e| panic!("loop batch is valid: {e}"))
}

/// A few state tests by name (all their Cancun entries), if the shared folder exists.
pub fn state_test_workloads(root: &Path) -> Vec<(String, Vec<ExecutionInput>)> {
    let picks = [
        "VMTests/vmArithmeticTest/exp.json",
        "stSStoreTest/sstore_combinations_initial00.json",
        "stCallCodes/callcallcallcode_001.json",
        "stLogTests/log4_logMemsizeTooHigh.json",
    ];
    let Ok(fork) = statetest::parse_fork("Cancun") else { return Vec::new() };
    picks
        .iter()
        .filter_map(|pick| {
            let entries = statetest::load_entries(&root.join(pick), &fork).ok()?;
            let inputs: Vec<ExecutionInput> =
                entries.into_iter().filter_map(|e| e.input.ok()).collect();
            Some((pick.to_string(), inputs))
        })
        .filter(|(_, inputs)| !inputs.is_empty())
        .collect()
}

/// `count` native transfers from one sender (the `transfers` workload).
pub fn transfers_workload(count: u64) -> ExecutionInput {
    workloads::transfers_batch(count as usize)
        .to_input("transfers")
        .unwrap_or_else(|e| panic!("transfers are valid: {e}"))
}
