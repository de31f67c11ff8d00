//! Arithmetic circuit tests: SDIV, SMOD, ADDMOD, MULMOD and EXP on their edge cases, checked
//! against native definitions and looked up from outside as the EVM does; lies about a result,
//! an operand, a quotient, a remainder, a carry, a 512-bit carry, a sign, an EXP step, the
//! chain and an unused block are rejected.

use alloy_primitives::U256;
use halo2_proofs::circuit::{Layouter, Value};
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::halo2curves::ff::{Field, PrimeField};
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error, Fixed};

use super::layout::{aux, CARRIES, W_4, W_5, W_6, W_7, W_8, W_RES};
use super::{
    blocks_for, native_result, ArithConfig, ArithOp, ArithTable, AuxValue, Block, BLOCK_ROWS,
};
use crate::constraint_builder::ConstraintBuilder;
use crate::gadgets::test_support::{assert_rejected, run, GadgetTest};
use crate::state::rw_row::word_limbs;
use crate::table::{FixedTable, FixedTableTag, LookupTable};

const K: u32 = 12;
const CAPACITY: usize = 100;

/// A cell overwritten after honest assignment: `(column, block, row, value)`.
#[derive(Clone, Copy, Debug)]
enum Column_ {
    Word(usize),
    Carry(usize),
    Aux,
}

/// A statement `(op, [a, b, c, result])`.
type Probe = (u64, [U256; 4]);

#[derive(Clone, Default)]
struct ArithTest {
    blocks: Vec<Block>,
    /// Statements `(op, a, b, c, result)` looked up in the table.
    probes: Vec<Probe>,
    tamper: Vec<(Column_, usize, usize, Fr)>,
}

#[derive(Clone)]
struct Config {
    fixed: FixedTable,
    arith: ArithConfig,
    q_probe: Column<Fixed>,
    probe: [Column<Advice>; 9],
}

impl GadgetTest for ArithTest {
    type Config = Config;

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Config {
        let fixed = FixedTable::configure(meta);
        let arith = ArithConfig::configure(meta, &fixed);
        let q_probe = meta.fixed_column();
        let probe = [(); 9].map(|_| meta.advice_column());
        let mut cb = ConstraintBuilder::new();
        let e = |i: usize| probe[i].cur();
        let words = [[e(1), e(2)], [e(3), e(4)], [e(5), e(6)], [e(7), e(8)]];
        cb.lookup("arith probe", ArithTable::lookup_tuple(e(0), words), arith.table.table_exprs());
        cb.build(meta, "probe", q_probe.cur());
        Config { fixed, arith, q_probe, probe }
    }

    fn assign<L: Layouter<Fr>>(&self, config: &Config, mut layouter: L) -> Result<(), Error> {
        config.fixed.load(&mut layouter, &[FixedTableTag::Range8])?;
        layouter.assign_region(
            || "arith",
            |mut region| {
                config
                    .arith
                    .assign_blocks(&mut region, &self.blocks, CAPACITY)
                    .map_err(|_| Error::Synthesis)?;
                for &(column, block, row, value) in &self.tamper {
                    let target = match column {
                        Column_::Word(slot) => config.arith.words[slot],
                        Column_::Carry(i) => config.arith.carries[i],
                        Column_::Aux => config.arith.table.aux,
                    };
                    region.assign_advice(target, block * BLOCK_ROWS + row, Value::known(value));
                }
                Ok(())
            },
        )?;
        layouter.assign_region(
            || "probes",
            |mut region| {
                for (row, (op, words)) in self.probes.iter().enumerate() {
                    region.assign_fixed(config.q_probe, row, Fr::ONE);
                    let mut values = vec![Fr::from(*op)];
                    for word in words {
                        let (lo, hi) = word_limbs(*word);
                        values.extend([Fr::from_u128(lo), Fr::from_u128(hi)]);
                    }
                    for (column, value) in config.probe.iter().zip(values) {
                        region.assign_advice(*column, row, Value::known(value));
                    }
                }
                Ok(())
            },
        )
    }
}

fn neg(x: u64) -> U256 {
    U256::from(x).wrapping_neg()
}

fn min() -> U256 {
    U256::from(1) << 255
}

