//! Columns, constraints and assignment of the public inputs (see the [module docs](super)).

use halo2_proofs::circuit::{Cell, Layouter, Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error, Fixed, Instance};
use halo2_proofs::poly::Rotation;

use super::layout::{InstanceLayout, STATEMENT_COLUMNS};
use super::statement::ChunkStatement;
use crate::constraint_builder::{constant, ConstraintBuilder};
use crate::state::StateConfig;
use crate::super_circuit::ChunkParams;
use crate::table::{BlockTable, TxTable};

/// Columns of the public inputs.
#[derive(Clone, Debug)]
pub struct PublicConfig {
    /// The public inputs, in the order of [`InstanceLayout`].
    pub instance: Column<Instance>,
    /// 1 on the transaction table's rows from its second slot row on.
    pub q_global: Column<Fixed>,
    /// Index in the batch of the transaction of each transaction-table row.
    pub global_id: Column<Advice>,
    /// 1 on the row of the transaction count.
    pub q_count: Column<Fixed>,
    /// The number of transactions in the chunk.
    pub tx_count: Column<Advice>,
    /// 1 on the statement rows.
    pub q_statement: Column<Fixed>,
    /// 1 when the statement row names a location, 0 when it is unused (all zero).
    pub used: Column<Advice>,
    /// tag, id, address, field_tag, key lo/hi, initial lo/hi, final lo/hi.
    pub statement: [Column<Advice>; STATEMENT_COLUMNS],
}

/// Cells of the tables that are copied to the instance.
#[derive(Clone, Debug, Default)]
pub struct TableCells {
    /// Block table values, `(lo, hi)` per row.
    pub block: Vec<[Cell; 2]>,
    /// Transaction table values, `(lo, hi)` per row.
    pub tx: Vec<[Cell; 2]>,
    /// The global index of the transaction in the table's first slot.
    pub first_tx: Option<Cell>,
    /// The calldata table's rows, `(tx + 1, index, lo, hi)`.
    pub calldata: Vec<[Cell; 4]>,
}

impl PublicConfig {
    /// Allocates the columns and states the constraints that tie the public inputs to the
    /// tables, the state circuit and the EVM circuit's last step (`q_last`, `tx_id`).
    pub fn configure<F: PrimeField>(
        meta: &mut ConstraintSystem<F>,
        tx: &TxTable,
        block: &BlockTable,
        state: &StateConfig,
        evm_last: (Column<Fixed>, Column<Advice>),
    ) -> Self {
        let instance = meta.instance_column();
        let config = Self {
            instance,
            q_global: meta.fixed_column(),
            global_id: meta.advice_column(),
            q_count: meta.fixed_column(),
            tx_count: meta.advice_column(),
            q_statement: meta.fixed_column(),
            used: meta.advice_column(),
            statement: [(); STATEMENT_COLUMNS].map(|_| meta.advice_column()),
        };
        meta.enable_equality(instance);
        for column in [block.value_lo, block.value_hi, tx.value_lo, tx.value_hi] {
            meta.enable_equality(column);
        }
        for column in [config.global_id, config.tx_count].into_iter().chain(config.statement) {
            meta.enable_equality(column);
        }

        // Each transaction row's global index is the first slot's plus its slot.
        let mut cb = ConstraintBuilder::new();
        cb.require_equal(
            "public: global index follows the slot",
            config.global_id.cur() - config.global_id.prev(),
            tx.tx_id.cur() - tx.tx_id.prev(),
        );
        cb.build(meta, "public global index", config.q_global.cur());

        // Unused statement rows are all zero.
        let mut cb = ConstraintBuilder::new();
        cb.require_boolean("statement: used is boolean", config.used.cur());
        for column in config.statement {
            cb.require_zero(
                "statement: an unused row is zero",
                (constant(1) - config.used.cur()) * column.cur(),
            );
        }
        cb.build(meta, "statement rows", config.q_statement.cur());

        let t = &state.table;
        let state_row = [
            t.tag,
            state.location_id,
            t.address,
            t.field_tag,
            t.key_lo,
            t.key_hi,
            state.init_lo,
            state.init_hi,
            t.value_lo,
            t.value_hi,
        ];
        // Every location whose initial value is the statement's, at its last row, is a
        // statement row with that initial value and its final value. Rows outside the state
        // region only add obligations.
        meta.lookup_any("statement: every touched location is listed", |meta| {
            let last = meta.query_advice(state.statement_last, rot(0));
            let mut pairs = vec![(last.clone(), meta.query_fixed(config.q_statement, rot(0)))];
            for (from, to) in state_row.iter().zip(config.statement) {
                pairs.push((
                    last.clone() * meta.query_advice(*from, rot(0)),
                    meta.query_advice(to, rot(0)),
                ));
            }
            pairs
        });
        // Every used statement row is such a last row, or the last row of an output location
        // (a log or receipt field: the statement lists the outputs it names, the verifier
        // requires every one it relies on). Every table entry is multiplied by the state
        // region's fixed enable, so rows outside it are all zero whatever they hold. An unused
        // row is all zero and matches them; rows outside the statement region only add
        // obligations.
        meta.lookup_any("statement: every listed location is touched", |meta| {
            let used = meta.query_advice(config.used, rot(0));
            let q = meta.query_fixed(t.q_enable, rot(0));
            let last = meta.query_advice(state.statement_last, rot(0))
                + meta.query_advice(state.output_last, rot(0));
            let enabled = q.clone() * last;
            let mut pairs = vec![(used, enabled)];
            for (from, to) in config.statement.iter().zip(state_row) {
                pairs.push((
                    meta.query_advice(*from, rot(0)),
                    q.clone() * meta.query_advice(to, rot(0)),
                ));
            }
            pairs
        });
        // The EVM's last step (EndBlock) is in the chunk's last transaction.
        let (q_last, tx_id) = evm_last;
        meta.lookup_any("public: the transaction count is the EndBlock's", |meta| {
            let q = meta.query_fixed(config.q_count, rot(0));
            let count = meta.query_advice(config.tx_count, rot(0));
            vec![
                (q.clone(), meta.query_fixed(q_last, rot(0))),
                (q * (count - constant(1)), meta.query_advice(tx_id, rot(0))),
            ]
        });
        config
    }

