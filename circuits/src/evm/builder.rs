//! The EVM constraint builder: what one gadget states about its step.
//!
//! A gadget asks for cells, states constraints under conditions, and declares lookups by
//! table; stack and RW helpers keep the RW counter and stack offsets in order, so a gadget
//! reads like the opcode's definition. The [`super::config::EvmConfig`] multiplies everything
//! by the step selector and the state's selector and places the lookups in lookup cells.
//!
//! The word types ([`Word`], [`WordCells`], [`WordBytes`], ...) live in `evm/word.rs` and the
//! RW description ([`RwLookup`], [`Access`]) in `evm/rw_lookup.rs`; both are re-exported here.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use super::cell::{Cell, CellManager, CellType, LookupTable};
use super::execution_state::ExecutionState;
use super::layout::Selectors;
use super::step::StepExprs;
use crate::bytecode::BytecodeTag;
use crate::constraint_builder::{constant, ConstraintBuilder};
use crate::copy::StreamClaim;
use crate::state::rw_row::{account_field_tag, call_context_field_tag};
use crate::state::RwTag;
use crate::table::{BlockField, FixedTableTag, TxField};
use zkevm_trace::trace::{AccountField, CallContextField};

pub use super::rw_lookup::{Access, Reversion, RwLookup};
pub use super::word::{
    from_bytes, two_pow_128, IsZeroCells, Word, WordBytes, WordCells, WordEqualCells,
};

/// The highest degree of a gadget's constraint or lookup entry, conditions included: the EVM
/// gate multiplies each by the slot's fixed selector and the state's selector cell.
pub const GADGET_DEGREE: usize = crate::lint::MAX_DEGREE - 2;

/// What a gadget stated, before the selectors are applied.
#[derive(Debug)]
pub struct GadgetSpec<F: PrimeField> {
    /// Named constraints.
    pub constraints: Vec<(&'static str, Expression<F>)>,
    /// Lookup tuples (already multiplied by their conditions), by table, in declaration order.
    pub lookups: Vec<(LookupTable, &'static str, Vec<Expression<F>>)>,
    /// The cells it used.
    pub usage: CellUsage,
}

/// The cells one gadget uses in its step (for the circuit's shape report).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CellUsage {
    /// General cells.
    pub general: usize,
    /// Byte cells.
    pub bytes: usize,
    /// Lookups, all tables together.
    pub lookups: usize,
    /// The rows its cells reach (the tallest column it uses); the configuration adds the rows
    /// its lookups reach, and at least the first row: the state's height.
    pub rows: usize,
}

/// The builder one gadget configures with.
#[derive(Debug)]
pub struct EvmBuilder<F: PrimeField> {
    /// The gadget being configured (named in degree errors).
    gadget: &'static str,
    /// Every execution state, in selector order (the registry's).
    states: Vec<ExecutionState>,
    /// The step state at this step.
    pub cur: StepExprs<F>,
    /// The step state at the next step.
    pub next: StepExprs<F>,
    cells: CellManager,
    selectors: Selectors,
    /// The rows a step of this gadget takes (the next step's rotation).
    height: usize,
    /// The RW table's capacity (a fixed column), for EndBlock's count of padding rows.
    pub rw_capacity: Expression<F>,
    constraints: ConstraintBuilder<F>,
    lookups: Vec<(LookupTable, &'static str, Vec<Expression<F>>)>,
    rw_offset: Expression<F>,
    stack_offset: i64,
    /// Pops made under a condition, as a (non-positive) expression.
    stack_dynamic: Expression<F>,
    /// Where reversible writes pair with their undo (see [`EvmBuilder::reversible_write`]).
    reversion: Reversion<F>,
    /// Reversible writes declared so far (an expression when some are conditional).
    reversible_offset: Expression<F>,
}

impl<F: PrimeField> EvmBuilder<F> {
    /// A builder for gadget `gadget` over a fresh cell grid, whose steps take `height` rows
    /// (`next` is read there); `selectors` are the execution-state columns.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        gadget: &'static str,
        cur: StepExprs<F>,
        next: StepExprs<F>,
        cells: CellManager,
        selectors: Selectors,
        height: usize,
        rw_capacity: Expression<F>,
        states: &[ExecutionState],
    ) -> Self {
        Self {
            gadget,
            states: states.to_vec(),
            next,
            cells,
            selectors,
            height,
            rw_capacity,
            constraints: ConstraintBuilder::new(),
            lookups: Vec::new(),
            rw_offset: constant(0),
            stack_offset: 0,
            stack_dynamic: constant(0),
            reversion: Reversion {
                is_persistent: cur.is_persistent.clone(),
                end: cur.rw_counter_end_of_reversion.clone(),
                base: cur.reversible_write_counter.clone(),
            },
            reversible_offset: constant(0),
            cur,
        }
    }

