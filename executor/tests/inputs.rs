//! Inputs: the demo batch, signed and unsigned batch transactions, and every kind of bad
//! input, each rejected with a typed error that names where the problem is.

mod common;

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes, Signature, TxKind, U256};
use common::*;
use k256::ecdsa::SigningKey;
use zkevm_executor::batch::{Batch, BatchAccount, BatchTx};
use zkevm_executor::demo;
use zkevm_executor::trace::{RwTarget, TxOutcome};
use zkevm_executor::ReplayCheck;
use zkevm_executor::{trace_batch, ExecutorError};
use zkevm_statetest as statetest;

#[test]
fn the_demo_batch_moves_ether_and_tokens() {
    let batch = demo::demo_batch();
    let traced = trace(&batch);
    let t = &traced.trace;
    assert_eq!(t.txs.len(), 8);
    assert!(t.txs.iter().all(|tx| matches!(tx.outcome, TxOutcome::Success { .. })));
    let token_logs: usize = t.txs.iter().map(|tx| tx.logs.len()).sum();
    assert_eq!(token_logs, 4, "one Transfer event per token transfer");
    let [alice, bob, carol, dave] = demo::USERS;
    let unit = U256::from(10u128.pow(18));
    let balance =
        |who: Address| t.post_state.accounts[&demo::TOKEN].storage[&demo::balance_slot(who)];
    assert_eq!(balance(alice), U256::from(600_000 - 1_000 + 10) * unit);
    assert_eq!(balance(bob), U256::from(400_000 - 2_500 + 2_500) * unit);
    assert_eq!(balance(carol), U256::from(1_000 - 10) * unit);
    assert_eq!(balance(dave), U256::ZERO);
    // The trace survives a file round trip as the CLI writes it.
    let json = serde_json::to_vec(t).expect("json");
    let back: zkevm_executor::Trace = serde_json::from_slice(&json).expect("parse");
    assert_eq!(back.check(), Ok(()));
}

#[test]
fn tracing_matches_plain_revm_on_the_demo() {
    let input = demo::demo_batch().to_input("demo").expect("input");
    let traced = trace_batch(&input, "demo").expect("traced");
    let plain = zkevm_executor::execute_plain(&input).expect("plain");
    assert_eq!(traced.execution.state_root, plain.state_root);
    assert_eq!(traced.execution.logs_hash, plain.logs_hash);
}

fn signed_transfer(key: &SigningKey, nonce: u64, to: Address) -> Bytes {
    let tx = TxEip1559 {
        chain_id: 1,
        nonce,
        gas_limit: 21_000,
        max_fee_per_gas: 10,
        max_priority_fee_per_gas: 1,
        to: TxKind::Call(to),
        value: U256::from(7),
        access_list: Default::default(),
        input: Bytes::new(),
    };
    let (sig, recid) = key.sign_prehash_recoverable(tx.signature_hash().as_slice()).expect("sign");
    let signature = Signature::from_signature_and_parity(sig, recid.is_y_odd());
    TxEnvelope::from(tx.into_signed(signature)).encoded_2718().into()
}

#[test]
fn a_signed_transaction_recovers_its_sender() {
    let key = SigningKey::from_slice(&[0x42; 32]).expect("key");
    let sender = Address::from_private_key(&key);
    let mut batch = batch_calling(vec![], vec![]);
    batch
        .pre
        .insert(sender, BatchAccount { balance: U256::from(10u64.pow(18)), ..Default::default() });
    batch.transactions =
        vec![BatchTx { raw: Some(signed_transfer(&key, 0, OTHER)), ..Default::default() }];
    let t = trace(&batch).trace;
    assert_eq!(t.txs[0].sender, sender);
    assert_eq!(t.post_state.accounts[&OTHER].balance, U256::from(7));
}

