//! The CI smoke subset: a fixed list of state-test entries (`tests/fixtures/smoke_entries.txt`)
//! through `zkevm statetest --mode mock`. It fails on any `failed` entry, on an entry recorded
//! `passed` that no longer passes, and on a listed entry that is gone. Skips with a message when
//! `../shared/statetests` is absent.
//!
//! The list holds, per top-level folder, up to [`PASSED_PER_FOLDER`] evenly spaced entries that
//! passed mock mode in a full run with a circuit of at most [`MAX_ROWS`] rows, and a few cheap
//! `unsupported` ones with distinct reasons first. Regenerate it from a full run's
//! report:
//!
//! ```sh
//! zkevm statetest ../shared/statetests --mode mock --jobs 2 --json full.json
//! ZKEVM_SMOKE_FROM=full.json cargo test --release --test smoke -- --ignored regenerate
//! ```
//!
//! A report of the smoke entries alone (`--entries tests/fixtures/smoke_entries.txt`) refreshes
//! the outcomes and thins the list, but adds no entry.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Unsupported entries kept per top-level folder.
const PER_FOLDER: usize = 5;
/// Passed entries kept per top-level folder, evenly spaced in id order: a folder of many
/// similar entries (memory offsets, shift amounts) says little more with all of them, and each
/// costs about four seconds of MockProver (about 2 s of the suite with two jobs).
const PASSED_PER_FOLDER: usize = 2;
/// Only unsupported entries of at most this many steps are kept (they cost milliseconds)...
const MAX_STEPS: u64 = 5_000;
/// ... and that took at most this long (a precompile's work is not counted in steps).
const MAX_UNSUPPORTED_MICROS: u64 = 1_000_000;
/// Only passed entries whose circuit's tallest region fits this many rows are kept: the
/// MockProver's time grows with the circuit's height (about 1.5 s at 4,096 rows and twice as
/// much per doubling), and the few taller ones are left to the full run. The smoke run uses it
/// as its row budget.
const MAX_ROWS: u64 = 8_192;

fn list_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/smoke_entries.txt")
}

/// `(expected outcome, id relative to the corpus folder)` of every listed entry.
fn read_list() -> Vec<(String, String)> {
    std::fs::read_to_string(list_path())
        .expect("tests/fixtures/smoke_entries.txt exists")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (outcome, id) = l.split_once('\t').expect("`outcome<TAB>id` lines");
            (outcome.to_string(), id.to_string())
        })
        .collect()
}

/// The id relative to the `statetests` folder.
fn relative(id: &str) -> Option<&str> {
    id.split_once("statetests/").map(|(_, rest)| rest)
}

#[test]
fn smoke_entries_pass_mock_mode_as_recorded() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/statetests");
    if !root.is_dir() {
        eprintln!("skipping: ../shared/statetests is absent");
        return;
    }
    let listed = read_list();
    assert!(listed.len() >= 100, "the smoke list is too short: {}", listed.len());
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("smoke.json");
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_zkevm"))
        .args(["statetest", root.to_str().expect("utf8"), "--mode", "mock", "--quiet"])
        .args(["--jobs", "2", "--entries", list_path().to_str().expect("utf8")])
        .args(["--max-rows", &MAX_ROWS.to_string(), "--timeout", "120"])
        .args(["--json", json.to_str().expect("utf8")])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let records: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&json).expect("report written")).expect("json");
    let got: HashMap<&str, (&str, &str)> = records
        .iter()
        .filter_map(|r| {
            let id = relative(r["id"].as_str()?)?;
            Some((id, (r["outcome"].as_str()?, r["reason"].as_str().unwrap_or(""))))
        })
        .collect();
    let mut problems = Vec::new();
    let mut progress = Vec::new();
    for (expected, id) in &listed {
        match (expected.as_str(), got.get(id.as_str())) {
            (_, None) => problems.push(format!("{id}: not run (entry gone?)")),
            (_, Some(("failed", why))) => problems.push(format!("{id}: failed: {why}")),
            ("passed", Some(("passed", _))) => {}
            ("passed", Some((outcome, why))) => {
                problems.push(format!("{id}: recorded passed, now {outcome}: {why}"))
            }
            (_, Some(("passed", _))) => progress.push(id.as_str()),
            _ => {}
        }
    }
    eprintln!(
        "{} smoke entries in {:.1} s; {} listed unsupported now pass (regenerate the list)",
        listed.len(),
        start.elapsed().as_secs_f64(),
        progress.len()
    );
    assert!(problems.is_empty(), "{} problems:\n{}\n{stdout}", problems.len(), problems.join("\n"));
    assert_eq!(records.len(), listed.len(), "{stdout}");
    assert!(out.status.success(), "{stdout}");
}

