//! Opcode steps: what each executed opcode reads and writes.

use alloy_primitives::{Address, U256};
use revm::bytecode::opcode;
use revm::context::journal::Journal;
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::interpreter_types::{Jumps, MemoryTr, ReturnData};
use revm::interpreter::{InstructionResult, Interpreter, InterpreterAction};
use revm::Database;

use super::opcode_io::{self, MemRange};
use super::recorder::{DbInitial, PendingReturn, PendingStep, TraceRecorder, WarmKey};
use super::state_view::{address_value, InitialState};
use crate::trace::{
    AccountField, CallContextField, CopyEvent, CopyLocation, ExecError, RwTarget, StepKind,
};

/// One 32-byte word of a frame's memory (zero past its end).
fn memory_word(interp: &Interpreter<EthInterpreter>, word: u64) -> U256 {
    let size = interp.memory.size();
    let start = (word as usize).saturating_mul(32);
    let mut buf = [0u8; 32];
    if start < size {
        let end = (start + 32).min(size);
        buf[..end - start].copy_from_slice(&interp.memory.slice(start..end));
    }
    U256::from_be_bytes(buf)
}

fn exec_error(result: InstructionResult) -> ExecError {
    use InstructionResult as R;
    match result {
        R::OutOfGas
        | R::MemoryOOG
        | R::MemoryLimitOOG
        | R::PrecompileOOG
        | R::ReentrancySentryOOG => ExecError::OutOfGas,
        R::InvalidOperandOOG => ExecError::InvalidOperand,
        R::StackUnderflow => ExecError::StackUnderflow,
        R::StackOverflow => ExecError::StackOverflow,
        R::InvalidJump => ExecError::InvalidJump,
        R::OpcodeNotFound | R::InvalidFEOpcode | R::NotActivated => ExecError::InvalidOpcode,
        R::CallNotAllowedInsideStatic | R::StateChangeDuringStaticCall => {
            ExecError::WriteInStaticContext
        }
        R::OutOfOffset => ExecError::ReturnDataOutOfBounds,
        R::CreateContractStartingWithEF => ExecError::InvalidCodePrefix,
        R::CreateContractSizeLimit => ExecError::CodeSizeLimit,
        other => ExecError::Other(format!("{other:?}")),
    }
}

impl TraceRecorder {
    /// Before an opcode runs: hand back a finished sub-call's result, then note the state.
    pub(crate) fn before_step<DB: Database>(
        &mut self,
        interp: &Interpreter<EthInterpreter>,
        journal: &mut Journal<DB>,
    ) {
        self.deliver_pending_return(interp, journal);
        let Some(tx) = self.tx.as_mut() else { return };
        let op = interp.bytecode.opcode();
        let stack = interp.stack.data();
        let (inputs, _) = opcode_io::stack_io(op).unwrap_or((0, 0));
        let operands = stack.iter().rev().take(inputs).copied().collect();
        tx.pending = Some(PendingStep {
            opcode: op,
            pc: interp.bytecode.pc() as u64,
            gas_left: interp.gas.remaining(),
            stack_len: stack.len(),
            memory_len: interp.memory.size(),
            operands,
            refund_before: interp.gas.refunded(),
        });
    }

