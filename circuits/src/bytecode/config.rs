//! Columns, constraints and assignment of the bytecode circuit (see the [module docs](super)).

use halo2_proofs::circuit::{Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Challenge, Column, ConstraintSystem, Error, Fixed, SecondPhase};

use super::table::BytecodeTable;
use super::witness::{BytecodeWitness, RowKind};
use crate::constraint_builder::{constant, select, ConstraintBuilder};
use crate::gadgets::is_zero::IsZeroGadget;
use crate::keccak::KeccakTable;
use crate::table::{FixedTable, FixedTableTag, LookupTable};

/// Columns of the bytecode circuit.
#[derive(Clone, Debug)]
pub struct BytecodeConfig<F: PrimeField> {
    /// The table other circuits look code bytes up in.
    pub table: BytecodeTable,
    /// 1 on the region's first row. (`table.q_enable` is 1 on every row but the last.)
    pub q_first: Column<Fixed>,
    /// 1 on the region's last row (always padding).
    pub q_last: Column<Fixed>,
    /// Push-data bytes still to come, this one included.
    pub push_left: Column<Advice>,
    /// Push data after this byte if it is an opcode.
    pub push_size: Column<Advice>,
    /// `is_code = [push_left = 0]`.
    pub push_left_is_zero: IsZeroGadget<F>,
    /// The code's length, on every row of the code.
    pub length: Column<Advice>,
    /// 1 on the last row of a code.
    pub is_last: Column<Advice>,
    /// RLC of the code bytes so far (second phase).
    pub rlc: Column<Advice>,
}

impl<F: PrimeField> BytecodeConfig<F> {
    /// Allocates the columns and states the constraints; `keccak` binds the code hashes,
    /// `fixed` gives push sizes (load it with [`FixedTableTag::PushDataSize`]).
    pub fn configure(
        meta: &mut ConstraintSystem<F>,
        keccak: &KeccakTable,
        fixed: &FixedTable,
        r: Challenge,
    ) -> Self {
        let table = BytecodeTable::configure(meta);
        let (push_left, push_size, inverse, length, is_last) = (
            meta.advice_column(),
            meta.advice_column(),
            meta.advice_column(),
            meta.advice_column(),
            meta.advice_column(),
        );
        let rlc = meta.advice_column_in(SecondPhase);
        let (q_first, q_last) = (meta.fixed_column(), meta.fixed_column());

        let (header, byte) = (table.is_header.cur(), table.is_byte.cur());
        let next_byte = table.is_byte.next();
        let mut cb = ConstraintBuilder::new();
        cb.require_boolean("bytecode: is_header is boolean", header.clone());
        cb.require_boolean("bytecode: is_byte is boolean", byte.clone());
        cb.require_zero("bytecode: one kind per row", header.clone() * byte.clone());
        let padding = constant(1) - header.clone() - byte.clone();
        // Every cell a row's kind does not use is zero, so that one set of codes has one
        // assignment (the IsZero inverse is pinned wherever its gadget is off).
        let own = [
            table.hash_lo,
            table.hash_hi,
            table.index,
            table.value,
            table.is_code,
            push_left,
            push_size,
            length,
            inverse,
            is_last,
            rlc,
        ];
        cb.when(padding, |cb| {
            for column in own {
                cb.require_zero("bytecode: padding rows are zero", column.cur());
            }
        });
        cb.when(header.clone(), |cb| {
            for column in [push_left, push_size, inverse] {
                cb.require_zero("bytecode header: unused cells are zero", column.cur());
            }
        });
        cb.when(header.clone(), |cb| {
            cb.require_zero("bytecode header: index 0", table.index.cur());
            cb.require_zero("bytecode header: not code", table.is_code.cur());
            cb.require_equal(
                "bytecode header: value is the length",
                table.value.cur(),
                length.cur(),
            );
            cb.require_zero("bytecode header: rlc starts at 0", rlc.cur());
        });
        let push_left_is_zero = cb.when(byte.clone(), |cb| {
            let gadget = IsZeroGadget::configure(cb, push_left.cur(), inverse);
            cb.require_equal(
                "bytecode: is_code = [push_left = 0]",
                table.is_code.cur(),
                gadget.is_zero.clone(),
            );
            gadget
        });
        cb.require_equal(
            "bytecode: is_last = a code row not followed by a byte",
            is_last.cur(),
            (header.clone() + byte.clone()) * (constant(1) - next_byte.clone()),
        );
        cb.when(is_last.cur(), |cb| {
            cb.require_equal(
                "bytecode: a code ends at its length",
                table.index.cur() + byte.clone(),
                length.cur(),
            );
        });
        cb.when(next_byte, |cb| {
            cb.require_equal(
                "bytecode: a byte follows its header or a byte",
                header.clone() + byte.clone(),
                constant(1),
            );
            for column in [table.hash_lo, table.hash_hi, length] {
                cb.require_equal("bytecode: same code", column.next(), column.cur());
            }
            cb.require_equal(
                "bytecode: index counts up",
                table.index.next(),
                table.index.cur() + byte.clone(),
            );
            cb.require_equal(
                "bytecode: rlc accumulates bytes",
                rlc.next(),
                rlc.cur() * r.expr() + table.value.next(),
            );
            let after_code =
                select(table.is_code.cur(), push_size.cur(), push_left.cur() - constant(1));
            cb.require_equal(
                "bytecode: push data follows a PUSH",
                push_left.next(),
                byte * after_code,
            );
        });
        cb.build(meta, "bytecode row", table.q_enable.cur());

        let mut first = ConstraintBuilder::new();
        first.require_zero("bytecode: a code starts with its header", table.is_byte.cur());
        first.build(meta, "bytecode first row", q_first.cur());
        let mut last = ConstraintBuilder::new();
        last.require_zero("bytecode: the last row is padding", table.is_byte.cur());
        last.require_zero("bytecode: the last row is padding", table.is_header.cur());
        for column in own {
            last.require_zero("bytecode: the last row is zero", column.cur());
        }
        last.build(meta, "bytecode last row", q_last.cur());

        // Lookups conditioned on advice flags only (degree 5 with degree-1 tables). On rows
        // outside the region the flags are unconstrained, but a lookup there only asserts a
        // true fact about the tables.
        let mut lookups = ConstraintBuilder::new();
        lookups.when(table.is_byte.cur(), |cb| {
            cb.lookup(
                "bytecode: push size of the byte",
                FixedTableTag::PushDataSize.tuple(vec![table.value.cur(), push_size.cur()]),
                fixed.table_exprs(),
            );
        });
        lookups.when(is_last.cur(), |cb| {
            cb.lookup(
                "bytecode: code hash = keccak256(code)",
                KeccakTable::lookup_tuple(
                    rlc.cur(),
                    length.cur(),
                    table.hash_lo.cur(),
                    table.hash_hi.cur(),
                ),
                keccak.table_exprs(),
            );
        });
        lookups.build(meta, "bytecode lookups", constant(1));

        Self {
            table,
            q_first,
            q_last,
            push_left,
            push_size,
            push_left_is_zero,
            length,
            is_last,
            rlc,
        }
    }

