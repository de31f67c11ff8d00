//! The EVM circuit's columns, and how the registry's gadget specs become gates and lookups
//! (assignment: [`super::region`]; layout: [`super::layout`]).

use std::collections::BTreeMap;

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression, Fixed, SecondPhase};

use super::builder::{CellUsage, EvmBuilder, GadgetSpec};
use super::cell::{Cell, CellManager, CellType, LookupTable};
use super::execution_state::ExecutionState;
use super::gadget::StepGadget;
use super::gadgets;
use super::layout::{slots_for, Selectors, MAX_STEP_HEIGHT, SLOT_HEIGHT};
use super::step::StepColumns;
use crate::arith::ArithTable;
use crate::bitwise::BitwiseTable;
use crate::bytecode::BytecodeTable;
use crate::challenges::{compress_expr, Challenges};
use crate::constraint_builder::{constant, ConstraintBuilder};
use crate::copy::CopyTable;
use crate::keccak::KeccakTable;
use crate::table::{
    BlockTable, CallDataTable, FixedTable, FixedTableTag, LookupTable as TableShape, RwTable,
    TxTable,
};

/// General cell columns.
pub const GENERAL_COLUMNS: usize = 10;
/// Byte cell columns (each range-checked on every row).
pub const BYTE_COLUMNS: usize = 20;
/// Columns of RLC cells (second phase).
pub const RLC_COLUMNS: usize = 1;

/// Lookup cell columns per table (each holds one lookup per row of a step).
pub fn lookup_columns(table: LookupTable) -> usize {
    match table {
        LookupTable::Rw => 4,
        LookupTable::Bytecode => 5,
        LookupTable::Fixed => 1,
        LookupTable::Tx => 2,
        LookupTable::Block => 1,
        LookupTable::Bitwise => 1,
        LookupTable::Arith => 1,
        LookupTable::CallData => 1,
        LookupTable::Copy => 1,
        LookupTable::Keccak => 1,
    }
}

/// The tables the EVM circuit looks up.
#[derive(Clone, Copy, Debug)]
pub struct EvmTables {
    /// RW table (state circuit).
    pub rw: RwTable,
    /// Bytecode table.
    pub bytecode: BytecodeTable,
    /// Fixed table.
    pub fixed: FixedTable,
    /// Transaction table.
    pub tx: TxTable,
    /// Block table.
    pub block: BlockTable,
    /// Bitwise table (bitwise circuit).
    pub bitwise: BitwiseTable,
    /// Arithmetic table (arithmetic circuit).
    pub arith: ArithTable,
    /// Calldata table.
    pub calldata: CallDataTable,
    /// Copy table (copy circuit).
    pub copy: CopyTable,
    /// Keccak table.
    pub keccak: KeccakTable,
}

impl EvmTables {
    /// The table the EVM circuit's lookups of `table` go to.
    pub fn shape<F: PrimeField>(&self, table: LookupTable) -> &dyn TableShape<F> {
        match table {
            LookupTable::Rw => &self.rw,
            LookupTable::Bytecode => &self.bytecode,
            LookupTable::Fixed => &self.fixed,
            LookupTable::Tx => &self.tx,
            LookupTable::Block => &self.block,
            LookupTable::Bitwise => &self.bitwise,
            LookupTable::Arith => &self.arith,
            LookupTable::CallData => &self.calldata,
            LookupTable::Copy => &self.copy,
            LookupTable::Keccak => &self.keccak,
        }
    }
}

/// The compressed lookups of one state: the lookup cell and the expression it must equal.
pub(super) type StateLookups<F> = Vec<(Cell, Expression<F>)>;

/// The cell grid a gadget's cells are handed out from.
type Grid = Vec<(CellType, Column<Advice>)>;

