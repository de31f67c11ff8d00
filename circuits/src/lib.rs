//! `zkevm-circuits`: the halo2 circuits that constrain an execution trace.
//!
//! Built on `halo2-axiom` (imported as `halo2_proofs`: KZG on BN254). Sub-circuits (EVM,
//! state, bytecode, keccak, copy) and the tables they share live here; they consume
//! `zkevm_trace` types only and never see revm.
//!
//! Built so far:
//! - [`constraint_builder`]: named constraints and lookups under nested conditions;
//! - [`table`]: the [`table::LookupTable`] shape and the fixed table (ranges, push sizes,
//!   opcode properties from `zkevm_trace::opcodes`);
//! - [`gadgets`]: is-zero, byte decomposition, less-than, random linear combinations;
//! - [`keccak`]: the keccak-256 circuit and its [`keccak::KeccakTable`];
//! - [`bytecode`]: the bytecode circuit and its [`bytecode::BytecodeTable`];
//! - [`public`]: the public inputs of a chunk (block, transactions, first transaction index,
//!   transaction count, touched locations' initial and final values) and the statement they
//!   are recomputed from;
//! - [`state`]: the state circuit (the RW table, sorted and proven consistent);
//! - [`arith`]: SDIV, SMOD, ADDMOD, MULMOD and EXP and its [`arith::ArithTable`];
//! - [`bitwise`]: AND/OR/XOR nibble by nibble and its [`bitwise::BitwiseTable`];
//! - [`copy`]: byte windows of memory, log-data, calldata and code streams and their RLC, the
//!   [`copy::CopyTable`] (KECCAK256, LOG data, RETURN data, the *COPY opcodes);
//! - [`evm`]: the EVM circuit, one gadget per opcode family;
//! - [`super_circuit`]: all of them in one constraint system per chunk;
//! - [`mock`]: MockProver checks that skip the all-zero rows past the tallest region;
//! - [`lint`]: the constraint-system linter (guarded tables, phases under challenges, read
//!   columns, degree).
//!
//! The soundness campaigns and the test kit that attack these circuits are `zkevm-soundness`.
//!
//! The design these follow is `docs/spec.md`. Calls and creations are not built yet: steps
//! that need them are reported `Unsupported`.

pub mod arith;
pub mod bitwise;
pub mod bytecode;
pub(crate) mod challenges;
pub(crate) mod constraint_builder;
pub mod copy;
pub mod error;
pub mod evm;
pub(crate) mod gadgets;
pub mod keccak;
pub mod lint;
pub mod mock;
pub mod public;
pub mod state;
pub mod super_circuit;
pub mod table;
pub mod version;

pub use error::CircuitError;
pub use halo2_proofs;
pub use version::CIRCUIT_VERSION;
