//! Copy-stream claims a gadget makes, by what they copy: a memory range of the current call
//! (read or written), bytes of a code, bytes of the transaction's calldata, a log's data.
//! Each returns the [`StreamClaim`] the copy circuit proves; the builder fills in its RW
//! counter ([`EvmBuilder::word_stream`]) or the gadget looks it up as it is (sources that make
//! no RW).

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use super::builder::{EvmBuilder, Word};
use super::memory::MemorySpan;
use crate::constraint_builder::constant;
use crate::copy::StreamClaim;
use crate::state::RwTag;

/// Whether a stream reads its words or writes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// The words are read.
    Read,
    /// The words are written.
    Write,
}

/// A stream with nothing set but its source: the base of the constructors below.
fn base<F: PrimeField>(tag: RwTag, rlc: Expression<F>) -> StreamClaim<F> {
    StreamClaim {
        rw_counter: constant(0),
        is_write: constant(0),
        tag: constant(tag as u64),
        id: constant(0),
        address: constant(0),
        field_tag: constant(0),
        key: constant(0),
        index_in_key: constant(0),
        skip: constant(0),
        len: constant(0),
        words: constant(0),
        zero_outside: constant(0),
        calldata: constant(0),
        code: constant(0),
        table_words: constant(0),
        rlc,
    }
}

/// `span` of the current call's memory, `len` bytes with RLC `rlc`, read or written.
pub fn memory_stream<F: PrimeField>(
    cb: &EvmBuilder<F>,
    direction: Direction,
    span: &MemorySpan,
    len: Expression<F>,
    rlc: Expression<F>,
) -> StreamClaim<F> {
    StreamClaim {
        is_write: constant((direction == Direction::Write) as u64),
        id: cb.cur.call_id.clone(),
        address: span.first_word(),
        skip: span.skip(),
        len,
        words: span.words(),
        ..base(RwTag::Memory, rlc)
    }
}

/// `len` bytes at `span` of the code of hash `hash` (no RW), `held` of the window's bytes
/// inside the code (the rest read as zeros).
pub fn code_stream<F: PrimeField>(
    span: &MemorySpan,
    hash: Word<F>,
    len: Expression<F>,
    held: Expression<F>,
    rlc: Expression<F>,
) -> StreamClaim<F> {
    StreamClaim {
        address: span.first_word(),
        field_tag: hash.lo,
        key: hash.hi,
        skip: span.skip(),
        len,
        words: span.words(),
        code: constant(1),
        table_words: held,
        ..base(RwTag::Padding, rlc)
    }
}

/// `len` bytes at `span` of the current transaction's calldata (no RW: the calldata table
/// holds it), `held` of the window's words inside the calldata.
pub fn calldata_stream<F: PrimeField>(
    cb: &EvmBuilder<F>,
    span: &MemorySpan,
    len: Expression<F>,
    held: Expression<F>,
    rlc: Expression<F>,
) -> StreamClaim<F> {
    StreamClaim {
        id: cb.cur.tx_id.clone() + constant(1),
        address: span.first_word(),
        skip: span.skip(),
        len,
        words: span.words(),
        calldata: constant(1),
        table_words: held,
        ..base(RwTag::Padding, rlc)
    }
}

/// Log `log_id`'s data of transaction `tx` written as `words` words of field `data_tag` (the
/// word index is the key), `len` bytes, zeros past them.
pub fn log_data_stream<F: PrimeField>(
    tx: Expression<F>,
    log_id: Expression<F>,
    data_tag: u64,
    len: Expression<F>,
    words: Expression<F>,
    rlc: Expression<F>,
) -> StreamClaim<F> {
    StreamClaim {
        is_write: constant(1),
        id: tx,
        address: log_id,
        field_tag: constant(data_tag),
        index_in_key: constant(1),
        len,
        words,
        zero_outside: constant(1),
        ..base(RwTag::TxLog, rlc)
    }
}
