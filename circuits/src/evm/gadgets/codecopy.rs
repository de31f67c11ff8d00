//! CODECOPY (Yellow Paper, appendix H: `μ'_m[μ_s[0] .. +μ_s[2]] = I_b[μ_s[1] .. +μ_s[2]]`,
//! zero past the end of the code). Gas: 3 + 3 per word copied + memory expansion.
//!
//! The running code is the call's (its hash read from the call context, its length `L` from
//! the bytecode table's header row). The destination `[dest, dest + size)` is a stream of
//! memory word **writes** through the copy circuit. The source is:
//!
//! - when `src ≥ L` (`src` may be any word): `size` zeros, whose RLC is 0;
//! - otherwise a **code stream** of the copy circuit: the code words `[src, src + size)`
//!   touches, of which the first `T = min(L − 32·w, 32·words)` bytes (`w` the first word) are
//!   looked up in the bytecode table, the rest zero.
//!
//! Both windows have length `size` and one RLC cell, so they hold the same bytes. An empty copy
//! (`size = 0`) touches no memory and reads nothing, whatever its offsets.

use halo2_proofs::halo2curves::ff::PrimeField;
use zkevm_trace::trace::CallContextField;

use super::copy_source::{Minimum, SourceWindow};
use crate::constraint_builder::constant;
use crate::copy::WORD_BYTES;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{Access, EvmBuilder, Word, WordCells};
use crate::evm::cell::{Cell, LookupTable};
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::memory::{MemoryExpansion, MemorySpan};
use crate::evm::reader::StepReader;
use crate::evm::spec::{GAS_COPY_WORD, GAS_VERYLOW as GAS_COPY};
use crate::evm::streams::{code_stream, memory_stream, Direction};
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

/// CODECOPY.
#[derive(Clone, Debug)]
pub struct CodeCopyGadget {
    common: OpcodeStep,
    dest: WordCells,
    src: WordCells,
    size: WordCells,
    length: Cell,
    span: MemorySpan,
    source: SourceWindow,
    /// Bytes of the source stream the code holds.
    held: Minimum,
    rlc: Cell,
    expansion: MemoryExpansion,
}

impl Gadget for CodeCopyGadget {
    const NAME: &'static str = "CODECOPY";
    const STATE: ExecutionState = ExecutionState::CodeCopy;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x39])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for CodeCopyGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("CODECOPY: opcode", opcode, constant(0x39));
        let (dest, src, size) = (cb.query_word(), cb.query_word(), cb.query_word());
        cb.stack_pop("CODECOPY: destination", dest.expr());
        cb.stack_pop("CODECOPY: source offset", src.expr());
        cb.stack_pop("CODECOPY: size", size.expr());
        let code_hash = Word { lo: cb.cur.code_hash_lo.clone(), hi: cb.cur.code_hash_hi.clone() };
        cb.call_context(
            "CODECOPY: the call's code",
            CallContextField::CodeHash,
            code_hash.clone(),
            Access::Read,
        );
        let length = cb.query_cell();
        cb.code_length_lookup("CODECOPY: the code's length", length.expr());
        let span = MemorySpan::configure(cb, &dest.expr(), &size.expr());
        let rlc = cb.query_rlc();
        let write = memory_stream(cb, Direction::Write, &span, size.lo.expr(), rlc.expr());
        cb.when(span.nonempty(), |cb| cb.word_stream("CODECOPY: the written memory", write));

        let source = SourceWindow::configure(cb, &src, &size, span.nonempty(), length.expr());
        let reads = source.reads();
        let held = Minimum::configure(
            cb,
            reads.clone(),
            length.expr() - constant(WORD_BYTES) * source.span.first_word(),
            constant(WORD_BYTES) * source.span.words(),
        );
        cb.when(constant(1) - reads.clone(), |cb| {
            // Zeros (or nothing) are copied: their RLC is 0.
            cb.require_zero("CODECOPY: the RLC of zeros", rlc.expr());
        });
        let read = code_stream(&source.span, code_hash, size.lo.expr(), held.expr(), rlc.expr());
        cb.when(reads, |cb| cb.lookup(LookupTable::Copy, "CODECOPY: the code bytes", read.tuple()));

        let (expansion, size_after, memory_gas) = MemoryExpansion::configure(cb, span.needed());
        let gas = constant(GAS_COPY) + constant(GAS_COPY_WORD) * span.len_words() + memory_gas;
        let transition = StepTransition::same_context(cb).with_memory_size(size_after);
        let common = OpcodeStep::configure(cb, GasCost::Dynamic(gas), transition);
        Self { common, dest, src, size, length, span, source, held, rlc, expansion }
    }
}

impl<F: PrimeField> StepGadget<F> for CodeCopyGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (dest, src, size) = (r.stack_pop()?, r.stack_pop()?, r.stack_pop()?);
        r.call_context(CallContextField::CodeHash)?;
        let (_, written, needed) = MemorySpan::native(dest, size);
        r.memory_words(written as usize, true)?;
        let code: &[u8] = w.code;
        let len = code.len() as u64;
        a.assign_word(self.dest, word_limbs(dest));
        a.assign_word(self.src, word_limbs(src));
        a.assign_word(self.size, word_limbs(size));
        a.assign_u64(self.length, len);
        self.span.assign(a, dest, size);
        let from = self.source.assign(a, src, size, len);
        let held = from.map(|from| {
            let (first, words, _) = MemorySpan::native(alloy_primitives::U256::from(from), size);
            (len - WORD_BYTES * first, WORD_BYTES * words)
        });
        self.held.assign(a, held);
        let bytes = match from {
            Some(from) => {
                let size = size.saturating_to::<u64>();
                (from..from + size)
                    .map(|i| code.get(i as usize).copied().unwrap_or_default())
                    .collect()
            }
            None => Vec::new(),
        };
        a.assign_rlc(self.rlc, bytes);
        self.expansion.assign(a, w.values.memory_word_size, needed);
        r.finish()?;
        Ok(())
    }
}
