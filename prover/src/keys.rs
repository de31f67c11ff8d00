//! Proving and verifying keys, cached on disk under a digest of what determines them: the
//! circuit version, the chunk parameters and the KZG parameters.
//!
//! The verifying key depends on the chunk parameters only, never on a witness, so keys are
//! generated from the chunk being proven, or, for a verifier without one, from a small
//! built-in chunk ([`keygen_trace`]: one native transfer).

use std::sync::Arc;

use alloy_primitives::{address, U256};
use halo2_proofs::halo2curves::bn256::{Bn256, G1Affine};
use halo2_proofs::halo2curves::group::GroupEncoding;
use halo2_proofs::plonk::{keygen_pk, keygen_vk, ProvingKey, VerifyingKey};
use halo2_proofs::poly::commitment::Params;
use halo2_proofs::poly::kzg::commitment::ParamsKZG;
use halo2_proofs::SerdeFormat;
use sha2::{Digest, Sha256};
use zkevm_circuits::super_circuit::{ChunkParams, SuperCircuit};
use zkevm_executor::batch::{Batch, BatchAccount, BatchBlock, BatchTx};
use zkevm_executor::{trace_batch, Trace};
use zkevm_verifier::VerifierKey;

use crate::cache::Cache;
use crate::error::ProverError;

/// The circuit's version ([`zkevm_circuits::version`]); part of the cache digest.
pub use zkevm_circuits::CIRCUIT_VERSION;

/// The cache name of the keys of `chunk` under `params`.
pub fn key_digest(chunk: &ChunkParams, params: &ParamsKZG<Bn256>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"zkevm chunk keys");
    hasher.update(CIRCUIT_VERSION.to_le_bytes());
    for (_, value) in chunk.capacities() {
        hasher.update((value as u64).to_le_bytes());
    }
    hasher.update(params.k().to_le_bytes());
    hasher.update(params.s_g2().to_bytes().as_ref());
    hex::encode(&hasher.finalize()[..16])
}

/// A one-transfer trace for key generation (keys do not depend on the witness).
pub fn keygen_trace() -> Result<Trace, ProverError> {
    let alice = address!("0xa11ce00000000000000000000000000000000001");
    let mut batch =
        Batch::new(BatchBlock::simple(address!("0xc0ffee0000000000000000000000000000000000"), 1));
    batch
        .pre
        .insert(alice, BatchAccount { balance: U256::from(10u128.pow(20)), ..Default::default() });
    batch.transactions = vec![BatchTx {
        sender: Some(alice),
        tx_type: Some(2),
        nonce: Some(0),
        gas_limit: Some(21_000),
        max_fee_per_gas: Some(30),
        max_priority_fee_per_gas: Some(2),
        to: Some(address!("0xb0b0000000000000000000000000000000000002")),
        value: U256::from(1),
        ..Default::default()
    }];
    let input = batch.to_input("keygen chunk").map_err(|e| ProverError::Keygen(e.to_string()))?;
    Ok(trace_batch(&input, "keygen chunk").map_err(|e| ProverError::Keygen(e.to_string()))?.trace)
}

fn keygen_circuit(chunk: &ChunkParams) -> Result<SuperCircuit, ProverError> {
    SuperCircuit::new(Arc::new(keygen_trace()?), *chunk)
        .map_err(|e| ProverError::Keygen(format!("the chunk cannot hold one transfer: {e}")))
}

fn read_vk(bytes: &[u8]) -> Option<VerifyingKey<G1Affine>> {
    VerifyingKey::read::<_, SuperCircuit>(&mut &bytes[..], SerdeFormat::RawBytes, ()).ok()
}

/// The verifying key of `chunk`, from the cache or generated (from [`keygen_trace`]) and cached.
pub fn verifying_key(
    chunk: &ChunkParams,
    params: &ParamsKZG<Bn256>,
    cache: &Cache,
) -> Result<VerifyingKey<G1Affine>, ProverError> {
    let name = format!("vk-{}.bin", key_digest(chunk, params));
    if let Some(vk) = cache.read_checked(&name).as_deref().and_then(read_vk) {
        return Ok(vk);
    }
    let vk = keygen_vk(params, &keygen_circuit(chunk)?)
        .map_err(|e| ProverError::Keygen(format!("{e:?}")))?;
    cache.write_checked(&name, &vk.to_bytes(SerdeFormat::RawBytes))?;
    Ok(vk)
}

/// The proving key of `circuit`'s chunk parameters, from the cache or generated from `circuit`
/// (keys do not depend on its witness) and cached.
pub fn proving_key(
    circuit: &SuperCircuit,
    params: &ParamsKZG<Bn256>,
    cache: &Cache,
) -> Result<ProvingKey<G1Affine>, ProverError> {
    let digest = key_digest(&circuit.params(), params);
    let (pk_name, vk_name) = (format!("pk-{digest}.bin"), format!("vk-{digest}.bin"));
    if let Some(bytes) = cache.read_checked(&pk_name) {
        if let Ok(pk) =
            ProvingKey::read::<_, SuperCircuit>(&mut bytes.as_slice(), SerdeFormat::RawBytes, ())
        {
            return Ok(pk);
        }
    }
    let vk = match cache.read_checked(&vk_name).as_deref().and_then(read_vk) {
        Some(vk) => vk,
        None => {
            let vk =
                keygen_vk(params, circuit).map_err(|e| ProverError::Keygen(format!("{e:?}")))?;
            cache.write_checked(&vk_name, &vk.to_bytes(SerdeFormat::RawBytes))?;
            vk
        }
    };
    let pk = keygen_pk(params, vk, circuit).map_err(|e| ProverError::Keygen(format!("{e:?}")))?;
    cache.write_checked(&pk_name, &pk.to_bytes(SerdeFormat::RawBytes))?;
    Ok(pk)
}

/// The verifier's key of `chunk` under `params`.
pub fn verifier_key(
    chunk: &ChunkParams,
    params: ParamsKZG<Bn256>,
    cache: &Cache,
) -> Result<VerifierKey, ProverError> {
    let vk = verifying_key(chunk, &params, cache)?;
    Ok(VerifierKey::new(params, vk, *chunk))
}

/// The verifier's key of `chunk` under `params`, generated from the circuit here and now:
/// for a setup whose keys nobody pinned, a verifier trusts no cache (the prover writes it).
pub fn fresh_verifier_key(
    chunk: &ChunkParams,
    params: ParamsKZG<Bn256>,
) -> Result<VerifierKey, ProverError> {
    let vk = keygen_vk(&params, &keygen_circuit(chunk)?)
        .map_err(|e| ProverError::Keygen(format!("{e:?}")))?;
    Ok(VerifierKey::new(params, vk, *chunk))
}
