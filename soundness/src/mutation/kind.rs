//! The semantic mutation kinds: each names one way a prover could lie about an execution.

use serde::{Deserialize, Serialize};

/// One way to lie in a trace. Every kind changes something the circuits assign from the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MutationKind {
    /// An opcode's result: a stack write of the step, changed together with every later read
    /// of that slot (so the RW log stays consistent and only the gadget can object).
    StackPush,
    /// A stack read's value, alone (the read no longer returns the latest write).
    StackInput,
    /// A step's program counter.
    Pc,
    /// A step's gas left.
    GasLeft,
    /// A step's gas cost.
    GasCost,
    /// A step's stack pointer.
    StackPointer,
    /// A step's memory size in words.
    MemoryWordSize,
    /// A step's first RW counter.
    StepRwCounter,
    /// A step's reversible write counter.
    ReversibleWriteCounter,
    /// A step's log index.
    LogId,
    /// A memory word write, changed together with the later reads of that word.
    MemoryWord,
    /// Any RW row's value (a write: with the later reads of its location; a read: alone).
    RwValue,
    /// A write's previous value.
    RwValuePrev,
    /// An RW row's location (stack slot, memory word, storage slot, account, field, ...).
    RwKey,
    /// An RW row's read/write flag.
    RwIsWrite,
    /// A storage slot's committed value (its value at the start of the transaction), on every
    /// row of that slot in that transaction.
    StorageCommitted,
    /// A step's execution state: the opcode replaced by one of another gadget with the same
    /// stack effect.
    ExecutionState,
    /// A step's opcode replaced by another of the same gadget and stack effect.
    Opcode,
    /// One RW row removed (counters after it renumbered, its step's RW count reduced).
    DropRw,
    /// One RW row duplicated (counters after it renumbered, its step's RW count increased).
    DuplicateRw,
    /// Two consecutive steps of a transaction swapped.
    SwapSteps,
    /// One byte of a bytecode.
    BytecodeByte,
    /// A KECCAK256 step's result, with the later reads of its stack slot.
    KeccakOutput,
    /// One byte of a hashed input given to the keccak circuit, in every copy of that input.
    KeccakInput,
    /// A log topic written to the log.
    LogTopic,
    /// The refund counter: one of its RW rows (a write: with the later reads).
    Refund,
}

impl MutationKind {
    /// Every kind, in report order.
    pub const ALL: [MutationKind; 26] = [
        MutationKind::StackPush,
        MutationKind::StackInput,
        MutationKind::Pc,
        MutationKind::GasLeft,
        MutationKind::GasCost,
        MutationKind::StackPointer,
        MutationKind::MemoryWordSize,
        MutationKind::StepRwCounter,
        MutationKind::ReversibleWriteCounter,
        MutationKind::LogId,
        MutationKind::MemoryWord,
        MutationKind::RwValue,
        MutationKind::RwValuePrev,
        MutationKind::RwKey,
        MutationKind::RwIsWrite,
        MutationKind::StorageCommitted,
        MutationKind::ExecutionState,
        MutationKind::Opcode,
        MutationKind::DropRw,
        MutationKind::DuplicateRw,
        MutationKind::SwapSteps,
        MutationKind::BytecodeByte,
        MutationKind::KeccakOutput,
        MutationKind::KeccakInput,
        MutationKind::LogTopic,
        MutationKind::Refund,
    ];

    /// The kind's name in reports (snake case, as serialised).
    pub fn name(self) -> &'static str {
        match self {
            MutationKind::StackPush => "stack_push",
            MutationKind::StackInput => "stack_input",
            MutationKind::Pc => "pc",
            MutationKind::GasLeft => "gas_left",
            MutationKind::GasCost => "gas_cost",
            MutationKind::StackPointer => "stack_pointer",
            MutationKind::MemoryWordSize => "memory_word_size",
            MutationKind::StepRwCounter => "step_rw_counter",
            MutationKind::ReversibleWriteCounter => "reversible_write_counter",
            MutationKind::LogId => "log_id",
            MutationKind::MemoryWord => "memory_word",
            MutationKind::RwValue => "rw_value",
            MutationKind::RwValuePrev => "rw_value_prev",
            MutationKind::RwKey => "rw_key",
            MutationKind::RwIsWrite => "rw_is_write",
            MutationKind::StorageCommitted => "storage_committed",
            MutationKind::ExecutionState => "execution_state",
            MutationKind::Opcode => "opcode",
            MutationKind::DropRw => "drop_rw",
            MutationKind::DuplicateRw => "duplicate_rw",
            MutationKind::SwapSteps => "swap_steps",
            MutationKind::BytecodeByte => "bytecode_byte",
            MutationKind::KeccakOutput => "keccak_output",
            MutationKind::KeccakInput => "keccak_input",
            MutationKind::LogTopic => "log_topic",
            MutationKind::Refund => "refund",
        }
    }

    /// The kind named `name` (as [`MutationKind::name`] writes it).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::MutationKind;

    #[test]
    fn names_round_trip() {
        for kind in MutationKind::ALL {
            assert_eq!(MutationKind::from_name(kind.name()), Some(kind));
        }
    }
}
