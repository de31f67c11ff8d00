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
use halo2_proofs::plonk::Error;
use zkevm_executor::trace::CallContextField;

use super::{ExecutionGadget, StepGadget};
use crate::constraint_builder::{constant, select};
use crate::copy::StreamClaim;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{from_bytes, EvmBuilder, IsZeroCells, Word, WordCells};
use crate::evm::cell::{Cell, LookupTable};
use crate::evm::common::{GasCost, NextPc, OpcodeStep, Transition};
use crate::evm::execution_state::ExecutionState;
use crate::evm::memory::{MemoryExpansion, MemorySpan};
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use crate::state::RwTag;

/// CALLDATACOPY's constant part and its gas per word copied.
const GAS_COPY: u64 = 3;
const GAS_COPY_WORD: u64 = 3;

/// CALLDATACOPY.
#[derive(Clone, Debug)]
pub struct CallDataCopyGadget {
    common: OpcodeStep,
    dest: WordCells,
    src: WordCells,
    size: WordCells,
    length: Cell,
    span: MemorySpan,
    past_end: Cell,
    src_hi_is_zero: IsZeroCells,
    /// `src − L` past the end (0 when the high limb is set), `L − src − 1` before it.
    distance: [Cell; 16],
    /// 1 when the copy reads the input: nonempty and `src < L`.
    reads: Cell,
    /// `src` when reading, else 0.
    src_from: Cell,
    src_span: MemorySpan,
    input_words: Cell,
    /// `32·n − L` and `31 − (32·n − L)`.
    padding: [Cell; 2],
    all_in: Cell,
    table_words: Cell,
    /// `n − w − words` when every source word is in the input, else `words − (n − w) − 1`.
    table_distance: [Cell; 5],
    rlc: Cell,
    expansion: MemoryExpansion,
}

impl<F: PrimeField> ExecutionGadget<F> for CallDataCopyGadget {
    const STATE: ExecutionState = ExecutionState::CallDataCopy;

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
            None,
        );
        let span = MemorySpan::configure(cb, &dest.expr(), &size.expr());
        let rlc = cb.query_rlc();
        let write = StreamClaim {
            rw_counter: constant(0),
            is_write: constant(1),
            tag: constant(RwTag::Memory as u64),
            id: cb.cur.call_id.clone(),
            address: span.first_word(),
            field_tag: constant(0),
            key: constant(0),
            index_in_key: constant(0),
            skip: span.skip(),
            len: size.lo.expr(),
            words: span.words(),
            zero_outside: constant(0),
            calldata: constant(0),
            table_words: constant(0),
            rlc: rlc.expr(),
        };
        cb.when(span.nonempty(), |cb| cb.word_stream("CALLDATACOPY: the written memory", write));

        // Whether the source starts past the input.
        let past_end = cb.query_bool("CALLDATACOPY: past_end is boolean");
        let src_hi_is_zero = cb.is_zero("CALLDATACOPY: source high limb is zero", src.hi.expr());
        let distance = [(); 16].map(|_| cb.query_byte());
        let (lo, len) = (src.lo.expr::<F>(), length.expr::<F>());
        cb.require_equal(
            "CALLDATACOPY: source offset against the input length",
            from_bytes(&distance),
            select(
                past_end.expr(),
                src_hi_is_zero.is_zero.expr() * (lo.clone() - len.clone()),
                len.clone() - lo.clone() - constant(1),
            ),
        );
        cb.when(constant(1) - past_end.expr(), |cb| {
            cb.require_zero("CALLDATACOPY: a source inside the input is small", src.hi.expr());
        });
        let reads = cb.query_cell();
        cb.require_equal(
            "CALLDATACOPY: reads the input when nonempty and inside it",
            reads.expr(),
            span.nonempty() * (constant(1) - past_end.expr()),
        );
        let src_from = cb.query_cell();
        cb.require_equal("CALLDATACOPY: source when read", src_from.expr(), reads.expr() * lo);
        // The source range (of offset 0 when nothing is read: then only its cells are used).
        let src_span =
            MemorySpan::configure(cb, &Word { lo: src_from.expr(), hi: constant(0) }, &size.expr());

        // n = ⌈L/32⌉ and T = min(n − w, words).
        let input_words = cb.query_cell();
        let padding = [cb.query_byte(), cb.query_byte()];
        cb.require_equal(
            "CALLDATACOPY: input words = ⌈L/32⌉",
            input_words.expr() * constant(32) - len,
            padding[0].expr(),
        );
        cb.require_equal(
            "CALLDATACOPY: input words = ⌈L/32⌉",
            padding[0].expr() + padding[1].expr(),
            constant(31),
        );
        let all_in = cb.query_bool("CALLDATACOPY: all_in is boolean");
        let table_words = cb.query_cell();
        let table_distance = [(); 5].map(|_| cb.query_byte());
        let left = input_words.expr() - src_span.first_word();
        let words = src_span.words();
        cb.when(reads.expr(), |cb| {
            cb.require_equal(
                "CALLDATACOPY: table words = min(n − w, words)",
                table_words.expr(),
                select(all_in.expr(), words.clone(), left.clone()),
            );
            cb.require_equal(
                "CALLDATACOPY: table words = min(n − w, words)",
                from_bytes(&table_distance),
                select(
                    all_in.expr(),
                    left.clone() - words.clone(),
                    words.clone() - left.clone() - constant(1),
                ),
            );
        });
        cb.when(constant(1) - reads.expr(), |cb| {
            cb.require_zero("CALLDATACOPY: nothing read", all_in.expr());
            cb.require_zero("CALLDATACOPY: nothing read", table_words.expr());
            for byte in &table_distance {
                cb.require_zero("CALLDATACOPY: nothing read", byte.expr());
            }
            // Zeros (or nothing) are copied: their RLC is 0.
            cb.require_zero("CALLDATACOPY: the RLC of zeros", rlc.expr());
        });
        let read = StreamClaim {
            rw_counter: constant(0),
            is_write: constant(0),
            tag: constant(RwTag::Padding as u64),
            id: cb.cur.tx_id.clone() + constant(1),
            address: src_span.first_word(),
            field_tag: constant(0),
            key: constant(0),
            index_in_key: constant(0),
            skip: src_span.skip(),
            len: size.lo.expr(),
            words: src_span.words(),
            zero_outside: constant(0),
            calldata: constant(1),
            table_words: table_words.expr(),
            rlc: rlc.expr(),
        };
        cb.when(reads.expr(), |cb| {
            cb.lookup(LookupTable::Copy, "CALLDATACOPY: the input bytes", read.tuple())
        });

        let (expansion, size_after, memory_gas) = MemoryExpansion::configure(cb, span.needed());
        let gas = constant(GAS_COPY) + constant(GAS_COPY_WORD) * span.len_words() + memory_gas;
        let common = OpcodeStep::configure(
            cb,
            GasCost::Dynamic(gas),
            Transition::SameContextMemory(NextPc::Advance(1), size_after),
        );
        Self {
            common,
            dest,
            src,
            size,
            length,
            span,
            past_end,
            src_hi_is_zero,
            distance,
            reads,
            src_from,
            src_span,
            input_words,
            padding,
            all_in,
            table_words,
            table_distance,
            rlc,
            expansion,
        }
    }
}

