//! Proving phases on the default chunk (k = 11): witness (circuit construction), keygen,
//! prove and verify, one group each, for a chunk of native transfers. The setup is the
//! insecure seeded one, cached in a temporary folder.

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use zkevm_benches::transfers_workload;
use zkevm_circuits::halo2_proofs::halo2curves::bn256::Fr;
use zkevm_circuits::halo2_proofs::plonk::{keygen_pk, keygen_vk};
use zkevm_circuits::super_circuit::SuperCircuit;
use zkevm_executor::trace_batch;
use zkevm_prover::keys::{proving_key, verifier_key};
use zkevm_prover::prove::prove_chunk;
use zkevm_prover::{load_params, Cache, ParamsSource, DEFAULT_CHUNK};
use zkevm_verifier::{verify, BatchStatement, Bundle, ProofArtifact, StatementSummary};

fn proving(c: &mut Criterion) {
    let dir = std::env::temp_dir().join("zkevm-bench-cache");
    let cache = Cache::at(&dir);
    let input = transfers_workload(4);
    let trace = Arc::new(trace_batch(&input, "bench").expect("traces").trace);
    let circuit = SuperCircuit::new(trace.clone(), DEFAULT_CHUNK).expect("fits");
    let params =
        load_params(&ParamsSource::Insecure, DEFAULT_CHUNK.k::<Fr>(), &cache).expect("params");

    let mut group = c.benchmark_group("proving/transfers-4");
    group.sample_size(10);
    group.bench_function("witness", |b| {
        b.iter(|| SuperCircuit::new(trace.clone(), DEFAULT_CHUNK).expect("fits"))
    });
    group.bench_function("keygen", |b| {
        b.iter(|| {
            let vk = keygen_vk(&params, &circuit).expect("vk");
            keygen_pk(&params, vk, &circuit).expect("pk")
        })
    });
    let pk = proving_key(&circuit, &params, &cache).expect("pk");
    group.bench_function("prove", |b| {
        b.iter(|| prove_chunk(0, &circuit, &params, &pk).expect("proves"))
    });
    let key = verifier_key(&DEFAULT_CHUNK, params.clone(), &cache).expect("key");
    let bundle = Bundle {
        chunks: vec![ProofArtifact {
            chunk_index: 0,
            chunk_params: DEFAULT_CHUNK,
            vk_fingerprint: key.fingerprint,
            summary: StatementSummary::of(circuit.statement()),
            public_inputs: circuit.instance(),
            proof: prove_chunk(0, &circuit, &params, &pk).expect("proves"),
        }],
    };
    let statement = BatchStatement::new(vec![circuit.statement().clone()]);
    group
        .bench_function("verify", |b| b.iter(|| verify(&bundle, &statement, &key).expect("valid")));
    group.finish();
}

criterion_group!(benches, proving);
criterion_main!(benches);
