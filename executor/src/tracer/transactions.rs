//! Transaction boundaries: starting one, its EndTx step, and assembling the final trace.

use alloy_primitives::{Address, U256};
use revm::context::journal::Journal;
use revm::context::result::ExecutionResult;
use revm::primitives::KECCAK_EMPTY;
use revm::Database;

use super::recorder::{DbInitial, TraceRecorder, TxRecording, WarmKey};
use super::state_view::{hash_value, InitialState};
use crate::trace::{
    AccountField, AccountSummary, BlockContext, CallContextField, LogEntry, ReceiptField, RwTarget,
    StateSummary, StepKind, Trace, TxOutcome, TxTrace, TRACE_FORMAT_VERSION,
};

/// Why the recorder could not produce a trace.
#[derive(Debug, thiserror::Error)]
#[error("the recorded trace disagrees with revm: {}", .0.join("; "))]
pub struct RecorderError(pub Vec<String>);

impl TraceRecorder {
    /// A transaction with `gas_limit` is about to run. `warm` are the locations warm from its
    /// start.
    pub(crate) fn start_tx(&mut self, warm: Vec<WarmKey>, gas_limit: u64) {
        if self.stopped() {
            return;
        }
        let index = self.txs.len();
        let mut warm_at_start = warm;
        warm_at_start.extend(self.precompiles.iter().map(|a| WarmKey::Account(*a)));
        self.tx = Some(TxRecording { index, warm_at_start, gas_limit, ..Default::default() });
    }

    /// revm rejected the transaction before running it: nothing of it may remain.
    pub(crate) fn abort_tx(&mut self) {
        if self.tx.as_ref().is_some_and(|t| !t.steps.is_empty()) {
            self.fail("a rejected transaction left steps in the trace");
        }
        self.tx = None;
    }

    /// The transaction ended: the EndTx step (refund, coinbase fee, self-destructs, receipt).
    pub(crate) fn finish_tx<DB: Database>(
        &mut self,
        mut fields: TxTrace,
        coinbase: Address,
        result: &ExecutionResult,
        journal: &mut Journal<DB>,
    ) {
        if self.stopped() {
            return;
        }
        let Some(root) = self.calls.iter().rposition(|c| c.parent.is_none()) else {
            self.fail("a transaction ran without a root call");
            return;
        };
        // EndTx starts with the gas the execution left, before the refund it then applies.
        let refunded = match result {
            ExecutionResult::Success { gas, .. } => gas.final_refunded(),
            _ => 0,
        };
        let gas_left = fields.gas_limit.saturating_sub(result.tx_gas_used() + refunded);
        self.open_step(Self::blank_step(StepKind::EndTx, root, gas_left));
        // revm has committed the transaction: its journal is empty, and the refund to the
        // sender and the fee to the coinbase were never journaled where we can see them.
        // They are written here from revm's final account state.
        if let Some(t) = self.tx.as_mut() {
            t.journal.clear();
        }
        // EndTx's RWs, in order: the root call's outcome and the refund counter, the sender's
        // refund and the coinbase's fee, destroyed accounts, the previous transaction's
        // cumulative gas, the receipt, the sender's code hash.
        let tx = self.tx_index();
        let mut db = DbInitial(&mut journal.database);
        let outcome = RwTarget::CallContext { call: root, field: CallContextField::IsSuccess };
        self.read(outcome, &mut db);
        let refund = self.read(RwTarget::TxRefund { tx }, &mut db);
        self.settle_fees(fields.sender, coinbase, journal);
        self.clear_destroyed_accounts(journal);
        let mut db = DbInitial(&mut journal.database);
        if tx > 0 {
            let previous =
                RwTarget::TxReceipt { tx: tx - 1, field: ReceiptField::CumulativeGasUsed };
            self.read(previous, &mut db);
        }
        self.cumulative_gas += result.tx_gas_used();
        let log_count = self.tx.as_ref().map_or(0, |t| t.log_id);
        let receipt = |field| RwTarget::TxReceipt { tx, field };
        self.write(receipt(ReceiptField::Success), U256::from(result.is_success() as u8), &mut db);
        self.write(
            receipt(ReceiptField::CumulativeGasUsed),
            U256::from(self.cumulative_gas),
            &mut db,
        );
        self.write(receipt(ReceiptField::LogCount), U256::from(log_count), &mut db);
        // EIP-3607: the sender has no code. Read here, last: no transaction can give code to
        // the address that sent it, so it had none at the start either.
        let sender = RwTarget::Account { address: fields.sender, field: AccountField::CodeHash };
        self.read(sender, &mut db);
        self.close_last_step();

        fields.outcome = match result {
            ExecutionResult::Success { output, .. } => {
                TxOutcome::Success { output: output.data().clone() }
            }
            ExecutionResult::Revert { output, .. } => TxOutcome::Revert { output: output.clone() },
            ExecutionResult::Halt { reason, .. } => {
                TxOutcome::Halt { reason: format!("{reason:?}") }
            }
        };
        fields.gas_used = result.tx_gas_used();
        fields.gas_refund = match result {
            ExecutionResult::Success { gas, .. } => gas.final_refunded(),
            _ => 0,
        };
        // EIP-3529: the refund applied is the counter, capped at a fifth of the gas spent.
        let spent = fields.gas_used + fields.gas_refund;
        let expected =
            if result.is_success() { refund.saturating_to::<u64>().min(spent / 5) } else { 0 };
        if expected != fields.gas_refund {
            self.fail(format!(
                "refund counter {refund} implies a refund of {expected}, revm applied {}",
                fields.gas_refund
            ));
        }
        fields.logs = result
            .logs()
            .iter()
            .map(|log| LogEntry {
                address: log.address,
                topics: log.topics().to_vec(),
                data: log.data.data.clone(),
            })
            .collect();
        if fields.logs.len() as u64 != log_count {
            self.fail(format!(
                "receipt has {} logs, the trace counted {log_count}",
                fields.logs.len()
            ));
        }
        if let Some(t) = self.tx.take() {
            fields.steps = t.steps;
        }
        self.txs.push(fields);
    }