fn invalid_input(result: Result<impl std::fmt::Debug, ExecutorError>) -> (String, String) {
    match result {
        Err(ExecutorError::InvalidInput { context, message }) => (context, message),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn a_transaction_missing_a_field_is_named() {
    let mut batch = batch_calling(vec![], vec![]);
    batch.transactions[0].nonce = None;
    let (context, message) = invalid_input(batch.to_input("b.json"));
    assert_eq!(context, "b.json: transaction 0");
    assert!(message.contains("nonce"), "{message}");
}

#[test]
fn a_raw_transaction_that_is_not_one_is_rejected() {
    let mut batch = batch_calling(vec![], vec![]);
    batch.transactions =
        vec![BatchTx { raw: Some(Bytes::from(vec![0x02, 0xff, 0x00])), ..Default::default() }];
    let (_, message) = invalid_input(batch.to_input("b.json"));
    assert!(message.contains("invalid `raw`"), "{message}");
    let key = SigningKey::from_slice(&[0x42; 32]).expect("key");
    let mut raw = signed_transfer(&key, 0, OTHER).to_vec();
    raw.push(0);
    batch.transactions = vec![BatchTx { raw: Some(raw.into()), ..Default::default() }];
    let (_, message) = invalid_input(batch.to_input("b.json"));
    assert!(message.contains("trailing"), "{message}");
}

#[test]
fn raw_and_sender_together_are_rejected() {
    let mut batch = batch_calling(vec![], vec![]);
    batch.transactions[0].raw = Some(Bytes::from(vec![1]));
    let (_, message) = invalid_input(batch.to_input("b.json"));
    assert!(message.contains("either"), "{message}");
}

#[test]
fn an_unknown_fork_is_rejected() {
    let mut batch = batch_calling(vec![], vec![]);
    batch.fork = "Frontier2".into();
    let (_, message) = invalid_input(batch.to_input("b.json"));
    assert!(message.contains("Frontier2"), "{message}");
    assert!(matches!(statetest::parse_fork("Cancun2"), Err(ExecutorError::InvalidInput { .. })));
    assert!(statetest::parse_fork("Shanghai").is_ok());
}

#[test]
fn a_transaction_revm_rejects_is_named() {
    let mut batch = batch_calling(vec![], vec![]);
    batch.transactions[0].nonce = Some(5);
    let input = batch.to_input("b.json").expect("well-formed");
    let (context, message) = invalid_input(trace_batch(&input, "b.json"));
    assert_eq!(context, "b.json: transaction 0");
    assert!(message.contains("rejected"), "{message}");
}

#[test]
fn a_rejected_transaction_leaves_nothing_in_the_trace() {
    let mut batch = batch_calling(vec![0x00], vec![]);
    let mut bad = call_tx(7, CONTRACT, vec![]);
    bad.nonce = Some(7);
    batch.transactions.push(bad);
    batch.transactions.push(call_tx(1, CONTRACT, vec![]));
    let input = batch.to_input("b").expect("input");
    let traced = zkevm_executor::execute_traced(&input).expect("traced");
    assert_eq!(traced.trace.txs.len(), 2);
    assert!(matches!(traced.execution.statuses[1], zkevm_executor::TxStatus::Rejected(_)));
    assert!(traced.trace.rws.iter().all(|rw| match rw.target {
        RwTarget::TxReceipt { tx, .. } => tx < 2,
        _ => true,
    }));
}

fn write_temp(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    (dir, path)
}

#[test]
fn malformed_batch_json_names_the_file_and_position() {
    let (_dir, path) = write_temp("bad.json", "{ \"block\": ");
    match Batch::load(&path) {
        Err(ExecutorError::Parse { path: p, what, message }) => {
            assert_eq!(p, path);
            assert_eq!(what, "batch");
            assert!(message.contains("line 1"), "{message}");
        }
        other => panic!("expected Parse, got {other:?}"),
    }
}

#[test]
fn a_batch_with_a_missing_section_is_rejected() {
    let (_dir, path) = write_temp("b.json", r#"{ "pre": {}, "transactions": [] }"#);
    match Batch::load(&path) {
        Err(ExecutorError::Parse { message, .. }) => {
            assert!(message.contains("block"), "{message}")
        }
        other => panic!("expected Parse, got {other:?}"),
    }
}

#[test]
fn malformed_state_tests_name_the_file() {
    let fork = statetest::parse_fork("Cancun").expect("fork");
    let (_dir, path) = write_temp("st.json", r#"{ "t": { "env": {} } }"#);
    match statetest::load_entries(&path, &fork) {
        Err(ExecutorError::Parse { path: p, what: "state test", .. }) => assert_eq!(p, path),
        other => panic!("expected Parse, got {other:?}"),
    }
    let missing = std::path::Path::new("/nonexistent/st.json");
    assert!(matches!(statetest::load_entries(missing, &fork), Err(ExecutorError::Io { .. })));
}

#[test]
fn a_giant_trace_is_refused_not_truncated() {
    // A loop of 10,000 iterations against a budget of 1,000 RWs.
    let code = vec![
        0x61, 0x27, 0x10, // PUSH2 10000
        0x5b, // JUMPDEST (pc 3)
        0x60, 0x01, 0x90, 0x03, // PUSH1 1, SWAP1, SUB
        0x80, 0x60, 0x03, 0x57, // DUP1, PUSH1 3, JUMPI
        0x00,
    ];
    let input = batch_calling(code, vec![]).to_input("loop").expect("input");
    let result = zkevm_executor::execute_traced_within(&input, Some(1_000));
    assert!(matches!(result, Err(ExecutorError::TraceTooLarge { max_rws: 1_000 })));
    assert!(zkevm_executor::execute_traced_within(&input, Some(1_000_000)).is_ok());
}

#[test]
fn an_out_of_range_state_test_value_fails_the_entry_without_a_crash() {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/statetests/VMTests/vmArithmeticTest/add.json");
    let Ok(text) = std::fs::read_to_string(&source) else {
        eprintln!("skipping: {} is absent", source.display());
        return;
    };
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("json");
    for (_, unit) in json.as_object_mut().expect("object") {
        let tx = &mut unit["transaction"];
        tx["maxFeePerGas"] = serde_json::json!(format!("0x1{}", "0".repeat(40)));
        tx["maxPriorityFeePerGas"] = serde_json::json!(format!("0x1{}", "0".repeat(40)));
    }
    let (_dir, path) = write_temp("huge_fee.json", &json.to_string());
    let fork = statetest::parse_fork("Cancun").expect("fork");
    let entries = statetest::load_entries(&path, &fork).expect("loads");
    assert!(!entries.is_empty());
    for entry in &entries {
        let report = statetest::run_entry(entry, None);
        assert!(
            matches!(&report.outcome, statetest::Outcome::Failed(r) if r.contains("cannot build the transaction")),
            "{:?}",
            report.outcome
        );
    }
}

#[test]
fn an_invalid_transaction_the_test_expects_is_its_own_outcome() {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/statetests/VMTests/vmArithmeticTest/add.json");
    let Ok(text) = std::fs::read_to_string(&source) else {
        eprintln!("skipping: {} is absent", source.display());
        return;
    };
    let fork = statetest::parse_fork("Cancun").expect("fork");
    for expect in [true, false] {
        let mut json: serde_json::Value = serde_json::from_str(&text).expect("json");
        for (_, unit) in json.as_object_mut().expect("object") {
            // Below the intrinsic 21,000 gas: every transaction is invalid.
            let limits = unit["transaction"]["gasLimit"].as_array_mut().expect("limits");
            limits.iter_mut().for_each(|l| *l = serde_json::json!("0x01"));
            for post in unit["post"]["Cancun"].as_array_mut().expect("Cancun posts") {
                if expect {
                    post["expectException"] =
                        serde_json::json!("TransactionException.INTRINSIC_GAS_TOO_LOW");
                }
            }
        }
        let (_dir, path) = write_temp("intrinsic.json", &json.to_string());
        let entries = statetest::load_entries(&path, &fork).expect("loads");
        assert!(!entries.is_empty());
        for entry in &entries {
            let outcome = statetest::run_entry(entry, None).outcome;
            match expect {
                true => assert!(
                    matches!(&outcome, statetest::Outcome::InvalidTx(r) if r.contains("INTRINSIC_GAS")),
                    "{outcome:?}"
                ),
                false => assert!(matches!(outcome, statetest::Outcome::Failed(_)), "{outcome:?}"),
            }
            assert_eq!(outcome.name(), if expect { "invalid-tx" } else { "failed" });
        }
    }
}

/// EIP-7610 is part of the EVM set-up of every run: a create at an address that holds storage
/// collides in a plain run as in a traced one, and both reach the state the test expects.
#[test]
fn a_create_colliding_on_storage_alone_fails_in_plain_and_traced_runs() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/statetests/stSStoreTest/InitCollisionParis.json");
    if !path.exists() {
        eprintln!("skipping: {} is absent", path.display());
        return;
    }
    let fork = statetest::parse_fork("Cancun").expect("fork");
    let entries = statetest::load_entries(&path, &fork).expect("loads");
    assert!(!entries.is_empty());
    for entry in &entries {
        let input = entry.input.as_ref().expect("the transaction builds");
        let plain = zkevm_executor::run::execute_plain(input).expect("plain run");
        let traced = zkevm_executor::execute_traced(input).expect("traced run").execution;
        assert_eq!(plain.state_root, entry.expected_hash, "{}: plain", entry.id);
        assert_eq!(traced.state_root, entry.expected_hash, "{}: traced", entry.id);
    }
}
