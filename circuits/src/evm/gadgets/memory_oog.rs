//! Out of gas on an opcode whose cost is a constant, a price per word or byte of one memory
//! range and that range's expansion: MLOAD, MSTORE, MSTORE8, KECCAK256, CALLDATACOPY, CODECOPY,
//! RETURN, REVERT and LOG0…LOG4, in the root call. The call halts exceptionally: all its gas
//! is consumed and its writes are undone (as in [`super::error`]).
//!
//! The opcode's row of the fixed table's `MemoryGas` gives the constant, the unit price and
//! where the range's length comes from (a one-hot `shape`: stack operand 1 or 2 priced per
//! word, operand 1 priced per byte, or a fixed length). The step reads the offset (operand 0)
//! and, unless the length is fixed, the length operand (the executor records these reads for
//! this halt), states the range with [`MemorySpan`] and its expansion with
//! [`MemoryExpansion`], and proves `cost − 1 − gas_left` on 10 bytes: the cost exceeds the gas
//! left. An offset or length at or past `2^35` bytes is left to witness generation to refuse.

use alloy_primitives::U256;
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Error;
use zkevm_trace::opcodes::{self, RangeLength};
use zkevm_trace::trace::{ExecError, StepKind};

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{from_bytes, EvmBuilder, WordCells};
use crate::evm::cell::Cell;
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{AssignError, ExecutionGadget, Gadget, StepGadget, Unsupported};
use crate::evm::memory::{MemoryExpansion, MemorySpan};
use crate::evm::reader::StepReader;
use crate::evm::spec::memory_expansion_gas;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use crate::table::FixedTableTag;

/// Ranges this gadget proves: offset and length below this many bytes.
pub const MAX_RANGE_BYTES: u64 = 1 << 35;

/// Whether a halt with `error` at `opcode` is an out of gas this gadget proves.
pub fn provable(opcode: u8, error: &ExecError) -> bool {
    *error == ExecError::OutOfGas && opcodes::memory_gas(opcode).is_some()
}

/// The range's length kinds, in `shape` order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    WordsOfOperand1 = 0,
    WordsOfOperand2 = 1,
    BytesOfOperand1 = 2,
    Fixed = 3,
}

fn shape_of(length: RangeLength) -> Shape {
    match length {
        RangeLength::WordsOfOperand(1) => Shape::WordsOfOperand1,
        RangeLength::WordsOfOperand(_) => Shape::WordsOfOperand2,
        RangeLength::BytesOfOperand(_) => Shape::BytesOfOperand1,
        RangeLength::Fixed(_) => Shape::Fixed,
    }
}

/// Out of gas on a memory-priced opcode.
#[derive(Clone, Debug)]
pub struct MemoryOutOfGasGadget {
    shape: [Cell; 4],
    fixed_length: Cell,
    constant_gas: Cell,
    unit_gas: Cell,
    offset: WordCells,
    length: WordCells,
    span: MemorySpan,
    expansion: MemoryExpansion,
    size_after: Cell,
    cost: Cell,
    /// `cost − 1 − gas_left`.
    shortfall: [Cell; 10],
}

impl Gadget for MemoryOutOfGasGadget {
    const NAME: &'static str = "memory out of gas";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasMemory;

    fn claims(step: &StepKind) -> bool {
        matches!(step, StepKind::Error { opcode, error } if provable(*opcode, error))
    }

    fn supports(w: &StepWitness<'_>) -> Result<(), Unsupported> {
        let fixed = opcodes::memory_gas(w.values.opcode as u8)
            .is_some_and(|g| matches!(g.length, opcodes::RangeLength::Fixed(_)));
        let reads = 1 + u64::from(!fixed);
        if w.rws.len() as u64 != w.values.reversible_write_counter + reads {
            return Err(Unsupported::new("memory out of gas with an unexpected RW shape"));
        }
        let limit = U256::from(MAX_RANGE_BYTES);
        let length = if fixed { None } else { w.rws.get(1).map(|rw| rw.value) };
        let offset = w.rws.first().map(|rw| rw.value).unwrap_or_default();
        let nonempty = length.is_none_or(|l| !l.is_zero());
        if nonempty && (offset >= limit || length.is_some_and(|l| l >= limit)) {
            return Err(Unsupported::new("out of gas on a memory range at or past 2^35 bytes"));
        }
        Ok(())
    }
}

