//! CALLDATALOAD on a real trace: aligned and unaligned offsets, the last partial word, offsets
//! at, past and far past the end; and lies about each value, which must be rejected.

use alloy_primitives::U256;

use super::{
    assert_window_lies_rejected, lie_about_result, rw_index, step_of, trace_with_input,
    WindowCircuit, K,
};
use crate::gadgets::test_support::{assert_circuit_rejected, check};

const CALLDATALOAD: u8 = 0x35;

/// 70 bytes of input: 3 words, the last with 6 bytes.
fn input() -> Vec<u8> {
    (1..=70u8).collect()
}

/// Offsets: 0, 32, 5, 40, 64, 69, 70, 1000, 2^128 + 1.
fn program() -> Vec<u8> {
    let mut code = Vec::new();
    for offset in [0u8, 32, 5, 40, 64, 69, 70] {
        code.extend([0x60, offset, CALLDATALOAD, 0x50]);
    }
    code.extend([0x61, 0x03, 0xe8, CALLDATALOAD, 0x50]); // 1000
    code.extend([0x70, 1]); // PUSH17 2^128 + 1
    code.extend([0; 15]);
    code.extend([1, CALLDATALOAD, 0x50, 0x00]);
    code
}

fn honest() -> WindowCircuit {
    WindowCircuit { trace: trace_with_input(program(), input()), k: K }
}

fn expected(offset: usize) -> U256 {
    let data = input();
    let bytes: Vec<u8> = (offset..offset + 32).map(|i| data.get(i).copied().unwrap_or(0)).collect();
    U256::from_be_slice(&bytes)
}

#[test]
fn the_calldata_program_passes() {
    let circuit = honest();
    for (nth, offset) in [(0, 0), (2, 5), (4, 64), (5, 69), (6, 70)] {
        let step = step_of(&circuit.trace, CALLDATALOAD, nth);
        let value = circuit.trace.rws[rw_index(&circuit.trace, step, 2)].value;
        assert_eq!(value, expected(offset), "offset {offset}");
    }
    assert_eq!(check(K, &circuit), Ok(()));
}

#[test]
fn a_wrong_value_is_rejected() {
    // Aligned, unaligned, the partial word, at the end, far past the end: one trace.
    let mut circuit = honest();
    let honest_trace = circuit.trace.clone();
    let lies: Vec<_> = [(0, 1u64), (3, 1 << 40), (5, 1), (6, 1), (8, 1)]
        .into_iter()
        .map(|(nth, lie)| {
            let lie = |v: U256| v ^ U256::from(lie);
            (lie_about_result(&mut circuit.trace, (CALLDATALOAD, nth), 2, lie), "evm")
        })
        .collect();
    assert_window_lies_rejected(&honest_trace, &circuit, &lies);
}

#[test]
fn the_input_length_is_the_transactions() {
    // A shorter claimed length would make offset 64 read past the end (0): the call context
    // holds the transaction's length.
    let mut circuit = honest();
    let step = step_of(&circuit.trace, CALLDATALOAD, 4);
    let index = rw_index(&circuit.trace, step, 1);
    circuit.trace.rws[index].value = U256::from(60);
    assert_circuit_rejected(K, &circuit, "evm");
}
