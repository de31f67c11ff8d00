//! Opcode properties under Cancun rules: the one source of truth for the stack effect,
//! constant gas and validity of every byte, used by the recorder and, as plain data, by the
//! circuits' fixed tables.
//!
//! Names and stack effects are data ([`TABLE`], Cancun's: the bytes revm 43 assigns only for
//! later forks, [`after_cancun`], are unassigned); the executor's tests check the table against
//! revm's own. Constant gas follows the Yellow Paper
//! (Appendix G, `Gzero`..`Ghigh`) with EIP-2929/1153/3855/4844/7516 additions; opcodes whose gas
//! depends on operands, memory expansion or warm/cold access have `constant_gas: None`.
//! `executor/tests/trace_families.rs` (`constant_gas_in_the_opcode_table_matches_what_revm_charges`)
//! checks the table against the gas revm charges on real traces.

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
        0x00 /* STOP */ => 0,
        0x5b /* JUMPDEST */ => 1,
        // Gbase
        0x30 /* ADDRESS */
        | 0x32 /* ORIGIN */
        | 0x33 /* CALLER */
        | 0x34 /* CALLVALUE */
        | 0x36 /* CALLDATASIZE */
        | 0x38 /* CODESIZE */
        | 0x3a /* GASPRICE */
        | 0x41 /* COINBASE */
        | 0x42 /* TIMESTAMP */
        | 0x43 /* NUMBER */
        | 0x44 /* DIFFICULTY */
        | 0x45 /* GASLIMIT */
        | 0x46 /* CHAINID */
        | 0x3d /* RETURNDATASIZE */
        | 0x50 /* POP */
        | 0x58 /* PC */
        | 0x59 /* MSIZE */
        | 0x5a /* GAS */
        | 0x48 /* BASEFEE */
        | 0x4a /* BLOBBASEFEE */
        | 0x5f /* PUSH0 */ => 2,
        // Gverylow
        0x01 /* ADD */
        | 0x03 /* SUB */
        | 0x19 /* NOT */
        | 0x10 /* LT */
        | 0x11 /* GT */
        | 0x12 /* SLT */
        | 0x13 /* SGT */
        | 0x14 /* EQ */
        | 0x15 /* ISZERO */
        | 0x16 /* AND */
        | 0x17 /* OR */
        | 0x18 /* XOR */
        | 0x1a /* BYTE */
        | 0x1b /* SHL */
        | 0x1c /* SHR */
        | 0x1d /* SAR */
        | 0x35 /* CALLDATALOAD */
        | 0x49 /* BLOBHASH */ => 3,
        // PUSH1..=PUSH32, DUP1..=DUP16, SWAP1..=SWAP16
        0x60..=0x9f => 3,
        // Glow
        0x02 /* MUL */ | 0x04 /* DIV */ | 0x05 /* SDIV */ | 0x06 /* MOD */ | 0x07 /* SMOD */ | 0x0b /* SIGNEXTEND */ | 0x47 /* SELFBALANCE */ => 5,
        // Gmid
        0x08 /* ADDMOD */ | 0x09 /* MULMOD */ | 0x56 /* JUMP */ => 8,
        // Ghigh
        0x57 /* JUMPI */ => 10,
        0x40 /* BLOCKHASH */ => 20,
        // EIP-1153 (warm storage read cost)
        0x5c /* TLOAD */ | 0x5d /* TSTORE */ => 100,
        _ => return None,
    })
}

/// Whether revm 43 assigns `opcode` only for a fork after Cancun (CLZ 0x1E, SLOTNUM 0x4B, DUPN,
/// SWAPN and EXCHANGE 0xE6 to 0xE8): under Cancun rules these bytes are unassigned.
pub const fn after_cancun(opcode: u8) -> bool {
    matches!(opcode, 0x1e | 0x4b | 0xe6..=0xe8)
}

