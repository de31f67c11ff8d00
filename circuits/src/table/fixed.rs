//! The fixed table: `(tag, value)` rows for range checks.
//!
//! Rows: the all-zero row, then for each enabled tag the values `0..size`. Both columns are
//! fixed: the prover chooses nothing here.

use halo2_proofs::circuit::Layouter;
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Column, ConstraintSystem, Error, Expression, Fixed};

use super::LookupTable;

/// What a row of the fixed table proves about its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixedTableTag {
    /// `value < 2^8`.
    Range8 = 1,
    /// `value < 2^16`.
    Range16 = 2,
}

impl FixedTableTag {
    /// Number of rows the tag occupies.
    pub fn rows(self) -> usize {
        match self {
            FixedTableTag::Range8 => 1 << 8,
            FixedTableTag::Range16 => 1 << 16,
        }
    }

    /// The tag as a constant expression.
    pub fn expr<F: PrimeField>(self) -> Expression<F> {
        Expression::Constant(F::from(self as u64))
    }
}

/// The fixed table's columns.
#[derive(Clone, Copy, Debug)]
pub struct FixedTable {
    /// Which property the row proves ([`FixedTableTag`] as a number; 0 in the all-zero row).
    pub tag: Column<Fixed>,
    /// The value the property holds for.
    pub value: Column<Fixed>,
}

impl FixedTable {
    /// Allocates the columns.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        Self { tag: meta.fixed_column(), value: meta.fixed_column() }
    }

    /// Rows needed for `tags` (the all-zero row included).
    pub fn rows(tags: &[FixedTableTag]) -> usize {
        1 + tags.iter().map(|t| t.rows()).sum::<usize>()
    }

    /// Fills the table with the all-zero row and the rows of `tags`.
    pub fn load<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        tags: &[FixedTableTag],
    ) -> Result<(), Error> {
        layouter.assign_region(
            || "fixed table",
            |mut region| {
                region.assign_fixed(self.tag, 0, F::ZERO);
                region.assign_fixed(self.value, 0, F::ZERO);
                let mut offset = 1;
                for tag in tags {
                    for value in 0..tag.rows() {
                        region.assign_fixed(self.tag, offset, F::from(*tag as u64));
                        region.assign_fixed(self.value, offset, F::from(value as u64));
                        offset += 1;
                    }
                }
                Ok(())
            },
        )
    }
}

impl<F: PrimeField> LookupTable<F> for FixedTable {
    fn table_exprs(&self) -> Vec<Expression<F>> {
        vec![self.tag.cur(), self.value.cur()]
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec!["fixed.tag", "fixed.value"]
    }
}
