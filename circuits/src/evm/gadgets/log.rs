//! LOG0..LOG4 in a non-static call: the log's fields are written as `TxLog` RWs of the
//! transaction under the step's log id, which then grows by one. The data is a memory range
//! read through the copy circuit and written as zero-padded log data words through it too;
//! the two streams have the same length and the same RLC, so they hold the same bytes.
//! Gas: 375 + 375 per topic + 8 per data byte + memory expansion.

use halo2_proofs::halo2curves::ff::PrimeField;
use zkevm_trace::trace::{CallContextField, LogField};

use super::sha3::span_bytes;
use crate::constraint_builder::constant;
use crate::evm::assign::StepAssigner;
use crate::evm::builder::{Access, EvmBuilder, RwLookup, Word, WordCells};
use crate::evm::cell::Cell;
use crate::evm::common::{GasCost, OpcodeStep};
use crate::evm::execution_state::ExecutionState;
use crate::evm::gadget::{claims_op, AssignError, ExecutionGadget, Gadget, StepGadget};
use crate::evm::memory::{MemoryExpansion, MemorySpan};
use crate::evm::reader::StepReader;
use crate::evm::spec::{GAS_LOG, GAS_LOG_BYTE, GAS_LOG_TOPIC};
use crate::evm::streams::{log_data_stream, memory_stream, Direction};
use crate::evm::transition::StepTransition;
use crate::evm::witness::StepWitness;
use crate::state::rw_row::{log_field_tag, word_limbs};
use crate::state::RwTag;
use zkevm_trace::trace::StepKind;

/// The most topics a log has.
const MAX_TOPICS: usize = 4;

/// LOG0..LOG4.
#[derive(Clone, Debug)]
pub struct LogGadget {
    common: OpcodeStep,
    offset: WordCells,
    len: WordCells,
    /// `has_topic[i]`: the opcode has more than `i` topics.
    has_topic: [Cell; MAX_TOPICS],
    topics: [WordCells; MAX_TOPICS],
    callee: WordCells,
    span: MemorySpan,
    rlc: Cell,
    /// `value_prev` of the Address, TopicCount, topics and DataLength writes.
    prev: [WordCells; 3 + MAX_TOPICS],
    expansion: MemoryExpansion,
}

impl Gadget for LogGadget {
    const NAME: &'static str = "LOG";
    const STATE: ExecutionState = ExecutionState::Log;

    fn claims(step: &StepKind) -> bool {
        claims_op(step, 0xa0..=0xa4)
    }
}

