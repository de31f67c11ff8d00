//! BYTE and SIGNEXTEND (Yellow Paper, appendix H), both selecting a byte of `x` by an index
//! operand through [`ByteIndex`].
//!
//! - BYTE `(i, x)`: byte `i` of `x` counted from the most significant, 0 when `i ≥ 32`.
//! - SIGNEXTEND `(b, x)`: for `b < 32`, every byte above byte `b` (counted from the least
//!   significant) becomes `0xff·s`, `s` the top bit of byte `b`; for `b ≥ 32`, `x` itself.
//!   The sign is split off as `2·byte = 256·s + 2·low7`, where `2·low7` is a byte cell.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{EvmBuilder, Word, WordBytes, WordCells};
use crate::evm::byte_index::ByteIndex;
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::reader::StepReader;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

/// A word from 32 little-endian byte expressions.
fn word_of_le<F: PrimeField>(bytes: &[Expression<F>]) -> Word<F> {
    let limb = |bytes: &[Expression<F>]| {
        bytes.iter().rev().fold(constant(0), |acc, b| acc * constant(256) + b.clone())
    };
    Word { lo: limb(&bytes[..16]), hi: limb(&bytes[16..]) }
}

/// BYTE.
#[derive(Clone, Debug)]
pub struct ByteGadget {
    common: OpcodeStep,
    index: WordCells,
    selected: ByteIndex,
    x: WordBytes,
    prev: WordCells,
}

impl Gadget for ByteGadget {
    const NAME: &'static str = "BYTE";
    const STATE: ExecutionState = ExecutionState::Byte;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x1a])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for ByteGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("BYTE: opcode", opcode, constant(0x1a));
        let (index, x) = (cb.query_word(), cb.query_word_bytes());
        cb.stack_pop("BYTE: index", index.expr());
        cb.stack_pop("BYTE: x", x.expr());
        let selected = ByteIndex::configure(cb, &index.expr());
        // Byte i from the most significant is little-endian byte 31 − i.
        let byte =
            (0..32).fold(constant(0), |acc, i| acc + selected.is::<F>(i) * x.bytes[31 - i].expr());
        let prev = cb.stack_push("BYTE: the byte", Word::small(byte));
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, index, selected, x, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for ByteGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (index, x) = (r.stack_pop()?, r.stack_pop()?);
        let pushed = r.stack_push()?;
        a.assign_word(self.index, word_limbs(index));
        self.selected.assign(a, index);
        a.assign_word_bytes(&self.x, x);
        a.assign_word(self.prev, word_limbs(pushed.prev));
        r.finish()?;
        Ok(())
    }
}

/// SIGNEXTEND.
#[derive(Clone, Debug)]
pub struct SignExtendGadget {
    common: OpcodeStep,
    index: WordCells,
    selected: ByteIndex,
    x: WordBytes,
    sign: Cell,
    /// Twice the low seven bits of the selected byte (a byte, so those bits are below 128).
    low_bits_twice: Cell,
    prev: WordCells,
}

impl Gadget for SignExtendGadget {
    const NAME: &'static str = "SIGNEXTEND";
    const STATE: ExecutionState = ExecutionState::SignExtend;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x0b])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for SignExtendGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("SIGNEXTEND: opcode", opcode, constant(0x0b));
        let (index, x) = (cb.query_word(), cb.query_word_bytes());
        cb.stack_pop("SIGNEXTEND: byte index", index.expr());
        cb.stack_pop("SIGNEXTEND: x", x.expr());
        let selected = ByteIndex::configure(cb, &index.expr());
        let byte =
            (0..32).fold(constant(0), |acc, k| acc + selected.is::<F>(k) * x.bytes[k].expr());
        let sign = cb.query_bool("SIGNEXTEND: sign is boolean");
        let low_bits_twice = cb.query_byte();
        cb.require_equal(
            "SIGNEXTEND: sign bit of the selected byte",
            byte * constant(2),
            sign.expr() * constant(256) + low_bits_twice.expr(),
        );
        // Byte j is kept when the index is at least j (or out of range), else 0xff·sign.
        let out_of_range = constant(1) - selected.in_range::<F>();
        let result: Vec<Expression<F>> = (0..32)
            .map(|j| {
                let keep = (j..32).fold(out_of_range.clone(), |acc, k| acc + selected.is::<F>(k));
                keep.clone() * x.bytes[j].expr()
                    + (constant(1) - keep) * sign.expr() * constant(0xff)
            })
            .collect();
        let prev = cb.stack_push("SIGNEXTEND: result", word_of_le(&result));
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, index, selected, x, sign, low_bits_twice, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for SignExtendGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (index, x) = (r.stack_pop()?, r.stack_pop()?);
        let pushed = r.stack_push()?;
        a.assign_word(self.index, word_limbs(index));
        self.selected.assign(a, index);
        a.assign_word_bytes(&self.x, x);
        let byte = if index < alloy_primitives::U256::from(32u8) {
            x.to_le_bytes::<32>()[index.saturating_to::<usize>()]
        } else {
            0
        };
        a.assign_u64(self.sign, (byte >> 7) as u64);
        a.assign_u64(self.low_bits_twice, ((byte & 0x7f) * 2) as u64);
        a.assign_word(self.prev, word_limbs(pushed.prev));
        r.finish()?;
        Ok(())
    }
}
