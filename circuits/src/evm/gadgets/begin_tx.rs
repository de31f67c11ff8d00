//! BeginTx for a call transaction without an access list, into an account's code or to an
//! account without code.
//!
//! RWs, in the executor's order: 13 warm-flag writes (sender, coinbase, callee, precompiles
//! 1..=10); the sender's balance minus `gas_limit · gas_price`; the sender's nonce, which must be
//! the transaction's, plus one; the callee's code hash (read); the 12 call-context fields of the
//! new root call; and, when the value is not zero, the value moved from sender to callee.
//! Gas: the step starts with the gas limit and charges `21000 + calldata gas`; what is left must
//! not be negative. A callee without code (code hash = keccak of nothing) succeeds at once and
//! EndTx follows; otherwise the code runs from pc 0 with an empty stack and memory. The callee
//! is proven not to be a precompile (address 1 to 10): such a call runs precompile code, which
//! no gadget proves yet. The fees are proven against the block (EIP-1559, `FeeCells`), and
//! the sender affords `gas_limit · max_fee + value` up front.

use alloy_primitives::U256;
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Error, Expression};
use zkevm_trace::trace::{AccountField, CallContextField};

use super::begin_tx_fees::FeeCells;
use crate::constraint_builder::{constant, select};
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{
    from_bytes, two_pow_128, Access, EvmBuilder, IsZeroCells, Reversion, RwLookup, Word, WordBytes,
    WordCells,
};
use crate::evm::cell::Cell;
use crate::evm::common::require_no_code_state;
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{AssignError, ExecutionGadget, Gadget, StepGadget, Unsupported};
use crate::evm::reader::StepReader;
pub use crate::evm::spec::TX_BASE_GAS;
use crate::evm::witness::StepWitness;
use crate::keccak::hash_halves;
use crate::state::rw_row::{account_field_tag, address_word, word_limbs};
use crate::state::RwTag;
use crate::table::{BlockField, TxField};
use zkevm_trace::trace::StepKind;

/// keccak-256 of the empty string: the code hash of an account without code.
pub const EMPTY_CODE_HASH: [u8; 32] = [
    0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
    0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70,
];
/// Warm-flag writes BeginTx makes.
pub const WARM_WRITES: usize = 13;
/// Precompile addresses under Cancun rules.
pub const PRECOMPILES: u64 = 10;

/// The root call's context fields BeginTx writes, in order: every field.
const ROOT_CONTEXT: [CallContextField; 12] = CallContextField::ALL;

/// BeginTx.
#[derive(Clone, Debug)]
pub struct BeginTxGadget {
    nonce: Cell,
    gas_limit: Cell,
    gas_price: Cell,
    caller: WordCells,
    callee: WordCells,
    value: WordCells,
    calldata_length: Cell,
    calldata_gas: Cell,
    coinbase: WordCells,
    warm_prev: [Cell; WARM_WRITES],
    balance: WordCells,
    after_fee: WordBytes,
    fee_carry: Cell,
    code_hash: WordCells,
    code_hash_lo_is_empty: IsZeroCells,
    code_hash_hi_is_empty: IsZeroCells,
    is_empty: Cell,
    is_success: Cell,
    value_is_zero: IsZeroCells,
    after_value: WordBytes,
    value_carry: Cell,
    callee_balance: WordCells,
    callee_after: WordBytes,
    callee_carry: Cell,
    gas_after: [Cell; 8],
    precompile_product: [Cell; PRECOMPILES as usize - 1],
    precompile_inverse: Cell,
    fees: FeeCells,
    left: WordCells,
    left_hi_is_zero: IsZeroCells,
    reserve_room: [Cell; 16],
}

impl Gadget for BeginTxGadget {
    const NAME: &'static str = "BeginTx";
    const STATE: ExecutionState = ExecutionState::BeginTx;

    fn claims(step: &StepKind) -> bool {
        matches!(step, StepKind::BeginTx)
    }

