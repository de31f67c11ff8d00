//! Helpers for gadget tests: a circuit harness and MockProver runs that name what failed.
//!
//! A gadget test implements [`GadgetTest`] (its columns and its assignment); [`run`] and
//! [`assert_rejected`] wrap it in a circuit and run the MockProver.

use halo2_proofs::circuit::{Layouter, SimpleFloorPlanner};
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::plonk::{Circuit, ConstraintSystem, Error};

/// One gadget test: how to configure its columns and assign its witness.
pub(crate) trait GadgetTest: Clone + Default {
    /// The test's columns.
    type Config: Clone;
    /// Allocates columns and states constraints.
    fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config;
    /// Assigns the witness (honest or tampered).
    fn assign<L: Layouter<Fr>>(&self, config: &Self::Config, layouter: L) -> Result<(), Error>;
}

/// The circuit around a [`GadgetTest`].
#[derive(Clone, Default)]
struct Harness<T>(T);

impl<T: GadgetTest> Circuit<Fr> for Harness<T> {
    type Config = T::Config;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        Harness(T::default())
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> T::Config {
        T::configure(meta)
    }

    fn synthesize(&self, config: T::Config, layouter: impl Layouter<Fr>) -> Result<(), Error> {
        self.0.assign(&config, layouter)
    }
}

/// Runs the MockProver at `k`; `Ok` if every constraint and lookup holds, else the failures
/// as text (each names its gate and constraint, its lookup, or the equality that broke).
pub(crate) fn run<T: GadgetTest>(k: u32, test: &T) -> Result<(), Vec<String>> {
    check(k, &Harness(test.clone()))
}

/// Runs the MockProver on any circuit without instances, reporting failures as [`run`] does.
pub(crate) fn check<C: Circuit<Fr>>(k: u32, circuit: &C) -> Result<(), Vec<String>> {
    let failures =
        crate::mock::run(k, circuit, vec![]).map_err(|e| vec![format!("synthesis: {e:?}")])?;
    match failures.is_empty() {
        true => Ok(()),
        false => Err(failures.iter().map(|f| format!("{f}")).collect()),
    }
}

/// Asserts that the test's witness is rejected, with a failure that mentions `name`.
pub(crate) fn assert_rejected<T: GadgetTest>(k: u32, test: &T, name: &str) {
    assert_circuit_rejected(k, &Harness(test.clone()), name);
}

/// Asserts that `circuit` is rejected, with a failure that mentions `name`.
pub(crate) fn assert_circuit_rejected<C: Circuit<Fr>>(k: u32, circuit: &C, name: &str) {
    match check(k, circuit) {
        Ok(()) => panic!("tampered witness accepted (expected {name:?} to fail)"),
        Err(failures) => assert!(
            failures.iter().any(|f| f.contains(name)),
            "expected a failure naming {name:?}, got {failures:#?}"
        ),
    }
}