/// Columns and gadgets of the EVM circuit.
#[derive(Debug)]
pub struct EvmConfig<F: PrimeField> {
    /// 1 on the first row of every slot of the EVM region: every EVM gate's fixed factor.
    pub q_slot: Column<Fixed>,
    /// 1 on the region's first row (BeginTx).
    pub q_first: Column<Fixed>,
    /// 1 on the first row of the region's last slot (EndBlock).
    pub q_last: Column<Fixed>,
    /// The RW table's capacity, on every row of the region.
    pub rw_capacity: Column<Fixed>,
    /// The step state.
    pub step: StepColumns,
    /// The execution state of each step, on its first row.
    pub selectors: Selectors,
    /// The challenges (θ compresses lookups).
    pub challenges: Challenges,
    pub(super) gadgets: Vec<Box<dyn StepGadget<F>>>,
    pub(super) lookups: Vec<StateLookups<F>>,
    /// Cells each state's gadget uses, in selector order.
    pub usage: Vec<(ExecutionState, CellUsage)>,
    /// Every execution state, in selector order (the registry's).
    pub states: Vec<ExecutionState>,
    /// Each state's height (rows per step), in selector order.
    pub heights: Vec<usize>,
}

impl<F: PrimeField> EvmConfig<F> {
    /// The rows a step of `state` takes.
    pub fn height(&self, state: ExecutionState) -> usize {
        self.heights[state.index()]
    }

