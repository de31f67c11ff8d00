//! Planning, proving and verifying batches: nine native transfers prove in two chunks of the
//! default parameters and verify; a changed statement is rejected; the demo batch needs the
//! large chunk and plans into one; an opcode without a gadget is refused before any setup; a
//! transaction too large for a chunk is named; the default chunk's verifying key fingerprint is
//! pinned.

use std::time::Instant;

use alloy_primitives::{address, Address, U256};
use halo2_proofs::halo2curves::bn256::Fr;
use zkevm_executor::batch::{Batch, BatchAccount, BatchBlock, BatchTx};
use zkevm_executor::{demo, ExecutionInput};
use zkevm_prover::keys::{verifier_key, verifying_key};
use zkevm_prover::{
    load_params, plan, prove_batch, smallest_preset, Cache, ParamsSource, ProveOptions,
    ProverError, CHUNK_PRESETS, DEFAULT_CHUNK, LARGE_CHUNK,
};
use zkevm_verifier::pinned::{pinned_line, PINNED_VK_FINGERPRINTS};
use zkevm_verifier::{check_pinned, verify, vk_fingerprint, Bundle, VerifyError};

const ALICE: Address = address!("0xa11ce00000000000000000000000000000000001");
const BOB: Address = address!("0xb0b0000000000000000000000000000000000002");

fn transfers(count: u64) -> ExecutionInput {
    let mut batch =
        Batch::new(BatchBlock::simple(address!("0xc0ffee0000000000000000000000000000000000"), 5));
    batch
        .pre
        .insert(ALICE, BatchAccount { balance: U256::from(10u128.pow(20)), ..Default::default() });
    batch.transactions = (0..count)
        .map(|nonce| BatchTx {
            sender: Some(ALICE),
            tx_type: Some(2),
            nonce: Some(nonce),
            gas_limit: Some(21_000),
            max_fee_per_gas: Some(30),
            max_priority_fee_per_gas: Some(2),
            to: Some(BOB),
            value: U256::from(1000 + nonce),
            ..Default::default()
        })
        .collect();
    batch.to_input("transfers").expect("builds")
}

fn options(cache: &Cache) -> ProveOptions {
    ProveOptions {
        chunk: DEFAULT_CHUNK,
        params: ParamsSource::Insecure,
        jobs: 0,
        cache: cache.clone(),
        progress: false,
        max_memory_mib: None,
    }
}

#[test]
fn transfers_prove_and_verify_and_a_changed_statement_is_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = Cache::at(dir.path());
    let proven = prove_batch(&transfers(9), "transfers", &options(&cache)).expect("proves");
    eprintln!("{}", proven.report.summary());
    assert_eq!(proven.bundle.chunks.len(), 2, "eight transaction slots a chunk");
    let estimate = zkevm_prover::prove::chunk_memory_mib(DEFAULT_CHUNK.k::<Fr>());
    assert!((20..2000).contains(&estimate), "a chunk at k=11 takes about 100 MiB: {estimate}");
    assert_eq!(proven.statement.chunks[1].first_tx, 8);

    let k = DEFAULT_CHUNK.k::<Fr>();
    let params = load_params(&ParamsSource::Insecure, k, &cache).expect("params");
    let key = verifier_key(&DEFAULT_CHUNK, params, &cache).expect("key");
    let bytes = proven.bundle.to_bytes();
    let start = Instant::now();
    let verified = verify(&Bundle::from_bytes(&bytes).expect("loads"), &proven.statement, &key);
    eprintln!("verify {:?}, bundle {} bytes", start.elapsed(), bytes.len());
    assert_eq!(verified.expect("valid").transactions, 9);

    let mut lie = proven.statement.clone();
    lie.chunks[1].touched[0].last += U256::from(1);
    assert!(matches!(
        verify(&proven.bundle, &lie, &key),
        Err(VerifyError::PublicInputMismatch { chunk: 1, .. })
    ));
    let mut lie = proven.statement.clone();
    lie.chunks[0].block.timestamp += 1;
    assert!(matches!(
        verify(&proven.bundle, &lie, &key),
        Err(VerifyError::ChunksDoNotChain { .. })
    ));
    let mut lie = proven.statement.clone();
    lie.chunks[1].transactions[0].value += U256::from(1);
    assert!(matches!(
        verify(&proven.bundle, &lie, &key),
        Err(VerifyError::PublicInputMismatch { chunk: 1, .. })
    ));
    // The chunks must continue each other: the sender's balance in the second chunk starts
    // where the first left it.
    let mut lie = proven.statement.clone();
    let sender = lie.chunks[1].touched.iter().position(|l| l.address == ALICE).expect("sender");
    lie.chunks[1].touched[sender].initial += U256::from(1);
    assert!(matches!(
        verify(&proven.bundle, &lie, &key),
        Err(VerifyError::ChunksDoNotChain { chunk: 1, .. })
    ));
    // The receipts' cumulative gas runs over the whole block: the second chunk starts from
    // the first's, and a chunk claiming another start is refused.
    assert_eq!(proven.statement.chunks[1].gas_used_before, 8 * 21_000);
    let last = proven.statement.chunks[1].receipts.last().map(|r| r.cumulative_gas_used);
    assert_eq!(last, Some(9 * 21_000));
    let mut lie = proven.statement.clone();
    lie.chunks[1].gas_used_before -= 1;
    assert!(matches!(
        verify(&proven.bundle, &lie, &key),
        Err(VerifyError::ChunksDoNotChain { chunk: 1, .. })
    ));
    let mut lie = proven.statement.clone();
    for receipt in &mut lie.chunks[0].receipts {
        receipt.cumulative_gas_used -= 1;
    }
    lie.chunks[1].gas_used_before -= 1;
    assert!(matches!(
        verify(&proven.bundle, &lie, &key),
        Err(VerifyError::PublicInputMismatch { chunk: 0, .. })
    ));
    let mut swapped = proven.bundle.clone();
    swapped.chunks.swap(0, 1);
    assert!(matches!(
        verify(&swapped, &proven.statement, &key),
        Err(VerifyError::ChunkOrder { position: 0, found: 1 })
    ));
}

