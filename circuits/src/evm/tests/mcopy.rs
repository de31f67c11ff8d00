//! MCOPY on a real trace through the MockProver: overlapping copies in both directions, empty
//! copies, a source past the memory's end (which sets the expansion); and lies about a copied
//! byte, a byte outside the window, the gas and the memory size.

use alloy_primitives::U256;
use zkevm_executor::Trace;

use super::{lie_about_write, rw_index, step_of, trace_with_input};
use crate::super_circuit::{mock_prove, MockVerdict};

const MCOPY: u8 = 0x5e;
/// The copy circuit's constraint on the bytes of a written word outside its window.
const OUTSIDE: &str = "copy: bytes outside a write's window keep their value";

/// `MCOPY(dest, src, size)` with one-byte operands.
fn mcopy(dest: u8, src: u8, size: u8) -> [u8; 7] {
    [0x60, size, 0x60, src, 0x60, dest, MCOPY]
}

/// Memory 0..96 from the input, then MCOPY `(10, 3, 40)` (forward overlap), `(1, 20, 50)`
/// (backward overlap), `(0, 0, 0)` and `(2^256 − 1, 2^256 − 1, 0)` (empty), `(5, 200, 10)`
/// (a source past memory: 7 words needed).
fn program() -> Vec<u8> {
    let mut code = vec![0x60, 96, 0x5f, 0x5f, 0x37]; // CALLDATACOPY(0, 0, 96)
    code.extend(mcopy(10, 3, 40));
    code.extend(mcopy(1, 20, 50));
    code.extend([0x5f, 0x5f, 0x5f, MCOPY]);
    code.extend([0x5f, 0x5f, 0x19, 0x5f, 0x19, MCOPY]);
    code.extend(mcopy(5, 200, 10));
    code.push(0x00);
    code
}

fn honest() -> Trace {
    trace_with_input(program(), (1..=96u8).collect())
}

/// Asserts that the MockProver rejects `trace`, its first failure mentioning `first`.
fn assert_fails(trace: &Trace, what: &str, first: &str) {
    match mock_prove(trace) {
        MockVerdict::Failed(why) => assert!(why.contains(first), "{what}: {why}"),
        other => panic!("{what}: expected a failure, got {other:?}"),
    }
}

/// Flips byte `byte` of the `word`-th memory word MCOPY `nth` writes (after `reads` reads).
fn lie_about_written_byte(trace: &mut Trace, nth: usize, reads: usize, word: usize, byte: usize) {
    let step = step_of(trace, MCOPY, nth);
    let index = rw_index(trace, step, 3 + reads + word);
    assert!(trace.rws[index].is_write());
    let value = trace.rws[index].value ^ (U256::from(0x81) << (8 * (31 - byte)));
    lie_about_write(trace, index, value);
}

#[test]
fn overlapping_and_empty_copies_pass() {
    let trace = honest();
    let step = step_of(&trace, MCOPY, 0);
    // Copy 0 reads words 0 and 1 and writes words 0 and 1: bytes 10..50 are old bytes 3..43.
    let written: Vec<u8> = (0..2)
        .flat_map(|w| trace.rws[rw_index(&trace, step, 5 + w)].value.to_be_bytes::<32>())
        .collect();
    let old: Vec<u8> = (1..=64u8).collect();
    assert_eq!(&written[10..50], &old[3..43]);
    assert_eq!(&written[..10], &old[..10]);
    assert_eq!(mock_prove(&trace), MockVerdict::Passed);
}

#[test]
fn wrong_bytes_are_rejected() {
    // Inside copy 0's window, outside it (before and after), and inside copy 1's.
    let (inside, outside) = ("evm: copy lookup", OUTSIDE);
    for (nth, reads, word, byte, first) in
        [(0, 2, 1, 0, inside), (0, 2, 0, 9, outside), (0, 2, 1, 18, outside), (1, 3, 1, 4, inside)]
    {
        let mut trace = honest();
        lie_about_written_byte(&mut trace, nth, reads, word, byte);
        assert_fails(&trace, "a written byte", first);
    }
}

#[test]
fn wrong_gas_and_memory_size_are_rejected() {
    let mut trace = honest();
    let step = step_of(&trace, MCOPY, 4);
    trace.txs[0].steps[step].gas_cost += 3;
    for later in &mut trace.txs[0].steps[step + 1..] {
        later.gas_left -= 3;
    }
    assert_fails(&trace, "gas", "");

    let mut trace = honest();
    for later in &mut trace.txs[0].steps[step + 1..] {
        later.memory_word_size -= 1;
    }
    assert_fails(&trace, "memory size", "");
}
