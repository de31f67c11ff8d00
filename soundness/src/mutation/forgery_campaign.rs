//! The forgery campaign: coordinated lies told over each subject's honest layout, the way a
//! prover that does not run our witness generator would tell them, judged by the constraints
//! alone ([`ForgeryBench`]). Three classes ([`ForgeryClass`]):
//!
//! - **free rows**: a value in a row past the part of its column any region assigns, for
//!   every column a lookup's table side reads (then others). Accepted, the value is *inert*
//!   when no table entry a lookup could match changed, and a *survivor* when some lookup's
//!   table holds a new entry an input could match. An entry no active input can match is
//!   inert: one whose fixed key (a table component that is fixed, where every active input of
//!   the lookup is nonzero, as the keccak table's `q_last` against the constant 1) is zero;
//! - **table hits**: every lookup whose inputs are plain cells (the EVM's lookup cells) gets
//!   its inputs at an active row solved, with the challenges a real prover knows when it
//!   commits them, so that the compressed tuple equals another entry of the table (a claim
//!   retargeted to another RW, stream, transaction field, hash, ...) or the table's all-zero
//!   entry (a claim dropped);
//! - **key wraps**: a state row's sort-key and value components changed together so that
//!   the packed value stays the same in the field (`tag + 1` with `field_tag − 256`, a limb
//!   pair `(lo + 2^128, hi − 1)`), or pushed past their range (an address plus `2^160`, a
//!   counter plus `2^64`).
//!
//! A lie counts as killed only when the MockProver rejects it; the constraint-only kill rate
//! is killed over killed plus survived (inert changes and lies that cannot be told are not
//! lies about anything).

use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::halo2curves::ff::{Field, PrimeField};
use halo2_proofs::plonk::{Advice, Column, Expression};
use serde::{Deserialize, Serialize};

use super::campaign::Subject;
use super::cell_lie::Lie;
use super::forgery::{lie, solved_lie, ForgeryBench};
use super::forgery_probe::{Probe, Snapshot};
use super::rng::SplitMix64;

/// A class of coordinated lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForgeryClass {
    /// A value in a row past its column's used part.
    FreeRow,
    /// A lookup's input cells solved to hit another table entry or the zero entry.
    TableHit,
    /// State key and value components wrapped or pushed past their range.
    KeyWrap,
}

impl ForgeryClass {
    /// Every class, in report order.
    pub const ALL: [ForgeryClass; 3] =
        [ForgeryClass::FreeRow, ForgeryClass::TableHit, ForgeryClass::KeyWrap];

    /// The class's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            ForgeryClass::FreeRow => "free_row",
            ForgeryClass::TableHit => "table_hit",
            ForgeryClass::KeyWrap => "key_wrap",
        }
    }
}

/// What the constraints did with one forgery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", content = "detail", rename_all = "snake_case")]
pub enum ForgeryVerdict {
    /// A constraint, lookup or copy constraint failed (the first failure, shortened).
    Killed(String),
    /// Accepted, and it changed what a lookup can match or what the statement says.
    Survived(String),
    /// Accepted, and no table entry an input can reach changed.
    Inert(String),
    /// The lie could not be told (why): it needs a challenge drawn after its cell's phase, or
    /// the subject has no target for it.
    Untold(String),
}

impl ForgeryVerdict {
    /// The verdict's name in reports.
    pub fn name(&self) -> &'static str {
        match self {
            ForgeryVerdict::Killed(_) => "killed",
            ForgeryVerdict::Survived(_) => "survived",
            ForgeryVerdict::Inert(_) => "inert",
            ForgeryVerdict::Untold(_) => "untold",
        }
    }
}

/// One forgery and its verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForgeryRecord {
    /// The subject.
    pub subject: String,
    /// The class.
    pub class: ForgeryClass,
    /// What was forged (column, lookup, row).
    pub target: String,
    /// The verdict.
    pub verdict: ForgeryVerdict,
}

