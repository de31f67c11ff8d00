//! SHL, SHR and SAR on a real trace: shifts of 0, 1, 8, 100, 255, 256 and past 2^128, of a
//! negative and (for SAR) a positive word, and lies about each result, which must be rejected.

use alloy_primitives::U256;

use super::{
    assert_window_lies_rejected, lie_about_result, rw_index, step_of, trace_of, WindowCircuit,
};
use crate::gadgets::test_support::check;

/// The program needs more rows than a k = 11 circuit holds.
const K: u32 = 12;

const SHL: u8 = 0x1b;
const SHR: u8 = 0x1c;
const SAR: u8 = 0x1d;

/// The shifts, as code run with the stack `x, .., FAR` (`FAR = 2^128 + 1` fourth from the top
/// once `x` is duplicated).
fn shifts() -> Vec<Vec<u8>> {
    vec![
        vec![0x5f],
        vec![0x60, 1],
        vec![0x60, 8],
        vec![0x60, 100],
        vec![0x60, 255],
        vec![0x61, 1, 0],
        vec![0x83], // DUP4: FAR
    ]
}

/// Stack (top first): N = 0x8081..9f, P = 0x0102..10, FAR.
fn program() -> Vec<u8> {
    let mut code = vec![0x70, 1]; // PUSH17 2^128 + 1
    code.extend([0; 15]);
    code.push(1);
    code.push(0x6f); // PUSH16 P
    code.extend(1..=16u8);
    code.push(0x7f); // PUSH32 N
    code.extend(0x80..=0x9fu8);
    for (op, dup) in [(SHL, 0x80), (SHR, 0x80), (SAR, 0x80), (SAR, 0x81)] {
        for shift in shifts() {
            code.push(dup); // DUP1 (N) or DUP2 (P)
            code.extend(shift);
            code.extend([op, 0x50]);
        }
    }
    code.push(0x00);
    code
}

fn honest() -> WindowCircuit {
    WindowCircuit { trace: trace_of(program()), k: K }
}

#[test]
fn the_shift_program_passes() {
    let circuit = honest();
    let result = |op, nth| {
        let step = step_of(&circuit.trace, op, nth);
        circuit.trace.rws[rw_index(&circuit.trace, step, 2)].value
    };
    let n = U256::from_be_slice(&(0x80..=0x9fu8).collect::<Vec<_>>());
    assert_eq!(result(SHL, 1), n << 1);
    assert_eq!(result(SHR, 3), n >> 100);
    assert_eq!(result(SHR, 5), U256::ZERO);
    assert_eq!(result(SAR, 5), U256::MAX);
    assert_eq!(result(SAR, 12), U256::ZERO);
    assert_eq!(check(K, &circuit), Ok(()));
}

#[test]
fn a_wrong_result_is_rejected() {
    // Every result is consumed by a POP, so all lies are told in one trace.
    let mut circuit = honest();
    let honest_trace = circuit.trace.clone();
    let lies: Vec<_> =
        [(SHL, 3), (SHL, 6), (SHR, 1), (SHR, 4), (SHR, 6), (SAR, 2), (SAR, 5), (SAR, 10)]
            .into_iter()
            .map(|which| {
                (lie_about_result(&mut circuit.trace, which, 2, |v| v ^ U256::from(1)), "evm")
            })
            .collect();
    assert_window_lies_rejected(&honest_trace, &circuit, &lies);
}
