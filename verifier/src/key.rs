//! The verifier's trusted inputs: KZG parameters and the verifying key of the chunk
//! parameters, with the key's fingerprint.

use halo2_proofs::halo2curves::bn256::{Bn256, G1Affine};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::VerifyingKey;
use halo2_proofs::poly::kzg::commitment::ParamsKZG;
use halo2_proofs::SerdeFormat;
use sha2::{Digest, Sha256};
use zkevm_circuits::super_circuit::ChunkParams;

/// Everything the verifier trusts.
#[derive(Debug)]
pub struct VerifierKey {
    /// The KZG parameters (only the verifier part is used).
    pub params: ParamsKZG<Bn256>,
    /// The verifying key.
    pub vk: VerifyingKey<G1Affine>,
    /// The chunk parameters the key was generated for.
    pub chunk_params: ChunkParams,
    /// [`vk_fingerprint`] of `vk`.
    pub fingerprint: [u8; 32],
}

impl VerifierKey {
    /// A key from its parts.
    pub fn new(
        params: ParamsKZG<Bn256>,
        vk: VerifyingKey<G1Affine>,
        chunk_params: ChunkParams,
    ) -> Self {
        let fingerprint = vk_fingerprint(&vk);
        Self { params, vk, chunk_params, fingerprint }
    }
}

/// SHA-256 of the verifying key's bytes followed by its transcript representation (a hash
/// of the pinned constraint system), so that both the commitments and the constraints count.
pub fn vk_fingerprint(vk: &VerifyingKey<G1Affine>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(vk.to_bytes(SerdeFormat::RawBytes));
    hasher.update(vk.transcript_repr().to_repr().as_ref());
    hasher.finalize().into()
}
