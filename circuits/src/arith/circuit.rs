//! Columns, constraints and assignment of the arithmetic circuit (see the [module docs](super)
//! and [`super::layout`]).

use alloy_primitives::U256;
use halo2_proofs::circuit::{Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression, Fixed};

use super::layout::{aux, spare_carry_rows, Kind, CARRIES, CARRY_BYTES, MISC_A, MISC_B, MISC_PAD};
use super::layout::{WORDS, W_4, W_5, W_6, W_7, W_8, W_A, W_B, W_C, W_RES};
use super::relations::{
    from_rows, halves, less_than, limbs, mul_add_512, mul_add_exact, mul_wrap, product_halves,
    signed, two_pow, Halves,
};
use super::witness::{blocks_for, ArithOp, AuxValue, Block, SIGNED_CARRY_OFFSET};
use super::BLOCK_ROWS;
use crate::constraint_builder::{constant, ConstraintBuilder};
use crate::error::CircuitError;
use crate::table::{FixedTable, FixedTableTag, LookupTable};

/// The columns other circuits look `(op, a, b, c, result)` up in.
#[derive(Clone, Copy, Debug)]
pub struct ArithTable {
    /// 1 on a block's first row.
    pub q_block: Column<Fixed>,
    /// The aux column (the op is its first row).
    pub aux: Column<Advice>,
    /// The exported word columns: `a`, `b`, `c`, result.
    pub words: [Column<Advice>; 4],
}

impl<F: PrimeField> LookupTable<F> for ArithTable {
    fn table_exprs(&self) -> Vec<Expression<F>> {
        let q = self.q_block.cur();
        let mut exprs = vec![q.clone(), q.clone() * self.aux.cur()];
        for column in self.words {
            let (lo, hi) = halves(column);
            exprs.push(q.clone() * lo);
            exprs.push(q.clone() * hi);
        }
        exprs
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec![
            "arith.q_block",
            "arith.op",
            "a_lo",
            "a_hi",
            "b_lo",
            "b_hi",
            "c_lo",
            "c_hi",
            "r_lo",
            "r_hi",
        ]
    }
}

impl ArithTable {
    /// The tuple asking that `result = op(a, b, c)` (words as `(lo, hi)` limbs).
    pub fn lookup_tuple<F: PrimeField>(
        op: Expression<F>,
        words: [[Expression<F>; 2]; 4],
    ) -> Vec<Expression<F>> {
        let mut tuple = vec![constant(1), op];
        tuple.extend(words.into_iter().flatten());
        tuple
    }
}

/// The arithmetic circuit's columns.
#[derive(Clone, Copy, Debug)]
pub struct ArithConfig {
    /// The table it exposes.
    pub table: ArithTable,
    q_enable: Column<Fixed>,
    q_link: Column<Fixed>,
    /// Word columns, one word per block each.
    pub words: [Column<Advice>; WORDS],
    /// Carry columns.
    pub carries: [Column<Advice>; 2],
}

