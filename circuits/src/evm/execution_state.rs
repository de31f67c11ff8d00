//! Execution states: which gadget constrains a step. One state per opcode *family*; the
//! registry maps each step of a trace to its state, or says plainly that none exists yet.

use zkevm_executor::trace::{Step, StepKind};

use crate::error::CircuitError;

/// The gadget a step runs. Only states with a sound gadget exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExecutionState {
    /// A transaction starts: fees, nonce, warm set, call context, value transfer.
    BeginTx,
    /// A transaction ends: refund, coinbase fee, receipt.
    EndTx,
    /// Unused step slots between the last transaction and [`ExecutionState::EndBlock`].
    Padding,
    /// The last step slot: the RW log's length is checked against the RW table.
    EndBlock,
    /// STOP in the root call.
    Stop,
    /// RETURN from the root call.
    Return,
    /// ADD, SUB.
    AddSub,
    /// MUL.
    Mul,
    /// DIV, MOD.
    DivMod,
    /// SDIV, SMOD, ADDMOD, MULMOD (claimed in the arithmetic circuit).
    SignedModArith,
    /// EXP (claimed in the arithmetic circuit).
    Exp,
    /// SIGNEXTEND.
    SignExtend,
    /// BYTE.
    Byte,
    /// SHL.
    Shl,
    /// SHR, SAR.
    ShrSar,
    /// AND, OR, XOR.
    Bitwise,
    /// LT, GT, SLT, SGT.
    Comparator,
    /// EQ.
    Eq,
    /// ISZERO.
    IsZero,
    /// NOT.
    Not,
    /// COINBASE, TIMESTAMP, NUMBER, PREVRANDAO, GASLIMIT, CHAINID, BASEFEE, BLOBBASEFEE.
    BlockContext,
    /// ORIGIN, GASPRICE.
    TxContext,
    /// ADDRESS, CALLER, CALLVALUE, CALLDATASIZE, RETURNDATASIZE.
    CallContext,
    /// SELFBALANCE.
    SelfBalance,
    /// BALANCE (warm/cold account access).
    Balance,
    /// EXTCODEHASH (warm/cold account access).
    ExtCodeHash,
    /// EXTCODESIZE (warm/cold account access).
    ExtCodeSize,
    /// CODESIZE.
    CodeSize,
    /// CALLDATALOAD.
    CallDataLoad,
    /// CALLDATACOPY (root call).
    CallDataCopy,
    /// CODECOPY.
    CodeCopy,
    /// EXTCODECOPY (warm/cold account access).
    ExtCodeCopy,
    /// BLOBHASH (no blobs: always 0).
    BlobHash,
    /// BLOCKHASH (the 256-block window).
    BlockHash,
    /// SLOAD.
    Sload,
    /// SSTORE.
    Sstore,
    /// TLOAD.
    Tload,
    /// TSTORE.
    Tstore,
    /// PUSH0..PUSH32.
    Push,
    /// POP.
    Pop,
    /// DUP1..DUP16.
    Dup,
    /// SWAP1..SWAP16.
    Swap,
    /// JUMPDEST.
    JumpDest,
    /// PC.
    Pc,
    /// GAS.
    Gas,
    /// MSIZE.
    Msize,
    /// MLOAD.
    Mload,
    /// MSTORE.
    Mstore,
    /// MSTORE8.
    Mstore8,
    /// JUMP.
    Jump,
    /// JUMPI.
    JumpI,
    /// KECCAK256.
    Sha3,
    /// MCOPY.
    Mcopy,
    /// LOG0..LOG4.
    Log,
    /// REVERT from the root call: its writes are undone.
    Revert,
    /// An exceptional halt of the root call (out of gas for a constant cost, stack underflow
    /// or overflow, INVALID or an unassigned opcode): all gas is consumed, writes are undone.
    ErrorHalt,
    /// JUMP or JUMPI of the root call to a destination that is not a JUMPDEST: all gas is
    /// consumed, writes are undone.
    ErrorInvalidJump,
    /// SSTORE of the root call with too little gas (EIP-2200's sentry or its dynamic cost):
    /// all gas is consumed, writes are undone.
    ErrorOutOfGasSstore,
    /// RETURNDATACOPY that succeeds (of nothing, in a call without return data).
    ReturnDataCopy,
    /// RETURNDATACOPY past the end of the return data: all gas is consumed, writes are undone.
    ErrorReturnDataOutOfBounds,
    /// Out of gas on an opcode priced by a memory range (MLOAD … LOG4): all gas is consumed,
    /// writes are undone.
    ErrorOutOfGasMemory,
    /// EXP with less gas than its exponent's byte length prices it at: all gas is consumed,
    /// writes are undone.
    ErrorOutOfGasExp,
    /// MCOPY with less gas than its copy and expansion cost: all gas is consumed, writes are
    /// undone.
    ErrorOutOfGasMcopy,
}

