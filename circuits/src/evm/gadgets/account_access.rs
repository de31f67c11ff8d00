//! BALANCE, EXTCODESIZE and EXTCODEHASH: reads of another account, with EIP-2929 warm/cold
//! access gas.
//!
//! Both pop a stack word whose low 160 bits are the address (the high 96 bits are ignored:
//! the word's high limb is split into 16 bytes, of which the lowest 4 are the address's). The
//! access sets the transaction's warm flag of the account, a reversible write whose previous
//! value says whether the access was cold: 100 gas warm, 2,600 cold.
//!
//! - BALANCE pushes the account's balance (a missing account's is 0).
//! - EXTCODESIZE reads the code hash and pushes the length of that code, from the bytecode
//!   table's header row (the executor keeps every code EXTCODESIZE measures); 0 when the hash
//!   is the empty code's, or 0 (a missing account).
//! - EXTCODEHASH reads nonce, balance and code hash, and pushes 0 for an empty account (EIP-161:
//!   nonce 0, balance 0, the empty code's hash), else the code hash. A missing account's fields
//!   read as 0 or as an empty account's, so it pushes 0 either way.
//!
//! EXTCODECOPY (its own module) shares the access ([`AccessedAccount`], with its other
//! operands popped before the warm flag is set) and the code length ([`CodeOfHash`]).

use alloy_primitives::U256;
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;
use zkevm_trace::trace::AccountField;

use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{from_bytes, Access, EvmBuilder, IsZeroCells, RwLookup, Word, WordCells};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::reader::{StepReader, WitnessError};
use crate::evm::spec::{COLD_ACCOUNT_ACCESS, WARM_ACCESS};
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use crate::state::RwTag;
use zkevm_trace::trace::StepKind;

/// keccak-256 of no bytes, the code hash of an account without code.
const EMPTY_CODE_HASH: U256 = alloy_primitives::uint!(
    0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470_U256
);

/// The popped address operand and the warm flag it sets (the step's first two RWs, or, with
/// more operands, the pops and then the flag).
#[derive(Clone, Debug)]
pub(super) struct AccessedAccount {
    operand: WordCells,
    /// The operand's high limb in bytes, least significant first.
    high: [Cell; 16],
    was_warm: Cell,
    /// Operands popped after the address, before the warm flag is written.
    more: usize,
}

impl AccessedAccount {
    fn configure<F: PrimeField>(cb: &mut EvmBuilder<F>, name: &'static str) -> Self {
        Self::configure_with(cb, name, &[])
    }

