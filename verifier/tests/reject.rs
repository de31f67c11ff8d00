//! One test per [`VerifyError`], on a tiny circuit (k = 4) so that walking every byte of an
//! artifact is fast: each single-byte change of the binary form, and each hex-digit change of
//! the JSON form's proof and public inputs, is a typed error, never a panic.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

use alloy_primitives::{Address, B256, U256};
use halo2_proofs::circuit::{Layouter, SimpleFloorPlanner, Value};
use halo2_proofs::halo2curves::bn256::{Bn256, Fr, G1Affine};
use halo2_proofs::halo2curves::group::GroupEncoding;
use halo2_proofs::plonk::{
    create_proof, keygen_pk, keygen_vk, Advice, Circuit, Column, ConstraintSystem, Error, Fixed,
    Instance, ProvingKey,
};
use halo2_proofs::poly::kzg::commitment::{KZGCommitmentScheme, ParamsKZG};
use halo2_proofs::poly::kzg::multiopen::ProverSHPLONK;
use halo2_proofs::poly::Rotation;
use halo2_proofs::transcript::{Blake2bWrite, Challenge255, TranscriptWriterBuffer};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkevm_circuits::public::{BlockStatement, ChunkStatement, Receipt, TxStatement};
use zkevm_circuits::super_circuit::{ChunkParams, CAPACITIES};
use zkevm_verifier::{
    verify, verify_with_instances, BatchStatement, Bundle, ExpectedChunk, ProofArtifact,
    StatementSummary, VerifierKey, VerifyError, FORMAT_VERSION,
};

/// Proves knowledge of `a` with `a² = b`, both public.
#[derive(Clone, Default)]
struct Square {
    a: Fr,
}

#[derive(Clone)]
struct SquareConfig {
    q: Column<Fixed>,
    a: Column<Advice>,
    b: Column<Advice>,
    instance: Column<Instance>,
}

impl Circuit<Fr> for Square {
    type Config = SquareConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> SquareConfig {
        let config = SquareConfig {
            q: meta.fixed_column(),
            a: meta.advice_column(),
            b: meta.advice_column(),
            instance: meta.instance_column(),
        };
        for column in [config.a, config.b] {
            meta.enable_equality(column);
        }
        meta.enable_equality(config.instance);
        meta.create_gate("square", |meta| {
            let q = meta.query_fixed(config.q, Rotation::cur());
            let a = meta.query_advice(config.a, Rotation::cur());
            let b = meta.query_advice(config.b, Rotation::cur());
            vec![q * (a.clone() * a - b)]
        });
        config
    }

    fn synthesize(
        &self,
        config: SquareConfig,
        mut layouter: impl Layouter<Fr>,
    ) -> Result<(), Error> {
        let cells = layouter.assign_region(
            || "square",
            |mut region| {
                region.assign_fixed(config.q, 0, Fr::one());
                let a = region.assign_advice(config.a, 0, Value::known(self.a)).cell();
                let b = region.assign_advice(config.b, 0, Value::known(self.a * self.a)).cell();
                Ok([a, b])
            },
        )?;
        for (row, cell) in cells.into_iter().enumerate() {
            layouter.constrain_instance(cell, config.instance, row);
        }
        Ok(())
    }
}

const CHUNK: ChunkParams = ChunkParams {
    evm_rows: 1,
    rw_rows: 2,
    bytecode_rows: 3,
    keccak_permutations: 4,
    txs: 5,
    statement_rows: 6,
    bitwise_ops: 7,
    calldata_words: 8,
    copy_words: 4,
    arith_blocks: 9,
};

struct Setup {
    key: VerifierKey,
    pk: ProvingKey<G1Affine>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let params = ParamsKZG::<Bn256>::setup(4, ChaCha20Rng::seed_from_u64(1));
        let vk = keygen_vk(&params, &Square::default()).expect("vk");
        let pk = keygen_pk(&params, vk.clone(), &Square::default()).expect("pk");
        Setup { key: VerifierKey::new(params, vk, CHUNK), pk }
    })
}

