//! SLOAD, SSTORE (EIP-2929 warm/cold access, EIP-2200 gas, EIP-3529 refunds), TLOAD, TSTORE.
//!
//! Slots are addressed by the running account (read from the call context) and the key; the
//! warm flag's previous value (from the RW table) says whether the access was cold. SSTORE
//! compares the original (committed), current and new values as words and derives its gas and
//! refund change from those comparisons, as the EIPs define them; a refund change is one more
//! RW, the refund counter's update.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;
use zkevm_trace::trace::CallContextField;

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{
    from_bytes, Access, EvmBuilder, IsZeroCells, RwLookup, Word, WordCells, WordEqualCells,
};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::reader::{StepReader, WitnessError};
pub use crate::evm::spec::{
    COLD_SLOAD, SSTORE_CLEARS, SSTORE_RESET, SSTORE_SENTRY, SSTORE_SET,
    WARM_ACCESS as WARM_STORAGE_READ,
};
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use crate::state::RwTag;
use zkevm_trace::trace::StepKind;

/// The running account, read from the call context.
pub(super) fn callee<F: PrimeField>(cb: &mut EvmBuilder<F>) -> WordCells {
    let address = cb.query_word();
    cb.call_context(
        "storage: the running account",
        CallContextField::CalleeAddress,
        address.expr(),
        Access::Read,
    );
    address
}

/// A storage-like RW at `(tx, address, key)`: a read, or a write (undone when the call fails).
#[allow(clippy::too_many_arguments)]
pub(super) fn slot_rw<F: PrimeField>(
    cb: &mut EvmBuilder<F>,
    name: &'static str,
    tag: RwTag,
    access: Access<F>,
    address: &WordCells,
    key: &WordCells,
    value: Word<F>,
    aux: Word<F>,
) {
    let tx_id = cb.cur.tx_id.clone();
    let address = EvmBuilder::address_value(&address.expr());
    let rw = RwLookup::new(tag, tx_id, address, value).key(key.expr()).aux(aux);
    match access {
        // Warm flags, storage and transient storage are undone when the call fails.
        Access::Write(prev) => cb.reversible_write(name, rw, prev),
        Access::Read => cb.rw_lookup(name, Access::Read, rw),
    }
}

/// Reads the running account ([`callee`]'s RW) from `r` and assigns it to `cells`.
pub(super) fn assign_callee<F: PrimeField>(
    a: &mut StepAssigner<'_, '_, F>,
    cells: WordCells,
    r: &mut StepReader<'_, '_>,
) -> Result<(), WitnessError> {
    a.assign_word(cells, word_limbs(r.call_context(CallContextField::CalleeAddress)?));
    Ok(())
}

/// SSTORE's gas (EIP-2929 cold surcharge, EIP-2200 schedule) from the slot's warm flag and
/// its new, current and original values; shared by SSTORE and its out-of-gas halt.
#[derive(Clone, Copy, Debug)]
pub(super) struct SstoreCost {
    current_is_new: WordEqualCells,
    original_is_current: WordEqualCells,
    /// The original value is zero.
    pub(super) original_is_zero: WordEqualCells,
    /// The value changes and the slot is clean (original = current).
    pub(super) clean_change: Cell,
    /// The value changes and the slot is dirty (original ≠ current).
    pub(super) dirty_change: Cell,
}