/// Runs up to `per_class` forgeries of each class over each subject; `on_record` sees each
/// verdict as it comes. A subject whose honest layout the MockProver rejects yields one
/// `untold` record.
pub fn run_forgery_campaign(
    subjects: &[Subject],
    per_class: usize,
    seed: u64,
    mut on_record: impl FnMut(&ForgeryRecord),
) -> Vec<ForgeryRecord> {
    let mut records = Vec::new();
    for (s, subject) in subjects.iter().enumerate() {
        let mut push = |class, target: String, verdict| {
            let record = ForgeryRecord { subject: subject.name.clone(), class, target, verdict };
            on_record(&record);
            records.push(record);
        };
        let bench = match ForgeryBench::new(subject.trace.clone()) {
            Ok(bench) => bench,
            Err(e) => {
                push(ForgeryClass::FreeRow, "-".into(), ForgeryVerdict::Untold(e));
                continue;
            }
        };
        if let Err(failures) = bench.verdict(Vec::new()) {
            let why = format!("the honest layout fails: {}", first_line(&failures));
            push(ForgeryClass::FreeRow, "-".into(), ForgeryVerdict::Untold(why));
            continue;
        }
        let probe = Probe::new(&bench);
        for class in ForgeryClass::ALL {
            let mut rng = SplitMix64::derive(seed, &[s as u64, class as u64]);
            let forgeries = match class {
                ForgeryClass::FreeRow => free_rows(&bench, &probe, per_class, &mut rng),
                ForgeryClass::TableHit => table_hits(&probe, per_class, &mut rng),
                ForgeryClass::KeyWrap => key_wraps(&bench, &probe, per_class, &mut rng),
            };
            for forgery in forgeries {
                let verdict = match forgery.lies {
                    Err(why) => ForgeryVerdict::Untold(why),
                    Ok(lies) => judge(&bench, &probe, lies, forgery.accepted),
                };
                push(class, forgery.target, verdict);
            }
        }
    }
    records
}

/// How to read an accepted forgery.
#[derive(Clone, Copy)]
enum Accepted {
    /// Look for a changed table entry near the changed cells: survived if any, else inert.
    TableEntries,
    /// The lie changes what the witness says: surviving it is a forgery.
    Survived,
}

struct Forgery {
    target: String,
    lies: Result<Vec<(Column<Advice>, usize, LieValue)>, String>,
    accepted: Accepted,
}

/// A lie's value: a constant, or one solved against the challenges.
enum LieValue {
    Known(Fr),
    /// Evaluate this expression at this row of the honest layout with the real challenges.
    Solved(Expression<Fr>, Snapshot),
}

fn judge(
    bench: &ForgeryBench,
    probe: &Probe<'_>,
    lies: Vec<(Column<Advice>, usize, LieValue)>,
    accepted: Accepted,
) -> ForgeryVerdict {
    let changed: Vec<(Column<Advice>, usize, Option<Fr>)> = lies
        .iter()
        .map(|(column, row, value)| {
            let known = match value {
                LieValue::Known(v) => Some(*v),
                LieValue::Solved(..) => None,
            };
            (*column, *row, known)
        })
        .collect();
    let told: Vec<Lie> = lies
        .into_iter()
        .map(|(column, row, value)| match value {
            LieValue::Known(v) => lie(column, row, v),
            LieValue::Solved(expr, snapshot) => solved_lie(column, row, move |challenge| {
                snapshot.evaluate(&expr, &|c| {
                    let mut known = None;
                    challenge(c).map(|v| known = Some(v));
                    known
                })
            }),
        })
        .collect();
    match bench.verdict(told) {
        Err(failures) if failures.iter().any(|f| f.contains("synthesis")) => {
            ForgeryVerdict::Untold(first_line(&failures))
        }
        Err(failures) => ForgeryVerdict::Killed(first_line(&failures)),
        Ok(()) => match accepted {
            Accepted::Survived => ForgeryVerdict::Survived("the MockProver accepted it".into()),
            Accepted::TableEntries => match probe.new_entry(&changed) {
                Some(lookup) => ForgeryVerdict::Survived(format!("a new entry of {lookup}")),
                None => ForgeryVerdict::Inert("no table entry an input can reach changed".into()),
            },
        },
    }
}

fn first_line(failures: &[String]) -> String {
    let first = failures.first().map(String::as_str).unwrap_or_default();
    let line: String = first.lines().next().unwrap_or_default().chars().take(160).collect();
    format!("{} failures, first: {line}", failures.len())
}

/// Free rows: table-side columns first, then others, each with a random value in a random
/// row past its used part.
fn free_rows(
    bench: &ForgeryBench,
    probe: &Probe<'_>,
    budget: usize,
    rng: &mut SplitMix64,
) -> Vec<Forgery> {
    let mut columns = probe.table_columns.clone();
    let mut others: Vec<Column<Advice>> =
        probe.advice.values().filter(|c| !columns.contains(c)).copied().collect();
    while !others.is_empty() {
        columns.push(others.swap_remove(rng.below(others.len())));
    }
    columns
        .into_iter()
        .take(budget)
        .map(|column| {
            let from = bench.assigned_rows(column).map_or(0, |(_, top)| top + 1);
            let name = probe.name(column);
            let lies = if from >= bench.usable_rows() {
                Err(format!("{name}: every usable row is assigned"))
            } else {
                let row = from + rng.below(bench.usable_rows() - from);
                let value = Fr::from(rng.next_u64()) + Fr::ONE;
                Ok(vec![(column, row, LieValue::Known(value))])
            };
            let target = match &lies {
                Ok(lies) => format!("{name} row {}", lies[0].1),
                Err(_) => name,
            };
            Forgery { target, lies, accepted: Accepted::TableEntries }
        })
        .collect()
}

