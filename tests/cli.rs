//! The `zkevm` binary: outputs, exit codes, and clean failures on bad input.

use std::path::Path;
use std::process::{Command, Output};
use zkevm_executor::ReplayCheck;

fn zkevm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zkevm")).args(args).output().expect("runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn trace_demo_writes_json_and_bincode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("demo.json");
    let out = zkevm(&["trace", "demo", "--out", json.to_str().expect("utf8")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    assert!(summary.starts_with("demo batch: 8 txs, "), "{summary}");
    assert!(summary.contains(" steps, ") && summary.contains(" rws, ") && summary.contains(" gas"));
    let trace: zkevm_executor::Trace =
        serde_json::from_slice(&std::fs::read(&json).expect("written")).expect("a trace");
    assert_eq!(trace.check(), Ok(()));

    let bin = dir.path().join("demo.bin");
    let out = zkevm(&["trace", "demo", "--binary", "--out", bin.to_str().expect("utf8")]);
    assert!(out.status.success());
    let decoded: zkevm_executor::Trace =
        bincode::deserialize(&std::fs::read(&bin).expect("written")).expect("bincode");
    assert_eq!(decoded, trace);
}

#[test]
fn bad_input_fails_cleanly_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{ not json").expect("write");
    let out_file = dir.path().join("out.json");
    let out =
        zkevm(&["trace", bad.to_str().expect("utf8"), "--out", out_file.to_str().expect("utf8")]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("bad.json") && err.starts_with("error:"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out_file.exists(), "no output on failure");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1, "no temporary files left");
}

#[test]
fn a_missing_file_is_an_error() {
    let out = zkevm(&["trace", "/nonexistent/batch.json"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("/nonexistent/batch.json"));
    let out = zkevm(&["statetest", "/nonexistent/folder"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("/nonexistent/folder"));
}

#[test]
fn an_unknown_fork_is_an_error() {
    let out = zkevm(&["statetest", ".", "--fork", "Cancunn"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unknown fork"), "{}", text(&out.stderr));
}

#[test]
fn a_rejected_batch_transaction_names_the_file_and_transaction() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("batch.json");
    let mut batch = zkevm_executor::demo::demo_batch();
    batch.transactions[1].nonce = Some(9);
    std::fs::write(&path, serde_json::to_vec(&batch).expect("json")).expect("write");
    let out = zkevm(&["trace", path.to_str().expect("utf8")]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("batch.json: transaction 1") && err.contains("rejected"), "{err}");
}

#[test]
fn statetest_reports_each_failure_and_a_closing_line() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/statetests/VMTests/vmArithmeticTest/add.json");
    if !shared.exists() {
        eprintln!("skipping: ../shared/statetests is absent");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(&shared, dir.path().join("add.json")).expect("copy");
    std::fs::write(dir.path().join("broken.json"), "[1, 2").expect("write");
    let report = dir.path().join("report.json");
    let out = zkevm(&[
        "statetest",
        dir.path().to_str().expect("utf8"),
        "--json",
        report.to_str().expect("utf8"),
    ]);
    assert!(!out.status.success(), "a failed entry makes the exit code non-zero");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("FAILED ") && stdout.contains("broken.json"), "{stdout}");
    assert_eq!(stdout.lines().last(), Some("5 passed, 1 failed, 0 skipped"));
    let entries: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("json");
    assert_eq!(entries.len(), 6);
    assert!(entries.iter().all(|e| e["id"].is_string() && e["outcome"].is_string()));
    assert_eq!(entries.iter().filter(|e| e["outcome"] == "failed").count(), 1);
    assert!(entries
        .iter()
        .any(|e| e["outcome"] == "failed"
            && e["reason"].as_str().is_some_and(|r| r.contains("line"))));
}

#[test]
fn statetest_mock_mode_proves_what_it_supports_and_names_the_rest() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/statetests");
    let transfer = root.join("stNonZeroCallsTest/NonZeroValue_TransactionCALL.json");
    let add = root.join("VMTests/vmArithmeticTest/add.json");
    if !transfer.exists() || !add.exists() {
        eprintln!("skipping: ../shared/statetests is absent");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(&transfer, dir.path().join("transfer.json")).expect("copy");
    std::fs::copy(&add, dir.path().join("add.json")).expect("copy");
    let report = dir.path().join("report.json");
    let out = zkevm(&[
        "statetest",
        dir.path().to_str().expect("utf8"),
        "--mode",
        "mock",
        "--json",
        report.to_str().expect("utf8"),
    ]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert_eq!(stdout.lines().last(), Some("1 passed, 0 failed, 5 skipped"), "{stdout}");
    assert!(stdout.contains("opcode CALL"), "the top unsupported reason is listed");
    let entries: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("json");
    assert_eq!(entries.iter().filter(|e| e["outcome"] == "passed").count(), 1);
    assert!(entries
        .iter()
        .filter(|e| e["outcome"] == "unsupported")
        .all(|e| e["reason"].as_str().is_some_and(|r| r.starts_with("opcode "))));
}

#[test]
fn tracing_is_deterministic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.bin");
    let b = dir.path().join("b.bin");
    for path in [&a, &b] {
        assert!(zkevm(&["trace", "demo", "--binary", "--out", path.to_str().expect("utf8")])
            .status
            .success());
    }
    assert!(
        std::fs::read(&a).expect("a") == std::fs::read(&b).expect("b"),
        "two runs, two different traces"
    );
}

/// `examples/demo-batch.json` is the built-in demo batch as a file. Regenerate it after a
/// deliberate change to the demo with `ZKEVM_REGENERATE_FIXTURES=1 cargo test --release`.
#[test]
fn the_example_batch_file_is_the_demo_batch() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-batch.json");
    let expected =
        serde_json::to_string_pretty(&zkevm_executor::demo::demo_batch()).expect("json") + "\n";
    if std::env::var_os("ZKEVM_REGENERATE_FIXTURES").is_some() {
        std::fs::write(&path, &expected).expect("write fixture");
    }
    let committed = std::fs::read_to_string(&path).expect("examples/demo-batch.json exists");
    assert!(
        committed == expected,
        "examples/demo-batch.json is stale; see this test's doc to regenerate"
    );
    let out = zkevm(&["trace", path.to_str().expect("utf8")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(": 8 txs, "));
}

/// `zkevm prove` of three native transfers writes a bundle and a statement that `zkevm
/// verify --insecure` accepts (saying INSECURE) and plain `zkevm verify` refuses (the setup is
/// public-seed); a changed byte, a changed statement or a missing file is rejected with a
/// non-zero exit; an opcode without a gadget is refused as unsupported.
#[test]
fn prove_and_verify_transfers_and_reject_tampering() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let out = dir.path().join("proof");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_zkevm"))
            .args(args)
            .env("ZKEVM_CACHE", &cache)
            .output()
            .expect("runs")
    };
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let transfers = examples.join("transfers.json");
    let out_arg = out.to_str().expect("utf8");
    let proved = run(&["prove", transfers.to_str().expect("utf8"), "--out", out_arg, "--json"]);
    assert!(proved.status.success(), "{}", text(&proved.stderr));
    assert!(text(&proved.stderr).contains("INSECURE"), "the setup is labelled insecure");
    let summary = text(&proved.stdout);
    assert!(summary.contains("proved 1 chunk(s)") && summary.contains("gas/s"), "{summary}");

    let bundle = out.join("bundle.bin");
    for form in [&bundle, &out.join("bundle.json")] {
        let verified = run(&["verify", "--insecure", form.to_str().expect("utf8")]);
        assert!(verified.status.success(), "{}", text(&verified.stdout));
        assert!(text(&verified.stdout).starts_with("valid (INSECURE"));
    }
    // Proofs under the public-seed setup are not checked without --insecure.
    let refused = run(&["verify", bundle.to_str().expect("utf8")]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stdout).starts_with("refused: "), "{}", text(&refused.stdout));

    let bytes = std::fs::read(&bundle).expect("written");
    let tampered = dir.path().join("tampered.bin");
    let mut changed = bytes.clone();
    changed[bytes.len() - 100] ^= 0x10;
    std::fs::write(&tampered, &changed).expect("write");
    let statement = out.join("statement.json");
    let statement_arg = statement.to_str().expect("utf8");
    let rejected = run(&[
        "verify",
        "--insecure",
        tampered.to_str().expect("utf8"),
        "--statement",
        statement_arg,
    ]);
    assert!(!rejected.status.success());
    assert!(text(&rejected.stdout).starts_with("invalid: "), "{}", text(&rejected.stdout));

    let lie = dir.path().join("lie.json");
    let original = std::fs::read_to_string(&statement).expect("written");
    std::fs::write(&lie, original.replacen("\"nonce\": 0", "\"nonce\": 9", 1)).expect("write");
    let bundle_arg = bundle.to_str().expect("utf8");
    let rejected =
        run(&["verify", "--insecure", bundle_arg, "--statement", lie.to_str().expect("utf8")]);
    assert!(!rejected.status.success());
    assert!(text(&rejected.stdout).contains("public input"), "{}", text(&rejected.stdout));

    let missing =
        run(&["verify", "--insecure", dir.path().join("none.bin").to_str().expect("utf8")]);
    assert!(!missing.status.success());

    // A contract whose SELFDESTRUCT has no gadget yet is refused before any proving.
    let mut batch: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&transfers).expect("example")).expect("json");
    let contract = "0xc000000000000000000000000000000000000001";
    batch["pre"][contract] =
        serde_json::json!({"balance": "0x0", "nonce": 0, "code": "0x5fff", "storage": {}});
    batch["transactions"][0]["to"] = serde_json::json!(contract);
    batch["transactions"][0]["gasLimit"] = serde_json::json!(100000);
    let unsupported = dir.path().join("unsupported.json");
    std::fs::write(&unsupported, serde_json::to_vec(&batch).expect("json")).expect("write");
    let refused =
        run(&["prove", unsupported.to_str().expect("utf8"), "--out", out.to_str().expect("utf8")]);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("unsupported: opcode SELFDESTRUCT"),
        "{}",
        text(&refused.stderr)
    );
}

