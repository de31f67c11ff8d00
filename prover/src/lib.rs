//! `zkevm-prover`: from a trace to proof artifacts.
//!
//! - [`setup`]: KZG parameters: the **insecure** deterministic setup for tests and the demo
//!   (fixed public seed, cached per `k`), or a ceremony SRS from a file;
//! - [`keys`]: proving and verifying keys cached under a digest of the circuit version, chunk
//!   parameters and KZG parameters;
//! - [`plan`]: the capacity planner (chunks cut at transaction boundaries, each run from the
//!   state the earlier ones left);
//! - [`prove`]: chunks proven in parallel, with progress and a summary;
//! - [`cache`]: the cache directory (`$ZKEVM_CACHE` or `~/.cache/zkevm`).
//!
//! The artifacts ([`zkevm_verifier::ProofArtifact`], [`zkevm_verifier::Bundle`]) and the
//! statement file ([`zkevm_verifier::BatchStatement`]) are defined by the verifier, which
//! reads what this crate writes.

pub mod cache;
mod error;
pub mod keys;
pub mod plan;
pub mod prove;
pub mod setup;

pub use cache::Cache;
pub use error::ProverError;
pub use plan::{
    plan, preset_name, smallest_preset, Chunk, CHUNK_PRESETS, DEFAULT_CHUNK, LARGE_CHUNK,
};
pub use prove::{
    prove_batch, prove_trace, ProveOptions, ProveReport, ProvenBatch, PROGRESS_TARGET,
};
pub use setup::{load_params, ParamsSource, INSECURE_SEED};

/// The README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
