//! The soundness campaign: tell lies in a trace and measure how many the circuits reject.
//!
//! A campaign takes honest traces ([`Subject`]s: the [`programs`] built in, the demo batch, a
//! batch file), applies semantic mutations ([`MutationKind`]: a step's result, pc, gas, stack
//! pointer, memory size, RW counters, RW values, keys and flags, committed values, execution
//! states and opcodes, dropped and duplicated RW rows, swapped steps, bytecode bytes, keccak
//! inputs and outputs, log topics, refunds) to clones of them, deterministically from a seed
//! ([`SplitMix64`]), re-runs witness generation and the MockProver on each, and classifies the
//! outcome ([`Verdict`], see [`classify`] for how a lie is told apart from an equivalent
//! change). [`Summary`] tallies the verdicts per kind and per gadget family and lists every
//! survivor. `zkevm mutate` runs it; `docs/soundness-campaign.md` is a run's report.
//!
//! Raw mutations of single assigned cells after an honest assignment are a second campaign
//! ([`cells`], told through the floor planner of [`cell_lie`]). Coordinated lies (several
//! cells, rows no region assigns, cells solved against a challenge) are told with a
//! [`forgery::ForgeryBench`]; [`forgery_campaign`] tells them by class over every subject.
//!
//! Not covered: copy events. The circuits derive copies from the memory and log RW words,
//! never from `Trace::copy_events`, so the memory word mutations stand for copied bytes.

pub mod campaign;
pub mod cell_lie;
pub mod cell_report;
pub mod cells;
pub mod classify;
pub mod forgery;
pub mod forgery_campaign;
mod forgery_probe;
pub mod forgery_report;
pub mod kind;
pub mod mutate;
pub mod programs;
pub mod report;
pub mod rng;

pub use campaign::{run_campaign, CampaignConfig, Record, Subject};
pub use cell_report::{CellSummary, CellTally};
pub use cells::{run_cell_campaign, sweep_zero_cells, CellChange, CellRecord, CellVerdict};
pub use classify::{Baseline, Verdict};
pub use forgery_campaign::{run_forgery_campaign, ForgeryClass, ForgeryRecord, ForgeryVerdict};
pub use forgery_report::{ForgerySummary, ForgeryTally};
pub use kind::MutationKind;
pub use mutate::{mutate, Mutation};
pub use report::{Summary, Tally};
pub use rng::SplitMix64;

/// Why a campaign could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MutationError {
    /// A subject could not be executed and traced.
    #[error("cannot trace {subject}: {message}")]
    Trace {
        /// The subject.
        subject: String,
        /// The executor's error.
        message: String,
    },
}
