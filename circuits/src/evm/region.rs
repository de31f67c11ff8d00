//! Assigning the EVM region: the fixed columns that mark it, each step at its offset (steps
//! laid out back to back at their states' heights, [`super::layout`]), and the second-phase
//! lookup cells.

use halo2_proofs::circuit::{Region, Value};
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::Error;

use super::assign::{evaluate, AssignedStep, StepAssigner};
use super::config::EvmConfig;
use super::execution_state::ExecutionState;
use super::gadget::AssignError;
use super::layout::SLOT_HEIGHT;
use super::step::StepValues;
use super::witness::StepWitness;
use crate::challenges::ChallengeValues;
use crate::copy::rlc_value;

impl<F: PrimeField> EvmConfig<F> {
    /// Marks the slots of rows `0..rows` (whole slots) as the region, its first and last slot,
    /// and writes the RW table's capacity on each.
    pub fn assign_fixed(&self, region: &mut Region<'_, F>, rows: usize, rw_capacity: usize) {
        let slots = rows / SLOT_HEIGHT;
        for slot in 0..slots {
            let row = slot * SLOT_HEIGHT;
            region.assign_fixed(self.q_slot, row, F::ONE);
            region.assign_fixed(self.q_first, row, F::from((slot == 0) as u64));
            region.assign_fixed(self.q_last, row, F::from((slot + 1 == slots) as u64));
            region.assign_fixed(self.rw_capacity, row, F::from(rw_capacity as u64));
        }
    }

    /// Marks the slots of `steps` as the region, with no first or last step (gadget tests).
    pub fn assign_fixed_window(&self, region: &mut Region<'_, F>, steps: &[StepWitness<'_>]) {
        for row in (0..self.offsets(steps).1).step_by(SLOT_HEIGHT) {
            region.assign_fixed(self.q_slot, row, F::ONE);
        }
    }

    /// Writes the selector of `state` for a step at `offset` whose own gadget is not assigned
    /// (the step after a test window, which the window's last step reads).
    pub fn assign_selector(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        state: ExecutionState,
    ) {
        for (cell, value) in self.selectors.values::<F>(state) {
            cell.assign(region, offset, Value::known(value));
        }
    }

    /// The first row of each of `steps`, and the row after the last.
    pub fn offsets(&self, steps: &[StepWitness<'_>]) -> (Vec<usize>, usize) {
        let mut offsets = Vec::with_capacity(steps.len());
        let mut row = 0;
        for w in steps {
            offsets.push(row);
            row += self.height(w.state);
        }
        (offsets, row)
    }

    /// Writes a step state at `offset` (also the state after the last step).
    pub fn assign_step_state(
        &self,
        region: &mut Region<'_, F>,
        offset: usize,
        values: &StepValues,
    ) {
        for (column, value) in self.step.all().iter().zip(values.as_array::<F>()) {
            region.assign_advice(*column, offset, Value::known(value));
        }
    }

    /// Runs every step's `assign` without a region: a step whose RWs are not what its gadget
    /// reads is refused, naming the step and the gadget, before any proving.
    pub fn check_witnesses(&self, steps: &[StepWitness<'_>]) -> Result<(), AssignError> {
        for w in steps {
            let mut a = StepAssigner::dry();
            self.gadgets[w.state.index()].assign(&mut a, w)?;
        }
        Ok(())
    }

    /// Assigns the first-phase cells of `steps` from row 0 and the state after the last one;
    /// returns each step's assigned values for the second phase.
    pub fn assign_first_phase(
        &self,
        region: &mut Region<'_, F>,
        steps: &[StepWitness<'_>],
        rw_capacity: usize,
    ) -> Result<Vec<AssignedStep<F>>, Error> {
        let mut assigned = Vec::with_capacity(steps.len());
        let (offsets, end) = self.offsets(steps);
        for (w, &offset) in steps.iter().zip(&offsets) {
            let height = self.height(w.state) as i32;
            self.assign_step_state(region, offset, &w.values);
            let mut a = StepAssigner::new(region, offset);
            for (column, value) in self.step.all().iter().zip(w.values.as_array::<F>()) {
                a.remember(column.index(), 0, value);
            }
            for (column, value) in self.step.all().iter().zip(w.next.as_array::<F>()) {
                a.remember(column.index(), height, value);
            }
            a.remember_fixed(self.rw_capacity.index(), 0, F::from(rw_capacity as u64));
            for (cell, value) in self.selectors.values::<F>(w.state) {
                a.assign(cell, value);
            }
            self.gadgets[w.state.index()].assign(&mut a, w)?;
            assigned.push(a.into_values());
        }
        // The state after the last step, which its transition reads; EndBlock has no
        // transition, so after it the row stays empty rather than holding cells nothing reads.
        if let Some(last) = steps.last().filter(|w| w.state != ExecutionState::EndBlock) {
            self.assign_step_state(region, end, &last.next);
        }
        Ok(assigned)
    }

    /// Assigns the lookup cells (second phase) from the first phase's values.
    pub fn assign_second_phase(
        &self,
        region: &mut Region<'_, F>,
        steps: &[StepWitness<'_>],
        assigned: &[AssignedStep<F>],
        values: &ChallengeValues<F>,
    ) {
        // Challenge values by index; nothing to assign before the challenges exist.
        let mut known =
            vec![F::ZERO; 1 + self.challenges.bytes.index().max(self.challenges.lookup.index())];
        for (challenge, value) in
            [(self.challenges.bytes, values.bytes), (self.challenges.lookup, values.lookup)]
        {
            let mut inner = None;
            value.map(|v| inner = Some(v));
            match inner {
                Some(v) => known[challenge.index()] = v,
                None => return,
            }
        }
        let r = known[self.challenges.bytes.index()];
        let (offsets, _) = self.offsets(steps);
        for ((w, step), offset) in steps.iter().zip(assigned).zip(offsets) {
            let mut with_rlcs;
            let mut values = &step.values;
            if !step.rlcs.is_empty() {
                with_rlcs = step.values.clone();
                for (cell, bytes) in &step.rlcs {
                    let mut value = F::ZERO;
                    rlc_value(bytes, Value::known(r)).map(|v| value = v);
                    cell.assign(region, offset, Value::known(value));
                    with_rlcs.insert(cell.key(), value);
                }
                values = &with_rlcs;
            }
            for (cell, expr) in &self.lookups[w.state.index()] {
                let value = evaluate(expr, values, &known);
                cell.assign(region, offset, Value::known(value));
            }
        }
    }
}
