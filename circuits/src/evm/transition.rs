//! Declarative step transitions: how each field of the step state moves from a step to the
//! next one, and which states may follow.
//!
//! A gadget says what its step does to the registers ([`StepTransition`]); the framework
//! writes the constraints. The usual transitions have constructors: the next opcode of the
//! same call ([`StepTransition::same_context`], with the RW counter, stack pointer and
//! reversible-write counter moved by what the builder counted), the end of the root call
//! ([`StepTransition::end_tx`], [`StepTransition::end_tx_reverted`]), and the two a call needs:
//! entering a new call context ([`StepTransition::enter_call`]) and returning to the caller
//! ([`StepTransition::return_to_caller`]).

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use super::builder::EvmBuilder;
use super::execution_state::ExecutionState;
use crate::constraint_builder::constant;

/// How one step-state field moves to the next step.
#[derive(Clone, Debug)]
pub enum Transition<F: PrimeField> {
    /// The next step holds the same value.
    Same,
    /// The next step holds this step's value plus the expression.
    Delta(Expression<F>),
    /// The next step holds the expression.
    To(Expression<F>),
    /// Not constrained here (the next step, or another constraint of the gadget, pins it).
    Any,
}

/// Which states may run next.
#[derive(Clone, Debug)]
pub enum NextStates {
    /// Any state (the next step's own constraints decide).
    Any,
    /// One of these states; the constraint's name says why.
    OneOf(&'static str, Vec<ExecutionState>),
}

/// Where a step leads: per field of the step state, how it moves, and which states follow.
#[derive(Clone, Debug)]
pub struct StepTransition<F: PrimeField> {
    /// Gas left (a step that runs an opcode sets it from its cost, see
    /// [`OpcodeStep`](super::common::OpcodeStep)).
    pub gas_left: Transition<F>,
    /// The RW counter.
    pub rw_counter: Transition<F>,
    /// The call id.
    pub call_id: Transition<F>,
    /// The transaction id.
    pub tx_id: Transition<F>,
    /// Which states may follow.
    pub next_states: NextStates,
    /// The running code's hash (both limbs; `To` takes the low and the high limb).
    pub code_hash: Transition<F>,
    /// The high limb's target when `code_hash` is `To` (ignored otherwise).
    pub code_hash_hi: Option<Expression<F>>,
    /// The program counter.
    pub pc: Transition<F>,
    /// The stack pointer.
    pub stack_pointer: Transition<F>,
    /// The memory size in words.
    pub memory_word_size: Transition<F>,
    /// The call's reversible writes so far.
    pub reversible_write_counter: Transition<F>,
    /// The transaction's logs so far.
    pub log_id: Transition<F>,
    /// Whether the call's writes persist.
    pub is_persistent: Transition<F>,
    /// The last RW counter of the call's reversion range.
    pub rw_counter_end_of_reversion: Transition<F>,
    /// Conditions the transition relies on, stated before it (a reverted call's range).
    pub preconditions: Vec<(&'static str, Expression<F>)>,
    /// Constraint names that say more than a field's default name (which names the field).
    pub names: FieldNames,
}

/// The names of a transition's field constraints that depend on the transition.
#[derive(Clone, Copy, Debug)]
pub struct FieldNames {
    /// The RW counter's.
    pub rw_counter: &'static str,
    /// The log id's.
    pub log_id: &'static str,
}

impl Default for FieldNames {
    fn default() -> Self {
        Self { rw_counter: "rw_counter advances", log_id: "log id counts logs" }
    }
}

impl<F: PrimeField> StepTransition<F> {
    /// Nothing constrained: the base the constructors fill in.
    pub fn any() -> Self {
        Self {
            gas_left: Transition::Any,
            rw_counter: Transition::Any,
            call_id: Transition::Any,
            tx_id: Transition::Any,
            next_states: NextStates::Any,
            code_hash: Transition::Any,
            code_hash_hi: None,
            pc: Transition::Any,
            stack_pointer: Transition::Any,
            memory_word_size: Transition::Any,
            reversible_write_counter: Transition::Any,
            log_id: Transition::Any,
            is_persistent: Transition::Any,
            rw_counter_end_of_reversion: Transition::Any,
            preconditions: Vec::new(),
            names: FieldNames::default(),
        }
    }

    /// The next opcode of the same call, at `pc + 1`: the RW counter, the stack pointer and
    /// the reversible-write counter move by what `cb` counted so far (call it after the
    /// gadget's RWs); memory, logs, persistence and the reversion range stay.
    pub fn same_context(cb: &EvmBuilder<F>) -> Self {
        Self {
            rw_counter: Transition::Delta(cb.rw_count()),
            call_id: Transition::Same,
            tx_id: Transition::Same,
            next_states: NextStates::OneOf("an opcode follows", cb.opcode_states()),
            code_hash: Transition::Same,
            pc: Transition::Delta(constant(1)),
            stack_pointer: Transition::Delta(cb.stack_delta_expr()),
            memory_word_size: Transition::Same,
            reversible_write_counter: Transition::Delta(cb.reversible_writes()),
            log_id: Transition::Delta(constant(0)),
            is_persistent: Transition::Same,
            rw_counter_end_of_reversion: Transition::Same,
            ..Self::any()
        }
    }

