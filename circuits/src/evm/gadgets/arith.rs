//! SDIV, SMOD, ADDMOD, MULMOD and EXP: the step pops its operands, pushes the result, and
//! claims `result = op(a, b, c)` by one lookup into the [`ArithTable`] of the arithmetic
//! circuit, which proves the operation (Yellow Paper appendix H; EXP's gas is EIP-160's
//! `10 + 50·bytes(exponent)`, with the byte length taken from the same claim). The table's
//! words are canonical, so the values pushed are.

use alloy_primitives::U256;
use halo2_proofs::halo2curves::ff::PrimeField;

use crate::arith::ArithTable;
use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{EvmBuilder, WordCells};
use crate::evm::cell::{Cell, LookupTable};
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::reader::StepReader;
use crate::evm::spec::{EXP_BYTE_GAS, EXP_GAS};
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

fn limbs<F: PrimeField>(w: &WordCells) -> [halo2_proofs::plonk::Expression<F>; 2] {
    [w.lo.expr(), w.hi.expr()]
}

/// SDIV, SMOD (two operands) and ADDMOD, MULMOD (three).
#[derive(Clone, Debug)]
pub struct SignedModArithGadget {
    common: OpcodeStep,
    /// 1 for ADDMOD/MULMOD.
    three: Cell,
    /// 1 for SMOD and MULMOD.
    alt: Cell,
    a: WordCells,
    b: WordCells,
    /// The modulus (ADDMOD/MULMOD), else 0.
    n: WordCells,
    result: WordCells,
    prev: WordCells,
}

impl Gadget for SignedModArithGadget {
    const NAME: &'static str = "SDIV/SMOD/ADDMOD/MULMOD";
    const STATE: ExecutionState = ExecutionState::SignedModArith;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x05, 0x07, 0x08, 0x09])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for SignedModArithGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let three = cb.query_bool("SDIV/SMOD/ADDMOD/MULMOD: three operands is boolean");
        let alt = cb.query_bool("SDIV/SMOD/ADDMOD/MULMOD: alt is boolean");
        let opcode = cb.cur.opcode.clone();
        // SDIV 0x05, SMOD 0x07, ADDMOD 0x08, MULMOD 0x09.
        let (t, s) = (three.expr(), alt.expr());
        cb.require_equal(
            "SDIV/SMOD/ADDMOD/MULMOD: opcode",
            opcode.clone(),
            (constant(1) - t.clone()) * (constant(5) + constant(2) * s.clone())
                + t.clone() * (constant(8) + s),
        );
        let (a, b, n, result) =
            (cb.query_word(), cb.query_word(), cb.query_word(), cb.query_word());
        cb.stack_pop("SDIV/SMOD/ADDMOD/MULMOD: a", a.expr());
        cb.stack_pop("SDIV/SMOD/ADDMOD/MULMOD: b", b.expr());
        cb.stack_pop_if("ADDMOD/MULMOD: n", t.clone(), n.expr());
        cb.when(constant(1) - t, |cb| {
            cb.require_zero("SDIV/SMOD: no third operand", n.lo.expr());
            cb.require_zero("SDIV/SMOD: no third operand", n.hi.expr());
        });
        let prev = cb.stack_push("SDIV/SMOD/ADDMOD/MULMOD: result", result.expr());
        let tuple =
            ArithTable::lookup_tuple(opcode, [limbs(&a), limbs(&b), limbs(&n), limbs(&result)]);
        cb.lookup(LookupTable::Arith, "SDIV/SMOD/ADDMOD/MULMOD: the arithmetic table", tuple);
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, three, alt, a, b, n, result, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for SignedModArithGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let opcode = w.values.opcode;
        let three = matches!(opcode, 0x08 | 0x09);
        a.assign_u64(self.three, three as u64);
        a.assign_u64(self.alt, matches!(opcode, 0x07 | 0x09) as u64);
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        a.assign_word(self.a, word_limbs(r.stack_pop()?));
        a.assign_word(self.b, word_limbs(r.stack_pop()?));
        let n = if three { r.stack_pop()? } else { U256::ZERO };
        a.assign_word(self.n, word_limbs(n));
        let pushed = r.stack_push()?;
        a.assign_word(self.result, word_limbs(pushed.value));
        a.assign_word(self.prev, word_limbs(pushed.prev));
        r.finish()?;
        Ok(())
    }
}

/// EXP.
#[derive(Clone, Debug)]
pub struct ExpGadget {
    common: OpcodeStep,
    base: WordCells,
    exponent: WordCells,
    /// The exponent's byte length (from the claim).
    bytes: Cell,
    result: WordCells,
    prev: WordCells,
}

impl Gadget for ExpGadget {
    const NAME: &'static str = "EXP";
    const STATE: ExecutionState = ExecutionState::Exp;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x0a])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for ExpGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("EXP: opcode", opcode.clone(), constant(0x0a));
        let (base, exponent, result) = (cb.query_word(), cb.query_word(), cb.query_word());
        let bytes = cb.query_cell();
        cb.stack_pop("EXP: base", base.expr());
        cb.stack_pop("EXP: exponent", exponent.expr());
        let prev = cb.stack_push("EXP: base^exponent", result.expr());
        let tuple = ArithTable::lookup_tuple(
            opcode,
            [limbs(&base), limbs(&exponent), [bytes.expr(), constant(0)], limbs(&result)],
        );
        cb.lookup(LookupTable::Arith, "EXP: the arithmetic table", tuple);
        let gas = constant(EXP_GAS) + constant(EXP_BYTE_GAS) * bytes.expr();
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Dynamic(gas), transition);
        Self { common, base, exponent, bytes, result, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for ExpGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (base, exponent) = (r.stack_pop()?, r.stack_pop()?);
        let pushed = r.stack_push()?;
        a.assign_word(self.base, word_limbs(base));
        a.assign_word(self.exponent, word_limbs(exponent));
        a.assign_u64(self.bytes, exponent.bit_len().div_ceil(8) as u64);
        a.assign_word(self.result, word_limbs(pushed.value));
        a.assign_word(self.prev, word_limbs(pushed.prev));
        r.finish()?;
        Ok(())
    }
}
