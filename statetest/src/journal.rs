//! The journal of a `zkevm statetest --json REPORT` run: every finished entry's record is
//! appended to `REPORT.partial` as one JSON line and flushed, so a run that is interrupted (a
//! full mock run takes hours) loses nothing. `--resume` reads the journal back: its entries are
//! not run again and count in the totals and the report. A finished run writes REPORT and
//! removes the journal.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::entry::EntryReport;
use crate::error::{io, StatetestError};

/// An open journal, shared by the workers.
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    /// Set after the first failed write: later records are not attempted.
    broken: Mutex<Option<String>>,
}

/// The records a resumed run starts from.
pub struct Resumed {
    /// Their records, in journal order.
    pub reports: Vec<EntryReport>,
    /// Their ids.
    pub ids: HashSet<String>,
}

impl Journal {
    /// The journal's path for the report `report`.
    pub fn path_for(report: &Path) -> PathBuf {
        let mut name = report.as_os_str().to_owned();
        name.push(".partial");
        PathBuf::from(name)
    }

    /// Opens the journal of `report`: with `resume`, reads the records an earlier run left
    /// (a last line cut short by the interruption is dropped) and appends after them;
    /// without, refuses to overwrite a journal that exists, so that no finished work is lost
    /// by accident.
    pub fn open(report: &Path, resume: bool) -> Result<(Self, Resumed), StatetestError> {
        let path = Self::path_for(report);
        let exists = path.exists();
        if exists && !resume {
            return Err(StatetestError::JournalExists { path });
        }
        let resumed = if exists { read_records(&path)? } else { Vec::new() };
        // Rewrite the journal with the complete records only, so that a cut-off line is not
        // followed by new ones.
        let mut file = File::create(&path).map_err(io("creating", &path))?;
        for report in &resumed {
            writeln!(file, "{}", serde_json::to_string(report)?).map_err(io("writing", &path))?;
        }
        file.sync_data().map_err(io("writing", &path))?;
        let file = OpenOptions::new().append(true).open(&path).map_err(io("opening", &path))?;
        let ids = resumed.iter().map(|r| r.id.clone()).collect();
        let journal = Self { path, file: Mutex::new(file), broken: Mutex::new(None) };
        Ok((journal, Resumed { reports: resumed, ids }))
    }

    /// Appends `report`. A failed write is reported once on stderr and ends the journal (the
    /// run goes on, and its report is still written at the end).
    pub fn record(&self, report: &EntryReport) {
        let Ok(mut broken) = self.broken.lock() else { return };
        if broken.is_some() {
            return;
        }
        let written = serde_json::to_string(report).map_err(|e| e.to_string()).and_then(|line| {
            let Ok(mut file) = self.file.lock() else { return Err("a worker panicked".into()) };
            writeln!(file, "{line}").and_then(|()| file.flush()).map_err(|e| e.to_string())
        });
        if let Err(why) = written {
            tracing::warn!("the journal {} stopped: {why}", self.path.display());
            *broken = Some(why);
        }
    }

    /// Removes the journal once the report is written.
    pub fn finish(self) -> Result<(), StatetestError> {
        std::fs::remove_file(&self.path).map_err(io("removing the journal", &self.path))
    }
}

/// The complete records of the journal at `path`.
fn read_records(path: &Path) -> Result<Vec<EntryReport>, StatetestError> {
    let file = File::open(path).map_err(io("reading", path))?;
    let lines: Vec<String> =
        BufReader::new(file).lines().collect::<Result<_, _>>().map_err(io("reading", path))?;
    let mut records = Vec::with_capacity(lines.len());
    for (n, line) in lines.iter().enumerate() {
        match serde_json::from_str::<EntryReport>(line) {
            Ok(report) => records.push(report),
            // Only the last line can be cut short by an interruption.
            Err(_) if n + 1 == lines.len() => {}
            Err(e) => {
                let path = path.to_path_buf();
                return Err(StatetestError::JournalRecord {
                    path,
                    line: n + 1,
                    why: e.to_string(),
                });
            }
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Outcome;

    fn report(id: &str) -> EntryReport {
        EntryReport::unexecuted(id.into(), "Cancun".into(), Outcome::Passed)
    }

    #[test]
    fn an_interrupted_run_is_resumed_without_its_cut_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("full.json");
        let (journal, resumed) = Journal::open(&out, false).expect("opens");
        assert!(resumed.reports.is_empty());
        journal.record(&report("a"));
        journal.record(&report("b"));
        drop(journal);
        // An interruption in the middle of a third line.
        let path = Journal::path_for(&out);
        let mut file = OpenOptions::new().append(true).open(&path).expect("opens");
        write!(file, "{{\"id\": \"c\", \"fo").expect("writes");
        drop(file);

        let refused = Journal::open(&out, false).err().expect("a journal is never overwritten");
        assert!(refused.to_string().contains("--resume"), "{refused}");
        let (journal, resumed) = Journal::open(&out, true).expect("resumes");
        assert_eq!(resumed.reports, vec![report("a"), report("b")]);
        assert!(resumed.ids.contains("b") && !resumed.ids.contains("c"));
        journal.record(&report("c"));
        drop(journal);
        let (journal, resumed) = Journal::open(&out, true).expect("resumes again");
        assert_eq!(resumed.reports, vec![report("a"), report("b"), report("c")]);
        journal.finish().expect("removed");
        assert!(!path.exists());
    }

    #[test]
    fn a_damaged_line_before_the_last_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("r.json");
        let line = serde_json::to_string(&report("a")).expect("json");
        std::fs::write(Journal::path_for(&out), format!("not json\n{line}\n")).expect("writes");
        let error = Journal::open(&out, true).err().expect("refused");
        assert!(error.to_string().contains("line 1"), "{error}");
    }
}
