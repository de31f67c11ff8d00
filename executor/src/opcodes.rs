//! Opcode properties under Cancun rules: the one source of truth for the stack effect,
//! constant gas and validity of every byte, used by the recorder and, as plain data, by the
//! circuits' fixed tables.
//!
//! Stack effects come from revm's opcode table, less the bytes revm 43 assigns only for later
//! forks ([`after_cancun`]). Constant gas follows the Yellow Paper
//! (Appendix G, `Gzero`..`Ghigh`) with EIP-2929/1153/3855/4844/7516 additions; opcodes whose gas
//! depends on operands, memory expansion or warm/cold access have `constant_gas: None`.
//! `executor/tests/trace_families.rs` (`constant_gas_in_the_opcode_table_matches_what_revm_charges`)
//! checks the table against the gas revm charges on real traces.

use revm::bytecode::opcode::{self as op, OpCode};

/// Properties of one opcode byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpcodeProperties {
    /// The byte.
    pub opcode: u8,
    /// Whether the byte is an assigned opcode (unassigned bytes halt with InvalidOpcode).
    pub valid: bool,
    /// Stack items popped.
    pub stack_in: u8,
    /// Stack items pushed.
    pub stack_out: u8,
    /// The gas the opcode always costs, if it never depends on operands or state.
    pub constant_gas: Option<u64>,
}

/// Constant gas of `opcode`, if it has one.
const fn constant_gas(opcode: u8) -> Option<u64> {
    Some(match opcode {
        op::STOP => 0,
        op::JUMPDEST => 1,
        // Gbase
        op::ADDRESS
        | op::ORIGIN
        | op::CALLER
        | op::CALLVALUE
        | op::CALLDATASIZE
        | op::CODESIZE
        | op::GASPRICE
        | op::COINBASE
        | op::TIMESTAMP
        | op::NUMBER
        | op::DIFFICULTY
        | op::GASLIMIT
        | op::CHAINID
        | op::RETURNDATASIZE
        | op::POP
        | op::PC
        | op::MSIZE
        | op::GAS
        | op::BASEFEE
        | op::BLOBBASEFEE
        | op::PUSH0 => 2,
        // Gverylow
        op::ADD
        | op::SUB
        | op::NOT
        | op::LT
        | op::GT
        | op::SLT
        | op::SGT
        | op::EQ
        | op::ISZERO
        | op::AND
        | op::OR
        | op::XOR
        | op::BYTE
        | op::SHL
        | op::SHR
        | op::SAR
        | op::CALLDATALOAD
        | op::BLOBHASH => 3,
        op::PUSH1..=op::PUSH32 | op::DUP1..=op::DUP16 | op::SWAP1..=op::SWAP16 => 3,
        // Glow
        op::MUL | op::DIV | op::SDIV | op::MOD | op::SMOD | op::SIGNEXTEND | op::SELFBALANCE => 5,
        // Gmid
        op::ADDMOD | op::MULMOD | op::JUMP => 8,
        // Ghigh
        op::JUMPI => 10,
        op::BLOCKHASH => 20,
        // EIP-1153 (warm storage read cost)
        op::TLOAD | op::TSTORE => 100,
        _ => return None,
    })
}

/// Whether revm 43 assigns `opcode` only for a fork after Cancun (CLZ 0x1E, SLOTNUM 0x4B, DUPN,
/// SWAPN and EXCHANGE 0xE6 to 0xE8): under Cancun rules these bytes are unassigned.
pub const fn after_cancun(opcode: u8) -> bool {
    matches!(opcode, 0x1e | 0x4b | 0xe6..=0xe8)
}

/// The opcode `byte` is under Cancun rules (`None` when unassigned).
const fn cancun_opcode(byte: u8) -> Option<OpCode> {
    match after_cancun(byte) {
        true => None,
        false => OpCode::new(byte),
    }
}

