//! What every opcode step checks: the opcode at `pc` (bytecode lookup), its stack effect and
//! stack bounds (fixed-table lookup), its gas, and the transition to the next step in the same
//! call.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Error, Expression};
use zkevm_executor::opcodes;

use super::assign::StepAssigner;
use super::builder::{from_bytes, EvmBuilder};
use super::cell::Cell;
use super::execution_state::ExecutionState;
use super::witness::StepWitness;
use crate::constraint_builder::constant;
use crate::table::FixedTableTag;

/// The states that run an opcode.
pub fn opcode_states() -> Vec<ExecutionState> {
    ExecutionState::ALL.into_iter().filter(|s| s.is_opcode()).collect()
}

/// Maximum stack depth.
pub const STACK_LIMIT: u64 = 1024;

/// How a step's gas cost is known.
#[derive(Clone, Debug)]
pub enum GasCost<F: PrimeField> {
    /// The opcode's constant gas, from the fixed table.
    Constant,
    /// An expression the gadget computed.
    Dynamic(Expression<F>),
}

/// The next step's program counter.
#[derive(Clone, Debug)]
pub enum NextPc<F: PrimeField> {
    /// `pc + delta`.
    Advance(u64),
    /// An expression (jumps).
    To(Expression<F>),
}

/// Where the step leads.
#[derive(Clone, Debug)]
pub enum Transition<F: PrimeField> {
    /// The next opcode of the same call.
    SameContext(NextPc<F>),
    /// The next opcode of the same call, after this many reversible writes (storage, warm
    /// flags, refund counter).
    SameContextWrites(NextPc<F>, Expression<F>),
    /// The next opcode of the same call, with the memory grown to this many words.
    SameContextMemory(NextPc<F>, Expression<F>),
    /// The next opcode of the same call, with the memory grown to this many words, after this
    /// many reversible writes.
    SameContextMemoryWrites(NextPc<F>, Expression<F>, Expression<F>),
    /// The next opcode of the same call after a log: memory grown to this many words and
    /// the log id one more.
    SameContextLog(NextPc<F>, Expression<F>),
    /// The root call ends: EndTx follows.
    EndTx,
    /// The root call ends and its writes are undone (REVERT): after the step's own RWs come
    /// the call's reversion writes, one per reversible write, and EndTx follows with the
    /// call's logs dropped.
    EndTxReverted,
}

/// The common cells of an opcode step.
#[derive(Clone, Debug)]
pub struct OpcodeStep {
    stack_in: Cell,
    stack_out: Cell,
    /// `sp − in` as two bytes (no underflow).
    floor: [Cell; 2],
    /// `1024 − (sp − in + out)` as two bytes (no overflow).
    ceiling: [Cell; 2],
    /// The constant gas cost, when the opcode has one.
    gas_cost: Option<Cell>,
    /// Gas left after the step, as eight bytes (no out of gas).
    gas_after: [Cell; 8],
}