/// Table hits: each lookup with plain-cell inputs, at a random active row, solved to hit
/// another entry of its table, and the zero entry.
fn table_hits(probe: &Probe<'_>, budget: usize, rng: &mut SplitMix64) -> Vec<Forgery> {
    let mut out = Vec::new();
    for lookup in probe.lookups.iter().filter(|l| l.cells.is_some()) {
        if out.len() >= budget {
            break;
        }
        let cells = lookup.cells.as_deref().unwrap_or_default();
        let active: Vec<usize> = (0..probe.usable)
            .filter(|row| cells.iter().any(|c| probe.advice_at(*c, *row) != Fr::ZERO))
            .collect();
        let Some(&row) = rng.pick(&active) else { continue };
        let here: Vec<Fr> = cells.iter().map(|c| probe.advice_at(*c, row)).collect();
        let entries: Vec<usize> = (0..probe.usable)
            .filter(|t| {
                let entry = probe.tuple(&lookup.table, *t, &[]);
                entry.iter().any(|v| *v != Fr::ZERO) && entry != here
            })
            .collect();
        let name = &lookup.name;
        match rng.pick(&entries) {
            Some(&t) => {
                let lies = cells
                    .iter()
                    .zip(&lookup.table)
                    .map(|(column, expr)| {
                        (*column, row, LieValue::Solved(expr.clone(), probe.snapshot(expr, t)))
                    })
                    .collect();
                out.push(Forgery {
                    target: format!("{name}: row {row} retargeted to the entry at row {t}"),
                    lies: Ok(lies),
                    accepted: Accepted::Survived,
                });
            }
            None => out.push(Forgery {
                target: format!("{name}: row {row}"),
                lies: Err("the table holds no other entry".into()),
                accepted: Accepted::Survived,
            }),
        }
        let zero = cells.iter().map(|c| (*c, row, LieValue::Known(Fr::ZERO))).collect();
        out.push(Forgery {
            target: format!("{name}: row {row} dropped (the zero entry)"),
            lies: Ok(zero),
            accepted: Accepted::Survived,
        });
    }
    out.truncate(budget);
    out
}

/// Cells of one state row and what is added to each.
type Shifts = Vec<(Column<Advice>, Fr)>;

/// Key wraps on random non-padding state rows.
fn key_wraps(
    bench: &ForgeryBench,
    probe: &Probe<'_>,
    budget: usize,
    rng: &mut SplitMix64,
) -> Vec<Forgery> {
    let t = &bench.config().state.table;
    let rows: Vec<usize> = match bench.assigned_rows(t.tag) {
        Some((lo, hi)) => (lo..=hi).filter(|r| probe.advice_at(t.tag, *r) != Fr::ZERO).collect(),
        None => Vec::new(),
    };
    let two_128 = Fr::from_u128(1 << 127).double();
    let wraps: [(&str, Shifts); 6] = [
        ("tag + 1, field_tag − 256", vec![(t.tag, Fr::ONE), (t.field_tag, -Fr::from(256))]),
        ("key (lo + 2^128, hi − 1)", vec![(t.key_lo, two_128), (t.key_hi, -Fr::ONE)]),
        ("value (lo + 2^128, hi − 1)", vec![(t.value_lo, two_128), (t.value_hi, -Fr::ONE)]),
        (
            "value_prev (lo + 2^128, hi − 1)",
            vec![(t.value_prev_lo, two_128), (t.value_prev_hi, -Fr::ONE)],
        ),
        ("address + 2^160", vec![(t.address, two_128 * Fr::from(1u64 << 32))]),
        ("rw_counter + 2^64", vec![(t.rw_counter, Fr::from_u128(1 << 64))]),
    ];
    let mut out = Vec::new();
    for i in 0..budget {
        let (what, shifts) = &wraps[i % wraps.len()];
        let Some(&row) = rng.pick(&rows) else {
            out.push(Forgery {
                target: format!("state: {what}"),
                lies: Err("no state row".into()),
                accepted: Accepted::Survived,
            });
            continue;
        };
        let lies = shifts
            .iter()
            .map(|(column, shift)| {
                (*column, row, LieValue::Known(probe.advice_at(*column, row) + shift))
            })
            .collect();
        out.push(Forgery {
            target: format!("state row {row}: {what}"),
            lies: Ok(lies),
            accepted: Accepted::Survived,
        });
    }
    out
}
