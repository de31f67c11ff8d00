//! Keccak-256: native reference with per-round intermediates, the witness source of the
//! keccak circuit (the circuit itself is not built yet).
//!
//! - [`native`]: keccak-f[1600] that records every round's θ column parities `C`, θ offsets `D`,
//!   the ρπ output `B` and the state entering each round; it is checked against published
//!   keccak-256 vectors and against `alloy_primitives::keccak256`.
//! - [`padding`]: keccak's multi-rate padding (`0x01 … 0x80`, rate 136 bytes) and absorption.

pub mod native;
pub mod padding;
pub mod permutation;
