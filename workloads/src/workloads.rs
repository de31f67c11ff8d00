//! The named workloads: deterministic batches built in code, each scaled by a size (its number
//! of transactions).
//!
//! Every transaction of a workload does the same fixed unit of work, sized so that one
//! transaction of the workloads the circuits prove today fits the default chunk (k = 11) on
//! its own; a larger size adds transactions, which the capacity planner spreads over chunks.
//! Contract code is assembled by hand ([`Asm`]), so nothing needs a compiler.
//!
//! | workload | each transaction |
//! | --- | --- |
//! | `transfers` | a native ETH transfer |
//! | `erc20` | a `transfer` call of the demo token (KECCAK256 mapping slots, LOG3, RETURN of data) |
//! | `compute` | [`COMPUTE_ROUNDS`] rounds of MUL, ADD, SHL, DIV, SUB, LT |
//! | `storage` | [`STORAGE_SLOTS`] fresh slots written with SSTORE and read back with SLOAD |
//! | `memory` | CALLDATACOPY of its calldata, then MLOAD/MSTORE of every word, then a second CALLDATACOPY |
//! | `memory-words` | [`MEMORY_ROUNDS`] rounds of MSTORE, MLOAD and MSTORE8 at growing offsets (no copies) |
//! | `keccak` | a chain of [`KECCAK_ROUNDS`] KECCAK256 over 64 bytes of memory |

use std::fmt;
use std::str::FromStr;

use alloy_primitives::{address, Address, Bytes, U256};
use zkevm_executor::batch::{Batch, BatchAccount, BatchBlock, BatchTx};
use zkevm_executor::{demo, ExecutionInput};

use crate::error::BenchError;

/// Rounds of the `compute` loop per transaction.
pub const COMPUTE_ROUNDS: u8 = 5;
/// Storage slots written (and read back) per `storage` transaction.
pub const STORAGE_SLOTS: u8 = 5;
/// Rounds of the `memory-words` loop per transaction.
pub const MEMORY_ROUNDS: u8 = 4;
/// Calldata words copied (twice) by each `memory` transaction.
pub const COPY_WORDS: u8 = 4;
/// KECCAK256 calls per `keccak` transaction.
pub const KECCAK_ROUNDS: u8 = 8;

const SENDER: Address = address!("0xa11ce00000000000000000000000000000000001");
const RECIPIENT: Address = address!("0xb0b0000000000000000000000000000000000002");
const CONTRACT: Address = address!("0xc000000000000000000000000000000000000b00");
const COINBASE: Address = address!("0xc0ffee0000000000000000000000000000000000");
const ETHER: u128 = 1_000_000_000_000_000_000;

/// A named workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Workload {
    /// Native ETH transfers from one sender.
    Transfers,
    /// Demo-token `transfer` calls.
    Erc20,
    /// An arithmetic loop.
    Compute,
    /// Memory and copy heavy: CALLDATACOPY plus word moves.
    Memory,
    /// Memory heavy without copies: MSTORE, MLOAD, MSTORE8.
    MemoryWords,
    /// SSTORE/SLOAD heavy.
    Storage,
    /// KECCAK256 heavy.
    Keccak,
}

impl Workload {
    /// Every workload, in report order.
    pub const ALL: [Workload; 7] = [
        Workload::Transfers,
        Workload::Erc20,
        Workload::Compute,
        Workload::Memory,
        Workload::MemoryWords,
        Workload::Storage,
        Workload::Keccak,
    ];

