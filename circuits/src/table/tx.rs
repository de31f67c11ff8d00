//! The transaction table: `(tx_id, field, value_lo, value_hi)`, one row per field of each
//! transaction slot. `tx_id` and `field` are fixed columns, so the layout (and the verifying
//! key) depends only on the number of slots; the values are the chunk's transactions, part of
//! the statement a proof binds (copied to the public inputs, [`crate::public`]).

use alloy_primitives::U256;
use halo2_proofs::circuit::{Cell, Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression, Fixed};
use zkevm_trace::trace::TxTrace;

use super::LookupTable;
use crate::challenges::compress_expr;
use crate::state::rw_row::word_limbs;

/// Fields of a transaction row (1-based: the all-zero row is nobody's field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TxField {
    /// Sender nonce.
    Nonce = 1,
    /// Gas limit.
    GasLimit = 2,
    /// Price per gas actually paid (EIP-1559: base fee plus the capped tip).
    EffectiveGasPrice = 3,
    /// Most the sender offers per gas (the gas price of a legacy transaction).
    MaxFeePerGas = 4,
    /// Sender.
    Caller = 5,
    /// Recipient (0 for a creation).
    Callee = 6,
    /// 1 for a contract creation.
    IsCreate = 7,
    /// Value sent.
    Value = 8,
    /// Calldata length.
    CallDataLength = 9,
    /// Gas of the calldata: 4 per zero byte, 16 per other byte.
    CallDataGasCost = 10,
    /// Number of access-list entries (addresses plus storage keys).
    AccessListLength = 11,
    /// Most the sender tips per gas (EIP-1559; the gas price of a legacy transaction).
    MaxPriorityFeePerGas = 12,
}

impl TxField {
    /// Every field, in row order.
    pub const ALL: [TxField; 12] = [
        TxField::Nonce,
        TxField::GasLimit,
        TxField::EffectiveGasPrice,
        TxField::MaxFeePerGas,
        TxField::Caller,
        TxField::Callee,
        TxField::IsCreate,
        TxField::Value,
        TxField::CallDataLength,
        TxField::CallDataGasCost,
        TxField::AccessListLength,
        TxField::MaxPriorityFeePerGas,
    ];

    /// The field's value for `tx` (as the statement states it).
    pub fn value(self, tx: &TxTrace) -> U256 {
        crate::public::TxStatement::of(tx).field(self)
    }
}

/// The transaction table's columns.
#[derive(Clone, Copy, Debug)]
pub struct TxTable {
    /// 1 on the rows of transaction fields (not on the all-zero row 0 or past the table).
    pub q_enable: Column<Fixed>,
    /// Transaction slot (fixed).
    pub tx_id: Column<Fixed>,
    /// [`TxField`] (fixed; 0 in the all-zero row).
    pub field: Column<Fixed>,
    /// Value, low 128 bits.
    pub value_lo: Column<Advice>,
    /// Value, high 128 bits.
    pub value_hi: Column<Advice>,
}

impl TxTable {
    /// Allocates the columns.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        Self {
            q_enable: meta.fixed_column(),
            tx_id: meta.fixed_column(),
            field: meta.fixed_column(),
            value_lo: meta.advice_column(),
            value_hi: meta.advice_column(),
        }
    }

    /// Rows for `slots` transactions (the all-zero row included).
    pub fn rows(slots: usize) -> usize {
        1 + slots * TxField::ALL.len()
    }

    /// Assigns `txs` into `slots` slots from row 0 (missing transactions are zero); returns
    /// the `(lo, hi)` value cells of every row, the all-zero row first.
    pub fn assign<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        txs: &[TxTrace],
        slots: usize,
    ) -> Vec<[Cell; 2]> {
        let zero = Value::known(F::ZERO);
        let mut cells = vec![[
            region.assign_advice(self.value_lo, 0, zero).cell(),
            region.assign_advice(self.value_hi, 0, zero).cell(),
        ]];
        let mut row = 1;
        for slot in 0..slots {
            for field in TxField::ALL {
                region.assign_fixed(self.q_enable, row, F::ONE);
                region.assign_fixed(self.tx_id, row, F::from(slot as u64));
                region.assign_fixed(self.field, row, F::from(field as u64));
                let (lo, hi) =
                    txs.get(slot).map(|tx| word_limbs(field.value(tx))).unwrap_or_default();
                cells.push([
                    region.assign_advice(self.value_lo, row, Value::known(F::from_u128(lo))).cell(),
                    region.assign_advice(self.value_hi, row, Value::known(F::from_u128(hi))).cell(),
                ]);
                row += 1;
            }
        }
        cells
    }
}

impl<F: PrimeField> LookupTable<F> for TxTable {
    fn table_exprs(&self) -> Vec<Expression<F>> {
        vec![self.tx_id.cur(), self.field.cur(), self.value_lo.cur(), self.value_hi.cur()]
    }

    /// `q_enable · Σ θ^i·t_i`: rows past the table's end are zero whatever they hold.
    fn compressed(&self, theta: &Expression<F>) -> Expression<F> {
        self.q_enable.cur() * compress_expr(&self.table_exprs(), theta)
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec!["tx.tx_id", "tx.field", "tx.value_lo", "tx.value_hi"]
    }
}
