//! The bytecode circuit: every byte of every code the chunk runs or reads, with its index,
//! whether it is an opcode or push data, and the code's hash bound by a keccak lookup.
//!
//! Rows (one region, from row 0): for each code a **header** row (`index` 0, `value` = code
//! length) and one **byte** row per byte (`index`, `value` = the byte, `is_code`), then
//! **padding** rows (all zero) up to the capacity; the last row is always padding.
//!
//! Constraints (per row, [`config`]):
//! - a byte row follows a header or a byte row of the same code: same `hash_lo/hi` and
//!   `length`, `index` one more (0 after the header), `rlc' = rlc·r + byte`;
//! - push data: `push_left` counts the push-data bytes still to come; `is_code = [push_left = 0]`
//!   (IsZero), and the next byte's `push_left` is the push size of this byte (a fixed-table
//!   lookup, which also range-checks the byte) when it is code, else `push_left − 1`;
//! - the last row of a code has `index + 1 = length` (or `length = 0` on a header) and looks
//!   `(rlc, length, hash)` up in the keccak table, so the hash is keccak-256 of exactly these
//!   bytes;
//! - padding rows are zero in every table column.
//!
//! Columns: 13 advice (the RLC in the second phase), 3 fixed; 2 lookups (push size, keccak).
//! All gates and lookups have degree at most 5.

pub mod circuit;
pub mod config;
pub mod table;
pub mod witness;

pub use circuit::BytecodeCircuit;
pub use config::BytecodeConfig;
pub use table::{BytecodeTable, BytecodeTag};
pub use witness::{BytecodeRow, BytecodeWitness};

#[cfg(test)]
mod tests;
