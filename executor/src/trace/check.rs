//! The native replay check: the RW log alone, applied to the pre-state, must reproduce the
//! post-state, and every step must account for exactly its own RWs.
//!
//! What it proves about a trace:
//! - `rws[i].rw_counter == i + 1`, and the steps' `rw_counter .. + rw_count` ranges tile the
//!   log without gaps or overlaps;
//! - every read returns the latest write of its location, or the location's initial value
//!   (zero for memory, transient storage and flags; the pre-state for accounts and storage);
//!   stack and call-context locations and logs are never read before they are written;
//! - every write's `value_prev` is the value it overwrites;
//! - a storage entry's `committed_value` is the slot's value when its transaction started;
//! - replaying the writes turns `pre_state` into `post_state` exactly;
//! - each transaction's receipt log count and its final `TxLog` entries equal its logs;
//! - every keccak input hashes to its recorded hash;
//! - stack pointers stay within 1024 and each completed opcode reads and writes the stack
//!   slots its stack effect names.

// A failed check builds one error value that names the offending RW; the success path carries
// nothing. The size of that error is irrelevant to performance.
#![allow(clippy::result_large_err)]

use alloy_primitives::map::HashMap;

use alloy_primitives::{keccak256, Address, U256};
use revm::bytecode::opcode;

use super::{AccountField, LogField, ReceiptField, Rw, RwAccess, RwKey, RwTarget, StepKind, Trace};
use crate::tracer::opcode_io::stack_io;

/// The first way a trace fails the replay check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// An RW's counter is not its position.
    #[error("rw #{index} has rw_counter {got}, expected {expected}")]
    RwCounter {
        /// Position in the log (0-based).
        index: usize,
        /// Expected counter.
        expected: u64,
        /// Counter found.
        got: u64,
    },
    /// A read does not return the latest value.
    #[error("rw {rw_counter} reads {got} from {target:?}, but it holds {expected}")]
    StaleRead {
        /// The read.
        rw_counter: u64,
        /// Location.
        target: RwTarget,
        /// Current value.
        expected: U256,
        /// Value read.
        got: U256,
    },
    /// A write's previous value is wrong.
    #[error(
        "rw {rw_counter} overwrites {target:?} claiming it held {got}, but it held {expected}"
    )]
    WrongPrevious {
        /// The write.
        rw_counter: u64,
        /// Location.
        target: RwTarget,
        /// Current value.
        expected: U256,
        /// Claimed previous value.
        got: U256,
    },
    /// A location that must be written first was read.
    #[error("rw {rw_counter} reads {target:?} before anything wrote it")]
    ReadBeforeWrite {
        /// The read.
        rw_counter: u64,
        /// Location.
        target: RwTarget,
    },
    /// An account or slot touched by the log is missing from the pre-state summary.
    #[error("rw {rw_counter} touches {target:?}, which the pre-state summary does not list")]
    MissingPreState {
        /// The entry.
        rw_counter: u64,
        /// Location.
        target: RwTarget,
    },
    /// A storage entry's committed value is not the slot's value at the start of its tx.
    #[error("rw {rw_counter} says slot {key} of {address} was {got} at the start of tx {tx}, it was {expected}")]
    WrongCommittedValue {
        /// The entry.
        rw_counter: u64,
        /// Transaction.
        tx: usize,
        /// Account.
        address: Address,
        /// Slot.
        key: U256,
        /// Value at the start of the transaction.
        expected: U256,
        /// Value claimed.
        got: U256,
    },
    /// Replaying the log does not give the post-state.
    #[error(
        "after replay, {what} of {address} is {replayed}, but revm's post-state has {expected}"
    )]
    PostStateMismatch {
        /// Account.
        address: Address,
        /// Field or slot.
        what: String,
        /// Replayed value.
        replayed: U256,
        /// revm's value.
        expected: U256,
    },
    /// Steps do not cover the RW log exactly.
    #[error("tx {tx} step {step}: {reason}")]
    StepRange {
        /// Transaction.
        tx: usize,
        /// Step index within the transaction.
        step: usize,
        /// What is wrong.
        reason: String,
    },
    /// A step's stack accesses do not match its opcode.
    #[error("tx {tx} step {step} (opcode 0x{opcode:02x}): {reason}")]
    StackShape {
        /// Transaction.
        tx: usize,
        /// Step index within the transaction.
        step: usize,
        /// Opcode.
        opcode: u8,
        /// What is wrong.
        reason: String,
    },
    /// The logs rebuilt from the RW log differ from the receipt.
    #[error("tx {tx}: {reason}")]
    Logs {
        /// Transaction.
        tx: usize,
        /// What differs.
        reason: String,
    },
    /// A keccak input does not hash to its recorded hash.
    #[error("keccak input #{index} does not hash to its recorded hash")]
    KeccakMismatch {
        /// Position in `keccak_inputs`.
        index: usize,
    },
}

