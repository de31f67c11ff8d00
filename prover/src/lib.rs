//! `zkevm-prover`: turns circuits into proofs.
//!
//! KZG parameters, proving and verifying keys, the capacity planner that splits a batch into
//! chunks, parallel chunk proving and the versioned proof artifact. Nothing is implemented yet:
//! the prover issue builds on this crate.
