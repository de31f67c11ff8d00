//! Columns, constraints and assignment of the state circuit (see the [module docs](super)).

use alloy_primitives::U256;
use halo2_proofs::circuit::{Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error, Expression, Fixed};

use super::rw_row::{word_limbs, RwTag, SORT_COMPONENTS};
use super::witness::StateWitness;
use crate::constraint_builder::{constant, ConstraintBuilder};
use crate::table::{FixedTable, FixedTableTag, LookupTable, RwTable};

/// Bytes of the difference between consecutive sort keys (steps below `2^160`).
pub const DIFF_BYTES: usize = 20;

/// Columns of the state circuit.
#[derive(Clone, Debug)]
pub struct StateConfig {
    /// The sorted rows, as the EVM circuit looks them up.
    pub table: RwTable,
    /// 1 on the region's first row.
    pub q_first: Column<Fixed>,
    /// The tag is padding (from the fixed table).
    pub is_padding: Column<Advice>,
    /// The tag is storage (from the fixed table).
    pub is_storage: Column<Advice>,
    /// The tag's initial values come from the statement (from the fixed table).
    pub from_statement: Column<Advice>,
    /// The tag is an output (log or receipt field) whose final value the statement may list
    /// (from the fixed table).
    pub is_output: Column<Advice>,
    /// `id` as the location's identity: the transaction for every tag but storage, whose slot
    /// spans transactions (0 there).
    pub location_id: Column<Advice>,
    /// The location's initial value, low limb.
    pub init_lo: Column<Advice>,
    /// The location's initial value, high limb.
    pub init_hi: Column<Advice>,
    /// One-hot: the first sort-key component that differs from the previous row.
    pub first_diff: [Column<Advice>; SORT_COMPONENTS],
    /// Bytes of that component's increase minus one.
    pub diff: [Column<Advice>; DIFF_BYTES],
    /// `id` equals the previous row's.
    pub same_id: Column<Advice>,
    /// Inverse of the `id` change, or 0.
    pub id_change_inverse: Column<Advice>,
    /// 1 on the region's last row.
    pub q_last: Column<Fixed>,
    /// 1 on the last row of a location whose initial value comes from the statement: the
    /// row the public statement lists.
    pub statement_last: Column<Advice>,
    /// 1 on the last row of an output location: the row a listed output must match.
    pub output_last: Column<Advice>,
}

/// A 256-bit number below the field modulus as a field element.
fn field<F: PrimeField>(value: U256) -> F {
    let (lo, hi) = word_limbs(value);
    F::from_u128(lo) + F::from_u128(hi) * F::from_u128(1 << 64) * F::from_u128(1 << 64)
}

