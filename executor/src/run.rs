//! Executing a batch on revm with the tracing inspector, and without it.

use crate::collision::CreateCollisionGuard;
use crate::trace::check::ReplayCheck;
use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, Log, B256, U256};
use revm::context::result::ExecutionResult;
use revm::context::{BlockEnv, CfgEnv, Context, TxEnv};
use revm::context_interface::transaction::Transaction;
use revm::database::states::block_hash_cache::BlockHashCache;
use revm::database::{CacheState, EmptyDB, State};
use revm::handler::{ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext};
use revm::inspector::InspectEvm;
use revm::precompile::{PrecompileSpecId, Precompiles};
use revm::primitives::TxKind;
use revm::Database;

use crate::error::ExecutorError;
use crate::mpt;
use crate::trace::{BlockContext, Trace, TxOutcome, TxTrace, TxType};
use crate::tracer::{TraceRecorder, WarmKey};

/// Everything needed to execute a batch: configuration (fork, chain id), block, pre-state and
/// the ordered transactions.
#[derive(Debug, Clone)]
pub struct ExecutionInput {
    /// Fork rules and chain id.
    pub cfg: CfgEnv,
    /// Block the transactions execute in.
    pub block: BlockEnv,
    /// Accounts, code and storage before the batch.
    pub pre_state: CacheState,
    /// Transactions in execution order.
    pub txs: Vec<TxEnv>,
    /// Known hashes of previous blocks; others follow the state-test convention
    /// (keccak256 of the decimal block number).
    pub block_hashes: BTreeMap<u64, B256>,
    /// Gas used by the block's transactions before these (0 for a whole block; a later chunk
    /// of a block continues the receipts' cumulative gas from here).
    pub gas_used_before: u64,
}

/// How one transaction of a batch went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxStatus {
    /// revm executed it (successfully, reverted or halted); it is part of the trace.
    Executed(ExecutionResult),
    /// revm rejected it before execution (bad nonce, insufficient funds, ...); it is not part
    /// of the trace and changed nothing.
    Rejected(String),
}

/// The result of executing a batch.
#[derive(Debug, Clone)]
pub struct Execution {
    /// Per input transaction, in order.
    pub statuses: Vec<TxStatus>,
    /// Merkle-Patricia state root after the batch.
    pub state_root: B256,
    /// keccak256 of the RLP list of all logs of the batch (the state tests' `logs` hash).
    pub logs_hash: B256,
}

/// A traced execution: the trace plus the execution summary.
#[derive(Debug, Clone)]
pub struct TracedExecution {
    /// The witness.
    pub trace: Trace,
    /// What revm computed.
    pub execution: Execution,
}

fn build_state(input: &ExecutionInput) -> State<EmptyDB> {
    let mut hashes = BlockHashCache::new();
    for (number, hash) in &input.block_hashes {
        hashes.insert(*number, *hash);
    }
    State::builder()
        .with_cached_prestate(input.pre_state.clone())
        .with_block_hashes(hashes)
        .with_bundle_update()
        .build()
}

fn summarize(statuses: Vec<TxStatus>, state: &State<EmptyDB>) -> Execution {
    let logs: Vec<Log> = statuses
        .iter()
        .filter_map(|s| match s {
            TxStatus::Executed(r) => Some(r.logs().to_vec()),
            TxStatus::Rejected(_) => None,
        })
        .flatten()
        .collect();
    Execution {
        statuses,
        state_root: mpt::state_root(&state.cache),
        logs_hash: mpt::logs_hash(&logs),
    }
}

/// Executes the batch on plain revm, without tracing.
pub fn execute_plain(input: &ExecutionInput) -> Result<Execution, ExecutorError> {
    let state = build_state(input);
    let ctx = Context::mainnet()
        .with_block(input.block.clone())
        .with_cfg(input.cfg.clone())
        .with_db(state);
    let mut evm = ctx.build_mainnet_with_inspector(collision_guard(input));
    let mut statuses = Vec::with_capacity(input.txs.len());
    for tx in &input.txs {
        match evm.inspect_one_tx(tx.clone()) {
            Ok(result) => {
                evm.commit_inner();
                statuses.push(TxStatus::Executed(result));
            }
            Err(e) => {
                let _ = evm.finalize();
                statuses.push(TxStatus::Rejected(e.to_string()));
            }
        }
    }
    Ok(summarize(statuses, &evm.ctx.journaled_state.database))
}

/// Executes the batch with the tracing inspector and returns the trace, after checking that
/// the trace replays to revm's post-state ([`Trace::check`]).
pub fn execute_traced(input: &ExecutionInput) -> Result<TracedExecution, ExecutorError> {
    execute_traced_within(input, None)
}

