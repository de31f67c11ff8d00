//! MCOPY (EIP-5656): `memory[dest .. dest + size] = memory[src .. src + size]`, as if through
//! a buffer, so overlapping ranges copy the bytes from before the step. Gas: 3 + 3 per word
//! copied + the expansion to the larger of the two ranges' ends.
//!
//! The step reads the source words (one memory stream of reads), then writes the destination
//! words (one memory stream of writes, which the copy circuit holds to their previous bytes
//! outside the window). Both windows have length `size` and one RLC cell, so the destination
//! holds the source's bytes as they were before any write. An empty copy touches no memory,
//! whatever its offsets.

use halo2_proofs::halo2curves::ff::PrimeField;

use super::sha3::span_bytes;
use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{EvmBuilder, WordCells};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::memory::{LargerNeed, MemoryExpansion, MemorySpan};
use crate::evm::reader::StepReader;
use crate::evm::spec::{GAS_COPY_WORD, GAS_VERYLOW as GAS_COPY};
use crate::evm::streams::{memory_stream, Direction};
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

/// MCOPY.
#[derive(Clone, Debug)]
pub struct McopyGadget {
    common: OpcodeStep,
    dest: WordCells,
    src: WordCells,
    size: WordCells,
    src_span: MemorySpan,
    dest_span: MemorySpan,
    rlc: Cell,
    /// Memory words the step needs: the larger of the two ranges' needs.
    needed: LargerNeed,
    expansion: MemoryExpansion,
}

impl Gadget for McopyGadget {
    const NAME: &'static str = "MCOPY";
    const STATE: ExecutionState = ExecutionState::Mcopy;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x5e])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for McopyGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("MCOPY: opcode", opcode, constant(0x5e));
        let (dest, src, size) = (cb.query_word(), cb.query_word(), cb.query_word());
        cb.stack_pop("MCOPY: destination", dest.expr());
        cb.stack_pop("MCOPY: source", src.expr());
        cb.stack_pop("MCOPY: size", size.expr());
        let src_span = MemorySpan::configure(cb, &src.expr(), &size.expr());
        let dest_span = MemorySpan::configure(cb, &dest.expr(), &size.expr());
        let rlc = cb.query_rlc();
        let read = memory_stream(cb, Direction::Read, &src_span, size.lo.expr(), rlc.expr());
        cb.when(src_span.nonempty(), |cb| cb.word_stream("MCOPY: the source bytes", read));
        let write = memory_stream(cb, Direction::Write, &dest_span, size.lo.expr(), rlc.expr());
        cb.when(dest_span.nonempty(), |cb| cb.word_stream("MCOPY: the written bytes", write));
        cb.when(src_span.is_empty(), |cb| {
            cb.require_zero("MCOPY: nothing copied", rlc.expr());
        });

        // The memory needed is the larger of the two ranges' needs.
        let needed = LargerNeed::configure(
            cb,
            "MCOPY: the larger memory need",
            src_span.needed(),
            dest_span.needed(),
        );
        let (expansion, size_after, memory_gas) = MemoryExpansion::configure(cb, needed.expr());
        let gas = constant(GAS_COPY) + constant(GAS_COPY_WORD) * src_span.len_words() + memory_gas;
        let transition = StepTransition::same_context(cb).with_memory_size(size_after);
        let common = OpcodeStep::configure(cb, GasCost::Dynamic(gas), transition);
        Self { common, dest, src, size, src_span, dest_span, rlc, needed, expansion }
    }
}

impl<F: PrimeField> StepGadget<F> for McopyGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (dest, src, size) = (r.stack_pop()?, r.stack_pop()?, r.stack_pop()?);
        a.assign_word(self.dest, word_limbs(dest));
        a.assign_word(self.src, word_limbs(src));
        a.assign_word(self.size, word_limbs(size));
        self.src_span.assign(a, src, size);
        self.dest_span.assign(a, dest, size);
        let (_, src_words, src_needed) = MemorySpan::native(src, size);
        let (_, dest_words, dest_needed) = MemorySpan::native(dest, size);
        let source = r.memory_words(src_words as usize, false)?;
        r.memory_words(dest_words as usize, true)?;
        a.assign_rlc(self.rlc, span_bytes(source, src, size));
        self.needed.assign(a, src_needed, dest_needed);
        self.expansion.assign(a, w.values.memory_word_size, src_needed.max(dest_needed));
        r.finish()?;
        Ok(())
    }
}
