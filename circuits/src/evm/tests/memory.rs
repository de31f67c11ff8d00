//! MLOAD, MSTORE, MSTORE8 and memory expansion on a real trace: aligned and unaligned
//! accesses, growth by each opcode, and lies about loaded values, stored words, the stored
//! byte, expansion gas and the memory size, which must be rejected.

use alloy_primitives::U256;
use zkevm_executor::trace::RwTarget;

use super::{
    assert_window_lies_rejected, lie_about_result, lie_about_write, rw_index, step_mut, step_of,
    trace_of, WindowCircuit, K,
};
use crate::gadgets::test_support::{assert_circuit_rejected, check};

fn push32(code: &mut Vec<u8>, first: u8) {
    code.push(0x7f);
    code.extend((0..32).map(|i| first.wrapping_add(i)));
}

/// Stores and loads at aligned and unaligned offsets, each growing memory once.
fn program() -> Vec<u8> {
    let mut code = Vec::new();
    push32(&mut code, 0x01);
    code.extend([0x5f, 0x52]); // PUSH0, MSTORE (aligned; 0 -> 1 word)
    push32(&mut code, 0xa0);
    code.extend([0x60, 0x05, 0x52]); // PUSH1 5, MSTORE (unaligned; 1 -> 2 words)
    code.extend([0x60, 0x03, 0x51, 0x50]); // PUSH1 3, MLOAD, POP (unaligned)
    code.extend([0x60, 0x20, 0x51, 0x50]); // PUSH1 32, MLOAD, POP (aligned)
    code.extend([0x60, 0xff, 0x60, 0x07, 0x53]); // MSTORE8 0xff at 7
    code.extend([0x61, 0x01, 0x02, 0x60, 0x7f, 0x53]); // MSTORE8 0x0102 at 127 (2 -> 4 words)
    code.extend([0x60, 0x70, 0x51, 0x50]); // PUSH1 0x70, MLOAD, POP (4 -> 5 words)
    code.extend([0x59, 0x50, 0x00]); // MSIZE, POP, STOP
    code
}

fn honest() -> WindowCircuit {
    WindowCircuit { trace: trace_of(program()), k: K }
}

#[test]
fn the_memory_program_passes() {
    let circuit = honest();
    assert_eq!(check(K, &circuit), Ok(()));
}

#[test]
fn a_wrong_loaded_value_is_rejected() {
    let mut circuit = honest();
    let honest_trace = circuit.trace.clone();
    let lies: Vec<_> = (0..3)
        .map(|nth| {
            let mload = step_of(&circuit.trace, 0x51, nth);
            let pushed = super::all_steps(&circuit.trace)[mload].rw_count as usize - 1;
            let lie = |v: U256| v ^ U256::from(1);
            (lie_about_result(&mut circuit.trace, (0x51, nth), pushed, lie), "evm: rw lookup")
        })
        .collect();
    assert_window_lies_rejected(&honest_trace, &circuit, &lies);
}

#[test]
fn a_wrong_stored_word_is_rejected() {
    // The unaligned MSTORE writes two words; lie about each.
    for word in 0..2 {
        let mut circuit = honest();
        let mstore = step_of(&circuit.trace, 0x52, 1);
        let index = rw_index(&circuit.trace, mstore, 2 + word);
        assert!(matches!(circuit.trace.rws[index].target, RwTarget::Memory { .. }));
        let honest_value = circuit.trace.rws[index].value;
        lie_about_write(&mut circuit.trace, index, honest_value ^ U256::from(0x100));
        assert_circuit_rejected(K, &circuit, "evm: rw lookup");
    }
}

#[test]
fn a_wrong_stored_byte_is_rejected() {
    let mut circuit = honest();
    let mstore8 = step_of(&circuit.trace, 0x53, 1);
    let index = rw_index(&circuit.trace, mstore8, 2);
    let honest_value = circuit.trace.rws[index].value;
    // 0x0102 stores 0x02 at 127 (the word's last byte); claim 0x01.
    assert_eq!(honest_value & U256::from(0xff), U256::from(2));
    lie_about_write(&mut circuit.trace, index, honest_value ^ U256::from(3));
    assert_circuit_rejected(K, &circuit, "evm: rw lookup");
}

#[test]
fn wrong_expansion_gas_is_rejected() {
    for (opcode, nth) in [(0x52, 0), (0x52, 1), (0x53, 1), (0x51, 2)] {
        let mut circuit = honest();
        let step = step_of(&circuit.trace, opcode, nth);
        // Charge the expansion as if memory had not grown.
        step_mut(&mut circuit.trace, step + 1).gas_left += 3;
        assert_circuit_rejected(K, &circuit, "gas is charged");
    }
}

#[test]
fn a_wrong_memory_size_is_rejected() {
    for (opcode, nth, delta) in [(0x52, 0, 1i64), (0x52, 1, -1), (0x53, 0, 1), (0x51, 2, -1)] {
        let mut circuit = honest();
        let step = step_of(&circuit.trace, opcode, nth);
        let words = &mut step_mut(&mut circuit.trace, step + 1).memory_word_size;
        *words = words.checked_add_signed(delta).expect("in range");
        assert_circuit_rejected(K, &circuit, "memory");
    }
}
