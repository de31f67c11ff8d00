//! CALLDATALOAD in the root call (Yellow Paper, appendix H: `μ'_s[0] = I_d[μ_s[0] .. +32]`,
//! zero past the end of the input).
//!
//! The input is the transaction's, held as 32-byte words in the [`CallDataTable`] (public
//! inputs, last word zero-padded). Its length `L` comes from the call context.
//!
//! - Past the end (`offset ≥ L`: the high limb is non-zero, or `lo − L` is 16 bytes), the
//!   result is 0 and no word is read.
//! - Otherwise `offset = 32·w + s` ([`MemoryAddress`]) and the call has `n = ⌈L/32⌉` words
//!   (`32·n − L ∈ [0, 32)`). Word `w` is read; word `w + 1` is read when `w + 1 < n` and is 0
//!   otherwise (proven either way on five bytes). The result is bytes `s .. s + 32` of the two.
//!
//! Sub-calls read their input from the caller's memory; witness generation reports any step of
//! a sub-call as unsupported.
//!
//! [`CallDataTable`]: crate::table::CallDataTable

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;
use zkevm_trace::trace::CallContextField;

use crate::constraint_builder::{constant, select};
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{from_bytes, Access, EvmBuilder, IsZeroCells, Word, WordCells};
use crate::evm::cell::{Cell, LookupTable};
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::memory::{word_of_be_bytes, MemoryAddress};
use crate::evm::reader::StepReader;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use crate::table::calldata_words;
use alloy_primitives::U256;
use zkevm_trace::trace::StepKind;

/// CALLDATALOAD.
#[derive(Clone, Debug)]
pub struct CallDataLoadGadget {
    common: OpcodeStep,
    offset: WordCells,
    length: Cell,
    past_end: Cell,
    hi_is_zero: IsZeroCells,
    /// `offset − L` past the end (0 when the high limb is set), `L − offset − 1` before it.
    distance: [Cell; 16],
    address: MemoryAddress,
    words: Cell,
    /// `32·n − L` and `31 − (32·n − L)`.
    padding: [Cell; 2],
    second: Cell,
    second_distance: [Cell; 5],
    bytes: [Cell; 64],
    prev: WordCells,
}

impl Gadget for CallDataLoadGadget {
    const NAME: &'static str = "CALLDATALOAD";
    const STATE: ExecutionState = ExecutionState::CallDataLoad;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x35])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for CallDataLoadGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("CALLDATALOAD: opcode", opcode, constant(0x35));
        let offset = cb.query_word();
        cb.stack_pop("CALLDATALOAD: offset", offset.expr());
        let length = cb.query_cell();
        cb.call_context(
            "CALLDATALOAD: input length",
            CallContextField::CallDataLength,
            Word::small(length.expr()),
            Access::Read,
        );
        let past_end = cb.query_bool("CALLDATALOAD: past_end is boolean");
        let hi_is_zero = cb.is_zero("CALLDATALOAD: offset high limb is zero", offset.hi.expr());
        let distance = [(); 16].map(|_| cb.query_byte());
        let (lo, len) = (offset.lo.expr::<F>(), length.expr::<F>());
        cb.require_equal(
            "CALLDATALOAD: offset against the input length",
            from_bytes(&distance),
            select(
                past_end.expr(),
                hi_is_zero.is_zero.expr() * (lo.clone() - len.clone()),
                len.clone() - lo.clone() - constant(1),
            ),
        );
        let inside = constant::<F>(1) - past_end.expr();
        cb.when(inside.clone(), |cb| {
            cb.require_zero("CALLDATALOAD: an offset inside the input is small", offset.hi.expr());
        });
        // The split of the offset when inside, of 0 past the end.
        let effective = Word { lo: inside.clone() * lo, hi: inside.clone() * offset.hi.expr() };
        let address = MemoryAddress::configure(cb, &effective);

        let words = cb.query_cell();
        let padding = [cb.query_byte(), cb.query_byte()];
        cb.require_equal(
            "CALLDATALOAD: words = ⌈L/32⌉",
            words.expr() * constant(32) - len,
            padding[0].expr(),
        );
        cb.require_equal(
            "CALLDATALOAD: words = ⌈L/32⌉",
            padding[0].expr() + padding[1].expr(),
            constant(31),
        );
        let word = address.word::<F>();
        let second = cb.query_bool("CALLDATALOAD: second is boolean");
        let second_distance = [(); 5].map(|_| cb.query_byte());
        cb.when(inside.clone(), |cb| {
            cb.require_equal(
                "CALLDATALOAD: the second word exists exactly when below n",
                from_bytes(&second_distance),
                select(
                    second.expr(),
                    words.expr() - word.clone() - constant(2),
                    word.clone() + constant(1) - words.expr(),
                ),
            );
        });
        cb.when(past_end.expr(), |cb| {
            cb.require_zero("CALLDATALOAD: nothing read past the end", second.expr());
            for byte in &second_distance {
                cb.require_zero("CALLDATALOAD: nothing read past the end", byte.expr());
            }
        });

        let bytes = [(); 64].map(|_| cb.query_byte());
        let all: Vec<Expression<F>> = bytes.iter().map(|c| c.expr()).collect();
        let tx = cb.cur.tx_id.clone() + constant(1);
        let lookup = |cb: &mut EvmBuilder<F>, index: Expression<F>, w: Word<F>| {
            let tuple = vec![tx.clone(), index, w.lo, w.hi];
            cb.lookup(LookupTable::CallData, "CALLDATALOAD: input word", tuple);
        };
        cb.when(inside, |cb| lookup(cb, word.clone(), word_of_be_bytes(&all[..32])));
        cb.when(past_end.expr(), |cb| {
            for byte in &all[..32] {
                cb.require_zero("CALLDATALOAD: 0 past the end", byte.clone());
            }
        });
        cb.when(second.expr(), |cb| {
            lookup(cb, word.clone() + constant(1), word_of_be_bytes(&all[32..]))
        });
        cb.when(constant(1) - second.expr(), |cb| {
            for byte in &all[32..] {
                cb.require_zero("CALLDATALOAD: 0 past the last word", byte.clone());
            }
        });
        let result: Vec<Expression<F>> = (0..32)
            .map(|j| {
                (0..32)
                    .fold(constant(0), |acc, k| acc + address.shift_is::<F>(k) * all[k + j].clone())
            })
            .collect();
        let prev = cb.stack_push("CALLDATALOAD: value", word_of_be_bytes(&result));
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self {
            common,
            offset,
            length,
            past_end,
            hi_is_zero,
            distance,
            address,
            words,
            padding,
            second,
            second_distance,
            bytes,
            prev,
        }
    }
}

