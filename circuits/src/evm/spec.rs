//! The EVM's rules the gadgets prove, as native functions over plain numbers, and the Cancun
//! gas schedule they use: one place for both. Gadgets state these rules as constraints and
//! compute their witnesses with these functions; the tests use them as the oracle (and check
//! them against revm's own gas functions).

use alloy_primitives::U256;

/// `G_verylow`: the cheapest arithmetic and memory opcodes.
pub const GAS_VERYLOW: u64 = 3;
/// `G_copy`: per word copied (CALLDATACOPY, CODECOPY, EXTCODECOPY, RETURNDATACOPY, MCOPY).
pub const GAS_COPY_WORD: u64 = 3;
/// `G_keccak256`: KECCAK256's base cost.
pub const GAS_KECCAK: u64 = 30;
/// `G_keccak256word`: KECCAK256's cost per input word.
pub const GAS_KECCAK_WORD: u64 = 6;
/// `G_log`: a LOG's base cost.
pub const GAS_LOG: u64 = 375;
/// `G_logtopic`: per topic.
pub const GAS_LOG_TOPIC: u64 = 375;
/// `G_logdata`: per data byte.
pub const GAS_LOG_BYTE: u64 = 8;
/// `G_exp`: EXP's base cost.
pub const EXP_GAS: u64 = 10;
/// `G_expbyte` (EIP-160): per byte of the exponent.
pub const EXP_BYTE_GAS: u64 = 50;
/// EIP-2929: a warm account or slot access.
pub const WARM_ACCESS: u64 = 100;
/// EIP-2929: a cold account's first access.
pub const COLD_ACCOUNT_ACCESS: u64 = 2_600;
/// EIP-2929: a cold slot's first access.
pub const COLD_SLOAD: u64 = 2_100;
/// EIP-2200: a zero slot set to non-zero.
pub const SSTORE_SET: u64 = 20_000;
/// EIP-2200 (with EIP-2929's cold cost taken out): a non-zero slot changed.
pub const SSTORE_RESET: u64 = 5_000;
/// EIP-3529: the refund for clearing a slot.
pub const SSTORE_CLEARS: u64 = 4_800;
/// EIP-2200: SSTORE needs more than this much gas left.
pub const SSTORE_SENTRY: u64 = 2_300;
/// A transaction's intrinsic gas.
pub const TX_BASE_GAS: u64 = 21_000;
/// EIP-3529: the refund is at most the gas used over this.
pub const MAX_REFUND_QUOTIENT: u64 = 5;
/// The stack's limit.
pub const STACK_LIMIT: u64 = 1024;

/// `C_mem(words) = 3·words + ⌊words²/512⌋` (Yellow Paper, appendix H).
pub fn memory_cost(words: u64) -> u64 {
    GAS_VERYLOW * words + words * words / 512
}

/// The gas to grow memory from `now` to `after` words (0 when it does not grow).
pub fn memory_expansion_gas(now: u64, after: u64) -> u64 {
    memory_cost(after.max(now)) - memory_cost(now)
}

/// The exponent's length in bytes (EIP-160: EXP pays per byte).
pub fn exp_byte_len(exponent: U256) -> u64 {
    exponent.byte_len() as u64
}

/// EXP's gas for `exponent`.
pub fn exp_gas(exponent: U256) -> u64 {
    EXP_GAS + EXP_BYTE_GAS * exp_byte_len(exponent)
}

/// SSTORE's gas (EIP-2929 cold surcharge, EIP-2200 schedule) from the slot's warm flag and its
/// `new`, `current` and `original` (committed) values.
pub fn sstore_gas(was_warm: bool, new: U256, current: U256, original: U256) -> u64 {
    let cold = if was_warm { 0 } else { COLD_SLOAD };
    let schedule = if current == new || original != current {
        WARM_ACCESS
    } else if original.is_zero() {
        SSTORE_SET
    } else {
        SSTORE_RESET - COLD_SLOAD
    };
    cold + schedule
}

/// SSTORE's change to the refund counter (EIP-2200 with EIP-3529's values), from the slot's
/// `new`, `current` and `original` values.
pub fn sstore_refund_change(new: U256, current: U256, original: U256) -> i64 {
    let clears = SSTORE_CLEARS as i64;
    if current == new {
        return 0;
    }
    if original == current {
        // A clean slot: clearing it earns the refund.
        return if new.is_zero() { clears } else { 0 };
    }
    // A dirty slot: undo or grant the clearing refund, and restore the original's cost.
    let mut change = 0;
    if !original.is_zero() {
        if current.is_zero() {
            change -= clears;
        }
        if new.is_zero() {
            change += clears;
        }
    }
    if original == new {
        change += if original.is_zero() {
            (SSTORE_SET - WARM_ACCESS) as i64
        } else {
            (SSTORE_RESET - COLD_SLOAD - WARM_ACCESS) as i64
        };
    }
    change
}

/// EIP-3529: the refund a transaction gets from its counter after using `spent` gas.
pub fn capped_refund(counter: u64, spent: u64) -> u64 {
    counter.min(spent / MAX_REFUND_QUOTIENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// EIP-3529's table of SSTORE cases (original, then the values written in one
    /// transaction to a warm slot): gas used and refund earned by a code that writes them in
    /// order; the figures include the PUSHes (3 gas each, 2 per SSTORE). Test vectors from
    /// EIP-3529, "Test Cases".
    #[test]
    fn sstore_matches_eip_3529s_table() {
        let cases: [(u64, &[u64], u64, u64); 10] = [
            (0, &[0, 0], 212, 0),
            (0, &[0, 1], 20_112, 0),
            (0, &[1, 0], 20_112, 19_900),
            (0, &[1, 2], 20_112, 0),
            (0, &[1, 1], 20_112, 0),
            (1, &[0, 0], 3_012, 4_800),
            (1, &[0, 1], 3_012, 2_800),
            (1, &[0, 2], 3_012, 0),
            (1, &[2, 0], 3_012, 4_800),
            (1, &[1, 2], 3_012, 0),
        ];
        for (original, writes, gas, refund) in cases {
            let original = U256::from(original);
            let mut current = original;
            let (mut used, mut counter) = (0, 0i64);
            for &new in writes {
                let new = U256::from(new);
                used += 2 * GAS_VERYLOW + sstore_gas(true, new, current, original);
                counter += sstore_refund_change(new, current, original);
                current = new;
            }
            assert_eq!((used, counter as u64), (gas, refund), "{original} then {writes:?}");
        }
    }

    #[test]
    fn memory_exp_and_copy_costs() {
        assert_eq!(memory_cost(0), 0);
        assert_eq!(memory_cost(1), 3);
        assert_eq!(memory_cost(32), 98);
        assert_eq!(memory_expansion_gas(1, 32), 95);
        assert_eq!(memory_expansion_gas(32, 1), 0);
        assert_eq!(exp_gas(U256::ZERO), 10);
        assert_eq!(exp_gas(U256::from(255)), 60);
        assert_eq!(exp_gas(U256::from(256)), 110);
        assert_eq!(exp_gas(U256::MAX), 10 + 50 * 32);
        assert_eq!(capped_refund(50_000, 100_000), 20_000);
    }
}
