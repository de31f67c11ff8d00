//! The recorder's view of current values: the latest value written to every location, with
//! first values of accounts and storage loaded from the database as the batch saw them.

use alloy_primitives::map::HashMap;
use alloy_primitives::{Address, B256, U256};
use revm::primitives::KECCAK_EMPTY;

use crate::trace::{AccountField, AccountSummary, RwKey, RwTarget, StateSummary};

/// An account or storage value's source of truth before the batch touched it.
pub(crate) trait InitialState {
    /// Account fields `(nonce, balance, code_hash)` at the start of the current transaction.
    fn account(&mut self, address: Address) -> Result<(u64, U256, B256), String>;
    /// Storage value at the start of the current transaction.
    fn storage(&mut self, address: Address, key: U256) -> Result<U256, String>;
}

/// Latest values of every location the trace has touched. Stack slots and memory words,
/// the bulk of all RWs, have dedicated storage; everything else is one map.
#[derive(Debug, Default)]
pub(crate) struct StateView {
    /// Per call id, the latest value of each stack slot.
    stacks: Vec<Vec<U256>>,
    /// Per call id, the latest value of each touched memory word.
    memory: Vec<HashMap<u64, U256>>,
    values: HashMap<RwKey, U256>,
    /// Values of touched accounts and slots before the batch.
    pub pre: StateSummary,
}

impl StateView {
    /// The current value of `target`, loading accounts and storage on first touch. Locations
    /// that start at zero (memory, transient storage, flags) and locations that are always
    /// written first (stack, call context, logs) read as zero when untouched.
    pub fn get(&mut self, target: &RwTarget, db: &mut dyn InitialState) -> Result<U256, String> {
        match *target {
            RwTarget::Stack { call, ptr } => {
                return Ok(self
                    .stacks
                    .get(call)
                    .and_then(|s| s.get(ptr as usize))
                    .copied()
                    .unwrap_or_default())
            }
            RwTarget::Memory { call, word_addr } => {
                return Ok(self
                    .memory
                    .get(call)
                    .and_then(|m| m.get(&word_addr))
                    .copied()
                    .unwrap_or_default())
            }
            _ => {}
        }
        let key = target.key();
        if let Some(v) = self.values.get(&key) {
            return Ok(*v);
        }
        let initial =
            match *target {
                RwTarget::Account { address, field } => {
                    let (nonce, balance, code_hash) = db.account(address)?;
                    let summary = self.pre.accounts.entry(address).or_insert_with(|| {
                        AccountSummary { nonce, balance, code_hash, storage: Default::default() }
                    });
                    match field {
                        AccountField::Nonce => U256::from(summary.nonce),
                        AccountField::Balance => summary.balance,
                        AccountField::CodeHash => U256::from_be_bytes(summary.code_hash.0),
                    }
                }
                RwTarget::Storage { address, key, .. } => {
                    let value = db.storage(address, key)?;
                    let summary = match self.pre.accounts.entry(address) {
                        std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                        std::collections::btree_map::Entry::Vacant(e) => {
                            let (nonce, balance, code_hash) = db.account(address)?;
                            e.insert(AccountSummary {
                                nonce,
                                balance,
                                code_hash,
                                storage: Default::default(),
                            })
                        }
                    };
                    summary.storage.insert(key, value);
                    value
                }
                _ => U256::ZERO,
            };
        self.values.insert(key, initial);
        Ok(initial)
    }

    /// Records that `target` now holds `value`.
    pub fn set(&mut self, target: &RwTarget, value: U256) {
        match *target {
            RwTarget::Stack { call, ptr } => {
                if self.stacks.len() <= call {
                    self.stacks.resize_with(call + 1, Vec::new);
                }
                let stack = &mut self.stacks[call];
                if stack.len() <= ptr as usize {
                    stack.resize(ptr as usize + 1, U256::ZERO);
                }
                stack[ptr as usize] = value;
            }
            RwTarget::Memory { call, word_addr } => {
                if self.memory.len() <= call {
                    self.memory.resize_with(call + 1, HashMap::default);
                }
                self.memory[call].insert(word_addr, value);
            }
            _ => {
                self.values.insert(target.key(), value);
            }
        }
    }

    /// The current value of a non-stack, non-memory location, if it was touched.
    pub fn peek(&self, target: &RwTarget) -> Option<U256> {
        self.values.get(&target.key()).copied()
    }

    /// Frees the stack and memory of a call that has ended.
    pub fn drop_call(&mut self, call: usize) {
        if let Some(stack) = self.stacks.get_mut(call) {
            *stack = Vec::new();
        }
        if let Some(memory) = self.memory.get_mut(call) {
            *memory = HashMap::default();
        }
    }
}

/// `(nonce, balance, code_hash)` of an account that does not exist.
pub(crate) fn absent_account() -> (u64, U256, B256) {
    (0, U256::ZERO, KECCAK_EMPTY)
}

/// A code hash as an RW value.
pub(crate) fn hash_value(hash: B256) -> U256 {
    U256::from_be_bytes(hash.0)
}

/// An address as an RW value.
pub(crate) fn address_value(address: Address) -> U256 {
    U256::from_be_slice(address.as_slice())
}