    /// Pairs this step's reversible writes with `reversion` instead of the current call's
    /// (BeginTx, whose value transfer is the root call's first reversible writes).
    pub fn set_reversion(&mut self, reversion: Reversion<F>) {
        self.reversion = reversion;
    }

    /// Reversible writes declared so far (an expression when some are conditional).
    pub fn reversible_writes(&self) -> Expression<F> {
        self.reversible_offset.clone()
    }

    /// A reversible write (storage, transient storage, balance, warm flag, refund counter) of
    /// `rw.value` over `prev`: the step's next RW, and, while the call does not persist, the
    /// write that undoes it in the call's reversion range (`value` and `prev` swapped). The
    /// undo does not move the step's RW position: the step that ends the call jumps over the
    /// range.
    pub fn reversible_write(&mut self, name: &'static str, rw: RwLookup<F>, prev: Word<F>) {
        self.rw_lookup(name, Access::Write(prev.clone()), rw.clone());
        let step = self.constraints.condition().unwrap_or_else(|| constant(1));
        let r = self.reversion.clone();
        let position = r.end - r.base - self.reversible_offset.clone();
        self.when(constant(1) - r.is_persistent, |cb| {
            let undo = RwLookup { value: prev, ..rw.clone() };
            let tuple = undo.tuple(position, true, &rw.value);
            cb.lookup(LookupTable::Rw, "reversion: the write is undone", tuple);
        });
        self.reversible_offset = self.reversible_offset.clone() + step;
    }

    /// The states that run an opcode, in selector order.
    pub fn opcode_states(&self) -> Vec<ExecutionState> {
        self.states.iter().copied().filter(|s| s.is_opcode()).collect()
    }

    /// 1 if the next step runs `state`.
    pub fn next_is(&self, state: ExecutionState) -> Expression<F> {
        self.selectors.is(state, self.height)
    }

    /// The next step runs one of `states`.
    pub fn require_next_in(&mut self, name: &'static str, states: &[ExecutionState]) {
        let any = states.iter().fold(constant(0), |acc, s| acc + self.next_is(*s));
        self.require_equal(name, any, constant(1));
    }

    /// A transaction-table lookup: field `field` of transaction `tx_id` is `value`.
    pub fn tx_lookup(
        &mut self,
        name: &'static str,
        tx_id: Expression<F>,
        field: TxField,
        value: Word<F>,
    ) {
        self.tx_lookup_tag(name, tx_id, constant(field as u64), value);
    }

    /// A transaction-table lookup by field expression.
    pub fn tx_lookup_tag(
        &mut self,
        name: &'static str,
        tx_id: Expression<F>,
        field: Expression<F>,
        value: Word<F>,
    ) {
        let tuple = vec![tx_id, field, value.lo, value.hi];
        self.lookup(LookupTable::Tx, name, tuple);
    }

    /// A block-table lookup: block field `field` is `value`.
    pub fn block_lookup(&mut self, name: &'static str, field: BlockField, value: Word<F>) {
        self.block_lookup_tag(name, constant(field as u64), value);
    }

