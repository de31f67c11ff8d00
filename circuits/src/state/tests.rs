//! State circuit tests: the demo batch's RW log passes; lies about reads, writes, order,
//! initial and committed values, padding and the helper cells are rejected.

use alloy_primitives::U256;
use halo2_proofs::circuit::{Layouter, Value};
use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error};
use zkevm_executor::demo::demo_batch;
use zkevm_executor::{trace_batch, Trace};

use super::rw_row::RwTag;
use super::{StateConfig, StateWitness};
use crate::gadgets::test_support::{assert_rejected, run, GadgetTest};
use crate::table::{FixedTable, FixedTableTag};

/// A cell overwritten after honest assignment.
#[derive(Clone, Copy)]
struct Poke {
    column: fn(&StateConfig) -> Column<Advice>,
    row: usize,
    value: u64,
}

#[derive(Clone, Default)]
struct TestCircuit {
    witness: StateWitness,
    pokes: Vec<Poke>,
}

#[derive(Clone)]
struct Config {
    state: StateConfig,
    fixed: FixedTable,
}

impl GadgetTest for TestCircuit {
    type Config = Config;

    fn configure(meta: &mut ConstraintSystem<Fr>) -> Config {
        let fixed = FixedTable::configure(meta);
        Config { state: StateConfig::configure(meta, &fixed), fixed }
    }

    fn assign<L: Layouter<Fr>>(&self, config: &Config, mut layouter: L) -> Result<(), Error> {
        config
            .fixed
            .load(&mut layouter, &[FixedTableTag::Range8, FixedTableTag::RwTagProperties])?;
        layouter.assign_region(
            || "state",
            |mut region| {
                config.state.assign(&mut region, &self.witness)?;
                for poke in &self.pokes {
                    let column = (poke.column)(&config.state);
                    region.assign_advice(column, poke.row, Value::known(Fr::from(poke.value)));
                }
                Ok(())
            },
        )
    }
}

const K: u32 = 12;
const CAPACITY: usize = 2600;

fn demo_trace() -> Trace {
    let input = demo_batch().to_input("demo").expect("demo batch builds");
    trace_batch(&input, "demo").expect("demo traces").trace
}

fn honest() -> TestCircuit {
    let trace = demo_trace();
    TestCircuit { witness: StateWitness::new(&trace.rws, CAPACITY).expect("fits"), pokes: vec![] }
}

/// Index of the first row satisfying `pred` whose previous row is the same location.
fn find_repeat(circuit: &TestCircuit, pred: impl Fn(&super::RwRow) -> bool) -> usize {
    let rows = &circuit.witness.rows;
    let helpers = circuit.witness.helpers();
    (1..rows.len())
        .find(|&i| pred(&rows[i]) && helpers[i].first_diff == 5 && rows[i].tag != RwTag::Padding)
        .expect("such a row exists")
}

#[test]
fn the_demo_rw_log_passes() {
    let circuit = honest();
    let rows = &circuit.witness.rows;
    let storage_txs: std::collections::BTreeSet<u64> =
        rows.iter().filter(|r| r.tag == RwTag::Storage).map(|r| r.id).collect();
    assert!(storage_txs.len() > 1, "storage is touched by several transactions");
    assert_eq!(run(K, &circuit), Ok(()));
}

#[test]
fn a_read_of_a_value_never_written_is_rejected() {
    let mut circuit = honest();
    let i = find_repeat(&circuit, |r| !r.is_write && r.tag == RwTag::Stack);
    circuit.witness.rows[i].value += U256::from(1);
    circuit.witness.rows[i].value_prev += U256::from(1);
    assert_rejected(K, &circuit, "state: an access sees the previous value");
}

#[test]
fn a_write_with_a_wrong_previous_value_is_rejected() {
    let mut circuit = honest();
    let i = find_repeat(&circuit, |r| r.is_write && r.tag == RwTag::Storage);
    circuit.witness.rows[i].value_prev += U256::from(1);
    assert_rejected(K, &circuit, "state: an access sees the previous value");
}

