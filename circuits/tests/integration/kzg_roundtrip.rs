//! A real KZG proof (keygen, prove, verify) of the bytecode circuit with its keccak circuit and
//! fixed table, and the verifying key shown to be independent of the witness.

use std::time::Instant;

use halo2_proofs::dev::MockProver;
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::plonk::keygen_vk;
use zkevm_circuits::bytecode::circuit::BytecodeCapacity;
use zkevm_circuits::bytecode::BytecodeCircuit;

const CAPACITY: BytecodeCapacity = BytecodeCapacity { bytecode_rows: 300, keccak_permutations: 3 };

/// A counter contract's runtime: SLOAD slot 0, add 1, SSTORE, STOP.
const COUNTER: [u8; 12] = [0x5f, 0x54, 0x60, 0x01, 0x01, 0x5f, 0x55, 0x00, 0x60, 0x5b, 0x56, 0x00];

fn codes_a() -> Vec<Vec<u8>> {
    vec![COUNTER.to_vec(), (0u8..=200).collect()]
}

fn codes_b() -> Vec<Vec<u8>> {
    vec![vec![0x7f; 40], vec![0x00]]
}

fn circuit(codes: &[Vec<u8>]) -> BytecodeCircuit {
    let codes: Vec<&[u8]> = codes.iter().map(|c| c.as_slice()).collect();
    BytecodeCircuit::new(&codes, CAPACITY).expect("fits")
}

#[test]
fn prove_and_verify_bytecode_with_keccak() {
    let k = CAPACITY.k::<Fr>();
    let honest = circuit(&codes_a());
    let start = Instant::now();
    let mock = MockProver::<Fr>::run(k, &honest, vec![]).expect("synthesis");
    assert_eq!(mock.verify(), Ok(()));
    let mock_time = start.elapsed();
    let run = crate::common::prove_and_verify(&crate::common::params(k), &honest, &[]);
    eprintln!("{}; MockProver {mock_time:?}", run.summary("bytecode+keccak", k));
}

#[test]
fn the_verifying_key_does_not_depend_on_the_witness() {
    let k = CAPACITY.k::<Fr>();
    let params = crate::common::params(k);
    let a = keygen_vk(&params, &circuit(&codes_a())).expect("vk");
    let b = keygen_vk(&params, &circuit(&codes_b())).expect("vk");
    assert_eq!(
        crate::common::vk_bytes(&a),
        crate::common::vk_bytes(&b),
        "two bytecode sets, one verifying key"
    );
    let empty = keygen_vk(&params, &circuit(&[])).expect("vk");
    assert_eq!(crate::common::vk_bytes(&a), crate::common::vk_bytes(&empty));
}