    /// The workload's name on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Transfers => "transfers",
            Workload::Erc20 => "erc20",
            Workload::Compute => "compute",
            Workload::Memory => "memory",
            Workload::MemoryWords => "memory-words",
            Workload::Storage => "storage",
            Workload::Keccak => "keccak",
        }
    }

    /// What one transaction of the workload does.
    pub fn describe(self) -> &'static str {
        match self {
            Workload::Transfers => "a native ETH transfer",
            Workload::Erc20 => "a demo-token transfer(to, value) call",
            Workload::Compute => "5 rounds of MUL, ADD, SHL, DIV, SUB, LT",
            Workload::Memory => "CALLDATACOPY of 128 bytes, 4 MLOAD/MSTORE, CALLDATACOPY again",
            Workload::MemoryWords => "4 rounds of MSTORE, MLOAD, MSTORE8 at growing offsets",
            Workload::Storage => "5 SSTOREs to fresh slots, each read back with SLOAD",
            Workload::Keccak => "a chain of 8 KECCAK256 over 64 bytes of memory",
        }
    }

    /// The size `zkevm bench` uses when none is given: a few chunks at the default chunk.
    pub fn default_size(self) -> usize {
        match self {
            Workload::Transfers => 24,
            Workload::Erc20 => 4,
            _ => 3,
        }
    }

    /// The batch of `size` transactions.
    pub fn input(self, size: usize) -> Result<ExecutionInput, BenchError> {
        let batch = match self {
            Workload::Transfers => transfers_batch(size),
            Workload::Erc20 => erc20_batch(size),
            Workload::Compute => contract_batch(compute_code(), size, 100_000, |_| Bytes::new()),
            Workload::Storage => contract_batch(storage_code(), size, 300_000, |i| {
                // Each transaction writes its own slots: base key i * 256.
                Bytes::from(U256::from(i * 256).to_be_bytes::<32>().to_vec())
            }),
            Workload::Memory => contract_batch(memory_copy_code(), size, 100_000, |i| {
                let len = usize::from(COPY_WORDS) * 32;
                (0..len).map(|b| (i as u8).wrapping_mul(31).wrapping_add(b as u8)).collect()
            }),
            Workload::MemoryWords => {
                contract_batch(memory_words_code(), size, 100_000, |_| Bytes::new())
            }
            Workload::Keccak => contract_batch(keccak_code(), size, 100_000, |i| {
                Bytes::from(U256::from(i + 1).to_be_bytes::<32>().to_vec())
            }),
        };
        batch
            .to_input(self.name())
            .map_err(|e| BenchError::Workload { workload: self.name(), why: e.to_string() })
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Workload {
    type Err = BenchError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Workload::ALL
            .into_iter()
            .find(|w| w.name() == s)
            .ok_or_else(|| BenchError::UnknownWorkload(s.to_string()))
    }
}

fn funded(accounts: &[Address]) -> Batch {
    let mut batch = Batch::new(BatchBlock::simple(COINBASE, 1));
    for account in accounts {
        batch.pre.insert(
            *account,
            BatchAccount { balance: U256::from(100 * ETHER), ..Default::default() },
        );
    }
    batch
}

fn eip1559(sender: Address, nonce: u64, to: Address, gas: u64) -> BatchTx {
    BatchTx {
        sender: Some(sender),
        tx_type: Some(2),
        nonce: Some(nonce),
        gas_limit: Some(gas),
        max_fee_per_gas: Some(30),
        max_priority_fee_per_gas: Some(2),
        to: Some(to),
        ..Default::default()
    }
}

/// `count` native transfers from one sender to one recipient.
pub fn transfers_batch(count: usize) -> Batch {
    let mut batch = funded(&[SENDER]);
    batch.transactions = (0..count as u64)
        .map(|nonce| BatchTx {
            value: U256::from(1 + nonce),
            ..eip1559(SENDER, nonce, RECIPIENT, 21_000)
        })
        .collect();
    batch
}

/// `count` calls of the contract `code` (installed at a fixed address) from one sender, the
/// `i`-th with calldata `data(i)`.
fn contract_batch(code: Vec<u8>, count: usize, gas: u64, data: impl Fn(usize) -> Bytes) -> Batch {
    let mut batch = funded(&[SENDER]);
    batch.pre.insert(CONTRACT, BatchAccount { code: code.into(), ..Default::default() });
    batch.transactions = (0..count)
        .map(|i| BatchTx { data: data(i), ..eip1559(SENDER, i as u64, CONTRACT, gas) })
        .collect();
    batch
}

/// `count` demo-token transfers: the two holders alternate, each paying the next two users.
pub fn erc20_batch(count: usize) -> Batch {
    let [alice, bob, carol, dave] = demo::USERS;
    let mut batch = funded(&demo::USERS);
    let unit = U256::from(ETHER);
    let mut storage = std::collections::BTreeMap::new();
    storage.insert(U256::ZERO, U256::from(1_000_000u64) * unit);
    storage.insert(demo::balance_slot(alice), U256::from(600_000u64) * unit);
    storage.insert(demo::balance_slot(bob), U256::from(400_000u64) * unit);
    batch.pre.insert(
        demo::TOKEN,
        BatchAccount { code: demo::token_code(), storage, ..Default::default() },
    );
    batch.transactions = (0..count)
        .map(|i| {
            let (sender, to) = if i % 2 == 0 { (alice, carol) } else { (bob, dave) };
            let value = U256::from(1 + i as u64) * unit;
            BatchTx {
                data: demo::transfer_calldata(to, value),
                ..eip1559(sender, (i / 2) as u64, demo::TOKEN, 100_000)
            }
        })
        .collect();
    batch
}

/// A minimal EVM assembler: opcodes, pushes of the shortest width and backward labels.
#[derive(Default)]
pub struct Asm {
    code: Vec<u8>,
}

