//! The built-in demo batch: native ETH transfers and ERC-20 token transfers.
//!
//! The token is `executor/contracts/DemoToken.sol`, compiled by
//! `executor/contracts/compile.sh`; its runtime code is installed in the pre-state at
//! [`TOKEN`] with the holders' balances written into its `balanceOf` mapping (slot 1), so
//! the batch needs no deployment transaction.

use alloy_primitives::{address, keccak256, Address, Bytes, U256};

use crate::batch::{Batch, BatchAccount, BatchBlock, BatchTx};

/// The demo token's runtime code (hex), as compiled from `DemoToken.sol`.
const TOKEN_RUNTIME_HEX: &str = include_str!("../contracts/DemoToken.runtime.hex");

/// Address of the demo token.
pub const TOKEN: Address = address!("0x70c0000000000000000000000000000000000070");
/// Fee recipient of the demo block.
pub const COINBASE: Address = address!("0xc0ffee0000000000000000000000000000000000");
/// The demo's users.
pub const USERS: [Address; 4] = [
    address!("0xa11ce00000000000000000000000000000000001"),
    address!("0xb0b0000000000000000000000000000000000002"),
    address!("0xca40100000000000000000000000000000000003"),
    address!("0xdade000000000000000000000000000000000004"),
];

const ETHER: u128 = 1_000_000_000_000_000_000;
const TOKEN_UNIT: u128 = 1_000_000_000_000_000_000;

/// The token's runtime code.
pub fn token_code() -> Bytes {
    let hex = TOKEN_RUNTIME_HEX.trim();
    Bytes::from(hex::decode(hex).unwrap_or_default())
}

/// Storage slot of `balanceOf[holder]`: keccak256(holder ‖ 1), Solidity's mapping layout.
pub fn balance_slot(holder: Address) -> U256 {
    let mut preimage = [0u8; 64];
    preimage[12..32].copy_from_slice(holder.as_slice());
    preimage[63] = 1;
    U256::from_be_bytes(keccak256(preimage).0)
}

/// ABI calldata of `transfer(to, value)`.
pub fn transfer_calldata(to: Address, value: U256) -> Bytes {
    let selector = &keccak256("transfer(address,uint256)")[..4];
    let mut data = Vec::with_capacity(68);
    data.extend_from_slice(selector);
    data.extend_from_slice(&[0u8; 12]);
    data.extend_from_slice(to.as_slice());
    data.extend_from_slice(&value.to_be_bytes::<32>());
    data.into()
}

/// The demo batch: 4 users, 1,000,000 tokens split between the first two, and 8
/// transactions alternating native and token transfers (legacy and EIP-1559).
pub fn demo_batch() -> Batch {
    let [alice, bob, carol, dave] = USERS;
    let mut pre = std::collections::BTreeMap::new();
    for user in USERS {
        pre.insert(user, BatchAccount { balance: U256::from(10 * ETHER), ..Default::default() });
    }
    let supply = U256::from(1_000_000 * TOKEN_UNIT);
    let mut storage = std::collections::BTreeMap::new();
    storage.insert(U256::ZERO, supply);
    storage.insert(balance_slot(alice), U256::from(600_000 * TOKEN_UNIT));
    storage.insert(balance_slot(bob), U256::from(400_000 * TOKEN_UNIT));
    pre.insert(TOKEN, BatchAccount { code: token_code(), storage, ..Default::default() });

    let mut nonces = std::collections::HashMap::new();
    let mut tx =
        |sender: Address, to: Address, value: U256, data: Bytes, gas: u64, legacy: bool| {
            let nonce = nonces.entry(sender).or_insert(0u64);
            let tx = BatchTx {
                sender: Some(sender),
                tx_type: Some(if legacy { 0 } else { 2 }),
                nonce: Some(*nonce),
                gas_limit: Some(gas),
                gas_price: legacy.then_some(20_000_000_000),
                max_fee_per_gas: (!legacy).then_some(30_000_000_000),
                max_priority_fee_per_gas: (!legacy).then_some(1_000_000_000),
                to: Some(to),
                value,
                data,
                ..Default::default()
            };
            *nonce += 1;
            tx
        };
    let eth = |n: u128| U256::from(n * ETHER / 10);
    let tokens = |n: u128| U256::from(n * TOKEN_UNIT);
    let transactions = vec![
        tx(alice, bob, eth(10), Bytes::new(), 21_000, false),
        tx(alice, TOKEN, U256::ZERO, transfer_calldata(carol, tokens(1_000)), 100_000, false),
        tx(bob, dave, eth(5), Bytes::new(), 21_000, true),
        tx(bob, TOKEN, U256::ZERO, transfer_calldata(dave, tokens(2_500)), 100_000, true),
        tx(carol, TOKEN, U256::ZERO, transfer_calldata(alice, tokens(10)), 100_000, false),
        tx(dave, carol, eth(3), Bytes::new(), 21_000, false),
        tx(dave, TOKEN, U256::ZERO, transfer_calldata(bob, tokens(2_500)), 100_000, false),
        tx(carol, alice, eth(1), Bytes::new(), 21_000, true),
    ];
    Batch {
        fork: "Cancun".into(),
        chain_id: 1,
        block: BatchBlock {
            coinbase: COINBASE,
            number: 1,
            timestamp: 1_700_000_000,
            gas_limit: 30_000_000,
            base_fee: 7,
            prevrandao: keccak256("zkevm demo"),
            excess_blob_gas: Some(0),
            block_hashes: Default::default(),
        },
        pre,
        transactions,
    }
}
