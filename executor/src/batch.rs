//! Batch files.
