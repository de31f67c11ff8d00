//! The state circuit's rows: padding first, then the RW log sorted by location and
//! `rw_counter`, with the helper values each row's constraints need.

use alloy_primitives::U256;
use zkevm_trace::trace::Rw;

use super::rw_row::{RwRow, SORT_COMPONENTS};
use crate::error::CircuitError;

/// The rows of a state region of a fixed capacity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateWitness {
    /// `capacity` rows: padding rows with `rw_counter` 0, 1, … then the sorted RW rows.
    pub rows: Vec<RwRow>,
}

/// What a row's constraints need besides the row itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowHelpers {
    /// Index of the first sort-key component that differs from the previous row
    /// ([`SORT_COMPONENTS`]` - 1`, the rw_counter, when the location is the same).
    pub first_diff: usize,
    /// The location's value before its first access in the chunk.
    pub init: U256,
    /// Whether `id` equals the previous row's (for storage: the same transaction).
    pub same_id: bool,
}

impl StateWitness {
    /// The rows of `rws` in a region of `capacity` rows (at least one padding row).
    pub fn new(rws: &[Rw], capacity: usize) -> Result<Self, CircuitError> {
        let needed = rws.len() + 1;
        if needed > capacity {
            return Err(CircuitError::CapacityExceeded { what: "state rows", needed, capacity });
        }
        let mut sorted: Vec<RwRow> = rws.iter().map(RwRow::from_rw).collect();
        sorted.sort_by_key(|row| row.sort_key());
        let padding = capacity - rws.len();
        let mut rows: Vec<RwRow> = (0..padding as u64).map(RwRow::padding).collect();
        rows.extend(sorted);
        Ok(Self { rows })
    }

    /// Each row's helper values, derived from the rows as they are (honest or not).
    pub fn helpers(&self) -> Vec<RowHelpers> {
        let mut helpers: Vec<RowHelpers> = Vec::with_capacity(self.rows.len());
        for (i, row) in self.rows.iter().enumerate() {
            let Some(prev) = i.checked_sub(1).map(|p| &self.rows[p]) else {
                helpers.push(RowHelpers {
                    first_diff: SORT_COMPONENTS - 1,
                    init: U256::ZERO,
                    same_id: true,
                });
                continue;
            };
            let (cur_key, prev_key) = (row.sort_key(), prev.sort_key());
            let first_diff = (0..SORT_COMPONENTS)
                .find(|&c| cur_key[c] != prev_key[c])
                .unwrap_or(SORT_COMPONENTS - 1);
            let init = if first_diff == SORT_COMPONENTS - 1 {
                helpers[i - 1].init
            } else if row.is_write {
                row.value_prev
            } else {
                row.value
            };
            helpers.push(RowHelpers { first_diff, init, same_id: row.id == prev.id });
        }
        helpers
    }
}
