//! The test harness of the EVM circuit tests: one-call traces, the window circuit (the EVM
//! steps of a trace between BeginTx and the final STOP, with the tables they look up), and
//! the helpers that tell lies about a trace and check where the circuit rejects them.

use alloy_primitives::{address, Address, U256};
use halo2_proofs::circuit::{Layouter, SimpleFloorPlanner};
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::plonk::{Circuit, ConstraintSystem, Error};
use zkevm_executor::batch::{Batch, BatchAccount, BatchBlock, BatchTx};
use zkevm_executor::trace::{RwTarget, StepKind};
use zkevm_executor::{trace_batch, Trace};

use crate::arith::{arith_ops, ArithConfig};
use crate::bitwise::{bitwise_ops, BitwiseConfig};
use crate::bytecode::{BytecodeConfig, BytecodeWitness};
use crate::challenges::Challenges;
use crate::copy::CopyConfig;
use crate::evm::assign::AssignedStep;
use crate::evm::dispatch::step_witnesses;
use crate::evm::witness::all_steps;
use crate::evm::{EvmConfig, EvmTables, ExecutionState};
use crate::keccak::layout::permutations_for;
use crate::keccak::permutation::PermutationConfig;
use crate::keccak::{KeccakConfig, KeccakWitness};
use crate::state::{StateConfig, StateWitness};
use crate::table::{calldata_rows, BlockTable, CallDataTable, FixedTable, FixedTableTag, TxTable};

const SENDER: Address = address!("0x5e00000000000000000000000000000000000001");
pub(super) const CONTRACT: Address = address!("0xc000000000000000000000000000000000000001");
const FIXED_TAGS: [FixedTableTag; 7] = [
    FixedTableTag::Range8,
    FixedTableTag::NibbleAnd,
    FixedTableTag::PushDataSize,
    FixedTableTag::OpcodeStack,
    FixedTableTag::ConstantGas,
    FixedTableTag::RwTagProperties,
    FixedTableTag::MemoryGas,
];

/// Traces one call of `code`.
pub(super) fn trace_of(code: Vec<u8>) -> Trace {
    trace_with_input(code, Vec::new())
}

/// Traces one call of `code` with `input` as calldata.
pub(super) fn trace_with_input(code: Vec<u8>, input: Vec<u8>) -> Trace {
    trace_with_accounts(code, input, Vec::new())
}

/// Traces one call of `code` with `input` as calldata and `accounts` in the pre-state.
pub(super) fn trace_with_accounts(
    code: Vec<u8>,
    input: Vec<u8>,
    accounts: Vec<(Address, BatchAccount)>,
) -> Trace {
    let block = BatchBlock::simple(address!("0xc0ffee0000000000000000000000000000000000"), 10);
    trace_in_block(block, code, input, accounts)
}

/// Traces one call of `code` in `block`, with `input` and `accounts` as
/// [`trace_with_accounts`] takes them.
pub(super) fn trace_in_block(
    block: BatchBlock,
    code: Vec<u8>,
    input: Vec<u8>,
    accounts: Vec<(Address, BatchAccount)>,
) -> Trace {
    let mut batch = Batch::new(block);
    batch
        .pre
        .insert(SENDER, BatchAccount { balance: U256::from(10u128.pow(20)), ..Default::default() });
    batch.pre.insert(CONTRACT, BatchAccount { code: code.into(), ..Default::default() });
    batch.pre.extend(accounts);
    batch.transactions.push(BatchTx {
        sender: Some(SENDER),
        tx_type: Some(2),
        nonce: Some(0),
        gas_limit: Some(1_000_000),
        max_fee_per_gas: Some(10),
        max_priority_fee_per_gas: Some(1),
        to: Some(CONTRACT),
        data: input.into(),
        ..Default::default()
    });
    let input = batch.to_input("evm test").expect("batch builds");
    trace_batch(&input, "evm test").expect("traces").trace
}