/// Whether reading a never-written location is a bug (stack, call context, logs, receipts).
fn must_be_written_first(target: &RwTarget) -> bool {
    matches!(
        target,
        RwTarget::Stack { .. }
            | RwTarget::CallContext { .. }
            | RwTarget::TxLog { .. }
            | RwTarget::TxReceipt { .. }
    )
}

struct Replay<'a> {
    trace: &'a Trace,
    /// Stack slots by (call, ptr): the bulk of all RWs, kept out of the general map.
    stacks: Vec<Vec<Option<U256>>>,
    values: HashMap<RwKey, U256>,
    /// Storage values at the start of each transaction: (tx, address, key).
    committed: HashMap<(usize, Address, U256), U256>,
}

impl Replay<'_> {
    fn apply_stack(&mut self, call: usize, ptr: usize, rw: &Rw) -> Result<(), CheckError> {
        if self.stacks.len() <= call {
            self.stacks.resize_with(call + 1, Vec::new);
        }
        let stack = &mut self.stacks[call];
        if stack.len() <= ptr {
            stack.resize(ptr + 1, None);
        }
        let current = stack[ptr];
        match (rw.access, current) {
            (RwAccess::Read, None) => {
                Err(CheckError::ReadBeforeWrite { rw_counter: rw.rw_counter, target: rw.target })
            }
            (RwAccess::Read, Some(v)) if v != rw.value => Err(CheckError::StaleRead {
                rw_counter: rw.rw_counter,
                target: rw.target,
                expected: v,
                got: rw.value,
            }),
            (RwAccess::Read, Some(_)) => Ok(()),
            (RwAccess::Write { prev }, current) if prev != current.unwrap_or_default() => {
                Err(CheckError::WrongPrevious {
                    rw_counter: rw.rw_counter,
                    target: rw.target,
                    expected: current.unwrap_or_default(),
                    got: prev,
                })
            }
            (RwAccess::Write { .. }, _) => {
                stack[ptr] = Some(rw.value);
                Ok(())
            }
        }
    }

    fn initial(&self, rw: &Rw) -> Result<U256, CheckError> {
        let missing =
            || CheckError::MissingPreState { rw_counter: rw.rw_counter, target: rw.target };
        match rw.target {
            RwTarget::Account { address, field } => {
                let acc = self.trace.pre_state.accounts.get(&address).ok_or_else(missing)?;
                Ok(match field {
                    AccountField::Nonce => U256::from(acc.nonce),
                    AccountField::Balance => acc.balance,
                    AccountField::CodeHash => U256::from_be_bytes(acc.code_hash.0),
                })
            }
            RwTarget::Storage { address, key, .. } => {
                let acc = self.trace.pre_state.accounts.get(&address).ok_or_else(missing)?;
                acc.storage.get(&key).copied().ok_or_else(missing)
            }
            target if must_be_written_first(&target) => {
                Err(CheckError::ReadBeforeWrite { rw_counter: rw.rw_counter, target })
            }
            _ => Ok(U256::ZERO),
        }
    }

    fn apply(&mut self, index: usize, rw: &Rw) -> Result<(), CheckError> {
        let expected_counter = index as u64 + 1;
        if rw.rw_counter != expected_counter {
            return Err(CheckError::RwCounter {
                index,
                expected: expected_counter,
                got: rw.rw_counter,
            });
        }
        if let RwTarget::Stack { call, ptr } = rw.target {
            return self.apply_stack(call, ptr as usize, rw);
        }
        let key = rw.target.key();
        let current = match self.values.get(&key) {
            Some(v) => *v,
            None if rw.is_write() && must_be_written_first(&rw.target) => U256::ZERO,
            None => self.initial(rw)?,
        };
        if let RwTarget::Storage { tx, address, key: slot, committed_value } = rw.target {
            let start = *self.committed.entry((tx, address, slot)).or_insert(current);
            if start != committed_value {
                return Err(CheckError::WrongCommittedValue {
                    rw_counter: rw.rw_counter,
                    tx,
                    address,
                    key: slot,
                    expected: start,
                    got: committed_value,
                });
            }
        }
        match rw.access {
            RwAccess::Read => {
                if rw.value != current {
                    return Err(CheckError::StaleRead {
                        rw_counter: rw.rw_counter,
                        target: rw.target,
                        expected: current,
                        got: rw.value,
                    });
                }
            }
            RwAccess::Write { prev } => {
                if prev != current {
                    return Err(CheckError::WrongPrevious {
                        rw_counter: rw.rw_counter,
                        target: rw.target,
                        expected: current,
                        got: prev,
                    });
                }
                self.values.insert(key, rw.value);
            }
        }
        Ok(())
    }
}