/// `statetest --mode prove` proves a supported entry with KZG and verifies it.
#[test]
fn statetest_prove_mode_proves_and_verifies_a_supported_entry() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/statetests");
    let transfer = root.join("stNonZeroCallsTest/NonZeroValue_TransactionCALL.json");
    if !transfer.exists() {
        eprintln!("skipping: ../shared/statetests is absent");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_zkevm"))
        .args(["statetest", transfer.to_str().expect("utf8"), "--mode", "prove"])
        .env("ZKEVM_CACHE", dir.path())
        .output()
        .expect("runs");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert_eq!(stdout.lines().last(), Some("1 passed, 0 failed, 0 skipped"), "{stdout}");
}

fn statetests() -> Option<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/statetests");
    if root.is_dir() {
        Some(root)
    } else {
        eprintln!("skipping: ../shared/statetests is absent");
        None
    }
}

fn records(path: &Path) -> Vec<serde_json::Value> {
    serde_json::from_slice(&std::fs::read(path).expect("report")).expect("json")
}

#[test]
fn statetest_samples_are_deterministic_and_follow_the_seed() {
    let Some(root) = statetests() else { return };
    let folder = root.join("VMTests/vmArithmeticTest");
    let dir = tempfile::tempdir().expect("tempdir");
    let ids = |seed: &str, name: &str| {
        let json = dir.path().join(name);
        let out = zkevm(&[
            "statetest",
            folder.to_str().expect("utf8"),
            "--sample",
            "7",
            "--seed",
            seed,
            "--json",
            json.to_str().expect("utf8"),
        ]);
        assert!(out.status.success(), "{}", text(&out.stdout));
        let mut ids: Vec<String> =
            records(&json).iter().map(|r| r["id"].as_str().expect("id").to_string()).collect();
        ids.sort();
        ids
    };
    let first = ids("3", "a.json");
    assert_eq!(first.len(), 7);
    assert_eq!(first, ids("3", "b.json"));
    assert_ne!(first, ids("4", "c.json"));
}

