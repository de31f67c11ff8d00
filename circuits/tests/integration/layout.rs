//! Lies about the EVM region's layout (`docs/spec.md#evm-layout`): steps are laid out at their
//! states' heights, in whole slots, with the execution state one-hot over the selector cells
//! of a step's first slot. Each lie rewrites selector cells over an honest layout, as a prover
//! who does not run our witness generator would, and names the constraint that rejects it.

use halo2_proofs::halo2curves::bn256::Fr;
use zkevm_circuits::evm::gadgets::{descriptors, state_of};
use zkevm_circuits::evm::heights::{height, step_offsets};
use zkevm_circuits::evm::layout::SLOT_HEIGHT;
use zkevm_circuits::evm::witness::all_steps;
use zkevm_circuits::evm::ExecutionState;
use zkevm_executor::Trace;
use zkevm_soundness::mutation::cell_lie::Lie;
use zkevm_soundness::mutation::forgery::{lie, ForgeryBench};
use zkevm_soundness::testkit::{asm, TraceBuilder};

use crate::support::assert_forgery_rejected;

/// A program whose steps have both heights: PUSH1 (two slots), ADD and POP (one).
fn trace() -> Trace {
    TraceBuilder::calling(asm("PUSH1 1 PUSH1 2 ADD POP STOP")).trace()
}

/// The bench, and the first row (relative to the EVM region) of the first step of `state`.
fn bench_at(state: ExecutionState) -> (ForgeryBench, usize) {
    let trace = trace();
    let states: Vec<_> =
        all_steps(&trace).iter().map(|s| state_of(&s.kind).expect("supported")).collect();
    let (offsets, _) = step_offsets(states.iter().copied());
    let index = states.iter().position(|s| *s == state).expect("the program runs the state");
    (ForgeryBench::new(trace).expect("lays out"), offsets[index])
}

/// Sets `state`'s selector cell of the slot at `row` to `value`.
fn selector_lie(bench: &ForgeryBench, row: usize, state: ExecutionState, value: u64) -> Lie {
    let cell = bench.config().evm.selectors.cell(state);
    lie(cell.column, row + cell.rotation, Fr::from(value))
}

#[test]
fn the_honest_layout_passes() {
    let (bench, _) = bench_at(ExecutionState::Push);
    assert!(bench.verdict(Vec::new()).is_ok());
    assert_eq!(height(ExecutionState::Push), 2 * SLOT_HEIGHT, "PUSH takes two slots");
}

#[test]
fn a_step_cannot_start_inside_a_taller_step() {
    // A POP claimed in PUSH1's second slot: PUSH1's rows would hold two steps.
    let (bench, push) = bench_at(ExecutionState::Push);
    let lies = vec![selector_lie(&bench, push + SLOT_HEIGHT, ExecutionState::Pop, 1)];
    assert_forgery_rejected(bench.verdict(lies), "evm: no step starts inside a step");
}

#[test]
fn a_step_cannot_end_without_the_next_one_starting() {
    // The ADD after the PUSH1s erased: a gap where no step runs.
    let (bench, add) = bench_at(ExecutionState::AddSub);
    let lies = vec![selector_lie(&bench, add, ExecutionState::AddSub, 0)];
    assert_forgery_rejected(bench.verdict(lies), "evm: the next step starts after this one's rows");
}

#[test]
fn a_slot_cannot_run_two_states() {
    let (bench, add) = bench_at(ExecutionState::AddSub);
    let lies = vec![selector_lie(&bench, add, ExecutionState::Pop, 1)];
    assert_forgery_rejected(bench.verdict(lies), "evm: at most one state per slot");
}

#[test]
fn a_selector_cell_is_boolean() {
    // 2 and −1: the slot's cells still sum to 1.
    let (bench, add) = bench_at(ExecutionState::AddSub);
    let lies = vec![
        selector_lie(&bench, add, ExecutionState::AddSub, 2),
        lie(
            bench.config().evm.selectors.cell(ExecutionState::Pop).column,
            add + bench.config().evm.selectors.cell(ExecutionState::Pop).rotation,
            -Fr::from(1),
        ),
    ];
    assert_forgery_rejected(bench.verdict(lies), "evm: state selector is boolean");
}

#[test]
fn a_step_runs_a_registered_state() {
    // The selector cells past the last state's stand for no gadget: a step there would be
    // bound by nothing.
    let (bench, add) = bench_at(ExecutionState::AddSub);
    let selectors = &bench.config().evm.selectors;
    let cells: Vec<_> = selectors.cells().collect();
    let states = descriptors().len();
    if cells.len() == states {
        return eprintln!("every selector cell is a state's: no unregistered cell to claim");
    }
    let spare = cells[states];
    let lies = vec![
        selector_lie(&bench, add, ExecutionState::AddSub, 0),
        lie(spare.column, add + spare.rotation, Fr::from(1)),
    ];
    assert_forgery_rejected(bench.verdict(lies), "evm: a step runs a registered state");
}

#[test]
fn end_block_is_the_last_slot_only() {
    // The first padding slot claimed as EndBlock: the rest of the region would be unbound.
    let (bench, _) = bench_at(ExecutionState::Push);
    let trace = trace();
    let steps = all_steps(&trace);
    let (offsets, _) = step_offsets(steps.iter().map(|s| state_of(&s.kind).expect("supported")));
    // The padding starts where EndBlock would sit in a fitting region: after the last step
    // before it. Lay the trace out in a larger chunk so there is padding.
    let params = zkevm_circuits::super_circuit::ChunkParams {
        evm_rows: bench.params().evm_rows + 2 * SLOT_HEIGHT,
        ..bench.params()
    };
    let bench = ForgeryBench::build(trace, None, params).expect("lays out");
    let padding = offsets[offsets.len() - 1];
    let lies = vec![
        selector_lie(&bench, padding, ExecutionState::Padding, 0),
        selector_lie(&bench, padding, ExecutionState::EndBlock, 1),
    ];
    assert_forgery_rejected(bench.verdict(lies), "evm: EndBlock is the last step only");
}
