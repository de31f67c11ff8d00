//! The copy circuit: byte windows of word streams, for the opcodes that move or hash a range
//! of bytes (KECCAK256, LOG data, RETURN data, CALLDATACOPY, CODECOPY, MCOPY).
//!
//! Memory and log data live in the RW table as 32-byte words. A step that reads or writes a
//! byte range makes one RW per word it touches; instead of looking each word up itself (their
//! number depends on the operands), it claims a **stream**: `words` consecutive RWs from its
//! RW position, all of one location kind, and the window `[skip, skip + len)` of their bytes.
//! The copy circuit proves the claim and exposes the window's RLC, which the step compares with
//! another stream (log data is the memory it was copied from) or looks up in the keccak table.
//!
//! A **calldata stream** makes no RWs: its words are the words `address, address + 1, …` of
//! the input of transaction slot `id − 1`; the first `table_words` are looked up in the
//! [`CallDataTable`](crate::table::CallDataTable), the rest are zero (the input's zero fill).
//!
//! A **code stream** makes no RWs either: its words are the words `address, address + 1, …`
//! of the code whose hash is `(field_tag, key)` (low and high limbs); its first `table_words`
//! **bytes** are looked up one by one in the [`BytecodeTable`](crate::bytecode::BytecodeTable)
//! as a byte row `(hash, 32·word + position, byte)` of the bytecode region, the rest are zero
//! (the code's zero fill).
//!
//! **Layout.** One row per byte, 32 rows per word, streams back to back from row 0, then unused
//! rows (all zero) and a last unused row. Fixed columns mark words and 16-byte limbs.
//!
//! **Constraints.**
//! - A stream starts on a word's first row (`is_first`) and covers whole words; its location
//!   (`is_write`, `tag`, `id`, `field_tag`), window (`skip`, `len`), size (`words`),
//!   `index_in_key`, `zero_outside` and RLC total are constant over it.
//! - Every byte is range-checked; an accumulator rebuilds each word's limbs, and on the word's
//!   last row `(rw_counter, is_write, tag, id, address, field_tag, key, value, value_prev)` is
//!   looked up in the RW table (a read's `value_prev` is its value), or, in a calldata stream,
//!   in the calldata table while `in_table` (a prefix of `table_words` words; later bytes are
//!   0); in a code stream every byte is looked up in the bytecode table while `in_table` (a
//!   prefix of `table_words` bytes; later bytes are 0). A second byte column rebuilds `value_prev`: outside a write's window each byte
//!   equals its previous byte (a write changes only its window). From one word to the next
//!   the RW counter grows by one, and so does the address (memory) or the key (log data).
//! - The window: flags `started` and `ended` turn on once each, in that order; `before` counts
//!   the bytes before the window and `count` those in it; at the stream's last row
//!   `before = skip`, `count = len` and `word_index = words`. The RLC accumulates
//!   `rlc·r + byte` over the window. With `zero_outside`, bytes outside the window are 0.
//! - The [`CopyTable`] is read on `is_first` rows, every entry multiplied by the fixed
//!   `q_enable`, so only rows of this region can match a lookup.
//!
//! **Cost.** 32 rows per word; 34 first-phase and 2 second-phase advice columns, 8 fixed
//! columns; two Range8 lookups, an RW, a calldata and a bytecode lookup; degree 5.

mod circuit;
mod stream;
mod table;

pub use circuit::{rlc_value, CopyConfig};
pub use stream::{stream_words, trace_streams, word_span, WordStream, WORD_BYTES};
pub use table::{CopyTable, StreamClaim};

#[cfg(test)]
mod tests;
