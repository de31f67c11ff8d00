//! Forgeries: false statements the circuit accepted before its fixes, told as a malicious
//! prover would tell them (a lying trace, plus cells in rows no region assigns, plus cells
//! solved against a challenge). Each passed the MockProver on the circuit without its fix
//! (but the EIP-3607 one: the old circuit had no read of the sender's code to lie about); each
//! test now names the constraint or lookup that rejects it. The holes and fixes are listed in
//! `docs/soundness.md`.

use alloy_primitives::{address, keccak256, Address, U256};
use halo2_proofs::arithmetic::Field;
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::halo2curves::ff::PrimeField;
use zkevm_circuits::state::RwTag;
use zkevm_circuits::super_circuit::ChunkParams;
use zkevm_executor::batch::{Batch, BatchAccount, BatchBlock};
use zkevm_executor::trace::{AccountField, Rw, RwTarget, StepKind};
use zkevm_executor::{trace_batch, Trace};
use zkevm_soundness::mutation::forgery::{lie, solved_lie, ForgeryBench};

use crate::revert::trace_call_input;
use crate::support::assert_forgery_rejected;

/// The forged word every test pushes.
fn forged() -> U256 {
    U256::from_be_slice(&[0x5a; 32])
}

/// `(lo, hi)` of a word as field elements.
fn limbs(word: U256) -> (Fr, Fr) {
    let bytes = word.to_be_bytes::<32>();
    let half = |b: &[u8]| Fr::from_u128(b.iter().fold(0u128, |acc, x| (acc << 8) | *x as u128));
    (half(&bytes[16..]), half(&bytes[..16]))
}

/// Rewrites what the step of `opcode` pushes to `value`, and the read that pops it next.
fn forge_push(trace: &mut Trace, opcode: u8, value: U256) {
    let step = trace
        .txs
        .iter()
        .flat_map(|tx| &tx.steps)
        .find(|s| s.kind == StepKind::Op(opcode))
        .expect("the program runs the opcode")
        .clone();
    let push = (step.rw_counter + step.rw_count - 2) as usize;
    let (target, honest) = (trace.rws[push].target, trace.rws[push].value);
    assert!(matches!(target, RwTarget::Stack { .. }) && trace.rws[push].is_write());
    trace.rws[push].value = value;
    let pop = trace.rws[push + 1..]
        .iter_mut()
        .find(|rw| rw.target == target)
        .expect("the pushed word is popped");
    assert!(!pop.is_write() && pop.value == honest);
    pop.value = value;
}

/// Hole 1, table side: KECCAK256 of nothing claims a hash of the prover's choice. The keccak
/// table's compressed row was `q_last + θ·is_final + θ²·rlc + …`, and `rlc` (second phase) of a
/// row outside the keccak region is free: chosen once `θ` was known (`θ` is drawn with the
/// second-phase challenges) as `rlc* + θ⁻²`, it made up for `q_last = 0` and the row matched
/// the claim. Now `θ` compresses first-phase entries only (`q_last · Σ θ^i·t_i`) and the RLC is
/// paired uncompressed (halo2's own lookup challenge comes after every phase).
#[test]
fn keccak256_cannot_push_a_hash_of_the_provers_choice() {
    // PUSH0 PUSH0 KECCAK256 POP STOP
    let mut trace = trace_call_input(vec![0x5f, 0x5f, 0x20, 0x50, 0x00], 100_000, 0, Vec::new());
    let honest = U256::from_be_bytes(keccak256([]).0);
    assert_ne!(honest, forged());
    forge_push(&mut trace, 0x20, forged());
    let bench = ForgeryBench::new(trace).expect("the lying trace lays out");
    let table = bench.config().keccak.table;
    let theta = bench.config().challenges.lookup;
    let columns = [table.is_final, table.input_rlc, table.input_len, table.hash_lo, table.hash_hi];
    let row = bench.free_row(&columns).expect("a row outside the keccak region");
    let (lo, hi) = limbs(forged());
    let lies = vec![
        lie(table.is_final, row, Fr::ONE),
        lie(table.input_len, row, Fr::ZERO),
        lie(table.hash_lo, row, lo),
        lie(table.hash_hi, row, hi),
        // The claim's RLC (of no bytes) is 0: θ²·rlc must stand for the missing q_last = 1.
        solved_lie(table.input_rlc, row, move |challenge| {
            challenge(theta).map(|t| t.square().invert().unwrap_or(Fr::ZERO))
        }),
    ];
    assert_forgery_rejected(bench.verdict(lies), "evm: keccak lookup");
}

