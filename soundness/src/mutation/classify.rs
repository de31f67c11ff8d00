//! Deciding what one mutated trace tells about the circuits.
//!
//! The honest trace of a subject is run first (its [`Baseline`]). A mutated trace is then:
//! - **equivalent** when it equals the honest trace, or when its whole assignment (every
//!   advice cell and the instance) equals the honest one: the change touched nothing the
//!   circuit assigns, so no lie reached the witness;
//! - **refused** when witness generation declines it (`Unsupported`, a capacity error) and
//!   cannot assign it without its support checks either (a synthesis error): the tool caught
//!   it, not the constraints, and a forger would bypass that layer. A lie witness generation
//!   declines is first assigned without those checks ([`SuperCircuit::new_unchecked`]) and
//!   judged by the constraints, as a forger's witness would be;
//! - **panicked** when witness generation or synthesis panics on it: not accepted either, but
//!   a robustness bug of its own (it should be `Unsupported`);
//! - **killed** when the MockProver reports a failed constraint or lookup;
//! - **survived** when the MockProver accepts a different witness for the same inputs (block,
//!   transactions, initial values of every touched location). EVM execution is a function of
//!   those inputs, so the honest trace is the only correct account of them, and a different
//!   witness that passes is a lie the constraints let through;
//! - **undecided** when the MockProver accepts a witness that claims other inputs (another
//!   pre-state): it could be a correct execution of those inputs, which only re-executing
//!   them would tell; such cases are listed, never counted as kills.

use std::hash::{Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use halo2_proofs::dev::{AdviceCellValue, MockProver};
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Circuit, ConstraintSystem};
use serde::{Deserialize, Serialize};
use zkevm_executor::Trace;

use zkevm_circuits::error::CircuitError;
use zkevm_circuits::public::ChunkStatement;
use zkevm_circuits::super_circuit::{ChunkParams, SuperCircuit};

/// What the circuits did with one mutated trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", content = "detail", rename_all = "snake_case")]
pub enum Verdict {
    /// A constraint or lookup failed (the first failure, shortened).
    Killed(String),
    /// Witness generation declined the trace (why).
    Refused(String),
    /// Witness generation or synthesis panicked (the message).
    Panicked(String),
    /// The MockProver accepted a lie about the same inputs.
    Survived(String),
    /// The MockProver accepted a witness claiming other inputs; not decided.
    Undecided(String),
    /// No lie reached the witness (why).
    Equivalent(String),
    /// The honest trace of the subject does not pass, so its mutations mean nothing.
    Unsupported(String),
}

impl Verdict {
    /// The verdict's name in reports.
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Killed(_) => "killed",
            Verdict::Refused(_) => "refused",
            Verdict::Panicked(_) => "panicked",
            Verdict::Survived(_) => "survived",
            Verdict::Undecided(_) => "undecided",
            Verdict::Equivalent(_) => "equivalent",
            Verdict::Unsupported(_) => "unsupported",
        }
    }

    /// The detail text.
    pub fn detail(&self) -> &str {
        match self {
            Verdict::Killed(d)
            | Verdict::Refused(d)
            | Verdict::Panicked(d)
            | Verdict::Survived(d)
            | Verdict::Undecided(d)
            | Verdict::Equivalent(d)
            | Verdict::Unsupported(d) => d,
        }
    }
}

/// The honest run of a subject: what mutations are compared with.
#[derive(Clone, Debug)]
pub struct Baseline {
    trace: Trace,
    statement: ChunkStatement,
    digest: u64,
}

impl Baseline {
    /// Runs the honest trace; `Err(reason)` when it does not pass the MockProver.
    pub fn new(trace: &Trace) -> Result<Self, String> {
        match run(trace, true) {
            Run::Passed(digest) => {
                Ok(Self { trace: trace.clone(), statement: ChunkStatement::of(trace, 0), digest })
            }
            Run::Refused(why) | Run::Panicked(why) => Err(format!("unsupported: {why}")),
            Run::Failed(why) => Err(format!("the honest trace fails: {why}")),
        }
    }

