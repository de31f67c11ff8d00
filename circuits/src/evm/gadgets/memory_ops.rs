//! MLOAD, MSTORE and MSTORE8 (Yellow Paper, appendix H: `μ'_s[0] = μ_m[μ_s[0] .. +32]`,
//! `μ'_m[μ_s[0] .. +32] = μ_s[1]`, `μ'_m[μ_s[0]] = μ_s[1] mod 256`), each with gas
//! `G_verylow + C_mem(μ'_i) − C_mem(μ_i)`.
//!
//! The touched memory words are held as big-endian bytes, `bytes[i]` being memory byte
//! `32·w + i` for the first word `w` of the access; a one-hot `shift` selects the bytes the
//! opcode reads or overwrites. Every byte not written keeps its previous value, which the
//! state circuit pins through each write's `value_prev`.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{Access, EvmBuilder, Word, WordCells};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::memory::{word_of_be_bytes, MemoryAddress, MemoryExpansion};
use crate::evm::reader::StepReader;
use crate::evm::spec::GAS_VERYLOW;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

fn exprs<F: PrimeField>(cells: &[Cell]) -> Vec<Expression<F>> {
    cells.iter().map(|c| c.expr()).collect()
}

/// Assigns the big-endian bytes of `words` to `cells` (32 cells per word).
fn assign_be<F: PrimeField>(
    a: &mut StepAssigner<'_, '_, F>,
    cells: &[Cell],
    words: &[alloy_primitives::U256],
) {
    let bytes = words.iter().flat_map(|w| w.to_be_bytes::<32>());
    for (cell, byte) in cells.iter().zip(bytes) {
        a.assign_u64(*cell, byte as u64);
    }
}

/// The offset operand of a step that succeeded (below `2^48`, see [`MemoryAddress`]).
fn offset_of(value: alloy_primitives::U256) -> u64 {
    value.saturating_to()
}

/// Whether a 32-byte access at `offset` touches a second word (the builder's `aligned` is 0).
fn touches_second_word(offset: u64) -> bool {
    !offset.is_multiple_of(32)
}

/// Words a 32-byte access at `offset` needs.
fn words_needed(offset: u64, len: u64) -> u64 {
    (offset + len).div_ceil(32)
}

/// The memory expansion to `needed` words and the common checks, with gas
/// `G_verylow + C_mem(μ'_i) − C_mem(μ_i)` and the memory size carried to the next step.
fn memory_step<F: PrimeField>(
    cb: &mut EvmBuilder<F>,
    needed: Expression<F>,
) -> (MemoryExpansion, OpcodeStep) {
    let (expansion, size_after, gas) = MemoryExpansion::configure(cb, needed);
    let transition = StepTransition::same_context(cb).with_memory_size(size_after);
    let common =
        OpcodeStep::configure(cb, GasCost::Dynamic(constant(GAS_VERYLOW) + gas), transition);
    (expansion, common)
}

/// MLOAD.
#[derive(Clone, Debug)]
pub struct MloadGadget {
    common: OpcodeStep,
    offset: WordCells,
    address: MemoryAddress,
    bytes: [Cell; 64],
    expansion: MemoryExpansion,
    prev: WordCells,
}

impl Gadget for MloadGadget {
    const NAME: &'static str = "MLOAD";
    const STATE: ExecutionState = ExecutionState::Mload;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x51])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for MloadGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("MLOAD: opcode", opcode, constant(0x51));
        let offset = cb.query_word();
        cb.stack_pop("MLOAD: offset", offset.expr());
        let address = MemoryAddress::configure(cb, &offset.expr());
        let bytes = [(); 64].map(|_| cb.query_byte());
        let all: Vec<Expression<F>> = exprs(&bytes);
        let word = address.word::<F>();
        cb.memory_word(
            "MLOAD: first word",
            word.clone(),
            word_of_be_bytes(&all[..32]),
            Access::Read,
        );
        let aligned = address.aligned::<F>();
        cb.when(constant(1) - aligned.clone(), |cb| {
            let second = word_of_be_bytes(&all[32..]);
            cb.memory_word("MLOAD: second word", word.clone() + constant(1), second, Access::Read);
        });
        cb.when(aligned.clone(), |cb| {
            for byte in &all[32..] {
                cb.require_zero("MLOAD: no second word when aligned", byte.clone());
            }
        });
        // Result byte j is memory byte shift + j.
        let result: Vec<Expression<F>> = (0..32)
            .map(|j| {
                (0..32)
                    .fold(constant(0), |acc, k| acc + address.shift_is::<F>(k) * all[k + j].clone())
            })
            .collect();
        let prev = cb.stack_push("MLOAD: value", word_of_be_bytes(&result));
        let needed = word + constant(2) - aligned;
        let (expansion, common) = memory_step(cb, needed);
        Self { common, offset, address, bytes, expansion, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for MloadGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let offset_value = r.stack_pop()?;
        let offset = offset_of(offset_value);
        a.assign_word(self.offset, word_limbs(offset_value));
        self.address.assign(a, offset);
        let mut words = vec![r.memory()?.1];
        if touches_second_word(offset) {
            words.push(r.memory()?.1);
        }
        assign_be(a, &self.bytes, &words);
        let push = r.stack_push()?;
        a.assign_word(self.prev, word_limbs(push.prev));
        self.expansion.assign(a, w.values.memory_word_size, words_needed(offset, 32));
        r.finish()?;
        Ok(())
    }
}

