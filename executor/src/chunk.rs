//! Consecutive parts of a batch: the input that runs some of a batch's transactions from the
//! state the earlier ones left. The prover splits a batch into chunks with it.

use std::ops::Range;

use revm::database::CacheState;
use revm::primitives::KECCAK_EMPTY;
use revm::state::{AccountInfo, Bytecode};

use crate::run::ExecutionInput;
use crate::trace::Trace;

/// `input` with only the transactions in `txs` (same pre-state).
pub fn sub_batch(input: &ExecutionInput, txs: Range<usize>) -> ExecutionInput {
    ExecutionInput { txs: input.txs.get(txs).unwrap_or_default().to_vec(), ..input.clone() }
}

/// The pre-state of `input` updated with what `trace` (an execution of `input`) wrote: every
/// touched account's nonce, balance and code hash, and its touched storage slots.
pub fn state_after(input: &ExecutionInput, trace: &Trace) -> CacheState {
    let mut state = input.pre_state.clone();
    for (address, post) in &trace.post_state.accounts {
        let mut storage = state
            .accounts
            .get(address)
            .and_then(|account| account.account.as_ref())
            .map(|account| account.storage.clone())
            .unwrap_or_default();
        for (key, value) in &post.storage {
            storage.insert(*key, *value);
        }
        if post.code_hash != KECCAK_EMPTY && !state.contracts.contains_key(&post.code_hash) {
            if let Some(code) = trace.bytecodes.get(&post.code_hash) {
                state.contracts.insert(post.code_hash, Bytecode::new_raw(code.clone()));
            }
        }
        let info = AccountInfo {
            balance: post.balance,
            nonce: post.nonce,
            code_hash: post.code_hash,
            code: None,
            ..Default::default()
        };
        state.insert_account_with_storage(*address, info, storage);
    }
    state
}

/// The part of `whole` with its transactions `txs`, run from the state that `previous` (a
/// part of `whole`) left after `previous_trace`, its receipts' cumulative gas continuing from
/// where `previous` ended.
pub fn next_part(
    whole: &ExecutionInput,
    previous: &ExecutionInput,
    previous_trace: &Trace,
    txs: Range<usize>,
) -> ExecutionInput {
    let mut next = sub_batch(whole, txs);
    next.pre_state = state_after(previous, previous_trace);
    next.gas_used_before =
        previous.gas_used_before + previous_trace.txs.iter().map(|tx| tx.gas_used).sum::<u64>();
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::demo_batch;
    use crate::trace_batch;

    /// Running the demo in two parts from the carried state ends where running it whole does.
    #[test]
    fn two_parts_end_where_the_whole_batch_ends() {
        let input = demo_batch().to_input("demo").expect("builds");
        let whole = trace_batch(&input, "whole").expect("traces");
        let first_input = sub_batch(&input, 0..3);
        let first = trace_batch(&first_input, "first").expect("traces");
        let second_input = next_part(&input, &first_input, &first.trace, 3..input.txs.len());
        // The second part's pre-state is the first's pre-state plus the first's writes.
        let second = trace_batch(&second_input, "second").expect("traces");
        assert_eq!(second.execution.state_root, whole.execution.state_root);
        assert_eq!(first.trace.txs.len() + second.trace.txs.len(), whole.trace.txs.len());
        // The receipts' cumulative gas continues across the parts.
        let last_cumulative = |trace: &crate::Trace| {
            trace.rws.iter().rev().find_map(|rw| match rw.target {
                crate::trace::RwTarget::TxReceipt {
                    field: crate::trace::ReceiptField::CumulativeGasUsed,
                    ..
                } if rw.is_write() => Some(rw.value),
                _ => None,
            })
        };
        assert!(second_input.gas_used_before > 0);
        assert_eq!(second.trace.block.gas_used_before, second_input.gas_used_before);
        assert_eq!(last_cumulative(&second.trace), last_cumulative(&whole.trace));
    }
}