/// Opcodes the workloads use.
#[allow(missing_docs)]
pub mod op {
    pub const STOP: u8 = 0x00;
    pub const ADD: u8 = 0x01;
    pub const MUL: u8 = 0x02;
    pub const SUB: u8 = 0x03;
    pub const DIV: u8 = 0x04;
    pub const LT: u8 = 0x10;
    pub const SHL: u8 = 0x1b;
    pub const KECCAK256: u8 = 0x20;
    pub const CALLDATALOAD: u8 = 0x35;
    pub const CALLDATASIZE: u8 = 0x36;
    pub const CALLDATACOPY: u8 = 0x37;
    pub const POP: u8 = 0x50;
    pub const MLOAD: u8 = 0x51;
    pub const MSTORE: u8 = 0x52;
    pub const MSTORE8: u8 = 0x53;
    pub const SLOAD: u8 = 0x54;
    pub const SSTORE: u8 = 0x55;
    pub const JUMPI: u8 = 0x57;
    pub const JUMPDEST: u8 = 0x5b;
    pub const DUP1: u8 = 0x80;
    pub const DUP2: u8 = 0x81;
    pub const DUP3: u8 = 0x82;
    pub const SWAP1: u8 = 0x90;
}

impl Asm {
    /// Appends opcodes.
    pub fn ops(&mut self, ops: &[u8]) -> &mut Self {
        self.code.extend_from_slice(ops);
        self
    }

    /// Appends a PUSH of `value` in as few bytes as it needs (at least one).
    pub fn push(&mut self, value: u64) -> &mut Self {
        let bytes = value.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count().min(7);
        let width = 8 - skip;
        self.code.push(0x5f + width as u8);
        self.code.extend_from_slice(&bytes[skip..]);
        self
    }

    /// Appends a JUMPDEST and returns its offset.
    pub fn label(&mut self) -> u64 {
        self.code.push(op::JUMPDEST);
        (self.code.len() - 1) as u64
    }

    /// `i = i - 1` on top of the stack, then jump to `target` while `i != 0`.
    pub fn count_down(&mut self, target: u64) -> &mut Self {
        self.push(1).ops(&[op::SWAP1, op::SUB, op::DUP1]).push(target).ops(&[op::JUMPI])
    }

    /// The assembled code.
    pub fn finish(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.code)
    }
}

/// `compute`: stack `[a, i]`; each round `a = ((3a + 5) << 1) / 7`, `i = i - 1`, loop while
/// `0 < i`.
pub fn compute_code() -> Vec<u8> {
    use op::*;
    let mut asm = Asm::default();
    asm.push(0x0123_4567_89ab_cdef).push(u64::from(COMPUTE_ROUNDS));
    let top = asm.label();
    asm.ops(&[SWAP1])
        .push(3)
        .ops(&[MUL])
        .push(5)
        .ops(&[ADD])
        .push(1)
        .ops(&[SHL])
        .push(7)
        .ops(&[SWAP1, DIV, SWAP1])
        .push(1)
        .ops(&[SWAP1, SUB, DUP1])
        .push(0)
        .ops(&[LT])
        .push(top)
        .ops(&[JUMPI, STOP]);
    asm.finish()
}

/// `storage`: stack `[base, i]` with `base` the first calldata word; each round
/// `sstore(base + i, i)`, `sload(base + i)`, for `i` from [`STORAGE_SLOTS`] down to 1.
pub fn storage_code() -> Vec<u8> {
    use op::*;
    let mut asm = Asm::default();
    asm.push(0).ops(&[CALLDATALOAD]).push(u64::from(STORAGE_SLOTS));
    let top = asm.label();
    asm.ops(&[DUP1, DUP3, ADD, DUP2, SWAP1, SSTORE, DUP1, DUP3, ADD, SLOAD, POP])
        .count_down(top)
        .ops(&[STOP]);
    asm.finish()
}

/// `memory-words`: for `i` from [`MEMORY_ROUNDS`] down to 1: `mstore(64 i, i)`,
/// `mstore8(64 i + 7, mload(64 i))`.
pub fn memory_words_code() -> Vec<u8> {
    use op::*;
    let mut asm = Asm::default();
    asm.push(u64::from(MEMORY_ROUNDS));
    let top = asm.label();
    asm.ops(&[DUP1, DUP1])
        .push(6)
        .ops(&[SHL, MSTORE, DUP1])
        .push(6)
        .ops(&[SHL, MLOAD, DUP2])
        .push(6)
        .ops(&[SHL])
        .push(7)
        .ops(&[ADD, MSTORE8])
        .count_down(top)
        .ops(&[STOP]);
    asm.finish()
}

