//! The public inputs bind the statement: the honest instance passes the MockProver; a changed
//! block field, transaction field, initial or final value, first transaction index or
//! transaction count, an extra or a missing touched location, another receipt or log, in the
//! instance or in what the prover claims, is rejected by the named copy constraint or lookup.

use std::sync::Arc;

use alloy_primitives::{address, Address, U256};
use halo2_proofs::dev::VerifyFailure;
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::halo2curves::ff::Field;
use zkevm_circuits::mock;
use zkevm_circuits::public::{
    ChunkStatement, InstanceLayout, LocationKind, TouchedLocation, STATEMENT_COLUMNS,
};
use zkevm_circuits::super_circuit::{ChunkParams, SuperCircuit};
use zkevm_circuits::table::{BlockField, BlockTable, TxField};
use zkevm_executor::batch::{Batch, BatchAccount, BatchBlock, BatchTx};
use zkevm_executor::trace_batch;

use crate::support::transfer;

const ALICE: Address = address!("0xa11ce00000000000000000000000000000000001");
const BOB: Address = address!("0xb0b0000000000000000000000000000000000002");

/// Two transfers, in a chunk with a spare transaction slot and spare statement rows.
fn circuit() -> (SuperCircuit, ChunkParams) {
    circuit_of(BatchAccount::default())
}

/// Two calls to `bob`, in a chunk with a spare transaction slot and spare statement rows.
fn circuit_of(bob: BatchAccount) -> (SuperCircuit, ChunkParams) {
    let mut batch =
        Batch::new(BatchBlock::simple(address!("0xc0ffee0000000000000000000000000000000000"), 3));
    batch
        .pre
        .insert(ALICE, BatchAccount { balance: U256::from(10u128.pow(20)), ..Default::default() });
    batch.pre.insert(BOB, bob);
    batch.transactions = (0..2)
        .map(|nonce| BatchTx {
            data: vec![nonce as u8 + 1; 40].into(),
            gas_limit: Some(100_000),
            ..transfer(ALICE, nonce, BOB, 5 + nonce)
        })
        .collect();
    let input = batch.to_input("public inputs").expect("batch builds");
    let trace = trace_batch(&input, "public inputs").expect("traces").trace;
    let mut params = ChunkParams::fitting(&trace);
    params.txs += 1;
    params.statement_rows += 2;
    params.calldata_words += 1;
    let circuit = SuperCircuit::new(Arc::new(trace), params).expect("fits").with_first_tx(7);
    (circuit, params)
}

fn run(circuit: &SuperCircuit, params: &ChunkParams, instance: Vec<Fr>) -> Vec<VerifyFailure> {
    mock::run(params.k::<Fr>(), circuit, vec![instance]).expect("runs")
}

fn names(failures: &[VerifyFailure]) -> Vec<String> {
    failures
        .iter()
        .map(|f| match f {
            VerifyFailure::Lookup { name, .. } => name.clone(),
            VerifyFailure::Permutation { .. } => "permutation".to_string(),
            other => other.to_string(),
        })
        .collect()
}

/// The instance with one element changed.
fn changed(instance: &[Fr], index: usize) -> Vec<Fr> {
    let mut out = instance.to_vec();
    out[index] += Fr::ONE;
    out
}

fn assert_fails(failures: &[VerifyFailure], expected: &str) {
    let names = names(failures);
    assert!(names.iter().any(|n| n == expected), "expected {expected}, got {names:?}");
}

#[test]
fn the_honest_instance_passes() {
    let (circuit, params) = circuit();
    let instance = circuit.instance::<Fr>();
    assert_eq!(instance.len(), InstanceLayout::new(&params).len());
    assert!(run(&circuit, &params, instance).is_empty());
    assert!(circuit.statement().touched.len() >= 5, "sender, recipient and coinbase fields");
}

#[test]
fn every_changed_public_input_is_rejected() {
    let (circuit, params) = circuit();
    let instance = circuit.instance::<Fr>();
    let layout = InstanceLayout::new(&params);
    let per_slot = 2 * TxField::ALL.len();
    let block_field = |field: BlockField| {
        let position = BlockField::ALL.iter().position(|f| *f == field).expect("a block field");
        layout.block + 2 * (1 + position)
    };
    let cases = [
        ("block number", block_field(BlockField::Number)),
        ("coinbase", block_field(BlockField::Coinbase)),
        ("second tx value", layout.tx + 2 + per_slot + 2 * (TxField::Value as usize - 1)),
        ("unused tx slot", layout.tx + 2 + 2 * per_slot),
        ("gas used before the chunk", layout.block + 2 * (BlockTable::rows() - 1)),
        ("first tx index", layout.first_tx),
        ("tx count", layout.tx_count),
        ("an initial value", layout.statement + 6),
        ("a final value", layout.statement + STATEMENT_COLUMNS + 8),
        ("a receipt's cumulative gas", receipt_row(&circuit, layout.statement, 1, 2) + 8),
        ("a receipt's success flag", receipt_row(&circuit, layout.statement, 0, 1) + 8),
        (
            "an unused statement row",
            layout.statement + STATEMENT_COLUMNS * (params.statement_rows - 1),
        ),
        ("a calldata word", layout.calldata + 4 + 2),
        ("a calldata index", layout.calldata + 4 * 3 + 1),
        ("an unused calldata row", layout.calldata + 4 * params.calldata_words + 3),
    ];
    for (what, index) in cases {
        let failures = run(&circuit, &params, changed(&instance, index));
        assert!(!failures.is_empty(), "{what}: a changed public input must be rejected");
        assert_fails(&failures, "permutation");
    }
}

