//! The SuperCircuit: the EVM, state, bytecode, keccak, bitwise, arithmetic and copy circuits and the fixed, transaction
//! and block tables in one constraint system, proving one chunk.
//!
//! Every region starts at row 0 in its own columns. The layout depends only on the
//! [`ChunkParams`], never on the witness, so every chunk with the same parameters has the same
//! verifying key. The block context, the transactions, the chunk's first transaction index and
//! the touched locations' initial and final values are bound to the instance column
//! ([`crate::public`]).

use std::sync::Arc;

use halo2_proofs::circuit::{Layouter, SimpleFloorPlanner};
use halo2_proofs::halo2curves::ff::{FromUniformBytes, PrimeField};
use halo2_proofs::plonk::{Circuit, ConstraintSystem, Error};
use zkevm_trace::trace::Trace;

use crate::arith::{arith_ops, ArithConfig};
use crate::bitwise::{bitwise_ops, BitwiseConfig};
use crate::bytecode::{BytecodeConfig, BytecodeWitness};
use crate::challenges::Challenges;
use crate::copy::{stream_words, trace_streams, CopyConfig, WordStream};
use crate::error::CircuitError;
use crate::evm::dispatch::block_witnesses;
use crate::evm::gadget::AssignError;
use crate::evm::heights::step_offsets;
use crate::evm::layout::region_rows as evm_region_rows;
use crate::evm::witness::all_steps;
use crate::evm::{EvmConfig, EvmTables};
use crate::keccak::layout::{permutations_for, region_rows};
use crate::keccak::permutation::PermutationConfig;
use crate::keccak::{KeccakConfig, KeccakWitness};
use crate::public::{ChunkStatement, InstanceLayout, PublicConfig, StatementError, TableCells};
use crate::state::{StateConfig, StateWitness};
use crate::table::{calldata_rows, BlockTable, CallDataTable, FixedTable, FixedTableTag, TxTable};

/// The fixed-table tags the SuperCircuit loads.
pub const FIXED_TAGS: [FixedTableTag; 7] = [
    FixedTableTag::Range8,
    FixedTableTag::NibbleAnd,
    FixedTableTag::PushDataSize,
    FixedTableTag::OpcodeStack,
    FixedTableTag::ConstantGas,
    FixedTableTag::RwTagProperties,
    FixedTableTag::MemoryGas,
];

/// A chunk's capacities: they fix the layout and so the verifying key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ChunkParams {
    /// EVM rows: the steps at their states' heights, padding, and EndBlock on the last row.
    pub evm_rows: usize,
    /// RW table rows (at least two padding rows).
    pub rw_rows: usize,
    /// Bytecode rows.
    pub bytecode_rows: usize,
    /// keccak-f permutations.
    pub keccak_permutations: usize,
    /// Transaction slots.
    pub txs: usize,
    /// AND/OR/XOR operations (bitwise circuit blocks).
    pub bitwise_ops: usize,
    /// Calldata words of the chunk's transactions.
    pub calldata_words: usize,
    /// Statement rows: touched account fields and storage slots, receipt and log fields.
    pub statement_rows: usize,
    /// Words of memory and log data the copy circuit streams (32 rows each).
    pub copy_words: usize,
    /// Arithmetic circuit blocks (32 rows each): one per SDIV, SMOD, ADDMOD and MULMOD, one
    /// per exponent bit (at least one) per EXP.
    pub arith_blocks: usize,
}

/// How many capacities a [`ChunkParams`] has.
pub const CAPACITIES: usize = 10;