/// The properties of `opcode` under Cancun rules.
pub const fn properties(opcode: u8) -> OpcodeProperties {
    match cancun_opcode(opcode) {
        Some(code) => OpcodeProperties {
            opcode,
            valid: true,
            stack_in: code.inputs(),
            stack_out: code.outputs(),
            constant_gas: constant_gas(opcode),
        },
        None => {
            OpcodeProperties { opcode, valid: false, stack_in: 0, stack_out: 0, constant_gas: None }
        }
    }
}

/// The mnemonic of `opcode` (`None` for unassigned bytes).
pub fn name(opcode: u8) -> Option<&'static str> {
    cancun_opcode(opcode).map(|code| code.as_str())
}

/// The properties of all 256 bytes, in byte order.
pub fn all() -> [OpcodeProperties; 256] {
    std::array::from_fn(|i| properties(i as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constant_gas_opcode_is_valid() {
        for p in all() {
            if p.constant_gas.is_some() {
                assert!(p.valid, "0x{:02x}", p.opcode);
            }
        }
        assert!(!properties(0x0c).valid);
        for byte in [0x1e, 0x4b, 0xe6, 0xe7, 0xe8] {
            assert!(!properties(byte).valid, "0x{byte:02x} is assigned after Cancun only");
            assert_eq!(name(byte), None);
        }
        assert_eq!(all().iter().filter(|p| p.valid).count(), 149, "Cancun assigns 149 bytes");
        assert!(properties(op::INVALID).valid, "INVALID is assigned (it halts by design)");
    }

    #[test]
    fn stack_effects_come_from_revm() {
        assert_eq!((properties(op::CALL).stack_in, properties(op::CALL).stack_out), (7, 1));
        assert_eq!((properties(op::SWAP16).stack_in, properties(op::SWAP16).stack_out), (17, 17));
        assert_eq!(properties(op::PUSH32).constant_gas, Some(3));
        assert_eq!(properties(op::SLOAD).constant_gas, None);
        assert_eq!(name(op::SWAP16), Some("SWAP16"));
        assert_eq!(name(0x0c), None);
    }
}

/// Where an opcode's memory range length comes from, for [`MemoryGas`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeLength {
    /// Stack operand `i` (the offset is operand 0), priced per 32-byte word.
    WordsOfOperand(u8),
    /// Stack operand `i`, priced per byte (LOG data).
    BytesOfOperand(u8),
    /// A fixed number of bytes (MLOAD and MSTORE 32, MSTORE8 1); no per-unit price.
    Fixed(u8),
}

/// The gas of an opcode whose cost is a constant, a price per word or byte of a memory range
/// `[operand 0, operand 0 + length)`, and that range's memory expansion (Yellow Paper,
/// Appendix G and H; EIP-5656 is MCOPY, left out: it has two ranges).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryGas {
    /// The opcode.
    pub opcode: u8,
    /// Gas before the range's price and expansion.
    pub constant: u64,
    /// Gas per word or byte of the range.
    pub unit: u64,
    /// The range's length.
    pub length: RangeLength,
}

/// [`MemoryGas`] of `opcode`, if its cost has that shape.
pub const fn memory_gas(opcode: u8) -> Option<MemoryGas> {
    use RangeLength::*;
    let (constant, unit, length) = match opcode {
        op::MLOAD | op::MSTORE => (3, 0, Fixed(32)),
        op::MSTORE8 => (3, 0, Fixed(1)),
        op::KECCAK256 => (30, 6, WordsOfOperand(1)),
        op::CALLDATACOPY | op::CODECOPY => (3, 3, WordsOfOperand(2)),
        op::RETURN | op::REVERT => (0, 0, WordsOfOperand(1)),
        op::LOG0..=op::LOG4 => (375 * (1 + (opcode - op::LOG0) as u64), 8, BytesOfOperand(1)),
        _ => return None,
    };
    Some(MemoryGas { opcode, constant, unit, length })
}
