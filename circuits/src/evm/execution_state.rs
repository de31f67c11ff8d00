//! Execution states: one per gadget (opcode *family*), in selector order. Which steps a state
//! takes is its gadget's to say ([`super::gadgets::Gadget::claims`]); a test checks that the
//! registry lists exactly these states, in this order.

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
    /// CODESIZE.
    CodeSize,
    /// BALANCE (warm/cold account access).
    Balance,
    /// EXTCODEHASH (warm/cold account access).
    ExtCodeHash,
    /// EXTCODESIZE (warm/cold account access).
    ExtCodeSize,
    /// CALLDATALOAD.
    CallDataLoad,
    /// CALLDATACOPY (root call).
    CallDataCopy,
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
    /// CODECOPY.
    CodeCopy,
    /// EXTCODECOPY (warm/cold account access).
    ExtCodeCopy,
    /// BLOBHASH (no blobs: always 0).
    BlobHash,
    /// BLOCKHASH (the 256-block window).
    BlockHash,
    /// EXP with less gas than its exponent's byte length prices it at: all gas is consumed,
    /// writes are undone.
    ErrorOutOfGasExp,
    /// MCOPY with less gas than its copy and expansion cost: all gas is consumed, writes are
    /// undone.
    ErrorOutOfGasMcopy,
}

impl ExecutionState {
    /// Index of the state's selector cell: its place in the registry, which lists the states
    /// in declaration order (a test checks it).
    pub fn index(self) -> usize {
        self as usize
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
}

/// The mnemonic of an opcode byte (`0x0c` style for unassigned bytes).
pub fn opcode_name(opcode: u8) -> String {
    match zkevm_trace::opcodes::name(opcode) {
        Some(name) => name.to_string(),
        None => format!("0x{opcode:02x}"),
    }
}
