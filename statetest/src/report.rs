//! State-test reports as Markdown: a header (title, command, date, notes), the totals, a table
//! with a row per top-level folder, the failed entries in full, the most frequent
//! `unsupported` reasons and the slowest entries. Folders are named relative to the deepest
//! folder that holds every entry's file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::entry::{EntryReport, Outcome, Stage};

/// What the header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Title.
    pub title: String,
    /// Command that produced the reports.
    pub command: String,
    /// Date.
    pub date: String,
    /// Paragraphs under the header.
    pub notes: Vec<String>,
}

/// Counts of one group of entries.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    entries: usize,
    passed: usize,
    unsupported: usize,
    failed: usize,
    skipped: usize,
    timeout: usize,
    invalid_tx: usize,
}

impl Counts {
    fn add(&mut self, outcome: &Outcome) {
        self.entries += 1;
        match outcome {
            Outcome::Passed => self.passed += 1,
            Outcome::Unsupported(_) => self.unsupported += 1,
            Outcome::Failed(_) => self.failed += 1,
            Outcome::Skipped(_) => self.skipped += 1,
            Outcome::Timeout(_) => self.timeout += 1,
            Outcome::InvalidTx(_) => self.invalid_tx += 1,
        }
    }

    fn row(&self, first: &str) -> String {
        format!(
            "| {first} | {} | {} | {} | {} | {} | {} | {} |\n",
            self.entries,
            self.passed,
            self.invalid_tx,
            self.unsupported,
            self.failed,
            self.skipped,
            self.timeout
        )
    }
}

const COUNT_HEAD: &str =
    "| entries | passed | invalid-tx | unsupported | failed | skipped | timeout |";

/// The Markdown page of `entries`.
pub fn render(header: &Header, entries: &[EntryReport], top: usize) -> String {
    let root = common_folder(entries);
    let relative = |id: &str| -> String {
        match &root {
            Some(root) => id
                .strip_prefix(&*root.to_string_lossy())
                .map(|rest| rest.trim_start_matches('/').to_string())
                .unwrap_or_else(|| id.to_string()),
            None => id.to_string(),
        }
    };
    let mut totals = Counts::default();
    let mut folders: BTreeMap<String, Counts> = BTreeMap::new();
    let mut stages: BTreeMap<Stage, usize> = BTreeMap::new();
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for e in entries {
        totals.add(&e.outcome);
        let rel = relative(&e.id);
        let folder = rel.split(['/', ':']).next().unwrap_or_default().to_string();
        folders.entry(folder).or_default().add(&e.outcome);
        *stages.entry(e.stage).or_default() += 1;
        if let Outcome::Unsupported(reason) = &e.outcome {
            *reasons.entry(reason.as_str()).or_default() += 1;
        }
    }

    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", header.title);
    let _ = writeln!(md, "Command: `{}`  ", header.command);
    let _ = writeln!(md, "Date: {}\n", header.date);
    for note in &header.notes {
        let _ = writeln!(md, "{note}\n");
    }

    let _ = writeln!(md, "## Totals\n");
    let _ =
        writeln!(md, "| {COUNT_HEAD}\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    md.push_str(&totals.row("all"));
    let stage_list: Vec<String> =
        stages.iter().map(|(stage, n)| format!("{} {n}", stage_name(*stage))).collect();
    let _ = writeln!(
        md,
        "\n`unsupported`, `skipped` and `timeout` entries count as skipped in `zkevm statetest`'s \
         closing line. Furthest stage reached: {}.\n",
        stage_list.join(", ")
    );

    let _ = writeln!(md, "## By folder\n");
    let _ = writeln!(
        md,
        "| folder {COUNT_HEAD}\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for (folder, counts) in &folders {
        md.push_str(&counts.row(&format!("`{}`", cell(folder))));
    }

    let failed: Vec<&EntryReport> =
        entries.iter().filter(|e| matches!(e.outcome, Outcome::Failed(_))).collect();
    let _ = writeln!(md, "\n## Failed entries\n");
    if failed.is_empty() {
        let _ = writeln!(md, "None.");
    }
    for e in failed {
        let _ = writeln!(md, "- `{}`: {}", relative(&e.id), cell(e.outcome.reason()));
    }

    let mut reasons: Vec<(&str, usize)> = reasons.into_iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let _ = writeln!(md, "\n## Top unsupported reasons\n");
    if reasons.is_empty() {
        let _ = writeln!(md, "None.");
    } else {
        let _ = writeln!(md, "| entries | reason |\n| ---: | --- |");
        for (reason, count) in reasons.iter().take(top) {
            let _ = writeln!(md, "| {count} | {} |", cell(reason));
        }
        if reasons.len() > top {
            let rest: usize = reasons[top..].iter().map(|r| r.1).sum();
            let _ = writeln!(md, "| {rest} | {} other reasons |", reasons.len() - top);
        }
    }

    let mut slowest: Vec<&EntryReport> = entries.iter().collect();
    slowest.sort_by(|a, b| b.micros.cmp(&a.micros).then(a.id.cmp(&b.id)));
    let _ = writeln!(md, "\n## Slowest entries\n");
    let _ = writeln!(
        md,
        "| seconds | outcome | stage | steps | entry |\n| ---: | --- | --- | ---: | --- |"
    );
    for e in slowest.iter().take(top) {
        let _ = writeln!(
            md,
            "| {:.2} | {} | {} | {} | `{}` |",
            e.micros as f64 / 1e6,
            e.outcome.name(),
            stage_name(e.stage),
            e.steps,
            cell(&relative(&e.id))
        );
    }
    md
}

fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Loaded => "loaded",
        Stage::Executed => "executed",
        Stage::Witness => "witness",
        Stage::Mock => "mock",
    }
}