impl ExecutionState {
    /// Every state, in selector order.
    pub const ALL: [ExecutionState; 63] = [
        ExecutionState::BeginTx,
        ExecutionState::EndTx,
        ExecutionState::Padding,
        ExecutionState::EndBlock,
        ExecutionState::Stop,
        ExecutionState::Return,
        ExecutionState::AddSub,
        ExecutionState::Mul,
        ExecutionState::DivMod,
        ExecutionState::SignedModArith,
        ExecutionState::Exp,
        ExecutionState::SignExtend,
        ExecutionState::Byte,
        ExecutionState::Shl,
        ExecutionState::ShrSar,
        ExecutionState::Bitwise,
        ExecutionState::Comparator,
        ExecutionState::Eq,
        ExecutionState::IsZero,
        ExecutionState::Not,
        ExecutionState::BlockContext,
        ExecutionState::TxContext,
        ExecutionState::CallContext,
        ExecutionState::SelfBalance,
        ExecutionState::CodeSize,
        ExecutionState::Balance,
        ExecutionState::ExtCodeHash,
        ExecutionState::ExtCodeSize,
        ExecutionState::CallDataLoad,
        ExecutionState::CallDataCopy,
        ExecutionState::Sload,
        ExecutionState::Sstore,
        ExecutionState::Tload,
        ExecutionState::Tstore,
        ExecutionState::Push,
        ExecutionState::Pop,
        ExecutionState::Dup,
        ExecutionState::Swap,
        ExecutionState::JumpDest,
        ExecutionState::Pc,
        ExecutionState::Gas,
        ExecutionState::Msize,
        ExecutionState::Mload,
        ExecutionState::Mstore,
        ExecutionState::Mstore8,
        ExecutionState::Jump,
        ExecutionState::JumpI,
        ExecutionState::Sha3,
        ExecutionState::Mcopy,
        ExecutionState::Log,
        ExecutionState::Revert,
        ExecutionState::ErrorHalt,
        ExecutionState::ErrorInvalidJump,
        ExecutionState::ErrorOutOfGasSstore,
        ExecutionState::ReturnDataCopy,
        ExecutionState::ErrorReturnDataOutOfBounds,
        ExecutionState::ErrorOutOfGasMemory,
        ExecutionState::CodeCopy,
        ExecutionState::ExtCodeCopy,
        ExecutionState::BlobHash,
        ExecutionState::BlockHash,
        ExecutionState::ErrorOutOfGasExp,
        ExecutionState::ErrorOutOfGasMcopy,
    ];

    /// Index of the state's selector cell.
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// Whether the state runs an opcode of the current call's code.
    pub fn is_opcode(self) -> bool {
        !matches!(
            self,
            ExecutionState::BeginTx
                | ExecutionState::EndTx
                | ExecutionState::Padding
                | ExecutionState::EndBlock
        )
    }

