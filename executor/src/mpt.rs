//! State root and logs hash, computed the way the Ethereum state tests define them.

use alloy_primitives::{keccak256, Log, B256, U256};
use alloy_trie::root::{state_root_unhashed, storage_root_unhashed};
use alloy_trie::TrieAccount;
use revm::database::CacheState;

/// Merkle-Patricia root of every existing account in `cache`.
pub fn state_root(cache: &CacheState) -> B256 {
    let accounts = cache.trie_account().into_iter().map(|(address, account)| {
        let slots = account
            .storage
            .iter()
            .filter(|(_, value)| !value.is_zero())
            .map(|(key, value)| (B256::from(key.to_be_bytes::<32>()), *value));
        let trie_account = TrieAccount {
            nonce: account.info.nonce,
            balance: account.info.balance,
            storage_root: storage_root_unhashed(slots.collect::<Vec<(B256, U256)>>()),
            code_hash: account.info.code_hash,
        };
        (address, trie_account)
    });
    state_root_unhashed(accounts.collect::<Vec<_>>())
}

/// keccak256 of the RLP encoding of the list of logs.
pub fn logs_hash(logs: &[Log]) -> B256 {
    let mut out = Vec::new();
    alloy_rlp::encode_list(logs, &mut out);
    keccak256(out)
}