#[test]
fn rows_out_of_order_are_rejected() {
    let mut circuit = honest();
    let i = find_repeat(&circuit, |r| r.tag == RwTag::Memory);
    circuit.witness.rows.swap(i - 1, i);
    assert_rejected(K, &circuit, "state order: the first difference grows");
}

#[test]
fn a_repeated_row_is_rejected() {
    let mut circuit = honest();
    let i = find_repeat(&circuit, |r| r.tag == RwTag::Account);
    let copy = circuit.witness.rows[i];
    circuit.witness.rows.insert(i, copy);
    circuit.witness.rows.remove(0);
    assert_rejected(K, &circuit, "state order: the first difference grows");
}

#[test]
fn a_transient_location_cannot_start_non_zero() {
    let mut circuit = honest();
    let helpers = circuit.witness.helpers();
    let rows = &mut circuit.witness.rows;
    let i = (1..rows.len())
        .find(|&i| {
            rows[i].tag == RwTag::CallContext && helpers[i].first_diff < 5 && rows[i].is_write
        })
        .expect("a call context write");
    rows[i].value_prev = U256::from(7);
    assert_rejected(K, &circuit, "state: initial value zero unless from the statement");
}

#[test]
fn a_wrong_committed_value_is_rejected() {
    let mut circuit = honest();
    let i = find_repeat(&circuit, |r| r.tag == RwTag::Storage);
    circuit.witness.rows[i].aux += U256::from(1);
    assert_rejected(K, &circuit, "state: committed value");
}

#[test]
fn padding_is_zero_and_counts_up() {
    let mut circuit = honest();
    circuit.witness.rows[3].value = U256::from(1);
    assert_rejected(K, &circuit, "state: padding rows are zero");
    let mut circuit = honest();
    circuit.witness.rows[3].rw_counter = 4;
    assert_rejected(K, &circuit, "state: padding rows count up");
}

#[test]
fn helper_cells_cannot_lie() {
    // A storage row passed off as a non-storage tag's properties.
    let mut circuit = honest();
    let i = find_repeat(&circuit, |r| r.tag == RwTag::Storage);
    circuit.pokes.push(Poke { column: |c| c.is_storage, row: i, value: 0 });
    assert_rejected(K, &circuit, "state: tag properties");
    // The first difference moved to an earlier component.
    let mut circuit = honest();
    let i = find_repeat(&circuit, |r| r.tag == RwTag::Stack);
    circuit.pokes.push(Poke { column: |c| c.first_diff[5], row: i, value: 0 });
    circuit.pokes.push(Poke { column: |c| c.first_diff[2], row: i, value: 1 });
    assert_rejected(K, &circuit, "state order: the first difference grows");
    // Two flags at once.
    let mut circuit = honest();
    circuit.pokes.push(Poke { column: |c| c.first_diff[0], row: i, value: 1 });
    assert_rejected(K, &circuit, "state order: one first_diff");
}

/// Found by the raw cell campaign (seed 23): row 0's order helpers were read by no gate.
#[test]
fn row_zero_helpers_are_pinned() {
    let pokes = [
        Poke { column: |c| c.first_diff[5], row: 0, value: 1 },
        Poke { column: |c| c.diff[0], row: 0, value: 7 },
        Poke { column: |c| c.same_id, row: 0, value: 0 },
        Poke { column: |c| c.id_change_inverse, row: 0, value: 3 },
    ];
    for poke in pokes {
        let mut circuit = honest();
        circuit.pokes.push(poke);
        assert_rejected(K, &circuit, "state: row 0 has no order helpers");
    }
}

#[test]
fn too_many_rws_is_a_capacity_error() {
    let trace = demo_trace();
    assert!(StateWitness::new(&trace.rws, trace.rws.len()).is_err(), "one padding row needed");
}