/// A program that runs every implemented family: arithmetic with wrap-around, pushes of
/// every size class, DUP/SWAP, PC, GAS, POP, JUMP, and JUMPI taken and not taken.
fn program() -> Vec<u8> {
    let mut code = vec![
        0x60,
        0x05, // PUSH1 5
        0x61,
        0x01,
        0x02, // PUSH2 0x0102
        0x01, // ADD
        0x80, // DUP1
        0x60,
        0x03,               // PUSH1 3
        0x90,               // SWAP1
        0x03,               // SUB
        0x58,               // PC
        0x5a,               // GAS
        0x50,               // POP
        0x8f - 0x0f + 0x01, // DUP2
        0x91,               // SWAP2
        0x5f,               // PUSH0
        0x03,               // SUB (0 - x wraps)
    ];
    let jump_to = code.len() + 4;
    code.extend([0x60, jump_to as u8, 0x56, 0xfe]); // PUSH1 dest, JUMP, INVALID (skipped)
    code.push(0x5b); // JUMPDEST
    let jumpi_to = code.len() + 6;
    code.extend([0x60, 0x01, 0x60, jumpi_to as u8, 0x57, 0xfe]); // PUSH1 1, PUSH1 dest, JUMPI
    code.push(0x5b); // JUMPDEST
    code.extend([0x5f, 0x60, 0x00, 0x57]); // PUSH0, PUSH1 0, JUMPI (not taken)
    code.push(0x7f); // PUSH32 0xff..ff
    code.extend([0xff; 32]);
    code.push(0x01); // ADD (overflows)
                     // Comparisons: -1 (signed) against 5, both ways, signed and unsigned; EQ, ISZERO, NOT.
    for op in [0x10, 0x11, 0x12, 0x13] {
        code.extend([0x60, 0x05, 0x5f, 0x19, op, 0x50]); // PUSH1 5, PUSH0, NOT (= -1), op, POP
        code.extend([0x5f, 0x19, 0x60, 0x05, op, 0x50]); // PUSH0, NOT, PUSH1 5, op, POP
    }
    code.extend([0x60, 0x07, 0x60, 0x07, 0x14, 0x15, 0x15, 0x50]); // 7 EQ 7, ISZERO twice, POP
    code.extend([0x60, 0x07, 0x60, 0x08, 0x14, 0x50]); // 7 EQ 8, POP
    code.push(0x00); // STOP
    code
}

/// The EVM steps between BeginTx and the final STOP.
pub(super) fn window(trace: &Trace) -> std::ops::Range<usize> {
    let steps = all_steps(trace);
    let stop = steps.iter().position(|s| s.kind == StepKind::Op(0x00)).expect("the program stops");
    1..stop
}

#[derive(Clone)]
pub(super) struct WindowCircuit {
    pub(super) trace: Trace,
    pub(super) k: u32,
}

#[derive(Clone)]
pub(super) struct Config {
    fixed: FixedTable,
    tx: TxTable,
    block: BlockTable,
    calldata: CallDataTable,
    state: StateConfig,
    keccak: KeccakConfig,
    bytecode: BytecodeConfig<Fr>,
    bitwise: BitwiseConfig,
    arith: ArithConfig,
    copy: CopyConfig,
    evm: std::sync::Arc<EvmConfig<Fr>>,
    challenges: Challenges,
}

impl Circuit<Fr> for WindowCircuit {
    type Config = Config;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Config {
        let fixed = FixedTable::configure(meta);
        let (tx, block) = (TxTable::configure(meta), BlockTable::configure(meta));
        let state = StateConfig::configure(meta, &fixed);
        let perm = PermutationConfig::configure(meta);
        let challenges = Challenges::configure(meta);
        let keccak = KeccakConfig::configure(meta, perm, challenges.bytes);
        let bytecode = BytecodeConfig::configure(meta, &keccak.table, &fixed, challenges.bytes);
        let bitwise = BitwiseConfig::configure(meta, &fixed);
        let arith = ArithConfig::configure(meta, &fixed);
        let calldata = CallDataTable::configure(meta);
        let copy = CopyConfig::configure(
            meta,
            &fixed,
            &state.table,
            &calldata,
            &bytecode.table,
            challenges.bytes,
        );
        let tables = EvmTables {
            rw: state.table,
            bytecode: bytecode.table,
            fixed,
            tx,
            block,
            bitwise: bitwise.table,
            arith: arith.table,
            calldata,
            copy: copy.table,
            keccak: keccak.table,
        };
        let evm = std::sync::Arc::new(EvmConfig::configure(meta, &tables, challenges));
        Config {
            fixed,
            tx,
            block,
            calldata,
            state,
            keccak,
            bytecode,
            bitwise,
            arith,
            copy,
            evm,
            challenges,
        }
    }

