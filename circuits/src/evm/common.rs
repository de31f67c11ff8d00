//! What every opcode step checks: the opcode at `pc` (bytecode lookup), its stack effect and
//! stack bounds (fixed-table lookup), its gas, and its [`StepTransition`] to the next step.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Error, Expression};
use zkevm_trace::opcodes;

use super::assign::StepAssigner;
use super::builder::{from_bytes, EvmBuilder};
use super::cell::Cell;
use super::spec::STACK_LIMIT;
use super::transition::{StepTransition, Transition};
use super::witness::StepWitness;
use crate::constraint_builder::constant;
use crate::table::FixedTableTag;

/// How a step's gas cost is known.
#[derive(Clone, Debug)]
pub enum GasCost<F: PrimeField> {
    /// The opcode's constant gas, from the fixed table.
    Constant,
    /// An expression the gadget computed.
    Dynamic(Expression<F>),
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
    /// States the checks and `transition` (build it after the gadget's stack and RW
    /// declarations: [`StepTransition::same_context`] reads their totals).
    pub fn configure<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        gas: GasCost<F>,
        transition: StepTransition<F>,
    ) -> Self {
        Self::configure_fetching(cb, gas, transition, constant(1))
    }

    /// [`OpcodeStep::configure`] where the opcode is read from the code only when `fetched`
    /// is 1 (STOP also runs at the end of the code, where there is no byte to read).
    pub fn configure_fetching<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        gas: GasCost<F>,
        transition: StepTransition<F>,
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
        // An opcode's step pays its cost, unless the transition sets the gas (a call).
        if matches!(transition.gas_left, Transition::Any) {
            cb.require_equal("gas is charged", next.gas_left.clone(), cur.gas_left - cost);
        }
        cb.require_equal("no out of gas", next.gas_left, from_bytes(&gas_after));
        transition.constrain(cb);
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
