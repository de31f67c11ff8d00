//! Tallies of a campaign: totals, per kind and per opcode family, survivors; JSON and Markdown.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::campaign::Record;
use super::kind::MutationKind;

/// Counts of verdicts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Mutations.
    pub mutations: usize,
    /// Rejected by a constraint or lookup.
    pub killed: usize,
    /// Declined by witness generation.
    pub refused: usize,
    /// Witness generation or synthesis panicked.
    pub panicked: usize,
    /// Lies the MockProver accepted.
    pub survived: usize,
    /// Accepted while claiming other inputs; not decided.
    pub undecided: usize,
    /// No lie reached the witness.
    pub equivalent: usize,
    /// The subject itself is not supported.
    pub unsupported: usize,
}

impl Tally {
    fn add(&mut self, record: &Record) {
        self.mutations += 1;
        match record.verdict.name() {
            "killed" => self.killed += 1,
            "refused" => self.refused += 1,
            "panicked" => self.panicked += 1,
            "survived" => self.survived += 1,
            "undecided" => self.undecided += 1,
            "equivalent" => self.equivalent += 1,
            _ => self.unsupported += 1,
        }
    }

    /// Lies told: mutations that changed the witness of a supported subject.
    pub fn lies(&self) -> usize {
        self.killed + self.refused + self.panicked + self.survived + self.undecided
    }

    /// Share of lies rejected by the constraints alone (`None` without lies).
    pub fn constraint_kill_rate(&self) -> Option<f64> {
        (self.lies() > 0).then(|| self.killed as f64 / self.lies() as f64)
    }

    /// Share of lies not accepted: rejected by the constraints, declined by witness generation
    /// or ending in a panic there.
    pub fn kill_rate(&self) -> Option<f64> {
        let rejected = self.killed + self.refused + self.panicked;
        (self.lies() > 0).then(|| rejected as f64 / self.lies() as f64)
    }
}

/// A campaign's summary.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Summary {
    /// Seed of the run.
    pub seed: u64,
    /// Mutations per subject.
    pub budget: usize,
    /// Subjects and whether their honest trace passes (`None`) or why not.
    pub subjects: Vec<(String, Option<String>)>,
    /// Everything.
    pub total: Tally,
    /// Per mutation kind.
    pub per_kind: BTreeMap<String, Tally>,
    /// Per gadget family of the step concerned.
    pub per_family: BTreeMap<String, Tally>,
    /// Survivors and undecided mutations, to investigate.
    pub survivors: Vec<Record>,
    /// Every mutation.
    pub records: Vec<Record>,
    /// Wall time of the run, seconds.
    pub seconds: f64,
}

impl Summary {
    /// Tallies `records`.
    pub fn new(
        records: Vec<Record>,
        subjects: Vec<(String, Option<String>)>,
        seed: u64,
        budget: usize,
        seconds: f64,
    ) -> Self {
        let mut total = Tally::default();
        let mut per_kind: BTreeMap<String, Tally> = BTreeMap::new();
        let mut per_family: BTreeMap<String, Tally> = BTreeMap::new();
        for r in &records {
            total.add(r);
            per_kind.entry(r.kind.name().to_string()).or_default().add(r);
            per_family.entry(r.family.clone()).or_default().add(r);
        }
        let survivors = records
            .iter()
            .filter(|r| matches!(r.verdict.name(), "survived" | "undecided"))
            .cloned()
            .collect();
        Self { seed, budget, subjects, total, per_kind, per_family, survivors, records, seconds }
    }

    /// Whether any lie survived or stayed undecided.
    pub fn clean(&self) -> bool {
        self.survivors.is_empty()
    }

