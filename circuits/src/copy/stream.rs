//! The copy circuit's witness: word streams, cut from the trace's RW log.
//!
//! A [`WordStream`] is a run of consecutive RW rows that read or write 32-byte words of one
//! location (memory words of a call, or the data words of a log) and a byte window inside
//! them. The EVM step that makes those RWs names the stream by its first row and its window;
//! the copy circuit proves the words, their bytes and the window's RLC.

use alloy_primitives::{B256, U256};
use zkevm_trace::trace::{StepKind, Trace};

use crate::error::CircuitError;
use crate::state::rw_row::RwRow;
use crate::state::RwTag;
use crate::table::calldata_words;

/// Bytes in a word.
pub const WORD_BYTES: u64 = 32;

/// A run of word RWs and the byte window a step copies out of (or into) it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WordStream {
    /// The RW rows, consecutive in `rw_counter`, one per word.
    pub rows: Vec<RwRow>,
    /// Whether the word index is the row's `key` (log data) rather than its `address`
    /// (memory).
    pub index_in_key: bool,
    /// Bytes of the first word before the window.
    pub skip: u64,
    /// Bytes in the window.
    pub len: u64,
    /// Whether bytes outside the window must be zero (log data words are zero-padded).
    pub zero_outside: bool,
    /// Whether the words are calldata words from the calldata table (`rows` then hold the
    /// transaction slot plus one as `id`, the word index as `address`, RW counters from 0).
    pub calldata: bool,
    /// Of a calldata stream, the leading words the table holds; of a code stream, the leading
    /// bytes the code holds; the rest are zero.
    pub table_words: u64,
    /// Of a code stream, the code's hash (`rows` then hold the word index in the code as
    /// `address`, RW counters from 0).
    pub code: Option<B256>,
}

impl WordStream {
    /// The stream of `rows` with the window `[skip, skip + len)`, checked: the rows must be
    /// consecutive words of one location, and the window must end in the last word.
    pub fn new(
        rows: Vec<RwRow>,
        index_in_key: bool,
        skip: u64,
        len: u64,
        zero_outside: bool,
    ) -> Result<Self, CircuitError> {
        let stream = Self {
            rows,
            index_in_key,
            skip,
            len,
            zero_outside,
            calldata: false,
            table_words: 0,
            code: None,
        };
        stream.check()?;
        Ok(stream)
    }

    /// The calldata stream of `input` (of transaction slot `tx`) for the nonempty window
    /// `[offset, offset + len)`, which starts inside the input: the words it touches, those
    /// past the input zero.
    pub fn calldata(tx: u64, input: &[u8], offset: u64, len: u64) -> Result<Self, CircuitError> {
        let words = calldata_words(input);
        if offset >= input.len() as u64 || len == 0 {
            return Err(CircuitError::Unsupported(
                "copy stream: calldata window outside the input".into(),
            ));
        }
        let (first, last) = word_span(offset, len);
        let rows = source_rows(first, last, tx + 1, |index| {
            words.get(index as usize).copied().unwrap_or_default()
        });
        let table_words = (words.len() as u64 - first).min(last - first + 1);
        let stream = Self {
            rows,
            index_in_key: false,
            skip: offset % WORD_BYTES,
            len,
            zero_outside: false,
            calldata: true,
            table_words,
            code: None,
        };
        stream.check()?;
        Ok(stream)
    }

