//! Byte decomposition: `value == Σ bytes[i] · 256^i` (little-endian), each byte range-checked
//! by a lookup into the [`FixedTable`] (`Range8`).

use halo2_proofs::circuit::{Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, Expression};

use crate::constraint_builder::{constant, ConstraintBuilder};
use crate::table::{FixedTable, FixedTableTag, LookupTable};

/// `N` byte cells on one row whose little-endian composition equals a value.
#[derive(Clone, Debug)]
pub struct ByteDecomposition<const N: usize> {
    /// Witness: the bytes, least significant first.
    pub bytes: [Column<Advice>; N],
}

impl<const N: usize> ByteDecomposition<N> {
    /// The little-endian composition of the byte cells (current row).
    pub fn composed<F: PrimeField>(&self) -> Expression<F> {
        self.bytes.iter().rev().fold(constant(0), |acc, byte| acc * constant(256) + byte.cur())
    }

    /// States `value == composed()` and a range check on every byte.
    pub fn configure<F: PrimeField>(
        cb: &mut ConstraintBuilder<F>,
        value: Expression<F>,
        bytes: [Column<Advice>; N],
        fixed: &FixedTable,
    ) -> Self {
        let gadget = Self { bytes };
        cb.require_equal("bytes: value == Σ byte_i 256^i", value, gadget.composed());
        for byte in bytes {
            let table = <FixedTable as LookupTable<F>>::table_exprs(fixed);
            cb.lookup("bytes: byte < 256", FixedTableTag::Range8.tuple(vec![byte.cur()]), table);
        }
        gadget
    }

    /// Assigns the little-endian bytes of `value_le` (as many as `N`) at `offset`.
    pub fn assign<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        value_le: &[u8],
    ) {
        for (i, column) in self.bytes.iter().enumerate() {
            let byte = value_le.get(i).copied().unwrap_or(0);
            region.assign_advice(*column, offset, Value::known(F::from(byte as u64)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::test_support::{assert_rejected, run, GadgetTest};
    use halo2_proofs::circuit::Layouter;
    use halo2_proofs::halo2curves::bn256::Fr;
    use halo2_proofs::plonk::{ConstraintSystem, Error, Fixed};

    /// One row: a value and its claimed 4 bytes.
    #[derive(Clone, Default)]
    struct TestCircuit {
        value: u64,
        bytes: Vec<u64>,
    }

    #[derive(Clone)]
    struct Config {
        enable: Column<Fixed>,
        value: Column<Advice>,
        gadget: ByteDecomposition<4>,
        fixed: FixedTable,
    }

    impl GadgetTest for TestCircuit {
        type Config = Config;

        fn configure(meta: &mut ConstraintSystem<Fr>) -> Config {
            let enable = meta.fixed_column();
            let value = meta.advice_column();
            let bytes = [(); 4].map(|_| meta.advice_column());
            let fixed = FixedTable::configure(meta);
            let mut cb = ConstraintBuilder::new();
            let gadget = ByteDecomposition::configure(&mut cb, value.cur(), bytes, &fixed);
            cb.build(meta, "bytes test", enable.cur());
            Config { enable, value, gadget, fixed }
        }

        fn assign<L: Layouter<Fr>>(&self, config: &Config, mut layouter: L) -> Result<(), Error> {
            config.fixed.load(&mut layouter, &[FixedTableTag::Range8])?;
            layouter.assign_region(
                || "row",
                |mut region| {
                    region.assign_fixed(config.enable, 0, Fr::one());
                    region.assign_advice(config.value, 0, Value::known(Fr::from(self.value)));
                    for (column, byte) in config.gadget.bytes.iter().zip(&self.bytes) {
                        region.assign_advice(*column, 0, Value::known(Fr::from(*byte)));
                    }
                    Ok(())
                },
            )
        }
    }

    fn honest(value: u32) -> TestCircuit {
        TestCircuit {
            value: value as u64,
            bytes: value.to_le_bytes().iter().map(|b| *b as u64).collect(),
        }
    }

    #[test]
    fn decomposes_values() {
        for value in [0, 1, 255, 256, 0xdead_beef, u32::MAX] {
            assert_eq!(run(9, &honest(value)), Ok(()), "{value}");
        }
    }

    #[test]
    fn a_wrong_byte_fails() {
        let mut circuit = honest(0x0102_0304);
        circuit.bytes[1] = 4;
        assert_rejected(9, &circuit, "bytes: value == Σ byte_i 256^i");
    }

    #[test]
    fn a_byte_out_of_range_fails_the_lookup() {
        // 0x0304 written as (0x104, 0x02): composes correctly, but 0x104 is not a byte.
        // 0x0304 written as (0x104, 0x02): 0x104 + 0x02·256 == 0x0304, but 0x104 is no byte.
        let circuit = TestCircuit { value: 0x0304, bytes: vec![0x104, 0x02, 0, 0] };
        assert_rejected(9, &circuit, "bytes: byte < 256");
    }
}
