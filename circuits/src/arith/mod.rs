//! The arithmetic circuit: SDIV, SMOD, ADDMOD, MULMOD and EXP on 256-bit words, exposed as the
//! [`ArithTable`] `(op, a, b, c, result)` that the EVM circuit's gadgets claim their step in,
//! one lookup per step (as AND/OR/XOR claim theirs in the bitwise circuit).
//!
//! **Layout.** The circuit is a column of blocks of [`BLOCK_ROWS`] = 32 rows. In a block every
//! *word column* holds one 256-bit word, byte `i` (little-endian) on row `i`; every row of a
//! word column is range-checked as a byte, so each word is canonical. Two *carry columns*
//! hold the 9-byte carries of the multiplications and a few range-checked helper bytes; one
//! *aux column* holds the block's flags, signs, inverses and counters, one per row
//! ([`layout`]). All constraints are stated on a block's first row (fixed `q_block`) and read
//! the block's rows by rotation; the exported table row is the block's first row, every entry
//! multiplied by `q_block`, so no other row can satisfy a lookup.
//!
//! **Block kinds** (one flag each; a block with no flag is unused and all zero):
//! - *signed division* (SDIV 0x05, SMOD 0x07): `|q|·(|b| + [b = 0]) + |r| = |a|` without
//!   overflow and `|r| < |b| + [b = 0]`, signs taken from the top bits; the result is `q`
//!   signed by `sign(a) ⊕ sign(b)` (0 when `b = 0`), or `r` signed by `sign(a)`.
//!   `SDIV(−2^255, −1) = −2^255` falls out: `|q| = 2^255` with a positive sign.
//! - *modular* (ADDMOD 0x08, MULMOD 0x09) with `n' = n + [n = 0]`: `k·n' + a' = a`,
//!   `a' < n'` (reduce `a`), then `a'·b` (or `a' + b`) `= q·n' + r` over 512 bits (signed
//!   carries), `r < n'`. For `n = 0`, `n' = 1` forces `r = 0`.
//! - *exponentiation step* (EXP 0x0a): square-and-multiply over the exponent's bits, most
//!   significant first, one block per bit: `acc_out = acc_in² · (bit ? base : 1) mod 2^256`,
//!   `e_out = 2·e_in + bit`. The first step starts from `acc = 1`, `e = 0` with bit 1 (or is
//!   the only step, of exponent 0); each later step continues the previous block (same base,
//!   accumulators carried). A step counts the bits so far; its third word is the exponent's
//!   byte length `⌈bits/8⌉`. Only a chain's last block is exported with op 0x0a.
//!
//! Every relation holds over the integers: all terms are below `2^200`, far below the field
//! modulus. **Cost.** 32 rows per SDIV/SMOD/ADDMOD/MULMOD, `32·max(1, bits(exponent))` rows
//! per EXP; 12 advice columns (11 byte columns, one aux), 3 fixed columns, 11 byte lookups;
//! degree 5.

mod circuit;
pub mod layout;
mod relations;
mod witness;

pub use circuit::{ArithConfig, ArithTable};
pub use witness::{
    arith_ops, blocks_for, is_arith_opcode, native_result, ArithOp, AuxValue, Block,
};

/// Rows per block.
pub const BLOCK_ROWS: usize = 32;

#[cfg(test)]
mod tests;