/// Edge cases of every operation.
fn ops() -> Vec<ArithOp> {
    let op = |opcode: u8, a: U256, b: U256, c: U256| ArithOp { opcode, a, b, c };
    let (z, one, max) = (U256::ZERO, U256::from(1), U256::MAX);
    let wide =
        U256::from_be_slice(&(0..32u8).map(|i| i.wrapping_mul(91) ^ 0xa5).collect::<Vec<_>>());
    let mut ops = Vec::new();
    for opcode in [0x05, 0x07] {
        for (a, b) in [
            (U256::from(7), U256::from(2)),
            (neg(7), U256::from(2)),
            (U256::from(7), neg(2)),
            (neg(7), neg(2)),
            (U256::from(7), z),
            (min(), neg(1)),
            (min(), one),
            (z, neg(3)),
            (neg(6), U256::from(3)),
            (wide, U256::from(1_000_003)),
            (max, min()),
        ] {
            ops.push(op(opcode, a, b, z));
        }
    }
    for opcode in [0x08, 0x09] {
        for (a, b, n) in [
            (U256::from(10), U256::from(10), U256::from(8)),
            (max, max, U256::from(12)),
            (max, U256::from(2), max),
            (wide, max, wide >> 3),
            (U256::from(5), U256::from(6), z),
            (max, max, one),
            (z, wide, U256::from(7)),
            (wide, wide, max),
        ] {
            ops.push(op(opcode, a, b, n));
        }
    }
    for (base, e) in [
        (U256::from(3), U256::from(5)),
        (U256::from(2), U256::from(255)),
        (z, z),
        (z, U256::from(3)),
        (U256::from(7), z),
        (wide, U256::from(0x1_0001u64)),
        (max, U256::from(2)),
        (U256::from(2), U256::from(256)),
    ] {
        ops.push(op(0x0a, base, e, z));
    }
    ops
}

fn honest() -> ArithTest {
    let ops = ops();
    let blocks: Vec<Block> = ops.iter().flat_map(blocks_for).collect();
    let probes = ops.iter().map(|op| (op.opcode as u64, claim(op))).collect();
    ArithTest { blocks, probes, tamper: Vec::new() }
}

/// The words a step claims for `op`: operands, the modulus or the exponent's byte length, and
/// the result.
fn claim(op: &ArithOp) -> [U256; 4] {
    let c = if op.opcode == 0x0a { U256::from(op.b.bit_len().div_ceil(8)) } else { op.c };
    [op.a, op.b, c, native_result(op)]
}

/// The index of the first block of the `nth` operation of [`ops`].
fn block_of(nth: usize) -> usize {
    ops().iter().take(nth).map(|op| blocks_for(op).len()).sum()
}

fn nth_op(opcode: u8, i: usize) -> usize {
    ops()
        .iter()
        .enumerate()
        .filter(|(_, op)| op.opcode == opcode)
        .nth(i)
        .map(|(n, _)| n)
        .expect("listed")
}

#[test]
fn the_blocks_compute_the_definitions() {
    assert_eq!(native_result(&ArithOp { opcode: 0x05, a: min(), b: neg(1), c: U256::ZERO }), min());
    assert_eq!(
        native_result(&ArithOp { opcode: 0x07, a: neg(7), b: U256::from(2), c: U256::ZERO }),
        neg(1)
    );
    for op in ops() {
        let blocks = blocks_for(&op);
        let (code, words) = blocks.last().expect("one block at least").exported();
        assert_eq!((code, words), (op.opcode as u64, claim(&op)), "{op:?}");
    }
}

#[test]
fn honest_operations_pass_and_can_be_looked_up() {
    let test = honest();
    assert!(test.blocks.len() <= CAPACITY, "{} blocks", test.blocks.len());
    assert_eq!(run(K, &test), Ok(()));
}

#[test]
fn a_false_statement_cannot_be_looked_up() {
    // A wrong result, a wrong operand, another operation, an EXP step that is not the last,
    // and a wrong exponent byte length.
    let lies: [fn(&mut Probe); 4] = [
        |p| p.1[3] ^= U256::from(1),
        |p| p.1[0] ^= U256::from(1) << 200,
        |p| p.0 = if p.0 == 0x05 { 0x07 } else { 0x05 },
        |p| p.1[2] += U256::from(1),
    ];
    let targets = [
        (0, nth_op(0x05, 5)),
        (0, nth_op(0x09, 3)),
        (1, nth_op(0x07, 1)),
        (1, nth_op(0x0a, 5)),
        (2, nth_op(0x05, 0)),
        (3, nth_op(0x08, 1)),
        (3, nth_op(0x0a, 5)),
    ];
    for (lie, nth) in targets {
        let mut test = honest();
        lies[lie](&mut test.probes[nth]);
        assert_rejected(K, &test, "arith probe");
    }
    // 3^5 claimed with the words of its second step (3^2 = 9 after bits 1, 0): not exported.
    let mut test = honest();
    let first = block_of(nth_op(0x0a, 0));
    let (_, words) = test.blocks[first + 1].exported();
    test.probes[0] = (0x0a, words);
    assert_rejected(K, &test, "arith probe");
}

fn tampered(cells: &[(Column_, usize, usize, u64)]) -> ArithTest {
    let mut test = honest();
    test.tamper = cells.iter().map(|&(c, b, r, v)| (c, b, r, Fr::from(v))).collect();
    test
}

