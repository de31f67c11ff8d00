//! Memory sub-gadgets shared by the opcodes that touch memory: the split of a byte offset into
//! a word address and a shift, byte ranges, the larger of two ranges' needs and the memory
//! expansion gas.
//!
//! Memory lives in the RW table as 32-byte words (big-endian `U256`, `lo` = bytes 16..32).
//! A 32-byte access at byte offset `o = 32·w + s` touches word `w`, and word `w + 1` unless
//! `s = 0`.
//!
//! Expansion (Yellow Paper, eq. 326 and `C_mem`): `C_mem(a) = 3·a + ⌊a²/512⌋` for `a` words;
//! an access whose last byte is in word `n − 1` grows memory to `max(μ_i, n)` words and costs
//! `C_mem(new) − C_mem(μ_i)`.

use alloy_primitives::U256;
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
        let next = cb.next.memory_word_size.clone();
        Self::configure_to(cb, needed, next)
    }

    /// [`MemoryExpansion::configure`] where the memory size after the step is `after` rather
    /// than the next step's (a step that ends the call: the caller must check `after` against
    /// the returned size expression).
    pub fn configure_to<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        needed: Expression<F>,
        after: Expression<F>,
    ) -> (Self, Expression<F>, Expression<F>) {
        let now = cb.cur.memory_word_size.clone();
        let next = after;
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

/// `value = 32·word + rest` with `word` six bytes and `rest < 32` (a byte whose complement
/// to 31 is a byte too).
#[derive(Clone, Debug)]
struct WordSplit {
    word: [Cell; WORD_ADDRESS_BYTES],
    rest: Cell,
    rest_complement: Cell,
}

impl WordSplit {
    fn configure<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        name: &'static str,
        value: Expression<F>,
    ) -> Self {
        let word = [(); WORD_ADDRESS_BYTES].map(|_| cb.query_byte());
        let (rest, rest_complement) = (cb.query_byte(), cb.query_byte());
        cb.require_equal(name, rest.expr() + rest_complement.expr(), constant(31));
        cb.require_equal(name, value, from_bytes(&word) * constant(32) + rest.expr());
        Self { word, rest, rest_complement }
    }

    fn word<F: PrimeField>(&self) -> Expression<F> {
        from_bytes(&self.word)
    }

    /// Every cell of the split.
    fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        self.word.iter().copied().chain([self.rest, self.rest_complement])
    }

    fn assign<F: PrimeField>(&self, a: &mut StepAssigner<'_, '_, F>, value: u64) {
        a.assign_bytes(&self.word, value / 32);
        a.assign_u64(self.rest, value % 32);
        a.assign_u64(self.rest_complement, 31 - value % 32);
    }
}

/// A byte range `[offset, offset + len)` of memory, as the copying opcodes use it: whether it
/// is empty, its first word and the bytes of that word before it, the words it touches, the
/// memory size it needs and `⌈len/32⌉`. An empty range touches nothing, whatever its offset.
#[derive(Clone, Debug)]
pub struct MemorySpan {
    len_is_zero: super::builder::IsZeroCells,
    first: WordSplit,
    last: WordSplit,
    len_words: WordSplit,
    /// Words the range touches, in a cell (it counts RWs: keeping it degree 1 keeps the RW
    /// counters of later lookups low-degree).
    words: Cell,
}

