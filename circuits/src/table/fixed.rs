//! The fixed table: `(tag, v0, v1, v2, v3)` rows for range checks and opcode facts.
//!
//! Rows: the all-zero row, then the rows of each loaded tag. Every column is fixed: the prover
//! chooses nothing here. Opcode rows are generated from [`zkevm_trace::opcodes`], the one
//! source of truth the executor's recorder also uses; nothing about opcodes is restated here.
//!
//! | tag | v0 | v1 | v2 | v3 | rows |
//! |---|---|---|---|---|---|
//! | `Range8` | value `< 2^8` | 0 | 0 | 0 | 256 |
//! | `Range16` | value `< 2^16` | 0 | 0 | 0 | 65,536 |
//! | `PushDataSize` | byte | bytes of push data it is followed by when executed | 0 | 0 | 256 |
//! | `OpcodeStack` | byte | is valid | stack items popped | stack items pushed | 256 |
//! | `ConstantGas` | opcode | its constant gas | 0 | 0 | one per opcode that has one |
//! | `RwTagProperties` | RW tag | is padding | is storage | publicity: see below | 12 |
//! | `NibbleAnd` | nibble `a` | nibble `b` | `a AND b` | 0 | 256 |
//! | `MemoryGas` | opcode | constant gas | gas per word or byte | the range's length: see below | 13 |
//!
//! `MemoryGas` rows (from [`zkevm_trace::opcodes::memory_gas`]) encode where the length of
//! the opcode's memory range comes from in `v3`: 1 or 2 for stack operand 1 or 2 priced per
//! word, 3 for operand 1 priced per byte, `256 + n` for a fixed `n` bytes.
//! `RwTagProperties`' `v3` is `from_statement + 2·is_output`: 1 when the location's initial
//! value comes from the statement (storage, account fields), 2 when it is an output whose
//! final value the statement may list (log and receipt fields), 0 otherwise.
//! `ConstantGas` has rows only for opcodes whose gas never depends on operands or state, so a
//! gadget cannot claim a constant cost for an opcode that has none.
//!
//! Bitwise operations use `NibbleAnd` (OR and XOR follow from AND: `a + b − a∧b` and
//! `a + b − 2·a∧b`) in the [`crate::bitwise`] circuit; byte-wise tables (65,536 rows each)
//! would force every chunk to `k ≥ 17`.

use halo2_proofs::circuit::Layouter;
use halo2_proofs::halo2curves::ff::PrimeField;
use halo2_proofs::plonk::{Column, ConstraintSystem, Error, Expression, Fixed};
use zkevm_trace::opcodes;

use super::LookupTable;
use crate::constraint_builder::constant;
use crate::state::RwTag;

/// Value columns after the tag.
pub const FIXED_VALUES: usize = 4;

/// What a row of the fixed table proves about its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixedTableTag {
    /// `v0 < 2^8`.
    Range8 = 1,
    /// `v0 < 2^16`.
    Range16 = 2,
    /// Byte `v0`, executed as an opcode, is followed by `v1` bytes of push data.
    PushDataSize = 3,
    /// Byte `v0`: valid `v1`, pops `v2`, pushes `v3`.
    OpcodeStack = 4,
    /// Opcode `v0` always costs `v1` gas.
    ConstantGas = 5,
    /// RW tag `v0`: padding `v1`, storage `v2`, `v3 = from_statement + 2·is_output`.
    RwTagProperties = 6,
    /// `v2 = v0 AND v1` for nibbles `v0`, `v1 < 16`.
    NibbleAnd = 7,
    /// Opcode `v0` costs `v1` plus `v2` per unit of a memory range plus its expansion; `v3`
    /// says where the range's length comes from (see the module docs).
    MemoryGas = 8,
}

