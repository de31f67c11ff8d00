//! The batch file: a block, a pre-state and ordered transactions, as JSON.
//!
//! ```json
//! {
//!   "fork": "Cancun",
//!   "chainId": 1,
//!   "block": { "coinbase": "0x…", "number": 1, "timestamp": 1700000000,
//!              "gasLimit": 30000000, "baseFee": 7, "prevrandao": "0x…",
//!              "excessBlobGas": 0, "blockHashes": { "0": "0x…" } },
//!   "pre": { "0x…address": { "balance": "0x…", "nonce": 0, "code": "0x…",
//!                            "storage": { "0x0": "0x1" } } },
//!   "transactions": [
//!     { "raw": "0x02f8…" },
//!     { "sender": "0x…", "type": 2, "nonce": 0, "gasLimit": 21000,
//!       "maxFeePerGas": "0x…", "maxPriorityFeePerGas": "0x…", "to": "0x…",
//!       "value": "0x…", "data": "0x", "accessList": [] }
//!   ]
//! }
//! ```
//!
//! A transaction is either `raw` (a signed EIP-2718 envelope; the sender is recovered from
//! its signature) or a set of fields with `sender` given. `docs/cli.md` (batch files) lists every field.

use std::collections::BTreeMap;
use std::path::Path;

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{Transaction as _, TxEnvelope};
use alloy_primitives::{keccak256, Address, Bytes, TxKind, B256, U256};
use alloy_rlp::Decodable;
use revm::context::{BlockEnv, CfgEnv, TxEnv};
use revm::context_interface::block::BlobExcessGasAndPrice;
use revm::database::CacheState;
use revm::primitives::hardfork::SpecId;
use revm::state::{AccountInfo, Bytecode};
use serde::{Deserialize, Serialize};

use crate::error::ExecutorError;
use crate::run::ExecutionInput;

/// A batch: block context, pre-state and ordered transactions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Batch {
    /// Fork rules, as the state tests name them. Only `Cancun` is accepted.
    #[serde(default = "default_fork")]
    pub fork: String,
    /// EIP-155 chain id.
    #[serde(default = "default_chain_id")]
    pub chain_id: u64,
    /// The block the transactions execute in.
    pub block: BatchBlock,
    /// Accounts before the batch.
    pub pre: BTreeMap<Address, BatchAccount>,
    /// Transactions, in execution order.
    pub transactions: Vec<BatchTx>,
}

fn default_fork() -> String {
    "Cancun".into()
}

fn default_chain_id() -> u64 {
    1
}

/// Block header fields the EVM can observe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchBlock {
    /// Fee recipient.
    pub coinbase: Address,
    /// Block number.
    pub number: u64,
    /// Timestamp in seconds.
    pub timestamp: u64,
    /// Block gas limit.
    pub gas_limit: u64,
    /// EIP-1559 base fee per gas.
    pub base_fee: u64,
    /// PREVRANDAO.
    #[serde(default)]
    pub prevrandao: B256,
    /// EIP-4844 excess blob gas (sets BLOBBASEFEE).
    #[serde(default)]
    pub excess_blob_gas: Option<u64>,
    /// Hashes of previous blocks by number; BLOCKHASH of a number not given here returns
    /// keccak256 of its decimal string (the state tests' convention).
    #[serde(default)]
    pub block_hashes: BTreeMap<u64, B256>,
}

/// One account of the pre-state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchAccount {
    /// Balance in wei.
    #[serde(default)]
    pub balance: U256,
    /// Nonce.
    #[serde(default)]
    pub nonce: u64,
    /// Code.
    #[serde(default)]
    pub code: Bytes,
    /// Storage slots.
    #[serde(default)]
    pub storage: BTreeMap<U256, U256>,
}

