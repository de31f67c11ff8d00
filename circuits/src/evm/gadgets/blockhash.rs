//! BLOCKHASH (Yellow Paper, appendix H, 0x40): the hash of block `n`, one of the 256 blocks
//! before the current one, or 0 for any other `n` (the current block, a later one, one more
//! than 256 back, or a word past 2^128). Gas 20.
//!
//! The block table holds the window: the row of field 0x40 and index `d` (1 to 256) is the
//! hash of block `NUMBER − d`. The step proves which case `n` is in:
//!
//! - `recent`: `n.hi = 0` and `NUMBER − n.lo − 1` is a byte, so `d = NUMBER − n.lo` is in
//!   `1..=256`; the step looks up `(0x40, d, hash)`.
//! - otherwise: `n.hi ≠ 0`, or `n.lo − NUMBER` (`n` is this block or later, `is_later`), or
//!   `NUMBER − n.lo − 257` (`n` is older) is shown to fit 16 bytes; the hash is constrained to
//!   0 (the lookup, keyed `(0, 0)`, then matches only zero values: the table is zero outside
//!   its fixed enable).
//!
//! Stack limbs are below 2^128 and `NUMBER` below 2^64, so none of these differences wraps
//! into a small value.

use alloy_primitives::U256;
use halo2_proofs::halo2curves::ff::PrimeField;

use crate::constraint_builder::{constant, select};
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{from_bytes, EvmBuilder, IsZeroCells, Word, WordCells};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::reader::StepReader;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use crate::table::{BlockField, BLOCKHASH_DEPTH, BLOCKHASH_FIELD};
use zkevm_trace::trace::StepKind;

/// BLOCKHASH.
#[derive(Clone, Debug)]
pub struct BlockHashGadget {
    common: OpcodeStep,
    /// The popped block number.
    block: WordCells,
    /// The current block's number.
    number: Cell,
    block_hi_is_zero: IsZeroCells,
    /// 1 when `block` is one of the 256 before the current one.
    recent: Cell,
    /// 1 when `block.hi = 0` and `block` is not recent.
    small_outside: Cell,
    /// `d − 1` when recent, else 0.
    depth_minus_one: Cell,
    /// When not recent and `block.hi = 0`: 1 if `block ≥ NUMBER`, 0 if older than the window.
    is_later: Cell,
    /// The distance that shows `block` outside the window (0 when recent or `block.hi ≠ 0`).
    distance: [Cell; 16],
    hash: WordCells,
    prev: WordCells,
}

impl Gadget for BlockHashGadget {
    const NAME: &'static str = "BLOCKHASH";
    const STATE: ExecutionState = ExecutionState::BlockHash;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x40])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for BlockHashGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("BLOCKHASH: opcode", opcode, constant(0x40));
        let block = cb.query_word();
        cb.stack_pop("BLOCKHASH: block number", block.expr());
        let number = cb.query_cell();
        cb.block_lookup("BLOCKHASH: NUMBER", BlockField::Number, Word::small(number.expr()));

        let block_hi_is_zero = cb.is_zero("BLOCKHASH: block number high limb", block.hi.expr());
        let recent = cb.query_bool("BLOCKHASH: recent is boolean");
        let is_later = cb.query_bool("BLOCKHASH: is_later is boolean");
        let depth_minus_one = cb.query_byte();
        let distance = [(); 16].map(|_| cb.query_byte());
        let lo = block.lo.expr::<F>();
        let number_expr = number.expr::<F>();
        cb.when(recent.expr(), |cb| {
            cb.require_zero("BLOCKHASH: a recent block number is small", block.hi.expr());
        });
        cb.require_equal(
            "BLOCKHASH: a recent block is 1 to 256 back",
            depth_minus_one.expr() + recent.expr(),
            recent.expr() * (number_expr.clone() - lo.clone()),
        );
        // Outside the window with a small number: later (or this block), or older.
        let small_outside = cb.query_cell();
        cb.require_equal(
            "BLOCKHASH: small and outside the window",
            small_outside.expr(),
            block_hi_is_zero.is_zero.expr() * (constant(1) - recent.expr()),
        );
        cb.require_equal(
            "BLOCKHASH: a block outside the window",
            from_bytes(&distance),
            small_outside.expr()
                * select(
                    is_later.expr(),
                    lo.clone() - number_expr.clone(),
                    number_expr - lo - constant(BLOCKHASH_DEPTH as u64 + 1),
                ),
        );
        cb.require_zero(
            "BLOCKHASH: is_later only for a small block outside the window",
            is_later.expr() * (constant(1) - small_outside.expr()),
        );

        let hash = cb.query_word();
        // Outside the window the hash is 0 by this constraint, not by the lookup: the lookup
        // then asks for `(0, 0, 0, 0)`, which any row outside the table's enable matches.
        cb.when(constant(1) - recent.expr(), |cb| {
            cb.require_zero("BLOCKHASH: 0 outside the window", hash.lo.expr());
            cb.require_zero("BLOCKHASH: 0 outside the window", hash.hi.expr());
        });
        cb.block_lookup_indexed(
            "BLOCKHASH: the hash of a recent block, else 0",
            recent.expr() * constant(BLOCKHASH_FIELD),
            depth_minus_one.expr() + recent.expr(),
            hash.expr(),
        );
        let prev = cb.stack_push("BLOCKHASH: hash", hash.expr());
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self {
            common,
            block,
            number,
            block_hi_is_zero,
            recent,
            small_outside,
            depth_minus_one,
            is_later,
            distance,
            hash,
            prev,
        }
    }
}