    /// The code stream of `code` (whose hash is `hash`) for the nonempty window `[offset,
    /// offset + len)`, which starts inside the code: the words it touches, the bytes past the
    /// code zero.
    pub fn code(hash: B256, code: &[u8], offset: u64, len: u64) -> Result<Self, CircuitError> {
        if offset >= code.len() as u64 || len == 0 {
            return Err(CircuitError::Unsupported(
                "copy stream: code window outside the code".into(),
            ));
        }
        let (first, last) = word_span(offset, len);
        let rows = source_rows(first, last, 0, |index| {
            let mut word = [0u8; WORD_BYTES as usize];
            let start = (index * WORD_BYTES) as usize;
            for (i, byte) in word.iter_mut().enumerate() {
                *byte = code.get(start + i).copied().unwrap_or_default();
            }
            U256::from_be_bytes(word)
        });
        let held = code.len() as u64 - first * WORD_BYTES;
        let table_words = held.min(rows.len() as u64 * WORD_BYTES);
        let stream = Self {
            rows,
            index_in_key: false,
            skip: offset % WORD_BYTES,
            len,
            zero_outside: false,
            calldata: false,
            table_words,
            code: Some(hash),
        };
        stream.check()?;
        Ok(stream)
    }

    fn check(&self) -> Result<(), CircuitError> {
        let bad = |why: &str| Err(CircuitError::Unsupported(format!("copy stream: {why}")));
        let Some(first) = self.rows.first() else { return bad("no words") };
        if self.len == 0 || self.skip >= WORD_BYTES {
            return bad("empty window or skip past the first word");
        }
        let words = (self.skip + self.len).div_ceil(WORD_BYTES);
        if words != self.rows.len() as u64 {
            return bad("the window does not end in the last word");
        }
        for (i, row) in self.rows.iter().enumerate() {
            let i = i as u64;
            let (address, key) = if self.index_in_key {
                (first.address, first.key + U256::from(i))
            } else {
                (first.address + U256::from(i), first.key)
            };
            let same = row.rw_counter == first.rw_counter + i
                && row.is_write == first.is_write
                && row.tag == first.tag
                && row.id == first.id
                && row.field_tag == first.field_tag
                && row.address == address
                && row.key == key;
            if !same {
                return bad("rows are not consecutive words of one location");
            }
            if !row.is_write && row.value_prev != row.value {
                return bad("a read whose previous value differs");
            }
        }
        Ok(())
    }

    /// Whether byte `i` of the stream is in the window.
    pub fn in_window(&self, i: usize) -> bool {
        let i = i as u64;
        i >= self.skip && i < self.skip + self.len
    }

    /// Every byte of the words, big-endian word by word.
    pub fn bytes(&self) -> Vec<u8> {
        self.rows.iter().flat_map(|r| r.value.to_be_bytes::<32>()).collect()
    }

    /// The window's bytes.
    pub fn window(&self) -> Vec<u8> {
        let bytes = self.bytes();
        bytes[self.skip as usize..(self.skip + self.len) as usize].to_vec()
    }
}

/// The words `[first, last]` a nonempty byte range `[offset, offset + len)` touches.
pub fn word_span(offset: u64, len: u64) -> (u64, u64) {
    (offset / WORD_BYTES, (offset + len - 1) / WORD_BYTES)
}