    /// Allocates the columns, configures every gadget and states the gates and lookups.
    pub fn configure(
        meta: &mut ConstraintSystem<F>,
        tables: &EvmTables,
        challenges: Challenges,
    ) -> Self {
        let (q_slot, q_first, q_last) =
            (meta.fixed_column(), meta.fixed_column(), meta.fixed_column());
        let rw_capacity = meta.fixed_column();
        let step = StepColumns::configure(meta);
        let states: Vec<ExecutionState> = gadgets::descriptors().iter().map(|d| d.state).collect();
        let selectors = Selectors::configure(meta, states.len());
        let grid = grid_columns(meta);
        let lookup_cells: BTreeMap<LookupTable, Vec<Cell>> = LookupTable::ALL
            .into_iter()
            .map(|table| (table, position_cells(meta, table)))
            .collect();

        // Beside each lookup cell of a table with a second-phase entry, a cell for that entry.
        let late_index: BTreeMap<LookupTable, usize> = LookupTable::ALL
            .into_iter()
            .filter_map(|table| Some((table, tables.shape::<F>(table).late_entry()?.0)))
            .collect();
        let late_cells: BTreeMap<LookupTable, Vec<Cell>> =
            late_index.keys().map(|table| (*table, position_cells(meta, *table))).collect();

        let context = Context { grid: &grid, step: &step, selectors: &selectors, states: &states };
        let heights = context.measure_heights::<F>(rw_capacity.cur());
        state_gates(meta, &selectors, &states, &step, [q_slot, q_first, q_last]);

        let theta = challenges.lookup.expr();
        let zeros = |cells: &BTreeMap<LookupTable, Vec<Cell>>| -> BTreeMap<_, Vec<Expression<F>>> {
            cells.iter().map(|(table, cells)| (*table, vec![constant(0); cells.len()])).collect()
        };
        let (mut position_exprs, mut late_exprs) = (zeros(&lookup_cells), zeros(&late_cells));
        let mut gadgets_by_state: Vec<Option<Box<dyn StepGadget<F>>>> =
            (0..states.len()).map(|_| None).collect();
        let mut lookups: Vec<StateLookups<F>> = vec![Vec::new(); states.len()];
        let mut usage = Vec::new();
        for (register, gadget) in gadgets::registry::<F>().into_iter().zip(gadgets::descriptors()) {
            let height = heights[gadget.state.index()];
            let mut cb = context.builder(gadget.name, height, rw_capacity.cur());
            let (state, gadget) = register(&mut cb);
            let spec = cb.finish();
            let cells_used = usage_of(&spec);
            assert_eq!(
                slots_for(cells_used.rows),
                height,
                "{state:?}: configuring is deterministic"
            );
            usage.push((state, cells_used));
            let sel = selectors.is(state, 0);
            let enable = q_slot.cur() * sel.clone();
            let mut constraints: Vec<_> =
                spec.constraints.into_iter().map(|(name, c)| (name, enable.clone() * c)).collect();
            for slot in (SLOT_HEIGHT..height).step_by(SLOT_HEIGHT) {
                let inside = enable.clone() * selectors.is_step(slot);
                constraints.push(("evm: no step starts inside a step", inside));
            }
            if state != ExecutionState::EndBlock {
                let next_slot = enable.clone() * q_slot.rot(height as i32);
                let follows = next_slot * (constant(1) - selectors.is_step(height));
                constraints.push(("evm: the next step starts after this one's rows", follows));
            }
            meta.create_gate(state_name(state), move |_| constraints);
            let mut used: BTreeMap<LookupTable, usize> = BTreeMap::new();
            for (table, name, mut tuple) in spec.lookups {
                let position = used.entry(table).or_default();
                let cell = *lookup_cells[&table].get(*position).unwrap_or_else(|| {
                    panic!("EVM circuit configuration: {state:?} needs more {table:?} lookup cells ({name})")
                });
                // The second-phase entry stays out of the compression, in its own cell.
                if let Some(index) = late_index.get(&table) {
                    let late = tuple.remove(*index);
                    let slot = &mut late_exprs.get_mut(&table).expect("late cells")[*position];
                    *slot = slot.clone() + sel.clone() * late.clone();
                    lookups[state.index()].push((late_cells[&table][*position], late));
                }
                let compressed = compress_expr(&tuple, &theta);
                let slot =
                    &mut position_exprs.get_mut(&table).expect("every table has cells")[*position];
                *slot = slot.clone() + sel.clone() * compressed.clone();
                lookups[state.index()].push((cell, compressed));
                *position += 1;
            }
            gadgets_by_state[state.index()] = Some(gadget);
        }
        let gadgets: Vec<Box<dyn StepGadget<F>>> = gadgets_by_state
            .into_iter()
            .zip(states.iter().copied())
            .map(|(g, state)| g.unwrap_or_else(|| panic!("no gadget registered for {state:?}")))
            .collect();

        // A lookup cell at row `r` of a step belongs to it when the step is taller than `r`
        // (else it is the next step's): the states that cover row `r`.
        let covering: Vec<Expression<F>> = (0..MAX_STEP_HEIGHT)
            .map(|r| match r {
                0 => selectors.is_step(0),
                _ => states
                    .iter()
                    .filter(|s| heights[s.index()] > r)
                    .fold(constant(0), |acc, s| acc + selectors.is(*s, 0)),
            })
            .collect();
        let mut lookup_gate = ConstraintBuilder::new();
        for (name, cells, exprs) in [
            ("evm: lookup cell holds the step's tuple", &lookup_cells, &position_exprs),
            ("evm: late cell holds the step's second-phase entry", &late_cells, &late_exprs),
        ] {
            for (table, cells) in cells {
                for (cell, expr) in cells.iter().zip(&exprs[table]) {
                    let held = covering[cell.rotation].clone() * cell.expr();
                    lookup_gate.require_equal(name, held, expr.clone());
                }
            }
        }
        lookup_gate.build(meta, "evm lookup cells", q_slot.cur());
        table_lookups(meta, tables, &theta, &lookup_cells, &late_cells);
        let mut bytes = ConstraintBuilder::new();
        for (cell_type, column) in &grid {
            if *cell_type == CellType::Byte {
                bytes.lookup(
                    "evm: byte cell",
                    FixedTableTag::Range8.tuple(vec![column.cur()]),
                    tables.fixed.table_exprs(),
                );
            }
        }
        bytes.build(meta, "evm bytes", constant(1));

        usage.sort_by_key(|(state, _)| state.index());
        Self {
            q_slot,
            q_first,
            q_last,
            rw_capacity,
            step,
            selectors,
            challenges,
            gadgets,
            lookups,
            usage,
            states,
            heights,
        }
    }
}

