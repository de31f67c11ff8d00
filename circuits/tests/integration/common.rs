//! A real KZG round trip for the integration tests: keygen, prove, verify, and a flipped
//! proof byte rejected. The setup is deterministic from a fixed seed: insecure, tests only.

use std::time::{Duration, Instant};

use halo2_proofs::halo2curves::bn256::{Bn256, Fr, G1Affine};
use halo2_proofs::halo2curves::ff::Field;
use halo2_proofs::plonk::{
    create_proof, keygen_pk, keygen_vk, verify_proof, Circuit, VerifyingKey,
};
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

/// The insecure test setup for `k`.
pub fn params(k: u32) -> ParamsKZG<Bn256> {
    ParamsKZG::<Bn256>::setup(k, ChaCha20Rng::seed_from_u64(42))
}

/// A verifying key's bytes, for comparing keys.
pub fn vk_bytes(vk: &VerifyingKey<G1Affine>) -> Vec<u8> {
    vk.to_bytes(SerdeFormat::RawBytes)
}

/// What one round trip measured.
pub struct RoundTrip {
    /// The verifying key.
    pub vk: VerifyingKey<G1Affine>,
    /// Proof size in bytes.
    pub proof_bytes: usize,
    /// keygen_vk + keygen_pk.
    pub keygen: Duration,
    /// create_proof.
    pub prove: Duration,
    /// verify_proof of the honest proof.
    pub verify: Duration,
}

impl RoundTrip {
    /// One line of figures.
    pub fn summary(&self, what: &str, k: u32) -> String {
        let cs = self.vk.cs();
        format!(
            "{what} at k={k}: {} advice, {} fixed, {} lookups, degree {}; keygen {:?}, prove {:?}, \
             verify {:?}, proof {} bytes",
            cs.num_advice_columns(),
            cs.num_fixed_columns(),
            cs.lookups().len(),
            cs.degree(),
            self.keygen,
            self.prove,
            self.verify,
            self.proof_bytes
        )
    }
}

/// Keygen, prove and verify `circuit` at `k` with one instance column `instance` (none when
/// empty); asserts that the proof verifies and that a flipped byte in its middle, or a changed
/// public input, does not.
pub fn prove_and_verify<C: Circuit<Fr>>(
    params: &ParamsKZG<Bn256>,
    circuit: &C,
    instance: &[Fr],
) -> RoundTrip {
    let columns: Vec<&[Fr]> = if instance.is_empty() { vec![] } else { vec![instance] };
    let start = Instant::now();
    let vk = keygen_vk(params, circuit).expect("vk");
    let pk = keygen_pk(params, vk.clone(), circuit).expect("pk");
    let keygen = start.elapsed();

    let start = Instant::now();
    let mut transcript = Blake2bWrite::<_, G1Affine, Challenge255<_>>::init(vec![]);
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, _, _>(
        params,
        &pk,
        std::slice::from_ref(circuit),
        &[&columns],
        ChaCha20Rng::seed_from_u64(7),
        &mut transcript,
    )
    .expect("proof");
    let proof = transcript.finalize();
    let prove = start.elapsed();

    let check_with = |proof: &[u8], columns: &[&[Fr]]| {
        let mut transcript = Blake2bRead::<_, G1Affine, Challenge255<_>>::init(proof);
        verify_proof::<KZGCommitmentScheme<Bn256>, VerifierSHPLONK<'_, Bn256>, _, _, _>(
            params.verifier_params(),
            &vk,
            SingleStrategy::new(params),
            &[columns],
            &mut transcript,
        )
    };
    let check = |proof: &[u8]| check_with(proof, &columns);
    let start = Instant::now();
    assert!(check(&proof).is_ok(), "an honest proof verifies");
    let verify = start.elapsed();
    let mut bad = proof.clone();
    bad[proof.len() / 2] ^= 1;
    assert!(check(&bad).is_err(), "a flipped proof byte is rejected");
    if let Some(first) = instance.first() {
        let mut changed = instance.to_vec();
        changed[0] = *first + Fr::ONE;
        assert!(check_with(&proof, &[&changed]).is_err(), "a changed public input is rejected");
    }
    RoundTrip { vk, proof_bytes: proof.len(), keygen, prove, verify }
}