/// Hole 3: BLOCKHASH of the current block (outside the window) pushed any word. It looked up
/// `(0, 0, hash)`, and the block table's rows past its end have fixed keys `(0, 0)` and free
/// values. Now the step constrains the hash to 0 and the table is zero outside its fixed enable.
#[test]
fn blockhash_outside_the_window_cannot_push_a_chosen_word() {
    // NUMBER BLOCKHASH POP STOP
    let mut trace = trace_call_input(vec![0x43, 0x40, 0x50, 0x00], 100_000, 0, Vec::new());
    forge_push(&mut trace, 0x40, forged());
    let bench = ForgeryBench::new(trace).expect("the lying trace lays out");
    let block = bench.config().block;
    let row = bench.free_row(&[block.value_lo, block.value_hi]).expect("a row past the table");
    let (lo, hi) = limbs(forged());
    let lies = vec![lie(block.value_lo, row, lo), lie(block.value_hi, row, hi)];
    assert_forgery_rejected(bench.verdict(lies), "BLOCKHASH: 0 outside the window");
}

/// Hole 3: CALLDATALOAD read a word that is not the transaction's calldata. The calldata
/// table was all advice with no fixed enable; rows past the part the statement lays out are
/// free. The witness is the run on other calldata (same length and gas), the statement the
/// honest one: the table's bound rows are restored to the statement's words and the read word
/// sits in a free row. Now the table is keyed on (compressed lookups: multiplied by) a fixed
/// enable.
#[test]
fn calldataload_cannot_read_a_word_outside_the_statement() {
    // PUSH0 CALLDATALOAD POP STOP
    let code = vec![0x5f, 0x35, 0x50, 0x00];
    let statement = trace_call_input(code.clone(), 100_000, 0, vec![0x11; 32]);
    let witness = trace_call_input(code, 100_000, 0, forged().to_be_bytes::<32>().to_vec());
    let params = ChunkParams::fitting(&witness);
    let bench =
        ForgeryBench::build(witness, Some(statement), params).expect("the forgery lays out");
    let table = bench.config().calldata;
    let columns = [table.tx, table.index, table.value_lo, table.value_hi];
    let (first, _) = bench.assigned_rows(table.value_lo).expect("the table is laid out");
    let row = bench.free_row(&columns).expect("a row past the table");
    let (honest_lo, honest_hi) = limbs(U256::from_be_slice(&[0x11; 32]));
    let (lo, hi) = limbs(forged());
    let lies = vec![
        // The statement's word, where the statement binds it (row 1 of the table).
        lie(table.value_lo, first + 1, honest_lo),
        lie(table.value_hi, first + 1, honest_hi),
        // The word the step reads, in a free row.
        lie(table.tx, row, Fr::ONE),
        lie(table.index, row, Fr::ZERO),
        lie(table.value_lo, row, lo),
        lie(table.value_hi, row, hi),
    ];
    assert_forgery_rejected(bench.verdict(lies), "evm: calldata lookup");
}

