//! BeginTx's fee checks ([`FeeCells`]): the transaction's fee fields against the block's base
//! fee and gas limit (EIP-1559), and the effective gas price they give.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Expression;

use crate::constraint_builder::{constant, select};
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{EvmBuilder, Word};
use crate::evm::cell::Cell;
use crate::evm::witness::StepWitness;
use crate::table::{BlockField, TxField};

/// The fee fields and what BeginTx proves of them (EIP-1559; a legacy transaction's max fee
/// and priority fee are both its gas price): `base_fee ≤ max_fee`, `priority ≤ max_fee`,
/// `price = min(max_fee, base_fee + priority)`, and `gas_limit ≤` the block's. Prices are below
/// 2^64 (witness generation refuses others), so the differences fit 8 or 9 bytes.
#[derive(Clone, Debug)]
pub(super) struct FeeCells {
    pub(super) max_fee: Cell,
    priority: Cell,
    base_fee: Cell,
    block_gas_limit: Cell,
    headroom: [Cell; 8],
    tip_room: [Cell; 8],
    capped: Cell,
    price_gap: [Cell; 9],
    block_room: [Cell; 8],
}

impl FeeCells {
    pub(super) fn configure<F: PrimeField>(
        cb: &mut EvmBuilder<F>,
        tx_id: Expression<F>,
        gas_limit: Expression<F>,
        price: Expression<F>,
    ) -> Self {
        let (max_fee, priority) = (cb.query_cell(), cb.query_cell());
        let (base_fee, block_gas_limit) = (cb.query_cell(), cb.query_cell());
        let max_word = Word::small(max_fee.expr());
        cb.tx_lookup("BeginTx: max fee", tx_id.clone(), TxField::MaxFeePerGas, max_word);
        let priority_word = Word::small(priority.expr());
        cb.tx_lookup("BeginTx: priority fee", tx_id, TxField::MaxPriorityFeePerGas, priority_word);
        cb.block_lookup("BeginTx: base fee", BlockField::BaseFee, Word::small(base_fee.expr()));
        let block_limit = Word::small(block_gas_limit.expr());
        cb.block_lookup("BeginTx: block gas limit", BlockField::GasLimit, block_limit);
        let headroom = cb.require_bytes(
            "BeginTx: the max fee covers the base fee",
            max_fee.expr() - base_fee.expr(),
        );
        let tip_room = cb.require_bytes(
            "BeginTx: the priority fee is at most the max fee",
            max_fee.expr() - priority.expr(),
        );
        // price = min(max_fee, base_fee + priority): `capped` when the max fee is the smaller.
        let capped = cb.query_bool("BeginTx: capped is boolean");
        let uncapped = base_fee.expr() + priority.expr();
        cb.require_equal(
            "BeginTx: effective price = min(max fee, base fee + priority fee)",
            price,
            select(capped.expr(), max_fee.expr(), uncapped.clone()),
        );
        let price_gap = cb.require_bytes(
            "BeginTx: effective price = min(max fee, base fee + priority fee)",
            select(
                capped.expr(),
                uncapped.clone() - max_fee.expr(),
                max_fee.expr() - uncapped - constant(1),
            ),
        );
        let block_room = cb.require_bytes(
            "BeginTx: the gas limit is within the block's",
            block_gas_limit.expr() - gas_limit,
        );
        Self {
            max_fee,
            priority,
            base_fee,
            block_gas_limit,
            headroom,
            tip_room,
            capped,
            price_gap,
            block_room,
        }
    }

    pub(super) fn assign<F: PrimeField>(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) {
        let Some(tx) = w.tx else { return };
        let max_fee = tx.gas_price as u64;
        let priority = tx.max_priority_fee_per_gas.unwrap_or(tx.gas_price) as u64;
        let base_fee = w.block.base_fee;
        a.assign_u64(self.max_fee, max_fee);
        a.assign_u64(self.priority, priority);
        a.assign_u64(self.base_fee, base_fee);
        a.assign_u64(self.block_gas_limit, w.block.gas_limit);
        a.assign_bytes(&self.headroom, max_fee.wrapping_sub(base_fee));
        a.assign_bytes(&self.tip_room, max_fee.wrapping_sub(priority));
        let uncapped = u128::from(base_fee) + u128::from(priority);
        let capped = u128::from(max_fee) <= uncapped;
        a.assign_u64(self.capped, capped as u64);
        let gap = match capped {
            true => uncapped - u128::from(max_fee),
            false => u128::from(max_fee) - uncapped - 1,
        };
        for (i, cell) in self.price_gap.iter().enumerate() {
            a.assign_u64(*cell, ((gap >> (8 * i)) & 0xff) as u64);
        }
        a.assign_bytes(&self.block_room, w.block.gas_limit.wrapping_sub(tx.gas_limit));
    }
}
