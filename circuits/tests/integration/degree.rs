//! halo2-axiom caps the constraint system's degree at `$MAX_DEGREE` (default 5) when it sizes
//! the extended domain: a gate or lookup of a higher degree still passes the MockProver, but
//! honest KZG proofs stop verifying. This test computes the uncapped degree of every gate and
//! lookup of the SuperCircuit and names any above the cap.

use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::plonk::{Circuit, ConstraintSystem};
use zkevm_circuits::super_circuit::SuperCircuit;

/// The degree halo2-axiom sizes the quotient for by default.
const MAX_DEGREE: usize = 5;

#[test]
fn every_gate_and_lookup_fits_the_proving_systems_degree() {
    let mut meta = ConstraintSystem::<Fr>::default();
    <SuperCircuit as Circuit<Fr>>::configure(&mut meta);
    let mut too_high = Vec::new();
    for gate in meta.gates() {
        for (i, poly) in gate.polynomials().iter().enumerate() {
            if poly.degree() > MAX_DEGREE {
                too_high.push(format!(
                    "gate {} / {}: degree {}",
                    gate.name(),
                    gate.constraint_name(i),
                    poly.degree()
                ));
            }
        }
    }
    for lookup in meta.lookups() {
        let degree = |exprs: &Vec<_>| {
            exprs
                .iter()
                .map(|e: &halo2_proofs::plonk::Expression<Fr>| e.degree())
                .max()
                .unwrap_or(1)
        };
        // The lookup argument's constraint has degree 2 + input + table (halo2's lookup.rs).
        let required = 2
            + degree(lookup.input_expressions()).max(1)
            + degree(lookup.table_expressions()).max(1);
        if required > MAX_DEGREE {
            too_high.push(format!("lookup {}: degree {required}", lookup.name()));
        }
    }
    assert!(too_high.is_empty(), "above degree {MAX_DEGREE}: {too_high:#?}");
}
