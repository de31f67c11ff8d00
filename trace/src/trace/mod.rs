//! The execution trace: the complete, self-contained witness of one batch.
//!
//! A [`Trace`] is plain data (serde) and knows nothing of revm or halo2. Everything a circuit
//! assigns is derived from it. Its shape follows the witness model of `docs/spec.md#witness-model`:
//!
//! - [`BlockContext`]: the block the batch executes in;
//! - [`TxTrace`]: per transaction, its fields, result, and [`Step`]s;
//! - [`Rw`]: the chronological read/write log of the whole batch (`rw_counter = index + 1`);
//! - [`CallRecord`]: one entry per call frame (every call and create kind);
//! - bytecodes, [`CopyEvent`]s and [`KeccakInput`]s;
//! - pre/post [`StateSummary`] of every account and slot the batch touched.
//!
//! The executor's replay check (`zkevm_executor::trace::check`) replays the RW log natively and
//! must reproduce the post-state summary; a trace that fails it must never reach a circuit.

mod rw;
mod step;

pub use rw::{
    AccountField, CallContextField, LogField, ReceiptField, Rw, RwAccess, RwKey, RwTarget,
};
pub use step::{ExecError, Step, StepKind};

use alloy_primitives::{Address, Bytes, B256, U256};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Format version of [`Trace`]; bumped on any incompatible change of the serialised form.
pub const TRACE_FORMAT_VERSION: u32 = 1;

/// The witness of one batch: block context, transactions, RW log and side tables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    /// [`TRACE_FORMAT_VERSION`] of the producer.
    pub version: u32,
    /// The block every transaction of the batch executes in.
    pub block: BlockContext,
    /// The transactions, in execution order.
    pub txs: Vec<TxTrace>,
    /// Every read and write of the batch, in execution order; `rws[i].rw_counter == i + 1`.
    pub rws: Vec<Rw>,
    /// Every call frame of the batch, in the order frames were entered.
    pub calls: Vec<CallRecord>,
    /// Code hash to code bytes, for every code executed or read.
    pub bytecodes: BTreeMap<B256, Bytes>,
    /// One entry per byte copy between memory, code, calldata, return data and logs.
    pub copy_events: Vec<CopyEvent>,
    /// One entry per hashed byte string (KECCAK256 inputs, CREATE2 init codes, created codes).
    pub keccak_inputs: Vec<KeccakInput>,
    /// Values of every touched account field and storage slot before the batch.
    pub pre_state: StateSummary,
    /// Values of every touched account field and storage slot after the batch, as revm left them.
    pub post_state: StateSummary,
    /// The EndBlock step that closes the batch (no RWs).
    pub end_block: Step,
}

impl Trace {
    /// Number of steps over all transactions.
    pub fn step_count(&self) -> usize {
        self.txs.iter().map(|tx| tx.steps.len()).sum()
    }

    /// Total gas used by the batch.
    pub fn gas_used(&self) -> u64 {
        self.txs.iter().map(|tx| tx.gas_used).sum()
    }
}

/// The block context shared by every transaction of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockContext {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// Fee recipient (COINBASE).
    pub coinbase: Address,
    /// Block number (NUMBER).
    pub number: u64,
    /// Block timestamp (TIMESTAMP).
    pub timestamp: u64,
    /// Block gas limit (GASLIMIT).
    pub gas_limit: u64,
    /// EIP-1559 base fee (BASEFEE).
    pub base_fee: u64,
    /// PREVRANDAO (post-merge DIFFICULTY).
    pub prevrandao: B256,
    /// EIP-4844 blob base fee (BLOBBASEFEE), if the block has one.
    pub blob_base_fee: Option<u128>,
    /// Hashes of the up to 256 previous blocks, oldest first: `(number, hash)`.
    pub block_hashes: Vec<(u64, B256)>,
    /// Gas used by the block's transactions before the trace's first one (0 unless the trace
    /// is a later chunk of its block): the first receipt's cumulative gas starts here.
    #[serde(default)]
    pub gas_used_before: u64,
}

/// Transaction envelope type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxType {
    /// Pre-EIP-2718 legacy transaction.
    Legacy,
    /// EIP-2930 access-list transaction.
    AccessList,
    /// EIP-1559 dynamic-fee transaction.
    DynamicFee,
    /// EIP-4844 blob transaction.
    Blob,
}

/// How a transaction ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxOutcome {
    /// Executed successfully; carries the output (return data or created address's code).
    Success {
        /// Return data of the root call.
        output: Bytes,
    },
    /// The root call reverted with REVERT.
    Revert {
        /// Revert data.
        output: Bytes,
    },
    /// The root call halted exceptionally.
    Halt {
        /// revm's halt reason, as text.
        reason: String,
    },
}

