//! MockProver checks that evaluate each gate only as far as its selector.
//!
//! halo2-axiom's MockProver evaluates every gate polynomial on every usable row, and at each
//! product node it first measures both factors' sizes (`Expression::complexity`, a walk of the
//! whole subtree, repeated at every nested product). With gates of thousands of nodes most of
//! a run goes there, on rows where a fixed selector zeroes the gate anyway.
//!
//! [`verify`] first finds the rows where some gate polynomial is not zero with its own
//! evaluator: each polynomial is turned once into a tree whose products evaluate the smaller
//! factor first and stop when it is zero, reading the cells the MockProver holds with the
//! MockProver's own value rules (an unassigned cell is zero, a poisoned one poisons a sum or a
//! product unless the other factor is zero). It then asks the MockProver to check the gates on
//! those rows (and the blinding rows it always adds) and every lookup on every usable row. The
//! failures are the ones `verify_par` reports: on every other usable row every gate was found
//! to be zero, exactly as the MockProver would have found it.

use halo2_proofs::dev::{AdviceCellValue, CellValue, MockProver, VerifyFailure};
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::halo2curves::ff::{Field, FromUniformBytes};
use halo2_proofs::plonk::{Circuit, ConstraintSystem, Error, Expression};
use rayon::prelude::*;

/// Runs the MockProver at `k` on `circuit` and checks it as [`verify`] does. `Err` is a
/// synthesis error; `Ok` holds the failures (empty when every constraint holds).
pub fn run<C: Circuit<Fr>>(
    k: u32,
    circuit: &C,
    instances: Vec<Vec<Fr>>,
) -> Result<Vec<VerifyFailure>, Error> {
    let columns = instances.clone();
    let prover = MockProver::run(k, circuit, instances)?;
    Ok(verify(&prover, circuit, k, &columns).err().unwrap_or_default())
}

/// Checks `prover` (run at `k` on `circuit` with `instances`): the same verdict and failures
/// as `prover.verify_par()`.
pub fn verify<C: Circuit<Fr>>(
    prover: &MockProver<Fr>,
    circuit: &C,
    k: u32,
    instances: &[Vec<Fr>],
) -> Result<(), Vec<VerifyFailure>> {
    let mut cs = ConstraintSystem::<Fr>::default();
    let _ = C::configure_with_params(&mut cs, circuit.params());
    let usable = (1usize << k) - (cs.blinding_factors() + 1);
    match nonzero_gate_rows(prover, &cs, k, instances) {
        Some(rows) => {
            let all: Vec<usize> = (0..usable).collect();
            prover.verify_at_rows_par(rows.into_iter(), all.into_iter())
        }
        None => prover.verify_par(),
    }
}

/// The usable rows where some gate polynomial of `cs` is not zero (or is poisoned), in
/// order; `None` when a gate uses something this evaluator does not model (a selector).
pub(crate) fn nonzero_gate_rows(
    prover: &MockProver<Fr>,
    cs: &ConstraintSystem<Fr>,
    k: u32,
    instances: &[Vec<Fr>],
) -> Option<Vec<usize>> {
    let n = 1usize << k;
    let usable = n - (cs.blinding_factors() + 1);
    let polys: Vec<Node> = cs
        .gates()
        .iter()
        .flat_map(|gate| gate.polynomials())
        .map(Node::from_expression)
        .collect::<Option<_>>()?;
    let cells = Cells::new(prover, cs, n, instances);
    let rows = (0..usable)
        .into_par_iter()
        .filter(|&row| polys.iter().any(|poly| poly.eval(&cells, row) != Val::Real(Fr::ZERO)))
        .collect();
    Some(rows)
}

/// A cell value as the MockProver sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Val {
    Real(Fr),
    Poison,
}

/// The values of a MockProver's columns, by column index.
struct Cells {
    n: usize,
    fixed: Vec<Vec<Val>>,
    advice: Vec<Vec<Val>>,
    instance: Vec<Vec<Fr>>,
    challenges: Vec<Fr>,
}

impl Cells {
    fn new(
        prover: &MockProver<Fr>,
        cs: &ConstraintSystem<Fr>,
        n: usize,
        instances: &[Vec<Fr>],
    ) -> Self {
        let fixed = prover
            .fixed()
            .iter()
            .map(|column| {
                column
                    .iter()
                    .map(|cell| match cell {
                        CellValue::Unassigned => Val::Real(Fr::ZERO),
                        CellValue::Assigned(value) => Val::Real(*value),
                        CellValue::Poison(_) => Val::Poison,
                    })
                    .collect()
            })
            .collect();
        let mut advice = vec![Vec::new(); cs.num_advice_columns()];
        for (column, _) in cs.advice_queries() {
            if advice[column.index()].is_empty() {
                advice[column.index()] = prover
                    .advice_values(*column)
                    .iter()
                    .map(|cell| match cell {
                        AdviceCellValue::Assigned(value) => Val::Real(value.evaluate()),
                        AdviceCellValue::Poison(_) => Val::Poison,
                    })
                    .collect();
            }
        }
        let challenges = mock_challenges(cs.num_challenges());
        Self { n, fixed, advice, instance: instances.to_vec(), challenges }
    }

