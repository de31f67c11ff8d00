//! The chunk's outputs: each transaction's receipt (success, cumulative gas, logs), as the
//! statement lists them.
//!
//! A receipt is listed as its fields' final values in the state circuit: the `TxReceipt`
//! locations (success, cumulative gas, log count) of the transaction, and for each of its
//! logs the `TxLog` locations (address, topic count, each topic, data length, each 32-byte
//! data word). The lookup "statement: every listed location is touched" ties each listed row
//! to the last row of its location, so every value is the one the EVM circuit wrote last
//! (EndTx writes the receipt; LOG writes the log's fields; a reverted call's logs are
//! overwritten by later ones, and the log count says how many are final). The verifier builds
//! the rows from the receipts, so none of them can be left out: a receipt needs all of its
//! rows, and rows only its logs need are listed.

use alloy_primitives::{Address, Bytes, B256, U256};
use serde::{Deserialize, Serialize};
use zkevm_trace::trace::{LogField, ReceiptField, Trace, TxOutcome, TxTrace};

use super::statement::StatementRow;
use crate::state::rw_row::{address_word, log_field_tag, receipt_field_tag};
use crate::state::RwTag;

/// The most topics a log has (LOG4).
pub const MAX_TOPICS: usize = 4;

/// One log of a receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Log {
    /// The emitting contract.
    pub address: Address,
    /// Its topics, at most [`MAX_TOPICS`].
    pub topics: Vec<B256>,
    /// Its data.
    pub data: Bytes,
}

/// The receipt of one transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// Whether the transaction succeeded (its root call neither reverted nor halted).
    pub success: bool,
    /// Gas used by the block's transactions up to and including this one.
    pub cumulative_gas_used: u64,
    /// The logs it emitted (none when it failed).
    pub logs: Vec<Log>,
}

impl Receipt {
    /// The statement rows of the receipt of the chunk's `tx`-th transaction (0-based).
    pub fn rows(&self, tx: u64) -> Vec<StatementRow> {
        let receipt = |field: ReceiptField, value: U256| StatementRow {
            tag: RwTag::TxReceipt as u64,
            id: tx,
            address: U256::ZERO,
            field_tag: receipt_field_tag(field),
            key: U256::ZERO,
            initial: U256::ZERO,
            last: value,
        };
        let mut rows = vec![
            receipt(ReceiptField::Success, U256::from(self.success as u8)),
            receipt(ReceiptField::CumulativeGasUsed, U256::from(self.cumulative_gas_used)),
            receipt(ReceiptField::LogCount, U256::from(self.logs.len())),
        ];
        for (log_id, log) in self.logs.iter().enumerate() {
            let field = |field: LogField, value: U256| {
                let (field_tag, index) = log_field_tag(field);
                StatementRow {
                    tag: RwTag::TxLog as u64,
                    id: tx,
                    address: U256::from(log_id),
                    field_tag,
                    key: U256::from(index),
                    initial: U256::ZERO,
                    last: value,
                }
            };
            rows.push(field(LogField::Address, address_word(log.address)));
            rows.push(field(LogField::TopicCount, U256::from(log.topics.len())));
            for (i, topic) in log.topics.iter().enumerate() {
                rows.push(field(LogField::Topic(i as u8), U256::from_be_bytes(topic.0)));
            }
            rows.push(field(LogField::DataLength, U256::from(log.data.len())));
            for (i, chunk) in log.data.chunks(32).enumerate() {
                let mut word = [0u8; 32];
                word[..chunk.len()].copy_from_slice(chunk);
                rows.push(field(LogField::DataWord(i as u32), U256::from_be_bytes(word)));
            }
        }
        rows
    }

    /// Statement rows of the receipt: 3, and per log 4 plus its topics and data words.
    pub fn row_count(&self) -> usize {
        let log_rows = |log: &Log| 4 + log.topics.len() + log.data.len().div_ceil(32);
        3 + self.logs.iter().map(log_rows).sum::<usize>()
    }
}

/// The receipts of the transactions of `trace`, in order; the cumulative gas continues from
/// the gas the block used before the trace.
pub fn receipts(trace: &Trace) -> Vec<Receipt> {
    let mut cumulative = trace.block.gas_used_before;
    trace
        .txs
        .iter()
        .map(|tx| {
            cumulative += tx.gas_used;
            receipt(tx, cumulative)
        })
        .collect()
}

fn receipt(tx: &TxTrace, cumulative_gas_used: u64) -> Receipt {
    let logs = tx.logs.iter().map(|log| Log {
        address: log.address,
        topics: log.topics.clone(),
        data: log.data.clone(),
    });
    Receipt {
        success: matches!(tx.outcome, TxOutcome::Success { .. }),
        cumulative_gas_used,
        logs: logs.collect(),
    }
}