impl ArithConfig {
    /// Allocates the columns and states the constraints; `fixed` must hold
    /// [`FixedTableTag::Range8`].
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>, fixed: &FixedTable) -> Self {
        let (q_enable, q_block, q_link) =
            (meta.fixed_column(), meta.fixed_column(), meta.fixed_column());
        let words = [(); WORDS].map(|_| meta.advice_column());
        let carries = [meta.advice_column(), meta.advice_column()];
        let aux_column = meta.advice_column();
        let table = ArithTable {
            q_block,
            aux: aux_column,
            words: [words[W_A], words[W_B], words[W_C], words[W_RES]],
        };
        let config = Self { table, q_enable, q_link, words, carries };

        let mut bytes = ConstraintBuilder::new();
        for column in words.iter().chain(&carries) {
            bytes.lookup(
                "arith: byte",
                FixedTableTag::Range8.tuple(vec![column.cur()]),
                fixed.table_exprs(),
            );
        }
        bytes.build(meta, "arith bytes", q_enable.cur());

        let mut cb = ConstraintBuilder::new();
        config.block_constraints(&mut cb, aux_column);
        cb.build(meta, "arith", q_block.cur());

        let mut link = ConstraintBuilder::new();
        config.link_constraints(&mut link, aux_column);
        link.build(meta, "arith exp chain", q_link.cur());
        // The first block has nothing before it: it cannot continue a chain.
        let g = |row: usize| aux_column.rot(row as i32);
        let mut first = ConstraintBuilder::new();
        first.require_zero(
            "arith: EXP chain starts at its first step",
            g(aux::F_EXP) * (constant(1) - g(aux::EXP_FIRST)),
        );
        first.build(meta, "arith first block", q_block.cur() - q_link.cur());
        config
    }

    fn carry<F: PrimeField>(&self, slot: usize) -> Expression<F> {
        let (column, start) = CARRIES[slot];
        from_rows(self.carries[column], start, CARRY_BYTES)
    }

    fn signed_carry<F: PrimeField>(&self, slot: usize) -> Expression<F> {
        self.carry(slot) - two_pow(SIGNED_CARRY_OFFSET)
    }

    fn block_constraints<F: PrimeField>(
        &self,
        cb: &mut ConstraintBuilder<F>,
        aux_column: Column<Advice>,
    ) {
        let g = |row: usize| aux_column.rot(row as i32);
        let w = |slot: usize| halves::<F>(self.words[slot]);
        let l = |slot: usize| limbs::<F>(self.words[slot]);
        let one = || constant::<F>(1);
        let flag = |kind: Kind| g(kind.flag());
        let (f_div, f_add, f_mul, f_exp) =
            (flag(Kind::Div), flag(Kind::AddMod), flag(Kind::MulMod), flag(Kind::Exp));
        let f_mod = f_add.clone() + f_mul.clone();
        let used = f_div.clone() + f_mod.clone() + f_exp.clone();

        // Flags, signs, carries and bits are booleans; at most one kind per block.
        for row in [
            aux::F_DIV,
            aux::F_ADDMOD,
            aux::F_MULMOD,
            aux::F_EXP,
            aux::ALT,
            aux::LT1,
            aux::LT2,
            aux::SA,
            aux::SB,
            aux::CA,
            aux::CB,
            aux::C_RES,
            aux::BIT,
            aux::EXP_FIRST,
            aux::EXP_LAST,
            aux::E_CARRY,
        ] {
            cb.require_boolean("arith: boolean cell", g(row));
        }
        cb.require_boolean("arith: one kind per block", used.clone());
        // The exported op: the opcode (EXP only on a chain's last step).
        let op = f_div.clone() * (constant(5) + constant(2) * g(aux::ALT))
            + constant(8) * f_add.clone()
            + constant(9) * f_mul.clone()
            + constant(10) * g(aux::EXP_LAST);
        cb.require_equal("arith: op", g(aux::OP), op);

        // A cell the block's kind does not use is 0 (every cell of an unused block).
        let unused_by = |uses: &dyn Fn(Kind) -> bool| {
            Kind::ALL
                .into_iter()
                .filter(|k| !uses(*k))
                .fold(one() - used.clone(), |acc, k| acc + flag(k))
        };
        for row in 0..BLOCK_ROWS {
            if matches!(row, aux::OP | aux::F_DIV | aux::F_ADDMOD | aux::F_MULMOD | aux::F_EXP) {
                continue;
            }
            cb.require_zero("arith: unused cell is 0", unused_by(&|k| k.uses_aux(row)) * g(row));
        }
        for slot in 0..WORDS {
            let weight = unused_by(&|k| k.uses_word(slot));
            let (lo, hi) = w(slot);
            cb.require_zero("arith: unused word is 0", weight.clone() * lo);
            cb.require_zero("arith: unused word is 0", weight * hi);
        }
        for slot in 0..CARRIES.len() {
            let weight = unused_by(&|k| k.uses_carry(slot));
            cb.require_zero("arith: unused carry is 0", weight * self.carry(slot));
        }
        for misc in [MISC_A, MISC_B, MISC_PAD] {
            let weight = unused_by(&|k| k.uses_misc(misc));
            let byte = self.carries[misc.0].rot(misc.1 as i32);
            cb.require_zero("arith: unused carry is 0", weight * byte);
        }
        for (column, row) in spare_carry_rows() {
            cb.require_zero("arith: unused carry is 0", self.carries[column].rot(row as i32));
        }

        // The divisor (modulus) is 0 exactly when N_ZERO; n' = n + N_ZERO.
        let zero = g(aux::N_ZERO);
        for (cond, slot) in [(f_div.clone(), W_5), (f_mod.clone(), W_C)] {
            let (lo, hi) = w(slot);
            cb.when(cond, |cb| {
                let sum = lo + hi;
                cb.require_equal(
                    "arith: divisor is zero",
                    zero.clone(),
                    one() - sum.clone() * g(aux::N_INV),
                );
                cb.require_zero("arith: divisor is zero", sum * zero.clone());
                cb.require_zero("arith: divisor is zero", g(aux::N_INV) * zero.clone());
            });
        }
        let with_zero = |slot: usize| {
            let mut n = l(slot);
            n[0] = n[0].clone() + zero.clone();
            let (lo, hi) = w(slot);
            (n, (lo + zero.clone(), hi))
        };

        self.signed_division(cb, &g, f_div, &with_zero);
        self.modular(cb, &g, (f_add, f_mul, f_mod), &with_zero);
        self.exp_step(cb, &g, f_exp);
    }

    /// SDIV/SMOD: `|q|·b' + |r| = |a|`, `|r| < b'`, `b' = |b| + [b = 0]`, result signed.
    fn signed_division<F: PrimeField>(
        &self,
        cb: &mut ConstraintBuilder<F>,
        g: &dyn Fn(usize) -> Expression<F>,
        f_div: Expression<F>,
        with_zero: &dyn Fn(usize) -> ([Expression<F>; 4], Halves<F>),
    ) {
        let w = |slot: usize| halves::<F>(self.words[slot]);
        let one = || constant::<F>(1);
        cb.when(f_div, |cb| {
            // Sign bits: byte 31 = 128·s + low, with 2·low a byte (so low < 128).
            for (slot, misc, s) in [(W_A, MISC_A, aux::SA), (W_B, MISC_B, aux::SB)] {
                let top = self.words[slot].rot(31);
                let helper = self.carries[misc.0].rot(misc.1 as i32);
                cb.require_equal(
                    "arith: sign bit",
                    helper,
                    constant(2) * (top - constant(128) * g(s)),
                );
            }
            signed(cb, "arith: |a|", w(W_A), w(W_4), g(aux::SA), g(aux::CA));
            signed(cb, "arith: |b|", w(W_B), w(W_5), g(aux::SB), g(aux::CB));
            let (divisor, divisor_halves) = with_zero(W_5);
            mul_add_exact(
                cb,
                "arith: |q|·b' + |r| = |a|",
                &limbs(self.words[W_6]),
                &divisor,
                w(W_7),
                w(W_4),
                self.carry(0),
            );
            less_than(cb, "arith: |r| < b'", w(W_7), w(W_8), divisor_halves, g(aux::LT1));
            let (sa, sb, alt) = (g(aux::SA), g(aux::SB), g(aux::ALT));
            cb.require_equal(
                "arith: result sign",
                g(aux::XS),
                sa.clone() + sb.clone() - constant(2) * sa.clone() * sb,
            );
            cb.require_equal(
                "arith: result sign",
                g(aux::S_PRE),
                alt.clone() * sa + (one() - alt.clone()) * g(aux::XS),
            );
            cb.require_equal(
                "arith: result sign",
                g(aux::W_SEL),
                (one() - alt.clone()) * (one() - g(aux::N_ZERO)),
            );
            // The magnitude: |r| for SMOD, |q| for SDIV (0 when b = 0).
            let (q, r) = (w(W_6), w(W_7));
            let m = (alt.clone() * r.0 + g(aux::W_SEL) * q.0, alt * r.1 + g(aux::W_SEL) * q.1);
            let sum = m.0.clone() + m.1.clone();
            cb.require_equal(
                "arith: result magnitude is zero",
                g(aux::MAG_ZERO),
                one() - sum.clone() * g(aux::MAG_INV),
            );
            cb.require_zero("arith: result magnitude is zero", sum * g(aux::MAG_ZERO));
            cb.require_zero("arith: result magnitude is zero", g(aux::MAG_INV) * g(aux::MAG_ZERO));
            cb.require_equal(
                "arith: result sign",
                g(aux::S_RES),
                g(aux::S_PRE) * (one() - g(aux::MAG_ZERO)),
            );
            signed(cb, "arith: signed result", w(W_RES), m, g(aux::S_RES), g(aux::C_RES));
        });
    }

    /// ADDMOD/MULMOD: `k·n' + a' = a`, `a' < n'`, `a'·b` (or `a' + b`) `= q·n' + r`, `r < n'`.
    fn modular<F: PrimeField>(
        &self,
        cb: &mut ConstraintBuilder<F>,
        g: &dyn Fn(usize) -> Expression<F>,
        (f_add, f_mul, f_mod): (Expression<F>, Expression<F>, Expression<F>),
        with_zero: &dyn Fn(usize) -> ([Expression<F>; 4], Halves<F>),
    ) {
        let w = |slot: usize| halves::<F>(self.words[slot]);
        let (modulus, modulus_halves) = with_zero(W_C);
        cb.when(f_mod.clone(), |cb| {
            mul_add_exact(
                cb,
                "arith: k·n' + a' = a",
                &limbs(self.words[W_4]),
                &modulus,
                w(W_5),
                w(W_A),
                self.carry(0),
            );
            less_than(cb, "arith: a' < n'", w(W_5), w(W_6), modulus_halves.clone(), g(aux::LT1));
            less_than(cb, "arith: r < n'", w(W_RES), w(W_8), modulus_halves, g(aux::LT2));
        });
        // a'·b (MULMOD) or a' + b (ADDMOD), half by half.
        let products = product_halves(&limbs(self.words[W_5]), &limbs(self.words[W_B]));
        let (x, y) = (w(W_5), w(W_B));
        let sums = [x.0 + y.0, x.1 + y.1, constant(0), constant(0)];
        let lhs = [0, 1, 2, 3]
            .map(|h| f_mul.clone() * products[h].clone() + f_add.clone() * sums[h].clone());
        mul_add_512(
            cb,
            "arith: a'·b (or a' + b) = q·n' + r",
            lhs,
            f_mod,
            (&limbs(self.words[W_7]), &modulus, w(W_RES)),
            [self.signed_carry(1), self.signed_carry(2), self.signed_carry(3)],
        );
    }

    /// One EXP step: `acc_out = acc_in²·(bit ? base : 1)`, `e_out = 2·e_in + bit`, bits
    /// counted and the byte length of `e_out` exported.
    fn exp_step<F: PrimeField>(
        &self,
        cb: &mut ConstraintBuilder<F>,
        g: &dyn Fn(usize) -> Expression<F>,
        f_exp: Expression<F>,
    ) {
        let w = |slot: usize| halves::<F>(self.words[slot]);
        let one = || constant::<F>(1);
        let bit = g(aux::BIT);
        cb.when(f_exp, |cb| {
            let (base, m) = (w(W_A), w(W_7));
            cb.require_equal(
                "arith: EXP multiplier",
                m.0,
                bit.clone() * base.0 + one() - bit.clone(),
            );
            cb.require_equal("arith: EXP multiplier", m.1, bit.clone() * base.1);
            let acc_in = limbs(self.words[W_4]);
            mul_wrap(
                cb,
                "arith: EXP square",
                &acc_in,
                &acc_in,
                w(W_5),
                [self.carry(0), self.carry(1)],
            );
            mul_wrap(
                cb,
                "arith: EXP multiply",
                &limbs(self.words[W_5]),
                &limbs(self.words[W_7]),
                w(W_RES),
                [self.carry(2), self.carry(3)],
            );
            let (e_in, e_out) = (w(W_6), w(W_B));
            cb.require_equal(
                "arith: EXP exponent bits",
                constant(2) * e_in.0 + bit.clone(),
                e_out.0 + two_pow(128) * g(aux::E_CARRY),
            );
            cb.require_equal(
                "arith: EXP exponent bits",
                constant(2) * e_in.1 + g(aux::E_CARRY),
                e_out.1,
            );
            cb.require_equal(
                "arith: EXP bit count",
                g(aux::COUNT_OUT),
                g(aux::COUNT_IN) + one() - g(aux::EXP_FIRST) * (one() - bit.clone()),
            );
            // 8·bytes = bits + pad with 32·pad a byte (pad < 8).
            let (bytes, bytes_hi) = w(W_C);
            let pad = self.carries[MISC_PAD.0].rot(MISC_PAD.1 as i32);
            cb.require_equal(
                "arith: EXP exponent byte length",
                constant(256) * bytes,
                constant(32) * g(aux::COUNT_OUT) + pad,
            );
            cb.require_zero("arith: EXP exponent byte length", bytes_hi);
        });
        let first = g(aux::EXP_FIRST);
        cb.when(first, |cb| {
            let (acc_in, e_in) = (w(W_4), w(W_6));
            cb.require_equal("arith: EXP first step", acc_in.0, one());
            cb.require_zero("arith: EXP first step", acc_in.1);
            cb.require_zero("arith: EXP first step", e_in.0);
            cb.require_zero("arith: EXP first step", e_in.1);
            cb.require_zero("arith: EXP first step", g(aux::COUNT_IN));
            // The leading bit is 1, unless the exponent is 0 (one step, bit 0).
            cb.require_zero(
                "arith: EXP first step",
                (one() - bit.clone()) * (one() - g(aux::EXP_LAST)),
            );
        });
    }

    /// A step that continues an EXP chain follows a step of it that is not the last, with the
    /// same base and the accumulators, exponent prefix and bit count carried over.
    fn link_constraints<F: PrimeField>(
        &self,
        cb: &mut ConstraintBuilder<F>,
        aux_column: Column<Advice>,
    ) {
        let g = |row: usize| aux_column.rot(row as i32);
        let prev = |row: usize| aux_column.rot(row as i32 - BLOCK_ROWS as i32);
        let w = |slot: usize| halves::<F>(self.words[slot]);
        let w_prev = |slot: usize| {
            let column = self.words[slot];
            let rows = |start: usize| {
                (0..16).rev().fold(constant(0), |acc, i| {
                    acc * constant(256) + column.rot((start + i) as i32 - BLOCK_ROWS as i32)
                })
            };
            (rows(0), rows(16))
        };
        let cont = g(aux::F_EXP) * (constant(1) - g(aux::EXP_FIRST));
        cb.when(cont, |cb| {
            cb.require_equal("arith: EXP chain", prev(aux::F_EXP), constant(1));
            cb.require_zero("arith: EXP chain", prev(aux::EXP_LAST));
            cb.require_equal("arith: EXP chain", g(aux::COUNT_IN), prev(aux::COUNT_OUT));
            for (now, before) in [(W_4, W_RES), (W_6, W_B), (W_A, W_A)] {
                let (x, y) = (w(now), w_prev(before));
                cb.require_equal("arith: EXP chain", x.0, y.0);
                cb.require_equal("arith: EXP chain", x.1, y.1);
            }
        });
    }

    /// Rows for `blocks` blocks.
    pub fn rows(blocks: usize) -> usize {
        blocks * BLOCK_ROWS
    }

    /// The blocks of `ops`, in order.
    pub fn blocks(ops: &[ArithOp]) -> Vec<Block> {
        ops.iter().flat_map(blocks_for).collect()
    }

    /// Assigns the blocks of `ops` into a region of `capacity` blocks from row 0; unused blocks
    /// are zero.
    pub fn assign<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        ops: &[ArithOp],
        capacity: usize,
    ) -> Result<(), CircuitError> {
        let blocks = Self::blocks(ops);
        self.assign_blocks(region, &blocks, capacity)
    }

    /// Assigns `blocks` (honest or not) into a region of `capacity` blocks.
    pub fn assign_blocks<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        blocks: &[Block],
        capacity: usize,
    ) -> Result<(), CircuitError> {
        if blocks.len() > capacity {
            return Err(CircuitError::CapacityExceeded {
                what: "arithmetic blocks",
                needed: blocks.len(),
                capacity,
            });
        }
        let unused = Block::unused();
        for index in 0..capacity {
            let block = blocks.get(index).unwrap_or(&unused);
            let start = index * BLOCK_ROWS;
            let mut carry_bytes = [[0u8; BLOCK_ROWS]; 2];
            for (slot, value) in CARRIES.iter().zip(block.carries) {
                let bytes = value.to_le_bytes::<32>();
                carry_bytes[slot.0][slot.1..slot.1 + CARRY_BYTES]
                    .copy_from_slice(&bytes[..CARRY_BYTES]);
            }
            for ((column, row), byte) in &block.misc {
                carry_bytes[*column][*row] = *byte;
            }
            for row in 0..BLOCK_ROWS {
                let offset = start + row;
                region.assign_fixed(self.q_enable, offset, F::ONE);
                region.assign_fixed(self.table.q_block, offset, F::from((row == 0) as u64));
                region.assign_fixed(self.q_link, offset, F::from((row == 0 && index > 0) as u64));
                for (column, word) in self.words.iter().zip(block.words) {
                    let byte = word.byte(row) as u64;
                    region.assign_advice(*column, offset, Value::known(F::from(byte)));
                }
                for (column, bytes) in self.carries.iter().zip(&carry_bytes) {
                    region.assign_advice(*column, offset, Value::known(F::from(bytes[row] as u64)));
                }
                let value = match block.aux[row] {
                    AuxValue::Zero => F::ZERO,
                    AuxValue::Int(v) => field(v),
                    AuxValue::Inverse(v) => field::<F>(v).invert().unwrap_or(F::ZERO),
                };
                region.assign_advice(self.table.aux, offset, Value::known(value));
            }
        }
        Ok(())
    }
}

/// A word as a field element (it is below the modulus wherever this is used).
fn field<F: PrimeField>(v: U256) -> F {
    let limbs = v.as_limbs();
    let two_64 = F::from(1 << 32) * F::from(1 << 32);
    limbs.iter().rev().fold(F::ZERO, |acc, l| acc * two_64 + F::from(*l))
}
