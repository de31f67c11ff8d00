//! The constraint-system linter over the SuperCircuit: no lookup a free row can match, no value
//! committed after the challenge that compresses it, no advice column nothing reads, nothing
//! above the prover's degree.

use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::plonk::{Circuit, ConstraintSystem};
use zkevm_circuits::lint::lint;
use zkevm_circuits::super_circuit::SuperCircuit;

#[test]
fn the_super_circuit_passes_the_linter() {
    let mut meta = ConstraintSystem::<Fr>::default();
    <SuperCircuit as Circuit<Fr>>::configure(&mut meta);
    let findings: Vec<String> = lint(&meta).iter().map(|f| f.to_string()).collect();
    assert!(findings.is_empty(), "{} findings:\n{}", findings.len(), findings.join("\n"));
}
