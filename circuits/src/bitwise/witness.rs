//! The bitwise operations a trace performs: one per AND, OR or XOR step, with its operands.

use alloy_primitives::U256;
use zkevm_trace::trace::{StepKind, Trace};

use super::BitwiseOp;

/// `(op, a, b)` for every completed AND, OR and XOR of `trace`, in execution order.
pub fn bitwise_ops(trace: &Trace) -> Vec<(BitwiseOp, U256, U256)> {
    trace
        .txs
        .iter()
        .flat_map(|tx| tx.steps.iter())
        .filter_map(|step| {
            let StepKind::Op(opcode) = step.kind else { return None };
            let op = BitwiseOp::of_opcode(opcode)?;
            let first = (step.rw_counter as usize).checked_sub(1)?;
            let a = trace.rws.get(first)?.value;
            let b = trace.rws.get(first + 1)?.value;
            Some((op, a, b))
        })
        .collect()
}
