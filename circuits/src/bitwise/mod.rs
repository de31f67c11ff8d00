//! The bitwise circuit: AND, OR and XOR of 256-bit words, nibble by nibble, exposed as the
//! [`BitwiseTable`] `(op, a_hi, a_lo, b_hi, b_lo, c_hi, c_lo)` that the EVM circuit's
//! AND/OR/XOR gadget looks its step up in.
//!
//! **Layout.** One operation is a block of [`ROWS_PER_OP`] = 64 rows from row `64·i`: rows
//! `0..32` take the high limbs' nibbles, most significant first, rows `32..64` the low limbs'.
//! Each row holds nibbles `a`, `b`, `a∧b` (one lookup into the fixed table's `NibbleAnd` rows,
//! which also range-checks them), the result nibble `c`, the operation `op` (1 AND, 2 OR,
//! 3 XOR, 0 an unused block, whose nibbles are all zero) and running accumulators `acc_x = 16·acc_x(prev) + x`, restarted
//! at each limb's first row. The block's last row exports the limbs: its accumulators (low
//! limbs) and those 32 rows above (high limbs).
//!
//! **Constraints.** `op ∈ {0,1,2,3}` and constant over the block; `c = a∧b` (AND),
//! `a + b − a∧b` (OR), `a + b − 2·a∧b` (XOR), 0 (unused), with the operation's indicator a
//! Lagrange polynomial of `op`; the accumulators as above. Every exported limb is 32 nibbles,
//! so below `2^128`. Table rows other than a block's last row are all zero (every entry is
//! multiplied by the fixed `q_last`), so a disabled lookup is satisfied.
//!
//! **Cost.** 64 rows per operation; 10 advice and 4 fixed columns; one lookup (into the fixed
//! table); degree 5.

mod circuit;
mod witness;

pub use circuit::{BitwiseConfig, BitwiseOp, BitwiseTable};
pub use witness::bitwise_ops;

/// Rows per operation.
pub const ROWS_PER_OP: usize = 64;

#[cfg(test)]
mod tests;
