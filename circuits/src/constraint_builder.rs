//! A small typed constraint builder: named constraints and lookups under nested conditions,
//! registered as one gate and a set of lookups.
//!
//! Gadgets describe what must hold; the builder multiplies every constraint by the active
//! conditions and by the gate's enable expression, and every lookup input by the same factor
//! (so a disabled row looks up the all-zero tuple, which every table of this crate contains).
//! Expressions are built from `Column::cur()` / `next()` and resolved by halo2 when the gate is
//! registered.

use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{ConstraintSystem, Expression};

/// A lookup's `(input, table)` expression pairs.
type LookupPairs<F> = Vec<(Expression<F>, Expression<F>)>;

/// Named constraints and lookups under construction.
#[derive(Debug)]
pub struct ConstraintBuilder<F: PrimeField> {
    constraints: Vec<(&'static str, Expression<F>)>,
    lookups: Vec<(&'static str, LookupPairs<F>)>,
    conditions: Vec<Expression<F>>,
}

impl<F: PrimeField> Default for ConstraintBuilder<F> {
    fn default() -> Self {
        Self { constraints: Vec::new(), lookups: Vec::new(), conditions: Vec::new() }
    }
}

/// The constant `value` as an expression.
pub fn constant<F: PrimeField>(value: u64) -> Expression<F> {
    Expression::Constant(F::from(value))
}

/// `cond ? yes : no` for a `cond` that is 0 or 1.
pub fn select<F: PrimeField>(
    cond: Expression<F>,
    yes: Expression<F>,
    no: Expression<F>,
) -> Expression<F> {
    cond.clone() * yes + (constant(1) - cond) * no
}

impl<F: PrimeField> ConstraintBuilder<F> {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// The product of the active conditions, if any.
    pub fn condition(&self) -> Option<Expression<F>> {
        self.conditions.iter().cloned().reduce(|a, b| a * b)
    }

    /// `expr` multiplied by the active conditions.
    pub fn guarded(&self, expr: Expression<F>) -> Expression<F> {
        match self.condition() {
            Some(cond) => cond * expr,
            None => expr,
        }
    }

    /// `expr == 0` whenever the active conditions hold.
    pub fn require_zero(&mut self, name: &'static str, expr: Expression<F>) {
        let expr = self.guarded(expr);
        self.constraints.push((name, expr));
    }

    /// `lhs == rhs`.
    pub fn require_equal(&mut self, name: &'static str, lhs: Expression<F>, rhs: Expression<F>) {
        self.require_zero(name, lhs - rhs);
    }

    /// `expr ∈ {0, 1}`.
    pub fn require_boolean(&mut self, name: &'static str, expr: Expression<F>) {
        self.require_zero(name, expr.clone() * (constant(1) - expr));
    }

    /// Runs `f` with `cond` (an expression that is 0 or 1) added to the active conditions.
    pub fn when<R>(&mut self, cond: Expression<F>, f: impl FnOnce(&mut Self) -> R) -> R {
        self.push_condition(cond);
        let result = f(self);
        self.pop_condition();
        result
    }

    /// Adds `cond` to the active conditions (for builders that wrap this one).
    pub fn push_condition(&mut self, cond: Expression<F>) {
        self.conditions.push(cond);
    }

    /// Drops the innermost active condition.
    pub fn pop_condition(&mut self) {
        self.conditions.pop();
    }

    /// The named constraints stated so far (without any enable factor).
    pub fn into_constraints(self) -> Vec<(&'static str, Expression<F>)> {
        self.constraints
    }

    /// The tuple `inputs` must be a row of `table` whenever the active conditions hold.
    pub fn lookup(
        &mut self,
        name: &'static str,
        inputs: Vec<Expression<F>>,
        table: Vec<Expression<F>>,
    ) {
        assert_eq!(inputs.len(), table.len(), "lookup {name}: input and table widths differ");
        let pairs = inputs.into_iter().map(|i| self.guarded(i)).zip(table).collect();
        self.lookups.push((name, pairs));
    }

    /// Registers the constraints as one gate named `gate` and each lookup on its own, all
    /// multiplied by `enable`.
    pub fn build(self, meta: &mut ConstraintSystem<F>, gate: &'static str, enable: Expression<F>) {
        if !self.constraints.is_empty() {
            let constraints: Vec<(&'static str, Expression<F>)> =
                self.constraints.into_iter().map(|(name, e)| (name, enable.clone() * e)).collect();
            meta.create_gate(gate, move |_| constraints);
        }
        for (name, pairs) in self.lookups {
            let pairs: Vec<_> = pairs.into_iter().map(|(i, t)| (enable.clone() * i, t)).collect();
            meta.lookup_any(name, move |_| pairs);
        }
    }
}