/// Every byte's mnemonic and stack effect (items popped, items pushed) under Cancun rules;
/// `None` for an unassigned byte.
pub const TABLE: [(Option<&str>, u8, u8); 256] = [
    (Some("STOP"), 0, 0),
    (Some("ADD"), 2, 1),
    (Some("MUL"), 2, 1),
    (Some("SUB"), 2, 1),
    (Some("DIV"), 2, 1),
    (Some("SDIV"), 2, 1),
    (Some("MOD"), 2, 1),
    (Some("SMOD"), 2, 1),
    (Some("ADDMOD"), 3, 1),
    (Some("MULMOD"), 3, 1),
    (Some("EXP"), 2, 1),
    (Some("SIGNEXTEND"), 2, 1),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (Some("LT"), 2, 1),
    (Some("GT"), 2, 1),
    (Some("SLT"), 2, 1),
    (Some("SGT"), 2, 1),
    (Some("EQ"), 2, 1),
    (Some("ISZERO"), 1, 1),
    (Some("AND"), 2, 1),
    (Some("OR"), 2, 1),
    (Some("XOR"), 2, 1),
    (Some("NOT"), 1, 1),
    (Some("BYTE"), 2, 1),
    (Some("SHL"), 2, 1),
    (Some("SHR"), 2, 1),
    (Some("SAR"), 2, 1),
    (None, 0, 0),
    (None, 0, 0),
    (Some("KECCAK256"), 2, 1),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (Some("ADDRESS"), 0, 1),
    (Some("BALANCE"), 1, 1),
    (Some("ORIGIN"), 0, 1),
    (Some("CALLER"), 0, 1),
    (Some("CALLVALUE"), 0, 1),
    (Some("CALLDATALOAD"), 1, 1),
    (Some("CALLDATASIZE"), 0, 1),
    (Some("CALLDATACOPY"), 3, 0),
    (Some("CODESIZE"), 0, 1),
    (Some("CODECOPY"), 3, 0),
    (Some("GASPRICE"), 0, 1),
    (Some("EXTCODESIZE"), 1, 1),
    (Some("EXTCODECOPY"), 4, 0),
    (Some("RETURNDATASIZE"), 0, 1),
    (Some("RETURNDATACOPY"), 3, 0),
    (Some("EXTCODEHASH"), 1, 1),
    (Some("BLOCKHASH"), 1, 1),
    (Some("COINBASE"), 0, 1),
    (Some("TIMESTAMP"), 0, 1),
    (Some("NUMBER"), 0, 1),
    (Some("DIFFICULTY"), 0, 1),
    (Some("GASLIMIT"), 0, 1),
    (Some("CHAINID"), 0, 1),
    (Some("SELFBALANCE"), 0, 1),
    (Some("BASEFEE"), 0, 1),
    (Some("BLOBHASH"), 1, 1),
    (Some("BLOBBASEFEE"), 0, 1),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (Some("POP"), 1, 0),
    (Some("MLOAD"), 1, 1),
    (Some("MSTORE"), 2, 0),
    (Some("MSTORE8"), 2, 0),
    (Some("SLOAD"), 1, 1),
    (Some("SSTORE"), 2, 0),
    (Some("JUMP"), 1, 0),
    (Some("JUMPI"), 2, 0),
    (Some("PC"), 0, 1),
    (Some("MSIZE"), 0, 1),
    (Some("GAS"), 0, 1),
    (Some("JUMPDEST"), 0, 0),
    (Some("TLOAD"), 1, 1),
    (Some("TSTORE"), 2, 0),
    (Some("MCOPY"), 3, 0),
    (Some("PUSH0"), 0, 1),
    (Some("PUSH1"), 0, 1),
    (Some("PUSH2"), 0, 1),
    (Some("PUSH3"), 0, 1),
    (Some("PUSH4"), 0, 1),
    (Some("PUSH5"), 0, 1),
    (Some("PUSH6"), 0, 1),
    (Some("PUSH7"), 0, 1),
    (Some("PUSH8"), 0, 1),
    (Some("PUSH9"), 0, 1),
    (Some("PUSH10"), 0, 1),
    (Some("PUSH11"), 0, 1),
    (Some("PUSH12"), 0, 1),
    (Some("PUSH13"), 0, 1),
    (Some("PUSH14"), 0, 1),
    (Some("PUSH15"), 0, 1),
    (Some("PUSH16"), 0, 1),
    (Some("PUSH17"), 0, 1),
    (Some("PUSH18"), 0, 1),
    (Some("PUSH19"), 0, 1),
    (Some("PUSH20"), 0, 1),
    (Some("PUSH21"), 0, 1),
    (Some("PUSH22"), 0, 1),
    (Some("PUSH23"), 0, 1),
    (Some("PUSH24"), 0, 1),
    (Some("PUSH25"), 0, 1),
    (Some("PUSH26"), 0, 1),
    (Some("PUSH27"), 0, 1),
    (Some("PUSH28"), 0, 1),
    (Some("PUSH29"), 0, 1),
    (Some("PUSH30"), 0, 1),
    (Some("PUSH31"), 0, 1),
    (Some("PUSH32"), 0, 1),
    (Some("DUP1"), 1, 2),
    (Some("DUP2"), 2, 3),
    (Some("DUP3"), 3, 4),
    (Some("DUP4"), 4, 5),
    (Some("DUP5"), 5, 6),
    (Some("DUP6"), 6, 7),
    (Some("DUP7"), 7, 8),
    (Some("DUP8"), 8, 9),
    (Some("DUP9"), 9, 10),
    (Some("DUP10"), 10, 11),
    (Some("DUP11"), 11, 12),
    (Some("DUP12"), 12, 13),
    (Some("DUP13"), 13, 14),
    (Some("DUP14"), 14, 15),
    (Some("DUP15"), 15, 16),
    (Some("DUP16"), 16, 17),
    (Some("SWAP1"), 2, 2),
    (Some("SWAP2"), 3, 3),
    (Some("SWAP3"), 4, 4),
    (Some("SWAP4"), 5, 5),
    (Some("SWAP5"), 6, 6),
    (Some("SWAP6"), 7, 7),
    (Some("SWAP7"), 8, 8),
    (Some("SWAP8"), 9, 9),
    (Some("SWAP9"), 10, 10),
    (Some("SWAP10"), 11, 11),
    (Some("SWAP11"), 12, 12),
    (Some("SWAP12"), 13, 13),
    (Some("SWAP13"), 14, 14),
    (Some("SWAP14"), 15, 15),
    (Some("SWAP15"), 16, 16),
    (Some("SWAP16"), 17, 17),
    (Some("LOG0"), 2, 0),
    (Some("LOG1"), 3, 0),
    (Some("LOG2"), 4, 0),
    (Some("LOG3"), 5, 0),
    (Some("LOG4"), 6, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (Some("CREATE"), 3, 1),
    (Some("CALL"), 7, 1),
    (Some("CALLCODE"), 7, 1),
    (Some("RETURN"), 2, 0),
    (Some("DELEGATECALL"), 6, 1),
    (Some("CREATE2"), 4, 1),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (None, 0, 0),
    (Some("STATICCALL"), 6, 1),
    (None, 0, 0),
    (None, 0, 0),
    (Some("REVERT"), 2, 0),
    (Some("INVALID"), 0, 0),
    (Some("SELFDESTRUCT"), 1, 0),
];

/// The properties of `opcode` under Cancun rules.
pub const fn properties(opcode: u8) -> OpcodeProperties {
    match TABLE[opcode as usize] {
        (Some(_), stack_in, stack_out) => OpcodeProperties {
            opcode,
            valid: true,
            stack_in,
            stack_out,
            constant_gas: constant_gas(opcode),
        },
        (None, _, _) => {
            OpcodeProperties { opcode, valid: false, stack_in: 0, stack_out: 0, constant_gas: None }
        }
    }
}

/// The mnemonic of `opcode` (`None` for unassigned bytes).
pub fn name(opcode: u8) -> Option<&'static str> {
    TABLE[opcode as usize].0
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
        assert!(properties(0xfe /* INVALID */).valid, "INVALID is assigned (it halts by design)");
    }

    #[test]
    fn the_table_knows_stack_effects_and_names() {
        assert_eq!(
            (properties(0xf1 /* CALL */).stack_in, properties(0xf1 /* CALL */).stack_out),
            (7, 1)
        );
        assert_eq!(
            (properties(0x9f /* SWAP16 */).stack_in, properties(0x9f /* SWAP16 */).stack_out),
            (17, 17)
        );
        assert_eq!(properties(0x7f /* PUSH32 */).constant_gas, Some(3));
        assert_eq!(properties(0x54 /* SLOAD */).constant_gas, None);
        assert_eq!(name(0x9f /* SWAP16 */), Some("SWAP16"));
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
        0x51 /* MLOAD */ | 0x52 /* MSTORE */ => (3, 0, Fixed(32)),
        0x53 /* MSTORE8 */ => (3, 0, Fixed(1)),
        0x20 /* KECCAK256 */ => (30, 6, WordsOfOperand(1)),
        0x37 /* CALLDATACOPY */ | 0x39 /* CODECOPY */ => (3, 3, WordsOfOperand(2)),
        0xf3 /* RETURN */ | 0xfd /* REVERT */ => (0, 0, WordsOfOperand(1)),
        0xa0 /* LOG0 */..=0xa4 /* LOG4 */ => (375 * (1 + (opcode - 0xa0 /* LOG0 */) as u64), 8, BytesOfOperand(1)),
        _ => return None,
    };
    Some(MemoryGas { opcode, constant, unit, length })
}