/// Every stream of the trace, in step order: the memory KECCAK256 hashes, the memory a root
/// RETURN or REVERT returns, a LOG's memory and log data words, and CALLDATACOPY's calldata
/// (when the window starts inside the input) and written memory, CODECOPY's and EXTCODECOPY's
/// code (likewise) and written memory, MCOPY's read and written memory.
pub fn trace_streams(trace: &Trace) -> Result<Vec<WordStream>, CircuitError> {
    let mut streams = Vec::new();
    let steps = trace.txs.iter().enumerate().flat_map(|(slot, tx)| {
        tx.steps.iter().map(move |step| (slot as u64, tx.input.as_ref(), step))
    });
    for (slot, input, step) in steps {
        let StepKind::Op(op) = step.kind else { continue };
        let first = step.rw_counter.saturating_sub(1) as usize;
        let Some(rws) = trace.rws.get(first..first + step.rw_count as usize) else {
            return Err(CircuitError::Unsupported("step RWs outside the log".into()));
        };
        let operand = |i: usize| rws.get(i).map(|rw| rw.value).unwrap_or_default();
        if op == 0x37 {
            streams.extend(calldata_copy_streams(slot, input, rws)?);
            continue;
        }
        if op == 0x5e {
            streams.extend(mcopy_streams(rws)?);
            continue;
        }
        if op == 0x39 {
            if rws.len() < 4 {
                return Err(CircuitError::Unsupported("CODECOPY: RWs missing".into()));
            }
            streams.extend(code_copy_streams(trace, &rws[..3], rws[3].value, &rws[4..])?);
            continue;
        }
        if op == 0x3c {
            // The address, then as CODECOPY; the warm flag and the code hash, then the memory.
            if rws.len() < 6 {
                return Err(CircuitError::Unsupported("EXTCODECOPY: RWs missing".into()));
            }
            streams.extend(code_copy_streams(trace, &rws[1..4], rws[5].value, &rws[6..])?);
            continue;
        }
        let (memory_at, topics) = match op {
            0x20 => (2, 0),
            0xf3 | 0xfd => (3, 0),
            0xa0..=0xa4 => {
                let topics = (op - 0xa0) as usize;
                (4 + topics, topics)
            }
            _ => continue,
        };
        let (offset, len) = (operand(0), operand(1));
        if len.is_zero() {
            continue;
        }
        let too_big = || CircuitError::Unsupported("copy of 2^48 bytes or more".into());
        let (offset, len): (u64, u64) =
            (offset.try_into().map_err(|_| too_big())?, len.try_into().map_err(|_| too_big())?);
        if offset >= 1 << 48 || len >= 1 << 48 {
            return Err(too_big());
        }
        let (w0, w1) = word_span(offset, len);
        let memory_words = (w1 - w0 + 1) as usize;
        let rows = |from: usize, count: usize| -> Result<Vec<RwRow>, CircuitError> {
            rws.get(from..from + count)
                .map(|rws| rws.iter().map(RwRow::from_rw).collect())
                .ok_or_else(|| CircuitError::Unsupported("copy RWs missing from the step".into()))
        };
        let memory =
            WordStream::new(rows(memory_at, memory_words)?, false, offset % 32, len, false)?;
        if memory.rows[0].tag != RwTag::Memory {
            return Err(CircuitError::Unsupported("copy stream: not memory".into()));
        }
        streams.push(memory);
        if (0xa0..=0xa4).contains(&op) {
            // Address, TopicCount, the topics and DataLength precede the data words.
            let data_at = memory_at + memory_words + 3 + topics;
            let data_words = len.div_ceil(WORD_BYTES) as usize;
            let data = WordStream::new(rows(data_at, data_words)?, true, 0, len, true)?;
            if data.rows[0].tag != RwTag::TxLog {
                return Err(CircuitError::Unsupported("copy stream: not log data".into()));
            }
            streams.push(data);
        }
    }
    Ok(streams)
}

/// The streams of a CALLDATACOPY of transaction slot `tx` with input `input`, whose RWs are
/// `rws`: the popped `dest`, `src`, `size`, the input length, then the memory word writes.
fn calldata_copy_streams(
    tx: u64,
    input: &[u8],
    rws: &[zkevm_trace::trace::Rw],
) -> Result<Vec<WordStream>, CircuitError> {
    let operand = |i: usize| rws.get(i).map(|rw| rw.value).unwrap_or_default();
    let (dest, src, size) = (operand(0), operand(1), operand(2));
    if size.is_zero() {
        return Ok(Vec::new());
    }
    let (dest, size) = (small(dest)?, small(size)?);
    let mut streams = Vec::new();
    if src < U256::from(input.len()) {
        streams.push(WordStream::calldata(tx, input, src.to::<u64>(), size)?);
    }
    streams.push(memory_stream(rws, 4, dest, size, true)?);
    Ok(streams)
}

