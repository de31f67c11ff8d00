//! Raw single-cell mutations: the honest assignment of a subject with one advice cell changed
//! (to x + 1, x - 1, a random element, or 0), judged by the MockProver.
//!
//! The statement (the instance) is the honest one, so a changed cell that still passes is a
//! different witness for the same statement: either a cell no constraint reads (a finding of
//! its own: the circuit assigns something it never checks) or a missing constraint.
//!
//! Cells are drawn from those the circuit assigns (recorded by the [`LyingPlanner`]), region
//! first and then a cell of that region, both uniformly: the keccak region holds most cells of
//! a small chunk, and a draw over all cells would measure little else.
//!
//! [`LyingPlanner`]: super::cell_lie::LyingPlanner

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

use halo2_proofs::dev::{AdviceCellValue, MockProver};
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::halo2curves::ff::Field;
use serde::{Deserialize, Serialize};

use super::campaign::Subject;
use super::cell_lie::{with_plan, CellAt, LyingCircuit, Plan};
use super::rng::SplitMix64;
use zkevm_circuits::super_circuit::{ChunkParams, SuperCircuit};

/// How a cell is changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellChange {
    /// x + 1.
    PlusOne,
    /// x - 1.
    MinusOne,
    /// A uniformly random field element.
    Random,
    /// 0.
    Zero,
}

impl CellChange {
    /// Every change, in the order a campaign cycles through them.
    pub const ALL: [CellChange; 4] =
        [CellChange::PlusOne, CellChange::MinusOne, CellChange::Random, CellChange::Zero];

    /// The name in reports.
    pub fn name(self) -> &'static str {
        match self {
            CellChange::PlusOne => "x+1",
            CellChange::MinusOne => "x-1",
            CellChange::Random => "random",
            CellChange::Zero => "zero",
        }
    }

    fn apply(self, x: Fr, rng: &mut SplitMix64) -> Fr {
        match self {
            CellChange::PlusOne => x + Fr::ONE,
            CellChange::MinusOne => x - Fr::ONE,
            CellChange::Random => {
                let mut wide = [0u8; 64];
                for chunk in wide.chunks_mut(8) {
                    chunk.copy_from_slice(&rng.next_u64().to_le_bytes());
                }
                <Fr as halo2_proofs::halo2curves::ff::FromUniformBytes<64>>::from_uniform_bytes(
                    &wide,
                )
            }
            CellChange::Zero => Fr::ZERO,
        }
    }
}

/// What the MockProver said of one changed cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", content = "detail", rename_all = "snake_case")]
pub enum CellVerdict {
    /// A constraint, lookup or copy failed (the first failure, shortened).
    Killed(String),
    /// Every constraint held with the changed cell.
    Survived,
    /// The change left the value as it was (e.g. 0 on a zero cell); not a lie.
    Equivalent,
    /// Synthesis panicked or failed (the message).
    Error(String),
}

impl CellVerdict {
    /// The verdict's name in reports.
    pub fn name(&self) -> &'static str {
        match self {
            CellVerdict::Killed(_) => "killed",
            CellVerdict::Survived => "survived",
            CellVerdict::Equivalent => "equivalent",
            CellVerdict::Error(_) => "error",
        }
    }
}

/// One changed cell and its verdict.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CellRecord {
    /// Subject name.
    pub subject: String,
    /// Position in the subject's campaign.
    pub index: usize,
    /// The region that assigned the cell.
    pub region: String,
    /// Advice column index (creation order in the SuperCircuit's configuration).
    pub column: usize,
    /// Whether the column is a second-phase column.
    pub second_phase: bool,
    /// Absolute row.
    pub row: usize,
    /// How the cell was changed.
    pub change: CellChange,
    /// The verdict.
    #[serde(flatten)]
    pub verdict: CellVerdict,
    /// Time to judge, in milliseconds.
    pub millis: u64,
}

/// The honest run of a subject for cell lies: its circuit, instance and assigned cells.
struct CellBaseline {
    circuit: SuperCircuit,
    k: u32,
    instances: Vec<Vec<Fr>>,
    /// Assigned cells by region, each with its honest value.
    regions: BTreeMap<String, Vec<(CellAt, Fr)>>,
}

