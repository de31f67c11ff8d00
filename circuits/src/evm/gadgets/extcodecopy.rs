//! EXTCODECOPY (Yellow Paper, appendix H: CODECOPY of the code of the account
//! `μ_s[0] mod 2^160`). Gas: EIP-2929 account access (100 warm, 2,600 cold) + 3 per word
//! copied + memory expansion.
//!
//! It pops the address, `dest`, `src` and `size`, sets the account's warm flag (a reversible
//! write), reads its code hash and takes the code's length from the bytecode table (0 for a
//! missing account or one without code). The copy itself is CODECOPY's: memory word writes,
//! and a code stream of the account's code when `src` is inside it (zeros otherwise).

use alloy_primitives::U256;
use halo2_proofs::halo2curves::ff::PrimeField;
use zkevm_trace::trace::AccountField;

use super::account_access::{AccessedAccount, CodeOfHash};
use super::copy_source::{Minimum, SourceWindow};
use crate::constraint_builder::constant;
use crate::copy::WORD_BYTES;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{Access, EvmBuilder, WordCells};
use crate::evm::cell::{Cell, LookupTable};
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::memory::{MemoryExpansion, MemorySpan};
use crate::evm::reader::StepReader;
use crate::evm::spec::GAS_COPY_WORD;
use crate::evm::streams::{code_stream, memory_stream, Direction};
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::word_limbs;
use zkevm_trace::trace::StepKind;

/// EXTCODECOPY.
#[derive(Clone, Debug)]
pub struct ExtCodeCopyGadget {
    common: OpcodeStep,
    dest: WordCells,
    src: WordCells,
    size: WordCells,
    account: AccessedAccount,
    code_hash: WordCells,
    code: CodeOfHash,
    span: MemorySpan,
    source: SourceWindow,
    /// Bytes of the source stream the code holds.
    held: Minimum,
    rlc: Cell,
    expansion: MemoryExpansion,
}

impl Gadget for ExtCodeCopyGadget {
    const NAME: &'static str = "EXTCODECOPY";
    const STATE: ExecutionState = ExecutionState::ExtCodeCopy;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, [0x3c])
    }
}

impl<F: PrimeField> ExecutionGadget<F> for ExtCodeCopyGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("EXTCODECOPY: opcode", opcode, constant(0x3c));
        let (dest, src, size) = (cb.query_word(), cb.query_word(), cb.query_word());
        let account = AccessedAccount::configure_with(
            cb,
            "EXTCODECOPY: the account",
            &[
                ("EXTCODECOPY: destination", &dest),
                ("EXTCODECOPY: source offset", &src),
                ("EXTCODECOPY: size", &size),
            ],
        );
        let code_hash = cb.query_word();
        cb.account(
            "EXTCODECOPY: code hash",
            account.address(),
            AccountField::CodeHash,
            code_hash.expr(),
            Access::Read,
        );
        let code = CodeOfHash::configure(cb, "EXTCODECOPY: the code's length", &code_hash);
        let span = MemorySpan::configure(cb, &dest.expr(), &size.expr());
        let rlc = cb.query_rlc();
        let write = memory_stream(cb, Direction::Write, &span, size.lo.expr(), rlc.expr());
        cb.when(span.nonempty(), |cb| cb.word_stream("EXTCODECOPY: the written memory", write));

        let source = SourceWindow::configure(cb, &src, &size, span.nonempty(), code.size());
        let reads = source.reads();
        let held = Minimum::configure(
            cb,
            reads.clone(),
            code.size() - constant(WORD_BYTES) * source.span.first_word(),
            constant(WORD_BYTES) * source.span.words(),
        );
        cb.when(constant(1) - reads.clone(), |cb| {
            // Zeros (or nothing) are copied: their RLC is 0.
            cb.require_zero("EXTCODECOPY: the RLC of zeros", rlc.expr());
        });
        let read =
            code_stream(&source.span, code_hash.expr(), size.lo.expr(), held.expr(), rlc.expr());
        cb.when(reads, |cb| {
            cb.lookup(LookupTable::Copy, "EXTCODECOPY: the code bytes", read.tuple())
        });

        let (expansion, size_after, memory_gas) = MemoryExpansion::configure(cb, span.needed());
        let gas = account.gas() + constant(GAS_COPY_WORD) * span.len_words() + memory_gas;
        let transition = StepTransition::same_context(cb).with_memory_size(size_after);
        let common = OpcodeStep::configure(cb, GasCost::Dynamic(gas), transition);
        Self {
            common,
            dest,
            src,
            size,
            account,
            code_hash,
            code,
            span,
            source,
            held,
            rlc,
            expansion,
        }
    }
}

impl<F: PrimeField> StepGadget<F> for ExtCodeCopyGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let operands = self.account.assign(a, &mut r)?;
        let operand = |i: usize| operands.get(i).copied().unwrap_or_default();
        let (dest, src, size) = (operand(0), operand(1), operand(2));
        a.assign_word(self.dest, word_limbs(dest));
        a.assign_word(self.src, word_limbs(src));
        a.assign_word(self.size, word_limbs(size));
        let (_, hash) = r.account(AccountField::CodeHash)?;
        let (_, written, needed) = MemorySpan::native(dest, size);
        r.memory_words(written as usize, true)?;
        a.assign_word(self.code_hash, word_limbs(hash));
        let code = w.bytecode(hash).unwrap_or_default();
        let len = code.len() as u64;
        self.code.assign(a, word_limbs(hash), len);
        self.span.assign(a, dest, size);
        let from = self.source.assign(a, src, size, len);
        let held = from.map(|from| {
            let (first, words, _) = MemorySpan::native(U256::from(from), size);
            (len - WORD_BYTES * first, WORD_BYTES * words)
        });
        self.held.assign(a, held);
        let bytes = match from {
            Some(from) => {
                let size = size.saturating_to::<u64>();
                (from..from + size)
                    .map(|i| code.get(i as usize).copied().unwrap_or_default())
                    .collect()
            }
            None => Vec::new(),
        };
        a.assign_rlc(self.rlc, bytes);
        self.expansion.assign(a, w.values.memory_word_size, needed);
        r.finish()?;
        Ok(())
    }
}
