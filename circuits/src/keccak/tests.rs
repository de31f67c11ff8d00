//! Keccak circuit tests: published vectors, random inputs against a native keccak, and lies
//! about the output, the length, the padding and the state, which must all be rejected.

use halo2_proofs::circuit::{Layouter, Value};
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error, Fixed, SecondPhase};

use super::layout::{byte_row, junction_base, round_base, SLOT_ROWS};
use super::native::keccak_f;
use super::{hash_halves, KeccakConfig, KeccakTable, KeccakWitness};
use crate::constraint_builder::ConstraintBuilder;
use crate::copy::rlc_value;
use crate::gadgets::test_support::{assert_rejected, run, GadgetTest};
use crate::table::LookupTable;

/// A claim that `keccak256(input) = hash`, checked by a lookup into the keccak table.
#[derive(Clone, Debug)]
struct Claim {
    input: Vec<u8>,
    /// Claimed length (honest: `input.len()`).
    len: usize,
    hash: [u8; 32],
}

impl Claim {
    fn honest(input: &[u8]) -> Self {
        Self { input: input.to_vec(), len: input.len(), hash: alloy_primitives::keccak256(input).0 }
    }
}

/// A cell overwritten after honest assignment.
#[derive(Clone, Copy, Debug)]
enum Poke {
    /// Flip state bit `a[lane]` at `row`.
    StateBit { lane: usize, row: usize },
    /// Flip message bit `t[lane]` at `row`.
    MessageBit { lane: usize, row: usize },
    /// Add one to the digest's high sum at `row`.
    DigestHi { row: usize },
}

#[derive(Clone, Default)]
struct TestCircuit {
    witness: KeccakWitness,
    claims: Vec<Claim>,
    pokes: Vec<Poke>,
}

#[derive(Clone)]
struct Config {
    keccak: KeccakConfig,
    q_claim: Column<Fixed>,
    rlc: Column<Advice>,
    len: Column<Advice>,
    lo: Column<Advice>,
    hi: Column<Advice>,
}

impl TestCircuit {
    fn new(inputs: &[&[u8]], capacity: usize) -> Self {
        let witness = KeccakWitness::new(inputs, capacity).expect("fits");
        let claims = inputs.iter().map(|input| Claim::honest(input)).collect();
        Self { witness, claims, pokes: Vec::new() }
    }

    fn k(&self) -> u32 {
        (self.witness.rows() + 10).next_power_of_two().trailing_zeros()
    }
}

impl GadgetTest for TestCircuit {
    type Config = Config;

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Config {
        let (keccak, _) = KeccakConfig::configure_with_challenges(meta);
        let q_claim = meta.fixed_column();
        let rlc = meta.advice_column_in(SecondPhase);
        let (len, lo, hi) = (meta.advice_column(), meta.advice_column(), meta.advice_column());
        let mut cb = ConstraintBuilder::new();
        cb.lookup(
            "keccak claim",
            KeccakTable::lookup_tuple(rlc.cur(), len.cur(), lo.cur(), hi.cur()),
            keccak.table.table_exprs(),
        );
        cb.build(meta, "claims", q_claim.cur());
        Config { keccak, q_claim, rlc, len, lo, hi }
    }

    fn assign<L: Layouter<Fr>>(&self, config: &Config, mut layouter: L) -> Result<(), Error> {
        let keccak = &config.keccak;
        layouter.assign_region(
            || "keccak",
            |mut region| {
                keccak.assign_first_phase(&mut region, &self.witness)?;
                for (row, claim) in self.claims.iter().enumerate() {
                    let (lo, hi) = hash_halves(&claim.hash);
                    region.assign_fixed(config.q_claim, row, Fr::one());
                    region.assign_advice(config.len, row, Value::known(Fr::from(claim.len as u64)));
                    region.assign_advice(config.lo, row, Value::known(Fr::from_u128(lo)));
                    region.assign_advice(config.hi, row, Value::known(Fr::from_u128(hi)));
                }
                for poke in &self.pokes {
                    let (column, row, value) = match *poke {
                        Poke::StateBit { lane, row } => {
                            (keccak.perm.a[lane], row, 1 - state_bit(&self.witness, lane, row))
                        }
                        Poke::MessageBit { lane, row } => {
                            (keccak.perm.t[lane], row, 1 - message_bit(&self.witness, lane, row))
                        }
                        Poke::DigestHi { row } => (keccak.perm.c[0], row, 12345),
                    };
                    region.assign_advice(column, row, Value::known(Fr::from(value)));
                }
                Ok(())
            },
        )?;
        layouter.next_phase();
        let r = layouter.get_challenge(keccak.sponge.r);
        layouter.assign_region(
            || "keccak rlc",
            |mut region| {
                keccak.assign_second_phase(&mut region, &self.witness, r);
                for (row, claim) in self.claims.iter().enumerate() {
                    region.assign_advice(config.rlc, row, rlc_value(&claim.input, r));
                }
                Ok(())
            },
        )
    }
}

/// The states entering each slot's permutation.
fn permutation_inputs(witness: &KeccakWitness) -> Vec<[u64; 25]> {
    let mut state = [0u64; 25];
    let mut inputs = Vec::new();
    for slot in &witness.slots {
        if slot.is_first {
            state = [0; 25];
        }
        for (lane, bytes) in state.iter_mut().zip(slot.block.chunks(8)) {
            *lane ^= u64::from_le_bytes(bytes.try_into().expect("8 bytes"));
        }
        inputs.push(state);
        state = keccak_f(state).output;
    }
    inputs
}

