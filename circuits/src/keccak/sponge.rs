//! The keccak-256 sponge around the permutation: absorption, multi-rate padding, input length,
//! input RLC and the digest as two 128-bit halves. Row positions: [`super::layout`].
//!
//! **Junction rows** (`J_s`, 64 rows between two permutations, bit `z` of every lane on row `z`)
//! reuse the permutation's columns, which the round gates do not read there:
//! - `a`: the output of slot `s-1` (constrained by its last round);
//! - `t[0..17]`: the message bits `m` of the block slot `s` absorbs;
//! - `b[0..17]`: byte accumulators, `b(z) = m(z) + 2·b(z+1)` within each byte, so `b` on row
//!   `8j` is byte `j` of the lane; each is copied to its byte row;
//! - `c[2]`: `first`, constant over the block and equal to the previous slot's `is_final`;
//! - `c[0]`, `c[1]`: running sums of the digest's high and low 128-bit halves (lanes 0-1 and
//!   2-3 of the output, byte-swapped into big-endian word order by the fixed weights `w`).
//!
//! Absorption: slot `s`'s round-0 state is `(1 − first)·A_out ⊕ m` on the 17 rate lanes and
//! `(1 − first)·A_out` on the 8 capacity lanes, so a first block starts from the zero state.
//!
//! **Byte rows** (136 per slot, own columns `byte`, `is_pad`, `is_final`, `len`, `rlc`):
//! `is_pad` rises at most once, only in a final block, and is 1 on the last byte of a final
//! block; the first padding byte carries `0x01`, the last byte `0x80` (`0x81` when they
//! coincide), other padding bytes are zero. `len` counts input bytes and `rlc` accumulates
//! `rlc·r + byte` over them; both start from zero after a final block. The last byte row of a
//! final block is a row of the [`KeccakTable`](super::table::KeccakTable).

