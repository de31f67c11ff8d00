//! Proving phases, one criterion group each: `witness` (circuit construction from a chunk's
//! trace), `keygen`, `prove` (one chunk) and `verify` (that chunk's proof), parametrised by
//! workload and `k` (the chunk family of `zkevm_workloads::chunk`). The setup is the insecure
//! seeded one, cached in a temporary folder.
//!
//! By default only `transfers` at k = 11 runs, which keeps the CI smoke (each bench run once
//! in criterion's test mode) short. Choose others with environment variables:
//! `ZKEVM_BENCH_WORKLOADS=all` (or a comma-separated list of names) and
//! `ZKEVM_BENCH_K=11,12`. A workload the circuits cannot prove yet, or whose transaction does
//! not fit the chunk, is skipped with a line on stderr.

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use zkevm_circuits::halo2_proofs::halo2curves::bn256::{Bn256, G1Affine};
use zkevm_circuits::halo2_proofs::plonk::{keygen_pk, keygen_vk, ProvingKey};
use zkevm_circuits::halo2_proofs::poly::kzg::commitment::ParamsKZG;
use zkevm_circuits::super_circuit::SuperCircuit;
use zkevm_prover::plan::plan;
use zkevm_prover::prove::prove_chunk;
use zkevm_prover::{load_params, Cache, ParamsSource};
use zkevm_verifier::{
    verify, vk_fingerprint, BatchStatement, Bundle, ProofArtifact, StatementSummary, VerifierKey,
};
use zkevm_workloads::chunk::chunk_for_k;
use zkevm_workloads::Workload;

/// One (workload, k) case, ready to bench.
struct Case {
    id: String,
    trace: Arc<zkevm_executor::Trace>,
    circuit: SuperCircuit,
    params: ParamsKZG<Bn256>,
    pk: ProvingKey<G1Affine>,
    bundle: Bundle,
    statement: BatchStatement,
    key: VerifierKey,
}

fn selected() -> (Vec<Workload>, Vec<u32>) {
    let workloads = match std::env::var("ZKEVM_BENCH_WORKLOADS") {
        Ok(names) if names == "all" => Workload::ALL.to_vec(),
        Ok(names) => names
            .split(',')
            .map(|n| n.trim().parse().unwrap_or_else(|e| panic!("ZKEVM_BENCH_WORKLOADS: {e}")))
            .collect(),
        Err(_) => vec![Workload::Transfers],
    };
    let ks = match std::env::var("ZKEVM_BENCH_K") {
        Ok(ks) => ks
            .split(',')
            .map(|k| k.trim().parse().unwrap_or_else(|_| panic!("ZKEVM_BENCH_K: bad k `{k}`")))
            .collect(),
        Err(_) => vec![11],
    };
    (workloads, ks)
}

/// The first chunk of `workload` (default size) at `k`, with keys and one proof; `None` (and
/// a line on stderr) when it cannot be proven.
fn case(workload: Workload, k: u32, cache: &Cache) -> Option<Case> {
    let id = format!("{workload}/k={k}");
    let skip = |why: String| {
        eprintln!("skipping {id}: {why}");
        None
    };
    let chunk = chunk_for_k(k).unwrap_or_else(|e| panic!("{e}"));
    let input = workload.input(workload.default_size()).expect("workload builds");
    let chunks = match plan(&input, workload.name(), &chunk) {
        Ok(chunks) => chunks,
        Err(e) => return skip(e.to_string()),
    };
    let first = chunks.into_iter().next()?;
    let trace = Arc::new(first.trace);
    let circuit = match SuperCircuit::new(trace.clone(), chunk) {
        Ok(circuit) => circuit,
        Err(e) => return skip(e.to_string()),
    };
    let params = load_params(&ParamsSource::Insecure, k, cache).expect("params");
    let vk = keygen_vk(&params, &circuit).expect("vk");
    let pk = keygen_pk(&params, vk, &circuit).expect("pk");
    let proof = prove_chunk(0, &circuit, &params, &pk).expect("proves");
    let bundle = Bundle {
        chunks: vec![ProofArtifact {
            chunk_index: 0,
            chunk_params: chunk,
            vk_fingerprint: vk_fingerprint(pk.get_vk()),
            summary: StatementSummary::of(circuit.statement()),
            public_inputs: circuit.instance(),
            proof,
        }],
    };
    let statement = BatchStatement::new(vec![circuit.statement().clone()]);
    let key = VerifierKey::new(params.clone(), pk.get_vk().clone(), chunk);
    Some(Case { id, trace, circuit, params, pk, bundle, statement, key })
}

fn proving(c: &mut Criterion) {
    let cache = Cache::at(std::env::temp_dir().join("zkevm-bench-cache"));
    let (workloads, ks) = selected();
    let cases: Vec<Case> = workloads
        .iter()
        .flat_map(|w| ks.iter().map(move |k| (*w, *k)))
        .filter_map(|(w, k)| case(w, k, &cache))
        .collect();

    let mut group = c.benchmark_group("witness");
    group.sample_size(10);
    for case in &cases {
        let params = case.circuit.params();
        group.bench_function(BenchmarkId::from_parameter(&case.id), |b| {
            b.iter(|| SuperCircuit::new(case.trace.clone(), params).expect("fits"))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("keygen");
    group.sample_size(10);
    for case in &cases {
        group.bench_function(BenchmarkId::from_parameter(&case.id), |b| {
            b.iter(|| {
                let vk = keygen_vk(&case.params, &case.circuit).expect("vk");
                keygen_pk(&case.params, vk, &case.circuit).expect("pk")
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("prove");
    group.sample_size(10);
    for case in &cases {
        group.bench_function(BenchmarkId::from_parameter(&case.id), |b| {
            b.iter(|| prove_chunk(0, &case.circuit, &case.params, &case.pk).expect("proves"))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("verify");
    group.sample_size(10);
    for case in &cases {
        group.bench_function(BenchmarkId::from_parameter(&case.id), |b| {
            b.iter(|| verify(&case.bundle, &case.statement, &case.key).expect("valid"))
        });
    }
    group.finish();
}

criterion_group!(benches, proving);
criterion_main!(benches);
