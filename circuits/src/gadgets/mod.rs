//! Shared gadgets. Each states its constraints through the
//! [`ConstraintBuilder`](crate::constraint_builder::ConstraintBuilder) and assigns its own
//! witness cells; each has positive tests and tests that tamper with its witness.

pub mod is_zero;

#[cfg(test)]
pub(crate) mod test_support;
