//! `zkevm bench`: run named workloads through every proving phase and report throughput,
//! rows, memory, proof size and the lower-bound ratio; render a saved report as Markdown.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use zkevm_prover::{Cache, ParamsSource};
use zkevm_workloads::markdown;
use zkevm_workloads::throughput::{
    run_workload, BenchOptions, BenchReport, Machine, WorkloadReport, REPORT_FORMAT,
};
use zkevm_workloads::Workload;

/// Arguments of `zkevm bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The workload: transfers, erc20, compute, memory, memory-words, storage, keccak, or all.
    #[arg(long, default_value = "transfers")]
    workload: String,
    /// Transactions in the workload (default: each workload's own, a few chunks' worth).
    #[arg(long)]
    size: Option<usize>,
    /// Chunk size (default: the smallest k, from 11, whose chunk holds one transaction of the
    /// workload).
    #[arg(long)]
    k: Option<u32>,
    /// Write the report as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write the report as Markdown (the docs/performance.md page).
    #[arg(long)]
    markdown: Option<PathBuf>,
    /// Run nothing: render this saved JSON report (with --markdown FILE, or to stdout).
    #[arg(long, conflicts_with_all = ["workload", "size", "k", "json"])]
    render: Option<PathBuf>,
    /// A ceremony SRS in the halo2 params format (default: the INSECURE seeded setup).
    #[arg(long)]
    params: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.render {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let report: BenchReport = serde_json::from_slice(&bytes)
            .with_context(|| format!("{}: not a zkevm bench report", path.display()))?;
        anyhow::ensure!(
            report.format == REPORT_FORMAT,
            "{}: report format {} (this zkevm reads {REPORT_FORMAT})",
            path.display(),
            report.format
        );
        emit_markdown(&report, args.markdown.as_deref())?;
        return Ok(ExitCode::SUCCESS);
    }

    let workloads: Vec<Workload> = if args.workload == "all" {
        Workload::ALL.to_vec()
    } else {
        vec![args.workload.parse()?]
    };
    let params = args.params.clone().map_or(ParamsSource::Insecure, ParamsSource::File);
    if params == ParamsSource::Insecure {
        eprintln!("warning: {}", params.describe());
    }
    let options =
        BenchOptions { size: args.size, k: args.k, params, cache: Cache::default_location()? };
    let mut report = BenchReport {
        format: REPORT_FORMAT,
        machine: Machine::this(),
        date: zkevm_statetest::report::today(),
        command: command_line(),
        params: options.params.describe(),
        workloads: Vec::new(),
    };
    for workload in workloads {
        let result = run_workload(workload, &options, &|line| eprintln!("{line}"))
            .with_context(|| format!("workload {workload}"))?;
        println!("{}", summary(&result));
        report.workloads.push(result);
    }
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&report)?;
        super::write_atomically(path, json.as_bytes())?;
        println!("wrote {}", path.display());
    }
    if let Some(path) = &args.markdown {
        emit_markdown(&report, Some(path))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn emit_markdown(report: &BenchReport, path: Option<&std::path::Path>) -> anyhow::Result<()> {
    let md = markdown::render(report);
    match path {
        Some(path) => {
            super::write_atomically(path, md.as_bytes())?;
            println!("wrote {}", path.display());
        }
        None => print!("{md}"),
    }
    Ok(())
}

/// The command line as run, with the program named `zkevm`.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!("zkevm {}", args.join(" "))
}

/// The lines printed for one workload.
fn summary(w: &WorkloadReport) -> String {
    let Some(f) = &w.figures else {
        return format!(
            "{} ({} txs): {}",
            w.workload,
            w.size,
            w.reason.as_deref().unwrap_or("not measured")
        );
    };
    let s = &f.seconds;
    let rows: Vec<String> =
        f.rows.iter().map(|r| format!("{} {}/{}", r.circuit, r.used, r.capacity)).collect();
    let peak = f.peak_rss_mib.map_or("unknown".to_string(), |m| format!("{m:.0} MiB"));
    format!(
        "{name}: {txs} txs, {gas} gas, {steps} steps, {rws} rws, {chunks} chunk(s) at k={k}\n  \
         seconds: setup {setup:.3}, trace {trace:.3}, plan {plan:.3}, witness {witness:.3}, \
         keygen {keygen:.3}, prove {prove:.3} (per chunk {per_chunk}), verify {verify:.3}\n  \
         end to end {e2e:.3}s: {gps:.0} gas/s, {sps:.1} steps/s; witness/prove {wf:.1}%\n  \
         lower bound: {msms} MSMs of size {size} in {msm:.3}s; prove per chunk / MSMs = {ratio:.1}\n  \
         rows used/reserved: {rows}; {cells:.0} committed advice cells per step\n  \
         proof {proof} bytes, bundle {bundle} bytes; peak memory {peak}",
        name = w.workload,
        txs = f.txs,
        gas = f.gas,
        steps = f.steps,
        rws = f.rws,
        chunks = f.chunks,
        k = w.k.unwrap_or_default(),
        setup = s.setup,
        trace = s.trace,
        plan = s.plan,
        witness = s.witness,
        keygen = s.keygen,
        prove = s.prove,
        per_chunk = f
            .prove_per_chunk
            .iter()
            .map(|t| format!("{t:.2}"))
            .collect::<Vec<_>>()
            .join(", "),
        verify = s.verify,
        e2e = f.end_to_end,
        gps = f.gas_per_second,
        sps = f.steps_per_second,
        wf = 100.0 * f.witness_fraction,
        msms = f.lower_bound.msms,
        size = f.lower_bound.msm_size,
        msm = f.lower_bound.seconds,
        ratio = f.lower_bound.ratio,
        rows = rows.join(", "),
        cells = f.cells_per_step,
        proof = f.proof_bytes,
        bundle = f.bundle_bytes,
    )
}
