//! Copy circuit tests: streams checked against an RW table and claims looked up from outside
//! as the EVM does; lies about a byte, the window flags and counters, a word's RW row, padding
//! and the claim itself are rejected.

use alloy_primitives::{B256, U256};
use halo2_proofs::circuit::{Layouter, Value};
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::plonk::{
    Advice, Challenge, Column, ConstraintSystem, Error, FirstPhase, Fixed, SecondPhase,
};

use super::{rlc_value, CopyConfig, StreamClaim, WordStream};
use crate::bytecode::BytecodeTable;
use crate::constraint_builder::ConstraintBuilder;
use crate::gadgets::test_support::{assert_rejected, run, GadgetTest};
use crate::state::rw_row::{word_limbs, RwRow};
use crate::state::RwTag;
use crate::table::{calldata_rows, CallDataTable, FixedTable, FixedTableTag, LookupTable, RwTable};
use halo2_proofs::halo2curves::ff::PrimeField;

const K: u32 = 9;
const CAPACITY: usize = 6;

#[derive(Clone, Default)]
struct CopyTest {
    streams: Vec<WordStream>,
    /// Claims `(stream, skip delta, len delta, words delta)`, looked up in the table.
    claims: Vec<(usize, u64, u64, u64)>,
    /// `(column, row, value)` written over the honest witness.
    tamper: Option<(&'static str, usize, u64)>,
    /// RW rows whose value the RW table holds differently (index, xor mask).
    rw_lie: Option<(usize, U256)>,
    /// The input of transaction slot 0 in the calldata table.
    input: Vec<u8>,
    /// The code (and its hash) in the bytecode table.
    code: Option<(B256, Vec<u8>)>,
}

#[derive(Clone)]
struct Config {
    fixed: FixedTable,
    rw: RwTable,
    calldata: CallDataTable,
    bytecode: BytecodeTable,
    copy: CopyConfig,
    q_probe: Column<Fixed>,
    probe: [Column<Advice>; 15],
    probe_rlc: Column<Advice>,
    r: Challenge,
}

fn memory_row(rw_counter: u64, word: u64, value: U256) -> RwRow {
    RwRow {
        rw_counter,
        tag: RwTag::Memory,
        id: 1,
        address: U256::from(word),
        value,
        value_prev: value,
        ..RwRow::padding(0)
    }
}

fn log_row(rw_counter: u64, index: u64, value: U256) -> RwRow {
    RwRow {
        rw_counter,
        is_write: true,
        tag: RwTag::TxLog,
        id: 0,
        address: U256::from(2),
        field_tag: 5,
        key: U256::from(index),
        value,
        value_prev: U256::ZERO,
        ..RwRow::padding(0)
    }
}

fn word(seed: u8) -> U256 {
    let mut bytes = [0u8; 32];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = seed.wrapping_mul(31).wrapping_add(i as u8 * 7 + 1);
    }
    U256::from_be_bytes(bytes)
}

/// Memory bytes `[5, 5 + 40)` of two words, and the same 40 bytes as two zero-padded log
/// data words.
fn honest() -> CopyTest {
    let (a, b) = (word(1), word(2));
    let memory =
        WordStream::new(vec![memory_row(10, 3, a), memory_row(11, 4, b)], false, 5, 40, false)
            .expect("a valid stream");
    let bytes: Vec<u8> = memory.window();
    let mut padded = bytes.clone();
    padded.resize(64, 0);
    let words: Vec<U256> = padded.chunks(32).map(U256::from_be_slice).collect();
    let data = WordStream::new(
        vec![log_row(20, 0, words[0]), log_row(21, 1, words[1])],
        true,
        0,
        40,
        true,
    )
    .expect("a valid stream");
    CopyTest {
        streams: vec![memory, data],
        claims: vec![(0, 0, 0, 0), (1, 0, 0, 0)],
        ..Default::default()
    }
}