/// The streams of a CODECOPY or EXTCODECOPY: `operands` are the popped `dest`, `src`,
/// `size`, `hash` the copied code's hash (0 for a missing account) and `writes` the memory
/// word writes.
fn code_copy_streams(
    trace: &Trace,
    operands: &[zkevm_trace::trace::Rw],
    hash: U256,
    writes: &[zkevm_trace::trace::Rw],
) -> Result<Vec<WordStream>, CircuitError> {
    let operand = |i: usize| operands.get(i).map(|rw| rw.value).unwrap_or_default();
    let (dest, src, size) = (operand(0), operand(1), operand(2));
    if size.is_zero() {
        return Ok(Vec::new());
    }
    let hash = B256::from(hash.to_be_bytes::<32>());
    let code: &[u8] = match trace.bytecodes.get(&hash) {
        Some(code) => code,
        None if hash.is_zero() || hash == alloy_primitives::KECCAK256_EMPTY => &[],
        None => {
            return Err(CircuitError::Unsupported(format!("code copy: no code of hash {hash}")))
        }
    };
    let (dest, size) = (small(dest)?, small(size)?);
    let mut streams = Vec::new();
    if src < U256::from(code.len()) {
        streams.push(WordStream::code(hash, code, src.to::<u64>(), size)?);
    }
    streams.push(memory_stream(writes, 0, dest, size, true)?);
    Ok(streams)
}

/// The streams of an MCOPY whose RWs are `rws`: the popped `dest`, `src`, `size`, the source
/// word reads, then the destination word writes.
fn mcopy_streams(rws: &[zkevm_trace::trace::Rw]) -> Result<Vec<WordStream>, CircuitError> {
    let operand = |i: usize| rws.get(i).map(|rw| rw.value).unwrap_or_default();
    let (dest, src, size) = (operand(0), operand(1), operand(2));
    if size.is_zero() {
        return Ok(Vec::new());
    }
    let (dest, src, size) = (small(dest)?, small(src)?, small(size)?);
    let read = memory_stream(rws, 3, src, size, false)?;
    let write = memory_stream(rws, 3 + read.rows.len(), dest, size, true)?;
    Ok(vec![read, write])
}

/// A value below `2^48` (larger offsets and sizes run out of gas).
fn small(value: U256) -> Result<u64, CircuitError> {
    let too_big = || CircuitError::Unsupported("copy of 2^48 bytes or more".into());
    let value: u64 = value.try_into().map_err(|_| too_big())?;
    if value >= 1 << 48 {
        return Err(too_big());
    }
    Ok(value)
}

/// The memory stream of the nonempty range `[offset, offset + size)` from RW `at` of a step's
/// `rws`: reads, or writes when `write`.
fn memory_stream(
    rws: &[zkevm_trace::trace::Rw],
    at: usize,
    offset: u64,
    size: u64,
    write: bool,
) -> Result<WordStream, CircuitError> {
    let (w0, w1) = word_span(offset, size);
    let rows: Vec<RwRow> = rws
        .get(at..at + (w1 - w0 + 1) as usize)
        .ok_or_else(|| CircuitError::Unsupported("copy RWs missing from the step".into()))?
        .iter()
        .map(RwRow::from_rw)
        .collect();
    let memory = WordStream::new(rows, false, offset % WORD_BYTES, size, false)?;
    if memory.rows[0].tag != RwTag::Memory || memory.rows[0].is_write != write {
        return Err(CircuitError::Unsupported("copy stream: not memory of that kind".into()));
    }
    Ok(memory)
}

/// Words all streams of the trace hold (the copy circuit's capacity unit).
pub fn stream_words(streams: &[WordStream]) -> usize {
    streams.iter().map(|s| s.rows.len()).sum()
}

/// The read-only rows of a source stream (calldata, code): words `first..=last`, addressed by
/// word index, with `id` and the word `word(index)`.
fn source_rows(first: u64, last: u64, id: u64, word: impl Fn(u64) -> U256) -> Vec<RwRow> {
    (first..=last)
        .map(|index| {
            let value = word(index);
            RwRow {
                rw_counter: index - first,
                is_write: false,
                tag: RwTag::Padding,
                id,
                address: U256::from(index),
                field_tag: 0,
                key: U256::ZERO,
                value,
                value_prev: value,
                aux: U256::ZERO,
            }
        })
        .collect()
}