/// The replay check of a trace (the trace is plain data of `zkevm-trace`; the check, which
/// knows revm's opcodes, is the executor's).
pub trait ReplayCheck {
    /// Runs the replay check (see the module docs); `Ok` means the RW log is a faithful,
    /// self-consistent account of the execution.
    fn check(&self) -> Result<(), CheckError>;
}

impl ReplayCheck for Trace {
    fn check(&self) -> Result<(), CheckError> {
        let mut replay = Replay {
            trace: self,
            stacks: Vec::new(),
            values: HashMap::default(),
            committed: HashMap::default(),
        };
        for (index, rw) in self.rws.iter().enumerate() {
            replay.apply(index, rw)?;
        }
        check_post_state(self, &replay)?;
        check_steps(self)?;
        check_logs(self, &replay)?;
        for (index, input) in self.keccak_inputs.iter().enumerate() {
            if keccak256(&input.input) != input.hash {
                return Err(CheckError::KeccakMismatch { index });
            }
        }
        Ok(())
    }
}

fn check_post_state(trace: &Trace, replay: &Replay<'_>) -> Result<(), CheckError> {
    let pre = &trace.pre_state.accounts;
    for (address, post) in &trace.post_state.accounts {
        let Some(pre_acc) = pre.get(address) else {
            return Err(CheckError::PostStateMismatch {
                address: *address,
                what: "presence in the pre-state".into(),
                replayed: U256::ZERO,
                expected: U256::from(1),
            });
        };
        let fields = [
            (AccountField::Nonce, U256::from(post.nonce), U256::from(pre_acc.nonce)),
            (AccountField::Balance, post.balance, pre_acc.balance),
            (
                AccountField::CodeHash,
                U256::from_be_bytes(post.code_hash.0),
                U256::from_be_bytes(pre_acc.code_hash.0),
            ),
        ];
        for (field, expected, initial) in fields {
            let key = RwTarget::Account { address: *address, field }.key();
            let replayed = replay.values.get(&key).copied().unwrap_or(initial);
            if replayed != expected {
                return Err(CheckError::PostStateMismatch {
                    address: *address,
                    what: format!("{field:?}"),
                    replayed,
                    expected,
                });
            }
        }
        for (slot, expected) in &post.storage {
            let key = RwKey::Storage { address: *address, key: *slot };
            let initial = pre_acc.storage.get(slot).copied().unwrap_or_default();
            let replayed = replay.values.get(&key).copied().unwrap_or(initial);
            if replayed != *expected {
                return Err(CheckError::PostStateMismatch {
                    address: *address,
                    what: format!("storage slot {slot}"),
                    replayed,
                    expected: *expected,
                });
            }
        }
    }
    if pre.len() != trace.post_state.accounts.len() {
        return Err(CheckError::PostStateMismatch {
            address: Address::ZERO,
            what: "number of touched accounts".into(),
            replayed: U256::from(pre.len()),
            expected: U256::from(trace.post_state.accounts.len()),
        });
    }
    Ok(())
}

fn check_steps(trace: &Trace) -> Result<(), CheckError> {
    let mut next = 1u64;
    for (t, tx) in trace.txs.iter().enumerate() {
        for (s, step) in tx.steps.iter().enumerate() {
            let err = |reason: String| CheckError::StepRange { tx: t, step: s, reason };
            if step.rw_counter != next {
                return Err(err(format!("starts at rw {}, expected {next}", step.rw_counter)));
            }
            next += step.rw_count;
            if next > trace.rws.len() as u64 + 1 {
                return Err(err("claims RWs past the end of the log".into()));
            }
            if step.stack_pointer > 1024 {
                return Err(err(format!("stack pointer {} above 1024", step.stack_pointer)));
            }
            if let StepKind::Op(op) = step.kind {
                let rws = &trace.rws[(step.rw_counter - 1) as usize..(next - 1) as usize];
                check_stack_shape(op, step.stack_pointer as usize, step.call_index, rws).map_err(
                    |reason| CheckError::StackShape { tx: t, step: s, opcode: op, reason },
                )?;
            }
        }
    }
    if next != trace.rws.len() as u64 + 1 {
        return Err(CheckError::StepRange {
            tx: trace.txs.len(),
            step: 0,
            reason: format!("steps cover {} RWs of {}", next - 1, trace.rws.len()),
        });
    }
    Ok(())
}