/// `memory`: `calldatacopy(0, 0, calldatasize)`; for `i` from [`COPY_WORDS`] down to 1:
/// `mstore(32 (i + COPY_WORDS), mload(32 (i - 1)))`; then `calldatacopy(512, 0,
/// calldatasize)`.
pub fn memory_copy_code() -> Vec<u8> {
    use op::*;
    let words = u64::from(COPY_WORDS);
    let mut asm = Asm::default();
    asm.ops(&[CALLDATASIZE]).push(0).push(0).ops(&[CALLDATACOPY]).push(words);
    let top = asm.label();
    asm.ops(&[DUP1])
        .push(1)
        .ops(&[SWAP1, SUB])
        .push(5)
        .ops(&[SHL, MLOAD, DUP2])
        .push(words)
        .ops(&[ADD])
        .push(5)
        .ops(&[SHL, MSTORE])
        .count_down(top)
        .ops(&[CALLDATASIZE])
        .push(0)
        .push(512)
        .ops(&[CALLDATACOPY, STOP]);
    asm.finish()
}

/// `keccak`: `mstore(0, calldataload(0))`, then [`KECCAK_ROUNDS`] times
/// `mstore(32, keccak256(0, 64))`.
pub fn keccak_code() -> Vec<u8> {
    use op::*;
    let mut asm = Asm::default();
    asm.push(0).ops(&[CALLDATALOAD]).push(0).ops(&[MSTORE]).push(u64::from(KECCAK_ROUNDS));
    let top = asm.label();
    asm.push(64).push(0).ops(&[KECCAK256]).push(32).ops(&[MSTORE]).count_down(top).ops(&[STOP]);
    asm.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use zkevm_executor::{trace_batch, TxStatus};

    /// Every workload executes, every transaction succeeds, and the trace passes the replay
    /// check (run again here, beyond the one `trace_batch` runs).
    #[test]
    fn every_workload_executes_and_replays() {
        for workload in Workload::ALL {
            let size = 3;
            let input = workload.input(size).expect("builds");
            let traced = trace_batch(&input, workload.name()).expect("executes");
            zkevm_executor::ReplayCheck::check(&traced.trace)
                .unwrap_or_else(|e| panic!("{workload}: replay: {e}"));
            assert_eq!(traced.trace.txs.len(), size, "{workload}");
            for (i, status) in traced.execution.statuses.iter().enumerate() {
                match status {
                    TxStatus::Executed(result) => {
                        assert!(result.is_success(), "{workload}: tx {i}: {result:?}")
                    }
                    TxStatus::Rejected(why) => panic!("{workload}: tx {i} rejected: {why}"),
                }
            }
        }
    }

    /// The loops run as many rounds as their constants say (counted from the trace).
    #[test]
    fn loops_run_their_rounds() {
        use zkevm_executor::trace::StepKind;
        let count = |workload: Workload, opcode: u8| {
            let input = workload.input(1).expect("builds");
            let trace = trace_batch(&input, "count").expect("executes").trace;
            trace.txs[0].steps.iter().filter(|s| s.kind == StepKind::Op(opcode)).count()
        };
        assert_eq!(count(Workload::Compute, op::DIV), usize::from(COMPUTE_ROUNDS));
        assert_eq!(count(Workload::Storage, op::SSTORE), usize::from(STORAGE_SLOTS));
        assert_eq!(count(Workload::Storage, op::SLOAD), usize::from(STORAGE_SLOTS));
        assert_eq!(count(Workload::MemoryWords, op::MSTORE8), usize::from(MEMORY_ROUNDS));
        assert_eq!(count(Workload::Memory, op::CALLDATACOPY), 2);
        assert_eq!(count(Workload::Keccak, op::KECCAK256), usize::from(KECCAK_ROUNDS));
    }

    /// Workloads are deterministic: the same size gives the same trace.
    #[test]
    fn workloads_are_deterministic() {
        for workload in [Workload::Storage, Workload::Erc20] {
            let a = trace_batch(&workload.input(2).expect("builds"), "a").expect("runs").trace;
            let b = trace_batch(&workload.input(2).expect("builds"), "b").expect("runs").trace;
            assert_eq!(a, b, "{workload}");
        }
    }

    /// Names round-trip and unknown names are typed errors.
    #[test]
    fn names_parse() {
        for workload in Workload::ALL {
            assert_eq!(workload.name().parse::<Workload>().expect("parses"), workload);
        }
        assert!(matches!("nope".parse::<Workload>(), Err(BenchError::UnknownWorkload(_))));
    }

    #[test]
    fn pushes_are_minimal() {
        let mut asm = Asm::default();
        asm.push(0).push(0x1234);
        assert_eq!(asm.finish(), vec![0x60, 0x00, 0x61, 0x12, 0x34]);
    }
}
