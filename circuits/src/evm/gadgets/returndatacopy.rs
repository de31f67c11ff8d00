//! RETURNDATACOPY (EIP-211): `μ'_m[dest .. +size] = returndata[offset .. +size]`, and an
//! exceptional halt when `offset + size` exceeds the return data's length `L`.
//!
//! Both gadgets pop `dest`, `offset` and `size` and read `L` from the call context
//! (`LastReturnDataLength`, which BeginTx sets to 0 and only a finished sub-call changes).
//!
//! - [`ReturnDataCopyGadget`]: a copy that succeeds. Without sub-calls the return data is
//!   empty, so only a copy of nothing can succeed; the gadget proves `size = 0` and
//!   `offset ≤ L` (`L − offset` on 8 bytes, with a zero high limb). Gas: 3; no memory is
//!   touched or expanded, whatever `dest`. Copies of bytes need a return-data stream, which
//!   comes with calls; witness generation reports them unsupported.
//! - [`ReturnDataOutOfBoundsGadget`]: the copy fails (revm's `OutOfOffset`, or its
//!   `InvalidOperand` when `size ≥ 2^64`, which is past the data as well): one of the high limbs
//!   is not zero, or `offset + size − L − 1` fits 17 bytes. All gas is consumed and the call's
//!   writes are undone (as in [`super::error`]).

use alloy_primitives::U256;
use halo2_proofs::halo2curves::ff::PrimeField;
use zkevm_trace::trace::{CallContextField, ExecError};

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{from_bytes, Access, EvmBuilder, IsZeroCells, Word, WordCells};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{
    claims_op, AssignError, ExecutionGadget, Gadget, StepGadget, Unsupported,
};
use crate::evm::reader::{StepReader, WitnessError};
use crate::evm::spec::GAS_VERYLOW as GAS_COPY;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

const RETURNDATACOPY: u64 = 0x3e;

/// Whether a halt with `error` at `opcode` is a RETURNDATACOPY past its data that
/// [`ReturnDataOutOfBoundsGadget`] proves.
pub fn provable(opcode: u8, error: &ExecError) -> bool {
    u64::from(opcode) == RETURNDATACOPY
        && matches!(error, ExecError::ReturnDataOutOfBounds | ExecError::InvalidOperand)
}

/// Pops the three operands and reads the return data's length.
fn operands<F: PrimeField>(
    cb: &mut EvmBuilder<F>,
    what: &'static str,
) -> (WordCells, WordCells, WordCells, Cell) {
    let (dest, offset, size) = (cb.query_word(), cb.query_word(), cb.query_word());
    cb.stack_pop(what, dest.expr());
    cb.stack_pop(what, offset.expr());
    cb.stack_pop(what, size.expr());
    let length = cb.query_cell();
    cb.call_context(
        what,
        CallContextField::LastReturnDataLength,
        Word::small(length.expr()),
        Access::Read,
    );
    (dest, offset, size, length)
}

/// Reads [`operands`]' RWs from `r` and assigns them; returns the three operands and the
/// return data's length.
fn assign_operands<F: PrimeField>(
    a: &mut StepAssigner<'_, '_, F>,
    r: &mut StepReader<'_, '_>,
    cells: [WordCells; 3],
    length: Cell,
) -> Result<([U256; 3], U256), WitnessError> {
    let mut values = [U256::ZERO; 3];
    for (cells, value) in cells.into_iter().zip(values.iter_mut()) {
        *value = r.stack_pop()?;
        a.assign_word(cells, word_limbs(*value));
    }
    let data_length = r.call_context(CallContextField::LastReturnDataLength)?;
    a.assign_u64(length, data_length.saturating_to::<u64>());
    Ok((values, data_length))
}

/// RETURNDATACOPY that succeeds (of nothing; see the module docs).
#[derive(Clone, Debug)]
pub struct ReturnDataCopyGadget {
    common: OpcodeStep,
    dest: WordCells,
    offset: WordCells,
    size: WordCells,
    length: Cell,
    /// `L − offset`.
    room: [Cell; 8],
}

impl Gadget for ReturnDataCopyGadget {
    const NAME: &'static str = "RETURNDATACOPY";
    const STATE: ExecutionState = ExecutionState::ReturnDataCopy;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x3e])
    }

    fn supports(w: &StepWitness<'_>) -> Result<(), Unsupported> {
        if w.rws.len() != 4 || w.rws.get(2).is_some_and(|rw| !rw.value.is_zero()) {
            return Err(Unsupported::new("RETURNDATACOPY of return data (needs calls)"));
        }
        Ok(())
    }
}