#[test]
#[ignore = "regenerates the smoke list from a full run's report (see the module docs)"]
fn regenerate() {
    let Some(from) = std::env::var_os("ZKEVM_SMOKE_FROM") else {
        panic!("set ZKEVM_SMOKE_FROM to a full mock run's JSON report");
    };
    let records: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&from).expect("report")).expect("json");
    let mut passed = BTreeSet::new();
    // Per folder: (steps, id, reason) of the cheap unsupported entries.
    let mut candidates: BTreeMap<&str, Vec<(u64, &str, &str)>> = BTreeMap::new();
    for r in &records {
        let (Some(id), Some(outcome)) =
            (r["id"].as_str().and_then(relative), r["outcome"].as_str())
        else {
            continue;
        };
        let steps = r["steps"].as_u64().unwrap_or(u64::MAX);
        match outcome {
            "passed" if r["rows"]["tallest region"].as_u64().is_some_and(|n| n <= MAX_ROWS) => {
                passed.insert(id);
            }
            "unsupported"
                if steps <= MAX_STEPS
                    && r["micros"].as_u64().is_some_and(|t| t <= MAX_UNSUPPORTED_MICROS) =>
            {
                let folder = id.split('/').next().unwrap_or(id);
                let reason = r["reason"].as_str().unwrap_or("");
                candidates.entry(folder).or_default().push((steps, id, reason));
            }
            _ => {}
        }
    }
    let passed = evenly_spaced_per_folder(&passed, PASSED_PER_FOLDER);
    let mut unsupported = BTreeSet::new();
    for list in candidates.values_mut() {
        list.sort();
        let mut reasons = BTreeSet::new();
        let distinct: Vec<&str> =
            list.iter().filter(|(_, _, reason)| reasons.insert(*reason)).map(|c| c.1).collect();
        let rest = list.iter().map(|c| c.1).filter(|id| !distinct.contains(id));
        unsupported.extend(distinct.iter().copied().chain(rest).take(PER_FOLDER));
    }
    let mut text = String::from(
        "# The CI smoke subset (tests/smoke.rs): expected outcome, TAB, entry id relative to\n\
         # ../shared/statetests. Generated from a mock run's report; see tests/smoke.rs.\n",
    );
    let mut lines: Vec<(&str, &str)> = passed.iter().map(|id| (*id, "passed")).collect();
    lines.extend(unsupported.iter().map(|id| (*id, "unsupported")));
    lines.sort();
    for (id, outcome) in lines {
        text.push_str(&format!("{outcome}\t{id}\n"));
    }
    std::fs::write(list_path(), text).expect("write the list");
}

/// At most `cap` ids per top-level folder: every `ceil(n / cap)`-th of the folder's `n` ids in
/// order.
fn evenly_spaced_per_folder<'a>(ids: &BTreeSet<&'a str>, cap: usize) -> BTreeSet<&'a str> {
    let mut folders: BTreeMap<&str, Vec<&'a str>> = BTreeMap::new();
    for id in ids {
        folders.entry(id.split('/').next().unwrap_or(id)).or_default().push(id);
    }
    folders
        .values()
        .flat_map(|list| {
            let stride = list.len().div_ceil(cap.max(1));
            list.iter().copied().step_by(stride.max(1))
        })
        .collect()
}
