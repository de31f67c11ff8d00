//! The execution trace (`zkevm_trace::trace`, re-exported: plain data, no revm) and the
//! executor's replay check of it ([`check`]).

pub use zkevm_trace::trace::*;

pub mod check;