    /// The state of an opcode that completed, if it has a gadget.
    pub fn of_opcode(opcode: u8) -> Option<Self> {
        Some(match opcode {
            0x00 => ExecutionState::Stop,
            0xf3 => ExecutionState::Return,
            0xfd => ExecutionState::Revert,
            0x01 | 0x03 => ExecutionState::AddSub,
            0x02 => ExecutionState::Mul,
            0x04 | 0x06 => ExecutionState::DivMod,
            0x05 | 0x07 | 0x08 | 0x09 => ExecutionState::SignedModArith,
            0x0a => ExecutionState::Exp,
            0x31 => ExecutionState::Balance,
            0x3f => ExecutionState::ExtCodeHash,
            0x3b => ExecutionState::ExtCodeSize,
            0x0b => ExecutionState::SignExtend,
            0x1a => ExecutionState::Byte,
            0x1b => ExecutionState::Shl,
            0x1c | 0x1d => ExecutionState::ShrSar,
            0x16..=0x18 => ExecutionState::Bitwise,
            0x10..=0x13 => ExecutionState::Comparator,
            0x14 => ExecutionState::Eq,
            0x15 => ExecutionState::IsZero,
            0x19 => ExecutionState::Not,
            0x41..=0x46 | 0x48 | 0x4a => ExecutionState::BlockContext,
            0x32 | 0x3a => ExecutionState::TxContext,
            0x30 | 0x33 | 0x34 | 0x36 | 0x3d => ExecutionState::CallContext,
            0x47 => ExecutionState::SelfBalance,
            0x38 => ExecutionState::CodeSize,
            0x35 => ExecutionState::CallDataLoad,
            0x37 => ExecutionState::CallDataCopy,
            0x39 => ExecutionState::CodeCopy,
            0x3c => ExecutionState::ExtCodeCopy,
            0x49 => ExecutionState::BlobHash,
            0x40 => ExecutionState::BlockHash,
            0x3e => ExecutionState::ReturnDataCopy,
            0x54 => ExecutionState::Sload,
            0x55 => ExecutionState::Sstore,
            0x5c => ExecutionState::Tload,
            0x5d => ExecutionState::Tstore,
            0x50 => ExecutionState::Pop,
            0x56 => ExecutionState::Jump,
            0x57 => ExecutionState::JumpI,
            0x58 => ExecutionState::Pc,
            0x59 => ExecutionState::Msize,
            0x51 => ExecutionState::Mload,
            0x52 => ExecutionState::Mstore,
            0x53 => ExecutionState::Mstore8,
            0x5a => ExecutionState::Gas,
            0x5b => ExecutionState::JumpDest,
            0x20 => ExecutionState::Sha3,
            0x5e => ExecutionState::Mcopy,
            0xa0..=0xa4 => ExecutionState::Log,
            0x5f..=0x7f => ExecutionState::Push,
            0x80..=0x8f => ExecutionState::Dup,
            0x90..=0x9f => ExecutionState::Swap,
            _ => return None,
        })
    }

    /// The state of `step`, or `Unsupported` naming what has no gadget.
    pub fn of_step(step: &Step) -> Result<Self, CircuitError> {
        match &step.kind {
            StepKind::Op(opcode) => Self::of_opcode(*opcode).ok_or_else(|| {
                CircuitError::Unsupported(format!("opcode {}", opcode_name(*opcode)))
            }),
            StepKind::Error { opcode, error } => {
                if super::gadgets::error::provable(*opcode, error) {
                    Ok(ExecutionState::ErrorHalt)
                } else if super::gadgets::invalid_jump::provable(*opcode, error) {
                    Ok(ExecutionState::ErrorInvalidJump)
                } else if super::gadgets::sstore_oog::provable(*opcode, error) {
                    Ok(ExecutionState::ErrorOutOfGasSstore)
                } else if super::gadgets::returndatacopy::provable(*opcode, error) {
                    Ok(ExecutionState::ErrorReturnDataOutOfBounds)
                } else if super::gadgets::memory_oog::provable(*opcode, error) {
                    Ok(ExecutionState::ErrorOutOfGasMemory)
                } else if super::gadgets::exp_oog::provable(*opcode, error) {
                    Ok(ExecutionState::ErrorOutOfGasExp)
                } else if super::gadgets::mcopy_oog::provable(*opcode, error) {
                    Ok(ExecutionState::ErrorOutOfGasMcopy)
                } else {
                    Err(CircuitError::Unsupported(format!(
                        "error {error:?} at {}",
                        opcode_name(*opcode)
                    )))
                }
            }
            StepKind::BeginTx => Ok(ExecutionState::BeginTx),
            StepKind::EndTx => Ok(ExecutionState::EndTx),
            StepKind::EndBlock => Ok(ExecutionState::EndBlock),
        }
    }
}

/// The mnemonic of an opcode byte (`0x0c` style for unassigned bytes).
pub fn opcode_name(opcode: u8) -> String {
    match zkevm_executor::opcodes::name(opcode) {
        Some(name) => name.to_string(),
        None => format!("0x{opcode:02x}"),
    }
}
