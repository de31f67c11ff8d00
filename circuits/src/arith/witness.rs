//! The arithmetic operations a trace performs, and the blocks that prove each one.

use alloy_primitives::{I256, U256, U512};
use zkevm_trace::trace::{StepKind, Trace};

use super::layout::{aux, CarrySlot, MISC_A, MISC_B, MISC_PAD, WORDS};
use super::layout::{W_4, W_5, W_6, W_7, W_8, W_A, W_B, W_C, W_RES};

/// Offset added to the signed carries of the 512-bit identity before they are stored.
pub const SIGNED_CARRY_OFFSET: u32 = 70;

/// One SDIV, SMOD, ADDMOD, MULMOD or EXP with its operands (`c` is ADDMOD/MULMOD's modulus,
/// 0 otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArithOp {
    /// The opcode.
    pub opcode: u8,
    /// First operand (top of the stack).
    pub a: U256,
    /// Second operand.
    pub b: U256,
    /// Third operand, or 0.
    pub c: U256,
}

/// Whether `opcode` is one the arithmetic circuit proves.
pub fn is_arith_opcode(opcode: u8) -> bool {
    matches!(opcode, 0x05 | 0x07 | 0x08 | 0x09 | 0x0a)
}

/// `(op, a, b, c)` for every completed SDIV, SMOD, ADDMOD, MULMOD and EXP of `trace`, in
/// execution order.
pub fn arith_ops(trace: &Trace) -> Vec<ArithOp> {
    trace
        .txs
        .iter()
        .flat_map(|tx| tx.steps.iter())
        .filter_map(|step| {
            let StepKind::Op(opcode) = step.kind else { return None };
            if !is_arith_opcode(opcode) {
                return None;
            }
            let first = (step.rw_counter as usize).checked_sub(1)?;
            let a = trace.rws.get(first)?.value;
            let b = trace.rws.get(first + 1)?.value;
            let c = if matches!(opcode, 0x08 | 0x09) {
                trace.rws.get(first + 2)?.value
            } else {
                U256::ZERO
            };
            Some(ArithOp { opcode, a, b, c })
        })
        .collect()
}

/// An aux value: an integer, or the field inverse of one (0 for 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AuxValue {
    /// The integer.
    #[default]
    Zero,
    /// An integer.
    Int(U256),
    /// The inverse of an integer.
    Inverse(U256),
}

/// The witness of one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// The word slots.
    pub words: [U256; WORDS],
    /// The carry slots' stored values.
    pub carries: [U256; 4],
    /// Helper bytes.
    pub misc: Vec<(CarrySlot, u8)>,
    /// The aux rows.
    pub aux: [AuxValue; 32],
}

impl Block {
    /// An unused block: all zero.
    pub fn unused() -> Self {
        Self {
            words: [U256::ZERO; WORDS],
            carries: [U256::ZERO; 4],
            misc: Vec::new(),
            aux: [AuxValue::Zero; 32],
        }
    }

    fn set(&mut self, row: usize, value: U256) {
        self.aux[row] = AuxValue::Int(value);
    }

    fn flag(&mut self, row: usize, value: bool) {
        self.set(row, U256::from(value as u8));
    }

    /// The exported `(op, a, b, c, result)`.
    pub fn exported(&self) -> (u64, [U256; 4]) {
        let op = match self.aux[aux::OP] {
            AuxValue::Int(v) => v.to::<u64>(),
            _ => 0,
        };
        (op, [self.words[W_A], self.words[W_B], self.words[W_C], self.words[W_RES]])
    }
}

/// The low and high 128 bits.
fn split(x: U256) -> (U256, U256) {
    (x & ((U256::from(1) << 128) - U256::from(1)), x >> 128usize)
}

/// The product's halves `P_0..P_3` (see [`super::relations`]).
fn product_halves(x: U256, y: U256) -> [U256; 4] {
    let (x, y) = (x.as_limbs(), y.as_limbs());
    let t = |k: usize| {
        (0..4)
            .filter(|i| k >= *i && k - i < 4)
            .fold(U256::ZERO, |acc, i| acc + U256::from(x[i]) * U256::from(y[k - i]))
    };
    [0, 1, 2, 3].map(|h| t(2 * h) + (t(2 * h + 1) << 64))
}

/// The carry of `x·n + y = z` (exact).
fn exact_carry(x: U256, n: U256, y: U256) -> U256 {
    (product_halves(x, n)[0] + split(y).0) >> 128
}

/// The carries of `x·y mod 2^256`.
fn wrap_carries(x: U256, y: U256) -> [U256; 2] {
    let p = product_halves(x, y);
    let c0 = p[0] >> 128usize;
    [c0, (p[1] + c0) >> 128usize]
}