impl GadgetTest for CopyTest {
    type Config = Config;

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Config {
        let fixed = FixedTable::configure(meta);
        let rw = RwTable::configure(meta);
        let calldata = CallDataTable::configure(meta);
        let bytecode = BytecodeTable::configure(meta);
        let r = meta.challenge_usable_after(FirstPhase);
        let copy = CopyConfig::configure(meta, &fixed, &rw, &calldata, &bytecode, r);
        let q_probe = meta.fixed_column();
        let probe = [(); 15].map(|_| meta.advice_column());
        let probe_rlc = meta.advice_column_in(SecondPhase);
        let mut cb = ConstraintBuilder::new();
        let e = |i: usize| probe[i].cur();
        let claim = StreamClaim {
            rw_counter: e(0),
            is_write: e(1),
            tag: e(2),
            id: e(3),
            address: e(4),
            field_tag: e(5),
            key: e(6),
            index_in_key: e(7),
            skip: e(8),
            len: e(9),
            words: e(10),
            zero_outside: e(11),
            calldata: e(12),
            code: e(13),
            table_words: e(14),
            rlc: probe_rlc.cur(),
        };
        cb.lookup("copy probe", claim.tuple(), copy.table.table_exprs());
        cb.build(meta, "copy probe", q_probe.cur());
        Config { fixed, rw, calldata, bytecode, copy, q_probe, probe, probe_rlc, r }
    }

    fn assign<L: Layouter<Fr>>(&self, config: &Config, mut layouter: L) -> Result<(), Error> {
        config.fixed.load(&mut layouter, &[FixedTableTag::Range8])?;
        layouter.assign_region(
            || "calldata",
            |mut region| {
                let rows = calldata_rows([self.input.as_slice()]);
                config.calldata.assign(&mut region, &rows, 4);
                Ok(())
            },
        )?;
        layouter.assign_region(
            || "bytecode",
            |mut region| {
                let Some((hash, code)) = &self.code else { return Ok(()) };
                let t = &config.bytecode;
                let (lo, hi) = word_limbs(U256::from_be_bytes(hash.0));
                // Row 0 is all zero; the header, then one row per byte.
                for row in 0..code.len() + 2 {
                    region.assign_fixed(t.q_enable, row, Fr::from((row > 0) as u64));
                    let (header, byte) = (row == 1, row > 1);
                    let (index, value) = match row {
                        0 => (0, 0),
                        1 => (0, code.len() as u64),
                        _ => ((row - 2) as u64, code[row - 2] as u64),
                    };
                    let limbs = if row > 0 { (lo, hi) } else { (0, 0) };
                    let cells = [
                        Fr::from(header as u64),
                        Fr::from(byte as u64),
                        Fr::from_u128(limbs.0),
                        Fr::from_u128(limbs.1),
                        Fr::from(index),
                        Fr::from(value),
                        Fr::zero(),
                    ];
                    let columns =
                        [t.is_header, t.is_byte, t.hash_lo, t.hash_hi, t.index, t.value, t.is_code];
                    for (column, v) in columns.into_iter().zip(cells) {
                        region.assign_advice(column, row, Value::known(v));
                    }
                }
                Ok(())
            },
        )?;
        let rw_rows: Vec<RwRow> = self
            .streams
            .iter()
            .filter(|s| !s.calldata && s.code.is_none())
            .flat_map(|s| s.rows.clone())
            .collect();
        layouter.assign_region(
            || "rw",
            |mut region| {
                let t = &config.rw;
                for (i, row) in
                    std::iter::once(RwRow::padding(0)).chain(rw_rows.clone()).enumerate()
                {
                    region.assign_fixed(t.q_enable, i, Fr::from((i > 0) as u64));
                    let mut value = row.value;
                    if let Some((index, mask)) = self.rw_lie {
                        if i == index + 1 {
                            value ^= mask;
                        }
                    }
                    let (v_lo, v_hi) = word_limbs(value);
                    let (p_lo, p_hi) =
                        word_limbs(if row.is_write { row.value_prev } else { value });
                    let field = |v: U256| Fr::from_u128(word_limbs(v).0);
                    let cells = [
                        Fr::from(row.rw_counter),
                        Fr::from(row.is_write as u64),
                        Fr::from(row.tag as u64),
                        Fr::from(row.id),
                        field(row.address),
                        Fr::from(row.field_tag),
                        field(row.key),
                        Fr::zero(),
                        Fr::from_u128(v_lo),
                        Fr::from_u128(v_hi),
                        Fr::from_u128(p_lo),
                        Fr::from_u128(p_hi),
                        Fr::zero(),
                        Fr::zero(),
                    ];
                    for (column, v) in t.advice_columns().iter().zip(cells) {
                        region.assign_advice(*column, i, Value::known(v));
                    }
                }
                Ok(())
            },
        )?;
        layouter.assign_region(
            || "copy",
            |mut region| {
                config
                    .copy
                    .assign_first_phase(&mut region, &self.streams, CAPACITY)
                    .map_err(|_| Error::Synthesis)?;
                if let Some((name, row, value)) = self.tamper {
                    region.assign_advice(
                        config.copy.column(name),
                        row,
                        Value::known(Fr::from(value)),
                    );
                }
                Ok(())
            },
        )?;
        layouter.assign_region(
            || "probes",
            |mut region| {
                for (i, (s, skip, len, words)) in self.claims.iter().enumerate() {
                    let stream = &self.streams[*s];
                    let first = &stream.rows[0];
                    region.assign_fixed(config.q_probe, i, Fr::one());
                    let (field_tag, key) = match stream.code {
                        Some(hash) => {
                            let (lo, hi) = word_limbs(U256::from_be_bytes(hash.0));
                            (Fr::from_u128(lo), Fr::from_u128(hi))
                        }
                        None => {
                            (Fr::from(first.field_tag), Fr::from(first.key.saturating_to::<u64>()))
                        }
                    };
                    let n = |v: u64| Fr::from(v);
                    let values = [
                        n(first.rw_counter),
                        n(first.is_write as u64),
                        n(first.tag as u64),
                        n(first.id),
                        n(first.address.saturating_to::<u64>()),
                        field_tag,
                        key,
                        n(stream.index_in_key as u64),
                        n(stream.skip + skip),
                        n(stream.len + len),
                        n(stream.rows.len() as u64 + words),
                        n(stream.zero_outside as u64),
                        n(stream.calldata as u64),
                        n(stream.code.is_some() as u64),
                        n(stream.table_words),
                    ];
                    for (column, v) in config.probe.iter().zip(values) {
                        region.assign_advice(*column, i, Value::known(v));
                    }
                }
                Ok(())
            },
        )?;
        layouter.next_phase();
        let r = layouter.get_challenge(config.r);
        layouter.assign_region(
            || "second phase",
            |mut region| {
                config.copy.assign_second_phase(&mut region, &self.streams, CAPACITY, r);
                for (i, (s, ..)) in self.claims.iter().enumerate() {
                    region.assign_advice(
                        config.probe_rlc,
                        i,
                        rlc_value(&self.streams[*s].window(), r),
                    );
                }
                Ok(())
            },
        )
    }
}