impl SstoreCost {
    /// The comparisons and the cost as an expression (degree 2 in the cells).
    pub(super) fn configure<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        was_warm: Expression<F>,
        new: &Word<F>,
        current: &Word<F>,
        original: &Word<F>,
    ) -> (Self, Expression<F>) {
        let zero = Word::zero();
        let current_is_new = cb.word_equal("SSTORE: current = new", current, new);
        let original_is_current = cb.word_equal("SSTORE: original = current", original, current);
        let original_is_zero = cb.word_equal("SSTORE: original = 0", original, &zero);
        let [cn, oc, o0] =
            [current_is_new, original_is_current, original_is_zero].map(|c| c.equal.expr::<F>());
        let not = |e: Expression<F>| constant(1) - e;
        let clean_change = cb.query_cell();
        cb.require_equal("SSTORE: clean change", clean_change.expr(), not(cn.clone()) * oc.clone());
        let dirty_change = cb.query_cell();
        cb.require_equal("SSTORE: dirty change", dirty_change.expr(), not(cn.clone()) * not(oc));
        let changed_clean = clean_change.expr()
            * (o0.clone() * constant(SSTORE_SET) + not(o0) * constant(SSTORE_RESET - COLD_SLOAD));
        let gas = not(was_warm) * constant(COLD_SLOAD)
            + cn * constant(WARM_STORAGE_READ)
            + changed_clean
            + dirty_change.expr() * constant(WARM_STORAGE_READ);
        let cells = Self {
            current_is_new,
            original_is_current,
            original_is_zero,
            clean_change,
            dirty_change,
        };
        (cells, gas)
    }

    /// Assigns the comparisons; returns the cost.
    pub(super) fn assign<F: PrimeField>(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        was_warm: bool,
        new: alloy_primitives::U256,
        current: alloy_primitives::U256,
        original: alloy_primitives::U256,
    ) -> u64 {
        a.assign_word_equal(self.current_is_new, current, new);
        a.assign_word_equal(self.original_is_current, original, current);
        a.assign_word_equal(self.original_is_zero, original, alloy_primitives::U256::ZERO);
        let clean = current != new && original == current;
        let dirty = current != new && original != current;
        a.assign_u64(self.clean_change, clean as u64);
        a.assign_u64(self.dirty_change, dirty as u64);
        crate::evm::spec::sstore_gas(was_warm, new, current, original)
    }
}

/// SLOAD.
#[derive(Clone, Debug)]
pub struct SloadGadget {
    common: OpcodeStep,
    key: WordCells,
    address: WordCells,
    was_warm: Cell,
    value: WordCells,
    committed: WordCells,
    prev: WordCells,
}

impl Gadget for SloadGadget {
    const NAME: &'static str = "SLOAD";
    const STATE: ExecutionState = ExecutionState::Sload;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x54])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for SloadGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("SLOAD: opcode", opcode, constant(0x54));
        let key = cb.query_word();
        cb.stack_pop("SLOAD: key", key.expr());
        let address = callee(cb);
        let was_warm = cb.query_bool("SLOAD: warm flag");
        let one = Word::small(constant(1));
        slot_rw(
            cb,
            "SLOAD: warm slot",
            RwTag::TxAccessListStorage,
            Access::Write(Word::small(was_warm.expr())),
            &address,
            &key,
            one,
            Word::zero(),
        );
        let (value, committed) = (cb.query_word(), cb.query_word());
        slot_rw(
            cb,
            "SLOAD: slot",
            RwTag::Storage,
            Access::Read,
            &address,
            &key,
            value.expr(),
            committed.expr(),
        );
        let prev = cb.stack_push("SLOAD: value", value.expr());
        let gas = constant(WARM_STORAGE_READ)
            + (constant(1) - was_warm.expr()) * constant(COLD_SLOAD - WARM_STORAGE_READ);
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Dynamic(gas), transition);
        Self { common, key, address, was_warm, value, committed, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for SloadGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        a.assign_word(self.key, word_limbs(r.stack_pop()?));
        assign_callee(a, self.address, &mut r)?;
        a.assign_u64(self.was_warm, word_limbs(r.warm_slot_write()?.prev).0 as u64);
        let slot = r.storage()?;
        a.assign_word(self.value, word_limbs(slot.value));
        a.assign_word(self.committed, word_limbs(slot.committed));
        a.assign_word(self.prev, word_limbs(r.stack_push()?.prev));
        r.finish()?;
        Ok(())
    }
}

/// SSTORE.
#[derive(Clone, Debug)]
pub struct SstoreGadget {
    common: OpcodeStep,
    key: WordCells,
    value: WordCells,
    address: WordCells,
    was_warm: Cell,
    current: WordCells,
    original: WordCells,
    sentry: [Cell; 8],
    cost: SstoreCost,
    original_is_new: WordEqualCells,
    current_is_zero: WordEqualCells,
    new_is_zero: WordEqualCells,
    refund_delta: Cell,
    refund_unchanged: IsZeroCells,
    refund_before: Cell,
}

