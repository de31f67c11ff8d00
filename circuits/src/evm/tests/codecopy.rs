//! CODECOPY on real traces through the MockProver (EVM, copy, bytecode and state circuits
//! together): unaligned offsets, an empty copy, reads across the end of the code, from exactly
//! its end and far past it, the whole code; and lies about a copied byte, a byte of a written
//! word outside the window, zero fill, the gas and the memory size, which must be rejected.

use zkevm_executor::Trace;

use super::{
    assert_mock_lies_rejected, assert_mock_rejected, lie_about_copied_byte, rw_index, step_of,
    trace_with_input,
};
use crate::super_circuit::{mock_prove, MockVerdict};

const CODECOPY: u8 = 0x39;
/// The copy circuit's constraint on the bytes of a written word outside its window.
const OUTSIDE: &str = "copy: bytes outside a write's window keep their value";
/// Bytes of [`program`] (every instruction has a fixed size).
const LENGTH: u8 = 61;

/// `CODECOPY(dest, src, size)` with one-byte operands.
fn copy(dest: u8, src: u8, size: u8) -> [u8; 7] {
    [0x60, size, 0x60, src, 0x60, dest, CODECOPY]
}

/// Memory words 0..3 set to all ones, then copies of the program's own 61 bytes:
/// 0. `(5, 3, 40)`: unaligned, inside the code;
/// 1. `(70, 51, 20)`: across the code's end (10 bytes, then 10 zeros);
/// 2. `(1, 0, 0)` and `(2^256 − 1, 0, 0)`: empty;
/// 3. `(100, 2^256 − 1, 10)`: far past the end, zeros;
/// 4. `(200, 61, 33)`: from exactly the end;
/// 5. `(160, 0, 61)`: the whole code to an aligned destination.
fn program() -> Vec<u8> {
    let mut code = Vec::new();
    for at in [0u8, 32, 64] {
        code.extend([0x5f, 0x19, 0x60, at, 0x52]); // MSTORE(at, NOT 0)
    }
    code.extend(copy(5, 3, 40));
    code.extend(copy(70, LENGTH - 10, 20));
    code.extend([0x5f, 0x5f, 0x60, 1, CODECOPY]);
    code.extend([0x5f, 0x5f, 0x5f, 0x19, CODECOPY]);
    code.extend([0x60, 10, 0x5f, 0x19, 0x60, 100, CODECOPY]);
    code.extend(copy(200, LENGTH, 33));
    code.extend(copy(160, 0, LENGTH));
    code.push(0x00);
    assert_eq!(code.len(), LENGTH as usize);
    code
}

fn honest() -> Trace {
    trace_with_input(program(), Vec::new())
}

#[test]
fn code_copies_pass() {
    let trace = honest();
    // The copied bytes landed where the EVM puts them (the executor checked them against revm).
    let step = step_of(&trace, CODECOPY, 0);
    let first = trace.rws[rw_index(&trace, step, 4)].value.to_be_bytes::<32>();
    assert_eq!(&first[..5], &[0xff; 5]);
    assert_eq!(&first[5..], &program()[3..30]);
    assert_eq!(mock_prove(&trace), MockVerdict::Passed);
}

#[test]
fn a_wrong_copied_byte_is_rejected() {
    let mut trace = honest();
    lie_about_copied_byte(&mut trace, (CODECOPY, 0, 4), 1, 3);
    assert_mock_rejected(&trace, "a copied byte", "evm: copy lookup");
}

#[test]
fn a_changed_byte_outside_the_window_is_rejected() {
    for (nth, word, byte) in [(0, 0, 2), (1, 0, 1), (1, 0, 30)] {
        let mut trace = honest();
        lie_about_copied_byte(&mut trace, (CODECOPY, nth, 4), word, byte);
        assert_mock_rejected(&trace, "a byte outside the window", OUTSIDE);
    }
}

#[test]
fn zero_fill_cannot_be_replaced() {
    // Copy 1 writes zeros from byte 80 (word 2, byte 16); copy 4 writes only zeros.
    let mut trace = honest();
    let honest_trace = trace.clone();
    let mut lies = Vec::new();
    for (nth, word, byte) in [(1, 0, 20), (4, 0, 5)] {
        lie_about_copied_byte(&mut trace, (CODECOPY, nth, 4), word, byte);
        lies.push((step_of(&trace, CODECOPY, nth), "evm: copy lookup"));
    }
    assert_mock_lies_rejected(&honest_trace, &trace, &lies);
}

#[test]
fn wrong_gas_and_memory_size_are_rejected() {
    let mut trace = honest();
    let step = step_of(&trace, CODECOPY, 4);
    trace.txs[0].steps[step].gas_cost += 3;
    for later in &mut trace.txs[0].steps[step + 1..] {
        later.gas_left -= 3;
    }
    assert_mock_rejected(&trace, "gas", "");

    let mut trace = honest();
    for later in &mut trace.txs[0].steps[step + 1..] {
        later.memory_word_size += 1;
    }
    assert_mock_rejected(&trace, "memory size", "");
}
