//! KECCAK256, LOG and RETURN of data: whole chunks through the MockProver (the copy circuit,
//! the keccak table and the state circuit together), honest and with lies about a hash, a log
//! topic, log data, a memory word, a gas cost and the memory size.

use alloy_primitives::U256;
use zkevm_executor::trace::{LogField, RwTarget, StepKind};
use zkevm_executor::Trace;

use super::{assert_mock_lies_rejected, lie_about_write, step_of, trace_of};
use crate::super_circuit::{mock_prove, MockVerdict};

/// Memory set up at unaligned offsets, hashes of an unaligned, an empty and an aligned range,
/// a LOG2 of unaligned data, a LOG0 of nothing, and a RETURN of 64 bytes from offset 1.
fn program() -> Vec<u8> {
    vec![
        0x60, 0x2a, 0x60, 0x00, 0x52, // MSTORE(0, 42)
        0x7f, // PUSH32 0x0102…20
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
        0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e,
        0x1f, 0x20, //
        0x60, 0x25, 0x52, // MSTORE(0x25, …)
        0x60, 0x28, 0x60, 0x03, 0x20, 0x50, // KECCAK256(3, 40), POP
        0x5f, 0x5f, 0x20, 0x50, // KECCAK256(0, 0), POP
        0x60, 0x20, 0x5f, 0x20, 0x50, // KECCAK256(0, 32), POP
        0x60, 0xaa, 0x60, 0xbb, 0x60, 0x21, 0x60, 0x05, 0xa2, // LOG2(5, 33, 0xbb, 0xaa)
        0x5f, 0x5f, 0xa0, // LOG0(0, 0)
        0x60, 0x40, 0x60, 0x01, 0xf3, // RETURN(1, 64)
    ]
}

fn verdict(trace: &Trace) -> MockVerdict {
    mock_prove(trace)
}

fn assert_fails(trace: &Trace, what: &str) {
    match verdict(trace) {
        MockVerdict::Failed(_) => {}
        other => panic!("{what}: expected a failure, got {other:?}"),
    }
}

#[test]
fn hashes_logs_and_returned_data_pass() {
    let trace = trace_of(program());
    let ops: Vec<_> = trace.txs[0].steps.iter().map(|s| s.kind.clone()).collect();
    assert!(ops.contains(&StepKind::Op(0xa2)) && ops.contains(&StepKind::Op(0xf3)));
    assert_eq!(verdict(&trace), MockVerdict::Passed);
}

/// The index in `trace.rws` of the last RW of step `step`.
fn last_rw(trace: &Trace, step: usize) -> usize {
    let s = &trace.txs[0].steps[step];
    (s.rw_counter + s.rw_count - 2) as usize
}

#[test]
fn wrong_hashes_and_a_wrong_topic_are_rejected() {
    // A hash, the hash of nothing and a log topic: three steps, one trace.
    let mut trace = trace_of(program());
    let honest = trace.clone();
    let (hash, empty) = (step_of(&trace, 0x20, 0), step_of(&trace, 0x20, 1));
    let index = last_rw(&trace, hash);
    let value = trace.rws[index].value ^ U256::from(1);
    lie_about_write(&mut trace, index, value);
    let index = last_rw(&trace, empty);
    lie_about_write(&mut trace, index, U256::ZERO);
    let index = log_rw(&trace, LogField::Topic(1));
    let value = trace.rws[index].value + U256::from(1);
    lie_about_write(&mut trace, index, value);
    let log = step_of(&trace, 0xa2, 0);
    assert_mock_lies_rejected(&honest, &trace, &[(hash, ""), (empty, ""), (log, "")]);
}

fn log_rw(trace: &Trace, field: LogField) -> usize {
    trace
        .rws
        .iter()
        .position(
            |rw| matches!(rw.target, RwTarget::TxLog { field: f, log_id: 0, .. } if f == field),
        )
        .expect("the log is written")
}

#[test]
fn wrong_log_data_is_rejected() {
    for word in [0u32, 1] {
        let mut trace = trace_of(program());
        let index = log_rw(&trace, LogField::DataWord(word));
        // A byte inside the window, and (second word) a padding byte past it.
        let value = trace.rws[index].value ^ (U256::from(1) << (if word == 0 { 200 } else { 0 }));
        lie_about_write(&mut trace, index, value);
        assert_fails(&trace, "log data word");
    }
}

#[test]
fn a_wrong_log_length_is_rejected() {
    let mut trace = trace_of(program());
    let index = log_rw(&trace, LogField::DataLength);
    lie_about_write(&mut trace, index, U256::from(32));
    assert_fails(&trace, "log data length");
}

#[test]
fn a_wrong_gas_cost_is_rejected() {
    for (opcode, nth) in [(0x20, 0), (0xa2, 0), (0xf3, 0)] {
        let mut trace = trace_of(program());
        let step = step_of(&trace, opcode, nth);
        trace.txs[0].steps[step].gas_cost += 1;
        for later in &mut trace.txs[0].steps[step + 1..] {
            later.gas_left -= 1;
        }
        assert_fails(&trace, "gas");
    }
}

#[test]
fn a_wrong_memory_size_is_rejected() {
    let mut trace = trace_of(program());
    let step = step_of(&trace, 0x20, 0);
    // KECCAK256(3, 40) grows memory from 3 to 2 words' need: claim it grew one more.
    for later in &mut trace.txs[0].steps[step + 1..] {
        later.memory_word_size += 1;
    }
    assert_fails(&trace, "memory size");
}
