//! Verifying-key fingerprints pinned for this circuit version under the insecure
//! deterministic setup (public seed): one line per chunk-parameter preset in
//! `circuits/pinned_vk_fingerprints.txt` ([`zkevm_circuits::version`]), `<fingerprint hex>
//! <chunk parameters as JSON>`.
//!
//! A verifier must not trust a key that someone else wrote to a cache: the prover writes the
//! cache, and a key of its choosing accepts proofs of its choosing. Under the insecure setup
//! the key is known in advance, so the verifier compares against the pin compiled in here.
//! (Under a ceremony setup it is not: the caller regenerates the key from the circuit.) The
//! prover's tests regenerate the file after a deliberate circuit change.

use zkevm_circuits::super_circuit::ChunkParams;

use crate::error::VerifyError;
use crate::key::VerifierKey;

/// The pinned fingerprints, as committed.
pub use zkevm_circuits::version::PINNED_VK_FINGERPRINTS;

/// The fingerprint pinned for `chunk` under the insecure setup, if `chunk` is pinned.
pub fn pinned_insecure_fingerprint(chunk: &ChunkParams) -> Option<[u8; 32]> {
    PINNED_VK_FINGERPRINTS.lines().find_map(|line| {
        let (hex_print, json) = line.trim().split_once(' ')?;
        let params: ChunkParams = serde_json::from_str(json).ok()?;
        let bytes = hex::decode(hex_print).ok()?;
        (params == *chunk).then(|| bytes.try_into().ok()).flatten()
    })
}

/// One line of the pinned file for `chunk` with `fingerprint`.
pub fn pinned_line(chunk: &ChunkParams, fingerprint: &[u8; 32]) -> String {
    let json = serde_json::to_string(chunk).unwrap_or_default();
    format!("{} {json}", hex::encode(fingerprint))
}

/// Checks that `key`, meant for the insecure setup, is the pinned key of its chunk
/// parameters.
pub fn check_pinned(key: &VerifierKey) -> Result<(), VerifyError> {
    match pinned_insecure_fingerprint(&key.chunk_params) {
        Some(pinned) if pinned == key.fingerprint => Ok(()),
        Some(pinned) => Err(VerifyError::KeyNotPinned {
            found: hex::encode(key.fingerprint),
            pinned: hex::encode(pinned),
        }),
        None => Err(VerifyError::NoPinnedKey),
    }
}
