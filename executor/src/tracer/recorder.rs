//! The recorder: the trace under construction and the primitive operations that extend it
//! (push an RW, open and close a step, a frame, a transaction).

use crate::collision::CreateCollisionGuard;
use std::collections::BTreeMap;

use alloy_primitives::map::{HashMap, HashSet};

use alloy_primitives::{Address, Bytes, B256, U256};
use revm::context_interface::journaled_state::entry::JournalEntry;
use revm::Database;
use smallvec::SmallVec;

use super::state_view::{absent_account, InitialState, StateView};
use crate::trace::{CallRecord, CopyEvent, KeccakInput, Rw, RwTarget, Step, StepKind, TxTrace};

/// A location whose EIP-2929 warm flag the journal tracks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum WarmKey {
    Account(Address),
    Slot(Address, U256),
}

/// What a step looked like before its opcode ran.
#[derive(Clone, Debug)]
pub(crate) struct PendingStep {
    pub opcode: u8,
    pub pc: u64,
    pub gas_left: u64,
    pub stack_len: usize,
    pub memory_len: usize,
    /// Stack operands, top first (as many as the opcode pops).
    pub operands: SmallVec<[U256; 8]>,
    pub refund_before: i64,
}

/// How a sub-frame's result comes back to its caller.
#[derive(Clone, Debug)]
pub(crate) struct PendingReturn {
    /// Stack slot of the result (success flag or created address).
    pub stack_ptr: u16,
    /// Caller memory the returned bytes go to (calls only).
    pub ret_offset: u64,
    pub ret_len: u64,
    /// Caller memory the callee's calldata or init code came from.
    pub args_offset: u64,
    /// Callee frame id, known once the callee frame starts.
    pub callee: Option<usize>,
    /// The callee's output, known once it ends.
    pub output: Option<Bytes>,
    pub is_create: bool,
}

/// A frame on the recorder's call stack.
#[derive(Debug)]
pub(crate) struct Frame {
    pub call: usize,
    pub refund_at_start: i64,
    pub log_id_at_start: u64,
    /// RW indices of the reversible writes made while this frame ran (its own and those of
    /// sub-frames that succeeded), in order. A failing frame undoes them in reverse.
    pub reversible: Vec<usize>,
    pub pending_return: Option<PendingReturn>,
    pub last_callee: Option<usize>,
}

/// Recording state of the transaction in progress.
#[derive(Debug, Default)]
pub(crate) struct TxRecording {
    pub index: usize,
    pub gas_limit: u64,
    pub steps: Vec<Step>,
    pub frames: Vec<Frame>,
    pub log_id: u64,
    pub refund: i64,
    /// revm journal entries already turned into RWs (compared with revm's at each hook).
    pub journal: Vec<JournalEntry>,
    pub pending: Option<PendingStep>,
    /// Storage values at the start of the transaction (EIP-2200 "original").
    pub committed: HashMap<(Address, U256), U256>,
    /// Warm flags set by the current step's own RWs, matched against the journal.
    pub warmed_this_step: HashSet<WarmKey>,
    /// Locations warm when the transaction starts (sender, recipient, coinbase, access list).
    pub warm_at_start: Vec<WarmKey>,
    /// The RW index of each frame's IsSuccess write, patched when the frame ends.
    pub is_success_rw: HashMap<usize, usize>,
}

/// The batch trace under construction. Created by [`crate::run`], driven by revm through
/// its [`revm::Inspector`] implementation.
#[derive(Debug, Default)]
pub struct TraceRecorder {
    pub(crate) rws: Vec<Rw>,
    pub(crate) calls: Vec<CallRecord>,
    pub(crate) bytecodes: BTreeMap<B256, Bytes>,
    pub(crate) copy_events: Vec<CopyEvent>,
    pub(crate) keccak_inputs: Vec<KeccakInput>,
    pub(crate) state: StateView,
    pub(crate) txs: Vec<TxTrace>,
    pub(crate) tx: Option<TxRecording>,
    /// Inconsistencies between what the recorder derived and what revm did. A trace with any
    /// is rejected.
    pub(crate) errors: Vec<String>,
    /// Addresses warm at the start of every transaction (precompiles).
    pub(crate) precompiles: Vec<Address>,
    pub(crate) cumulative_gas: u64,
    /// Most RWs the trace may hold; past it recording stops (see [`Self::overflowed`]).
    pub(crate) max_rws: Option<usize>,
    /// Set when the trace outgrew `max_rws`: everything recorded is dropped and the hooks do
    /// nothing more.
    pub(crate) overflowed: bool,
    /// EIP-7610's check, the same as a plain run's.
    pub(crate) collisions: CreateCollisionGuard,
}

/// [`InitialState`] over a revm database: values at the start of the current transaction.
pub(crate) struct DbInitial<'a, DB>(pub &'a mut DB);

impl<DB: Database> InitialState for DbInitial<'_, DB> {
    fn account(&mut self, address: Address) -> Result<(u64, U256, B256), String> {
        match self.0.basic(address) {
            Ok(Some(info)) => Ok((info.nonce, info.balance, info.code_hash)),
            Ok(None) => Ok(absent_account()),
            Err(e) => Err(format!("database error loading {address}: {e}")),
        }
    }

    fn storage(&mut self, address: Address, key: U256) -> Result<U256, String> {
        self.0
            .storage(address, key)
            .map_err(|e| format!("database error loading {address}[{key}]: {e}"))
    }
}

impl TraceRecorder {
    /// A recorder for a batch; `precompiles` are warm in every transaction.
    pub(crate) fn new(
        precompiles: Vec<Address>,
        max_rws: Option<usize>,
        collisions: CreateCollisionGuard,
    ) -> Self {
        Self { precompiles, max_rws, collisions, ..Default::default() }
    }

