//! The step state: the EVM state machine's registers, in dedicated columns on each step's first
//! row, read at the current step (rotation 0) and the next one (rotation: the step's height).

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression};

/// Columns of the step state.
#[derive(Clone, Copy, Debug)]
pub struct StepColumns {
    /// rw_counter of the step's first RW.
    pub rw_counter: Column<Advice>,
    /// Call frame id.
    pub call_id: Column<Advice>,
    /// Transaction index.
    pub tx_id: Column<Advice>,
    /// Running code's hash, low 128 bits.
    pub code_hash_lo: Column<Advice>,
    /// Running code's hash, high 128 bits.
    pub code_hash_hi: Column<Advice>,
    /// Program counter.
    pub pc: Column<Advice>,
    /// Gas left before the step.
    pub gas_left: Column<Advice>,
    /// Stack items before the step.
    pub stack_pointer: Column<Advice>,
    /// Memory size in words.
    pub memory_word_size: Column<Advice>,
    /// Reversible writes of the call so far.
    pub reversible_write_counter: Column<Advice>,
    /// Logs of the transaction so far.
    pub log_id: Column<Advice>,
    /// The opcode at `pc` (0 for steps that are not opcodes).
    pub opcode: Column<Advice>,
    /// 1 if the call's writes persist (it and its callers succeed); constant within a call.
    pub is_persistent: Column<Advice>,
    /// For a call that does not persist: the RW counter of the last of its reversion writes
    /// (the write undoing its reversible write number `i` is at this counter minus `i`);
    /// 0 for a persistent call. Constant within a call.
    pub rw_counter_end_of_reversion: Column<Advice>,
}

impl StepColumns {
    /// Allocates the columns.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        let mut advice = || meta.advice_column();
        Self {
            rw_counter: advice(),
            call_id: advice(),
            tx_id: advice(),
            code_hash_lo: advice(),
            code_hash_hi: advice(),
            pc: advice(),
            gas_left: advice(),
            stack_pointer: advice(),
            memory_word_size: advice(),
            reversible_write_counter: advice(),
            log_id: advice(),
            opcode: advice(),
            is_persistent: advice(),
            rw_counter_end_of_reversion: advice(),
        }
    }

    /// Every column, in [`StepValues::as_array`] order.
    pub fn all(&self) -> [Column<Advice>; 14] {
        [
            self.rw_counter,
            self.call_id,
            self.tx_id,
            self.code_hash_lo,
            self.code_hash_hi,
            self.pc,
            self.gas_left,
            self.stack_pointer,
            self.memory_word_size,
            self.reversible_write_counter,
            self.log_id,
            self.opcode,
            self.is_persistent,
            self.rw_counter_end_of_reversion,
        ]
    }

    /// The state at the step starting `rotation` rows from here.
    pub fn at<F: PrimeField>(&self, rotation: i32) -> StepExprs<F> {
        StepExprs {
            rw_counter: self.rw_counter.rot(rotation),
            call_id: self.call_id.rot(rotation),
            tx_id: self.tx_id.rot(rotation),
            code_hash_lo: self.code_hash_lo.rot(rotation),
            code_hash_hi: self.code_hash_hi.rot(rotation),
            pc: self.pc.rot(rotation),
            gas_left: self.gas_left.rot(rotation),
            stack_pointer: self.stack_pointer.rot(rotation),
            memory_word_size: self.memory_word_size.rot(rotation),
            reversible_write_counter: self.reversible_write_counter.rot(rotation),
            log_id: self.log_id.rot(rotation),
            opcode: self.opcode.rot(rotation),
            is_persistent: self.is_persistent.rot(rotation),
            rw_counter_end_of_reversion: self.rw_counter_end_of_reversion.rot(rotation),
        }
    }
}

/// The step state as expressions at one step.
#[derive(Clone, Debug)]
pub struct StepExprs<F: PrimeField> {
    /// rw_counter.
    pub rw_counter: Expression<F>,
    /// Call frame id.
    pub call_id: Expression<F>,
    /// Transaction index.
    pub tx_id: Expression<F>,
    /// Code hash, low limb.
    pub code_hash_lo: Expression<F>,
    /// Code hash, high limb.
    pub code_hash_hi: Expression<F>,
    /// Program counter.
    pub pc: Expression<F>,
    /// Gas left.
    pub gas_left: Expression<F>,
    /// Stack pointer.
    pub stack_pointer: Expression<F>,
    /// Memory size in words.
    pub memory_word_size: Expression<F>,
    /// Reversible write counter.
    pub reversible_write_counter: Expression<F>,
    /// Log id.
    pub log_id: Expression<F>,
    /// Opcode.
    pub opcode: Expression<F>,
    /// Whether the call's writes persist.
    pub is_persistent: Expression<F>,
    /// Last RW counter of the call's reversion range (0 when it persists).
    pub rw_counter_end_of_reversion: Expression<F>,
}

/// The step state's values at one step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepValues {
    /// rw_counter.
    pub rw_counter: u64,
    /// Call frame id.
    pub call_id: u64,
    /// Transaction index.
    pub tx_id: u64,
    /// Code hash, low limb.
    pub code_hash_lo: u128,
    /// Code hash, high limb.
    pub code_hash_hi: u128,
    /// Program counter.
    pub pc: u64,
    /// Gas left.
    pub gas_left: u64,
    /// Stack pointer.
    pub stack_pointer: u64,
    /// Memory size in words.
    pub memory_word_size: u64,
    /// Reversible write counter.
    pub reversible_write_counter: u64,
    /// Log id.
    pub log_id: u64,
    /// Opcode.
    pub opcode: u64,
    /// Whether the call's writes persist.
    pub is_persistent: u64,
    /// Last RW counter of the call's reversion range (0 when it persists).
    pub rw_counter_end_of_reversion: u64,
}

impl StepValues {
    /// The values in [`StepColumns::all`] order.
    pub fn as_array<F: PrimeField>(&self) -> [F; 14] {
        [
            F::from(self.rw_counter),
            F::from(self.call_id),
            F::from(self.tx_id),
            F::from_u128(self.code_hash_lo),
            F::from_u128(self.code_hash_hi),
            F::from(self.pc),
            F::from(self.gas_left),
            F::from(self.stack_pointer),
            F::from(self.memory_word_size),
            F::from(self.reversible_write_counter),
            F::from(self.log_id),
            F::from(self.opcode),
            F::from(self.is_persistent),
            F::from(self.rw_counter_end_of_reversion),
        ]
    }
}