/// `v3` of a [`FixedTableTag::MemoryGas`] row (see the module docs).
pub fn memory_length_code(length: opcodes::RangeLength) -> u64 {
    match length {
        opcodes::RangeLength::WordsOfOperand(i) => i as u64,
        opcodes::RangeLength::BytesOfOperand(_) => 3,
        opcodes::RangeLength::Fixed(n) => 256 + n as u64,
    }
}

impl FixedTableTag {
    /// The rows the tag contributes, as value tuples.
    pub fn rows(self) -> Vec<[u64; FIXED_VALUES]> {
        match self {
            FixedTableTag::Range8 => (0..1 << 8).map(|v| [v, 0, 0, 0]).collect(),
            FixedTableTag::Range16 => (0..1 << 16).map(|v| [v, 0, 0, 0]).collect(),
            FixedTableTag::PushDataSize => {
                (0..=255u8).map(|b| [b as u64, push_data_size(b) as u64, 0, 0]).collect()
            }
            FixedTableTag::OpcodeStack => opcodes::all()
                .iter()
                .map(|p| [p.opcode as u64, p.valid as u64, p.stack_in as u64, p.stack_out as u64])
                .collect(),
            FixedTableTag::ConstantGas => opcodes::all()
                .iter()
                .filter_map(|p| p.constant_gas.map(|gas| [p.opcode as u64, gas, 0, 0]))
                .collect(),
            FixedTableTag::RwTagProperties => RwTag::ALL
                .iter()
                .map(|&tag| {
                    [
                        tag as u64,
                        (tag == RwTag::Padding) as u64,
                        (tag == RwTag::Storage) as u64,
                        tag.initial_value_from_statement() as u64 + 2 * tag.is_output() as u64,
                    ]
                })
                .collect(),
            FixedTableTag::NibbleAnd => {
                (0..256u64).map(|ab| [ab >> 4, ab & 15, (ab >> 4) & (ab & 15), 0]).collect()
            }
            FixedTableTag::MemoryGas => (0..=255u8)
                .filter_map(opcodes::memory_gas)
                .map(|g| [g.opcode as u64, g.constant, g.unit, memory_length_code(g.length)])
                .collect(),
        }
    }

    /// The tag as a constant expression.
    pub fn expr<F: PrimeField>(self) -> Expression<F> {
        constant(self as u64)
    }

    /// A lookup tuple `(tag, values…, 0…)` as wide as the table.
    pub fn tuple<F: PrimeField>(self, values: Vec<Expression<F>>) -> Vec<Expression<F>> {
        assert!(values.len() <= FIXED_VALUES, "fixed table has {FIXED_VALUES} value columns");
        let padding = FIXED_VALUES - values.len();
        std::iter::once(self.expr())
            .chain(values)
            .chain(std::iter::repeat_with(|| constant(0)).take(padding))
            .collect()
    }
}

/// Push data bytes following `byte` when it executes: 1..=32 for PUSH1..PUSH32, else 0.
pub fn push_data_size(byte: u8) -> u8 {
    match byte {
        0x60..=0x7f => byte - 0x5f,
        _ => 0,
    }
}

/// The fixed table's columns.
#[derive(Clone, Copy, Debug)]
pub struct FixedTable {
    /// Which property the row proves ([`FixedTableTag`] as a number; 0 in the all-zero row).
    pub tag: Column<Fixed>,
    /// The values the property holds for.
    pub values: [Column<Fixed>; FIXED_VALUES],
}

impl FixedTable {
    /// Allocates the columns.
    pub fn configure<F: PrimeField>(meta: &mut ConstraintSystem<F>) -> Self {
        Self { tag: meta.fixed_column(), values: [(); FIXED_VALUES].map(|_| meta.fixed_column()) }
    }

    /// Rows needed for `tags` (the all-zero row included).
    pub fn rows(tags: &[FixedTableTag]) -> usize {
        1 + tags.iter().map(|t| t.rows().len()).sum::<usize>()
    }

