//! `zkevm`: the command-line interface of the zkEVM toolkit.
//!
//! - `zkevm trace <INPUT>`: execute a batch, state test or the demo and write its trace;
//! - `zkevm statetest <PATH>... --mode execute|mock|prove`: run Ethereum state tests through the
//!   executor and the replay check and, in mock mode, the SuperCircuit on the MockProver (in
//!   prove mode, also a KZG proof, verified);
//! - `zkevm report <JSON>...`: render `statetest --json` reports as Markdown;
//! - `zkevm prove [INPUT] [--out DIR]`: prove a batch (default: the demo) into a bundle and a
//!   statement file;
//! - `zkevm verify <BUNDLE> [--statement FILE]`: check a bundle; prints `valid` or the error;
//! - `zkevm bench [--workload W|all] [--size N] [--json FILE] [--markdown FILE]`: prover
//!   throughput on named workloads (`--render REPORT.json` renders a saved report).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
