//! Reading a step's RWs the way its gadget declared them.
//!
//! [`StepReader`] mirrors the builder: a gadget that pops, reads a call-context field and
//! writes a slot in `configure` calls `stack_pop()?`, `call_context(field)?` and
//! `storage_write()?` in `assign`, in the same order. Each call takes the step's next RW and
//! checks that it is the kind (read or write) and the target the gadget expects; a step whose
//! RWs are not what its gadget reads is a [`WitnessError`] naming the step, the gadget, what was
//! expected and what was found.
//!
//! A witness built without checks (a forged one, for the mutation campaigns) is read
//! leniently: a mismatched kind or target is taken as it is and left to the constraints, which
//! are the judges of a forgery. A missing RW is an error either way.

use alloy_primitives::{Address, U256};
use zkevm_trace::trace::{
    AccountField, CallContextField, LogField, ReceiptField, Rw, RwAccess, RwTarget,
};

use super::execution_state::opcode_name;
use super::witness::StepWitness;
use zkevm_trace::trace::StepKind;

/// A step's RWs do not match what its gadget reads.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{step}, gadget {gadget}: RW {index} of the step should be {expected}, found {found}")]
pub struct WitnessError {
    /// The step (its kind, pc, call and RW counter).
    pub step: String,
    /// The gadget reading it.
    pub gadget: &'static str,
    /// The RW's index within the step.
    pub index: usize,
    /// What the gadget expected.
    pub expected: String,
    /// What the step holds.
    pub found: String,
}

/// A write's new value and the value it replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    /// The value written.
    pub value: U256,
    /// The value before.
    pub prev: U256,
}

/// A storage slot access: where, the value, and the slot's value at the start of the
/// transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotAccess {
    /// The account.
    pub address: Address,
    /// The slot.
    pub key: U256,
    /// The value read or written.
    pub value: U256,
    /// The value before a write (the value itself for a read).
    pub prev: U256,
    /// The slot's value at the start of the transaction (0 for transient storage).
    pub committed: U256,
}

/// What kind of access the gadget expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Read,
    Write,
}

/// Reads a step's RWs in the order its gadget declared them.
#[derive(Debug)]
pub struct StepReader<'a, 't> {
    w: &'a StepWitness<'t>,
    gadget: &'static str,
    next: usize,
    stack_pointer: u64,
}

impl<'a, 't> StepReader<'a, 't> {
    /// A reader of `w`'s RWs for gadget `gadget`, from the first.
    pub fn new(w: &'a StepWitness<'t>, gadget: &'static str) -> Self {
        Self { w, gadget, next: 0, stack_pointer: w.values.stack_pointer }
    }

