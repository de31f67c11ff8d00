//! Keccak-256 sponge: multi-rate padding and absorption (rate 136 bytes = 17 lanes,
//! capacity 512 bits; keccak's original padding `0x01 … 0x80`, not SHA-3's `0x06`).

use super::native::{keccak_f, PermutationTrace};

/// Rate of keccak-256 in bytes.
pub const RATE: usize = 136;
/// Rate in 64-bit lanes.
pub const RATE_LANES: usize = RATE / 8;

/// `input` padded to a multiple of [`RATE`]: `0x01` after the data, `0x80` in the last byte
/// of the last block (one byte `0x81` when they coincide).
pub fn pad(input: &[u8]) -> Vec<u8> {
    let blocks = input.len() / RATE + 1;
    let mut padded = vec![0u8; blocks * RATE];
    padded[..input.len()].copy_from_slice(input);
    padded[input.len()] ^= 0x01;
    padded[blocks * RATE - 1] ^= 0x80;
    padded
}

/// The permutations of hashing `input` and the digest.
#[derive(Clone, Debug)]
pub struct SpongeTrace {
    /// Padded input, one [`RATE`]-byte block per permutation.
    pub padded: Vec<u8>,
    /// One permutation per block.
    pub permutations: Vec<PermutationTrace>,
    /// keccak-256 of the input.
    pub digest: [u8; 32],
}

/// Hashes `input`, recording every permutation.
pub fn keccak256_traced(input: &[u8]) -> SpongeTrace {
    let padded = pad(input);
    let mut state = [0u64; 25];
    let mut permutations = Vec::with_capacity(padded.len() / RATE);
    for block in padded.chunks(RATE) {
        for (lane, bytes) in state.iter_mut().zip(block.chunks(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(bytes);
            *lane ^= u64::from_le_bytes(word);
        }
        let trace = keccak_f(state);
        state = trace.output;
        permutations.push(trace);
    }
    let mut digest = [0u8; 32];
    for (chunk, lane) in digest.chunks_mut(8).zip(state) {
        chunk.copy_from_slice(&lane.to_le_bytes());
    }
    SpongeTrace { padded, permutations, digest }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zkevm_executor::trace::KeccakInput;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn published_vectors() {
        // keccak-256 test vectors (the Keccak team's and Ethereum's well-known values).
        let cases: [(&[u8], &str); 3] = [
            (b"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
            (b"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
            (
                b"The quick brown fox jumps over the lazy dog",
                "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(hex(&keccak256_traced(input).digest), expected, "{input:?}");
        }
    }

    #[test]
    fn lengths_around_the_rate_boundary_match_alloy() {
        for len in [0, 1, 55, 56, 134, 135, 136, 137, 271, 272, 273, 1000] {
            let input: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let traced = keccak256_traced(&input);
            assert_eq!(traced.digest, alloy_primitives::keccak256(&input).0, "len {len}");
            assert_eq!(traced.permutations.len(), len / RATE + 1, "len {len}");
        }
    }

    #[test]
    fn padding_fills_one_byte_with_0x81_at_rate_minus_one() {
        let padded = pad(&[0u8; RATE - 1]);
        assert_eq!(padded.len(), RATE);
        assert_eq!(padded[RATE - 1], 0x81);
        let padded = pad(&[0u8; RATE]);
        assert_eq!(padded.len(), 2 * RATE);
        assert_eq!((padded[RATE], padded[2 * RATE - 1]), (0x01, 0x80));
    }

    #[test]
    fn trace_keccak_inputs_agree() {
        let input = KeccakInput {
            input: vec![1u8, 2, 3].into(),
            hash: alloy_primitives::keccak256([1u8, 2, 3]),
        };
        assert_eq!(keccak256_traced(&input.input).digest, input.hash.0);
    }
}
