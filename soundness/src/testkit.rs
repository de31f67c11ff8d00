//! A kit for gadget tests: an assembler over opcode names ([`asm`]), a trace builder
//! ([`TraceBuilder`]: accounts, the called contract, the transaction, the block), a lie builder
//! ([`Lie`]: change a step's RW, its gas, its opcode) and the verdicts ([`passes`],
//! [`rejects`]) of the whole circuit on a trace. A gadget test is a few lines:
//!
//! ```no_run
//! use zkevm_soundness::testkit::{asm, rejects, passes, Lie, TraceBuilder};
//! let trace = TraceBuilder::calling(asm("PUSH1 5 PUSH1 7 ADD STOP")).trace();
//! passes(&trace);
//! let lie = Lie::new(trace).at_op("ADD", 0).pushed(alloy_primitives::U256::from(13)).done();
//! rejects(lie, "ADD/SUB");
//! ```
//!
//! Lies are judged without witness generation's checks: the constraints alone must reject
//! them, because a forger does not run our witness generator.

use std::sync::Arc;

use alloy_primitives::{address, Address, U256};
use halo2_proofs::halo2curves::bn256::Fr;
use zkevm_executor::batch::{Batch, BatchAccount, BatchBlock, BatchTx};
use zkevm_executor::trace::{RwAccess, StepKind};
use zkevm_executor::{opcodes, trace_batch, Trace};

use zkevm_circuits::super_circuit::{ChunkParams, SuperCircuit};

/// The sender of the kit's transactions.
pub const SENDER: Address = address!("0x5e00000000000000000000000000000000000001");
/// The contract the kit's transactions call.
pub const CONTRACT: Address = address!("0xc000000000000000000000000000000000000001");
/// The kit's coinbase.
pub const COINBASE: Address = address!("0xc0ffee0000000000000000000000000000000000");

/// The opcode byte named `name` (`ADD`, `PUSH1`, `DUP16`, ...).
pub fn opcode(name: &str) -> u8 {
    let upper = name.to_ascii_uppercase();
    (0..=255u8)
        .find(|&op| opcodes::name(op) == Some(upper.as_str()))
        .unwrap_or_else(|| panic!("no opcode named {name}"))
}

/// Assembles `source`: opcode names separated by whitespace; a `PUSHn` takes the next word
/// as its operand (decimal, or `0x` hex, or `:label`), a bare `PUSH` takes the smallest size
/// for its operand; `label:` marks a JUMPDEST there (it is emitted), and `:label` as a PUSH
/// operand pushes its address (as PUSH2). Panics on a malformed program (a test's bug).
pub fn asm(source: &str) -> Vec<u8> {
    let mut code = Vec::new();
    let mut labels = std::collections::BTreeMap::new();
    let mut patches = Vec::new();
    let mut words = source.split_whitespace();
    while let Some(word) = words.next() {
        if let Some(label) = word.strip_suffix(':') {
            labels.insert(label.to_string(), code.len());
            code.push(opcode("JUMPDEST"));
            continue;
        }
        let upper = word.to_ascii_uppercase();
        if upper == "PUSH" || (upper.starts_with("PUSH") && upper != "PUSH0") {
            let operand = words.next().unwrap_or_else(|| panic!("{word} needs an operand"));
            if let Some(label) = operand.strip_prefix(':') {
                code.push(opcode("PUSH2"));
                patches.push((code.len(), label.to_string()));
                code.extend([0, 0]);
                continue;
            }
            let value = parse_number(operand);
            let size = match upper.strip_prefix("PUSH").and_then(|n| n.parse::<usize>().ok()) {
                Some(n) => n,
                None => value.byte_len().max(1),
            };
            assert!((1..=32).contains(&size), "{word}: no such PUSH");
            assert!(value.byte_len() <= size, "{operand} does not fit {word}");
            code.push(0x5f + size as u8);
            code.extend_from_slice(&value.to_be_bytes::<32>()[32 - size..]);
            continue;
        }
        code.push(opcode(word));
    }
    for (at, label) in patches {
        let target = *labels.get(&label).unwrap_or_else(|| panic!("no label {label}"));
        code[at..at + 2].copy_from_slice(&(target as u16).to_be_bytes());
    }
    code
}

