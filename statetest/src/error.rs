//! What can go wrong in a state-test run before or around its entries (an entry's own failure
//! is its [`Outcome`](crate::entry::Outcome)).

use std::path::PathBuf;

use zkevm_executor::ExecutorError;

/// A run's error.
#[derive(Debug, thiserror::Error)]
pub enum StatetestError {
    /// A file could not be read or written.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// What was being done (`reading`, `writing`, ...).
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A journal exists and the run was not asked to resume it.
    #[error(
        "{} holds the records of an interrupted run: pass --resume to continue it, or remove \
         the file to start again",
        path.display()
    )]
    JournalExists {
        /// The journal.
        path: PathBuf,
    },
    /// A journal line (not the last) is not a record.
    #[error("{} line {line}: {why}", path.display())]
    JournalRecord {
        /// The journal.
        path: PathBuf,
        /// Its 1-based line.
        line: usize,
        /// Why it is not a record.
        why: String,
    },
    /// A record or report could not be serialised.
    #[error("serialising a record: {0}")]
    Serialise(#[from] serde_json::Error),
    /// The executor refused the input (a fork name, a folder).
    #[error(transparent)]
    Executor(#[from] ExecutorError),
    /// The worker threads could not start.
    #[error("starting the worker threads: {0}")]
    ThreadPool(String),
}

/// An I/O error's mapper: `what` the file at `path`.
pub(crate) fn io(
    what: &'static str,
    path: &std::path::Path,
) -> impl FnOnce(std::io::Error) -> StatetestError {
    let path = path.to_path_buf();
    move |source| StatetestError::Io { what, path, source }
}
