//! What several integration tests share: the MockProver verdict on a whole trace's
//! SuperCircuit (for the tests that lie in traces) and an EIP-1559 transfer.

use std::sync::Arc;

use alloy_primitives::{Address, U256};
use halo2_proofs::halo2curves::bn256::Fr;
use zkevm_circuits::mock;
use zkevm_circuits::super_circuit::{ChunkParams, SuperCircuit};
use zkevm_executor::batch::BatchTx;
use zkevm_executor::Trace;

/// `Ok` when `trace`'s SuperCircuit, sized to fit it, passes the MockProver; else every
/// failure as text (or why no circuit could be built).
pub fn mock_super_circuit(trace: Trace) -> Result<(), Vec<String>> {
    mock_with(trace, true)
}

/// [`mock_super_circuit`] with witness generation's checks (`checked`) or without them: the
/// witness a forger assigns, judged by the constraints alone.
fn mock_with(trace: Trace, checked: bool) -> Result<(), Vec<String>> {
    let params = ChunkParams::fitting(&trace);
    let trace = Arc::new(trace);
    let circuit = match checked {
        true => SuperCircuit::new(trace, params),
        false => SuperCircuit::new_unchecked(trace, params),
    }
    .map_err(|e| vec![e.to_string()])?;
    let failures = mock::run(params.k::<Fr>(), &circuit, circuit.instances())
        .map_err(|e| vec![format!("{e:?}")])?;
    match failures.is_empty() {
        true => Ok(()),
        false => Err(failures.iter().map(|f| f.to_string()).collect()),
    }
}

/// Asserts that the MockProver rejects `trace` with a failure naming `name`, judging the
/// witness a forger would assign (without witness generation's checks, which an attacker does
/// not run).
pub fn assert_rejected(trace: Trace, name: &str) {
    match mock_with(trace, false) {
        Ok(()) => panic!("a lie was accepted (expected {name:?} to fail)"),
        Err(failures) => assert!(
            failures.iter().any(|f| f.contains(name)),
            "expected a failure naming {name:?}, got {failures:#?}"
        ),
    }
}

/// Asserts that a forgery's `verdict` (from `ForgeryBench::verdict`) is a rejection naming
/// `name`.
pub fn assert_forgery_rejected(verdict: Result<(), Vec<String>>, name: &str) {
    match verdict {
        Ok(()) => panic!("the forgery was accepted (expected {name:?} to reject it)"),
        Err(failures) => assert!(
            failures.iter().any(|f| f.contains(name)),
            "expected a failure naming {name:?}, got {failures:#?}"
        ),
    }
}

/// An EIP-1559 transfer of `value` wei from `sender` to `to` (gas limit 60,000, fee cap 30,
/// tip 2).
pub fn transfer(sender: Address, nonce: u64, to: Address, value: u64) -> BatchTx {
    BatchTx {
        sender: Some(sender),
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