impl OpcodeStep {
    /// States the checks and the same-call transition. Call after the gadget's stack and RW
    /// declarations: it reads their totals.
    pub fn configure<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        gas: GasCost<F>,
        transition: Transition<F>,
    ) -> Self {
        Self::configure_fetching(cb, gas, transition, constant(1))
    }

    /// [`OpcodeStep::configure`] where the opcode is read from the code only when `fetched`
    /// is 1 (STOP also runs at the end of the code, where there is no byte to read).
    pub fn configure_fetching<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        gas: GasCost<F>,
        transition: Transition<F>,
        fetched: Expression<F>,
    ) -> Self {
        let opcode = cb.cur.opcode.clone();
        let (pc_now, sp) = (cb.cur.pc.clone(), cb.cur.stack_pointer.clone());
        cb.when(fetched, |cb| {
            cb.bytecode_lookup("opcode at pc", pc_now.clone(), opcode.clone(), constant(1));
        });

        let (stack_in, stack_out) = (cb.query_cell(), cb.query_cell());
        cb.fixed_lookup(
            "opcode stack effect",
            FixedTableTag::OpcodeStack,
            vec![opcode.clone(), constant(1), stack_in.expr(), stack_out.expr()],
        );
        let declared = cb.stack_delta_expr();
        cb.require_equal(
            "stack effect matches the opcode",
            stack_out.expr() - stack_in.expr(),
            declared.clone(),
        );
        let floor = [cb.query_byte(), cb.query_byte()];
        cb.require_equal("no stack underflow", sp.clone() - stack_in.expr(), from_bytes(&floor));
        let ceiling = [cb.query_byte(), cb.query_byte()];
        cb.require_equal(
            "no stack overflow",
            constant(STACK_LIMIT) - sp.clone() + stack_in.expr() - stack_out.expr(),
            from_bytes(&ceiling),
        );

        let (gas_cost, cost) = match gas {
            GasCost::Constant => {
                let cell = cb.query_cell();
                cb.fixed_lookup(
                    "constant gas",
                    FixedTableTag::ConstantGas,
                    vec![opcode, cell.expr()],
                );
                (Some(cell), cell.expr())
            }
            GasCost::Dynamic(cost) => (None, cost),
        };
        let gas_after = [(); 8].map(|_| cb.query_byte());
        let next = cb.next.clone();
        let cur = cb.cur.clone();
        cb.require_equal("gas is charged", next.gas_left.clone(), cur.gas_left.clone() - cost);
        cb.require_equal("no out of gas", next.gas_left.clone(), from_bytes(&gas_after));

        let rw_count = cb.rw_count();
        let reverted = matches!(transition, Transition::EndTxReverted);
        if reverted {
            require_reverted_end(cb, rw_count);
        } else {
            cb.require_equal("rw_counter advances", next.rw_counter, cur.rw_counter + rw_count);
        }
        cb.require_equal("same call", next.call_id, cur.call_id);
        cb.require_equal("same transaction", next.tx_id, cur.tx_id);
        let memory_now = cur.memory_word_size.clone();
        let (same_context, reversible, memory, logs) = match transition {
            Transition::SameContext(pc) => (Some(pc), constant(0), memory_now, constant(0)),
            Transition::SameContextWrites(pc, writes) => {
                (Some(pc), writes, memory_now, constant(0))
            }
            Transition::SameContextMemory(pc, words) => (Some(pc), constant(0), words, constant(0)),
            Transition::SameContextMemoryWrites(pc, words, writes) => {
                (Some(pc), writes, words, constant(0))
            }
            Transition::SameContextLog(pc, words) => (Some(pc), constant(0), words, constant(1)),
            Transition::EndTx | Transition::EndTxReverted => {
                (None, constant(0), memory_now, constant(0))
            }
        };
        match same_context {
            Some(pc) => {
                cb.require_next_in("an opcode follows", &opcode_states());
                cb.require_equal("same code", next.code_hash_lo, cur.code_hash_lo);
                cb.require_equal("same code", next.code_hash_hi, cur.code_hash_hi);
                let pc_next = match pc {
                    NextPc::Advance(delta) => pc_now + constant(delta),
                    NextPc::To(expr) => expr,
                };
                cb.require_equal("program counter", next.pc, pc_next);
                cb.require_equal("stack pointer", next.stack_pointer, sp + declared);
                cb.require_equal("memory size", next.memory_word_size, memory);
                cb.require_equal(
                    "reversible writes counted",
                    next.reversible_write_counter,
                    cur.reversible_write_counter + reversible,
                );
                cb.require_equal("log id counts logs", next.log_id, cur.log_id + logs);
                cb.require_equal("same persistence", next.is_persistent, cur.is_persistent);
                cb.require_equal(
                    "same reversion range",
                    next.rw_counter_end_of_reversion,
                    cur.rw_counter_end_of_reversion,
                );
            }
            None if reverted => {}
            None => {
                cb.require_next_in("EndTx follows the root call's end", &[ExecutionState::EndTx]);
                cb.require_equal("log id carried to EndTx", next.log_id, cur.log_id);
            }
        }
        Self { stack_in, stack_out, floor, ceiling, gas_cost, gas_after }
    }

    /// Assigns the common cells.
    pub fn assign<F: PrimeField>(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), Error> {
        let props = opcodes::properties(w.values.opcode as u8);
        let (stack_in, stack_out) = (props.stack_in as u64, props.stack_out as u64);
        a.assign_u64(self.stack_in, stack_in);
        a.assign_u64(self.stack_out, stack_out);
        let sp = w.values.stack_pointer;
        a.assign_bytes(&self.floor, sp.wrapping_sub(stack_in));
        a.assign_bytes(&self.ceiling, (STACK_LIMIT + stack_in).wrapping_sub(sp + stack_out));
        if let Some(cell) = self.gas_cost {
            a.assign_u64(cell, w.step.gas_cost);
        }
        a.assign_bytes(&self.gas_after, w.next.gas_left);
        Ok(())
    }
}

