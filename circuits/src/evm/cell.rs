//! Cells of a step: positions `(column, row offset)` inside the step's rows,
//! handed out by a [`CellManager`] per gadget (gadgets never run in the same step, so they share
//! the grid).

use halo2_proofs::circuit::{Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, Expression};

/// What a cell's column guarantees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CellType {
    /// Any field element.
    General,
    /// A byte: the column has a `Range8` lookup on every row.
    Byte,
    /// A compressed lookup into a table (second phase).
    Lookup(LookupTable),
    /// A random linear combination of bytes (second phase), assigned from the witness once the
    /// challenge is known.
    Rlc,
}

/// Tables the EVM circuit looks tuples up in, through its lookup cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LookupTable {
    /// The RW table (state circuit).
    Rw,
    /// The bytecode table.
    Bytecode,
    /// The fixed table.
    Fixed,
    /// The transaction table.
    Tx,
    /// The block table.
    Block,
    /// The bitwise table (bitwise circuit).
    Bitwise,
    /// The arithmetic table (arithmetic circuit).
    Arith,
    /// The calldata table.
    CallData,
    /// The copy table (copy circuit).
    Copy,
    /// The keccak table.
    Keccak,
}

impl LookupTable {
    /// Every table, in column order.
    pub const ALL: [LookupTable; 10] = [
        LookupTable::Rw,
        LookupTable::Bytecode,
        LookupTable::Fixed,
        LookupTable::Tx,
        LookupTable::Block,
        LookupTable::Bitwise,
        LookupTable::Arith,
        LookupTable::CallData,
        LookupTable::Copy,
        LookupTable::Keccak,
    ];
}

/// One cell of a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Its column.
    pub column: Column<Advice>,
    /// Row offset from the step's first row.
    pub rotation: usize,
}

impl Cell {
    /// The cell in the current step.
    pub fn expr<F: PrimeField>(&self) -> Expression<F> {
        self.column.rot(self.rotation as i32)
    }

    /// The cell's key in a step's assigned values.
    pub fn key(&self) -> (ColumnKind, usize, i32) {
        (ColumnKind::Advice, self.column.index(), self.rotation as i32)
    }

    /// Assigns the cell of the step starting at `step_offset`.
    pub fn assign<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        step_offset: usize,
        value: Value<F>,
    ) {
        region.assign_advice(self.column, step_offset + self.rotation, value);
    }

    /// Assigns a small number.
    pub fn assign_u64<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        step_offset: usize,
        value: u64,
    ) {
        self.assign(region, step_offset, Value::known(F::from(value)));
    }
}

/// A column of cells and how many of its rows a gadget has used.
#[derive(Clone, Debug)]
struct ManagedColumn {
    cell_type: CellType,
    column: Column<Advice>,
    used: usize,
}

/// Hands out the cells of one gadget's step.
#[derive(Clone, Debug)]
pub struct CellManager {
    columns: Vec<ManagedColumn>,
    height: usize,
}

impl CellManager {
    /// A manager over `columns`, each `height` rows tall.
    pub fn new(columns: &[(CellType, Column<Advice>)], height: usize) -> Self {
        let columns = columns
            .iter()
            .map(|&(cell_type, column)| ManagedColumn { cell_type, column, used: 0 })
            .collect();
        Self { columns, height }
    }

    /// A fresh cell of `cell_type`. Running out is a configuration error: the circuit's
    /// column counts are constants chosen for its gadgets.
    pub fn query(&mut self, cell_type: CellType) -> Cell {
        let height = self.height;
        let column = self
            .columns
            .iter_mut()
            .filter(|c| c.cell_type == cell_type && c.used < height)
            .min_by_key(|c| c.used)
            .unwrap_or_else(|| panic!("EVM circuit configuration: out of {cell_type:?} cells"));
        column.used += 1;
        Cell { column: column.column, rotation: column.used - 1 }
    }

    /// The rows used so far: the tallest column's.
    pub fn rows_used(&self) -> usize {
        self.columns.iter().map(|c| c.used).max().unwrap_or(0)
    }

    /// Cells of `cell_type` used so far.
    pub fn used(&self, cell_type: CellType) -> usize {
        self.columns.iter().filter(|c| c.cell_type == cell_type).map(|c| c.used).sum()
    }
}

/// Whether a remembered value is in an advice or a fixed column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    /// Advice.
    Advice,
    /// Fixed.
    Fixed,
}
