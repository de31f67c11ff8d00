//! Shared gadgets. Each states its constraints through the
//! [`ConstraintBuilder`](crate::constraint_builder::ConstraintBuilder) and assigns its own
//! witness cells; each has positive tests and tests that tamper with its witness.

pub mod bytes;
pub mod is_zero;
pub mod lt;
pub mod rlc;

#[cfg(test)]
pub(crate) mod test_support;
