//! A provable circuit of the bytecode rows with the keccak circuit that binds their hashes and
//! the fixed table that gives push sizes.

use halo2_proofs::circuit::{Layouter, SimpleFloorPlanner};
use halo2_proofs::halo2curves::ff::{FromUniformBytes, PrimeField};
use halo2_proofs::plonk::{Circuit, ConstraintSystem, Error};
use zkevm_trace::trace::Trace;

use super::config::BytecodeConfig;
use super::witness::BytecodeWitness;
use crate::error::CircuitError;
use crate::keccak::{KeccakConfig, KeccakWitness};
use crate::table::{FixedTable, FixedTableTag};

/// The fixed-table tags the bytecode circuit uses.
const FIXED_TAGS: [FixedTableTag; 1] = [FixedTableTag::PushDataSize];

/// Capacities of a bytecode circuit: they fix its layout, and so its verifying key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BytecodeCapacity {
    /// Bytecode rows (one per code byte, one header per code, one final padding row).
    pub bytecode_rows: usize,
    /// keccak-f permutations (one per 136 bytes of each code, rounded up past the padding).
    pub keccak_permutations: usize,
}

impl BytecodeCapacity {
    /// Rows the largest region occupies.
    pub fn rows(&self) -> usize {
        let keccak = crate::keccak::layout::region_rows(self.keccak_permutations);
        keccak.max(self.bytecode_rows).max(FixedTable::rows(&FIXED_TAGS))
    }

    /// The smallest `k` whose usable rows hold the circuit.
    pub fn k<F: PrimeField + FromUniformBytes<64> + Ord>(&self) -> u32 {
        let mut meta = ConstraintSystem::<F>::default();
        BytecodeCircuit::configure(&mut meta);
        let needed = self.rows() + meta.minimum_rows();
        needed.next_power_of_two().trailing_zeros()
    }
}

/// Columns of the bytecode circuit with its keccak and fixed tables.
#[derive(Clone, Debug)]
pub struct BytecodeCircuitConfig<F: PrimeField> {
    /// The keccak circuit.
    pub keccak: KeccakConfig,
    /// The fixed table.
    pub fixed: FixedTable,
    /// The bytecode rows.
    pub bytecode: BytecodeConfig<F>,
}

/// Bytecodes, their keccak permutations and the fixed table, in one circuit.
#[derive(Clone, Debug)]
pub struct BytecodeCircuit {
    /// Bytecode rows.
    pub bytecode: BytecodeWitness,
    /// The hashes of the codes.
    pub keccak: KeccakWitness,
    /// The layout.
    pub capacity: BytecodeCapacity,
}

impl BytecodeCircuit {
    /// The circuit for `codes` (each hashed once, in order).
    pub fn new(codes: &[&[u8]], capacity: BytecodeCapacity) -> Result<Self, CircuitError> {
        Ok(Self {
            bytecode: BytecodeWitness::new(codes, capacity.bytecode_rows)?,
            keccak: KeccakWitness::new(codes, capacity.keccak_permutations)?,
            capacity,
        })
    }

    /// The circuit for every code a trace ran or read.
    pub fn from_trace(trace: &Trace, capacity: BytecodeCapacity) -> Result<Self, CircuitError> {
        let codes: Vec<&[u8]> = trace.bytecodes.values().map(|code| code.as_ref()).collect();
        Self::new(&codes, capacity)
    }

    fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> BytecodeCircuitConfig<F> {
        let (keccak, _) = KeccakConfig::configure_with_challenges(meta);
        let fixed = FixedTable::configure(meta);
        let bytecode = BytecodeConfig::configure(meta, &keccak.table, &fixed, keccak.sponge.r);
        BytecodeCircuitConfig { keccak, fixed, bytecode }
    }
}

impl<F: PrimeField> Circuit<F> for BytecodeCircuit {
    type Config = BytecodeCircuitConfig<F>;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        // The layout depends on the capacity only.
        Self::new(&[], self.capacity).unwrap_or_else(|_| self.clone())
    }

    fn configure(meta: &mut ConstraintSystem<F>) -> Self::Config {
        Self::configure(meta)
    }

    fn synthesize(
        &self,
        config: Self::Config,
        mut layouter: impl Layouter<F>,
    ) -> Result<(), Error> {
        config.fixed.load(&mut layouter, &FIXED_TAGS)?;
        layouter.assign_region(
            || "keccak",
            |mut region| config.keccak.assign_first_phase(&mut region, &self.keccak),
        )?;
        layouter.assign_region(
            || "bytecode",
            |mut region| config.bytecode.assign_first_phase(&mut region, &self.bytecode),
        )?;
        layouter.next_phase();
        let r = layouter.get_challenge(config.keccak.sponge.r);
        layouter.assign_region(
            || "second phase",
            |mut region| {
                config.keccak.assign_second_phase(&mut region, &self.keccak, r);
                config.bytecode.assign_second_phase(&mut region, &self.bytecode, r);
                Ok(())
            },
        )
    }
}
