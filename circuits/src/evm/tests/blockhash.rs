//! BLOCKHASH on real traces: blocks inside the 256-block window (both ends, and a hash the
//! batch gives), the current block, later blocks, blocks older than the window and numbers
//! past 2^128 (all 0), and lies about each pushed value, which must be rejected.

use alloy_primitives::{address, keccak256, B256, U256};
use zkevm_executor::batch::BatchBlock;
use zkevm_executor::Trace;

use super::{
    assert_window_lies_rejected, lie_about_result, low_or_high_lie, rw_index, step_of,
    trace_in_block, WindowCircuit, K,
};
use crate::gadgets::test_support::check;

/// A hash the batch gives for block 299 (others follow the executor's default).
const GIVEN: B256 = B256::repeat_byte(0xab);

/// `BLOCKHASH(n)` then POP for each `n`, then STOP.
fn program(numbers: &[U256]) -> Vec<u8> {
    let mut code = Vec::new();
    for n in numbers {
        let bytes = n.to_be_bytes::<32>();
        let skip = bytes.iter().take_while(|b| **b == 0).count().min(31);
        code.push(0x60 + (31 - skip) as u8); // PUSH(32 - skip)
        code.extend(&bytes[skip..]);
        code.extend([0x40, 0x50]);
    }
    code.push(0x00);
    code
}

/// The program over `numbers` in block `number` (block 299's hash given as [`GIVEN`]).
fn circuit(number: u64, numbers: &[U256]) -> WindowCircuit {
    let mut block =
        BatchBlock::simple(address!("0xc0ffee0000000000000000000000000000000000"), number);
    block.block_hashes.insert(299, GIVEN);
    let trace = trace_in_block(block, program(numbers), Vec::new(), Vec::new());
    WindowCircuit { trace, k: K }
}

/// What the `nth` BLOCKHASH of `trace` pushed.
fn pushed(trace: &Trace, nth: usize) -> U256 {
    let step = step_of(trace, 0x40, nth);
    trace.rws[rw_index(trace, step, 1)].value
}

fn in_block_10() -> (Vec<U256>, WindowCircuit) {
    // Depth 1, depth 10 (block 0), the current block, a later one, 2^128 + 9.
    let numbers = vec![
        U256::from(9),
        U256::ZERO,
        U256::from(10),
        U256::from(11),
        (U256::from(1) << 128) + U256::from(9),
    ];
    let circuit = circuit(10, &numbers);
    (numbers, circuit)
}

fn in_block_300() -> (Vec<U256>, WindowCircuit) {
    // Depth 256 (the oldest), depth 257 (just outside), block 1, the given hash, far later.
    let numbers =
        vec![U256::from(44), U256::from(43), U256::from(1), U256::from(299), U256::from(u64::MAX)];
    let circuit = circuit(300, &numbers);
    (numbers, circuit)
}

#[test]
fn blocks_in_the_window_have_hashes_and_others_zero() {
    let (_, circuit) = in_block_10();
    let trace = &circuit.trace;
    let expected = [keccak256("9"), keccak256("0"), B256::ZERO, B256::ZERO, B256::ZERO];
    for (nth, hash) in expected.iter().enumerate() {
        assert_eq!(pushed(trace, nth), U256::from_be_bytes(hash.0), "BLOCKHASH {nth}");
    }
    assert_eq!(check(K, &circuit), Ok(()));

    let (_, circuit) = in_block_300();
    let trace = &circuit.trace;
    let expected = [keccak256("44"), B256::ZERO, B256::ZERO, GIVEN, B256::ZERO];
    for (nth, hash) in expected.iter().enumerate() {
        assert_eq!(pushed(trace, nth), U256::from_be_bytes(hash.0), "BLOCKHASH {nth}");
    }
    assert_eq!(check(K, &circuit), Ok(()));
}

/// Lies about every pushed hash of `circuit`, in the low or the high limb.
fn assert_lies_rejected(numbers: &[U256], circuit: &WindowCircuit, high: bool) {
    let mut lied = circuit.clone();
    let lies: Vec<_> = (0..numbers.len())
        .map(|nth| {
            (lie_about_result(&mut lied.trace, (0x40, nth), 1, low_or_high_lie(high)), "evm")
        })
        .collect();
    assert_window_lies_rejected(&circuit.trace, &lied, &lies);
}

#[test]
fn a_wrong_hash_is_rejected() {
    for high in [false, true] {
        let (numbers, circuit) = in_block_10();
        assert_lies_rejected(&numbers, &circuit, high);
        let (numbers, circuit) = in_block_300();
        assert_lies_rejected(&numbers, &circuit, high);
    }
}

#[test]
fn a_hash_from_another_block_is_rejected() {
    // Block 300 pushes the hash of block 43 (outside the window) for BLOCKHASH(44), and the
    // hash of block 298 for BLOCKHASH(299): both are rows of a neighbouring depth.
    let (_, circuit) = in_block_300();
    let mut lied = circuit.clone();
    let neighbour = |n: &str| U256::from_be_bytes(keccak256(n).0);
    let lies = vec![
        (lie_about_result(&mut lied.trace, (0x40, 0), 1, |_| neighbour("43")), "evm"),
        (lie_about_result(&mut lied.trace, (0x40, 3), 1, |_| neighbour("298")), "evm"),
    ];
    assert_window_lies_rejected(&circuit.trace, &lied, &lies);
}
