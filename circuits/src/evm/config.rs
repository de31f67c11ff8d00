//! The EVM circuit's columns, its gadget registry, and how gadget specs become gates and
//! lookups.

use std::collections::BTreeMap;

use halo2_proofs::circuit::{Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{
    Advice, Column, ConstraintSystem, Error, Expression, Fixed, SecondPhase,
};

use super::assign::{evaluate, AssignedStep, StepAssigner};
use super::builder::{CellUsage, EvmBuilder, GadgetSpec};
use super::cell::{Cell, CellManager, CellType, LookupTable};
use super::execution_state::ExecutionState;
use super::gadget::{AssignError, StepGadget};
use super::gadgets;
use super::step::{StepColumns, StepValues};
use super::witness::StepWitness;
use super::STEP_HEIGHT;
use crate::arith::ArithTable;
use crate::bitwise::BitwiseTable;
use crate::bytecode::BytecodeTable;
use crate::challenges::{compress_expr, ChallengeValues, Challenges};
use crate::constraint_builder::{constant, ConstraintBuilder};
use crate::copy::{rlc_value, CopyTable};
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

/// Lookup cell columns per table (each holds `STEP_HEIGHT` lookups per step).
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
type StateLookups<F> = Vec<(Cell, Expression<F>)>;

/// Columns and gadgets of the EVM circuit.
#[derive(Debug)]
pub struct EvmConfig<F: PrimeField> {
    /// 1 on the first row of every step slot.
    pub q_step: Column<Fixed>,
    /// 1 on the first step's first row.
    pub q_first: Column<Fixed>,
    /// 1 on the last step slot's first row.
    pub q_last: Column<Fixed>,
    /// The RW table's capacity, on every step row.
    pub rw_capacity: Column<Fixed>,
    /// The step state.
    pub step: StepColumns,
    /// One-hot execution state, `STEP_HEIGHT` cells per column.
    pub selectors: Vec<Column<Advice>>,
    /// The challenges (θ compresses lookups).
    pub challenges: Challenges,
    gadgets: Vec<Box<dyn StepGadget<F>>>,
    lookups: Vec<StateLookups<F>>,
    /// Cells each state's gadget uses, in selector order.
    pub usage: Vec<(ExecutionState, CellUsage)>,
    /// Every execution state, in selector order (the registry's).
    pub states: Vec<ExecutionState>,
}

impl<F: PrimeField> EvmConfig<F> {
    /// The selector cell of `state`.
    pub fn selector_cell(&self, state: ExecutionState) -> Cell {
        selector_cell(&self.selectors, state)
    }

    /// Allocates the columns, configures every gadget and states the gates and lookups.
    pub fn configure(
        meta: &mut ConstraintSystem<F>,
        tables: &EvmTables,
        challenges: Challenges,
    ) -> Self {
        let (q_step, q_first, q_last) =
            (meta.fixed_column(), meta.fixed_column(), meta.fixed_column());
        let rw_capacity = meta.fixed_column();
        let step = StepColumns::configure(meta);
        let states: Vec<ExecutionState> = gadgets::descriptors().iter().map(|d| d.state).collect();
        let selector_columns = states.len().div_ceil(STEP_HEIGHT);
        let selectors: Vec<_> = (0..selector_columns).map(|_| meta.advice_column()).collect();
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

        let q = q_step.cur();
        let mut state_gate = ConstraintBuilder::new();
        let mut one_hot = constant(0);
        for &state in &states {
            let sel = selector_cell(&selectors, state).expr();
            state_gate.require_boolean("evm: state selector is boolean", sel.clone());
            one_hot = one_hot + sel;
        }
        state_gate.require_equal("evm: one execution state", one_hot, constant(1));
        let end_block = selector_cell(&selectors, ExecutionState::EndBlock).expr();
        state_gate.require_zero(
            "evm: EndBlock is the last step only",
            end_block * (constant(1) - q_last.cur()),
        );
        state_gate.build(meta, "evm state", q.clone());
        let mut boundary = ConstraintBuilder::new();
        boundary.when(q_first.cur(), |cb| {
            let begin = selector_cell(&selectors, ExecutionState::BeginTx).expr();
            cb.require_equal("evm: the first step is BeginTx", begin, constant(1));
            cb.require_equal("evm: the first step is BeginTx", step.rw_counter.cur(), constant(1));
            cb.require_zero("evm: the first step is BeginTx", step.tx_id.cur());
            cb.require_zero("evm: the first step is BeginTx", step.call_id.cur());
        });
        boundary.when(q_last.cur(), |cb| {
            let end = selector_cell(&selectors, ExecutionState::EndBlock).expr();
            cb.require_equal("evm: the last step is EndBlock", end, constant(1));
        });
        boundary.build(meta, "evm boundaries", constant(1));

        let theta = challenges.lookup.expr();
        let mut position_exprs: BTreeMap<LookupTable, Vec<Expression<F>>> = lookup_cells
            .iter()
            .map(|(table, cells)| (*table, vec![constant(0); cells.len()]))
            .collect();
        let mut late_exprs: BTreeMap<LookupTable, Vec<Expression<F>>> = late_cells
            .iter()
            .map(|(table, cells)| (*table, vec![constant(0); cells.len()]))
            .collect();
        let mut gadgets_by_state: Vec<Option<Box<dyn StepGadget<F>>>> =
            (0..states.len()).map(|_| None).collect();
        let mut lookups: Vec<StateLookups<F>> = vec![Vec::new(); states.len()];
        let mut usage = Vec::new();
        for (register, gadget) in gadgets::registry::<F>().into_iter().zip(gadgets::descriptors()) {
            let cells = CellManager::new(&grid, STEP_HEIGHT);
            let mut cb = EvmBuilder::new(
                gadget.name,
                step.cur(),
                step.next(),
                cells,
                selectors.clone(),
                rw_capacity.cur(),
                &states,
            );
            let (state, gadget) = register(&mut cb);
            let GadgetSpec { constraints, lookups: declared, usage: mut cells_used } = cb.finish();
            // Lookup `i` of a table sits on row `i / columns`.
            for table in LookupTable::ALL {
                let count = declared.iter().filter(|(t, _, _)| *t == table).count();
                cells_used.rows = cells_used.rows.max(count.div_ceil(lookup_columns(table)));
            }
            usage.push((state, cells_used));
            let sel = selector_cell(&selectors, state).expr();
            let enable = q.clone() * sel.clone();
            let constraints: Vec<_> =
                constraints.into_iter().map(|(name, c)| (name, enable.clone() * c)).collect();
            if !constraints.is_empty() {
                meta.create_gate(state_name(state), move |_| constraints);
            }
            let mut used: BTreeMap<LookupTable, usize> = BTreeMap::new();
            for (table, name, mut tuple) in declared {
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

        let mut lookup_gate = ConstraintBuilder::new();
        for (name, cells, exprs) in [
            ("evm: lookup cell holds the step's tuple", &lookup_cells, &position_exprs),
            ("evm: late cell holds the step's second-phase entry", &late_cells, &late_exprs),
        ] {
            for (table, cells) in cells {
                for (cell, expr) in cells.iter().zip(&exprs[table]) {
                    lookup_gate.require_equal(name, cell.expr(), expr.clone());
                }
            }
        }
        lookup_gate.build(meta, "evm lookup cells", q);

        // Each table side: its first-phase entries compressed with θ, zero outside the table's
        // fixed enable.
        let table_exprs: BTreeMap<LookupTable, Expression<F>> = LookupTable::ALL
            .into_iter()
            .map(|table| (table, tables.shape(table).compressed(&theta)))
            .collect();
        for (table, cells) in &lookup_cells {
            let width = lookup_columns(*table);
            let columns: Vec<Column<Advice>> = cells.iter().take(width).map(|c| c.column).collect();
            let late: Vec<Option<Column<Advice>>> = match late_cells.get(table) {
                Some(cells) => cells.iter().take(width).map(|c| Some(c.column)).collect(),
                None => vec![None; width],
            };
            let late_table = tables.shape(*table).late_entry().map(|(_, expr)| expr);
            for (column, late) in columns.into_iter().zip(late) {
                let mut pairs = vec![(column.cur(), table_exprs[table].clone())];
                // A second-phase entry is paired uncompressed: halo2's own lookup challenge
                // comes after every phase.
                if let (Some(late), Some(late_table)) = (late, late_table.clone()) {
                    pairs.push((late.cur(), late_table));
                }
                meta.lookup_any(table_name(*table), move |_| pairs);
            }
        }
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
            q_step,
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
        }
    }

    /// Marks `slots` step slots from row 0 as steps, the first and the last, and writes the
    /// RW table's capacity.
    pub fn assign_fixed(&self, region: &mut Region<'_, F>, slots: usize, rw_capacity: usize) {
        for slot in 0..slots {
            let row = slot * STEP_HEIGHT;
            region.assign_fixed(self.q_step, row, F::ONE);
            region.assign_fixed(self.q_first, row, F::from((slot == 0) as u64));
            region.assign_fixed(self.q_last, row, F::from((slot + 1 == slots) as u64));
            region.assign_fixed(self.rw_capacity, row, F::from(rw_capacity as u64));
        }
    }

    /// Marks `slots` window slots as steps, with no first or last step (gadget tests).
    pub fn assign_fixed_window(&self, region: &mut Region<'_, F>, slots: usize) {
        for slot in 0..slots {
            region.assign_fixed(self.q_step, slot * STEP_HEIGHT, F::ONE);
        }
    }

    /// Writes a step state at `offset` (also the state after the last step).
    pub fn assign_step_state(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        values: &StepValues,
    ) {
        for (column, value) in self.step.all().iter().zip(values.as_array::<F>()) {
            region.assign_advice(*column, offset, Value::known(value));
        }
    }

    /// Writes the one-hot selector of `state` for the step at `offset` (the step after a test
    /// window, whose own gadget is not assigned).
    pub fn assign_selector(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        state: ExecutionState,
    ) {
        for &s in &self.states {
            let cell = self.selector_cell(s);
            cell.assign(region, offset, Value::known(F::from((s == state) as u64)));
        }
    }

    /// Runs every step's `assign` without a region: a step whose RWs are not what its gadget
    /// reads is refused, naming the step and the gadget, before any proving.
    pub fn check_witnesses(&self, steps: &[StepWitness<'_>]) -> Result<(), AssignError> {
        for w in steps {
            let mut a = StepAssigner::dry();
            self.gadgets[w.state.index()].assign(&mut a, w)?;
        }
        Ok(())
    }

    /// Assigns the first-phase cells of `steps` from slot 0 and the state after the last one;
    /// returns each step's assigned values for the second phase.
    pub fn assign_first_phase(
        &self,
        region: &mut Region<'_, F>,
        steps: &[StepWitness<'_>],
        rw_capacity: usize,
    ) -> Result<Vec<AssignedStep<F>>, Error> {
        let mut assigned = Vec::with_capacity(steps.len());
        for (slot, w) in steps.iter().enumerate() {
            let offset = slot * STEP_HEIGHT;
            self.assign_step_state(region, offset, &w.values);
            let mut a = StepAssigner::new(region, offset);
            for (column, value) in self.step.all().iter().zip(w.values.as_array::<F>()) {
                a.remember(column.index(), 0, value);
            }
            for (column, value) in self.step.all().iter().zip(w.next.as_array::<F>()) {
                a.remember(column.index(), STEP_HEIGHT as i32, value);
            }
            a.remember_fixed(self.rw_capacity.index(), 0, F::from(rw_capacity as u64));
            for &state in &self.states {
                a.assign_u64(self.selector_cell(state), (state == w.state) as u64);
            }
            self.gadgets[w.state.index()].assign(&mut a, w)?;
            assigned.push(a.into_values());
        }
        // The state after the last step, which its transition reads; EndBlock has no
        // transition, so after it the row stays empty rather than holding cells nothing reads.
        if let Some(last) = steps.last().filter(|w| w.state != ExecutionState::EndBlock) {
            self.assign_step_state(region, steps.len() * STEP_HEIGHT, &last.next);
        }
        Ok(assigned)
    }

    /// Assigns the lookup cells (second phase) from the first phase's values.
    pub fn assign_second_phase(
        &self,
        region: &mut Region<'_, F>,
        steps: &[StepWitness<'_>],
        assigned: &[AssignedStep<F>],
        values: &ChallengeValues<F>,
    ) {
        // Challenge values by index; nothing to assign before the challenges exist.
        let mut known =
            vec![F::ZERO; 1 + self.challenges.bytes.index().max(self.challenges.lookup.index())];
        for (challenge, value) in
            [(self.challenges.bytes, values.bytes), (self.challenges.lookup, values.lookup)]
        {
            let mut inner = None;
            value.map(|v| inner = Some(v));
            match inner {
                Some(v) => known[challenge.index()] = v,
                None => return,
            }
        }
        let r = known[self.challenges.bytes.index()];
        for (slot, (w, step)) in steps.iter().zip(assigned).enumerate() {
            let mut with_rlcs;
            let mut values = &step.values;
            if !step.rlcs.is_empty() {
                with_rlcs = step.values.clone();
                for (cell, bytes) in &step.rlcs {
                    let mut value = F::ZERO;
                    rlc_value(bytes, Value::known(r)).map(|v| value = v);
                    cell.assign(region, slot * STEP_HEIGHT, Value::known(value));
                    with_rlcs.insert(cell.key(), value);
                }
                values = &with_rlcs;
            }
            for (cell, expr) in &self.lookups[w.state.index()] {
                let value = evaluate(expr, values, &known);
                cell.assign(region, slot * STEP_HEIGHT, Value::known(value));
            }
        }
    }
}

/// `lookup_columns(table)` new second-phase columns as cells, `STEP_HEIGHT` per column, in
/// position order (row by row).
fn position_cells<F: PrimeField>(meta: &mut ConstraintSystem<F>, table: LookupTable) -> Vec<Cell> {
    let columns: Vec<_> =
        (0..lookup_columns(table)).map(|_| meta.advice_column_in(SecondPhase)).collect();
    (0..STEP_HEIGHT)
        .flat_map(|rotation| columns.iter().map(move |&column| Cell { column, rotation }))
        .collect()
}

fn selector_cell(selectors: &[Column<Advice>], state: ExecutionState) -> Cell {
    let index = state.index();
    Cell { column: selectors[index / STEP_HEIGHT], rotation: index % STEP_HEIGHT }
}

/// The gate name of `state`'s gadget.
fn state_name(state: ExecutionState) -> String {
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

/// The EVM circuit's shape as Markdown: the grid, then the cells and lookups each execution
/// state's gadget uses of it (for the docs and the throughput report).
pub fn shape_markdown<F: PrimeField + Ord + halo2_proofs::halo2curves::ff::FromUniformBytes<64>>(
) -> String {
    use std::fmt::Write as _;
    let mut meta = ConstraintSystem::<F>::default();
    let config = crate::super_circuit::SuperCircuit::configure_evm_for_report(&mut meta);
    let mut out = format!(
        "Grid per step: {STEP_HEIGHT} rows × ({GENERAL_COLUMNS} general + {BYTE_COLUMNS} byte \
         columns) = {} general and {} byte cells. `rows` is the rows a state's cells and lookups \
         reach: the step height it would need with a height per state (selectors aside).\n\n\
         | state | general | bytes | lookups | rows |\n|---|---|---|---|---|\n",
        GENERAL_COLUMNS * STEP_HEIGHT,
        BYTE_COLUMNS * STEP_HEIGHT
    );
    for (state, usage) in &config.usage {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            state_name(*state).trim_start_matches("evm "),
            usage.general,
            usage.bytes,
            usage.lookups,
            usage.rows
        );
    }
    out
}
