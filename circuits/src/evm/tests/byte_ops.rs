//! BYTE and SIGNEXTEND on a real trace: indices at both ends of the word, just past it, and
//! far past it (high limb set); positive and negative sign bytes; and lies about each result,
//! which must be rejected.

use alloy_primitives::U256;

use super::{
    assert_window_lies_rejected, lie_about_result, rw_index, step_of, trace_of, WindowCircuit, K,
};
use crate::gadgets::test_support::check;

const SIGNEXTEND: u8 = 0x0b;
const BYTE: u8 = 0x1a;

/// The index operands, as code: 0, 1, 30, 31, 32, 2^128 + 1.
fn indices() -> Vec<Vec<u8>> {
    let mut far = vec![0x70, 0x01]; // PUSH17 2^128 + 1
    far.extend([0; 15]);
    far.push(0x01);
    vec![vec![0x5f], vec![0x60, 1], vec![0x60, 30], vec![0x60, 31], vec![0x60, 32], far]
}

/// x = 0x80 81 82 .. 9f (every byte has its top bit set) and x = 0x7f.
fn program() -> Vec<u8> {
    let mut code = vec![0x7f]; // PUSH32 0x8081..9f, kept at the bottom and duplicated
    code.extend(0x80..=0x9fu8);
    for op in [BYTE, SIGNEXTEND] {
        for index in indices() {
            code.push(0x80); // DUP1
            code.extend(index);
            code.extend([op, 0x50]);
        }
        code.extend([0x60, 0x7f, 0x5f, op, 0x50]); // op(0, 0x7f)
    }
    code.push(0x00);
    code
}

fn honest() -> WindowCircuit {
    WindowCircuit { trace: trace_of(program()), k: K }
}

#[test]
fn the_byte_program_passes() {
    let circuit = honest();
    let result = |op, nth| {
        let step = step_of(&circuit.trace, op, nth);
        circuit.trace.rws[rw_index(&circuit.trace, step, 2)].value
    };
    assert_eq!(result(BYTE, 0), U256::from(0x80));
    assert_eq!(result(BYTE, 3), U256::from(0x9f));
    assert_eq!(result(BYTE, 4), U256::ZERO);
    assert_eq!(result(SIGNEXTEND, 0), U256::MAX - U256::from(0x60)); // 0x9f sign-extended
    assert_eq!(result(SIGNEXTEND, 6), U256::from(0x7f));
    assert_eq!(check(K, &circuit), Ok(()));
}

#[test]
fn a_wrong_result_is_rejected() {
    // Every result is consumed by a POP, so all lies are told in one trace.
    let mut circuit = honest();
    let honest_trace = circuit.trace.clone();
    let lies: Vec<_> =
        [(BYTE, 1), (BYTE, 4), (BYTE, 5), (SIGNEXTEND, 0), (SIGNEXTEND, 3), (SIGNEXTEND, 5)]
            .into_iter()
            .map(|which| {
                let lie = |v: U256| v ^ (U256::from(1) << 200);
                (lie_about_result(&mut circuit.trace, which, 2, lie), "evm")
            })
            .collect();
    assert_window_lies_rejected(&honest_trace, &circuit, &lies);
}

#[test]
fn an_index_cannot_pass_for_out_of_range() {
    // BYTE(1, x) = 0x81 claimed 0 (the answer past the word); SIGNEXTEND(31, x) claimed to
    // extend byte 30.
    let mut circuit = honest();
    let honest_trace = circuit.trace.clone();
    let lies: Vec<_> = [(BYTE, 1, U256::ZERO), (SIGNEXTEND, 3, U256::MAX - U256::from(0x61))]
        .into_iter()
        .map(|(op, nth, lie)| (lie_about_result(&mut circuit.trace, (op, nth), 2, |_| lie), "evm"))
        .collect();
    assert_window_lies_rejected(&honest_trace, &circuit, &lies);
}
