//! Where each value of a block lives: the word slots of each block kind, the carry slots and
//! the aux rows, and which kinds use which (a cell a kind does not use is constrained to 0).

/// Word columns.
pub const WORDS: usize = 9;

/// Word slot: the first operand (signed division, modular: `a`; EXP: the base). Exported.
pub const W_A: usize = 0;
/// Word slot: the second operand (`b`; EXP: `e_out`, the exponent on a chain's last block).
/// Exported.
pub const W_B: usize = 1;
/// Word slot: the third operand (modular: `n`; EXP: the byte length of `e_out`; signed
/// division: 0). Exported.
pub const W_C: usize = 2;
/// Word slot: the result (signed division: `q` or `r` signed; modular: `r`; EXP: `acc_out`).
/// Exported.
pub const W_RES: usize = 3;
/// Word slot: signed division `|a|`; modular `k` (`a = k·n' + a'`); EXP `acc_in`.
pub const W_4: usize = 4;
/// Word slot: signed division `|b|`; modular `a'`; EXP `acc_in² mod 2^256`.
pub const W_5: usize = 5;
/// Word slot: signed division `|q|`; modular `n' − a' − 1`; EXP `e_in`.
pub const W_6: usize = 6;
/// Word slot: signed division `|r|`; modular `q`; EXP the multiplier `bit ? base : 1`.
pub const W_7: usize = 7;
/// Word slot: signed division `|b'| − |r| − 1`; modular `n' − r − 1`; EXP unused.
pub const W_8: usize = 8;

/// A carry slot: `(carry column, first row)`, 9 bytes.
pub type CarrySlot = (usize, usize);
/// Bytes per carry.
pub const CARRY_BYTES: usize = 9;
/// The carry slots.
pub const CARRIES: [CarrySlot; 4] = [(0, 0), (0, 9), (0, 18), (1, 0)];
/// Helper byte `2·(a₃₁ − 128·sign(a))` (signed division): below 256 iff the rest is 7 bits.
pub const MISC_A: CarrySlot = (1, 28);
/// Helper byte `2·(b₃₁ − 128·sign(b))`.
pub const MISC_B: CarrySlot = (1, 29);
/// Helper byte `32·pad` with `8·bytes = bits + pad` (EXP): below 256 iff `pad < 8`.
pub const MISC_PAD: CarrySlot = (1, 30);
/// Carry-column rows that no kind uses (always 0).
pub fn spare_carry_rows() -> Vec<CarrySlot> {
    let mut rows: Vec<CarrySlot> = (27..32).map(|r| (0, r)).collect();
    rows.extend((9..28).map(|r| (1, r)));
    rows.push((1, 31));
    rows
}

/// Aux rows.
pub mod aux {
    /// The exported operation (the opcode, or 0).
    pub const OP: usize = 0;
    /// Kind flag: signed division.
    pub const F_DIV: usize = 1;
    /// Kind flag: ADDMOD.
    pub const F_ADDMOD: usize = 2;
    /// Kind flag: MULMOD.
    pub const F_MULMOD: usize = 3;
    /// Kind flag: an EXP step.
    pub const F_EXP: usize = 4;
    /// Signed division: 1 for SMOD.
    pub const ALT: usize = 5;
    /// Inverse of the divisor's (modulus's) limb sum, or 0.
    pub const N_INV: usize = 6;
    /// 1 when the divisor (modulus) is 0.
    pub const N_ZERO: usize = 7;
    /// Carry of the first `x < n'` check.
    pub const LT1: usize = 8;
    /// Carry of the second `r < n'` check (modular).
    pub const LT2: usize = 9;
    /// Sign of `a`.
    pub const SA: usize = 10;
    /// Sign of `b`.
    pub const SB: usize = 11;
    /// Carry of `a + |a| = 2^256`.
    pub const CA: usize = 12;
    /// Carry of `b + |b| = 2^256`.
    pub const CB: usize = 13;
    /// `sign(a) ⊕ sign(b)`.
    pub const XS: usize = 14;
    /// The result's sign before the zero check (`alt ? sign(a) : xs`).
    pub const S_PRE: usize = 15;
    /// `(1 − alt)·(1 − [b = 0])`: the quotient counts.
    pub const W_SEL: usize = 16;
    /// Inverse of the result magnitude's limb sum, or 0.
    pub const MAG_INV: usize = 17;
    /// 1 when the result's magnitude is 0.
    pub const MAG_ZERO: usize = 18;
    /// The result's sign.
    pub const S_RES: usize = 19;
    /// Carry of `res + |res| = 2^256`.
    pub const C_RES: usize = 20;
    /// EXP: the step's exponent bit.
    pub const BIT: usize = 21;
    /// EXP: the chain's first step.
    pub const EXP_FIRST: usize = 22;
    /// EXP: the chain's last step (exported).
    pub const EXP_LAST: usize = 23;
    /// EXP: bits before this step.
    pub const COUNT_IN: usize = 24;
    /// EXP: bits after this step.
    pub const COUNT_OUT: usize = 25;
    /// EXP: carry between the limbs of `e_out = 2·e_in + bit`.
    pub const E_CARRY: usize = 26;
    /// Rows in use; the others are 0.
    pub const USED: usize = 27;
}

/// A block kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// SDIV, SMOD.
    Div,
    /// ADDMOD.
    AddMod,
    /// MULMOD.
    MulMod,
    /// An EXP step.
    Exp,
}

impl Kind {
    /// Every kind, in flag order.
    pub const ALL: [Kind; 4] = [Kind::Div, Kind::AddMod, Kind::MulMod, Kind::Exp];

    /// The kind's flag row.
    pub fn flag(self) -> usize {
        match self {
            Kind::Div => aux::F_DIV,
            Kind::AddMod => aux::F_ADDMOD,
            Kind::MulMod => aux::F_MULMOD,
            Kind::Exp => aux::F_EXP,
        }
    }

    /// Whether the kind uses word slot `w`.
    pub fn uses_word(self, w: usize) -> bool {
        match self {
            Kind::Div => w != W_C,
            Kind::AddMod | Kind::MulMod => true,
            Kind::Exp => w != W_8,
        }
    }

    /// Whether the kind uses carry slot `i`.
    pub fn uses_carry(self, i: usize) -> bool {
        match self {
            Kind::Div => i == 0,
            _ => true,
        }
    }

    /// Whether the kind uses helper byte `slot`.
    pub fn uses_misc(self, slot: CarrySlot) -> bool {
        match self {
            Kind::Div => slot == MISC_A || slot == MISC_B,
            Kind::Exp => slot == MISC_PAD,
            _ => false,
        }
    }

    /// Whether the kind uses aux row `row` (flags and the op are always in use).
    pub fn uses_aux(self, row: usize) -> bool {
        use aux::*;
        match row {
            OP | F_DIV | F_ADDMOD | F_MULMOD | F_EXP => true,
            ALT | SA..=C_RES => self == Kind::Div,
            N_INV | N_ZERO | LT1 => self != Kind::Exp,
            LT2 => matches!(self, Kind::AddMod | Kind::MulMod),
            BIT..=E_CARRY => self == Kind::Exp,
            _ => false,
        }
    }
}
