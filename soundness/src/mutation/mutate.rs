//! Applying one semantic mutation to a clone of a trace.
//!
//! Each mutator picks its target with the campaign's generator among the trace's candidates
//! (steps, RW rows, codes, hashed inputs) and returns `None` when the trace has none. Value
//! changes are `x + 1`, `x − 1`, zero, one flipped bit or a random value, never `x` itself.
//! Lies about a write's value are told consistently: every later read of the location until
//! its next write returns the new value, and that write's previous value follows, so the RW
//! log stays self-consistent and only the gadget that produced the write can object.

use alloy_primitives::{Address, U256};
use zkevm_executor::opcodes::properties;
use zkevm_executor::trace::{
    AccountField, CallContextField, ReceiptField, RwAccess, RwTarget, Step, StepKind,
};
use zkevm_executor::Trace;

use super::kind::MutationKind;
use super::rng::SplitMix64;
use zkevm_circuits::evm::execution_state::opcode_name;
use zkevm_circuits::evm::gadgets::state_of;

/// A mutated clone of a trace and what was changed.
#[derive(Clone, Debug)]
pub struct Mutation {
    /// The kind of lie.
    pub kind: MutationKind,
    /// The step concerned, as an index into every step of the trace (EndBlock last).
    pub step: Option<usize>,
    /// That step's opcode name (`ADD`, `BeginTx`, ...); empty when no step is concerned.
    pub opcode: String,
    /// That step's gadget family (its execution state), or `none`.
    pub family: String,
    /// What was changed, in words (location, old and new values).
    pub change: String,
    /// The mutated trace.
    pub trace: Trace,
}

/// The steps of `trace` in order, EndBlock last.
fn steps(trace: &Trace) -> Vec<&Step> {
    zkevm_circuits::evm::witness::all_steps(trace)
}

fn step_mut(trace: &mut Trace, index: usize) -> Option<&mut Step> {
    let mut i = index;
    for tx in &mut trace.txs {
        if i < tx.steps.len() {
            return tx.steps.get_mut(i);
        }
        i -= tx.steps.len();
    }
    (i == 0).then_some(&mut trace.end_block)
}

/// The opcode name and family of a step.
pub fn step_label(step: &Step) -> (String, String) {
    let name = match &step.kind {
        StepKind::Op(op) => opcode_name(*op),
        StepKind::Error { opcode, .. } => format!("error at {}", opcode_name(*opcode)),
        other => format!("{other:?}"),
    };
    let family = match state_of(&step.kind) {
        Ok(state) => format!("{state:?}"),
        Err(_) => "unsupported".to_string(),
    };
    (name, family)
}

/// For each RW row, the index of the step that makes it.
fn owners(trace: &Trace) -> Vec<Option<usize>> {
    let mut out = vec![None; trace.rws.len()];
    for (i, step) in steps(trace).iter().enumerate() {
        let start = step.rw_counter.saturating_sub(1);
        for c in start..start.saturating_add(step.rw_count) {
            if let Some(slot) = out.get_mut(c as usize) {
                *slot = Some(i);
            }
        }
    }
    out
}

fn tweak_u64(rng: &mut SplitMix64, v: u64) -> u64 {
    loop {
        let new = match rng.below(4) {
            0 => v.wrapping_add(1),
            1 => v.wrapping_sub(1),
            2 => 0,
            _ => rng.next_u64() % (1 << 16),
        };
        if new != v {
            return new;
        }
    }
}

fn tweak_word(rng: &mut SplitMix64, v: U256) -> U256 {
    loop {
        let new = match rng.below(5) {
            0 => v.wrapping_add(U256::from(1)),
            1 => v.wrapping_sub(U256::from(1)),
            2 => U256::ZERO,
            3 => v ^ (U256::from(1) << rng.below(256)),
            _ => rng.word(),
        };
        if new != v {
            return new;
        }
    }
}

fn tweak_address(rng: &mut SplitMix64, a: Address) -> Address {
    let mut bytes = a.0 .0;
    let i = rng.below(20);
    bytes[i] ^= 1 + rng.below(255) as u8;
    Address::from(bytes)
}

