//! Lookup tables shared by the sub-circuits.
//!
//! Every table has the [`LookupTable`] shape: a fixed list of columns, looked up as a tuple.
//! Every table contains the all-zero tuple, so that a lookup whose input is multiplied by a
//! disabled condition (see [`crate::constraint_builder`]) is satisfied.

mod block;
mod calldata;
mod fixed;
mod rw;
mod tx;

pub use block::{block_rows, BlockField, BlockTable, BLOCKHASH_DEPTH, BLOCKHASH_FIELD};
pub use calldata::{calldata_rows, calldata_words, CallDataTable};
pub use fixed::{push_data_size, FixedTable, FixedTableTag, FIXED_VALUES};
pub use rw::RwTable;
pub use tx::{TxField, TxTable};

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

/// A table other circuits look tuples up in.
pub trait LookupTable<F: PrimeField> {
    /// The table's columns at the current row, in lookup-tuple order.
    fn table_exprs(&self) -> Vec<Expression<F>>;
    /// One name per column, for messages.
    fn annotations(&self) -> Vec<&'static str>;
}
