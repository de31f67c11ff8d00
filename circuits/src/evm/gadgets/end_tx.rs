//! EndTx: the refund, the coinbase's fee and the receipt.
//!
//! RWs, in the executor's order: the root call's IsSuccess and the refund counter (reads); the
//! sender's balance plus `(gas left + refund) · gas price` when that is not zero; the coinbase's
//! balance plus `(gas price − base fee) · gas used` when that is not zero; the previous
//! transaction's cumulative gas (read, from the second transaction on; the first continues from
//! the block's gas used before the chunk, a block-table entry); the receipt's success
//! flag, cumulative gas and log count; the sender's code hash (read: keccak of nothing, EIP-3607).
//! The refund is `min(counter, spent / 5)` (EIP-3529) with `spent = gas limit − gas left`, the
//! quotient and the minimum proven with range-checked bytes. The cumulative gas, counted over
//! the whole block, is within the block's gas limit.

use alloy_primitives::U256;
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Error, Expression};
use zkevm_trace::trace::{AccountField, CallContextField, ReceiptField};

use super::begin_tx::{low_carry, EMPTY_CODE_HASH};
use crate::constraint_builder::{constant, select};
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{
    from_bytes, Access, EvmBuilder, IsZeroCells, RwLookup, Word, WordBytes, WordCells,
};
use crate::evm::cell::Cell;
use crate::evm::common::require_no_code_state;
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{AssignError, ExecutionGadget, Gadget, StepGadget, Unsupported};
use crate::evm::reader::StepReader;
pub use crate::evm::spec::MAX_REFUND_QUOTIENT;
use crate::evm::witness::StepWitness;
use crate::keccak::hash_halves;
use crate::state::rw_row::{address_word, receipt_field_tag, word_limbs};
use crate::state::RwTag;
use crate::table::{BlockField, TxField, GAS_USED_BEFORE_FIELD};
use zkevm_trace::trace::StepKind;

/// EndTx.
#[derive(Clone, Debug)]
pub struct EndTxGadget {
    is_success: Cell,
    refund_counter: Cell,
    gas_limit: Cell,
    gas_price: Cell,
    caller: WordCells,
    base_fee: Cell,
    coinbase: WordCells,
    quotient: [Cell; 8],
    remainder: Cell,
    remainder_room: Cell,
    counter_below_quotient: Cell,
    difference: [Cell; 8],
    refund: Cell,
    refund_is_zero: IsZeroCells,
    sender_balance: WordCells,
    sender_after: WordBytes,
    sender_carry: Cell,
    reward_is_zero: IsZeroCells,
    coinbase_balance: WordCells,
    coinbase_after: WordBytes,
    coinbase_carry: Cell,
    is_first_tx: IsZeroCells,
    previous_cumulative: Cell,
    block_gas_limit: Cell,
    block_room: [Cell; 8],
}

impl Gadget for EndTxGadget {
    const NAME: &'static str = "EndTx";
    const STATE: ExecutionState = ExecutionState::EndTx;

    fn claims(step: &StepKind) -> bool {
        matches!(step, StepKind::EndTx)
    }

    fn supports(w: &StepWitness<'_>) -> Result<(), Unsupported> {
        let Some(tx) = w.tx else { return Ok(()) };
        let limb = U256::from(1u8) << 128;
        let gas_left = w.values.gas_left;
        let spent = tx.gas_limit.saturating_sub(gas_left);
        let counter = w.rws.get(1).map_or(0, |rw| rw.value.saturating_to::<u64>());
        let refund = crate::evm::spec::capped_refund(counter, spent);
        let price = U256::from(tx.effective_gas_price);
        let returned = U256::from(gas_left + refund) * price;
        let tip = tx.effective_gas_price.saturating_sub(w.block.base_fee as u128);
        let reward = U256::from(tip) * U256::from(spent - refund);
        if returned >= limb || reward >= limb {
            return Err(Unsupported::new("refund or fee of 2^128 wei or more"));
        }
        let expected = 6
            + usize::from(!returned.is_zero())
            + usize::from(!reward.is_zero())
            + usize::from(w.values.tx_id > 0);
        if w.rws.len() != expected {
            return Err(Unsupported::new("EndTx with an unexpected RW shape (self-destruct)"));
        }
        Ok(())
    }
}

