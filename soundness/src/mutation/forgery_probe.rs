//! What the forgery campaign reads of a subject's honest layout ([`Probe`]): its advice
//! values, column names and lookups, which columns a lookup's table side reads, and the table
//! entries an expression gives at a row with some cells changed ([`Snapshot`] holds the values
//! one expression reads).

use std::collections::BTreeMap;

use halo2_proofs::circuit::Value;
use halo2_proofs::dev::{metadata, AdviceCellValue, CellValue, MockProver};
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::halo2curves::ff::Field;
use halo2_proofs::plonk::{Advice, Any, Challenge, Column, Expression};

use super::forgery::ForgeryBench;

/// One lookup of the circuit.
pub(super) struct LookupSides {
    pub(super) name: String,
    inputs: Vec<Expression<Fr>>,
    pub(super) table: Vec<Expression<Fr>>,
    /// The input cells, when every input is a plain advice cell at the current row.
    pub(super) cells: Option<Vec<Column<Advice>>>,
}

/// The honest layout's values, and what the lookups read.
pub(super) struct Probe<'a> {
    prover: &'a MockProver<Fr>,
    pub(super) advice: BTreeMap<usize, Column<Advice>>,
    names: BTreeMap<usize, String>,
    pub(super) table_columns: Vec<Column<Advice>>,
    pub(super) lookups: Vec<LookupSides>,
    challenges: BTreeMap<usize, Fr>,
    n: usize,
    pub(super) usable: usize,
}

/// The values an expression reads at one row, taken from the honest layout.
pub(super) struct Snapshot {
    fixed: BTreeMap<(usize, i32), Fr>,
    advice: BTreeMap<(usize, i32), Fr>,
}

impl Snapshot {
    /// The expression's value with `challenge`'s values; `None` when one is unknown.
    pub(super) fn evaluate(
        &self,
        expr: &Expression<Fr>,
        challenge: &dyn Fn(Challenge) -> Option<Fr>,
    ) -> Value<Fr> {
        let value = expr.evaluate(
            &|c| Some(c),
            &|_| None,
            &|q| self.fixed.get(&(q.column_index(), q.rotation().0)).copied(),
            &|q| self.advice.get(&(q.column_index(), q.rotation().0)).copied(),
            &|_| None,
            &|c| challenge(c),
            &|a| a.map(|a| -a),
            &|a, b| Some(a? + b?),
            &|a, b| Some(a? * b?),
            &|a, s| a.map(|a| a * s),
        );
        value.map_or(Value::unknown(), Value::known)
    }
}

impl<'a> Probe<'a> {
    pub(super) fn new(bench: &'a ForgeryBench) -> Self {
        let meta = bench.constraint_system();
        let mut advice: BTreeMap<usize, Column<Advice>> = BTreeMap::new();
        for (column, _) in meta.advice_queries() {
            advice.entry(column.index()).or_insert(*column);
        }
        let annotations = meta.general_column_annotations();
        let names = advice
            .keys()
            .filter_map(|index| {
                let key = metadata::Column::from((Any::advice(), *index));
                Some((*index, annotations.get(&key)?.clone()))
            })
            .collect();
        let mut table_columns = Vec::new();
        let mut lookups = Vec::new();
        let mut challenges = Vec::new();
        for lookup in meta.lookups() {
            for expr in lookup.input_expressions().iter().chain(lookup.table_expressions()) {
                challenges_in(expr, &mut challenges);
            }
            for expr in lookup.table_expressions() {
                for index in advice_in(expr) {
                    let Some(&column) = advice.get(&index) else { continue };
                    if !table_columns.contains(&column) {
                        table_columns.push(column);
                    }
                }
            }
            let cells: Option<Vec<Column<Advice>>> = lookup
                .input_expressions()
                .iter()
                .map(|e| match e {
                    Expression::Advice(q) if q.rotation().0 == 0 => {
                        advice.get(&q.column_index()).copied()
                    }
                    _ => None,
                })
                .collect();
            lookups.push(LookupSides {
                name: lookup.name().to_string(),
                inputs: lookup.input_expressions().clone(),
                table: lookup.table_expressions().clone(),
                cells,
            });
        }
        Self {
            prover: bench.honest_prover(),
            advice,
            names,
            table_columns,
            lookups,
            challenges: bench.challenge_values(&challenges),
            n: 1 << bench.k(),
            usable: bench.usable_rows(),
        }
    }

    pub(super) fn name(&self, column: Column<Advice>) -> String {
        match self.names.get(&column.index()) {
            Some(name) => format!("{name} (advice {})", column.index()),
            None => format!("advice {}", column.index()),
        }
    }

    fn at(&self, row: usize, rotation: i32) -> usize {
        (row as i64 + rotation as i64).rem_euclid(self.n as i64) as usize
    }

    pub(super) fn advice_at(&self, column: Column<Advice>, row: usize) -> Fr {
        match self.prover.advice_values(column).get(row) {
            Some(AdviceCellValue::Assigned(v)) => v.evaluate(),
            _ => Fr::ZERO,
        }
    }

