//! Errors of the benches library.

use thiserror::Error;
use zkevm_prover::ProverError;

/// Why a workload could not be built or measured.
#[derive(Debug, Error)]
pub enum BenchError {
    /// The name is not a workload.
    #[error("unknown workload `{0}` (known: transfers, erc20, compute, memory, memory-words, storage, keccak, all)")]
    UnknownWorkload(String),
    /// A workload's batch did not build (a bug in the workload).
    #[error("workload {workload}: {why}")]
    Workload {
        /// The workload.
        workload: &'static str,
        /// What failed.
        why: String,
    },
    /// No chunk of the scaled family has this size.
    #[error("k = {k} is not supported: choose {min} <= k <= {max}")]
    UnsupportedK {
        /// The requested k.
        k: u32,
        /// Smallest supported k.
        min: u32,
        /// Largest supported k.
        max: u32,
    },
    /// The size is zero.
    #[error("the size must be at least one transaction")]
    EmptyWorkload,
    /// The prover failed (other than an unsupported feature or a transaction too large,
    /// which are outcomes, not errors).
    #[error(transparent)]
    Prover(#[from] ProverError),
    /// Verification of a proof just made failed: a bug.
    #[error("verification of the proofs just made failed: {0}")]
    Verify(String),
}
