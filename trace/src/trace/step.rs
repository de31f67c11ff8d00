//! Steps: the rows of the EVM state machine.

use serde::{Deserialize, Serialize};

/// What a step does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepKind {
    /// Transaction start: nonce, up-front fee, value transfer, warm set, call context.
    BeginTx,
    /// Transaction end: refund, fee payment to the coinbase, receipt.
    EndTx,
    /// End of the batch (after the last EndTx).
    EndBlock,
    /// One executed opcode that completed.
    Op(u8),
    /// One opcode that halted its frame exceptionally.
    Error {
        /// The opcode byte at `pc` (0xfe for INVALID, any unassigned byte for undefined ones).
        opcode: u8,
        /// Why it halted.
        error: ExecError,
    },
}

/// Why an opcode halted its frame.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExecError {
    /// Not enough gas for the constant, dynamic or memory cost.
    OutOfGas,
    /// Fewer stack items than the opcode pops.
    StackUnderflow,
    /// More than 1024 stack items.
    StackOverflow,
    /// JUMP or JUMPI to a byte that is not a JUMPDEST.
    InvalidJump,
    /// INVALID (0xfe) or an unassigned opcode.
    InvalidOpcode,
    /// A state-changing opcode in a static call.
    WriteInStaticContext,
    /// RETURNDATACOPY past the end of the return data.
    ReturnDataOutOfBounds,
    /// Memory offset or size beyond what the EVM can address.
    InvalidOperand,
    /// Created code starts with 0xEF (EIP-3541).
    InvalidCodePrefix,
    /// Created code larger than the EIP-170 limit.
    CodeSizeLimit,
    /// Any other exceptional halt, with revm's name for it.
    Other(String),
}

/// One row of the EVM state machine. `rw_counter .. rw_counter + rw_count` are the RWs this
/// step makes (including, for the last step of a sub-call, the writes that restore the
/// caller: the success flag on its stack and the returned bytes in its memory).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// What the step does.
    pub kind: StepKind,
    /// Call frame id (index into `Trace::calls`); for BeginTx/EndTx, the root call.
    pub call_index: usize,
    /// Program counter before the step.
    pub pc: u64,
    /// Gas left before the step.
    pub gas_left: u64,
    /// Gas charged by the step (for calls and creates, including the gas given to the callee).
    pub gas_cost: u64,
    /// Number of stack items before the step.
    pub stack_pointer: u16,
    /// Memory size in 32-byte words before the step.
    pub memory_word_size: u64,
    /// rw_counter of the first RW of this step (the next free counter if it makes none).
    pub rw_counter: u64,
    /// Number of RWs the step makes.
    pub rw_count: u64,
    /// Reversible state writes made by the current call before this step.
    pub reversible_write_counter: u64,
    /// Logs emitted by the transaction before this step (reverted logs not counted).
    pub log_id: u64,
}
