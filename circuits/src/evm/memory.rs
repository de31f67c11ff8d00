//! Memory sub-gadgets shared by the opcodes that touch memory: the split of a byte offset into
//! a word address and a shift, and the memory expansion gas.
//!
//! Memory lives in the RW table as 32-byte words (big-endian `U256`, `lo` = bytes 16..32).
//! A 32-byte access at byte offset `o = 32·w + s` touches word `w`, and word `w + 1` unless
//! `s = 0`.
//!
//! Expansion (Yellow Paper, eq. 326 and `C_mem`): `C_mem(a) = 3·a + ⌊a²/512⌋` for `a` words;
//! an access whose last byte is in word `n − 1` grows memory to `max(μ_i, n)` words and costs
//! `C_mem(new) − C_mem(μ_i)`.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use super::assign::StepAssigner;
use super::builder::{from_bytes, EvmBuilder, Word};
use super::cell::Cell;
use crate::constraint_builder::{constant, select};

/// Bytes of a word address (offsets of successful accesses are far below `2^48`: the
/// expansion gas of `2^37` words already exceeds any 64-bit gas).
pub const WORD_ADDRESS_BYTES: usize = 6;

/// `offset = 32·word + shift`, `shift` one-hot over `0..32`, `word < 2^48`, offset's high limb 0.
#[derive(Clone, Debug)]
pub struct MemoryAddress {
    word: [Cell; WORD_ADDRESS_BYTES],
    shift: [Cell; 32],
}

impl MemoryAddress {
    /// States the split of `offset`.
    pub fn configure<F: PrimeField>(cb: &mut EvmBuilder<F>, offset: &Word<F>) -> Self {
        let word = [(); WORD_ADDRESS_BYTES].map(|_| cb.query_byte());
        let shift = [(); 32].map(|_| cb.query_bool("memory: shift flag is boolean"));
        let one_hot = shift.iter().fold(constant(0), |acc, c| acc + c.expr());
        cb.require_equal("memory: one shift", one_hot, constant(1));
        let shift_value = shift
            .iter()
            .enumerate()
            .fold(constant(0), |acc, (k, c)| acc + constant::<F>(k as u64) * c.expr());
        cb.require_zero("memory: offset below 2^128", offset.hi.clone());
        cb.require_equal(
            "memory: offset = 32·word + shift",
            offset.lo.clone(),
            from_bytes(&word) * constant(32) + shift_value,
        );
        Self { word, shift }
    }

    /// The word address.
    pub fn word<F: PrimeField>(&self) -> Expression<F> {
        from_bytes(&self.word)
    }

    /// 1 when the shift is `k`.
    pub fn shift_is<F: PrimeField>(&self, k: usize) -> Expression<F> {
        self.shift[k].expr()
    }

    /// 1 when the offset is a multiple of 32.
    pub fn aligned<F: PrimeField>(&self) -> Expression<F> {
        self.shift[0].expr()
    }

    /// Assigns the split of `offset` (below `2^48`).
    pub fn assign<F: PrimeField>(&self, a: &mut StepAssigner<'_, '_, F>, offset: u64) {
        a.assign_bytes(&self.word, offset / 32);
        for (k, cell) in self.shift.iter().enumerate() {
            a.assign_u64(*cell, (offset % 32 == k as u64) as u64);
        }
    }
}

/// `⌊a²/512⌋` as a witness: `a² = 512·q + r`, `q` 8 bytes, `r = r0 + 256·r1 < 512`.
#[derive(Clone, Debug)]
struct QuadraticCost {
    quotient: [Cell; 8],
    remainder: Cell,
    remainder_high: Cell,
}

impl QuadraticCost {
    fn configure<F: PrimeField>(cb: &mut EvmBuilder<F>, words: Expression<F>) -> Self {
        let quotient = [(); 8].map(|_| cb.query_byte());
        let remainder = cb.query_byte();
        let remainder_high = cb.query_bool("memory gas: remainder bit is boolean");
        cb.require_equal(
            "memory gas: words² = 512·q + r",
            words.clone() * words,
            from_bytes(&quotient) * constant(512)
                + remainder.expr()
                + remainder_high.expr() * constant(256),
        );
        Self { quotient, remainder, remainder_high }
    }

    fn expr<F: PrimeField>(&self) -> Expression<F> {
        from_bytes(&self.quotient)
    }

    fn assign<F: PrimeField>(&self, a: &mut StepAssigner<'_, '_, F>, words: u64) {
        let square = (words as u128) * (words as u128);
        a.assign_bytes(&self.quotient, (square / 512) as u64);
        a.assign_u64(self.remainder, (square % 256) as u64);
        a.assign_u64(self.remainder_high, ((square % 512) / 256) as u64);
    }
}

/// The memory size after an access that needs `needed` words, and its expansion gas.
#[derive(Clone, Debug)]
pub struct MemoryExpansion {
    expands: Cell,
    /// `needed − μ_i − 1` when expanding, else `μ_i − needed`, as five bytes.
    distance: [Cell; 5],
    cost_now: QuadraticCost,
    cost_next: QuadraticCost,
}

impl MemoryExpansion {
    /// States the expansion for an access needing `needed` words. Returns the gadget, the
    /// memory size after the step `max(μ_i, needed)` (for the transition, which makes it the
    /// next step's size) and the expansion gas `C_mem(next) − C_mem(μ_i)`.
    pub fn configure<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        needed: Expression<F>,
    ) -> (Self, Expression<F>, Expression<F>) {
        let now = cb.cur.memory_word_size.clone();
        let next = cb.next.memory_word_size.clone();
        let expands = cb.query_bool("memory: expands is boolean");
        let distance = [(); 5].map(|_| cb.query_byte());
        cb.require_equal(
            "memory: expands exactly when more words are needed",
            from_bytes(&distance),
            select(
                expands.expr(),
                needed.clone() - now.clone() - constant(1),
                now.clone() - needed.clone(),
            ),
        );
        let cost_now = QuadraticCost::configure(cb, now.clone());
        let cost_next = QuadraticCost::configure(cb, next.clone());
        let gas = (next - now.clone()) * constant(3) + cost_next.expr() - cost_now.expr();
        let size_after = select(expands.expr(), needed, now);
        (Self { expands, distance, cost_now, cost_next }, size_after, gas)
    }

    /// Assigns the expansion from `now` words for an access needing `needed` words.
    pub fn assign<F: PrimeField>(&self, a: &mut StepAssigner<'_, '_, F>, now: u64, needed: u64) {
        let expands = needed > now;
        a.assign_u64(self.expands, expands as u64);
        let distance = if expands { needed - now - 1 } else { now - needed };
        a.assign_bytes(&self.distance, distance);
        self.cost_now.assign(a, now);
        self.cost_next.assign(a, now.max(needed));
    }
}

/// The words `[lo, hi]` of 32 big-endian bytes (`bytes[0]` most significant).
pub fn word_of_be_bytes<F: PrimeField>(bytes: &[Expression<F>]) -> Word<F> {
    let limb = |bytes: &[Expression<F>]| {
        bytes.iter().fold(constant(0), |acc, b| acc * constant(256) + b.clone())
    };
    Word { lo: limb(&bytes[16..32]), hi: limb(&bytes[..16]) }
}