impl Gadget for SstoreGadget {
    const NAME: &'static str = "SSTORE";
    const STATE: ExecutionState = ExecutionState::Sstore;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x55])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for SstoreGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("SSTORE: opcode", opcode, constant(0x55));
        let (key, value) = (cb.query_word(), cb.query_word());
        cb.stack_pop("SSTORE: key", key.expr());
        cb.stack_pop("SSTORE: value", value.expr());
        cb.call_context(
            "SSTORE: not in a static call",
            CallContextField::IsStatic,
            Word::zero(),
            Access::Read,
        );
        let address = callee(cb);
        let was_warm = cb.query_bool("SSTORE: warm flag");
        let one = Word::small(constant(1));
        slot_rw(
            cb,
            "SSTORE: warm slot",
            RwTag::TxAccessListStorage,
            Access::Write(Word::small(was_warm.expr())),
            &address,
            &key,
            one,
            Word::zero(),
        );
        let (current, original) = (cb.query_word(), cb.query_word());
        slot_rw(
            cb,
            "SSTORE: slot",
            RwTag::Storage,
            Access::Write(current.expr()),
            &address,
            &key,
            value.expr(),
            original.expr(),
        );

        // EIP-2200's sentry: more than 2300 gas left before the step.
        let sentry = [(); 8].map(|_| cb.query_byte());
        let gas_left = cb.cur.gas_left.clone();
        cb.require_equal(
            "SSTORE: more than 2300 gas left",
            gas_left - constant(SSTORE_SENTRY + 1),
            from_bytes(&sentry),
        );

        let zero = Word::zero();
        let (new, cur, orig) = (value.expr::<F>(), current.expr::<F>(), original.expr::<F>());
        let (cost, gas) = SstoreCost::configure(cb, was_warm.expr(), &new, &cur, &orig);
        let original_is_new = cb.word_equal("SSTORE: original = new", &orig, &new);
        let current_is_zero = cb.word_equal("SSTORE: current = 0", &cur, &zero);
        let new_is_zero = cb.word_equal("SSTORE: new = 0", &new, &zero);
        let [on, o0, c0, n0] =
            [original_is_new, cost.original_is_zero, current_is_zero, new_is_zero]
                .map(|c| c.equal.expr::<F>());
        let not = |e: Expression<F>| constant(1) - e;
        let (clean_change, dirty_change) = (cost.clean_change, cost.dirty_change);

        // Refund change (EIP-3529).
        let clears = Expression::Constant(F::from(SSTORE_CLEARS));
        let restore = o0.clone() * constant(SSTORE_SET - WARM_STORAGE_READ)
            + not(o0.clone()) * constant(SSTORE_RESET - COLD_SLOAD - WARM_STORAGE_READ);
        let dirty_refund = not(o0) * (n0.clone() - c0) * clears.clone() + on * restore;
        let refund_delta = cb.query_cell();
        cb.require_equal(
            "SSTORE: refund change",
            refund_delta.expr(),
            clean_change.expr() * n0 * clears + dirty_change.expr() * dirty_refund,
        );
        let refund_unchanged = cb.is_zero("SSTORE: refund change", refund_delta.expr());
        let refund_before = cb.query_cell();
        let changes_refund = not(refund_unchanged.is_zero.expr());
        cb.when(changes_refund, |cb| {
            let tx_id = cb.cur.tx_id.clone();
            cb.reversible_write(
                "SSTORE: refund counter",
                RwLookup::new(
                    RwTag::TxRefund,
                    tx_id,
                    constant(0),
                    Word::small(refund_before.expr() + refund_delta.expr()),
                ),
                Word::small(refund_before.expr()),
            );
        });
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Dynamic(gas), transition);
        Self {
            common,
            key,
            value,
            address,
            was_warm,
            current,
            original,
            sentry,
            cost,
            original_is_new,
            current_is_zero,
            new_is_zero,
            refund_delta,
            refund_unchanged,
            refund_before,
        }
    }
}

