//! Overwriting one advice cell after an honest assignment.
//!
//! The MockProver keeps its cells private, so the lie is told from inside synthesis: the
//! [`LyingCircuit`] wraps the [`SuperCircuit`] with a floor planner ([`LyingPlanner`]) that
//! lays the circuit out exactly as the inner planner does and then assigns the chosen cell
//! once more, with the lie. The same planner can instead record every advice cell the circuit
//! assigns, with the name of its region, so that lies are told only about cells the circuit
//! owns (not the zeros of rows it never touched).
//!
//! The planner is a type, not a value, so what it should do travels through a thread-local
//! slot set around one `MockProver::run` on the calling thread ([`with_plan`]).

use std::any::Any;
use std::cell::RefCell;
use std::collections::BTreeMap;

use halo2_proofs::circuit::layouter::SyncDeps;
use halo2_proofs::circuit::{Layouter, SimpleFloorPlanner, Value};
use halo2_proofs::halo2curves::ff::Field;
use halo2_proofs::plonk::{
    Advice, Any as AnyColumn, Assigned, Assignment, Challenge, Circuit, Column, ConstraintSystem,
    Error, Fixed, FloorPlanner, Instance, Selector,
};

use zkevm_circuits::super_circuit::SuperCircuit;

/// An advice cell: its column (kept whole, phase included) and absolute row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CellAt {
    /// The column.
    pub column: Column<Advice>,
    /// The absolute row.
    pub row: usize,
}

/// A lie whose value depends on the challenges (a coordinated lie: a cell solved against
/// `θ` once `θ` is known). It gets each challenge's value (unknown before its phase) and
/// returns the cell's value, or unknown to tell nothing in this phase.
pub type ChallengeLie<F> = Box<dyn Fn(&dyn Fn(Challenge) -> Value<F>) -> Value<F> + Send>;

/// One cell's lie among several ([`Plan::Lies`]).
pub struct Lie {
    /// The cell (any row: inside a region, or one the circuit never assigns).
    pub at: CellAt,
    /// A field element of the circuit's field, or a [`ChallengeLie`] of that field, boxed so
    /// that the slot does not depend on the field type.
    pub value: Box<dyn Any + Send>,
    /// The value once chosen, in the pass of the cell's phase (boxed like `value`).
    chosen: Option<Box<dyn Any + Send>>,
}

impl Lie {
    /// A lie of `value` (a field element or a [`ChallengeLie`]) about `at`.
    pub fn new(at: CellAt, value: Box<dyn Any + Send>) -> Self {
        Self { at, value, chosen: None }
    }
}

/// What the planner does around the inner layout.
pub enum Plan {
    /// Record every advice cell assigned, by region name.
    Record(BTreeMap<CellAt, String>),
    /// Overwrite `at` with `value` (a field element of the circuit's field) after the layout.
    Lie {
        /// The cell.
        at: CellAt,
        /// The lie, boxed so that the slot does not depend on the field type.
        value: Box<dyn Any + Send>,
    },
    /// Overwrite several cells after the layout: the coordinated lies of a forgery. The
    /// MockProver synthesises once per phase; a lie is chosen in the pass of its column's
    /// phase, with the challenges a real prover would know then (none drawn later), and told
    /// again after every later pass.
    Lies {
        /// The lies.
        lies: Vec<Lie>,
        /// Synthesis passes so far (the current phase).
        pass: u8,
    },
}

thread_local! {
    static PLAN: RefCell<Option<Plan>> = const { RefCell::new(None) };
}

/// Runs `f` with `plan` in force for [`LyingPlanner`] on this thread; returns `f`'s result
/// and the plan afterwards (with what it recorded).
pub fn with_plan<T>(plan: Plan, f: impl FnOnce() -> T) -> (T, Plan) {
    PLAN.with(|slot| *slot.borrow_mut() = Some(plan));
    let out = f();
    let plan = PLAN.with(|slot| slot.borrow_mut().take()).expect("the plan stays in its slot");
    (out, plan)
}

/// The [`SuperCircuit`] under the [`LyingPlanner`].
#[derive(Clone, Debug)]
pub struct LyingCircuit(pub SuperCircuit);

impl<F: Field + halo2_proofs::halo2curves::ff::PrimeField> Circuit<F> for LyingCircuit {
    type Config = <SuperCircuit as Circuit<F>>::Config;
    type FloorPlanner = LyingPlanner;
    type Params = ();

    fn without_witnesses(&self) -> Self {
        self.clone()
    }

    fn configure(meta: &mut ConstraintSystem<F>) -> Self::Config {
        <SuperCircuit as Circuit<F>>::configure(meta)
    }

    fn synthesize(&self, config: Self::Config, layouter: impl Layouter<F>) -> Result<(), Error> {
        self.0.synthesize(config, layouter)
    }
}

/// Lays out like [`SimpleFloorPlanner`], then records or lies as the thread's [`Plan`] says.
#[derive(Debug)]
pub struct LyingPlanner;

