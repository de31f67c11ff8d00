//! `zkevm mutate`: the soundness campaign. Tells semantic lies in honest traces, runs each
//! through witness generation and the MockProver, and reports how many were rejected.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;
use zkevm_soundness::mutation::{
    programs, run_campaign, run_cell_campaign, run_forgery_campaign, CampaignConfig, CellSummary,
    ForgerySummary, MutationKind, Subject, Summary,
};

/// Arguments of `zkevm mutate`.
#[derive(Debug, Args)]
pub struct MutateArgs {
    /// `all` (the built-in programs and the demo batch), `programs` (the small built-in
    /// programs only), `demo`, or a batch JSON file.
    #[arg(default_value = "all")]
    input: String,
    /// Mutations per subject: the kinds are taken in turn; a kind with no target in a subject
    /// (no storage, no log) yields to the next one that has one.
    #[arg(long, default_value_t = MutationKind::ALL.len())]
    budget: usize,
    /// Seed of every random choice (the same seed gives the same mutations).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Only these kinds, comma separated (e.g. `pc,gas_cost,stack_push`).
    #[arg(long, value_delimiter = ',')]
    kinds: Vec<String>,
    /// Write every mutation and the tallies as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write the Markdown report (`docs/soundness-campaign.md`).
    #[arg(long)]
    markdown: Option<PathBuf>,
    /// Also change this many raw advice cells per subject after its honest assignment (x+1,
    /// x-1, random, 0 in turn); `--budget 0 --cells N` runs only those.
    #[arg(long, default_value_t = 0)]
    cells: usize,
    /// Also tell up to this many coordinated forgeries of each class per subject (values in
    /// rows past a column's used part, lookup inputs solved to hit another table entry or the
    /// zero entry, wrapped state keys), judged by the constraints alone.
    #[arg(long, default_value_t = 0)]
    forgeries: usize,
    /// Threads judging changed cells at once (default: every core). Each judge is one
    /// MockProver run on one thread.
    #[arg(long)]
    jobs: Option<usize>,
    /// Print no line per mutation.
    #[arg(long)]
    quiet: bool,
}

fn subjects(input: &str) -> anyhow::Result<Vec<Subject>> {
    Ok(match input {
        "all" => {
            let mut all = programs::programs()?;
            all.push(programs::demo()?);
            all
        }
        "programs" => programs::programs()?,
        "demo" => vec![programs::demo()?],
        path => vec![programs::batch_file(std::path::Path::new(path))?],
    })
}

/// Runs the command; exits non-zero if any lie survived or stayed undecided, or any changed
/// cell or forgery survived.
pub fn run(args: MutateArgs) -> anyhow::Result<ExitCode> {
    let kinds = args
        .kinds
        .iter()
        .map(|name| {
            MutationKind::from_name(name).with_context(|| {
                let known: Vec<&str> = MutationKind::ALL.iter().map(|k| k.name()).collect();
                format!("unknown kind {name:?}; known: {}", known.join(", "))
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    if args.budget == 0 && args.cells == 0 && args.forgeries == 0 {
        bail!("nothing to do: --budget, --cells and --forgeries are all 0");
    }
    let subjects = subjects(&args.input)?;
    let config = CampaignConfig { budget: args.budget, seed: args.seed, kinds };
    let started = Instant::now();
    let quiet = args.quiet;
    // Panics inside witness generation are caught and reported as verdicts; silence the
    // default hook's message and backtrace while the campaign runs.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let records = run_campaign(&subjects, &config, |r| {
        if !quiet {
            eprintln!(
                "{} #{} {} step {} {}: {} ({})",
                r.subject,
                r.index,
                r.kind.name(),
                r.step.map_or("-".to_string(), |s| s.to_string()),
                r.opcode,
                r.verdict.name(),
                r.verdict.detail().chars().take(120).collect::<String>()
            );
        }
    });
    let cells = (args.cells > 0).then(|| {
        let started = Instant::now();
        let jobs = args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
        let (records, skipped) = run_cell_campaign(&subjects, args.cells, args.seed, jobs, |r| {
            if !quiet {
                eprintln!(
                    "{} cell #{} {} col {} row {} {}: {}",
                    r.subject,
                    r.index,
                    r.region,
                    r.column,
                    r.row,
                    r.change.name(),
                    r.verdict.name()
                );
            }
        });
        CellSummary::new(records, skipped, args.seed, args.cells, started.elapsed().as_secs_f64())
    });
    let forgeries = (args.forgeries > 0).then(|| {
        let started = Instant::now();
        let records = run_forgery_campaign(&subjects, args.forgeries, args.seed, |r| {
            if !quiet {
                eprintln!(
                    "{} forgery {} {}: {}",
                    r.subject,
                    r.class.name(),
                    r.target,
                    r.verdict.name()
                );
            }
        });
        ForgerySummary::new(records, args.seed, args.forgeries, started.elapsed().as_secs_f64())
    });
    std::panic::set_hook(hook);
    let statuses = subjects
        .iter()
        .map(|s| {
            let status = records
                .iter()
                .find(|r| r.subject == s.name && r.verdict.name() == "unsupported")
                .map(|r| r.verdict.detail().to_string());
            (s.name.clone(), status)
        })
        .collect();
    let summary =
        Summary::new(records, statuses, args.seed, args.budget, started.elapsed().as_secs_f64());
    if args.budget > 0 {
        print!("{}", summary.text());
    }
    if let Some(cells) = &cells {
        print!("{}", cells.text());
    }
    if let Some(forgeries) = &forgeries {
        print!("{}", forgeries.text());
    }
    if let Some(path) = &args.json {
        let report =
            serde_json::json!({ "semantic": summary, "cells": cells, "forgeries": forgeries });
        let bytes = serde_json::to_vec_pretty(&report).context("encoding the report")?;
        super::write_atomically(path, &bytes)?;
    }
    if let Some(path) = &args.markdown {
        let command: Vec<String> = std::env::args().collect();
        let command = format!("zkevm {}", command.get(1..).unwrap_or_default().join(" "));
        let mut page = if args.budget > 0 {
            summary.markdown(&command, &zkevm_statetest::report::today())
        } else {
            format!(
                "# Soundness campaign\n\nGenerated by `{command}` on {}.\n",
                zkevm_statetest::report::today()
            )
        };
        if let Some(cells) = &cells {
            page.push_str(&cells.markdown());
        }
        if let Some(forgeries) = &forgeries {
            page.push_str(&forgeries.markdown());
        }
        super::write_atomically(path, page.as_bytes())?;
    }
    let cells_clean = cells.as_ref().is_none_or(|c| c.survivors.is_empty());
    let forgeries_clean = forgeries.as_ref().is_none_or(ForgerySummary::clean);
    Ok(if summary.clean() && cells_clean && forgeries_clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
