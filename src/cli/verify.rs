//! `zkevm verify`: check a bundle against its statement; prints `valid` or the error.
//!
//! Proofs made under the insecure deterministic setup (public seed) prove nothing against a
//! forger, so they are checked only with `--insecure`, and the verdict says INSECURE. Their
//! verifying key may come from the cache, but only if it is the key pinned in the verifier;
//! under a ceremony SRS (`--params`) the key is generated from the circuit, never read from a
//! cache the prover may have written.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use zkevm_circuits::halo2_proofs::halo2curves::bn256::Fr;
use zkevm_prover::keys::{fresh_verifier_key, verifier_key};
use zkevm_prover::{load_params, preset_name, Cache, ParamsSource, DEFAULT_CHUNK};
use zkevm_verifier::{check_pinned, verify, BatchStatement, Bundle, VerifyError};

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
    /// Check proofs made under the INSECURE deterministic setup (without `--params`): anyone
    /// can forge those, so the verdict only says the prover ran honestly.
    #[arg(long)]
    insecure: bool,
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
    let insecure = params == ParamsSource::Insecure;
    if insecure && !args.insecure {
        println!(
            "refused: without --params the proofs are checked against the INSECURE \
             deterministic setup, under which anyone can forge a proof; pass --params FILE (the \
             ceremony SRS the proofs were made with), or --insecure to check them anyway"
        );
        return Ok(ExitCode::from(2));
    }
    if insecure {
        eprintln!("warning: {}", params.describe());
    }
    let start = Instant::now();
    let result = check(&bytes, &text, &params)?;
    match result {
        Ok(verified) => {
            let label = if insecure {
                "valid (INSECURE setup: anyone can forge a proof under it)"
            } else {
                "valid"
            };
            println!(
                "{label}: {} chunk(s), {} transactions, {} touched locations, {} logs, verified in \
                 {:.0} ms",
                verified.chunks,
                verified.transactions,
                verified.touched,
                verified.logs,
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
    let srs = load_params(params, chunk.k::<Fr>(), &cache)?;
    let key = match params {
        // The cached key is used only if it is the one the verifier pins.
        ParamsSource::Insecure => {
            let key = verifier_key(&chunk, srs, &cache)?;
            check_pinned(&key)?;
            key
        }
        ParamsSource::File(_) => fresh_verifier_key(&chunk, srs)?,
    };
    Ok(verify(&bundle, &statement, &key))
}
