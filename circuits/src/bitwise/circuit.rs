//! Columns, constraints and assignment of the bitwise circuit (see the [module docs](super)).

use alloy_primitives::U256;
use halo2_proofs::circuit::{Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression, Fixed};

use super::ROWS_PER_OP;
use crate::constraint_builder::{constant, ConstraintBuilder};
use crate::error::CircuitError;
use crate::table::{FixedTable, FixedTableTag, LookupTable};

/// A bitwise operation of the EVM: its number in the table is `opcode − 0x15`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BitwiseOp {
    /// AND (0x16).
    And = 1,
    /// OR (0x17).
    Or = 2,
    /// XOR (0x18).
    Xor = 3,
}

impl BitwiseOp {
    /// The operation of `opcode`, if it is AND, OR or XOR.
    pub fn of_opcode(opcode: u8) -> Option<Self> {
        match opcode {
            0x16 => Some(Self::And),
            0x17 => Some(Self::Or),
            0x18 => Some(Self::Xor),
            _ => None,
        }
    }

    /// The result.
    pub fn apply(self, a: U256, b: U256) -> U256 {
        match self {
            Self::And => a & b,
            Self::Or => a | b,
            Self::Xor => a ^ b,
        }
    }
}

/// The columns other circuits look `(op, a, b, c)` up in.
#[derive(Clone, Copy, Debug)]
pub struct BitwiseTable {
    /// 1 on a block's last row.
    pub q_last: Column<Fixed>,
    /// The operation.
    pub op: Column<Advice>,
    /// Accumulators of `a`, `b`, `c`.
    pub acc: [Column<Advice>; 3],
}

impl<F: PrimeField> LookupTable<F> for BitwiseTable {
    fn table_exprs(&self) -> Vec<Expression<F>> {
        let q = self.q_last.cur();
        let high = |c: Column<Advice>| q.clone() * c.rot(-(ROWS_PER_OP as i32 / 2));
        let low = |c: Column<Advice>| q.clone() * c.cur();
        vec![
            q.clone(),
            q.clone() * self.op.cur(),
            high(self.acc[0]),
            low(self.acc[0]),
            high(self.acc[1]),
            low(self.acc[1]),
            high(self.acc[2]),
            low(self.acc[2]),
        ]
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec!["bitwise.q_last", "bitwise.op", "a_hi", "a_lo", "b_hi", "b_lo", "c_hi", "c_lo"]
    }
}

impl BitwiseTable {
    /// The tuple asking that `c = a op b` (words as `(lo, hi)` limbs).
    pub fn lookup_tuple<F: PrimeField>(
        op: Expression<F>,
        a: [Expression<F>; 2],
        b: [Expression<F>; 2],
        c: [Expression<F>; 2],
    ) -> Vec<Expression<F>> {
        let [a_lo, a_hi] = a;
        let [b_lo, b_hi] = b;
        let [c_lo, c_hi] = c;
        vec![constant(1), op, a_hi, a_lo, b_hi, b_lo, c_hi, c_lo]
    }
}

/// The bitwise circuit's columns.
#[derive(Clone, Copy, Debug)]
pub struct BitwiseConfig {
    /// The table it exposes.
    pub table: BitwiseTable,
    q_enable: Column<Fixed>,
    q_first: Column<Fixed>,
    q_limb_start: Column<Fixed>,
    a: Column<Advice>,
    b: Column<Advice>,
    and: Column<Advice>,
    c: Column<Advice>,
}

/// The Lagrange indicator of `op = k` over `{0, 1, 2, 3}`.
fn indicator<F: PrimeField>(op: Expression<F>, k: u64) -> Expression<F> {
    let mut numerator = constant(1);
    let mut denominator = F::ONE;
    for j in (0..4u64).filter(|j| *j != k) {
        numerator = numerator * (op.clone() - constant(j));
        denominator *= F::from(k) - F::from(j);
    }
    numerator * Expression::Constant(denominator.invert().unwrap_or(F::ZERO))
}

