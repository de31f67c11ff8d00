//! The state circuit: the RW log sorted by location, proven consistent.
//!
//! Rows ([`witness`]): padding rows (tag 0, everything zero, `rw_counter` = 0, 1, 2, …), then
//! one row per RW sorted by the key `(tag·256 + field_tag, id, address, key_hi, key_lo,
//! rw_counter)` (storage leaves `id`, its transaction, out of the key). Constraints
//! ([`config`]):
//! - **strict order**: a one-hot `first_diff` names the first key component that differs from
//!   the previous row; earlier components are equal, and that one grows by `1 + Σ 256^i·d_i`
//!   with 20 range-checked bytes `d_i`. Every step is below `2^160`, so over at most `2^k`
//!   rows no component can wrap around the field: the rows of one location are contiguous and
//!   in `rw_counter` order, and no row repeats;
//! - **read consistency**: in a location's rows, a read returns the previous row's value and a
//!   write's `value_prev` is it; the first access reads (or a write's `value_prev` is) `init`,
//!   the location's initial value, constant over its rows;
//! - **initial values**: zero for every tag but storage and account fields, whose initial
//!   values are the statement's pre-state (bound to public inputs with the prover);
//! - **committed values** (storage `aux`): `init` on the first access, the previous row's
//!   value on the first access of a later transaction, else unchanged;
//! - padding rows are zero, count up from 0 in `rw_counter`, and form a prefix (a padding row
//!   follows only a padding row); row 0 is padding. So a padding row's `rw_counter` is its row
//!   index, whatever the other rows' keys are;
//! - `field_tag` is a byte, so the packed first key component `tag·256 + field_tag` is
//!   injective. The other components need no range: along any run of rows, the first
//!   component that changes at all only grows, by at most `2^160` a row, so over `2^k` rows it
//!   cannot come back to a value it had; a location's rows are therefore contiguous whatever
//!   values its keys hold.
//!
//! The EVM circuit looks every read and write up in the [`RwTable`](crate::table::RwTable)
//! with its `rw_counter`, and its last step looks up the padding row with `rw_counter =
//! capacity − total − 1`. Lookups with distinct `rw_counter`s hit distinct rows, and the padding
//! count leaves exactly `total` other rows, so the table is a permutation of the EVM circuit's
//! chronological accesses. (halo2-axiom 0.5 has no public shuffle argument; this lookup-and-count
//! argument proves the same.)

pub mod config;
pub mod rw_row;
pub mod witness;

pub use config::StateConfig;
pub use rw_row::{RwRow, RwTag};
pub use witness::StateWitness;

#[cfg(test)]
mod tests;