/// Hole 2: a storage write nobody made, listed in the statement. The sort key's first
/// component packs `tag·256 + field_tag`, and `field_tag` was not range-checked: a stack row
/// with `field_tag = −256` packs to 0 like padding, so it sat among the padding rows, where
/// the padding rows after it counted on from its (free) `rw_counter`. The padding row EndBlock
/// asks for then stood one row early, and one row past the padding was looked up by no step:
/// here a write of 999 to a slot the transaction only read (5), which the statement lists.
/// Now padding is a prefix (its `rw_counter` is its row) and `field_tag` is a byte.
#[test]
fn the_state_circuit_cannot_hold_a_write_no_step_made() {
    // PUSH1 1 SLOAD POP STOP: slot 1 (5) is read, never written.
    let mut trace = trace_call_input(vec![0x60, 0x01, 0x54, 0x50, 0x00], 100_000, 0, Vec::new());
    let read = trace
        .rws
        .iter()
        .find(|rw| matches!(rw.target, RwTarget::Storage { key, .. } if key == U256::from(1)))
        .expect("the program reads slot 1")
        .clone();
    let forged_write =
        Rw::write(trace.rws.len() as u64 + 1, read.target, U256::from(999), read.value);
    trace.rws.push(forged_write);
    // Room for a few padding rows.
    let mut params = ChunkParams::fitting(&trace);
    params.rw_rows += 8;
    let bench = ForgeryBench::build(trace, None, params).expect("the lying trace lays out");
    let state = &bench.config().state;
    let t = state.table;
    let (start, _) = bench.assigned_rows(t.rw_counter).expect("the state region");
    // The padding rows: every row before the first RW row.
    let total = bench.trace_rws();
    let capacity = bench.params().rw_rows;
    let padding = capacity - total;
    let mut lies = vec![
        // Row 1: a stack read packed into the padding's first key component.
        lie(t.tag, start + 1, Fr::from(RwTag::Stack as u64)),
        lie(t.field_tag, start + 1, -Fr::from(256 * RwTag::Stack as u64)),
        lie(state.is_padding, start + 1, Fr::ZERO),
        lie(t.rw_counter, start + 1, Fr::from(2)),
        lie(state.diff[0], start + 1, Fr::ONE),
    ];
    // The padding rows after it count on from it: one more than their row.
    for row in 2..padding {
        lies.push(lie(t.rw_counter, start + row, Fr::from(row as u64 + 1)));
    }
    assert_forgery_rejected(bench.verdict(lies), "state: padding is a prefix");
}

/// Hole 5: a transaction to a precompile proven as a plain transfer. BeginTx took the callee
/// as given (only witness generation refused a precompile), so a transfer to the identity
/// precompile (0x04) could be proven as if nothing ran there: no precompile gas, no output.
/// Here an honest transfer to an EOA is rewritten to name 0x04 (the warm flag BeginTx then
/// sets twice is made consistent). Now BeginTx proves the callee is no precompile.
#[test]
fn a_transaction_to_a_precompile_cannot_be_proven_a_plain_transfer() {
    let bob = address!("0xb0b0000000000000000000000000000000000002");
    let identity = Address::with_last_byte(4);
    let mut trace = transfer_trace(bob, 7);
    let rename = |a: &mut Address| {
        if *a == bob {
            *a = identity;
        }
    };
    for tx in &mut trace.txs {
        if let Some(to) = tx.to.as_mut() {
            rename(to);
        }
    }
    let bob_word = U256::from_be_slice(bob.as_slice());
    let mut warmed = false;
    for rw in &mut trace.rws {
        match &mut rw.target {
            RwTarget::Account { address, .. } => rename(address),
            RwTarget::TxAccessListAccount { address, .. } => {
                rename(address);
                // The callee's warm write comes first; precompile 4's then finds it warm.
                if *address == identity {
                    if warmed {
                        rw.access = zkevm_executor::trace::RwAccess::Write { prev: U256::from(1) };
                    }
                    warmed = true;
                }
            }
            _ => {}
        }
        if rw.value == bob_word {
            rw.value = U256::from(4);
        }
    }
    let bench = ForgeryBench::new(trace).expect("the lying trace lays out");
    assert_forgery_rejected(bench.verdict(Vec::new()), "BeginTx: the callee is no precompile");
}

/// One transfer of `value` wei from a funded sender to `to`.
fn transfer_trace(to: Address, value: u64) -> Trace {
    transfers_trace(to, value, 1)
}

