//! The copy circuit's lookup table ([`CopyTable`], read on a stream's first row) and the claim
//! a step looks up in it ([`StreamClaim`]).

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, Expression, Fixed};

use crate::challenges::compress_expr;
use crate::constraint_builder::constant;
use crate::table::LookupTable;

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
    pub(super) fn first_phase_columns(&self) -> [Column<Advice>; 16] {
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
