//! Forgeries: coordinated lies told over an honest layout, the way a malicious prover that
//! does not run our witness generator would tell them.
//!
//! A [`ForgeryBench`] lays a trace's SuperCircuit out once, records which advice cells the
//! circuit assigns, and then judges a set of [`Lie`]s with the MockProver: values in cells the
//! circuit owns, values in rows no region assigns ([`ForgeryBench::free_row`]), and values
//! solved against a challenge ([`ChallengeLie`]). A lie about a column is chosen in the pass of
//! that column's phase, with only the challenges drawn before it, so a lie the real prover
//! could not tell (one that needs a challenge drawn after its column is committed) is not told.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use halo2_proofs::circuit::Value;
use halo2_proofs::dev::MockProver;
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::plonk::{Advice, Challenge, Circuit, Column, ConstraintSystem};
use zkevm_executor::Trace;

use super::cell_lie::{with_plan, CellAt, ChallengeLie, Lie, LyingCircuit, Plan};
use zkevm_circuits::super_circuit::{ChunkParams, SuperCircuit, SuperConfig};

/// A trace's SuperCircuit, laid out honestly, ready to judge forgeries.
pub struct ForgeryBench {
    circuit: SuperCircuit,
    params: ChunkParams,
    rws: usize,
    k: u32,
    usable_rows: usize,
    instances: Vec<Vec<Fr>>,
    config: SuperConfig<Fr>,
    meta: ConstraintSystem<Fr>,
    honest: MockProver<Fr>,
    assigned: BTreeMap<usize, (usize, usize)>,
}

impl ForgeryBench {
    /// Builds `trace`'s circuit (sized to fit it) and records the cells it assigns; `Err` when
    /// no circuit can be built. The trace may itself be a lie: only the circuit judges it
    /// (witness generation's support checks are skipped, [`SuperCircuit::new_unchecked`]).
    pub fn new(trace: Trace) -> Result<Self, String> {
        let params = ChunkParams::fitting(&trace);
        Self::build(trace, None, params)
    }

    /// As [`Self::new`], in a chunk of `params`, with the public inputs of `statement`'s
    /// circuit when given: the prover's witness is one trace, the verifier's statement another.
    pub fn build(
        trace: Trace,
        statement: Option<Trace>,
        params: ChunkParams,
    ) -> Result<Self, String> {
        let rws = trace.rws.len();
        let circuit =
            SuperCircuit::new_unchecked(Arc::new(trace), params).map_err(|e| e.to_string())?;
        let k = params.k::<Fr>();
        let instances = match statement {
            Some(statement) => SuperCircuit::new(Arc::new(statement), params)
                .map_err(|e| e.to_string())?
                .instances::<Fr>(),
            None => circuit.instances::<Fr>(),
        };
        let lying = LyingCircuit(circuit.clone());
        let (prover, plan) = with_plan(Plan::Record(BTreeMap::new()), || {
            MockProver::<Fr>::run(k, &lying, instances.clone())
        });
        let honest = prover.map_err(|e| format!("synthesis: {e:?}"))?;
        let Plan::Record(cells) = plan else { return Err("the recording was lost".into()) };
        // The lowest and highest assigned rows of each advice column.
        let mut assigned: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
        for at in cells.keys() {
            let span = assigned.entry(at.column.index()).or_insert((at.row, at.row));
            *span = (span.0.min(at.row), span.1.max(at.row));
        }
        let mut meta = ConstraintSystem::<Fr>::default();
        let config = <SuperCircuit as Circuit<Fr>>::configure(&mut meta);
        let usable_rows = (1usize << k) - (meta.blinding_factors() + 1);
        Ok(Self { circuit, params, rws, k, usable_rows, instances, config, meta, honest, assigned })
    }

    /// The honest layout as the MockProver holds it (every cell's value).
    pub fn honest_prover(&self) -> &MockProver<Fr> {
        &self.honest
    }