/// One transaction: its fields, its result and its steps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxTrace {
    /// Envelope type.
    pub tx_type: TxType,
    /// Sender (recovered from the signature, or given by the input).
    pub sender: Address,
    /// Sender nonce.
    pub nonce: u64,
    /// Gas limit.
    pub gas_limit: u64,
    /// Legacy gas price, or EIP-1559 max fee per gas.
    pub gas_price: u128,
    /// EIP-1559 max priority fee per gas.
    pub max_priority_fee_per_gas: Option<u128>,
    /// Gas price actually paid per unit of gas.
    pub effective_gas_price: u128,
    /// Recipient; `None` for contract creation.
    pub to: Option<Address>,
    /// Value transferred.
    pub value: U256,
    /// Calldata, or init code for a creation.
    pub input: Bytes,
    /// EIP-2930 access list: addresses and their storage keys.
    pub access_list: Vec<(Address, Vec<B256>)>,
    /// EIP-4844 versioned blob hashes.
    pub blob_hashes: Vec<B256>,
    /// How the transaction ended.
    pub outcome: TxOutcome,
    /// Gas used after refunds.
    pub gas_used: u64,
    /// Refund applied (already capped per EIP-3529).
    pub gas_refund: u64,
    /// Logs in the receipt (reverted logs excluded).
    pub logs: Vec<LogEntry>,
    /// The EVM steps: BeginTx, one per executed opcode, EndTx.
    pub steps: Vec<Step>,
}

/// One log of a receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Emitting contract.
    pub address: Address,
    /// Topics (0 to 4).
    pub topics: Vec<B256>,
    /// Data.
    pub data: Bytes,
}

/// Kind of a call frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallKind {
    /// CALL, or the root call of a transaction with a recipient.
    Call,
    /// CALLCODE.
    CallCode,
    /// DELEGATECALL.
    DelegateCall,
    /// STATICCALL.
    StaticCall,
    /// CREATE, or the root frame of a creation transaction.
    Create,
    /// CREATE2.
    Create2,
}

/// One call frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallRecord {
    /// Index of this frame in [`Trace::calls`]; the `call` id used by RW targets.
    pub id: usize,
    /// Transaction index within the batch.
    pub tx: usize,
    /// Parent frame id; `None` for a transaction's root call.
    pub parent: Option<usize>,
    /// Kind of frame.
    pub kind: CallKind,
    /// Call depth (0 for the root call).
    pub depth: usize,
    /// `msg.sender` of the frame.
    pub caller: Address,
    /// Address whose storage and balance the frame acts on.
    pub address: Address,
    /// Address whose code runs (differs from `address` for CALLCODE and DELEGATECALL).
    pub code_address: Address,
    /// Hash of the code that runs.
    pub code_hash: B256,
    /// Value (CALLVALUE).
    pub value: U256,
    /// Calldata (empty for creates; init code lives in `bytecodes`).
    pub input: Bytes,
    /// Whether the frame is static.
    pub is_static: bool,
    /// Gas given to the frame.
    pub gas_limit: u64,
    /// Whether the frame succeeded (its state writes persist unless an ancestor reverts).
    pub success: bool,
    /// Whether the frame ran code (false for precompiles, empty code and failed setup).
    pub has_code_steps: bool,
    /// Return data (REVERT data included).
    pub output: Bytes,
}

/// Where a copy reads or writes bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CopyLocation {
    /// Memory of a call frame.
    Memory {
        /// Frame id.
        call: usize,
    },
    /// Code bytes, by hash.
    Bytecode {
        /// Code hash.
        code_hash: B256,
    },
    /// Calldata of a transaction's root call.
    TxCalldata {
        /// Transaction index.
        tx: usize,
    },
    /// Calldata of an internal call (held in the caller's memory).
    CallCalldata {
        /// Frame id.
        call: usize,
    },
    /// Return data last received by a frame.
    ReturnData {
        /// Frame id of the receiving frame.
        call: usize,
    },
    /// Data of a log.
    LogData {
        /// Transaction index.
        tx: usize,
        /// Log index within the transaction.
        log_id: u64,
    },
    /// Input of a keccak hash.
    Keccak,
}

/// One byte copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyEvent {
    /// rw_counter of the step's first RW; ties the copy to its step.
    pub rw_counter: u64,
    /// Source.
    pub src: CopyLocation,
    /// Offset in the source.
    pub src_offset: u64,
    /// Destination.
    pub dst: CopyLocation,
    /// Offset in the destination.
    pub dst_offset: u64,
    /// The bytes as they arrive at the destination (zero fill past the source's end included).
    pub bytes: Bytes,
}

/// One hashed byte string and its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeccakInput {
    /// Input bytes.
    pub input: Bytes,
    /// keccak256 of the input.
    pub hash: B256,
}

/// Account fields and storage slots of every touched account.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateSummary {
    /// Accounts by address.
    pub accounts: BTreeMap<Address, AccountSummary>,
}

/// One account's fields and the touched slots of its storage.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    /// Nonce.
    pub nonce: u64,
    /// Balance.
    pub balance: U256,
    /// Code hash (keccak of the empty string for accounts without code or non-existent ones).
    pub code_hash: B256,
    /// Touched storage slots.
    pub storage: BTreeMap<U256, U256>,
}