    /// Fills the table with the all-zero row and the rows of `tags`, from row 0.
    pub fn load<F: PrimeField>(
        &self,
        layouter: &mut impl Layouter<F>,
        tags: &[FixedTableTag],
    ) -> Result<(), Error> {
        layouter.assign_region(
            || "fixed table",
            |mut region| {
                region.assign_fixed(self.tag, 0, F::ZERO);
                for column in self.values {
                    region.assign_fixed(column, 0, F::ZERO);
                }
                let mut offset = 1;
                for tag in tags {
                    for row in tag.rows() {
                        region.assign_fixed(self.tag, offset, F::from(*tag as u64));
                        for (column, value) in self.values.iter().zip(row) {
                            region.assign_fixed(*column, offset, F::from(value));
                        }
                        offset += 1;
                    }
                }
                Ok(())
            },
        )
    }
}

impl<F: PrimeField> LookupTable<F> for FixedTable {
    fn table_exprs(&self) -> Vec<Expression<F>> {
        std::iter::once(self.tag.cur()).chain(self.values.iter().map(|c| c.cur())).collect()
    }

    fn annotations(&self) -> Vec<&'static str> {
        vec!["fixed.tag", "fixed.v0", "fixed.v1", "fixed.v2", "fixed.v3"]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opcode_rows_come_from_the_executor_table() {
        let stack = FixedTableTag::OpcodeStack.rows();
        assert_eq!(stack.len(), 256);
        assert_eq!(stack[0x01], [0x01, 1, 2, 1], "ADD pops 2, pushes 1");
        assert_eq!(stack[0x0c], [0x0c, 0, 0, 0], "0x0c is unassigned");
        assert_eq!(stack[0x9f], [0x9f, 1, 17, 17], "SWAP16");

        let memory = FixedTableTag::MemoryGas.rows();
        assert_eq!(memory.len(), 13, "MLOAD … LOG4");
        assert!(memory.contains(&[0x51, 3, 0, 256 + 32]), "MLOAD: 3, 32 fixed bytes");
        assert!(memory.contains(&[0x53, 3, 0, 256 + 1]), "MSTORE8: 3, 1 fixed byte");
        assert!(memory.contains(&[0x20, 30, 6, 1]), "KECCAK256: 30 + 6 per word of operand 1");
        assert!(memory.contains(&[0x37, 3, 3, 2]), "CALLDATACOPY: 3 + 3 per word of operand 2");
        assert!(memory.contains(&[0xa2, 1125, 8, 3]), "LOG2: 1125 + 8 per byte of operand 1");

        let gas = FixedTableTag::ConstantGas.rows();
        assert!(gas.contains(&[0x01, 3, 0, 0]), "ADD costs 3");
        assert!(gas.contains(&[0x5b, 1, 0, 0]), "JUMPDEST costs 1");
        assert!(!gas.iter().any(|r| r[0] == 0x54), "SLOAD has no constant gas row");
        assert_eq!(gas.len(), opcodes::all().iter().filter(|p| p.constant_gas.is_some()).count());
    }

    #[test]
    fn push_data_sizes() {
        let rows = FixedTableTag::PushDataSize.rows();
        assert_eq!(rows[0x5f], [0x5f, 0, 0, 0], "PUSH0 has no data");
        assert_eq!(rows[0x60], [0x60, 1, 0, 0]);
        assert_eq!(rows[0x7f], [0x7f, 32, 0, 0]);
        assert_eq!(rows[0x80], [0x80, 0, 0, 0]);
    }

    #[test]
    fn tuples_are_padded_to_the_table_width() {
        let tuple =
            FixedTableTag::Range8.tuple::<halo2_proofs::halo2curves::bn256::Fr>(vec![constant(5)]);
        assert_eq!(tuple.len(), 1 + FIXED_VALUES);
    }

    /// Rows of `(opcode, valid, pops, pushes)` and `(opcode, gas)` claims, looked up in the
    /// table.
    mod lookups {
        use super::*;
        use crate::constraint_builder::ConstraintBuilder;
        use crate::gadgets::test_support::{assert_rejected, run, GadgetTest};
        use halo2_proofs::circuit::Value;
        use halo2_proofs::halo2curves::bn256::Fr;
        use halo2_proofs::plonk::Advice;