/// Text safe inside a table cell: one line, no column separators.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The deepest folder holding every entry's file, if they share one.
fn common_folder(entries: &[EntryReport]) -> Option<PathBuf> {
    let mut common: Option<PathBuf> = None;
    for e in entries {
        let file = Path::new(e.id.split("::").next().unwrap_or(&e.id));
        let folder = file.parent().unwrap_or(Path::new(""));
        common = Some(match common {
            None => folder.to_path_buf(),
            Some(c) => c
                .components()
                .zip(folder.components())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    common.filter(|c| !c.as_os_str().is_empty())
}

/// Today's date, UTC, as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date((secs / 86_400) as i64)
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, outcome: Outcome, stage: Stage, micros: u64) -> EntryReport {
        let mut e = EntryReport::unexecuted(format!("/c/st/{id}"), "Cancun".into(), outcome);
        e.stage = stage;
        e.micros = micros;
        e
    }

    fn sample() -> Vec<EntryReport> {
        let unsupported = |what: &str| Outcome::Unsupported(what.into());
        vec![
            entry("A/x.json::x::Cancun[0]", Outcome::Passed, Stage::Mock, 3_000_000),
            entry("A/x.json::x::Cancun[1]", unsupported("opcode MUL"), Stage::Executed, 10),
            entry("A/sub/y.json::y::Cancun[0]", unsupported("opcode MUL"), Stage::Executed, 20),
            entry("B/z.json::z::Cancun[0]", unsupported("sub-call"), Stage::Executed, 30),
            entry(
                "B/z.json::z::Cancun[1]",
                Outcome::Failed("2 constraint | failures".into()),
                Stage::Mock,
                5_000_000,
            ),
            entry(
                "B/w.json::w::Cancun[0]",
                Outcome::Timeout("ran past 9 s".into()),
                Stage::Loaded,
                9_000_000,
            ),
            entry("B/v.json", Outcome::Skipped("too large".into()), Stage::Loaded, 0),
            entry(
                "B/u.json::u::Cancun[0]",
                Outcome::InvalidTx("TR_NoFunds (rejected: lack of funds)".into()),
                Stage::Executed,
                40,
            ),
        ]
    }

    fn header() -> Header {
        Header {
            title: "T".into(),
            command: "zkevm statetest x".into(),
            date: "2026-11-30".into(),
            notes: vec!["Took 1 s.".into()],
        }
    }

    #[test]
    fn the_header_names_the_command_and_date() {
        let md = render(&header(), &sample(), 20);
        assert!(
            md.starts_with(
                "# T\n\nCommand: `zkevm statetest x`  \nDate: 2026-11-30\n\nTook 1 s.\n"
            ),
            "{md}"
        );
    }

    #[test]
    fn totals_and_folders_are_counted() {
        let md = render(&header(), &sample(), 20);
        assert!(md.contains("| all | 8 | 1 | 1 | 3 | 1 | 1 | 1 |\n"), "{md}");
        assert!(md.contains("| `A` | 3 | 1 | 0 | 2 | 0 | 0 | 0 |\n"), "{md}");
        assert!(md.contains("| `B` | 5 | 0 | 1 | 1 | 1 | 1 | 1 |\n"), "{md}");
        assert!(md.contains("Furthest stage reached: loaded 2, executed 4, mock 2."), "{md}");
    }

    #[test]
    fn failures_reasons_and_slowest_entries_are_listed() {
        let md = render(&header(), &sample(), 2);
        assert!(md.contains("- `B/z.json::z::Cancun[1]`: 2 constraint \\| failures\n"), "{md}");
        assert!(md.contains("| 2 | opcode MUL |\n| 1 | sub-call |\n"), "{md}");
        let slowest = md.split("## Slowest entries").nth(1).unwrap_or_default();
        assert!(
            slowest.contains(
                "| 9.00 | timeout | loaded | 0 | `B/w.json::w::Cancun[0]` |\n| 5.00 | failed"
            ),
            "{md}"
        );
        assert!(!slowest.contains("x.json"), "only the top 2: {md}");
    }

    #[test]
    fn more_reasons_than_the_top_are_summed() {
        let mut entries = sample();
        entries.push(entry(
            "C/q.json::q::Cancun[0]",
            Outcome::Unsupported("opcode EXP".into()),
            Stage::Executed,
            1,
        ));
        let md = render(&header(), &entries, 1);
        assert!(md.contains("| 2 | opcode MUL |\n| 2 | 2 other reasons |\n"), "{md}");
    }

    #[test]
    fn an_empty_report_renders() {
        let md = render(&header(), &[], 5);
        assert!(md.contains("| all | 0 | 0 | 0 | 0 | 0 | 0 | 0 |") && md.contains("None."), "{md}");
    }

    #[test]
    fn dates_are_civil() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_787), "2026-11-30");
    }
}