impl<F: PrimeField> ExecutionGadget<F> for EndTxGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let (cur, next) = (cb.cur.clone(), cb.next.clone());
        let tx_id = cur.tx_id.clone();
        let is_success = cb.query_bool("EndTx: is_success is boolean");
        cb.call_context(
            "EndTx: the call's outcome",
            CallContextField::IsSuccess,
            Word::small(is_success.expr()),
            Access::Read,
        );
        let refund_counter = cb.query_cell();
        let counter = Word::small(refund_counter.expr());
        cb.rw_lookup(
            "EndTx: refund counter",
            Access::Read,
            RwLookup::new(RwTag::TxRefund, tx_id.clone(), constant(0), counter.clone()),
        );
        let (gas_limit, gas_price, caller) = (cb.query_cell(), cb.query_cell(), cb.query_word());
        cb.tx_lookup(
            "EndTx: gas limit",
            tx_id.clone(),
            TxField::GasLimit,
            Word::small(gas_limit.expr()),
        );
        cb.tx_lookup(
            "EndTx: gas price",
            tx_id.clone(),
            TxField::EffectiveGasPrice,
            Word::small(gas_price.expr()),
        );
        cb.tx_lookup("EndTx: sender", tx_id.clone(), TxField::Caller, caller.expr());
        let (base_fee, coinbase) = (cb.query_cell(), cb.query_word());
        cb.block_lookup("EndTx: base fee", BlockField::BaseFee, Word::small(base_fee.expr()));
        cb.block_lookup("EndTx: coinbase", BlockField::Coinbase, coinbase.expr());

        // refund = min(counter, spent / 5).
        let spent = gas_limit.expr() - cur.gas_left.clone();
        let quotient = [(); 8].map(|_| cb.query_byte());
        let (remainder, remainder_room) = (cb.query_byte(), cb.query_byte());
        cb.require_equal(
            "EndTx: spent / 5",
            spent.clone(),
            from_bytes(&quotient) * constant(MAX_REFUND_QUOTIENT) + remainder.expr(),
        );
        cb.require_equal(
            "EndTx: spent / 5",
            remainder.expr() + remainder_room.expr(),
            constant(MAX_REFUND_QUOTIENT - 1),
        );
        let counter_below_quotient = cb.query_bool("EndTx: refund cap");
        let difference = [(); 8].map(|_| cb.query_byte());
        cb.require_equal(
            "EndTx: refund cap",
            refund_counter.expr() - from_bytes(&quotient)
                + counter_below_quotient.expr() * constant(1u64 << 32) * constant(1u64 << 32),
            from_bytes(&difference),
        );
        let refund = cb.query_cell();
        cb.require_equal(
            "EndTx: refund cap",
            refund.expr(),
            select(counter_below_quotient.expr(), refund_counter.expr(), from_bytes(&quotient)),
        );

        // The sender gets back the gas left and the refund.
        let returned = (cur.gas_left.clone() + refund.expr()) * gas_price.expr();
        let refund_is_zero = cb.is_zero("EndTx: nothing to return", returned.clone());
        let (sender_balance, sender_after) = (cb.query_word(), cb.query_word_bytes());
        let sender_carry = cb.when(constant(1) - refund_is_zero.is_zero.expr(), |cb| {
            let carry = cb.require_add_small(
                "EndTx: sender refund",
                sender_balance.expr(),
                returned,
                sender_after.expr(),
            );
            cb.account(
                "EndTx: sender refund",
                caller.expr(),
                AccountField::Balance,
                sender_after.expr(),
                Access::Write(sender_balance.expr()),
            );
            carry
        });

        // The coinbase gets the priority fee of the gas used.
        let gas_used = spent - refund.expr();
        let reward = (gas_price.expr() - base_fee.expr()) * gas_used.clone();
        let reward_is_zero = cb.is_zero("EndTx: no priority fee", reward.clone());
        let (coinbase_balance, coinbase_after) = (cb.query_word(), cb.query_word_bytes());
        let coinbase_carry = cb.when(constant(1) - reward_is_zero.is_zero.expr(), |cb| {
            let carry = cb.require_add_small(
                "EndTx: coinbase fee",
                coinbase_balance.expr(),
                reward,
                coinbase_after.expr(),
            );
            cb.account(
                "EndTx: coinbase fee",
                coinbase.expr(),
                AccountField::Balance,
                coinbase_after.expr(),
                Access::Write(coinbase_balance.expr()),
            );
            carry
        });

        // The receipt.
        let is_first_tx = cb.is_zero("EndTx: first transaction", tx_id.clone());
        let previous_cumulative = cb.query_cell();
        let receipt = |field: ReceiptField| constant(receipt_field_tag(field));
        cb.when(constant(1) - is_first_tx.is_zero.expr(), |cb| {
            let previous = Word::small(previous_cumulative.expr());
            cb.rw_lookup(
                "EndTx: previous cumulative gas",
                Access::Read,
                RwLookup::new(
                    RwTag::TxReceipt,
                    tx_id.clone() - constant(1),
                    constant(0),
                    previous.clone(),
                )
                .field(receipt(ReceiptField::CumulativeGasUsed)),
            );
        });
        // The chunk's first transaction continues from the gas the block used before the
        // chunk (a public input, in the block table).
        cb.when(is_first_tx.is_zero.expr(), |cb| {
            cb.block_lookup_tag(
                "EndTx: the block's gas before the chunk",
                constant(GAS_USED_BEFORE_FIELD),
                Word::small(previous_cumulative.expr()),
            );
        });
        let cumulative = previous_cumulative.expr() + gas_used;
        // The block's transactions fit it: cumulative gas ≤ the block's gas limit.
        let block_gas_limit = cb.query_cell();
        let limit = Word::small(block_gas_limit.expr());
        cb.block_lookup("EndTx: block gas limit", BlockField::GasLimit, limit);
        let block_room = cb.require_bytes(
            "EndTx: the block's gas limit covers the cumulative gas",
            block_gas_limit.expr() - cumulative.clone(),
        );
        for (field, value) in [
            (ReceiptField::Success, is_success.expr()),
            (ReceiptField::CumulativeGasUsed, cumulative),
            (ReceiptField::LogCount, cur.log_id.clone()),
        ] {
            cb.rw_lookup(
                "EndTx: receipt",
                Access::Write(Word::zero()),
                RwLookup::new(RwTag::TxReceipt, tx_id.clone(), constant(0), Word::small(value))
                    .field(receipt(field)),
            );
        }

        // EIP-3607: the sender has no code (its code hash is keccak of nothing). Read last; no
        // transaction gives code to the address that sent it.
        let (empty_lo, empty_hi) = hash_halves(&EMPTY_CODE_HASH);
        let empty = Word {
            lo: Expression::Constant(F::from_u128(empty_lo)),
            hi: Expression::Constant(F::from_u128(empty_hi)),
        };
        cb.account(
            "EndTx: the sender has no code (EIP-3607)",
            caller.expr(),
            AccountField::CodeHash,
            empty,
            Access::Read,
        );

        // Transition.
        require_no_code_state(cb);
        cb.require_next_in(
            "EndTx: a transaction or the end follows",
            &[ExecutionState::BeginTx, ExecutionState::Padding, ExecutionState::EndBlock],
        );
        let rw_count = cb.rw_count();
        cb.require_equal(
            "EndTx: rw_counter advances",
            next.rw_counter.clone(),
            cur.rw_counter.clone() + rw_count,
        );
        let begins = cb.next_is(ExecutionState::BeginTx);
        cb.when(begins.clone(), |cb| {
            cb.require_equal(
                "EndTx: the next transaction",
                next.tx_id.clone(),
                tx_id.clone() + constant(1),
            );
            cb.require_equal(
                "EndTx: the next root call",
                next.call_id.clone(),
                cur.call_id.clone() + constant(1),
            );
        });
        cb.when(constant(1) - begins, |cb| {
            cb.require_equal("EndTx: state carried to the end", next.tx_id.clone(), tx_id.clone());
            cb.require_equal(
                "EndTx: state carried to the end",
                next.call_id.clone(),
                cur.call_id.clone(),
            );
        });
        Self {
            is_success,
            refund_counter,
            gas_limit,
            gas_price,
            caller,
            base_fee,
            coinbase,
            quotient,
            remainder,
            remainder_room,
            counter_below_quotient,
            difference,
            refund,
            refund_is_zero,
            sender_balance,
            sender_after,
            sender_carry,
            reward_is_zero,
            coinbase_balance,
            coinbase_after,
            coinbase_carry,
            is_first_tx,
            previous_cumulative,
            block_gas_limit,
            block_room,
        }
    }
}