impl CellBaseline {
    fn new(subject: &Subject) -> Result<Self, String> {
        let params = ChunkParams::fitting(&subject.trace);
        let circuit = SuperCircuit::new(Arc::new(subject.trace.clone()), params)
            .map_err(|e| e.to_string())?;
        let k = params.k::<Fr>();
        let instances = circuit.instances::<Fr>();
        let lying = LyingCircuit(circuit.clone());
        let (prover, plan) = with_plan(Plan::Record(BTreeMap::new()), || {
            MockProver::<Fr>::run(k, &lying, instances.clone())
        });
        let prover = prover.map_err(|e| format!("synthesis: {e:?}"))?;
        zkevm_circuits::mock::verify(&prover, &lying, k, &instances)
            .map_err(|f| format!("the honest assignment fails: {} failures", f.len()))?;
        let Plan::Record(cells) = plan else { return Err("the recording was lost".into()) };
        let mut regions: BTreeMap<String, Vec<(CellAt, Fr)>> = BTreeMap::new();
        let mut columns: BTreeMap<usize, Vec<Fr>> = BTreeMap::new();
        for (at, region) in cells {
            let values = columns.entry(at.column.index()).or_insert_with(|| {
                prover
                    .advice_values(at.column)
                    .iter()
                    .map(|cell| match cell {
                        AdviceCellValue::Assigned(v) => v.evaluate(),
                        AdviceCellValue::Poison(_) => Fr::ZERO,
                    })
                    .collect()
            });
            let value = values.get(at.row).copied().unwrap_or(Fr::ZERO);
            regions.entry(region).or_default().push((at, value));
        }
        Ok(Self { circuit, k, instances, regions })
    }

    fn judge(&self, at: CellAt, lie: Fr) -> CellVerdict {
        let lying = LyingCircuit(self.circuit.clone());
        let synthesis = catch_unwind(AssertUnwindSafe(|| {
            let plan = Plan::Lie { at, value: Box::new(lie) };
            with_plan(plan, || MockProver::<Fr>::run(self.k, &lying, self.instances.clone())).0
        }));
        let prover = match synthesis {
            Ok(Ok(prover)) => prover,
            Ok(Err(e)) => return CellVerdict::Error(format!("synthesis: {e:?}")),
            Err(payload) => return CellVerdict::Error(format!("synthesis: {}", text(&*payload))),
        };
        let verdict = || zkevm_circuits::mock::verify(&prover, &lying, self.k, &self.instances);
        match catch_unwind(AssertUnwindSafe(verdict)) {
            Ok(Ok(())) => CellVerdict::Survived,
            Ok(Err(failures)) => {
                let first = failures.first().map(|f| f.to_string()).unwrap_or_default();
                let first: String =
                    first.lines().next().unwrap_or_default().chars().take(160).collect();
                CellVerdict::Killed(format!("{} failures, first: {first}", failures.len()))
            }
            // The MockProver of halo2-axiom formats a failure's cells only for a constraint that
            // evaluated to non-zero, and panics there when one of those cells lies in the
            // unusable rows (a gate on the region's first row reading the row above): the
            // constraint failed.
            Err(payload) => CellVerdict::Killed(format!(
                "a constraint failed (the MockProver panicked describing it: {})",
                text(&*payload)
            )),
        }
    }
}

fn text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panic".into())
}

/// Runs `budget` cell lies per subject on `jobs` threads (at least one), calling `on_record`
/// as each is judged. A subject whose honest assignment does not pass is reported as `Err`
/// with the reason, and skipped. The lies depend on the seed only, not on `jobs`; the records
/// come back in campaign order.
pub fn run_cell_campaign(
    subjects: &[Subject],
    budget: usize,
    seed: u64,
    jobs: usize,
    mut on_record: impl FnMut(&CellRecord),
) -> (Vec<CellRecord>, Vec<(String, String)>) {
    let mut records = Vec::new();
    let mut skipped = Vec::new();
    for (s, subject) in subjects.iter().enumerate() {
        let baseline = match CellBaseline::new(subject) {
            Ok(baseline) => baseline,
            Err(why) => {
                skipped.push((subject.name.clone(), why));
                continue;
            }
        };
        let lies = draw_lies(&baseline, s, budget, seed);
        let mut judged = judge_all(&baseline, &subject.name, lies, jobs, &mut on_record);
        judged.sort_by_key(|r| r.index);
        records.extend(judged);
    }
    (records, skipped)
}