    fn synthesize(&self, config: Config, mut layouter: impl Layouter<Fr>) -> Result<(), Error> {
        let trace = &self.trace;
        let codes: Vec<&[u8]> = trace.bytecodes.values().map(|c| c.as_ref()).collect();
        let usable = (1usize << self.k) - 64;
        // As many permutations as the codes need: one (k = 11) for a program of at most 135
        // bytes.
        let permutations = codes.iter().map(|c| permutations_for(c.len())).sum::<usize>();
        let keccak =
            KeccakWitness::new(&codes, permutations.max(1)).map_err(|_| Error::Synthesis)?;
        let bytecode = BytecodeWitness::new(&codes, 400).map_err(|_| Error::Synthesis)?;
        let state = StateWitness::new(&trace.rws, usable.min(trace.rws.len() + 100))
            .map_err(|_| Error::Synthesis)?;
        let steps = step_witnesses(trace, window(trace)).map_err(|_| Error::Synthesis)?;
        config.fixed.load(&mut layouter, &FIXED_TAGS)?;
        layouter.assign_region(
            || "tables",
            |mut region| {
                config.tx.assign(&mut region, &trace.txs, trace.txs.len());
                config.block.assign(&mut region, &trace.block);
                let words = calldata_rows(trace.txs.iter().map(|tx| tx.input.as_ref()));
                config.calldata.assign(&mut region, &words, words.len());
                Ok(())
            },
        )?;
        layouter.assign_region(
            || "keccak",
            |mut r| config.keccak.assign_first_phase(&mut r, &keccak),
        )?;
        layouter.assign_region(
            || "bytecode",
            |mut r| config.bytecode.assign_first_phase(&mut r, &bytecode),
        )?;
        layouter.assign_region(|| "state", |mut r| config.state.assign(&mut r, &state))?;
        let ops = bitwise_ops(trace);
        layouter.assign_region(
            || "bitwise",
            |mut r| config.bitwise.assign(&mut r, &ops, ops.len()).map_err(|_| Error::Synthesis),
        )?;
        let arith = arith_ops(trace);
        let arith_blocks = ArithConfig::blocks(&arith).len();
        layouter.assign_region(
            || "arithmetic",
            |mut r| config.arith.assign(&mut r, &arith, arith_blocks).map_err(|_| Error::Synthesis),
        )?;
        layouter.assign_region(
            || "copy",
            |mut r| config.copy.assign_first_phase(&mut r, &[], 0).map_err(|_| Error::Synthesis),
        )?;
        let assigned: Vec<AssignedStep<Fr>> = layouter.assign_region(
            || "evm",
            |mut region| {
                config.evm.assign_fixed_window(&mut region, &steps);
                let assigned = config.evm.assign_first_phase(&mut region, &steps, 0)?;
                // The step after the window: its selector, which the last step reads.
                let after = all_steps(trace)[window(trace).end];
                let state =
                    crate::evm::gadgets::state_of(&after.kind).map_err(|_| Error::Synthesis)?;
                config.evm.assign_selector(&mut region, config.evm.offsets(&steps).1, state);
                Ok(assigned)
            },
        )?;
        layouter.next_phase();
        let values = config.challenges.values(&layouter);
        layouter.assign_region(
            || "second phase",
            |mut region| {
                config.keccak.assign_second_phase(&mut region, &keccak, values.bytes);
                config.bytecode.assign_second_phase(&mut region, &bytecode, values.bytes);
                config.evm.assign_second_phase(&mut region, &steps, &assigned, &values);
                Ok(())
            },
        )
    }
}

pub(super) const K: u32 = 11;

pub(super) fn honest() -> WindowCircuit {
    WindowCircuit { trace: trace_of(program()), k: K }
}

/// The index in `trace.rws` of the RW that step `step` (of [`all_steps`]) makes at `offset`.
pub(super) fn rw_index(trace: &Trace, step: usize, offset: usize) -> usize {
    all_steps(trace)[step].rw_counter as usize - 1 + offset
}

