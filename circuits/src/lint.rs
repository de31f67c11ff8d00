//! A constraint-system linter: reads a circuit's `ConstraintSystem` as an attacker would and
//! names the structural holes a witness-mutation campaign cannot see.
//!
//! Four rules:
//! - **(a) guarded tables.** A lookup's table side must not be matchable by a row that no gate
//!   constrains. It passes when every table expression is made of fixed columns only, or when
//!   there is one fixed column `q` (the table's enable) such that every table expression that
//!   reads advice vanishes where `q = 0` (`q · …`), or, for an uncompressed lookup, when one
//!   table entry is such a `q`-multiple (a fixed key) that the input side asks to be nonzero
//!   whenever the lookup is enabled: the input entry is `G · c` for a nonzero constant `c`, and
//!   every other input entry is a multiple of the same guard `G`.
//! - **(b) phases under a challenge.** A value inside an expression compressed by a challenge
//!   must be committed before the challenge is drawn. A lookup expression that contains
//!   challenge `c` may read advice of phase ≤ `c`'s phase only. A gate constraint that contains
//!   `c` may read at most one advice column of a later phase: the cell the constraint defines
//!   (a compressed lookup cell, or an RLC accumulator that the constraint chains to itself).
//!   Two late columns under one challenge mean that one of them can be solved for after the
//!   challenge is known.
//! - **(c) read columns.** Every advice column is read by some gate or lookup (halo2-axiom 0.5 has no
//!   public shuffle argument): a column nothing reads is a free cell (copy constraints alone do
//!   not count).
//! - **(d) degree.** Every gate and lookup fits the degree the prover sizes its quotient for.
//!
//! Rule (a) is syntactic: it recognises `q · x` products and sums of them, the shapes the tables
//! of this crate use, and reports anything else rather than guessing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{ConstraintSystem, Expression};

/// The degree halo2-axiom sizes the extended domain for by default (`$MAX_DEGREE`).
pub const MAX_DEGREE: usize = 5;

/// One structural hole.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Finding {
    /// (a) A lookup whose table side a free row can match.
    UnguardedTable {
        /// The lookup's name.
        lookup: String,
    },
    /// (b) Advice committed after a challenge inside an expression that challenge compresses.
    LateColumnUnderChallenge {
        /// `gate <name> / <constraint>` or `lookup <name>`.
        place: String,
        /// The challenge's index.
        challenge: usize,
        /// The late advice columns (index and phase).
        columns: Vec<(usize, u8)>,
    },
    /// (c) An advice column no gate or lookup reads.
    UnreadColumn {
        /// The column's index.
        column: usize,
        /// Its annotation, if any.
        annotation: Option<String>,
    },
    /// (d) A gate or lookup above [`MAX_DEGREE`].
    DegreeTooHigh {
        /// `gate <name> / <constraint>` or `lookup <name>`.
        place: String,
        /// Its degree.
        degree: usize,
    },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::UnguardedTable { lookup } => {
                write!(f, "(a) lookup {lookup}: a row outside the table's fixed enable can match")
            }
            Finding::LateColumnUnderChallenge { place, challenge, columns } => {
                let columns: Vec<String> =
                    columns.iter().map(|(c, p)| format!("advice {c} (phase {p})")).collect();
                write!(
                    f,
                    "(b) {place}: compressed by challenge {challenge} yet reads {} committed after it",
                    columns.join(", ")
                )
            }
            Finding::UnreadColumn { column, annotation } => match annotation {
                Some(name) => write!(f, "(c) advice column {column} ({name}) is read by nothing"),
                None => write!(f, "(c) advice column {column} is read by nothing"),
            },
            Finding::DegreeTooHigh { place, degree } => {
                write!(f, "(d) {place}: degree {degree} above {MAX_DEGREE}")
            }
        }
    }
}

/// Every finding of the four rules over `cs`, sorted.
pub fn lint<F: PrimeField>(cs: &ConstraintSystem<F>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let challenge_phase = cs.challenge_phase();
    let mut read = BTreeSet::new();

    for gate in cs.gates() {
        for (i, poly) in gate.polynomials().iter().enumerate() {
            let place = format!("gate {} / {}", gate.name(), gate.constraint_name(i));
            collect_advice(poly, &mut read);
            if poly.degree() > MAX_DEGREE {
                findings
                    .push(Finding::DegreeTooHigh { place: place.clone(), degree: poly.degree() });
            }
            for challenge in challenges_in(poly) {
                let late = late_columns(poly, challenge_phase[challenge]);
                if late.len() > 1 {
                    findings.push(Finding::LateColumnUnderChallenge {
                        place: place.clone(),
                        challenge,
                        columns: late.into_iter().collect(),
                    });
                }
            }
        }
    }

    for lookup in cs.lookups() {
        let place = format!("lookup {}", lookup.name());
        let (inputs, table) = (lookup.input_expressions(), lookup.table_expressions());
        for expr in inputs.iter().chain(table) {
            collect_advice(expr, &mut read);
            for challenge in challenges_in(expr) {
                let late = late_columns(expr, challenge_phase[challenge]);
                if !late.is_empty() {
                    findings.push(Finding::LateColumnUnderChallenge {
                        place: place.clone(),
                        challenge,
                        columns: late.into_iter().collect(),
                    });
                }
            }
        }
        let degree = |exprs: &[Expression<F>]| exprs.iter().map(|e| e.degree()).max().unwrap_or(1);
        let required = 2 + degree(inputs).max(1) + degree(table).max(1);
        if required > MAX_DEGREE {
            findings.push(Finding::DegreeTooHigh { place: place.clone(), degree: required });
        }
        if !table_is_guarded(inputs, table) {
            findings.push(Finding::UnguardedTable { lookup: lookup.name().to_string() });
        }
    }

    let annotations = cs.general_column_annotations();
    for column in 0..cs.num_advice_columns() {
        if !read.contains(&column) {
            let key = halo2_proofs::dev::metadata::Column::from((
                halo2_proofs::plonk::Any::advice(),
                column,
            ));
            findings
                .push(Finding::UnreadColumn { column, annotation: annotations.get(&key).cloned() });
        }
    }
    findings.sort();
    findings.dedup();
    findings
}

