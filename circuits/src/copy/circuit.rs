//! Columns, constraints and assignment of the copy circuit (see the [module docs](super)).

use alloy_primitives::U256;
use halo2_proofs::circuit::{Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{
    Advice, Challenge, Column, ConstraintSystem, Expression, Fixed, SecondPhase,
};

use super::stream::{WordStream, WORD_BYTES};
use crate::bytecode::BytecodeTable;
use crate::challenges::compress_expr;
use crate::constraint_builder::{constant, ConstraintBuilder};
use crate::error::CircuitError;
use crate::state::rw_row::word_limbs;
use crate::table::{CallDataTable, FixedTable, FixedTableTag, LookupTable, RwTable};

const ROWS_PER_WORD: usize = WORD_BYTES as usize;
const HALF: usize = ROWS_PER_WORD / 2;

/// The columns other circuits look a stream up in (all read on a stream's first row).
#[derive(Clone, Copy, Debug)]
pub struct CopyTable {
    /// 1 on the copy region's rows.
    pub q_enable: Column<Fixed>,
    /// 1 on a stream's first row.
    pub is_first: Column<Advice>,
    /// The first word's RW counter (then one more per word).
    pub rw_counter: Column<Advice>,
    /// Reads or writes.
    pub is_write: Column<Advice>,
    /// RW tag.
    pub tag: Column<Advice>,
    /// RW id.
    pub id: Column<Advice>,
    /// RW address (the word address of memory: one more per word unless `index_in_key`).
    pub address: Column<Advice>,
    /// RW field tag.
    pub field_tag: Column<Advice>,
    /// RW key (the data word index of a log: one more per word when `index_in_key`).
    pub key: Column<Advice>,
    /// Whether the word index is the key.
    pub index_in_key: Column<Advice>,
    /// Bytes before the window.
    pub skip: Column<Advice>,
    /// Bytes in the window.
    pub len: Column<Advice>,
    /// Words in the stream.
    pub words: Column<Advice>,
    /// Whether bytes outside the window are zero.
    pub zero_outside: Column<Advice>,
    /// Whether the words are the transaction's calldata words (from the calldata table, `id`
    /// the transaction slot plus one, `address` the word index) rather than RWs.
    pub calldata: Column<Advice>,
    /// Whether the words are bytes of a code (from the bytecode table: `field_tag` and `key`
    /// hold the code hash's low and high limbs, `address` the word index in the code) rather
    /// than RWs.
    pub code: Column<Advice>,
    /// Of a calldata stream, how many leading words the table holds; of a code stream, how
    /// many leading bytes the code holds; the rest are zero.
    pub table_words: Column<Advice>,
    /// RLC of the window's bytes (second phase).
    pub rlc_total: Column<Advice>,
}

impl<F: PrimeField> LookupTable<F> for CopyTable {
    fn table_exprs(&self) -> Vec<Expression<F>> {
        let q = self.q_enable.cur();
        self.first_phase_columns()
            .iter()
            .chain(std::iter::once(&self.rlc_total))
            .map(|c| q.clone() * c.cur())
            .collect()
    }

    /// The first-phase entries compressed (each already multiplied by the enable).
    fn compressed(&self, theta: &Expression<F>) -> Expression<F> {
        let q = self.q_enable.cur();
        let tuple: Vec<Expression<F>> =
            self.first_phase_columns().iter().map(|c| q.clone() * c.cur()).collect();
        compress_expr(&tuple, theta)
    }

    /// The stream's RLC (second phase, last in the tuple), zero outside the region.
    fn late_entry(&self) -> Option<(usize, Expression<F>)> {
        Some((self.first_phase_columns().len(), self.q_enable.cur() * self.rlc_total.cur()))
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec![
            "copy.is_first",
            "copy.rw_counter",
            "copy.is_write",
            "copy.tag",
            "copy.id",
            "copy.address",
            "copy.field_tag",
            "copy.key",
            "copy.index_in_key",
            "copy.skip",
            "copy.len",
            "copy.words",
            "copy.zero_outside",
            "copy.calldata",
            "copy.code",
            "copy.table_words",
            "copy.rlc",
        ]
    }
}

impl CopyTable {
    /// The first-phase columns in tuple order (the RLC total, second phase, comes last).
    fn first_phase_columns(&self) -> [Column<Advice>; 16] {
        [
            self.is_first,
            self.rw_counter,
            self.is_write,
            self.tag,
            self.id,
            self.address,
            self.field_tag,
            self.key,
            self.index_in_key,
            self.skip,
            self.len,
            self.words,
            self.zero_outside,
            self.calldata,
            self.code,
            self.table_words,
        ]
    }
}

/// What a step asks of a stream (the tuple it looks up).
#[derive(Clone, Debug)]
pub struct StreamClaim<F: PrimeField> {
    /// RW counter of the first word.
    pub rw_counter: Expression<F>,
    /// Reads (0) or writes (1).
    pub is_write: Expression<F>,
    /// RW tag.
    pub tag: Expression<F>,
    /// RW id.
    pub id: Expression<F>,
    /// RW address of the first word.
    pub address: Expression<F>,
    /// RW field tag.
    pub field_tag: Expression<F>,
    /// RW key of the first word.
    pub key: Expression<F>,
    /// Whether the word index is the key.
    pub index_in_key: Expression<F>,
    /// Bytes before the window.
    pub skip: Expression<F>,
    /// Bytes in the window.
    pub len: Expression<F>,
    /// Words.
    pub words: Expression<F>,
    /// Whether bytes outside the window are zero.
    pub zero_outside: Expression<F>,
    /// Whether the words come from the calldata table (then no RW is made).
    pub calldata: Expression<F>,
    /// Whether the words are bytes of the code whose hash is `(field_tag, key)`.
    pub code: Expression<F>,
    /// Leading words the calldata table holds, or leading bytes the code holds (0 for RW
    /// streams).
    pub table_words: Expression<F>,
    /// RLC of the window.
    pub rlc: Expression<F>,
}

impl<F: PrimeField> StreamClaim<F> {
    /// The lookup tuple, in [`CopyTable`] order.
    pub fn tuple(self) -> Vec<Expression<F>> {
        vec![
            constant(1),
            self.rw_counter,
            self.is_write,
            self.tag,
            self.id,
            self.address,
            self.field_tag,
            self.key,
            self.index_in_key,
            self.skip,
            self.len,
            self.words,
            self.zero_outside,
            self.calldata,
            self.code,
            self.table_words,
            self.rlc,
        ]
    }
}

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

    /// Rows for `words` stream words (one spare row at the end).
    pub fn rows(words: usize) -> usize {
        words * ROWS_PER_WORD + 1
    }

    /// Assigns the first phase: `streams` from row 0 in a region of `capacity` words.
    pub fn assign_first_phase<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        streams: &[WordStream],
        capacity: usize,
    ) -> Result<(), CircuitError> {
        let needed = super::stream_words(streams);
        if needed > capacity {
            return Err(CircuitError::CapacityExceeded { what: "copy words", needed, capacity });
        }
        let rows = Self::rows(capacity);
        for row in 0..rows {
            let pos = row % ROWS_PER_WORD;
            let mut fixed =
                |c: Column<Fixed>, v: bool| region.assign_fixed(c, row, F::from(v as u64));
            fixed(self.table.q_enable, true);
            fixed(self.q_first_row, row == 0);
            fixed(self.q_last_row, row == rows - 1);
            fixed(self.q_next, row < rows - 1);
            fixed(self.q_word_start, pos == 0);
            fixed(self.q_word_end, pos == ROWS_PER_WORD - 1);
            fixed(self.q_limb_start, pos.is_multiple_of(HALF));
            region.assign_fixed(self.byte_pos, row, F::from(pos as u64));
        }
        let known = |v: u64| Value::known(F::from(v));
        let mut row = 0;
        for stream in streams {
            let bytes = stream.bytes();
            let first = &stream.rows[0];
            let (mut started, mut ended, mut before, mut count) = (false, false, 0u64, 0u64);
            let (mut acc, mut prev_acc, mut table_count) = (F::ZERO, F::ZERO, 0u64);
            for (i, byte) in bytes.iter().enumerate() {
                let word = &stream.rows[i / ROWS_PER_WORD];
                let pos = i % ROWS_PER_WORD;
                started |= i as u64 == stream.skip;
                ended |= i as u64 == stream.skip + stream.len;
                before += !started as u64;
                count += stream.in_window(i) as u64;
                let t = &self.table;
                let mut advice = |c: Column<Advice>, v: Value<F>| {
                    region.assign_advice(c, row, v);
                };
                advice(self.active, known(1));
                advice(t.is_first, known((i == 0) as u64));
                advice(self.is_last, known((i == bytes.len() - 1) as u64));
                let reads_rw = !stream.calldata && stream.code.is_none();
                advice(self.q_rw, known((pos == ROWS_PER_WORD - 1 && reads_rw) as u64));
                advice(t.rw_counter, known(word.rw_counter));
                advice(t.is_write, known(first.is_write as u64));
                advice(t.tag, known(first.tag as u64));
                advice(t.id, known(first.id));
                advice(t.address, Value::known(u256_to_field(word.address)));
                match stream.code {
                    Some(hash) => {
                        let (lo, hi) = word_limbs(U256::from_be_bytes(hash.0));
                        advice(t.field_tag, Value::known(F::from_u128(lo)));
                        advice(t.key, Value::known(F::from_u128(hi)));
                    }
                    None => {
                        advice(t.field_tag, known(first.field_tag));
                        advice(t.key, Value::known(u256_to_field(word.key)));
                    }
                }
                advice(t.index_in_key, known(stream.index_in_key as u64));
                advice(t.skip, known(stream.skip));
                advice(t.len, known(stream.len));
                advice(t.words, known(stream.rows.len() as u64));
                advice(t.zero_outside, known(stream.zero_outside as u64));
                advice(t.calldata, known(stream.calldata as u64));
                advice(t.code, known(stream.code.is_some() as u64));
                advice(t.table_words, known(stream.table_words));
                let word_index = (i / ROWS_PER_WORD) as u64;
                let in_code = stream.code.is_some() && (i as u64) < stream.table_words;
                let in_calldata = stream.calldata && word_index < stream.table_words;
                table_count += (in_code || (in_calldata && pos == 0)) as u64;
                advice(self.in_table, known((in_calldata || in_code) as u64));
                advice(self.q_code, known(in_code as u64));
                advice(self.q_table, known((in_calldata && pos == ROWS_PER_WORD - 1) as u64));
                advice(self.table_count, known(table_count));
                let prev_byte = word.value_prev.to_be_bytes::<32>()[pos];
                advice(self.prev_byte, known(prev_byte as u64));
                prev_acc = if pos.is_multiple_of(HALF) { F::ZERO } else { prev_acc * F::from(256) }
                    + F::from(prev_byte as u64);
                advice(self.prev_acc, Value::known(prev_acc));
                advice(self.word_index, known((i / ROWS_PER_WORD + 1) as u64));
                advice(self.byte, known(*byte as u64));
                acc = if pos.is_multiple_of(HALF) { F::ZERO } else { acc * F::from(256) }
                    + F::from(*byte as u64);
                advice(self.acc, Value::known(acc));
                let (lo, hi) = word_limbs(word.value_prev);
                let at_end = pos == ROWS_PER_WORD - 1;
                advice(self.prev_lo, Value::known(if at_end { F::from_u128(lo) } else { F::ZERO }));
                advice(self.prev_hi, Value::known(if at_end { F::from_u128(hi) } else { F::ZERO }));
                advice(self.started, known(started as u64));
                advice(self.ended, known(ended as u64));
                advice(self.before, known(before));
                advice(self.count, known(count));
                row += 1;
            }
        }
        for row in row..Self::rows(capacity) {
            for column in self.zero_columns() {
                region.assign_advice(column, row, Value::known(F::ZERO));
            }
        }
        Ok(())
    }

    /// The first-phase column named `name` (for tests that tamper with it).
    #[cfg(test)]
    pub(crate) fn column(&self, name: &str) -> Column<Advice> {
        match name {
            "byte" => self.byte,
            "acc" => self.acc,
            "started" => self.started,
            "ended" => self.ended,
            "before" => self.before,
            "count" => self.count,
            "is_last" => self.is_last,
            "active" => self.active,
            "skip" => self.table.skip,
            "rw_counter" => self.table.rw_counter,
            "word_index" => self.word_index,
            "prev_lo" => self.prev_lo,
            "prev_byte" => self.prev_byte,
            "in_table" => self.in_table,
            other => panic!("no copy column {other}"),
        }
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

    /// Assigns the second phase (the RLC columns) with challenge value `r`.
    pub fn assign_second_phase<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        streams: &[WordStream],
        capacity: usize,
        r: Value<F>,
    ) {
        let mut row = 0;
        for stream in streams {
            let total = rlc_value(&stream.window(), r);
            let mut acc = Value::known(F::ZERO);
            for (i, byte) in stream.bytes().iter().enumerate() {
                if stream.in_window(i) {
                    acc = acc.zip(r).map(|(acc, r)| acc * r + F::from(*byte as u64));
                }
                region.assign_advice(self.rlc, row, acc);
                region.assign_advice(self.table.rlc_total, row, total);
                row += 1;
            }
        }
        for row in row..Self::rows(capacity) {
            region.assign_advice(self.rlc, row, Value::known(F::ZERO));
            region.assign_advice(self.table.rlc_total, row, Value::known(F::ZERO));
        }
    }
}

/// `Σ b_i·r^(n−1−i)`: the RLC of `bytes` as the keccak table and the copy circuit hold it.
pub fn rlc_value<F: PrimeField>(bytes: &[u8], r: Value<F>) -> Value<F> {
    bytes.iter().fold(Value::known(F::ZERO), |acc, b| {
        acc.zip(r).map(|(acc, r)| acc * r + F::from(*b as u64))
    })
}

/// A number below `2^254` as a field element.
fn u256_to_field<F: PrimeField>(value: U256) -> F {
    let (lo, hi) = word_limbs(value);
    F::from_u128(lo) + F::from_u128(hi) * F::from_u128(1 << 64) * F::from_u128(1 << 64)
}
