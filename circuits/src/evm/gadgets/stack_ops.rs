//! POP, DUP1..DUP16, SWAP1..SWAP16: moving stack items.
//!
//! DUP and SWAP take `n` from a one-hot choice of 16 flags (`opcode = base + n`), so no other
//! opcode can pose as one and every stack address stays within the items present.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{EvmBuilder, WordCells};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::reader::StepReader;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

/// POP.
#[derive(Clone, Debug)]
pub struct PopGadget {
    common: OpcodeStep,
    value: WordCells,
}

impl Gadget for PopGadget {
    const NAME: &'static str = "POP";
    const STATE: ExecutionState = ExecutionState::Pop;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x50])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for PopGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("POP: opcode", opcode, constant(0x50));
        let value = cb.query_word();
        cb.stack_pop("POP: value", value.expr());
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, value }
    }
}

impl<F: PrimeField> StepGadget<F> for PopGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        a.assign_word(self.value, word_limbs(r.stack_pop()?));
        r.finish()?;
        Ok(())
    }
}

/// 16 one-hot flags choosing `n ∈ 1..=16` with `opcode = base + n`; returns the flags and `n`.
fn choose_n<F: PrimeField>(
    cb: &mut EvmBuilder<F>,
    base: u64,
    name: &'static str,
) -> ([Cell; 16], Expression<F>) {
    let flags = [(); 16].map(|_| cb.query_bool(name));
    let one_hot = flags.iter().fold(constant(0), |acc, f| acc + f.expr());
    cb.require_equal(name, one_hot, constant(1));
    let n = flags
        .iter()
        .enumerate()
        .fold(constant(0), |acc, (i, f)| acc + f.expr() * constant(i as u64 + 1));
    let opcode = cb.cur.opcode.clone();
    cb.require_equal(name, opcode, constant(base) + n.clone());
    (flags, n)
}

fn assign_n<F: PrimeField>(a: &mut StepAssigner<'_, '_, F>, flags: &[Cell; 16], n: u64) {
    for (i, flag) in flags.iter().enumerate() {
        a.assign_u64(*flag, (i as u64 + 1 == n) as u64);
    }
}

/// DUPn: push a copy of the item `n − 1` below the top.
#[derive(Clone, Debug)]
pub struct DupGadget {
    common: OpcodeStep,
    flags: [Cell; 16],
    value: WordCells,
    prev: WordCells,
}

impl Gadget for DupGadget {
    const NAME: &'static str = "DUP";
    const STATE: ExecutionState = ExecutionState::Dup;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, 0x80..=0x8f)
    }
}

impl<F: PrimeField> ExecutionGadget<F> for DupGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (flags, n) = choose_n(cb, 0x7f, "DUP: n is one of 1..=16");
        let value = cb.query_word();
        let source = cb.cur.stack_pointer.clone() - n;
        cb.stack_read_at("DUP: the item copied", source, value.expr());
        let prev = cb.stack_push("DUP: the copy", value.expr());
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, flags, value, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for DupGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        assign_n(a, &self.flags, w.values.opcode - 0x7f);
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let n = w.values.opcode.wrapping_sub(0x7f);
        a.assign_word(self.value, word_limbs(r.stack_peek(n.wrapping_sub(1))?));
        a.assign_word(self.prev, word_limbs(r.stack_push()?.prev));
        r.finish()?;
        Ok(())
    }
}

/// SWAPn: exchange the top item and the item `n` below it.
#[derive(Clone, Debug)]
pub struct SwapGadget {
    common: OpcodeStep,
    flags: [Cell; 16],
    top: WordCells,
    deep: WordCells,
    top_prev: WordCells,
    deep_prev: WordCells,
}

impl Gadget for SwapGadget {
    const NAME: &'static str = "SWAP";
    const STATE: ExecutionState = ExecutionState::Swap;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, 0x90..=0x9f)
    }
}

impl<F: PrimeField> ExecutionGadget<F> for SwapGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (flags, n) = choose_n(cb, 0x8f, "SWAP: n is one of 1..=16");
        let (top, deep) = (cb.query_word(), cb.query_word());
        let top_slot = cb.stack_slot(0);
        let deep_slot = top_slot.clone() - n;
        cb.stack_read_at("SWAP: top", top_slot.clone(), top.expr());
        cb.stack_read_at("SWAP: item n below", deep_slot.clone(), deep.expr());
        let top_prev = cb.stack_write_at("SWAP: top gets the deep item", top_slot, deep.expr());
        let deep_prev = cb.stack_write_at("SWAP: deep slot gets the top", deep_slot, top.expr());
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, flags, top, deep, top_prev, deep_prev }
    }
}

impl<F: PrimeField> StepGadget<F> for SwapGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        assign_n(a, &self.flags, w.values.opcode - 0x8f);
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let n = w.values.opcode.wrapping_sub(0x8f);
        a.assign_word(self.top, word_limbs(r.stack_peek(0)?));
        a.assign_word(self.deep, word_limbs(r.stack_peek(n)?));
        a.assign_word(self.top_prev, word_limbs(r.stack_write_at(0)?.prev));
        a.assign_word(self.deep_prev, word_limbs(r.stack_write_at(n)?.prev));
        r.finish()?;
        Ok(())
    }
}