    /// The address popped first, then `more` (already queried) popped in order, then the
    /// warm flag written.
    pub(super) fn configure_with<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        name: &'static str,
        more: &[(&'static str, &WordCells)],
    ) -> Self {
        let operand = cb.query_word();
        cb.stack_pop(name, operand.expr());
        for (what, word) in more {
            cb.stack_pop(what, word.expr());
        }
        let high = [(); 16].map(|_| cb.query_byte());
        cb.require_equal(name, operand.hi.expr(), from_bytes(&high));
        let was_warm = cb.query_bool(name);
        let this = Self { operand, high, was_warm, more: more.len() };
        let tx_id = cb.cur.tx_id.clone();
        cb.reversible_write(
            name,
            RwLookup::new(
                RwTag::TxAccessListAccount,
                tx_id,
                EvmBuilder::address_value(&this.address()),
                Word::small(constant(1)),
            ),
            Word::small(was_warm.expr()),
        );
        this
    }

    /// The address: the operand's low 160 bits.
    pub(super) fn address<F: PrimeField>(&self) -> Word<F> {
        Word { lo: self.operand.lo.expr(), hi: from_bytes(&self.high[..4]) }
    }

    /// 100 gas warm, 2,600 cold.
    pub(super) fn gas<F: PrimeField>(&self) -> Expression<F> {
        constant(WARM_ACCESS)
            + (constant(1) - self.was_warm.expr()) * constant(COLD_ACCOUNT_ACCESS - WARM_ACCESS)
    }

    /// Reads the address pop, the other operands' pops and the warm flag's write from `r`
    /// (in [`AccessedAccount::configure_with`]'s order) and assigns the access. Returns the
    /// other operands, in order (for the gadget to assign).
    pub(super) fn assign<F: PrimeField>(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        r: &mut StepReader<'_, '_>,
    ) -> Result<Vec<U256>, WitnessError> {
        let (lo, hi) = word_limbs(r.stack_pop()?);
        a.assign_word(self.operand, (lo, hi));
        for (cell, byte) in self.high.iter().zip(hi.to_le_bytes()) {
            a.assign_u64(*cell, u64::from(byte));
        }
        let more = (0..self.more).map(|_| r.stack_pop()).collect::<Result<Vec<_>, _>>()?;
        let (_, warm) = r.warm_account_write()?;
        a.assign_u64(self.was_warm, u64::from(!warm.prev.is_zero()));
        Ok(more)
    }
}

/// BALANCE.
#[derive(Clone, Debug)]
pub struct BalanceGadget {
    common: OpcodeStep,
    account: AccessedAccount,
    balance: WordCells,
    prev: WordCells,
}

impl Gadget for BalanceGadget {
    const NAME: &'static str = "BALANCE";
    const STATE: ExecutionState = ExecutionState::Balance;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x31])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for BalanceGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("BALANCE: opcode", opcode, constant(0x31));
        let account = AccessedAccount::configure(cb, "BALANCE: the account");
        let balance = cb.query_word();
        cb.account(
            "BALANCE: its balance",
            account.address(),
            AccountField::Balance,
            balance.expr(),
            Access::Read,
        );
        let prev = cb.stack_push("BALANCE: balance", balance.expr());
        let gas = account.gas();
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Dynamic(gas), transition);
        Self { common, account, balance, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for BalanceGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        self.account.assign(a, &mut r)?;
        let (_, balance) = r.account(AccountField::Balance)?;
        a.assign_word(self.balance, word_limbs(balance));
        a.assign_word(self.prev, word_limbs(r.stack_push()?.prev));
        r.finish()?;
        Ok(())
    }
}

/// EXTCODEHASH.
#[derive(Clone, Debug)]
pub struct ExtCodeHashGadget {
    common: OpcodeStep,
    account: AccessedAccount,
    nonce: WordCells,
    balance: WordCells,
    code_hash: WordCells,
    nonce_is_zero: IsZeroCells,
    balance_is_zero: IsZeroCells,
    hash_lo_is_empty: IsZeroCells,
    hash_hi_is_empty: IsZeroCells,
    /// Nonce and balance are zero.
    unfunded: Cell,
    /// The code hash is the empty code's.
    codeless: Cell,
    /// `unfunded · codeless`.
    is_empty: Cell,
    result: WordCells,
    prev: WordCells,
}