/// Changes a stack write's value and every later read of that slot until its next write, so
/// that the RW log stays consistent and only the gadget that wrote can object.
pub(super) fn lie_about_stack_write(trace: &mut Trace, index: usize, value: U256) {
    assert!(matches!(trace.rws[index].target, RwTarget::Stack { .. }));
    lie_about_write(trace, index, value);
}

/// Replaces the word the `nth` `opcode` step writes to the stack at its RW `offset` by
/// `lie(honest word)`, as [`lie_about_stack_write`] does; returns the step's index.
pub(super) fn lie_about_result(
    trace: &mut Trace,
    (opcode, nth): (u8, usize),
    offset: usize,
    lie: impl Fn(U256) -> U256,
) -> usize {
    let step = step_of(trace, opcode, nth);
    let index = rw_index(trace, step, offset);
    let value = lie(trace.rws[index].value);
    lie_about_stack_write(trace, index, value);
    step
}

/// A lie about a word: its low bit flipped, or (`high`) 2^128 added, a lie in the high limb.
pub(super) fn low_or_high_lie(high: bool) -> impl Fn(U256) -> U256 {
    move |honest| {
        if high {
            honest.wrapping_add(U256::from(1) << 128)
        } else {
            honest ^ U256::from(1)
        }
    }
}

/// Changes the value of RW `index` (a write of any location) and every later read of that
/// location until its next write, so that only the gadget that wrote can object.
pub(super) fn lie_about_write(trace: &mut Trace, index: usize, value: U256) {
    let target = trace.rws[index].target;
    assert!(trace.rws[index].is_write());
    trace.rws[index].value = value;
    for rw in trace.rws[index + 1..].iter_mut().filter(|rw| rw.target == target) {
        if rw.is_write() {
            rw.access = zkevm_executor::trace::RwAccess::Write { prev: value };
            break;
        }
        rw.value = value;
    }
}

/// Fails unless the MockProver rejects `trace`, its first failure mentioning `first`.
pub(super) fn assert_mock_rejected(trace: &Trace, what: &str, first: &str) {
    match crate::super_circuit::mock_prove(trace) {
        crate::super_circuit::MockVerdict::Failed(why) => {
            assert!(why.contains(first), "{what}: {why}")
        }
        other => panic!("{what}: expected a failure, got {other:?}"),
    }
}

/// One lie a test tells: the step it is about (an index into [`all_steps`]) and a text the
/// failure that catches it must contain.
type Lie<'a> = (usize, &'a str);

