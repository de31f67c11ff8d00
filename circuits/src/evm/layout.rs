//! Variable step height (`docs/spec.md#evm-layout`): each execution state takes the slots its
//! cells and lookups need, at most [`MAX_STEP_HEIGHT`] rows, and the next step starts right
//! after.
//!
//! **Slots.** The region is cut into slots of [`SLOT_HEIGHT`] rows, marked by the fixed
//! `q_slot`; a step takes one or more whole slots (its height is its cells' and lookups' rows
//! rounded up to a slot). Every gate of the region is enabled by `q_slot`: halo2 checks gates
//! on every row, blinding rows included, so each needs a fixed factor, and with the gadget's
//! degree-3 constraints and the degree-5 bound that leaves one degree for the state's selector.
//!
//! **Selectors.** The execution state is one-hot over the selector cells of the step's first
//! slot (`⌈states / SLOT_HEIGHT⌉` columns × [`SLOT_HEIGHT`] rows): state `i` is the cell of
//! column `i / SLOT_HEIGHT` at row `i % SLOT_HEIGHT`, a degree-1 selector that the fixed
//! `q_slot` locates. On every slot the cells are boolean, their sum (`is_step`) is 0 or 1, and
//! a 1 is a registered state's cell.
//!
//! **Tiling.** A step of state `s` starting at row `p` has no step starting in its later slots
//! and one at `p + h_s` when that row is in the region; the first slot is a step (BeginTx),
//! EndBlock is the last slot (`q_last`) and nowhere else. So the steps tile the region from its
//! first row to its last, each at the height its gadget was configured for, and the next
//! step's state is read at rotation `h_s`.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression};

use super::cell::Cell;
use super::execution_state::ExecutionState;
use crate::constraint_builder::constant;

/// The most rows a step may take (the cell grid's height).
pub const MAX_STEP_HEIGHT: usize = 8;

/// Rows per slot: every step's height is a multiple.
pub const SLOT_HEIGHT: usize = 4;

/// The one-hot execution-state selector, over a step's first slot.
#[derive(Clone, Debug)]
pub struct Selectors {
    /// The selector columns.
    pub columns: Vec<Column<Advice>>,
}

impl Selectors {
    /// Columns for `states` execution states.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>, states: usize) -> Self {
        let count = states.div_ceil(SLOT_HEIGHT).max(1);
        Self { columns: (0..count).map(|_| meta.advice_column()).collect() }
    }

    /// The selector cell of `state` in a step's first slot.
    pub fn cell(&self, state: ExecutionState) -> Cell {
        let index = state.index();
        Cell { column: self.columns[index / SLOT_HEIGHT], rotation: index % SLOT_HEIGHT }
    }

    /// 1 if the step starting `rotation` rows from here runs `state`, else 0 (degree 1).
    pub fn is<F: PrimeField>(&self, state: ExecutionState, rotation: usize) -> Expression<F> {
        let cell = self.cell(state);
        cell.column.rot((rotation + cell.rotation) as i32)
    }

    /// 1 if a step starts at the slot `rotation` rows from here, else 0 (degree 1).
    pub fn is_step<F: PrimeField>(&self, rotation: usize) -> Expression<F> {
        sum(self.cells().map(|c| c.column.rot((rotation + c.rotation) as i32)))
    }

    /// Every selector cell of a slot.
    pub fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        self.columns
            .iter()
            .flat_map(|&column| (0..SLOT_HEIGHT).map(move |rotation| Cell { column, rotation }))
    }

    /// Every selector cell of a step of `state` and its value.
    pub fn values<F: PrimeField>(&self, state: ExecutionState) -> Vec<(Cell, F)> {
        let on = self.cell(state);
        self.cells().map(|cell| (cell, F::from((cell == on) as u64))).collect()
    }
}

fn sum<F: PrimeField>(terms: impl Iterator<Item = Expression<F>>) -> Expression<F> {
    terms.fold(constant(0), |acc, t| acc + t)
}

/// The rows an EVM region of `evm_rows` rows spans, with the rows its gates read past the last
/// step.
pub fn region_rows(evm_rows: usize) -> usize {
    evm_rows + MAX_STEP_HEIGHT
}

/// The height of a state whose cells and lookups reach `rows` rows: whole slots, at least one.
pub fn slots_for(rows: usize) -> usize {
    rows.max(1).div_ceil(SLOT_HEIGHT) * SLOT_HEIGHT
}