/// The root call ends and its writes are undone, after the step's `own` RWs (REVERT and the
/// exceptional halts). The call must not persist; its reversion range is the
/// `reversible_write_counter` RWs right after the step's own, ending at the call's
/// `rw_counter_end_of_reversion` (so every reversible write's undo, at `end − i`, lies in it);
/// the RW counter jumps over the range; EndTx follows, and the receipt counts none of the
/// call's logs (a root call starts with log id 0).
pub fn require_reverted_end<F: PrimeField>(cb: &mut EvmBuilder<F>, own: Expression<F>) {
    require_reverted_end_after_writes(cb, own, constant(0));
}

/// [`require_reverted_end`] for a step that makes `own_writes` reversible writes of its own
/// (counted in `own`) before it fails: the reversion range undoes those too.
pub fn require_reverted_end_after_writes<F: PrimeField>(
    cb: &mut EvmBuilder<F>,
    own: Expression<F>,
    own_writes: Expression<F>,
) {
    let (cur, next) = (cb.cur.clone(), cb.next.clone());
    cb.require_zero("reverted: the call does not persist", cur.is_persistent.clone());
    let after_own = cur.rw_counter.clone() + own;
    let range = cur.reversible_write_counter.clone() + own_writes;
    cb.require_equal(
        "reverted: the reversion range follows the step's RWs",
        cur.rw_counter_end_of_reversion.clone() + constant(1),
        after_own.clone() + range.clone(),
    );
    cb.require_equal(
        "reverted: rw_counter jumps over the reversion range",
        next.rw_counter,
        after_own + range,
    );
    cb.require_next_in("EndTx follows the root call's end", &[ExecutionState::EndTx]);
    cb.require_zero("reverted: the call's logs are dropped", next.log_id);
}

/// BeginTx, EndTx, padding and EndBlock run no code: by the trace's convention their program
/// counter, stack pointer, memory size and reversible write counter are zero, and they hold no
/// code hash. Fixing them leaves no step-state cell of these steps free for a prover to fill
/// at will.
pub fn require_no_code_state<F: PrimeField>(cb: &mut EvmBuilder<F>) {
    let cur = cb.cur.clone();
    cb.require_zero("outside code: no code hash", cur.code_hash_lo);
    cb.require_zero("outside code: no code hash", cur.code_hash_hi);
    cb.require_zero("outside code: pc is 0", cur.pc);
    cb.require_zero("outside code: empty stack", cur.stack_pointer);
    cb.require_zero("outside code: no memory", cur.memory_word_size);
    cb.require_zero("outside code: no reversible writes", cur.reversible_write_counter);
    cb.require_zero("outside code: no persistence flag", cur.is_persistent);
    cb.require_zero("outside code: no reversion range", cur.rw_counter_end_of_reversion);
}
