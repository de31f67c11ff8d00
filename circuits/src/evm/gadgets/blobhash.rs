//! BLOBHASH (EIP-4844): the versioned hash of the transaction's blob at the popped index, or 0
//! past the last blob. Gas 3.
//!
//! A chunk's statement describes transactions without blobs: the transaction table has no
//! blob hashes, and witness generation reports a blob transaction (type 3) as unsupported. So
//! every index is past the last blob, and BLOBHASH pushes 0 whatever it pops. It reads the
//! call's transaction id, as the executor records it.

use halo2_proofs::halo2curves::ff::PrimeField;
use zkevm_trace::trace::CallContextField;

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{Access, EvmBuilder, Word, WordCells};
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::reader::StepReader;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

/// BLOBHASH.
#[derive(Clone, Debug)]
pub struct BlobHashGadget {
    common: OpcodeStep,
    index: WordCells,
    prev: WordCells,
}

impl Gadget for BlobHashGadget {
    const NAME: &'static str = "BLOBHASH";
    const STATE: ExecutionState = ExecutionState::BlobHash;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x49])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for BlobHashGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("BLOBHASH: opcode", opcode, constant(0x49));
        let index = cb.query_word();
        cb.stack_pop("BLOBHASH: index", index.expr());
        let tx_id = cb.cur.tx_id.clone();
        cb.call_context(
            "BLOBHASH: the transaction",
            CallContextField::TxId,
            Word::small(tx_id),
            Access::Read,
        );
        let prev = cb.stack_push("BLOBHASH: no blob, 0", Word::zero());
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, index, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for BlobHashGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        a.assign_word(self.index, word_limbs(r.stack_pop()?));
        r.call_context(CallContextField::TxId)?;
        a.assign_word(self.prev, word_limbs(r.stack_push()?.prev));
        r.finish()?;
        Ok(())
    }
}
