//! The closing counts of a run, kept as entries finish.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::entry::{EntryReport, Outcome};

/// Counts so far.
#[derive(Debug, Default)]
pub struct Totals {
    /// Entries that passed.
    pub passed: usize,
    /// Entries that failed.
    pub failed: usize,
    /// Entries whose transaction is invalid, as the test expects (nothing to prove).
    pub invalid_tx: usize,
    /// Entries skipped, unsupported or timed out.
    pub skipped: usize,
    /// Unsupported entries by reason.
    pub unsupported: BTreeMap<String, usize>,
    /// Traced time of the entries also run on plain revm.
    pub traced: Duration,
    /// Their plain revm time.
    pub plain: Duration,
}

impl Totals {
    /// Counts `report`; returns the line to show at once for an entry that failed, was
    /// skipped or timed out.
    pub fn record(&mut self, report: &EntryReport) -> Option<String> {
        let line = match &report.outcome {
            Outcome::Passed => {
                self.passed += 1;
                None
            }
            Outcome::Failed(reason) => {
                self.failed += 1;
                Some(format!("FAILED {}: {reason}", report.id))
            }
            Outcome::Skipped(reason) => {
                self.skipped += 1;
                Some(format!("SKIPPED {}: {reason}", report.id))
            }
            Outcome::Timeout(reason) => {
                self.skipped += 1;
                Some(format!("TIMEOUT {}: {reason}", report.id))
            }
            Outcome::InvalidTx(_) => {
                self.invalid_tx += 1;
                None
            }
            Outcome::Unsupported(reason) => {
                self.skipped += 1;
                *self.unsupported.entry(reason.clone()).or_default() += 1;
                None
            }
        };
        if let Some(plain) = report.plain_micros {
            self.plain += Duration::from_micros(plain);
            self.traced += Duration::from_micros(report.micros);
        }
        line
    }

    /// `N passed, N failed, N skipped`, and the invalid transactions when there are any.
    pub fn summary(&self) -> String {
        let mut line =
            format!("{} passed, {} failed, {} skipped", self.passed, self.failed, self.skipped);
        if self.invalid_tx > 0 {
            line += &format!(", {} invalid-tx", self.invalid_tx);
        }
        line
    }
}
