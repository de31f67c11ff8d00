//! One RW a gadget states ([`RwLookup`]: location, value, auxiliary value) and whether it reads
//! or writes it ([`Access`]), with the RW-table lookup tuple they make. Re-exported by
//! [`super::builder`].

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use super::word::Word;
use crate::constraint_builder::constant;
use crate::state::RwTag;

/// Whether an RW reads its location or writes it, and then the value the write replaces
/// (which the state circuit pins to the location's previous value).
#[derive(Clone, Debug)]
pub enum Access<F: PrimeField> {
    /// Reads the value (its `value_prev` is the value itself).
    Read,
    /// Writes the value over this previous one.
    Write(Word<F>),
}

impl<F: PrimeField> Access<F> {
    pub(super) fn is_write(&self) -> bool {
        matches!(self, Access::Write(_))
    }

    /// The RW's `value_prev` for `value`.
    pub(super) fn value_prev(&self, value: &Word<F>) -> Word<F> {
        match self {
            Access::Read => value.clone(),
            Access::Write(prev) => prev.clone(),
        }
    }
}

/// One RW a step makes: its location, value and auxiliary value (the RW counter and whether
/// it reads or writes are the builder's and the caller's).
#[derive(Clone, Debug)]
pub struct RwLookup<F: PrimeField> {
    /// What kind of location.
    pub tag: RwTag,
    /// The call, transaction or 0 the location belongs to.
    pub id: Expression<F>,
    /// The address (stack slot, memory word, account, log id).
    pub address: Expression<F>,
    /// The field (account field, call-context field, receipt field, log field).
    pub field_tag: Expression<F>,
    /// The key (storage slot, log topic index).
    pub key: Word<F>,
    /// The value read or written.
    pub value: Word<F>,
    /// The auxiliary value (a storage slot's value at the start of the transaction).
    pub aux: Word<F>,
}

impl<F: PrimeField> RwLookup<F> {
    /// `value` at `(tag, id, address)`, with no field, key or auxiliary value.
    pub fn new(tag: RwTag, id: Expression<F>, address: Expression<F>, value: Word<F>) -> Self {
        Self {
            tag,
            id,
            address,
            field_tag: constant(0),
            key: Word::zero(),
            value,
            aux: Word::zero(),
        }
    }

    /// With field `field_tag`.
    pub fn field(mut self, field_tag: Expression<F>) -> Self {
        self.field_tag = field_tag;
        self
    }

    /// With key `key`.
    pub fn key(mut self, key: Word<F>) -> Self {
        self.key = key;
        self
    }

    /// With auxiliary value `aux`.
    pub fn aux(mut self, aux: Word<F>) -> Self {
        self.aux = aux;
        self
    }

    /// The RW-table lookup tuple at `rw_counter`: `(1, rw_counter, is_write, tag, id,
    /// address, field, key, value, value_prev, aux)`.
    pub(super) fn tuple(
        &self,
        rw_counter: Expression<F>,
        is_write: bool,
        value_prev: &Word<F>,
    ) -> Vec<Expression<F>> {
        vec![
            constant(1),
            rw_counter,
            constant(is_write as u64),
            constant(self.tag as u64),
            self.id.clone(),
            self.address.clone(),
            self.field_tag.clone(),
            self.key.lo.clone(),
            self.key.hi.clone(),
            self.value.lo.clone(),
            self.value.hi.clone(),
            value_prev.lo.clone(),
            value_prev.hi.clone(),
            self.aux.lo.clone(),
            self.aux.hi.clone(),
        ]
    }
}

/// How a step's reversible writes pair with the writes that undo them: while the call does
/// not persist, write number `base + i` is undone by a write at `end − base − i` that puts
/// back the value it replaced (the state circuit then checks that this is the value the
/// location held at that point of the undo, so a wrong or missing undo is rejected).
#[derive(Clone, Debug)]
pub struct Reversion<F: PrimeField> {
    /// 1 if the call's writes persist (no undo).
    pub is_persistent: Expression<F>,
    /// RW counter of the last write of the call's reversion range.
    pub end: Expression<F>,
    /// The call's reversible writes made before this step.
    pub base: Expression<F>,
}