/// Whether the low half is non-zero (the carry of `x + |x| = 2^256` for a negative `x`).
fn low_nonzero(y: U256) -> bool {
    y.as_limbs()[0] != 0 || y.as_limbs()[1] != 0
}

/// The gap `n − y − 1` of `y < n` and the carry between its halves.
fn lt(y: U256, n: U256) -> (U256, bool) {
    let gap = n - y - U256::from(1);
    let carry = (split(y).0 + split(gap).0 + U256::from(1)) >> 128usize;
    (gap, !carry.is_zero())
}

/// The magnitude and sign of a two's-complement word.
fn abs(x: U256) -> (U256, bool) {
    if x.bit(255) {
        (x.wrapping_neg(), true)
    } else {
        (x, false)
    }
}

/// The value stored for a signed carry.
fn stored_signed(c: I256) -> U256 {
    (c + I256::try_from(U256::from(1) << SIGNED_CARRY_OFFSET).unwrap_or(I256::ZERO)).into_raw()
}

/// The blocks of one operation.
pub fn blocks_for(op: &ArithOp) -> Vec<Block> {
    match op.opcode {
        0x05 | 0x07 => vec![div_block(op.a, op.b, op.opcode == 0x07)],
        0x08 | 0x09 => vec![mod_block(op.a, op.b, op.c, op.opcode == 0x09)],
        _ => exp_blocks(op.a, op.b),
    }
}

fn div_block(a: U256, b: U256, is_smod: bool) -> Block {
    let mut blk = Block::unused();
    let (abs_a, sa) = abs(a);
    let (abs_b, sb) = abs(b);
    let zero = b.is_zero();
    let divisor = abs_b + U256::from(zero as u8);
    let (q, r) = (abs_a / divisor, abs_a % divisor);
    let (gap, lt1) = lt(r, divisor);
    let magnitude = if is_smod {
        r
    } else if zero {
        U256::ZERO
    } else {
        q
    };
    let s_pre = if is_smod { sa } else { sa ^ sb };
    let s_res = s_pre && !magnitude.is_zero();
    let result = if s_res { magnitude.wrapping_neg() } else { magnitude };
    blk.words[W_A] = a;
    blk.words[W_B] = b;
    blk.words[W_RES] = result;
    blk.words[W_4] = abs_a;
    blk.words[W_5] = abs_b;
    blk.words[W_6] = q;
    blk.words[W_7] = r;
    blk.words[W_8] = gap;
    blk.carries[0] = exact_carry(q, divisor, r);
    let top = |x: U256, s: bool| 2 * (x.byte(31) - 128 * s as u8);
    blk.misc = vec![(MISC_A, top(a, sa)), (MISC_B, top(b, sb))];
    blk.set(aux::OP, U256::from(if is_smod { 0x07 } else { 0x05 }));
    blk.flag(aux::F_DIV, true);
    blk.flag(aux::ALT, is_smod);
    let (b_lo, b_hi) = split(abs_b);
    blk.aux[aux::N_INV] = AuxValue::Inverse(b_lo + b_hi);
    blk.flag(aux::N_ZERO, zero);
    blk.flag(aux::LT1, lt1);
    blk.flag(aux::SA, sa);
    blk.flag(aux::SB, sb);
    blk.flag(aux::CA, sa && low_nonzero(abs_a));
    blk.flag(aux::CB, sb && low_nonzero(abs_b));
    blk.flag(aux::XS, sa ^ sb);
    blk.flag(aux::S_PRE, s_pre);
    blk.flag(aux::W_SEL, !is_smod && !zero);
    let (m_lo, m_hi) = split(magnitude);
    blk.aux[aux::MAG_INV] = AuxValue::Inverse(m_lo + m_hi);
    blk.flag(aux::MAG_ZERO, magnitude.is_zero());
    blk.flag(aux::S_RES, s_res);
    blk.flag(aux::C_RES, s_res && low_nonzero(magnitude));
    blk
}