    /// The circuit's constraint system.
    pub fn constraint_system(&self) -> &ConstraintSystem<Fr> {
        &self.meta
    }

    /// The circuit's size: `2^k` rows.
    pub fn k(&self) -> u32 {
        self.k
    }

    /// Rows the prover may assign (below the blinding rows).
    pub fn usable_rows(&self) -> usize {
        self.usable_rows
    }

    /// The rows a region assigns in `column`, lowest and highest (`None` when none).
    pub fn assigned_rows(&self, column: Column<Advice>) -> Option<(usize, usize)> {
        self.assigned.get(&column.index()).copied()
    }

    /// The chunk's shape.
    pub fn params(&self) -> ChunkParams {
        self.params
    }

    /// How many RWs the (lying) trace holds.
    pub fn trace_rws(&self) -> usize {
        self.rws
    }

    /// The circuit's columns.
    pub fn config(&self) -> &SuperConfig<Fr> {
        &self.config
    }

    /// The last usable row, if no region assigns it or any row above it in `columns`: a row
    /// whose cells in those columns nothing but a lie writes.
    pub fn free_row(&self, columns: &[Column<Advice>]) -> Option<usize> {
        let row = self.usable_rows.checked_sub(1)?;
        let taken = columns
            .iter()
            .any(|c| self.assigned.get(&c.index()).is_some_and(|(_, top)| *top >= row));
        (!taken).then_some(row)
    }

    /// The values of `challenges` in this layout's MockProver runs (they are deterministic),
    /// learnt the way a lie learns them: inside synthesis, in the last phase. A challenge no
    /// pass knows is left out.
    pub fn challenge_values(&self, challenges: &[Challenge]) -> BTreeMap<usize, Fr> {
        let last_phase = self
            .meta
            .advice_queries()
            .iter()
            .map(|(column, _)| *column)
            .max_by_key(|column| column.column_type().phase());
        let (Some(column), Some(row)) = (last_phase, self.usable_rows.checked_sub(1)) else {
            return BTreeMap::new();
        };
        let seen = Arc::new(Mutex::new(BTreeMap::new()));
        let (sink, wanted) = (seen.clone(), challenges.to_vec());
        let listen = solved_lie(column, row, move |challenge| {
            if let Ok(mut values) = sink.lock() {
                for c in &wanted {
                    let _ = challenge(*c).map(|v| values.insert(c.index(), v));
                }
            }
            Value::unknown()
        });
        let _ = self.verdict(vec![listen]);
        let values = seen.lock().map(|v| v.clone()).unwrap_or_default();
        values
    }

    /// `Ok` when the MockProver accepts the honest layout with `lies` told over it; else the
    /// failures as text.
    pub fn verdict(&self, lies: Vec<Lie>) -> Result<(), Vec<String>> {
        let lying = LyingCircuit(self.circuit.clone());
        let plan = Plan::Lies { lies, pass: 0 };
        let (prover, _) =
            with_plan(plan, || MockProver::<Fr>::run(self.k, &lying, self.instances.clone()));
        let prover = prover.map_err(|e| vec![format!("synthesis: {e:?}")])?;
        zkevm_circuits::mock::verify(&prover, &lying, self.k, &self.instances)
            .map_err(|failures| failures.iter().map(|f| f.to_string()).collect())
    }
}

/// A lie of `value` about column `column` at `row`.
pub fn lie(column: Column<Advice>, row: usize, value: Fr) -> Lie {
    Lie::new(CellAt { column, row }, Box::new(value))
}

/// A lie about column `column` at `row` whose value `solve` computes from the challenges
/// known in that column's phase (unknown ones make it tell nothing).
pub fn solved_lie(
    column: Column<Advice>,
    row: usize,
    solve: impl Fn(&dyn Fn(Challenge) -> Value<Fr>) -> Value<Fr> + Send + 'static,
) -> Lie {
    let solve: ChallengeLie<Fr> = Box::new(solve);
    Lie::new(CellAt { column, row }, Box::new(solve))
}
