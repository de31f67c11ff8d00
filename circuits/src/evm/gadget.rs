//! What a gadget is: the traits every execution-state gadget implements.
//!
//! [`Gadget`] says what it is (its name and state), which steps it claims and which witness
//! shapes it supports; [`ExecutionGadget`] states its constraints with the [`EvmBuilder`] (its
//! stack reads and writes, what it computes and, through
//! [`OpcodeStep`](super::common::OpcodeStep), the opcode check, gas and transition), and
//! [`StepGadget::assign`] fills the same cells from the step's trace data. The registry
//! ([`super::gadgets`]) lists the gadgets; nothing else names them.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Error;
use zkevm_trace::trace::StepKind;

use super::assign::StepAssigner;
use super::builder::EvmBuilder;
use super::execution_state::ExecutionState;
use super::reader::WitnessError;
use super::witness::StepWitness;
use crate::error::CircuitError;

/// A step shape a gadget does not prove (yet): witness generation refuses it, naming it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unsupported(pub String);

impl Unsupported {
    /// An unsupported shape described by `what`.
    pub fn new(what: impl Into<String>) -> Self {
        Self(what.into())
    }
}

impl From<Unsupported> for CircuitError {
    fn from(e: Unsupported) -> Self {
        CircuitError::Unsupported(e.0)
    }
}

/// What a gadget is, independent of the field: its name, its state, the steps it claims and
/// the witness shapes its `assign` relies on.
pub trait Gadget {
    /// The name constraints and reports use (`SLOAD`, `exceptional halt`).
    const NAME: &'static str;
    /// The execution state it constrains.
    const STATE: ExecutionState;
    /// Whether it proves steps of this kind (no two gadgets claim the same kind).
    fn claims(step: &StepKind) -> bool;
    /// Whether it supports this claimed step's shape (its RWs, its values' ranges): what
    /// `assign` relies on beyond the claim. A shape it cannot prove is `Unsupported`.
    fn supports(_w: &StepWitness<'_>) -> Result<(), Unsupported> {
        Ok(())
    }
}

/// Whether `step` is a completed opcode among `opcodes`.
pub fn claims_op(step: &StepKind, opcodes: impl IntoIterator<Item = u8>) -> bool {
    matches!(step, StepKind::Op(op) if opcodes.into_iter().any(|o| o == *op))
}

/// Why a step could not be assigned.
#[derive(Debug, thiserror::Error)]
pub enum AssignError {
    /// Its RWs are not what its gadget reads.
    #[error(transparent)]
    Witness(#[from] WitnessError),
    /// The region refused an assignment.
    #[error("assignment failed: {0}")]
    Region(Error),
}

impl From<Error> for AssignError {
    fn from(e: Error) -> Self {
        AssignError::Region(e)
    }
}

impl From<AssignError> for Error {
    fn from(e: AssignError) -> Self {
        match e {
            AssignError::Region(e) => e,
            AssignError::Witness(_) => Error::Synthesis,
        }
    }
}

/// A configured gadget, able to assign its step.
pub trait StepGadget<F: PrimeField>: std::fmt::Debug + Send + Sync {
    /// Assigns the gadget's cells for `w`, reading its RWs through a
    /// [`StepReader`](super::reader::StepReader).
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError>;
}

/// A gadget type: what it is ([`Gadget`]), how it configures, and how it assigns
/// ([`StepGadget`]).
pub trait ExecutionGadget<F: PrimeField>: Gadget + StepGadget<F> + Sized + 'static {
    /// States the gadget's constraints.
    fn configure(cb: &mut EvmBuilder<F>) -> Self;
}

/// A registered gadget, without its field: what the framework asks of it before configuring.
#[derive(Clone, Copy, Debug)]
pub struct Descriptor {
    /// Its name.
    pub name: &'static str,
    /// Its state.
    pub state: ExecutionState,
    /// [`Gadget::claims`].
    pub claims: fn(&StepKind) -> bool,
    /// [`Gadget::supports`].
    pub supports: fn(&StepWitness<'_>) -> Result<(), Unsupported>,
}
