//! The tracing [`revm::Inspector`]: records a [`crate::trace::Trace`] while revm executes.
//!
//! - [`opcode_io`]: per-opcode memory ranges, call-context reads and account accesses;
//! - `recorder`: the trace under construction and its primitive operations;
//! - `steps`: one step per opcode, with its stack, memory and state RWs;
//! - `copies`: the copy events, keccak inputs and log writes of the opcodes that move bytes;
//! - `frames`: entering and leaving calls and creates;
//! - `journal_sync`: state changes read off revm's journal (fees, transfers, reverts);
//! - `transactions`: BeginTx/EndTx and assembling the final trace.
//!
//! Everything the recorder derives on its own (stack operands, balances read, warm flags,
//! sub-call results) is compared with what revm did; any difference is an error, so a
//! recorder bug cannot silently produce a wrong trace.

mod copies;
mod frames;
mod inspector;
mod journal_sync;
pub(crate) mod opcode_io;
mod recorder;
mod state_view;
mod steps;
mod transactions;

pub use recorder::TraceRecorder;
pub(crate) use recorder::{DbInitial, WarmKey};
pub use transactions::RecorderError;