impl<F: PrimeField> ExecutionGadget<F> for LogGadget {
    fn configure(cb: &mut EvmBuilder<F>) -> Self {
        let has_topic = [(); MAX_TOPICS].map(|_| cb.query_bool("LOG: topic flag is boolean"));
        for pair in has_topic.windows(2) {
            cb.require_zero(
                "LOG: topics are a prefix",
                pair[1].expr() * (constant(1) - pair[0].expr()),
            );
        }
        let topic_count = has_topic.iter().fold(constant(0), |acc, c| acc + c.expr());
        let opcode = cb.cur.opcode.clone();
        cb.require_equal("LOG: opcode", opcode, constant(0xa0) + topic_count.clone());
        let (offset, len) = (cb.query_word(), cb.query_word());
        cb.stack_pop("LOG: offset", offset.expr());
        cb.stack_pop("LOG: length", len.expr());
        let topics = [(); MAX_TOPICS].map(|_| cb.query_word());
        for (flag, topic) in has_topic.iter().zip(&topics) {
            cb.stack_pop_if("LOG: topic", flag.expr(), topic.expr());
        }
        cb.call_context("LOG: not static", CallContextField::IsStatic, Word::zero(), Access::Read);
        let callee = cb.query_word();
        cb.call_context(
            "LOG: the emitter",
            CallContextField::CalleeAddress,
            callee.expr(),
            Access::Read,
        );
        let span = MemorySpan::configure(cb, &offset.expr(), &len.expr());
        let rlc = cb.query_rlc();
        let claim = memory_stream(cb, Direction::Read, &span, len.lo.expr(), rlc.expr());
        cb.when(span.nonempty(), |cb| cb.word_stream("LOG: the data in memory", claim));

        let prev = [(); 3 + MAX_TOPICS].map(|_| cb.query_word());
        let (tx, log_id) = (cb.cur.tx_id.clone(), cb.cur.log_id.clone());
        let write =
            |cb: &mut EvmBuilder<F>, name, field: LogField, value: Word<F>, prev: &WordCells| {
                let (tag, key) = log_field_tag(field);
                cb.rw_lookup(
                    name,
                    Access::Write(prev.expr()),
                    RwLookup::new(RwTag::TxLog, tx.clone(), log_id.clone(), value)
                        .field(constant(tag))
                        .key(Word::small(constant(key))),
                );
            };
        write(cb, "LOG: address", LogField::Address, callee.expr(), &prev[0]);
        write(
            cb,
            "LOG: topic count",
            LogField::TopicCount,
            Word::small(topic_count.clone()),
            &prev[1],
        );
        for (i, (flag, topic)) in has_topic.iter().zip(&topics).enumerate() {
            cb.when(flag.expr(), |cb| {
                write(cb, "LOG: topic", LogField::Topic(i as u8), topic.expr(), &prev[2 + i]);
            });
        }
        write(cb, "LOG: data length", LogField::DataLength, len.expr(), &prev[2 + MAX_TOPICS]);
        let (data_tag, _) = log_field_tag(LogField::DataWord(0));
        let data =
            log_data_stream(tx, log_id, data_tag, len.lo.expr(), span.len_words(), rlc.expr());
        cb.when(span.nonempty(), |cb| cb.word_stream("LOG: the data words", data));

        let (expansion, size_after, memory_gas) = MemoryExpansion::configure(cb, span.needed());
        let gas = constant(GAS_LOG)
            + constant(GAS_LOG_TOPIC) * topic_count
            + constant(GAS_LOG_BYTE) * len.lo.expr()
            + memory_gas;
        let transition = StepTransition::same_context(cb).with_memory_size(size_after).with_log();
        let common = OpcodeStep::configure(cb, GasCost::Dynamic(gas), transition);
        Self { common, offset, len, has_topic, topics, callee, span, rlc, prev, expansion }
    }
}

impl<F: PrimeField> StepGadget<F> for LogGadget {
    fn assign(
        &self,
        a: &mut StepAssigner<'_, '_, F>,
        w: &StepWitness<'_>,
    ) -> Result<(), AssignError> {
        self.common.assign(a, w)?;
        let count = (w.values.opcode as usize).saturating_sub(0xa0).min(MAX_TOPICS);
        let mut r = StepReader::new(w, <Self as Gadget>::NAME);
        let (offset, len) = (r.stack_pop()?, r.stack_pop()?);
        a.assign_word(self.offset, word_limbs(offset));
        a.assign_word(self.len, word_limbs(len));
        for i in 0..MAX_TOPICS {
            a.assign_u64(self.has_topic[i], (i < count) as u64);
            if i < count {
                a.assign_word(self.topics[i], word_limbs(r.stack_pop()?));
            }
        }
        r.call_context(CallContextField::IsStatic)?;
        a.assign_word(self.callee, word_limbs(r.call_context(CallContextField::CalleeAddress)?));
        self.span.assign(a, offset, len);
        let (_, words, needed) = MemorySpan::native(offset, len);
        let data = r.memory_words(words as usize, false)?;
        a.assign_rlc(self.rlc, span_bytes(data, offset, len));
        // Address, TopicCount, the topics, then DataLength.
        a.assign_word(self.prev[0], word_limbs(r.log_write(LogField::Address)?.prev));
        a.assign_word(self.prev[1], word_limbs(r.log_write(LogField::TopicCount)?.prev));
        for i in 0..count {
            let topic = r.log_write(LogField::Topic(i as u8))?;
            a.assign_word(self.prev[2 + i], word_limbs(topic.prev));
        }
        let data_length = r.log_write(LogField::DataLength)?;
        a.assign_word(self.prev[2 + MAX_TOPICS], word_limbs(data_length.prev));
        if !len.is_zero() {
            r.log_data_words(len.saturating_to::<u64>().div_ceil(32) as usize)?;
        }
        self.expansion.assign(a, w.values.memory_word_size, needed);
        r.finish()?;
        Ok(())
    }
}
