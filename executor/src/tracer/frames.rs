//! Frame boundaries: entering a call or create, starting its code, leaving it, and handing
//! its result back to the caller.

use alloy_primitives::{Address, Bytes, U256};
use revm::context::journal::Journal;
use revm::context_interface::CreateScheme;
use revm::handler::FrameResult;
use revm::interpreter::{CallInput, CallScheme, FrameInput};
use revm::Database;

use super::recorder::{DbInitial, Frame, TraceRecorder};
use super::state_view::{address_value, hash_value};
use crate::trace::{
    CallContextField, CallKind, CallRecord, CopyEvent, CopyLocation, RwAccess, RwTarget,
};

/// What a frame input says about the new frame.
pub(crate) struct FrameInfo {
    pub kind: CallKind,
    pub caller: Address,
    pub address: Address,
    pub code_address: Address,
    pub value: U256,
    pub input: Bytes,
    pub init_code: Option<Bytes>,
    pub is_static: bool,
    pub gas_limit: u64,
}

impl FrameInfo {
    /// Reads a frame input; `shared` resolves calldata held in the caller's memory.
    pub(crate) fn from_input(
        input: &FrameInput,
        shared: impl Fn(&CallInput) -> Bytes,
    ) -> Option<Self> {
        match input {
            FrameInput::Call(call) => Some(FrameInfo {
                kind: match call.scheme {
                    CallScheme::Call => CallKind::Call,
                    CallScheme::CallCode => CallKind::CallCode,
                    CallScheme::DelegateCall => CallKind::DelegateCall,
                    CallScheme::StaticCall => CallKind::StaticCall,
                },
                caller: call.caller,
                address: call.target_address,
                code_address: call.bytecode_address,
                value: call.value.get(),
                input: shared(&call.input),
                init_code: None,
                is_static: call.is_static,
                gas_limit: call.gas_limit,
            }),
            FrameInput::Create(create) => Some(FrameInfo {
                kind: match create.scheme() {
                    CreateScheme::Create2 { .. } => CallKind::Create2,
                    _ => CallKind::Create,
                },
                caller: create.caller(),
                address: Address::ZERO,
                code_address: Address::ZERO,
                value: create.value(),
                input: Bytes::new(),
                init_code: Some(create.init_code().clone()),
                is_static: false,
                gas_limit: create.gas_limit(),
            }),
            _ => None,
        }
    }
}

impl TraceRecorder {
    /// A frame starts (before revm checks depth and balance or transfers value).
    pub(crate) fn enter_frame<DB: Database>(&mut self, info: FrameInfo, journal: &mut Journal<DB>) {
        let id = self.calls.len();
        let Some(tx) = self.tx.as_ref() else { return };
        let tx_index = tx.index;
        let parent = tx.frames.last().map(|f| f.call);
        let depth = tx.frames.len();
        let refund = tx.refund;
        let log_id = tx.log_id;
        if parent.is_none() {
            self.begin_tx_step(id, &info, journal);
        }
        let init_hash = info.init_code.as_ref().map(alloy_primitives::keccak256);
        self.calls.push(CallRecord {
            id,
            tx: tx_index,
            parent,
            kind: info.kind,
            depth,
            caller: info.caller,
            address: info.address,
            code_address: info.code_address,
            code_hash: init_hash.unwrap_or_default(),
            value: info.value,
            input: info.input.clone(),
            is_static: info.is_static,
            gas_limit: info.gas_limit,
            success: false,
            has_code_steps: false,
            output: Bytes::new(),
        });

        // How the bytes reached the new frame: calldata or init code from the caller's memory.
        if let Some(parent) = parent {
            let args_offset = self.parent_args_offset();
            let (dst, bytes) = match (&info.init_code, init_hash) {
                (Some(code), Some(hash)) => {
                    self.record_bytecode(hash, code.clone());
                    (CopyLocation::Bytecode { code_hash: hash }, code.clone())
                }
                _ => (CopyLocation::CallCalldata { call: id }, info.input.clone()),
            };
            if !bytes.is_empty() {
                let step_rw = self.last_step_rw_counter();
                self.copy_events.push(CopyEvent {
                    rw_counter: step_rw,
                    src: CopyLocation::Memory { call: parent },
                    src_offset: args_offset,
                    dst,
                    dst_offset: 0,
                    bytes,
                });
            }
            if let Some(pending) = self.current_frame_mut().and_then(|f| f.pending_return.as_mut())
            {
                pending.callee = Some(id);
            }
        } else if let (Some(code), Some(hash)) = (&info.init_code, init_hash) {
            self.record_bytecode(hash, code.clone());
        }

        if let Some(tx) = self.tx.as_mut() {
            tx.frames.push(Frame {
                call: id,
                refund_at_start: refund,
                log_id_at_start: log_id,
                reversible: Vec::new(),
                pending_return: None,
                last_callee: None,
            });
        }
        self.write_call_context(id, tx_index, parent, depth, &info, init_hash, journal);
    }

