//! Running work with a deadline: the work runs on its own thread and the caller stops waiting
//! when the deadline passes.
//!
//! A thread cannot be killed, so abandoned work goes on until it ends: it is told to stop (a
//! flag it checks between stages) and, so that abandoned work cannot pile up and exhaust
//! memory, at most [`Deadlines::new`]'s `limit` abandoned runs exist at once; the next run
//! waits for one of them to end first. Every run ends: execution is bounded by the gas limit
//! and the RW budget, the circuits by the row budget.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Why a run gave no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Abandon {
    /// The deadline passed; the work was abandoned.
    TimedOut,
    /// The work's thread could not start or died without a result.
    Lost(String),
}

/// Where a run stands, shared by the caller and the work's thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunState {
    Running,
    Done,
    Abandoned,
}

/// Counts abandoned runs still going and bounds them.
#[derive(Debug)]
pub struct Deadlines {
    timeout: Duration,
    limit: usize,
    abandoned: Mutex<usize>,
    freed: Condvar,
}

impl Deadlines {
    /// Runs time out after `timeout`; at most `limit` (at least 1) abandoned runs at once.
    pub fn new(timeout: Duration, limit: usize) -> Arc<Self> {
        Arc::new(Self {
            timeout,
            limit: limit.max(1),
            abandoned: Mutex::new(0),
            freed: Condvar::new(),
        })
    }

    /// How many abandoned runs are still going.
    pub fn abandoned(&self) -> usize {
        *lock(&self.abandoned)
    }

    /// Runs `work` on a new thread and waits for it until the deadline. On timeout `cancel`
    /// is set, for the work to notice, and the run is abandoned.
    pub fn run<T: Send + 'static>(
        self: &Arc<Self>,
        cancel: Arc<AtomicBool>,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Abandon> {
        self.wait_for_room();
        let state = Arc::new(Mutex::new(RunState::Running));
        let (sender, receiver) = mpsc::channel();
        let finish = Finish { state: state.clone(), deadlines: self.clone() };
        std::thread::Builder::new()
            .name("statetest entry".into())
            .spawn(move || {
                let _finish = finish;
                let _ = sender.send(work());
            })
            .map_err(|e| Abandon::Lost(format!("cannot start a thread: {e}")))?;
        match receiver.recv_timeout(self.timeout) {
            Ok(value) => Ok(value),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Err(Abandon::Lost("the entry's thread ended without a result".into()))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let mut state = lock(&state);
                if *state == RunState::Done {
                    // It finished between the timeout and now.
                    return receiver.try_recv().map_err(|_| Abandon::TimedOut);
                }
                *state = RunState::Abandoned;
                cancel.store(true, Ordering::Relaxed);
                *lock(&self.abandoned) += 1;
                Err(Abandon::TimedOut)
            }
        }
    }

    fn wait_for_room(&self) {
        let mut abandoned = lock(&self.abandoned);
        while *abandoned >= self.limit {
            abandoned = self.freed.wait(abandoned).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Marks a run done when its thread ends (even by a panic) and frees its abandoned slot.
struct Finish {
    state: Arc<Mutex<RunState>>,
    deadlines: Arc<Deadlines>,
}

impl Drop for Finish {
    fn drop(&mut self) {
        let mut state = lock(&self.state);
        if *state == RunState::Abandoned {
            *lock(&self.deadlines.abandoned) -= 1;
            self.deadlines.freed.notify_all();
        }
        *state = RunState::Done;
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_work_returns_its_value() {
        let deadlines = Deadlines::new(Duration::from_secs(10), 1);
        assert_eq!(deadlines.run(Arc::default(), || 7), Ok(7));
        assert_eq!(deadlines.abandoned(), 0);
    }

    #[test]
    fn slow_work_is_abandoned_told_to_stop_and_freed_when_it_ends() {
        let deadlines = Deadlines::new(Duration::from_secs(1), 1);
        let cancel = Arc::new(AtomicBool::new(false));
        let ended = Arc::new(AtomicBool::new(false));
        let (seen, done) = (cancel.clone(), ended.clone());
        let result = deadlines.run(cancel.clone(), move || {
            while !seen.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(5));
            }
            std::thread::sleep(Duration::from_millis(1500));
            done.store(true, Ordering::Relaxed);
        });
        assert_eq!(result, Err(Abandon::TimedOut));
        assert!(!ended.load(Ordering::Relaxed), "the caller waited the work out");
        assert!(cancel.load(Ordering::Relaxed), "the work was told to stop");
        assert_eq!(deadlines.abandoned(), 1);
        // The limit is reached: the next run starts only once the abandoned one has ended.
        assert_eq!(deadlines.run(Arc::default(), || 1), Ok(1));
        assert!(ended.load(Ordering::Relaxed));
        assert_eq!(deadlines.abandoned(), 0);
    }

    #[test]
    fn a_panicking_work_is_lost_not_hung() {
        let deadlines = Deadlines::new(Duration::from_secs(10), 1);
        let result: Result<(), _> = deadlines.run(Arc::default(), || panic!("boom"));
        assert!(matches!(result, Err(Abandon::Lost(_))));
    }
}
