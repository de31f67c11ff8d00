//! Ethereum `GeneralStateTests` through the toolkit: each `post[fork]` entry executed with
//! tracing and the replay check and compared with the expected state root and logs hash
//! ([`entry`]); in mock mode, then the SuperCircuit sized to the trace on the MockProver, and
//! in prove mode a KZG proof, verified ([`stages`]).
//!
//! A [`runner::run`] takes files and folders, a selection ([`select`]: a filter, a list of
//! entries; [`sample`]: a deterministic sample), runs entries in parallel with a per-entry
//! deadline ([`deadline`]), journals every finished entry so an interrupted run resumes
//! ([`journal`]), and tells an [`Observer`] (the CLI's progress bar) as entries finish;
//! [`Totals`] are the closing counts and [`report`] renders reports as Markdown.

pub mod deadline;
pub mod entry;
mod error;
pub mod journal;
pub mod report;
pub mod runner;
pub mod sample;
pub mod select;
pub mod stages;
mod totals;
mod wide_numbers;

pub use entry::{
    collect_files, load_entries, parse_fork, run_entry, run_entry_with, EntryReport, Outcome,
    Stage, StageResult, StateTestEntry,
};
pub use error::StatetestError;
pub use runner::{run, Mode, Observer, Run, RunOptions};
pub use totals::Totals;
