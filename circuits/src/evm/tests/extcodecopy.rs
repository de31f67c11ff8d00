//! EXTCODECOPY on a real trace: a cold account with code (unaligned, across the code's end),
//! the same account warm (the whole code), an account without code and a missing account
//! (zeros), and an empty copy; lies about a copied byte, zero fill and the warm flag (the gas),
//! which must be rejected.

use alloy_primitives::{address, Address, U256};
use zkevm_executor::batch::BatchAccount;
use zkevm_executor::Trace;

use super::{
    assert_mock_lies_rejected, assert_mock_rejected, lie_about_copied_byte, rw_index, step_of,
    trace_with_accounts,
};
use crate::super_circuit::{mock_prove, MockVerdict};

const EXTCODECOPY: u8 = 0x3c;
const CODED: Address = address!("0xc0de000000000000000000000000000000000001");
const FUNDED: Address = address!("0xf00d000000000000000000000000000000000001");
const MISSING: Address = address!("0x0000000000000000000000000000000000c0ffe1");

/// 40 bytes of code (never run).
fn other_code() -> Vec<u8> {
    (0..40u8).map(|i| i.wrapping_mul(29).wrapping_add(3)).collect()
}

/// `EXTCODECOPY(address, dest, src, size)` with one-byte offsets.
fn copy(code: &mut Vec<u8>, address: Address, dest: u8, src: u8, size: u8) {
    code.extend([0x60, size, 0x60, src, 0x60, dest, 0x73]);
    code.extend(address.as_slice());
    code.push(EXTCODECOPY);
}

/// Copies:
/// 0. CODED (cold), `(3, 30, 20)`: unaligned, 10 code bytes then 10 zeros;
/// 1. CODED (warm), `(64, 0, 40)`: the whole code;
/// 2. FUNDED (no code), `(128, 0, 8)`: zeros;
/// 3. MISSING, `(160, 2, 8)`: zeros;
/// 4. CODED, `(1, 0, 0)`: empty.
fn program() -> Vec<u8> {
    let mut code = Vec::new();
    copy(&mut code, CODED, 3, 30, 20);
    copy(&mut code, CODED, 64, 0, 40);
    copy(&mut code, FUNDED, 128, 0, 8);
    copy(&mut code, MISSING, 160, 2, 8);
    copy(&mut code, CODED, 1, 0, 0);
    code.push(0x00);
    code
}

fn honest() -> Trace {
    let funded = BatchAccount { balance: U256::from(7), ..Default::default() };
    let coded = BatchAccount { code: other_code().into(), ..Default::default() };
    trace_with_accounts(program(), Vec::new(), vec![(FUNDED, funded), (CODED, coded)])
}

#[test]
fn external_code_copies_pass() {
    let trace = honest();
    let step = step_of(&trace, EXTCODECOPY, 1);
    let words: Vec<u8> = (0..2)
        .flat_map(|i| trace.rws[rw_index(&trace, step, 6 + i)].value.to_be_bytes::<32>())
        .collect();
    assert_eq!(&words[..40], &other_code()[..]);
    assert_eq!(mock_prove(&trace), MockVerdict::Passed);
}

#[test]
fn a_wrong_copied_byte_is_rejected() {
    let mut trace = honest();
    lie_about_copied_byte(&mut trace, (EXTCODECOPY, 1, 6), 0, 7);
    assert_mock_rejected(&trace, "a copied byte", "evm: copy lookup");
}

#[test]
fn zero_fill_cannot_be_replaced() {
    // Copy 0 writes zeros from memory byte 13; copies 2 and 3 write only zeros.
    let mut trace = honest();
    let honest_trace = trace.clone();
    let mut lies = Vec::new();
    for (nth, word, byte) in [(0, 0, 15), (2, 0, 0), (3, 0, 4)] {
        lie_about_copied_byte(&mut trace, (EXTCODECOPY, nth, 6), word, byte);
        lies.push((step_of(&trace, EXTCODECOPY, nth), "evm: copy lookup"));
    }
    assert_mock_lies_rejected(&honest_trace, &trace, &lies);
}

#[test]
fn a_cold_access_cannot_be_charged_as_warm() {
    let mut trace = honest();
    let step = step_of(&trace, EXTCODECOPY, 0);
    trace.txs[0].steps[step].gas_cost -= 2_500;
    for later in &mut trace.txs[0].steps[step + 1..] {
        later.gas_left += 2_500;
    }
    assert_mock_rejected(&trace, "gas", "");
}
