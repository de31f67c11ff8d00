//! Tallies of a forgery campaign ([`super::forgery_campaign`]): per class and per subject,
//! the constraint-only kill rate, and every survivor; text and Markdown.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::forgery_campaign::{ForgeryClass, ForgeryRecord, ForgeryVerdict};

/// Counts of forgery verdicts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForgeryTally {
    /// Forgeries tried.
    pub forgeries: usize,
    /// Rejected by a constraint, lookup or copy constraint.
    pub killed: usize,
    /// Accepted lies.
    pub survived: usize,
    /// Accepted changes that no table entry an input can reach shows.
    pub inert: usize,
    /// Forgeries that could not be told.
    pub untold: usize,
}

impl ForgeryTally {
    fn add(&mut self, verdict: &ForgeryVerdict) {
        self.forgeries += 1;
        match verdict {
            ForgeryVerdict::Killed(_) => self.killed += 1,
            ForgeryVerdict::Survived(_) => self.survived += 1,
            ForgeryVerdict::Inert(_) => self.inert += 1,
            ForgeryVerdict::Untold(_) => self.untold += 1,
        }
    }

    /// Killed over killed plus survived: the lies the constraints alone rejected (`None`
    /// when no lie was told).
    pub fn kill_rate(&self) -> Option<f64> {
        let lies = self.killed + self.survived;
        (lies > 0).then(|| self.killed as f64 / lies as f64)
    }
}

/// A forgery campaign's summary.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ForgerySummary {
    /// Seed of the run.
    pub seed: u64,
    /// Forgeries per class and subject.
    pub per_class_budget: usize,
    /// Everything.
    pub total: ForgeryTally,
    /// Per class.
    pub per_class: BTreeMap<String, ForgeryTally>,
    /// Per subject.
    pub per_subject: BTreeMap<String, ForgeryTally>,
    /// Which constraints killed how many forgeries (the first failure's name).
    pub killers: BTreeMap<String, usize>,
    /// Survivors, to investigate.
    pub survivors: Vec<ForgeryRecord>,
    /// Forgeries that could not be told, with why.
    pub untold: Vec<ForgeryRecord>,
    /// Wall time.
    pub seconds: f64,
}

impl ForgerySummary {
    /// Tallies `records`.
    pub fn new(
        records: Vec<ForgeryRecord>,
        seed: u64,
        per_class_budget: usize,
        seconds: f64,
    ) -> Self {
        let mut summary = Self {
            seed,
            per_class_budget,
            total: ForgeryTally::default(),
            per_class: BTreeMap::new(),
            per_subject: BTreeMap::new(),
            killers: BTreeMap::new(),
            survivors: Vec::new(),
            untold: Vec::new(),
            seconds,
        };
        for record in records {
            summary.total.add(&record.verdict);
            summary.per_class.entry(record.class.name().into()).or_default().add(&record.verdict);
            summary.per_subject.entry(record.subject.clone()).or_default().add(&record.verdict);
            match &record.verdict {
                ForgeryVerdict::Killed(detail) => {
                    *summary.killers.entry(killer(detail)).or_default() += 1;
                }
                ForgeryVerdict::Survived(_) => summary.survivors.push(record),
                ForgeryVerdict::Untold(_) => summary.untold.push(record),
                ForgeryVerdict::Inert(_) => {}
            }
        }
        summary
    }

    /// Whether every lie told was killed.
    pub fn clean(&self) -> bool {
        self.survivors.is_empty()
    }

