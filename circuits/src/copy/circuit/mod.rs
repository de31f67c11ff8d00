//! Columns and constraints of the copy circuit (see the [module docs](super)); its witness
//! assignment is in `assign.rs`.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Challenge, Column, ConstraintSystem, Fixed, SecondPhase};

use super::stream::WORD_BYTES;
use super::table::CopyTable;
use crate::bytecode::BytecodeTable;
use crate::constraint_builder::{constant, ConstraintBuilder};
use crate::table::{CallDataTable, FixedTable, FixedTableTag, LookupTable, RwTable};

mod assign;

pub use assign::rlc_value;

const ROWS_PER_WORD: usize = WORD_BYTES as usize;
const HALF: usize = ROWS_PER_WORD / 2;

/// The copy circuit's columns.
#[derive(Clone, Copy, Debug)]
pub struct CopyConfig {
    /// The table it exposes.
    pub table: CopyTable,
    q_first_row: Column<Fixed>,
    q_last_row: Column<Fixed>,
    /// Enabled rows but the last: transitions to the next row.
    q_next: Column<Fixed>,
    /// 1 on a word's first byte row.
    q_word_start: Column<Fixed>,
    /// 1 on a word's last byte row.
    q_word_end: Column<Fixed>,
    /// 1 where a 16-byte limb starts.
    q_limb_start: Column<Fixed>,
    /// The row's byte position in its word, 0 to 31.
    byte_pos: Column<Fixed>,
    active: Column<Advice>,
    is_last: Column<Advice>,
    q_rw: Column<Advice>,
    word_index: Column<Advice>,
    byte: Column<Advice>,
    acc: Column<Advice>,
    prev_lo: Column<Advice>,
    prev_hi: Column<Advice>,
    started: Column<Advice>,
    ended: Column<Advice>,
    before: Column<Advice>,
    count: Column<Advice>,
    rlc: Column<Advice>,
    /// Of a calldata stream, 1 on the words the calldata table holds (a prefix); of a code
    /// stream, 1 on the bytes the code holds (a prefix).
    in_table: Column<Advice>,
    /// 1 on a code byte looked up in the bytecode table (`code · in_table`).
    q_code: Column<Advice>,
    /// 1 on the last row of a word looked up in the calldata table.
    q_table: Column<Advice>,
    /// Table words so far in the stream.
    table_count: Column<Advice>,
    /// The byte before the step (a write's `value_prev`; a read's byte).
    prev_byte: Column<Advice>,
    /// Accumulator of the previous bytes, like `acc`.
    prev_acc: Column<Advice>,
    r: Challenge,
}

impl CopyConfig {
    /// Allocates the columns and states the constraints; `fixed` must hold
    /// [`FixedTableTag::Range8`], `rw` is the table the words are looked up in, `calldata` and
    /// `bytecode` the tables calldata and code streams read, and `r` the RLC challenge.
    pub fn configure<F: PrimeField>(
        meta: &mut ConstraintSystem<F>,
        fixed: &FixedTable,
        rw: &RwTable,
        calldata: &CallDataTable,
        bytecode: &BytecodeTable,
        r: Challenge,
    ) -> Self {
        let mut fixed_column = || meta.fixed_column();
        let (q_enable, q_first_row, q_last_row, q_next) =
            (fixed_column(), fixed_column(), fixed_column(), fixed_column());
        let (q_word_start, q_word_end, q_limb_start, byte_pos) =
            (fixed_column(), fixed_column(), fixed_column(), fixed_column());
        let mut advice = || meta.advice_column();
        let table = CopyTable {
            q_enable,
            is_first: advice(),
            rw_counter: advice(),
            is_write: advice(),
            tag: advice(),
            id: advice(),
            address: advice(),
            field_tag: advice(),
            key: advice(),
            index_in_key: advice(),
            skip: advice(),
            len: advice(),
            words: advice(),
            zero_outside: advice(),
            calldata: advice(),
            code: advice(),
            table_words: advice(),
            rlc_total: meta.advice_column_in(SecondPhase),
        };
        let mut advice = || meta.advice_column();
        let config = Self {
            table,
            q_first_row,
            q_last_row,
            q_next,
            q_word_start,
            q_word_end,
            q_limb_start,
            byte_pos,
            active: advice(),
            is_last: advice(),
            q_rw: advice(),
            word_index: advice(),
            byte: advice(),
            acc: advice(),
            prev_lo: advice(),
            prev_hi: advice(),
            started: advice(),
            ended: advice(),
            before: advice(),
            count: advice(),
            in_table: advice(),
            q_code: advice(),
            q_table: advice(),
            table_count: advice(),
            prev_byte: advice(),
            prev_acc: advice(),
            rlc: meta.advice_column_in(SecondPhase),
            r,
        };
        config.configure_rows(meta, fixed);
        config.configure_transitions(meta);
        config.configure_rw_lookup(meta, rw);
        config.configure_calldata_lookup(meta, calldata);
        config.configure_code_lookup(meta, bytecode);
        config
    }

