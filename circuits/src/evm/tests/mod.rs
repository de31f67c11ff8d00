//! EVM circuit tests: windows of real traces (the steps between BeginTx and the final STOP,
//! whose gadgets exist) with the state, bytecode, keccak and fixed tables they look up, and
//! lies about results, gas, pc, stack, RW counters and opcodes, which must be rejected. The
//! window circuit and the lie helpers the test modules share are in `harness.rs`.

use std::collections::BTreeMap;

use alloy_primitives::U256;
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::plonk::Circuit;
use zkevm_executor::trace::StepKind;

use super::dispatch::step_witnesses;
use super::witness::all_steps;
use super::ExecutionState;
use crate::gadgets::test_support::{assert_circuit_rejected, check};

mod harness;

use harness::{
    assert_mock_lies_rejected, assert_mock_rejected, assert_window_lies_rejected, honest,
    lie_about_copied_byte, lie_about_result, lie_about_stack_write, lie_about_write,
    low_or_high_lie, rw_index, step_mut, step_of, trace_in_block, trace_of, trace_with_accounts,
    trace_with_input, window, WindowCircuit, CONTRACT, K,
};

#[test]
fn the_program_passes() {
    let circuit = honest();
    let steps = window(&circuit.trace);
    let used: BTreeMap<_, usize> = step_witnesses(&circuit.trace, steps.clone())
        .expect("supported")
        .iter()
        .fold(BTreeMap::new(), |mut m, w| {
            *m.entry(w.state).or_default() += 1;
            m
        });
    eprintln!("{} steps: {used:?}", steps.len());
    use super::ExecutionState as S;
    let expected = [
        S::AddSub,
        S::Comparator,
        S::Eq,
        S::IsZero,
        S::Not,
        S::Push,
        S::Pop,
        S::Dup,
        S::Swap,
        S::JumpDest,
        S::Pc,
        S::Gas,
        S::Jump,
        S::JumpI,
    ];
    assert_eq!(
        used.keys().copied().collect::<Vec<_>>(),
        expected.to_vec(),
        "the program runs these"
    );
    assert_eq!(check(K, &circuit), Ok(()));
}

#[test]
fn a_wrong_sum_is_rejected() {
    let mut circuit = honest();
    let add = step_of(&circuit.trace, 0x01, 0);
    let index = rw_index(&circuit.trace, add, 2);
    let honest_value = circuit.trace.rws[index].value;
    lie_about_stack_write(&mut circuit.trace, index, honest_value + U256::from(1));
    assert_circuit_rejected(K, &circuit, "ADD/SUB: low limbs add up");
}

/// The quick MockProver check ([`crate::mock`]) on a real circuit: no gate row is flagged on
/// the honest window (so its challenges are the MockProver's), and with a lie it reports
/// exactly the failures of the full check.
#[test]
fn the_quick_mock_check_agrees_with_the_full_one() {
    use halo2_proofs::dev::MockProver;
    let circuit = honest();
    let prover = MockProver::run(K, &circuit, vec![]).expect("synthesis");
    let mut cs = halo2_proofs::plonk::ConstraintSystem::default();
    let _ = WindowCircuit::configure(&mut cs);
    let flagged = crate::mock::nonzero_gate_rows(&prover, &cs, K, &[]).expect("no selectors");
    assert_eq!(flagged, Vec::<usize>::new());
    let mut lied = honest();
    let add = step_of(&lied.trace, 0x01, 0);
    let index = rw_index(&lied.trace, add, 2);
    let value = lied.trace.rws[index].value + U256::from(1);
    lie_about_stack_write(&mut lied.trace, index, value);
    let prover = MockProver::run(K, &lied, vec![]).expect("synthesis");
    let text = |failures: Vec<halo2_proofs::dev::VerifyFailure>| {
        let mut texts: Vec<String> = failures.iter().map(|f| format!("{f:?}")).collect();
        texts.sort();
        texts
    };
    let full = text(prover.verify_par().expect_err("the lie fails"));
    let quick = text(crate::mock::verify(&prover, &lied, K, &[]).expect_err("the lie fails"));
    assert!(!full.is_empty());
    assert_eq!(quick, full);
}

#[test]
fn a_wrong_difference_is_rejected() {
    let mut circuit = honest();
    let sub = step_of(&circuit.trace, 0x03, 1);
    let index = rw_index(&circuit.trace, sub, 2);
    lie_about_stack_write(&mut circuit.trace, index, U256::from(7));
    assert_circuit_rejected(K, &circuit, "ADD/SUB");
}

#[test]
fn a_wrong_push_value_is_rejected() {
    let mut circuit = honest();
    let push = step_of(&circuit.trace, 0x61, 0);
    let index = rw_index(&circuit.trace, push, 0);
    lie_about_stack_write(&mut circuit.trace, index, U256::from(0x0103));
    assert_circuit_rejected(K, &circuit, "evm: bytecode lookup");
}

#[test]
fn a_wrong_dup_is_rejected() {
    let mut circuit = honest();
    let dup = step_of(&circuit.trace, 0x80, 0);
    let index = rw_index(&circuit.trace, dup, 1);
    lie_about_stack_write(&mut circuit.trace, index, U256::from(1));
    assert_circuit_rejected(K, &circuit, "evm: rw lookup");
}