/// Where in the instance the statement row of transaction `tx`'s receipt field `field_tag`
/// starts.
fn receipt_row(circuit: &SuperCircuit, statement: usize, tx: u64, field_tag: u64) -> usize {
    let rows = circuit.statement().rows();
    let receipt = 11; // RwTag::TxReceipt
    let slot = rows
        .iter()
        .position(|r| r.tag == receipt && r.id == tx && r.field_tag == field_tag)
        .expect("the receipt is listed");
    statement + STATEMENT_COLUMNS * slot
}

fn claim(circuit: &SuperCircuit, edit: impl FnOnce(&mut ChunkStatement)) -> SuperCircuit {
    let mut statement = circuit.statement().clone();
    edit(&mut statement);
    circuit.clone().claiming(statement)
}

#[test]
fn a_prover_cannot_omit_a_touched_location() {
    let (circuit, params) = circuit();
    let lying = claim(&circuit, |s| {
        s.touched.remove(1);
    });
    let failures = run(&lying, &params, lying.instance());
    assert_fails(&failures, "statement: every touched location is listed");
}

#[test]
fn a_prover_cannot_list_an_untouched_location() {
    let (circuit, params) = circuit();
    let lying = claim(&circuit, |s| {
        // Storage sorts before account fields.
        s.touched.insert(
            0,
            TouchedLocation {
                kind: LocationKind::Storage,
                address: BOB,
                key: U256::from(1),
                initial: U256::from(2),
                last: U256::from(2),
            },
        );
    });
    let failures = run(&lying, &params, lying.instance());
    assert_fails(&failures, "statement: every listed location is touched");
}

#[test]
fn a_prover_cannot_claim_other_values() {
    let (circuit, params) = circuit();
    for edit in
        [(|l: &mut TouchedLocation| l.initial += U256::from(1)) as fn(&mut TouchedLocation), |l| {
            l.last -= U256::from(1)
        }]
    {
        let lying = claim(&circuit, |s| edit(&mut s.touched[0]));
        let failures = run(&lying, &params, lying.instance());
        assert_fails(&failures, "statement: every touched location is listed");
        assert_fails(&failures, "statement: every listed location is touched");
    }
}

#[test]
fn a_prover_cannot_claim_other_transactions_or_block() {
    let (circuit, params) = circuit();
    let fewer = claim(&circuit, |s| {
        s.transactions.pop();
        s.receipts.pop();
    });
    let failures = run(&fewer, &params, fewer.instance());
    assert_fails(&failures, "public: the transaction count is the EndBlock's");
    let other_value = claim(&circuit, |s| s.transactions[0].value += U256::from(1));
    assert_fails(&run(&other_value, &params, other_value.instance()), "permutation");
    let other_block = claim(&circuit, |s| s.block.number += 1);
    assert_fails(&run(&other_block, &params, other_block.instance()), "permutation");
}

/// Bob's code: `LOG2(memory[0..32] = 42, topics 0xaa, 0xbb)`, then STOP.
fn logging_bob() -> BatchAccount {
    let code = [
        0x60, 0x2a, 0x60, 0x00, 0x52, // MSTORE(0, 42)
        0x60, 0xbb, 0x60, 0xaa, 0x60, 0x20, 0x60, 0x00, 0xa2, // LOG2(0, 32, 0xaa, 0xbb)
        0x00,
    ];
    BatchAccount { code: code.to_vec().into(), ..Default::default() }
}

#[test]
fn the_receipts_and_logs_are_the_statements() {
    let (circuit, params) = circuit_of(logging_bob());
    let receipts = &circuit.statement().receipts;
    assert_eq!(receipts.len(), 2);
    assert!(receipts.iter().all(|r| r.success && r.logs.len() == 1));
    assert!(receipts[1].cumulative_gas_used > receipts[0].cumulative_gas_used);
    let log = &receipts[0].logs[0];
    assert_eq!((log.address, log.topics.len(), log.data.len()), (BOB, 2, 32));
    assert_eq!(log.data[31], 42);
    assert!(run(&circuit, &params, circuit.instance()).is_empty());
}

/// A named change of what the prover claims.
type StatementEdit = fn(&mut ChunkStatement);

#[test]
fn a_prover_cannot_claim_other_receipts_or_logs() {
    let (circuit, params) = circuit_of(logging_bob());
    let edits: [(&str, StatementEdit); 6] = [
        ("a failed transaction", |s| s.receipts[1].success = false),
        ("other cumulative gas", |s| s.receipts[0].cumulative_gas_used -= 1),
        ("a dropped log", |s| {
            s.receipts[0].logs.clear();
        }),
        ("another topic", |s| s.receipts[1].logs[0].topics[1].0[31] ^= 1),
        ("other data", |s| s.receipts[0].logs[0].data = vec![7u8; 32].into()),
        ("another emitter", |s| s.receipts[0].logs[0].address = ALICE),
    ];
    for (what, edit) in edits {
        let lying = claim(&circuit, edit);
        let failures = run(&lying, &params, lying.instance());
        assert!(!failures.is_empty(), "{what} must be rejected");
        assert_fails(&failures, "statement: every listed location is touched");
    }
}