    fn fixed_at(&self, index: usize, row: usize) -> Fr {
        match self.prover.fixed().get(index).and_then(|c| c.get(row)) {
            Some(CellValue::Assigned(v)) => *v,
            _ => Fr::ZERO,
        }
    }

    pub(super) fn snapshot(&self, expr: &Expression<Fr>, row: usize) -> Snapshot {
        let mut snapshot = Snapshot { fixed: BTreeMap::new(), advice: BTreeMap::new() };
        collect_queries(expr, &mut |query| match query {
            Query::Fixed(index, rot) => {
                snapshot.fixed.insert((index, rot), self.fixed_at(index, self.at(row, rot)));
            }
            Query::Advice(index, rot) => {
                let value = match self.advice.get(&index) {
                    Some(column) => self.advice_at(*column, self.at(row, rot)),
                    None => Fr::ZERO,
                };
                snapshot.advice.insert((index, rot), value);
            }
        });
        snapshot
    }

    /// `expr` at `row` with the real challenges and `changed` cells overriding the honest
    /// ones.
    fn value(
        &self,
        expr: &Expression<Fr>,
        row: usize,
        changed: &[(Column<Advice>, usize, Fr)],
    ) -> Fr {
        let mut snapshot = self.snapshot(expr, row);
        for (column, at, value) in changed {
            for ((index, rot), v) in snapshot.advice.iter_mut() {
                if *index == column.index() && self.at(row, *rot) == *at {
                    *v = *value;
                }
            }
        }
        let value = snapshot.evaluate(expr, &|c| self.challenges.get(&c.index()).copied());
        let mut out = Fr::ZERO;
        let _ = value.map(|v| out = v);
        out
    }

    pub(super) fn tuple(
        &self,
        exprs: &[Expression<Fr>],
        row: usize,
        changed: &[(Column<Advice>, usize, Fr)],
    ) -> Vec<Fr> {
        exprs.iter().map(|e| self.value(e, row, changed)).collect()
    }

    /// Whether the entry of `lookup`'s table at `row` is out of every active input's reach: a
    /// fixed component is zero there while the lookup's inputs are nonzero at that position
    /// on every row where they are not all zero.
    fn unreachable(&self, lookup: &LookupSides, row: usize) -> bool {
        let keys: Vec<usize> = (0..lookup.table.len())
            .filter(|i| !has_advice(&lookup.table[*i]))
            .filter(|i| self.value(&lookup.table[*i], row, &[]) == Fr::ZERO)
            .collect();
        if keys.is_empty() {
            return false;
        }
        let mut always_set = vec![true; keys.len()];
        for r in 0..self.usable {
            let input = self.tuple(&lookup.inputs, r, &[]);
            if input.iter().all(|v| *v == Fr::ZERO) {
                continue;
            }
            for (set, key) in always_set.iter_mut().zip(&keys) {
                *set &= input[*key] != Fr::ZERO;
            }
        }
        always_set.into_iter().any(|set| set)
    }

    /// The first lookup whose table holds a new entry an input could match near the changed
    /// cells, if any.
    pub(super) fn new_entry(
        &self,
        changed: &[(Column<Advice>, usize, Option<Fr>)],
    ) -> Option<String> {
        let known: Vec<(Column<Advice>, usize, Fr)> =
            changed.iter().filter_map(|(c, r, v)| Some((*c, *r, (*v)?))).collect();
        for lookup in &self.lookups {
            for (_, row, _) in &known {
                for near in row.saturating_sub(8)..(*row + 9).min(self.n) {
                    let after = self.tuple(&lookup.table, near, &known);
                    if after != self.tuple(&lookup.table, near, &[])
                        && !self.unreachable(lookup, near)
                    {
                        return Some(format!("{} at row {near}", lookup.name));
                    }
                }
            }
        }
        None
    }
}

fn has_advice(expr: &Expression<Fr>) -> bool {
    !advice_in(expr).is_empty()
}

fn challenges_in(expr: &Expression<Fr>, out: &mut Vec<Challenge>) {
    match expr {
        Expression::Challenge(c) if !out.contains(c) => out.push(*c),
        Expression::Negated(a) | Expression::Scaled(a, _) => challenges_in(a, out),
        Expression::Sum(a, b) | Expression::Product(a, b) => {
            challenges_in(a, out);
            challenges_in(b, out);
        }
        _ => {}
    }
}

enum Query {
    Fixed(usize, i32),
    Advice(usize, i32),
}

fn collect_queries(expr: &Expression<Fr>, out: &mut impl FnMut(Query)) {
    match expr {
        Expression::Fixed(q) => out(Query::Fixed(q.column_index(), q.rotation().0)),
        Expression::Advice(q) => out(Query::Advice(q.column_index(), q.rotation().0)),
        Expression::Negated(a) | Expression::Scaled(a, _) => collect_queries(a, out),
        Expression::Sum(a, b) | Expression::Product(a, b) => {
            collect_queries(a, out);
            collect_queries(b, out);
        }
        _ => {}
    }
}

fn advice_in(expr: &Expression<Fr>) -> Vec<usize> {
    let mut out = Vec::new();
    collect_queries(expr, &mut |q| {
        if let Query::Advice(index, _) = q {
            out.push(index);
        }
    });
    out
}
