//! What `zkevm statetest` shows while it runs: a line per failed, skipped or timed-out entry as
//! it arrives, a progress bar on stderr, and the closing counts.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use zkevm_statetest::{EntryReport, Observer, Totals};

/// The running counts and the bar that shows them.
pub struct Progress {
    totals: Mutex<Totals>,
    bar: ProgressBar,
}

impl Progress {
    /// A bar (its length set once the run knows it), drawn on stderr only when it is a
    /// terminal and `quiet` is off.
    pub fn new(quiet: bool) -> Self {
        let bar = if !Self::visible(quiet) {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
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

    /// Removes the bar and returns the counts.
    pub fn finish(self) -> Totals {
        self.bar.finish_and_clear();
        self.totals.into_inner().unwrap_or_default()
    }
}

impl Observer for Progress {
    fn total(&self, total: u64) {
        self.bar.set_length(total);
    }

    /// Counts a report and prints it at once when it did not pass or go unsupported.
    fn record(&self, report: &EntryReport) {
        let Ok(mut t) = self.totals.lock() else { return };
        if let Some(line) = t.record(report) {
            self.bar.suspend(|| {
                let _ = writeln!(std::io::stdout().lock(), "{line}");
            });
        }
        self.bar.set_message(t.summary());
        self.bar.inc(1);
    }
}