use halo2_proofs::circuit::{Cell, Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{
    Advice, Challenge, Column, ConstraintSystem, Expression, Fixed, SecondPhase,
};

use super::layout::{
    byte_row, junction_base, Slot, BLOCK_ROWS, GENESIS_ROW, TO_PREVIOUS_LAST_BYTE_ROW,
};
use super::padding::{RATE, RATE_LANES};
use super::permutation::PermutationConfig;
use crate::constraint_builder::{constant, select, ConstraintBuilder};

/// Columns of the sponge (its own, plus those it shares with the permutation).
#[derive(Clone, Debug)]
pub struct SpongeConfig {
    /// A padded input byte.
    pub byte: Column<Advice>,
    /// 1 on padding bytes.
    pub is_pad: Column<Advice>,
    /// 1 on every byte row of a final block.
    pub is_final: Column<Advice>,
    /// Input bytes so far.
    pub len: Column<Advice>,
    /// RLC of the input bytes so far (second phase).
    pub rlc: Column<Advice>,
    /// The RLC challenge ([`Challenges::bytes`](crate::challenges::Challenges)).
    pub r: Challenge,
    /// Junction rows that absorb a block (`J_0 … J_{N-1}`).
    pub q_absorb: Column<Fixed>,
    /// Junction rows holding the top bit of a byte (`z mod 8 = 7`).
    pub q_byte_top: Column<Fixed>,
    /// The last row of an absorbing junction.
    pub q_absorb_end: Column<Fixed>,
    /// The row standing for "a hash ended before the region".
    pub q_genesis: Column<Fixed>,
    /// Byte rows.
    pub q_byte: Column<Fixed>,
    /// First byte row of a slot.
    pub q_byte_first: Column<Fixed>,
    /// Last byte row of a slot (the table row).
    pub q_byte_last: Column<Fixed>,
    /// Junction rows holding a permutation output (`J_1 … J_N`).
    pub q_digest: Column<Fixed>,
    /// First row of such a junction.
    pub q_digest_first: Column<Fixed>,
    /// Weight of output bit `z` in its big-endian 64-bit half-word.
    pub w: Column<Fixed>,
}

/// Weight of lane bit `z` once the lane's little-endian bytes are read big-endian.
fn digest_weight(z: usize) -> u64 {
    1u64 << (8 * (7 - z / 8) + z % 8)
}

/// `x ⊕ y` for bits.
fn xor<F: PrimeField>(x: Expression<F>, y: Expression<F>) -> Expression<F> {
    x.clone() + y.clone() - constant(2) * x * y
}

impl SpongeConfig {
    /// Allocates the sponge's columns and states its constraints over `perm`'s columns.
    pub fn configure<F: PrimeField>(
        meta: &mut ConstraintSystem<F>,
        perm: &PermutationConfig,
        r: Challenge,
    ) -> Self {
        let byte = meta.advice_column();
        meta.enable_equality(byte);
        let (is_pad, is_final, len) =
            (meta.advice_column(), meta.advice_column(), meta.advice_column());
        let rlc = meta.advice_column_in(SecondPhase);
        let mut fixed = || meta.fixed_column();
        let config = Self {
            byte,
            is_pad,
            is_final,
            len,
            rlc,
            r,
            q_absorb: fixed(),
            q_byte_top: fixed(),
            q_absorb_end: fixed(),
            q_genesis: fixed(),
            q_byte: fixed(),
            q_byte_first: fixed(),
            q_byte_last: fixed(),
            q_digest: fixed(),
            q_digest_first: fixed(),
            w: fixed(),
        };
        config.absorb_gate(meta, perm);
        config.byte_gate(meta);
        config.digest_gate(meta, perm);
        let mut genesis = ConstraintBuilder::new();
        genesis.require_equal(
            "keccak genesis: a hash ended before the region",
            is_final.cur(),
            constant(1),
        );
        genesis.build(meta, "keccak genesis", config.q_genesis.cur());
        config
    }

    fn absorb_gate<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>, perm: &PermutationConfig) {
        let mut cb = ConstraintBuilder::new();
        let first = perm.c[2];
        cb.when(constant(1) - self.q_absorb_end.cur(), |cb| {
            cb.require_equal("keccak absorb: first is constant", first.cur(), first.next());
        });
        cb.when(self.q_absorb_end.cur(), |cb| {
            cb.require_equal(
                "keccak absorb: first = the previous block was final",
                first.cur(),
                self.is_final.cur(),
            );
        });
        let keep = constant(1) - first.cur();
        for i in 0..25 {
            let previous = keep.clone() * perm.a[i].cur();
            let next = perm.a[i].rot(BLOCK_ROWS as i32);
            if i < RATE_LANES {
                let (m, acc) = (perm.t[i], perm.b[i]);
                cb.require_boolean("keccak absorb: message bit", m.cur());
                cb.require_equal("keccak absorb: A = A_out ⊕ m", next, xor(previous, m.cur()));
                let below = select(self.q_byte_top.cur(), constant(0), acc.next());
                cb.require_equal(
                    "keccak absorb: byte accumulator",
                    acc.cur(),
                    m.cur() + constant(2) * below,
                );
            } else {
                cb.require_equal("keccak absorb: capacity lanes carry over", next, previous);
            }
        }
        cb.build(meta, "keccak absorb", self.q_absorb.cur());
    }

    fn byte_gate<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>) {
        let mut cb = ConstraintBuilder::new();
        let (first_row, last_row) = (self.q_byte_first.cur(), self.q_byte_last.cur());
        cb.require_boolean("keccak bytes: is_pad is boolean", self.is_pad.cur());
        cb.require_boolean("keccak bytes: is_final is boolean", self.is_final.cur());
        cb.when(constant(1) - last_row.clone(), |cb| {
            cb.require_equal(
                "keccak bytes: is_final is constant in a block",
                self.is_final.next(),
                self.is_final.cur(),
            );
        });
        let rise = self.is_pad.cur() - (constant(1) - first_row.clone()) * self.is_pad.prev();
        cb.require_boolean("keccak padding: is_pad rises once", rise.clone());
        cb.require_zero(
            "keccak padding: only in a final block",
            (constant(1) - self.is_final.cur()) * self.is_pad.cur(),
        );
        cb.when(last_row.clone(), |cb| {
            cb.require_equal(
                "keccak padding: a final block ends in padding",
                self.is_pad.cur(),
                self.is_final.cur(),
            );
        });
        cb.when(self.is_pad.cur(), |cb| {
            cb.require_equal(
                "keccak padding: 0x01 first, 0x80 last, zeros between",
                self.byte.cur(),
                rise + constant(0x80) * last_row,
            );
        });
        // The previous row's values, or (on a slot's first byte row) the previous slot's final
        // values unless that slot ended a hash.
        let carried = |column: Column<Advice>| {
            let previous_final = self.is_final.rot(TO_PREVIOUS_LAST_BYTE_ROW);
            select(
                first_row.clone(),
                (constant(1) - previous_final) * column.rot(TO_PREVIOUS_LAST_BYTE_ROW),
                column.prev(),
            )
        };
        let is_data = constant(1) - self.is_pad.cur();
        cb.require_equal(
            "keccak bytes: len counts input bytes",
            self.len.cur(),
            carried(self.len) + is_data.clone(),
        );
        let r = self.r.expr();
        let rlc_before = carried(self.rlc);
        cb.require_equal(
            "keccak bytes: rlc accumulates input bytes",
            self.rlc.cur(),
            rlc_before.clone() + is_data * (rlc_before * (r - constant(1)) + self.byte.cur()),
        );
        cb.build(meta, "keccak bytes", self.q_byte.cur());
    }

    fn digest_gate<F: PrimeField>(&self, meta: &mut ConstraintSystem<F>, perm: &PermutationConfig) {
        let mut cb = ConstraintBuilder::new();
        let word = |high: usize, low: usize| {
            (perm.a[high].cur() * Expression::Constant(F::from_u128(1 << 64)) + perm.a[low].cur())
                * self.w.cur()
        };
        let not_first = constant(1) - self.q_digest_first.cur();
        let (hi, lo) = (perm.c[0], perm.c[1]);
        cb.require_equal(
            "keccak digest: hi = bytes 0..16 big-endian",
            hi.cur(),
            not_first.clone() * hi.prev() + word(0, 1),
        );
        cb.require_equal(
            "keccak digest: lo = bytes 16..32 big-endian",
            lo.cur(),
            not_first * lo.prev() + word(2, 3),
        );
        cb.build(meta, "keccak digest", self.q_digest.cur());
    }

    /// Assigns the fixed columns of a region of `capacity` slots.
    pub fn assign_fixed<F: PrimeField>(&self, region: &mut Region<'_, F>, capacity: usize) {
        region.assign_fixed(self.q_genesis, GENESIS_ROW, F::ONE);
        for s in 0..=capacity {
            let base = junction_base(s);
            for z in 0..BLOCK_ROWS {
                if s < capacity {
                    region.assign_fixed(self.q_absorb, base + z, F::ONE);
                    region.assign_fixed(self.q_byte_top, base + z, F::from((z % 8 == 7) as u64));
                    region.assign_fixed(self.q_absorb_end, base + z, F::from((z == 63) as u64));
                }
                if s > 0 {
                    region.assign_fixed(self.q_digest, base + z, F::ONE);
                    region.assign_fixed(self.q_digest_first, base + z, F::from((z == 0) as u64));
                    region.assign_fixed(self.w, base + z, F::from(digest_weight(z)));
                }
            }
        }
        for s in 0..capacity {
            for p in 0..RATE {
                let row = byte_row(s, p);
                region.assign_fixed(self.q_byte, row, F::ONE);
                region.assign_fixed(self.q_byte_first, row, F::from((p == 0) as u64));
                region.assign_fixed(self.q_byte_last, row, F::from((p == RATE - 1) as u64));
            }
        }
    }

    /// Assigns junction `J_s`'s absorption of `slot` (message bits, byte accumulators,
    /// `first`) and returns the accumulator cells of the block's bytes, in byte order.
    pub fn assign_absorption<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        perm: &PermutationConfig,
        s: usize,
        slot: &Slot,
    ) -> Vec<Cell> {
        let base = junction_base(s);
        let mut byte_cells = vec![None; RATE];
        for z in 0..BLOCK_ROWS {
            region.assign_advice(perm.c[2], base + z, Value::known(F::from(slot.is_first as u64)));
        }
        for lane in 0..RATE_LANES {
            for j in 0..8 {
                let byte = slot.block[8 * lane + j];
                for k in 0..8 {
                    let row = base + 8 * j + k;
                    let bit = (byte >> k) & 1;
                    let acc = (byte >> k) as u64;
                    region.assign_advice(perm.t[lane], row, Value::known(F::from(bit as u64)));
                    let cell = region.assign_advice(perm.b[lane], row, Value::known(F::from(acc)));
                    if k == 0 {
                        byte_cells[8 * lane + j] = Some(cell.cell());
                    }
                }
            }
        }
        byte_cells.into_iter().flatten().collect()
    }

    /// Assigns the digest sums on junction `J_{s+1}` from slot `s`'s output state.
    pub fn assign_digest<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        perm: &PermutationConfig,
        s: usize,
        output: &[u64; 25],
    ) {
        let base = junction_base(s + 1);
        let (mut hi, mut lo) = (0u128, 0u128);
        for z in 0..BLOCK_ROWS {
            let bit = |lane: usize| ((output[lane] >> z) & 1) as u128;
            let w = digest_weight(z) as u128;
            hi += ((bit(0) << 64) + bit(1)) * w;
            lo += ((bit(2) << 64) + bit(3)) * w;
            region.assign_advice(perm.c[0], base + z, Value::known(F::from_u128(hi)));
            region.assign_advice(perm.c[1], base + z, Value::known(F::from_u128(lo)));
        }
    }

    /// Assigns slot `s`'s byte rows (first phase) and ties each byte to its accumulator cell.
    /// `len_before` is the input length absorbed by earlier blocks of the same input.
    pub fn assign_bytes<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        s: usize,
        slot: &Slot,
        len_before: usize,
        accumulators: &[Cell],
    ) {
        if s == 0 {
            region.assign_advice(self.is_final, GENESIS_ROW, Value::known(F::ONE));
        }
        for (p, (value, accumulator)) in slot.block.iter().zip(accumulators).enumerate() {
            let row = byte_row(s, p);
            let is_pad = slot.is_final && p >= slot.data_len;
            let len = len_before + p.min(slot.data_len) + (!is_pad) as usize;
            let byte = region.assign_advice(self.byte, row, Value::known(F::from(*value as u64)));
            region.constrain_equal(byte.cell(), *accumulator);
            region.assign_advice(self.is_pad, row, Value::known(F::from(is_pad as u64)));
            region.assign_advice(self.is_final, row, Value::known(F::from(slot.is_final as u64)));
            region.assign_advice(self.len, row, Value::known(F::from(len as u64)));
        }
    }

    /// Assigns slot `s`'s RLC column (second phase) given the RLC of earlier blocks of the
    /// same input; returns the RLC after this block.
    pub fn assign_rlc<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        s: usize,
        slot: &Slot,
        rlc_before: Value<F>,
        r: Value<F>,
    ) -> Value<F> {
        let mut acc = rlc_before;
        for p in 0..RATE {
            if p < slot.data_len {
                acc = acc.zip(r).map(|(acc, r)| acc * r + F::from(slot.block[p] as u64));
            }
            region.assign_advice(self.rlc, byte_row(s, p), acc);
        }
        acc
    }
}