/// The advice columns `expr` reads.
fn collect_advice<F: PrimeField>(expr: &Expression<F>, out: &mut BTreeSet<usize>) {
    visit(expr, &mut |e| {
        if let Expression::Advice(q) = e {
            out.insert(q.column_index());
        }
    });
}

/// The challenges `expr` contains.
fn challenges_in<F: PrimeField>(expr: &Expression<F>) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    visit(expr, &mut |e| {
        if let Expression::Challenge(c) = e {
            out.insert(c.index());
        }
    });
    out
}

/// The advice columns of `expr` committed in a phase after `phase` (a challenge's phase).
fn late_columns<F: PrimeField>(expr: &Expression<F>, phase: u8) -> BTreeMap<usize, u8> {
    let mut out = BTreeMap::new();
    visit(expr, &mut |e| {
        if let Expression::Advice(q) = e {
            if q.phase() > phase {
                out.insert(q.column_index(), q.phase());
            }
        }
    });
    out
}

fn visit<F: PrimeField>(expr: &Expression<F>, f: &mut impl FnMut(&Expression<F>)) {
    f(expr);
    match expr {
        Expression::Negated(a) | Expression::Scaled(a, _) => visit(a, f),
        Expression::Sum(a, b) | Expression::Product(a, b) => {
            visit(a, f);
            visit(b, f);
        }
        _ => {}
    }
}

/// Whether `expr` reads advice or instance columns.
fn reads_witness<F: PrimeField>(expr: &Expression<F>) -> bool {
    let mut found = false;
    visit(expr, &mut |e| {
        if matches!(e, Expression::Advice(_) | Expression::Instance(_)) {
            found = true;
        }
    });
    found
}

/// The fixed columns `expr` queries at the current row.
fn fixed_columns<F: PrimeField>(expr: &Expression<F>) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    visit(expr, &mut |e| {
        if let Expression::Fixed(q) = e {
            if q.rotation().0 == 0 {
                out.insert(q.column_index());
            }
        }
    });
    out
}

/// Whether `expr` is zero wherever fixed column `q` (current row) is zero: `q` itself, a
/// product with such a factor, or a sum, negation or scaling of such expressions.
fn vanishes_with<F: PrimeField>(expr: &Expression<F>, q: usize) -> bool {
    match expr {
        Expression::Constant(c) => bool::from(c.is_zero()),
        Expression::Fixed(query) => query.column_index() == q && query.rotation().0 == 0,
        Expression::Negated(a) | Expression::Scaled(a, _) => vanishes_with(a, q),
        Expression::Sum(a, b) => vanishes_with(a, q) && vanishes_with(b, q),
        Expression::Product(a, b) => vanishes_with(a, q) || vanishes_with(b, q),
        _ => false,
    }
}

/// The factors of a product tree, constants dropped, each rendered canonically; and the
/// product of the constants.
fn factors<F: PrimeField>(expr: &Expression<F>) -> (Vec<String>, F) {
    match expr {
        Expression::Product(a, b) => {
            let (mut fa, ca) = factors(a);
            let (fb, cb) = factors(b);
            fa.extend(fb);
            (fa, ca * cb)
        }
        Expression::Scaled(a, s) => {
            let (fa, ca) = factors(a);
            (fa, ca * s)
        }
        Expression::Negated(a) => {
            let (fa, ca) = factors(a);
            (fa, -ca)
        }
        Expression::Constant(c) => (Vec::new(), *c),
        other => (vec![format!("{other:?}")], F::ONE),
    }
}

/// Whether `expr` is a multiple of every factor in `guard` (as a multiset of rendered factors).
fn multiple_of<F: PrimeField>(expr: &Expression<F>, guard: &[String]) -> bool {
    if guard.is_empty() {
        return true;
    }
    match expr {
        Expression::Constant(c) => bool::from(c.is_zero()),
        Expression::Sum(a, b) => multiple_of(a, guard) && multiple_of(b, guard),
        Expression::Negated(a) | Expression::Scaled(a, _) => multiple_of(a, guard),
        _ => {
            let (mut have, _) = factors(expr);
            guard.iter().all(|g| match have.iter().position(|h| h == g) {
                Some(i) => {
                    have.swap_remove(i);
                    true
                }
                None => false,
            })
        }
    }
}