    /// The honest trace.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Classifies a mutated clone of the honest trace.
    pub fn classify(&self, mutated: &Trace) -> Verdict {
        if *mutated == self.trace {
            return Verdict::Equivalent("identical trace".into());
        }
        let outcome = match run(mutated, true) {
            // A forger does not run our checks: judge the lie by the constraints alone.
            Run::Refused(why) => match run(mutated, false) {
                // Our assigner cannot lay it out without the checks either.
                Run::Refused(_) | Run::Panicked(_) => Run::Refused(why),
                Run::Failed(failure) => {
                    Run::Failed(format!("{failure} (witness generation refuses it too: {why})"))
                }
                other => other,
            },
            other => other,
        };
        match outcome {
            Run::Refused(why) => Verdict::Refused(why),
            Run::Panicked(why) => Verdict::Panicked(why),
            Run::Failed(why) => Verdict::Killed(why),
            Run::Passed(digest) if digest == self.digest => {
                Verdict::Equivalent("identical assignment: the change is not witnessed".into())
            }
            Run::Passed(_) => {
                let claimed = ChunkStatement::of(mutated, 0);
                match input_difference(&self.statement, &claimed) {
                    None => {
                        Verdict::Survived("accepted a different witness for the same inputs".into())
                    }
                    Some(diff) => {
                        Verdict::Undecided(format!("accepted, claiming other inputs: {diff}"))
                    }
                }
            }
        }
    }
}

/// How the statements' inputs (block, transactions, touched locations and their initial
/// values) differ, if they do; final values are outputs and may differ in a lie.
fn input_difference(honest: &ChunkStatement, claimed: &ChunkStatement) -> Option<String> {
    if honest.block != claimed.block {
        return Some("block".into());
    }
    if honest.transactions != claimed.transactions {
        return Some("transactions".into());
    }
    let inputs = |s: &ChunkStatement| -> Vec<_> {
        s.touched.iter().map(|l| (l.kind, l.address, l.key, l.initial)).collect()
    };
    let (a, b) = (inputs(honest), inputs(claimed));
    if a != b {
        let first =
            a.iter().zip(&b).find(|(x, y)| x != y).map(|(_, y)| *y).or(b.get(a.len()).copied());
        return Some(match first {
            Some((kind, address, key, initial)) => {
                format!("touched location {kind:?} {address} {key:#x} with initial {initial:#x}")
            }
            None => "fewer touched locations".into(),
        });
    }
    None
}

enum Run {
    /// Every constraint held; the digest of the assignment.
    Passed(u64),
    Refused(String),
    Panicked(String),
    Failed(String),
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panic".into())
}

/// Witness generation (with its support checks when `checked`) and the MockProver on `trace`,
/// in a chunk fitted to it.
fn run(trace: &Trace, checked: bool) -> Run {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let params = ChunkParams::fitting(trace);
        let built = if checked {
            SuperCircuit::new(Arc::new(trace.clone()), params)
        } else {
            SuperCircuit::new_unchecked(Arc::new(trace.clone()), params)
        };
        let circuit = match built {
            Ok(circuit) => circuit,
            Err(e @ CircuitError::Unsupported(_))
            | Err(e @ CircuitError::MalformedWitness(_))
            | Err(e @ CircuitError::CapacityExceeded { .. }) => return Run::Refused(e.to_string()),
        };
        let instances = circuit.instances::<Fr>();
        let prover = match MockProver::<Fr>::run(params.k::<Fr>(), &circuit, instances.clone()) {
            Ok(prover) => prover,
            Err(e) => return Run::Refused(format!("synthesis: {e:?}")),
        };
        match zkevm_circuits::mock::verify(&prover, &circuit, params.k::<Fr>(), &instances) {
            Ok(()) => Run::Passed(digest(&prover, &instances)),
            Err(failures) => {
                let first = failures.first().map(|f| f.to_string()).unwrap_or_default();
                let first: String =
                    first.lines().next().unwrap_or_default().chars().take(160).collect();
                Run::Failed(format!("{} failures, first: {first}", failures.len()))
            }
        }
    }));
    outcome.unwrap_or_else(|payload| Run::Panicked(panic_text(&*payload)))
}

/// A digest of every advice cell and the instance.
fn digest(prover: &MockProver<Fr>, instances: &[Vec<Fr>]) -> u64 {
    let mut cs = ConstraintSystem::<Fr>::default();
    let _ = <SuperCircuit as Circuit<Fr>>::configure(&mut cs);
    // Columns are numbered in creation order; a scratch system hands out the same indices.
    let mut scratch = ConstraintSystem::<Fr>::default();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for _ in 0..cs.num_advice_columns() {
        let column = scratch.advice_column();
        for cell in prover.advice_values(column) {
            match cell {
                AdviceCellValue::Assigned(v) => v.evaluate().to_repr().as_ref().hash(&mut hasher),
                AdviceCellValue::Poison(p) => p.hash(&mut hasher),
            }
        }
    }
    for column in instances {
        for v in column {
            v.to_repr().as_ref().hash(&mut hasher);
        }
    }
    hasher.finish()
}
