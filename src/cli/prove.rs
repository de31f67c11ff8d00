//! `zkevm prove`: prove a batch and write its bundle and statement.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use zkevm_prover::{
    preset_name, prove_batch, smallest_preset, Cache, ParamsSource, ProveOptions, CHUNK_PRESETS,
};

/// Arguments of `zkevm prove`.
#[derive(Debug, Args)]
pub struct ProveArgs {
    /// A batch JSON file, a state-test JSON file, or `demo` (the default) for the built-in
    /// demo batch.
    input: Option<String>,
    /// Folder for `bundle.bin` (and `bundle.json` with --json) and `statement.json`.
    #[arg(long, default_value = "proof")]
    out: PathBuf,
    /// Chunks proven at once (0: one per core).
    #[arg(long, default_value_t = 0)]
    jobs: usize,
    /// A ceremony SRS in the halo2 params format. Without it the parameters are an INSECURE
    /// deterministic setup from a public seed, fit for tests and demos only.
    #[arg(long)]
    params: Option<PathBuf>,
    /// Memory budget in MiB: fewer chunks are proven at once when each needs more than its
    /// share.
    #[arg(long)]
    max_memory: Option<u64>,
    /// Also write the bundle as JSON (proof and public inputs as hex).
    #[arg(long)]
    json: bool,
    /// For a state-test file: which `post` entry to prove (0-based, in file order).
    #[arg(long, default_value_t = 0)]
    entry: usize,
    /// For a state-test file: the fork whose entries are considered.
    #[arg(long, default_value = "Cancun")]
    fork: String,
    /// Chunk parameters: `small` (k = 11: transfers and small calls), `large` (k = 15:
    /// contract calls such as the demo's token transfers) or `auto`, the smallest that holds
    /// every transaction.
    #[arg(long, default_value = "auto")]
    chunk: String,
}

/// Runs the command.
pub fn run(args: ProveArgs) -> anyhow::Result<ExitCode> {
    let name = args.input.as_deref().unwrap_or("demo");
    let (input, context) = super::trace::load_input(name, args.entry, &args.fork)?;
    let params = args.params.clone().map_or(ParamsSource::Insecure, ParamsSource::File);
    if params == ParamsSource::Insecure {
        eprintln!("warning: {}", params.describe());
    }
    let chunk = match args.chunk.as_str() {
        "auto" => smallest_preset(&input, &context)
            .with_context(|| format!("choosing chunk parameters for {context}"))?,
        name => match CHUNK_PRESETS.iter().find(|(preset, _)| *preset == name) {
            Some((_, chunk)) => *chunk,
            None => anyhow::bail!("unknown --chunk {name:?}: use auto, small or large"),
        },
    };
    eprintln!(
        "chunk parameters: {} (k = {})",
        preset_name(&chunk).unwrap_or("custom"),
        chunk.k::<zkevm_circuits::halo2_proofs::halo2curves::bn256::Fr>()
    );
    let options = ProveOptions {
        chunk,
        params,
        jobs: args.jobs,
        cache: Cache::default_location()?,
        progress: true,
        max_memory_mib: args.max_memory,
    };
    super::chunk_bar::install();
    let proven =
        prove_batch(&input, &context, &options).with_context(|| format!("proving {context}"))?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let bundle_path = args.out.join("bundle.bin");
    super::write_atomically(&bundle_path, &proven.bundle.to_bytes())?;
    if args.json {
        super::write_atomically(&args.out.join("bundle.json"), proven.bundle.to_json().as_bytes())?;
    }
    let statement_path = args.out.join("statement.json");
    super::write_atomically(&statement_path, proven.statement.to_json().as_bytes())?;
    println!("{context}: {}", proven.report.summary());
    println!("wrote {} and {}", bundle_path.display(), statement_path.display());
    Ok(ExitCode::SUCCESS)
}
