//! The circuits' integration tests, one module per subject, built as one test binary: halo2's
//! generic prover and MockProver code is compiled and linked once rather than once per file.

mod common;
mod forgeries;
mod kzg_roundtrip;
mod layout;
mod lint;
mod mutation;
mod oog;
mod public_inputs;
mod revert;
mod super_circuit;
mod super_circuit_kzg;
mod support;
