//! The calldata table: the chunk's transaction inputs as 32-byte words,
//! `(tx_id + 1, word index, lo, hi)`, one row per word from row 1; row 0 and unused rows are
//! all zero.
//!
//! Words are big-endian like memory words (`hi` = bytes 0..16), the last word zero-padded.
//! The first column holds `tx_id + 1` so that no lookup of a real word can match an all-zero
//! row. Every cell is a public input (see [`crate::public`]): the verifier lays the table out
//! from the statement's calldata, so the prover chooses nothing here.

use alloy_primitives::U256;
use halo2_proofs::circuit::{Cell, Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression, Fixed};

use super::LookupTable;
use crate::challenges::compress_expr;
use crate::state::rw_row::word_limbs;

/// The calldata table's columns.
#[derive(Clone, Copy, Debug)]
pub struct CallDataTable {
    /// 1 on the rows the statement lays out (`1..=capacity`): every other row of the column
    /// is free, so no lookup may match it.
    pub q_enable: Column<Fixed>,
    /// Transaction slot plus one (0 in unused rows).
    pub tx: Column<Advice>,
    /// Word index in the calldata.
    pub index: Column<Advice>,
    /// Word, low 128 bits (bytes 16..32).
    pub value_lo: Column<Advice>,
    /// Word, high 128 bits (bytes 0..16).
    pub value_hi: Column<Advice>,
}

/// The words of `input`, big-endian, the last zero-padded.
pub fn calldata_words(input: &[u8]) -> Vec<U256> {
    input
        .chunks(32)
        .map(|chunk| {
            let mut word = [0u8; 32];
            word[..chunk.len()].copy_from_slice(chunk);
            U256::from_be_bytes(word)
        })
        .collect()
}

/// The table's rows `(tx + 1, index, word)` for the inputs of a chunk's transactions.
pub fn calldata_rows<'a>(inputs: impl IntoIterator<Item = &'a [u8]>) -> Vec<(u64, u64, U256)> {
    inputs
        .into_iter()
        .enumerate()
        .flat_map(|(slot, input)| {
            calldata_words(input)
                .into_iter()
                .enumerate()
                .map(move |(i, w)| (slot as u64 + 1, i as u64, w))
        })
        .collect()
}

impl CallDataTable {
    /// Allocates the columns, each able to be copied to the instance.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        let table = Self {
            q_enable: meta.fixed_column(),
            tx: meta.advice_column(),
            index: meta.advice_column(),
            value_lo: meta.advice_column(),
            value_hi: meta.advice_column(),
        };
        for column in [table.tx, table.index, table.value_lo, table.value_hi] {
            meta.enable_equality(column);
        }
        table
    }

    /// Rows for `capacity` words (the all-zero row included).
    pub fn rows(capacity: usize) -> usize {
        1 + capacity
    }

    /// Assigns `rows` (from [`calldata_rows`]) padded with zero rows to `capacity`, from
    /// row 0; returns every row's cells for the public inputs.
    pub fn assign<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        rows: &[(u64, u64, U256)],
        capacity: usize,
    ) -> Vec<[Cell; 4]> {
        (0..=capacity)
            .map(|row| {
                let (tx, index, word) = match row.checked_sub(1).and_then(|i| rows.get(i)) {
                    Some(&r) => r,
                    None => (0, 0, U256::ZERO),
                };
                if row > 0 {
                    region.assign_fixed(self.q_enable, row, F::ONE);
                }
                let (lo, hi) = word_limbs(word);
                let values = [F::from(tx), F::from(index), F::from_u128(lo), F::from_u128(hi)];
                let columns = [self.tx, self.index, self.value_lo, self.value_hi];
                let mut cells = columns.iter().zip(values).map(|(column, value)| {
                    region.assign_advice(*column, row, Value::known(value)).cell()
                });
                [(); 4].map(|_| cells.next().expect("four columns"))
            })
            .collect()
    }
}

impl CallDataTable {
    /// The tuple keyed on the fixed enable, `(q_enable, tx, index, lo, hi)`, for uncompressed
    /// lookups that ask for `(1, …)`.
    pub fn keyed_exprs<F: PrimeField>(&self) -> Vec<Expression<F>> {
        let mut exprs = vec![self.q_enable.cur()];
        exprs.extend(LookupTable::<F>::table_exprs(self));
        exprs
    }
}

impl<F: PrimeField> LookupTable<F> for CallDataTable {
    fn table_exprs(&self) -> Vec<Expression<F>> {
        vec![self.tx.cur(), self.index.cur(), self.value_lo.cur(), self.value_hi.cur()]
    }

    /// `q_enable · Σ θ^i·t_i`: zero on every row the statement does not lay out.
    fn compressed(&self, theta: &Expression<F>) -> Expression<F> {
        self.q_enable.cur() * compress_expr(&self.table_exprs(), theta)
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec!["calldata.tx", "calldata.index", "calldata.value_lo", "calldata.value_hi"]
    }
}
