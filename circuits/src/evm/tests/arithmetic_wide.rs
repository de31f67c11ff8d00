//! SDIV, SMOD, ADDMOD, MULMOD and EXP on a real trace, claimed in the arithmetic circuit: signs,
//! division by zero, `SDIV(−2^255, −1)`, modulus 0 and 1, 512-bit intermediates, EXP with
//! exponent 0, base 0 and multi-byte exponents; lies about each result and about EXP's gas
//! must be rejected.

use alloy_primitives::U256;

use super::{
    assert_window_lies_rejected, lie_about_result, low_or_high_lie, rw_index, step_mut, step_of,
    trace_of, WindowCircuit,
};
use crate::arith::{native_result, ArithOp};
use crate::evm::witness::all_steps;
use crate::evm::ExecutionState;
use crate::gadgets::test_support::{assert_circuit_rejected, check};

const K: u32 = 12;
const SDIV: u8 = 0x05;
const SMOD: u8 = 0x07;
const ADDMOD: u8 = 0x08;
const MULMOD: u8 = 0x09;
const EXP: u8 = 0x0a;

fn neg(x: u64) -> U256 {
    U256::from(x).wrapping_neg()
}

/// Short code that pushes `value`: PUSH0, a minimal PUSHn, `NOT` of a short one, or
/// `1 << 255` by SHL.
fn push(value: U256) -> Vec<u8> {
    if value.is_zero() {
        return vec![0x5f];
    }
    if value == U256::from(1) << 255 {
        return vec![0x60, 1, 0x60, 255, 0x1b];
    }
    let inverted = !value;
    if inverted.byte_len() < value.byte_len() {
        let mut code = push(inverted);
        code.push(0x19);
        return code;
    }
    let len = value.byte_len();
    let mut code = vec![0x5f + len as u8];
    code.extend(&value.to_be_bytes::<32>()[32 - len..]);
    code
}

/// `(opcode, operands)` with the first operand on top of the stack.
fn cases() -> Vec<(u8, Vec<U256>)> {
    let u = U256::from;
    let (min, max) = (U256::from(1) << 255, U256::MAX);
    let mut cases = Vec::new();
    for op in [SDIV, SMOD] {
        for (a, b) in [
            (u(7u64), u(2u64)),
            (neg(7), u(2u64)),
            (u(7u64), neg(2)),
            (neg(7), neg(2)),
            (u(7u64), U256::ZERO),
            (min, neg(1)),
            (U256::ZERO, neg(3)),
            (min, u(1u64)),
        ] {
            cases.push((op, vec![a, b]));
        }
    }
    for op in [ADDMOD, MULMOD] {
        for (a, b, n) in [
            (u(10u64), u(10u64), u(8u64)),
            (max, max, u(12u64)),
            (u(5u64), u(6u64), U256::ZERO),
            (max, max, u(1u64)),
            (max, u(2u64), max),
        ] {
            cases.push((op, vec![a, b, n]));
        }
    }
    for (base, e) in [
        (u(3u64), u(5u64)),
        (u(2u64), u(255u64)),
        (U256::ZERO, U256::ZERO),
        (U256::ZERO, u(3u64)),
        (u(7u64), U256::ZERO),
        (u(2u64), u(256u64)),
        (max, u(2u64)),
        (u(3u64), u(0x1_0000u64)),
    ] {
        cases.push((EXP, vec![base, e]));
    }
    cases
}

/// The cases of the opcodes in `family`, each pushed, run and popped (a program per family
/// keeps its code within the test harness's two keccak permutations).
fn program(family: &[u8]) -> Vec<u8> {
    let mut code = Vec::new();
    for (op, operands) in cases().into_iter().filter(|(op, _)| family.contains(op)) {
        for value in operands.iter().rev() {
            code.extend(push(*value));
        }
        code.extend([op, 0x50]); // op, POP
    }
    code.push(0x00);
    code
}

const FAMILIES: [&[u8]; 3] = [&[SDIV, SMOD], &[ADDMOD, MULMOD], &[EXP]];

