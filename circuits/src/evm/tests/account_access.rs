//! BALANCE, EXTCODESIZE and EXTCODEHASH on a real trace: cold and warm accounts, a missing
//! account, the running contract, an operand with garbage above its 160 address bits, an
//! account with code, a funded account without code and a missing one; lies about the pushed
//! value, the warm flag (the gas) and the account read, which must be rejected.

use alloy_primitives::{address, Address, U256};
use zkevm_executor::batch::BatchAccount;
use zkevm_executor::Trace;

use super::{
    assert_mock_lies_rejected, lie_about_stack_write, lie_about_write, rw_index, step_of,
    trace_with_accounts, CONTRACT,
};
use crate::super_circuit::{mock_prove, MockVerdict};

const BALANCE: u8 = 0x31;
const EXTCODEHASH: u8 = 0x3f;
const EXTCODESIZE: u8 = 0x3b;
const FUNDED: Address = address!("0xf00d000000000000000000000000000000000001");
const MISSING: Address = address!("0x0000000000000000000000000000000000c0ffe1");
const CODED: Address = address!("0xc0de000000000000000000000000000000000001");

/// `PUSH20 address, op, POP`.
fn access(code: &mut Vec<u8>, address: Address, op: u8) {
    code.push(0x73);
    code.extend(address.as_slice());
    code.extend([op, 0x50]);
}

/// BALANCE of: FUNDED (cold), FUNDED (warm), MISSING, the contract (warm), FUNDED with 0xff in
/// the operand's 12 high bytes; EXTCODEHASH, then EXTCODESIZE, of: CODED, FUNDED, MISSING;
/// EXTCODESIZE of the contract; then STOP.
fn program() -> Vec<u8> {
    let mut code = Vec::new();
    for address in [FUNDED, FUNDED, MISSING, CONTRACT] {
        access(&mut code, address, BALANCE);
    }
    code.push(0x7f); // PUSH32: garbage above the address
    code.extend([0xff; 12]);
    code.extend(FUNDED.as_slice());
    code.extend([BALANCE, 0x50]);
    for op in [EXTCODEHASH, EXTCODESIZE] {
        for address in [CODED, FUNDED, MISSING] {
            access(&mut code, address, op);
        }
    }
    access(&mut code, CONTRACT, EXTCODESIZE);
    code.push(0x00);
    code
}

fn honest() -> Trace {
    let funded = BatchAccount { balance: U256::from(12_345), ..Default::default() };
    let coded = BatchAccount { code: vec![0x60, 0x01, 0x00].into(), ..Default::default() };
    trace_with_accounts(program(), Vec::new(), vec![(FUNDED, funded), (CODED, coded)])
}

/// The pushed value of the `nth` `op`.
fn pushed(trace: &Trace, op: u8, nth: usize) -> (usize, U256) {
    let step = step_of(trace, op, nth);
    let rws = super::all_steps(trace)[step].rw_count as usize;
    let index = rw_index(trace, step, rws - 1);
    (index, trace.rws[index].value)
}

/// Fails unless the MockProver rejects `trace`, its first failure naming `first`.
fn assert_rejected(trace: &Trace, what: &str, first: &str) {
    match mock_prove(trace) {
        MockVerdict::Failed(why) => assert!(why.contains(first), "{what}: {why}"),
        other => panic!("{what}: expected a failure, got {other:?}"),
    }
}

#[test]
fn account_reads_pass() {
    let trace = honest();
    assert_eq!(pushed(&trace, BALANCE, 0).1, U256::from(12_345));
    assert_eq!(pushed(&trace, BALANCE, 2).1, U256::ZERO);
    assert_eq!(pushed(&trace, BALANCE, 4).1, U256::from(12_345));
    assert_ne!(pushed(&trace, EXTCODEHASH, 0).1, U256::ZERO);
    let empty_code = alloy_primitives::keccak256([]);
    assert_eq!(pushed(&trace, EXTCODEHASH, 1).1, U256::from_be_bytes(empty_code.0));
    assert_eq!(pushed(&trace, EXTCODEHASH, 2).1, U256::ZERO);
    let sizes: Vec<U256> = (0..4).map(|nth| pushed(&trace, EXTCODESIZE, nth).1).collect();
    let own = U256::from(program().len());
    assert_eq!(sizes, [U256::from(3), U256::ZERO, U256::ZERO, own]);
    // Cold, then warm: 2,600 and 100 gas.
    let gas = |nth| super::all_steps(&trace)[step_of(&trace, BALANCE, nth)].gas_cost;
    assert_eq!((gas(0), gas(1), gas(3)), (2_600, 100, 100));
    assert_eq!(mock_prove(&trace), MockVerdict::Passed);
}

#[test]
fn a_wrong_pushed_value_is_rejected() {
    // EXTCODESIZE's size cell is the pushed value: the code length lookup objects, or the
    // rule that a codeless account has size 0. Each value is popped at once, so one trace
    // carries every lie.
    let mut trace = honest();
    let honest_trace = trace.clone();
    let mut lies = Vec::new();
    for (op, nth, first) in [
        (BALANCE, 0, "evm: rw lookup"),
        (EXTCODEHASH, 2, "evm: rw lookup"),
        (EXTCODESIZE, 0, "evm: bytecode lookup"),
        (EXTCODESIZE, 1, "code of a hash: no code, size 0"),
    ] {
        let (index, value) = pushed(&trace, op, nth);
        lie_about_stack_write(&mut trace, index, value ^ U256::from(1));
        lies.push((step_of(&trace, op, nth), first));
    }
    assert_mock_lies_rejected(&honest_trace, &trace, &lies);
}

#[test]
fn a_cold_access_cannot_be_claimed_warm() {
    // The first BALANCE of FUNDED claims a warm flag that was already set (and 100 gas).
    let mut trace = honest();
    let step = step_of(&trace, BALANCE, 0);
    let warm = rw_index(&trace, step, 1);
    trace.rws[warm].access = zkevm_executor::trace::RwAccess::Write { prev: U256::from(1) };
    trace.txs[0].steps[step].gas_cost = 100;
    for later in &mut trace.txs[0].steps[step + 1..] {
        later.gas_left += 2_500;
    }
    assert_rejected(&trace, "a cold access claimed warm", "state: initial value zero");
}

#[test]
fn another_accounts_balance_is_rejected() {
    // BALANCE of MISSING claims FUNDED's balance (the read and the push agree).
    let mut trace = honest();
    let step = step_of(&trace, BALANCE, 2);
    let read = rw_index(&trace, step, 2);
    trace.rws[read].value = U256::from(12_345);
    let (index, _) = pushed(&trace, BALANCE, 2);
    lie_about_write(&mut trace, index, U256::from(12_345));
    assert_rejected(&trace, "a missing account's balance", "state: an access sees the previous");
}
