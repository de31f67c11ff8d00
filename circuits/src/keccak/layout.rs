//! Row arithmetic of the keccak circuit and its witness: which permutation slot absorbs which
//! block of which input.
//!
//! The region starts with one 64-row *junction* block `J_0`, then `capacity` slots of 1,600
//! rows: slot `s` has its 24 round blocks from [`round_base`]`(s)` and ends with the junction
//! `J_{s+1}`, which holds the permutation's output and absorbs the next slot's block. A region of
//! `N` slots has `64 + 1600·N` rows. Each slot's 136 *byte rows* (padding, length, RLC) end on
//! the last row of `J_{s+1}`, which is also the slot's keccak-table row.

use super::padding::{pad, RATE};
use crate::error::CircuitError;

/// Rows of one round block (one bit of every lane per row).
pub const BLOCK_ROWS: usize = 64;
/// Rows of one slot: 24 rounds and the junction after them.
pub const SLOT_ROWS: usize = 25 * BLOCK_ROWS;
/// Offset of the first byte row inside a slot.
pub const FIRST_BYTE_ROW: usize = SLOT_ROWS - RATE;
/// The row before slot 0's byte rows that stands for "a hash ended here" (the start of the
/// region).
pub const GENESIS_ROW: usize = BLOCK_ROWS - 1;
/// Rotation from a slot's first byte row to the previous slot's last byte row.
pub const TO_PREVIOUS_LAST_BYTE_ROW: i32 = -(FIRST_BYTE_ROW as i32 + 1);

/// First row of junction `J_s` (`s ≤ capacity`).
pub const fn junction_base(s: usize) -> usize {
    s * SLOT_ROWS
}

/// First row of slot `s`'s round 0.
pub const fn round_base(s: usize) -> usize {
    BLOCK_ROWS + s * SLOT_ROWS
}

/// Byte row `p` (`< 136`) of slot `s`.
pub const fn byte_row(s: usize, p: usize) -> usize {
    round_base(s) + FIRST_BYTE_ROW + p
}

/// Rows the region of `capacity` slots occupies.
pub const fn region_rows(capacity: usize) -> usize {
    BLOCK_ROWS + capacity * SLOT_ROWS
}

/// One permutation slot's witness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// The padded block this slot absorbs.
    pub block: [u8; RATE],
    /// Whether the block is the first of its input (the state before absorption is zero).
    pub is_first: bool,
    /// Whether the block is the last of its input (padding ends here; the output is a digest).
    pub is_final: bool,
    /// Input bytes in this block (the rest is padding; `RATE` for all but the final block).
    pub data_len: usize,
}

/// The slots of hashing `inputs` in order, padded with hashes of the empty string up to
/// `capacity`.
pub fn slots(inputs: &[&[u8]], capacity: usize) -> Result<Vec<Slot>, CircuitError> {
    let needed: usize = inputs.iter().map(|input| permutations_for(input.len())).sum();
    if needed > capacity {
        return Err(CircuitError::CapacityExceeded {
            what: "keccak permutations",
            needed,
            capacity,
        });
    }
    let mut slots = Vec::with_capacity(capacity);
    let empty: &[u8] = &[];
    let padding = std::iter::repeat_n(empty, capacity - needed);
    for input in inputs.iter().copied().chain(padding) {
        let padded = pad(input);
        let blocks = padded.len() / RATE;
        for (i, chunk) in padded.chunks(RATE).enumerate() {
            let mut block = [0u8; RATE];
            block.copy_from_slice(chunk);
            let is_final = i + 1 == blocks;
            slots.push(Slot {
                block,
                is_first: i == 0,
                is_final,
                data_len: if is_final { input.len() - i * RATE } else { RATE },
            });
        }
    }
    Ok(slots)
}

/// Permutations (slots) needed to hash `len` bytes.
pub const fn permutations_for(len: usize) -> usize {
    len / RATE + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_line_up() {
        assert_eq!(junction_base(1), round_base(0) + 24 * BLOCK_ROWS);
        assert_eq!(byte_row(0, RATE - 1), junction_base(1) + BLOCK_ROWS - 1);
        assert_eq!(byte_row(1, 0) as i32 + TO_PREVIOUS_LAST_BYTE_ROW, byte_row(0, RATE - 1) as i32);
        assert_eq!(byte_row(0, 0) as i32 + TO_PREVIOUS_LAST_BYTE_ROW, GENESIS_ROW as i32);
        assert_eq!(region_rows(2), junction_base(2) + BLOCK_ROWS);
    }

    #[test]
    fn slots_follow_the_blocks() {
        let long = [7u8; RATE + 5];
        let slots = slots(&[b"abc", &long], 4).expect("fits");
        assert_eq!(slots.len(), 4);
        assert_eq!((slots[0].is_first, slots[0].is_final, slots[0].data_len), (true, true, 3));
        assert_eq!((slots[1].is_first, slots[1].is_final, slots[1].data_len), (true, false, RATE));
        assert_eq!((slots[2].is_first, slots[2].is_final, slots[2].data_len), (false, true, 5));
        assert_eq!((slots[3].is_first, slots[3].is_final, slots[3].data_len), (true, true, 0));
    }

    #[test]
    fn too_many_blocks_is_a_capacity_error() {
        let long = [0u8; RATE];
        assert_eq!(
            slots(&[&long], 1),
            Err(CircuitError::CapacityExceeded {
                what: "keccak permutations",
                needed: 2,
                capacity: 1
            })
        );
    }
}