    fn supports(w: &StepWitness<'_>) -> Result<(), Unsupported> {
        let Some(tx) = w.tx else { return Ok(()) };
        let limb = U256::from(1u8) << 128;
        let Some(to) = tx.to else { return Err(Unsupported::new("contract creation")) };
        if !tx.access_list.is_empty() {
            return Err(Unsupported::new("transaction access list"));
        }
        if !tx.blob_hashes.is_empty() {
            return Err(Unsupported::new("blob transaction"));
        }
        let to_number = U256::from_be_slice(to.as_slice());
        if !to_number.is_zero() && to_number <= U256::from(PRECOMPILES) {
            return Err(Unsupported::new("transaction to a precompile"));
        }
        let priority = tx.max_priority_fee_per_gas.unwrap_or(tx.gas_price);
        if tx.gas_price >= 1 << 64 || priority >= 1 << 64 {
            return Err(Unsupported::new("gas price of 2^64 wei or more"));
        }
        if U256::from(tx.gas_limit) * U256::from(tx.effective_gas_price) >= limb {
            return Err(Unsupported::new("transaction fee of 2^128 wei or more"));
        }
        let transfers = if tx.value.is_zero() { 0 } else { 2 };
        if w.rws.len() != 28 + transfers {
            return Err(Unsupported::new("BeginTx with an unexpected RW shape"));
        }
        let hash = w.rws[15].value.to_be_bytes::<32>();
        if hash != EMPTY_CODE_HASH && w.code.is_empty() {
            return Err(Unsupported::new("callee with an unknown code hash"));
        }
        Ok(())
    }
}

