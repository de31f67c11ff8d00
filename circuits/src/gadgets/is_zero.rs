//! IsZero: `is_zero = 1 - value * inverse`, with `inverse` the witness.
//!
//! Constraints (for any `value` expression):
//! - `value * is_zero == 0`: a non-zero value forces `is_zero = 0`, i.e. `inverse = 1/value`;
//! - `inverse * is_zero == 0`: a zero value forces `inverse = 0`, so the cell is fully
//!   determined by `value`.

use halo2_proofs::circuit::{Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, Expression};

use crate::constraint_builder::{constant, ConstraintBuilder};

/// An IsZero gadget on one row.
#[derive(Clone, Debug)]
pub struct IsZeroGadget<F: PrimeField> {
    /// Witness: the inverse of the value, or 0.
    pub inverse: Column<Advice>,
    /// 1 if the value is zero, else 0.
    pub is_zero: Expression<F>,
}

impl<F: PrimeField> IsZeroGadget<F> {
    /// States the gadget for `value`, with its witness in `inverse` (current row).
    pub fn configure(
        cb: &mut ConstraintBuilder<F>,
        value: Expression<F>,
        inverse: Column<Advice>,
    ) -> Self {
        let is_zero = constant(1) - value.clone() * inverse.cur();
        cb.require_zero("is_zero: value * is_zero == 0", value * is_zero.clone());
        cb.require_zero("is_zero: inverse * is_zero == 0", inverse.cur() * is_zero.clone());
        Self { inverse, is_zero }
    }

    /// Assigns the witness for `value` at `offset`.
    pub fn assign(&self, region: &mut Region<'_, F>, offset: usize, value: F) {
        let inverse = value.invert().unwrap_or(F::ZERO);
        region.assign_advice(self.inverse, offset, Value::known(inverse));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::test_support::{assert_rejected, run, GadgetTest};
    use halo2_proofs::circuit::Layouter;
    use halo2_proofs::halo2curves::bn256::Fr;
    use halo2_proofs::plonk::{ConstraintSystem, Error, Fixed};

    /// Rows of (value, expected is_zero flag); `inverse_override` replaces row 0's witness.
    #[derive(Clone, Default)]
    struct TestCircuit {
        rows: Vec<(u64, u64)>,
        inverse_override: Option<Fr>,
    }

    #[derive(Clone)]
    struct Config {
        enable: Column<Fixed>,
        value: Column<Advice>,
        flag: Column<Advice>,
        gadget: IsZeroGadget<Fr>,
    }

    impl GadgetTest for TestCircuit {
        type Config = Config;

        fn configure(meta: &mut ConstraintSystem<Fr>) -> Config {
            let (enable, value, flag, inverse) = (
                meta.fixed_column(),
                meta.advice_column(),
                meta.advice_column(),
                meta.advice_column(),
            );
            let mut cb = ConstraintBuilder::new();
            let gadget = IsZeroGadget::configure(&mut cb, value.cur(), inverse);
            cb.require_equal("flag == is_zero", flag.cur(), gadget.is_zero.clone());
            cb.build(meta, "is_zero test", enable.cur());
            Config { enable, value, flag, gadget }
        }

        fn assign<L: Layouter<Fr>>(&self, config: &Config, mut layouter: L) -> Result<(), Error> {
            layouter.assign_region(
                || "rows",
                |mut region| {
                    for (offset, (value, flag)) in self.rows.iter().enumerate() {
                        region.assign_fixed(config.enable, offset, Fr::one());
                        region.assign_advice(config.value, offset, Value::known(Fr::from(*value)));
                        region.assign_advice(config.flag, offset, Value::known(Fr::from(*flag)));
                        config.gadget.assign(&mut region, offset, Fr::from(*value));
                    }
                    if let Some(inverse) = self.inverse_override {
                        region.assign_advice(config.gadget.inverse, 0, Value::known(inverse));
                    }
                    Ok(())
                },
            )
        }
    }

    #[test]
    fn flags_zero_and_non_zero_values() {
        let circuit =
            TestCircuit { rows: vec![(0, 1), (1, 0), (12345, 0), (0, 1)], inverse_override: None };
        assert_eq!(run(4, &circuit), Ok(()));
    }

    #[test]
    fn claiming_a_non_zero_value_is_zero_fails() {
        let circuit = TestCircuit { rows: vec![(7, 1)], inverse_override: Some(Fr::zero()) };
        assert_rejected(4, &circuit, "is_zero: value * is_zero == 0");
    }

    #[test]
    fn claiming_zero_is_non_zero_fails() {
        // value 0 with flag 0 needs 1 - 0 * inverse == 0: impossible.
        let circuit = TestCircuit { rows: vec![(0, 0)], inverse_override: Some(Fr::from(5)) };
        assert_rejected(4, &circuit, "flag == is_zero");
    }

    #[test]
    fn a_free_inverse_for_zero_fails() {
        let circuit = TestCircuit { rows: vec![(0, 1)], inverse_override: Some(Fr::from(9)) };
        assert_rejected(4, &circuit, "is_zero: inverse * is_zero == 0");
    }
}