    /// Rows the public regions take for `params`.
    pub fn rows(params: &ChunkParams) -> usize {
        params.statement_rows + 1
    }

    /// Assigns the global indices beside the transaction table (in its region) and returns the
    /// first slot's cell.
    pub fn assign_global_ids<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        first_tx: u64,
        slots: usize,
    ) -> Cell {
        let per_slot = crate::table::TxField::ALL.len();
        let mut first = None;
        for row in 1..=slots * per_slot {
            let slot = ((row - 1) / per_slot) as u64;
            let cell =
                region.assign_advice(self.global_id, row, Value::known(F::from(first_tx + slot)));
            if row == 1 {
                first = Some(cell.cell());
            } else {
                region.assign_fixed(self.q_global, row, F::ONE);
            }
        }
        first.expect("a chunk has at least one transaction slot")
    }

    /// Assigns the transaction count and the statement rows, and copies every public cell to
    /// the instance column.
    pub fn assign<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        statement: &ChunkStatement,
        params: &ChunkParams,
        tables: &TableCells,
    ) -> Result<(), Error> {
        let (count, rows) = layouter.assign_region(
            || "public inputs",
            |mut region| {
                region.assign_fixed(self.q_count, 0, F::ONE);
                let count = region
                    .assign_advice(
                        self.tx_count,
                        0,
                        Value::known(F::from(statement.transactions.len() as u64)),
                    )
                    .cell();
                let listed = statement.rows();
                let mut rows = Vec::with_capacity(params.statement_rows);
                for slot in 0..=params.statement_rows {
                    let location = listed.get(slot);
                    let used = slot < params.statement_rows && location.is_some();
                    region.assign_fixed(
                        self.q_statement,
                        slot,
                        F::from((slot < params.statement_rows) as u64),
                    );
                    region.assign_advice(self.used, slot, Value::known(F::from(used as u64)));
                    let values =
                        location.map(|l| l.cells::<F>()).unwrap_or([F::ZERO; STATEMENT_COLUMNS]);
                    let cells: Vec<Cell> = self
                        .statement
                        .iter()
                        .zip(values)
                        .map(|(column, v)| {
                            region.assign_advice(*column, slot, Value::known(v)).cell()
                        })
                        .collect();
                    if slot < params.statement_rows {
                        rows.push(cells);
                    }
                }
                Ok((count, rows))
            },
        )?;
        let layout = InstanceLayout::new(params);
        let mut copy =
            |cell: Cell, row: usize| layouter.constrain_instance(cell, self.instance, row);
        for (i, [lo, hi]) in tables.block.iter().enumerate() {
            copy(*lo, layout.block + 2 * i);
            copy(*hi, layout.block + 2 * i + 1);
        }
        for (i, [lo, hi]) in tables.tx.iter().enumerate() {
            copy(*lo, layout.tx + 2 * i);
            copy(*hi, layout.tx + 2 * i + 1);
        }
        if let Some(first) = tables.first_tx {
            copy(first, layout.first_tx);
        }
        for (i, row) in tables.calldata.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                copy(*cell, layout.calldata + 4 * i + c);
            }
        }
        copy(count, layout.tx_count);
        for (slot, cells) in rows.into_iter().enumerate() {
            for (c, cell) in cells.into_iter().enumerate() {
                copy(cell, layout.statement + slot * STATEMENT_COLUMNS + c);
            }
        }
        Ok(())
    }
}

fn rot(r: i32) -> Rotation {
    Rotation(r)
}