    /// After an opcode ran: the step and its RWs.
    pub(crate) fn after_step<DB: Database>(
        &mut self,
        interp: &Interpreter<EthInterpreter>,
        journal: &mut Journal<DB>,
    ) {
        let Some(tx) = self.tx.as_mut() else { return };
        let Some(p) = tx.pending.take() else { return };
        let Some(call) = tx.frames.last().map(|f| f.call) else { return };
        let error = match &interp.bytecode.action {
            Some(InterpreterAction::Return(r)) if r.result.is_halt() => Some(exec_error(r.result)),
            _ => None,
        };
        let kind = match &error {
            Some(e) => StepKind::Error { opcode: p.opcode, error: e.clone() },
            None => StepKind::Op(p.opcode),
        };
        let mut step = Self::blank_step(kind, call, p.gas_left);
        step.pc = p.pc;
        step.gas_cost = p.gas_left.saturating_sub(interp.gas.remaining());
        step.stack_pointer = p.stack_len as u16;
        step.memory_word_size = (p.memory_len as u64).div_ceil(32);
        self.open_step(step);
        if error.is_none() {
            let mut db = DbInitial(&mut journal.database);
            self.op_rws(&p, call, interp, &mut db);
            if let Some(t) = self.tx.as_mut() {
                t.refund += interp.gas.refunded() - p.refund_before;
            }
            if interp.gas.refunded() != p.refund_before {
                let tx = self.tx_index();
                let refund = self.tx.as_ref().map_or(0, |t| t.refund);
                if refund < 0 {
                    self.fail(format!("negative refund counter {refund} at pc {}", p.pc));
                }
                self.write(RwTarget::TxRefund { tx }, U256::from(refund.max(0) as u64), &mut db);
            }
            self.log_rws(&p, call, journal);
            self.note_sub_frame(&p, interp);
            self.note_external_code(&p, journal);
        } else if let Some(error) = &error {
            let mut db = DbInitial(&mut journal.database);
            self.halt_reads(&p, call, error, &mut db);
        }
        self.sync_journal(journal);
        let left: Vec<WarmKey> =
            self.tx.as_mut().map(|t| t.warmed_this_step.drain().collect()).unwrap_or_default();
        for key in left {
            self.fail(format!("trace warmed {key:?} at pc {} but revm did not", p.pc));
        }
    }

    /// The reads a failing step makes before it fails, where the circuit proves the failure
    /// from them: a JUMP or JUMPI to an invalid destination reads its operands; an SSTORE out
    /// of gas reads its operands, the running account, the slot's warm flag and its current
    /// and committed values (its cost depends on them); a RETURNDATACOPY past the data reads
    /// its operands and the return data's length; an opcode priced by a memory range
    /// ([`crate::opcodes::memory_gas`]) out of gas reads the range's offset and length
    /// operands; an EXP out of gas reads its operands (its cost depends on the exponent), an
    /// MCOPY out of gas its three operands (two ranges and a size). Other halts read nothing.
    fn halt_reads(
        &mut self,
        p: &PendingStep,
        call: usize,
        error: &ExecError,
        db: &mut dyn InitialState,
    ) {
        let reads_operands = match error {
            ExecError::InvalidJump => true,
            ExecError::OutOfGas => {
                matches!(p.opcode, opcode::SSTORE | opcode::EXP | opcode::MCOPY)
                    || crate::opcodes::memory_gas(p.opcode).is_some()
            }
            ExecError::ReturnDataOutOfBounds | ExecError::InvalidOperand => {
                p.opcode == opcode::RETURNDATACOPY
            }
            _ => false,
        };
        if !reads_operands || p.operands.len() < opcode_io::stack_io(p.opcode).map_or(0, |io| io.0)
        {
            return;
        }
        // Out of gas on a memory range: the offset and the length operand only.
        let memory_operands = match crate::opcodes::memory_gas(p.opcode).map(|g| g.length) {
            Some(crate::opcodes::RangeLength::Fixed(_)) => Some(vec![0]),
            Some(
                crate::opcodes::RangeLength::WordsOfOperand(i)
                | crate::opcodes::RangeLength::BytesOfOperand(i),
            ) => Some(vec![0, usize::from(i)]),
            None => None,
        };
        let read: Vec<usize> = memory_operands.unwrap_or_else(|| (0..p.operands.len()).collect());
        for i in read {
            let target = RwTarget::Stack { call, ptr: (p.stack_len - 1 - i) as u16 };
            self.read_checked(target, p.operands[i], p.pc, db);
        }
        if p.opcode == opcode::RETURNDATACOPY {
            let field = CallContextField::LastReturnDataLength;
            self.read(RwTarget::CallContext { call, field }, db);
        }
        if p.opcode == opcode::SSTORE {
            let tx = self.tx_index();
            let address = self.calls[call].address;
            let key = p.operands[0];
            self.read(RwTarget::CallContext { call, field: CallContextField::CalleeAddress }, db);
            self.read(RwTarget::TxAccessListStorage { tx, address, key }, db);
            self.read(RwTarget::Storage { tx, address, key, committed_value: U256::ZERO }, db);
        }
    }