        #[derive(Clone, Default)]
        struct Claims {
            stack: Vec<[u64; 4]>,
            gas: Vec<[u64; 2]>,
        }

        #[derive(Clone)]
        struct Config {
            q_stack: Column<Fixed>,
            q_gas: Column<Fixed>,
            cells: [Column<Advice>; 4],
            fixed: FixedTable,
        }

        impl GadgetTest for Claims {
            type Config = Config;

            fn configure(meta: &mut ConstraintSystem<Fr>) -> Config {
                let (q_stack, q_gas) = (meta.fixed_column(), meta.fixed_column());
                let cells = [(); 4].map(|_| meta.advice_column());
                let fixed = FixedTable::configure(meta);
                let values = |n: usize| cells[..n].iter().map(|c| c.cur()).collect();
                let mut cb = ConstraintBuilder::new();
                cb.lookup(
                    "opcode stack claim",
                    FixedTableTag::OpcodeStack.tuple(values(4)),
                    fixed.table_exprs(),
                );
                cb.build(meta, "stack claims", q_stack.cur());
                let mut cb = ConstraintBuilder::new();
                cb.lookup(
                    "constant gas claim",
                    FixedTableTag::ConstantGas.tuple(values(2)),
                    fixed.table_exprs(),
                );
                cb.build(meta, "gas claims", q_gas.cur());
                Config { q_stack, q_gas, cells, fixed }
            }

            fn assign<L: Layouter<Fr>>(
                &self,
                config: &Config,
                mut layouter: L,
            ) -> Result<(), Error> {
                config.fixed.load(
                    &mut layouter,
                    &[FixedTableTag::OpcodeStack, FixedTableTag::ConstantGas],
                )?;
                layouter.assign_region(
                    || "claims",
                    |mut region| {
                        let rows = self.stack.iter().map(|r| (config.q_stack, r.to_vec()));
                        let rows = rows.chain(self.gas.iter().map(|r| (config.q_gas, r.to_vec())));
                        for (offset, (selector, values)) in rows.enumerate() {
                            region.assign_fixed(selector, offset, Fr::one());
                            for (column, value) in config.cells.iter().zip(values) {
                                region.assign_advice(
                                    *column,
                                    offset,
                                    Value::known(Fr::from(value)),
                                );
                            }
                        }
                        Ok(())
                    },
                )
            }
        }

        const K: u32 = 10;

        #[test]
        fn true_opcode_facts_are_found() {
            let claims = Claims {
                stack: vec![[0x01, 1, 2, 1], [0x7f, 1, 0, 1], [0xf1, 1, 7, 1], [0x0c, 0, 0, 0]],
                gas: vec![[0x01, 3], [0x5b, 1], [0x00, 0]],
            };
            assert_eq!(run(K, &claims), Ok(()));
        }

        #[test]
        fn false_opcode_facts_are_rejected() {
            let lies = [
                Claims { stack: vec![[0x01, 1, 3, 1]], gas: vec![] },
                Claims { stack: vec![[0x0c, 1, 0, 0]], gas: vec![] },
                Claims { stack: vec![], gas: vec![[0x01, 2]] },
            ];
            for lie in lies {
                let name =
                    if lie.stack.is_empty() { "constant gas claim" } else { "opcode stack claim" };
                assert_rejected(K, &lie, name);
            }
            // SLOAD's gas depends on warm/cold access: no constant-gas row to claim.
            let sload = Claims { stack: vec![], gas: vec![[0x54, 100]] };
            assert_rejected(K, &sload, "constant gas claim");
            let sload = Claims { stack: vec![], gas: vec![[0x54, 2100]] };
            assert_rejected(K, &sload, "constant gas claim");
        }
    }
}