impl StateConfig {
    /// Allocates the columns and states the constraints; `fixed` must be loaded with
    /// [`FixedTableTag::Range8`] and [`FixedTableTag::RwTagProperties`].
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>, fixed: &FixedTable) -> Self {
        let table = RwTable::configure(meta);
        let q_first = meta.fixed_column();
        let q_last = meta.fixed_column();
        let mut advice = || meta.advice_column();
        let config = Self {
            table,
            q_first,
            is_padding: advice(),
            is_storage: advice(),
            from_statement: advice(),
            is_output: advice(),
            location_id: advice(),
            init_lo: advice(),
            init_hi: advice(),
            first_diff: [(); SORT_COMPONENTS].map(|_| advice()),
            diff: [(); DIFF_BYTES].map(|_| advice()),
            same_id: advice(),
            id_change_inverse: advice(),
            q_last,
            statement_last: advice(),
            output_last: advice(),
        };
        config.row_gate(meta, fixed);
        config.order_gate(meta);
        config.consistency_gate(meta);
        let mut lookups = ConstraintBuilder::new();
        // The sort key packs `tag·256 + field_tag`: a byte keeps the packing injective, so no
        // row of another tag shares the padding's (or any location's) first component.
        lookups.lookup(
            "state: field_tag is a byte",
            FixedTableTag::Range8.tuple(vec![config.table.field_tag.cur()]),
            fixed.table_exprs(),
        );
        for byte in config.diff {
            lookups.lookup(
                "state: key step byte",
                FixedTableTag::Range8.tuple(vec![byte.cur()]),
                fixed.table_exprs(),
            );
        }
        lookups.build(meta, "state bytes", constant(1));
        config
    }

    fn row_gate<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>, fixed: &FixedTable) {
        let t = &self.table;
        let mut cb = ConstraintBuilder::new();
        cb.require_boolean("state: is_write is boolean", t.is_write.cur());
        // `from_statement + 2·is_output` is one fixed value: both booleans keep it injective.
        cb.require_boolean("state: from_statement is boolean", self.from_statement.cur());
        cb.require_boolean("state: is_output is boolean", self.is_output.cur());
        cb.lookup(
            "state: tag properties",
            FixedTableTag::RwTagProperties.tuple(vec![
                t.tag.cur(),
                self.is_padding.cur(),
                self.is_storage.cur(),
                self.from_statement.cur() + constant(2) * self.is_output.cur(),
            ]),
            fixed.table_exprs(),
        );
        cb.require_equal(
            "state: location_id is id but for storage",
            self.location_id.cur(),
            t.id.cur() * (constant(1) - self.is_storage.cur()),
        );
        cb.when(self.is_padding.cur(), |cb| {
            let mut zero = t.advice_columns().to_vec();
            zero.retain(|c| *c != t.rw_counter && *c != t.tag);
            for column in zero.into_iter().chain([self.init_lo, self.init_hi]) {
                cb.require_zero("state: padding rows are zero", column.cur());
            }
        });
        let is_read = constant(1) - t.is_write.cur();
        for (prev, value) in [(t.value_prev_lo, t.value_lo), (t.value_prev_hi, t.value_hi)] {
            cb.require_zero(
                "state: a read's value_prev is its value",
                is_read.clone() * (prev.cur() - value.cur()),
            );
        }
        for column in [t.aux_lo, t.aux_hi] {
            cb.require_zero(
                "state: aux is zero but for storage",
                (constant(1) - self.is_storage.cur()) * column.cur(),
            );
        }
        for column in [self.init_lo, self.init_hi] {
            cb.require_zero(
                "state: initial value zero unless from the statement",
                (constant(1) - self.from_statement.cur()) * column.cur(),
            );
        }
        // The statement lists a location at its last row: the region's last row, or one
        // whose next row starts another location.
        let same_next = self.first_diff[SORT_COMPONENTS - 1].next();
        let q_last = self.q_last.cur();
        let is_last = q_last.clone() + (constant(1) - q_last) * (constant(1) - same_next);
        cb.require_equal(
            "state: statement_last marks a statement location's last row",
            self.statement_last.cur(),
            self.from_statement.cur() * is_last.clone(),
        );
        cb.require_equal(
            "state: output_last marks an output location's last row",
            self.output_last.cur(),
            self.is_output.cur() * is_last,
        );
        // Account fields have one location per account and field (the statement has no id).
        cb.require_zero(
            "state: account rows have id 0",
            self.from_statement.cur() * (constant(1) - self.is_storage.cur()) * t.id.cur(),
        );
        cb.build(meta, "state row", self.q_first.cur() + t.q_enable.cur());

        let mut first = ConstraintBuilder::new();
        first.require_equal("state: row 0 is padding", self.is_padding.cur(), constant(1));
        first.require_zero("state: row 0 is padding", t.rw_counter.cur());
        // Row 0 has no previous row: the order and consistency gates skip it, so its helper
        // cells are fixed here (found by the raw cell campaign).
        for column in self.first_diff.iter().chain(&self.diff) {
            first.require_zero("state: row 0 has no order helpers", column.cur());
        }
        first.require_equal("state: row 0 has no order helpers", self.same_id.cur(), constant(1));
        first.require_zero("state: row 0 has no order helpers", self.id_change_inverse.cur());
        first.build(meta, "state first row", self.q_first.cur());
    }

    /// The sort key's components at the current row and the previous one.
    fn components<F: PrimeField>(&self) -> [(Expression<F>, Expression<F>); SORT_COMPONENTS] {
        let t = &self.table;
        let at =
            |prev: bool, column: Column<Advice>| if prev { column.prev() } else { column.cur() };
        let key = |prev: bool| {
            [
                at(prev, t.tag) * constant(256) + at(prev, t.field_tag),
                at(prev, self.location_id),
                at(prev, t.address),
                at(prev, t.key_hi),
                at(prev, t.key_lo),
                at(prev, t.rw_counter),
            ]
        };
        let (cur, prev) = (key(false), key(true));
        let mut pairs = cur.into_iter().zip(prev);
        [(); SORT_COMPONENTS].map(|_| pairs.next().expect("one pair per component"))
    }

    fn order_gate<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>) {
        let mut cb = ConstraintBuilder::new();
        let flags = self.first_diff.map(|c| c.cur());
        for flag in &flags {
            cb.require_boolean("state order: first_diff is boolean", flag.clone());
        }
        let one_hot = flags.iter().cloned().fold(constant(0), |acc, f| acc + f);
        cb.require_equal("state order: one first_diff", one_hot, constant(1));
        let components = self.components::<F>();
        let mut step = constant(0);
        for (i, (cur, prev)) in components.into_iter().enumerate() {
            let later = flags[i + 1..].iter().cloned().fold(constant(0), |acc, f| acc + f);
            cb.require_zero(
                "state order: components before the first difference are equal",
                later * (cur.clone() - prev.clone()),
            );
            step = step + flags[i].clone() * (cur - prev - constant(1));
        }
        let bytes =
            self.diff.iter().rev().fold(constant(0), |acc, byte| acc * constant(256) + byte.cur());
        cb.require_equal("state order: the first difference grows", step, bytes);
        // Padding rows come first: with row 0 padding at counter 0 and "padding rows count
        // up", each padding row's rw_counter is its row, so EndBlock's padding row pins how
        // many rows are not padding.
        cb.require_zero(
            "state: padding is a prefix",
            self.is_padding.cur() * (constant(1) - self.is_padding.prev()),
        );
        cb.build(meta, "state order", self.table.q_enable.cur());
    }

    fn consistency_gate<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>) {
        let t = &self.table;
        let mut cb = ConstraintBuilder::new();
        let same_location = self.first_diff[SORT_COMPONENTS - 1].cur();
        let new_location = constant(1) - same_location.clone();
        let limbs = [
            (t.value_prev_lo, t.value_lo, self.init_lo, t.aux_lo),
            (t.value_prev_hi, t.value_hi, self.init_hi, t.aux_hi),
        ];
        cb.when(same_location.clone(), |cb| {
            for (value_prev, value, init, _) in limbs {
                cb.require_equal(
                    "state: an access sees the previous value",
                    value_prev.cur(),
                    value.prev(),
                );
                cb.require_equal("state: init is constant per location", init.cur(), init.prev());
            }
        });
        cb.when(new_location.clone(), |cb| {
            for (value_prev, _, init, _) in limbs {
                cb.require_equal(
                    "state: a first access sees the initial value",
                    value_prev.cur(),
                    init.cur(),
                );
            }
        });
        cb.when(self.is_padding.cur(), |cb| {
            cb.require_equal(
                "state: padding rows count up",
                t.rw_counter.cur(),
                t.rw_counter.prev() + constant(1),
            );
        });
        let id_change = t.id.cur() - t.id.prev();
        cb.require_zero("state: same_id", id_change.clone() * self.same_id.cur());
        cb.require_equal(
            "state: same_id",
            self.same_id.cur(),
            constant(1) - id_change * self.id_change_inverse.cur(),
        );
        cb.require_zero("state: same_id", self.id_change_inverse.cur() * self.same_id.cur());
        cb.when(self.is_storage.cur(), |cb| {
            for (_, value, init, aux) in limbs {
                cb.when(same_location.clone(), |cb| {
                    let same_tx = self.same_id.cur();
                    cb.require_zero(
                        "state: committed value",
                        same_tx.clone() * (aux.cur() - aux.prev())
                            + (constant(1) - same_tx) * (aux.cur() - value.prev()),
                    );
                });
                cb.when(new_location.clone(), |cb| {
                    cb.require_equal("state: committed value", aux.cur(), init.cur());
                });
            }
        });
        cb.build(meta, "state consistency", t.q_enable.cur());
    }

    /// Assigns the region (first phase only) from row 0.
    pub fn assign<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        witness: &StateWitness,
    ) -> Result<(), Error> {
        let t = &self.table;
        let helpers = witness.helpers();
        let known = |v: u64| Value::known(F::from(v));
        let mut previous_key = None;
        let mut previous_id = 0u64;
        let last = witness.rows.len().saturating_sub(1);
        for (offset, (row, help)) in witness.rows.iter().zip(&helpers).enumerate() {
            region.assign_fixed(self.q_first, offset, F::from((offset == 0) as u64));
            region.assign_fixed(t.q_enable, offset, F::from((offset > 0) as u64));
            region.assign_fixed(self.q_last, offset, F::from((offset == last) as u64));
            let location_ends = offset == last
                || helpers.get(offset + 1).is_some_and(|h| h.first_diff != SORT_COMPONENTS - 1);
            let statement_last = location_ends && row.tag.initial_value_from_statement();
            region.assign_advice(self.statement_last, offset, known(statement_last as u64));
            let output_last = location_ends && row.tag.is_output();
            region.assign_advice(self.output_last, offset, known(output_last as u64));
            region.assign_advice(self.is_output, offset, known(row.tag.is_output() as u64));
            region.assign_advice(self.location_id, offset, known(row.sort_id()));
            let limbs = |word: U256| {
                let (lo, hi) = word_limbs(word);
                (Value::known(F::from_u128(lo)), Value::known(F::from_u128(hi)))
            };
            region.assign_advice(t.rw_counter, offset, known(row.rw_counter));
            region.assign_advice(t.is_write, offset, known(row.is_write as u64));
            region.assign_advice(t.tag, offset, known(row.tag as u64));
            region.assign_advice(t.id, offset, known(row.id));
            region.assign_advice(t.address, offset, Value::known(field::<F>(row.address)));
            region.assign_advice(t.field_tag, offset, known(row.field_tag));
            for (word, (lo, hi)) in [
                (row.key, (t.key_lo, t.key_hi)),
                (row.value, (t.value_lo, t.value_hi)),
                (row.value_prev, (t.value_prev_lo, t.value_prev_hi)),
                (row.aux, (t.aux_lo, t.aux_hi)),
                (help.init, (self.init_lo, self.init_hi)),
            ] {
                let (lo_value, hi_value) = limbs(word);
                region.assign_advice(lo, offset, lo_value);
                region.assign_advice(hi, offset, hi_value);
            }
            region.assign_advice(
                self.is_padding,
                offset,
                known((row.tag == RwTag::Padding) as u64),
            );
            region.assign_advice(
                self.is_storage,
                offset,
                known((row.tag == RwTag::Storage) as u64),
            );
            let from_statement = row.tag.initial_value_from_statement() as u64;
            region.assign_advice(self.from_statement, offset, known(from_statement));

            let key = row.sort_key();
            for (c, column) in self.first_diff.iter().enumerate() {
                let on = offset > 0 && c == help.first_diff;
                region.assign_advice(*column, offset, known(on as u64));
            }
            let step = match previous_key {
                Some(prev) => {
                    let prev: [U256; SORT_COMPONENTS] = prev;
                    field::<F>(key[help.first_diff]) - field::<F>(prev[help.first_diff]) - F::ONE
                }
                None => F::ZERO,
            };
            let repr = step.to_repr();
            for (column, byte) in self.diff.iter().zip(repr.as_ref()) {
                region.assign_advice(*column, offset, known(*byte as u64));
            }
            let id_change = F::from(row.id) - F::from(previous_id);
            region.assign_advice(self.same_id, offset, known(help.same_id as u64));
            let inverse = id_change.invert().unwrap_or(F::ZERO);
            region.assign_advice(self.id_change_inverse, offset, Value::known(inverse));
            previous_key = Some(key);
            previous_id = row.id;
        }
        Ok(())
    }
}
