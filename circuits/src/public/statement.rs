//! The statement of one chunk: what its proof binds, as plain data a verifier can read from a
//! file, and the instance (public inputs) it determines.

use alloy_primitives::{Address, Bytes, B256, U256};
use halo2_proofs::halo2curves::ff::PrimeField;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use zkevm_trace::trace::{BlockContext, Trace, TxTrace};

use super::layout::{InstanceLayout, STATEMENT_COLUMNS};
use super::outputs::{receipts, Receipt, MAX_TOPICS};
use crate::state::rw_row::{account_field_tag, address_word, word_limbs, RwRow, RwTag};
use crate::super_circuit::ChunkParams;
use crate::table::{block_rows, calldata_rows, BlockField, TxField, BLOCKHASH_DEPTH};
use zkevm_trace::trace::AccountField;

/// Why a statement cannot be turned into an instance.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StatementError {
    /// More transactions or touched locations than the chunk holds.
    #[error("the statement has {needed} {what}, the chunk holds {capacity}")]
    TooLarge {
        /// "transactions" or "touched locations".
        what: &'static str,
        /// How many the statement lists.
        needed: usize,
        /// How many the chunk parameters allow.
        capacity: usize,
    },
    /// A chunk proves at least one transaction.
    #[error("the statement lists no transaction; a chunk proves at least one")]
    NoTransaction,
    /// A transaction's calldata length or gas disagrees with its calldata.
    #[error(
        "transaction {index}: call_data_length or call_data_gas_cost disagrees with call_data"
    )]
    CallDataMismatch {
        /// Position of the transaction in the statement.
        index: usize,
    },
    /// Touched locations must be listed once each, in the state circuit's order.
    #[error("touched location {index} is out of order or repeated; list each once, sorted")]
    Unsorted {
        /// Position of the offending entry.
        index: usize,
    },
    /// More previous block hashes than BLOCKHASH can see from this block.
    #[error(
        "the statement lists {given} previous block hashes; block {number} has at most {most}"
    )]
    TooManyBlockHashes {
        /// How many the statement lists.
        given: usize,
        /// The block's number.
        number: u64,
        /// `min(number, 256)`.
        most: usize,
    },
    /// A touched account field has a nonzero key.
    #[error("touched location {index} is an account field with a storage key")]
    KeyOnAccountField {
        /// Position of the offending entry.
        index: usize,
    },
    /// Every transaction has one receipt.
    #[error("the statement lists {receipts} receipts for {transactions} transactions")]
    ReceiptCount {
        /// Receipts listed.
        receipts: usize,
        /// Transactions listed.
        transactions: usize,
    },
    /// A log has at most four topics.
    #[error("receipt {tx}, log {log}: {topics} topics, a log has at most {MAX_TOPICS}")]
    TooManyTopics {
        /// Position of the receipt.
        tx: usize,
        /// Position of the log in it.
        log: usize,
        /// How many it lists.
        topics: usize,
    },
}

/// The block context fields the block table holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockStatement {
    /// COINBASE.
    pub coinbase: Address,
    /// TIMESTAMP.
    pub timestamp: u64,
    /// NUMBER.
    pub number: u64,
    /// PREVRANDAO.
    pub prevrandao: U256,
    /// GASLIMIT.
    pub gas_limit: u64,
    /// BASEFEE.
    pub base_fee: u64,
    /// CHAINID.
    pub chain_id: u64,
    /// BLOBBASEFEE (0 before Cancun).
    pub blob_base_fee: u128,
    /// What BLOCKHASH returns: the hashes of blocks `number − 1`, `number − 2`, … (at most
    /// 256, and none before block 0). A block of the window not listed has hash 0.
    pub previous_hashes: Vec<B256>,
}

impl BlockStatement {
    /// The statement's view of `block`.
    pub fn of(block: &BlockContext) -> Self {
        Self {
            coinbase: block.coinbase,
            timestamp: block.timestamp,
            number: block.number,
            prevrandao: U256::from_be_bytes(block.prevrandao.0),
            gas_limit: block.gas_limit,
            base_fee: block.base_fee,
            chain_id: block.chain_id,
            blob_base_fee: block.blob_base_fee.unwrap_or_default(),
            previous_hashes: (1..=Self::window(block.number) as u64)
                .map(|depth| {
                    let number = block.number - depth;
                    let known = block.block_hashes.iter().find(|(n, _)| *n == number);
                    known.map(|(_, hash)| *hash).unwrap_or_default()
                })
                .collect(),
        }
    }

    /// How many previous blocks BLOCKHASH sees from block `number`: `min(number, 256)`.
    pub fn window(number: u64) -> usize {
        number.min(BLOCKHASH_DEPTH as u64) as usize
    }

