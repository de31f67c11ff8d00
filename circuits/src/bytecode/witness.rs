//! Bytecode rows from code byte strings.

use crate::error::CircuitError;
use crate::keccak::hash_halves;
use crate::keccak::padding::keccak256_traced;
use crate::table::push_data_size;

/// What a row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// A code's first row.
    Header,
    /// A byte of a code.
    Byte,
    /// An unused row.
    Padding,
}

/// One row of the bytecode circuit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BytecodeRow {
    /// Header, byte or padding.
    pub kind: RowKind,
    /// Code hash bytes 16..32 as a big-endian number.
    pub hash_lo: u128,
    /// Code hash bytes 0..16 as a big-endian number.
    pub hash_hi: u128,
    /// Byte index (0 on the header).
    pub index: u64,
    /// The byte, or the code length on the header.
    pub value: u64,
    /// Whether the byte is an opcode.
    pub is_code: bool,
    /// Push-data bytes still to come, this one included.
    pub push_left: u64,
    /// Push data following this byte if it is an opcode (from the fixed table).
    pub push_size: u64,
    /// The code's length.
    pub length: u64,
}

impl BytecodeRow {
    const PADDING: Self = Self {
        kind: RowKind::Padding,
        hash_lo: 0,
        hash_hi: 0,
        index: 0,
        value: 0,
        is_code: false,
        push_left: 0,
        push_size: 0,
        length: 0,
    };
}

/// The rows of a bytecode region.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BytecodeWitness {
    /// Exactly `capacity` rows, the last one padding.
    pub rows: Vec<BytecodeRow>,
}

/// Rows `codes` need, the trailing padding row included.
pub fn rows_for<'a>(codes: impl IntoIterator<Item = &'a [u8]>) -> usize {
    codes.into_iter().map(|code| 1 + code.len()).sum::<usize>() + 1
}

impl BytecodeWitness {
    /// The rows of `codes` in order, padded to `capacity` rows.
    pub fn new(codes: &[&[u8]], capacity: usize) -> Result<Self, CircuitError> {
        let needed = rows_for(codes.iter().copied());
        if needed > capacity {
            return Err(CircuitError::CapacityExceeded { what: "bytecode rows", needed, capacity });
        }
        let mut rows = Vec::with_capacity(capacity);
        for code in codes {
            let (hash_lo, hash_hi) = hash_halves(&keccak256_traced(code).digest);
            let length = code.len() as u64;
            let header = BytecodeRow {
                kind: RowKind::Header,
                hash_lo,
                hash_hi,
                value: length,
                length,
                ..BytecodeRow::PADDING
            };
            rows.push(header);
            let mut push_left = 0u64;
            for (index, byte) in code.iter().enumerate() {
                let is_code = push_left == 0;
                let push_size = push_data_size(*byte) as u64;
                rows.push(BytecodeRow {
                    kind: RowKind::Byte,
                    index: index as u64,
                    value: *byte as u64,
                    is_code,
                    push_left,
                    push_size,
                    ..header
                });
                push_left = if is_code { push_size } else { push_left - 1 };
            }
        }
        rows.resize(capacity, BytecodeRow::PADDING);
        Ok(Self { rows })
    }
}