impl<F: PrimeField> StepGadget<F> for CallDataCopyGadget {
    fn assign(&self, a: &mut StepAssigner<'_, '_, F>, w: &StepWitness<'_>) -> Result<(), Error> {
        self.common.assign(a, w)?;
        let value = |i: usize| w.rws.get(i).map(|rw| rw.value).unwrap_or_default();
        let (dest, src, size) = (value(0), value(1), value(2));
        let input: &[u8] = w.tx.map(|tx| tx.input.as_ref()).unwrap_or_default();
        let len = input.len() as u64;
        a.assign_word(self.dest, word_limbs(dest));
        a.assign_word(self.src, word_limbs(src));
        a.assign_word(self.size, word_limbs(size));
        a.assign_u64(self.length, len);
        self.span.assign(a, dest, size);

        let past_end = src >= U256::from(len);
        a.assign_u64(self.past_end, past_end as u64);
        let (lo, hi) = word_limbs(src);
        a.assign_is_zero(self.src_hi_is_zero, F::from_u128(hi));
        let distance = match (past_end, hi == 0) {
            (true, true) => lo - len as u128,
            (true, false) => 0,
            (false, _) => len as u128 - lo - 1,
        };
        for (i, cell) in self.distance.iter().enumerate() {
            a.assign_u64(*cell, ((distance >> (8 * i)) & 0xff) as u64);
        }
        let reads = !past_end && !size.is_zero();
        a.assign_u64(self.reads, reads as u64);
        let src_from = if reads { lo as u64 } else { 0 };
        a.assign_u64(self.src_from, src_from);
        self.src_span.assign(a, U256::from(src_from), size);

        let input_words = len.div_ceil(32);
        a.assign_u64(self.input_words, input_words);
        let pad = input_words * 32 - len;
        a.assign_u64(self.padding[0], pad);
        a.assign_u64(self.padding[1], 31 - pad);
        let (first, words, _) = MemorySpan::native(U256::from(src_from), size);
        let (all_in, table_words, table_distance) = if reads {
            let left = input_words - first;
            if words <= left {
                (true, words, left - words)
            } else {
                (false, left, words - left - 1)
            }
        } else {
            (false, 0, 0)
        };
        a.assign_u64(self.all_in, all_in as u64);
        a.assign_u64(self.table_words, table_words);
        a.assign_bytes(&self.table_distance, table_distance);

        let bytes = if reads {
            let size = size.saturating_to::<u64>();
            (src_from..src_from + size)
                .map(|i| input.get(i as usize).copied().unwrap_or_default())
                .collect()
        } else {
            Vec::new()
        };
        a.assign_rlc(self.rlc, bytes);
        let (_, _, needed) = MemorySpan::native(dest, size);
        self.expansion.assign(a, w.values.memory_word_size, needed);
        Ok(())
    }
}
