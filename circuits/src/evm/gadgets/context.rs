//! Environment reads that push one value (Yellow Paper, appendix H, sections 0x30 and 0x40):
//!
//! - block context: COINBASE TIMESTAMP NUMBER PREVRANDAO GASLIMIT CHAINID BASEFEE BLOBBASEFEE,
//!   one block-table lookup whose tag is the opcode itself (each [`BlockField`] is numbered by
//!   its opcode), so one gadget serves all eight;
//! - transaction context: ORIGIN and GASPRICE, the transaction's sender and effective gas
//!   price from the transaction table, for the transaction the call context names;
//! - call context: ADDRESS CALLER CALLVALUE CALLDATASIZE RETURNDATASIZE, one read of the
//!   current call's context field;
//! - SELFBALANCE (the balance of the current call's account) and CODESIZE (the running code's
//!   length, from the bytecode table's header row).
//!
//! Values are pushed as 32 range-checked bytes, so the stack stays canonical whatever the
//! tables hold.
//!
//! [`BlockField`]: crate::table::BlockField

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;
use zkevm_trace::trace::{AccountField, CallContextField};

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{Access, EvmBuilder, Word, WordBytes, WordCells};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::reader::StepReader;
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::{call_context_field_tag, word_limbs};
use crate::table::TxField;
use zkevm_trace::trace::StepKind;

/// Assigns the pushed value (the step's last RW) and the slot's previous content.
fn assign_push<F: PrimeField>(
    a: &mut StepAssigner<'_, '_, F>,
    r: &mut StepReader<'_, '_>,
    value: &WordBytes,
    prev: WordCells,
) -> Result<(), AssignError> {
    let push = r.stack_push()?;
    a.assign_word_bytes(value, push.value);
    a.assign_word(prev, word_limbs(push.prev));
    r.finish()?;
    Ok(())
}

/// COINBASE, TIMESTAMP, NUMBER, PREVRANDAO, GASLIMIT, CHAINID, BASEFEE, BLOBBASEFEE.
#[derive(Clone, Debug)]
pub struct BlockContextGadget {
    common: OpcodeStep,
    /// The opcode's inverse: the opcode is not 0, whose all-zero row every table has.
    opcode_inverse: Cell,
    value: WordBytes,
    prev: WordCells,
}

impl Gadget for BlockContextGadget {
    const NAME: &'static str = "block context";
    const STATE: ExecutionState = ExecutionState::BlockContext;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x48, 0x4a])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for BlockContextGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        let opcode_inverse = cb.query_cell();
        cb.require_equal(
            "block context: the opcode is not 0",
            opcode.clone() * opcode_inverse.expr(),
            constant(1),
        );
        let value = cb.query_word_bytes();
        // Only the eight block fields have rows: any other opcode fails this lookup.
        cb.block_lookup_tag("block context: the block field", opcode, value.expr());
        let prev = cb.stack_push("block context: value", value.expr());
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, opcode_inverse, value, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for BlockContextGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let inverse = F::from(w.values.opcode).invert().unwrap_or(F::ZERO);
        a.assign(self.opcode_inverse, inverse);
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        assign_push(a, &mut r, &self.value, self.prev)?;
        r.finish()?;
        Ok(())
    }
}

/// ORIGIN, GASPRICE.
#[derive(Clone, Debug)]
pub struct TxContextGadget {
    common: OpcodeStep,
    is_gas_price: Cell,
    value: WordBytes,
    prev: WordCells,
}

impl Gadget for TxContextGadget {
    const NAME: &'static str = "ORIGIN/GASPRICE";
    const STATE: ExecutionState = ExecutionState::TxContext;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x32, 0x3a])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for TxContextGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let is_gas_price = cb.query_bool("ORIGIN/GASPRICE: is_gas_price is boolean");
        let opcode = cb.cur.opcode.clone();
        cb.require_equal(
            "ORIGIN/GASPRICE: opcode",
            opcode,
            constant(0x32) + constant(0x3a - 0x32) * is_gas_price.expr(),
        );
        let tx_id = cb.cur.tx_id.clone();
        cb.call_context(
            "ORIGIN/GASPRICE: the transaction",
            CallContextField::TxId,
            Word::small(tx_id.clone()),
            Access::Read,
        );
        let field = constant::<F>(TxField::Caller as u64)
            + (constant::<F>(TxField::EffectiveGasPrice as u64) - constant(TxField::Caller as u64))
                * is_gas_price.expr();
        let value = cb.query_word_bytes();
        cb.tx_lookup_tag("ORIGIN/GASPRICE: the transaction field", tx_id, field, value.expr());
        let prev = cb.stack_push("ORIGIN/GASPRICE: value", value.expr());
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, is_gas_price, value, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for TxContextGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        a.assign_u64(self.is_gas_price, (w.values.opcode == 0x3a) as u64);
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        r.call_context(CallContextField::TxId)?;
        assign_push(a, &mut r, &self.value, self.prev)?;
        r.finish()?;
        Ok(())
    }
}

