//! Exceptional halts of the root call: the step proves that its opcode cannot run, consumes
//! all the gas left and undoes the call's writes.
//!
//! Every exceptional halt has the same effect (Yellow Paper §9.4.2, "exceptional halting"):
//! the call fails, all its gas is consumed and its state changes are reverted. Which of
//! several failing conditions revm reports first therefore does not change the outcome; what
//! the gadget must prove is that *one* of them holds, so that an affordable, well-formed step
//! can never be claimed to halt. The conditions proven here, one of which the prover picks
//! with a one-hot `kind`:
//!
//! - out of gas for an opcode whose cost is constant (fixed-table `ConstantGas`):
//!   `gas_left < cost`, as `cost − 1 − gas_left` on 8 bytes;
//! - stack underflow: `stack_pointer < pops`, as `pops − 1 − stack_pointer` on 2 bytes;
//! - stack overflow: `stack_pointer − pops + pushes > 1024`, as its excess over 1025 on 2 bytes;
//! - invalid opcode: the byte is INVALID (0xfe) or unassigned (fixed-table `OpcodeStack`
//!   says it is not valid).
//!
//! Cells a kind does not use are pinned to zero. The opcode is the byte at `pc` of the running
//! code. The step makes no RWs of its own (the
//! executor records none for a halt); the call's reversion writes follow, and EndTx starts
//! with no gas left.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Error;
use zkevm_trace::opcodes;
use zkevm_trace::trace::ExecError;

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{from_bytes, EvmBuilder, IsZeroCells};
use crate::evm::cell::Cell;
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{AssignError, ExecutionGadget, Gadget, StepGadget, Unsupported};
use crate::evm::spec::STACK_LIMIT;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::table::FixedTableTag;
use zkevm_trace::trace::StepKind;

/// INVALID, the designated invalid opcode.
pub const INVALID: u8 = 0xfe;

/// The halt conditions the gadget proves, in `kind` order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    OutOfConstantGas = 0,
    StackUnderflow = 1,
    StackOverflow = 2,
    InvalidOpcode = 3,
}

/// The condition that holds for a halt at `opcode` with `sp` stack items and `gas_left`, if
/// the gadget covers one. Found from the facts, never from the executor's label: revm names
/// some stack underflows overflows, and a gadget that proved the named condition would reject
/// those honest traces.
fn kind_of(opcode: u8, sp: u64, gas_left: u64) -> Option<Kind> {
    let props = opcodes::properties(opcode);
    let (pops, pushes) = (props.stack_in as u64, props.stack_out as u64);
    if !props.valid || opcode == INVALID {
        Some(Kind::InvalidOpcode)
    } else if sp < pops {
        Some(Kind::StackUnderflow)
    } else if sp - pops + pushes > STACK_LIMIT {
        Some(Kind::StackOverflow)
    } else {
        props.constant_gas.filter(|cost| gas_left < *cost).map(|_| Kind::OutOfConstantGas)
    }
}

/// The condition a label names (only for a forged witness, whose facts fit none).
fn labelled(error: &ExecError) -> Option<Kind> {
    match error {
        ExecError::OutOfGas => Some(Kind::OutOfConstantGas),
        ExecError::StackUnderflow => Some(Kind::StackUnderflow),
        ExecError::StackOverflow => Some(Kind::StackOverflow),
        ExecError::InvalidOpcode => Some(Kind::InvalidOpcode),
        _ => None,
    }
}

/// Whether one of the conditions [`ErrorGadget`] proves holds for a halt at `opcode` with `sp`
/// stack items and `gas_left`.
pub fn covered(opcode: u8, sp: u64, gas_left: u64) -> bool {
    kind_of(opcode, sp, gas_left).is_some()
}

/// Whether [`ErrorGadget`] covers a halt labelled `error` at `opcode`: a stack error or an
/// invalid opcode, or out of gas on an opcode of constant cost (dynamic costs have gadgets of
/// their own). The condition it proves is then found from the step's facts.
pub fn provable(opcode: u8, error: &ExecError) -> bool {
    match error {
        ExecError::OutOfGas => opcodes::properties(opcode).constant_gas.is_some(),
        ExecError::StackUnderflow | ExecError::StackOverflow | ExecError::InvalidOpcode => true,
        _ => false,
    }
}

