//! A real KZG proof of a SuperCircuit chunk (two transfers and a contract call), verified,
//! and the verifying key shown to depend on the chunk parameters only.
//!
//! The setup is deterministic from a fixed seed: insecure, for tests only.

use std::sync::Arc;
use std::time::Instant;

use alloy_primitives::{address, Address, U256};
use halo2_proofs::halo2curves::bn256::{Bn256, Fr, G1Affine};
use halo2_proofs::plonk::{create_proof, keygen_pk, keygen_vk, verify_proof};
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
use zkevm_circuits::super_circuit::{ChunkParams, SuperCircuit};
use zkevm_executor::batch::{Batch, BatchAccount, BatchBlock, BatchTx};
use zkevm_executor::{trace_batch, Trace};

const ALICE: Address = address!("0xa11ce00000000000000000000000000000000001");
const BOB: Address = address!("0xb0b0000000000000000000000000000000000002");
const CONTRACT: Address = address!("0xc000000000000000000000000000000000000001");

const PARAMS: ChunkParams =
    ChunkParams { evm_steps: 48, rw_rows: 160, bytecode_rows: 64, keccak_permutations: 1, txs: 4 };

fn transfer(nonce: u64, to: Address, value: u64) -> BatchTx {
    BatchTx {
        sender: Some(ALICE),
        tx_type: Some(2),
        nonce: Some(nonce),
        gas_limit: Some(60_000),
        max_fee_per_gas: Some(30),
        max_priority_fee_per_gas: Some(2),
        to: Some(to),
        value: U256::from(value),
        ..Default::default()
    }
}

fn trace(transactions: Vec<BatchTx>) -> Trace {
    let mut batch =
        Batch::new(BatchBlock::simple(address!("0xc0ffee0000000000000000000000000000000000"), 3));
    batch
        .pre
        .insert(ALICE, BatchAccount { balance: U256::from(10u128.pow(20)), ..Default::default() });
    let code = vec![0x60, 0x02, 0x60, 0x03, 0x01, 0x50, 0x00]; // PUSH1 2, PUSH1 3, ADD, POP, STOP
    batch.pre.insert(CONTRACT, BatchAccount { code: code.into(), ..Default::default() });
    batch.transactions = transactions;
    let input = batch.to_input("kzg test").expect("batch builds");
    trace_batch(&input, "kzg test").expect("traces").trace
}

fn chunk(transactions: Vec<BatchTx>) -> SuperCircuit {
    SuperCircuit::new(Arc::new(trace(transactions)), PARAMS).expect("supported and fits")
}

#[test]
fn prove_and_verify_a_chunk() {
    let k = PARAMS.k::<Fr>();
    let circuit = chunk(vec![transfer(0, BOB, 5), transfer(1, CONTRACT, 0), transfer(2, BOB, 1)]);
    let params = ParamsKZG::<Bn256>::setup(k, ChaCha20Rng::seed_from_u64(42));
    let start = Instant::now();
    let vk = keygen_vk(&params, &circuit).expect("vk");
    let pk = keygen_pk(&params, vk.clone(), &circuit).expect("pk");
    let keygen = start.elapsed();

    let start = Instant::now();
    let mut transcript = Blake2bWrite::<_, G1Affine, Challenge255<_>>::init(vec![]);
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, _, _>(
        &params,
        &pk,
        &[circuit],
        &[&[]],
        ChaCha20Rng::seed_from_u64(7),
        &mut transcript,
    )
    .expect("proof");
    let proof = transcript.finalize();
    let prove = start.elapsed();

    let verify = |proof: &[u8]| {
        let mut transcript = Blake2bRead::<_, G1Affine, Challenge255<_>>::init(proof);
        verify_proof::<KZGCommitmentScheme<Bn256>, VerifierSHPLONK<'_, Bn256>, _, _, _>(
            params.verifier_params(),
            &vk,
            SingleStrategy::new(&params),
            &[&[]],
            &mut transcript,
        )
    };
    let start = Instant::now();
    assert!(verify(&proof).is_ok(), "an honest proof verifies");
    let verify_time = start.elapsed();
    let cs = vk.cs();
    eprintln!(
        "SuperCircuit at k={k}: {} advice, {} fixed, {} lookups, degree {}; keygen {keygen:?}, \
         prove {prove:?}, verify {verify_time:?}, proof {} bytes",
        cs.num_advice_columns(),
        cs.num_fixed_columns(),
        cs.lookups().len(),
        cs.degree(),
        proof.len()
    );
    let mut bad = proof.clone();
    bad[proof.len() / 3] ^= 1;
    assert!(verify(&bad).is_err(), "a flipped proof byte is rejected");

    // Another chunk of the same parameters has the same verifying key.
    let other = chunk(vec![transfer(0, CONTRACT, 9)]);
    let other_vk = keygen_vk(&params, &other).expect("vk");
    assert_eq!(vk.to_bytes(SerdeFormat::RawBytes), other_vk.to_bytes(SerdeFormat::RawBytes));
}
