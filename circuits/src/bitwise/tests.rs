//! Bitwise circuit tests: AND, OR and XOR of edge-case and random words, looked up from outside
//! as the EVM does; lies about a result, a nibble's AND, the operation and an accumulator are
//! rejected, and so is a lookup of a false statement.

use alloy_primitives::U256;
use halo2_proofs::circuit::{Layouter, Value};
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::halo2curves::ff::{Field, PrimeField};
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error, Fixed};

use super::{BitwiseConfig, BitwiseOp, BitwiseTable, ROWS_PER_OP};
use crate::constraint_builder::ConstraintBuilder;
use crate::gadgets::test_support::{assert_rejected, run, GadgetTest};
use crate::state::rw_row::word_limbs;
use crate::table::{FixedTable, FixedTableTag, LookupTable};

const K: u32 = 10;
const CAPACITY: usize = 6;

/// The column of a cell overwritten after honest assignment.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tampered {
    Op,
    A,
    And,
    C,
    AccA,
}

#[derive(Clone, Default)]
struct BitwiseTest {
    ops: Vec<(BitwiseOp, U256, U256)>,
    /// Statements `(op, a, b, c)` looked up in the table.
    probes: Vec<(BitwiseOp, U256, U256, U256)>,
    /// `(column, block, row in block, value)` written over the honest witness.
    tamper: Option<(Tampered, usize, usize, u64)>,
}

#[derive(Clone)]
struct Config {
    fixed: FixedTable,
    bitwise: BitwiseConfig,
    q_probe: Column<Fixed>,
    probe: [Column<Advice>; 7],
}

impl GadgetTest for BitwiseTest {
    type Config = Config;

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Config {
        let fixed = FixedTable::configure(meta);
        let bitwise = BitwiseConfig::configure(meta, &fixed);
        let q_probe = meta.fixed_column();
        let probe = [(); 7].map(|_| meta.advice_column());
        let mut cb = ConstraintBuilder::new();
        let e = |i: usize| probe[i].cur();
        cb.lookup(
            "bitwise probe",
            BitwiseTable::lookup_tuple(e(0), [e(1), e(2)], [e(3), e(4)], [e(5), e(6)]),
            bitwise.table.table_exprs(),
        );
        cb.build(meta, "probe", q_probe.cur());
        Config { fixed, bitwise, q_probe, probe }
    }

    fn assign<L: Layouter<Fr>>(&self, config: &Config, mut layouter: L) -> Result<(), Error> {
        config.fixed.load(&mut layouter, &[FixedTableTag::NibbleAnd])?;
        layouter.assign_region(
            || "bitwise",
            |mut region| {
                config
                    .bitwise
                    .assign(&mut region, &self.ops, CAPACITY)
                    .map_err(|_| Error::Synthesis)?;
                if let Some((column, block, row, value)) = self.tamper {
                    let target = match column {
                        Tampered::Op => config.bitwise.table.op,
                        Tampered::A => config.bitwise.a_column(),
                        Tampered::And => config.bitwise.and_column(),
                        Tampered::C => config.bitwise.c_column(),
                        Tampered::AccA => config.bitwise.table.acc[0],
                    };
                    region.assign_advice(
                        target,
                        block * ROWS_PER_OP + row,
                        Value::known(Fr::from(value)),
                    );
                }
                Ok(())
            },
        )?;
        layouter.assign_region(
            || "probes",
            |mut region| {
                for (row, &(op, a, b, c)) in self.probes.iter().enumerate() {
                    region.assign_fixed(config.q_probe, row, Fr::ONE);
                    let (a, b, c) = (word_limbs(a), word_limbs(b), word_limbs(c));
                    let values = [op as u128, a.0, a.1, b.0, b.1, c.0, c.1];
                    for (column, value) in config.probe.iter().zip(values) {
                        region.assign_advice(*column, row, Value::known(Fr::from_u128(value)));
                    }
                }
                Ok(())
            },
        )
    }
}

fn words() -> Vec<(U256, U256)> {
    let pattern =
        U256::from_be_slice(&(0..32u8).map(|i| i.wrapping_mul(37) ^ 0x5a).collect::<Vec<_>>());
    vec![
        (U256::MAX, pattern),
        (pattern, U256::ZERO),
        (U256::from(0xf0f0u64), U256::from(0x0ff0u64)),
        (pattern, pattern >> 7),
    ]
}

fn honest() -> BitwiseTest {
    let mut ops = Vec::new();
    let mut probes = Vec::new();
    for (i, (a, b)) in words().into_iter().enumerate() {
        let op = [BitwiseOp::And, BitwiseOp::Or, BitwiseOp::Xor][i % 3];
        ops.push((op, a, b));
        probes.push((op, a, b, op.apply(a, b)));
    }
    ops.push((BitwiseOp::Xor, U256::MAX, U256::from(1)));
    BitwiseTest { ops, probes, tamper: None }
}

#[test]
fn honest_operations_pass_and_can_be_looked_up() {
    assert_eq!(run(K, &honest()), Ok(()));
    // Every operation on every word pair.
    let mut test = BitwiseTest::default();
    for op in [BitwiseOp::And, BitwiseOp::Or] {
        for (a, b) in words().into_iter().take(3) {
            test.ops.push((op, a, b));
            test.probes.push((op, a, b, op.apply(a, b)));
        }
    }
    assert_eq!(run(K, &test), Ok(()));
}

#[test]
fn a_false_statement_cannot_be_looked_up() {
    let mut test = honest();
    let (op, a, b, c) = test.probes[1];
    test.probes[1] = (op, a, b, c ^ U256::from(1));
    assert_rejected(K, &test, "bitwise probe");
    // The right result under another operation.
    let mut test = honest();
    let (_, a, b, c) = test.probes[0];
    test.probes[0] = (BitwiseOp::Or, a, b, c);
    assert_rejected(K, &test, "bitwise probe");
}

#[test]
fn a_wrong_result_nibble_is_rejected() {
    let mut test = honest();
    test.tamper = Some((Tampered::C, 0, 40, 3));
    assert_rejected(K, &test, "bitwise: result nibble");
}

#[test]
fn a_wrong_nibble_and_is_rejected() {
    let mut test = honest();
    test.tamper = Some((Tampered::And, 2, 63, 1));
    assert_rejected(K, &test, "bitwise: nibbles and their AND");
}

#[test]
fn a_changing_operation_is_rejected() {
    let mut test = honest();
    test.tamper = Some((Tampered::Op, 1, 20, 3));
    assert_rejected(K, &test, "bitwise: op constant over the block");
    let mut test = honest();
    test.tamper = Some((Tampered::Op, 0, 0, 4));
    assert_rejected(K, &test, "bitwise: op is 0..3");
}

#[test]
fn an_unused_block_holds_zeros() {
    let mut test = honest();
    // Block 5 is unused (five operations in six blocks).
    test.tamper = Some((Tampered::A, 5, 10, 3));
    assert_rejected(K, &test, "bitwise: an unused block is zero");
}

#[test]
fn a_wrong_accumulator_is_rejected() {
    let mut test = honest();
    test.tamper = Some((Tampered::AccA, 3, 31, 7));
    assert_rejected(K, &test, "bitwise: accumulator");
}

#[test]
fn too_many_operations_are_a_capacity_error() {
    let config_rows = BitwiseConfig::rows(CAPACITY);
    assert_eq!(config_rows, CAPACITY * ROWS_PER_OP);
    let mut test = honest();
    test.ops = vec![(BitwiseOp::And, U256::ZERO, U256::ZERO); CAPACITY + 1];
    assert!(run(K, &test).is_err());
}
