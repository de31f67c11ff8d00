//! Copy events, keccak inputs and LOG writes: what the opcodes that move or hash a byte range
//! record besides their stack, memory and state RWs.

use alloy_primitives::{Address, Bytes, U256};
use revm::bytecode::opcode;
use revm::context::journal::Journal;
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::interpreter_types::MemoryTr;
use revm::interpreter::Interpreter;
use revm::Database;

use super::opcode_io::{self, MemRange};
use super::recorder::{DbInitial, PendingStep, TraceRecorder};
use super::state_view::{address_value, hash_value};
use crate::trace::{AccountField, CopyEvent, CopyLocation, LogField, RwTarget};

fn memory_bytes(interp: &Interpreter<EthInterpreter>, range: MemRange) -> Bytes {
    let size = interp.memory.size();
    let start = range.offset as usize;
    let end = start.saturating_add(range.len as usize);
    if end > size {
        return Bytes::new();
    }
    Bytes::copy_from_slice(&interp.memory.slice(start..end))
}

impl TraceRecorder {
    /// Copy events and keccak inputs of copying and hashing opcodes.
    pub(super) fn copy_rws(
        &mut self,
        p: &PendingStep,
        call: usize,
        interp: &Interpreter<EthInterpreter>,
    ) {
        let op = p.opcode;
        let tx = self.tx_index();
        let rw_counter = self.last_step_rw_counter();
        let s = &p.operands;
        let memory = CopyLocation::Memory { call };
        let (src, src_offset, dst, dst_offset, bytes) = match op {
            opcode::KECCAK256 => {
                let Some(range) = opcode_io::memory_read(op, s) else {
                    self.record_keccak(Bytes::new());
                    return;
                };
                let bytes = memory_bytes(interp, range);
                self.record_keccak(bytes.clone());
                (memory, range.offset, CopyLocation::Keccak, 0, bytes)
            }
            opcode::CALLDATACOPY
            | opcode::CODECOPY
            | opcode::RETURNDATACOPY
            | opcode::EXTCODECOPY
            | opcode::MCOPY => {
                let Some(range) = opcode_io::memory_write(op, s) else { return };
                let record = &self.calls[call];
                let src = match op {
                    opcode::CALLDATACOPY if record.parent.is_none() => {
                        CopyLocation::TxCalldata { tx }
                    }
                    opcode::CALLDATACOPY => CopyLocation::CallCalldata { call },
                    opcode::CODECOPY => CopyLocation::Bytecode { code_hash: record.code_hash },
                    opcode::EXTCODECOPY => {
                        let Some(hash) = self.ext_code_hash(Address::from_word(s[0].into())) else {
                            return;
                        };
                        CopyLocation::Bytecode { code_hash: hash }
                    }
                    opcode::RETURNDATACOPY => {
                        let last = self
                            .tx
                            .as_ref()
                            .and_then(|t| t.frames.last())
                            .and_then(|f| f.last_callee);
                        CopyLocation::ReturnData { call: last.unwrap_or(call) }
                    }
                    _ => memory,
                };
                let src_offset = if op == opcode::EXTCODECOPY { s[2] } else { s[1] };
                (src, src_offset.saturating_to(), memory, range.offset, memory_bytes(interp, range))
            }
            opcode::RETURN | opcode::REVERT => {
                let Some(range) = opcode_io::memory_read(op, s) else { return };
                (
                    memory,
                    range.offset,
                    CopyLocation::ReturnData { call },
                    0,
                    memory_bytes(interp, range),
                )
            }
            opcode::LOG0..=opcode::LOG4 => {
                let Some(range) = opcode_io::memory_read(op, s) else { return };
                let log_id = self.tx.as_ref().map_or(0, |t| t.log_id);
                (
                    memory,
                    range.offset,
                    CopyLocation::LogData { tx, log_id },
                    0,
                    memory_bytes(interp, range),
                )
            }
            _ => return,
        };
        self.copy_events.push(CopyEvent { rw_counter, src, src_offset, dst, dst_offset, bytes });
    }

    /// The code hash of an account as the trace knows it, if it was read.
    fn ext_code_hash(&self, address: Address) -> Option<alloy_primitives::B256> {
        let target = RwTarget::Account { address, field: AccountField::CodeHash };
        self.state.peek(&target).map(|v| v.to_be_bytes::<32>().into())
    }

    /// LOGn: the log's fields as TxLog writes.
    pub(super) fn log_rws<DB: Database>(
        &mut self,
        p: &PendingStep,
        call: usize,
        journal: &mut Journal<DB>,
    ) {
        let op = p.opcode;
        if !(opcode::LOG0..=opcode::LOG4).contains(&op) {
            return;
        }
        let Some(log) = journal.inner.logs.last().cloned() else {
            self.fail(format!("LOG at pc {} left no log in revm", p.pc));
            return;
        };
        let tx = self.tx_index();
        let log_id = self.tx.as_ref().map_or(0, |t| t.log_id);
        let mut db = DbInitial(&mut journal.database);
        let target = |field| RwTarget::TxLog { tx, log_id, field };
        if log.address != self.calls[call].address {
            self.fail(format!("LOG at pc {} emitted by an unexpected address", p.pc));
        }
        self.write(target(LogField::Address), address_value(log.address), &mut db);
        let topics = log.topics();
        self.write(target(LogField::TopicCount), U256::from(topics.len()), &mut db);
        for (i, topic) in topics.iter().enumerate() {
            self.write(target(LogField::Topic(i as u8)), hash_value(*topic), &mut db);
        }
        let data = &log.data.data;
        self.write(target(LogField::DataLength), U256::from(data.len()), &mut db);
        for (i, chunk) in data.chunks(32).enumerate() {
            let mut word = [0u8; 32];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write(target(LogField::DataWord(i as u32)), U256::from_be_bytes(word), &mut db);
        }
        if let Some(t) = self.tx.as_mut() {
            t.log_id += 1;
        }
    }
}
