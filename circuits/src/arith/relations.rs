//! The identities the arithmetic circuit states, over words held one byte per row.
//!
//! A word in column `c` of a block is `Σ_i 256^i·c[i]`; its 64-bit limbs are
//! `x_j = Σ_{i<8} 256^i·c[8j + i]` and its 128-bit halves `lo = x_0 + 2^64·x_1`,
//! `hi = x_2 + 2^64·x_3`. For limbs `x`, `y` the partial products are
//! `t_k = Σ_{i+j=k} x_i·y_j` (`k = 0..6`) and the product's 128-bit *halves*
//! `P_h = t_{2h} + 2^64·t_{2h+1}`, so `x·y = Σ_h 2^{128h}·P_h`. Every identity below keeps its
//! terms below `2^200`, so it holds over the integers, not only modulo the field.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, Expression};

use crate::constraint_builder::{constant, ConstraintBuilder};

/// `2^n` as an expression.
pub fn two_pow<F: PrimeField>(n: u32) -> Expression<F> {
    Expression::Constant(F::from(2).pow_vartime([n as u64]))
}

/// `Σ_{i<len} 256^i·column[start + i]`.
pub fn from_rows<F: PrimeField>(column: Column<Advice>, start: usize, len: usize) -> Expression<F> {
    (0..len).rev().fold(constant(0), |acc, i| acc * constant(256) + column.rot((start + i) as i32))
}

/// A word as `(lo, hi)` halves.
pub type Halves<F> = (Expression<F>, Expression<F>);

/// The word in `column` as halves.
pub fn halves<F: PrimeField>(column: Column<Advice>) -> Halves<F> {
    (from_rows(column, 0, 16), from_rows(column, 16, 16))
}

/// The word in `column` as 64-bit limbs.
pub fn limbs<F: PrimeField>(column: Column<Advice>) -> [Expression<F>; 4] {
    [0, 1, 2, 3].map(|j| from_rows(column, 8 * j, 8))
}

/// The product's halves `P_0..P_3` of two limb vectors.
pub fn product_halves<F: PrimeField>(
    x: &[Expression<F>; 4],
    y: &[Expression<F>; 4],
) -> [Expression<F>; 4] {
    let t = |k: usize| {
        (0..4)
            .filter(|i| k >= *i && k - i < 4)
            .fold(constant(0), |acc, i| acc + x[i].clone() * y[k - i].clone())
    };
    [0, 1, 2, 3].map(|h| t(2 * h) + two_pow(64) * t(2 * h + 1))
}

/// `x·n + y = z` exactly (no overflow past 256 bits): `P_0 + y_lo = z_lo + 2^128·carry`,
/// `P_1 + y_hi + carry = z_hi`, and the products beyond 256 bits (`x_i·n_j`, `i + j ≥ 4`, all
/// non-negative) sum to zero. `carry` is a 9-byte value.
pub fn mul_add_exact<F: PrimeField>(
    cb: &mut ConstraintBuilder<F>,
    name: &'static str,
    x: &[Expression<F>; 4],
    n: &[Expression<F>; 4],
    y: Halves<F>,
    z: Halves<F>,
    carry: Expression<F>,
) {
    let p = product_halves(x, n);
    cb.require_equal(name, p[0].clone() + y.0, z.0 + two_pow(128) * carry.clone());
    cb.require_equal(name, p[1].clone() + y.1 + carry, z.1);
    let mut beyond = constant(0);
    for (i, x_i) in x.iter().enumerate() {
        for n_j in n.iter().skip(4 - i) {
            beyond = beyond + x_i.clone() * n_j.clone();
        }
    }
    cb.require_zero(name, beyond);
}

/// `x·y = d mod 2^256`: `P_0 = d_lo + 2^128·c_0`, `P_1 + c_0 = d_hi + 2^128·c_1` (9-byte
/// carries; the halves above 256 bits are multiples of `2^256` and drop out).
pub fn mul_wrap<F: PrimeField>(
    cb: &mut ConstraintBuilder<F>,
    name: &'static str,
    x: &[Expression<F>; 4],
    y: &[Expression<F>; 4],
    d: Halves<F>,
    carries: [Expression<F>; 2],
) {
    let p = product_halves(x, y);
    let [c0, c1] = carries;
    cb.require_equal(name, p[0].clone(), d.0 + two_pow(128) * c0.clone());
    cb.require_equal(name, p[1].clone() + c0, d.1 + two_pow(128) * c1);
}

/// `Σ_h 2^{128h}·lhs_h = weight·(q·n + r)` over 512 bits, half by half with signed carries:
/// `lhs_h + weight·(c_{h−1} − Q_h − 2^128·c_h) = 0` where `Q_h` are the halves of `q·n + r`,
/// `c_{−1} = c_3 = 0`. Summing the four identities times `2^{128h}` telescopes the carries.
/// `carries` are the signed carries `c_0..c_2` (stored with an offset by the caller).
pub fn mul_add_512<F: PrimeField>(
    cb: &mut ConstraintBuilder<F>,
    name: &'static str,
    lhs: [Expression<F>; 4],
    weight: Expression<F>,
    (q, n, r): (&[Expression<F>; 4], &[Expression<F>; 4], Halves<F>),
    carries: [Expression<F>; 3],
) {
    let mut rhs = product_halves(q, n);
    rhs[0] = rhs[0].clone() + r.0;
    rhs[1] = rhs[1].clone() + r.1;
    let carry =
        |h: i64| if (0..3).contains(&h) { carries[h as usize].clone() } else { constant(0) };
    for (h, (l, q_h)) in lhs.into_iter().zip(rhs).enumerate() {
        let h = h as i64;
        let step = carry(h - 1) - q_h - two_pow(128) * carry(h);
        cb.require_zero(name, l + weight.clone() * step);
    }
}

/// `y < n` as `y + gap + 1 = n` with a boolean carry between the halves (`gap` canonical).
pub fn less_than<F: PrimeField>(
    cb: &mut ConstraintBuilder<F>,
    name: &'static str,
    y: Halves<F>,
    gap: Halves<F>,
    n: Halves<F>,
    carry: Expression<F>,
) {
    cb.require_equal(name, y.0 + gap.0 + constant(1), n.0 + two_pow(128) * carry.clone());
    cb.require_equal(name, y.1 + gap.1 + carry, n.1);
}

/// `x` is `m` with sign `s`: `x = m` when `s = 0`, `x + m = 2^256` when `s = 1` (then
/// `m ≠ 0`), with `carry` (boolean, 0 unless `s`) between the halves.
pub fn signed<F: PrimeField>(
    cb: &mut ConstraintBuilder<F>,
    name: &'static str,
    x: Halves<F>,
    m: Halves<F>,
    s: Expression<F>,
    carry: Expression<F>,
) {
    // s = 0: x_lo = m_lo; s = 1: x_lo + m_lo = 2^128·carry.
    let lo = m.0.clone() - s.clone() * (constant(2) * m.0 - two_pow(128) * carry.clone());
    cb.require_equal(name, x.0, lo);
    // s = 0: x_hi = m_hi; s = 1: x_hi + m_hi + carry = 2^128.
    let hi = m.1.clone() + s.clone() * (two_pow(128) - carry.clone() - constant(2) * m.1);
    cb.require_equal(name, x.1, hi);
    cb.require_zero(name, carry * (constant(1) - s));
}