    /// Constraints within a row: flags, word bytes, window counters at a stream's ends.
    fn configure_rows<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>, fixed: &FixedTable) {
        let t = &self.table;
        let mut cb = ConstraintBuilder::new();
        for (name, column) in [
            ("copy: active is boolean", self.active),
            ("copy: is_first is boolean", t.is_first),
            ("copy: is_last is boolean", self.is_last),
            ("copy: is_write is boolean", t.is_write),
            ("copy: index_in_key is boolean", t.index_in_key),
            ("copy: zero_outside is boolean", t.zero_outside),
            ("copy: started is boolean", self.started),
            ("copy: ended is boolean", self.ended),
            ("copy: calldata is boolean", t.calldata),
            ("copy: code is boolean", t.code),
            ("copy: in_table is boolean", self.in_table),
        ] {
            cb.require_boolean(name, column.cur());
        }
        let (active, is_first, is_last) = (self.active.cur(), t.is_first.cur(), self.is_last.cur());
        cb.require_zero(
            "copy: a stream starts on a word's first row",
            is_first.clone() * (constant(1) - self.q_word_start.cur()),
        );
        cb.require_zero(
            "copy: a stream's first row is active",
            is_first.clone() * (constant(1) - active.clone()),
        );
        cb.require_zero(
            "copy: a stream's last row is active",
            is_last.clone() * (constant(1) - active.clone()),
        );
        cb.require_equal(
            "copy: word RW rows",
            self.q_rw.cur(),
            active.clone()
                * self.q_word_end.cur()
                * (constant(1) - t.calldata.cur() - t.code.cur()),
        );
        // Calldata and code streams: read-only; the words (calldata) or bytes (code) their
        // table holds are a prefix (counted at the ends), each calldata word looked up on its
        // last row and each code byte on its row; the bytes past it are zero.
        cb.require_zero("copy: calldata or code", t.calldata.cur() * t.code.cur());
        cb.require_equal(
            "copy: calldata table rows",
            self.q_table.cur(),
            self.in_table.cur() * self.q_word_end.cur() * t.calldata.cur(),
        );
        cb.require_equal(
            "copy: bytecode table rows",
            self.q_code.cur(),
            self.in_table.cur() * t.code.cur(),
        );
        cb.require_zero(
            "copy: only calldata and code streams read a table",
            self.in_table.cur() * (constant(1) - t.calldata.cur() - t.code.cur()),
        );
        cb.require_zero("copy: calldata is read", t.calldata.cur() * t.is_write.cur());
        cb.require_zero("copy: code is read", t.code.cur() * t.is_write.cur());
        cb.require_zero(
            "copy: a code stream's word index is its address",
            t.code.cur() * t.index_in_key.cur(),
        );
        cb.require_zero(
            "copy: calldata or code past the table is zero",
            (t.calldata.cur() + t.code.cur() - self.in_table.cur()) * self.byte.cur(),
        );
        cb.require_zero(
            "copy: the window ends after it starts",
            self.ended.cur() * (constant(1) - self.started.cur()),
        );
        // Rows outside every stream hold zeros, and the previous-value cells are used only on
        // a word's last row: one set of streams has one assignment.
        for column in self.zero_columns().into_iter().chain([self.rlc, t.rlc_total]) {
            cb.require_zero(
                "copy: unused rows are zero",
                (constant(1) - active.clone()) * column.cur(),
            );
        }
        for column in [self.prev_lo, self.prev_hi] {
            cb.require_zero(
                "copy: previous values only at a word's end",
                (constant(1) - self.q_word_end.cur()) * column.cur(),
            );
        }
        let in_window = self.started.cur() - self.ended.cur();
        // A write changes only the window: every other byte keeps its previous value (and a
        // read changes nothing).
        cb.require_zero(
            "copy: bytes outside a write's window keep their value",
            (constant(1) - t.is_write.cur() * in_window.clone())
                * (self.prev_byte.cur() - self.byte.cur()),
        );
        cb.require_equal(
            "copy: previous limb accumulator",
            self.prev_acc.cur(),
            self.prev_byte.cur()
                + (constant(1) - self.q_limb_start.cur()) * constant(256) * self.prev_acc.prev(),
        );
        cb.require_zero(
            "copy: previous value from the previous bytes",
            self.q_word_end.cur() * (self.prev_lo.cur() - self.prev_acc.cur()),
        );
        cb.require_zero(
            "copy: previous value from the previous bytes",
            self.q_word_end.cur() * (self.prev_hi.cur() - self.prev_acc.rot(-(HALF as i32))),
        );
        cb.require_zero(
            "copy: zero outside the window",
            active.clone()
                * t.zero_outside.cur()
                * (constant(1) - in_window.clone())
                * self.byte.cur(),
        );
        // acc = byte on a limb's first row, else 256·acc(prev) + byte.
        cb.require_equal(
            "copy: limb accumulator",
            self.acc.cur(),
            self.byte.cur()
                + (constant(1) - self.q_limb_start.cur()) * constant(256) * self.acc.prev(),
        );
        let reads = self.q_word_end.cur() * (constant(1) - t.is_write.cur());
        cb.require_equal(
            "copy: a read's previous value is its value",
            reads.clone() * self.prev_lo.cur(),
            reads.clone() * self.acc.cur(),
        );
        cb.require_equal(
            "copy: a read's previous value is its value",
            reads.clone() * self.prev_hi.cur(),
            reads * self.acc.rot(-(HALF as i32)),
        );
        cb.when(is_first, |cb| {
            cb.require_equal("copy: first word", self.word_index.cur(), constant(1));
            cb.require_equal(
                "copy: bytes before the window",
                self.before.cur(),
                constant(1) - self.started.cur(),
            );
            cb.require_equal("copy: bytes in the window", self.count.cur(), in_window.clone());
            cb.require_equal("copy: table words", self.table_count.cur(), self.in_table.cur());
            cb.require_equal(
                "copy: window RLC",
                self.rlc.cur(),
                in_window.clone() * self.byte.cur(),
            );
        });
        cb.when(is_last, |cb| {
            cb.require_equal("copy: every word", self.word_index.cur(), t.words.cur());
            cb.require_equal("copy: the window's length", self.count.cur(), t.len.cur());
            cb.require_equal("copy: the window's start", self.before.cur(), t.skip.cur());
            cb.require_equal("copy: the window's RLC", self.rlc.cur(), t.rlc_total.cur());
            cb.require_equal("copy: table words", self.table_count.cur(), t.table_words.cur());
        });
        cb.lookup(
            "copy: bytes are bytes",
            FixedTableTag::Range8.tuple(vec![self.byte.cur()]),
            fixed.table_exprs(),
        );
        cb.lookup(
            "copy: previous bytes are bytes",
            FixedTableTag::Range8.tuple(vec![self.prev_byte.cur()]),
            fixed.table_exprs(),
        );
        cb.build(meta, "copy rows", t.q_enable.cur());

        let mut ends = ConstraintBuilder::new();
        ends.when(self.q_first_row.cur(), |cb| {
            cb.require_equal(
                "copy: the region starts with a stream or nothing",
                active.clone(),
                t.is_first.cur(),
            );
        });
        ends.when(self.q_last_row.cur(), |cb| {
            cb.require_zero("copy: the region's last row is unused", active.clone());
        });
        ends.build(meta, "copy region ends", constant(1));
    }

    /// Constraints between a row and the next.
    fn configure_transitions<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>) {
        let t = &self.table;
        let mut cb = ConstraintBuilder::new();
        let (active, active_next) = (self.active.cur(), self.active.next());
        let first_next = t.is_first.next();
        cb.require_zero(
            "copy: a word is wholly in a stream or not",
            (constant(1) - self.q_word_end.cur()) * (active_next.clone() - active.clone()),
        );
        let continues = active_next.clone() * (constant(1) - first_next.clone());
        cb.require_zero(
            "copy: a stream's rows are contiguous",
            continues.clone() * (constant(1) - active.clone()),
        );
        cb.require_zero(
            "copy: a calldata word is wholly in the table or not",
            (constant(1) - self.q_word_end.cur())
                * t.calldata.cur()
                * (self.in_table.next() - self.in_table.cur()),
        );
        cb.require_equal(
            "copy: is_last marks a stream's last row",
            self.is_last.cur(),
            active * (constant(1) - active_next + first_next),
        );
        cb.when(continues, |cb| {
            for (name, column) in [
                ("copy: is_write constant", t.is_write),
                ("copy: tag constant", t.tag),
                ("copy: id constant", t.id),
                ("copy: field constant", t.field_tag),
                ("copy: index_in_key constant", t.index_in_key),
                ("copy: skip constant", t.skip),
                ("copy: len constant", t.len),
                ("copy: words constant", t.words),
                ("copy: zero_outside constant", t.zero_outside),
                ("copy: calldata constant", t.calldata),
                ("copy: code constant", t.code),
                ("copy: table_words constant", t.table_words),
                ("copy: rlc total constant", t.rlc_total),
            ] {
                cb.require_equal(name, column.next(), column.cur());
            }
            cb.require_zero(
                "copy: the window starts once",
                self.started.cur() * (constant(1) - self.started.next()),
            );
            cb.require_zero(
                "copy: the window ends once",
                self.ended.cur() * (constant(1) - self.ended.next()),
            );
            cb.require_zero(
                "copy: table words are a prefix",
                self.in_table.next() * (constant(1) - self.in_table.cur()),
            );
            // Calldata counts words (at their ends), code counts bytes (`q_code` is `in_table`
            // in a code stream and 0 elsewhere).
            let code_next = self.q_code.next();
            cb.require_equal(
                "copy: table words",
                self.table_count.next(),
                self.table_count.cur()
                    + code_next.clone()
                    + self.q_word_end.cur() * (self.in_table.next() - code_next),
            );
            let in_window_next = self.started.next() - self.ended.next();
            cb.require_equal(
                "copy: bytes before the window",
                self.before.next(),
                self.before.cur() + constant(1) - self.started.next(),
            );
            cb.require_equal(
                "copy: bytes in the window",
                self.count.next(),
                self.count.cur() + in_window_next.clone(),
            );
            let rlc = self.rlc.cur();
            cb.require_equal(
                "copy: window RLC",
                self.rlc.next(),
                rlc.clone()
                    + in_window_next * (rlc * (self.r.expr() - constant(1)) + self.byte.next()),
            );
            // Inside a word the location stays; at a word's end it moves to the next word.
            let word_end = self.q_word_end.cur();
            let index_in_key = t.index_in_key.cur();
            for (column, step) in [
                (t.rw_counter, word_end.clone()),
                (self.word_index, word_end.clone()),
                (t.address, word_end.clone() * (constant(1) - index_in_key.clone())),
                (t.key, word_end.clone() * index_in_key.clone()),
            ] {
                cb.require_equal("copy: next word", column.next(), column.cur() + step);
            }
        });
        cb.build(meta, "copy transitions", self.q_next.cur());
    }

    /// Each word's RW row: `(1, rw_counter, is_write, tag, id, address, field, key, 0, value,
    /// value_prev, 0)` with the value from the word's 32 byte rows.
    fn configure_rw_lookup<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>, rw: &RwTable) {
        let t = &self.table;
        let q = self.q_rw.cur();
        let inputs = [
            constant(1),
            t.rw_counter.cur(),
            t.is_write.cur(),
            t.tag.cur(),
            t.id.cur(),
            t.address.cur(),
            t.field_tag.cur(),
            t.key.cur(),
            constant(0),
            self.acc.cur(),
            self.acc.rot(-(HALF as i32)),
            self.prev_lo.cur(),
            self.prev_hi.cur(),
            constant(0),
            constant(0),
        ];
        let table = rw.table_exprs();
        meta.lookup_any("copy: word RW", move |_| {
            inputs.into_iter().map(|i| q.clone() * i).zip(table).collect()
        });
    }

    /// Each calldata word the table holds: `(1, id, address, value)` is a row of the calldata
    /// table keyed on its fixed enable (`id` is the transaction slot plus one; rows without a
    /// lookup match any row outside the table).
    fn configure_calldata_lookup<F: PrimeField>(
        &self,
        meta: &mut ConstraintSystem<F>,
        calldata: &CallDataTable,
    ) {
        let t = &self.table;
        let q = self.q_table.cur();
        let inputs = [
            constant(1),
            t.id.cur(),
            t.address.cur(),
            self.acc.cur(),
            self.acc.rot(-(HALF as i32)),
        ];
        let table = calldata.keyed_exprs();
        meta.lookup_any("copy: calldata word", move |_| {
            inputs.into_iter().map(|i| q.clone() * i).zip(table).collect()
        });
    }

    /// Each code byte the code holds: `(q_enable, is_byte, hash_lo, hash_hi, 32·word + position,
    /// byte)` is a row of the bytecode table with `q_enable` and `is_byte` set, a byte row of
    /// the bytecode region. The table side is of degree 1 (the lookup stays at degree 5); rows
    /// without a lookup match an all-zero row (one outside the bytecode region).
    fn configure_code_lookup<F: PrimeField>(
        &self,
        meta: &mut ConstraintSystem<F>,
        bytecode: &BytecodeTable,
    ) {
        let t = &self.table;
        let q = self.q_code.cur();
        let index = t.address.cur() * constant(WORD_BYTES) + self.byte_pos.cur();
        let inputs =
            [constant(1), constant(1), t.field_tag.cur(), t.key.cur(), index, self.byte.cur()];
        let table = [
            bytecode.q_enable.cur(),
            bytecode.is_byte.cur(),
            bytecode.hash_lo.cur(),
            bytecode.hash_hi.cur(),
            bytecode.index.cur(),
            bytecode.value.cur(),
        ];
        meta.lookup_any("copy: code byte", move |_| {
            inputs.into_iter().map(|i| q.clone() * i).zip(table).collect()
        });
    }

    fn zero_columns(&self) -> Vec<Column<Advice>> {
        let own = [
            self.active,
            self.is_last,
            self.q_rw,
            self.word_index,
            self.byte,
            self.acc,
            self.prev_lo,
            self.prev_hi,
            self.started,
            self.ended,
            self.before,
            self.count,
            self.in_table,
            self.q_code,
            self.q_table,
            self.table_count,
            self.prev_byte,
            self.prev_acc,
        ];
        self.table.first_phase_columns().into_iter().chain(own).collect()
    }
}
