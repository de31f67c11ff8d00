//! Each execution state's height, measured by configuring its gadget, and the rows a list of
//! steps takes (`docs/spec.md#evm-layout`; the layout's rules are in [`super::layout`]).

use std::sync::OnceLock;

use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::ConstraintSystem;

use super::execution_state::ExecutionState;
use super::layout::{MAX_STEP_HEIGHT, SLOT_HEIGHT};

/// Each execution state's height, by selector index (measured once by configuring every gadget
/// over a throwaway constraint system; heights do not depend on the field).
pub fn heights() -> &'static [usize] {
    static HEIGHTS: OnceLock<Vec<usize>> = OnceLock::new();
    HEIGHTS.get_or_init(|| {
        let mut meta = ConstraintSystem::<Fr>::default();
        super::config::measure_heights_in(&mut meta)
    })
}

/// The rows a step of `state` takes.
pub fn height(state: ExecutionState) -> usize {
    heights()[state.index()]
}

/// The first row of each step of `states` laid out from row 0, and the row after the last.
pub fn step_offsets(states: impl IntoIterator<Item = ExecutionState>) -> (Vec<usize>, usize) {
    let mut offsets = Vec::new();
    let mut row = 0;
    for state in states {
        offsets.push(row);
        row += height(state);
    }
    (offsets, row)
}

/// The EVM circuit's shape as Markdown: the grid, then the cells and lookups each execution
/// state's gadget uses of it and its height (for the docs and the throughput report).
pub fn shape_markdown<F: PrimeField + Ord + halo2_proofs::halo2curves::ff::FromUniformBytes<64>>(
) -> String {
    use super::config::{BYTE_COLUMNS, GENERAL_COLUMNS};
    use std::fmt::Write as _;
    let mut meta = ConstraintSystem::<F>::default();
    let config = crate::super_circuit::SuperCircuit::configure_evm_for_report(&mut meta);
    let mut out = format!(
        "Grid: up to {MAX_STEP_HEIGHT} rows per step × ({GENERAL_COLUMNS} general + \
         {BYTE_COLUMNS} byte columns); `rows` is the rows a state's cells and lookups reach, \
         `height` its rows in whole slots of {SLOT_HEIGHT}.\n\n\
         | state | general | bytes | lookups | rows | height |\n|---|---|---|---|---|---|\n"
    );
    for (state, usage) in &config.usage {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            super::config::state_name(*state).trim_start_matches("evm "),
            usage.general,
            usage.bytes,
            usage.lookups,
            usage.rows,
            config.height(*state)
        );
    }
    out
}