/// Where block `n` stands against the current block `number`.
#[derive(Debug, PartialEq, Eq)]
enum Standing {
    /// `number − n` in `1..=256`.
    Recent(u64),
    /// `n ≥ number` (small).
    Later(u128),
    /// `n < number − 256`: `number − n − 257`.
    Older(u128),
    /// `n ≥ 2^128`.
    Huge,
}

fn standing(n: U256, number: u64) -> Standing {
    let (lo, hi) = word_limbs(n);
    let number = number as u128;
    if hi != 0 {
        Standing::Huge
    } else if lo >= number {
        Standing::Later(lo - number)
    } else if number - lo <= BLOCKHASH_DEPTH as u128 {
        Standing::Recent((number - lo) as u64)
    } else {
        Standing::Older(number - lo - (BLOCKHASH_DEPTH as u128 + 1))
    }
}

impl<F: PrimeField> StepGadget<F> for BlockHashGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let popped = r.stack_pop()?;
        let (lo, hi) = word_limbs(popped);
        a.assign_word(self.block, (lo, hi));
        a.assign_u64(self.number, w.block.number);
        a.assign_is_zero(self.block_hi_is_zero, F::from_u128(hi));
        let (recent, depth, is_later, distance) = match standing(popped, w.block.number) {
            Standing::Recent(d) => (1, d, 0, 0),
            Standing::Later(gap) => (0, 0, 1, gap),
            Standing::Older(gap) => (0, 0, 0, gap),
            Standing::Huge => (0, 0, 0, 0),
        };
        a.assign_u64(self.recent, recent);
        a.assign_u64(self.small_outside, (hi == 0 && recent == 0) as u64);
        a.assign_u64(self.depth_minus_one, depth.saturating_sub(1));
        a.assign_u64(self.is_later, is_later);
        for (cell, byte) in self.distance.iter().zip(distance.to_le_bytes()) {
            a.assign_u64(*cell, byte as u64);
        }
        let push = r.stack_push()?;
        a.assign_word(self.hash, word_limbs(push.value));
        a.assign_word(self.prev, word_limbs(push.prev));
        r.finish()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standing_covers_every_case() {
        assert_eq!(standing(U256::from(9), 10), Standing::Recent(1));
        assert_eq!(standing(U256::from(0), 10), Standing::Recent(10));
        assert_eq!(standing(U256::from(44), 300), Standing::Recent(256));
        assert_eq!(standing(U256::from(43), 300), Standing::Older(0));
        assert_eq!(standing(U256::from(10), 10), Standing::Later(0));
        assert_eq!(standing(U256::from(12), 10), Standing::Later(2));
        assert_eq!(standing(U256::from(1) << 128, 10), Standing::Huge);
    }
}
