//! One gadget per execution state (opcode family), and the registry that lists them.
//!
//! Each gadget is self-describing ([`super::gadget`]: its name, its state, the steps it claims,
//! the shapes it supports, its constraints and its assignment). The list below is the only
//! list of gadgets: the configuration, the choice of a step's state and the support checks all
//! read it, and a test checks that it follows [`ExecutionState`]'s declaration order.

use halo2_proofs::halo2curves::ff::PrimeField;
use zkevm_trace::trace::StepKind;

use super::builder::EvmBuilder;
use super::execution_state::ExecutionState;
use super::gadget::{Descriptor, ExecutionGadget, Gadget, StepGadget};
use crate::error::CircuitError;

mod account_access;
mod add_sub;
mod arith;
pub mod begin_tx;
mod begin_tx_fees;
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

/// Configures one gadget type.
pub type Register<F> = fn(&mut EvmBuilder<F>) -> (ExecutionState, Box<dyn StepGadget<F>>);

fn register<F: PrimeField, G: ExecutionGadget<F>>(
    cb: &mut EvmBuilder<F>,
) -> (ExecutionState, Box<dyn StepGadget<F>>) {
    (G::STATE, Box::new(G::configure(cb)))
}

fn describe<G: Gadget>() -> Descriptor {
    Descriptor { name: G::NAME, state: G::STATE, claims: G::claims, supports: G::supports }
}

/// The list of gadgets, once: [`descriptors`] and [`registry`] are both made from it, in
/// selector order.
macro_rules! gadget_list {
    ($($gadget:path),* $(,)?) => {
        /// Every gadget's description, in selector order.
        pub fn descriptors() -> &'static [Descriptor] {
            static DESCRIPTORS: std::sync::OnceLock<Vec<Descriptor>> = std::sync::OnceLock::new();
            DESCRIPTORS.get_or_init(|| vec![$(describe::<$gadget>()),*])
        }

        /// Every gadget's configuration, in selector order.
        pub fn registry<F: PrimeField>() -> Vec<Register<F>> {
            vec![$(register::<F, $gadget>),*]
        }
    };
}

gadget_list![
    begin_tx::BeginTxGadget,
    end_tx::EndTxGadget,
    end_block::PaddingGadget,
    end_block::EndBlockGadget,
    stop::StopGadget,
    stop::ReturnGadget,
    add_sub::AddSubGadget,
    mul_div_mod::MulGadget,
    mul_div_mod::DivModGadget,
    arith::SignedModArithGadget,
    arith::ExpGadget,
    byte_ops::SignExtendGadget,
    byte_ops::ByteGadget,
    shift::ShlGadget,
    shift::ShrSarGadget,
    bitwise::BitwiseGadget,
    compare::ComparatorGadget,
    compare::EqGadget,
    compare::IsZeroOpGadget,
    compare::NotGadget,
    context::BlockContextGadget,
    context::TxContextGadget,
    context::CallContextGadget,
    context::SelfBalanceGadget,
    context::CodeSizeGadget,
    account_access::BalanceGadget,
    account_access::ExtCodeHashGadget,
    account_access::ExtCodeSizeGadget,
    calldataload::CallDataLoadGadget,
    calldatacopy::CallDataCopyGadget,
    storage::SloadGadget,
    storage::SstoreGadget,
    storage::TloadGadget,
    storage::TstoreGadget,
    push::PushGadget,
    stack_ops::PopGadget,
    stack_ops::DupGadget,
    stack_ops::SwapGadget,
    step_info::JumpDestGadget,
    step_info::PcGadget,
    step_info::GasGadget,
    step_info::MsizeGadget,
    memory_ops::MloadGadget,
    memory_ops::MstoreGadget,
    memory_ops::Mstore8Gadget,
    jump::JumpGadget,
    jump::JumpIGadget,
    sha3::Sha3Gadget,
    mcopy::McopyGadget,
    log::LogGadget,
    stop::RevertGadget,
    error::ErrorGadget,
    invalid_jump::InvalidJumpGadget,
    sstore_oog::SstoreOutOfGasGadget,
    returndatacopy::ReturnDataCopyGadget,
    returndatacopy::ReturnDataOutOfBoundsGadget,
    memory_oog::MemoryOutOfGasGadget,
    codecopy::CodeCopyGadget,
    extcodecopy::ExtCodeCopyGadget,
    blobhash::BlobHashGadget,
    blockhash::BlockHashGadget,
    exp_oog::ExpOutOfGasGadget,
    mcopy_oog::McopyOutOfGasGadget,
];

/// The state of a step: the one gadget that claims it, or `Unsupported` naming the step.
pub fn state_of(step: &StepKind) -> Result<ExecutionState, CircuitError> {
    descriptors().iter().find(|d| (d.claims)(step)).map(|d| d.state).ok_or_else(|| {
        CircuitError::Unsupported(match step {
            StepKind::Op(opcode) => {
                format!("opcode {}", super::execution_state::opcode_name(*opcode))
            }
            StepKind::Error { opcode, error } => {
                format!("error {error:?} at {}", super::execution_state::opcode_name(*opcode))
            }
            other => format!("{other:?}"),
        })
    })
}

/// The description of `state`'s gadget.
pub fn descriptor(state: ExecutionState) -> Option<Descriptor> {
    descriptors().iter().find(|d| d.state == state).copied()
}
