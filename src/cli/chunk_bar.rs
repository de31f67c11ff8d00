//! The progress bar of `zkevm prove`: drawn by the CLI from the prover's progress events
//! (`tracing` events at [`zkevm_prover::PROGRESS_TARGET`]); the library draws nothing.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// A `tracing` layer that moves a bar on the prover's progress events.
struct ChunkBar {
    bar: ProgressBar,
}

/// The two fields a progress event carries.
#[derive(Default)]
struct Counts {
    chunks: Option<u64>,
    proven: Option<u64>,
}

impl Visit for Counts {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "chunks" => self.chunks = Some(value),
            "proven" => self.proven = Some(value),
            _ => {}
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl<S: Subscriber> Layer<S> for ChunkBar {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != zkevm_prover::PROGRESS_TARGET {
            return;
        }
        let mut counts = Counts::default();
        event.record(&mut counts);
        if let Some(chunks) = counts.chunks {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.set_length(chunks);
            self.bar.set_position(0);
            self.bar.enable_steady_tick(Duration::from_millis(200));
        }
        if let Some(proven) = counts.proven {
            self.bar.set_position(proven);
            if self.bar.length().is_some_and(|len| proven >= len) {
                self.bar.finish_and_clear();
            }
        }
    }
}

/// Installs, for the whole process (the prover emits its events from its worker threads), a
/// bar on stderr that follows the prover's progress events; it shows when proving starts.
pub fn install() {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} proving chunks {pos}/{len} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let subscriber = tracing_subscriber::registry().with(ChunkBar { bar });
    // Only the first installation counts; a second (none today) would keep the first bar.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_follows_the_provers_events_and_ignores_others() {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        let subscriber = tracing_subscriber::registry().with(ChunkBar { bar: bar.clone() });
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(target: zkevm_prover::PROGRESS_TARGET, chunks = 3u64, "proving chunks");
            tracing::info!(target: zkevm_prover::PROGRESS_TARGET, proven = 1u64, "chunk proven");
            tracing::info!(target: "elsewhere", proven = 3u64, "not progress");
        });
        assert_eq!((bar.length(), bar.position()), (Some(3), 1));
    }
}