    /// EXTCODESIZE and EXTCODECOPY read another account's code: keep it with the trace's
    /// bytecodes, so that the circuit's bytecode table holds the code they measure or copy.
    fn note_external_code<DB: Database>(&mut self, p: &PendingStep, journal: &Journal<DB>) {
        if !matches!(p.opcode, opcode::EXTCODESIZE | opcode::EXTCODECOPY) {
            return;
        }
        let Some(operand) = p.operands.first() else { return };
        let address = Address::from_word((*operand).into());
        let Some(account) = journal.inner.state.get(&address) else { return };
        if let Some(code) = &account.info.code {
            let bytes = code.original_bytes();
            if !bytes.is_empty() {
                self.record_bytecode(account.info.code_hash, bytes);
            }
        }
    }

    /// Stack, call-context, account, storage and memory RWs of a completed opcode.
    fn op_rws(
        &mut self,
        p: &PendingStep,
        call: usize,
        interp: &Interpreter<EthInterpreter>,
        db: &mut dyn InitialState,
    ) {
        let op = p.opcode;
        let sp = p.stack_len;
        let (inputs, _) = opcode_io::stack_io(op).unwrap_or((0, 0));
        let stack = interp.stack.data();
        let stack_at = |ptr: usize| RwTarget::Stack { call, ptr: ptr as u16 };

        // Operands.
        match op {
            opcode::DUP1..=opcode::DUP16 => {
                let n = (op - opcode::DUP1 + 1) as usize;
                self.read_checked(stack_at(sp - n), p.operands[n - 1], p.pc, db);
            }
            opcode::SWAP1..=opcode::SWAP16 => {
                let n = (op - opcode::SWAP1 + 1) as usize;
                self.read_checked(stack_at(sp - 1), p.operands[0], p.pc, db);
                self.read_checked(stack_at(sp - 1 - n), p.operands[n], p.pc, db);
            }
            _ => {
                for (i, operand) in p.operands.iter().enumerate() {
                    self.read_checked(stack_at(sp - 1 - i), *operand, p.pc, db);
                }
            }
        }

        for field in opcode_io::call_context_reads(op) {
            self.read(RwTarget::CallContext { call, field: *field }, db);
        }
        let address = self.calls[call].address;
        if let Some(i) = opcode_io::accessed_account_operand(op) {
            let target = Address::from_word(p.operands[i].into());
            self.touch_warm(WarmKey::Account(target), db);
        }
        self.state_rws(p, address, db);

        // Memory.
        if let Some(range) = opcode_io::memory_read(op, &p.operands) {
            for word in range.words() {
                let value = self.read(RwTarget::Memory { call, word_addr: word }, db);
                let overwritten = opcode_io::memory_write(op, &p.operands)
                    .is_some_and(|w| w.words().contains(&word));
                if !overwritten && value != memory_word(interp, word) {
                    self.fail(format!("memory word {word} of call {call} differs at pc {}", p.pc));
                }
            }
        }
        self.copy_rws(p, call, interp);
        if let Some(range) = opcode_io::memory_write(op, &p.operands) {
            for word in range.words() {
                self.write(
                    RwTarget::Memory { call, word_addr: word },
                    memory_word(interp, word),
                    db,
                );
            }
        }

        // Results.
        let base = sp - inputs;
        match op {
            opcode::DUP1..=opcode::DUP16 => {
                self.write(stack_at(sp), stack[sp], db);
            }
            opcode::SWAP1..=opcode::SWAP16 => {
                let n = (op - opcode::SWAP1 + 1) as usize;
                self.write(stack_at(sp - 1), stack[sp - 1], db);
                self.write(stack_at(sp - 1 - n), stack[sp - 1 - n], db);
            }
            _ => {
                for (ptr, value) in stack.iter().enumerate().skip(base) {
                    self.write(stack_at(ptr), *value, db);
                }
            }
        }
    }

