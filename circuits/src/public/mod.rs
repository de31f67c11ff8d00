//! Public inputs: what a chunk proof binds (DESIGN.md, "What a proof binds").
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
//! 5. the statement rows: `(tag, address, field_tag, key lo/hi, initial lo/hi, final lo/hi)`
//!    of every touched account field and storage slot, then all-zero unused rows. Two lookups
//!    tie them to the state circuit in both directions: the last row of every location whose
//!    initial value comes from the statement is a statement row (its `init` and final value
//!    included), and every used statement row is such a last row. The statement can neither
//!    omit a touched location nor list an untouched one; the verifier requires the rows sorted
//!    and unique, so none is listed twice;
//! 6. the calldata table (`tx + 1, word index, lo, hi` per row, the all-zero row first): copy
//!    constraints from every cell, so the calldata CALLDATALOAD reads is the statement's.
//!
//! The verifier recomputes the instance from a [`ChunkStatement`] with
//! [`ChunkStatement::instance`].

pub mod config;
pub mod layout;
pub mod statement;

pub use config::{PublicConfig, TableCells};
pub use layout::{InstanceLayout, STATEMENT_COLUMNS};
pub use statement::{
    touched_locations, BlockStatement, ChunkStatement, LocationKind, StatementError,
    TouchedLocation, TxStatement,
};
