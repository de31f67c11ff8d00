//! Errors of the executor.

use std::path::PathBuf;

use crate::trace::check::CheckError;
use crate::tracer::RecorderError;

/// Everything that can go wrong turning an input into a checked trace.
#[derive(Debug, thiserror::Error)]
pub enum ExecutorError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file is not valid JSON of the expected shape.
    #[error("{path}: invalid {what}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the file was expected to hold.
        what: &'static str,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The input is well-formed but cannot be executed as given.
    #[error("{context}: {message}")]
    InvalidInput {
        /// File and test or transaction the problem is in.
        context: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// revm or the recorder panicked on this input (a bug, contained so a run can go on).
    #[error("execution panicked: {0}")]
    Panicked(String),
    /// The trace outgrew the RW budget it was given; nothing was recorded.
    #[error("the trace exceeds {max_rws} RWs; raise the limit to trace this input")]
    TraceTooLarge {
        /// The budget.
        max_rws: usize,
    },
    /// The recorder's trace disagrees with what revm did (a bug in the recorder).
    #[error(transparent)]
    Recorder(#[from] RecorderError),
    /// The trace fails the replay check (boxed: the error carries whole RW targets).
    #[error("trace failed the replay check: {0}")]
    Check(Box<CheckError>),
}

impl From<CheckError> for ExecutorError {
    fn from(e: CheckError) -> Self {
        ExecutorError::Check(Box::new(e))
    }
}