fn check_logs(trace: &Trace, replay: &Replay<'_>) -> Result<(), CheckError> {
    for (t, tx) in trace.txs.iter().enumerate() {
        let get = |target: RwTarget| replay.values.get(&target.key()).copied();
        let err = |reason: String| CheckError::Logs { tx: t, reason };
        let count = get(RwTarget::TxReceipt { tx: t, field: ReceiptField::LogCount })
            .ok_or_else(|| err("no receipt log count".into()))?;
        if count != U256::from(tx.logs.len()) {
            return Err(err(format!(
                "receipt counts {count} logs, the transaction has {}",
                tx.logs.len()
            )));
        }
        for (id, log) in tx.logs.iter().enumerate() {
            let field = |field| get(RwTarget::TxLog { tx: t, log_id: id as u64, field });
            let address = U256::from_be_slice(log.address.as_slice());
            let mut ok = field(LogField::Address) == Some(address)
                && field(LogField::TopicCount) == Some(U256::from(log.topics.len()))
                && field(LogField::DataLength) == Some(U256::from(log.data.len()));
            for (i, topic) in log.topics.iter().enumerate() {
                ok &= field(LogField::Topic(i as u8)) == Some(U256::from_be_bytes(topic.0));
            }
            for (i, chunk) in log.data.chunks(32).enumerate() {
                let mut word = [0u8; 32];
                word[..chunk.len()].copy_from_slice(chunk);
                ok &= field(LogField::DataWord(i as u32)) == Some(U256::from_be_bytes(word));
            }
            if !ok {
                return Err(err(format!(
                    "log {id} rebuilt from the RW log differs from the receipt"
                )));
            }
        }
    }
    Ok(())
}

/// The stack RWs of a completed opcode must be: reads of its operands from the top down,
/// then writes of its results from the new top's base up (sub-call results come later).
fn check_stack_shape(op: u8, sp: usize, call: usize, rws: &[Rw]) -> Result<(), String> {
    let (inputs, outputs) = stack_io(op).ok_or("unassigned opcode completed")?;
    if sp < inputs {
        return Err(format!("pops {inputs} items from a stack of {sp}"));
    }
    // Expected (is_write, ptr) sequence, generated without allocating.
    let (dup, swap) =
        (matches!(op, opcode::DUP1..=opcode::DUP16), matches!(op, opcode::SWAP1..=opcode::SWAP16));
    let produced = if crate::tracer::opcode_io::starts_frame(op) { 0 } else { outputs };
    let expected_len = if dup {
        2
    } else if swap {
        4
    } else {
        inputs + produced
    };
    let expected = |i: usize| -> (bool, usize) {
        if dup {
            let n = (op - opcode::DUP1 + 1) as usize;
            [(false, sp - n), (true, sp)][i]
        } else if swap {
            let n = (op - opcode::SWAP1 + 1) as usize;
            [(false, sp - 1), (false, sp - 1 - n), (true, sp - 1), (true, sp - 1 - n)][i]
        } else if i < inputs {
            (false, sp - 1 - i)
        } else {
            (true, sp - inputs + (i - inputs))
        }
    };
    // A step that ends a sub-call also carries the caller's result write; it is not this
    // opcode's, so only the first `expected_len` stack accesses of this call are compared.
    let mut seen = 0;
    for rw in rws {
        let RwTarget::Stack { call: c, ptr } = rw.target else { continue };
        if c != call || seen == expected_len {
            continue;
        }
        let want = expected(seen);
        if (rw.is_write(), ptr as usize) != want {
            return Err(format!(
                "stack access #{seen} is {:?}, expected {want:?}",
                (rw.is_write(), ptr)
            ));
        }
        seen += 1;
    }
    if seen != expected_len {
        return Err(format!("{seen} stack accesses, expected {expected_len}"));
    }
    let height = sp - inputs + if dup { inputs + 1 } else { outputs };
    if height > 1024 {
        return Err("stack overflow in a completed step".into());
    }
    Ok(())
}
