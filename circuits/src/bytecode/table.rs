//! The bytecode table: `(tag, hash_lo, hash_hi, index, value, is_code)`.
//!
//! `tag` is [`BytecodeTag::Header`] (then `value` is the code length) or [`BytecodeTag::Byte`];
//! it is multiplied by the circuit's fixed enable column, so rows outside the bytecode region
//! have tag 0 and can match no enabled lookup.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression, Fixed};

use crate::challenges::compress_expr;
use crate::constraint_builder::constant;
use crate::table::LookupTable;

/// Row kinds of the bytecode table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BytecodeTag {
    /// The code's first row: `value` is its length.
    Header = 1,
    /// One byte of the code.
    Byte = 2,
}

impl BytecodeTag {
    /// The tag as a constant expression.
    pub fn expr<F: PrimeField>(self) -> Expression<F> {
        constant(self as u64)
    }
}

/// The bytecode table's columns.
#[derive(Clone, Copy, Debug)]
pub struct BytecodeTable {
    /// 1 on the rows of the bytecode region.
    pub q_enable: Column<Fixed>,
    /// 1 on header rows.
    pub is_header: Column<Advice>,
    /// 1 on byte rows.
    pub is_byte: Column<Advice>,
    /// Code hash bytes 16..32, big-endian.
    pub hash_lo: Column<Advice>,
    /// Code hash bytes 0..16, big-endian.
    pub hash_hi: Column<Advice>,
    /// Byte index (0 on the header).
    pub index: Column<Advice>,
    /// The byte, or the code length on the header.
    pub value: Column<Advice>,
    /// 1 if the byte is an opcode, 0 if it is push data.
    pub is_code: Column<Advice>,
}

impl BytecodeTable {
    /// Allocates the columns.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        let q_enable = meta.fixed_column();
        let mut advice = || meta.advice_column();
        Self {
            q_enable,
            is_header: advice(),
            is_byte: advice(),
            hash_lo: advice(),
            hash_hi: advice(),
            index: advice(),
            value: advice(),
            is_code: advice(),
        }
    }

    /// The row's tag: header 1, byte 2, else 0.
    pub fn tag<F: PrimeField>(&self) -> Expression<F> {
        self.q_enable.cur() * self.unguarded_tag()
    }

    /// The tag on a row of the region (`is_header + 2·is_byte`).
    fn unguarded_tag<F: PrimeField>(&self) -> Expression<F> {
        self.is_header.cur() * BytecodeTag::Header.expr()
            + self.is_byte.cur() * BytecodeTag::Byte.expr()
    }
}

impl<F: PrimeField> LookupTable<F> for BytecodeTable {
    fn table_exprs(&self) -> Vec<Expression<F>> {
        vec![
            self.tag(),
            self.hash_lo.cur(),
            self.hash_hi.cur(),
            self.index.cur(),
            self.value.cur(),
            self.is_code.cur(),
        ]
    }

    /// `q_enable · Σ θ^i·t_i` over the unguarded tag: zero outside the bytecode region.
    fn compressed(&self, theta: &Expression<F>) -> Expression<F> {
        let tuple = [
            self.unguarded_tag(),
            self.hash_lo.cur(),
            self.hash_hi.cur(),
            self.index.cur(),
            self.value.cur(),
            self.is_code.cur(),
        ];
        self.q_enable.cur() * compress_expr(&tuple, theta)
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec![
            "bytecode.tag",
            "bytecode.hash_lo",
            "bytecode.hash_hi",
            "bytecode.index",
            "bytecode.value",
            "bytecode.is_code",
        ]
    }
}
