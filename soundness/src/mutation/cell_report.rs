//! Tallies of a raw-cell campaign: totals, per region and per change, and the survivors.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::cells::CellRecord;

/// Counts of cell verdicts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellTally {
    /// Cells changed (equivalent changes included).
    pub mutations: usize,
    /// Rejected by a constraint, lookup or copy.
    pub killed: usize,
    /// Accepted by the MockProver.
    pub survived: usize,
    /// The change left the value as it was.
    pub equivalent: usize,
    /// Synthesis failed or panicked.
    pub errors: usize,
}

impl CellTally {
    fn add(&mut self, record: &CellRecord) {
        self.mutations += 1;
        match record.verdict.name() {
            "killed" => self.killed += 1,
            "survived" => self.survived += 1,
            "equivalent" => self.equivalent += 1,
            _ => self.errors += 1,
        }
    }

    /// Lies told: changes of a cell's value.
    pub fn lies(&self) -> usize {
        self.killed + self.survived + self.errors
    }

    /// Share of lies the MockProver rejected (`None` without lies).
    pub fn kill_rate(&self) -> Option<f64> {
        (self.lies() > 0).then(|| self.killed as f64 / self.lies() as f64)
    }
}

/// A raw-cell campaign's summary.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CellSummary {
    /// Seed of the run.
    pub seed: u64,
    /// Cells changed per subject.
    pub budget: usize,
    /// Subjects skipped, with why.
    pub skipped: Vec<(String, String)>,
    /// Everything.
    pub total: CellTally,
    /// Per region of the changed cell.
    pub per_region: BTreeMap<String, CellTally>,
    /// Per change.
    pub per_change: BTreeMap<String, CellTally>,
    /// Survivors and errors, to investigate.
    pub survivors: Vec<CellRecord>,
    /// Every change.
    pub records: Vec<CellRecord>,
    /// Wall time of the run, seconds.
    pub seconds: f64,
}

impl CellSummary {
    /// Tallies `records`.
    pub fn new(
        records: Vec<CellRecord>,
        skipped: Vec<(String, String)>,
        seed: u64,
        budget: usize,
        seconds: f64,
    ) -> Self {
        let mut total = CellTally::default();
        let mut per_region: BTreeMap<String, CellTally> = BTreeMap::new();
        let mut per_change: BTreeMap<String, CellTally> = BTreeMap::new();
        for r in &records {
            total.add(r);
            per_region.entry(r.region.clone()).or_default().add(r);
            per_change.entry(r.change.name().to_string()).or_default().add(r);
        }
        let survivors = records
            .iter()
            .filter(|r| matches!(r.verdict.name(), "survived" | "error"))
            .cloned()
            .collect();
        Self { seed, budget, skipped, total, per_region, per_change, survivors, records, seconds }
    }

    fn headline(&self) -> String {
        let t = &self.total;
        let rate = t.kill_rate().map_or("n/a".into(), |r| format!("{:.2}%", r * 100.0));
        format!(
            "{} raw cell lies, {} killed, {} survived, {} errors: kill rate {rate}; {} changes \
             left the value as it was",
            t.lies(),
            t.killed,
            t.survived,
            t.errors,
            t.equivalent
        )
    }

    fn survivor_line(r: &CellRecord) -> String {
        let detail = match &r.verdict {
            super::cells::CellVerdict::Error(e) => format!(": {e}"),
            _ => String::new(),
        };
        format!(
            "{} `{}` #{} region `{}` column {}{} row {} {}{detail}",
            r.verdict.name(),
            r.subject,
            r.index,
            r.region,
            r.column,
            if r.second_phase { " (second phase)" } else { "" },
            r.row,
            r.change.name()
        )
    }

    /// The plain-text report the CLI prints.
    pub fn text(&self) -> String {
        let mut out = format!("{}\n", self.headline());
        for (subject, why) in &self.skipped {
            let _ = writeln!(out, "skipped {subject}: {why}");
        }
        for r in &self.survivors {
            let _ = writeln!(out, "{}", Self::survivor_line(r));
        }
        out
    }

    /// The Markdown section appended to `docs/soundness-campaign.md`.
    pub fn markdown(&self) -> String {
        let mut out = String::from("\n## Raw cell mutations\n\n");
        let _ = writeln!(
            out,
            "After an honest assignment one advice cell the circuit assigned is changed (x+1, \
             x-1, a random element, 0) and the MockProver judges the result against the honest \
             instance. Cells are drawn region first, then uniformly within the region; {} per \
             subject, seed {}, {:.0} s.\n",
            self.budget, self.seed, self.seconds
        );
        let _ = writeln!(out, "**{}.**\n", self.headline());
        for (subject, why) in &self.skipped {
            let _ = writeln!(out, "- skipped `{subject}`: {why}");
        }
        let table = |out: &mut String, title: &str, rows: &BTreeMap<String, CellTally>| {
            let _ = writeln!(
                out,
                "| {title} | changes | killed | survived | errors | same value | kill rate |"
            );
            let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
            for (name, t) in rows {
                let rate = t.kill_rate().map_or("n/a".into(), |r| format!("{:.1}%", r * 100.0));
                let _ = writeln!(
                    out,
                    "| {name} | {} | {} | {} | {} | {} | {rate} |",
                    t.mutations, t.killed, t.survived, t.errors, t.equivalent
                );
            }
            out.push('\n');
        };
        table(&mut out, "region", &self.per_region);
        table(&mut out, "change", &self.per_change);
        let _ = writeln!(out, "### Survivors and errors\n");
        if self.survivors.is_empty() {
            let _ = writeln!(out, "None.");
        }
        for r in &self.survivors {
            let _ = writeln!(out, "- {}", Self::survivor_line(r));
        }
        out
    }
}
