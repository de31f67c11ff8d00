//! `zkevm verify`: check a bundle against its statement; prints `valid` or the error.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use zkevm_circuits::halo2_proofs::halo2curves::bn256::Fr;
use zkevm_prover::keys::verifier_key;
use zkevm_prover::{load_params, preset_name, Cache, ParamsSource, DEFAULT_CHUNK};
use zkevm_verifier::{verify, BatchStatement, Bundle, VerifyError};

/// Arguments of `zkevm verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The bundle (binary or JSON) written by `zkevm prove`.
    bundle: PathBuf,
    /// The statement the proofs claim (default: `statement.json` beside the bundle).
    #[arg(long)]
    statement: Option<PathBuf>,
    /// The ceremony SRS the proofs were made with (default: the INSECURE deterministic
    /// setup).
    #[arg(long)]
    params: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let statement_path = args.statement.clone().unwrap_or_else(|| {
        args.bundle.parent().unwrap_or(std::path::Path::new(".")).join("statement.json")
    });
    let bytes = std::fs::read(&args.bundle)
        .with_context(|| format!("reading {}", args.bundle.display()))?;
    let text = std::fs::read_to_string(&statement_path)
        .with_context(|| format!("reading {}", statement_path.display()))?;
    let params = args.params.clone().map_or(ParamsSource::Insecure, ParamsSource::File);
    if params == ParamsSource::Insecure {
        eprintln!("warning: {}", params.describe());
    }
    let start = Instant::now();
    let result = check(&bytes, &text, &params)?;
    match result {
        Ok(verified) => {
            println!(
                "valid: {} chunk(s), {} transactions, {} touched locations, verified in {:.0} ms",
                verified.chunks,
                verified.transactions,
                verified.touched,
                start.elapsed().as_secs_f64() * 1000.0
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("invalid: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The verdict; the outer error is a failure to set up the verifier itself.
fn check(
    bundle: &[u8],
    statement: &str,
    params: &ParamsSource,
) -> anyhow::Result<Result<zkevm_verifier::Verified, VerifyError>> {
    let bundle = match Bundle::load(bundle) {
        Ok(bundle) => bundle,
        Err(e) => return Ok(Err(e)),
    };
    let statement = match BatchStatement::from_json(statement) {
        Ok(statement) => statement,
        Err(e) => return Ok(Err(e)),
    };
    // The bundle names its chunk parameters; only the presets' keys are made here (anything
    // else fails as a parameter mismatch against the default's key).
    let chunk = bundle
        .chunks
        .first()
        .map(|c| c.chunk_params)
        .filter(|p| preset_name(p).is_some())
        .unwrap_or(DEFAULT_CHUNK);
    let cache = Cache::default_location()?;
    let params = load_params(params, chunk.k::<Fr>(), &cache)?;
    let key = verifier_key(&chunk, params, &cache)?;
    Ok(verify(&bundle, &statement, &key))
}