    /// A block-table lookup by tag expression (each [`BlockField`] is its opcode), index 0.
    pub fn block_lookup_tag(&mut self, name: &'static str, tag: Expression<F>, value: Word<F>) {
        self.block_lookup_indexed(name, tag, constant(0), value);
    }

    /// A block-table lookup of `(tag, index, value)`.
    pub fn block_lookup_indexed(
        &mut self,
        name: &'static str,
        tag: Expression<F>,
        index: Expression<F>,
        value: Word<F>,
    ) {
        let tuple = vec![tag, index, value.lo, value.hi];
        self.lookup(LookupTable::Block, name, tuple);
    }

    /// A general cell.
    pub fn query_cell(&mut self) -> Cell {
        self.cells.query(CellType::General)
    }

    /// A range-checked byte cell.
    pub fn query_byte(&mut self) -> Cell {
        self.cells.query(CellType::Byte)
    }

    /// `N` range-checked bytes holding `value` (`value = Σ 256^i·b_i`): proves
    /// `0 ≤ value < 256^N`, so a difference written this way does not wrap.
    pub fn require_bytes<const N: usize>(
        &mut self,
        name: &'static str,
        value: Expression<F>,
    ) -> [Cell; N] {
        let bytes = [(); N].map(|_| self.query_byte());
        self.require_equal(name, value, from_bytes(&bytes));
        bytes
    }

    /// A second-phase cell for the RLC of a byte string.
    pub fn query_rlc(&mut self) -> Cell {
        self.cells.query(CellType::Rlc)
    }

    /// `keccak256` of the bytes with RLC `rlc` and length `len` is `hash`.
    pub fn keccak_lookup(
        &mut self,
        name: &'static str,
        rlc: Expression<F>,
        len: Expression<F>,
        hash: Word<F>,
    ) {
        let tuple = crate::keccak::KeccakTable::lookup_tuple(rlc, len, hash.lo, hash.hi);
        self.lookup(LookupTable::Keccak, name, tuple);
    }

    /// The step's next RWs are the words of a stream the copy circuit proves (`claim`'s
    /// `rw_counter` is filled in here); the RW position moves past its `words`. Under a
    /// condition, it counts only when the condition holds.
    pub fn word_stream(&mut self, name: &'static str, mut claim: StreamClaim<F>) {
        claim.rw_counter = self.cur.rw_counter.clone() + self.rw_offset.clone();
        let words = self.constraints.guarded(claim.words.clone());
        self.lookup(LookupTable::Copy, name, claim.tuple());
        self.rw_offset = self.rw_offset.clone() + words;
    }

    /// A boolean cell.
    pub fn query_bool(&mut self, name: &'static str) -> Cell {
        let cell = self.query_cell();
        self.require_boolean(name, cell.expr());
        cell
    }

    /// A word in two general cells.
    pub fn query_word(&mut self) -> WordCells {
        WordCells { lo: self.query_cell(), hi: self.query_cell() }
    }

    /// A word in 32 byte cells.
    pub fn query_word_bytes(&mut self) -> WordBytes {
        WordBytes { bytes: [(); 32].map(|_| self.query_byte()) }
    }

    /// `a + b = sum` for words, no overflow past 256 bits (`sum` canonical, e.g. bytes).
    /// Returns the carry cell between the limbs.
    pub fn require_add(
        &mut self,
        name: &'static str,
        a: Word<F>,
        b: Word<F>,
        sum: Word<F>,
    ) -> Cell {
        let carry = self.query_bool(name);
        self.require_equal(name, a.lo + b.lo, sum.lo + carry.expr() * two_pow_128());
        self.require_equal(name, a.hi + b.hi + carry.expr(), sum.hi);
        carry
    }