impl<F: PrimeField> ExecutionGadget<F> for ReturnDataCopyGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("RETURNDATACOPY: opcode", opcode, constant(RETURNDATACOPY));
        let (dest, offset, size, length) = operands(cb, "RETURNDATACOPY: operands");
        cb.require_zero("RETURNDATACOPY: copies nothing", size.lo.expr());
        cb.require_zero("RETURNDATACOPY: copies nothing", size.hi.expr());
        cb.require_zero("RETURNDATACOPY: offset within the data", offset.hi.expr());
        let room = [(); 8].map(|_| cb.query_byte());
        cb.require_equal(
            "RETURNDATACOPY: offset within the data",
            length.expr() - offset.lo.expr(),
            from_bytes(&room),
        );
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Dynamic(constant(GAS_COPY)), transition);
        Self { common, dest, offset, size, length, room }
    }
}

impl<F: PrimeField> StepGadget<F> for ReturnDataCopyGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let ([_, offset, _], length) =
            assign_operands(a, &mut r, [self.dest, self.offset, self.size], self.length)?;
        let length = length.saturating_to::<u64>();
        a.assign_bytes(&self.room, length.wrapping_sub(offset.saturating_to::<u64>()));
        r.finish()?;
        Ok(())
    }
}

/// RETURNDATACOPY past the end of the return data: an exceptional halt.
#[derive(Clone, Debug)]
pub struct ReturnDataOutOfBoundsGadget {
    dest: WordCells,
    offset: WordCells,
    size: WordCells,
    length: Cell,
    /// `offset.hi + size.hi` is zero (both are below `2^128`, so only when both are).
    high_is_zero: IsZeroCells,
    /// `offset + size − L − 1` with zero high limbs (else 0).
    excess: [Cell; 17],
}

impl Gadget for ReturnDataOutOfBoundsGadget {
    const NAME: &'static str = "RETURNDATACOPY past the data";
    const STATE: ExecutionState = ExecutionState::ErrorReturnDataOutOfBounds;

    fn claims(step: &StepKind) -> bool {
        matches!(step, StepKind::Error { opcode, error } if provable(*opcode, error))
    }

    fn supports(w: &StepWitness<'_>) -> Result<(), Unsupported> {
        if w.rws.len() as u64 != w.values.reversible_write_counter + 4 {
            return Err(Unsupported::new(
                "RETURNDATACOPY past the data with an unexpected RW shape",
            ));
        }
        Ok(())
    }
}

impl<F: PrimeField> ExecutionGadget<F> for ReturnDataOutOfBoundsGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (cur, next) = (cb.cur.clone(), cb.next.clone());
        cb.require_equal(
            "RETURNDATACOPY past the data: opcode",
            cur.opcode.clone(),
            constant(RETURNDATACOPY),
        );
        cb.bytecode_lookup(
            "RETURNDATACOPY past the data: opcode at pc",
            cur.pc.clone(),
            cur.opcode,
            constant(1),
        );
        let (dest, offset, size, length) = operands(cb, "RETURNDATACOPY past the data: operands");
        let high_is_zero = cb
            .is_zero("RETURNDATACOPY past the data: high limbs", offset.hi.expr() + size.hi.expr());
        let excess = [(); 17].map(|_| cb.query_byte());
        let small = high_is_zero.is_zero.expr();
        cb.require_equal(
            "RETURNDATACOPY past the data: offset + size > L",
            from_bytes(&excess),
            small * (offset.lo.expr() + size.lo.expr() - length.expr() - constant(1)),
        );

        // All gas is consumed; the call's writes are undone; EndTx follows.
        cb.require_zero("RETURNDATACOPY past the data: no gas left", next.gas_left);
        let own = cb.rw_count();
        StepTransition::end_tx_reverted(cb, own, constant(0)).constrain(cb);
        Self { dest, offset, size, length, high_is_zero, excess }
    }
}

impl<F: PrimeField> StepGadget<F> for ReturnDataOutOfBoundsGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let ([_, offset, size], length) =
            assign_operands(a, &mut r, [self.dest, self.offset, self.size], self.length)?;
        let (offset, size) = (word_limbs(offset), word_limbs(size));
        let high = F::from_u128(offset.1) + F::from_u128(size.1);
        a.assign_is_zero(self.high_is_zero, high);
        if offset.1 == 0 && size.1 == 0 {
            let length = length.saturating_to::<u128>();
            let end = U256::from(offset.0) + U256::from(size.0);
            // Honest halts have `end > L`; a false claim wraps, and the bytes cannot rebuild it.
            let excess = end.wrapping_sub(U256::from(length) + U256::from(1));
            a.assign_wide_bytes(&self.excess, excess);
        }
        Ok(())
    }
}