    /// The value of `field`.
    pub fn field(&self, field: BlockField) -> U256 {
        match field {
            BlockField::Coinbase => address_word(self.coinbase),
            BlockField::Timestamp => U256::from(self.timestamp),
            BlockField::Number => U256::from(self.number),
            BlockField::PrevRandao => self.prevrandao,
            BlockField::GasLimit => U256::from(self.gas_limit),
            BlockField::BaseFee => U256::from(self.base_fee),
            BlockField::ChainId => U256::from(self.chain_id),
            BlockField::BlobBaseFee => U256::from(self.blob_base_fee),
        }
    }
}

/// The transaction fields the transaction table holds, and the calldata the calldata table
/// holds as words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxStatement {
    /// Sender.
    pub caller: Address,
    /// Sender nonce.
    pub nonce: u64,
    /// Gas limit.
    pub gas_limit: u64,
    /// Price per gas paid.
    pub effective_gas_price: u128,
    /// Most offered per gas.
    pub max_fee_per_gas: u128,
    /// Most tipped per gas (EIP-1559; the gas price of a legacy transaction).
    pub max_priority_fee_per_gas: u128,
    /// Recipient; none for a creation.
    pub callee: Option<Address>,
    /// Value sent.
    pub value: U256,
    /// Calldata length in bytes.
    pub call_data_length: u64,
    /// Calldata gas (4 per zero byte, 16 per other).
    pub call_data_gas_cost: u64,
    /// Access-list entries (addresses plus keys).
    pub access_list_length: u64,
    /// The input.
    pub call_data: Bytes,
}

impl TxStatement {
    /// The statement's view of `tx`.
    pub fn of(tx: &TxTrace) -> Self {
        Self {
            caller: tx.sender,
            nonce: tx.nonce,
            gas_limit: tx.gas_limit,
            effective_gas_price: tx.effective_gas_price,
            max_fee_per_gas: tx.gas_price,
            max_priority_fee_per_gas: tx.max_priority_fee_per_gas.unwrap_or(tx.gas_price),
            callee: tx.to,
            value: tx.value,
            call_data_length: tx.input.len() as u64,
            call_data_gas_cost: tx.input.iter().map(|b| if *b == 0 { 4u64 } else { 16 }).sum(),
            access_list_length: tx.access_list.iter().map(|(_, keys)| 1 + keys.len() as u64).sum(),
            call_data: tx.input.clone(),
        }
    }

    /// The value of `field`.
    pub fn field(&self, field: TxField) -> U256 {
        match field {
            TxField::Nonce => U256::from(self.nonce),
            TxField::GasLimit => U256::from(self.gas_limit),
            TxField::EffectiveGasPrice => U256::from(self.effective_gas_price),
            TxField::MaxFeePerGas => U256::from(self.max_fee_per_gas),
            TxField::Caller => address_word(self.caller),
            TxField::Callee => self.callee.map(address_word).unwrap_or_default(),
            TxField::IsCreate => U256::from(self.callee.is_none() as u8),
            TxField::Value => self.value,
            TxField::CallDataLength => U256::from(self.call_data_length),
            TxField::CallDataGasCost => U256::from(self.call_data_gas_cost),
            TxField::AccessListLength => U256::from(self.access_list_length),
            TxField::MaxPriorityFeePerGas => U256::from(self.max_priority_fee_per_gas),
        }
    }
}

/// Which part of the state a touched location is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    /// A storage slot of `address` at `key`.
    Storage,
    /// The account's nonce.
    Nonce,
    /// The account's balance.
    Balance,
    /// The account's code hash.
    CodeHash,
}

impl LocationKind {
    /// `(tag, field_tag)` in the RW table.
    pub fn tags(self) -> (u64, u64) {
        match self {
            LocationKind::Storage => (RwTag::Storage as u64, 0),
            LocationKind::Nonce => (RwTag::Account as u64, account_field_tag(AccountField::Nonce)),
            LocationKind::Balance => {
                (RwTag::Account as u64, account_field_tag(AccountField::Balance))
            }
            LocationKind::CodeHash => {
                (RwTag::Account as u64, account_field_tag(AccountField::CodeHash))
            }
        }
    }

    fn of(row: &RwRow) -> Option<Self> {
        [Self::Storage, Self::Nonce, Self::Balance, Self::CodeHash]
            .into_iter()
            .find(|kind| kind.tags() == (row.tag as u64, row.field_tag))
    }
}

/// An account field or storage slot the chunk touched, with its value before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TouchedLocation {
    /// Storage slot or account field.
    pub kind: LocationKind,
    /// The account.
    pub address: Address,
    /// The storage slot (0 for account fields).
    pub key: U256,
    /// Value before the chunk.
    pub initial: U256,
    /// Value after the chunk.
    pub last: U256,
}