fn public(a: u64) -> Vec<Fr> {
    vec![Fr::from(a), Fr::from(a * a)]
}

const SUMMARY: StatementSummary = StatementSummary { first_tx: 0, tx_count: 1, touched: 0 };

fn instance(a: u64) -> ExpectedChunk {
    ExpectedChunk { summary: SUMMARY, instance: public(a) }
}

fn artifact(a: u64, chunk_index: u64) -> ProofArtifact {
    let s = setup();
    let public = public(a);
    let columns: &[&[Fr]] = &[&public];
    let mut transcript = Blake2bWrite::<_, G1Affine, Challenge255<_>>::init(vec![]);
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, _, _>(
        &s.key.params,
        &s.pk,
        &[Square { a: Fr::from(a) }],
        &[columns],
        ChaCha20Rng::seed_from_u64(a),
        &mut transcript,
    )
    .expect("proves");
    ProofArtifact {
        chunk_index,
        chunk_params: CHUNK,
        vk_fingerprint: s.key.fingerprint,
        summary: SUMMARY,
        public_inputs: public,
        proof: transcript.finalize(),
    }
}

fn check(bundle: &Bundle, instances: &[ExpectedChunk]) -> Result<(), VerifyError> {
    verify_with_instances(bundle, instances, &setup().key)
}

fn one(a: u64) -> Bundle {
    Bundle { chunks: vec![artifact(a, 0)] }
}

#[test]
fn an_honest_bundle_verifies_in_both_forms() {
    let bundle = one(3);
    assert_eq!(check(&bundle, &[instance(3)]), Ok(()));
    let binary = Bundle::load(&bundle.to_bytes()).expect("binary loads");
    assert_eq!(binary, bundle);
    let json = Bundle::load(bundle.to_json().as_bytes()).expect("JSON loads");
    assert_eq!(json, bundle);
    let single = ProofArtifact::from_json(&bundle.chunks[0].to_json()).expect("artifact JSON");
    assert_eq!(ProofArtifact::from_bytes(&single.to_bytes()), Ok(single));
}

#[test]
fn bad_magic() {
    let mut bytes = one(3).to_bytes();
    bytes[0] ^= 1;
    assert_eq!(Bundle::from_bytes(&bytes), Err(VerifyError::BadMagic { expected: "proof bundle" }));
}

#[test]
fn wrong_version() {
    let mut bytes = one(3).to_bytes();
    bytes[8] = 9;
    assert_eq!(
        Bundle::from_bytes(&bytes),
        Err(VerifyError::WrongVersion { found: 9, expected: FORMAT_VERSION })
    );
    let mut artifact = one(3).chunks[0].to_bytes();
    artifact[8] = FORMAT_VERSION as u8 + 1;
    assert!(matches!(ProofArtifact::from_bytes(&artifact), Err(VerifyError::WrongVersion { .. })));
}

#[test]
fn truncated_bytes() {
    let bytes = one(3).to_bytes();
    for len in [0, 5, 20, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            matches!(Bundle::from_bytes(&bytes[..len]), Err(VerifyError::Truncated { .. })),
            "cut at {len}"
        );
    }
}

#[test]
fn trailing_bytes() {
    let mut bytes = one(3).to_bytes();
    bytes.push(0);
    assert_eq!(
        Bundle::from_bytes(&bytes),
        Err(VerifyError::TrailingBytes { what: "the bundle", count: 1 })
    );
    let mut bundle = one(3);
    bundle.chunks[0].proof.push(0);
    assert!(matches!(
        check(&bundle, &[instance(3)]),
        Err(VerifyError::TrailingBytes { what: "the proof", count: 1 })
    ));
}