    /// `a + b = sum` where `b` is a single value below `2^128` (fees, refunds).
    pub fn require_add_small(
        &mut self,
        name: &'static str,
        a: Word<F>,
        b: Expression<F>,
        sum: Word<F>,
    ) -> Cell {
        self.require_add(name, a, Word::small(b), sum)
    }

    /// A cell that is 1 exactly when `value` is zero, and the inverse witness behind it.
    pub fn is_zero(&mut self, name: &'static str, value: Expression<F>) -> IsZeroCells {
        let (inverse, is_zero) = (self.query_cell(), self.query_cell());
        self.require_equal(name, is_zero.expr(), constant(1) - value.clone() * inverse.expr());
        self.require_zero(name, value * is_zero.expr());
        self.require_zero(name, inverse.expr() * is_zero.expr());
        IsZeroCells { inverse, is_zero }
    }

    /// A cell that is 1 exactly when the words `a` and `b` are equal (limbs compared with
    /// IsZero checks).
    pub fn word_equal(&mut self, name: &'static str, a: &Word<F>, b: &Word<F>) -> WordEqualCells {
        let lo = self.is_zero(name, a.lo.clone() - b.lo.clone());
        let hi = self.is_zero(name, a.hi.clone() - b.hi.clone());
        let equal = self.query_cell();
        self.require_equal(name, equal.expr(), lo.is_zero.expr() * hi.is_zero.expr());
        WordEqualCells { lo, hi, equal }
    }

    /// An account address (a word below `2^160`) as the RW table's `address` value.
    pub fn address_value(address: &Word<F>) -> Expression<F> {
        address.lo.clone() + address.hi.clone() * two_pow_128()
    }

    /// Lookup cells of `table` a spec with `count` lookups needs (for sizing checks).
    pub fn lookup_count(&self, table: LookupTable) -> usize {
        self.lookups.iter().filter(|(t, _, _)| *t == table).count()
    }

    /// Checks, where a constraint or lookup entry is written, that under the active
    /// conditions it stays within [`GADGET_DEGREE`]; a gadget that breaks the bound stops the
    /// configuration, naming itself and the constraint.
    fn check_degree(&self, what: &str, name: &'static str, degree: usize) {
        let guard = self.constraints.condition().map_or(0, |c| c.degree());
        let total = guard + degree;
        assert!(
            total <= GADGET_DEGREE,
            "EVM gadget {}: {what} \"{name}\" has degree {total} (conditions {guard}), above \
             {GADGET_DEGREE}: the gate multiplies it by the slot and state selectors",
            self.gadget
        );
    }

    /// `expr == 0` under the active conditions.
    pub fn require_zero(&mut self, name: &'static str, expr: Expression<F>) {
        self.check_degree("constraint", name, expr.degree());
        self.constraints.require_zero(name, expr);
    }

    /// `lhs == rhs`.
    pub fn require_equal(&mut self, name: &'static str, lhs: Expression<F>, rhs: Expression<F>) {
        self.check_degree("constraint", name, lhs.degree().max(rhs.degree()));
        self.constraints.require_equal(name, lhs, rhs);
    }

    /// `expr ∈ {0, 1}`.
    pub fn require_boolean(&mut self, name: &'static str, expr: Expression<F>) {
        self.check_degree("constraint", name, 2 * expr.degree());
        self.constraints.require_boolean(name, expr);
    }

    /// Two words are equal.
    pub fn require_word_equal(&mut self, name: &'static str, lhs: Word<F>, rhs: Word<F>) {
        self.require_equal(name, lhs.lo, rhs.lo);
        self.require_equal(name, lhs.hi, rhs.hi);
    }

    /// Runs `f` with `cond` (0 or 1) added to the active conditions.
    pub fn when<R>(&mut self, cond: Expression<F>, f: impl FnOnce(&mut Self) -> R) -> R {
        self.constraints.push_condition(cond);
        let result = f(self);
        self.constraints.pop_condition();
        result
    }