/// Sets row `index`'s value and carries it to the later reads of its location until the next
/// write, whose previous value follows. Returns how many later rows changed.
fn propagate(trace: &mut Trace, index: usize, value: U256) -> usize {
    let Some(row) = trace.rws.get_mut(index) else { return 0 };
    row.value = value;
    let key = row.target.key();
    let mut changed = 0;
    for rw in trace.rws.iter_mut().skip(index + 1) {
        if rw.target.key() != key {
            continue;
        }
        changed += 1;
        if rw.is_write() {
            rw.access = RwAccess::Write { prev: value };
            break;
        }
        rw.value = value;
    }
    changed
}

/// Renumbers after row `index` was removed (`delta = -1`) or a copy of it inserted after it
/// (`delta = 1`): later counters, the owning step's RW count, later steps and copy events.
fn renumber(trace: &mut Trace, index: usize, owner: usize, delta: i64) {
    let counter = index as u64 + 1;
    for (j, rw) in trace.rws.iter_mut().enumerate() {
        rw.rw_counter = j as u64 + 1;
    }
    let shift = |c: &mut u64| {
        if *c > counter {
            *c = c.saturating_add_signed(delta);
        }
    };
    let total = steps(trace).len();
    for i in 0..total {
        if let Some(step) = step_mut(trace, i) {
            if i == owner {
                step.rw_count = step.rw_count.saturating_add_signed(delta);
            } else {
                shift(&mut step.rw_counter);
            }
        }
    }
    for event in &mut trace.copy_events {
        shift(&mut event.rw_counter);
    }
}

