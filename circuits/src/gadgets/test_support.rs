//! Helpers for gadget tests: run the MockProver and name what failed.

use halo2_proofs::dev::MockProver;
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::plonk::Circuit;

/// Runs the MockProver at `k`; `Ok` if every constraint and lookup holds, else the failures
/// as text (each names its gate and constraint, or its lookup).
pub(crate) fn run<C: Circuit<Fr>>(k: u32, circuit: &C) -> Result<(), Vec<String>> {
    let prover =
        MockProver::run(k, circuit, vec![]).map_err(|e| vec![format!("synthesis: {e:?}")])?;
    prover.verify().map_err(|failures| failures.iter().map(|f| format!("{f}")).collect())
}

/// Asserts that the circuit is rejected, with a failure that mentions `name`.
pub(crate) fn assert_rejected<C: Circuit<Fr>>(k: u32, circuit: &C, name: &str) {
    match run(k, circuit) {
        Ok(()) => panic!("tampered witness accepted (expected {name:?} to fail)"),
        Err(failures) => assert!(
            failures.iter().any(|f| f.contains(name)),
            "expected a failure naming {name:?}, got {failures:#?}"
        ),
    }
}