/// One transaction: `raw` (signed) or fields with `sender`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchTx {
    /// A signed EIP-2718 transaction envelope; excludes every other field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<Bytes>,
    /// The sender, for an unsigned transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Address>,
    /// 0 legacy, 1 EIP-2930, 2 EIP-1559 (default: 2 if `maxFeePerGas` is given, else 0).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub tx_type: Option<u8>,
    /// Sender nonce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<u64>,
    /// Gas limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gas_limit: Option<u64>,
    /// Gas price (types 0 and 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gas_price: Option<u128>,
    /// Max fee per gas (type 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_fee_per_gas: Option<u128>,
    /// Max priority fee per gas (type 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_priority_fee_per_gas: Option<u128>,
    /// Recipient; absent for contract creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Address>,
    /// Value in wei.
    #[serde(default)]
    pub value: U256,
    /// Calldata or init code.
    #[serde(default)]
    pub data: Bytes,
    /// EIP-2930 access list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_list: Vec<AccessListEntry>,
}

/// One EIP-2930 access-list entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessListEntry {
    /// Account.
    pub address: Address,
    /// Storage keys.
    #[serde(default)]
    pub storage_keys: Vec<B256>,
}

impl BatchBlock {
    /// A Cancun block with the given coinbase and number, a 30M gas limit, base fee 1,
    /// timestamp `12 * number`, zero prevrandao and zero excess blob gas.
    pub fn simple(coinbase: Address, number: u64) -> Self {
        BatchBlock {
            coinbase,
            number,
            timestamp: 12 * number,
            gas_limit: 30_000_000,
            base_fee: 1,
            prevrandao: B256::ZERO,
            excess_blob_gas: Some(0),
            block_hashes: BTreeMap::new(),
        }
    }
}

impl Batch {
    /// A Cancun batch (chain id 1) in `block`, with no accounts or transactions yet.
    pub fn new(block: BatchBlock) -> Self {
        Batch {
            fork: default_fork(),
            chain_id: 1,
            block,
            pre: BTreeMap::new(),
            transactions: Vec::new(),
        }
    }