    /// The plain-text report the CLI prints.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let t = &self.total;
        let _ = writeln!(
            out,
            "{} forgeries: {} killed by constraints, {} survived, {} inert, {} untold; \
             constraint-only kill rate {}, {:.0} s",
            t.forgeries,
            t.killed,
            t.survived,
            t.inert,
            t.untold,
            values(t)[5],
            self.seconds
        );
        for class in ForgeryClass::ALL {
            if let Some(tally) = self.per_class.get(class.name()) {
                let _ = writeln!(out, "  {:<10} {}", class.name(), line(tally));
            }
        }
        for record in &self.survivors {
            let _ = writeln!(out, "  SURVIVOR {}", record_line(record));
        }
        out
    }

    /// The Markdown section appended to `docs/soundness-campaign.md`.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let t = &self.total;
        let _ = writeln!(out, "\n## Forgeries: coordinated lies judged by the constraints alone\n");
        let _ = writeln!(
            out,
            "Seed {}, up to {} forgeries per class and subject, {:.0} s. A forgery is told over \
             the subject's honest layout, without witness generation; it is killed only when \
             the MockProver rejects it. **{} forgeries: {} killed, {} survived, {} inert \
             (accepted, but no table entry an input can reach changed), {} untold: \
             constraint-only kill rate {}.**\n",
            self.seed,
            self.per_class_budget,
            self.seconds,
            t.forgeries,
            t.killed,
            t.survived,
            t.inert,
            t.untold,
            values(t)[5]
        );
        let _ = writeln!(
            out,
            "- `free_row`: a value in a row past the part of its column any region assigns \
             (every column a lookup table reads first); inert when no table entry an input can \
             reach changed.\n\
             - `table_hit`: a lookup's input cells at an active row solved, with the \
             challenges known when they are committed, to equal another entry of the table \
             (a retargeted claim) or the zero entry (a dropped claim).\n\
             - `key_wrap`: a state row's `tag + 1` with `field_tag − 256`, a `(lo + 2^128, \
             hi − 1)` limb pair of its key, value or previous value, its address plus \
             `2^160`, its counter plus `2^64`.\n"
        );
        let header =
            format!("| | {} |\n|---|{}", COLUMNS.join(" | "), "---:|".repeat(COLUMNS.len()));
        let _ = writeln!(out, "### Per class\n\n{header}");
        for class in ForgeryClass::ALL {
            if let Some(tally) = self.per_class.get(class.name()) {
                let _ = writeln!(out, "| `{}` | {} |", class.name(), cells(tally));
            }
        }
        let _ = writeln!(out, "| all | {} |", cells(t));
        let _ = writeln!(out, "\n### Per subject\n\n{header}");
        for (name, tally) in &self.per_subject {
            let _ = writeln!(out, "| `{name}` | {} |", cells(tally));
        }
        let _ = writeln!(out, "\n### What killed them (first failure)\n");
        let _ = writeln!(out, "| constraint | forgeries |\n|---|---:|");
        let mut killers: Vec<_> = self.killers.iter().collect();
        killers.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (name, count) in killers {
            let _ = writeln!(out, "| {name} | {count} |");
        }
        let _ = writeln!(out, "\n### Survivors\n");
        if self.survivors.is_empty() {
            let _ = writeln!(out, "None.");
        }
        for record in &self.survivors {
            let _ = writeln!(out, "- {}", record_line(record));
        }
        if !self.untold.is_empty() {
            let _ = writeln!(out, "\n### Untold\n");
            for record in &self.untold {
                let _ = writeln!(out, "- {}", record_line(record));
            }
        }
        out
    }
}

/// The name of the constraint a MockProver failure names, without rows and cells.
fn killer(detail: &str) -> String {
    let first = detail.split_once("first: ").map_or(detail, |(_, rest)| rest);
    let name = if let Some(rest) = first.strip_prefix("Lookup ") {
        rest.split("(index:").next().unwrap_or(rest).to_string()
    } else if first.starts_with("Constraint ") {
        // `Constraint i ('name') in gate g ('gate')`: the constraint's name (which may hold
        // quotes), else the gate's.
        let named = first.split_once(" ('").and_then(|(_, rest)| rest.split_once("') in gate"));
        let gate = first.split_once("('").and_then(|(_, rest)| rest.split_once("')"));
        named.or(gate).map_or(first, |(name, _)| name).to_string()
    } else if first.starts_with("Equality constraint") {
        "copy constraint".to_string()
    } else {
        first.to_string()
    };
    name.chars().take(90).collect()
}

/// The tally's columns, in report order.
const COLUMNS: [&str; 6] = ["forgeries", "killed", "survived", "inert", "untold", "kill rate"];

fn values(t: &ForgeryTally) -> [String; 6] {
    let rate = t.kill_rate().map_or("-".into(), |r| format!("{:.1} %", 100.0 * r));
    [t.forgeries, t.killed, t.survived, t.inert, t.untold]
        .map(|n| n.to_string())
        .into_iter()
        .chain([rate])
        .collect::<Vec<_>>()
        .try_into()
        .unwrap_or_default()
}

fn line(t: &ForgeryTally) -> String {
    let parts: Vec<String> = values(t)
        .into_iter()
        .zip(COLUMNS)
        .map(|(v, c)| if c == "kill rate" { format!("{c} {v}") } else { format!("{v} {c}") })
        .collect();
    parts.join(", ")
}

fn cells(t: &ForgeryTally) -> String {
    values(t).join(" | ")
}

fn record_line(r: &ForgeryRecord) -> String {
    let detail = match &r.verdict {
        ForgeryVerdict::Killed(d)
        | ForgeryVerdict::Survived(d)
        | ForgeryVerdict::Inert(d)
        | ForgeryVerdict::Untold(d) => d,
    };
    format!("`{}` {} {}: {detail}", r.subject, r.class.name(), r.target)
}

#[cfg(test)]
mod tests {
    use super::killer;

    #[test]
    fn killers_are_named_whole() {
        let constraint = "1 failures, first: Constraint 3 ('evm: lookup cell holds the step's \
                          tuple') in gate 9 ('evm lookup cells') is not satisfied in Region 9";
        assert_eq!(killer(constraint), "evm: lookup cell holds the step's tuple");
        let unnamed = "Constraint 3 in gate 9 ('state row') is not satisfied";
        assert_eq!(killer(unnamed), "state row");
        let lookup = "2 failures, first: Lookup evm: rw lookup(index: 41) is not satisfied";
        assert_eq!(killer(lookup), "evm: rw lookup");
        assert_eq!(killer("Equality constraint not satisfied by cell"), "copy constraint");
    }
}
