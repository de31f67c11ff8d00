//! Reads and writes: the RW log entries and their typed targets.

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

/// One read or write. `rw_counter` is its 1-based position in [`super::Trace::rws`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rw {
    /// 1-based position in the batch's RW log.
    pub rw_counter: u64,
    /// What is read or written.
    pub target: RwTarget,
    /// The value read, or the value written.
    pub value: U256,
    /// A read, or a write with the value it replaced.
    pub access: RwAccess,
}

/// Whether an [`Rw`] reads its target or writes it, and then over which value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RwAccess {
    /// The value is observed.
    Read,
    /// The value is written over `prev`.
    Write {
        /// The value before the write.
        prev: U256,
    },
}

impl Rw {
    /// A read of `value` at `target`.
    pub fn read(rw_counter: u64, target: RwTarget, value: U256) -> Self {
        Self { rw_counter, target, value, access: RwAccess::Read }
    }

    /// A write of `value` over `prev` at `target`.
    pub fn write(rw_counter: u64, target: RwTarget, value: U256, prev: U256) -> Self {
        Self { rw_counter, target, value, access: RwAccess::Write { prev } }
    }

    /// Whether it writes.
    pub fn is_write(&self) -> bool {
        matches!(self.access, RwAccess::Write { .. })
    }

    /// The value a write replaced (`None` for a read).
    pub fn value_prev(&self) -> Option<U256> {
        match self.access {
            RwAccess::Read => None,
            RwAccess::Write { prev } => Some(prev),
        }
    }
}

/// What an [`Rw`] reads or writes. Every value is a 256-bit word: addresses and hashes are
/// big-endian numbers, flags are 0 or 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RwTarget {
    /// A stack slot; `ptr` counts from the bottom of the stack (0 = first pushed item).
    Stack {
        /// Call frame id.
        call: usize,
        /// Position from the bottom, `0..1024`.
        ptr: u16,
    },
    /// A 32-byte aligned memory word; the value is the word read as a big-endian number.
    Memory {
        /// Call frame id.
        call: usize,
        /// Byte offset / 32.
        word_addr: u64,
    },
    /// A persistent storage slot. `committed_value` is the slot's value at the start of the
    /// transaction (EIP-2200 gas); it is part of the entry, not of the key.
    Storage {
        /// Transaction index.
        tx: usize,
        /// Account.
        address: Address,
        /// Slot.
        key: U256,
        /// Value at the start of the transaction.
        committed_value: U256,
    },
    /// An EIP-1153 transient storage slot (zero at the start of every transaction).
    TransientStorage {
        /// Transaction index.
        tx: usize,
        /// Account.
        address: Address,
        /// Slot.
        key: U256,
    },
    /// A field of an account.
    Account {
        /// Account.
        address: Address,
        /// Field.
        field: AccountField,
    },
    /// A property of a call frame.
    CallContext {
        /// Call frame id.
        call: usize,
        /// Property.
        field: CallContextField,
    },
    /// EIP-2929 warm flag of an account within a transaction (0 cold, 1 warm).
    TxAccessListAccount {
        /// Transaction index.
        tx: usize,
        /// Account.
        address: Address,
    },
    /// EIP-2929 warm flag of a storage slot within a transaction (0 cold, 1 warm).
    TxAccessListStorage {
        /// Transaction index.
        tx: usize,
        /// Account.
        address: Address,
        /// Slot.
        key: U256,
    },
    /// The transaction's accumulated gas refund counter.
    TxRefund {
        /// Transaction index.
        tx: usize,
    },
    /// A field of a log. A reverted call's logs are overwritten by later logs with the same
    /// `log_id`; the receipt's `LogCount` says how many are final.
    TxLog {
        /// Transaction index.
        tx: usize,
        /// Log index within the transaction.
        log_id: u64,
        /// Field.
        field: LogField,
    },
    /// A field of the transaction's receipt.
    TxReceipt {
        /// Transaction index.
        tx: usize,
        /// Field.
        field: ReceiptField,
    },
}

/// The location an RW reads or writes: the target without data that is not part of its
/// identity (a storage slot's committed value).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RwKey {
    /// See [`RwTarget`]; storage without its committed value.
    Storage {
        /// Account.
        address: Address,
        /// Slot.
        key: U256,
    },
    /// Every other target is its own key.
    Other(RwTarget),
}

impl RwTarget {
    /// The location this target names.
    pub fn key(&self) -> RwKey {
        match *self {
            RwTarget::Storage { address, key, .. } => RwKey::Storage { address, key },
            other => RwKey::Other(other),
        }
    }
}

/// A field of an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AccountField {
    /// Nonce.
    Nonce,
    /// Balance.
    Balance,
    /// Code hash (keccak of the empty string when there is no code).
    CodeHash,
}

/// A property of a call frame, written when the frame starts and read by the opcodes that
/// expose it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CallContextField {
    /// Transaction index.
    TxId,
    /// Call depth.
    Depth,
    /// Parent frame id (0 for a root call; ids of real frames are offset by one).
    ParentCall,
    /// CALLER.
    CallerAddress,
    /// ADDRESS: the account whose storage and balance the frame uses.
    CalleeAddress,
    /// Hash of the running code.
    CodeHash,
    /// CALLVALUE.
    Value,
    /// 1 if the frame is static.
    IsStatic,
    /// 1 if the frame is a create.
    IsCreate,
    /// CALLDATASIZE.
    CallDataLength,
    /// 1 if the frame ends successfully.
    IsSuccess,
    /// RETURNDATASIZE: length of the return data of the last sub-call.
    LastReturnDataLength,
}

impl CallContextField {
    /// Every field, in declaration order (the order a root call's context is written in).
    pub const ALL: [CallContextField; 12] = [
        CallContextField::TxId,
        CallContextField::Depth,
        CallContextField::ParentCall,
        CallContextField::CallerAddress,
        CallContextField::CalleeAddress,
        CallContextField::CodeHash,
        CallContextField::Value,
        CallContextField::IsStatic,
        CallContextField::IsCreate,
        CallContextField::CallDataLength,
        CallContextField::IsSuccess,
        CallContextField::LastReturnDataLength,
    ];
}

/// A field of a log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum LogField {
    /// Emitting address.
    Address,
    /// Number of topics.
    TopicCount,
    /// Topic `i`.
    Topic(u8),
    /// Data length in bytes.
    DataLength,
    /// Data bytes `32*i .. 32*i+32`, zero padded, as a big-endian number.
    DataWord(u32),
}

/// A field of a receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ReceiptField {
    /// 1 on success.
    Success,
    /// Gas used by the batch up to and including this transaction.
    CumulativeGasUsed,
    /// Number of logs in the receipt.
    LogCount,
}
