//! The keccak-f[1600] permutation as a circuit; the sponge around it is [`super::sponge`].
//!
//! Layout: bit-sliced. One round takes 64 rows; row `z` of a round holds bit `z` of every lane.
//! A permutation is 24 round blocks plus one block holding the output state: **1,600 rows**
//! (the output block doubles as the next permutation's absorption block, see [`super::layout`]).
//!
//! Advice columns (80), all bits:
//! - `a[25]`: the state entering the round (lane `x + 5y`);
//! - `c[5]`: θ column parities `C[x] = ⊕_y A[x, y]`;
//! - `t[25]`: `A[x, y] ⊕ D[x]` with `D[x][z] = C[x-1][z] ⊕ C[x+1][z-1]`;
//! - `b[25]`: the ρπ output, `B[π(x, y)][z + r(x, y)] = T[x, y][z]`.
//!
//! Fixed columns (3): `q_round` (1 on round rows), `q_first_bit` (1 where `z = 0`, where `D`
//! wraps to bit 63, 63 rows below), `rc` (bit `z` of the round constant, ι).
//!
//! Constraints (FIPS 202 §3.2), per round row:
//! - every `a`, `c`, `t` cell is a bit (`b` cells equal `t` cells by copy);
//! - θ: `Σ_y A[x, y] − C[x] ∈ {0, 2, 4}`;
//! - θ: `A[x, y] + C[x-1] + C[x+1](z-1) − T[x, y] ∈ {0, 2}`;
//! - ρπ: copy constraints `T[x, y][z] = B[π(x, y)][(z + r) mod 64]` (1,600 per round: the
//!   rotation differs per lane, which a gate's fixed rotations cannot express);
//! - χ, ι: `B[x, y] + (1 − B[x+1, y])·B[x+2, y] + rc·[x, y = 0] − A'[x, y] ∈ {0, 2}` with `A'`
//!   the next block's `a` (64 rows below).
//!
//! The largest gate has degree 5 (the θ/χ parities, degree 4, times the enable column).

use halo2_proofs::circuit::{Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error, Expression, Fixed};

use super::native::{keccak_f, pi_destination, RHO_OFFSETS, ROUND_CONSTANTS};
use crate::constraint_builder::{constant, ConstraintBuilder};

/// Rows of one permutation.
pub const ROWS_PER_PERMUTATION: usize = 25 * 64;

/// Columns of the permutation circuit.
#[derive(Clone, Debug)]
pub struct PermutationConfig {
    /// State bits entering each round (and the output in the last block).
    pub a: [Column<Advice>; 25],
    /// θ column parities.
    pub c: [Column<Advice>; 5],
    /// `A ⊕ D`.
    pub t: [Column<Advice>; 25],
    /// ρπ output.
    pub b: [Column<Advice>; 25],
    /// 1 on round rows.
    pub q_round: Column<Fixed>,
    /// 1 on the row of bit 0 of each round.
    pub q_first_bit: Column<Fixed>,
    /// Round-constant bit.
    pub rc: Column<Fixed>,
}

/// `x (mod 2) == out` for a small non-negative sum `x` whose possible excesses are `evens`.
fn parity<F: PrimeField>(sum: Expression<F>, out: Expression<F>, evens: &[u64]) -> Expression<F> {
    evens.iter().fold(constant(1), |acc, e| acc * (sum.clone() - out.clone() - constant(*e)))
}

impl PermutationConfig {
    /// Allocates the columns and states the constraints.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        let a = [(); 25].map(|_| meta.advice_column());
        let c = [(); 5].map(|_| meta.advice_column());
        let t = [(); 25].map(|_| meta.advice_column());
        let b = [(); 25].map(|_| meta.advice_column());
        for column in t.iter().chain(b.iter()) {
            meta.enable_equality(*column);
        }
        let (q_round, q_first_bit, rc) =
            (meta.fixed_column(), meta.fixed_column(), meta.fixed_column());

