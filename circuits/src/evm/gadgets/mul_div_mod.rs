//! MUL (`a·b mod 2^256`) and DIV/MOD (`⌊a/b⌋`, `a mod b`, both 0 when `b = 0`), Yellow
//! Paper appendix H, through the shared [`MulAddWords`] relation.
//!
//! DIV and MOD witness the quotient `q` and remainder `r` of `a` by `b`: `q·b + r = a` with no
//! overflow, and `r < b` (as `r + δ + 1 = b` with `δ` 32 bytes) when `b ≠ 0`. For `b = 0` the
//! quotient is forced to 0, so the relation leaves `r = a`, and MOD pushes 0.

use halo2_proofs::halo2curves::ff::PrimeField;

use crate::constraint_builder::{constant, select};
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{two_pow_128, EvmBuilder, IsZeroCells, Word, WordBytes, WordCells};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::mul_add::{MulAddWords, Overflow};
use crate::evm::reader::StepReader;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use alloy_primitives::U256;
use zkevm_trace::trace::StepKind;

/// MUL.
#[derive(Clone, Debug)]
pub struct MulGadget {
    common: OpcodeStep,
    a: WordBytes,
    b: WordBytes,
    product: WordBytes,
    relation: MulAddWords,
    prev: WordCells,
}

impl Gadget for MulGadget {
    const NAME: &'static str = "MUL";
    const STATE: ExecutionState = ExecutionState::Mul;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x02])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for MulGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("MUL: opcode", opcode, constant(0x02));
        let (a, b, product) = (cb.query_word_bytes(), cb.query_word_bytes(), cb.query_word_bytes());
        cb.stack_pop("MUL: a", a.expr());
        cb.stack_pop("MUL: b", b.expr());
        let prev = cb.stack_push("MUL: a·b", product.expr());
        let relation = MulAddWords::configure(
            cb,
            &a.bytes,
            &b.bytes,
            Word::zero(),
            product.expr(),
            Overflow::Wraps,
        );
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, a, b, product, relation, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for MulGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (x, y) = (r.stack_pop()?, r.stack_pop()?);
        let pushed = r.stack_push()?;
        r.finish()?;
        a.assign_word_bytes(&self.a, x);
        a.assign_word_bytes(&self.b, y);
        a.assign_word_bytes(&self.product, x.wrapping_mul(y));
        self.relation.assign(a, x, y, U256::ZERO);
        a.assign_word(self.prev, word_limbs(pushed.prev));
        Ok(())
    }
}

/// DIV and MOD.
#[derive(Clone, Debug)]
pub struct DivModGadget {
    common: OpcodeStep,
    is_mod: Cell,
    dividend: WordCells,
    divisor: WordBytes,
    divisor_is_zero: IsZeroCells,
    quotient: WordBytes,
    remainder: WordBytes,
    relation: MulAddWords,
    /// `b − r − 1` when `b ≠ 0`, else 0.
    gap: WordBytes,
    gap_carry: Cell,
    prev: WordCells,
}

impl Gadget for DivModGadget {
    const NAME: &'static str = "DIV/MOD";
    const STATE: ExecutionState = ExecutionState::DivMod;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x04, 0x06])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for DivModGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let is_mod = cb.query_bool("DIV/MOD: is_mod is boolean");
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("DIV/MOD: opcode", opcode, constant(0x04) + constant(2) * is_mod.expr());
        let (dividend, divisor) = (cb.query_word(), cb.query_word_bytes());
        cb.stack_pop("DIV/MOD: dividend", dividend.expr());
        cb.stack_pop("DIV/MOD: divisor", divisor.expr());
        let b = divisor.expr::<F>();
        let divisor_is_zero = cb.is_zero("DIV/MOD: divisor is zero", b.lo.clone() + b.hi.clone());
        let (quotient, remainder) = (cb.query_word_bytes(), cb.query_word_bytes());
        let relation = MulAddWords::configure(
            cb,
            &quotient.bytes,
            &divisor.bytes,
            remainder.expr(),
            dividend.expr(),
            Overflow::Forbidden,
        );
        let zero = divisor_is_zero.is_zero.expr();
        let (gap, gap_carry) = (cb.query_word_bytes(), cb.query_bool("DIV/MOD: carry"));
        let (r, g) = (remainder.expr::<F>(), gap.expr::<F>());
        cb.when(constant(1) - zero.clone(), |cb| {
            // r + (b − r − 1) + 1 = b: the remainder is below the divisor.
            cb.require_equal(
                "DIV/MOD: remainder below divisor, low limb",
                r.lo.clone() + g.lo.clone() + constant(1),
                b.lo.clone() + gap_carry.expr() * two_pow_128(),
            );
            cb.require_equal(
                "DIV/MOD: remainder below divisor, high limb",
                r.hi.clone() + g.hi.clone() + gap_carry.expr(),
                b.hi.clone(),
            );
        });
        cb.when(zero.clone(), |cb| {
            for byte in quotient.bytes.iter().chain(&gap.bytes) {
                cb.require_zero("DIV/MOD: quotient 0 for divisor 0", byte.expr());
            }
            cb.require_zero("DIV/MOD: quotient 0 for divisor 0", gap_carry.expr());
        });
        let q = quotient.expr::<F>();
        let nonzero = constant(1) - zero;
        let result = Word {
            lo: select(is_mod.expr(), nonzero.clone() * r.lo, q.lo),
            hi: select(is_mod.expr(), nonzero * r.hi, q.hi),
        };
        let prev = cb.stack_push("DIV/MOD: result", result);
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self {
            common,
            is_mod,
            dividend,
            divisor,
            divisor_is_zero,
            quotient,
            remainder,
            relation,
            gap,
            gap_carry,
            prev,
        }
    }
}

impl<F: PrimeField> StepGadget<F> for DivModGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        a.assign_u64(self.is_mod, (w.values.opcode == 0x06) as u64);
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (x, y) = (r.stack_pop()?, r.stack_pop()?);
        let pushed = r.stack_push()?;
        r.finish()?;
        a.assign_word(self.dividend, word_limbs(x));
        a.assign_word_bytes(&self.divisor, y);
        let (lo, hi) = word_limbs(y);
        a.assign_is_zero(self.divisor_is_zero, F::from_u128(lo) + F::from_u128(hi));
        let (q, r) = if y.is_zero() { (U256::ZERO, x) } else { (x / y, x % y) };
        a.assign_word_bytes(&self.quotient, q);
        a.assign_word_bytes(&self.remainder, r);
        self.relation.assign(a, q, y, r);
        let gap = if y.is_zero() { U256::ZERO } else { y - r - U256::from(1u8) };
        a.assign_word_bytes(&self.gap, gap);
        let low_sum: U256 =
            U256::from(word_limbs(r).0) + U256::from(word_limbs(gap).0) + U256::from(1u8);
        let carry = !y.is_zero() && !(low_sum >> 128usize).is_zero();
        a.assign_u64(self.gap_carry, carry as u64);
        a.assign_word(self.prev, word_limbs(pushed.prev));
        Ok(())
    }
}
