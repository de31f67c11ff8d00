//! RW log entries as rows of the [`RwTable`](crate::table::RwTable), and their sort order.
//!
//! Every [`RwTarget`] becomes `(tag, id, address, field_tag, key)`; values are `(lo, hi)`
//! 128-bit limbs. Per tag:
//!
//! | tag | id | address | field_tag | key | initial value |
//! |---|---|---|---|---|---|
//! | Stack | call | stack pointer | 0 | 0 | 0 |
//! | Memory | call | word address | 0 | 0 | 0 |
//! | Storage | tx (not part of the key) | account | 0 | slot | the statement's pre-state |
//! | TransientStorage | tx | account | 0 | slot | 0 |
//! | Account | 0 | account | field | 0 | the statement's pre-state |
//! | CallContext | call | 0 | field | 0 | 0 |
//! | TxAccessListAccount | tx | account | 0 | 0 | 0 |
//! | TxAccessListStorage | tx | account | 0 | slot | 0 |
//! | TxRefund | tx | 0 | 0 | 0 | 0 |
//! | TxLog | tx | log id | field kind | topic / data word index | 0 |
//! | TxReceipt | tx | 0 | field | 0 | 0 |
//!
//! Storage rows carry the transaction index in `id` because the committed value (EIP-2200's
//! original value, in `aux`) changes between transactions; the slot's identity across the batch
//! is `(address, key)`, so `id` is left out of the sort key for storage.

use alloy_primitives::{Address, U256};
use zkevm_trace::trace::{AccountField, CallContextField, LogField, ReceiptField, Rw, RwTarget};

/// The `tag` column: which kind of location a row reads or writes. 0 is padding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RwTag {
    /// An unused row (all zero but its rw_counter).
    Padding = 0,
    /// A stack slot.
    Stack = 1,
    /// A memory word.
    Memory = 2,
    /// A persistent storage slot.
    Storage = 3,
    /// A transient storage slot.
    TransientStorage = 4,
    /// An account field.
    Account = 5,
    /// A call-frame property.
    CallContext = 6,
    /// An account's warm flag.
    TxAccessListAccount = 7,
    /// A storage slot's warm flag.
    TxAccessListStorage = 8,
    /// The refund counter.
    TxRefund = 9,
    /// A log field.
    TxLog = 10,
    /// A receipt field.
    TxReceipt = 11,
}

impl RwTag {
    /// Every tag, padding first.
    pub const ALL: [RwTag; 12] = [
        RwTag::Padding,
        RwTag::Stack,
        RwTag::Memory,
        RwTag::Storage,
        RwTag::TransientStorage,
        RwTag::Account,
        RwTag::CallContext,
        RwTag::TxAccessListAccount,
        RwTag::TxAccessListStorage,
        RwTag::TxRefund,
        RwTag::TxLog,
        RwTag::TxReceipt,
    ];

    /// Whether a location's value before its first access is part of the statement (the
    /// pre-state); every other location starts at zero.
    pub fn initial_value_from_statement(self) -> bool {
        matches!(self, RwTag::Storage | RwTag::Account)
    }

    /// Whether the location is an output of the chunk (a log or receipt field): it starts at
    /// zero and the statement may list its final value.
    pub fn is_output(self) -> bool {
        matches!(self, RwTag::TxLog | RwTag::TxReceipt)
    }
}

/// `field_tag` of an account field (1-based; 0 means "no field").
pub fn account_field_tag(field: AccountField) -> u64 {
    match field {
        AccountField::Nonce => 1,
        AccountField::Balance => 2,
        AccountField::CodeHash => 3,
    }
}

/// `field_tag` of a call-context field.
pub fn call_context_field_tag(field: CallContextField) -> u64 {
    use CallContextField as C;
    match field {
        C::TxId => 1,
        C::Depth => 2,
        C::ParentCall => 3,
        C::CallerAddress => 4,
        C::CalleeAddress => 5,
        C::CodeHash => 6,
        C::Value => 7,
        C::IsStatic => 8,
        C::IsCreate => 9,
        C::CallDataLength => 10,
        C::IsSuccess => 11,
        C::LastReturnDataLength => 12,
    }
}

/// `(field_tag, key)` of a log field: topics and data words carry their index in `key`.
pub fn log_field_tag(field: LogField) -> (u64, u64) {
    match field {
        LogField::Address => (1, 0),
        LogField::TopicCount => (2, 0),
        LogField::Topic(i) => (3, i as u64),
        LogField::DataLength => (4, 0),
        LogField::DataWord(i) => (5, i as u64),
    }
}

/// `field_tag` of a receipt field.
pub fn receipt_field_tag(field: ReceiptField) -> u64 {
    match field {
        ReceiptField::Success => 1,
        ReceiptField::CumulativeGasUsed => 2,
        ReceiptField::LogCount => 3,
    }
}