    /// Whether recording has stopped; checks the RW budget first.
    pub(crate) fn stopped(&mut self) -> bool {
        if !self.overflowed && self.max_rws.is_some_and(|max| self.rws.len() > max) {
            self.overflowed = true;
            self.rws = Vec::new();
            self.calls = Vec::new();
            self.copy_events = Vec::new();
            self.keccak_inputs = Vec::new();
            self.state = StateView::default();
            self.tx = None;
            self.txs = Vec::new();
        }
        self.overflowed
    }

    pub(crate) fn next_rw_counter(&self) -> u64 {
        self.rws.len() as u64 + 1
    }

    pub(crate) fn fail(&mut self, message: impl Into<String>) {
        if self.errors.len() < 32 {
            self.errors.push(message.into());
        }
    }

    /// The current value of a location.
    pub(crate) fn current(&mut self, target: &RwTarget, db: &mut dyn InitialState) -> U256 {
        match self.state.get(target, db) {
            Ok(v) => v,
            Err(e) => {
                self.fail(e);
                U256::ZERO
            }
        }
    }

    /// Appends a read of `target`; returns the value read.
    pub(crate) fn read(&mut self, target: RwTarget, db: &mut dyn InitialState) -> U256 {
        let target = self.with_committed(target, db);
        let value = self.current(&target, db);
        let rw_counter = self.next_rw_counter();
        self.rws.push(Rw::read(rw_counter, target, value));
        value
    }

    /// Appends a write of `value` to `target` (the previous value is the current one).
    pub(crate) fn write(&mut self, target: RwTarget, value: U256, db: &mut dyn InitialState) {
        let target = self.with_committed(target, db);
        let prev = self.current(&target, db);
        let rw_counter = self.next_rw_counter();
        let index = self.rws.len();
        self.rws.push(Rw::write(rw_counter, target, value, prev));
        self.state.set(&target, value);
        if is_reversible(&target) {
            if let Some(frame) = self.tx.as_mut().and_then(|t| t.frames.last_mut()) {
                frame.reversible.push(index);
            }
        }
    }

    /// Undoes the reversible writes at `indices` (RW indices, in the order they were made):
    /// one write per entry, last first, each restoring the value its write replaced. The
    /// reversion of write `i` (counting from 0) is the `i`-th RW from the end of the range, so
    /// the circuit can pair every reversible write with its undo by position alone.
    pub(crate) fn revert_writes(&mut self, indices: &[usize]) {
        for &index in indices.iter().rev() {
            let original = self.rws[index].clone();
            let Some(restored) = original.value_prev() else { continue };
            let rw_counter = self.next_rw_counter();
            self.rws.push(Rw::write(rw_counter, original.target, restored, original.value));
            self.state.set(&original.target, restored);
        }
    }

    /// Fills in a storage target's committed value (its value at the start of the tx).
    fn with_committed(&mut self, target: RwTarget, db: &mut dyn InitialState) -> RwTarget {
        let RwTarget::Storage { tx, address, key, .. } = target else {
            return target;
        };
        let known = self.tx.as_ref().and_then(|t| t.committed.get(&(address, key)).copied());
        let committed = match known {
            Some(v) => v,
            None => {
                let v = self.current(&target, db);
                if let Some(t) = self.tx.as_mut() {
                    t.committed.insert((address, key), v);
                }
                v
            }
        };
        RwTarget::Storage { tx, address, key, committed_value: committed }
    }

    /// Opens a step (closing the previous one): its RWs are the ones pushed until the next
    /// step opens.
    pub(crate) fn open_step(&mut self, mut step: Step) {
        self.close_last_step();
        let rw_counter = self.next_rw_counter();
        let Some(tx) = self.tx.as_mut() else { return };
        step.rw_counter = rw_counter;
        step.rw_count = 0;
        step.log_id = tx.log_id;
        step.reversible_write_counter = tx.frames.last().map_or(0, |f| f.reversible.len() as u64);
        tx.steps.push(step);
    }

    /// Closes the transaction's last step: its RW count is what was pushed since it opened.
    pub(crate) fn close_last_step(&mut self) {
        let next = self.next_rw_counter();
        if let Some(step) = self.tx.as_mut().and_then(|t| t.steps.last_mut()) {
            step.rw_count = next - step.rw_counter;
        }
    }

    /// A step of the given kind at the current frame's position, with no RWs yet.
    pub(crate) fn blank_step(kind: StepKind, call_index: usize, gas_left: u64) -> Step {
        Step {
            kind,
            call_index,
            pc: 0,
            gas_left,
            gas_cost: 0,
            stack_pointer: 0,
            memory_word_size: 0,
            rw_counter: 0,
            rw_count: 0,
            reversible_write_counter: 0,
            log_id: 0,
        }
    }

    pub(crate) fn tx_index(&self) -> usize {
        self.tx.as_ref().map_or(self.txs.len(), |t| t.index)
    }

    pub(crate) fn record_bytecode(&mut self, hash: B256, code: Bytes) {
        self.bytecodes.entry(hash).or_insert(code);
    }

    pub(crate) fn record_keccak(&mut self, input: Bytes) -> B256 {
        let hash = alloy_primitives::keccak256(&input);
        self.keccak_inputs.push(KeccakInput { input, hash });
        hash
    }
}

/// Writes that a reverting call undoes.
fn is_reversible(target: &RwTarget) -> bool {
    matches!(
        target,
        RwTarget::Account { .. }
            | RwTarget::Storage { .. }
            | RwTarget::TransientStorage { .. }
            | RwTarget::TxAccessListAccount { .. }
            | RwTarget::TxAccessListStorage { .. }
            | RwTarget::TxRefund { .. }
    )
}