impl Gadget for ExtCodeHashGadget {
    const NAME: &'static str = "EXTCODEHASH";
    const STATE: ExecutionState = ExecutionState::ExtCodeHash;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x3f])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for ExtCodeHashGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("EXTCODEHASH: opcode", opcode, constant(0x3f));
        let account = AccessedAccount::configure(cb, "EXTCODEHASH: the account");
        let (nonce, balance, code_hash) = (cb.query_word(), cb.query_word(), cb.query_word());
        for (name, field, value) in [
            ("EXTCODEHASH: nonce", AccountField::Nonce, &nonce),
            ("EXTCODEHASH: balance", AccountField::Balance, &balance),
            ("EXTCODEHASH: code hash", AccountField::CodeHash, &code_hash),
        ] {
            cb.account(name, account.address(), field, value.expr(), Access::Read);
        }
        // Limbs are below 2^128, so a limb sum is zero exactly when both limbs are.
        let nonce_is_zero =
            cb.is_zero("EXTCODEHASH: nonce is zero", nonce.lo.expr() + nonce.hi.expr());
        let balance_is_zero =
            cb.is_zero("EXTCODEHASH: balance is zero", balance.lo.expr() + balance.hi.expr());
        let (empty_lo, empty_hi) = word_limbs(EMPTY_CODE_HASH);
        let hash_lo_is_empty = cb
            .is_zero("EXTCODEHASH: empty code hash", code_hash.lo.expr() - constant_u128(empty_lo));
        let hash_hi_is_empty = cb
            .is_zero("EXTCODEHASH: empty code hash", code_hash.hi.expr() - constant_u128(empty_hi));
        let (unfunded, codeless, is_empty) = (cb.query_cell(), cb.query_cell(), cb.query_cell());
        cb.require_equal(
            "EXTCODEHASH: unfunded",
            unfunded.expr(),
            nonce_is_zero.is_zero.expr() * balance_is_zero.is_zero.expr(),
        );
        cb.require_equal(
            "EXTCODEHASH: codeless",
            codeless.expr(),
            hash_lo_is_empty.is_zero.expr() * hash_hi_is_empty.is_zero.expr(),
        );
        cb.require_equal(
            "EXTCODEHASH: empty account",
            is_empty.expr(),
            unfunded.expr() * codeless.expr(),
        );
        let result = cb.query_word();
        let kept = constant(1) - is_empty.expr();
        cb.require_equal(
            "EXTCODEHASH: result",
            result.lo.expr(),
            kept.clone() * code_hash.lo.expr(),
        );
        cb.require_equal("EXTCODEHASH: result", result.hi.expr(), kept * code_hash.hi.expr());
        let prev = cb.stack_push("EXTCODEHASH: hash", result.expr());
        let gas = account.gas();
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Dynamic(gas), transition);
        Self {
            common,
            account,
            nonce,
            balance,
            code_hash,
            nonce_is_zero,
            balance_is_zero,
            hash_lo_is_empty,
            hash_hi_is_empty,
            unfunded,
            codeless,
            is_empty,
            result,
            prev,
        }
    }
}

fn constant_u128<F: PrimeField>(value: u128) -> Expression<F> {
    Expression::Constant(F::from_u128(value))
}

impl<F: PrimeField> StepGadget<F> for ExtCodeHashGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        self.account.assign(a, &mut r)?;
        let nonce = word_limbs(r.account(AccountField::Nonce)?.1);
        let balance = word_limbs(r.account(AccountField::Balance)?.1);
        let hash = word_limbs(r.account(AccountField::CodeHash)?.1);
        a.assign_word(self.nonce, nonce);
        a.assign_word(self.balance, balance);
        a.assign_word(self.code_hash, hash);
        let sum = |(lo, hi): (u128, u128)| F::from_u128(lo) + F::from_u128(hi);
        a.assign_is_zero(self.nonce_is_zero, sum(nonce));
        a.assign_is_zero(self.balance_is_zero, sum(balance));
        let (empty_lo, empty_hi) = word_limbs(EMPTY_CODE_HASH);
        a.assign_is_zero(self.hash_lo_is_empty, F::from_u128(hash.0) - F::from_u128(empty_lo));
        a.assign_is_zero(self.hash_hi_is_empty, F::from_u128(hash.1) - F::from_u128(empty_hi));
        let unfunded = nonce == (0, 0) && balance == (0, 0);
        let codeless = (hash.0, hash.1) == (empty_lo, empty_hi);
        a.assign_u64(self.unfunded, unfunded as u64);
        a.assign_u64(self.codeless, codeless as u64);
        let is_empty = unfunded && codeless;
        a.assign_u64(self.is_empty, is_empty as u64);
        a.assign_word(self.result, if is_empty { (0, 0) } else { hash });
        a.assign_word(self.prev, word_limbs(r.stack_push()?.prev));
        r.finish()?;
        Ok(())
    }
}

/// The length of an account's code from its code hash: the bytecode table's header row, or 0
/// when the hash is the empty code's or 0 (a missing account).
#[derive(Clone, Debug)]
pub(super) struct CodeOfHash {
    /// A missing account's code hash reads as 0.
    hash_is_zero: IsZeroCells,
    hash_lo_is_empty: IsZeroCells,
    hash_hi_is_empty: IsZeroCells,
    /// The code hash is the empty code's.
    codeless: Cell,
    size: Cell,
}

