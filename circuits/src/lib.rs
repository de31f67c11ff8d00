//! `zkevm-circuits`: the halo2 circuits that constrain an execution trace.
//!
//! Sub-circuits (EVM, state, bytecode, keccak, copy) and the fixed tables they share live here;
//! they consume `zkevm_executor::trace` types only and never see revm. Nothing is implemented
//! yet: the circuit issues build on this crate.