impl<F: PrimeField> ExecutionGadget<F> for MemoryOutOfGasGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (cur, next) = (cb.cur.clone(), cb.next.clone());
        let opcode = cur.opcode.clone();
        cb.bytecode_lookup(
            "memory out of gas: opcode at pc",
            cur.pc.clone(),
            opcode.clone(),
            constant(1),
        );
        let shape = [(); 4].map(|_| cb.query_bool("memory out of gas: shape is boolean"));
        let one_hot = shape.iter().fold(constant(0), |acc, s| acc + s.expr());
        cb.require_equal("memory out of gas: one shape", one_hot, constant(1));
        let is = |s: Shape| shape[s as usize].expr::<F>();
        let fixed_length = cb.query_byte();
        cb.when(constant(1) - is(Shape::Fixed), |cb| {
            cb.require_zero("memory out of gas: no fixed length", fixed_length.expr());
        });
        let code = is(Shape::WordsOfOperand1)
            + is(Shape::WordsOfOperand2) * constant(2)
            + is(Shape::BytesOfOperand1) * constant(3)
            + is(Shape::Fixed) * (constant(256) + fixed_length.expr());
        let (constant_gas, unit_gas) = (cb.query_cell(), cb.query_cell());
        cb.fixed_lookup(
            "memory out of gas: the opcode's memory gas",
            FixedTableTag::MemoryGas,
            vec![opcode, constant_gas.expr(), unit_gas.expr(), code],
        );

        // The offset (operand 0) and the length (an operand, or fixed).
        let (offset, length) = (cb.query_word(), cb.query_word());
        cb.stack_pop("memory out of gas: offset", offset.expr());
        let from_stack = constant(1) - is(Shape::Fixed);
        let length_address = cur.stack_pointer.clone() - constant(2) - is(Shape::WordsOfOperand2);
        cb.when(from_stack, |cb| {
            cb.stack_read_at("memory out of gas: length", length_address, length.expr());
        });
        cb.when(is(Shape::Fixed), |cb| {
            cb.require_equal(
                "memory out of gas: fixed length",
                length.lo.expr(),
                fixed_length.expr(),
            );
            cb.require_zero("memory out of gas: fixed length", length.hi.expr());
        });
        let span = MemorySpan::configure(cb, &offset.expr(), &length.expr());
        let size_after = cb.query_cell();
        let (expansion, size_expr, expansion_gas) =
            MemoryExpansion::configure_to(cb, span.needed(), size_after.expr());
        cb.require_equal(
            "memory out of gas: memory after the access",
            size_after.expr(),
            size_expr,
        );

        let per_word = is(Shape::WordsOfOperand1) + is(Shape::WordsOfOperand2);
        let cost = cb.query_cell();
        cb.require_equal(
            "memory out of gas: cost",
            cost.expr(),
            constant_gas.expr()
                + unit_gas.expr() * per_word * span.len_words()
                + unit_gas.expr() * is(Shape::BytesOfOperand1) * length.lo.expr()
                + expansion_gas,
        );
        let shortfall = [(); 10].map(|_| cb.query_byte());
        cb.require_equal(
            "memory out of gas: gas left is below the cost",
            cost.expr() - constant(1) - cur.gas_left.clone(),
            from_bytes(&shortfall),
        );

        // All gas is consumed; the call's writes are undone; EndTx follows.
        cb.require_zero("memory out of gas: no gas left", next.gas_left);
        let own = cb.rw_count();
        StepTransition::end_tx_reverted(cb, own, constant(0)).constrain(cb);
        Self {
            shape,
            fixed_length,
            constant_gas,
            unit_gas,
            offset,
            length,
            span,
            expansion,
            size_after,
            cost,
            shortfall,
        }
    }
}

impl<F: PrimeField> StepGadget<F> for MemoryOutOfGasGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        let StepKind::Error { opcode, .. } = &w.step.kind else {
            return Err(Error::Synthesis.into());
        };
        let gas = opcodes::memory_gas(*opcode).ok_or(Error::Synthesis)?;
        let shape = shape_of(gas.length);
        for (i, cell) in self.shape.iter().enumerate() {
            a.assign_u64(*cell, (i == shape as usize) as u64);
        }
        a.assign_u64(self.constant_gas, gas.constant);
        a.assign_u64(self.unit_gas, gas.unit);
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let offset = r.stack_pop()?;
        let length = match gas.length {
            RangeLength::Fixed(n) => {
                a.assign_u64(self.fixed_length, u64::from(n));
                U256::from(n)
            }
            // Operand 1 is the item now on top; operand 2 the one below it.
            _ => r.stack_peek(u64::from(shape == Shape::WordsOfOperand2))?,
        };
        a.assign_word(self.offset, word_limbs(offset));
        a.assign_word(self.length, word_limbs(length));
        self.span.assign(a, offset, length);
        let (_, _, needed) = MemorySpan::native(offset, length);
        let now = w.values.memory_word_size;
        self.expansion.assign(a, now, needed);
        let after = now.max(needed);
        a.assign_u64(self.size_after, after);
        let expansion = memory_expansion_gas(now, after);
        let len = length.saturating_to::<u64>();
        let units = match gas.length {
            RangeLength::WordsOfOperand(_) => len.div_ceil(32),
            RangeLength::BytesOfOperand(_) => len,
            RangeLength::Fixed(_) => 0,
        };
        let cost = gas.constant + gas.unit * units + expansion;
        a.assign_u64(self.cost, cost);
        let shortfall =
            U256::from(cost).wrapping_sub(U256::from(w.values.gas_left) + U256::from(1));
        a.assign_wide_bytes(&self.shortfall, shortfall);
        Ok(())
    }
}