        let mut cb = ConstraintBuilder::new();
        for bit in a.iter().chain(c.iter()).chain(t.iter()) {
            cb.require_boolean("keccak: bit", bit.cur());
        }
        for x in 0..5 {
            let sum = (0..5).fold(constant(0), |acc, y| acc + a[x + 5 * y].cur());
            cb.require_zero(
                "keccak θ: C is the column parity",
                parity(sum, c[x].cur(), &[0, 2, 4]),
            );
        }
        // D[x][z] uses C[x+1][z-1]: the previous row, or 63 rows below for z = 0.
        let c_prev = |x: usize| {
            q_first_bit.cur() * c[x].rot(63) + (constant(1) - q_first_bit.cur()) * c[x].rot(-1)
        };
        for i in 0..25 {
            let x = i % 5;
            let sum = a[i].cur() + c[(x + 4) % 5].cur() + c_prev((x + 1) % 5);
            cb.require_zero("keccak θ: T = A ⊕ D", parity(sum, t[i].cur(), &[0, 2]));
        }
        for i in 0..25 {
            let (x, y) = (i % 5, i / 5);
            let chi = (constant(1) - b[(x + 1) % 5 + 5 * y].cur()) * b[(x + 2) % 5 + 5 * y].cur();
            let iota = if i == 0 { rc.cur() } else { constant(0) };
            let sum = b[i].cur() + chi + iota;
            cb.require_zero(
                "keccak χι: A' = B ⊕ (¬B1 ∧ B2) ⊕ RC",
                parity(sum, a[i].rot(64), &[0, 2]),
            );
        }
        cb.build(meta, "keccak-f round", q_round.cur());
        // The output block's bits are bits too.
        let mut out = ConstraintBuilder::new();
        for bit in a.iter() {
            out.require_boolean("keccak: output bit", bit.rot(64));
        }
        out.build(meta, "keccak-f output", q_round.cur());
        Self { a, c, t, b, q_round, q_first_bit, rc }
    }

    /// Assigns one permutation of `input` from row `offset`; returns the output state.
    pub fn assign_permutation<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        input: [u64; 25],
    ) -> Result<[u64; 25], Error> {
        let trace = keccak_f(input);
        let bit = |word: u64, z: usize| Value::known(F::from((word >> z) & 1));
        for (round, r) in trace.rounds.iter().enumerate() {
            let base = offset + 64 * round;
            let mut t_cells = Vec::with_capacity(25 * 64);
            let mut b_cells = vec![None; 25 * 64];
            for z in 0..64 {
                let row = base + z;
                region.assign_fixed(self.q_round, row, F::ONE);
                region.assign_fixed(self.q_first_bit, row, F::from((z == 0) as u64));
                region.assign_fixed(self.rc, row, F::from((ROUND_CONSTANTS[round] >> z) & 1));
                for i in 0..25 {
                    region.assign_advice(self.a[i], row, bit(r.a[i], z));
                    let ti = r.a[i] ^ r.d[i % 5];
                    t_cells.push((i, z, region.assign_advice(self.t[i], row, bit(ti, z)).cell()));
                    b_cells[i * 64 + z] =
                        Some(region.assign_advice(self.b[i], row, bit(r.b[i], z)).cell());
                }
                for x in 0..5 {
                    region.assign_advice(self.c[x], row, bit(r.c[x], z));
                }
            }
            for (i, z, t_cell) in t_cells {
                let dest = pi_destination(i);
                let dz = (z + RHO_OFFSETS[i] as usize) % 64;
                if let Some(b_cell) = b_cells[dest * 64 + dz] {
                    region.constrain_equal(t_cell, b_cell);
                }
            }
        }
        let base = offset + 64 * 24;
        for z in 0..64 {
            for i in 0..25 {
                region.assign_advice(self.a[i], base + z, bit(trace.output[i], z));
            }
        }
        Ok(trace.output)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gadgets::test_support::{assert_rejected, run, GadgetTest};
    use halo2_proofs::circuit::Layouter;
    use halo2_proofs::halo2curves::bn256::Fr;

    /// Which cell to flip after honest assignment.
    #[derive(Clone, Copy, Debug)]
    enum Tamper {
        A(usize),
        C(usize),
        T(usize),
        B(usize),
        Output(usize),
    }

    #[derive(Clone, Default)]
    struct TestCircuit {
        input: [u64; 25],
        /// (cell, row) to flip.
        tamper: Option<(Tamper, usize)>,
    }

    impl GadgetTest for TestCircuit {
        type Config = PermutationConfig;

        fn configure(meta: &mut ConstraintSystem<Fr>) -> PermutationConfig {
            PermutationConfig::configure(meta)
        }

        fn assign<L: Layouter<Fr>>(
            &self,
            config: &PermutationConfig,
            mut layouter: L,
        ) -> Result<(), Error> {
            layouter.assign_region(
                || "keccak-f",
                |mut region| {
                    let out = config.assign_permutation(&mut region, 0, self.input)?;
                    assert_eq!(out, keccak_f(self.input).output);
                    if let Some((cell, row)) = self.tamper {
                        let trace = keccak_f(self.input);
                        let (round, z) = (row / 64, row % 64);
                        let flip = |word: u64| Value::known(Fr::from(((word >> z) & 1) ^ 1));
                        match cell {
                            Tamper::A(i) => {
                                region.assign_advice(
                                    config.a[i],
                                    row,
                                    flip(trace.rounds[round].a[i]),
                                );
                            }
                            Tamper::C(x) => {
                                region.assign_advice(
                                    config.c[x],
                                    row,
                                    flip(trace.rounds[round].c[x]),
                                );
                            }
                            Tamper::T(i) => {
                                let r = &trace.rounds[round];
                                region.assign_advice(config.t[i], row, flip(r.a[i] ^ r.d[i % 5]));
                            }
                            Tamper::B(i) => {
                                region.assign_advice(
                                    config.b[i],
                                    row,
                                    flip(trace.rounds[round].b[i]),
                                );
                            }
                            Tamper::Output(i) => {
                                region.assign_advice(
                                    config.a[i],
                                    24 * 64 + z,
                                    flip(trace.output[i]),
                                );
                            }
                        }
                    }
                    Ok(())
                },
            )
        }
    }

    fn input() -> [u64; 25] {
        let mut state = [0u64; 25];
        for (i, lane) in state.iter_mut().enumerate() {
            *lane = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
        state
    }

    const K: u32 = 11;

    #[test]
    fn an_honest_permutation_passes() {
        assert_eq!(run(K, &TestCircuit { input: input(), tamper: None }), Ok(()));
        assert_eq!(run(K, &TestCircuit { input: [0; 25], tamper: None }), Ok(()));
    }

    #[test]
    fn a_flipped_state_bit_fails() {
        let circuit = TestCircuit { input: input(), tamper: Some((Tamper::A(7), 64 * 5 + 13)) };
        assert_rejected(K, &circuit, "keccak");
    }

    #[test]
    fn a_wrong_column_parity_fails() {
        let circuit = TestCircuit { input: input(), tamper: Some((Tamper::C(2), 64 * 3 + 40)) };
        assert_rejected(K, &circuit, "keccak θ: C is the column parity");
    }

    #[test]
    fn a_wrong_theta_output_fails() {
        let circuit = TestCircuit { input: input(), tamper: Some((Tamper::T(11), 64 * 9 + 2)) };
        assert_rejected(K, &circuit, "keccak θ: T = A ⊕ D");
    }

    #[test]
    fn a_wrong_rho_pi_output_breaks_the_copy() {
        let circuit = TestCircuit { input: input(), tamper: Some((Tamper::B(4), 64 * 20 + 63)) };
        match run(K, &circuit) {
            Ok(()) => panic!("tampered B accepted"),
            Err(failures) => assert!(
                failures.iter().any(|f| f.contains("Equality constraint not satisfied")),
                "{failures:#?}"
            ),
        }
    }

    #[test]
    fn a_wrong_output_bit_fails() {
        let circuit = TestCircuit { input: input(), tamper: Some((Tamper::Output(0), 5)) };
        assert_rejected(K, &circuit, "keccak χι: A' = B ⊕ (¬B1 ∧ B2) ⊕ RC");
    }

    #[test]
    fn gate_degree_and_columns() {
        let mut meta = ConstraintSystem::<Fr>::default();
        PermutationConfig::configure(&mut meta);
        assert_eq!(meta.num_advice_columns(), 80);
        assert_eq!(meta.num_fixed_columns(), 3);
        eprintln!("keccak-f permutation: max gate degree {}", meta.degree());
    }
}
