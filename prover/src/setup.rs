//! KZG parameters.
//!
//! **The default setup is insecure**: it is generated from a fixed public seed
//! ([`INSECURE_SEED`]), so anyone can compute its trapdoor and forge proofs. It exists for
//! tests and the demo. For real use, pass a ceremony SRS in the halo2 params format
//! ([`ParamsSource::File`]); a larger one is downsized to the chunk's `k`.

use std::path::PathBuf;

use halo2_proofs::halo2curves::bn256::Bn256;
use halo2_proofs::poly::commitment::Params;
use halo2_proofs::poly::kzg::commitment::ParamsKZG;
use halo2_proofs::SerdeFormat;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use crate::cache::Cache;
use crate::error::ProverError;

/// The public seed of the insecure setup.
pub const INSECURE_SEED: u64 = 42;

/// Where the KZG parameters come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamsSource {
    /// The insecure deterministic setup from [`INSECURE_SEED`], cached per `k`.
    Insecure,
    /// A ceremony SRS in the halo2 params format.
    File(PathBuf),
}

impl ParamsSource {
    /// A line for output: what the parameters are and whether they are safe.
    pub fn describe(&self) -> String {
        match self {
            ParamsSource::Insecure => format!(
                "INSECURE parameters (deterministic setup from public seed {INSECURE_SEED}: \
                 anyone can forge proofs; use --params with a ceremony SRS for real use)"
            ),
            ParamsSource::File(path) => format!("parameters from {}", path.display()),
        }
    }
}

/// The parameters of `source` for `k`.
pub fn load_params(
    source: &ParamsSource,
    k: u32,
    cache: &Cache,
) -> Result<ParamsKZG<Bn256>, ProverError> {
    match source {
        ParamsSource::Insecure => insecure_params(k, cache),
        ParamsSource::File(path) => {
            let bytes = std::fs::read(path).map_err(|e| ProverError::io(path, e))?;
            check_size(&bytes).map_err(|why| ProverError::Params { path: path.clone(), why })?;
            let mut params =
                ParamsKZG::<Bn256>::read_custom(&mut bytes.as_slice(), SerdeFormat::RawBytes)
                    .map_err(|e| ProverError::Params { path: path.clone(), why: e.to_string() })?;
            if params.k() < k {
                return Err(ProverError::Params {
                    path: path.clone(),
                    why: format!("k = {} is too small, the chunk needs k = {k}", params.k()),
                });
            }
            if params.k() > k {
                params.downsize(k);
            }
            Ok(params)
        }
    }
}

/// The largest `k` a parameters file may have.
pub const MAX_PARAMS_K: u32 = 28;

/// A halo2 params file is `k` (u32, little-endian), `2^k` powers and `2^k` Lagrange bases
/// in G1 (64 bytes each, uncompressed), then two G2 points (128 bytes each). Checked before
/// reading, so that a bad header cannot make the reader allocate without bound.
fn check_size(bytes: &[u8]) -> Result<(), String> {
    let header: [u8; 4] =
        bytes.get(..4).and_then(|h| h.try_into().ok()).ok_or("shorter than its header")?;
    let k = u32::from_le_bytes(header);
    if k > MAX_PARAMS_K {
        return Err(format!("k = {k} is above the supported {MAX_PARAMS_K}"));
    }
    let expected = 4 + (2usize << k) * 64 + 2 * 128;
    if bytes.len() != expected {
        return Err(format!("{} bytes, a k = {k} file has {expected}", bytes.len()));
    }
    Ok(())
}

/// The insecure setup for `k`, from the cache or generated (and cached) on first use.
pub fn insecure_params(k: u32, cache: &Cache) -> Result<ParamsKZG<Bn256>, ProverError> {
    let name = format!("params-insecure-seed{INSECURE_SEED}-k{k}.bin");
    if let Some(bytes) = cache.read_checked(&name).filter(|b| check_size(b).is_ok()) {
        if let Ok(params) = ParamsKZG::<Bn256>::read(&mut bytes.as_slice()) {
            if params.k() == k {
                return Ok(params);
            }
        }
    }
    let params = ParamsKZG::<Bn256>::setup(k, ChaCha20Rng::seed_from_u64(INSECURE_SEED));
    let mut bytes = Vec::new();
    params.write(&mut bytes).map_err(|e| ProverError::io(cache.path(&name), e))?;
    cache.write_checked(&name, &bytes)?;
    Ok(params)
}