#[test]
fn a_wrong_quotient_or_remainder_is_rejected() {
    let sdiv = block_of(nth_op(0x05, 0)); // 7 / 2: |q| = 3, |r| = 1
    assert_rejected(K, &tampered(&[(Column_::Word(W_6), sdiv, 0, 2)]), "arith: |q|·b' + |r| = |a|");
    assert_rejected(K, &tampered(&[(Column_::Word(W_7), sdiv, 0, 3)]), "arith: |q|·b' + |r| = |a|");
    // A quotient one smaller with the remainder one divisor larger: r < b' catches it.
    assert_rejected(
        K,
        &tampered(&[(Column_::Word(W_6), sdiv, 0, 2), (Column_::Word(W_7), sdiv, 0, 3)]),
        "arith: |r| < b'",
    );
    // The result of SDIV(7, 2) claimed 4.
    assert_rejected(K, &tampered(&[(Column_::Word(W_RES), sdiv, 0, 4)]), "arith: signed result");
    // SDIV(-7, 2): the sign of a flipped.
    let negative = block_of(nth_op(0x05, 1));
    assert_rejected(K, &tampered(&[(Column_::Aux, negative, aux::SA, 0)]), "arith");
    // Division by zero claimed to divide by 1 (N_ZERO cleared).
    let by_zero = block_of(nth_op(0x05, 4));
    assert_rejected(K, &tampered(&[(Column_::Aux, by_zero, aux::N_ZERO, 0)]), "arith");
    // |a| of SDIV(-7, 2) told as 8.
    assert_rejected(K, &tampered(&[(Column_::Word(W_4), negative, 0, 8)]), "arith: |a|");
}

#[test]
fn a_wrong_carry_is_rejected() {
    let sdiv = block_of(nth_op(0x05, 9));
    let (column, row) = CARRIES[0];
    assert_rejected(
        K,
        &tampered(&[(Column_::Carry(column), sdiv, row, 1)]),
        "arith: |q|·b' + |r| = |a|",
    );
    // The 512-bit identity of MULMOD(max, max, 12): a signed carry byte and a quotient byte.
    let mulmod = block_of(nth_op(0x09, 1));
    let (column, row) = CARRIES[2];
    assert_rejected(
        K,
        &tampered(&[(Column_::Carry(column), mulmod, row + 3, 17)]),
        "arith: a'·b (or a' + b) = q·n' + r",
    );
    assert_rejected(
        K,
        &tampered(&[(Column_::Word(W_7), mulmod, 20, 1)]),
        "arith: a'·b (or a' + b) = q·n' + r",
    );
    // ADDMOD(max, max, 12) with its reduced operand a' changed.
    let addmod = block_of(nth_op(0x08, 1));
    assert_rejected(K, &tampered(&[(Column_::Word(W_5), addmod, 0, 0)]), "arith: k·n' + a' = a");
    // MULMOD's remainder must stay below the modulus: r < n'.
    assert_rejected(K, &tampered(&[(Column_::Word(W_8), mulmod, 31, 1)]), "arith: r < n'");
}

#[test]
fn a_wrong_exp_step_is_rejected() {
    let exp = block_of(nth_op(0x0a, 1)); // 2^255: 8 steps
    assert_rejected(K, &tampered(&[(Column_::Word(W_5), exp + 2, 0, 5)]), "arith: EXP square");
    assert_rejected(K, &tampered(&[(Column_::Aux, exp + 3, aux::BIT, 0)]), "arith");
    assert_rejected(K, &tampered(&[(Column_::Word(W_4), exp + 4, 1, 1)]), "arith: EXP chain");
    assert_rejected(K, &tampered(&[(Column_::Aux, exp + 4, aux::COUNT_IN, 2)]), "arith: EXP chain");
    // A chain that skips its first step: the second step claimed as a first one.
    assert_rejected(K, &tampered(&[(Column_::Aux, exp + 1, aux::EXP_FIRST, 1)]), "arith");
    // The multiplier of 3^5's first step (bit 1) told as 1.
    let three = block_of(nth_op(0x0a, 0));
    assert_rejected(K, &tampered(&[(Column_::Word(W_7), three, 0, 1)]), "arith: EXP multiplier");
    // A wrong byte length: the pad byte.
    assert_rejected(
        K,
        &tampered(&[(Column_::Carry(1), three, 30, 0)]),
        "arith: EXP exponent byte length",
    );
}

#[test]
fn an_unused_cell_is_zero() {
    let test = honest();
    let unused = test.blocks.len();
    assert!(unused < CAPACITY);
    assert_rejected(K, &tampered(&[(Column_::Word(W_8), unused, 4, 1)]), "arith: unused word is 0");
    // EXP does not use W_8; SDIV does not use LT2.
    let exp = block_of(nth_op(0x0a, 0));
    assert_rejected(K, &tampered(&[(Column_::Word(W_8), exp, 0, 1)]), "arith: unused word is 0");
    let sdiv = block_of(nth_op(0x05, 0));
    assert_rejected(K, &tampered(&[(Column_::Aux, sdiv, aux::LT2, 1)]), "arith: unused cell is 0");
    assert_rejected(K, &tampered(&[(Column_::Aux, sdiv, 30, 1)]), "arith: unused cell is 0");
}

#[test]
fn too_many_blocks_are_a_capacity_error() {
    let mut test = honest();
    test.blocks = vec![blocks_for(&ops()[0])[0].clone(); CAPACITY + 1];
    test.probes.clear();
    assert!(run(K, &test).is_err());
    assert!(matches!(Block::unused().aux[0], AuxValue::Zero));
}
