//! `zkevm-trace`: the execution trace as plain data ([`trace`]) and the Cancun opcode table
//! ([`opcodes`]). The executor produces traces; the circuits and the verifier read them. This
//! crate links neither revm nor halo2 (`docs/spec.md#witness-model`).

pub mod opcodes;
pub mod trace;

pub use trace::Trace;