fn parse_number(text: &str) -> U256 {
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => U256::from_str_radix(hex, 16),
        None => U256::from_str_radix(text, 10),
    };
    parsed.unwrap_or_else(|_| panic!("{text} is not a number"))
}

/// Builds a one-transaction trace: the sender calls [`CONTRACT`] running some code.
#[derive(Clone, Debug)]
pub struct TraceBuilder {
    block: BatchBlock,
    accounts: Vec<(Address, BatchAccount)>,
    code: Vec<u8>,
    calldata: Vec<u8>,
    value: U256,
    gas_limit: u64,
}

impl TraceBuilder {
    /// A call of `code` with no calldata, no value, a million gas, in block 10.
    pub fn calling(code: Vec<u8>) -> Self {
        Self {
            block: BatchBlock::simple(COINBASE, 10),
            accounts: Vec::new(),
            code,
            calldata: Vec::new(),
            value: U256::ZERO,
            gas_limit: 1_000_000,
        }
    }

    /// With calldata.
    pub fn calldata(mut self, calldata: Vec<u8>) -> Self {
        self.calldata = calldata;
        self
    }

    /// With value sent.
    pub fn value(mut self, value: U256) -> Self {
        self.value = value;
        self
    }

    /// With a gas limit.
    pub fn gas_limit(mut self, gas_limit: u64) -> Self {
        self.gas_limit = gas_limit;
        self
    }

    /// With another account in the pre-state.
    pub fn account(mut self, address: Address, account: BatchAccount) -> Self {
        self.accounts.push((address, account));
        self
    }

    /// In another block.
    pub fn block(mut self, block: BatchBlock) -> Self {
        self.block = block;
        self
    }

    /// The traced execution (panics if the executor refuses it: a test's bug).
    pub fn trace(self) -> Trace {
        let mut batch = Batch::new(self.block);
        let funds = BatchAccount { balance: U256::from(10u128.pow(20)), ..Default::default() };
        batch.pre.insert(SENDER, funds);
        batch.pre.insert(CONTRACT, BatchAccount { code: self.code.into(), ..Default::default() });
        batch.pre.extend(self.accounts);
        batch.transactions.push(BatchTx {
            sender: Some(SENDER),
            tx_type: Some(2),
            nonce: Some(0),
            gas_limit: Some(self.gas_limit),
            max_fee_per_gas: Some(10),
            max_priority_fee_per_gas: Some(1),
            to: Some(CONTRACT),
            value: self.value,
            data: self.calldata.into(),
            ..Default::default()
        });
        let input = batch.to_input("test kit").expect("the batch builds");
        trace_batch(&input, "test kit").expect("the batch traces").trace
    }
}

/// A lie about a trace: pick a step, change what it did.
#[derive(Clone, Debug)]
pub struct Lie {
    trace: Trace,
    /// `(transaction, step)` of the chosen step.
    at: Option<(usize, usize)>,
}

impl Lie {
    /// A lie about `trace` (no step chosen yet).
    pub fn new(trace: Trace) -> Self {
        Self { trace, at: None }
    }

    /// Chooses the `nth` (from 0) completed step of opcode `name`.
    pub fn at_op(mut self, name: &str, nth: usize) -> Self {
        let op = opcode(name);
        let found = self
            .trace
            .txs
            .iter()
            .enumerate()
            .flat_map(|(t, tx)| tx.steps.iter().enumerate().map(move |(s, step)| (t, s, step)))
            .filter(|(_, _, step)| step.kind == StepKind::Op(op))
            .nth(nth)
            .map(|(t, s, _)| (t, s));
        self.at = Some(found.unwrap_or_else(|| panic!("no {name} number {nth}")));
        self
    }

    fn step_rw(&self, index: usize) -> usize {
        let (t, s) = self.at.expect("choose a step first");
        let step = &self.trace.txs[t].steps[s];
        assert!((index as u64) < step.rw_count, "the step has {} RWs", step.rw_count);
        (step.rw_counter - 1) as usize + index
    }