#[test]
fn statetest_timeout_abandons_a_long_entry_without_waiting() {
    let Some(root) = statetests() else { return };
    let file = root.join("VMTests/vmPerformance/loopExp.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("r.json");
    let start = std::time::Instant::now();
    let out = zkevm(&[
        "statetest",
        file.to_str().expect("utf8"),
        "--filter",
        "Cancun[5]",
        "--timeout",
        "1",
        "--json",
        json.to_str().expect("utf8"),
    ]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(start.elapsed().as_secs() < 8, "the run waited for the abandoned entry");
    assert!(stdout.contains("TIMEOUT ") && stdout.contains("ran past 1 s"), "{stdout}");
    assert_eq!(stdout.lines().last(), Some("0 passed, 0 failed, 1 skipped"));
    let r = records(&json);
    assert_eq!((r.len(), r[0]["outcome"].as_str()), (1, Some("timeout")));
}

#[test]
fn statetest_mock_records_stage_and_rows_and_honours_the_row_budget() {
    let Some(root) = statetests() else { return };
    let transfer = root.join("stNonZeroCallsTest/NonZeroValue_TransactionCALL.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |max_rows: &str, name: &str| {
        let json = dir.path().join(name);
        let out = zkevm(&[
            "statetest",
            transfer.to_str().expect("utf8"),
            "--mode",
            "mock",
            "--max-rows",
            max_rows,
            "--json",
            json.to_str().expect("utf8"),
        ]);
        assert!(out.status.success(), "{}", text(&out.stdout));
        let r = records(&json);
        assert_eq!(r.len(), 1);
        (text(&out.stdout), r[0].clone())
    };
    let (_, passed) = run("0", "a.json");
    assert_eq!(
        (passed["outcome"].as_str(), passed["stage"].as_str()),
        (Some("passed"), Some("mock"))
    );
    let tallest = passed["rows"]["tallest region"].as_u64().expect("rows recorded");
    assert!(passed["rows"]["EVM rows"].as_u64().is_some_and(|n| n > 2), "{passed}");
    assert!(passed["gas"].as_u64().is_some_and(|g| g > 0) && passed["micros"].is_u64());

    let (stdout, over) = run(&(tallest - 1).to_string(), "b.json");
    assert_eq!(stdout.lines().last(), Some("0 passed, 0 failed, 1 skipped"));
    assert_eq!(
        (over["outcome"].as_str(), over["stage"].as_str()),
        (Some("unsupported"), Some("executed"))
    );
    assert!(over["reason"].as_str().is_some_and(|r| r.starts_with("rows: ")), "{over}");
    assert_eq!(over["rows"]["tallest region"].as_u64(), Some(tallest));
}

#[test]
fn report_renders_a_statetest_report() {
    let Some(root) = statetests() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("r.json");
    let folder = root.join("VMTests/vmLogTest");
    let out = zkevm(&[
        "statetest",
        folder.to_str().expect("utf8"),
        "--mode",
        "mock",
        "--json",
        json.to_str().expect("utf8"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    let md = dir.path().join("r.md");
    let out = zkevm(&[
        "report",
        json.to_str().expect("utf8"),
        "--command",
        "zkevm statetest vmLogTest --mode mock",
        "--date",
        "2026-01-02",
        "--out",
        md.to_str().expect("utf8"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(&md).expect("written");
    assert!(page.contains("Command: `zkevm statetest vmLogTest --mode mock`"), "{page}");
    assert!(page.contains("Date: 2026-01-02") && page.contains("## Slowest entries"), "{page}");
    let entries = records(&json).len();
    assert!(page.contains(&format!("| all | {entries} |")), "{page}");

    let out = zkevm(&["report", dir.path().join("missing.json").to_str().expect("utf8")]);
    assert!(!out.status.success() && text(&out.stderr).contains("missing.json"));
}

/// `zkevm bench` on two transfers: every field of the report is present and consistent, the
/// Markdown page renders from the JSON, an unsupported workload is an outcome (not an error)
/// and bad arguments fail cleanly.
#[test]
fn bench_reports_every_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = std::env::temp_dir().join("zkevm-cli-test-cache");
    let json = dir.path().join("bench.json");
    let out = Command::new(env!("CARGO_BIN_EXE_zkevm"))
        .args(["bench", "--workload", "transfers", "--size", "2", "--json"])
        .arg(&json)
        .env("ZKEVM_CACHE", &cache)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for words in ["gas/s", "steps/s", "lower bound", "peak memory", "proof", "witness/prove"] {
        assert!(stdout.contains(words), "{words} missing from {stdout}");
    }
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("written")).expect("json");
    assert_eq!(report["format"], 1);
    assert!(report["machine"]["cores"].as_u64().expect("cores") >= 1);
    let w = &report["workloads"][0];
    assert_eq!(w["workload"], "transfers");
    assert_eq!(w["outcome"], "measured");
    assert_eq!(w["k"], 11);
    let f = &w["figures"];
    assert_eq!(f["txs"], 2);
    assert_eq!(f["gas"], 42_000);
    assert_eq!(f["chunks"], 1);
    for field in ["steps", "rws", "proof_bytes", "bundle_bytes", "rows_per_chunk"] {
        assert!(f[field].as_u64().expect(field) > 0, "{field}");
    }
    for phase in ["setup", "trace", "plan", "witness", "keygen", "prove", "verify"] {
        assert!(f["seconds"][phase].as_f64().expect(phase) >= 0.0, "{phase}");
    }
    for field in ["gas_per_second", "steps_per_second", "cells_per_step", "end_to_end"] {
        assert!(f[field].as_f64().expect(field) > 0.0, "{field}");
    }
    assert!(f["witness_fraction"].as_f64().expect("fraction") >= 0.0);
    assert!(f["peak_rss_mib"].as_f64().expect("peak") > 0.0);
    let lb = &f["lower_bound"];
    assert_eq!(lb["msm_size"], 2048);
    assert_eq!(lb["msms"], f["columns"]["committed"]);
    assert!(lb["seconds"].as_f64().expect("msm") > 0.0 && lb["ratio"].as_f64().expect("r") > 0.0);
    let rows = f["rows"].as_array().expect("rows");
    assert!(rows.iter().any(|r| r["circuit"] == "EVM" && r["used"].as_u64() > Some(0)));
    assert_eq!(f["prove_per_chunk"].as_array().expect("per chunk").len(), 1);

    let md = dir.path().join("performance.md");
    let out = zkevm(&[
        "bench",
        "--render",
        json.to_str().expect("utf8"),
        "--markdown",
        md.to_str().expect("utf8"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(&md).expect("written");
    assert!(page.contains("| transfers | measured | 2 | 11 | 1 | 42,000 |"), "{page}");
    assert!(page.contains("## The lower bound"));

    // keccak needs KECCAK256: unsupported today, or measured once the circuit has it; never
    // an error.
    let out = Command::new(env!("CARGO_BIN_EXE_zkevm"))
        .args(["bench", "--workload", "keccak", "--size", "1", "--k", "11"])
        .env("ZKEVM_CACHE", &cache)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = zkevm(&["bench", "--workload", "nope"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unknown workload `nope`"));
    let out = zkevm(&["bench", "--k", "40"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("k = 40 is not supported"), "{}", text(&out.stderr));
}
