//! EIP-7610: a create whose address already holds storage collides, like one whose address
//! has a nonce or code. revm 43 checks only the nonce and the code, so every run of the
//! executor, plain or traced, adds this check through [`CreateCollisionGuard`].

use std::collections::BTreeSet;

use alloy_primitives::Address;
use revm::handler::MainnetContext;
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::{InstructionResult, Interpreter};
use revm::{Database, Inspector};

/// The accounts a create collides with on their storage alone, and the check.
#[derive(Clone, Debug, Default)]
pub struct CreateCollisionGuard {
    /// Pre-state accounts with a nonzero storage slot. An account without code and with nonce
    /// 0 can only hold storage from the pre-state (no code runs at its address), so these are
    /// the addresses where a create collides on storage alone.
    storage_accounts: BTreeSet<Address>,
}

impl CreateCollisionGuard {
    /// A guard against creates at `storage_accounts`.
    pub fn new(storage_accounts: BTreeSet<Address>) -> Self {
        Self { storage_accounts }
    }

    /// Halts `interp` with a collision if it starts a create at an address with storage;
    /// returns whether it did.
    pub fn check(&self, interp: &mut Interpreter<EthInterpreter>) -> bool {
        let is_create = interp.input.bytecode_address.is_none();
        let collides = is_create && self.storage_accounts.contains(&interp.input.target_address);
        if collides {
            interp.halt(InstructionResult::CreateCollision);
        }
        collides
    }
}

/// The guard alone, for runs that record nothing.
impl<DB: Database> Inspector<MainnetContext<DB>, EthInterpreter> for CreateCollisionGuard {
    fn initialize_interp(
        &mut self,
        interp: &mut Interpreter<EthInterpreter>,
        _: &mut MainnetContext<DB>,
    ) {
        self.check(interp);
    }
}
