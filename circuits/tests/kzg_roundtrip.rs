//! A real KZG proof (keygen, prove, verify) of the bytecode circuit with its keccak circuit and
//! fixed table, and the verifying key shown to be independent of the witness.
//!
//! The setup here is deterministic from a fixed seed: insecure, for tests only.

use std::time::Instant;

use halo2_proofs::dev::MockProver;
use halo2_proofs::halo2curves::bn256::{Bn256, Fr, G1Affine};
use halo2_proofs::plonk::{create_proof, keygen_pk, keygen_vk, verify_proof, VerifyingKey};
use halo2_proofs::poly::commitment::ParamsProver;
use halo2_proofs::poly::kzg::commitment::{KZGCommitmentScheme, ParamsKZG};
use halo2_proofs::poly::kzg::multiopen::{ProverSHPLONK, VerifierSHPLONK};
use halo2_proofs::poly::kzg::strategy::SingleStrategy;
use halo2_proofs::transcript::{
    Blake2bRead, Blake2bWrite, Challenge255, TranscriptReadBuffer, TranscriptWriterBuffer,
};
use halo2_proofs::SerdeFormat;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
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

fn params(k: u32) -> ParamsKZG<Bn256> {
    ParamsKZG::<Bn256>::setup(k, ChaCha20Rng::seed_from_u64(42))
}

fn vk_bytes(vk: &VerifyingKey<G1Affine>) -> Vec<u8> {
    vk.to_bytes(SerdeFormat::RawBytes)
}

#[test]
fn prove_and_verify_bytecode_with_keccak() {
    let k = CAPACITY.k::<Fr>();
    let honest = circuit(&codes_a());
    let start = Instant::now();
    let mock = MockProver::<Fr>::run(k, &honest, vec![]).expect("synthesis");
    assert_eq!(mock.verify(), Ok(()));
    let mock_time = start.elapsed();

    let params = params(k);
    let start = Instant::now();
    let vk = keygen_vk(&params, &honest).expect("vk");
    let pk = keygen_pk(&params, vk.clone(), &honest).expect("pk");
    let keygen = start.elapsed();

    let start = Instant::now();
    let mut transcript = Blake2bWrite::<_, G1Affine, Challenge255<_>>::init(vec![]);
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, _, _>(
        &params,
        &pk,
        &[honest],
        &[&[]],
        ChaCha20Rng::seed_from_u64(7),
        &mut transcript,
    )
    .expect("proof");
    let proof = transcript.finalize();
    let prove = start.elapsed();

    let verify = |proof: &[u8]| {
        let mut transcript = Blake2bRead::<_, G1Affine, Challenge255<_>>::init(proof);
        verify_proof::<KZGCommitmentScheme<Bn256>, VerifierSHPLONK<'_, Bn256>, _, _, _>(
            params.verifier_params(),
            &vk,
            SingleStrategy::new(&params),
            &[&[]],
            &mut transcript,
        )
    };
    let start = Instant::now();
    assert!(verify(&proof).is_ok(), "an honest proof verifies");
    let verify_time = start.elapsed();
    let cs = vk.cs();
    eprintln!(
        "bytecode+keccak at k={k}: {} advice, {} fixed, {} lookups, degree {}; MockProver {mock_time:?}, \
         keygen {keygen:?}, prove {prove:?}, verify {verify_time:?}, proof {} bytes",
        cs.num_advice_columns(),
        cs.num_fixed_columns(),
        cs.lookups().len(),
        cs.degree(),
        proof.len()
    );

    let mut bad = proof.clone();
    bad[proof.len() / 2] ^= 1;
    assert!(verify(&bad).is_err(), "a flipped proof byte is rejected");
}

#[test]
fn the_verifying_key_does_not_depend_on_the_witness() {
    let k = CAPACITY.k::<Fr>();
    let params = params(k);
    let a = keygen_vk(&params, &circuit(&codes_a())).expect("vk");
    let b = keygen_vk(&params, &circuit(&codes_b())).expect("vk");
    assert_eq!(vk_bytes(&a), vk_bytes(&b), "two bytecode sets, one verifying key");
    let empty = keygen_vk(&params, &circuit(&[])).expect("vk");
    assert_eq!(vk_bytes(&a), vk_bytes(&empty));
}
