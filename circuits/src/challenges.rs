//! The second-phase challenges, drawn once per proof after every first-phase column is
//! committed, and shared by all sub-circuits.
//!
//! Soundness rests on what each one may combine: a value inside a challenge-compressed tuple
//! or an RLC must be committed before that challenge is drawn, or the prover can solve for it
//! once the challenge is known. Both are drawn after the first phase, so `r` combines
//! first-phase bytes only, and `θ` compresses first-phase entries only. A lookup whose tuple
//! holds a second-phase value (an RLC) compresses its first-phase entries with `θ` into one
//! cell and pairs that cell with the RLC in an uncompressed halo2 lookup, whose own challenge
//! comes after every phase ([`crate::table::LookupTable::late_entry`]). (halo2-axiom 0.5.3
//! cannot prove a circuit with a third phase: its prover asserts when it commits the last one,
//! so `θ` cannot simply move after the second.) The linter ([`crate::lint`]) checks the rule
//! over the whole constraint system.

use halo2_proofs::circuit::{Layouter, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Challenge, ConstraintSystem, Expression, FirstPhase};

/// Handles of the challenges.
#[derive(Clone, Copy, Debug)]
pub struct Challenges {
    /// `r`: random linear combinations of byte strings (keccak inputs, code).
    pub bytes: Challenge,
    /// `θ`: compresses a lookup tuple into one value, `Σ θ^i·t_i`.
    pub lookup: Challenge,
}

impl Challenges {
    /// Allocates the challenges (usable after the first phase).
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        Self {
            bytes: meta.challenge_usable_after(FirstPhase),
            lookup: meta.challenge_usable_after(FirstPhase),
        }
    }

    /// The challenges as expressions.
    pub fn exprs<F: PrimeField>(&self) -> ChallengeExprs<F> {
        ChallengeExprs { bytes: self.bytes.expr(), lookup: self.lookup.expr() }
    }

    /// The challenges' values (unknown before the second phase).
    pub fn values<F: PrimeField>(&self, layouter: &impl Layouter<F>) -> ChallengeValues<F> {
        ChallengeValues {
            bytes: layouter.get_challenge(self.bytes),
            lookup: layouter.get_challenge(self.lookup),
        }
    }
}

/// The challenges as expressions.
#[derive(Clone, Debug)]
pub struct ChallengeExprs<F: PrimeField> {
    /// `r`.
    pub bytes: Expression<F>,
    /// `θ`.
    pub lookup: Expression<F>,
}

/// The challenges' values.
#[derive(Clone, Copy, Debug)]
pub struct ChallengeValues<F: PrimeField> {
    /// `r`.
    pub bytes: Value<F>,
    /// `θ`.
    pub lookup: Value<F>,
}

/// `Σ θ^i·t_i`: a lookup tuple compressed into one expression.
pub fn compress_expr<F: PrimeField>(
    tuple: &[Expression<F>],
    theta: &Expression<F>,
) -> Expression<F> {
    tuple
        .iter()
        .rev()
        .cloned()
        .reduce(|acc, t| acc * theta.clone() + t)
        .unwrap_or(Expression::Constant(F::ZERO))
}