impl<F: PrimeField> ExecutionGadget<F> for BeginTxGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let tx_id = cb.cur.tx_id.clone();
        let (nonce, gas_limit, gas_price) = (cb.query_cell(), cb.query_cell(), cb.query_cell());
        let (caller, callee, value) = (cb.query_word(), cb.query_word(), cb.query_word());
        let (calldata_length, calldata_gas) = (cb.query_cell(), cb.query_cell());
        let coinbase = cb.query_word();
        let fields: [(TxField, Word<F>); 10] = [
            (TxField::Nonce, Word::small(nonce.expr())),
            (TxField::GasLimit, Word::small(gas_limit.expr())),
            (TxField::EffectiveGasPrice, Word::small(gas_price.expr())),
            (TxField::Caller, caller.expr()),
            (TxField::Callee, callee.expr()),
            (TxField::IsCreate, Word::zero()),
            (TxField::Value, value.expr()),
            (TxField::CallDataLength, Word::small(calldata_length.expr())),
            (TxField::CallDataGasCost, Word::small(calldata_gas.expr())),
            (TxField::AccessListLength, Word::zero()),
        ];
        for (field, word) in fields {
            cb.tx_lookup("BeginTx: transaction field", tx_id.clone(), field, word);
        }
        cb.block_lookup("BeginTx: coinbase", BlockField::Coinbase, coinbase.expr());

        // Warm set: sender, coinbase, callee, precompiles.
        let address = |w: &WordCells| w.lo.expr() + w.hi.expr() * two_pow_128();
        let mut warm_addresses = vec![address(&caller), address(&coinbase), address(&callee)];
        warm_addresses.extend((1..=PRECOMPILES).map(constant));
        let warm_prev = [(); WARM_WRITES].map(|_| cb.query_cell());
        for (target, prev) in warm_addresses.into_iter().zip(&warm_prev) {
            cb.rw_lookup(
                "BeginTx: warm account",
                Access::Write(Word::small(prev.expr())),
                RwLookup::new(
                    RwTag::TxAccessListAccount,
                    tx_id.clone(),
                    target,
                    Word::small(constant(1)),
                ),
            );
        }

        // The callee is no precompile: Π_{i=1..10} (callee − i) has an inverse. (A call to a
        // precompile runs its code, which no gadget proves yet; a plain transfer would be a
        // false statement.) The product is chained two factors a cell to keep the degree low;
        // the address is below 2^160, so no factor wraps.
        let callee_address = address(&callee);
        let precompile_product = [(); PRECOMPILES as usize - 1].map(|_| cb.query_cell());
        let mut product = callee_address.clone() - constant(1);
        for (i, cell) in precompile_product.iter().enumerate() {
            cb.require_equal(
                "BeginTx: the callee is no precompile",
                cell.expr(),
                product * (callee_address.clone() - constant(i as u64 + 2)),
            );
            product = cell.expr();
        }
        let precompile_inverse = cb.query_cell();
        cb.require_equal(
            "BeginTx: the callee is no precompile",
            product * precompile_inverse.expr(),
            constant(1),
        );

        // Up-front fee and nonce.
        let balance = cb.query_word();
        let after_fee = cb.query_word_bytes();
        let fee = gas_limit.expr() * gas_price.expr();
        let fee_carry =
            cb.require_add_small("BeginTx: fee paid", after_fee.expr(), fee, balance.expr());
        cb.account(
            "BeginTx: sender pays the fee",
            caller.expr(),
            AccountField::Balance,
            after_fee.expr(),
            Access::Write(balance.expr()),
        );
        cb.account(
            "BeginTx: nonce",
            caller.expr(),
            AccountField::Nonce,
            Word::small(nonce.expr() + constant(1)),
            Access::Write(Word::small(nonce.expr())),
        );

        // The callee's code.
        let code_hash = cb.query_word();
        cb.account(
            "BeginTx: callee code hash",
            callee.expr(),
            AccountField::CodeHash,
            code_hash.expr(),
            Access::Read,
        );
        let (empty_lo, empty_hi) = hash_halves(&EMPTY_CODE_HASH);
        let code_hash_lo_is_empty = cb.is_zero(
            "BeginTx: code hash",
            code_hash.lo.expr() - Expression::Constant(F::from_u128(empty_lo)),
        );
        let code_hash_hi_is_empty = cb.is_zero(
            "BeginTx: code hash",
            code_hash.hi.expr() - Expression::Constant(F::from_u128(empty_hi)),
        );
        let is_empty = cb.query_cell();
        cb.require_equal(
            "BeginTx: no code",
            is_empty.expr(),
            code_hash_lo_is_empty.is_zero.expr() * code_hash_hi_is_empty.is_zero.expr(),
        );
        let has_code = constant(1) - is_empty.expr();

        // The root call's context.
        let is_success = cb.query_bool("BeginTx: is_success is boolean");
        cb.when(is_empty.expr(), |cb| {
            cb.require_equal(
                "BeginTx: a call without code succeeds",
                is_success.expr(),
                constant(1),
            );
        });
        let values = [
            Word::small(tx_id.clone()),
            Word::zero(),
            Word::zero(),
            caller.expr(),
            callee.expr(),
            Word {
                lo: has_code.clone() * code_hash.lo.expr(),
                hi: has_code.clone() * code_hash.hi.expr(),
            },
            value.expr(),
            Word::zero(),
            Word::zero(),
            Word::small(calldata_length.expr()),
            Word::small(is_success.expr()),
            Word::zero(),
        ];
        let context = ROOT_CONTEXT.into_iter().zip(values);
        for (field, word) in context {
            cb.call_context("BeginTx: call context", field, word, Access::Write(Word::zero()));
        }

        // Value transfer: the root call's first reversible writes, undone from the range that
        // its ending step states when it fails (`is_success` = 0: its writes do not persist).
        let next_end = cb.next.rw_counter_end_of_reversion.clone();
        cb.set_reversion(Reversion {
            is_persistent: is_success.expr(),
            end: next_end,
            base: constant(0),
        });
        let value_is_zero = cb.is_zero("BeginTx: value is zero", value.lo.expr() + value.hi.expr());
        let moves_value = constant(1) - value_is_zero.is_zero.expr();
        let after_value = cb.query_word_bytes();
        let callee_balance = cb.query_word();
        let callee_after = cb.query_word_bytes();
        let (value_carry, callee_carry) = cb.when(moves_value.clone(), |cb| {
            let value_carry = cb.require_add(
                "BeginTx: sender pays the value",
                after_value.expr(),
                value.expr(),
                after_fee.expr(),
            );
            cb.reversible_write(
                "BeginTx: sender pays the value",
                RwLookup::new(
                    RwTag::Account,
                    constant(0),
                    EvmBuilder::address_value(&caller.expr()),
                    after_value.expr(),
                )
                .field(constant(account_field_tag(AccountField::Balance))),
                after_fee.expr(),
            );
            let callee_carry = cb.require_add(
                "BeginTx: callee receives the value",
                callee_balance.expr(),
                value.expr(),
                callee_after.expr(),
            );
            cb.reversible_write(
                "BeginTx: callee receives the value",
                RwLookup::new(
                    RwTag::Account,
                    constant(0),
                    EvmBuilder::address_value(&callee.expr()),
                    callee_after.expr(),
                )
                .field(constant(account_field_tag(AccountField::Balance))),
                callee_balance.expr(),
            );
            (value_carry, callee_carry)
        });

        let fees = FeeCells::configure(cb, tx_id.clone(), gas_limit.expr(), gas_price.expr());
        // Up front the sender must afford gas_limit · max_fee + value (EIP-1559): what is left
        // after the fee at the effective price and the value covers gas_limit · (max_fee −
        // price). `left` is below 2^128 or its high limb is not zero.
        let left = cb.query_word();
        cb.require_equal(
            "BeginTx: left after the fee and value",
            left.lo.expr(),
            select(moves_value.clone(), after_value.expr().lo, after_fee.expr().lo),
        );
        cb.require_equal(
            "BeginTx: left after the fee and value",
            left.hi.expr(),
            select(moves_value.clone(), after_value.expr().hi, after_fee.expr().hi),
        );
        let left_hi_is_zero = cb.is_zero("BeginTx: left high limb", left.hi.expr());
        // With a nonzero high limb the bytes hold 0 (pinned, not free).
        let reserve_room = cb.require_bytes(
            "BeginTx: the sender affords gas limit times max fee plus value",
            left_hi_is_zero.is_zero.expr()
                * (left.lo.expr() - gas_limit.expr() * (fees.max_fee.expr() - gas_price.expr())),
        );

        // Gas and transition.
        let (cur, next) = (cb.cur.clone(), cb.next.clone());
        cb.require_equal(
            "BeginTx: starts with the gas limit",
            cur.gas_left.clone(),
            gas_limit.expr(),
        );
        let intrinsic = constant(TX_BASE_GAS) + calldata_gas.expr();
        cb.require_equal(
            "BeginTx: intrinsic gas",
            next.gas_left.clone(),
            gas_limit.expr() - intrinsic,
        );
        let gas_after = [(); 8].map(|_| cb.query_byte());
        cb.require_equal(
            "BeginTx: gas limit covers the intrinsic gas",
            next.gas_left.clone(),
            from_bytes(&gas_after),
        );
        let rw_count = cb.rw_count();
        cb.require_equal(
            "BeginTx: rw_counter advances",
            next.rw_counter,
            cur.rw_counter + rw_count,
        );
        cb.require_equal("BeginTx: same call", next.call_id, cur.call_id);
        cb.require_equal("BeginTx: same transaction", next.tx_id, cur.tx_id);
        cb.require_zero("BeginTx: no logs yet", next.log_id);
        require_no_code_state(cb);
        cb.require_zero("BeginTx: no logs before it", cur.log_id);
        cb.when(is_empty.expr(), |cb| {
            cb.require_next_in(
                "BeginTx: EndTx follows a call without code",
                &[ExecutionState::EndTx],
            );
        });
        cb.when(has_code, |cb| {
            let opcode_states = cb.opcode_states();
            cb.require_next_in("BeginTx: the code runs", &opcode_states);
            cb.require_zero("BeginTx: code starts at pc 0", next.pc);
            cb.require_zero("BeginTx: empty stack", next.stack_pointer);
            cb.require_zero("BeginTx: empty memory", next.memory_word_size);
            cb.require_equal(
                "BeginTx: the callee's code runs",
                next.code_hash_lo,
                code_hash.lo.expr(),
            );
            cb.require_equal(
                "BeginTx: the callee's code runs",
                next.code_hash_hi,
                code_hash.hi.expr(),
            );
            cb.require_equal(
                "BeginTx: the value transfer is reversible",
                next.reversible_write_counter,
                select(moves_value, constant(2), constant(0)),
            );
            cb.require_equal(
                "BeginTx: the call's writes persist if it succeeds",
                next.is_persistent,
                is_success.expr(),
            );
            cb.when(is_success.expr(), |cb| {
                cb.require_zero(
                    "BeginTx: a persistent call has no reversion range",
                    next.rw_counter_end_of_reversion,
                );
            });
        });
        Self {
            nonce,
            gas_limit,
            gas_price,
            caller,
            callee,
            value,
            calldata_length,
            calldata_gas,
            coinbase,
            warm_prev,
            balance,
            after_fee,
            fee_carry,
            code_hash,
            code_hash_lo_is_empty,
            code_hash_hi_is_empty,
            is_empty,
            is_success,
            value_is_zero,
            after_value,
            value_carry,
            callee_balance,
            callee_after,
            callee_carry,
            gas_after,
            precompile_product,
            precompile_inverse,
            fees,
            left,
            left_hi_is_zero,
            reserve_room,
        }
    }
}