    /// The step's RWs not read yet.
    fn rest(&self) -> &'t [Rw] {
        self.w.rws.get(self.next..).unwrap_or_default()
    }

    /// Moves past `count` RWs that another part of the gadget reads (a copy's words).
    pub fn skip(&mut self, count: usize, what: &str) -> Result<&'t [Rw], WitnessError> {
        let end = self.next + count;
        let rws = self.w.rws.get(self.next..end).ok_or_else(|| {
            self.error(format!("{count} RWs of {what}"), format!("{} RWs", self.rest().len()))
        })?;
        self.next = end;
        Ok(rws)
    }

    fn error(&self, expected: String, found: String) -> WitnessError {
        let w = self.w;
        let kind = match &w.step.kind {
            StepKind::Op(op) => opcode_name(*op),
            StepKind::Error { opcode, error } => format!("{error:?} at {}", opcode_name(*opcode)),
            other => format!("{other:?}"),
        };
        WitnessError {
            step: format!(
                "step {kind} at pc {} of call {} (rw_counter {})",
                w.step.pc, w.step.call_index, w.step.rw_counter
            ),
            gadget: self.gadget,
            index: self.next,
            expected,
            found,
        }
    }

    /// Takes the next RW, which must be a `kind` access whose target `matches` (described by
    /// `what`). Without checks, only its presence is required.
    fn take(
        &mut self,
        kind: Kind,
        what: impl Fn() -> String,
        matches: impl Fn(&RwTarget) -> bool,
    ) -> Result<&'t Rw, WitnessError> {
        let Some(rw) = self.w.rws.get(self.next) else {
            return Err(self.error(what(), "no more RWs".into()));
        };
        let kind_ok = matches!(
            (kind, rw.access),
            (Kind::Read, RwAccess::Read) | (Kind::Write, RwAccess::Write { .. })
        );
        if self.w.checked && !(kind_ok && matches(&rw.target)) {
            let found = match rw.access {
                RwAccess::Read => format!("a read of {:?}", rw.target),
                RwAccess::Write { .. } => format!("a write of {:?}", rw.target),
            };
            let expected = match kind {
                Kind::Read => format!("a read of {}", what()),
                Kind::Write => format!("a write of {}", what()),
            };
            return Err(self.error(expected, found));
        }
        self.next += 1;
        Ok(rw)
    }

    fn read(
        &mut self,
        what: impl Fn() -> String,
        matches: impl Fn(&RwTarget) -> bool,
    ) -> Result<&'t Rw, WitnessError> {
        self.take(Kind::Read, what, matches)
    }

    fn write(
        &mut self,
        what: impl Fn() -> String,
        matches: impl Fn(&RwTarget) -> bool,
    ) -> Result<(&'t Rw, Written), WitnessError> {
        let rw = self.take(Kind::Write, what, matches)?;
        Ok((rw, Written { value: rw.value, prev: rw.value_prev().unwrap_or_default() }))
    }

    fn call(&self) -> usize {
        self.w.step.call_index
    }

    fn stack_at(&self, ptr: u64) -> impl Fn(&RwTarget) -> bool {
        let call = self.call();
        move |t| matches!(t, RwTarget::Stack { call: c, ptr: p } if *c == call && u64::from(*p) == ptr)
    }

    fn stack_what(&self, ptr: u64) -> impl Fn() -> String {
        let call = self.call();
        move || format!("stack slot {ptr} of call {call}")
    }

    /// Pops the top of the stack.
    pub fn stack_pop(&mut self) -> Result<U256, WitnessError> {
        let ptr = self.stack_pointer.wrapping_sub(1);
        let value = self.read(self.stack_what(ptr), self.stack_at(ptr))?.value;
        self.stack_pointer = ptr;
        Ok(value)
    }

    /// Pushes onto the stack.
    pub fn stack_push(&mut self) -> Result<Written, WitnessError> {
        let ptr = self.stack_pointer;
        let (_, written) = self.write(self.stack_what(ptr), self.stack_at(ptr))?;
        self.stack_pointer += 1;
        Ok(written)
    }

    /// Reads the item `depth` below the top (0 = top), not moving the pointer.
    pub fn stack_peek(&mut self, depth: u64) -> Result<U256, WitnessError> {
        let ptr = self.stack_pointer.wrapping_sub(1 + depth);
        Ok(self.read(self.stack_what(ptr), self.stack_at(ptr))?.value)
    }

    /// Writes the item `depth` below the top (0 = top), not moving the pointer.
    pub fn stack_write_at(&mut self, depth: u64) -> Result<Written, WitnessError> {
        let ptr = self.stack_pointer.wrapping_sub(1 + depth);
        Ok(self.write(self.stack_what(ptr), self.stack_at(ptr))?.1)
    }

    fn call_context_of(&self, field: CallContextField) -> impl Fn(&RwTarget) -> bool {
        let call = self.call();
        move |t| matches!(t, RwTarget::CallContext { call: c, field: f } if *c == call && *f == field)
    }

    /// Reads a field of the current call's context.
    pub fn call_context(&mut self, field: CallContextField) -> Result<U256, WitnessError> {
        let what = move || format!("call context {field:?}");
        Ok(self.read(what, self.call_context_of(field))?.value)
    }

    /// Writes a field of the current call's context.
    pub fn call_context_write(&mut self, field: CallContextField) -> Result<Written, WitnessError> {
        let what = move || format!("call context {field:?}");
        Ok(self.write(what, self.call_context_of(field))?.1)
    }

    /// Reads a field of an account: the account and the value.
    pub fn account(&mut self, field: AccountField) -> Result<(Address, U256), WitnessError> {
        let what = move || format!("an account's {field:?}");
        let rw = self
            .read(what, move |t| matches!(t, RwTarget::Account { field: f, .. } if *f == field))?;
        Ok((account_of(&rw.target), rw.value))
    }

    /// Writes a field of an account: the account and the write.
    pub fn account_write(
        &mut self,
        field: AccountField,
    ) -> Result<(Address, Written), WitnessError> {
        let what = move || format!("an account's {field:?}");
        let (rw, written) = self
            .write(what, move |t| matches!(t, RwTarget::Account { field: f, .. } if *f == field))?;
        Ok((account_of(&rw.target), written))
    }

    fn tx(&self) -> usize {
        self.w.values.tx_id as usize
    }

    fn slot(rw: &Rw, prev: U256) -> SlotAccess {
        match rw.target {
            RwTarget::Storage { address, key, committed_value, .. } => {
                SlotAccess { address, key, value: rw.value, prev, committed: committed_value }
            }
            RwTarget::TransientStorage { address, key, .. }
            | RwTarget::TxAccessListStorage { address, key, .. } => {
                SlotAccess { address, key, value: rw.value, prev, committed: U256::ZERO }
            }
            _ => SlotAccess {
                address: Address::ZERO,
                key: U256::ZERO,
                value: rw.value,
                prev,
                committed: U256::ZERO,
            },
        }
    }

    /// Reads a storage slot of the current transaction.
    pub fn storage(&mut self) -> Result<SlotAccess, WitnessError> {
        let tx = self.tx();
        let rw = self.read(
            || "a storage slot".into(),
            move |t| matches!(t, RwTarget::Storage { tx: x, .. } if *x == tx),
        )?;
        Ok(Self::slot(rw, rw.value))
    }

    /// Writes a storage slot of the current transaction.
    pub fn storage_write(&mut self) -> Result<SlotAccess, WitnessError> {
        let tx = self.tx();
        let (rw, w) = self.write(
            || "a storage slot".into(),
            move |t| matches!(t, RwTarget::Storage { tx: x, .. } if *x == tx),
        )?;
        Ok(Self::slot(rw, w.prev))
    }

    /// Reads a transient storage slot of the current transaction.
    pub fn transient(&mut self) -> Result<SlotAccess, WitnessError> {
        let tx = self.tx();
        let rw = self.read(
            || "a transient slot".into(),
            move |t| matches!(t, RwTarget::TransientStorage { tx: x, .. } if *x == tx),
        )?;
        Ok(Self::slot(rw, rw.value))
    }

    /// Writes a transient storage slot of the current transaction.
    pub fn transient_write(&mut self) -> Result<SlotAccess, WitnessError> {
        let tx = self.tx();
        let (rw, w) = self.write(
            || "a transient slot".into(),
            move |t| matches!(t, RwTarget::TransientStorage { tx: x, .. } if *x == tx),
        )?;
        Ok(Self::slot(rw, w.prev))
    }

    /// Reads a slot's warm flag (EIP-2929) in the current transaction.
    pub fn warm_slot(&mut self) -> Result<SlotAccess, WitnessError> {
        let tx = self.tx();
        let rw = self.read(
            || "a slot's warm flag".into(),
            move |t| matches!(t, RwTarget::TxAccessListStorage { tx: x, .. } if *x == tx),
        )?;
        Ok(Self::slot(rw, rw.value))
    }

    /// Writes a slot's warm flag (EIP-2929) in the current transaction.
    pub fn warm_slot_write(&mut self) -> Result<SlotAccess, WitnessError> {
        let tx = self.tx();
        let (rw, w) = self.write(
            || "a slot's warm flag".into(),
            move |t| matches!(t, RwTarget::TxAccessListStorage { tx: x, .. } if *x == tx),
        )?;
        Ok(Self::slot(rw, w.prev))
    }

    /// Writes an account's warm flag (EIP-2929) in the current transaction.
    pub fn warm_account_write(&mut self) -> Result<(Address, Written), WitnessError> {
        let tx = self.tx();
        let (rw, w) = self.write(
            || "an account's warm flag".into(),
            move |t| matches!(t, RwTarget::TxAccessListAccount { tx: x, .. } if *x == tx),
        )?;
        Ok((account_of(&rw.target), w))
    }

    /// Reads the current transaction's refund counter.
    pub fn refund(&mut self) -> Result<U256, WitnessError> {
        let tx = self.tx();
        Ok(self
            .read(
                || "the refund counter".into(),
                move |t| matches!(t, RwTarget::TxRefund { tx: x } if *x == tx),
            )?
            .value)
    }

    /// Writes the current transaction's refund counter.
    pub fn refund_write(&mut self) -> Result<Written, WitnessError> {
        let tx = self.tx();
        Ok(self
            .write(
                || "the refund counter".into(),
                move |t| matches!(t, RwTarget::TxRefund { tx: x } if *x == tx),
            )?
            .1)
    }

    /// Reads a word of the current call's memory: its word address and value.
    pub fn memory(&mut self) -> Result<(u64, U256), WitnessError> {
        let call = self.call();
        let rw = self.read(
            move || format!("a memory word of call {call}"),
            move |t| matches!(t, RwTarget::Memory { call: c, .. } if *c == call),
        )?;
        Ok((memory_word_of(&rw.target), rw.value))
    }

    /// Writes a word of the current call's memory: its word address and the write.
    pub fn memory_write(&mut self) -> Result<(u64, Written), WitnessError> {
        let call = self.call();
        let (rw, w) = self.write(
            move || format!("a memory word of call {call}"),
            move |t| matches!(t, RwTarget::Memory { call: c, .. } if *c == call),
        )?;
        Ok((memory_word_of(&rw.target), w))
    }

    /// `count` words of the current call's memory, read or written (a copy's stream).
    pub fn memory_words(&mut self, count: usize, written: bool) -> Result<&'t [Rw], WitnessError> {
        let start = self.next;
        for _ in 0..count {
            if written {
                self.memory_write()?;
            } else {
                self.memory()?;
            }
        }
        Ok(&self.w.rws[start..self.next])
    }

    /// Writes a field of a log of the current transaction.
    pub fn log_write(&mut self, field: LogField) -> Result<Written, WitnessError> {
        let tx = self.tx();
        let what = move || format!("log field {field:?}");
        Ok(self.write(what, move |t| matches!(t, RwTarget::TxLog { tx: x, field: f, .. } if *x == tx && *f == field))?.1)
    }

    /// `count` data words of a log of the current transaction (a copy's stream).
    pub fn log_data_words(&mut self, count: usize) -> Result<&'t [Rw], WitnessError> {
        let tx = self.tx();
        let start = self.next;
        for _ in 0..count {
            let what = || "a log data word".to_string();
            self.write(what, move |t| matches!(t, RwTarget::TxLog { tx: x, field: LogField::DataWord(_), .. } if *x == tx))?;
        }
        Ok(&self.w.rws[start..self.next])
    }

    /// Reads a receipt field of transaction `tx`.
    pub fn receipt_of(&mut self, tx: usize, field: ReceiptField) -> Result<U256, WitnessError> {
        let what = move || format!("receipt {field:?} of transaction {tx}");
        Ok(self.read(what, move |t| matches!(t, RwTarget::TxReceipt { tx: x, field: f } if *x == tx && *f == field))?.value)
    }

    /// Writes a receipt field of the current transaction.
    pub fn receipt_write(&mut self, field: ReceiptField) -> Result<Written, WitnessError> {
        let tx = self.tx();
        let what = move || format!("receipt {field:?}");
        Ok(self.write(what, move |t| matches!(t, RwTarget::TxReceipt { tx: x, field: f } if *x == tx && *f == field))?.1)
    }

    /// Checks that every RW of the step was read (the gadget read the whole step).
    pub fn finish(&self) -> Result<(), WitnessError> {
        match self.rest().len() {
            0 => Ok(()),
            n if self.w.checked => Err(self.error("no more RWs".into(), format!("{n} more"))),
            _ => Ok(()),
        }
    }
}

fn account_of(target: &RwTarget) -> Address {
    match target {
        RwTarget::Account { address, .. } | RwTarget::TxAccessListAccount { address, .. } => {
            *address
        }
        _ => Address::ZERO,
    }
}

fn memory_word_of(target: &RwTarget) -> u64 {
    match target {
        RwTarget::Memory { word_addr, .. } => *word_addr,
        _ => 0,
    }
}