#[test]
fn a_wrong_gas_left_is_rejected() {
    let mut circuit = honest();
    let gas = step_of(&circuit.trace, 0x5a, 0);
    step_mut(&mut circuit.trace, gas + 1).gas_left += 1;
    assert_circuit_rejected(K, &circuit, "gas is charged");
}

#[test]
fn a_wrong_pc_is_rejected() {
    let mut circuit = honest();
    let pc = step_of(&circuit.trace, 0x58, 0);
    step_mut(&mut circuit.trace, pc + 1).pc += 1;
    assert_circuit_rejected(K, &circuit, "program counter");
}

#[test]
fn a_wrong_stack_pointer_is_rejected() {
    let mut circuit = honest();
    let pop = step_of(&circuit.trace, 0x50, 0);
    step_mut(&mut circuit.trace, pop + 1).stack_pointer += 1;
    assert_circuit_rejected(K, &circuit, "stack pointer");
}

#[test]
fn a_wrong_rw_counter_is_rejected() {
    let mut circuit = honest();
    let swap = step_of(&circuit.trace, 0x90, 0);
    step_mut(&mut circuit.trace, swap + 1).rw_counter += 1;
    assert_circuit_rejected(K, &circuit, "rw_counter advances");
}

#[test]
fn a_jump_not_taken_cannot_be_claimed_taken() {
    // The second JUMPI (condition 0) claims to jump to the JUMPDEST it pushed: the next pc lies.
    let mut circuit = honest();
    let jumpi = step_of(&circuit.trace, 0x57, 1);
    step_mut(&mut circuit.trace, jumpi + 1).pc = 0;
    assert_circuit_rejected(K, &circuit, "program counter");
}

#[test]
fn a_wrong_comparison_is_rejected() {
    let mut circuit = honest();
    let honest_trace = circuit.trace.clone();
    let mut lies = Vec::new();
    // The second ISZERO: the first reads EQ's result, a lie here.
    for (opcode, nth) in [(0x10, 0), (0x11, 1), (0x12, 0), (0x13, 1), (0x14, 0), (0x15, 1)] {
        let step = step_of(&circuit.trace, opcode, nth);
        let pops = if opcode == 0x15 { 1 } else { 2 };
        let index = rw_index(&circuit.trace, step, pops);
        let honest_value = circuit.trace.rws[index].value;
        lie_about_stack_write(&mut circuit.trace, index, U256::from(1) - honest_value);
        lies.push((step, "evm"));
    }
    assert_window_lies_rejected(&honest_trace, &circuit, &lies);
}

#[test]
#[should_panic(expected = "was not caught there")]
fn a_truth_told_among_lies_is_not_counted_as_caught() {
    // The helper that checks several lies in one run fails when one "lie" is the truth.
    let mut circuit = honest();
    let honest_trace = circuit.trace.clone();
    let add = lie_about_result(&mut circuit.trace, (0x01, 0), 2, |v| v + U256::from(1));
    let sub = step_of(&circuit.trace, 0x03, 1);
    assert_window_lies_rejected(&honest_trace, &circuit, &[(add, "ADD/SUB"), (sub, "evm")]);
}

#[test]
fn another_opcode_cannot_run_a_gadget() {
    // SUB executed as ADD: the opcode at pc is SUB.
    let mut circuit = honest();
    let sub = step_of(&circuit.trace, 0x03, 0);
    step_mut(&mut circuit.trace, sub).kind = StepKind::Op(0x01);
    assert_circuit_rejected(K, &circuit, "evm: bytecode lookup");
}

#[test]
fn the_shape_report_lists_every_state() {
    let report = super::heights::shape_markdown::<Fr>();
    eprintln!("{report}");
    let rows = report.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| state")).count();
    assert_eq!(rows, crate::evm::gadgets::descriptors().len());
}

mod account_access;
mod arithmetic;
mod arithmetic_wide;
mod bitwise;
mod blockhash;
mod byte_ops;
mod calldata;
mod codecopy;
mod context;
mod copying;
mod extcodecopy;
mod hashing;
mod mcopy;
mod memory;
mod registry;
mod shift;

/// The EVM rows of the demo batch at each state's height, against the 8 rows per step of the
/// fixed layout it replaced: the figure behind variable step height.
#[test]
fn the_demo_batchs_evm_rows_at_each_states_height() {
    let input = zkevm_executor::demo::demo_batch().to_input("demo").expect("demo input");
    let trace = zkevm_executor::trace_batch(&input, "demo").expect("demo traces").trace;
    let steps = all_steps(&trace);
    let states: Vec<_> = steps
        .iter()
        .map(|s| crate::evm::gadgets::state_of(&s.kind).expect("the demo is supported"))
        .collect();
    let (_, rows) = crate::evm::heights::step_offsets(states.iter().copied());
    let fixed = states.len() * 8;
    eprintln!("demo batch: {} steps, {rows} EVM rows ({fixed} at 8 rows per step)", states.len());
    assert_eq!(rows, crate::super_circuit::evm_rows_of(&trace));
    assert!(rows < fixed);
}

/// Padding fills any gap and EndBlock is the region's last slot: both take one slot.
#[test]
fn padding_and_end_block_take_one_slot() {
    use crate::evm::{heights::height, layout::SLOT_HEIGHT};
    assert_eq!(height(ExecutionState::Padding), SLOT_HEIGHT);
    assert_eq!(height(ExecutionState::EndBlock), SLOT_HEIGHT);
}