/// An exceptional halt of the root call.
#[derive(Clone, Debug)]
pub struct ErrorGadget {
    /// One-hot: which condition is proven.
    kind: [Cell; 4],
    /// The opcode's constant gas (out of gas).
    cost: Cell,
    /// `cost − 1 − gas_left` (out of gas).
    shortfall: [Cell; 8],
    /// The opcode's row in `OpcodeStack` (stack errors, invalid opcode).
    valid: Cell,
    stack_in: Cell,
    stack_out: Cell,
    /// `pops − 1 − sp` (underflow) or `sp − pops + pushes − 1025` (overflow).
    stack_excess: [Cell; 2],
    /// `opcode − 0xfe` is zero.
    is_invalid_byte: IsZeroCells,
}

impl Gadget for ErrorGadget {
    const NAME: &'static str = "exceptional halt";
    const STATE: ExecutionState = ExecutionState::ErrorHalt;

    fn claims(step: &StepKind) -> bool {
        matches!(step, StepKind::Error { opcode, error } if provable(*opcode, error))
    }

    fn supports(w: &StepWitness<'_>) -> Result<(), Unsupported> {
        if !covered(w.values.opcode as u8, w.values.stack_pointer, w.values.gas_left) {
            return Err(Unsupported::new(
                "exceptional halt whose condition the circuit does not prove",
            ));
        }
        if w.rws.len() as u64 != w.values.reversible_write_counter {
            // The halt changed state before failing (SSTORE's slot load): not covered yet.
            return Err(Unsupported::new(format!(
                "error at {} after a state change",
                crate::evm::execution_state::opcode_name(w.values.opcode as u8)
            )));
        }
        Ok(())
    }
}

impl<F: PrimeField> ExecutionGadget<F> for ErrorGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (cur, next) = (cb.cur.clone(), cb.next.clone());
        let opcode = cur.opcode.clone();
        cb.bytecode_lookup("halt: opcode at pc", cur.pc.clone(), opcode.clone(), constant(1));

        let kind = [(); 4].map(|_| cb.query_bool("halt: kind is boolean"));
        let one_hot = kind.iter().fold(constant(0), |acc, k| acc + k.expr());
        cb.require_equal("halt: exactly one kind", one_hot, constant(1));
        let is = |k: Kind| kind[k as usize].expr::<F>();

        // Out of gas: gas_left < cost.
        let cost = cb.query_cell();
        let shortfall = [(); 8].map(|_| cb.query_byte());
        cb.when(is(Kind::OutOfConstantGas), |cb| {
            cb.fixed_lookup(
                "halt: constant gas",
                FixedTableTag::ConstantGas,
                vec![opcode.clone(), cost.expr()],
            );
            cb.require_equal(
                "halt: gas left is below the cost",
                cost.expr() - constant(1) - cur.gas_left.clone(),
                from_bytes(&shortfall),
            );
        });

        // The opcode's stack effect and validity.
        let (valid, stack_in, stack_out) = (cb.query_cell(), cb.query_cell(), cb.query_cell());
        let uses_table =
            is(Kind::StackUnderflow) + is(Kind::StackOverflow) + is(Kind::InvalidOpcode);
        cb.when(uses_table, |cb| {
            cb.fixed_lookup(
                "halt: opcode stack effect",
                FixedTableTag::OpcodeStack,
                vec![opcode.clone(), valid.expr(), stack_in.expr(), stack_out.expr()],
            );
        });
        let stack_excess = [cb.query_byte(), cb.query_byte()];
        let sp = cur.stack_pointer.clone();
        cb.when(is(Kind::StackUnderflow), |cb| {
            cb.require_equal(
                "halt: stack underflow needs a valid opcode",
                valid.expr(),
                constant(1),
            );
            cb.require_equal(
                "halt: fewer items than the opcode pops",
                stack_in.expr() - constant(1) - sp.clone(),
                from_bytes(&stack_excess),
            );
        });
        cb.when(is(Kind::StackOverflow), |cb| {
            cb.require_equal(
                "halt: stack overflow needs a valid opcode",
                valid.expr(),
                constant(1),
            );
            cb.require_equal(
                "halt: more than 1024 items after the opcode",
                sp.clone() - stack_in.expr() + stack_out.expr() - constant(STACK_LIMIT + 1),
                from_bytes(&stack_excess),
            );
        });
        let is_invalid_byte =
            cb.is_zero("halt: INVALID", opcode.clone() - constant(u64::from(INVALID)));
        cb.when(is(Kind::InvalidOpcode), |cb| {
            cb.require_zero(
                "halt: INVALID or an unassigned byte",
                valid.expr() * (constant(1) - is_invalid_byte.is_zero.expr()),
            );
        });

        // Cells a kind does not use are pinned to zero.
        cb.when(constant(1) - is(Kind::OutOfConstantGas), |cb| {
            cb.require_zero("halt: unused cost", cost.expr());
            for cell in &shortfall {
                cb.require_zero("halt: unused shortfall", cell.expr());
            }
        });
        cb.when(is(Kind::OutOfConstantGas), |cb| {
            for cell in [&valid, &stack_in, &stack_out] {
                cb.require_zero("halt: unused opcode facts", cell.expr());
            }
        });
        cb.when(is(Kind::OutOfConstantGas) + is(Kind::InvalidOpcode), |cb| {
            for cell in &stack_excess {
                cb.require_zero("halt: unused stack excess", cell.expr());
            }
        });

        // All gas is consumed; the call's writes are undone; EndTx follows.
        cb.require_zero("halt: no gas left", next.gas_left);
        StepTransition::end_tx_reverted(cb, constant(0), constant(0)).constrain(cb);
        Self { kind, cost, shortfall, valid, stack_in, stack_out, stack_excess, is_invalid_byte }
    }
}