/// What every gadget configures against.
struct Context<'a> {
    grid: &'a Grid,
    step: &'a StepColumns,
    selectors: &'a Selectors,
    states: &'a [ExecutionState],
}

impl Context<'_> {
    /// A builder for gadget `name` whose steps take `height` rows.
    fn builder<F: PrimeField>(
        &self,
        name: &'static str,
        height: usize,
        rw_capacity: Expression<F>,
    ) -> EvmBuilder<F> {
        EvmBuilder::new(
            name,
            self.step.at(0),
            self.step.at(height as i32),
            CellManager::new(self.grid, MAX_STEP_HEIGHT),
            self.selectors.clone(),
            height,
            rw_capacity,
            self.states,
        )
    }

    /// Each state's height: every gadget configured once on the full grid, its rows counted
    /// (the next step's rotation does not change which cells a gadget takes).
    fn measure_heights<F: PrimeField>(&self, rw_capacity: Expression<F>) -> Vec<usize> {
        let mut heights = vec![0; self.states.len()];
        for (register, gadget) in gadgets::registry::<F>().into_iter().zip(gadgets::descriptors()) {
            let mut cb = self.builder(gadget.name, MAX_STEP_HEIGHT, rw_capacity.clone());
            let (state, _) = register(&mut cb);
            heights[state.index()] = slots_for(usage_of(&cb.finish()).rows);
        }
        heights
    }
}

/// Each state's height, measured over columns allocated in `meta` (a throwaway system).
pub(super) fn measure_heights_in<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Vec<usize> {
    let rw_capacity = meta.fixed_column();
    let step = StepColumns::configure(meta);
    let states: Vec<ExecutionState> = gadgets::descriptors().iter().map(|d| d.state).collect();
    let selectors = Selectors::configure(meta, states.len());
    let grid = grid_columns(meta);
    let context = Context { grid: &grid, step: &step, selectors: &selectors, states: &states };
    context.measure_heights::<F>(rw_capacity.cur())
}

/// The cells a gadget's spec uses, with the rows its lookups reach (lookup `i` of a table
/// sits on row `i / columns`).
fn usage_of<F: PrimeField>(spec: &GadgetSpec<F>) -> CellUsage {
    let mut usage = spec.usage;
    for table in LookupTable::ALL {
        let count = spec.lookups.iter().filter(|(t, _, _)| *t == table).count();
        usage.rows = usage.rows.max(count.div_ceil(lookup_columns(table)));
    }
    usage
}

fn grid_columns<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Grid {
    let mut grid = Vec::new();
    for _ in 0..GENERAL_COLUMNS {
        grid.push((CellType::General, meta.advice_column()));
    }
    for _ in 0..BYTE_COLUMNS {
        grid.push((CellType::Byte, meta.advice_column()));
    }
    for _ in 0..RLC_COLUMNS {
        grid.push((CellType::Rlc, meta.advice_column_in(SecondPhase)));
    }
    grid
}

