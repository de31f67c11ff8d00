//! Where each public input sits in the instance column. The layout depends on the
//! [`ChunkParams`] only.

use crate::super_circuit::ChunkParams;
use crate::table::{BlockTable, TxField};

/// Cells of one statement row: tag, id, address, field_tag, key lo/hi, initial lo/hi, final
/// lo/hi.
pub const STATEMENT_COLUMNS: usize = 10;

/// Offsets of the parts of the instance column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceLayout {
    /// Block table rows (the all-zero row first), `(lo, hi)` each.
    pub block: usize,
    /// Transaction table rows (the all-zero row first), `(lo, hi)` each.
    pub tx: usize,
    /// Index in the batch of the chunk's first transaction.
    pub first_tx: usize,
    /// Number of transactions in the chunk.
    pub tx_count: usize,
    /// Statement rows, [`STATEMENT_COLUMNS`] cells each.
    pub statement: usize,
    /// Calldata table rows (the all-zero row first): `(tx + 1, index, lo, hi)` each.
    pub calldata: usize,
    len: usize,
}

impl InstanceLayout {
    /// The layout of a chunk of `params`.
    pub fn new(params: &ChunkParams) -> Self {
        let block = 0;
        let tx = block + 2 * BlockTable::rows();
        let first_tx = tx + 2 * (1 + params.txs * TxField::ALL.len());
        let tx_count = first_tx + 1;
        let statement = tx_count + 1;
        let calldata = statement + params.statement_rows * STATEMENT_COLUMNS;
        let len = calldata + 4 * (1 + params.calldata_words);
        Self { block, tx, first_tx, tx_count, statement, calldata, len }
    }

    /// Number of public inputs.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Never empty (the block table's rows are always there).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}