    fn read_checked(
        &mut self,
        target: RwTarget,
        expected: U256,
        pc: u64,
        db: &mut dyn InitialState,
    ) {
        let got = self.read(target, db);
        if got != expected {
            self.fail(format!(
                "{target:?} holds {got} in the trace but {expected} in revm (pc {pc})"
            ));
        }
    }

    /// Sets an EIP-2929 warm flag, noting a cold→warm change for the journal to confirm.
    fn touch_warm(&mut self, key: WarmKey, db: &mut dyn InitialState) {
        let tx = self.tx_index();
        let target = match key {
            WarmKey::Account(address) => RwTarget::TxAccessListAccount { tx, address },
            WarmKey::Slot(address, slot) => {
                RwTarget::TxAccessListStorage { tx, address, key: slot }
            }
        };
        if self.current(&target, db).is_zero() {
            if let Some(t) = self.tx.as_mut() {
                t.warmed_this_step.insert(key);
            }
        }
        self.write(target, U256::from(1), db);
    }

    /// Account, storage and transient-storage RWs of state-reading and -writing opcodes.
    fn state_rws(&mut self, p: &PendingStep, address: Address, db: &mut dyn InitialState) {
        let tx = self.tx_index();
        let operand_address = || Address::from_word(p.operands[0].into());
        let account = |address, field| RwTarget::Account { address, field };
        match p.opcode {
            opcode::BALANCE => {
                self.read(account(operand_address(), AccountField::Balance), db);
            }
            opcode::SELFBALANCE | opcode::SELFDESTRUCT => {
                self.read(account(address, AccountField::Balance), db);
            }
            opcode::EXTCODESIZE | opcode::EXTCODECOPY => {
                self.read(account(operand_address(), AccountField::CodeHash), db);
            }
            opcode::EXTCODEHASH => {
                let a = operand_address();
                self.read(account(a, AccountField::Nonce), db);
                self.read(account(a, AccountField::Balance), db);
                self.read(account(a, AccountField::CodeHash), db);
            }
            opcode::SLOAD | opcode::SSTORE => {
                let key = p.operands[0];
                self.touch_warm(WarmKey::Slot(address, key), db);
                let target = RwTarget::Storage { tx, address, key, committed_value: U256::ZERO };
                if p.opcode == opcode::SLOAD {
                    self.read(target, db);
                } else {
                    self.write(target, p.operands[1], db);
                }
            }
            opcode::TLOAD => {
                self.read(RwTarget::TransientStorage { tx, address, key: p.operands[0] }, db);
            }
            opcode::TSTORE => {
                let target = RwTarget::TransientStorage { tx, address, key: p.operands[0] };
                self.write(target, p.operands[1], db);
            }
            _ => {}
        }
    }

    /// CALL*/CREATE*: remember where the sub-frame's result goes.
    fn note_sub_frame(&mut self, p: &PendingStep, interp: &Interpreter<EthInterpreter>) {
        if !opcode_io::starts_frame(p.opcode) {
            return;
        }
        if !matches!(interp.bytecode.action, Some(InterpreterAction::NewFrame(_))) {
            return;
        }
        let s = &p.operands;
        let (inputs, _) = opcode_io::stack_io(p.opcode).unwrap_or((0, 0));
        let at = |i: usize| s.get(i).copied().unwrap_or_default().saturating_to::<u64>();
        let (args_offset, ret_offset, ret_len, is_create) = match p.opcode {
            opcode::CALL | opcode::CALLCODE => (at(3), at(5), at(6), false),
            opcode::DELEGATECALL | opcode::STATICCALL => (at(2), at(4), at(5), false),
            _ => (at(1), 0, 0, true),
        };
        let stack_ptr = (p.stack_len - inputs) as u16;
        if let Some(frame) = self.current_frame_mut() {
            frame.pending_return = Some(PendingReturn {
                stack_ptr,
                ret_offset,
                ret_len,
                args_offset,
                callee: None,
                output: None,
                is_create,
            });
        }
    }

