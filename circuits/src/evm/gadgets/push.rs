//! PUSH0..PUSH32: push the `n = opcode − 0x5f` bytes after the opcode as a big-endian word.
//!
//! `pushed[j] = [j < n]` (boolean, non-increasing, summing to `n`, which also pins the opcode
//! to `0x5f..=0x7f`). Little-endian value byte `j < n` is the code byte at `pc + n − j`, a push
//! data byte (`is_code = 0`), by bytecode lookup; the other bytes are zero.
//!
//! A PUSH whose immediate runs past the end of the code is valid EVM: the missing bytes read
//! as zero (Yellow Paper §9.4.1, the code is extended with zeros). They are the `m` lowest
//! value bytes (`missing[j] = [j < m]`, only among the pushed ones), and when `m > 0` the first
//! of them is at the code's length `L` (its header row): `pc + n + 1 − m = L`. So the bytes
//! looked up are exactly those inside the code.

use halo2_proofs::halo2curves::ff::PrimeField;

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{from_bytes, EvmBuilder, Word, WordCells};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::reader::StepReader;
use crate::evm::transition::{StepTransition, Transition};
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

/// The PUSH gadget.
#[derive(Clone, Debug)]
pub struct PushGadget {
    common: OpcodeStep,
    pushed: [Cell; 32],
    /// `[j < m]`: value byte `j` lies past the end of the code.
    missing: [Cell; 32],
    /// The running code's length.
    length: Cell,
    value: [Cell; 32],
    prev: WordCells,
}

impl Gadget for PushGadget {
    const NAME: &'static str = "PUSH";
    const STATE: ExecutionState = ExecutionState::Push;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, 0x5f..=0x7f)
    }
}

impl<F: PrimeField> ExecutionGadget<F> for PushGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let pushed = [(); 32].map(|_| cb.query_bool("PUSH: pushed flag is boolean"));
        let missing = [(); 32].map(|_| cb.query_bool("PUSH: missing flag is boolean"));
        let value = [(); 32].map(|_| cb.query_byte());
        let n = cb.cur.opcode.clone() - constant(0x5f);
        let count = pushed.iter().fold(constant(0), |acc, p| acc + p.expr());
        cb.require_equal("PUSH: n pushed bytes", count, n.clone());
        for j in 1..32 {
            cb.require_zero(
                "PUSH: pushed flags do not increase",
                pushed[j].expr() * (constant(1) - pushed[j - 1].expr()),
            );
            cb.require_zero(
                "PUSH: missing flags do not increase",
                missing[j].expr() * (constant(1) - missing[j - 1].expr()),
            );
        }
        let pc = cb.cur.pc.clone();
        let length = cb.query_cell();
        cb.code_length_lookup("PUSH: the code's length", length.expr());
        let m = missing.iter().fold(constant(0), |acc, p| acc + p.expr());
        // m > 0: the first missing byte, at pc + n − (m − 1), is the first past the code.
        cb.require_zero(
            "PUSH: missing bytes start at the end of the code",
            m.clone() * (pc.clone() + n.clone() + constant(1) - m - length.expr()),
        );
        for j in 0..32 {
            cb.require_zero(
                "PUSH: only pushed bytes are missing",
                missing[j].expr() * (constant(1) - pushed[j].expr()),
            );
            cb.when(pushed[j].expr() - missing[j].expr(), |cb| {
                cb.bytecode_lookup(
                    "PUSH: push data byte",
                    pc.clone() + n.clone() - constant(j as u64),
                    value[j].expr(),
                    constant(0),
                );
            });
            cb.when(constant(1) - pushed[j].expr() + missing[j].expr(), |cb| {
                cb.require_zero("PUSH: bytes past n or past the code are zero", value[j].expr());
            });
        }
        let word = Word { lo: from_bytes(&value[..16]), hi: from_bytes(&value[16..]) };
        let prev = cb.stack_push("PUSH: value", word);
        let transition =
            StepTransition::same_context(cb).with_pc(Transition::To(pc + constant(1) + n));
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, pushed, missing, length, value, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for PushGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let n = (w.values.opcode - 0x5f) as usize;
        let length = w.code.len();
        let missing = (w.values.pc as usize + n + 1).saturating_sub(length).min(n);
        a.assign_u64(self.length, length as u64);
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let pushed = r.stack_push()?;
        r.finish()?;
        let value = pushed.value.to_le_bytes::<32>();
        for (j, (pushed, byte)) in self.pushed.iter().zip(&self.value).enumerate() {
            a.assign_u64(*pushed, (j < n) as u64);
            a.assign_u64(self.missing[j], (j < missing) as u64);
            a.assign_u64(*byte, value[j] as u64);
        }
        a.assign_word(self.prev, word_limbs(pushed.prev));
        Ok(())
    }
}
