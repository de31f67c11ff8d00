//! Out of gas on opcodes whose cost depends on their operands beyond a memory range, on whole
//! traces: EXP (priced per exponent byte) and MCOPY (priced per word copied plus the expansion
//! to the larger of its two ranges). Each halts one gas short of its cost, after a store the
//! halt must undo, and passes the MockProver; with the full cost left the same step completes;
//! an affordable step claimed out of gas is rejected.

use alloy_primitives::U256;
use zkevm_executor::trace::{ExecError, RwTarget, StepKind};
use zkevm_executor::Trace;

use crate::revert::{ending_step, mock, trace_call_input};
use crate::support::assert_rejected;

const EXP: u8 = 0x0a;
const MCOPY: u8 = 0x5e;

/// SSTORE(0, 1), the code's first four bytes: a write the halt must undo.
const STORE: [u8; 4] = [0x60, 0x01, 0x5f, 0x55];

/// A call of `code` with `input`, given the gas that leaves `left` at the first `opcode`.
fn with_gas_left(code: Vec<u8>, input: Vec<u8>, opcode: u8, left: u64) -> Trace {
    const PROBE_GAS: u64 = 100_000;
    let probe = trace_call_input(code.clone(), PROBE_GAS, 0, input.clone());
    let at = |kind: &StepKind| match kind {
        StepKind::Op(op) | StepKind::Error { opcode: op, .. } => *op == opcode,
        _ => false,
    };
    let step = probe.txs[0].steps.iter().find(|s| at(&s.kind)).expect("the opcode runs");
    trace_call_input(code, PROBE_GAS - (step.gas_left - left), 0, input)
}

/// Asserts that the step ending the call is `opcode` out of gas and that the trace proves.
fn assert_halts_out_of_gas(what: &str, opcode: u8, trace: Trace) {
    let step = &trace.txs[0].steps[ending_step(&trace)];
    assert_eq!(step.kind, StepKind::Error { opcode, error: ExecError::OutOfGas }, "{what}");
    assert_eq!(mock(trace), Ok(()), "{what}");
}

/// Asserts that the step before the one ending the call is a completed `opcode`.
fn assert_completes(what: &str, opcode: u8, trace: &Trace) {
    let step = &trace.txs[0].steps[ending_step(trace) - 1];
    assert_eq!(step.kind, StepKind::Op(opcode), "{what}");
}

/// Changes every stack RW holding `from` to `to`; returns how many changed.
fn change_stack_values(trace: &mut Trace, from: U256, to: U256) -> usize {
    let mut changed = 0;
    for rw in trace.rws.iter_mut() {
        if matches!(rw.target, RwTarget::Stack { .. }) && rw.value == from {
            rw.value = to;
            changed += 1;
        }
    }
    changed
}

/// The store, then EXP(2, the calldata word `exponent`) with `left` gas left, then STOP.
fn exp_with_gas_left(exponent: U256, left: u64) -> Trace {
    let mut code = STORE.to_vec();
    code.extend([0x5f, 0x35, 0x60, 0x02, EXP, 0x00]);
    with_gas_left(code, exponent.to_be_bytes::<32>().to_vec(), EXP, left)
}

#[test]
fn exp_runs_out_of_gas_on_its_exponent_and_halts() {
    let top = U256::from(1) << 255;
    // 10 + 50 per exponent byte, one gas short: 32 bytes (1,610), 1 byte (60), none (10).
    assert_halts_out_of_gas("32 bytes", EXP, exp_with_gas_left(top, 1_609));
    assert_halts_out_of_gas("1 byte", EXP, exp_with_gas_left(U256::from(0x80), 59));
    assert_halts_out_of_gas("zero", EXP, exp_with_gas_left(U256::ZERO, 9));
    assert_completes("the full cost", EXP, &exp_with_gas_left(top, 1_610));
}

#[test]
fn an_affordable_exp_cannot_be_claimed_out_of_gas() {
    // The 32-byte halt above (1,609 gas left) with the exponent changed to 0xff in the input,
    // CALLDATALOAD's push and EXP's read: a 1-byte exponent costs 60, so the halt is false.
    let top = U256::from(1) << 255;
    let mut trace = exp_with_gas_left(top, 1_609);
    trace.txs[0].input = U256::from(0xff).to_be_bytes::<32>().to_vec().into();
    let changed = change_stack_values(&mut trace, top, U256::from(0xff));
    assert_eq!(changed, 2, "CALLDATALOAD's push and EXP's read");
    assert_rejected(trace, "EXP out of gas: gas left is below the cost");
}

/// The store, optionally an MSTORE at 0 (one word of memory), then MCOPY(`dest`, `src`, the
/// calldata word `size`) with `left` gas left, then STOP.
fn mcopy_with_gas_left(dest: u32, src: u32, size: u64, one_word_first: bool, left: u64) -> Trace {
    let mut code = STORE.to_vec();
    if one_word_first {
        code.extend([0x5f, 0x5f, 0x52]);
    }
    code.extend([0x5f, 0x35, 0x63]);
    code.extend(src.to_be_bytes());
    code.push(0x63);
    code.extend(dest.to_be_bytes());
    code.extend([MCOPY, 0x00]);
    with_gas_left(code, U256::from(size).to_be_bytes::<32>().to_vec(), MCOPY, left)
}

#[test]
fn mcopy_runs_out_of_gas_and_halts() {
    // 3 + 3 per word copied + expansion to the larger need, one gas short. The source is
    // further: 64 bytes from 32 need 3 words (3 + 6 + 9 = 18).
    assert_halts_out_of_gas("source further", MCOPY, mcopy_with_gas_left(0, 32, 64, false, 17));
    assert_completes("source further", MCOPY, &mcopy_with_gas_left(0, 32, 64, false, 18));
    // The destination is further: 1 byte to 0x100 needs 9 words (3 + 3 + 27 = 33).
    assert_halts_out_of_gas("dest further", MCOPY, mcopy_with_gas_left(0x100, 0, 1, false, 32));
    assert_completes("dest further", MCOPY, &mcopy_with_gas_left(0x100, 0, 1, false, 33));
    // Within one word of memory already there, no expansion (3 + 3 = 6).
    assert_halts_out_of_gas("no expansion", MCOPY, mcopy_with_gas_left(0, 0, 32, true, 5));
    assert_completes("no expansion", MCOPY, &mcopy_with_gas_left(0, 0, 32, true, 6));
    // An empty copy costs 3 whatever its offsets.
    let empty = mcopy_with_gas_left(u32::MAX, u32::MAX, 0, false, 2);
    assert_halts_out_of_gas("empty", MCOPY, empty);
    // 2^20 bytes: over 2 million gas of expansion.
    let big = mcopy_with_gas_left(0, 0, 1 << 20, false, 40_000);
    assert_halts_out_of_gas("2^20 bytes", MCOPY, big);
}

#[test]
fn an_affordable_mcopy_cannot_be_claimed_out_of_gas() {
    // The source-further halt above (17 gas left) with the size changed to 1 in the input,
    // CALLDATALOAD's push and MCOPY's read: copying 1 byte from 32 costs 3 + 3 + 6 = 12.
    let mut trace = mcopy_with_gas_left(0, 32, 64, false, 17);
    trace.txs[0].input = U256::from(1).to_be_bytes::<32>().to_vec().into();
    let changed = change_stack_values(&mut trace, U256::from(64), U256::from(1));
    assert_eq!(changed, 2, "CALLDATALOAD's push and MCOPY's read");
    assert_rejected(trace, "MCOPY out of gas: gas left is below the cost");
}
