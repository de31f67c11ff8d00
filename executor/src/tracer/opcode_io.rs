//! What each opcode touches besides its stack: memory ranges, the call-context fields it
//! reads, the accounts whose warm flag it sets.
//!
//! Stack effects come from revm's opcode table; the rest is stated here once per opcode
//! family so that the recorder stays a generic loop.

use alloy_primitives::U256;
use revm::bytecode::opcode;

use crate::trace::CallContextField;

/// A byte range of memory an opcode reads or writes, from its stack operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MemRange {
    pub offset: u64,
    pub len: u64,
}

impl MemRange {
    /// The range `[offset, offset + len)` from two stack operands; `None` when empty. Operands
    /// that do not fit in 64 bits can only appear with `len == 0` in a step that succeeded.
    fn from_operands(offset: U256, len: U256) -> Option<Self> {
        if len.is_zero() {
            return None;
        }
        Some(MemRange { offset: offset.saturating_to(), len: len.saturating_to() })
    }

    /// The 32-byte words the range covers.
    pub fn words(&self) -> std::ops::RangeInclusive<u64> {
        let first = self.offset / 32;
        let last = (self.offset.saturating_add(self.len) - 1) / 32;
        first..=last
    }
}

/// Number of stack items an opcode pops and pushes, `None` if unassigned
/// ([`crate::opcodes`] is the source).
pub(crate) fn stack_io(op: u8) -> Option<(usize, usize)> {
    let p = crate::opcodes::properties(op);
    p.valid.then_some((p.stack_in as usize, p.stack_out as usize))
}

/// Memory an opcode reads, given its stack operands top first.
pub(crate) fn memory_read(op: u8, s: &[U256]) -> Option<MemRange> {
    let arg = |i: usize| s.get(i).copied().unwrap_or_default();
    match op {
        opcode::MLOAD => MemRange::from_operands(arg(0), U256::from(32)),
        opcode::KECCAK256 | opcode::RETURN | opcode::REVERT => {
            MemRange::from_operands(arg(0), arg(1))
        }
        opcode::LOG0..=opcode::LOG4 => MemRange::from_operands(arg(0), arg(1)),
        opcode::MCOPY => MemRange::from_operands(arg(1), arg(2)),
        opcode::CREATE | opcode::CREATE2 => MemRange::from_operands(arg(1), arg(2)),
        opcode::CALL | opcode::CALLCODE => MemRange::from_operands(arg(3), arg(4)),
        opcode::DELEGATECALL | opcode::STATICCALL => MemRange::from_operands(arg(2), arg(3)),
        _ => None,
    }
}

/// Memory an opcode writes during its own step, given its stack operands top first. (The
/// bytes a sub-call returns are written when the caller resumes.)
pub(crate) fn memory_write(op: u8, s: &[U256]) -> Option<MemRange> {
    let arg = |i: usize| s.get(i).copied().unwrap_or_default();
    match op {
        opcode::MSTORE => MemRange::from_operands(arg(0), U256::from(32)),
        opcode::MSTORE8 => MemRange::from_operands(arg(0), U256::from(1)),
        opcode::CALLDATACOPY | opcode::CODECOPY | opcode::RETURNDATACOPY | opcode::MCOPY => {
            MemRange::from_operands(arg(0), arg(2))
        }
        opcode::EXTCODECOPY => MemRange::from_operands(arg(1), arg(3)),
        _ => None,
    }
}

/// Call-context fields an opcode reads.
pub(crate) fn call_context_reads(op: u8) -> &'static [CallContextField] {
    use CallContextField::*;
    match op {
        opcode::ADDRESS => &[CalleeAddress],
        opcode::ORIGIN | opcode::GASPRICE | opcode::BLOBHASH => &[TxId],
        opcode::CALLER => &[CallerAddress],
        opcode::CALLVALUE => &[Value],
        opcode::CALLDATALOAD | opcode::CALLDATASIZE | opcode::CALLDATACOPY => &[CallDataLength],
        opcode::CODESIZE | opcode::CODECOPY => &[CodeHash],
        opcode::RETURNDATASIZE | opcode::RETURNDATACOPY => &[LastReturnDataLength],
        opcode::SELFBALANCE | opcode::SLOAD | opcode::TLOAD => &[CalleeAddress],
        opcode::SSTORE | opcode::TSTORE => &[IsStatic, CalleeAddress],
        opcode::LOG0..=opcode::LOG4 => &[IsStatic, CalleeAddress],
        opcode::CREATE | opcode::CREATE2 | opcode::SELFDESTRUCT => &[IsStatic, CalleeAddress],
        opcode::CALL => &[IsStatic, CalleeAddress],
        opcode::CALLCODE | opcode::DELEGATECALL | opcode::STATICCALL => &[CalleeAddress],
        opcode::STOP | opcode::RETURN | opcode::REVERT => &[IsSuccess],
        _ => &[],
    }
}

/// Index (from the top) of the stack operand that names an account whose EIP-2929 warm flag
/// the opcode sets.
pub(crate) fn accessed_account_operand(op: u8) -> Option<usize> {
    match op {
        opcode::BALANCE | opcode::EXTCODESIZE | opcode::EXTCODECOPY | opcode::EXTCODEHASH => {
            Some(0)
        }
        opcode::CALL | opcode::CALLCODE | opcode::DELEGATECALL | opcode::STATICCALL => Some(1),
        opcode::SELFDESTRUCT => Some(0),
        _ => None,
    }
}

/// Whether the opcode starts a sub-frame (its stack output arrives when the frame returns).
pub(crate) fn starts_frame(op: u8) -> bool {
    matches!(
        op,
        opcode::CALL
            | opcode::CALLCODE
            | opcode::DELEGATECALL
            | opcode::STATICCALL
            | opcode::CREATE
            | opcode::CREATE2
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_span_of_unaligned_ranges() {
        let r = MemRange { offset: 31, len: 2 };
        assert_eq!(r.words(), 0..=1);
        let r = MemRange { offset: 32, len: 32 };
        assert_eq!(r.words(), 1..=1);
        let r = MemRange { offset: 0, len: 1 };
        assert_eq!(r.words(), 0..=0);
    }

    #[test]
    fn empty_ranges_touch_no_memory() {
        let huge = U256::MAX;
        assert_eq!(memory_read(opcode::RETURN, &[huge, U256::ZERO]), None);
        assert_eq!(memory_write(opcode::CALLDATACOPY, &[huge, huge, U256::ZERO]), None);
    }

    #[test]
    fn stack_io_matches_the_yellow_paper() {
        assert_eq!(stack_io(opcode::ADD), Some((2, 1)));
        assert_eq!(stack_io(opcode::CALL), Some((7, 1)));
        assert_eq!(stack_io(opcode::PUSH0), Some((0, 1)));
        assert_eq!(stack_io(0x0c), None);
    }
}