#[test]
fn honest_streams_pass() {
    run(K, &honest()).expect("honest streams pass");
}

#[test]
fn a_changed_byte_is_rejected() {
    let mut test = honest();
    test.tamper = Some(("byte", 9, 0xee));
    assert_rejected(K, &test, "copy");
}

#[test]
fn a_word_the_rw_table_holds_differently_is_rejected() {
    let mut test = honest();
    test.rw_lie = Some((1, U256::from(1)));
    assert_rejected(K, &test, "copy: word RW");
}

#[test]
fn window_lies_are_rejected() {
    for (name, row, value) in [
        ("started", 4, 1),
        ("ended", 44, 1),
        ("before", 3, 0),
        ("count", 30, 7),
        ("skip", 0, 4),
        ("word_index", 40, 1),
        ("rw_counter", 40, 10),
        ("is_last", 31, 1),
    ] {
        let mut test = honest();
        test.tamper = Some((name, row, value));
        assert_rejected(K, &test, "copy");
    }
}

#[test]
fn claims_of_another_window_are_rejected() {
    for (skip, len, words) in [(1, 0, 0), (0, 1, 0), (0, 0, 1)] {
        let mut test = honest();
        test.claims = vec![(0, skip, len, words)];
        assert_rejected(K, &test, "copy probe");
    }
}

#[test]
fn log_data_with_nonzero_padding_is_rejected() {
    let mut test = honest();
    let data = &mut test.streams[1];
    data.rows[1].value |= U256::from(1);
    assert_rejected(K, &test, "copy: zero outside the window");
}

/// Found by the raw cell campaign: rows outside every stream, and previous-value cells before
/// a word's last row, were assigned zeros that no constraint read.
#[test]
fn unused_cells_are_pinned_to_zero() {
    for (name, row, value, constraint) in [
        ("byte", 150, 1, "copy: unused rows are zero"),
        ("word_index", 191, 2, "copy: unused rows are zero"),
        ("prev_lo", 3, 1, "copy: previous values only at a word's end"),
    ] {
        let mut test = honest();
        test.tamper = Some((name, row, value));
        assert_rejected(K, &test, constraint);
    }
}

