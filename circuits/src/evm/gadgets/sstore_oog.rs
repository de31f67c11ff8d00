//! SSTORE out of gas in the root call: the call halts exceptionally, all its gas is consumed
//! and its writes are undone (as in [`super::error`]).
//!
//! SSTORE's cost is dynamic, so the step reads what it depends on (the executor records these
//! reads for this halt): the key and value from the stack, the running account, the slot's
//! warm flag and its current and original (committed) values. Then one of two conditions:
//! - EIP-2200's sentry: at most 2300 gas left, `2300 − gas_left` on 8 bytes;
//! - the cost (the same expression as [`super::storage::SstoreGadget`]'s) exceeds the gas
//!   left: `cost − 1 − gas_left` on 8 bytes.
//!
//! Either is a real failure of the opcode, so an affordable SSTORE with more than 2300 gas
//! left can never be claimed to halt.
//!
//! revm checks the sentry before it touches the slot, but charges the dynamic cost after it
//! has warmed the slot and stored the value. Past the sentry the step therefore also makes
//! those writes (the warm flag only if the slot was cold; the value always, since a store
//! that changes nothing never costs more than 2300), as reversible writes that the halt's
//! reversion undoes with the rest of the call's.

use halo2_proofs::halo2curves::ff::PrimeField;
use zkevm_trace::trace::ExecError;

pub use super::storage::SSTORE_SENTRY;
use super::storage::{assign_callee, callee, slot_rw, SstoreCost};
use crate::constraint_builder::{constant, select};
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{from_bytes, Access, EvmBuilder, Word, WordCells};
use crate::evm::cell::Cell;
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{AssignError, ExecutionGadget, Gadget, StepGadget, Unsupported};
use crate::evm::reader::StepReader;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use crate::state::RwTag;
use zkevm_trace::trace::StepKind;

const SSTORE: u64 = 0x55;

/// Whether a halt with `error` at `opcode` is an SSTORE out of gas this gadget proves.
pub fn provable(opcode: u8, error: &ExecError) -> bool {
    *error == ExecError::OutOfGas && u64::from(opcode) == SSTORE
}

/// SSTORE out of gas.
#[derive(Clone, Debug)]
pub struct SstoreOutOfGasGadget {
    key: WordCells,
    value: WordCells,
    address: WordCells,
    was_warm: Cell,
    current: WordCells,
    original: WordCells,
    cost: SstoreCost,
    /// The cost as a cell (keeps the shortfall's gate within degree 5).
    gas: Cell,
    /// 1: at most 2300 gas left (the sentry); 0: the cost exceeds the gas left.
    is_sentry: Cell,
    /// `2300 − gas_left` (sentry) or `cost − 1 − gas_left`.
    shortfall: [Cell; 8],
    /// Past the sentry and cold: revm warmed the slot before failing.
    warms: Cell,
}

impl Gadget for SstoreOutOfGasGadget {
    const NAME: &'static str = "SSTORE out of gas";
    const STATE: ExecutionState = ExecutionState::ErrorOutOfGasSstore;

    fn claims(step: &StepKind) -> bool {
        matches!(step, StepKind::Error { opcode, error } if provable(*opcode, error))
    }

    fn supports(w: &StepWitness<'_>) -> Result<(), Unsupported> {
        // Five reads; past the sentry, the warm flag (if cold) and the value are written and
        // undone with the call's writes.
        let cold = w.rws.get(3).is_some_and(|rw| rw.value.is_zero());
        let writes = if w.values.gas_left > SSTORE_SENTRY { 1 + u64::from(cold) } else { 0 };
        if w.rws.len() as u64 != w.values.reversible_write_counter + 5 + 2 * writes {
            return Err(Unsupported::new("SSTORE out of gas with an unexpected RW shape"));
        }
        Ok(())
    }
}

