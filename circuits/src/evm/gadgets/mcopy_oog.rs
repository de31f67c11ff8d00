//! Out of gas on MCOPY in the root call. MCOPY costs `3 + 3` per word copied plus the
//! expansion to the larger of its two ranges' ends (EIP-5656), so the step states both ranges
//! as MCOPY itself does ([`super::mcopy`]) and proves that the gas left is short of that cost.
//! The call then halts exceptionally: all its gas is consumed and its writes are undone (as in
//! [`super::error`]).
//!
//! The step reads its three operands (the executor records these reads for this halt) and
//! proves `cost − 1 − gas_left` on 10 bytes. A nonempty copy with an offset or size at or past
//! `2^35` bytes is left to witness generation to refuse, as for the other memory ranges
//! ([`super::memory_oog`]).

use alloy_primitives::U256;
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Error;
use zkevm_trace::trace::{ExecError, StepKind};

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{from_bytes, EvmBuilder, WordCells};
use crate::evm::cell::Cell;
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{AssignError, ExecutionGadget, Gadget, StepGadget, Unsupported};
use crate::evm::memory::{LargerNeed, MemoryExpansion, MemorySpan};
use crate::evm::reader::StepReader;
use crate::evm::spec::{memory_expansion_gas, GAS_COPY_WORD, GAS_VERYLOW as GAS_COPY};
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;

/// MCOPY's opcode byte.
const MCOPY: u8 = 0x5e;

/// Whether a halt with `error` at `opcode` is the out of gas this gadget proves.
pub fn provable(opcode: u8, error: &ExecError) -> bool {
    opcode == MCOPY && *error == ExecError::OutOfGas
}

/// Out of gas on MCOPY.
#[derive(Clone, Debug)]
pub struct McopyOutOfGasGadget {
    dest: WordCells,
    src: WordCells,
    size: WordCells,
    src_span: MemorySpan,
    dest_span: MemorySpan,
    needed: LargerNeed,
    expansion: MemoryExpansion,
    size_after: Cell,
    cost: Cell,
    /// `cost − 1 − gas_left`.
    shortfall: [Cell; 10],
}

impl Gadget for McopyOutOfGasGadget {
    const NAME: &'static str = "MCOPY out of gas";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasMcopy;

    fn claims(step: &StepKind) -> bool {
        matches!(step, StepKind::Error { opcode, error } if provable(*opcode, error))
    }

    fn supports(w: &StepWitness<'_>) -> Result<(), Unsupported> {
        if w.rws.len() as u64 != w.values.reversible_write_counter + 3 {
            return Err(Unsupported::new("MCOPY out of gas with an unexpected RW shape"));
        }
        let limit = U256::from(super::memory_oog::MAX_RANGE_BYTES);
        let operand = |i: usize| w.rws.get(i).map(|rw| rw.value).unwrap_or_default();
        let (dest, src, size) = (operand(0), operand(1), operand(2));
        if !size.is_zero() && (dest >= limit || src >= limit || size >= limit) {
            return Err(Unsupported::new("out of gas on a memory range at or past 2^35 bytes"));
        }
        Ok(())
    }
}

impl<F: PrimeField> ExecutionGadget<F> for McopyOutOfGasGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (cur, next) = (cb.cur.clone(), cb.next.clone());
        let opcode = cur.opcode.clone();
        cb.bytecode_lookup(
            "MCOPY out of gas: opcode at pc",
            cur.pc.clone(),
            opcode.clone(),
            constant(1),
        );
        cb.require_equal("MCOPY out of gas: opcode", opcode, constant(u64::from(MCOPY)));
        let (dest, src, size) = (cb.query_word(), cb.query_word(), cb.query_word());
        cb.stack_pop("MCOPY out of gas: destination", dest.expr());
        cb.stack_pop("MCOPY out of gas: source", src.expr());
        cb.stack_pop("MCOPY out of gas: size", size.expr());
        let src_span = MemorySpan::configure(cb, &src.expr(), &size.expr());
        let dest_span = MemorySpan::configure(cb, &dest.expr(), &size.expr());
        let needed = LargerNeed::configure(
            cb,
            "MCOPY out of gas: the larger memory need",
            src_span.needed(),
            dest_span.needed(),
        );
        let size_after = cb.query_cell();
        let (expansion, size_expr, expansion_gas) =
            MemoryExpansion::configure_to(cb, needed.expr(), size_after.expr());
        cb.require_equal("MCOPY out of gas: memory after the copy", size_after.expr(), size_expr);

        // gas_left < 3 + 3·⌈size/32⌉ + expansion.
        let cost = cb.query_cell();
        cb.require_equal(
            "MCOPY out of gas: cost",
            cost.expr(),
            constant(GAS_COPY) + constant(GAS_COPY_WORD) * src_span.len_words() + expansion_gas,
        );
        let shortfall = [(); 10].map(|_| cb.query_byte());
        cb.require_equal(
            "MCOPY out of gas: gas left is below the cost",
            cost.expr() - constant(1) - cur.gas_left.clone(),
            from_bytes(&shortfall),
        );

        // All gas is consumed; the call's writes are undone; EndTx follows.
        cb.require_zero("MCOPY out of gas: no gas left", next.gas_left);
        let own = cb.rw_count();
        StepTransition::end_tx_reverted(cb, own, constant(0)).constrain(cb);
        Self {
            dest,
            src,
            size,
            src_span,
            dest_span,
            needed,
            expansion,
            size_after,
            cost,
            shortfall,
        }
    }
}

impl<F: PrimeField> StepGadget<F> for McopyOutOfGasGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        let StepKind::Error { opcode, error } = &w.step.kind else {
            return Err(Error::Synthesis.into());
        };
        if !provable(*opcode, error) {
            return Err(Error::Synthesis.into());
        }
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (dest, src, size) = (r.stack_pop()?, r.stack_pop()?, r.stack_pop()?);
        a.assign_word(self.dest, word_limbs(dest));
        a.assign_word(self.src, word_limbs(src));
        a.assign_word(self.size, word_limbs(size));
        self.src_span.assign(a, src, size);
        self.dest_span.assign(a, dest, size);
        let (_, _, src_needed) = MemorySpan::native(src, size);
        let (_, _, dest_needed) = MemorySpan::native(dest, size);
        self.needed.assign(a, src_needed, dest_needed);
        let now = w.values.memory_word_size;
        let needed = src_needed.max(dest_needed);
        self.expansion.assign(a, now, needed);
        let after = now.max(needed);
        a.assign_u64(self.size_after, after);
        let words = size.saturating_to::<u64>().div_ceil(32);
        let cost = GAS_COPY + GAS_COPY_WORD * words + memory_expansion_gas(now, after);
        a.assign_u64(self.cost, cost);
        let shortfall =
            U256::from(cost).wrapping_sub(U256::from(w.values.gas_left) + U256::from(1));
        a.assign_wide_bytes(&self.shortfall, shortfall);
        Ok(())
    }
}