impl<F: PrimeField> StepGadget<F> for SstoreGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        use alloy_primitives::U256;
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (key, new) = (r.stack_pop()?, r.stack_pop()?);
        a.assign_word(self.key, word_limbs(key));
        a.assign_word(self.value, word_limbs(new));
        r.call_context(CallContextField::IsStatic)?;
        assign_callee(a, self.address, &mut r)?;
        let warm_prev = word_limbs(r.warm_slot_write()?.prev).0;
        a.assign_u64(self.was_warm, warm_prev as u64);
        let slot = r.storage_write()?;
        let (current, original) = (slot.prev, slot.committed);
        a.assign_word(self.current, word_limbs(current));
        a.assign_word(self.original, word_limbs(original));
        a.assign_bytes(&self.sentry, w.values.gas_left.saturating_sub(SSTORE_SENTRY + 1));
        let was_warm = warm_prev == 1;
        self.cost.assign(a, was_warm, new, current, original);
        a.assign_word_equal(self.original_is_new, original, new);
        a.assign_word_equal(self.current_is_zero, current, U256::ZERO);
        a.assign_word_equal(self.new_is_zero, new, U256::ZERO);
        let delta = crate::evm::spec::sstore_refund_change(new, current, original);
        let delta_field =
            if delta >= 0 { F::from(delta as u64) } else { -F::from(delta.unsigned_abs()) };
        a.assign(self.refund_delta, delta_field);
        a.assign_is_zero(self.refund_unchanged, delta_field);
        if delta != 0 {
            let before = r.refund_write()?.prev;
            a.assign_u64(self.refund_before, before.saturating_to::<u64>());
        }
        r.finish()?;
        Ok(())
    }
}

/// TLOAD.
#[derive(Clone, Debug)]
pub struct TloadGadget {
    common: OpcodeStep,
    key: WordCells,
    address: WordCells,
    value: WordCells,
    prev: WordCells,
}

impl Gadget for TloadGadget {
    const NAME: &'static str = "TLOAD";
    const STATE: ExecutionState = ExecutionState::Tload;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x5c])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for TloadGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("TLOAD: opcode", opcode, constant(0x5c));
        let key = cb.query_word();
        cb.stack_pop("TLOAD: key", key.expr());
        let address = callee(cb);
        let value = cb.query_word();
        slot_rw(
            cb,
            "TLOAD: slot",
            RwTag::TransientStorage,
            Access::Read,
            &address,
            &key,
            value.expr(),
            Word::zero(),
        );
        let prev = cb.stack_push("TLOAD: value", value.expr());
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, key, address, value, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for TloadGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        a.assign_word(self.key, word_limbs(r.stack_pop()?));
        assign_callee(a, self.address, &mut r)?;
        a.assign_word(self.value, word_limbs(r.transient()?.value));
        a.assign_word(self.prev, word_limbs(r.stack_push()?.prev));
        r.finish()?;
        Ok(())
    }
}

/// TSTORE.
#[derive(Clone, Debug)]
pub struct TstoreGadget {
    common: OpcodeStep,
    key: WordCells,
    value: WordCells,
    address: WordCells,
    before: WordCells,
}

impl Gadget for TstoreGadget {
    const NAME: &'static str = "TSTORE";
    const STATE: ExecutionState = ExecutionState::Tstore;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x5d])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for TstoreGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("TSTORE: opcode", opcode, constant(0x5d));
        let (key, value) = (cb.query_word(), cb.query_word());
        cb.stack_pop("TSTORE: key", key.expr());
        cb.stack_pop("TSTORE: value", value.expr());
        cb.call_context(
            "TSTORE: not in a static call",
            CallContextField::IsStatic,
            Word::zero(),
            Access::Read,
        );
        let address = callee(cb);
        let before = cb.query_word();
        slot_rw(
            cb,
            "TSTORE: slot",
            RwTag::TransientStorage,
            Access::Write(before.expr()),
            &address,
            &key,
            value.expr(),
            Word::zero(),
        );
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, key, value, address, before }
    }
}

impl<F: PrimeField> StepGadget<F> for TstoreGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        a.assign_word(self.key, word_limbs(r.stack_pop()?));
        a.assign_word(self.value, word_limbs(r.stack_pop()?));
        r.call_context(CallContextField::IsStatic)?;
        assign_callee(a, self.address, &mut r)?;
        a.assign_word(self.before, word_limbs(r.transient_write()?.prev));
        r.finish()?;
        Ok(())
    }
}
