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

pub use block::{
    block_rows, BlockField, BlockTable, BLOCKHASH_DEPTH, BLOCKHASH_FIELD, GAS_USED_BEFORE_FIELD,
};
pub use calldata::{calldata_rows, calldata_words, CallDataTable};
pub use fixed::{push_data_size, FixedTable, FixedTableTag, FIXED_VALUES};
pub use rw::RwTable;
pub use tx::{TxField, TxTable};

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use crate::challenges::compress_expr;

/// A table other circuits look tuples up in.
///
/// Rows outside a table's region hold values no gate constrains, so no lookup may match them:
/// every table is either made of fixed columns, or keyed on a fixed enable (a tuple entry that
/// is 0 outside the region while every enabled lookup asks for a nonzero value), or multiplied
/// by it. [`crate::lint`] checks each lookup for one of these shapes.
pub trait LookupTable<F: PrimeField> {
    /// The table's columns at the current row, in lookup-tuple order.
    fn table_exprs(&self) -> Vec<Expression<F>>;
    /// The tuple's first-phase entries compressed with `θ` (`Σ θ^i·t_i`, the
    /// [`Self::late_entry`] left out), zero on every row outside the table's fixed enable, for
    /// lookups of one compressed cell. The default suits tables of first-phase entries whose
    /// every witness entry is already multiplied by the enable (or that have none).
    fn compressed(&self, theta: &Expression<F>) -> Expression<F> {
        compress_expr(&self.table_exprs(), theta)
    }

    /// The tuple's one second-phase entry (an RLC), by its index in the tuple and as the
    /// table holds it (zero outside the fixed enable); `None` when every entry is first phase.
    /// `θ` is drawn with the RLC challenge, so it must not compress this entry: a compressed
    /// lookup pairs it beside the compressed cell instead.
    fn late_entry(&self) -> Option<(usize, Expression<F>)> {
        None
    }
    /// One name per column, for messages.
    fn annotations(&self) -> Vec<&'static str>;
}
