//! Witness assignment of the copy circuit: the fixed layout, the streams' bytes, windows,
//! previous values and table flags (first phase), and the window RLCs (second phase).

use alloy_primitives::U256;
use halo2_proofs::circuit::{Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, Fixed};

use super::{CopyConfig, HALF, ROWS_PER_WORD};
use crate::copy::stream::WordStream;
use crate::error::CircuitError;
use crate::state::rw_row::word_limbs;

impl CopyConfig {
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
        let needed = crate::copy::stream_words(streams);
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