#[test]
fn the_demo_batch_needs_the_large_chunk() {
    let input = demo::demo_batch().to_input("demo").expect("builds");
    // The token's 1,090-byte code alone needs more bytecode rows and keccak permutations (9)
    // than the k = 11 chunk has.
    assert!(matches!(plan(&input, "demo", &DEFAULT_CHUNK), Err(ProverError::TxTooLarge { .. })));
    assert_eq!(smallest_preset(&input, "demo").expect("plans"), LARGE_CHUNK);
    assert_eq!(plan(&input, "demo", &LARGE_CHUNK).expect("plans").len(), 1);
}

#[test]
fn an_opcode_without_a_gadget_is_refused_before_any_setup() {
    let mut batch =
        Batch::new(BatchBlock::simple(address!("0xc0ffee0000000000000000000000000000000000"), 5));
    batch
        .pre
        .insert(ALICE, BatchAccount { balance: U256::from(10u128.pow(20)), ..Default::default() });
    let code = vec![0x5f, 0xff]; // SELFDESTRUCT(0)
    batch.pre.insert(BOB, BatchAccount { code: code.into(), ..Default::default() });
    batch.transactions.push(BatchTx {
        sender: Some(ALICE),
        tx_type: Some(2),
        nonce: Some(0),
        gas_limit: Some(100_000),
        max_fee_per_gas: Some(30),
        max_priority_fee_per_gas: Some(2),
        to: Some(BOB),
        ..Default::default()
    });
    let input = batch.to_input("unsupported").expect("builds");
    let dir = tempfile::tempdir().expect("tempdir");
    match prove_batch(&input, "unsupported", &options(&Cache::at(dir.path()))) {
        Err(ProverError::Unsupported(what)) => assert!(what.contains("SELFDESTRUCT"), "{what}"),
        other => panic!("expected Unsupported, got {:?}", other.map(|p| p.report)),
    }
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "no setup was made");
}

#[test]
fn a_transaction_too_large_for_a_chunk_is_named() {
    let input = transfers(3);
    let mut small = DEFAULT_CHUNK;
    small.rw_rows = 20;
    match plan(&input, "transfers", &small) {
        Err(ProverError::TxTooLarge { tx: 0, what: "RW rows", capacity: 20, .. }) => {}
        other => panic!("expected TxTooLarge for transaction 0, got {other:?}"),
    }
    let mut one_slot = DEFAULT_CHUNK;
    one_slot.txs = 1;
    let chunks = plan(&input, "transfers", &one_slot).expect("one transaction a chunk");
    assert_eq!(chunks.iter().map(|c| c.first_tx).collect::<Vec<_>>(), vec![0, 1, 2]);
    assert_eq!(plan(&input, "transfers", &DEFAULT_CHUNK).expect("fits").len(), 1);
    // A chunk after the first starts from the state the first left: the sender's nonce.
    let second = &chunks[1].trace;
    assert_eq!(second.txs[0].nonce, 1);
}

/// The fingerprints the verifier pins (`circuits/pinned_vk_fingerprints.txt`) are those of
/// every preset's verifying key under the insecure setup. Regenerate after a deliberate circuit
/// change (and a new `zkevm_circuits::CIRCUIT_VERSION`) with
/// `ZKEVM_REGENERATE_FIXTURES=1 cargo test --release -p zkevm-prover --test prove`.
#[test]
fn every_preset_verifying_key_is_pinned_in_the_verifier() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../circuits/pinned_vk_fingerprints.txt");
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = Cache::at(dir.path());
    let mut lines = String::new();
    for (_, preset) in CHUNK_PRESETS {
        let params =
            load_params(&ParamsSource::Insecure, preset.k::<Fr>(), &cache).expect("params");
        let vk = verifying_key(&preset, &params, &cache).expect("vk");
        lines += &(pinned_line(&preset, &vk_fingerprint(&vk)) + "\n");
        // A second load comes from the cache and is the same key.
        let again = verifying_key(&preset, &params, &cache).expect("cached vk");
        assert_eq!(vk_fingerprint(&again), vk_fingerprint(&vk));
    }
    if std::env::var_os("ZKEVM_REGENERATE_FIXTURES").is_some() {
        std::fs::write(&fixture, &lines).expect("writes the fixture");
    }
    assert_eq!(
        lines, PINNED_VK_FINGERPRINTS,
        "a preset's verifying key changed; if deliberate, bump zkevm_circuits::CIRCUIT_VERSION and \
         regenerate with ZKEVM_REGENERATE_FIXTURES=1"
    );
}

/// A verifying key in the cache that is not the pinned one (the cache is the prover's to
/// write) is refused, with a message that says what to do.
#[test]
fn a_cached_key_that_is_not_pinned_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = Cache::at(dir.path());
    let params =
        load_params(&ParamsSource::Insecure, DEFAULT_CHUNK.k::<Fr>(), &cache).expect("params");
    let key = verifier_key(&DEFAULT_CHUNK, params, &cache).expect("key");
    check_pinned(&key).expect("the honest key is the pinned one");
    let mut other = key;
    other.fingerprint[0] ^= 1;
    let err = check_pinned(&other).expect_err("another key is refused");
    assert!(matches!(err, VerifyError::KeyNotPinned { .. }), "{err}");
    assert!(err.to_string().contains("delete the cache"), "{err}");
}
