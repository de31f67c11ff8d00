//! keccak-f[1600] with every round's intermediates (FIPS 202 §3.2, Keccak reference §2).
//!
//! Lane `(x, y)` is index `x + 5y`; lanes are little-endian 64-bit words.

/// Round constants ι (FIPS 202 §3.2.5), for the 24 rounds.
pub const ROUND_CONSTANTS: [u64; 24] = [
    0x0000_0000_0000_0001,
    0x0000_0000_0000_8082,
    0x8000_0000_0000_808a,
    0x8000_0000_8000_8000,
    0x0000_0000_0000_808b,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8009,
    0x0000_0000_0000_008a,
    0x0000_0000_0000_0088,
    0x0000_0000_8000_8009,
    0x0000_0000_8000_000a,
    0x0000_0000_8000_808b,
    0x8000_0000_0000_008b,
    0x8000_0000_0000_8089,
    0x8000_0000_0000_8003,
    0x8000_0000_0000_8002,
    0x8000_0000_0000_0080,
    0x0000_0000_0000_800a,
    0x8000_0000_8000_000a,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8080,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8008,
];

/// ρ rotation offsets by lane index `x + 5y` (FIPS 202 §3.2.2, table 2).
pub const RHO_OFFSETS: [u32; 25] = [
    0, 1, 62, 28, 27, //
    36, 44, 6, 55, 20, //
    3, 10, 43, 25, 39, //
    41, 45, 15, 21, 8, //
    18, 2, 61, 56, 14,
];

/// π: lane `(x, y)` moves to `(y, 2x + 3y mod 5)`. Returns the destination index of `i`.
pub const fn pi_destination(i: usize) -> usize {
    let (x, y) = (i % 5, i / 5);
    y + 5 * ((2 * x + 3 * y) % 5)
}

/// One round's intermediates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundTrace {
    /// State entering the round.
    pub a: [u64; 25],
    /// θ: column parities `C[x] = ⊕_y A[x, y]`.
    pub c: [u64; 5],
    /// θ: `D[x] = C[x-1] ⊕ rot(C[x+1], 1)`.
    pub d: [u64; 5],
    /// ρ and π applied to `A ⊕ D`: `B[π(x, y)] = rot(A[x, y] ⊕ D[x], r[x, y])`.
    pub b: [u64; 25],
}

/// A permutation's rounds and its output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PermutationTrace {
    /// The 24 rounds.
    pub rounds: Vec<RoundTrace>,
    /// State after the last round.
    pub output: [u64; 25],
}

/// One round: θ, ρ, π, χ, ι.
fn round(a: &[u64; 25], rc: u64) -> (RoundTrace, [u64; 25]) {
    let mut c = [0u64; 5];
    for (x, cx) in c.iter_mut().enumerate() {
        *cx = (0..5).fold(0, |acc, y| acc ^ a[x + 5 * y]);
    }
    let mut d = [0u64; 5];
    for (x, dx) in d.iter_mut().enumerate() {
        *dx = c[(x + 4) % 5] ^ c[(x + 1) % 5].rotate_left(1);
    }
    let mut b = [0u64; 25];
    for i in 0..25 {
        b[pi_destination(i)] = (a[i] ^ d[i % 5]).rotate_left(RHO_OFFSETS[i]);
    }
    let mut next = [0u64; 25];
    for i in 0..25 {
        let (x, y) = (i % 5, i / 5);
        // χ: A[x, y] = B[x, y] ⊕ (¬B[x+1, y] ∧ B[x+2, y]).
        next[i] = b[i] ^ (!b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
    }
    next[0] ^= rc;
    (RoundTrace { a: *a, c, d, b }, next)
}

/// keccak-f[1600] on `state`, recording every round.
pub fn keccak_f(state: [u64; 25]) -> PermutationTrace {
    let mut rounds = Vec::with_capacity(24);
    let mut a = state;
    for rc in ROUND_CONSTANTS {
        let (trace, next) = round(&a, rc);
        rounds.push(trace);
        a = next;
    }
    PermutationTrace { rounds, output: a }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pi_is_a_permutation_fixing_the_origin() {
        let mut seen = [false; 25];
        for i in 0..25 {
            seen[pi_destination(i)] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(pi_destination(0), 0);
    }

    #[test]
    fn permutation_of_zero_matches_the_reference() {
        // keccak-f[1600] applied to the all-zero state: first lane of the Keccak team's
        // published intermediate values (KeccakF-1600-IntermediateValues.txt).
        let out = keccak_f([0; 25]).output;
        assert_eq!(out[0], 0xF125_8F79_40E1_DDE7);
        assert_eq!(out[1], 0x84D5_CCF9_33C0_478A);
        // Applying it again gives the second published state.
        let twice = keccak_f(out).output;
        assert_eq!(twice[0], 0x2D5C_954D_F96E_CB3C);
    }
}