/// The honest state bit of `lane` on a round row.
fn state_bit(witness: &KeccakWitness, lane: usize, row: usize) -> u64 {
    let slot = (row - round_base(0)) / SLOT_ROWS;
    let within = row - round_base(slot);
    let trace = keccak_f(permutation_inputs(witness)[slot]);
    (trace.rounds[within / 64].a[lane] >> (within % 64)) & 1
}

/// The honest message bit of `lane` on a junction row.
fn message_bit(witness: &KeccakWitness, lane: usize, row: usize) -> u64 {
    let (slot, z) = (row / SLOT_ROWS, row % SLOT_ROWS);
    let byte = witness.slots[slot].block[8 * lane + z / 8];
    ((byte >> (z % 8)) & 1) as u64
}

fn vector_inputs() -> Vec<Vec<u8>> {
    let mut inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"abc".to_vec(),
        b"The quick brown fox jumps over the lazy dog".to_vec(),
    ];
    for len in [135, 136, 137] {
        inputs.push((0..len).map(|i| (i * 7 + 3) as u8).collect());
    }
    inputs
}

fn as_slices(inputs: &[Vec<u8>]) -> Vec<&[u8]> {
    inputs.iter().map(|i| i.as_slice()).collect()
}

#[test]
fn published_vectors_and_the_rate_boundary_pass() {
    let inputs = vector_inputs();
    let circuit = TestCircuit::new(&as_slices(&inputs), 9);
    assert_eq!(run(circuit.k(), &circuit), Ok(()));
}

#[test]
fn random_inputs_match_the_native_keccak() {
    let mut seed = 0x1234_5678_9abc_def0u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let inputs: Vec<Vec<u8>> = [1usize, 64, 200, 272]
        .iter()
        .map(|&len| (0..len).map(|_| next() as u8).collect())
        .collect();
    let circuit = TestCircuit::new(&as_slices(&inputs), 7);
    assert_eq!(run(circuit.k(), &circuit), Ok(()));
}

fn small() -> TestCircuit {
    TestCircuit::new(&[b"abc", &[0x5a; 140]], 3)
}

#[test]
fn a_wrong_output_is_rejected() {
    let mut circuit = small();
    circuit.claims[0].hash[31] ^= 1;
    assert_rejected(circuit.k(), &circuit, "keccak claim");
}

#[test]
fn a_wrong_length_is_rejected() {
    let mut circuit = small();
    circuit.claims[0].len += 1;
    assert_rejected(circuit.k(), &circuit, "keccak claim");
    // A leading zero byte leaves the RLC unchanged; the length tells the inputs apart.
    let mut circuit = small();
    circuit.claims[0].input.insert(0, 0);
    circuit.claims[0].len += 1;
    assert_rejected(circuit.k(), &circuit, "keccak claim");
}

#[test]
fn wrong_padding_is_rejected() {
    // A data byte counted as padding: "ab" with 'c' as its first padding byte.
    let mut circuit = small();
    circuit.witness.slots[0].data_len = 2;
    assert_rejected(circuit.k(), &circuit, "keccak padding: 0x01 first, 0x80 last, zeros between");
    // The 0x80 moved off the last byte.
    let mut circuit = small();
    circuit.witness.slots[0].block[135] = 0;
    circuit.witness.slots[0].block[134] = 0x80;
    assert_rejected(circuit.k(), &circuit, "keccak padding: 0x01 first, 0x80 last, zeros between");
    // A block that is not final claims to be (its hash would end without padding).
    let mut circuit = small();
    circuit.witness.slots[1].is_final = true;
    assert_rejected(circuit.k(), &circuit, "keccak padding: a final block ends in padding");
    // A final block without padding bytes.
    let mut circuit = small();
    circuit.witness.slots[0].data_len = 136;
    assert_rejected(circuit.k(), &circuit, "keccak padding: a final block ends in padding");
}

#[test]
fn a_second_block_cannot_restart_the_state() {
    let mut circuit = small();
    circuit.witness.slots[2].is_first = true;
    assert_rejected(circuit.k(), &circuit, "keccak absorb: first = the previous block was final");
}

#[test]
fn a_flipped_state_bit_is_rejected() {
    let mut circuit = small();
    circuit.pokes.push(Poke::StateBit { lane: 3, row: round_base(1) + 64 * 7 + 9 });
    assert_rejected(circuit.k(), &circuit, "keccak");
    // In round 0, the absorbed state.
    let mut circuit = small();
    circuit.pokes.push(Poke::StateBit { lane: 20, row: round_base(2) + 5 });
    assert_rejected(circuit.k(), &circuit, "keccak absorb: capacity lanes carry over");
}

#[test]
fn a_flipped_message_bit_is_rejected() {
    let mut circuit = small();
    circuit.pokes.push(Poke::MessageBit { lane: 0, row: junction_base(0) + 17 });
    assert_rejected(circuit.k(), &circuit, "keccak absorb");
}

#[test]
fn a_wrong_digest_sum_is_rejected() {
    let mut circuit = small();
    circuit.pokes.push(Poke::DigestHi { row: junction_base(1) + 63 });
    assert_rejected(circuit.k(), &circuit, "keccak digest: hi = bytes 0..16 big-endian");
}

#[test]
fn byte_rows_sit_where_the_table_expects() {
    assert_eq!(byte_row(0, 135), junction_base(1) + 63);
}

#[test]
fn columns_and_degree() {
    let mut meta = ConstraintSystem::<Fr>::default();
    KeccakConfig::configure_with_challenges(&mut meta);
    assert_eq!(meta.num_advice_columns(), 85);
    assert_eq!(meta.num_fixed_columns(), 13);
    assert_eq!(meta.degree(), 5);
}
