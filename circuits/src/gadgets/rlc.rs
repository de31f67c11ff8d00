//! Random linear combinations: `rlc(v, r) = v[0]·r^(n-1) + v[1]·r^(n-2) + … + v[n-1]`.
//!
//! Byte strings (calldata, code, copies, keccak inputs) are bound by their RLC under a
//! second-phase challenge `r`, drawn after the bytes are committed: two different strings of
//! the same length collide with probability at most `len / |F|`. The first byte has the highest
//! power, so a circuit that walks a string row by row accumulates `acc' = acc·r + byte`. Leading
//! zero bytes do not change the RLC: tables that bind strings by RLC also bind their length.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

/// `rlc(values, r)` as an expression (Horner form from the first value).
pub fn rlc_expr<F: PrimeField>(values: &[Expression<F>], r: Expression<F>) -> Expression<F> {
    values
        .iter()
        .cloned()
        .reduce(|acc, v| acc * r.clone() + v)
        .unwrap_or(Expression::Constant(F::ZERO))
}

/// `rlc(bytes, r)` natively, for witness generation and tests.
pub fn rlc_value<F: PrimeField>(bytes: &[u8], r: F) -> F {
    bytes.iter().fold(F::ZERO, |acc, b| acc * r + F::from(*b as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constraint_builder::ConstraintBuilder;
    use crate::gadgets::test_support::{assert_rejected, run, GadgetTest};
    use halo2_proofs::circuit::{Layouter, Value};
    use halo2_proofs::halo2curves::bn256::Fr;
    use halo2_proofs::plonk::{
        Advice, Challenge, Column, ConstraintSystem, Error, FirstPhase, Fixed, SecondPhase,
    };

    /// One row: 4 bytes and their claimed RLC under the challenge.
    #[derive(Clone, Default)]
    struct TestCircuit {
        bytes: [u8; 4],
        /// Added to the honest RLC.
        offset: u64,
    }

    #[derive(Clone)]
    struct Config {
        enable: Column<Fixed>,
        bytes: [Column<Advice>; 4],
        rlc: Column<Advice>,
        r: Challenge,
    }

    impl GadgetTest for TestCircuit {
        type Config = Config;

        fn configure(meta: &mut ConstraintSystem<Fr>) -> Config {
            let enable = meta.fixed_column();
            let bytes = [(); 4].map(|_| meta.advice_column_in(FirstPhase));
            let r = meta.challenge_usable_after(FirstPhase);
            let rlc = meta.advice_column_in(SecondPhase);
            let mut cb = ConstraintBuilder::new();
            let exprs: Vec<_> = bytes.iter().map(|b| b.cur()).collect();
            cb.require_equal("rlc: acc == rlc(bytes, r)", rlc.cur(), rlc_expr(&exprs, r.expr()));
            cb.build(meta, "rlc test", enable.cur());
            Config { enable, bytes, rlc, r }
        }

        fn assign<L: Layouter<Fr>>(&self, config: &Config, mut layouter: L) -> Result<(), Error> {
            let r = layouter.get_challenge(config.r);
            layouter.assign_region(
                || "row",
                |mut region| {
                    region.assign_fixed(config.enable, 0, Fr::one());
                    for (column, byte) in config.bytes.iter().zip(self.bytes) {
                        region.assign_advice(*column, 0, Value::known(Fr::from(byte as u64)));
                    }
                    let acc = r.map(|r| rlc_value(&self.bytes, r) + Fr::from(self.offset));
                    region.assign_advice(config.rlc, 0, acc);
                    Ok(())
                },
            )
        }
    }

    #[test]
    fn native_and_expression_forms_agree() {
        let r = Fr::from(7);
        assert_eq!(rlc_value(&[1, 2, 3], r), Fr::from(49 + 2 * 7 + 3));
        assert_eq!(rlc_value::<Fr>(&[], r), Fr::zero());
        assert_eq!(run(4, &TestCircuit { bytes: [0xde, 0xad, 0xbe, 0xef], offset: 0 }), Ok(()));
    }

    #[test]
    fn a_wrong_rlc_fails() {
        assert_rejected(
            4,
            &TestCircuit { bytes: [1, 2, 3, 4], offset: 1 },
            "rlc: acc == rlc(bytes, r)",
        );
    }
}
