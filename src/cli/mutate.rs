//! `zkevm mutate`: the soundness campaign. Tells semantic lies in honest traces, runs each
//! through witness generation and the MockProver, and reports how many were rejected.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;
use zkevm_circuits::mutation::{
    programs, run_campaign, CampaignConfig, MutationKind, Subject, Summary,
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
    /// Write the Markdown report (`docs/soundness.md`).
    #[arg(long)]
    markdown: Option<PathBuf>,
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

/// Runs the command; exits non-zero if any lie survived or stayed undecided.
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
    if args.budget == 0 {
        bail!("--budget must be at least 1");
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
    print!("{}", summary.text());
    if let Some(path) = &args.json {
        let bytes = serde_json::to_vec_pretty(&summary).context("encoding the report")?;
        super::write_atomically(path, &bytes)?;
    }
    if let Some(path) = &args.markdown {
        let command: Vec<String> = std::env::args().collect();
        let command = format!("zkevm {}", command.get(1..).unwrap_or_default().join(" "));
        let page = summary.markdown(&command, &super::report::today());
        super::write_atomically(path, page.as_bytes())?;
    }
    Ok(if summary.clean() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