    /// Declares a lookup of `tuple` into `table` under the active conditions.
    pub fn lookup(&mut self, table: LookupTable, name: &'static str, tuple: Vec<Expression<F>>) {
        let degree = tuple.iter().map(|e| e.degree()).max().unwrap_or(0);
        self.check_degree("lookup", name, degree);
        let tuple = tuple.into_iter().map(|e| self.constraints.guarded(e)).collect();
        self.lookups.push((table, name, tuple));
    }

    /// A fixed-table lookup `(tag, values…)`.
    pub fn fixed_lookup(
        &mut self,
        name: &'static str,
        tag: FixedTableTag,
        values: Vec<Expression<F>>,
    ) {
        self.lookup(LookupTable::Fixed, name, tag.tuple(values));
    }

    /// A bytecode-table lookup: byte `index` of the running code is `value`, `is_code`.
    pub fn bytecode_lookup(
        &mut self,
        name: &'static str,
        index: Expression<F>,
        value: Expression<F>,
        is_code: Expression<F>,
    ) {
        let tuple = vec![
            BytecodeTag::Byte.expr(),
            self.cur.code_hash_lo.clone(),
            self.cur.code_hash_hi.clone(),
            index,
            value,
            is_code,
        ];
        self.lookup(LookupTable::Bytecode, name, tuple);
    }

    /// The code of hash `hash` is `length` bytes long (its header row in the bytecode table).
    pub fn code_length_lookup_of(
        &mut self,
        name: &'static str,
        hash: Word<F>,
        length: Expression<F>,
    ) {
        let tuple =
            vec![BytecodeTag::Header.expr(), hash.lo, hash.hi, constant(0), length, constant(0)];
        self.lookup(LookupTable::Bytecode, name, tuple);
    }

    /// The running code's length is `length` (its header row in the bytecode table).
    pub fn code_length_lookup(&mut self, name: &'static str, length: Expression<F>) {
        let tuple = vec![
            BytecodeTag::Header.expr(),
            self.cur.code_hash_lo.clone(),
            self.cur.code_hash_hi.clone(),
            constant(0),
            length,
            constant(0),
        ];
        self.lookup(LookupTable::Bytecode, name, tuple);
    }

    /// The next RW of the step, at `rw_counter + offset`: `rw` read or written (`access`).
    /// Under a condition, it counts only when the condition holds.
    pub fn rw_lookup(&mut self, name: &'static str, access: Access<F>, rw: RwLookup<F>) {
        let counter = self.cur.rw_counter.clone() + self.rw_offset.clone();
        let tuple = rw.tuple(counter, access.is_write(), &access.value_prev(&rw.value));
        self.lookup(LookupTable::Rw, name, tuple);
        let step = self.constraints.condition().unwrap_or_else(|| constant(1));
        self.rw_offset = self.rw_offset.clone() + step;
    }

    /// Reads the stack slot at `address` (counted from the bottom), not moving the pointer.
    pub fn stack_read_at(&mut self, name: &'static str, address: Expression<F>, value: Word<F>) {
        let id = self.cur.call_id.clone();
        self.rw_lookup(name, Access::Read, RwLookup::new(RwTag::Stack, id, address, value));
    }

    /// Writes the stack slot at `address`, not moving the pointer. Returns the cells of the
    /// slot's old content (`value_prev`, which the state circuit pins), for the gadget to
    /// assign.
    pub fn stack_write_at(
        &mut self,
        name: &'static str,
        address: Expression<F>,
        value: Word<F>,
    ) -> WordCells {
        let id = self.cur.call_id.clone();
        let value_prev = self.query_word();
        let rw = RwLookup::new(RwTag::Stack, id, address, value);
        self.rw_lookup(name, Access::Write(value_prev.expr()), rw);
        value_prev
    }

    /// The stack slot `depth` items below the current top (0 = top), counting the pops and
    /// pushes declared so far.
    pub fn stack_slot(&self, depth: i64) -> Expression<F> {
        self.stack_address(-1 - depth)
    }