/// Applies one mutation of `kind` to a clone of `trace`, or `None` when the trace offers no
/// target for it.
pub fn mutate(trace: &Trace, kind: MutationKind, rng: &mut SplitMix64) -> Option<Mutation> {
    let mut t = trace.clone();
    let owners = owners(trace);
    let (step, change) = match kind {
        MutationKind::Pc
        | MutationKind::GasLeft
        | MutationKind::GasCost
        | MutationKind::StackPointer
        | MutationKind::MemoryWordSize
        | MutationKind::StepRwCounter
        | MutationKind::ReversibleWriteCounter
        | MutationKind::LogId => {
            let i = rng.below(steps(trace).len());
            let step = step_mut(&mut t, i)?;
            let (name, field): (&str, &mut u64) = match kind {
                MutationKind::Pc => ("pc", &mut step.pc),
                MutationKind::GasLeft => ("gas_left", &mut step.gas_left),
                MutationKind::GasCost => ("gas_cost", &mut step.gas_cost),
                MutationKind::MemoryWordSize => ("memory_word_size", &mut step.memory_word_size),
                MutationKind::StepRwCounter => ("rw_counter", &mut step.rw_counter),
                MutationKind::ReversibleWriteCounter => {
                    ("reversible_write_counter", &mut step.reversible_write_counter)
                }
                MutationKind::LogId => ("log_id", &mut step.log_id),
                _ => {
                    let old = step.stack_pointer;
                    let new = (tweak_u64(rng, old as u64) % 1025) as u16;
                    let new = if new == old { old ^ 1 } else { new };
                    step.stack_pointer = new;
                    return finish(
                        trace,
                        t,
                        kind,
                        Some(i),
                        format!("stack_pointer {old} -> {new}"),
                    );
                }
            };
            let old = *field;
            *field = tweak_u64(rng, old);
            (Some(i), format!("{name} {old} -> {}", *field))
        }
        MutationKind::StackPush | MutationKind::MemoryWord | MutationKind::KeccakOutput => {
            let candidates: Vec<usize> = (0..trace.rws.len())
                .filter(|&j| {
                    let rw = &trace.rws[j];
                    let owner = owners[j].and_then(|o| steps(trace).get(o).map(|s| s.kind.clone()));
                    rw.is_write()
                        && match (kind, rw.target) {
                            (MutationKind::StackPush, RwTarget::Stack { .. }) => {
                                matches!(owner, Some(StepKind::Op(_)))
                            }
                            (MutationKind::KeccakOutput, RwTarget::Stack { .. }) => {
                                owner == Some(StepKind::Op(0x20))
                            }
                            (MutationKind::MemoryWord, RwTarget::Memory { .. }) => true,
                            _ => false,
                        }
                })
                .collect();
            let j = *rng.pick(&candidates)?;
            let old = trace.rws[j].value;
            let new = tweak_word(rng, old);
            let later = propagate(&mut t, j, new);
            (
                owners[j],
                format!(
                    "rw {} {:?}: {old:#x} -> {new:#x} (+{later} later rows)",
                    j + 1,
                    trace.rws[j].target
                ),
            )
        }
        MutationKind::StackInput => {
            let candidates: Vec<usize> = (0..trace.rws.len())
                .filter(|&j| {
                    !trace.rws[j].is_write()
                        && matches!(trace.rws[j].target, RwTarget::Stack { .. })
                })
                .collect();
            let j = *rng.pick(&candidates)?;
            let old = trace.rws[j].value;
            let new = tweak_word(rng, old);
            t.rws[j].value = new;
            (
                owners[j],
                format!("rw {} {:?} read: {old:#x} -> {new:#x}", j + 1, trace.rws[j].target),
            )
        }
        MutationKind::RwValue | MutationKind::Refund | MutationKind::LogTopic => {
            let candidates: Vec<usize> = (0..trace.rws.len())
                .filter(|&j| match kind {
                    MutationKind::Refund => {
                        matches!(trace.rws[j].target, RwTarget::TxRefund { .. })
                    }
                    MutationKind::LogTopic => {
                        trace.rws[j].is_write()
                            && matches!(
                                trace.rws[j].target,
                                RwTarget::TxLog {
                                    field: zkevm_executor::trace::LogField::Topic(_),
                                    ..
                                }
                            )
                    }
                    _ => true,
                })
                .collect();
            let j = *rng.pick(&candidates)?;
            let rw = &trace.rws[j];
            let new = tweak_word(rng, rw.value);
            let detail = if rw.is_write() {
                let later = propagate(&mut t, j, new);
                format!("write, +{later} later rows")
            } else {
                t.rws[j].value = new;
                "read".to_string()
            };
            (
                owners[j],
                format!(
                    "rw {} {:?} value {:#x} -> {new:#x} ({detail})",
                    j + 1,
                    rw.target,
                    rw.value
                ),
            )
        }
        MutationKind::RwValuePrev => {
            let candidates: Vec<usize> =
                (0..trace.rws.len()).filter(|&j| trace.rws[j].is_write()).collect();
            let j = *rng.pick(&candidates)?;
            let old = trace.rws[j].value_prev().unwrap_or_default();
            let new = tweak_word(rng, old);
            t.rws[j].access = RwAccess::Write { prev: new };
            (
                owners[j],
                format!("rw {} {:?} value_prev {old:#x} -> {new:#x}", j + 1, trace.rws[j].target),
            )
        }
        MutationKind::RwKey => {
            let j = rng.below(trace.rws.len());
            let old = trace.rws.get(j)?.target;
            let new = other_target(rng, old);
            t.rws[j].target = new;
            (owners[j], format!("rw {} target {old:?} -> {new:?}", j + 1))
        }
        MutationKind::RwIsWrite => {
            let j = rng.below(trace.rws.len());
            let row = t.rws.get_mut(j)?;
            row.access = match row.access {
                RwAccess::Read => RwAccess::Write { prev: row.value },
                RwAccess::Write { .. } => RwAccess::Read,
            };
            let what = if row.is_write() { "read -> write" } else { "write -> read" };
            (owners[j], format!("rw {} {:?}: {what}", j + 1, row.target))
        }
        MutationKind::StorageCommitted => {
            let candidates: Vec<usize> = (0..trace.rws.len())
                .filter(|&j| matches!(trace.rws[j].target, RwTarget::Storage { .. }))
                .collect();
            let j = *rng.pick(&candidates)?;
            let RwTarget::Storage { tx, address, key, committed_value } = trace.rws[j].target
            else {
                return None;
            };
            let new = tweak_word(rng, committed_value);
            let mut rows = 0;
            for rw in &mut t.rws {
                if let RwTarget::Storage { tx: t2, address: a2, key: k2, committed_value: c } =
                    &mut rw.target
                {
                    if (*t2, *a2, *k2) == (tx, address, key) {
                        *c = new;
                        rows += 1;
                    }
                }
            }
            (owners[j], format!("slot {key:#x} of {address} in tx {tx}: committed {committed_value:#x} -> {new:#x} on {rows} rows"))
        }
        MutationKind::ExecutionState | MutationKind::Opcode => {
            let all = steps(trace);
            let candidates: Vec<(usize, u8, Vec<u8>)> = all
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    let StepKind::Op(op) = s.kind else { return None };
                    let alternatives = replacement_opcodes(op, kind == MutationKind::Opcode);
                    (!alternatives.is_empty()).then_some((i, op, alternatives))
                })
                .collect();
            let (i, op, alternatives) = rng.pick(&candidates)?.clone();
            let new = *rng.pick(&alternatives)?;
            step_mut(&mut t, i)?.kind = StepKind::Op(new);
            (Some(i), format!("opcode {} -> {}", opcode_name(op), opcode_name(new)))
        }
        MutationKind::DropRw | MutationKind::DuplicateRw => {
            let candidates: Vec<(usize, usize)> =
                owners.iter().enumerate().filter_map(|(j, o)| o.map(|o| (j, o))).collect();
            let (j, owner) = *rng.pick(&candidates)?;
            let row = trace.rws[j].clone();
            if kind == MutationKind::DropRw {
                t.rws.remove(j);
                renumber(&mut t, j, owner, -1);
                (Some(owner), format!("rw {} {:?} dropped", j + 1, row.target))
            } else {
                let mut copy = row.clone();
                if copy.is_write() {
                    copy.access = RwAccess::Write { prev: copy.value };
                }
                t.rws.insert(j + 1, copy);
                renumber(&mut t, j, owner, 1);
                (Some(owner), format!("rw {} {:?} duplicated", j + 1, row.target))
            }
        }
        MutationKind::SwapSteps => {
            let candidates: Vec<(usize, usize, usize)> = {
                let mut out = Vec::new();
                let mut base = 0;
                for (x, tx) in trace.txs.iter().enumerate() {
                    for s in 0..tx.steps.len().saturating_sub(1) {
                        out.push((x, s, base + s));
                    }
                    base += tx.steps.len();
                }
                out
            };
            let (x, s, global) = *rng.pick(&candidates)?;
            t.txs.get_mut(x)?.steps.swap(s, s + 1);
            let (a, _) = step_label(&trace.txs[x].steps[s]);
            let (b, _) = step_label(&trace.txs[x].steps[s + 1]);
            (Some(global), format!("steps {global} ({a}) and {} ({b}) swapped", global + 1))
        }
        MutationKind::BytecodeByte => {
            let hashes: Vec<_> =
                trace.bytecodes.iter().filter(|(_, c)| !c.is_empty()).map(|(h, _)| *h).collect();
            let hash = *rng.pick(&hashes)?;
            let code = trace.bytecodes.get(&hash)?;
            // Half the time a byte some step executes, otherwise any byte.
            let executed: Vec<(usize, usize)> = steps(trace)
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    matches!(s.kind, StepKind::Op(_))
                        && trace.calls.get(s.call_index).is_some_and(|c| c.code_hash == hash)
                        && (s.pc as usize) < code.len()
                })
                .map(|(i, s)| (i, s.pc as usize))
                .collect();
            let (step, index) = match rng.below(2) {
                0 if !executed.is_empty() => {
                    let (i, pc) = *rng.pick(&executed)?;
                    (Some(i), pc)
                }
                _ => (None, rng.below(code.len())),
            };
            let mut bytes = code.to_vec();
            let old = bytes[index];
            bytes[index] ^= 1 + rng.below(255) as u8;
            let new = bytes[index];
            t.bytecodes.insert(hash, bytes.into());
            (step, format!("code {hash}: byte {index} {old:#04x} -> {new:#04x}"))
        }
        MutationKind::KeccakInput => {
            let candidates: Vec<usize> = (0..trace.keccak_inputs.len())
                .filter(|&i| !trace.keccak_inputs[i].input.is_empty())
                .collect();
            let i = *rng.pick(&candidates)?;
            let original = trace.keccak_inputs[i].input.clone();
            let mut bytes = original.to_vec();
            let index = rng.below(bytes.len());
            let old = bytes[index];
            bytes[index] ^= 1 + rng.below(255) as u8;
            let new = bytes[index];
            // Every copy of the input changes: a copy left behind would keep the true row in
            // the keccak table, and the mutation would only add a true row nobody looks up.
            let bytes: alloy_primitives::Bytes = bytes.into();
            let mut copies = 0;
            for entry in &mut t.keccak_inputs {
                if entry.input == original {
                    entry.input = bytes.clone();
                    copies += 1;
                }
            }
            (
                None,
                format!(
                    "keccak input #{i} ({copies} copies): byte {index} {old:#04x} -> {new:#04x}"
                ),
            )
        }
    };
    finish(trace, t, kind, step, change)
}