    /// The caller resumes: the sub-call's result lands on its stack and in its memory.
    fn deliver_pending_return<DB: Database>(
        &mut self,
        interp: &Interpreter<EthInterpreter>,
        journal: &mut Journal<DB>,
    ) {
        let Some(frame) = self.current_frame_mut() else { return };
        let call = frame.call;
        let Some(pending) = frame.pending_return.take() else { return };
        let (Some(output), Some(callee)) = (pending.output, pending.callee) else {
            self.fail(format!("call {call} resumed before its sub-call ended"));
            return;
        };
        frame.last_callee = Some(callee);
        let mut db = DbInitial(&mut journal.database);
        let stack = interp.stack.data();
        let ptr = pending.stack_ptr as usize;
        let Some(result) = stack.get(ptr).copied() else {
            self.fail(format!("call {call} resumed without the sub-call result on its stack"));
            return;
        };
        let success = self.calls[callee].success;
        let expected = if pending.is_create {
            if success {
                address_value(self.calls[callee].address)
            } else {
                U256::ZERO
            }
        } else {
            U256::from(success as u8)
        };
        if result != expected {
            self.fail(format!(
                "sub-call {callee} returned {result} to call {call}, expected {expected}"
            ));
        }
        if interp.return_data.buffer() != &output {
            self.fail(format!(
                "return data of sub-call {callee} differs from what call {call} holds"
            ));
        }
        self.write(RwTarget::Stack { call, ptr: pending.stack_ptr }, result, &mut db);
        let field = crate::trace::CallContextField::LastReturnDataLength;
        self.write(RwTarget::CallContext { call, field }, U256::from(output.len()), &mut db);
        let copied = (pending.ret_len as usize).min(output.len()) as u64;
        if !pending.is_create && copied > 0 {
            let range = MemRange { offset: pending.ret_offset, len: copied };
            for word in range.words() {
                self.write(
                    RwTarget::Memory { call, word_addr: word },
                    memory_word(interp, word),
                    &mut db,
                );
            }
            self.copy_events.push(CopyEvent {
                rw_counter: self.last_step_rw_counter(),
                src: CopyLocation::ReturnData { call: callee },
                src_offset: 0,
                dst: CopyLocation::Memory { call },
                dst_offset: pending.ret_offset,
                bytes: output.slice(..copied as usize),
            });
        }
    }

    /// First step of a transaction: the warm set and the fee and nonce changes revm made
    /// before the root frame.
    pub(crate) fn begin_tx_step<DB: Database>(
        &mut self,
        root: usize,
        info: &super::frames::FrameInfo,
        journal: &mut Journal<DB>,
    ) {
        // BeginTx starts with the transaction's gas and charges the intrinsic gas; the root
        // frame receives the rest.
        let gas_limit = self.tx.as_ref().map_or(info.gas_limit, |t| t.gas_limit);
        let mut step = Self::blank_step(StepKind::BeginTx, root, gas_limit);
        step.gas_cost = gas_limit.saturating_sub(info.gas_limit);
        self.open_step(step);
        let tx = self.tx_index();
        let warm: Vec<WarmKey> =
            self.tx.as_ref().map(|t| t.warm_at_start.clone()).unwrap_or_default();
        let mut db = DbInitial(&mut journal.database);
        for key in warm {
            let target = match key {
                WarmKey::Account(address) => RwTarget::TxAccessListAccount { tx, address },
                WarmKey::Slot(address, key) => RwTarget::TxAccessListStorage { tx, address, key },
            };
            // Written even when already warm (a sender that is also the coinbase): the
            // EVM circuit's BeginTx makes a fixed list of writes.
            if self.current(&target, &mut db).is_zero() {
                if let Some(t) = self.tx.as_mut() {
                    t.warmed_this_step.insert(key);
                }
            }
            self.write(target, U256::from(1), &mut db);
        }
        self.sync_journal(journal);
        // The callee's code hash, which the call context's CodeHash must agree with.
        if info.init_code.is_none() {
            let mut db = DbInitial(&mut journal.database);
            let target = RwTarget::Account { address: info.address, field: AccountField::CodeHash };
            self.read(target, &mut db);
        }
        // revm keeps these warm without journal entries; nothing is left to match.
        if let Some(t) = self.tx.as_mut() {
            t.warmed_this_step.clear();
        }
    }
}