impl ChunkParams {
    /// Every capacity, named, in a fixed order (keys, artifacts and the planner use it).
    pub fn capacities(&self) -> [(&'static str, usize); CAPACITIES] {
        [
            ("EVM rows", self.evm_rows),
            ("RW rows", self.rw_rows),
            ("bytecode rows", self.bytecode_rows),
            ("keccak permutations", self.keccak_permutations),
            ("transaction slots", self.txs),
            ("statement rows", self.statement_rows),
            ("bitwise operations", self.bitwise_ops),
            ("calldata words", self.calldata_words),
            ("copy words", self.copy_words),
            ("arithmetic blocks", self.arith_blocks),
        ]
    }

    /// The parameters from [`ChunkParams::capacities`]' values, in the same order.
    pub fn from_capacities(values: [usize; CAPACITIES]) -> Self {
        let [evm_rows, rw_rows, bytecode_rows, keccak_permutations, txs, statement_rows, bitwise_ops, calldata_words, copy_words, arith_blocks] =
            values;
        Self {
            evm_rows,
            rw_rows,
            bytecode_rows,
            keccak_permutations,
            txs,
            statement_rows,
            bitwise_ops,
            calldata_words,
            copy_words,
            arith_blocks,
        }
    }

    /// Rows the tallest region needs.
    pub fn rows(&self) -> usize {
        [
            evm_region_rows(self.evm_rows),
            self.rw_rows,
            self.bytecode_rows,
            region_rows(self.keccak_permutations),
            FixedTable::rows(&FIXED_TAGS),
            TxTable::rows(self.txs),
            BlockTable::rows(),
            BitwiseConfig::rows(self.bitwise_ops),
            ArithConfig::rows(self.arith_blocks),
            CallDataTable::rows(self.calldata_words),
            CopyConfig::rows(self.copy_words),
            PublicConfig::rows(self),
            InstanceLayout::new(self).len(),
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
    }

    /// The smallest `k` that holds the chunk.
    pub fn k<F: PrimeField + FromUniformBytes<64> + Ord>(&self) -> u32 {
        let mut meta = ConstraintSystem::<F>::default();
        SuperCircuit::configure_all(&mut meta);
        (self.rows() + meta.minimum_rows()).next_power_of_two().trailing_zeros()
    }

    /// The smallest capacities that hold `trace` (mock mode sizes each circuit to its trace).
    pub fn fitting(trace: &Trace) -> Self {
        let codes: Vec<&[u8]> = trace.bytecodes.values().map(|c| c.as_ref()).collect();
        Self {
            evm_rows: evm_rows_of(trace),
            rw_rows: trace.rws.len() + 2,
            bytecode_rows: crate::bytecode::witness::rows_for(codes.iter().copied()),
            keccak_permutations: keccak_inputs(trace)
                .iter()
                .map(|c| permutations_for(c.len()))
                .sum::<usize>()
                .max(1),
            txs: trace.txs.len().max(1),
            bitwise_ops: bitwise_ops(trace).len(),
            calldata_words: calldata_rows(trace.txs.iter().map(|tx| tx.input.as_ref())).len(),
            statement_rows: crate::public::ChunkStatement::of(trace, 0).row_count(),
            copy_words: trace_streams(trace).map(|s| stream_words(&s)).unwrap_or(0),
            arith_blocks: ArithConfig::blocks(&arith_ops(trace)).len(),
        }
    }
}

/// The EVM rows `trace`'s steps take at their states' heights (a step without a gadget counts
/// the most rows a step may take).
pub fn evm_rows_of(trace: &Trace) -> usize {
    let states: Vec<_> = all_steps(trace)
        .into_iter()
        .map(|step| crate::evm::gadgets::state_of(&step.kind))
        .collect();
    let (known, rows) = step_offsets(states.iter().filter_map(|s| s.as_ref().ok()).copied());
    rows + (states.len() - known.len()) * crate::evm::layout::MAX_STEP_HEIGHT
}

/// Every byte string the keccak circuit hashes for `trace`: its codes, then each distinct
/// KECCAK256 input.
pub fn keccak_inputs(trace: &Trace) -> Vec<&[u8]> {
    let mut inputs: Vec<&[u8]> = trace.bytecodes.values().map(|c| c.as_ref()).collect();
    let mut seen = std::collections::BTreeSet::new();
    for input in &trace.keccak_inputs {
        if seen.insert(input.input.as_ref()) {
            inputs.push(input.input.as_ref());
        }
    }
    inputs
}

/// Columns of the SuperCircuit.
#[derive(Clone, Debug)]
pub struct SuperConfig<F: PrimeField> {
    /// The fixed table.
    pub fixed: FixedTable,
    /// The transaction table.
    pub tx: TxTable,
    /// The block table.
    pub block: BlockTable,
    /// The calldata table.
    pub calldata: CallDataTable,
    /// The state circuit.
    pub state: StateConfig,
    /// The keccak circuit.
    pub keccak: KeccakConfig,
    /// The bytecode circuit.
    pub bytecode: BytecodeConfig<F>,
    /// The bitwise circuit.
    pub bitwise: BitwiseConfig,
    /// The arithmetic circuit.
    pub arith: ArithConfig,
    /// The copy circuit.
    pub copy: CopyConfig,
    /// The EVM circuit.
    pub evm: Arc<EvmConfig<F>>,
    /// The public inputs.
    pub public: PublicConfig,
    /// The challenges.
    pub challenges: Challenges,
}

/// One chunk: a trace and the capacities it is proven in.
#[derive(Clone, Debug)]
pub struct SuperCircuit {
    trace: Arc<Trace>,
    params: ChunkParams,
    statement: ChunkStatement,
    /// Whether witness generation checks each step's shape before assigning it (`false`
    /// only for a forger's witness, see [`Self::new_unchecked`]).
    checked: bool,
}

/// An EVM configuration over BN254's scalar field, built once, for checking witnesses
/// before proving ([`EvmConfig::check_witnesses`]).
fn checking_evm() -> &'static EvmConfig<halo2_proofs::halo2curves::bn256::Fr> {
    static CONFIG: std::sync::OnceLock<Arc<EvmConfig<halo2_proofs::halo2curves::bn256::Fr>>> =
        std::sync::OnceLock::new();
    CONFIG.get_or_init(|| SuperCircuit::configure_evm_for_report(&mut ConstraintSystem::default()))
}

impl SuperCircuit {
    /// The circuit of `trace` in a chunk of `params`; `Unsupported` or `CapacityExceeded` when
    /// it cannot be proven.
    pub fn new(trace: Arc<Trace>, params: ChunkParams) -> Result<Self, CircuitError> {
        let statement = ChunkStatement::of(&trace, 0);
        let circuit = Self { trace, params, statement, checked: true };
        let witness = circuit.witnesses()?;
        // Every step is read by its gadget once before proving: a step whose RWs are not what
        // the gadget reads is refused here, named, rather than failing synthesis.
        checking_evm().check_witnesses(&witness.steps).map_err(|e| match e {
            AssignError::Witness(e) => CircuitError::MalformedWitness(e.to_string()),
            AssignError::Region(e) => CircuitError::MalformedWitness(e.to_string()),
        })?;
        Ok(circuit)
    }