impl<F: PrimeField> ExecutionGadget<F> for SstoreOutOfGasGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (cur, next) = (cb.cur.clone(), cb.next.clone());
        cb.require_equal("SSTORE out of gas: opcode", cur.opcode.clone(), constant(SSTORE));
        cb.bytecode_lookup(
            "SSTORE out of gas: opcode at pc",
            cur.pc.clone(),
            cur.opcode.clone(),
            constant(1),
        );
        let (key, value) = (cb.query_word(), cb.query_word());
        cb.stack_pop("SSTORE out of gas: key", key.expr());
        cb.stack_pop("SSTORE out of gas: value", value.expr());
        let address = callee(cb);
        let was_warm = cb.query_bool("SSTORE out of gas: warm flag");
        let warm = Word::small(was_warm.expr());
        slot_rw(
            cb,
            "SSTORE out of gas: warm flag",
            RwTag::TxAccessListStorage,
            Access::Read,
            &address,
            &key,
            warm.clone(),
            Word::zero(),
        );
        let (current, original) = (cb.query_word(), cb.query_word());
        slot_rw(
            cb,
            "SSTORE out of gas: slot",
            RwTag::Storage,
            Access::Read,
            &address,
            &key,
            current.expr(),
            original.expr(),
        );

        let (cost, gas_expr) = SstoreCost::configure(
            cb,
            was_warm.expr(),
            &value.expr(),
            &current.expr(),
            &original.expr(),
        );
        let gas = cb.query_cell();
        cb.require_equal("SSTORE out of gas: cost", gas.expr(), gas_expr);
        let is_sentry = cb.query_bool("SSTORE out of gas: sentry flag is boolean");
        let shortfall = [(); 8].map(|_| cb.query_byte());
        let gas_left = cur.gas_left.clone();
        cb.require_equal(
            "SSTORE out of gas: at most 2300 gas left, or less than the cost",
            from_bytes(&shortfall),
            select(
                is_sentry.expr(),
                constant(SSTORE_SENTRY) - gas_left.clone(),
                gas.expr() - constant(1) - gas_left,
            ),
        );

        // Past the sentry, revm's writes before the cost is charged.
        let not_sentry = constant(1) - is_sentry.expr();
        let was_cold = constant(1) - was_warm.expr();
        // A cell, to keep the undo's lookup within degree 5.
        let warms = cb.query_cell();
        cb.require_equal(
            "SSTORE out of gas: the slot is warmed past the sentry",
            warms.expr(),
            not_sentry.clone() * was_cold,
        );
        cb.when(warms.expr(), |cb| {
            slot_rw(
                cb,
                "SSTORE out of gas: the slot warmed",
                RwTag::TxAccessListStorage,
                Access::Write(Word::small(constant(0))),
                &address,
                &key,
                Word::small(constant(1)),
                Word::zero(),
            );
        });
        cb.when(not_sentry, |cb| {
            slot_rw(
                cb,
                "SSTORE out of gas: the value stored",
                RwTag::Storage,
                Access::Write(current.expr()),
                &address,
                &key,
                value.expr(),
                original.expr(),
            );
        });

        // All gas is consumed; the call's writes (and the step's) are undone; EndTx follows.
        cb.require_zero("SSTORE out of gas: no gas left", next.gas_left);
        let (own, own_writes) = (cb.rw_count(), cb.reversible_writes());
        StepTransition::end_tx_reverted(cb, own, own_writes).constrain(cb);
        Self {
            key,
            value,
            address,
            was_warm,
            current,
            original,
            cost,
            gas,
            is_sentry,
            shortfall,
            warms,
        }
    }
}

impl<F: PrimeField> StepGadget<F> for SstoreOutOfGasGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (key, new) = (r.stack_pop()?, r.stack_pop()?);
        a.assign_word(self.key, word_limbs(key));
        a.assign_word(self.value, word_limbs(new));
        assign_callee(a, self.address, &mut r)?;
        let was_warm = r.warm_slot()?.value == alloy_primitives::U256::from(1);
        a.assign_u64(self.was_warm, was_warm as u64);
        let slot = r.storage()?;
        let (current, original) = (slot.value, slot.committed);
        a.assign_word(self.current, word_limbs(current));
        a.assign_word(self.original, word_limbs(original));
        let cost = self.cost.assign(a, was_warm, new, current, original);
        a.assign_u64(self.gas, cost);
        let gas_left = w.values.gas_left;
        let is_sentry = gas_left <= SSTORE_SENTRY;
        a.assign_u64(self.is_sentry, is_sentry as u64);
        let shortfall = if is_sentry {
            SSTORE_SENTRY - gas_left
        } else {
            cost.wrapping_sub(1).wrapping_sub(gas_left)
        };
        a.assign_bytes(&self.shortfall, shortfall);
        let warms = !is_sentry && !was_warm;
        a.assign_u64(self.warms, warms as u64);
        // Past the sentry, revm's writes: the warm flag (if cold), then the value.
        if warms {
            r.warm_slot_write()?;
        }
        if !is_sentry {
            r.storage_write()?;
        }
        Ok(())
    }
}
