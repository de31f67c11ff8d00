//! The block table: `(field, index, value_lo, value_hi)`. `field` and `index` are fixed, a fixed
//! enable marks the table's rows (lookups match nothing past them); the
//! values are the block context, part of the statement a proof binds (copied to the public
//! inputs, [`crate::public`]).
//!
//! Rows, after the all-zero one:
//! - one per [`BlockField`], of index 0;
//! - [`BLOCKHASH_DEPTH`] rows of field [`BLOCKHASH_FIELD`] and index `d` in `1..=256`, holding
//!   the hash of block `NUMBER − d` (0 where the statement gives none: `d > NUMBER`).

use alloy_primitives::U256;
use halo2_proofs::circuit::{Cell, Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression, Fixed};
use zkevm_trace::trace::BlockContext;

use super::LookupTable;
use crate::challenges::compress_expr;
use crate::public::BlockStatement;
use crate::state::rw_row::word_limbs;

/// Fields of the block table (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BlockField {
    /// COINBASE.
    Coinbase = 0x41,
    /// TIMESTAMP.
    Timestamp = 0x42,
    /// NUMBER.
    Number = 0x43,
    /// PREVRANDAO.
    PrevRandao = 0x44,
    /// GASLIMIT.
    GasLimit = 0x45,
    /// BASEFEE.
    BaseFee = 0x48,
    /// CHAINID.
    ChainId = 0x46,
    /// BLOBBASEFEE.
    BlobBaseFee = 0x4a,
}

impl BlockField {
    /// Every field, in row order.
    pub const ALL: [BlockField; 8] = [
        BlockField::Coinbase,
        BlockField::Timestamp,
        BlockField::Number,
        BlockField::PrevRandao,
        BlockField::GasLimit,
        BlockField::BaseFee,
        BlockField::ChainId,
        BlockField::BlobBaseFee,
    ];
}

/// The `field` of the BLOCKHASH rows (its opcode).
pub const BLOCKHASH_FIELD: u64 = 0x40;

/// The `field` of the chunk's one context row: the gas the block's transactions used before
/// the chunk (not an opcode: every opcode's field is a byte, so no opcode reads it).
pub const GAS_USED_BEFORE_FIELD: u64 = 0x100;

/// How many previous blocks BLOCKHASH can see.
pub const BLOCKHASH_DEPTH: usize = 256;

/// The table's rows after the all-zero one, `(field, index, value)`, in order: the block's
/// fields, its previous hashes, and the gas its transactions used before the chunk.
pub fn block_rows(block: &BlockStatement, gas_used_before: u64) -> Vec<(u64, u64, U256)> {
    let fields = BlockField::ALL.iter().map(|field| (*field as u64, 0, block.field(*field)));
    let hashes = (1..=BLOCKHASH_DEPTH).map(|depth| {
        let hash = block.previous_hashes.get(depth - 1).copied().unwrap_or_default();
        (BLOCKHASH_FIELD, depth as u64, U256::from_be_bytes(hash.0))
    });
    let chunk = std::iter::once((GAS_USED_BEFORE_FIELD, 0, U256::from(gas_used_before)));
    fields.chain(hashes).chain(chunk).collect()
}

/// The block table's columns.
#[derive(Clone, Copy, Debug)]
pub struct BlockTable {
    /// 1 on the rows of fields and hashes (not on the all-zero row 0 or past the table).
    pub q_enable: Column<Fixed>,
    /// [`BlockField`] or [`BLOCKHASH_FIELD`] (fixed; 0 in the all-zero row).
    pub field: Column<Fixed>,
    /// 0 for a [`BlockField`], the depth `d` for a BLOCKHASH row (fixed).
    pub index: Column<Fixed>,
    /// Value, low 128 bits.
    pub value_lo: Column<Advice>,
    /// Value, high 128 bits.
    pub value_hi: Column<Advice>,
}

impl BlockTable {
    /// Allocates the columns.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        Self {
            q_enable: meta.fixed_column(),
            field: meta.fixed_column(),
            index: meta.fixed_column(),
            value_lo: meta.advice_column(),
            value_hi: meta.advice_column(),
        }
    }

    /// Rows the table occupies.
    pub fn rows() -> usize {
        1 + BlockField::ALL.len() + BLOCKHASH_DEPTH + 1
    }

    /// Assigns the block's rows from row 0; returns the `(lo, hi)` value cells of every row,
    /// the all-zero row first.
    pub fn assign<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        block: &BlockContext,
    ) -> Vec<[Cell; 2]> {
        let zero = Value::known(F::ZERO);
        let mut cells = vec![[
            region.assign_advice(self.value_lo, 0, zero).cell(),
            region.assign_advice(self.value_hi, 0, zero).cell(),
        ]];
        for (i, (field, index, value)) in
            block_rows(&BlockStatement::of(block), block.gas_used_before).into_iter().enumerate()
        {
            let (lo, hi) = word_limbs(value);
            region.assign_fixed(self.q_enable, i + 1, F::ONE);
            region.assign_fixed(self.field, i + 1, F::from(field));
            region.assign_fixed(self.index, i + 1, F::from(index));
            cells.push([
                region.assign_advice(self.value_lo, i + 1, Value::known(F::from_u128(lo))).cell(),
                region.assign_advice(self.value_hi, i + 1, Value::known(F::from_u128(hi))).cell(),
            ]);
        }
        cells
    }
}

impl<F: PrimeField> LookupTable<F> for BlockTable {
    fn table_exprs(&self) -> Vec<Expression<F>> {
        vec![self.field.cur(), self.index.cur(), self.value_lo.cur(), self.value_hi.cur()]
    }

    /// `q_enable · Σ θ^i·t_i`: rows past the table's end (fixed keys `(0, 0)`, free values)
    /// are zero, so a lookup of `(0, 0, v)` matches them only for `v = 0`.
    fn compressed(&self, theta: &Expression<F>) -> Expression<F> {
        self.q_enable.cur() * compress_expr(&self.table_exprs(), theta)
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec!["block.field", "block.index", "block.value_lo", "block.value_hi"]
    }
}