impl<F: PrimeField> StepGadget<F> for ErrorGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        let zkevm_trace::trace::StepKind::Error { opcode, error } = &w.step.kind else {
            return Err(Error::Synthesis.into());
        };
        // Witness generation refuses a halt no condition of which holds; a forged witness
        // (built without that check) claims the label's, and the constraints judge it.
        let kind = kind_of(*opcode, w.values.stack_pointer, w.values.gas_left)
            .or_else(|| labelled(error))
            .ok_or(Error::Synthesis)?;
        for (i, cell) in self.kind.iter().enumerate() {
            a.assign_u64(*cell, (i == kind as usize) as u64);
        }
        let props = opcodes::properties(*opcode);
        let sp = w.values.stack_pointer;
        let (pops, pushes) = (props.stack_in as u64, props.stack_out as u64);
        // Unused cells hold their pinned zeros (assigned, like every cell the gadget owns).
        a.assign_u64(self.cost, 0);
        a.assign_bytes(&self.shortfall, 0);
        a.assign_bytes(&self.stack_excess, 0);
        for cell in [self.valid, self.stack_in, self.stack_out] {
            a.assign_u64(cell, 0);
        }
        match kind {
            Kind::OutOfConstantGas => {
                let cost = props.constant_gas.ok_or(Error::Synthesis)?;
                a.assign_u64(self.cost, cost);
                a.assign_bytes(
                    &self.shortfall,
                    cost.wrapping_sub(1).wrapping_sub(w.values.gas_left),
                );
            }
            Kind::StackUnderflow => {
                a.assign_bytes(&self.stack_excess, pops.wrapping_sub(1).wrapping_sub(sp))
            }
            Kind::StackOverflow => {
                let excess = (sp + pushes).wrapping_sub(pops).wrapping_sub(STACK_LIMIT + 1);
                a.assign_bytes(&self.stack_excess, excess)
            }
            Kind::InvalidOpcode => {}
        }
        if kind != Kind::OutOfConstantGas {
            a.assign_u64(self.valid, props.valid as u64);
            a.assign_u64(self.stack_in, pops);
            a.assign_u64(self.stack_out, pushes);
        }
        a.assign_is_zero(
            self.is_invalid_byte,
            F::from(u64::from(*opcode)) - F::from(u64::from(INVALID)),
        );
        Ok(())
    }
}