    /// Assigns the fixed and first-phase columns from row 0.
    pub fn assign_first_phase(
        &self,
        region: &mut Region<'_, F>,
        witness: &BytecodeWitness,
    ) -> Result<(), Error> {
        let rows = &witness.rows;
        let known = |v: u64| Value::known(F::from(v));
        let t = &self.table;
        for (offset, row) in rows.iter().enumerate() {
            let is_last_row = offset + 1 == rows.len();
            region.assign_fixed(t.q_enable, offset, F::from(!is_last_row as u64));
            region.assign_fixed(self.q_first, offset, F::from((offset == 0) as u64));
            region.assign_fixed(self.q_last, offset, F::from(is_last_row as u64));
            let next_is_byte = rows.get(offset + 1).is_some_and(|next| next.kind == RowKind::Byte);
            let is_code_row = row.kind != RowKind::Padding;
            region.assign_advice(t.is_header, offset, known((row.kind == RowKind::Header) as u64));
            region.assign_advice(t.is_byte, offset, known((row.kind == RowKind::Byte) as u64));
            region.assign_advice(t.hash_lo, offset, Value::known(F::from_u128(row.hash_lo)));
            region.assign_advice(t.hash_hi, offset, Value::known(F::from_u128(row.hash_hi)));
            region.assign_advice(t.index, offset, known(row.index));
            region.assign_advice(t.value, offset, known(row.value));
            region.assign_advice(t.is_code, offset, known(row.is_code as u64));
            region.assign_advice(self.push_left, offset, known(row.push_left));
            region.assign_advice(self.push_size, offset, known(row.push_size));
            self.push_left_is_zero.assign(region, offset, F::from(row.push_left));
            region.assign_advice(self.length, offset, known(row.length));
            region.assign_advice(
                self.is_last,
                offset,
                known((is_code_row && !next_is_byte) as u64),
            );
        }
        Ok(())
    }

    /// Assigns the RLC column (second phase).
    pub fn assign_second_phase(
        &self,
        region: &mut Region<'_, F>,
        witness: &BytecodeWitness,
        r: Value<F>,
    ) {
        let mut rlc = Value::known(F::ZERO);
        for (offset, row) in witness.rows.iter().enumerate() {
            rlc = match row.kind {
                RowKind::Byte => rlc.zip(r).map(|(acc, r)| acc * r + F::from(row.value)),
                RowKind::Header | RowKind::Padding => Value::known(F::ZERO),
            };
            region.assign_advice(self.rlc, offset, rlc);
        }
    }
}
