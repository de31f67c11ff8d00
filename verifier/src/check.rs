//! The checks: bundle against statement, public inputs recomputed, proofs verified.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

use halo2_proofs::halo2curves::bn256::{Bn256, Fr, G1Affine};
use halo2_proofs::plonk::{verify_proof, Error as PlonkError};
use halo2_proofs::poly::commitment::ParamsProver;
use halo2_proofs::poly::kzg::commitment::KZGCommitmentScheme;
use halo2_proofs::poly::kzg::multiopen::VerifierSHPLONK;
use halo2_proofs::poly::kzg::strategy::SingleStrategy;
use halo2_proofs::transcript::{Blake2bRead, Challenge255, TranscriptReadBuffer};

use crate::artifact::{BatchStatement, Bundle, ProofArtifact, StatementSummary, FORMAT_VERSION};
use crate::error::VerifyError;
use crate::key::VerifierKey;

/// What a successful verification established.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Chunks verified.
    pub chunks: usize,
    /// Transactions proven.
    pub transactions: u64,
    /// Touched locations bound, over all chunks.
    pub touched: u64,
    /// Logs bound (in the receipts), over all chunks.
    pub logs: u64,
}

/// Checks `bundle` against `statement` with `key`: versions, chunk order and count, the chunks
/// continuing each other, the key's fingerprint and parameters, the summaries, every public
/// input recomputed from the statement, and every proof.
pub fn verify(
    bundle: &Bundle,
    statement: &BatchStatement,
    key: &VerifierKey,
) -> Result<Verified, VerifyError> {
    if statement.format_version != FORMAT_VERSION {
        return Err(VerifyError::WrongVersion {
            found: statement.format_version,
            expected: FORMAT_VERSION,
        });
    }
    if bundle.chunks.len() != statement.chunks.len() {
        return Err(VerifyError::MissingChunk {
            expected: statement.chunks.len(),
            found: bundle.chunks.len(),
        });
    }
    check_chain(statement)?;
    let mut expected = Vec::with_capacity(bundle.chunks.len());
    for chunk in &statement.chunks {
        chunk.check()?;
        expected.push(ExpectedChunk {
            summary: StatementSummary::of(chunk),
            instance: chunk.instance::<Fr>(&key.chunk_params)?,
        });
    }
    verify_with_instances(bundle, &expected, key)?;
    Ok(Verified {
        chunks: bundle.chunks.len(),
        transactions: statement.chunks.iter().map(|c| c.transactions.len() as u64).sum(),
        touched: statement.chunks.iter().map(|c| c.touched.len() as u64).sum(),
        logs: statement.chunks.iter().flat_map(|c| &c.receipts).map(|r| r.logs.len() as u64).sum(),
    })
}

/// Chunks start where the previous ones ended: the transaction indices follow on, the block
/// is the same, the gas used before each is the cumulative gas the previous one ended with (0
/// before the first), and a location touched again starts from its last value.
fn check_chain(statement: &BatchStatement) -> Result<(), VerifyError> {
    let mut next_tx = 0u64;
    let mut gas_used = 0u64;
    let mut last_values = std::collections::BTreeMap::new();
    for (position, chunk) in statement.chunks.iter().enumerate() {
        let fail = |why: String| VerifyError::ChunksDoNotChain { chunk: position, why };
        if chunk.first_tx != next_tx {
            return Err(fail(format!("first transaction {} instead of {next_tx}", chunk.first_tx)));
        }
        if position > 0 && chunk.block != statement.chunks[0].block {
            return Err(fail("another block context".into()));
        }
        if chunk.gas_used_before != gas_used {
            return Err(fail(format!(
                "gas used before the chunk {} instead of {gas_used}",
                chunk.gas_used_before
            )));
        }
        gas_used = chunk.receipts.last().map_or(gas_used, |r| r.cumulative_gas_used);
        for location in &chunk.touched {
            let key = location.sort_key();
            if let Some(last) = last_values.get(&key) {
                if *last != location.initial {
                    return Err(fail(format!(
                        "{:?} of {} starts from another value than it ended with",
                        location.kind, location.address
                    )));
                }
            }
            last_values.insert(key, location.last);
        }
        next_tx += chunk.transactions.len() as u64;
    }
    Ok(())
}