    #[allow(clippy::too_many_arguments)]
    fn write_call_context<DB: Database>(
        &mut self,
        id: usize,
        tx: usize,
        parent: Option<usize>,
        depth: usize,
        info: &FrameInfo,
        init_hash: Option<alloy_primitives::B256>,
        journal: &mut Journal<DB>,
    ) {
        use CallContextField::*;
        let mut db = DbInitial(&mut journal.database);
        let flag = |b: bool| U256::from(b as u8);
        let code_hash = init_hash.map(hash_value).unwrap_or_default();
        let fields = [
            (TxId, U256::from(tx)),
            (Depth, U256::from(depth)),
            (ParentCall, U256::from(parent.map_or(0, |p| p + 1))),
            (CallerAddress, address_value(info.caller)),
            (CalleeAddress, address_value(info.address)),
            (CodeHash, code_hash),
            (Value, info.value),
            (IsStatic, flag(info.is_static)),
            (IsCreate, flag(info.init_code.is_some())),
            (CallDataLength, U256::from(info.input.len())),
            (IsSuccess, U256::ZERO),
            (LastReturnDataLength, U256::ZERO),
        ];
        for (field, value) in fields {
            if field == IsSuccess {
                let index = self.rws.len();
                if let Some(t) = self.tx.as_mut() {
                    t.is_success_rw.insert(id, index);
                }
            }
            self.write(RwTarget::CallContext { call: id, field }, value, &mut db);
        }
    }

    /// The frame runs code: its address and code are now known.
    pub(crate) fn frame_runs_code<DB: Database>(
        &mut self,
        address: Address,
        code: Bytes,
        journal: &mut Journal<DB>,
    ) {
        let Some(call) = self.current_frame_mut().map(|f| f.call) else { return };
        let is_create =
            self.calls[call].kind == CallKind::Create || self.calls[call].kind == CallKind::Create2;
        let record = &mut self.calls[call];
        record.has_code_steps = true;
        if is_create {
            record.address = address;
            record.code_address = address;
            self.patch_call_context(call, CallContextField::CalleeAddress, address_value(address));
        } else {
            let hash = alloy_primitives::keccak256(&code);
            record.code_hash = hash;
            self.record_bytecode(hash, code);
            self.patch_call_context(call, CallContextField::CodeHash, hash_value(hash));
        }
        self.sync_journal(journal);
    }

    /// Rewrites a value the frame's call context was given before it was known. Only valid
    /// before anything reads it: the frame has made no step yet.
    fn patch_call_context(&mut self, call: usize, field: CallContextField, value: U256) {
        let target = RwTarget::CallContext { call, field };
        if let Some(rw) = self.rws.iter_mut().rev().find(|rw| rw.is_write() && rw.target == target)
        {
            rw.value = value;
            self.state.set(&target, value);
        }
    }

