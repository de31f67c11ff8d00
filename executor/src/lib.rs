//! `zkevm-executor`: runs Ethereum transactions on revm and records the execution trace.
//!
//! This crate is the front of the pipeline. It knows nothing of halo2: its output, the
//! [`trace::Trace`], is plain data that the circuits consume.
//!
//! - [`trace`]: the witness model (steps, the RW log, calls, copies, keccak inputs) and its
//!   native replay check, [`trace::Trace::check`];
//! - [`run`]: executing a batch with the tracing inspector ([`run::execute_traced`]) or on
//!   plain revm ([`run::execute_plain`]);
//! - [`batch`]: the batch JSON format;
//! - [`chunk`]: running part of a batch from the state the earlier transactions left;
//! - [`demo`]: the built-in demo batch (native and ERC-20 token transfers);
//! - [`mpt`]: state root and logs hash as the state tests define them;
//! - [`opcodes`]: stack effect, constant gas and validity of every opcode byte.

pub mod batch;
pub mod chunk;
mod collision;
pub mod demo;
mod error;
pub mod mpt;
pub use zkevm_trace::opcodes;
pub mod run;
pub mod trace;
mod tracer;

pub use error::ExecutorError;
pub use run::{
    execute_plain, execute_traced, execute_traced_within, trace_batch, Execution, ExecutionInput,
    TracedExecution, TxStatus,
};
pub use trace::check::ReplayCheck;
pub use trace::Trace;
pub use tracer::TraceRecorder;