/// What the statement says one chunk's artifact must carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedChunk {
    /// Its summary.
    pub summary: StatementSummary,
    /// Its instance column.
    pub instance: Vec<Fr>,
}

/// Checks each artifact of `bundle` against `key` and what is expected at its position:
/// order, parameters, fingerprint, summary, public inputs and proof.
pub fn verify_with_instances(
    bundle: &Bundle,
    instances: &[ExpectedChunk],
    key: &VerifierKey,
) -> Result<(), VerifyError> {
    if bundle.chunks.len() != instances.len() {
        return Err(VerifyError::MissingChunk {
            expected: instances.len(),
            found: bundle.chunks.len(),
        });
    }
    for (position, (artifact, expected)) in bundle.chunks.iter().zip(instances).enumerate() {
        verify_artifact(position, artifact, expected, key)?;
    }
    Ok(())
}

fn verify_artifact(
    position: usize,
    artifact: &ProofArtifact,
    expected: &ExpectedChunk,
    key: &VerifierKey,
) -> Result<(), VerifyError> {
    if artifact.chunk_index != position as u64 {
        return Err(VerifyError::ChunkOrder { position, found: artifact.chunk_index });
    }
    if artifact.chunk_params != key.chunk_params {
        return Err(VerifyError::WrongChunkParams { chunk: position });
    }
    if artifact.vk_fingerprint != key.fingerprint {
        return Err(VerifyError::WrongVkFingerprint {
            chunk: position,
            expected: hex::encode(key.fingerprint),
            found: hex::encode(artifact.vk_fingerprint),
        });
    }
    let (summary, want) = (&artifact.summary, &expected.summary);
    for (field, found, wanted) in [
        ("first_tx", summary.first_tx, want.first_tx),
        ("tx_count", summary.tx_count, want.tx_count),
        ("touched", summary.touched, want.touched),
    ] {
        if found != wanted {
            return Err(VerifyError::SummaryMismatch { chunk: position, field });
        }
    }
    let expected = &expected.instance;
    if artifact.public_inputs.len() != expected.len() {
        return Err(VerifyError::PublicInputCount {
            chunk: position,
            expected: expected.len(),
            found: artifact.public_inputs.len(),
        });
    }
    if let Some(index) = artifact.public_inputs.iter().zip(expected).position(|(a, b)| a != b) {
        return Err(VerifyError::PublicInputMismatch { chunk: position, index });
    }
    check_proof(position, &artifact.proof, expected, key)
}

/// A reader that counts the bytes taken from it.
struct Counting<'a> {
    bytes: &'a [u8],
    read: Rc<Cell<usize>>,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.bytes.read(buf)?;
        self.read.set(self.read.get() + n);
        Ok(n)
    }
}

fn check_proof(
    chunk: usize,
    proof: &[u8],
    instance: &[Fr],
    key: &VerifierKey,
) -> Result<(), VerifyError> {
    let read = Rc::new(Cell::new(0));
    let reader = Counting { bytes: proof, read: read.clone() };
    let mut transcript = Blake2bRead::<_, G1Affine, Challenge255<_>>::init(reader);
    let columns: &[&[Fr]] = &[instance];
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        verify_proof::<KZGCommitmentScheme<Bn256>, VerifierSHPLONK<'_, Bn256>, _, _, _>(
            key.params.verifier_params(),
            &key.vk,
            SingleStrategy::new(&key.params),
            &[columns],
            &mut transcript,
        )
    }));
    match result {
        Ok(Ok(_)) if read.get() == proof.len() => Ok(()),
        Ok(Ok(_)) => {
            Err(VerifyError::TrailingBytes { what: "the proof", count: proof.len() - read.get() })
        }
        Ok(Err(PlonkError::Transcript(e))) => Err(transcript_error(chunk, &e)),
        Ok(Err(_)) | Err(_) => Err(VerifyError::ProofRejected { chunk }),
    }
}

fn transcript_error(chunk: usize, e: &io::Error) -> VerifyError {
    let message = e.to_string();
    if e.kind() == io::ErrorKind::UnexpectedEof {
        VerifyError::Truncated { what: "the proof" }
    } else if message.contains("invalid point") {
        VerifyError::PointNotOnCurve { chunk }
    } else if message.contains("invalid field element") {
        VerifyError::NonCanonicalFieldElement { location: format!("the proof of chunk {chunk}") }
    } else {
        VerifyError::ProofRejected { chunk }
    }
}
