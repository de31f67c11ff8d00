//! AND, OR, XOR: `c = a op b`, one lookup into the [`BitwiseTable`] of the bitwise circuit,
//! which proves the operation nibble by nibble. `op = opcode − 0x15`; the result is canonical
//! because every limb the table exports is 32 nibbles.

use halo2_proofs::halo2curves::ff::PrimeField;

use crate::bitwise::BitwiseTable;
use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{EvmBuilder, WordCells};
use crate::evm::cell::LookupTable;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::reader::StepReader;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

/// AND, OR, XOR.
#[derive(Clone, Debug)]
pub struct BitwiseGadget {
    common: OpcodeStep,
    a: WordCells,
    b: WordCells,
    c: WordCells,
    prev: WordCells,
}

impl Gadget for BitwiseGadget {
    const NAME: &'static str = "AND/OR/XOR";
    const STATE: ExecutionState = ExecutionState::Bitwise;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, 0x16..=0x18)
    }
}

impl<F: PrimeField> ExecutionGadget<F> for BitwiseGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (a, b, c) = (cb.query_word(), cb.query_word(), cb.query_word());
        cb.stack_pop("AND/OR/XOR: a", a.expr());
        cb.stack_pop("AND/OR/XOR: b", b.expr());
        let prev = cb.stack_push("AND/OR/XOR: a op b", c.expr());
        let op = cb.cur.opcode.clone() - constant(0x15);
        cb.require_zero(
            "AND/OR/XOR: opcode",
            (op.clone() - constant(1)) * (op.clone() - constant(2)) * (op.clone() - constant(3)),
        );
        let word = |w: &WordCells| [w.lo.expr(), w.hi.expr()];
        let tuple = BitwiseTable::lookup_tuple(op, word(&a), word(&b), word(&c));
        cb.lookup(LookupTable::Bitwise, "AND/OR/XOR: the bitwise table", tuple);
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, a, b, c, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for BitwiseGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        a.assign_word(self.a, word_limbs(r.stack_pop()?));
        a.assign_word(self.b, word_limbs(r.stack_pop()?));
        let pushed = r.stack_push()?;
        a.assign_word(self.c, word_limbs(pushed.value));
        a.assign_word(self.prev, word_limbs(pushed.prev));
        r.finish()?;
        Ok(())
    }
}
