//! Turns revm's journal into RWs.
//!
//! Every state change revm makes goes through its journal, and a reverting call truncates
//! it. At each hook the recorder compares the journal with the entries it has already seen:
//! for entries that disappeared (a revert) and for new ones, it looks up the locations they
//! name and writes every location whose value in revm's state differs from the trace's. The
//! entries only say *which* locations changed; the values always come from revm's state, so
//! a change revm made through any path (fees, transfers, creates, self-destructs, reverts)
//! shows up as RWs, and the replay check confirms the result.

use alloy_primitives::{Address, U256};
use revm::context::journal::Journal;
use revm::context_interface::journaled_state::entry::JournalEntry;
use revm::Database;

use super::recorder::{DbInitial, TraceRecorder, WarmKey};
use super::state_view::{hash_value, InitialState};
use crate::trace::{AccountField, RwKey, RwTarget};

/// A location a journal entry names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Changed {
    Account(Address, AccountField),
    Storage(Address, U256),
    Transient(Address, U256),
    Warm(WarmKey),
}

fn changed_locations(entry: &JournalEntry, out: &mut Vec<Changed>) {
    use AccountField::*;
    match entry {
        JournalEntry::AccountWarmed { address } => {
            out.push(Changed::Warm(WarmKey::Account(*address)))
        }
        JournalEntry::StorageWarmed { address, key } => {
            out.push(Changed::Warm(WarmKey::Slot(*address, *key)))
        }
        JournalEntry::AccountDestroyed { address, target, .. } => {
            out.push(Changed::Account(*address, Balance));
            out.push(Changed::Account(*target, Balance));
        }
        JournalEntry::BalanceChange { address, .. } => {
            out.push(Changed::Account(*address, Balance))
        }
        JournalEntry::BalanceTransfer { from, to, .. } => {
            out.push(Changed::Account(*from, Balance));
            out.push(Changed::Account(*to, Balance));
        }
        JournalEntry::NonceChange { address, .. } | JournalEntry::NonceBump { address } => {
            out.push(Changed::Account(*address, Nonce))
        }
        JournalEntry::AccountCreated { address, .. } => {
            out.push(Changed::Account(*address, Nonce));
            out.push(Changed::Account(*address, CodeHash));
        }
        JournalEntry::StorageChanged { address, key, .. } => {
            out.push(Changed::Storage(*address, *key))
        }
        JournalEntry::TransientStorageChange { address, key, .. } => {
            out.push(Changed::Transient(*address, *key))
        }
        JournalEntry::CodeChange { address, .. } => out.push(Changed::Account(*address, CodeHash)),
        JournalEntry::AccountTouched { .. } => {}
        #[allow(unreachable_patterns)]
        _ => {}
    }
}

impl TraceRecorder {
    /// Brings the RW log up to date with revm's journal (see the module docs).
    pub(crate) fn sync_journal<DB: Database>(&mut self, journal: &mut Journal<DB>) {
        let Some(tx) = self.tx.as_mut() else { return };
        let theirs = &journal.inner.journal;
        let mut common = tx.journal.len().min(theirs.len());
        if common > 0 && tx.journal[common - 1] != theirs[common - 1] {
            common = tx.journal.iter().zip(theirs.iter()).take_while(|(a, b)| a == b).count();
        }
        let dropped: Vec<JournalEntry> = tx.journal.drain(common..).rev().collect();
        let added: Vec<JournalEntry> = theirs[common..].to_vec();
        tx.journal.extend(added.iter().cloned());

        let mut locations = Vec::new();
        for entry in &dropped {
            locations.clear();
            changed_locations(entry, &mut locations);
            for loc in &locations {
                self.apply_change(*loc, true, journal);
            }
        }
        for entry in &added {
            locations.clear();
            changed_locations(entry, &mut locations);
            for loc in &locations {
                self.apply_change(*loc, false, journal);
            }
        }
    }