/// One drawn lie: campaign index, region, cell, change, honest value and lie.
type DrawnLie = (usize, String, CellAt, CellChange, Fr, Fr);

/// Draws the lies of subject number `s` (region first, then a cell of it; changes in turn).
fn draw_lies(baseline: &CellBaseline, s: usize, budget: usize, seed: u64) -> Vec<DrawnLie> {
    let names: Vec<&String> = baseline.regions.keys().collect();
    let mut lies = Vec::new();
    for index in 0..budget {
        // Salted apart from the semantic campaign's streams of the same seed.
        let mut rng = SplitMix64::derive(seed ^ 0xce11, &[s as u64, index as u64]);
        let Some(name) = rng.pick(&names) else { break };
        let Some(&(at, honest)) = rng.pick(&baseline.regions[*name]) else { continue };
        let change = CellChange::ALL[index % CellChange::ALL.len()];
        let lie = change.apply(honest, &mut rng);
        lies.push((index, (*name).clone(), at, change, honest, lie));
    }
    lies
}

/// Judges `lies` on `jobs` threads, each taking the next lie in turn; `on_record` runs on the
/// calling thread as verdicts arrive.
fn judge_all(
    baseline: &CellBaseline,
    subject: &str,
    lies: Vec<DrawnLie>,
    jobs: usize,
    on_record: &mut impl FnMut(&CellRecord),
) -> Vec<CellRecord> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (send, receive) = std::sync::mpsc::channel();
    let mut records = Vec::with_capacity(lies.len());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            let send = send.clone();
            let (lies, next) = (&lies, &next);
            // Each judge runs on its own thread, whose thread-local plan is its own.
            scope.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((index, region, at, change, honest, lie)) = lies.get(i) else { break };
                let started = Instant::now();
                let verdict =
                    if lie == honest { CellVerdict::Equivalent } else { baseline.judge(*at, *lie) };
                let record = CellRecord {
                    subject: subject.to_string(),
                    index: *index,
                    region: region.clone(),
                    column: at.column.index(),
                    second_phase: at.column.column_type().phase() > 0,
                    row: at.row,
                    change: *change,
                    verdict,
                    millis: started.elapsed().as_millis() as u64,
                };
                if send.send(record).is_err() {
                    break;
                }
            });
        }
        drop(send);
        for record in receive {
            on_record(&record);
            records.push(record);
        }
    });
    records
}

/// Sets to 1, one at a time, every cell that `region` assigns 0 on the rows `rows` (relative
/// to the region's first assigned row), and judges each on `jobs` threads: a sweep of a step's
/// unused cells, to show that none of them is free. Returns the records, or why the subject has
/// no honest baseline.
pub fn sweep_zero_cells(
    subject: &Subject,
    region: &str,
    rows: std::ops::Range<usize>,
    jobs: usize,
) -> Result<Vec<CellRecord>, String> {
    let baseline = CellBaseline::new(subject)?;
    let cells = baseline.regions.get(region).ok_or_else(|| format!("no region named {region}"))?;
    let first = cells.iter().map(|(at, _)| at.row).min().unwrap_or(0);
    let absolute = first + rows.start..first + rows.end;
    let lies: Vec<DrawnLie> = cells
        .iter()
        .filter(|(at, honest)| absolute.contains(&at.row) && *honest == Fr::ZERO)
        .enumerate()
        .map(|(index, &(at, honest))| {
            (index, region.to_string(), at, CellChange::PlusOne, honest, Fr::ONE)
        })
        .collect();
    let mut records = judge_all(&baseline, &subject.name, lies, jobs, &mut |_| {});
    records.sort_by_key(|r| r.index);
    Ok(records)
}
