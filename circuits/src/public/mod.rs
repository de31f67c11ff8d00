//! Public inputs: what a chunk proof binds (`docs/spec.md#what-a-proof-binds`).
//!
//! The instance is one column of field elements, laid out by [`InstanceLayout`] from the
//! [`ChunkParams`](crate::super_circuit::ChunkParams) only:
//!
//! 1. the block table, row by row (the all-zero row first), each value as `(lo, hi)` 128-bit
//!    limbs: copy constraints from the table's cells;
//! 2. the transaction table the same way, every slot (unused slots are zero);
//! 3. the batch index of the chunk's first transaction: copied from the first slot's
//!    `global_id`, a column beside the transaction table whose value on every row is the first
//!    slot's plus the row's (fixed) slot;
//! 4. the number of transactions: looked up as one more than the `tx_id` of the EVM circuit's
//!    last step (EndBlock), which the EVM circuit reaches only after every transaction;
//! 5. the statement rows: `(tag, id, address, field_tag, key lo/hi, initial lo/hi, final
//!    lo/hi)` of every touched account field and storage slot, and of every field of every
//!    receipt and its logs ([`outputs`]), in the state circuit's order, then all-zero unused
//!    rows. Two lookups tie them to the state circuit: the last row of every location whose
//!    initial value comes from the statement is a statement row (its `init` and final value
//!    included), and every used statement row is such a last row or the last row of an output
//!    location (log or receipt field, initial value 0). The statement can neither omit a
//!    touched location nor list an untouched one nor an output value the EVM circuit did not
//!    write last; the verifier builds the output rows from the receipts, so none it relies on
//!    is missing, and requires the touched locations sorted and unique;
//! 6. the calldata table (`tx + 1, word index, lo, hi` per row, the all-zero row first): copy
//!    constraints from every cell, so the calldata CALLDATALOAD reads is the statement's.
//!
//! The verifier recomputes the instance from a [`ChunkStatement`] with
//! [`ChunkStatement::instance`].

pub mod config;
pub mod layout;
pub mod outputs;
pub mod statement;

pub use config::{PublicConfig, TableCells};
pub use layout::{InstanceLayout, STATEMENT_COLUMNS};
pub use outputs::{receipts, Log, Receipt};
pub use statement::{
    touched_locations, BlockStatement, ChunkStatement, LocationKind, StatementError, StatementRow,
    TouchedLocation, TxStatement,
};