    /// The plain-text report the CLI prints.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let t = &self.total;
        let _ = writeln!(
            out,
            "{} mutations: {} lies, {} killed by constraints, {} refused by witness generation, \
             {} panicked, {} survived, {} undecided; {} equivalent, {} unsupported",
            t.mutations,
            t.lies(),
            t.killed,
            t.refused,
            t.panicked,
            t.survived,
            t.undecided,
            t.equivalent,
            t.unsupported
        );
        let _ = writeln!(
            out,
            "kill rate {} (constraints alone {}), {:.0} s",
            rate(t.kill_rate()),
            rate(t.constraint_kill_rate()),
            self.seconds
        );
        let _ = writeln!(out, "\nper kind:");
        for (name, tally) in &self.per_kind {
            let _ = writeln!(out, "  {name:<26} {}", tally_line(tally));
        }
        let _ = writeln!(out, "\nper family:");
        for (name, tally) in &self.per_family {
            let _ = writeln!(out, "  {name:<26} {}", tally_line(tally));
        }
        if self.survivors.is_empty() {
            let _ = writeln!(out, "\nno survivors");
        } else {
            let _ = writeln!(out, "\nsurvivors:");
            for r in &self.survivors {
                let _ = writeln!(out, "  {}", survivor_line(r));
            }
        }
        out
    }

    /// The Markdown page (`docs/soundness-campaign.md`), headed by the command and date given.
    pub fn markdown(&self, command: &str, date: &str) -> String {
        let mut out = String::new();
        let t = &self.total;
        let _ = writeln!(out, "# Soundness campaign\n");
        let _ = writeln!(
            out,
            "Generated by `{command}` on {date} (seed {}, {} mutations per subject, {:.0} s).\n",
            self.seed, self.budget, self.seconds
        );
        let _ = writeln!(
            out,
            "**{} semantic lies, {} killed by constraints, {} refused by witness generation, \
             {} panicked in witness generation, {} survived, {} undecided: kill rate {} \
             (constraints alone {}).** {} mutations were equivalent (no lie reached the \
             witness) and {} unsupported.\n",
            t.lies(),
            t.killed,
            t.refused,
            t.panicked,
            t.survived,
            t.undecided,
            rate(t.kill_rate()),
            rate(t.constraint_kill_rate()),
            t.equivalent,
            t.unsupported
        );
        let _ = writeln!(out, "## Subjects\n");
        for (name, status) in &self.subjects {
            let _ =
                writeln!(out, "- `{name}`: {}", status.as_deref().unwrap_or("honest trace passes"));
        }
        let header = "| | mutations | killed | refused | panicked | survived | undecided | equivalent | unsupported | kill rate |\n\
                      |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
        let _ = writeln!(out, "\n## Per mutation kind\n\n{header}");
        for kind in MutationKind::ALL {
            if let Some(tally) = self.per_kind.get(kind.name()) {
                let _ = writeln!(out, "| `{}` | {} |", kind.name(), tally_cells(tally));
            }
        }
        let _ = writeln!(out, "\n## Per gadget family of the step concerned\n\n{header}");
        for (name, tally) in &self.per_family {
            let _ = writeln!(out, "| {name} | {} |", tally_cells(tally));
        }
        let _ = writeln!(out, "\n## Survivors\n");
        if self.survivors.is_empty() {
            let _ = writeln!(out, "None.");
        }
        for r in &self.survivors {
            let _ = writeln!(out, "- {}", survivor_line(r));
        }
        let refused: Vec<&Record> = self
            .records
            .iter()
            .filter(|r| matches!(r.verdict.name(), "refused" | "panicked"))
            .collect();
        if !refused.is_empty() {
            let _ = writeln!(out, "\n## Refused by witness generation, or panicked there\n");
            for r in refused {
                let _ = writeln!(
                    out,
                    "- {} `{}` #{} `{}` step {} {}: {}",
                    r.verdict.name(),
                    r.subject,
                    r.index,
                    r.kind.name(),
                    r.step.map_or("-".to_string(), |s| s.to_string()),
                    r.opcode,
                    r.verdict.detail()
                );
            }
        }
        out
    }
}

fn rate(r: Option<f64>) -> String {
    r.map_or("n/a".to_string(), |r| format!("{:.1}%", r * 100.0))
}

fn tally_line(t: &Tally) -> String {
    format!(
        "{:>4} mutations, {:>4} killed, {:>3} refused, {:>3} panicked, {:>3} survived, {:>3} undecided, {:>3} equivalent, kill rate {}",
        t.mutations,
        t.killed,
        t.refused,
        t.panicked,
        t.survived,
        t.undecided,
        t.equivalent,
        rate(t.kill_rate())
    )
}

fn tally_cells(t: &Tally) -> String {
    format!(
        "{} | {} | {} | {} | {} | {} | {} | {} | {}",
        t.mutations,
        t.killed,
        t.refused,
        t.panicked,
        t.survived,
        t.undecided,
        t.equivalent,
        t.unsupported,
        rate(t.kill_rate())
    )
}

fn survivor_line(r: &Record) -> String {
    format!(
        "{} `{}` #{} `{}` step {} {} ({}): {} [{}; replay check {}]",
        r.verdict.name(),
        r.subject,
        r.index,
        r.kind.name(),
        r.step.map_or("-".to_string(), |s| s.to_string()),
        r.opcode,
        r.family,
        r.change,
        r.verdict.detail(),
        if r.replay_consistent { "passes" } else { "fails" }
    )
}
