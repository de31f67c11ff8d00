//! KZG parameters: the insecure setup is deterministic and cached; a ceremony-format file is
//! read, downsized to the chunk's `k`, and refused when too small or malformed.

use halo2_proofs::halo2curves::bn256::Bn256;
use halo2_proofs::poly::commitment::Params;
use halo2_proofs::poly::kzg::commitment::ParamsKZG;
use zkevm_prover::setup::insecure_params;
use zkevm_prover::{load_params, Cache, ParamsSource, ProverError};

fn bytes(params: &ParamsKZG<Bn256>) -> Vec<u8> {
    let mut out = Vec::new();
    params.write(&mut out).expect("writes");
    out
}

#[test]
fn the_insecure_setup_is_deterministic_and_cached() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = Cache::at(dir.path());
    let first = insecure_params(5, &cache).expect("generated");
    assert!(cache.path("params-insecure-seed42-k5.bin").exists(), "cached");
    let again = insecure_params(5, &cache).expect("from the cache");
    let elsewhere = insecure_params(5, &Cache::at(dir.path().join("other"))).expect("generated");
    assert_eq!(bytes(&first), bytes(&again));
    assert_eq!(bytes(&first), bytes(&elsewhere), "the same seed gives the same setup");
    // A damaged entry is regenerated, not read.
    let entry = cache.path("params-insecure-seed42-k5.bin");
    let mut damaged = std::fs::read(&entry).expect("cached");
    damaged[0] = 60;
    std::fs::write(&entry, &damaged).expect("writes");
    assert_eq!(bytes(&insecure_params(5, &cache).expect("regenerated")), bytes(&first));
}

#[test]
fn a_params_file_is_downsized_or_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = Cache::at(dir.path());
    let big = insecure_params(7, &cache).expect("generated");
    let file = dir.path().join("srs-k7.bin");
    std::fs::write(&file, bytes(&big)).expect("writes");
    let source = ParamsSource::File(file.clone());

    let downsized = load_params(&source, 5, &cache).expect("downsized");
    assert_eq!(downsized.k(), 5);
    assert_eq!(downsized.s_g2(), big.s_g2(), "the same trapdoor");
    assert!(matches!(load_params(&source, 8, &cache), Err(ProverError::Params { .. })));

    let truncated = dir.path().join("truncated.bin");
    std::fs::write(&truncated, &bytes(&big)[..1000]).expect("writes");
    let source = ParamsSource::File(truncated);
    assert!(matches!(load_params(&source, 5, &cache), Err(ProverError::Params { .. })));
    let huge = dir.path().join("huge.bin");
    std::fs::write(&huge, 60u32.to_le_bytes()).expect("writes");
    let source = ParamsSource::File(huge);
    assert!(matches!(load_params(&source, 5, &cache), Err(ProverError::Params { .. })));
    let missing = ParamsSource::File(dir.path().join("none.bin"));
    assert!(matches!(load_params(&missing, 5, &cache), Err(ProverError::Io { .. })));
    assert!(ParamsSource::Insecure.describe().contains("INSECURE"));
}
