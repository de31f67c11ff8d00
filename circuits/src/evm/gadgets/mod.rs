//! One gadget per execution state (opcode family), and the registry that lists them.
//!
//! A gadget states its step with the [`EvmBuilder`]: its stack reads and writes (RW lookups in
//! order), what it computes, and, through [`OpcodeStep`](super::common::OpcodeStep), the
//! opcode check, gas and transition. Its `assign` fills the same cells from the step's trace
//! data.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Error;

use super::assign::StepAssigner;
use super::builder::EvmBuilder;
use super::execution_state::ExecutionState;
use super::witness::StepWitness;

mod account_access;
mod add_sub;
mod arith;
pub mod begin_tx;
mod bitwise;
mod blobhash;
mod blockhash;
mod byte_ops;
mod calldatacopy;
mod calldataload;
mod codecopy;
mod compare;
mod context;
mod copy_source;
mod end_block;
pub mod end_tx;
pub mod error;
pub mod exp_oog;
mod extcodecopy;
pub mod invalid_jump;
mod jump;
mod log;
mod mcopy;
pub mod mcopy_oog;
pub mod memory_oog;
mod memory_ops;
mod mul_div_mod;
mod push;
pub mod returndatacopy;
mod sha3;
mod shift;
pub mod sstore_oog;
mod stack_ops;
mod step_info;
mod stop;
mod storage;

/// A configured gadget, able to assign its step.
pub trait StepGadget<F: PrimeField>: std::fmt::Debug + Send + Sync {
    /// Assigns the gadget's cells for `w`.
    fn assign(&self, a: &mut StepAssigner<'_, '_, F>, w: &StepWitness<'_>) -> Result<(), Error>;
}

/// A gadget type: its state and how it configures.
pub trait ExecutionGadget<F: PrimeField>: StepGadget<F> + Sized + 'static {
    /// The state it constrains.
    const STATE: ExecutionState;
    /// States the gadget's constraints.
    fn configure(cb: &mut EvmBuilder<F>) -> Self;
}

/// Configures one gadget type.
pub type Register<F> = fn(&mut EvmBuilder<F>) -> (ExecutionState, Box<dyn StepGadget<F>>);

fn register<F: PrimeField, G: ExecutionGadget<F>>(
    cb: &mut EvmBuilder<F>,
) -> (ExecutionState, Box<dyn StepGadget<F>>) {
    (G::STATE, Box::new(G::configure(cb)))
}

/// Every gadget, one per [`ExecutionState`].
pub fn registry<F: PrimeField>() -> Vec<Register<F>> {
    vec![
        register::<F, begin_tx::BeginTxGadget>,
        register::<F, end_tx::EndTxGadget>,
        register::<F, end_block::PaddingGadget>,
        register::<F, end_block::EndBlockGadget>,
        register::<F, stop::StopGadget>,
        register::<F, stop::ReturnGadget>,
        register::<F, add_sub::AddSubGadget>,
        register::<F, mul_div_mod::MulGadget>,
        register::<F, mul_div_mod::DivModGadget>,
        register::<F, arith::SignedModArithGadget>,
        register::<F, arith::ExpGadget>,
        register::<F, byte_ops::SignExtendGadget>,
        register::<F, byte_ops::ByteGadget>,
        register::<F, shift::ShlGadget>,
        register::<F, shift::ShrSarGadget>,
        register::<F, bitwise::BitwiseGadget>,
        register::<F, compare::ComparatorGadget>,
        register::<F, compare::EqGadget>,
        register::<F, compare::IsZeroOpGadget>,
        register::<F, compare::NotGadget>,
        register::<F, context::BlockContextGadget>,
        register::<F, context::TxContextGadget>,
        register::<F, context::CallContextGadget>,
        register::<F, context::SelfBalanceGadget>,
        register::<F, context::CodeSizeGadget>,
        register::<F, account_access::BalanceGadget>,
        register::<F, account_access::ExtCodeHashGadget>,
        register::<F, account_access::ExtCodeSizeGadget>,
        register::<F, calldataload::CallDataLoadGadget>,
        register::<F, calldatacopy::CallDataCopyGadget>,
        register::<F, storage::SloadGadget>,
        register::<F, storage::SstoreGadget>,
        register::<F, storage::TloadGadget>,
        register::<F, storage::TstoreGadget>,
        register::<F, push::PushGadget>,
        register::<F, stack_ops::PopGadget>,
        register::<F, stack_ops::DupGadget>,
        register::<F, stack_ops::SwapGadget>,
        register::<F, step_info::JumpDestGadget>,
        register::<F, step_info::PcGadget>,
        register::<F, step_info::GasGadget>,
        register::<F, step_info::MsizeGadget>,
        register::<F, memory_ops::MloadGadget>,
        register::<F, memory_ops::MstoreGadget>,
        register::<F, memory_ops::Mstore8Gadget>,
        register::<F, jump::JumpGadget>,
        register::<F, jump::JumpIGadget>,
        register::<F, sha3::Sha3Gadget>,
        register::<F, mcopy::McopyGadget>,
        register::<F, log::LogGadget>,
        register::<F, stop::RevertGadget>,
        register::<F, error::ErrorGadget>,
        register::<F, invalid_jump::InvalidJumpGadget>,
        register::<F, sstore_oog::SstoreOutOfGasGadget>,
        register::<F, returndatacopy::ReturnDataCopyGadget>,
        register::<F, returndatacopy::ReturnDataOutOfBoundsGadget>,
        register::<F, memory_oog::MemoryOutOfGasGadget>,
        register::<F, codecopy::CodeCopyGadget>,
        register::<F, extcodecopy::ExtCodeCopyGadget>,
        register::<F, blobhash::BlobHashGadget>,
        register::<F, blockhash::BlockHashGadget>,
        register::<F, exp_oog::ExpOutOfGasGadget>,
        register::<F, mcopy_oog::McopyOutOfGasGadget>,
    ]
}
