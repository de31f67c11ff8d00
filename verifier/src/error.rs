//! Why a bundle, a statement or a proof is rejected.

use thiserror::Error;
use zkevm_circuits::public::StatementError;

/// Every way verification can fail. Loading untrusted bytes returns one of these, never
/// panics.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    /// The bytes do not start with the expected magic.
    #[error("not a {expected} file (bad magic bytes)")]
    BadMagic {
        /// What was expected ("proof bundle", "proof artifact").
        expected: &'static str,
    },
    /// A format version this verifier does not read.
    #[error("format version {found} is not supported (this verifier reads version {expected}); re-prove with a matching prover")]
    WrongVersion {
        /// The version in the file.
        found: u32,
        /// The version this verifier reads.
        expected: u32,
    },
    /// The input ends before a field is complete.
    #[error("truncated input: it ends inside {what}")]
    Truncated {
        /// The field being read.
        what: &'static str,
    },
    /// Bytes after the end of the encoded value.
    #[error("{count} trailing bytes after the end of {what}")]
    TrailingBytes {
        /// What was fully read.
        what: &'static str,
        /// How many bytes follow.
        count: usize,
    },
    /// A field element whose encoding is not the canonical one (at or above the modulus).
    #[error("non-canonical field element in {location}")]
    NonCanonicalFieldElement {
        /// Where it was found.
        location: String,
    },
    /// A curve point in the proof that is not on the curve (or not in its subgroup).
    #[error("chunk {chunk}: a point of the proof is not on the curve")]
    PointNotOnCurve {
        /// Chunk position.
        chunk: usize,
    },
    /// The JSON form does not parse.
    #[error("malformed JSON: {0}")]
    Json(String),
    /// The artifact was made for another verifying key.
    #[error(
        "chunk {chunk}: verifying-key fingerprint {found} does not match the key's {expected}"
    )]
    WrongVkFingerprint {
        /// Chunk position.
        chunk: usize,
        /// The key's fingerprint.
        expected: String,
        /// The artifact's.
        found: String,
    },
    /// The artifact was made for other chunk parameters.
    #[error("chunk {chunk}: chunk parameters differ from the verifying key's")]
    WrongChunkParams {
        /// Chunk position.
        chunk: usize,
    },
    /// The statement file is malformed.
    #[error("statement: {0}")]
    Statement(#[from] StatementError),
    /// The number of public inputs differs from what the statement determines.
    #[error("chunk {chunk}: {found} public inputs, the statement determines {expected}")]
    PublicInputCount {
        /// Chunk position.
        chunk: usize,
        /// Recomputed count.
        expected: usize,
        /// Count in the artifact.
        found: usize,
    },
    /// A public input differs from the one recomputed from the statement.
    #[error("chunk {chunk}: public input {index} differs from the statement's")]
    PublicInputMismatch {
        /// Chunk position.
        chunk: usize,
        /// Index in the instance column.
        index: usize,
    },
    /// The artifact's summary differs from the statement.
    #[error("chunk {chunk}: the summary ({field}) differs from the statement")]
    SummaryMismatch {
        /// Chunk position.
        chunk: usize,
        /// The differing field.
        field: &'static str,
    },
    /// Chunks out of order.
    #[error("chunk at position {position} says it is chunk {found}")]
    ChunkOrder {
        /// Position in the bundle.
        position: usize,
        /// Index the artifact carries.
        found: u64,
    },
    /// The bundle and the statement have different numbers of chunks.
    #[error("the bundle has {found} chunks, the statement {expected}")]
    MissingChunk {
        /// Chunks in the statement.
        expected: usize,
        /// Chunks in the bundle.
        found: usize,
    },
    /// Consecutive chunks do not continue each other.
    #[error("chunk {chunk} does not continue chunk {}: {why}", chunk - 1)]
    ChunksDoNotChain {
        /// The later chunk.
        chunk: usize,
        /// What breaks.
        why: String,
    },
    /// The verifying key is not the one pinned for its chunk parameters (insecure setup).
    #[error(
        "the verifying key (fingerprint {found}) is not the one pinned for its chunk parameters \
         ({pinned}): the key cache was written by someone else, or the circuit changed without a \
         new version; delete the cache and verify again"
    )]
    KeyNotPinned {
        /// The key's fingerprint.
        found: String,
        /// The pinned fingerprint.
        pinned: String,
    },
    /// No key is pinned for these chunk parameters under the insecure setup.
    #[error("no verifying key is pinned for these chunk parameters under the insecure setup")]
    NoPinnedKey,
    /// The proof does not verify against the public inputs.
    #[error("chunk {chunk}: the proof does not verify")]
    ProofRejected {
        /// Chunk position.
        chunk: usize,
    },
}
