//! KECCAK256: the hash of a memory range. The copy circuit proves the range's words and the
//! RLC of its bytes; the keccak table says that RLC and length hash to the pushed word.
//! Gas: 30 + 6 per word of input + memory expansion.

use halo2_proofs::halo2curves::ff::PrimeField;

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{EvmBuilder, WordCells};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::memory::{MemoryExpansion, MemorySpan};
use crate::evm::reader::StepReader;
use crate::evm::spec::{GAS_KECCAK, GAS_KECCAK_WORD};
use crate::evm::streams::{memory_stream, Direction};
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::{Rw, StepKind};

/// KECCAK256.
#[derive(Clone, Debug)]
pub struct Sha3Gadget {
    common: OpcodeStep,
    offset: WordCells,
    len: WordCells,
    span: MemorySpan,
    rlc: Cell,
    hash: WordCells,
    prev: WordCells,
    expansion: MemoryExpansion,
}

impl Gadget for Sha3Gadget {
    const NAME: &'static str = "KECCAK256";
    const STATE: ExecutionState = ExecutionState::Sha3;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x20])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for Sha3Gadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("KECCAK256: opcode", opcode, constant(0x20));
        let (offset, len) = (cb.query_word(), cb.query_word());
        cb.stack_pop("KECCAK256: offset", offset.expr());
        cb.stack_pop("KECCAK256: length", len.expr());
        let span = MemorySpan::configure(cb, &offset.expr(), &len.expr());
        let rlc = cb.query_rlc();
        let claim = memory_stream(cb, Direction::Read, &span, len.lo.expr(), rlc.expr());
        cb.when(span.nonempty(), |cb| cb.word_stream("KECCAK256: the hashed bytes", claim));
        cb.when(span.is_empty(), |cb| {
            cb.require_zero("KECCAK256: the empty string's RLC", rlc.expr());
        });
        let hash = cb.query_word();
        cb.keccak_lookup("KECCAK256: the hash", rlc.expr(), len.lo.expr(), hash.expr());
        let prev = cb.stack_push("KECCAK256: the hash", hash.expr());
        let (expansion, size_after, memory_gas) = MemoryExpansion::configure(cb, span.needed());
        let gas = constant(GAS_KECCAK) + constant(GAS_KECCAK_WORD) * span.len_words() + memory_gas;
        let transition = StepTransition::same_context(cb).with_memory_size(size_after);
        let common = OpcodeStep::configure(cb, GasCost::Dynamic(gas), transition);
        Self { common, offset, len, span, rlc, hash, prev, expansion }
    }
}

impl<F: PrimeField> StepGadget<F> for Sha3Gadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (offset, len) = (r.stack_pop()?, r.stack_pop()?);
        a.assign_word(self.offset, word_limbs(offset));
        a.assign_word(self.len, word_limbs(len));
        self.span.assign(a, offset, len);
        let (_, words, needed) = MemorySpan::native(offset, len);
        let bytes = span_bytes(r.memory_words(words as usize, false)?, offset, len);
        a.assign_rlc(self.rlc, bytes);
        let push = r.stack_push()?;
        a.assign_word(self.hash, word_limbs(push.value));
        a.assign_word(self.prev, word_limbs(push.prev));
        self.expansion.assign(a, w.values.memory_word_size, needed);
        r.finish()?;
        Ok(())
    }
}

/// The bytes `[offset, offset + len)` of memory, from `words`: the memory words of the range
/// (as [`StepReader::memory_words`] returns them).
pub(super) fn span_bytes(
    words: &[Rw],
    offset: alloy_primitives::U256,
    len: alloy_primitives::U256,
) -> Vec<u8> {
    if len.is_zero() {
        return Vec::new();
    }
    let bytes: Vec<u8> = words.iter().flat_map(|rw| rw.value.to_be_bytes::<32>()).collect();
    let skip = (offset.saturating_to::<u64>() % 32) as usize;
    let len = len.saturating_to::<usize>();
    bytes.get(skip..skip + len).map(|b| b.to_vec()).unwrap_or_default()
}