impl TouchedLocation {
    /// The order of the state circuit: `(tag·256 + field_tag, address, key)`.
    pub fn sort_key(&self) -> (u64, U256, U256) {
        let (tag, field) = self.kind.tags();
        (tag * 256 + field, address_word(self.address), self.key)
    }

    /// The location's statement row (its `id` is 0: the location spans the chunk).
    pub fn row(&self) -> StatementRow {
        let (tag, field_tag) = self.kind.tags();
        StatementRow {
            tag,
            id: 0,
            address: address_word(self.address),
            field_tag,
            key: self.key,
            initial: self.initial,
            last: self.last,
        }
    }
}

/// One row of the statement: a location of the state circuit with its value before the chunk
/// (zero for outputs) and after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementRow {
    /// The RW tag.
    pub tag: u64,
    /// The transaction of an output; 0 for account fields and storage slots.
    pub id: u64,
    /// The account, or the log's index in its transaction.
    pub address: U256,
    /// The field.
    pub field_tag: u64,
    /// The storage slot, topic index or data word index.
    pub key: U256,
    /// The value before the chunk.
    pub initial: U256,
    /// The value after it.
    pub last: U256,
}

impl StatementRow {
    /// The state circuit's order: `(tag·256 + field_tag, id, address, key)`.
    pub fn sort_key(&self) -> (u64, u64, U256, U256) {
        (self.tag * 256 + self.field_tag, self.id, self.address, self.key)
    }

    /// The row's cells: tag, id, address, field_tag, key lo/hi, initial lo/hi, final lo/hi.
    pub fn cells<F: PrimeField>(&self) -> [F; STATEMENT_COLUMNS] {
        let (key_lo, key_hi) = word_limbs(self.key);
        let (init_lo, init_hi) = word_limbs(self.initial);
        let (last_lo, last_hi) = word_limbs(self.last);
        [
            F::from(self.tag),
            F::from(self.id),
            word_field(self.address),
            F::from(self.field_tag),
            F::from_u128(key_lo),
            F::from_u128(key_hi),
            F::from_u128(init_lo),
            F::from_u128(init_hi),
            F::from_u128(last_lo),
            F::from_u128(last_hi),
        ]
    }
}

/// A number below `2^256` that is below the field modulus, as a field element.
pub fn word_field<F: PrimeField>(word: U256) -> F {
    let (lo, hi) = word_limbs(word);
    let shift = F::from_u128(1 << 64) * F::from_u128(1 << 64);
    F::from_u128(lo) + F::from_u128(hi) * shift
}

/// Everything one chunk proof binds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkStatement {
    /// Index in the batch of the chunk's first transaction.
    pub first_tx: u64,
    /// The block context.
    pub block: BlockStatement,
    /// The chunk's transactions, in order.
    pub transactions: Vec<TxStatement>,
    /// Every account field and storage slot the chunk touched, in the state circuit's order.
    pub touched: Vec<TouchedLocation>,
    /// Gas used by the block's transactions before the chunk's first one (0 for the first
    /// chunk): the first receipt's cumulative gas continues from it.
    pub gas_used_before: u64,
    /// The receipt of each transaction, in order.
    pub receipts: Vec<Receipt>,
}

impl ChunkStatement {
    /// The statement of `trace`, a chunk whose first transaction is the batch's `first_tx`-th.
    pub fn of(trace: &Trace, first_tx: u64) -> Self {
        Self {
            first_tx,
            block: BlockStatement::of(&trace.block),
            transactions: trace.txs.iter().map(TxStatement::of).collect(),
            touched: touched_locations(trace),
            gas_used_before: trace.block.gas_used_before,
            receipts: receipts(trace),
        }
    }

    /// The statement rows, in the state circuit's order: the touched locations, then each
    /// receipt's fields and logs.
    pub fn rows(&self) -> Vec<StatementRow> {
        let mut rows: Vec<StatementRow> = self.touched.iter().map(TouchedLocation::row).collect();
        for (tx, receipt) in self.receipts.iter().enumerate() {
            rows.extend(receipt.rows(tx as u64));
        }
        rows.sort_by_key(StatementRow::sort_key);
        rows
    }

    /// How many statement rows the statement takes.
    pub fn row_count(&self) -> usize {
        self.touched.len() + self.receipts.iter().map(Receipt::row_count).sum::<usize>()
    }

