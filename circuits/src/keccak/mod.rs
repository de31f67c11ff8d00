//! Keccak-256: the native reference and the circuit that exposes the [`table::KeccakTable`].
//!
//! - [`native`]: keccak-f[1600] that records every round's intermediates (the witness source),
//!   checked against published keccak-256 vectors and `alloy_primitives::keccak256`;
//! - [`padding`]: keccak's multi-rate padding (`0x01 … 0x80`, rate 136 bytes) and absorption;
//! - [`permutation`]: keccak-f as a bit-sliced circuit (64 rows a round);
//! - [`sponge`]: absorption, padding, length, input RLC and digest halves around it;
//! - [`layout`]: where each permutation, junction and byte row sits;
//! - [`table`]: `(enabled, input RLC, length, hash lo, hash hi)`;
//! - [`circuit`]: the two together, assigned in two phases.
//!
//! Cost: **1,600 rows per permutation** (24 rounds of 64 rows and one 64-row junction that holds
//! the output and absorbs the next block) plus one leading junction; **85 advice columns** (80
//! for the permutation, whose columns the sponge reuses on junction rows, and `byte`, `is_pad`,
//! `is_final`, `len`, `rlc`), **13 fixed columns**, no lookups. The widest gate has degree 5.

pub mod circuit;
pub mod layout;
pub mod native;
pub mod padding;
pub mod permutation;
pub mod sponge;
pub mod table;

pub use circuit::{KeccakCircuit, KeccakConfig, KeccakWitness};
pub use table::{hash_halves, KeccakTable};

#[cfg(test)]
mod tests;
