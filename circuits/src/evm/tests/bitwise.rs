//! AND, OR and XOR on a real trace, proven through the bitwise circuit's table, and lies about
//! each result (the bitwise table holds the true result only), which must be rejected.

use alloy_primitives::U256;

use super::{
    assert_window_lies_rejected, lie_about_result, lie_about_stack_write, rw_index, step_of,
    trace_of, WindowCircuit, K,
};
use crate::gadgets::test_support::{assert_circuit_rejected, check};

const OPS: [u8; 3] = [0x16, 0x17, 0x18];

fn program() -> Vec<u8> {
    let mut code = vec![0x7f]; // PUSH32 0x8081..9f, duplicated for each operation
    code.extend(0x80..=0x9fu8);
    for op in OPS {
        code.extend([0x80, 0x61, 0xf0, 0x0f, op, 0x50]); // DUP1, PUSH2 0xf00f, op, POP
        code.extend([0x80, 0x5f, 0x19, op, 0x50]); // DUP1, PUSH0, NOT, op, POP
    }
    code.push(0x00);
    code
}

fn honest() -> WindowCircuit {
    WindowCircuit { trace: trace_of(program()), k: K }
}

#[test]
fn the_bitwise_program_passes() {
    let circuit = honest();
    let result = |op, nth| {
        let step = step_of(&circuit.trace, op, nth);
        circuit.trace.rws[rw_index(&circuit.trace, step, 2)].value
    };
    assert_eq!(result(0x16, 0), U256::from(0x9e9f & 0xf00f));
    assert_eq!(result(0x18, 1), !U256::from_be_slice(&(0x80..=0x9fu8).collect::<Vec<_>>()));
    assert_eq!(check(K, &circuit), Ok(()));
}

#[test]
fn a_wrong_result_is_rejected() {
    let mut circuit = honest();
    let honest_trace = circuit.trace.clone();
    let lies: Vec<_> = [(0x16, 0), (0x17, 1), (0x18, 0), (0x18, 1)]
        .into_iter()
        .map(|which| {
            let lie = |v: U256| v ^ (U256::from(1) << 130);
            (lie_about_result(&mut circuit.trace, which, 2, lie), "evm: bitwise lookup")
        })
        .collect();
    assert_window_lies_rejected(&honest_trace, &circuit, &lies);
}

#[test]
fn another_operation_cannot_pass_for_the_one_run() {
    // AND's result claimed for OR: the table row has OR's result.
    let mut circuit = honest();
    let and = step_of(&circuit.trace, 0x16, 0);
    let or = step_of(&circuit.trace, 0x17, 0);
    let and_result = circuit.trace.rws[rw_index(&circuit.trace, and, 2)].value;
    let index = rw_index(&circuit.trace, or, 2);
    lie_about_stack_write(&mut circuit.trace, index, and_result);
    assert_circuit_rejected(K, &circuit, "evm: bitwise lookup");
}