/// The selector's own rules on every row of the region, and the region's ends
/// (`docs/spec.md#evm-layout`).
fn state_gates<F: PrimeField>(
    meta: &mut ConstraintSystem<F>,
    selectors: &Selectors,
    states: &[ExecutionState],
    step: &StepColumns,
    [q_slot, q_first, q_last]: [Column<Fixed>; 3],
) {
    let mut state_gate = ConstraintBuilder::new();
    for cell in selectors.cells() {
        state_gate.require_boolean("evm: state selector is boolean", cell.expr());
    }
    let is_step = selectors.is_step(0);
    state_gate.require_boolean("evm: at most one state per slot", is_step.clone());
    let any_state = states.iter().fold(constant(0), |acc, s| acc + selectors.is(*s, 0));
    state_gate.require_equal("evm: a step runs a registered state", any_state, is_step);
    let end_block = selectors.is(ExecutionState::EndBlock, 0);
    state_gate.require_zero(
        "evm: EndBlock is the last step only",
        end_block * (constant(1) - q_last.cur()),
    );
    state_gate.build(meta, "evm state", q_slot.cur());
    let mut boundary = ConstraintBuilder::new();
    boundary.when(q_first.cur(), |cb| {
        let begin = selectors.is(ExecutionState::BeginTx, 0);
        cb.require_equal("evm: the first step is BeginTx", begin, constant(1));
        cb.require_equal("evm: the first step is BeginTx", step.rw_counter.cur(), constant(1));
        cb.require_zero("evm: the first step is BeginTx", step.tx_id.cur());
        cb.require_zero("evm: the first step is BeginTx", step.call_id.cur());
    });
    boundary.when(q_last.cur(), |cb| {
        let end = selectors.is(ExecutionState::EndBlock, 0);
        cb.require_equal("evm: the last step is EndBlock", end, constant(1));
    });
    boundary.build(meta, "evm boundaries", constant(1));
}

/// Each lookup column's halo2 lookup: the table side is its first-phase entries compressed with
/// θ, zero outside the table's fixed enable.
fn table_lookups<F: PrimeField>(
    meta: &mut ConstraintSystem<F>,
    tables: &EvmTables,
    theta: &Expression<F>,
    lookup_cells: &BTreeMap<LookupTable, Vec<Cell>>,
    late_cells: &BTreeMap<LookupTable, Vec<Cell>>,
) {
    for (table, cells) in lookup_cells {
        let shape = tables.shape::<F>(*table);
        let compressed = shape.compressed(theta);
        let width = lookup_columns(*table);
        let columns: Vec<Column<Advice>> = cells.iter().take(width).map(|c| c.column).collect();
        let late: Vec<Option<Column<Advice>>> = match late_cells.get(table) {
            Some(cells) => cells.iter().take(width).map(|c| Some(c.column)).collect(),
            None => vec![None; width],
        };
        let late_table = shape.late_entry().map(|(_, expr)| expr);
        for (column, late) in columns.into_iter().zip(late) {
            let mut pairs = vec![(column.cur(), compressed.clone())];
            // A second-phase entry is paired uncompressed: halo2's own lookup challenge
            // comes after every phase.
            if let (Some(late), Some(late_table)) = (late, late_table.clone()) {
                pairs.push((late.cur(), late_table));
            }
            meta.lookup_any(table_name(*table), move |_| pairs);
        }
    }
}

/// `lookup_columns(table)` new second-phase columns as cells, [`MAX_STEP_HEIGHT`] per column,
/// in position order (row by row).
fn position_cells<F: PrimeField>(meta: &mut ConstraintSystem<F>, table: LookupTable) -> Vec<Cell> {
    let columns: Vec<_> =
        (0..lookup_columns(table)).map(|_| meta.advice_column_in(SecondPhase)).collect();
    (0..MAX_STEP_HEIGHT)
        .flat_map(|rotation| columns.iter().map(move |&column| Cell { column, rotation }))
        .collect()
}

/// The gate name of `state`'s gadget.
pub(super) fn state_name(state: ExecutionState) -> String {
    gadgets::descriptor(state)
        .map_or_else(|| format!("evm {state:?}"), |d| format!("evm {}", d.name))
}

fn table_name(table: LookupTable) -> &'static str {
    match table {
        LookupTable::Rw => "evm: rw lookup",
        LookupTable::Bytecode => "evm: bytecode lookup",
        LookupTable::Fixed => "evm: fixed lookup",
        LookupTable::Tx => "evm: tx lookup",
        LookupTable::Block => "evm: block lookup",
        LookupTable::Bitwise => "evm: bitwise lookup",
        LookupTable::Arith => "evm: arithmetic lookup",
        LookupTable::CallData => "evm: calldata lookup",
        LookupTable::Copy => "evm: copy lookup",
        LookupTable::Keccak => "evm: keccak lookup",
    }
}