#[test]
fn non_canonical_field_element() {
    let artifact = one(3).chunks[0].to_bytes();
    // The first public input starts after magic, version, index, parameters, fingerprint,
    // summary and count.
    let start = 8 + 4 + 8 + CAPACITIES * 8 + 32 + 3 * 8 + 4;
    let mut bytes = artifact.clone();
    bytes[start..start + 32].fill(0xff);
    assert_eq!(
        ProofArtifact::from_bytes(&bytes),
        Err(VerifyError::NonCanonicalFieldElement { location: "public input 0".into() })
    );
    let json = one(3).to_json().replacen(
        "0x0000000000000000000000000000000000000000000000000000000000000003",
        "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        1,
    );
    assert!(matches!(Bundle::from_json(&json), Err(VerifyError::NonCanonicalFieldElement { .. })));
}

#[test]
fn point_not_on_curve() {
    let mut bundle = one(3);
    // The proof starts with the advice commitments: replace the first with an x that is on no
    // point of the curve.
    let x = (2u8..)
        .find(|x| {
            let mut repr = <G1Affine as GroupEncoding>::Repr::default();
            repr.as_mut()[0] = *x;
            bool::from(G1Affine::from_bytes(&repr).is_none())
        })
        .expect("some small x is off the curve");
    bundle.chunks[0].proof[..32].fill(0);
    bundle.chunks[0].proof[0] = x;
    assert_eq!(check(&bundle, &[instance(3)]), Err(VerifyError::PointNotOnCurve { chunk: 0 }));
}

#[test]
fn wrong_vk_fingerprint() {
    let mut bundle = one(3);
    bundle.chunks[0].vk_fingerprint[5] ^= 1;
    assert!(matches!(
        check(&bundle, &[instance(3)]),
        Err(VerifyError::WrongVkFingerprint { chunk: 0, .. })
    ));
}

#[test]
fn wrong_chunk_params() {
    let mut bundle = one(3);
    bundle.chunks[0].chunk_params.txs += 1;
    assert_eq!(check(&bundle, &[instance(3)]), Err(VerifyError::WrongChunkParams { chunk: 0 }));
}

#[test]
fn public_input_mismatch_and_count() {
    let bundle = one(3);
    assert_eq!(
        check(&bundle, &[instance(4)]),
        Err(VerifyError::PublicInputMismatch { chunk: 0, index: 0 })
    );
    assert_eq!(
        check(&bundle, &[ExpectedChunk { summary: SUMMARY, instance: vec![Fr::from(3)] }]),
        Err(VerifyError::PublicInputCount { chunk: 0, expected: 1, found: 2 })
    );
}

#[test]
fn wrong_chunk_order_and_missing_chunk() {
    let swapped = Bundle { chunks: vec![artifact(3, 1), artifact(5, 0)] };
    assert_eq!(
        check(&swapped, &[instance(3), instance(5)]),
        Err(VerifyError::ChunkOrder { position: 0, found: 1 })
    );
    assert_eq!(
        check(&one(3), &[instance(3), instance(5)]),
        Err(VerifyError::MissingChunk { expected: 2, found: 1 })
    );
}

#[test]
fn a_proof_that_fails() {
    // A valid proof of another statement, under this statement's public inputs.
    let mut bundle = one(3);
    bundle.chunks[0].proof = artifact(5, 0).proof;
    assert_eq!(check(&bundle, &[instance(3)]), Err(VerifyError::ProofRejected { chunk: 0 }));
}

fn statement() -> ChunkStatement {
    ChunkStatement {
        first_tx: 0,
        block: BlockStatement {
            coinbase: Address::ZERO,
            timestamp: 1,
            number: 1,
            prevrandao: U256::ZERO,
            gas_limit: 30_000_000,
            base_fee: 7,
            chain_id: 1,
            blob_base_fee: 1,
            previous_hashes: vec![B256::repeat_byte(9)],
        },
        transactions: vec![TxStatement {
            caller: Address::repeat_byte(1),
            nonce: 0,
            gas_limit: 21_000,
            effective_gas_price: 9,
            max_fee_per_gas: 10,
            max_priority_fee_per_gas: 2,
            callee: Some(Address::repeat_byte(2)),
            value: U256::from(1),
            call_data_length: 0,
            call_data_gas_cost: 0,
            call_data: Default::default(),
            access_list_length: 0,
        }],
        touched: vec![],
        gas_used_before: 0,
        receipts: vec![Receipt { success: true, cumulative_gas_used: 21_000, logs: vec![] }],
    }
}