    /// As [`Self::new`], without witness generation's checks of what each step's gadget
    /// supports (the shapes it assumes, values it refuses): the witness a forger would assign,
    /// judged by the constraints alone. For soundness tests; a gadget may fail to assign an
    /// unexpected shape (a synthesis error).
    pub fn new_unchecked(trace: Arc<Trace>, params: ChunkParams) -> Result<Self, CircuitError> {
        let statement = ChunkStatement::of(&trace, 0);
        let circuit = Self { trace, params, statement, checked: false };
        circuit.witnesses()?;
        Ok(circuit)
    }

    /// The same chunk as the batch's chunk whose first transaction is the `first_tx`-th.
    pub fn with_first_tx(mut self, first_tx: u64) -> Self {
        self.statement.first_tx = first_tx;
        self
    }

    /// The same chunk claiming `statement` instead of the trace's: its proof fails unless the
    /// two agree (tampering tests use it to play a lying prover).
    pub fn claiming(mut self, statement: ChunkStatement) -> Self {
        self.statement = statement;
        self
    }

    /// What the chunk's proof binds.
    pub fn statement(&self) -> &ChunkStatement {
        &self.statement
    }

    /// The instance column (the public inputs) of the statement the chunk claims; empty when
    /// that statement does not fit the chunk.
    pub fn instance<F: PrimeField>(&self) -> Vec<F> {
        self.statement.instance(&self.params).unwrap_or_default()
    }

    /// The instance columns, as the provers take them.
    pub fn instances<F: PrimeField>(&self) -> Vec<Vec<F>> {
        vec![self.instance()]
    }

    /// The chunk's parameters.
    pub fn params(&self) -> ChunkParams {
        self.params
    }

    fn codes(&self) -> Vec<&[u8]> {
        self.trace.bytecodes.values().map(|c| c.as_ref()).collect()
    }