impl FloorPlanner for LyingPlanner {
    fn synthesize<F: Field, CS: Assignment<F> + SyncDeps, C: Circuit<F>>(
        cs: &mut CS,
        circuit: &C,
        config: C::Config,
        constants: Vec<Column<Fixed>>,
    ) -> Result<(), Error> {
        let recording = PLAN.with(|slot| matches!(*slot.borrow(), Some(Plan::Record(_))));
        if recording {
            let mut recorder =
                Recorder { inner: cs, region: String::new(), cells: BTreeMap::new() };
            SimpleFloorPlanner::synthesize(&mut recorder, circuit, config, constants)?;
            let cells = recorder.cells;
            PLAN.with(|slot| {
                if let Some(Plan::Record(all)) = slot.borrow_mut().as_mut() {
                    all.extend(cells);
                }
            });
            return Ok(());
        }
        SimpleFloorPlanner::synthesize(cs, circuit, config, constants)?;
        // Synthesis runs once per phase; the lie is told after each, so it stands at the end.
        let lie = PLAN.with(|slot| match slot.borrow().as_ref() {
            Some(Plan::Lie { at, value }) => value.downcast_ref::<F>().map(|v| (*at, *v)),
            _ => None,
        });
        if let Some((at, value)) = lie {
            cs.enter_region(|| "lie");
            cs.assign_advice(at.column, at.row, Value::known(Assigned::Trivial(value)));
            cs.exit_region();
        }
        let lies: Vec<(CellAt, F)> = PLAN.with(|slot| match slot.borrow_mut().as_mut() {
            Some(Plan::Lies { lies, pass }) => {
                let told = lies
                    .iter_mut()
                    .filter_map(|lie| {
                        if lie.chosen.is_none() && lie.at.column.column_type().phase() == *pass {
                            lie.chosen = choose::<F, CS>(&*lie.value, cs);
                        }
                        let value = lie.chosen.as_ref()?.downcast_ref::<F>()?;
                        Some((lie.at, *value))
                    })
                    .collect();
                *pass += 1;
                told
            }
            _ => Vec::new(),
        });
        if !lies.is_empty() {
            cs.enter_region(|| "lies");
            for (at, value) in lies {
                cs.assign_advice(at.column, at.row, Value::known(Assigned::Trivial(value)));
            }
            cs.exit_region();
        }
        Ok(())
    }
}

/// The value of a lie with the challenges `cs` knows now; `None` when one it needs is unknown.
fn choose<F: Field, CS: Assignment<F>>(
    value: &(dyn Any + Send),
    cs: &CS,
) -> Option<Box<dyn Any + Send>> {
    let value = if let Some(v) = value.downcast_ref::<F>() {
        Value::known(*v)
    } else {
        value.downcast_ref::<ChallengeLie<F>>()?(&|c| cs.get_challenge(c))
    };
    let mut known = None;
    value.map(|v| known = Some(v));
    known.map(|v| Box::new(v) as Box<dyn Any + Send>)
}

/// An [`Assignment`] that passes everything on and notes each advice cell assigned.
struct Recorder<'a, CS> {
    inner: &'a mut CS,
    region: String,
    cells: BTreeMap<CellAt, String>,
}

impl<F: Field, CS: Assignment<F>> Assignment<F> for Recorder<'_, CS> {
    fn enter_region<NR, N>(&mut self, name_fn: N)
    where
        NR: Into<String>,
        N: FnOnce() -> NR,
    {
        self.region = name_fn().into();
        let name = self.region.clone();
        self.inner.enter_region(|| name);
    }

    fn annotate_column<A, AR>(&mut self, annotation: A, column: Column<AnyColumn>)
    where
        A: FnOnce() -> AR,
        AR: Into<String>,
    {
        self.inner.annotate_column(annotation, column)
    }

    fn exit_region(&mut self) {
        self.inner.exit_region()
    }

    fn enable_selector<A, AR>(
        &mut self,
        annotation: A,
        selector: &Selector,
        row: usize,
    ) -> Result<(), Error>
    where
        A: FnOnce() -> AR,
        AR: Into<String>,
    {
        self.inner.enable_selector(annotation, selector, row)
    }

    fn query_instance(&self, column: Column<Instance>, row: usize) -> Result<Value<F>, Error> {
        self.inner.query_instance(column, row)
    }

    fn assign_advice<'v>(
        &mut self,
        column: Column<Advice>,
        row: usize,
        to: Value<Assigned<F>>,
    ) -> Value<&'v Assigned<F>> {
        self.cells.insert(CellAt { column, row }, self.region.clone());
        self.inner.assign_advice(column, row, to)
    }

    fn assign_fixed(&mut self, column: Column<Fixed>, row: usize, to: Assigned<F>) {
        self.inner.assign_fixed(column, row, to)
    }

    fn copy(
        &mut self,
        left_column: Column<AnyColumn>,
        left_row: usize,
        right_column: Column<AnyColumn>,
        right_row: usize,
    ) {
        self.inner.copy(left_column, left_row, right_column, right_row)
    }

    fn fill_from_row(
        &mut self,
        column: Column<Fixed>,
        row: usize,
        to: Value<Assigned<F>>,
    ) -> Result<(), Error> {
        self.inner.fill_from_row(column, row, to)
    }

    fn get_challenge(&self, challenge: Challenge) -> Value<F> {
        self.inner.get_challenge(challenge)
    }

    fn push_namespace<NR, N>(&mut self, name_fn: N)
    where
        NR: Into<String>,
        N: FnOnce() -> NR,
    {
        self.inner.push_namespace(name_fn)
    }

    fn pop_namespace(&mut self, gadget_name: Option<String>) {
        self.inner.pop_namespace(gadget_name)
    }

    fn next_phase(&mut self) {
        self.inner.next_phase()
    }
}