/// Memory words 7 and 8 of call 1 written at bytes `[10, 40)`: the other bytes keep their
/// previous values.
fn write_stream() -> WordStream {
    let (prev_a, prev_b) = (word(3), word(4));
    let mut bytes: Vec<u8> = [prev_a, prev_b].iter().flat_map(|w| w.to_be_bytes::<32>()).collect();
    for (i, byte) in bytes[10..40].iter_mut().enumerate() {
        *byte = i as u8 ^ 0x33;
    }
    let row = |i: usize, prev: U256| RwRow {
        rw_counter: 30 + i as u64,
        is_write: true,
        tag: RwTag::Memory,
        id: 1,
        address: U256::from(7 + i),
        value: U256::from_be_slice(&bytes[32 * i..32 * i + 32]),
        value_prev: prev,
        ..RwRow::padding(0)
    };
    WordStream::new(vec![row(0, prev_a), row(1, prev_b)], false, 10, 30, false)
        .expect("a valid stream")
}

/// Bytes `[20, 90)` of a 40-byte input: words 0 and 1 from the table, word 2 zero.
fn calldata_test() -> CopyTest {
    let input: Vec<u8> = (1..=40u8).collect();
    let stream = WordStream::calldata(0, &input, 20, 70).expect("a valid stream");
    assert_eq!((stream.rows.len(), stream.table_words), (3, 2));
    CopyTest {
        streams: vec![stream, write_stream()],
        claims: vec![(0, 0, 0, 0), (1, 0, 0, 0)],
        input,
        ..Default::default()
    }
}

#[test]
fn calldata_and_write_streams_pass() {
    run(K, &calldata_test()).expect("honest streams pass");
}

#[test]
fn a_write_that_changes_a_byte_outside_its_window_is_rejected() {
    for (word, bit) in [(0, 255), (1, 0)] {
        let mut test = calldata_test();
        test.streams[1].rows[word].value ^= U256::from(1) << bit;
        assert_rejected(K, &test, "copy: bytes outside a write's window keep their value");
    }
}

#[test]
fn calldata_zero_fill_cannot_be_nonzero() {
    let mut test = calldata_test();
    test.streams[0].rows[2].value = U256::from(1);
    test.streams[0].rows[2].value_prev = U256::from(1);
    assert_rejected(K, &test, "copy: calldata or code past the table is zero");
}

#[test]
fn calldata_table_words_are_the_inputs() {
    // One word more than the input has, one fewer (its bytes are not zero), another input.
    let mut more = calldata_test();
    more.streams[0].table_words = 3;
    assert_rejected(K, &more, "copy: calldata word");
    let mut fewer = calldata_test();
    fewer.streams[0].table_words = 1;
    assert_rejected(K, &fewer, "copy: calldata or code past the table is zero");
    let mut other = calldata_test();
    other.input[25] ^= 1;
    assert_rejected(K, &other, "copy: calldata word");
}

/// Bytes `[20, 90)` of a 40-byte code: words 0 to 2, of which the code holds the first 40
/// bytes; the rest are zero.
fn code_test() -> CopyTest {
    let code: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37).wrapping_add(5)).collect();
    let hash = alloy_primitives::keccak256(&code);
    let stream = WordStream::code(hash, &code, 20, 70).expect("a valid stream");
    assert_eq!((stream.rows.len(), stream.table_words), (3, 40));
    CopyTest {
        streams: vec![stream, write_stream()],
        claims: vec![(0, 0, 0, 0), (1, 0, 0, 0)],
        code: Some((hash, code)),
        ..Default::default()
    }
}

#[test]
fn code_and_write_streams_pass() {
    run(K, &code_test()).expect("honest streams pass");
}

#[test]
fn a_code_byte_other_than_the_codes_is_rejected() {
    let mut test = code_test();
    if let Some((_, code)) = test.code.as_mut() {
        code[25] ^= 1;
    }
    assert_rejected(K, &test, "copy: code byte");
}

#[test]
fn another_codes_bytes_are_rejected() {
    let mut test = code_test();
    test.streams[0].code = Some(B256::repeat_byte(7));
    assert_rejected(K, &test, "copy: code byte");
}

#[test]
fn code_zero_fill_cannot_be_nonzero() {
    let mut test = code_test();
    test.streams[0].rows[2].value = U256::from(1);
    test.streams[0].rows[2].value_prev = U256::from(1);
    assert_rejected(K, &test, "copy: calldata or code past the table is zero");
}

#[test]
fn code_table_bytes_are_the_codes() {
    // One byte more than the code has, one fewer (its byte is not zero).
    let mut more = code_test();
    more.streams[0].table_words = 41;
    assert_rejected(K, &more, "copy: code byte");
    let mut fewer = code_test();
    fewer.streams[0].table_words = 39;
    assert_rejected(K, &fewer, "copy: calldata or code past the table is zero");
}
