//! Assigning one step: cells are written to the region and remembered, so the step's lookup
//! tuples can be evaluated from exactly the values assigned.

use std::collections::HashMap;

use halo2_proofs::circuit::{Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use super::builder::{IsZeroCells, WordBytes, WordCells, WordEqualCells};
use super::cell::{Cell, ColumnKind};

/// A step's assigned values by `(kind, column index, rotation)`.
pub type StepValuesMap<F> = HashMap<(ColumnKind, usize, i32), F>;

/// A step's first-phase values, and the RLC cells to fill in the second phase.
#[derive(Clone, Debug, Default)]
pub struct AssignedStep<F: PrimeField> {
    /// Values by cell.
    pub values: StepValuesMap<F>,
    /// RLC cells and the bytes each combines.
    pub rlcs: Vec<(Cell, Vec<u8>)>,
}

/// Writes the cells of the step starting at `offset`.
pub struct StepAssigner<'r, 'a, F: PrimeField> {
    /// The region, or none for a dry run that only computes the values.
    region: Option<&'r mut Region<'a, F>>,
    offset: usize,
    values: StepValuesMap<F>,
    rlcs: Vec<(Cell, Vec<u8>)>,
}

impl<'r, 'a, F: PrimeField> StepAssigner<'r, 'a, F> {
    /// An assigner for the step at `offset`.
    pub fn new(region: &'r mut Region<'a, F>, offset: usize) -> Self {
        Self { region: Some(region), offset, values: HashMap::new(), rlcs: Vec::new() }
    }

    /// An assigner that writes nowhere: it runs a gadget's `assign` to check that the step's
    /// witness is what the gadget reads, before any proving.
    pub fn dry() -> Self {
        Self { region: None, offset: 0, values: HashMap::new(), rlcs: Vec::new() }
    }

    /// Assigns `cell`.
    pub fn assign(&mut self, cell: Cell, value: F) {
        if let Some(region) = self.region.as_deref_mut() {
            cell.assign(region, self.offset, Value::known(value));
        }
        self.values.insert((ColumnKind::Advice, cell.column.index(), cell.rotation as i32), value);
    }

    /// Assigns a small number.
    pub fn assign_u64(&mut self, cell: Cell, value: u64) {
        self.assign(cell, F::from(value));
    }

    /// Assigns the little-endian bytes of `value` to `cells` (as many as there are cells).
    pub fn assign_bytes(&mut self, cells: &[Cell], value: u64) {
        for (i, cell) in cells.iter().enumerate() {
            let byte = value.checked_shr(8 * i as u32).unwrap_or(0) & 0xff;
            self.assign_u64(*cell, byte);
        }
    }

    /// Assigns `value`'s bytes to `cells`, least significant first (bytes past the cells are
    /// dropped: a value that does not fit leaves a range claim the constraints reject).
    pub fn assign_wide_bytes(&mut self, cells: &[Cell], value: alloy_primitives::U256) {
        for (cell, byte) in cells.iter().zip(value.to_le_bytes::<32>()) {
            self.assign_u64(*cell, u64::from(byte));
        }
    }

    /// Assigns a word's limbs.
    pub fn assign_word(&mut self, word: WordCells, (lo, hi): (u128, u128)) {
        self.assign(word.lo, F::from_u128(lo));
        self.assign(word.hi, F::from_u128(hi));
    }

    /// Assigns an IsZero check of `value`.
    pub fn assign_is_zero(&mut self, cells: IsZeroCells, value: F) {
        self.assign(cells.inverse, value.invert().unwrap_or(F::ZERO));
        self.assign_u64(cells.is_zero, value.is_zero_vartime() as u64);
    }

    /// Assigns the 32 little-endian bytes of a word.
    pub fn assign_word_bytes(&mut self, word: &WordBytes, value: alloy_primitives::U256) {
        for (cell, byte) in word.bytes.iter().zip(value.to_le_bytes::<32>()) {
            self.assign_u64(*cell, byte as u64);
        }
    }

    /// Assigns a word comparison of `a` and `b`.
    pub fn assign_word_equal(
        &mut self,
        cells: WordEqualCells,
        a: alloy_primitives::U256,
        b: alloy_primitives::U256,
    ) {
        let (a, b) = (crate::state::rw_row::word_limbs(a), crate::state::rw_row::word_limbs(b));
        self.assign_is_zero(cells.lo, F::from_u128(a.0) - F::from_u128(b.0));
        self.assign_is_zero(cells.hi, F::from_u128(a.1) - F::from_u128(b.1));
        self.assign_u64(cells.equal, (a == b) as u64);
    }

    /// Records a value at `(column, rotation)` without assigning it (cells of the next step,
    /// which its own assignment writes).
    pub fn remember(&mut self, column: usize, rotation: i32, value: F) {
        self.values.insert((ColumnKind::Advice, column, rotation), value);
    }

    /// Records a fixed column's value at `rotation` (constants a tuple reads).
    pub fn remember_fixed(&mut self, column: usize, rotation: i32, value: F) {
        self.values.insert((ColumnKind::Fixed, column, rotation), value);
    }

    /// Schedules an RLC cell: the RLC of `bytes`, assigned once the challenge is known.
    pub fn assign_rlc(&mut self, cell: Cell, bytes: Vec<u8>) {
        self.rlcs.push((cell, bytes));
    }

    /// The values assigned so far.
    pub fn into_values(self) -> AssignedStep<F> {
        AssignedStep { values: self.values, rlcs: self.rlcs }
    }
}

/// Evaluates `expr` at a step from its assigned values (unassigned cells count as zero),
/// with `challenges` giving each challenge's value by index.
pub fn evaluate<F: PrimeField>(
    expr: &Expression<F>,
    values: &StepValuesMap<F>,
    challenges: &[F],
) -> F {
    expr.evaluate(
        &|c| c,
        &|_| F::ZERO,
        &|query| {
            let key = (ColumnKind::Fixed, query.column_index(), query.rotation().0);
            values.get(&key).copied().unwrap_or(F::ZERO)
        },
        &|query| {
            let key = (ColumnKind::Advice, query.column_index(), query.rotation().0);
            values.get(&key).copied().unwrap_or(F::ZERO)
        },
        &|_| F::ZERO,
        &|challenge| challenges.get(challenge.index()).copied().unwrap_or(F::ZERO),
        &|a| -a,
        &|a, b| a + b,
        &|a, b| a * b,
        &|a, s| a * s,
    )
}