    fn at(&self, row: usize, rotation: i32) -> usize {
        (row as i64 + self.n as i64 + rotation as i64) as usize % self.n
    }
}

/// The challenges the MockProver draws: its documented deterministic hash chain from
/// `"Halo2-MockProver"` (blake2b, each 64-byte digest reduced into the field).
fn mock_challenges(count: usize) -> Vec<Fr> {
    let mut hash: [u8; 64] = *blake2b_simd::blake2b(b"Halo2-MockProver").as_array();
    (0..count)
        .map(|_| {
            hash = *blake2b_simd::blake2b(&hash).as_array();
            Fr::from_uniform_bytes(&hash)
        })
        .collect()
}

/// A gate polynomial, with each product's smaller factor first.
enum Node {
    Constant(Fr),
    Fixed { column: usize, rotation: i32 },
    Advice { column: usize, rotation: i32 },
    Instance { column: usize, rotation: i32 },
    Challenge(usize),
    Negated(Box<Node>),
    Sum(Box<Node>, Box<Node>),
    Product(Box<Node>, Box<Node>),
    Scaled(Box<Node>, Fr),
}

impl Node {
    /// The tree of `e` and its size; `None` for a selector (compressed into fixed columns by
    /// the MockProver, which this evaluator does not redo).
    fn from_expression(e: &Expression<Fr>) -> Option<Node> {
        Some(Self::sized(e)?.0)
    }

    fn sized(e: &Expression<Fr>) -> Option<(Node, usize)> {
        Some(match e {
            Expression::Constant(c) => (Node::Constant(*c), 1),
            Expression::Selector(_) => return None,
            Expression::Fixed(q) => {
                (Node::Fixed { column: q.column_index(), rotation: q.rotation().0 }, 1)
            }
            Expression::Advice(q) => {
                (Node::Advice { column: q.column_index(), rotation: q.rotation().0 }, 1)
            }
            Expression::Instance(q) => {
                (Node::Instance { column: q.column_index(), rotation: q.rotation().0 }, 1)
            }
            Expression::Challenge(c) => (Node::Challenge(c.index()), 1),
            Expression::Negated(a) => {
                let (a, size) = Self::sized(a)?;
                (Node::Negated(Box::new(a)), size + 1)
            }
            Expression::Sum(a, b) => {
                let ((a, sa), (b, sb)) = (Self::sized(a)?, Self::sized(b)?);
                (Node::Sum(Box::new(a), Box::new(b)), sa + sb + 1)
            }
            Expression::Product(a, b) => {
                let ((a, sa), (b, sb)) = (Self::sized(a)?, Self::sized(b)?);
                let node = match sa <= sb {
                    true => Node::Product(Box::new(a), Box::new(b)),
                    false => Node::Product(Box::new(b), Box::new(a)),
                };
                (node, sa + sb + 1)
            }
            Expression::Scaled(a, f) => {
                let (a, size) = Self::sized(a)?;
                (Node::Scaled(Box::new(a), *f), size + 1)
            }
        })
    }