    /// Checks the shape the circuit relies on: at least one transaction, one receipt each, no
    /// more block hashes than the window holds, locations sorted and unique, no key on account
    /// fields, at most four topics a log.
    pub fn check(&self) -> Result<(), StatementError> {
        if self.transactions.is_empty() {
            return Err(StatementError::NoTransaction);
        }
        if self.receipts.len() != self.transactions.len() {
            return Err(StatementError::ReceiptCount {
                receipts: self.receipts.len(),
                transactions: self.transactions.len(),
            });
        }
        for (tx, receipt) in self.receipts.iter().enumerate() {
            for (log, entry) in receipt.logs.iter().enumerate() {
                if entry.topics.len() > MAX_TOPICS {
                    let topics = entry.topics.len();
                    return Err(StatementError::TooManyTopics { tx, log, topics });
                }
            }
        }
        let most = BlockStatement::window(self.block.number);
        if self.block.previous_hashes.len() > most {
            return Err(StatementError::TooManyBlockHashes {
                given: self.block.previous_hashes.len(),
                number: self.block.number,
                most,
            });
        }
        for (index, tx) in self.transactions.iter().enumerate() {
            let gas: u64 = tx.call_data.iter().map(|b| if *b == 0 { 4u64 } else { 16 }).sum();
            if tx.call_data_length != tx.call_data.len() as u64 || tx.call_data_gas_cost != gas {
                return Err(StatementError::CallDataMismatch { index });
            }
        }
        for (index, location) in self.touched.iter().enumerate() {
            if location.kind != LocationKind::Storage && location.key != U256::ZERO {
                return Err(StatementError::KeyOnAccountField { index });
            }
            if index > 0 && self.touched[index - 1].sort_key() >= location.sort_key() {
                return Err(StatementError::Unsorted { index });
            }
        }
        Ok(())
    }

    /// The instance of this statement in a chunk of `params`, in the order of
    /// [`InstanceLayout`].
    pub fn instance<F: PrimeField>(&self, params: &ChunkParams) -> Result<Vec<F>, StatementError> {
        self.check()?;
        let layout = InstanceLayout::new(params);
        if self.transactions.len() > params.txs {
            return Err(StatementError::TooLarge {
                what: "transactions",
                needed: self.transactions.len(),
                capacity: params.txs,
            });
        }
        let calldata = calldata_rows(self.transactions.iter().map(|tx| tx.call_data.as_ref()));
        if calldata.len() > params.calldata_words {
            return Err(StatementError::TooLarge {
                what: "calldata words",
                needed: calldata.len(),
                capacity: params.calldata_words,
            });
        }
        if self.row_count() > params.statement_rows {
            return Err(StatementError::TooLarge {
                what: "statement rows",
                needed: self.row_count(),
                capacity: params.statement_rows,
            });
        }
        let mut out = Vec::with_capacity(layout.len());
        let push_word = |out: &mut Vec<F>, word: U256| {
            let (lo, hi) = word_limbs(word);
            out.push(F::from_u128(lo));
            out.push(F::from_u128(hi));
        };
        push_word(&mut out, U256::ZERO);
        for (_, _, value) in block_rows(&self.block, self.gas_used_before) {
            push_word(&mut out, value);
        }
        push_word(&mut out, U256::ZERO);
        for slot in 0..params.txs {
            for field in TxField::ALL {
                let value = self.transactions.get(slot).map(|tx| tx.field(field));
                push_word(&mut out, value.unwrap_or_default());
            }
        }
        out.push(F::from(self.first_tx));
        out.push(F::from(self.transactions.len() as u64));
        let rows = self.rows();
        for slot in 0..params.statement_rows {
            match rows.get(slot) {
                Some(row) => out.extend(row.cells::<F>()),
                None => out.extend([F::ZERO; STATEMENT_COLUMNS]),
            }
        }
        for row in 0..=params.calldata_words {
            let (tx, index, word) = match row.checked_sub(1).and_then(|i| calldata.get(i)) {
                Some(&r) => r,
                None => (0, 0, U256::ZERO),
            };
            out.push(F::from(tx));
            out.push(F::from(index));
            push_word(&mut out, word);
        }
        debug_assert_eq!(out.len(), layout.len());
        Ok(out)
    }
}

/// The touched account fields and storage slots of `trace`, each with its value before its
/// first access and after its last one, in the state circuit's order.
pub fn touched_locations(trace: &Trace) -> Vec<TouchedLocation> {
    let mut rows: Vec<RwRow> = trace.rws.iter().map(RwRow::from_rw).collect();
    rows.retain(|row| row.tag.initial_value_from_statement());
    rows.sort_by_key(|row| row.sort_key());
    let mut out: Vec<TouchedLocation> = Vec::new();
    let mut previous: Option<[U256; 5]> = None;
    for row in rows {
        let key = row.sort_key();
        let location: [U256; 5] = [key[0], key[1], key[2], key[3], key[4]];
        let Some(kind) = LocationKind::of(&row) else { continue };
        if previous == Some(location) {
            if let Some(last) = out.last_mut() {
                last.last = row.value;
            }
        } else {
            let initial = if row.is_write { row.value_prev } else { row.value };
            let address = Address::from_word(row.address.to_be_bytes::<32>().into());
            out.push(TouchedLocation { kind, address, key: row.key, initial, last: row.value });
        }
        previous = Some(location);
    }
    out
}