    /// The program counter moves as `pc` says (jumps, PUSH).
    pub fn with_pc(mut self, pc: Transition<F>) -> Self {
        self.pc = pc;
        self
    }

    /// The memory grows to `words` words.
    pub fn with_memory_size(mut self, words: Expression<F>) -> Self {
        self.memory_word_size = Transition::To(words);
        self
    }

    /// The step emits one log.
    pub fn with_log(mut self) -> Self {
        self.log_id = Transition::Delta(constant(1));
        self
    }

    /// The root call ends and EndTx follows, with the call's log count.
    pub fn end_tx(cb: &EvmBuilder<F>) -> Self {
        Self {
            rw_counter: Transition::Delta(cb.rw_count()),
            call_id: Transition::Same,
            tx_id: Transition::Same,
            next_states: NextStates::OneOf(
                "EndTx follows the root call's end",
                vec![ExecutionState::EndTx],
            ),
            log_id: Transition::Same,
            names: FieldNames { log_id: "log id carried to EndTx", ..FieldNames::default() },
            ..Self::any()
        }
    }

    /// The root call ends and its writes are undone, after the step's `own` RWs, `own_writes`
    /// of which are reversible writes of its own (REVERT and the exceptional halts). The call
    /// must not persist; its reversion range is the `reversible_write_counter + own_writes`
    /// RWs right after the step's own, ending at the call's `rw_counter_end_of_reversion` (so
    /// every reversible write's undo, at `end − i`, lies in it); the RW counter jumps over
    /// the range; EndTx follows, and the receipt counts none of the call's logs (a root call
    /// starts with log id 0).
    pub fn end_tx_reverted(
        cb: &EvmBuilder<F>,
        own: Expression<F>,
        own_writes: Expression<F>,
    ) -> Self {
        let cur = &cb.cur;
        let after_own = cur.rw_counter.clone() + own;
        let range = cur.reversible_write_counter.clone() + own_writes;
        Self {
            rw_counter: Transition::To(after_own.clone() + range.clone()),
            next_states: NextStates::OneOf(
                "EndTx follows the root call's end",
                vec![ExecutionState::EndTx],
            ),
            log_id: Transition::To(constant(0)),
            names: FieldNames {
                rw_counter: "reverted: rw_counter jumps over the reversion range",
                log_id: "reverted: the call's logs are dropped",
            },
            preconditions: vec![
                ("reverted: the call does not persist", cur.is_persistent.clone()),
                (
                    "reverted: the reversion range follows the step's RWs",
                    cur.rw_counter_end_of_reversion.clone() + constant(1) - (after_own + range),
                ),
            ],
            ..Self::any()
        }
    }

    /// Entering a new call context (a call's first step): the callee's `call_id`, its code
    /// (`code_hash` limbs), pc 0, an empty stack and memory, no reversible writes yet, its
    /// persistence and reversion range, `gas` forwarded, the RW counter moved by what `cb`
    /// counted. The transaction and the log id carry on.
    #[allow(dead_code)] // The call gadgets' (docs/status.md); `registry.rs` tests it meanwhile.
    pub fn enter_call(cb: &EvmBuilder<F>, callee: CallFrame<F>) -> Self {
        Self {
            gas_left: Transition::To(callee.gas_left),
            rw_counter: Transition::Delta(cb.rw_count()),
            call_id: Transition::To(callee.call_id),
            tx_id: Transition::Same,
            next_states: NextStates::OneOf("a callee's opcode follows", cb.opcode_states()),
            code_hash: Transition::To(callee.code_hash.0),
            code_hash_hi: Some(callee.code_hash.1),
            pc: Transition::To(constant(0)),
            stack_pointer: Transition::To(constant(0)),
            memory_word_size: Transition::To(constant(0)),
            reversible_write_counter: Transition::To(constant(0)),
            log_id: Transition::Same,
            is_persistent: Transition::To(callee.is_persistent),
            rw_counter_end_of_reversion: Transition::To(callee.rw_counter_end_of_reversion),
            ..Self::any()
        }
    }