/// Runs the MockProver once over `circuit`, whose trace carries every lie in `lies`, and
/// asserts that each is caught inside its own step (see [`assert_each_lie_located`]).
pub(super) fn assert_window_lies_rejected(
    honest: &Trace,
    circuit: &WindowCircuit,
    lies: &[Lie<'_>],
) {
    let failures = crate::mock::run(circuit.k, circuit, vec![]).expect("the circuit synthesizes");
    assert_each_lie_located(honest, &circuit.trace, &failures, window(honest).start, lies);
}

/// As [`assert_window_lies_rejected`], over the whole trace's SuperCircuit.
pub(super) fn assert_mock_lies_rejected(honest: &Trace, lied: &Trace, lies: &[Lie<'_>]) {
    let failures = match crate::super_circuit::mock_failures(lied) {
        Ok(failures) => failures,
        Err(verdict) => panic!("expected the MockProver to run, got {verdict:?}"),
    };
    assert_each_lie_located(honest, lied, &failures, 0, lies);
}

/// The index in [`all_steps`] of the step covering EVM row `row`, when steps are laid out from
/// the region's first row starting with step `first_step` (rows past the trace's steps are
/// one-slot padding).
fn step_at_row(trace: &Trace, first_step: usize, row: usize) -> usize {
    let steps = all_steps(trace);
    let states = steps[first_step..]
        .iter()
        .map(|s| crate::evm::gadgets::state_of(&s.kind).unwrap_or(ExecutionState::Padding));
    let (offsets, end) = crate::evm::heights::step_offsets(states);
    match row.checked_sub(end) {
        Some(past) => first_step + offsets.len() + past / crate::evm::layout::SLOT_HEIGHT,
        None => first_step + offsets.partition_point(|&o| o <= row) - 1,
    }
}

/// Asserts that every lie is caught by a failure inside the rows of its own step that contains
/// its text; steps are laid out from the EVM region's first row, the first being
/// [`all_steps`] index `first_step`. Several lies share one MockProver run only if none is
/// seen through another: the lies are about written values only (each lied step and the next
/// keep their honest state), and each lied step reads exactly what it read in `honest`.
fn assert_each_lie_located(
    honest: &Trace,
    lied: &Trace,
    failures: &[halo2_proofs::dev::VerifyFailure],
    first_step: usize,
    lies: &[Lie<'_>],
) {
    use halo2_proofs::dev::{FailureLocation, VerifyFailure};
    let located: Vec<(usize, String)> = failures
        .iter()
        .filter_map(|failure| {
            let location = match failure {
                VerifyFailure::ConstraintNotSatisfied { location, .. }
                | VerifyFailure::Lookup { location, .. }
                | VerifyFailure::Permutation { location, .. } => location,
                _ => return None,
            };
            // The MockProver places an EVM lookup's failure outside any region, by its row:
            // the EVM region is the first to use its columns, so it starts at row 0 and rows
            // are offsets in it.
            let text = failure.to_string().lines().next().unwrap_or_default().to_string();
            let offset = match location {
                FailureLocation::InRegion { region, offset }
                    if region.to_string().ends_with("('evm')") =>
                {
                    *offset
                }
                FailureLocation::OutsideRegion { row } if text.contains("Lookup evm") => *row,
                _ => return None,
            };
            Some((step_at_row(honest, first_step, offset), text))
        })
        .collect();
    let steps = all_steps(honest);
    let lied_steps = all_steps(lied);
    for &(step, name) in lies {
        assert!(
            steps[step] == lied_steps[step] && steps[step + 1] == lied_steps[step + 1],
            "the lie at step {step} changes a step's state: tell it alone"
        );
        assert_reads_unchanged(honest, lied, step);
        assert!(
            located.iter().any(|(at, text)| *at == step && text.contains(name)),
            "the lie at step {step} ({:?}) was not caught there by {name:?}; failures: {:#?}",
            steps[step].kind,
            located.iter().take(20).collect::<Vec<_>>()
        );
    }
}

/// Panics unless the RWs of `step` read what they read in `honest`: the values read, and the
/// previous values of writes. A push's previous value is a free cell outside DUP and SWAP, so
/// it may differ there. Written values may differ: that is a lie itself.
fn assert_reads_unchanged(honest: &Trace, lied: &Trace, step: usize) {
    let steps = all_steps(honest);
    let dup_or_swap = matches!(steps[step].kind, StepKind::Op(0x80..=0x9f));
    for counter in steps[step].rw_counter..steps[step + 1].rw_counter {
        let (h, l) = (&honest.rws[counter as usize - 1], &lied.rws[counter as usize - 1]);
        let seen = |rw: &zkevm_executor::trace::Rw| match (rw.is_write(), rw.target) {
            (true, RwTarget::Stack { .. }) if !dup_or_swap => None,
            (true, _) => rw.value_prev(),
            (false, _) => Some(rw.value),
        };
        assert_eq!(
            seen(h),
            seen(l),
            "a lied step reads another lie at RW {counter}: split the test"
        );
    }
}

/// Flips byte `byte` (big-endian) of the `word`-th memory word the `nth` `opcode` step writes;
/// its word writes start at the step's RW `first_write`.
pub(super) fn lie_about_copied_byte(
    trace: &mut Trace,
    (opcode, nth, first_write): (u8, usize, usize),
    word: usize,
    byte: usize,
) {
    let step = step_of(trace, opcode, nth);
    let index = rw_index(trace, step, first_write + word);
    let value = trace.rws[index].value ^ (U256::from(0x5a) << (8 * (31 - byte)));
    lie_about_write(trace, index, value);
}

/// Index (in [`all_steps`]) of the `nth` step running `opcode`.
pub(super) fn step_of(trace: &Trace, opcode: u8, nth: usize) -> usize {
    all_steps(trace)
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == StepKind::Op(opcode))
        .nth(nth)
        .map(|(i, _)| i)
        .expect("the program runs it")
}

pub(super) fn step_mut(trace: &mut Trace, index: usize) -> &mut zkevm_executor::trace::Step {
    // Step `index` of `all_steps` for a one-transaction trace.
    &mut trace.txs[0].steps[index]
}
