//! The prover's lower bound: committing a chunk's committed columns, one multi-scalar
//! multiplication (MSM) of size `2^k` per column, timed on this machine.
//!
//! What halo2-axiom 0.5 commits for a chunk (read from the SuperCircuit's constraint system):
//!
//! - every advice column, first and second phase (one commitment each);
//! - per lookup argument: the permuted input, the permuted table and the grand product
//!   (three each);
//! - the permutation argument's grand products: one per `degree - 2` columns in the equality
//!   set.
//!
//! These are the **committed columns** the lower bound counts: the work that depends on the
//! witness's width, that no prover of this circuit can skip. halo2 commits a few more
//! polynomials that do not grow with the circuit's width (the vanishing argument's random
//! polynomial and its `degree - 1` quotient pieces, and SHPLONK's two opening commitments);
//! they are reported ([`CommittedColumns::other_msms`]) but not counted. Instance columns are
//! not committed with KZG (the verifier evaluates them itself). The halo2-axiom version has no
//! shuffle argument; the state circuit's permutation check is a lookup, counted as one.

use std::time::{Duration, Instant};

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use zkevm_circuits::halo2_proofs::arithmetic::Field;
use zkevm_circuits::halo2_proofs::halo2curves::bn256::{Bn256, Fr};
use zkevm_circuits::halo2_proofs::plonk::{Circuit, ConstraintSystem};
use zkevm_circuits::halo2_proofs::poly::commitment::{Blind, Params};
use zkevm_circuits::halo2_proofs::poly::kzg::commitment::ParamsKZG;
use zkevm_circuits::halo2_proofs::poly::EvaluationDomain;
use zkevm_circuits::super_circuit::SuperCircuit;

/// The SuperCircuit's columns and what halo2 commits per chunk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommittedColumns {
    /// Advice columns per phase (index 0: first phase).
    pub advice_per_phase: Vec<usize>,
    /// Fixed columns (committed once, in the verifying key; not per proof).
    pub fixed: usize,
    /// Lookup arguments.
    pub lookups: usize,
    /// Columns in the permutation (equality) argument.
    pub permutation_columns: usize,
    /// Grand-product columns of the permutation argument.
    pub permutation_products: usize,
    /// The constraint system's degree.
    pub degree: usize,
    /// Committed columns counted by the lower bound: advice + 3 x lookups + permutation
    /// products.
    pub committed: usize,
    /// Other commitments of size `2^k` per proof, not counted: vanishing random polynomial,
    /// `degree - 1` quotient pieces, two SHPLONK commitments.
    pub other_msms: usize,
}

impl CommittedColumns {
    /// Read from the SuperCircuit's constraint system.
    pub fn of_super_circuit() -> Self {
        let mut meta = ConstraintSystem::<Fr>::default();
        <SuperCircuit as Circuit<Fr>>::configure(&mut meta);
        let phases = meta.advice_column_phase();
        let phase_count = phases.iter().map(|p| *p as usize + 1).max().unwrap_or(1);
        let mut advice_per_phase = vec![0; phase_count];
        for phase in phases {
            advice_per_phase[phase as usize] += 1;
        }
        let degree = meta.degree();
        let permutation_columns = meta.permutation().get_columns().len();
        let chunk_len = degree.saturating_sub(2).max(1);
        let permutation_products = permutation_columns.div_ceil(chunk_len);
        let lookups = meta.lookups().len();
        let advice: usize = advice_per_phase.iter().sum();
        CommittedColumns {
            advice_per_phase,
            fixed: meta.num_fixed_columns(),
            lookups,
            permutation_columns,
            permutation_products,
            degree,
            committed: advice + 3 * lookups + permutation_products,
            other_msms: 1 + degree.saturating_sub(1) + 2,
        }
    }

    /// All advice columns.
    pub fn advice(&self) -> usize {
        self.advice_per_phase.iter().sum()
    }
}

/// Times `count` commitments of size `2^k` (Lagrange basis, as the prover commits advice),
/// run as the prover runs them: columns in parallel, each MSM parallel inside. The scalars are
/// uniformly random (seeded): the generic cost of committing `2^k` values, without the
/// savings that a column of small or zero values would give.
pub fn time_commitments(params: &ParamsKZG<Bn256>, count: usize) -> Duration {
    let k = params.k();
    let domain = EvaluationDomain::<Fr>::new(1, k);
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let columns: Vec<_> = (0..count)
        .map(|_| domain.lagrange_from_vec((0..1usize << k).map(|_| Fr::random(&mut rng)).collect()))
        .collect();
    let started = Instant::now();
    let commitments: Vec<_> =
        columns.par_iter().map(|c| params.commit_lagrange(c, Blind::default())).collect();
    let elapsed = started.elapsed();
    std::hint::black_box(commitments);
    elapsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_consistent() {
        let c = CommittedColumns::of_super_circuit();
        assert!(c.advice() > 0 && c.lookups > 0);
        assert_eq!(c.committed, c.advice() + 3 * c.lookups + c.permutation_products);
        assert!(c.advice_per_phase.len() >= 2, "the SuperCircuit has second-phase columns");
    }
}