fn finish(
    original: &Trace,
    trace: Trace,
    kind: MutationKind,
    step: Option<usize>,
    change: String,
) -> Option<Mutation> {
    let (opcode, family) = match step.and_then(|i| steps(original).get(i).copied()) {
        Some(s) => step_label(s),
        None => (String::new(), "none".to_string()),
    };
    Some(Mutation { kind, step, opcode, family, change, trace })
}

/// Supported opcodes that could stand in for `op`: the same stack effect, and the same gadget
/// (`same_gadget`) or another one.
fn replacement_opcodes(op: u8, same_gadget: bool) -> Vec<u8> {
    let Ok(state) = state_of(&StepKind::Op(op)) else { return Vec::new() };
    let p = properties(op);
    (0..=255u8)
        .filter(|&o| o != op)
        .filter(|&o| {
            let q = properties(o);
            q.stack_in == p.stack_in
                && q.stack_out == p.stack_out
                && state_of(&StepKind::Op(o)).is_ok_and(|s| (s == state) == same_gadget)
        })
        .collect()
}

/// Another location of the same kind: a neighbouring slot, word or key, another field.
fn other_target(rng: &mut SplitMix64, target: RwTarget) -> RwTarget {
    let step = |rng: &mut SplitMix64, v: u64| -> u64 {
        if v == 0 || rng.below(2) == 0 {
            v + 1
        } else {
            v - 1
        }
    };
    match target {
        RwTarget::Stack { call, ptr } => {
            RwTarget::Stack { call, ptr: step(rng, ptr as u64).min(1023) as u16 }
        }
        RwTarget::Memory { call, word_addr } => {
            RwTarget::Memory { call, word_addr: step(rng, word_addr) }
        }
        RwTarget::Storage { tx, address, key, committed_value } => {
            RwTarget::Storage { tx, address, key: tweak_word(rng, key), committed_value }
        }
        RwTarget::TransientStorage { tx, address, key } => {
            RwTarget::TransientStorage { tx, address, key: tweak_word(rng, key) }
        }
        RwTarget::Account { address, field } => {
            if rng.below(2) == 0 {
                RwTarget::Account { address: tweak_address(rng, address), field }
            } else {
                let field = match field {
                    AccountField::Nonce => AccountField::Balance,
                    AccountField::Balance => AccountField::CodeHash,
                    AccountField::CodeHash => AccountField::Nonce,
                };
                RwTarget::Account { address, field }
            }
        }
        RwTarget::CallContext { call, field } => {
            const FIELDS: [CallContextField; 12] = CallContextField::ALL;
            let at = FIELDS.iter().position(|f| *f == field).unwrap_or(0);
            let field = FIELDS[(at + 1 + rng.below(FIELDS.len() - 1)) % FIELDS.len()];
            RwTarget::CallContext { call, field }
        }
        RwTarget::TxAccessListAccount { tx, address } => {
            RwTarget::TxAccessListAccount { tx, address: tweak_address(rng, address) }
        }
        RwTarget::TxAccessListStorage { tx, address, key } => {
            RwTarget::TxAccessListStorage { tx, address, key: tweak_word(rng, key) }
        }
        RwTarget::TxRefund { tx } => RwTarget::TxRefund { tx: tx + 1 },
        RwTarget::TxLog { tx, log_id, field } => {
            RwTarget::TxLog { tx, log_id: step(rng, log_id), field }
        }
        RwTarget::TxReceipt { tx, field } => {
            let field = match field {
                ReceiptField::Success => ReceiptField::CumulativeGasUsed,
                ReceiptField::CumulativeGasUsed => ReceiptField::LogCount,
                ReceiptField::LogCount => ReceiptField::Success,
            };
            RwTarget::TxReceipt { tx, field }
        }
    }
}