/// Rule (a) for one lookup.
fn table_is_guarded<F: PrimeField>(inputs: &[Expression<F>], table: &[Expression<F>]) -> bool {
    let witness: Vec<&Expression<F>> = table.iter().filter(|t| reads_witness(t)).collect();
    if witness.is_empty() {
        return true;
    }
    let candidates: BTreeSet<usize> = table.iter().flat_map(fixed_columns).collect();
    // Every witness entry vanishes with one fixed enable.
    if candidates.iter().any(|q| witness.iter().all(|t| vanishes_with(t, *q))) {
        return true;
    }
    // A fixed key: a table entry vanishing with `q` that every enabled input asks to be
    // nonzero (input `G · c`, every other input a multiple of `G`).
    candidates.iter().any(|q| {
        table.iter().zip(inputs).enumerate().any(|(i, (t, input))| {
            if !vanishes_with(t, *q) {
                return false;
            }
            let (guard, c) = factors(input);
            if bool::from(c.is_zero()) {
                return false;
            }
            inputs.iter().enumerate().all(|(j, other)| j == i || multiple_of(other, &guard))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2_proofs::halo2curves::bn256::Fr;
    use halo2_proofs::plonk::{FirstPhase, SecondPhase};
    use halo2_proofs::poly::Rotation;

    #[test]
    fn a_free_advice_table_is_flagged_and_a_multiplied_one_is_not() {
        let mut meta = ConstraintSystem::<Fr>::default();
        let (a, t, q) = (meta.advice_column(), meta.advice_column(), meta.fixed_column());
        meta.lookup_any("free", |m| {
            vec![(m.query_advice(a, Rotation::cur()), m.query_advice(t, Rotation::cur()))]
        });
        meta.lookup_any("guarded", |m| {
            let q = m.query_fixed(q, Rotation::cur());
            vec![(m.query_advice(a, Rotation::cur()), q * m.query_advice(t, Rotation::cur()))]
        });
        let findings = lint(&meta);
        assert!(findings.contains(&Finding::UnguardedTable { lookup: "free".into() }));
        assert!(!findings.contains(&Finding::UnguardedTable { lookup: "guarded".into() }));
    }

    #[test]
    fn a_keyed_table_passes_only_when_the_input_asks_for_the_key() {
        let mut meta = ConstraintSystem::<Fr>::default();
        let (a, t, q, s) =
            (meta.advice_column(), meta.advice_column(), meta.fixed_column(), meta.fixed_column());
        let table = |m: &mut halo2_proofs::plonk::VirtualCells<'_, Fr>| {
            vec![m.query_fixed(q, Rotation::cur()), m.query_advice(t, Rotation::cur())]
        };
        meta.lookup_any("keyed", |m| {
            let s = m.query_fixed(s, Rotation::cur());
            let inputs = vec![s.clone(), s * m.query_advice(a, Rotation::cur())];
            inputs.into_iter().zip(table(m)).collect()
        });
        meta.lookup_any("zero key", |m| {
            let inputs = vec![Expression::Constant(Fr::zero()), m.query_advice(a, Rotation::cur())];
            inputs.into_iter().zip(table(m)).collect()
        });
        let findings = lint(&meta);
        assert!(!findings.contains(&Finding::UnguardedTable { lookup: "keyed".into() }));
        assert!(findings.contains(&Finding::UnguardedTable { lookup: "zero key".into() }));
    }

    #[test]
    fn a_late_cell_under_a_challenge_is_flagged() {
        let mut meta = ConstraintSystem::<Fr>::default();
        let early = meta.advice_column_in(FirstPhase);
        let (cell, other) =
            (meta.advice_column_in(SecondPhase), meta.advice_column_in(SecondPhase));
        let theta = meta.challenge_usable_after(FirstPhase);
        meta.create_gate("defined", |m| {
            let c = m.query_challenge(theta);
            vec![m.query_advice(cell, Rotation::cur()) - c * m.query_advice(early, Rotation::cur())]
        });
        meta.create_gate("solvable", |m| {
            let c = m.query_challenge(theta);
            vec![m.query_advice(cell, Rotation::cur()) - c * m.query_advice(other, Rotation::cur())]
        });
        let findings = lint(&meta);
        let late: Vec<_> = findings
            .iter()
            .filter(|f| matches!(f, Finding::LateColumnUnderChallenge { .. }))
            .collect();
        assert_eq!(late.len(), 1, "{findings:?}");
        assert!(late[0].to_string().contains("solvable"));
    }

    #[test]
    fn an_unread_column_is_named() {
        let mut meta = ConstraintSystem::<Fr>::default();
        let (read, _unread) = (meta.advice_column(), meta.advice_column());
        meta.create_gate("g", |m| vec![m.query_advice(read, Rotation::cur())]);
        assert_eq!(lint(&meta), vec![Finding::UnreadColumn { column: 1, annotation: None }]);
    }
}
