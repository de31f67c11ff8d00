//! The source side of CALLDATACOPY and CODECOPY: where the window `[src, src + size)` sits
//! against a source of `L` bytes (the input or the running code), and how much of the stream
//! the source's table holds.
//!
//! - [`SourceWindow`]: `src ≥ L` (any word) means the copy reads nothing and copies zeros;
//!   otherwise (and nonempty) it reads a stream starting in the source, described by a
//!   [`MemorySpan`] of `(src, size)`.
//! - [`Minimum`]: `min(a, b)` of two small values, with the comparison proven on bytes.

use alloy_primitives::U256;
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use crate::constraint_builder::{constant, select};
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{from_bytes, EvmBuilder, IsZeroCells, Word, WordCells};
use crate::evm::cell::Cell;
use crate::evm::memory::MemorySpan;
use crate::state::rw_row::word_limbs;

/// A copy's source window against a source of `L` bytes.
#[derive(Clone, Debug)]
pub(super) struct SourceWindow {
    past_end: Cell,
    src_hi_is_zero: IsZeroCells,
    /// `src − L` past the end (0 when the high limb is set), `L − src − 1` before it.
    distance: [Cell; 16],
    /// 1 when the copy reads the source: nonempty and `src < L`.
    reads: Cell,
    /// `src` when reading, else 0.
    src_from: Cell,
    /// The source range (of offset 0 when nothing is read: then only its cells are used).
    pub span: MemorySpan,
}

impl SourceWindow {
    /// States the window of the stack words `src` and `size` against `length`; `nonempty` is
    /// 1 when `size > 0`.
    pub fn configure<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        src: &WordCells,
        size: &WordCells,
        nonempty: Expression<F>,
        length: Expression<F>,
    ) -> Self {
        let past_end = cb.query_bool("copy source: past_end is boolean");
        let src_hi_is_zero = cb.is_zero("copy source: offset high limb is zero", src.hi.expr());
        let distance = [(); 16].map(|_| cb.query_byte());
        let lo = src.lo.expr::<F>();
        cb.require_equal(
            "copy source: offset against the source length",
            from_bytes(&distance),
            select(
                past_end.expr(),
                src_hi_is_zero.is_zero.expr() * (lo.clone() - length.clone()),
                length - lo.clone() - constant(1),
            ),
        );
        cb.when(constant(1) - past_end.expr(), |cb| {
            cb.require_zero("copy source: an offset inside the source is small", src.hi.expr());
        });
        let reads = cb.query_cell();
        cb.require_equal(
            "copy source: reads when nonempty and inside the source",
            reads.expr(),
            nonempty * (constant(1) - past_end.expr()),
        );
        let src_from = cb.query_cell();
        cb.require_equal("copy source: offset when read", src_from.expr(), reads.expr() * lo);
        let span =
            MemorySpan::configure(cb, &Word { lo: src_from.expr(), hi: constant(0) }, &size.expr());
        Self { past_end, src_hi_is_zero, distance, reads, src_from, span }
    }

    /// 1 when the copy reads the source.
    pub fn reads<F: PrimeField>(&self) -> Expression<F> {
        self.reads.expr()
    }

    /// Assigns the window; returns the offset read from (`None` when nothing is read).
    pub fn assign<F: PrimeField>(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        src: U256,
        size: U256,
        length: u64,
    ) -> Option<u64> {
        let past_end = src >= U256::from(length);
        a.assign_u64(self.past_end, past_end as u64);
        let (lo, hi) = word_limbs(src);
        a.assign_is_zero(self.src_hi_is_zero, F::from_u128(hi));
        let distance = match (past_end, hi == 0) {
            (true, true) => lo - length as u128,
            (true, false) => 0,
            (false, _) => length as u128 - lo - 1,
        };
        for (i, cell) in self.distance.iter().enumerate() {
            a.assign_u64(*cell, ((distance >> (8 * i)) & 0xff) as u64);
        }
        let reads = !past_end && !size.is_zero();
        a.assign_u64(self.reads, reads as u64);
        let src_from = if reads { lo as u64 } else { 0 };
        a.assign_u64(self.src_from, src_from);
        self.span.assign(a, U256::from(src_from), size);
        reads.then_some(src_from)
    }
}

/// `min(a, b)` of two values below `2^40` apart, under a condition (zero cells when it does
/// not hold).
#[derive(Clone, Debug)]
pub(super) struct Minimum {
    /// 1 when `b ≤ a`.
    b_is_min: Cell,
    value: Cell,
    /// `a − b` when `b ≤ a`, else `b − a − 1`.
    distance: [Cell; 5],
}

impl Minimum {
    /// States `value = min(a, b)` when `condition` holds, and zero cells otherwise.
    pub fn configure<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        condition: Expression<F>,
        a: Expression<F>,
        b: Expression<F>,
    ) -> Self {
        let b_is_min = cb.query_bool("minimum: b_is_min is boolean");
        let value = cb.query_cell();
        let distance = [(); 5].map(|_| cb.query_byte());
        cb.when(condition.clone(), |cb| {
            cb.require_equal(
                "minimum: the smaller one",
                value.expr(),
                select(b_is_min.expr(), b.clone(), a.clone()),
            );
            cb.require_equal(
                "minimum: the comparison",
                from_bytes(&distance),
                select(b_is_min.expr(), a.clone() - b.clone(), b - a - constant(1)),
            );
        });
        cb.when(constant(1) - condition, |cb| {
            for cell in distance.iter().chain([&b_is_min, &value]) {
                cb.require_zero("minimum: unused", cell.expr());
            }
        });
        Self { b_is_min, value, distance }
    }

    /// The minimum (0 when the condition does not hold).
    pub fn expr<F: PrimeField>(&self) -> Expression<F> {
        self.value.expr()
    }

    /// Assigns `min(a, b)`, or zeros when `values` is `None`.
    pub fn assign<F: PrimeField>(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        values: Option<(u64, u64)>,
    ) {
        let (b_is_min, value, distance) = match values {
            Some((x, y)) if y <= x => (true, y, x - y),
            Some((x, y)) => (false, x, y - x - 1),
            None => (false, 0, 0),
        };
        a.assign_u64(self.b_is_min, b_is_min as u64);
        a.assign_u64(self.value, value);
        a.assign_bytes(&self.distance, distance);
    }
}