    /// A frame ends with `result` (revm has already reverted its journal if it failed).
    pub(crate) fn leave_frame<DB: Database>(
        &mut self,
        result: &FrameResult,
        journal: &mut Journal<DB>,
    ) {
        let (success, output, created) = match result {
            FrameResult::Call(out) => (out.result.result.is_ok(), out.result.output.clone(), None),
            FrameResult::Create(out) => {
                (out.result.result.is_ok(), out.result.output.clone(), out.address)
            }
        };
        // A failed frame's writes are undone one by one, last first (see `revert_writes`);
        // revm has already reverted its journal, so syncing afterwards must find no restored
        // location left to change.
        // Only writes to locations revm restored are undone: a write revm keeps (a creator's
        // nonce bump, made before the create's checkpoint) passes to the caller.
        let mut kept = Vec::new();
        if !success {
            let reverted = self.reverted_locations(journal);
            let frame_writes = self
                .current_frame_mut()
                .map(|f| std::mem::take(&mut f.reversible))
                .unwrap_or_default();
            let (undo, keep): (Vec<usize>, Vec<usize>) = frame_writes.into_iter().partition(|&i| {
                let target = &self.rws[i].target;
                matches!(target, RwTarget::TxRefund { .. }) || reverted.contains(&target.key())
            });
            kept = keep;
            self.revert_writes(&undo);
            let before = self.rws.len();
            self.sync_journal(journal);
            // New entries (a failed create's nonce bump, made before its checkpoint) may
            // still be written; a restored location must not be.
            let missed =
                self.rws[before..].iter().filter(|rw| reverted.contains(&rw.target.key())).count();
            if missed > 0 {
                let call = self.current_frame_mut().map_or(0, |f| f.call);
                self.fail(format!(
                    "revm's revert of call {call} changed {missed} locations the trace's \
                     reversion missed"
                ));
            }
        } else {
            self.sync_journal(journal);
        }
        let Some(frame) = self.tx.as_mut().and_then(|t| t.frames.pop()) else { return };
        // A successful frame's writes (and a failed one's kept writes) become its caller's: they
        // are undone if the caller fails.
        if let Some(parent) = self.current_frame_mut() {
            parent.reversible.extend(frame.reversible.iter().chain(&kept).copied());
        }
        let call = frame.call;
        self.state.drop_call(call);
        let mut db = DbInitial(&mut journal.database);
        if !success {
            let tx = self.tx_index();
            if let Some(t) = self.tx.as_mut() {
                t.refund = frame.refund_at_start;
                t.log_id = frame.log_id_at_start;
            }
            let target = RwTarget::TxRefund { tx };
            let restored = U256::from(frame.refund_at_start.max(0) as u64);
            if self.current(&target, &mut db) != restored {
                self.write(target, restored, &mut db);
            }
        }
        if let Some(index) = self.tx.as_ref().and_then(|t| t.is_success_rw.get(&call).copied()) {
            // The flag was written when the frame started, before its outcome was known; the
            // frame's last step read it. Both learn the outcome now (nothing else has read it).
            let flag = U256::from(success as u8);
            let target = self.rws[index].target;
            self.rws[index].value = flag;
            for rw in self.rws[index + 1..].iter_mut().filter(|rw| rw.target == target) {
                rw.value = flag;
                if let RwAccess::Write { prev } = &mut rw.access {
                    *prev = flag;
                }
            }
            self.state.set(&target, flag);
        }
        let record = &mut self.calls[call];
        record.success = success;
        if let Some(address) = created {
            record.address = address;
            record.code_address = address;
        }
        // A successful create deposits its output as the new account's code.
        let is_create = matches!(result, FrameResult::Create(_));
        if is_create && success {
            record.output = output.clone();
            let hash = self.record_keccak(output.clone());
            self.record_bytecode(hash, output.clone());
            if !output.is_empty() {
                self.copy_events.push(CopyEvent {
                    rw_counter: self.last_step_rw_counter(),
                    src: CopyLocation::ReturnData { call },
                    src_offset: 0,
                    dst: CopyLocation::Bytecode { code_hash: hash },
                    dst_offset: 0,
                    bytes: output.clone(),
                });
            }
        } else {
            record.output = output.clone();
        }
        // What the caller receives as return data: a create hands back only REVERT data
        // (nothing on success or on an exceptional halt); a call hands back its output.
        let reverted = match result {
            FrameResult::Call(out) => out.result.result.is_revert(),
            FrameResult::Create(out) => out.result.result.is_revert(),
        };
        let returned = if is_create && !reverted { Bytes::new() } else { output };
        if let Some(pending) = self.current_frame_mut().and_then(|f| f.pending_return.as_mut()) {
            pending.output = Some(returned);
            pending.callee = Some(call);
        }
    }

    pub(crate) fn current_frame_mut(&mut self) -> Option<&mut Frame> {
        self.tx.as_mut().and_then(|t| t.frames.last_mut())
    }

    pub(crate) fn last_step_rw_counter(&self) -> u64 {
        self.tx
            .as_ref()
            .and_then(|t| t.steps.last())
            .map_or(self.next_rw_counter(), |s| s.rw_counter)
    }

    fn parent_args_offset(&self) -> u64 {
        self.tx
            .as_ref()
            .and_then(|t| t.frames.last())
            .and_then(|f| f.pending_return.as_ref())
            .map_or(0, |p| p.args_offset)
    }
}
