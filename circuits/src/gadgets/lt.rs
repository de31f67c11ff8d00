//! Less-than for values below `256^N`: `lt = [a < b]`.
//!
//! Witness: `lt` (boolean) and the bytes of `diff = a - b + lt · 256^N`. With `a, b < 256^N`,
//! `diff` is in `[0, 256^N)` exactly when `lt` is right; the byte decomposition (range checked)
//! proves that range. The caller must guarantee `a, b < 256^N` (e.g. they are bytes, limbs or
//! range-checked); `N ≤ 30` keeps `256^N` far below the field modulus.

use halo2_proofs::circuit::{Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, Expression};

use super::bytes::ByteDecomposition;
use crate::constraint_builder::ConstraintBuilder;
use crate::table::FixedTable;

/// `a < b` on one row.
#[derive(Clone, Debug)]
pub struct LtGadget<const N: usize> {
    /// Witness: 1 if `a < b`.
    pub lt: Column<Advice>,
    /// Witness: bytes of `a - b + lt · 256^N`.
    pub diff: ByteDecomposition<N>,
}

impl<const N: usize> LtGadget<N> {
    /// States `lt = [a < b]`.
    pub fn configure<F: PrimeField>(
        cb: &mut ConstraintBuilder<F>,
        a: Expression<F>,
        b: Expression<F>,
        lt: Column<Advice>,
        diff_bytes: [Column<Advice>; N],
        fixed: &FixedTable,
    ) -> Self {
        assert!(N <= 30, "LtGadget supports at most 30 bytes");
        cb.require_boolean("lt: lt is boolean", lt.cur());
        let range = Expression::Constant(F::from(256u64).pow([N as u64]));
        let diff = ByteDecomposition::configure(cb, a - b + lt.cur() * range, diff_bytes, fixed);
        Self { lt, diff }
    }

    /// Assigns the witness for `a < b` (both below `256^N`, `N ≤ 16` here).
    pub fn assign<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        a: u128,
        b: u128,
    ) {
        let lt = a < b;
        region.assign_advice(self.lt, offset, Value::known(F::from(lt as u64)));
        // a - b + 256^N fits in N bytes; for N = 16 the u128 wrap-around is exactly that.
        let range = 1u128.checked_shl(8 * N as u32).unwrap_or(0);
        let diff = if lt { a.wrapping_sub(b).wrapping_add(range) } else { a - b };
        self.diff.assign(region, offset, &diff.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::test_support::{assert_rejected, run, GadgetTest};
    use crate::table::FixedTableTag;
    use halo2_proofs::circuit::Layouter;
    use halo2_proofs::halo2curves::bn256::Fr;
    use halo2_proofs::plonk::{ConstraintSystem, Error, Fixed};

    #[derive(Clone, Default)]
    struct TestCircuit<const N: usize> {
        pairs: Vec<(u128, u128)>,
        /// Flip the `lt` witness of row 0 (and recompute the diff to match it).
        lie: bool,
        /// Overwrite the `lt` witness of row 0.
        flag_override: Option<u64>,
    }

    #[derive(Clone)]
    struct Config<const N: usize> {
        enable: Column<Fixed>,
        a: Column<Advice>,
        b: Column<Advice>,
        gadget: LtGadget<N>,
        fixed: FixedTable,
    }

    impl<const N: usize> GadgetTest for TestCircuit<N> {
        type Config = Config<N>;

        fn configure(meta: &mut ConstraintSystem<Fr>) -> Config<N> {
            let (enable, a, b, lt) = (
                meta.fixed_column(),
                meta.advice_column(),
                meta.advice_column(),
                meta.advice_column(),
            );
            let diff = [(); N].map(|_| meta.advice_column());
            let fixed = FixedTable::configure(meta);
            let mut cb = ConstraintBuilder::new();
            let gadget = LtGadget::configure(&mut cb, a.cur(), b.cur(), lt, diff, &fixed);
            cb.build(meta, "lt test", enable.cur());
            Config { enable, a, b, gadget, fixed }
        }

        fn assign<L: Layouter<Fr>>(
            &self,
            config: &Config<N>,
            mut layouter: L,
        ) -> Result<(), Error> {
            config.fixed.load(&mut layouter, &[FixedTableTag::Range8])?;
            layouter.assign_region(
                || "rows",
                |mut region| {
                    for (offset, (a, b)) in self.pairs.iter().enumerate() {
                        region.assign_fixed(config.enable, offset, Fr::one());
                        region.assign_advice(config.a, offset, Value::known(Fr::from_u128(*a)));
                        region.assign_advice(config.b, offset, Value::known(Fr::from_u128(*b)));
                        config.gadget.assign(&mut region, offset, *a, *b);
                    }
                    if let Some(flag) = self.flag_override {
                        region.assign_advice(config.gadget.lt, 0, Value::known(Fr::from(flag)));
                    }
                    if self.lie {
                        let (a, b) = self.pairs[0];
                        let claimed = a >= b;
                        region.assign_advice(
                            config.gadget.lt,
                            0,
                            Value::known(Fr::from(claimed as u64)),
                        );
                        // The bytes of a - b + claimed·256^N, taken mod 256^N: (a - b) mod 256^N.
                        let diff = a.wrapping_sub(b).to_le_bytes();
                        config.gadget.diff.assign(&mut region, 0, &diff[..N]);
                    }
                    Ok(())
                },
            )
        }
    }

    fn honest<const N: usize>(pairs: Vec<(u128, u128)>) -> TestCircuit<N> {
        TestCircuit { pairs, lie: false, flag_override: None }
    }

    #[test]
    fn compares_16_bit_values() {
        let pairs =
            vec![(0, 0), (0, 1), (1, 0), (65535, 65535), (65534, 65535), (65535, 0), (300, 299)];
        assert_eq!(run(9, &honest::<2>(pairs)), Ok(()));
    }

    #[test]
    fn compares_128_bit_values() {
        let max = u128::MAX;
        let pairs =
            vec![(0, max), (max, 0), (max, max), (max - 1, max), (1 << 127, (1 << 127) - 1)];
        assert_eq!(run(9, &honest::<16>(pairs)), Ok(()));
    }

    #[test]
    fn a_wrong_answer_fails() {
        for pair in [(3, 5), (5, 3), (7, 7)] {
            let circuit = TestCircuit::<2> { pairs: vec![pair], lie: true, flag_override: None };
            assert_rejected(9, &circuit, "bytes: value == Σ byte_i 256^i");
        }
        for pair in [(0, u128::MAX), (u128::MAX, 0), (9, 9)] {
            let circuit = TestCircuit::<16> { pairs: vec![pair], lie: true, flag_override: None };
            assert_rejected(9, &circuit, "bytes: value == Σ byte_i 256^i");
        }
    }

    #[test]
    fn a_non_boolean_flag_fails() {
        let circuit = TestCircuit::<2> { pairs: vec![(3, 5)], lie: false, flag_override: Some(2) };
        assert_rejected(9, &circuit, "lt: lt is boolean");
    }
}