    /// Returning to the caller (a callee's last step): the caller's frame as restored from
    /// its call context (its `call_id`, code, the pc after the call, its stack pointer with
    /// the success flag pushed, its memory size, its reversible writes plus the callee's when
    /// the callee succeeded, its persistence and range, its gas plus what the callee did not
    /// use), the RW counter moved by what `cb` counted.
    #[allow(dead_code)] // The call gadgets' (docs/status.md); `registry.rs` tests it meanwhile.
    pub fn return_to_caller(cb: &EvmBuilder<F>, caller: CallFrame<F>) -> Self {
        Self {
            gas_left: Transition::To(caller.gas_left),
            rw_counter: Transition::Delta(cb.rw_count()),
            call_id: Transition::To(caller.call_id),
            tx_id: Transition::Same,
            next_states: NextStates::OneOf("the caller's opcode follows", cb.opcode_states()),
            code_hash: Transition::To(caller.code_hash.0),
            code_hash_hi: Some(caller.code_hash.1),
            pc: Transition::To(caller.pc),
            stack_pointer: Transition::To(caller.stack_pointer),
            memory_word_size: Transition::To(caller.memory_word_size),
            reversible_write_counter: Transition::To(caller.reversible_write_counter),
            log_id: Transition::Same,
            is_persistent: Transition::To(caller.is_persistent),
            rw_counter_end_of_reversion: Transition::To(caller.rw_counter_end_of_reversion),
            ..Self::any()
        }
    }

    /// States the transition: the preconditions, then each field in step-state order (gas
    /// first), and which states follow. A field moved `To` a constant zero is stated as
    /// `next = 0`.
    pub fn constrain(self, cb: &mut EvmBuilder<F>) {
        for (name, expr) in self.preconditions {
            cb.require_zero(name, expr);
        }
        let (cur, next) = (cb.cur.clone(), cb.next.clone());
        let field = |cb: &mut EvmBuilder<F>,
                     name: &'static str,
                     how: Transition<F>,
                     cur: Expression<F>,
                     next: Expression<F>| match how {
            Transition::Same => cb.require_equal(name, next, cur),
            Transition::Delta(delta) => cb.require_equal(name, next, cur + delta),
            Transition::To(Expression::Constant(c)) if c == F::ZERO => cb.require_zero(name, next),
            Transition::To(value) => cb.require_equal(name, next, value),
            Transition::Any => {}
        };
        field(cb, "gas is charged", self.gas_left, cur.gas_left, next.gas_left);
        let names = self.names;
        field(cb, names.rw_counter, self.rw_counter, cur.rw_counter, next.rw_counter);
        field(cb, "same call", self.call_id, cur.call_id, next.call_id);
        field(cb, "same transaction", self.tx_id, cur.tx_id, next.tx_id);
        if let NextStates::OneOf(name, states) = &self.next_states {
            cb.require_next_in(name, states);
        }
        let code_hi = match (&self.code_hash, self.code_hash_hi) {
            (Transition::To(_), Some(hi)) => Transition::To(hi),
            (other, _) => other.clone(),
        };
        field(cb, "same code", self.code_hash, cur.code_hash_lo, next.code_hash_lo);
        field(cb, "same code", code_hi, cur.code_hash_hi, next.code_hash_hi);
        field(cb, "program counter", self.pc, cur.pc, next.pc);
        field(cb, "stack pointer", self.stack_pointer, cur.stack_pointer, next.stack_pointer);
        field(
            cb,
            "memory size",
            self.memory_word_size,
            cur.memory_word_size,
            next.memory_word_size,
        );
        field(
            cb,
            "reversible writes counted",
            self.reversible_write_counter,
            cur.reversible_write_counter,
            next.reversible_write_counter,
        );
        field(cb, names.log_id, self.log_id, cur.log_id, next.log_id);
        field(cb, "same persistence", self.is_persistent, cur.is_persistent, next.is_persistent);
        field(
            cb,
            "same reversion range",
            self.rw_counter_end_of_reversion,
            cur.rw_counter_end_of_reversion,
            next.rw_counter_end_of_reversion,
        );
    }
}

/// A call frame's registers, as expressions (what a call sets up for its callee, or what a
/// callee's return restores for its caller).
#[derive(Clone, Debug)]
#[allow(dead_code)] // The call gadgets' (docs/status.md); `registry.rs` tests it meanwhile.
pub struct CallFrame<F: PrimeField> {
    /// Its call id.
    pub call_id: Expression<F>,
    /// Its code hash, `(lo, hi)`.
    pub code_hash: (Expression<F>, Expression<F>),
    /// Its program counter.
    pub pc: Expression<F>,
    /// Its stack pointer.
    pub stack_pointer: Expression<F>,
    /// Its memory size in words.
    pub memory_word_size: Expression<F>,
    /// Its reversible writes.
    pub reversible_write_counter: Expression<F>,
    /// Its gas left.
    pub gas_left: Expression<F>,
    /// Whether its writes persist.
    pub is_persistent: Expression<F>,
    /// The last RW counter of its reversion range.
    pub rw_counter_end_of_reversion: Expression<F>,
}
