//! A real KZG proof (keygen, prove, verify) of the keccak-f permutation circuit, and the
//! verifying key shown to be independent of the witness.
//!
//! The setup here is deterministic from a fixed seed: insecure, for tests only.

use std::time::Instant;

use halo2_proofs::halo2curves::bn256::{Bn256, G1Affine};
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
use zkevm_circuits::keccak::permutation::PermutationCircuit;

const K: u32 = 11;

fn params() -> ParamsKZG<Bn256> {
    ParamsKZG::<Bn256>::setup(K, ChaCha20Rng::seed_from_u64(42))
}

fn circuit(seed: u64) -> PermutationCircuit {
    let mut input = [0u64; 25];
    for (i, lane) in input.iter_mut().enumerate() {
        *lane = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(i as u32);
    }
    PermutationCircuit { inputs: vec![input], capacity: 1 }
}

fn vk_bytes(vk: &VerifyingKey<G1Affine>) -> Vec<u8> {
    vk.to_bytes(SerdeFormat::RawBytes)
}

#[test]
fn prove_and_verify_a_permutation() {
    let params = params();
    let start = Instant::now();
    let vk = keygen_vk(&params, &circuit(1)).expect("vk");
    let pk = keygen_pk(&params, vk.clone(), &circuit(1)).expect("pk");
    let keygen = start.elapsed();

    let start = Instant::now();
    let mut transcript = Blake2bWrite::<_, G1Affine, Challenge255<_>>::init(vec![]);
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, _, _>(
        &params,
        &pk,
        &[circuit(1)],
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
    eprintln!(
        "keccak-f at k={K}: keygen {keygen:?}, prove {prove:?}, verify {verify_time:?}, proof {} bytes",
        proof.len()
    );

    let mut bad = proof.clone();
    bad[proof.len() / 2] ^= 1;
    assert!(verify(&bad).is_err(), "a flipped proof byte is rejected");
}

#[test]
fn the_verifying_key_does_not_depend_on_the_witness() {
    let params = params();
    let a = keygen_vk(&params, &circuit(1)).expect("vk");
    let b = keygen_vk(&params, &circuit(2)).expect("vk");
    assert_eq!(vk_bytes(&a), vk_bytes(&b));
    let empty =
        keygen_vk(&params, &PermutationCircuit { inputs: vec![], capacity: 1 }).expect("vk");
    assert_eq!(vk_bytes(&a), vk_bytes(&empty));
}