    fn witnesses(&self) -> Result<ChunkWitness<'_>, CircuitError> {
        let p = &self.params;
        let codes = self.codes();
        if self.trace.txs.len() > p.txs {
            return Err(CircuitError::CapacityExceeded {
                what: "transactions",
                needed: self.trace.txs.len(),
                capacity: p.txs,
            });
        }
        let words = calldata_rows(self.trace.txs.iter().map(|tx| tx.input.as_ref())).len();
        if words > p.calldata_words {
            return Err(CircuitError::CapacityExceeded {
                what: "calldata words",
                needed: words,
                capacity: p.calldata_words,
            });
        }
        let bitwise = bitwise_ops(&self.trace);
        if bitwise.len() > p.bitwise_ops {
            return Err(CircuitError::CapacityExceeded {
                what: "bitwise operations",
                needed: bitwise.len(),
                capacity: p.bitwise_ops,
            });
        }
        let arith = ArithConfig::blocks(&arith_ops(&self.trace)).len();
        if arith > p.arith_blocks {
            return Err(CircuitError::CapacityExceeded {
                what: "arithmetic blocks",
                needed: arith,
                capacity: p.arith_blocks,
            });
        }
        if self.trace.rws.len() + 2 > p.rw_rows {
            return Err(CircuitError::CapacityExceeded {
                what: "RW rows",
                needed: self.trace.rws.len() + 2,
                capacity: p.rw_rows,
            });
        }
        match self.statement.instance::<halo2_proofs::halo2curves::bn256::Fr>(p) {
            Ok(_) => {}
            Err(StatementError::TooLarge { what, needed, capacity }) => {
                return Err(CircuitError::CapacityExceeded { what, needed, capacity })
            }
            Err(e) => return Err(CircuitError::Unsupported(e.to_string())),
        }
        let steps = block_witnesses(&self.trace, p.evm_rows, self.checked)?;
        let streams = trace_streams(&self.trace)?;
        let words = stream_words(&streams);
        if words > p.copy_words {
            return Err(CircuitError::CapacityExceeded {
                what: "copy words",
                needed: words,
                capacity: p.copy_words,
            });
        }
        Ok(ChunkWitness {
            keccak: KeccakWitness::new(&keccak_inputs(&self.trace), p.keccak_permutations)?,
            bytecode: BytecodeWitness::new(&codes, p.bytecode_rows)?,
            state: StateWitness::new(&self.trace.rws, p.rw_rows)?,
            steps,
            streams,
        })
    }

    /// The EVM circuit's configuration inside a SuperCircuit (for shape reports).
    pub fn configure_evm_for_report<F: PrimeField>(
        meta: &mut ConstraintSystem<F>,
    ) -> Arc<EvmConfig<F>> {
        Self::configure_all(meta).evm
    }

    fn configure_all<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> SuperConfig<F> {
        let fixed = FixedTable::configure(meta);
        let tx = TxTable::configure(meta);
        let block = BlockTable::configure(meta);
        let calldata = CallDataTable::configure(meta);
        let state = StateConfig::configure(meta, &fixed);
        let perm = PermutationConfig::configure(meta);
        let challenges = Challenges::configure(meta);
        let keccak = KeccakConfig::configure(meta, perm, challenges.bytes);
        let bytecode = BytecodeConfig::configure(meta, &keccak.table, &fixed, challenges.bytes);
        let bitwise = BitwiseConfig::configure(meta, &fixed);
        let arith = ArithConfig::configure(meta, &fixed);
        let copy = CopyConfig::configure(
            meta,
            &fixed,
            &state.table,
            &calldata,
            &bytecode.table,
            challenges.bytes,
        );
        let tables = EvmTables {
            rw: state.table,
            bytecode: bytecode.table,
            fixed,
            tx,
            block,
            bitwise: bitwise.table,
            arith: arith.table,
            calldata,
            copy: copy.table,
            keccak: keccak.table,
        };
        let evm = Arc::new(EvmConfig::configure(meta, &tables, challenges));
        let public =
            PublicConfig::configure(meta, &tx, &block, &state, (evm.q_last, evm.step.tx_id));
        SuperConfig {
            fixed,
            tx,
            block,
            calldata,
            state,
            keccak,
            bytecode,
            bitwise,
            arith,
            copy,
            evm,
            public,
            challenges,
        }
    }
}

impl<F: PrimeField> Circuit<F> for SuperCircuit {
    type Config = SuperConfig<F>;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure(meta: &mut ConstraintSystem<F>) -> Self::Config {
        Self::configure_all(meta)
    }

