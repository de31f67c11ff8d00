//! A real KZG proof of a SuperCircuit chunk (two transfers and a contract call), verified,
//! and the verifying key shown to depend on the chunk parameters only.

use std::sync::Arc;

use alloy_primitives::{address, Address, U256};
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::plonk::keygen_vk;
use zkevm_circuits::super_circuit::{ChunkParams, SuperCircuit};
use zkevm_executor::batch::{Batch, BatchAccount, BatchBlock, BatchTx};
use zkevm_executor::{trace_batch, Trace};

use crate::support;

const ALICE: Address = address!("0xa11ce00000000000000000000000000000000001");
const BOB: Address = address!("0xb0b0000000000000000000000000000000000002");
const CONTRACT: Address = address!("0xc000000000000000000000000000000000000001");

const PARAMS: ChunkParams = ChunkParams {
    evm_rows: 384,
    rw_rows: 160,
    bytecode_rows: 64,
    keccak_permutations: 1,
    txs: 4,
    bitwise_ops: 2,
    calldata_words: 2,
    copy_words: 4,
    statement_rows: 32,
    arith_blocks: 2,
};

fn transfer(nonce: u64, to: Address, value: u64) -> BatchTx {
    support::transfer(ALICE, nonce, to, value)
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
    let params = crate::common::params(k);
    let run = crate::common::prove_and_verify(&params, &circuit, &circuit.instance());
    eprintln!("{}", run.summary("SuperCircuit", k));

    // Another chunk of the same parameters has the same verifying key.
    let other = chunk(vec![transfer(0, CONTRACT, 9)]);
    let other_vk = keygen_vk(&params, &other).expect("vk");
    assert_eq!(crate::common::vk_bytes(&run.vk), crate::common::vk_bytes(&other_vk));
}
