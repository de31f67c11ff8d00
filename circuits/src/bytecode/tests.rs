//! Bytecode circuit tests: real codes, and lies about bytes, push data, lengths and hashes.

use std::path::Path;

use halo2_proofs::halo2curves::bn256::Fr;
use zkevm_executor::run::execute_traced;
use zkevm_statetest::{load_entries, parse_fork};

use super::circuit::BytecodeCapacity;
use super::witness::{rows_for, RowKind};
use super::BytecodeCircuit;
use crate::gadgets::test_support::{assert_circuit_rejected, check};
use crate::keccak::layout::permutations_for;

/// Capacity with `spare` rows and permutations beyond what `codes` need.
fn capacity_for(codes: &[&[u8]], spare: usize) -> BytecodeCapacity {
    BytecodeCapacity {
        bytecode_rows: rows_for(codes.iter().copied()) + spare,
        keccak_permutations: codes.iter().map(|c| permutations_for(c.len())).sum::<usize>() + spare,
    }
}

fn prove_codes(codes: &[&[u8]]) -> Result<(), Vec<String>> {
    let capacity = capacity_for(codes, 1);
    let circuit = BytecodeCircuit::new(codes, capacity).expect("fits");
    check(capacity.k::<Fr>(), &circuit)
}

/// PUSH2 0x5b60 (push data that looks like JUMPDEST and PUSH1), JUMPDEST, PUSH1 1, ADD, STOP,
/// then a PUSH32 cut short by the end of the code.
const CODE: [u8; 11] = [0x61, 0x5b, 0x60, 0x5b, 0x60, 0x01, 0x01, 0x00, 0x7f, 0xaa, 0xbb];
const OTHER: [u8; 3] = [0x60, 0x00, 0xf3];

fn honest() -> BytecodeCircuit {
    let codes: [&[u8]; 2] = [&CODE, &OTHER];
    BytecodeCircuit::new(&codes, capacity_for(&codes, 1)).expect("fits")
}

fn k() -> u32 {
    honest().capacity.k::<Fr>()
}

#[test]
fn push_data_is_marked_and_codes_pass() {
    let circuit = honest();
    let flags: Vec<bool> = circuit.bytecode.rows[1..12].iter().map(|r| r.is_code).collect();
    let expected = [true, false, false, true, true, false, true, true, true, false, false];
    assert_eq!(flags, expected);
    assert_eq!(check(k(), &circuit), Ok(()));
    assert_eq!(prove_codes(&[]), Ok(()), "no code at all");
    assert_eq!(prove_codes(&[&[]]), Ok(()), "the empty code");
}

/// Codes the executor records for a few state tests.
fn state_test_codes() -> Option<Vec<Vec<u8>>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/statetests");
    if !root.is_dir() {
        eprintln!("skipped: {} is absent", root.display());
        return None;
    }
    let fork = parse_fork("Cancun").expect("fork");
    let mut codes = Vec::new();
    for file in [
        "VMTests/vmArithmeticTest/add.json",
        "VMTests/vmIOandFlowOperations/jump.json",
        "stExample/solidityExample.json",
    ] {
        let entries = load_entries(&root.join(file), &fork).expect("state test loads");
        let input = entries[0].input.as_ref().expect("entry builds");
        let trace = execute_traced(input).expect("traces").trace;
        codes.extend(trace.bytecodes.values().map(|code| code.to_vec()));
    }
    codes.sort();
    codes.dedup();
    Some(codes)
}

#[test]
fn real_codes_from_state_tests_pass() {
    let Some(codes) = state_test_codes() else { return };
    let codes: Vec<&[u8]> = codes.iter().map(|c| c.as_slice()).collect();
    let bytes: usize = codes.iter().map(|c| c.len()).sum();
    eprintln!("{} codes, {bytes} bytes", codes.len());
    assert!(bytes > 800, "the state tests give real code");
    assert_eq!(prove_codes(&codes), Ok(()));
}

