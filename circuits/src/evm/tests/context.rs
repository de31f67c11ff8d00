//! Environment reads on a real trace (every block field, ORIGIN, GASPRICE, the call-context
//! fields, SELFBALANCE, CODESIZE, BLOBHASH) and lies about each value pushed, which must be
//! rejected.

use alloy_primitives::U256;

use super::{
    assert_window_lies_rejected, lie_about_result, rw_index, step_of, trace_of, WindowCircuit, K,
};
use crate::gadgets::test_support::check;

/// Every environment opcode with a gadget here, each followed by POP.
const OPCODES: [u8; 17] = [
    0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x48, 0x4a, // block
    0x32, 0x3a, // transaction
    0x30, 0x33, 0x34, 0x36, 0x3d, // call context
    0x47, 0x38, // SELFBALANCE, CODESIZE
];

/// The [`OPCODES`], then `BLOBHASH(7)` (the transaction has no blobs: 0).
fn program() -> Vec<u8> {
    let mut code: Vec<u8> = OPCODES.iter().flat_map(|op| [*op, 0x50]).collect();
    code.extend([0x60, 7, 0x49, 0x50]);
    code.push(0x00);
    code
}

fn honest() -> WindowCircuit {
    WindowCircuit { trace: trace_of(program()), k: K }
}

#[test]
fn the_environment_program_passes() {
    let circuit = honest();
    let code_size = {
        let step = step_of(&circuit.trace, 0x38, 0);
        circuit.trace.rws[rw_index(&circuit.trace, step, 1)].value
    };
    assert_eq!(code_size, U256::from(program().len()));
    let blob_hash = {
        let step = step_of(&circuit.trace, 0x49, 0);
        circuit.trace.rws[rw_index(&circuit.trace, step, 2)].value
    };
    assert_eq!(blob_hash, U256::ZERO);
    assert_eq!(check(K, &circuit), Ok(()));
}

#[test]
fn a_wrong_value_is_rejected() {
    // Every value is popped at once, so one trace carries a lie about each opcode.
    let mut circuit = honest();
    let honest_trace = circuit.trace.clone();
    let mut opcodes = OPCODES.to_vec();
    opcodes.push(0x49);
    let lies: Vec<_> = opcodes
        .into_iter()
        .map(|opcode| {
            let step = step_of(&circuit.trace, opcode, 0);
            let pushed = super::all_steps(&circuit.trace)[step].rw_count as usize - 1;
            (
                lie_about_result(&mut circuit.trace, (opcode, 0), pushed, |v| v ^ U256::from(1)),
                "evm",
            )
        })
        .collect();
    assert_window_lies_rejected(&honest_trace, &circuit, &lies);
}