/// The carry out of the low limbs of `a + b`.
pub fn low_carry(a: U256, b: U256) -> bool {
    word_limbs(a).0.overflowing_add(word_limbs(b).0).1
}

impl<F: PrimeField> StepGadget<F> for BeginTxGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        let tx = w.tx.ok_or(Error::Synthesis)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        a.assign_u64(self.nonce, tx.nonce);
        a.assign_u64(self.gas_limit, tx.gas_limit);
        a.assign(self.gas_price, F::from_u128(tx.effective_gas_price));
        a.assign_word(self.caller, word_limbs(address_word(tx.sender)));
        a.assign_word(self.callee, word_limbs(tx.to.map(address_word).unwrap_or_default()));
        a.assign_word(self.value, word_limbs(tx.value));
        a.assign_u64(self.calldata_length, tx.input.len() as u64);
        let calldata_gas: u64 = tx.input.iter().map(|b| if *b == 0 { 4 } else { 16 }).sum();
        a.assign_u64(self.calldata_gas, calldata_gas);
        a.assign_word(self.coinbase, word_limbs(address_word(w.block.coinbase)));
        for cell in &self.warm_prev {
            let (_, warm) = r.warm_account_write()?;
            a.assign_u64(*cell, warm.prev.saturating_to::<u64>());
        }
        let fee = U256::from(tx.gas_limit) * U256::from(tx.effective_gas_price);
        let (_, paid) = r.account_write(AccountField::Balance)?;
        a.assign_word(self.balance, word_limbs(paid.prev));
        a.assign_word_bytes(&self.after_fee, paid.value);
        a.assign_u64(self.fee_carry, low_carry(paid.value, fee) as u64);
        r.account_write(AccountField::Nonce)?;
        let (_, code_hash) = r.account(AccountField::CodeHash)?;
        let (lo, hi) = word_limbs(code_hash);
        a.assign_word(self.code_hash, (lo, hi));
        let (empty_lo, empty_hi) = hash_halves(&EMPTY_CODE_HASH);
        a.assign_is_zero(self.code_hash_lo_is_empty, F::from_u128(lo) - F::from_u128(empty_lo));
        a.assign_is_zero(self.code_hash_hi_is_empty, F::from_u128(hi) - F::from_u128(empty_hi));
        let is_empty = code_hash.to_be_bytes::<32>() == EMPTY_CODE_HASH;
        a.assign_u64(self.is_empty, is_empty as u64);
        // The root call's context, in `configure`'s order.
        let mut is_success = U256::ZERO;
        for field in ROOT_CONTEXT {
            let written = r.call_context_write(field)?;
            if field == CallContextField::IsSuccess {
                is_success = written.value;
            }
        }
        a.assign_u64(self.is_success, is_success.saturating_to::<u64>());
        let (value_lo, value_hi) = word_limbs(tx.value);
        a.assign_is_zero(self.value_is_zero, F::from_u128(value_lo) + F::from_u128(value_hi));
        let mut left = paid.value;
        if !tx.value.is_zero() {
            let (_, sent) = r.account_write(AccountField::Balance)?;
            a.assign_word_bytes(&self.after_value, sent.value);
            a.assign_u64(self.value_carry, low_carry(sent.value, tx.value) as u64);
            let (_, received) = r.account_write(AccountField::Balance)?;
            let callee_balance = received.prev;
            a.assign_word(self.callee_balance, word_limbs(callee_balance));
            a.assign_word_bytes(&self.callee_after, received.value);
            a.assign_u64(self.callee_carry, low_carry(callee_balance, tx.value) as u64);
            left = sent.value;
        }
        a.assign_bytes(&self.gas_after, w.next.gas_left);
        let (callee_lo, callee_hi) = word_limbs(tx.to.map(address_word).unwrap_or_default());
        let two_pow_128 = F::from_u128(1 << 64) * F::from_u128(1 << 64);
        let callee = F::from_u128(callee_lo) + F::from_u128(callee_hi) * two_pow_128;
        let mut product = callee - F::ONE;
        for (i, cell) in self.precompile_product.iter().enumerate() {
            product *= callee - F::from(i as u64 + 2);
            a.assign(*cell, product);
        }
        // Zero (and the constraint fails) for a precompile: witness generation refuses those
        // before this, so only a forged witness gets here.
        a.assign(self.precompile_inverse, product.invert().unwrap_or(F::ZERO));
        self.fees.assign(a, w);
        let (left_lo, left_hi) = word_limbs(left);
        a.assign_word(self.left, (left_lo, left_hi));
        a.assign_is_zero(self.left_hi_is_zero, F::from_u128(left_hi));
        let reserve =
            u128::from(tx.gas_limit) * (tx.gas_price.saturating_sub(tx.effective_gas_price));
        let room = if left_hi == 0 { left_lo.wrapping_sub(reserve) } else { 0 };
        for (i, cell) in self.reserve_room.iter().enumerate() {
            a.assign_u64(*cell, ((room >> (8 * i)) & 0xff) as u64);
        }
        r.finish()?;
        Ok(())
    }
}
