//! Running a campaign: per subject, the honest baseline, then `budget` mutations cycling
//! through the kinds, each classified.

use std::time::Instant;
use zkevm_executor::ReplayCheck;

use serde::{Deserialize, Serialize};
use zkevm_executor::Trace;

use super::classify::{Baseline, Verdict};
use super::kind::MutationKind;
use super::mutate::mutate;
use super::rng::SplitMix64;

/// A named trace to mutate.
#[derive(Clone, Debug)]
pub struct Subject {
    /// Name in reports.
    pub name: String,
    /// The honest trace.
    pub trace: Trace,
}

/// What a campaign does.
#[derive(Clone, Debug)]
pub struct CampaignConfig {
    /// Mutations per subject.
    pub budget: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// The kinds to cycle through (all by default).
    pub kinds: Vec<MutationKind>,
}

impl Default for CampaignConfig {
    fn default() -> Self {
        Self { budget: MutationKind::ALL.len(), seed: 0, kinds: MutationKind::ALL.to_vec() }
    }
}

/// One mutation and its verdict.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Record {
    /// Subject name.
    pub subject: String,
    /// Position in the subject's campaign.
    pub index: usize,
    /// Kind of lie.
    pub kind: MutationKind,
    /// Step index among all the subject's steps (EndBlock last), if a step is concerned.
    pub step: Option<usize>,
    /// That step's opcode.
    pub opcode: String,
    /// That step's gadget family.
    pub family: String,
    /// What was changed.
    pub change: String,
    /// Whether the mutated trace still passes the executor's replay check (`Trace::check`):
    /// when it does, the RW log is self-consistent and the lie is one only a gadget can see.
    pub replay_consistent: bool,
    /// The verdict.
    #[serde(flatten)]
    pub verdict: Verdict,
    /// Time to classify, in milliseconds.
    pub millis: u64,
}

/// Runs the campaign over `subjects`, calling `on_record` as each mutation is classified.
pub fn run_campaign(
    subjects: &[Subject],
    config: &CampaignConfig,
    mut on_record: impl FnMut(&Record),
) -> Vec<Record> {
    let mut records = Vec::new();
    let kinds =
        if config.kinds.is_empty() { MutationKind::ALL.to_vec() } else { config.kinds.clone() };
    for (s, subject) in subjects.iter().enumerate() {
        let baseline = Baseline::new(&subject.trace);
        for index in 0..config.budget {
            let mut rng = SplitMix64::derive(config.seed, &[s as u64, index as u64]);
            // The kind cycles with the index; a kind without a target in this trace (no
            // storage, no log) yields to the next kind in turn that has one.
            let start = index % kinds.len();
            let mutation = (0..kinds.len())
                .map(|i| kinds[(start + i) % kinds.len()])
                .find_map(|kind| mutate(&subject.trace, kind, &mut rng));
            let Some(mutation) = mutation else { break };
            let started = Instant::now();
            let verdict = match &baseline {
                Ok(baseline) => baseline.classify(&mutation.trace),
                Err(why) => Verdict::Unsupported(why.clone()),
            };
            let record = Record {
                subject: subject.name.clone(),
                index,
                kind: mutation.kind,
                step: mutation.step,
                opcode: mutation.opcode,
                family: mutation.family,
                change: mutation.change,
                replay_consistent: mutation.trace.check().is_ok(),
                verdict,
                millis: started.elapsed().as_millis() as u64,
            };
            on_record(&record);
            records.push(record);
        }
    }
    records
}
