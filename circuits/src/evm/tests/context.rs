//! Environment reads on a real trace (every block field, ORIGIN, GASPRICE, the call-context
//! fields, SELFBALANCE, CODESIZE, BLOBHASH) and lies about each value pushed, which must be
//! rejected.

use alloy_primitives::U256;

use super::{lie_about_stack_write, rw_index, step_of, trace_of, WindowCircuit, K};
use crate::evm::ExecutionState;
use crate::gadgets::test_support::{assert_circuit_rejected, check};

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
    WindowCircuit { trace: trace_of(program()), k: K, after: ExecutionState::Stop }
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
    // One or two opcodes of each gadget (each MockProver run costs seconds).
    for opcode in [0x44, 0x4a, 0x3a, 0x33, 0x36, 0x47, 0x38, 0x49] {
        let mut circuit = honest();
        let step = step_of(&circuit.trace, opcode, 0);
        let rws = super::all_steps(&circuit.trace)[step].rw_count as usize;
        let index = rw_index(&circuit.trace, step, rws - 1);
        let honest_value = circuit.trace.rws[index].value;
        lie_about_stack_write(&mut circuit.trace, index, honest_value ^ U256::from(1));
        assert_circuit_rejected(K, &circuit, "evm");
    }
}
