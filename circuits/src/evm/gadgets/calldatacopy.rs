//! CALLDATACOPY in the root call (Yellow Paper, appendix H: `μ'_m[μ_s[0] .. +μ_s[2]] =
//! I_d[μ_s[1] .. +μ_s[2]]`, zero past the end of the input). Gas: 3 + 3 per word copied +
//! memory expansion.
//!
//! The destination `[dest, dest + size)` is a stream of memory word **writes** through the copy
//! circuit (which also keeps every byte of those words outside the window). The source is:
//!
//! - when `src ≥ L` (the input length; `src` may be any word): `size` zeros, whose RLC is 0;
//! - otherwise a **calldata stream** of the copy circuit: the words of the transaction's input
//!   that `[src, src + size)` touches, the first `T = min(n − w, words)` from the calldata
//!   table (`n = ⌈L/32⌉` words, `w` the first word), the rest zero.
//!
//! Both windows have length `size` and one RLC cell, so they hold the same bytes. An empty copy
//! (`size = 0`) touches no memory and reads nothing, whatever its offsets.
//!
//! Sub-calls read their input from the caller's memory; witness generation reports any step of
//! a sub-call as unsupported.

use alloy_primitives::U256;
use halo2_proofs::halo2curves::ff::PrimeField;
use zkevm_trace::trace::CallContextField;

use super::copy_source::{Minimum, SourceWindow};
use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{Access, EvmBuilder, Word, WordCells};
use crate::evm::cell::{Cell, LookupTable};
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::memory::{MemoryExpansion, MemorySpan};
use crate::evm::reader::StepReader;
use crate::evm::spec::{GAS_COPY_WORD, GAS_VERYLOW as GAS_COPY};
use crate::evm::streams::{calldata_stream, memory_stream, Direction};
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

/// CALLDATACOPY.
#[derive(Clone, Debug)]
pub struct CallDataCopyGadget {
    common: OpcodeStep,
    dest: WordCells,
    src: WordCells,
    size: WordCells,
    length: Cell,
    span: MemorySpan,
    source: SourceWindow,
    input_words: Cell,
    /// `32·n − L` and `31 − (32·n − L)`.
    padding: [Cell; 2],
    /// Words of the source stream the calldata table holds: `min(n − w, words)`.
    table_words: Minimum,
    rlc: Cell,
    expansion: MemoryExpansion,
}

impl Gadget for CallDataCopyGadget {
    const NAME: &'static str = "CALLDATACOPY";
    const STATE: ExecutionState = ExecutionState::CallDataCopy;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x37])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for CallDataCopyGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("CALLDATACOPY: opcode", opcode, constant(0x37));
        let (dest, src, size) = (cb.query_word(), cb.query_word(), cb.query_word());
        cb.stack_pop("CALLDATACOPY: destination", dest.expr());
        cb.stack_pop("CALLDATACOPY: source offset", src.expr());
        cb.stack_pop("CALLDATACOPY: size", size.expr());
        let length = cb.query_cell();
        cb.call_context(
            "CALLDATACOPY: input length",
            CallContextField::CallDataLength,
            Word::small(length.expr()),
            Access::Read,
        );
        let span = MemorySpan::configure(cb, &dest.expr(), &size.expr());
        let rlc = cb.query_rlc();
        let write = memory_stream(cb, Direction::Write, &span, size.lo.expr(), rlc.expr());
        cb.when(span.nonempty(), |cb| cb.word_stream("CALLDATACOPY: the written memory", write));

        let source = SourceWindow::configure(cb, &src, &size, span.nonempty(), length.expr());
        let reads = source.reads();
        // n = ⌈L/32⌉ and T = min(n − w, words).
        let input_words = cb.query_cell();
        let padding = [cb.query_byte(), cb.query_byte()];
        cb.require_equal(
            "CALLDATACOPY: input words = ⌈L/32⌉",
            input_words.expr() * constant(32) - length.expr(),
            padding[0].expr(),
        );
        cb.require_equal(
            "CALLDATACOPY: input words = ⌈L/32⌉",
            padding[0].expr() + padding[1].expr(),
            constant(31),
        );
        let table_words = Minimum::configure(
            cb,
            reads.clone(),
            input_words.expr() - source.span.first_word(),
            source.span.words(),
        );
        cb.when(constant(1) - reads.clone(), |cb| {
            // Zeros (or nothing) are copied: their RLC is 0.
            cb.require_zero("CALLDATACOPY: the RLC of zeros", rlc.expr());
        });
        let read =
            calldata_stream(cb, &source.span, size.lo.expr(), table_words.expr(), rlc.expr());
        cb.when(reads, |cb| {
            cb.lookup(LookupTable::Copy, "CALLDATACOPY: the input bytes", read.tuple())
        });

        let (expansion, size_after, memory_gas) = MemoryExpansion::configure(cb, span.needed());
        let gas = constant(GAS_COPY) + constant(GAS_COPY_WORD) * span.len_words() + memory_gas;
        let transition = StepTransition::same_context(cb).with_memory_size(size_after);
        let common = OpcodeStep::configure(cb, GasCost::Dynamic(gas), transition);
        Self {
            common,
            dest,
            src,
            size,
            length,
            span,
            source,
            input_words,
            padding,
            table_words,
            rlc,
            expansion,
        }
    }
}

impl<F: PrimeField> StepGadget<F> for CallDataCopyGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (dest, src, size) = (r.stack_pop()?, r.stack_pop()?, r.stack_pop()?);
        r.call_context(CallContextField::CallDataLength)?;
        let (_, written, needed) = MemorySpan::native(dest, size);
        r.memory_words(written as usize, true)?;
        let input: &[u8] = w.tx.map(|tx| tx.input.as_ref()).unwrap_or_default();
        let len = input.len() as u64;
        a.assign_word(self.dest, word_limbs(dest));
        a.assign_word(self.src, word_limbs(src));
        a.assign_word(self.size, word_limbs(size));
        a.assign_u64(self.length, len);
        self.span.assign(a, dest, size);
        let from = self.source.assign(a, src, size, len);

        let input_words = len.div_ceil(32);
        a.assign_u64(self.input_words, input_words);
        let pad = input_words * 32 - len;
        a.assign_u64(self.padding[0], pad);
        a.assign_u64(self.padding[1], 31 - pad);
        let held = from.map(|from| {
            let (first, words, _) = MemorySpan::native(U256::from(from), size);
            (input_words - first, words)
        });
        self.table_words.assign(a, held);

        let bytes = match from {
            Some(from) => {
                let size = size.saturating_to::<u64>();
                (from..from + size)
                    .map(|i| input.get(i as usize).copied().unwrap_or_default())
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
