//! Errors of witness generation.

use thiserror::Error;

/// Why a witness could not be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CircuitError {
    /// The input needs more of a sub-circuit than its configured capacity.
    #[error("{what}: needs {needed}, capacity is {capacity}")]
    CapacityExceeded {
        /// The sub-circuit and unit (e.g. "keccak permutations").
        what: &'static str,
        /// How many the input needs.
        needed: usize,
        /// How many fit.
        capacity: usize,
    },
    /// The input uses a feature that has no sound circuit yet.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A step's RWs are not what its gadget reads (a trace the executor did not make, or a
    /// gadget and the executor out of step).
    #[error("malformed witness: {0}")]
    MalformedWitness(String),
}