    /// Reads or writes a field of the current call's context.
    pub fn call_context(
        &mut self,
        name: &'static str,
        field: CallContextField,
        value: Word<F>,
        access: Access<F>,
    ) {
        self.call_context_tag(name, constant(call_context_field_tag(field)), value, access);
    }

    /// Reads or writes the current call's context field with tag expression `field`.
    pub fn call_context_tag(
        &mut self,
        name: &'static str,
        field: Expression<F>,
        value: Word<F>,
        access: Access<F>,
    ) {
        let id = self.cur.call_id.clone();
        let rw = RwLookup::new(RwTag::CallContext, id, constant(0), value).field(field);
        self.rw_lookup(name, access, rw);
    }

    /// Reads or writes a field of an account.
    pub fn account(
        &mut self,
        name: &'static str,
        address: Word<F>,
        field: AccountField,
        value: Word<F>,
        access: Access<F>,
    ) {
        let address = address.lo + address.hi * two_pow_128();
        let rw = RwLookup::new(RwTag::Account, constant(0), address, value)
            .field(constant(account_field_tag(field)));
        self.rw_lookup(name, access, rw);
    }

    /// Reads or writes memory word `word_addr` of the current call.
    pub fn memory_word(
        &mut self,
        name: &'static str,
        word_addr: Expression<F>,
        value: Word<F>,
        access: Access<F>,
    ) {
        let id = self.cur.call_id.clone();
        self.rw_lookup(name, access, RwLookup::new(RwTag::Memory, id, word_addr, value));
    }

    /// Pops the top item.
    pub fn stack_pop(&mut self, name: &'static str, value: Word<F>) {
        let address = self.stack_address(-1);
        self.stack_read_at(name, address, value);
        self.stack_offset -= 1;
    }

    /// Pops the top item when `cond` (0 or 1) is 1; later stack addresses count the pop only
    /// then.
    pub fn stack_pop_if(&mut self, name: &'static str, cond: Expression<F>, value: Word<F>) {
        let address = self.stack_address(-1);
        self.when(cond.clone(), |cb| cb.stack_read_at(name, address, value));
        self.stack_dynamic = self.stack_dynamic.clone() - cond;
    }

    /// Pushes an item; returns the cells of the slot's old content.
    pub fn stack_push(&mut self, name: &'static str, value: Word<F>) -> WordCells {
        let address = self.stack_address(0);
        let prev = self.stack_write_at(name, address, value);
        self.stack_offset += 1;
        prev
    }

    /// Moves the stack pointer without an RW (DUP's net push after its reads).
    pub fn stack_move(&mut self, delta: i64) {
        self.stack_offset += delta;
    }

    fn stack_address(&self, offset: i64) -> Expression<F> {
        let offset = self.stack_offset + offset;
        let magnitude = constant(offset.unsigned_abs());
        let pointer = self.cur.stack_pointer.clone() + self.stack_dynamic.clone();
        if offset >= 0 {
            pointer + magnitude
        } else {
            pointer - magnitude
        }
    }

    /// Net stack change so far, conditional pops included.
    pub fn stack_delta_expr(&self) -> Expression<F> {
        let offset = self.stack_offset;
        let fixed =
            if offset >= 0 { constant(offset as u64) } else { -constant(offset.unsigned_abs()) };
        fixed + self.stack_dynamic.clone()
    }

    /// RWs declared so far (an expression when some are conditional).
    pub fn rw_count(&self) -> Expression<F> {
        self.rw_offset.clone()
    }

    /// What the gadget stated.
    pub fn finish(self) -> GadgetSpec<F> {
        let usage = CellUsage {
            general: self.cells.used(CellType::General),
            bytes: self.cells.used(CellType::Byte),
            lookups: self.lookups.len(),
            rows: self.cells.rows_used(),
        };
        GadgetSpec {
            constraints: self.constraints.into_constraints(),
            lookups: self.lookups,
            usage,
        }
    }
}
