//! The keccak circuit: permutations ([`super::permutation`]) joined by the sponge
//! ([`super::sponge`]), exposing the [`KeccakTable`].
//!
//! Witness assignment has two phases: everything but the RLC column first, then (after the
//! first-phase columns are committed and the challenge `r` is drawn) the RLC column. Regions
//! use absolute rows from 0 (halo2-axiom's simple floor planner does not move regions), so the
//! second-phase region lines up with the first.

use halo2_proofs::circuit::{Layouter, Region, SimpleFloorPlanner, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Challenge, Circuit, ConstraintSystem, Error};

use super::layout::{region_rows, round_base, slots, Slot};
use super::padding::RATE_LANES;
use super::permutation::PermutationConfig;
use super::sponge::SpongeConfig;
use super::table::KeccakTable;
use crate::challenges::Challenges;
use crate::error::CircuitError;

/// Columns of the keccak circuit.
#[derive(Clone, Debug)]
pub struct KeccakConfig {
    /// The permutation's columns.
    pub perm: PermutationConfig,
    /// The sponge's columns.
    pub sponge: SpongeConfig,
    /// The table other circuits look hashes up in.
    pub table: KeccakTable,
}

/// The slots of a keccak region, ready to assign.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeccakWitness {
    /// One slot per permutation, `capacity` of them.
    pub slots: Vec<Slot>,
}

impl KeccakWitness {
    /// The witness of hashing `inputs` in a region of `capacity` permutations.
    pub fn new(inputs: &[&[u8]], capacity: usize) -> Result<Self, CircuitError> {
        Ok(Self { slots: slots(inputs, capacity)? })
    }

    /// Rows the region occupies.
    pub fn rows(&self) -> usize {
        region_rows(self.slots.len())
    }
}

impl KeccakConfig {
    /// States the sponge's constraints over an allocated permutation; `r` is the byte-string
    /// RLC challenge. (halo2 allocates a challenge only after some first-phase column exists,
    /// hence the two steps.)
    pub fn configure<F: PrimeField>(
        meta: &mut ConstraintSystem<F>,
        perm: PermutationConfig,
        r: Challenge,
    ) -> Self {
        let sponge = SpongeConfig::configure(meta, &perm, r);
        let table = KeccakTable::new(&perm, &sponge);
        Self { perm, sponge, table }
    }

    /// Allocates the permutation, then the challenges, then the sponge.
    pub fn configure_with_challenges<F: PrimeField>(
        meta: &mut ConstraintSystem<F>,
    ) -> (Self, Challenges) {
        let perm = PermutationConfig::configure(meta);
        let challenges = Challenges::configure(meta);
        (Self::configure(meta, perm, challenges.bytes), challenges)
    }

    /// Assigns the fixed and first-phase columns.
    pub fn assign_first_phase<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        witness: &KeccakWitness,
    ) -> Result<(), Error> {
        self.sponge.assign_fixed(region, witness.slots.len());
        let mut state = [0u64; 25];
        let mut len_before = 0;
        for (s, slot) in witness.slots.iter().enumerate() {
            if slot.is_first {
                state = [0; 25];
                len_before = 0;
            }
            for (lane, bytes) in state.iter_mut().zip(slot.block.chunks(8)).take(RATE_LANES) {
                let mut word = [0u8; 8];
                word.copy_from_slice(bytes);
                *lane ^= u64::from_le_bytes(word);
            }
            let accumulators = self.sponge.assign_absorption(region, &self.perm, s, slot);
            state = self.perm.assign_permutation(region, round_base(s), state)?;
            self.sponge.assign_digest(region, &self.perm, s, &state);
            self.sponge.assign_bytes(region, s, slot, len_before, &accumulators);
            len_before += slot.data_len;
        }
        Ok(())
    }

    /// Assigns the second-phase (RLC) column.
    pub fn assign_second_phase<F: PrimeField>(
        &self,
        region: &mut Region<'_, F>,
        witness: &KeccakWitness,
        r: Value<F>,
    ) {
        let mut rlc = Value::known(F::ZERO);
        for (s, slot) in witness.slots.iter().enumerate() {
            if slot.is_first {
                rlc = Value::known(F::ZERO);
            }
            rlc = self.sponge.assign_rlc(region, s, slot, rlc, r);
        }
    }

    /// Assigns both phases in two regions, committing the first phase in between.
    pub fn assign<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        witness: &KeccakWitness,
    ) -> Result<(), Error> {
        layouter.assign_region(
            || "keccak",
            |mut region| self.assign_first_phase(&mut region, witness),
        )?;
        layouter.next_phase();
        let r = layouter.get_challenge(self.sponge.r);
        layouter.assign_region(
            || "keccak rlc",
            |mut region| {
                self.assign_second_phase(&mut region, witness, r);
                Ok(())
            },
        )
    }
}

/// A circuit that hashes a list of inputs in a fixed number of permutation slots.
#[derive(Clone, Debug, Default)]
pub struct KeccakCircuit {
    /// The assigned slots.
    pub witness: KeccakWitness,
    /// Permutation slots (fixes the layout, and so the verifying key).
    pub capacity: usize,
}

impl KeccakCircuit {
    /// The circuit hashing `inputs` in `capacity` slots.
    pub fn new(inputs: &[&[u8]], capacity: usize) -> Result<Self, CircuitError> {
        Ok(Self { witness: KeccakWitness::new(inputs, capacity)?, capacity })
    }
}

impl<F: PrimeField> Circuit<F> for KeccakCircuit {
    type Config = KeccakConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        // Layout depends on the capacity only: the empty-input padding has the same shape.
        let witness = KeccakWitness::new(&[], self.capacity).unwrap_or_default();
        Self { witness, capacity: self.capacity }
    }

    fn configure(meta: &mut ConstraintSystem<F>) -> KeccakConfig {
        KeccakConfig::configure_with_challenges(meta).0
    }

    fn synthesize(
        &self,
        config: KeccakConfig,
        mut layouter: impl Layouter<F>,
    ) -> Result<(), Error> {
        config.assign(&mut layouter, &self.witness)
    }
}
