//! `zkevm-soundness`: the tools that attack the circuits. [`mutation`] tells lies in traces
//! and forges witness cells, and counts how many the constraints reject (`zkevm mutate`);
//! [`testkit`] builds traces and lies for gadget tests. Lies are judged by the constraints
//! alone: a forger does not run the witness generator (`docs/soundness.md`).

pub mod mutation;
pub mod testkit;