    /// Reads a batch file.
    pub fn load(path: &Path) -> Result<Self, ExecutorError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ExecutorError::Io { path: path.to_path_buf(), source })?;
        serde_json::from_str(&text).map_err(|e| ExecutorError::Parse {
            path: path.to_path_buf(),
            what: "batch",
            message: e.to_string(),
        })
    }

    /// The executor input; `context` names the batch in error messages.
    pub fn to_input(&self, context: &str) -> Result<ExecutionInput, ExecutorError> {
        if self.fork != "Cancun" {
            return Err(ExecutorError::InvalidInput {
                context: context.to_string(),
                message: format!(
                    "unsupported fork {:?}: batches execute under Cancun rules",
                    self.fork
                ),
            });
        }
        let mut cfg = CfgEnv::default();
        cfg.chain_id = self.chain_id;
        cfg.set_spec_and_mainnet_gas_params(SpecId::CANCUN);
        let block = BlockEnv {
            number: U256::from(self.block.number),
            beneficiary: self.block.coinbase,
            timestamp: U256::from(self.block.timestamp),
            gas_limit: self.block.gas_limit,
            basefee: self.block.base_fee,
            prevrandao: Some(self.block.prevrandao),
            blob_excess_gas_and_price: Some(BlobExcessGasAndPrice::new(
                self.block.excess_blob_gas.unwrap_or(0),
                cfg.blob_base_fee_update_fraction(),
            )),
            ..Default::default()
        };
        let mut pre_state = CacheState::new();
        for (address, account) in &self.pre {
            let code_hash = keccak256(&account.code);
            if !account.code.is_empty() {
                pre_state.contracts.insert(code_hash, Bytecode::new_raw(account.code.clone()));
            }
            let info = AccountInfo {
                balance: account.balance,
                nonce: account.nonce,
                code_hash,
                code: None,
                ..Default::default()
            };
            let storage = account.storage.iter().map(|(k, v)| (*k, *v)).collect();
            pre_state.insert_account_with_storage(*address, info, storage);
        }
        let txs = self
            .transactions
            .iter()
            .enumerate()
            .map(|(i, tx)| {
                tx.to_tx_env(self.chain_id).map_err(|message| ExecutorError::InvalidInput {
                    context: format!("{context}: transaction {i}"),
                    message,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ExecutionInput {
            cfg,
            block,
            pre_state,
            txs,
            block_hashes: self.block.block_hashes.clone(),
            gas_used_before: 0,
        })
    }
}

impl BatchTx {
    fn to_tx_env(&self, chain_id: u64) -> Result<TxEnv, String> {
        match (&self.raw, self.sender) {
            (Some(raw), None) => {
                if *self != (BatchTx { raw: Some(raw.clone()), ..Default::default() }) {
                    return Err("a `raw` transaction takes no other fields".into());
                }
                decode_signed(raw)
            }
            (None, Some(sender)) => self.unsigned(sender, chain_id),
            (Some(_), Some(_)) => Err("give either `raw` or `sender`, not both".into()),
            (None, None) => Err("missing `raw` (a signed transaction) or `sender`".into()),
        }
    }

    fn unsigned(&self, sender: Address, chain_id: u64) -> Result<TxEnv, String> {
        let tx_type = self.tx_type.unwrap_or(if self.max_fee_per_gas.is_some() { 2 } else { 0 });
        let (gas_price, priority) = match tx_type {
            0 | 1 => (self.gas_price.ok_or("missing `gasPrice`")?, None),
            2 => (
                self.max_fee_per_gas.ok_or("missing `maxFeePerGas`")?,
                Some(self.max_priority_fee_per_gas.ok_or("missing `maxPriorityFeePerGas`")?),
            ),
            other => return Err(format!("unsupported transaction type {other}: use 0, 1 or 2")),
        };
        Ok(TxEnv {
            tx_type,
            caller: sender,
            gas_limit: self.gas_limit.ok_or("missing `gasLimit`")?,
            gas_price,
            gas_priority_fee: priority,
            kind: self.to.map_or(TxKind::Create, TxKind::Call),
            value: self.value,
            data: self.data.clone(),
            nonce: self.nonce.ok_or("missing `nonce`")?,
            chain_id: Some(chain_id),
            access_list: self
                .access_list
                .iter()
                .map(|e| revm::context_interface::transaction::AccessListItem {
                    address: e.address,
                    storage_keys: e.storage_keys.clone(),
                })
                .collect::<Vec<_>>()
                .into(),
            ..Default::default()
        })
    }
}

/// Decodes a signed EIP-2718 envelope and recovers its sender.
fn decode_signed(raw: &Bytes) -> Result<TxEnv, String> {
    let mut bytes = raw.as_ref();
    let envelope =
        TxEnvelope::decode(&mut bytes).map_err(|e| format!("invalid `raw` transaction: {e}"))?;
    if !bytes.is_empty() {
        return Err(format!("`raw` transaction has {} trailing bytes", bytes.len()));
    }
    let sender =
        envelope.recover_signer().map_err(|e| format!("cannot recover the sender: {e}"))?;
    let tx_type = envelope.tx_type() as u8;
    if tx_type > 2 {
        return Err(format!("unsupported transaction type {tx_type}: use 0, 1 or 2"));
    }
    Ok(TxEnv {
        tx_type,
        caller: sender,
        gas_limit: envelope.gas_limit(),
        gas_price: envelope.max_fee_per_gas(),
        gas_priority_fee: envelope.max_priority_fee_per_gas(),
        kind: envelope.kind(),
        value: envelope.value(),
        data: envelope.input().clone(),
        nonce: envelope.nonce(),
        chain_id: envelope.chain_id(),
        access_list: envelope.access_list().cloned().unwrap_or_default(),
        ..Default::default()
    })
}
