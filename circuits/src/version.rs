//! The circuit's version and the fingerprints of its pinned verifying keys: they change
//! together with the constraints, so they live with them.
//!
//! After a deliberate change to the constraints, bump [`CIRCUIT_VERSION`] (it is part of the
//! key cache's digest) and regenerate `circuits/pinned_vk_fingerprints.txt` with
//! `ZKEVM_REGENERATE_FIXTURES=1 cargo test --release -p zkevm-prover --test prove pinned`.

/// Bumped whenever the circuit changes in a way that changes its keys.
pub const CIRCUIT_VERSION: u32 = 27;

/// One line per chunk preset: `<fingerprint hex> <chunk parameters as JSON>`.
pub const PINNED_VK_FINGERPRINTS: &str = include_str!("../pinned_vk_fingerprints.txt");
