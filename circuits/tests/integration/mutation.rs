//! The soundness campaign's fast subset (fixed seed and kinds, about 40 s on two busy cores)
//! and the regression tests of the constraints the campaign showed missing.

use std::ops::Range;

use zkevm_circuits::super_circuit::{mock_prove, MockVerdict};
use zkevm_executor::Trace;
use zkevm_soundness::mutation::{
    mutate, programs, run_campaign, run_cell_campaign, run_forgery_campaign, sweep_zero_cells,
    CampaignConfig, CellSummary, CellVerdict, ForgerySummary, MutationKind, SplitMix64, Summary,
};

fn transfer() -> Trace {
    let subjects = programs::programs().expect("the built-in programs trace");
    subjects.into_iter().find(|s| s.name == "transfer").expect("a transfer subject").trace
}

/// Fails unless the MockProver rejects `trace` by a constraint whose name contains `named`.
fn assert_rejected(trace: &Trace, named: &str) {
    match mock_prove(trace) {
        MockVerdict::Failed(why) => {
            assert!(why.contains(named), "rejected, but not by {named:?}: {why}")
        }
        other => panic!("not rejected ({named}): {other:?}"),
    }
}

#[test]
fn the_honest_transfer_passes() {
    assert_eq!(mock_prove(&transfer()), MockVerdict::Passed);
}

/// Found by the campaign: BeginTx, EndTx and EndBlock left their pc, stack pointer, memory size,
/// reversible write counter (and EndBlock its gas and log id) free.
#[test]
fn steps_outside_code_hold_zero_state() {
    let honest = transfer();
    let mut t = honest.clone();
    t.txs[0].steps[0].pc = 1;
    assert_rejected(&t, "outside code: pc is 0");
    let mut t = honest.clone();
    t.txs[0].steps[1].stack_pointer = 1;
    assert_rejected(&t, "outside code: empty stack");
    let mut t = honest.clone();
    t.txs[0].steps[1].memory_word_size = 3;
    assert_rejected(&t, "outside code: no memory");
    let mut t = honest.clone();
    t.txs[0].steps[0].reversible_write_counter = 2;
    assert_rejected(&t, "outside code: no reversible writes");
    let mut t = honest.clone();
    t.end_block.log_id = 1;
    assert_rejected(&t, "closing: no log id");
    let mut t = honest;
    t.end_block.gas_left = 5;
    assert_rejected(&t, "closing: no gas");
}

/// A fixed-seed subset of the campaign over the transfer and the storage-and-logs program: every
/// lie must be rejected.
#[test]
fn a_fixed_subset_of_lies_is_all_rejected() {
    let subjects: Vec<_> = programs::programs()
        .expect("the built-in programs trace")
        .into_iter()
        .filter(|s| s.name == "transfer" || s.name == "storage-and-logs")
        .collect();
    use MutationKind::*;
    let kinds = vec![
        Pc,
        StackPointer,
        MemoryWordSize,
        LogId,
        StackPush,
        RwValue,
        ExecutionState,
        LogTopic,
        Refund,
    ];
    let config = CampaignConfig { budget: kinds.len(), seed: 8, kinds };
    let records = run_campaign(&subjects, &config, |_| {});
    let names = subjects.iter().map(|s| (s.name.clone(), None)).collect();
    let summary = Summary::new(records, names, config.seed, config.budget, 0.0);
    assert!(summary.clean(), "{}", summary.text());
    assert_eq!(summary.total.unsupported, 0, "{}", summary.text());
    assert!(summary.total.killed >= summary.total.lies() / 2, "{}", summary.text());
}

/// The demo batch hashes each mapping slot three times: a keccak-input lie must change every
/// copy, or the true row stays in the keccak table and the lie is no lie.
#[test]
fn a_keccak_input_lie_changes_every_copy() {
    let demo = programs::demo().expect("the demo traces").trace;
    let mutation = mutate(&demo, MutationKind::KeccakInput, &mut SplitMix64::new(1))
        .expect("the demo hashes inputs");
    let pairs = demo.keccak_inputs.iter().zip(&mutation.trace.keccak_inputs);
    let changed: Vec<_> =
        pairs.filter(|(a, b)| a.input != b.input).map(|(a, _)| a.input.clone()).collect();
    assert!(changed.len() > 1, "{}", mutation.change);
    assert!(mutation.trace.keccak_inputs.iter().all(|k| k.input != changed[0]));
}