    /// The value at `row`, by the MockProver's rules: a zero factor makes a product zero even
    /// when the other is poisoned; otherwise poison spreads.
    fn eval(&self, cells: &Cells, row: usize) -> Val {
        match self {
            Node::Constant(c) => Val::Real(*c),
            Node::Fixed { column, rotation } => cells.fixed[*column][cells.at(row, *rotation)],
            Node::Advice { column, rotation } => cells.advice[*column][cells.at(row, *rotation)],
            Node::Instance { column, rotation } => Val::Real(
                cells.instance[*column].get(cells.at(row, *rotation)).copied().unwrap_or(Fr::ZERO),
            ),
            Node::Challenge(index) => Val::Real(cells.challenges[*index]),
            Node::Negated(a) => match a.eval(cells, row) {
                Val::Real(a) => Val::Real(-a),
                Val::Poison => Val::Poison,
            },
            Node::Sum(a, b) => match (a.eval(cells, row), b.eval(cells, row)) {
                (Val::Real(a), Val::Real(b)) => Val::Real(a + b),
                _ => Val::Poison,
            },
            Node::Product(a, b) => {
                let a = a.eval(cells, row);
                if a == Val::Real(Fr::ZERO) {
                    return a;
                }
                match (a, b.eval(cells, row)) {
                    (Val::Real(a), Val::Real(b)) => Val::Real(a * b),
                    (_, Val::Real(b)) if b.is_zero_vartime() => Val::Real(Fr::ZERO),
                    _ => Val::Poison,
                }
            }
            Node::Scaled(a, f) => match a.eval(cells, row) {
                Val::Real(a) => Val::Real(a * f),
                Val::Poison if f.is_zero_vartime() => Val::Real(Fr::ZERO),
                Val::Poison => Val::Poison,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2_proofs::circuit::{Layouter, SimpleFloorPlanner, Value};
    use halo2_proofs::plonk::{Advice, Column, Fixed};
    use halo2_proofs::poly::Rotation;

    /// `q·(a − b)`, and two gates no selector guards: `a_next − a` (poisoned on the last usable
    /// row, which reads a blinding row) and `b − 7` (false on every row left empty).
    #[derive(Clone, Default)]
    struct Toy {
        lie: bool,
    }

    impl Circuit<Fr> for Toy {
        type Config = (Column<Fixed>, Column<Advice>, Column<Advice>);
        type FloorPlanner = SimpleFloorPlanner;
        type Params = ();

        fn without_witnesses(&self) -> Self {
            self.clone()
        }

        fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
            let (q, a, b) = (meta.fixed_column(), meta.advice_column(), meta.advice_column());
            meta.create_gate("guarded", |m| {
                let q = m.query_fixed(q, Rotation::cur());
                let (a, b) =
                    (m.query_advice(a, Rotation::cur()), m.query_advice(b, Rotation::cur()));
                vec![q * (a - b)]
            });
            meta.create_gate("unguarded", |m| {
                let next = m.query_advice(a, Rotation::next());
                let (a, b) =
                    (m.query_advice(a, Rotation::cur()), m.query_advice(b, Rotation::cur()));
                vec![next - a, b - Expression::Constant(Fr::from(7))]
            });
            (q, a, b)
        }

        fn synthesize(
            &self,
            (q, a, b): Self::Config,
            mut layouter: impl Layouter<Fr>,
        ) -> Result<(), Error> {
            layouter.assign_region(
                || "rows",
                |mut region| {
                    for row in 0..4 {
                        region.assign_fixed(q, row, Fr::ONE);
                        let value = Fr::from(7 + (self.lie && row == 2) as u64);
                        region.assign_advice(a, row, Value::known(value));
                        region.assign_advice(b, row, Value::known(Fr::from(7)));
                    }
                    Ok(())
                },
            )
        }
    }

    fn sorted(failures: Vec<VerifyFailure>) -> Vec<String> {
        let mut texts: Vec<String> = failures.iter().map(|f| format!("{f:?}")).collect();
        texts.sort();
        texts
    }

    #[test]
    fn the_failures_are_the_full_checks() {
        const K: u32 = 5;
        for lie in [false, true] {
            let circuit = Toy { lie };
            let prover = MockProver::run(K, &circuit, vec![]).expect("synthesis");
            let full = sorted(prover.verify_par().expect_err("the toy fails"));
            let fast = sorted(verify(&prover, &circuit, K, &[]).expect_err("the toy fails"));
            assert_eq!(fast, full, "lie: {lie}");
            let guarded = full.iter().filter(|f| f.contains("name: \"guarded\"")).count();
            assert_eq!(guarded, lie as usize, "lie: {lie}");
            assert!(
                full.iter().any(|f| f.contains("unusable row")),
                "the poisoned row is reported"
            );
        }
    }

    #[test]
    fn only_failing_rows_are_left_to_the_mock_prover() {
        const K: u32 = 5;
        let circuit = Toy { lie: true };
        let prover = MockProver::run(K, &circuit, vec![]).expect("synthesis");
        let mut cs = ConstraintSystem::<Fr>::default();
        let _ = Toy::configure(&mut cs);
        let usable = (1 << K) - (cs.blinding_factors() + 1);
        let rows = nonzero_gate_rows(&prover, &cs, K, &[]).expect("no selectors");
        // Row 1 (a_next − a = 8 − 7), row 2 (the lie, and 7 − 8), row 3 (0 − 7), every empty
        // row (b − 7) and the last, poisoned one.
        let expected: Vec<usize> = (1..usable).collect();
        assert_eq!(rows, expected);
        let honest = MockProver::run(K, &Toy { lie: false }, vec![]).expect("synthesis");
        let rows = nonzero_gate_rows(&honest, &cs, K, &[]).expect("no selectors");
        assert_eq!(rows, (3..usable).collect::<Vec<_>>());
    }
}
