//! MUL, DIV and MOD on a real trace, with their edge cases (wrap-around, division by zero,
//! a dividend below the divisor, the largest words), and lies about each result, which must
//! be rejected.

use alloy_primitives::U256;

use super::{
    assert_window_lies_rejected, lie_about_result, low_or_high_lie, rw_index, step_of, trace_of,
    WindowCircuit,
};
use crate::gadgets::test_support::check;

/// The program needs more rows than a k = 11 circuit holds.
const K: u32 = 12;

const MUL: u8 = 0x02;
const DIV: u8 = 0x04;
const MOD: u8 = 0x06;

/// Code pushing `b` then `a` for each case of `op(a, b)` (`a` on top): small operands, division
/// by zero, the largest words, a dividend below the divisor, and wide operands (`2^200` and
/// `2^100 + 17`, pushed once at the start and duplicated).
fn cases() -> Vec<Vec<u8>> {
    let not0 = [0x5f, 0x19]; // PUSH0, NOT: 2^256 − 1
    vec![
        vec![0x60, 3, 0x60, 7],
        vec![0x60, 7, 0x60, 3],
        vec![0x5f, 0x61, 0x30, 0x39],
        [not0, not0].concat(),
        [vec![0x60, 2], not0.to_vec()].concat(),
        vec![0x81, 0x81], // DUP2, DUP2: a = 2^200, b = 2^100 + 17
        vec![0x60, 5, 0x5f],
    ]
}

fn program() -> Vec<u8> {
    let mut code = vec![0x6c, 0x10]; // PUSH13 2^100 + 17
    code.extend([0; 11]);
    code.push(17);
    code.push(0x79); // PUSH26 2^200
    code.push(1);
    code.extend([0; 25]);
    for op in [MUL, DIV, MOD] {
        for case in cases() {
            code.extend(case);
            code.extend([op, 0x50]); // op, POP
        }
    }
    code.push(0x00);
    code
}

fn honest() -> WindowCircuit {
    WindowCircuit { trace: trace_of(program()), k: K }
}

#[test]
fn the_arithmetic_program_passes() {
    let circuit = honest();
    // The trace agrees with the definitions the gadgets prove.
    for (op, expected) in [(MUL, U256::from(21)), (DIV, U256::from(2)), (MOD, U256::from(1))] {
        let step = step_of(&circuit.trace, op, 0);
        assert_eq!(circuit.trace.rws[rw_index(&circuit.trace, step, 2)].value, expected);
    }
    assert_eq!(check(K, &circuit), Ok(()));
}

#[test]
fn a_wrong_result_is_rejected() {
    // Division by zero, the largest words, and a wide product; a low-bit and a high-limb lie.
    // Every result is popped at once, so all lies are told in one trace.
    let mut circuit = honest();
    let honest_trace = circuit.trace.clone();
    let mut lies = Vec::new();
    for op in [MUL, DIV, MOD] {
        for (nth, high) in [(2, false), (3, true), (5, false)] {
            let step = lie_about_result(&mut circuit.trace, (op, nth), 2, low_or_high_lie(high));
            lies.push((step, "evm"));
        }
    }
    assert_window_lies_rejected(&honest_trace, &circuit, &lies);
}
