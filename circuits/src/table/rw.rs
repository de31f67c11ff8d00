//! The RW table: the state circuit's rows, sorted by location and then `rw_counter`, which the
//! EVM circuit looks its reads and writes up in.
//!
//! Tuple: `(enabled, rw_counter, is_write, tag, id, address, field_tag, key_lo, key_hi,
//! value_lo, value_hi, value_prev_lo, value_prev_hi, aux_lo, aux_hi)`. `enabled` is a fixed
//! column that is 1 on the state region's rows but its first, so an enabled lookup asks for
//! `(1, …)` and can match only rows the state circuit constrains; row 0 is all zero, the row a
//! disabled lookup matches. Row meanings: [`crate::state::rw_row`].

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression, Fixed};

use super::LookupTable;
use crate::challenges::compress_expr;

/// The RW table's columns.
#[derive(Clone, Copy, Debug)]
pub struct RwTable {
    /// 1 on every state row but the first.
    pub q_enable: Column<Fixed>,
    /// Position in the chronological RW log.
    pub rw_counter: Column<Advice>,
    /// 1 for a write.
    pub is_write: Column<Advice>,
    /// [`crate::state::RwTag`].
    pub tag: Column<Advice>,
    /// Call or transaction index.
    pub id: Column<Advice>,
    /// Account, stack pointer, word address or log id.
    pub address: Column<Advice>,
    /// Field of the location.
    pub field_tag: Column<Advice>,
    /// Storage slot or log index, low 128 bits.
    pub key_lo: Column<Advice>,
    /// Storage slot or log index, high 128 bits.
    pub key_hi: Column<Advice>,
    /// Value, low 128 bits.
    pub value_lo: Column<Advice>,
    /// Value, high 128 bits.
    pub value_hi: Column<Advice>,
    /// Previous value (writes) or the value (reads), low 128 bits.
    pub value_prev_lo: Column<Advice>,
    /// Previous value, high 128 bits.
    pub value_prev_hi: Column<Advice>,
    /// Storage committed value, low 128 bits.
    pub aux_lo: Column<Advice>,
    /// Storage committed value, high 128 bits.
    pub aux_hi: Column<Advice>,
}

impl RwTable {
    /// Allocates the columns.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        let q_enable = meta.fixed_column();
        let mut advice = || meta.advice_column();
        Self {
            q_enable,
            rw_counter: advice(),
            is_write: advice(),
            tag: advice(),
            id: advice(),
            address: advice(),
            field_tag: advice(),
            key_lo: advice(),
            key_hi: advice(),
            value_lo: advice(),
            value_hi: advice(),
            value_prev_lo: advice(),
            value_prev_hi: advice(),
            aux_lo: advice(),
            aux_hi: advice(),
        }
    }

    /// The advice columns in tuple order.
    pub fn advice_columns(&self) -> [Column<Advice>; 14] {
        [
            self.rw_counter,
            self.is_write,
            self.tag,
            self.id,
            self.address,
            self.field_tag,
            self.key_lo,
            self.key_hi,
            self.value_lo,
            self.value_hi,
            self.value_prev_lo,
            self.value_prev_hi,
            self.aux_lo,
            self.aux_hi,
        ]
    }
}

impl<F: PrimeField> LookupTable<F> for RwTable {
    fn table_exprs(&self) -> Vec<Expression<F>> {
        std::iter::once(self.q_enable.cur())
            .chain(self.advice_columns().iter().map(|c| c.cur()))
            .collect()
    }

    /// `q_enable · Σ θ^i·t_i`: zero outside the state region, whatever its free cells hold.
    fn compressed(&self, theta: &Expression<F>) -> Expression<F> {
        self.q_enable.cur() * compress_expr(&self.table_exprs(), theta)
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec![
            "rw.enabled",
            "rw.rw_counter",
            "rw.is_write",
            "rw.tag",
            "rw.id",
            "rw.address",
            "rw.field_tag",
            "rw.key_lo",
            "rw.key_hi",
            "rw.value_lo",
            "rw.value_hi",
            "rw.value_prev_lo",
            "rw.value_prev_hi",
            "rw.aux_lo",
            "rw.aux_hi",
        ]
    }
}