/// A fixed-seed subset of raw cell lies on the transfer: every changed cell must be rejected,
/// and at least one lie must have been told (a planner that silently dropped the lie would
/// leave every cell "surviving", which this also catches).
#[test]
fn a_fixed_subset_of_cell_lies_is_all_rejected() {
    let subjects: Vec<_> = programs::programs()
        .expect("the built-in programs trace")
        .into_iter()
        .filter(|s| s.name == "transfer")
        .collect();
    let (records, skipped) = run_cell_campaign(&subjects, 4, 3, 2, |_| {});
    let summary = CellSummary::new(records, skipped, 3, 4, 0.0);
    assert!(summary.skipped.is_empty(), "{}", summary.text());
    assert!(summary.survivors.is_empty(), "{}", summary.text());
    assert!(summary.total.killed >= 2, "{}", summary.text());
}

/// The built-in subject named `name`.
fn subject_named(name: &str) -> zkevm_soundness::mutation::Subject {
    programs::programs()
        .expect("the built-in programs trace")
        .into_iter()
        .find(|s| s.name == name)
        .expect("a built-in subject of that name")
}

/// The step rows (relative to the EVM region) of the `nth` step of `subject` that `is` picks.
fn step_rows(
    subject: &zkevm_soundness::mutation::Subject,
    is: impl Fn(&zkevm_executor::trace::StepKind) -> bool,
    nth: usize,
) -> Range<usize> {
    use zkevm_circuits::evm::{gadgets::state_of, heights::step_offsets, witness::all_steps};
    let steps = all_steps(&subject.trace);
    let index = steps
        .iter()
        .enumerate()
        .filter(|(_, s)| is(&s.kind))
        .nth(nth)
        .map(|(i, _)| i)
        .expect("the program runs the step");
    let states = steps[..=index].iter().map(|s| state_of(&s.kind).expect("a supported step"));
    let (offsets, end) = step_offsets(states);
    offsets[index]..end
}

/// Sets every zero cell of `rows` to 1, one at a time: each must be rejected.
fn assert_no_free_cell(subject: &zkevm_soundness::mutation::Subject, rows: Range<usize>) {
    let started = std::time::Instant::now();
    let records = sweep_zero_cells(subject, "evm", rows, 2).expect("a baseline");
    let survivors: Vec<_> =
        records.iter().filter(|r| matches!(r.verdict, CellVerdict::Survived)).collect();
    eprintln!("{} zero cells set to 1 in {:?}", records.len(), started.elapsed());
    assert!(records.len() > 20, "too few cells swept: {}", records.len());
    assert!(survivors.is_empty(), "free cells: {survivors:?}");
}

/// Found by review: an empty memory range (CALLDATACOPY or MCOPY of nothing, which share the
/// range gadget) left the cells splitting its first and last word free. Every cell of an
/// empty CALLDATACOPY's step that holds 0, set to 1, must now be rejected. The split cells are
/// among them because the range assigns their pinned zeros: the sweep sees only assigned cells
/// (a first version, before that assignment, swept 138 cells without them and passed with or
/// without the pin).
#[test]
#[ignore = "sweeps the unused cells of a step: several minutes on two cores"]
fn an_empty_copy_step_leaves_no_cell_free() {
    use zkevm_executor::trace::StepKind;
    let subject = subject_named("wide-arithmetic-and-copies");
    // The third CALLDATACOPY, (9, 0, 0).
    let rows = step_rows(&subject, |k| *k == StepKind::Op(0x37), 2);
    assert_no_free_cell(&subject, rows);
}

/// Found by the same review: the exceptional-halt gadget left the cells of the conditions it
/// does not prove (the constant cost and its shortfall for an invalid opcode) free and
/// unassigned. Every zero cell of the `halted` subject's INVALID step, set to 1, must be
/// rejected.
#[test]
#[ignore = "sweeps the unused cells of a step: several minutes on two cores"]
fn an_invalid_opcode_step_leaves_no_cell_free() {
    use zkevm_executor::trace::StepKind;
    let subject = subject_named("halted");
    let rows = step_rows(&subject, |k| matches!(k, StepKind::Error { opcode: 0xfe, .. }), 0);
    assert_no_free_cell(&subject, rows);
}

/// The forgery campaign's fast subset: two forgeries of each class over the transfer, judged
/// by the constraints alone; none survives, and every class tells a lie that is killed.
#[test]
fn the_transfer_survives_no_forgery() {
    let subjects: Vec<_> = programs::programs()
        .expect("the built-in programs trace")
        .into_iter()
        .filter(|s| s.name == "transfer")
        .collect();
    let records = run_forgery_campaign(&subjects, 2, 5, |_| {});
    let summary = ForgerySummary::new(records, 5, 2, 0.0);
    assert!(summary.clean(), "survivors: {:?}", summary.survivors);
    for class in ["table_hit", "key_wrap"] {
        let tally = summary.per_class.get(class).copied().unwrap_or_default();
        assert!(tally.killed > 0, "{class}: no forgery killed: {tally:?}");
    }
    let free = summary.per_class.get("free_row").copied().unwrap_or_default();
    assert_eq!(free.forgeries, 2, "two free-row forgeries: {free:?}");
}
