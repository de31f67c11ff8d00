//! `zkevm-verifier`: loads proof artifacts it does not trust and checks them.
//!
//! - [`artifact`]: [`ProofArtifact`] (one chunk's proof, public inputs and summary; binary and
//!   JSON forms), the [`Bundle`] of a batch's chunks and the [`BatchStatement`] file;
//! - [`key`]: the trusted [`VerifierKey`] and the verifying-key fingerprint;
//! - [`pinned`]: the fingerprints pinned for this circuit version under the insecure setup;
//! - [`verify`]: bundle against statement, public inputs recomputed from the statement with
//!   [`zkevm_circuits::public::ChunkStatement::instance`], proofs checked.
//!
//! Every malformed input is a typed [`VerifyError`]; nothing here panics on bytes.

pub mod artifact;
mod check;
mod codec;
mod error;
pub mod key;
pub mod pinned;

pub use artifact::{BatchStatement, Bundle, ProofArtifact, StatementSummary, FORMAT_VERSION};
pub use check::{verify, verify_with_instances, ExpectedChunk, Verified};
pub use error::VerifyError;
pub use key::{vk_fingerprint, VerifierKey};
pub use pinned::{check_pinned, pinned_insecure_fingerprint};