#[test]
fn statement_errors() {
    let bundle = one(3);
    let key = &setup().key;
    let mut empty = statement();
    empty.transactions.clear();
    assert!(matches!(
        verify(&bundle, &BatchStatement::new(vec![empty]), key),
        Err(VerifyError::Statement(_))
    ));
    let mut later = statement();
    later.first_tx = 4;
    assert!(matches!(
        verify(&bundle, &BatchStatement::new(vec![later]), key),
        Err(VerifyError::ChunksDoNotChain { chunk: 0, .. })
    ));
    let mut other = BatchStatement::new(vec![statement()]);
    other.format_version = 7;
    assert!(matches!(verify(&bundle, &other, key), Err(VerifyError::WrongVersion { .. })));
    let mut summary = one(3);
    summary.chunks[0].summary.tx_count = 2;
    assert_eq!(
        verify(&summary, &BatchStatement::new(vec![statement()]), key),
        Err(VerifyError::SummaryMismatch { chunk: 0, field: "tx_count" })
    );
    // The honest statement of another circuit's chunk: its instance differs in length.
    assert!(matches!(
        verify(&bundle, &BatchStatement::new(vec![statement()]), key),
        Err(VerifyError::PublicInputCount { .. })
    ));
    assert!(matches!(BatchStatement::from_json("{"), Err(VerifyError::Json(_))));
}

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Counts panics (the tests' own failures still print).
fn count_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default(info);
    }));
}

#[test]
fn every_changed_byte_of_the_binary_form_is_a_typed_error() {
    let bundle = one(3);
    let bytes = bundle.to_bytes();
    let expected = [instance(3)];
    count_panics();
    let start = Instant::now();
    for i in 0..bytes.len() {
        let mut changed = bytes.clone();
        changed[i] ^= 0x5a;
        let result = Bundle::from_bytes(&changed).and_then(|b| check(&b, &expected));
        assert!(result.is_err(), "byte {i} changed and the bundle still verifies");
    }
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "nothing panicked");
    eprintln!("{} bytes walked in {:?}", bytes.len(), start.elapsed());
}

#[test]
fn every_changed_hex_digit_of_the_json_proof_and_public_inputs_is_a_typed_error() {
    let bundle = one(3);
    let json = bundle.to_json();
    let expected = [instance(3)];
    let mut digits = Vec::new();
    let mut quoted_hex = |needle: &str| {
        let start = json.find(needle).expect("present") + needle.len();
        let end = start + json[start..].find('"').expect("closed");
        digits.extend(start..end);
    };
    quoted_hex("\"proof\": \"0x");
    let inputs = json.find("\"public_inputs\"").expect("present");
    let mut offset = inputs;
    while let Some(found) = json[offset..].find("\"0x") {
        let start = offset + found + 3;
        let end = start + json[start..].find('"').expect("closed");
        if json[inputs..start].contains(']') {
            break;
        }
        digits.extend(start..end);
        offset = end;
    }
    assert!(digits.len() > 2 * 64 + 1000, "walks the proof and both public inputs");
    let start = Instant::now();
    for i in digits {
        let mut changed = json.clone().into_bytes();
        changed[i] = if changed[i] == b'0' { b'1' } else { b'0' };
        let text = String::from_utf8(changed).expect("ASCII");
        let result = Bundle::from_json(&text).and_then(|b| check(&b, &expected));
        assert!(result.is_err(), "hex digit at {i} changed and the bundle still verifies");
    }
    eprintln!("JSON digits walked in {:?}", start.elapsed());
}