    /// The sender's refund of unused gas and the coinbase's priority fee.
    fn settle_fees<DB: Database>(
        &mut self,
        sender: Address,
        coinbase: Address,
        journal: &mut Journal<DB>,
    ) {
        for address in [sender, coinbase] {
            let actual = journal.inner.state.get(&address).map(|acc| acc.info.balance);
            let mut db = DbInitial(&mut journal.database);
            let target = RwTarget::Account { address, field: AccountField::Balance };
            match actual {
                Some(balance) => self.write_if_changed(target, balance, &mut db),
                None => {
                    // Not loaded by revm: its balance did not change. Touch it so the
                    // replay check covers it.
                    self.current(&target, &mut db);
                }
            }
        }
    }

    /// Accounts self-destructed in the transaction that created them (EIP-6780) are wiped.
    fn clear_destroyed_accounts<DB: Database>(&mut self, journal: &mut Journal<DB>) {
        let tx = self.tx_index();
        let destroyed: Vec<(Address, Vec<U256>)> = journal
            .inner
            .state
            .iter()
            .filter(|(_, acc)| acc.is_selfdestructed())
            .map(|(address, acc)| (*address, acc.storage.keys().copied().collect()))
            .collect();
        let mut db = DbInitial(&mut journal.database);
        for (address, slots) in destroyed {
            let fields = [
                (AccountField::Nonce, U256::ZERO),
                (AccountField::Balance, U256::ZERO),
                (AccountField::CodeHash, hash_value(KECCAK_EMPTY)),
            ];
            for (field, value) in fields {
                self.write_if_changed(RwTarget::Account { address, field }, value, &mut db);
            }
            for key in slots {
                let target = RwTarget::Storage { tx, address, key, committed_value: U256::ZERO };
                self.write_if_changed(target, U256::ZERO, &mut db);
            }
        }
    }

    fn write_if_changed(&mut self, target: RwTarget, value: U256, db: &mut dyn InitialState) {
        if self.current(&target, db) != value {
            self.write(target, value, db);
        }
    }

    /// Assembles the trace. `post` reads account fields and storage after the batch.
    pub(crate) fn into_trace(
        mut self,
        block: BlockContext,
        post: &mut dyn InitialState,
    ) -> Result<Trace, crate::ExecutorError> {
        if self.stopped() {
            return Err(crate::ExecutorError::TraceTooLarge { max_rws: self.max_rws.unwrap_or(0) });
        }
        let mut post_state = StateSummary::default();
        for (address, pre) in &self.state.pre.accounts {
            let (nonce, balance, code_hash) =
                post.account(*address).map_err(|e| RecorderError(vec![e]))?;
            let mut storage = std::collections::BTreeMap::new();
            for key in pre.storage.keys() {
                storage.insert(
                    *key,
                    post.storage(*address, *key).map_err(|e| RecorderError(vec![e]))?,
                );
            }
            post_state
                .accounts
                .insert(*address, AccountSummary { nonce, balance, code_hash, storage });
        }
        if self.tx.is_some() {
            self.fail("the batch ended inside a transaction");
        }
        if !self.errors.is_empty() {
            return Err(RecorderError(self.errors).into());
        }
        let mut end_block = Self::blank_step(StepKind::EndBlock, 0, 0);
        end_block.rw_counter = self.rws.len() as u64 + 1;
        Ok(Trace {
            version: TRACE_FORMAT_VERSION,
            block,
            txs: self.txs,
            rws: self.rws,
            calls: self.calls,
            bytecodes: self.bytecodes,
            copy_events: self.copy_events,
            keccak_inputs: self.keccak_inputs,
            pre_state: self.state.pre,
            post_state,
            end_block,
        })
    }
}