impl BitwiseConfig {
    /// Allocates the columns and states the constraints; `fixed` must hold
    /// [`FixedTableTag::NibbleAnd`].
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>, fixed: &FixedTable) -> Self {
        let (q_enable, q_first, q_limb_start, q_last) =
            (meta.fixed_column(), meta.fixed_column(), meta.fixed_column(), meta.fixed_column());
        let mut advice = || meta.advice_column();
        let (op, a, b, and, c) = (advice(), advice(), advice(), advice(), advice());
        let acc = [advice(), advice(), advice()];
        let config = Self {
            table: BitwiseTable { q_last, op, acc },
            q_enable,
            q_first,
            q_limb_start,
            a,
            b,
            and,
            c,
        };
        let mut cb = ConstraintBuilder::new();
        let op_now = op.cur();
        // op ∈ {0, 1, 2, 3}.
        cb.require_zero(
            "bitwise: op is 0..3",
            (0..4u64).fold(constant(1), |acc, k| acc * (op_now.clone() - constant(k))),
        );
        cb.require_zero(
            "bitwise: op constant over the block",
            (constant(1) - q_first.cur()) * (op_now.clone() - op.prev()),
        );
        let (a_now, b_now, and_now) = (a.cur(), b.cur(), and.cur());
        // c = a∧b, a ∨ b = a + b − a∧b, a ⊕ b = a + b − 2·a∧b.
        let expected = indicator(op_now.clone(), 1) * and_now.clone()
            + indicator(op_now.clone(), 2) * (a_now.clone() + b_now.clone() - and_now.clone())
            + indicator(op_now, 3)
                * (a_now.clone() + b_now.clone() - constant(2) * and_now.clone());
        cb.require_equal("bitwise: result nibble", c.cur(), expected);
        // An unused block (op 0) holds zeros only.
        let unused = indicator(op.cur(), 0);
        cb.require_zero("bitwise: an unused block is zero", unused.clone() * a.cur());
        cb.require_zero("bitwise: an unused block is zero", unused * b.cur());
        for (column, acc) in [a, b, c].into_iter().zip(acc) {
            // acc = x on a limb's first row, else 16·acc(prev) + x.
            cb.require_equal(
                "bitwise: accumulator",
                acc.cur(),
                column.cur() + (constant(1) - q_limb_start.cur()) * constant(16) * acc.prev(),
            );
        }
        cb.lookup(
            "bitwise: nibbles and their AND",
            FixedTableTag::NibbleAnd.tuple(vec![a_now, b_now, and_now]),
            fixed.table_exprs(),
        );
        cb.build(meta, "bitwise", q_enable.cur());
        config
    }

    /// The column of each row's `a` nibble (for tests that tamper with it).
    #[cfg(test)]
    pub(crate) fn a_column(&self) -> Column<Advice> {
        self.a
    }

    /// The column of each row's `a∧b` nibble (for tests that tamper with it).
    #[cfg(test)]
    pub(crate) fn and_column(&self) -> Column<Advice> {
        self.and
    }

    /// The column of each row's result nibble (for tests that tamper with it).
    #[cfg(test)]
    pub(crate) fn c_column(&self) -> Column<Advice> {
        self.c
    }

    /// Rows for `ops` operations.
    pub fn rows(ops: usize) -> usize {
        ops * ROWS_PER_OP
    }

    /// Assigns `ops` into a region of `capacity` blocks from row 0; unused blocks are zero.
    pub fn assign<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        ops: &[(BitwiseOp, U256, U256)],
        capacity: usize,
    ) -> Result<(), CircuitError> {
        if ops.len() > capacity {
            return Err(CircuitError::CapacityExceeded {
                what: "bitwise operations",
                needed: ops.len(),
                capacity,
            });
        }
        let known = |v: u64| Value::known(F::from(v));
        for block in 0..capacity {
            let (op, a, b) = match ops.get(block) {
                Some(&(op, a, b)) => (op as u64, a, b),
                None => (0, U256::ZERO, U256::ZERO),
            };
            let c = match ops.get(block) {
                Some(&(op, a, b)) => op.apply(a, b),
                None => U256::ZERO,
            };
            let nibbles = |w: U256| {
                let bytes = w.to_be_bytes::<32>();
                bytes.iter().flat_map(|b| [(b >> 4) as u64, (b & 15) as u64]).collect::<Vec<_>>()
            };
            let (a_n, b_n, c_n) = (nibbles(a), nibbles(b), nibbles(c));
            let mut acc = [F::ZERO; 3];
            for row in 0..ROWS_PER_OP {
                let offset = block * ROWS_PER_OP + row;
                let limb_start = row % (ROWS_PER_OP / 2) == 0;
                region.assign_fixed(self.q_enable, offset, F::ONE);
                region.assign_fixed(self.q_first, offset, F::from((row == 0) as u64));
                region.assign_fixed(self.q_limb_start, offset, F::from(limb_start as u64));
                region.assign_fixed(
                    self.table.q_last,
                    offset,
                    F::from((row == ROWS_PER_OP - 1) as u64),
                );
                region.assign_advice(self.table.op, offset, known(op));
                let values = [a_n[row], b_n[row], c_n[row]];
                region.assign_advice(self.a, offset, known(values[0]));
                region.assign_advice(self.b, offset, known(values[1]));
                region.assign_advice(self.and, offset, known(values[0] & values[1]));
                region.assign_advice(self.c, offset, known(values[2]));
                for (i, column) in self.table.acc.iter().enumerate() {
                    let carried = if limb_start { F::ZERO } else { acc[i] * F::from(16) };
                    acc[i] = carried + F::from(values[i]);
                    region.assign_advice(*column, offset, Value::known(acc[i]));
                }
            }
        }
        Ok(())
    }
}