#[test]
fn a_changed_byte_breaks_the_hash() {
    let mut circuit = honest();
    circuit.bytecode.rows[6].value = 0x02; // ADD's operand byte... PUSH1's data 0x01 → 0x02
    assert_circuit_rejected(k(), &circuit, "bytecode: code hash = keccak256(code)");
}

#[test]
fn push_data_cannot_be_code() {
    // JUMPDEST-looking push data claimed to be an opcode.
    let mut circuit = honest();
    circuit.bytecode.rows[2].is_code = true;
    assert_circuit_rejected(k(), &circuit, "bytecode: is_code = [push_left = 0]");
    // ... with push_left rewritten to match.
    let mut circuit = honest();
    circuit.bytecode.rows[2].is_code = true;
    circuit.bytecode.rows[2].push_left = 0;
    assert_circuit_rejected(k(), &circuit, "bytecode: push data follows a PUSH");
    // An opcode claimed to be push data.
    let mut circuit = honest();
    circuit.bytecode.rows[4].is_code = false;
    assert_circuit_rejected(k(), &circuit, "bytecode: is_code = [push_left = 0]");
}

#[test]
fn bytes_after_the_end_are_rejected() {
    let mut circuit = honest();
    let mut extra = circuit.bytecode.rows[11];
    extra.index += 1;
    extra.value = 0x00;
    circuit.bytecode.rows.insert(12, extra);
    circuit.bytecode.rows.pop();
    assert_circuit_rejected(k(), &circuit, "bytecode: a code ends at its length");
    // A header that claims fewer bytes than follow.
    let mut circuit = honest();
    for row in &mut circuit.bytecode.rows[0..12] {
        row.length -= 1;
    }
    circuit.bytecode.rows[0].value -= 1;
    assert_circuit_rejected(k(), &circuit, "bytecode: a code ends at its length");
}

#[test]
fn two_codes_cannot_claim_one_hash() {
    let mut circuit = honest();
    let (lo, hi) = (circuit.bytecode.rows[0].hash_lo, circuit.bytecode.rows[0].hash_hi);
    for row in &mut circuit.bytecode.rows[12..16] {
        row.hash_lo = lo;
        row.hash_hi = hi;
    }
    assert_circuit_rejected(k(), &circuit, "bytecode: code hash = keccak256(code)");
}

#[test]
fn a_code_starts_with_its_header_and_padding_is_zero() {
    let mut circuit = honest();
    circuit.bytecode.rows[0].kind = RowKind::Byte;
    assert_circuit_rejected(k(), &circuit, "bytecode: a code starts with its header");
    let mut circuit = honest();
    let last = circuit.bytecode.rows.len() - 2;
    circuit.bytecode.rows[last].value = 7;
    assert_circuit_rejected(k(), &circuit, "bytecode: padding rows are zero");
    let mut circuit = honest();
    let last = circuit.bytecode.rows.len() - 1;
    circuit.bytecode.rows[last].kind = RowKind::Header;
    assert_circuit_rejected(k(), &circuit, "bytecode: the last row is padding");
}

/// Found by the raw cell campaign: helper cells a row's kind does not use, and the region's
/// last row, were assigned zeros that no constraint read.
#[test]
fn unused_cells_are_pinned_to_zero() {
    let mut circuit = honest();
    circuit.bytecode.rows[0].push_size = 3;
    assert_circuit_rejected(k(), &circuit, "bytecode header: unused cells are zero");
    let mut circuit = honest();
    let padding = circuit.bytecode.rows.len() - 2;
    circuit.bytecode.rows[padding].push_left = 1;
    assert_circuit_rejected(k(), &circuit, "bytecode: padding rows are zero");
    let mut circuit = honest();
    let last = circuit.bytecode.rows.len() - 1;
    circuit.bytecode.rows[last].length = 5;
    assert_circuit_rejected(k(), &circuit, "bytecode: the last row is zero");
}
