//! `zkevm-benches`: the criterion benches (`benches/execution.rs`, `benches/proving.rs`). The
//! workloads they run and the throughput report behind `zkevm bench` are in `zkevm-workloads`.
