//! The EVM circuit: one step of the EVM state machine per [`Step`](zkevm_trace::trace::Step).
//!
//! **Layout** ([`layout`], `docs/spec.md#evm-layout`). A step takes the rows its state's gadget
//! needs (its height, at most [`layout::MAX_STEP_HEIGHT`]); steps follow each other with no gap.
//! The step state (rw_counter, call, transaction, code hash, pc, gas left, stack pointer, memory
//! size, reversible writes, log id, opcode) sits in dedicated columns on the step's first row;
//! the next step's state is read at rotation `height`. The execution state is a two-digit
//! one-hot selector on the first row. Each gadget gets its rows as a grid of cells ([`cell`]):
//! general cells, byte cells (range-checked on every row) and lookup cells.
//!
//! **Lookups.** A gadget declares lookups into the RW, bytecode and fixed tables as tuples;
//! tuple `i` of table `T` goes to lookup cell `i` of `T`, a second-phase cell constrained to
//! `Σ_state selector·Σ_j θ^j·tuple_j` (zero when the running state declares no tuple there; a
//! cell on a row past the step's height is the next step's),
//! and each lookup column is one halo2 lookup into the θ-compressed table. Every table has an
//! all-zero row, which compresses to zero.
//!
//! **Gadgets** (`docs/spec.md#evm-framework`): one per execution state (opcode family),
//! self-describing ([`gadget`]: name, state, the steps it claims, the shapes it supports), all
//! listed once in the registry ([`gadgets`]); [`dispatch`] asks the registry which gadget takes
//! each step. A gadget states its RWs with the builder ([`builder`]: [`builder::RwLookup`] with
//! a typed [`builder::Access`], copy streams from [`streams`]) in the executor's RW order, its
//! result, and (through [`common::OpcodeStep`]) the opcode at `pc`, stack bounds, gas and its
//! declarative [`transition`] (`docs/spec.md#step-transitions`); it assigns by reading the step's
//! RWs through [`reader`] in the same order, and computes what the EVM's rules say with
//! [`spec`]. Values pushed are canonical (limbs below `2^128`), because every gadget
//! range-checks what it computes; the stack starts empty, so every stack value is canonical.
//!
//! Not built yet: calls and creations (a step without a gadget makes witness generation return
//! `Unsupported`, naming it).

pub(crate) mod assign;
pub(crate) mod builder;
pub(crate) mod byte_index;
pub(crate) mod cell;
pub(crate) mod common;
pub(crate) mod config;
pub mod dispatch;
pub mod execution_state;
pub(crate) mod gadget;
pub mod gadgets;
pub mod heights;
pub mod layout;
pub(crate) mod memory;
pub(crate) mod mul_add;
pub(crate) mod reader;
mod region;
mod rw_lookup;
pub(crate) mod shift_amount;
pub(crate) mod spec;
pub(crate) mod step;
pub(crate) mod streams;
pub(crate) mod transition;
pub mod witness;
mod word;

pub use config::{EvmConfig, EvmTables};
pub use execution_state::ExecutionState;

#[cfg(test)]
mod tests;
