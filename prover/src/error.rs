//! Why a batch could not be proven.

use std::path::PathBuf;

use thiserror::Error;
use zkevm_circuits::public::StatementError;

/// Every way planning, setup or proving can fail.
#[derive(Debug, Error)]
pub enum ProverError {
    /// The trace uses something the circuits do not prove yet.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// One transaction alone needs more than a chunk holds.
    #[error("transaction {tx} alone needs {needed} {what}, a chunk holds {capacity}")]
    TxTooLarge {
        /// Index of the transaction in the batch.
        tx: usize,
        /// The capacity it exceeds.
        what: &'static str,
        /// What it needs.
        needed: usize,
        /// What a chunk holds.
        capacity: usize,
    },
    /// The batch does not execute (a transaction revm rejects, a malformed input).
    #[error("execution: {0}")]
    Execution(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// A parameters file is unusable.
    #[error("parameters {path}: {why}")]
    Params {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// No cache directory could be found.
    #[error("no cache directory: set ZKEVM_CACHE or HOME")]
    NoCacheDir,
    /// The circuit rejected the witness before proving.
    #[error("chunk {chunk}: {why}")]
    Witness {
        /// Chunk position.
        chunk: usize,
        /// What went wrong.
        why: String,
    },
    /// The statement does not fit the chunk.
    #[error("statement: {0}")]
    Statement(#[from] StatementError),
    /// Key generation failed.
    #[error("key generation: {0}")]
    Keygen(String),
    /// The proving system failed.
    #[error("chunk {chunk}: proving failed: {why}")]
    Proving {
        /// Chunk position.
        chunk: usize,
        /// What failed.
        why: String,
    },
    /// The worker threads could not start.
    #[error("starting {0} worker threads failed")]
    Threads(usize),
}

impl ProverError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }
}