/// MSTORE.
#[derive(Clone, Debug)]
pub struct MstoreGadget {
    common: OpcodeStep,
    offset: WordCells,
    address: MemoryAddress,
    value: [Cell; 32],
    prev: [Cell; 64],
    expansion: MemoryExpansion,
}

impl Gadget for MstoreGadget {
    const NAME: &'static str = "MSTORE";
    const STATE: ExecutionState = ExecutionState::Mstore;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x52])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for MstoreGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("MSTORE: opcode", opcode, constant(0x52));
        let offset = cb.query_word();
        cb.stack_pop("MSTORE: offset", offset.expr());
        let value = [(); 32].map(|_| cb.query_byte());
        let v: Vec<Expression<F>> = exprs(&value);
        cb.stack_pop("MSTORE: value", word_of_be_bytes(&v));
        let address = MemoryAddress::configure(cb, &offset.expr());
        let prev = [(); 64].map(|_| cb.query_byte());
        let p: Vec<Expression<F>> = exprs(&prev);
        // Byte i (of the two words) after the store: value byte i − shift where written.
        let new: Vec<Expression<F>> = (0..64usize)
            .map(|i| {
                let shifts = i.saturating_sub(31)..=i.min(31);
                let written =
                    shifts.clone().fold(constant(0), |acc, k| acc + address.shift_is::<F>(k));
                let stored = shifts
                    .fold(constant(0), |acc, k| acc + address.shift_is::<F>(k) * v[i - k].clone());
                (constant(1) - written) * p[i].clone() + stored
            })
            .collect();
        let word = address.word::<F>();
        cb.memory_word(
            "MSTORE: first word",
            word.clone(),
            word_of_be_bytes(&new[..32]),
            Access::Write(word_of_be_bytes(&p[..32])),
        );
        let aligned = address.aligned::<F>();
        cb.when(constant(1) - aligned.clone(), |cb| {
            cb.memory_word(
                "MSTORE: second word",
                word.clone() + constant(1),
                word_of_be_bytes(&new[32..]),
                Access::Write(word_of_be_bytes(&p[32..])),
            );
        });
        cb.when(aligned.clone(), |cb| {
            for byte in &p[32..] {
                cb.require_zero("MSTORE: no second word when aligned", byte.clone());
            }
        });
        let needed = word + constant(2) - aligned;
        let (expansion, common) = memory_step(cb, needed);
        Self { common, offset, address, value, prev, expansion }
    }
}

impl<F: PrimeField> StepGadget<F> for MstoreGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let offset_value = r.stack_pop()?;
        let offset = offset_of(offset_value);
        a.assign_word(self.offset, word_limbs(offset_value));
        self.address.assign(a, offset);
        assign_be(a, &self.value, &[r.stack_pop()?]);
        let mut prevs = vec![r.memory_write()?.1.prev];
        if touches_second_word(offset) {
            prevs.push(r.memory_write()?.1.prev);
        }
        assign_be(a, &self.prev, &prevs);
        self.expansion.assign(a, w.values.memory_word_size, words_needed(offset, 32));
        r.finish()?;
        Ok(())
    }
}

/// MSTORE8.
#[derive(Clone, Debug)]
pub struct Mstore8Gadget {
    common: OpcodeStep,
    offset: WordCells,
    address: MemoryAddress,
    /// The value's low limb, little-endian bytes (byte 0 is stored).
    value_lo: [Cell; 16],
    value_hi: Cell,
    prev: [Cell; 32],
    expansion: MemoryExpansion,
}

impl Gadget for Mstore8Gadget {
    const NAME: &'static str = "MSTORE8";
    const STATE: ExecutionState = ExecutionState::Mstore8;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x53])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for Mstore8Gadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("MSTORE8: opcode", opcode, constant(0x53));
        let offset = cb.query_word();
        cb.stack_pop("MSTORE8: offset", offset.expr());
        let value_lo = [(); 16].map(|_| cb.query_byte());
        let value_hi = cb.query_cell();
        let value = Word { lo: crate::evm::builder::from_bytes(&value_lo), hi: value_hi.expr() };
        cb.stack_pop("MSTORE8: value", value);
        let address = MemoryAddress::configure(cb, &offset.expr());
        let prev = [(); 32].map(|_| cb.query_byte());
        let p: Vec<Expression<F>> = exprs(&prev);
        let stored = value_lo[0].expr::<F>();
        let new: Vec<Expression<F>> = (0..32)
            .map(|i| {
                let here = address.shift_is::<F>(i);
                (constant(1) - here.clone()) * p[i].clone() + here * stored.clone()
            })
            .collect();
        let word = address.word::<F>();
        cb.memory_word(
            "MSTORE8: word",
            word.clone(),
            word_of_be_bytes(&new),
            Access::Write(word_of_be_bytes(&p)),
        );
        let (expansion, common) = memory_step(cb, word + constant(1));
        Self { common, offset, address, value_lo, value_hi, prev, expansion }
    }
}

impl<F: PrimeField> StepGadget<F> for Mstore8Gadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let offset_value = r.stack_pop()?;
        let offset = offset_of(offset_value);
        a.assign_word(self.offset, word_limbs(offset_value));
        self.address.assign(a, offset);
        let (lo, hi) = word_limbs(r.stack_pop()?);
        for (i, cell) in self.value_lo.iter().enumerate() {
            a.assign_u64(*cell, ((lo >> (8 * i)) & 0xff) as u64);
        }
        a.assign(self.value_hi, F::from_u128(hi));
        assign_be(a, &self.prev, &[r.memory_write()?.1.prev]);
        self.expansion.assign(a, w.values.memory_word_size, words_needed(offset, 1));
        r.finish()?;
        Ok(())
    }
}