fn honest(op: u8) -> WindowCircuit {
    let family = FAMILIES.into_iter().find(|f| f.contains(&op)).unwrap_or(&[EXP]);
    WindowCircuit { trace: trace_of(program(family)), k: K }
}

/// The `nth` step running `opcode` and the index of the RW it pushes.
fn pushed(circuit: &WindowCircuit, opcode: u8, nth: usize) -> (usize, usize) {
    let step = step_of(&circuit.trace, opcode, nth);
    (step, rw_index(&circuit.trace, step, pops(opcode)))
}

/// How many words `opcode` pops: its push is the RW after them.
fn pops(opcode: u8) -> usize {
    if matches!(opcode, ADDMOD | MULMOD) {
        3
    } else {
        2
    }
}

#[test]
fn the_signed_modular_and_exp_program_passes() {
    // The traces agree with the definitions the arithmetic circuit proves.
    let mut seen = [0usize; 256];
    for (op, operands) in cases() {
        let circuit = honest(op);
        let (_, index) = pushed(&circuit, op, seen[op as usize]);
        seen[op as usize] += 1;
        let c = operands.get(2).copied().unwrap_or_default();
        let expected = native_result(&ArithOp { opcode: op, a: operands[0], b: operands[1], c });
        assert_eq!(circuit.trace.rws[index].value, expected, "{op:#x} {operands:?}");
    }
    let circuit = honest(SDIV);
    let (_, index) = pushed(&circuit, SDIV, 5);
    assert_eq!(circuit.trace.rws[index].value, U256::from(1) << 255, "SDIV(-2^255, -1)");
    let steps = all_steps(&circuit.trace);
    assert!(steps
        .iter()
        .any(|s| crate::evm::gadgets::state_of(&s.kind) == Ok(ExecutionState::SignedModArith)));
    assert_eq!(check(K, &circuit), Ok(()));
    assert_eq!(check(K, &honest(ADDMOD)), Ok(()));
    // EXP's gas: 10 + 50 per exponent byte (3^0x10000: 3 bytes).
    let circuit = honest(EXP);
    let exp = step_of(&circuit.trace, EXP, 7);
    assert_eq!(all_steps(&circuit.trace)[exp].gas_cost, 160);
    assert_eq!(check(K, &circuit), Ok(()));
}

#[test]
fn a_wrong_result_is_rejected() {
    // Low-bit and high-limb lies, including division by zero, SDIV(−2^255, −1), modulus 0,
    // 512-bit products and exponent 0; one trace per family, every result popped at once.
    let lies =
        [(SDIV, 5, true), (SMOD, 1, false), (ADDMOD, 2, false), (MULMOD, 1, true), (EXP, 2, false)];
    for family in FAMILIES {
        let mut circuit = honest(family[0]);
        let honest_trace = circuit.trace.clone();
        let told: Vec<_> = lies
            .iter()
            .filter(|(op, _, _)| family.contains(op))
            .map(|&(op, nth, high)| {
                let lie = low_or_high_lie(high);
                let step = lie_about_result(&mut circuit.trace, (op, nth), pops(op), lie);
                (step, "evm: arithmetic lookup")
            })
            .collect();
        assert_window_lies_rejected(&honest_trace, &circuit, &told);
    }
}

#[test]
fn a_wrong_exp_gas_is_rejected() {
    // 2^256 (a 2-byte exponent) charged as if its exponent had 1 byte.
    let mut circuit = honest(EXP);
    let exp = step_of(&circuit.trace, EXP, 5);
    step_mut(&mut circuit.trace, exp + 1).gas_left += 50;
    assert_circuit_rejected(K, &circuit, "gas is charged");
}

#[test]
fn another_opcode_cannot_claim_the_table() {
    // SMOD's step run as SDIV: the opcode at pc is SMOD.
    let mut circuit = honest(SMOD);
    let smod = step_of(&circuit.trace, SMOD, 0);
    step_mut(&mut circuit.trace, smod).kind = zkevm_executor::trace::StepKind::Op(SDIV);
    assert_circuit_rejected(K, &circuit, "evm: bytecode lookup");
}
