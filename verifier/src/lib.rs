//! `zkevm-verifier`: loads proof artifacts and checks them.
//!
//! Thin by design: it never panics on untrusted bytes and reports every rejection as a typed
//! error. Nothing is implemented yet: the prover issue builds on this crate.