impl CodeOfHash {
    /// States `size` of the code whose hash is `code_hash`.
    pub(super) fn configure<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        name: &'static str,
        code_hash: &WordCells,
    ) -> Self {
        let hash_is_zero = cb.is_zero(name, code_hash.lo.expr() + code_hash.hi.expr());
        let (empty_lo, empty_hi) = word_limbs(EMPTY_CODE_HASH);
        let hash_lo_is_empty = cb.is_zero(name, code_hash.lo.expr() - constant_u128(empty_lo));
        let hash_hi_is_empty = cb.is_zero(name, code_hash.hi.expr() - constant_u128(empty_hi));
        let codeless = cb.query_cell();
        cb.require_equal(
            "code of a hash: codeless",
            codeless.expr(),
            hash_lo_is_empty.is_zero.expr() * hash_hi_is_empty.is_zero.expr(),
        );
        // A zero hash is not the empty code's: at most one of the two holds.
        let no_code = hash_is_zero.is_zero.expr() + codeless.expr();
        let size = cb.query_cell();
        cb.when(no_code.clone(), |cb| {
            cb.require_zero("code of a hash: no code, size 0", size.expr());
        });
        cb.when(constant(1) - no_code, |cb| {
            cb.code_length_lookup_of(name, code_hash.expr(), size.expr());
        });
        Self { hash_is_zero, hash_lo_is_empty, hash_hi_is_empty, codeless, size }
    }

    /// The code's length.
    pub(super) fn size<F: PrimeField>(&self) -> Expression<F> {
        self.size.expr()
    }

    /// Assigns the code hash's limbs and the code's length.
    pub(super) fn assign<F: PrimeField>(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        hash: (u128, u128),
        size: u64,
    ) {
        a.assign_is_zero(self.hash_is_zero, F::from_u128(hash.0) + F::from_u128(hash.1));
        let (empty_lo, empty_hi) = word_limbs(EMPTY_CODE_HASH);
        a.assign_is_zero(self.hash_lo_is_empty, F::from_u128(hash.0) - F::from_u128(empty_lo));
        a.assign_is_zero(self.hash_hi_is_empty, F::from_u128(hash.1) - F::from_u128(empty_hi));
        a.assign_u64(self.codeless, (hash == (empty_lo, empty_hi)) as u64);
        a.assign_u64(self.size, size);
    }
}

/// EXTCODESIZE.
#[derive(Clone, Debug)]
pub struct ExtCodeSizeGadget {
    common: OpcodeStep,
    account: AccessedAccount,
    code_hash: WordCells,
    code: CodeOfHash,
    prev: WordCells,
}

impl Gadget for ExtCodeSizeGadget {
    const NAME: &'static str = "EXTCODESIZE";
    const STATE: ExecutionState = ExecutionState::ExtCodeSize;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x3b])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for ExtCodeSizeGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("EXTCODESIZE: opcode", opcode, constant(0x3b));
        let account = AccessedAccount::configure(cb, "EXTCODESIZE: the account");
        let code_hash = cb.query_word();
        cb.account(
            "EXTCODESIZE: code hash",
            account.address(),
            AccountField::CodeHash,
            code_hash.expr(),
            Access::Read,
        );
        let code = CodeOfHash::configure(cb, "EXTCODESIZE: the code's length", &code_hash);
        let prev = cb.stack_push("EXTCODESIZE: size", Word::small(code.size()));
        let gas = account.gas();
        let transition = StepTransition::same_context(cb);
        let common = OpcodeStep::configure(cb, GasCost::Dynamic(gas), transition);
        Self { common, account, code_hash, code, prev }
    }
}

impl<F: PrimeField> StepGadget<F> for ExtCodeSizeGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        self.account.assign(a, &mut r)?;
        let hash = word_limbs(r.account(AccountField::CodeHash)?.1);
        a.assign_word(self.code_hash, hash);
        let push = r.stack_push()?;
        let size = word_limbs(push.value).0;
        self.code.assign(a, hash, size as u64);
        a.assign_word(self.prev, word_limbs(push.prev));
        r.finish()?;
        Ok(())
    }
}