    /// The chosen step's RW `index` holds `value` (later writes of the location replace it,
    /// so the log stays consistent: only the step's own claim changes).
    pub fn rw_value(mut self, index: usize, value: U256) -> Self {
        let at = self.step_rw(index);
        let target = self.trace.rws[at].target;
        self.trace.rws[at].value = value;
        let later = self.trace.rws[at + 1..].iter_mut().filter(|rw| rw.target == target);
        for rw in later {
            if let RwAccess::Write { prev } = &mut rw.access {
                *prev = value;
                break;
            }
        }
        self
    }

    /// The chosen step pushes `value` (its last RW is the push).
    pub fn pushed(self, value: U256) -> Self {
        let (t, s) = self.at.expect("choose a step first");
        let last = self.trace.txs[t].steps[s].rw_count as usize - 1;
        self.rw_value(last, value)
    }

    /// The chosen step ran `name` instead.
    pub fn opcode(mut self, name: &str) -> Self {
        let (t, s) = self.at.expect("choose a step first");
        self.trace.txs[t].steps[s].kind = StepKind::Op(opcode(name));
        self
    }

    /// Every step after the chosen one has `delta` more gas left: the chosen step claims to
    /// have charged `delta` less than its cost.
    pub fn gas_refunded(mut self, delta: u64) -> Self {
        let (t, s) = self.at.expect("choose a step first");
        for step in self.trace.txs[t].steps[s + 1..].iter_mut() {
            step.gas_left += delta;
        }
        self
    }

    /// The trace with the lie.
    pub fn done(self) -> Trace {
        self.trace
    }
}

/// The MockProver's failures on `trace`'s whole circuit, sized to fit it (with witness
/// generation's checks when `checked`); a circuit that cannot be built is one failure.
pub fn failures(trace: &Trace, checked: bool) -> Vec<String> {
    let params = ChunkParams::fitting(trace);
    let trace = Arc::new(trace.clone());
    let circuit = match checked {
        true => SuperCircuit::new(trace, params),
        false => SuperCircuit::new_unchecked(trace, params),
    };
    let circuit = match circuit {
        Ok(circuit) => circuit,
        Err(e) => return vec![e.to_string()],
    };
    match zkevm_circuits::mock::run(params.k::<Fr>(), &circuit, circuit.instances()) {
        Ok(failures) => failures.iter().map(|f| f.to_string()).collect(),
        Err(e) => vec![format!("{e:?}")],
    }
}

/// Asserts that `trace` passes witness generation and every constraint.
pub fn passes(trace: &Trace) {
    let failures = failures(trace, true);
    assert!(failures.is_empty(), "an honest trace fails: {failures:#?}");
}

/// Asserts that the constraints alone reject `lie`, with a failure naming `name`.
pub fn rejects(lie: Trace, name: &str) {
    let failures = failures(&lie, false);
    assert!(!failures.is_empty(), "a lie was accepted (expected {name:?} to fail)");
    assert!(
        failures.iter().any(|f| f.contains(name)),
        "expected a failure naming {name:?}, got {failures:#?}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_assembler_knows_names_sizes_and_labels() {
        assert_eq!(asm("PUSH1 5 PUSH 0x0102 ADD STOP"), vec![0x60, 5, 0x61, 1, 2, 0x01, 0x00]);
        assert_eq!(asm("PUSH0 push32 1")[..2], [0x5f, 0x7f]);
        assert_eq!(asm("PUSH :end JUMP INVALID end: STOP"), vec![0x61, 0, 5, 0x56, 0xfe, 0x5b, 0]);
        assert_eq!(opcode("dup16"), 0x8f);
    }

    #[test]
    #[should_panic(expected = "no opcode named FROB")]
    fn an_unknown_name_is_refused() {
        asm("FROB");
    }

    #[test]
    fn a_gadget_test_is_a_few_lines() {
        let trace = TraceBuilder::calling(asm("PUSH1 5 PUSH1 7 ADD STOP")).trace();
        passes(&trace);
        let lie = Lie::new(trace.clone()).at_op("ADD", 0).pushed(U256::from(13)).done();
        rejects(lie, "ADD/SUB");
        let lie = Lie::new(trace).at_op("ADD", 0).gas_refunded(1).done();
        rejects(lie, "gas is charged");
    }
}
