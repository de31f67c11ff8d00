//! Traced execution (tracing inspector plus replay check) against plain revm, on the same
//! inputs. One group per input; `plain` and `traced` side by side: the named workloads (64
//! transactions each), the demo batch, a long loop and, when `../shared/statetests` is
//! present, a few state tests.

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use zkevm_executor::{execute_plain, execute_traced, ExecutionInput};
use zkevm_workloads::{demo_workload, loop_workload, state_test_workloads, Workload};

fn compare(c: &mut Criterion, name: &str, inputs: &[ExecutionInput]) {
    let mut group = c.benchmark_group(format!("execute/{name}"));
    group.sample_size(10);
    group.bench_function(BenchmarkId::from_parameter("plain"), |b| {
        b.iter(|| {
            for input in inputs {
                execute_plain(input).expect("plain execution");
            }
        })
    });
    group.bench_function(BenchmarkId::from_parameter("traced"), |b| {
        b.iter(|| {
            for input in inputs {
                execute_traced(input).expect("traced execution");
            }
        })
    });
    group.finish();
}

fn execution(c: &mut Criterion) {
    for workload in Workload::ALL {
        let input = workload.input(64).expect("workload builds");
        compare(c, &format!("{workload}-64"), &[input]);
    }
    compare(c, "demo", &[demo_workload()]);
    compare(c, "loop-10k", &[loop_workload(10_000)]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/statetests");
    for (name, inputs) in state_test_workloads(&root) {
        compare(c, &name, &inputs);
    }
}

criterion_group!(benches, execution);
criterion_main!(benches);