fn mod_block(a: U256, b: U256, n: U256, is_mul: bool) -> Block {
    let mut blk = Block::unused();
    let zero = n.is_zero();
    let modulus = n + U256::from(zero as u8);
    let (k, a_red) = (a / modulus, a % modulus);
    let (gap1, lt1) = lt(a_red, modulus);
    let wide = |x: U256| U512::from(x);
    let total = if is_mul { wide(a_red) * wide(b) } else { wide(a_red) + wide(b) };
    let q = U256::from(total / wide(modulus));
    let r = U256::from(total % wide(modulus));
    let (gap2, lt2) = lt(r, modulus);
    blk.words = [a, b, n, r, k, a_red, gap1, q, gap2];
    blk.carries[0] = exact_carry(k, modulus, a_red);
    // The 512-bit identity's signed carries.
    let lhs: [U256; 4] = if is_mul {
        product_halves(a_red, b)
    } else {
        let ((x_lo, x_hi), (y_lo, y_hi)) = (split(a_red), split(b));
        [x_lo + y_lo, x_hi + y_hi, U256::ZERO, U256::ZERO]
    };
    let mut rhs = product_halves(q, modulus);
    let (r_lo, r_hi) = split(r);
    rhs[0] += r_lo;
    rhs[1] += r_hi;
    let signed = |x: U256| I256::from_raw(x);
    let mut carry = I256::ZERO;
    for h in 0..3 {
        let diff = signed(lhs[h]) - signed(rhs[h]) + carry;
        carry = diff.asr(128);
        blk.carries[h + 1] = stored_signed(carry);
    }
    blk.set(aux::OP, U256::from(if is_mul { 0x09 } else { 0x08 }));
    blk.flag(if is_mul { aux::F_MULMOD } else { aux::F_ADDMOD }, true);
    let (n_lo, n_hi) = split(n);
    blk.aux[aux::N_INV] = AuxValue::Inverse(n_lo + n_hi);
    blk.flag(aux::N_ZERO, zero);
    blk.flag(aux::LT1, lt1);
    blk.flag(aux::LT2, lt2);
    blk
}

fn exp_blocks(base: U256, exponent: U256) -> Vec<Block> {
    let bits = exponent.bit_len();
    let steps = bits.max(1);
    let mut blocks = Vec::with_capacity(steps);
    let mut acc = U256::from(1);
    for t in 0..steps {
        let mut blk = Block::unused();
        let (bit, e_in, e_out) = if bits == 0 {
            (false, U256::ZERO, U256::ZERO)
        } else {
            let shift = bits - 1 - t;
            (exponent.bit(shift), exponent >> (shift + 1), exponent >> shift)
        };
        let square = acc.wrapping_mul(acc);
        let multiplier = if bit { base } else { U256::from(1) };
        let out = square.wrapping_mul(multiplier);
        let count_out = if bits == 0 { 0 } else { t + 1 };
        let bytes = count_out.div_ceil(8);
        blk.words[W_A] = base;
        blk.words[W_B] = e_out;
        blk.words[W_C] = U256::from(bytes);
        blk.words[W_RES] = out;
        blk.words[W_4] = acc;
        blk.words[W_5] = square;
        blk.words[W_6] = e_in;
        blk.words[W_7] = multiplier;
        let [c0, c1] = wrap_carries(acc, acc);
        let [c2, c3] = wrap_carries(square, multiplier);
        blk.carries = [c0, c1, c2, c3];
        blk.misc = vec![(MISC_PAD, (32 * (8 * bytes - count_out)) as u8)];
        let last = t + 1 == steps;
        blk.set(aux::OP, U256::from(if last { 0x0a } else { 0 }));
        blk.flag(aux::F_EXP, true);
        blk.flag(aux::BIT, bit);
        blk.flag(aux::EXP_FIRST, t == 0);
        blk.flag(aux::EXP_LAST, last);
        blk.set(aux::COUNT_IN, U256::from(if bits == 0 { 0 } else { t }));
        blk.set(aux::COUNT_OUT, U256::from(count_out));
        let carry = (split(e_in).0 * U256::from(2) + U256::from(bit as u8)) >> 128usize;
        blk.set(aux::E_CARRY, carry);
        acc = out;
        blocks.push(blk);
    }
    blocks
}

/// The native result of `op`, by the Yellow Paper's definitions (for tests and checks).
pub fn native_result(op: &ArithOp) -> U256 {
    let (a, b, c) = (op.a, op.b, op.c);
    match op.opcode {
        0x05 | 0x07 if b.is_zero() => U256::ZERO,
        0x05 => {
            let ((x, sa), (y, sb)) = (abs(a), abs(b));
            let q = x / y;
            if sa ^ sb {
                q.wrapping_neg()
            } else {
                q
            }
        }
        0x07 => {
            let ((x, sa), (y, _)) = (abs(a), abs(b));
            let r = x % y;
            if sa {
                r.wrapping_neg()
            } else {
                r
            }
        }
        0x08 => a.add_mod(b, c),
        0x09 => a.mul_mod(b, c),
        _ => a.wrapping_pow(b),
    }
}
