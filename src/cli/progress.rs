//! What `zkevm statetest` shows while it runs: a line per failed, skipped or timed-out entry as
//! it arrives, a progress bar on stderr, and the closing counts.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use zkevm_executor::statetest::{EntryReport, Outcome};

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

/// The running counts and the bar that shows them.
pub struct Progress {
    totals: Mutex<Totals>,
    bar: ProgressBar,
}

impl Progress {
    /// A bar over `total` entries, drawn on stderr only when it is a terminal and `quiet` is
    /// off.
    pub fn new(total: u64, quiet: bool) -> Self {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {pos}/{len} entries, eta {eta}: {msg}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        };
        Self { totals: Mutex::new(Totals::default()), bar }
    }

    /// Whether the bar is drawn (its total must then be known).
    pub fn visible(quiet: bool) -> bool {
        !quiet && std::io::stderr().is_terminal()
    }

    /// Counts a report and prints it at once when it did not pass or go unsupported.
    pub fn record(&self, report: &EntryReport) {
        let Ok(mut t) = self.totals.lock() else { return };
        let line = match &report.outcome {
            Outcome::Passed => {
                t.passed += 1;
                None
            }
            Outcome::Failed(reason) => {
                t.failed += 1;
                Some(format!("FAILED {}: {reason}", report.id))
            }
            Outcome::Skipped(reason) => {
                t.skipped += 1;
                Some(format!("SKIPPED {}: {reason}", report.id))
            }
            Outcome::Timeout(reason) => {
                t.skipped += 1;
                Some(format!("TIMEOUT {}: {reason}", report.id))
            }
            Outcome::InvalidTx(_) => {
                t.invalid_tx += 1;
                None
            }
            Outcome::Unsupported(reason) => {
                t.skipped += 1;
                *t.unsupported.entry(reason.clone()).or_default() += 1;
                None
            }
        };
        if let Some(plain) = report.plain_micros {
            t.plain += Duration::from_micros(plain);
            t.traced += Duration::from_micros(report.micros);
        }
        if let Some(line) = line {
            self.bar.suspend(|| {
                let _ = writeln!(std::io::stdout().lock(), "{line}");
            });
        }
        self.bar.set_message(t.summary());
        self.bar.inc(1);
    }

    /// Removes the bar and returns the counts.
    pub fn finish(self) -> Totals {
        self.bar.finish_and_clear();
        self.totals.into_inner().unwrap_or_default()
    }
}