    /// The locations of the journal entries revm has dropped since the last sync (what a
    /// failed frame's revert restored), as RW keys; nothing is written.
    pub(crate) fn reverted_locations<DB: Database>(&self, journal: &Journal<DB>) -> Vec<RwKey> {
        let Some(tx) = self.tx.as_ref() else { return Vec::new() };
        let theirs = &journal.inner.journal;
        let common = tx.journal.iter().zip(theirs.iter()).take_while(|(a, b)| a == b).count();
        let mut locations = Vec::new();
        for entry in &tx.journal[common..] {
            changed_locations(entry, &mut locations);
        }
        let index = tx.index;
        locations
            .into_iter()
            .map(|loc| match loc {
                Changed::Account(address, field) => {
                    RwKey::Other(RwTarget::Account { address, field })
                }
                Changed::Storage(address, key) => RwKey::Storage { address, key },
                Changed::Transient(address, key) => {
                    RwKey::Other(RwTarget::TransientStorage { tx: index, address, key })
                }
                Changed::Warm(WarmKey::Account(address)) => {
                    RwKey::Other(RwTarget::TxAccessListAccount { tx: index, address })
                }
                Changed::Warm(WarmKey::Slot(address, key)) => {
                    RwKey::Other(RwTarget::TxAccessListStorage { tx: index, address, key })
                }
            })
            .collect()
    }

    /// Writes one location to revm's current value if the trace holds another.
    fn apply_change<DB: Database>(
        &mut self,
        loc: Changed,
        reverted: bool,
        journal: &mut Journal<DB>,
    ) {
        let tx = self.tx_index();
        let inner = &journal.inner;
        let mut db = DbInitial(&mut journal.database);
        let (target, actual) = match loc {
            Changed::Warm(key) => {
                self.apply_warm(key, reverted, &mut db);
                return;
            }
            Changed::Account(address, field) => {
                let target = RwTarget::Account { address, field };
                let actual = match inner.state.get(&address) {
                    Some(acc) => match field {
                        AccountField::Nonce => U256::from(acc.info.nonce),
                        AccountField::Balance => acc.info.balance,
                        AccountField::CodeHash => hash_value(acc.info.code_hash),
                    },
                    None => return,
                };
                (target, actual)
            }
            Changed::Storage(address, key) => {
                let target = RwTarget::Storage { tx, address, key, committed_value: U256::ZERO };
                let actual = inner
                    .state
                    .get(&address)
                    .and_then(|acc| acc.storage.get(&key))
                    .map(|slot| slot.present_value);
                let Some(actual) = actual else { return };
                (target, actual)
            }
            Changed::Transient(address, key) => {
                let target = RwTarget::TransientStorage { tx, address, key };
                let actual = inner
                    .transient_storage
                    .get(&address)
                    .and_then(|slots| slots.get(&key))
                    .copied()
                    .unwrap_or_default();
                (target, actual)
            }
        };
        if self.current(&target, &mut db) != actual {
            self.write(target, actual, &mut db);
        }
    }

    /// A warm flag set (or, on revert, cleared) by revm.
    fn apply_warm(&mut self, key: WarmKey, reverted: bool, db: &mut dyn InitialState) {
        let tx = self.tx_index();
        let target = match key {
            WarmKey::Account(address) => RwTarget::TxAccessListAccount { tx, address },
            WarmKey::Slot(address, key) => RwTarget::TxAccessListStorage { tx, address, key },
        };
        let warm = self.current(&target, db) == U256::from(1);
        if reverted {
            if warm {
                self.write(target, U256::ZERO, db);
            }
            return;
        }
        let consumed = self.tx.as_mut().is_some_and(|t| t.warmed_this_step.remove(&key));
        if consumed {
            return;
        }
        if warm {
            self.fail(format!("revm warmed {key:?}, which the trace already had warm"));
        } else {
            self.write(target, U256::from(1), db);
        }
    }
}