impl MemorySpan {
    /// States the range of `offset` and `len` (stack words). A nonempty range's offset and
    /// length are below `2^48` words of memory: anything larger runs out of gas.
    pub fn configure<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        offset: &Word<F>,
        len: &Word<F>,
    ) -> Self {
        cb.require_zero("memory range: length below 2^128", len.hi.clone());
        let len_is_zero = cb.is_zero("memory range: empty", len.lo.clone());
        let nonzero = constant(1) - len_is_zero.is_zero.expr();
        let (first, last) = cb.when(nonzero, |cb| {
            cb.require_zero("memory range: offset below 2^128", offset.hi.clone());
            let first = WordSplit::configure(cb, "memory range: first word", offset.lo.clone());
            let last = WordSplit::configure(
                cb,
                "memory range: last word",
                offset.lo.clone() + len.lo.clone() - constant(1),
            );
            (first, last)
        });
        // An empty range splits nothing: its split cells are pinned, so that no cell of a step
        // is left free.
        cb.when(len_is_zero.is_zero.expr(), |cb| {
            for cell in first.cells().chain(last.cells()) {
                cb.require_zero("memory range: an empty range has no word split", cell.expr());
            }
        });
        let len_words = WordSplit::configure(
            cb,
            "memory range: length in words",
            len.lo.clone() + constant(31),
        );
        let words = cb.query_cell();
        cb.require_equal(
            "memory range: words touched",
            words.expr(),
            (constant(1) - len_is_zero.is_zero.expr()) * (last.word() - first.word() + constant(1)),
        );
        Self { len_is_zero, first, last, len_words, words }
    }

    /// 1 when the range is empty.
    pub fn is_empty<F: PrimeField>(&self) -> Expression<F> {
        self.len_is_zero.is_zero.expr()
    }

    /// 1 when the range has bytes.
    pub fn nonempty<F: PrimeField>(&self) -> Expression<F> {
        constant(1) - self.is_empty()
    }

    /// The first word's address (meaningful when nonempty).
    pub fn first_word<F: PrimeField>(&self) -> Expression<F> {
        self.first.word()
    }

    /// Bytes of the first word before the range (meaningful when nonempty).
    pub fn skip<F: PrimeField>(&self) -> Expression<F> {
        self.first.rest.expr()
    }

    /// Words the range touches (0 when empty).
    pub fn words<F: PrimeField>(&self) -> Expression<F> {
        self.words.expr()
    }

    /// Memory words the range needs (0 when empty).
    pub fn needed<F: PrimeField>(&self) -> Expression<F> {
        self.nonempty() * (self.last.word() + constant(1))
    }

    /// `⌈len/32⌉`: the length in words, as word-priced gas counts it.
    pub fn len_words<F: PrimeField>(&self) -> Expression<F> {
        self.len_words.word()
    }

    /// Assigns the range (a nonempty one below `2^48` bytes in both offset and length).
    pub fn assign<F: PrimeField>(&self, a: &mut StepAssigner<'_, '_, F>, offset: U256, len: U256) {
        let len_lo = crate::state::rw_row::word_limbs(len).0;
        a.assign_is_zero(self.len_is_zero, F::from_u128(len_lo));
        let len = len.saturating_to::<u64>();
        a.assign_bytes(&self.len_words.word, len.div_ceil(32));
        a.assign_u64(self.len_words.rest, (len + 31) % 32);
        a.assign_u64(self.len_words.rest_complement, 31 - (len + 31) % 32);
        let (_, words, _) = Self::native(offset, U256::from(len));
        a.assign_u64(self.words, words);
        if len > 0 {
            let offset = offset.saturating_to::<u64>();
            self.first.assign(a, offset);
            self.last.assign(a, offset + len - 1);
        } else {
            // The pinned zeros, assigned like every other cell the gadget owns.
            for cell in self.first.cells().chain(self.last.cells()) {
                a.assign_u64(cell, 0);
            }
        }
    }

    /// `(first word, words, memory words needed)` of a range, natively.
    pub fn native(offset: U256, len: U256) -> (u64, u64, u64) {
        if len.is_zero() {
            return (0, 0, 0);
        }
        let (offset, len) = (offset.saturating_to::<u64>(), len.saturating_to::<u64>());
        let (first, last) = crate::copy::word_span(offset, len);
        (first, last - first + 1, last + 1)
    }
}

/// The larger of two memory needs in words (MCOPY's source and destination ranges): a flag
/// saying which is larger and their distance on `WORD_ADDRESS_BYTES + 1` bytes, so that the
/// flag cannot point at the smaller one.
#[derive(Clone, Debug)]
pub struct LargerNeed {
    /// 1 when the second need is at least the first.
    second_larger: Cell,
    /// `second − first` or `first − second − 1`.
    distance: [Cell; WORD_ADDRESS_BYTES + 1],
    /// The larger need (a cell: it keeps the expansion's degree low).
    larger: Cell,
}

impl LargerNeed {
    /// States `max(first, second)`; `name` prefixes the constraint names.
    pub fn configure<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        name: &'static str,
        first: Expression<F>,
        second: Expression<F>,
    ) -> Self {
        let second_larger = cb.query_bool(name);
        let distance = [(); WORD_ADDRESS_BYTES + 1].map(|_| cb.query_byte());
        cb.require_equal(
            name,
            from_bytes(&distance),
            select(
                second_larger.expr(),
                second.clone() - first.clone(),
                first.clone() - second.clone() - constant(1),
            ),
        );
        let larger = cb.query_cell();
        cb.require_equal(name, larger.expr(), select(second_larger.expr(), second, first));
        Self { second_larger, distance, larger }
    }

    /// The larger need.
    pub fn expr<F: PrimeField>(&self) -> Expression<F> {
        self.larger.expr()
    }

    /// Assigns `max(first, second)`.
    pub fn assign<F: PrimeField>(&self, a: &mut StepAssigner<'_, '_, F>, first: u64, second: u64) {
        let second_larger = second >= first;
        a.assign_u64(self.second_larger, second_larger as u64);
        let distance = if second_larger { second - first } else { first - second - 1 };
        a.assign_bytes(&self.distance, distance);
        a.assign_u64(self.larger, first.max(second));
    }
}