/// `count` transfers of `value` wei from a funded sender to `to`.
fn transfers_trace(to: Address, value: u64, count: u64) -> Trace {
    let alice = address!("0xa11ce00000000000000000000000000000000001");
    let coinbase = address!("0xc0ffee0000000000000000000000000000000000");
    let mut batch = Batch::new(BatchBlock::simple(coinbase, 10));
    batch
        .pre
        .insert(alice, BatchAccount { balance: U256::from(10u128.pow(20)), ..Default::default() });
    for nonce in 0..count {
        batch.transactions.push(crate::support::transfer(alice, nonce, to, value));
    }
    let input = batch.to_input("forgery").expect("batch builds");
    trace_batch(&input, "forgery").expect("traces").trace
}

/// Hole 4: fees. The statement's max fee was never used and the effective price was not
/// related to the base fee: a statement could claim a transaction paid more per gas than its
/// max fee, or less than the block's base fee, or name a priority fee it did not pay, or a
/// sender that could not afford `gas_limit · max_fee + value`, or a gas limit above the
/// block's. The honest transfer has base fee 1, priority fee 2, max fee 30 (price 3); each lie
/// changes only the statement's fields.
#[test]
fn fees_are_proven_against_the_block() {
    let bob = address!("0xb0b0000000000000000000000000000000000002");
    type Lie = fn(&mut Trace);
    let lies: [(Lie, &str); 5] = [
        (
            |t| t.txs[0].gas_price = 2,
            "BeginTx: effective price = min(max fee, base fee + priority fee)",
        ),
        (|t| t.txs[0].gas_price = 0, "BeginTx: the max fee covers the base fee"),
        (
            |t| t.txs[0].max_priority_fee_per_gas = Some(1),
            "BeginTx: effective price = min(max fee, base fee + priority fee)",
        ),
        (
            |t| t.txs[0].gas_price = 10u128.pow(18),
            "BeginTx: the sender affords gas limit times max fee plus value",
        ),
        (|t| t.block.gas_limit = 50_000, "BeginTx: the gas limit is within the block's"),
    ];
    let honest = transfer_trace(bob, 7);
    assert_eq!(honest.txs[0].effective_gas_price, 3);
    assert!(ForgeryBench::new(honest.clone()).expect("lays out").verdict(Vec::new()).is_ok());
    for (tell, constraint) in lies {
        let mut trace = honest.clone();
        tell(&mut trace);
        let bench = ForgeryBench::new(trace).expect("the lying trace lays out");
        assert_forgery_rejected(bench.verdict(Vec::new()), constraint);
    }
}

/// Hole 4: a chunk's transactions must fit the block. Three transfers (21,000 gas each, gas
/// limit 60,000) claimed in a block whose gas limit is 60,000: each fits alone, together they
/// use 63,000.
#[test]
fn a_chunk_cannot_use_more_gas_than_its_block_allows() {
    let bob = address!("0xb0b0000000000000000000000000000000000002");
    let mut trace = transfers_trace(bob, 7, 3);
    trace.block.gas_limit = 60_000;
    let bench = ForgeryBench::new(trace).expect("the lying trace lays out");
    assert_forgery_rejected(
        bench.verdict(Vec::new()),
        "EndTx: the block's gas limit covers the cumulative gas",
    );
}

/// Hole 5, EIP-3607: a transaction whose sender has code is invalid. BeginTx assumed it; no RW
/// read the sender's code. Now EndTx reads the sender's code hash, which must be keccak of
/// nothing, and the statement lists it among the touched locations. A trace whose sender's
/// code hash is another hash (which its statement then lists) is rejected.
#[test]
fn a_sender_with_code_cannot_send_a_transaction() {
    let bob = address!("0xb0b0000000000000000000000000000000000002");
    let mut trace = transfer_trace(bob, 7);
    let sender = RwTarget::Account { address: trace.txs[0].sender, field: AccountField::CodeHash };
    let read = trace.rws.iter_mut().rev().find(|rw| rw.target == sender);
    let read = read.expect("EndTx reads the sender's code hash");
    assert_eq!(read.value.to_be_bytes::<32>(), keccak256([]).0);
    read.value = U256::from(0x1234);
    let bench = ForgeryBench::new(trace).expect("the lying trace lays out");
    assert_forgery_rejected(bench.verdict(Vec::new()), "evm: rw lookup");
}