/// [`execute_traced`] with a budget: if the trace would hold more than `max_rws` RWs,
/// recording stops (execution finishes untraced) and the result is
/// [`ExecutorError::TraceTooLarge`]. A trace of `n` RWs takes roughly `250 * n` bytes.
pub fn execute_traced_within(
    input: &ExecutionInput,
    max_rws: Option<usize>,
) -> Result<TracedExecution, ExecutorError> {
    let mut state = build_state(input);
    let block = block_context(input, &mut state);
    let spec = input.cfg.spec;
    // Sorted: revm's set iterates in hash order, and a trace must be reproducible.
    let mut precompiles: Vec<Address> =
        Precompiles::new(PrecompileSpecId::from_spec_id(spec)).addresses().copied().collect();
    precompiles.sort();
    let ctx = Context::mainnet()
        .with_block(input.block.clone())
        .with_cfg(input.cfg.clone())
        .with_db(state);
    let mut recorder = TraceRecorder::new(precompiles, max_rws, collision_guard(input));
    recorder.cumulative_gas = input.gas_used_before;
    let mut evm = ctx.build_mainnet_with_inspector(recorder);
    let mut statuses = Vec::with_capacity(input.txs.len());
    for tx in &input.txs {
        evm.inspector.start_tx(warm_at_start(tx, input.block.beneficiary), tx.gas_limit);
        match evm.inspect_one_tx(tx.clone()) {
            Ok(result) => {
                let fields = tx_fields(tx, input.block.basefee);
                evm.inspector.finish_tx(
                    fields,
                    input.block.beneficiary,
                    &result,
                    &mut evm.ctx.journaled_state,
                );
                evm.commit_inner();
                statuses.push(TxStatus::Executed(result));
            }
            Err(e) => {
                let _ = evm.finalize();
                evm.inspector.abort_tx();
                statuses.push(TxStatus::Rejected(e.to_string()));
            }
        }
    }
    let recorder = std::mem::take(&mut evm.inspector);
    let db = &mut evm.ctx.journaled_state.database;
    let trace = recorder.into_trace(block, &mut crate::tracer::DbInitial(db))?;
    trace.check()?;
    let execution = summarize(statuses, db);
    Ok(TracedExecution { trace, execution })
}

/// EIP-7610's check for a batch, shared by plain and traced runs: the pre-state accounts
/// with a nonzero storage slot.
fn collision_guard(input: &ExecutionInput) -> CreateCollisionGuard {
    CreateCollisionGuard::new(accounts_with_storage(&input.pre_state))
}

/// Pre-state accounts with a nonzero storage slot (see [`CreateCollisionGuard`]).
fn accounts_with_storage(pre_state: &CacheState) -> BTreeSet<Address> {
    pre_state
        .accounts
        .iter()
        .filter(|(_, cached)| {
            cached.account.as_ref().is_some_and(|a| a.storage.values().any(|v| !v.is_zero()))
        })
        .map(|(address, _)| *address)
        .collect()
}

/// Locations warm from the start of a transaction (EIP-2929, EIP-2930, EIP-3651).
fn warm_at_start(tx: &TxEnv, coinbase: Address) -> Vec<WarmKey> {
    let mut warm = vec![WarmKey::Account(tx.caller), WarmKey::Account(coinbase)];
    if let TxKind::Call(to) = tx.kind {
        warm.push(WarmKey::Account(to));
    }
    for item in tx.access_list.iter() {
        warm.push(WarmKey::Account(item.address));
        for key in &item.storage_keys {
            warm.push(WarmKey::Slot(item.address, U256::from_be_bytes(key.0)));
        }
    }
    warm
}

/// A transaction's fields as the trace records them (result fields filled in later).
fn tx_fields(tx: &TxEnv, basefee: u64) -> TxTrace {
    TxTrace {
        tx_type: match tx.tx_type {
            0 => TxType::Legacy,
            1 => TxType::AccessList,
            2 => TxType::DynamicFee,
            _ => TxType::Blob,
        },
        sender: tx.caller,
        nonce: tx.nonce,
        gas_limit: tx.gas_limit,
        gas_price: tx.gas_price,
        max_priority_fee_per_gas: tx.gas_priority_fee,
        effective_gas_price: tx.effective_gas_price(basefee as u128),
        to: match tx.kind {
            TxKind::Call(to) => Some(to),
            TxKind::Create => None,
        },
        value: tx.value,
        input: tx.data.clone(),
        access_list: tx
            .access_list
            .iter()
            .map(|item| (item.address, item.storage_keys.clone()))
            .collect(),
        blob_hashes: tx.blob_hashes.clone(),
        outcome: TxOutcome::Halt { reason: String::new() },
        gas_used: 0,
        gas_refund: 0,
        logs: Vec::new(),
        steps: Vec::new(),
    }
}

/// The block context, with the hashes of the (up to) 256 previous blocks from the database.
fn block_context(input: &ExecutionInput, state: &mut State<EmptyDB>) -> BlockContext {
    let block = &input.block;
    let number: u64 = block.number.saturating_to();
    let first = number.saturating_sub(256);
    let block_hashes =
        (first..number).map(|n| (n, state.block_hash(n).unwrap_or_default())).collect();
    BlockContext {
        chain_id: input.cfg.chain_id,
        coinbase: block.beneficiary,
        number,
        timestamp: block.timestamp.saturating_to(),
        gas_limit: block.gas_limit,
        base_fee: block.basefee,
        prevrandao: block.prevrandao.unwrap_or_default(),
        blob_base_fee: block.blob_excess_gas_and_price.map(|b| b.blob_gasprice),
        block_hashes,
        gas_used_before: input.gas_used_before,
    }
}

/// Executes a batch with tracing and fails if revm rejects any of its transactions (a batch
/// must only contain valid transactions). `context` names the batch in the error.
pub fn trace_batch(
    input: &ExecutionInput,
    context: &str,
) -> Result<TracedExecution, ExecutorError> {
    let traced = execute_traced(input)?;
    for (i, status) in traced.execution.statuses.iter().enumerate() {
        if let TxStatus::Rejected(reason) = status {
            return Err(ExecutorError::InvalidInput {
                context: format!("{context}: transaction {i}"),
                message: format!("revm rejected it: {reason}"),
            });
        }
    }
    Ok(traced)
}