/// The opcodes that push a field of the current call's context, and their fields.
const CALL_CONTEXT_READS: [(u8, CallContextField); 5] = [
    (0x30, CallContextField::CalleeAddress),
    (0x33, CallContextField::CallerAddress),
    (0x34, CallContextField::Value),
    (0x36, CallContextField::CallDataLength),
    (0x3d, CallContextField::LastReturnDataLength),
];

/// ADDRESS, CALLER, CALLVALUE, CALLDATASIZE, RETURNDATASIZE.
#[derive(Clone, Debug)]
pub struct CallContextGadget {
    common: OpcodeStep,
    /// One-hot over [`CALL_CONTEXT_READS`].
    which: [Cell; 5],
    value: WordBytes,
    prev: WordCells,
}

impl Gadget for CallContextGadget {
    const NAME: &'static str = "call context";
    const STATE: ExecutionState = ExecutionState::CallContext;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x30, 0x33, 0x34, 0x36, 0x3d])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for CallContextGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let which = [(); 5].map(|_| cb.query_bool("call context: opcode flag is boolean"));
        let sum = |f: &dyn Fn(usize) -> u64| {
            which
                .iter()
                .enumerate()
                .fold(constant::<F>(0), |acc, (i, c)| acc + constant::<F>(f(i)) * c.expr())
        };
        cb.require_equal("call context: one opcode", sum(&|_| 1), constant(1));
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("call context: opcode", opcode, sum(&|i| CALL_CONTEXT_READS[i].0 as u64));
        let field: Expression<F> = sum(&|i| call_context_field_tag(CALL_CONTEXT_READS[i].1));
        let value = cb.query_word_bytes();
        cb.call_context_tag("call context: the field", field, value.expr(), Access::Read);
        let prev = cb.stack_push("call context: value", value.expr());
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, which, value, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for CallContextGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut field = None;
        for (cell, (opcode, read)) in self.which.iter().zip(CALL_CONTEXT_READS) {
            let this = w.values.opcode == opcode as u64;
            a.assign_u64(*cell, this as u64);
            field = field.or(this.then_some(read));
        }
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        // An opcode outside the list (a forged step) reads whatever field its RW names.
        match field {
            Some(field) => r.call_context(field)?,
            None => {
                r.skip(1, "a call-context field")?.first().map(|rw| rw.value).unwrap_or_default()
            }
        };
        assign_push(a, &mut r, &self.value, self.prev)?;
        r.finish()?;
        Ok(())
    }
}

/// SELFBALANCE.
#[derive(Clone, Debug)]
pub struct SelfBalanceGadget {
    common: OpcodeStep,
    address: WordCells,
    balance: WordBytes,
    prev: WordCells,
}

impl Gadget for SelfBalanceGadget {
    const NAME: &'static str = "SELFBALANCE";
    const STATE: ExecutionState = ExecutionState::SelfBalance;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x47])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for SelfBalanceGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("SELFBALANCE: opcode", opcode, constant(0x47));
        let address = cb.query_word();
        cb.call_context(
            "SELFBALANCE: the call's account",
            CallContextField::CalleeAddress,
            address.expr(),
            Access::Read,
        );
        let balance = cb.query_word_bytes();
        cb.account(
            "SELFBALANCE: its balance",
            address.expr(),
            AccountField::Balance,
            balance.expr(),
            Access::Read,
        );
        let prev = cb.stack_push("SELFBALANCE: balance", balance.expr());
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, address, balance, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for SelfBalanceGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        a.assign_word(self.address, word_limbs(r.call_context(CallContextField::CalleeAddress)?));
        r.account(AccountField::Balance)?;
        assign_push(a, &mut r, &self.balance, self.prev)?;
        r.finish()?;
        Ok(())
    }
}

/// CODESIZE.
#[derive(Clone, Debug)]
pub struct CodeSizeGadget {
    common: OpcodeStep,
    length: Cell,
    prev: WordCells,
}

impl Gadget for CodeSizeGadget {
    const NAME: &'static str = "CODESIZE";
    const STATE: ExecutionState = ExecutionState::CodeSize;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x38])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for CodeSizeGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("CODESIZE: opcode", opcode, constant(0x38));
        let code_hash = Word { lo: cb.cur.code_hash_lo.clone(), hi: cb.cur.code_hash_hi.clone() };
        cb.call_context(
            "CODESIZE: the call's code",
            CallContextField::CodeHash,
            code_hash,
            Access::Read,
        );
        let length = cb.query_cell();
        cb.code_length_lookup("CODESIZE: the code's length", length.expr());
        let prev = cb.stack_push("CODESIZE: length", Word::small(length.expr()));
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Constant, transition);
        Self { common, length, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for CodeSizeGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        a.assign_u64(self.length, w.code.len() as u64);
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        r.call_context(CallContextField::CodeHash)?;
        a.assign_word(self.prev, word_limbs(r.stack_push()?.prev));
        r.finish()?;
        Ok(())
    }
}