impl<F: PrimeField> StepGadget<F> for EndTxGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        let tx = w.tx.ok_or(Error::Synthesis)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let is_success = r.call_context(CallContextField::IsSuccess)?.saturating_to::<u64>();
        a.assign_u64(self.is_success, is_success);
        let counter = r.refund()?.saturating_to::<u64>();
        a.assign_u64(self.refund_counter, counter);
        a.assign_u64(self.gas_limit, tx.gas_limit);
        a.assign(self.gas_price, F::from_u128(tx.effective_gas_price));
        a.assign_word(self.caller, word_limbs(address_word(tx.sender)));
        a.assign_u64(self.base_fee, w.block.base_fee);
        a.assign_word(self.coinbase, word_limbs(address_word(w.block.coinbase)));

        let gas_left = w.values.gas_left;
        let spent = tx.gas_limit - gas_left;
        let (quotient, remainder) = (spent / MAX_REFUND_QUOTIENT, spent % MAX_REFUND_QUOTIENT);
        a.assign_bytes(&self.quotient, quotient);
        a.assign_u64(self.remainder, remainder);
        a.assign_u64(self.remainder_room, MAX_REFUND_QUOTIENT - 1 - remainder);
        let below = counter < quotient;
        a.assign_u64(self.counter_below_quotient, below as u64);
        a.assign_bytes(&self.difference, counter.wrapping_sub(quotient));
        let refund = counter.min(quotient);
        a.assign_u64(self.refund, refund);

        let returned = U256::from(gas_left + refund) * U256::from(tx.effective_gas_price);
        a.assign_is_zero(
            self.refund_is_zero,
            F::from(gas_left + refund) * F::from_u128(tx.effective_gas_price),
        );
        if !returned.is_zero() {
            let (_, paid) = r.account_write(AccountField::Balance)?;
            let before = paid.prev;
            a.assign_word(self.sender_balance, word_limbs(before));
            a.assign_word_bytes(&self.sender_after, paid.value);
            a.assign_u64(self.sender_carry, low_carry(before, returned) as u64);
        }
        let gas_used = spent - refund;
        let tip = tx.effective_gas_price - w.block.base_fee as u128;
        let reward = U256::from(tip) * U256::from(gas_used);
        a.assign_is_zero(self.reward_is_zero, F::from_u128(tip) * F::from(gas_used));
        if !reward.is_zero() {
            let (_, rewarded) = r.account_write(AccountField::Balance)?;
            let before = rewarded.prev;
            a.assign_word(self.coinbase_balance, word_limbs(before));
            a.assign_word_bytes(&self.coinbase_after, rewarded.value);
            a.assign_u64(self.coinbase_carry, low_carry(before, reward) as u64);
        }
        a.assign_is_zero(self.is_first_tx, F::from(w.values.tx_id));
        let previous = if w.values.tx_id > 0 {
            let before = w.values.tx_id as usize - 1;
            r.receipt_of(before, ReceiptField::CumulativeGasUsed)?.saturating_to::<u64>()
        } else {
            w.block.gas_used_before
        };
        a.assign_u64(self.previous_cumulative, previous);
        a.assign_u64(self.block_gas_limit, w.block.gas_limit);
        a.assign_bytes(&self.block_room, w.block.gas_limit.wrapping_sub(previous + gas_used));
        // The receipt, then the sender's code hash (EIP-3607).
        for field in
            [ReceiptField::Success, ReceiptField::CumulativeGasUsed, ReceiptField::LogCount]
        {
            r.receipt_write(field)?;
        }
        r.account(AccountField::CodeHash)?;
        r.finish()?;
        Ok(())
    }
}