    fn synthesize(
        &self,
        config: Self::Config,
        mut layouter: impl Layouter<F>,
    ) -> Result<(), Error> {
        let ChunkWitness { keccak, bytecode, state, steps, streams } =
            self.witnesses().map_err(|_| Error::Synthesis)?;
        let p = self.params;
        config.fixed.load(&mut layouter, &FIXED_TAGS)?;
        let tables = layouter.assign_region(
            || "tables",
            |mut region| {
                let tx = config.tx.assign(&mut region, &self.trace.txs, p.txs);
                let block = config.block.assign(&mut region, &self.trace.block);
                let first_tx =
                    config.public.assign_global_ids(&mut region, self.statement.first_tx, p.txs);
                let words = calldata_rows(self.trace.txs.iter().map(|tx| tx.input.as_ref()));
                let calldata = config.calldata.assign(&mut region, &words, p.calldata_words);
                Ok(TableCells { block, tx, first_tx: Some(first_tx), calldata })
            },
        )?;
        config.public.assign(&mut layouter, &self.statement, &p, &tables)?;
        layouter.assign_region(
            || "keccak",
            |mut r| config.keccak.assign_first_phase(&mut r, &keccak),
        )?;
        layouter.assign_region(
            || "bytecode",
            |mut r| config.bytecode.assign_first_phase(&mut r, &bytecode),
        )?;
        layouter.assign_region(|| "state", |mut r| config.state.assign(&mut r, &state))?;
        let bitwise = bitwise_ops(&self.trace);
        layouter.assign_region(
            || "bitwise",
            |mut r| {
                config.bitwise.assign(&mut r, &bitwise, p.bitwise_ops).map_err(|_| Error::Synthesis)
            },
        )?;
        let arith = arith_ops(&self.trace);
        layouter.assign_region(
            || "arithmetic",
            |mut r| {
                config.arith.assign(&mut r, &arith, p.arith_blocks).map_err(|_| Error::Synthesis)
            },
        )?;
        layouter.assign_region(
            || "copy",
            |mut r| {
                config
                    .copy
                    .assign_first_phase(&mut r, &streams, p.copy_words)
                    .map_err(|_| Error::Synthesis)
            },
        )?;
        let assigned = layouter.assign_region(
            || "evm",
            |mut region| {
                config.evm.assign_fixed(&mut region, p.evm_rows, p.rw_rows);
                config.evm.assign_first_phase(&mut region, &steps, p.rw_rows)
            },
        )?;
        layouter.next_phase();
        let values = config.challenges.values(&layouter);
        layouter.assign_region(
            || "second phase",
            |mut region| {
                config.keccak.assign_second_phase(&mut region, &keccak, values.bytes);
                config.bytecode.assign_second_phase(&mut region, &bytecode, values.bytes);
                config.evm.assign_second_phase(&mut region, &steps, &assigned, &values);
                config.copy.assign_second_phase(&mut region, &streams, p.copy_words, values.bytes);
                Ok(())
            },
        )
    }
}

/// Everything a chunk assigns, built from its trace.
struct ChunkWitness<'t> {
    keccak: KeccakWitness,
    bytecode: BytecodeWitness,
    state: StateWitness,
    steps: Vec<crate::evm::witness::StepWitness<'t>>,
    streams: Vec<WordStream>,
}

/// What the MockProver says about a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MockVerdict {
    /// Every constraint and lookup holds.
    Passed,
    /// Something in the trace has no circuit yet.
    Unsupported(String),
    /// The circuit rejects the honest witness: a bug, described.
    Failed(String),
}

/// Runs the SuperCircuit of `trace`, sized to fit it, through the MockProver.
pub fn mock_prove(trace: &Trace) -> MockVerdict {
    match mock_failures(trace) {
        Ok(failures) if failures.is_empty() => MockVerdict::Passed,
        Ok(failures) => {
            let first = failures.first().map(|f| f.to_string()).unwrap_or_default();
            let first: String =
                first.lines().next().unwrap_or_default().chars().take(200).collect();
            MockVerdict::Failed(format!("{} constraint failures, first: {first}", failures.len()))
        }
        Err(verdict) => verdict,
    }
}

/// The MockProver's failures for `trace`'s SuperCircuit, checked on every core (empty when it
/// passes), or the verdict when no circuit could be built.
pub(crate) fn mock_failures(
    trace: &Trace,
) -> Result<Vec<halo2_proofs::dev::VerifyFailure>, MockVerdict> {
    use halo2_proofs::halo2curves::bn256::Fr;
    let params = ChunkParams::fitting(trace);
    let circuit = match SuperCircuit::new(Arc::new(trace.clone()), params) {
        Ok(circuit) => circuit,
        Err(CircuitError::Unsupported(what)) => return Err(MockVerdict::Unsupported(what)),
        Err(e) => return Err(MockVerdict::Failed(e.to_string())),
    };
    crate::mock::run(params.k::<Fr>(), &circuit, circuit.instances())
        .map_err(|e| MockVerdict::Failed(format!("synthesis: {e:?}")))
}