/// A 256-bit word as `(lo, hi)` 128-bit limbs.
pub fn word_limbs(word: U256) -> (u128, u128) {
    let limbs = word.as_limbs();
    let lo = limbs[0] as u128 | (limbs[1] as u128) << 64;
    let hi = limbs[2] as u128 | (limbs[3] as u128) << 64;
    (lo, hi)
}

/// An address as a 160-bit number.
pub fn address_word(address: Address) -> U256 {
    U256::from_be_slice(address.as_slice())
}

/// One row of the RW table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RwRow {
    /// Position in the chronological RW log (1-based); padding rows count from 0.
    pub rw_counter: u64,
    /// Whether the row writes.
    pub is_write: bool,
    /// Kind of location.
    pub tag: RwTag,
    /// Call or transaction index (see the module table).
    pub id: u64,
    /// Account, stack pointer, word address or log id, as a number below `2^160`.
    pub address: U256,
    /// Which field of the location.
    pub field_tag: u64,
    /// Storage slot or log index.
    pub key: U256,
    /// Value read, or written.
    pub value: U256,
    /// For writes, the value before; for reads, the value read.
    pub value_prev: U256,
    /// Storage: the committed value (at the start of the transaction); else 0.
    pub aux: U256,
}

impl RwRow {
    /// A padding row.
    pub fn padding(rw_counter: u64) -> Self {
        Self {
            rw_counter,
            is_write: false,
            tag: RwTag::Padding,
            id: 0,
            address: U256::ZERO,
            field_tag: 0,
            key: U256::ZERO,
            value: U256::ZERO,
            value_prev: U256::ZERO,
            aux: U256::ZERO,
        }
    }

    /// The row of one RW log entry.
    pub fn from_rw(rw: &Rw) -> Self {
        let mut row = Self {
            rw_counter: rw.rw_counter,
            is_write: rw.is_write(),
            value: rw.value,
            value_prev: rw.value_prev().unwrap_or(rw.value),
            ..Self::padding(0)
        };
        let address = |a: Address| address_word(a);
        match rw.target {
            RwTarget::Stack { call, ptr } => {
                row.tag = RwTag::Stack;
                row.id = call as u64;
                row.address = U256::from(ptr);
            }
            RwTarget::Memory { call, word_addr } => {
                row.tag = RwTag::Memory;
                row.id = call as u64;
                row.address = U256::from(word_addr);
            }
            RwTarget::Storage { tx, address: a, key, committed_value } => {
                row.tag = RwTag::Storage;
                row.id = tx as u64;
                row.address = address(a);
                row.key = key;
                row.aux = committed_value;
            }
            RwTarget::TransientStorage { tx, address: a, key } => {
                row.tag = RwTag::TransientStorage;
                row.id = tx as u64;
                row.address = address(a);
                row.key = key;
            }
            RwTarget::Account { address: a, field } => {
                row.tag = RwTag::Account;
                row.address = address(a);
                row.field_tag = account_field_tag(field);
            }
            RwTarget::CallContext { call, field } => {
                row.tag = RwTag::CallContext;
                row.id = call as u64;
                row.field_tag = call_context_field_tag(field);
            }
            RwTarget::TxAccessListAccount { tx, address: a } => {
                row.tag = RwTag::TxAccessListAccount;
                row.id = tx as u64;
                row.address = address(a);
            }
            RwTarget::TxAccessListStorage { tx, address: a, key } => {
                row.tag = RwTag::TxAccessListStorage;
                row.id = tx as u64;
                row.address = address(a);
                row.key = key;
            }
            RwTarget::TxRefund { tx } => {
                row.tag = RwTag::TxRefund;
                row.id = tx as u64;
            }
            RwTarget::TxLog { tx, log_id, field } => {
                let (field_tag, index) = log_field_tag(field);
                row.tag = RwTag::TxLog;
                row.id = tx as u64;
                row.address = U256::from(log_id);
                row.field_tag = field_tag;
                row.key = U256::from(index);
            }
            RwTarget::TxReceipt { tx, field } => {
                row.tag = RwTag::TxReceipt;
                row.id = tx as u64;
                row.field_tag = receipt_field_tag(field);
            }
        }
        row
    }

    /// `id` as it enters the sort key (0 for storage, whose identity spans transactions).
    pub fn sort_id(&self) -> u64 {
        if self.tag == RwTag::Storage {
            0
        } else {
            self.id
        }
    }

    /// The sort key's components, most significant first: `tag·256 + field_tag`, `id`,
    /// `address`, `key` high limb, `key` low limb, `rw_counter`.
    pub fn sort_key(&self) -> [U256; SORT_COMPONENTS] {
        let (key_lo, key_hi) = word_limbs(self.key);
        [
            U256::from(self.tag as u64 * 256 + self.field_tag),
            U256::from(self.sort_id()),
            self.address,
            U256::from(key_hi),
            U256::from(key_lo),
            U256::from(self.rw_counter),
        ]
    }
}

/// Components of the sort key.
pub const SORT_COMPONENTS: usize = 6;