impl<F: PrimeField> StepGadget<F> for CallDataLoadGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let offset = r.stack_pop()?;
        r.call_context(CallContextField::CallDataLength)?;
        let input: &[u8] = w.tx.map(|tx| tx.input.as_ref()).unwrap_or_default();
        let len = input.len() as u64;
        a.assign_word(self.offset, word_limbs(offset));
        a.assign_u64(self.length, len);
        let past_end = offset >= U256::from(len);
        a.assign_u64(self.past_end, past_end as u64);
        let (lo, hi) = word_limbs(offset);
        a.assign_is_zero(self.hi_is_zero, F::from_u128(hi));
        let distance = match (past_end, hi == 0) {
            (true, true) => lo - len as u128,
            (true, false) => 0,
            (false, _) => len as u128 - lo - 1,
        };
        for (i, cell) in self.distance.iter().enumerate() {
            a.assign_u64(*cell, ((distance >> (8 * i)) & 0xff) as u64);
        }
        let effective = if past_end { 0 } else { lo as u64 };
        self.address.assign(a, effective);
        let words = len.div_ceil(32);
        a.assign_u64(self.words, words);
        let pad = words * 32 - len;
        a.assign_u64(self.padding[0], pad);
        a.assign_u64(self.padding[1], 31 - pad);
        let word = effective / 32;
        let second = !past_end && word + 1 < words;
        a.assign_u64(self.second, second as u64);
        let second_distance = match (past_end, second) {
            (true, _) => 0,
            (false, true) => words - word - 2,
            (false, false) => word + 1 - words,
        };
        a.assign_bytes(&self.second_distance, second_distance);
        let table = calldata_words(input);
        let at = |i: u64, read: bool| {
            if read {
                table.get(i as usize).copied().unwrap_or_default()
            } else {
                U256::ZERO
            }
        };
        let pair = [at(word, !past_end), at(word + 1, second)];
        let bytes = pair.iter().flat_map(|v| v.to_be_bytes::<32>());
        for (cell, byte) in self.bytes.iter().zip(bytes) {
            a.assign_u64(*cell, byte as u64);
        }
        let push = r.stack_push()?;
        a.assign_word(self.prev, word_limbs(push.prev));
        r.finish()?;
        Ok(())
    }
}
