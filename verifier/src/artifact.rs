//! [`ProofArtifact`]: one chunk's proof with what it claims, in a versioned compact binary
//! form and a JSON form (proof and public inputs as hex).
//!
//! Binary form, little-endian: magic `ZKEVMART`, format version `u32`, chunk index `u64`,
//! the chunk parameters as `u64` in the order of `ChunkParams::capacities` (evm_rows,
//! rw_rows, bytecode_rows, keccak_permutations, txs, statement_rows, bitwise_ops, calldata_words,
//! copy_words, arith_blocks), the 32-byte verifying-key fingerprint, the
//! summary as three `u64` (first_tx, tx_count, touched), the number of public inputs `u32`
//! and each as 32 canonical little-endian bytes, the proof length `u32` and the proof.

use halo2_proofs::halo2curves::bn256::Fr;
use serde::{Deserialize, Serialize};
use zkevm_circuits::public::ChunkStatement;
use zkevm_circuits::super_circuit::{ChunkParams, CAPACITIES};

use crate::codec::{decode_hex, field_from_hex, field_to_hex, field_to_le, Reader};
use crate::error::VerifyError;

/// The artifact, bundle and statement format version this crate writes and reads (4: each
/// chunk's statement lists its transactions' receipts and logs).
pub const FORMAT_VERSION: u32 = 4;

const MAGIC: &[u8; 8] = b"ZKEVMART";

/// What a chunk's statement amounts to, for people reading an artifact (checked against the
/// statement on verification).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementSummary {
    /// Batch index of the chunk's first transaction.
    pub first_tx: u64,
    /// Transactions in the chunk.
    pub tx_count: u64,
    /// Touched account fields and storage slots.
    pub touched: u64,
}

impl StatementSummary {
    /// The summary of `statement`.
    pub fn of(statement: &ChunkStatement) -> Self {
        Self {
            first_tx: statement.first_tx,
            tx_count: statement.transactions.len() as u64,
            touched: statement.touched.len() as u64,
        }
    }
}

/// One chunk's proof and what it claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofArtifact {
    /// Position of the chunk in its batch.
    pub chunk_index: u64,
    /// The chunk's capacities (they determine the verifying key).
    pub chunk_params: ChunkParams,
    /// Fingerprint of the verifying key the proof was made for.
    pub vk_fingerprint: [u8; 32],
    /// The statement's summary.
    pub summary: StatementSummary,
    /// The instance column.
    pub public_inputs: Vec<Fr>,
    /// The proof (SHPLONK over KZG on BN254, Blake2b transcript).
    pub proof: Vec<u8>,
}

/// The artifact as JSON.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArtifactJson {
    format_version: u32,
    chunk_index: u64,
    chunk_params: ChunkParams,
    vk_fingerprint: String,
    summary: StatementSummary,
    public_inputs: Vec<String>,
    proof: String,
}

fn params_fields(p: &ChunkParams) -> [u64; CAPACITIES] {
    p.capacities().map(|(_, v)| v as u64)
}

impl ProofArtifact {
    /// The compact binary form.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(200 + 32 * self.public_inputs.len() + self.proof.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&self.chunk_index.to_le_bytes());
        for value in params_fields(&self.chunk_params) {
            out.extend_from_slice(&value.to_le_bytes());
        }
        out.extend_from_slice(&self.vk_fingerprint);
        for value in [self.summary.first_tx, self.summary.tx_count, self.summary.touched] {
            out.extend_from_slice(&value.to_le_bytes());
        }
        out.extend_from_slice(&(self.public_inputs.len() as u32).to_le_bytes());
        for input in &self.public_inputs {
            out.extend_from_slice(&field_to_le(input));
        }
        out.extend_from_slice(&(self.proof.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.proof);
        out
    }

    /// Reads the binary form, all of `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        let mut r = Reader::new(bytes);
        let artifact = Self::read(&mut r)?;
        r.finish("the proof artifact")?;
        Ok(artifact)
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, VerifyError> {
        if r.take(8, "the magic bytes")? != MAGIC {
            return Err(VerifyError::BadMagic { expected: "proof artifact" });
        }
        let version = r.u32("the format version")?;
        if version != FORMAT_VERSION {
            return Err(VerifyError::WrongVersion { found: version, expected: FORMAT_VERSION });
        }
        let chunk_index = r.u64("the chunk index")?;
        let mut fields = [0usize; CAPACITIES];
        for field in &mut fields {
            let value = r.u64("the chunk parameters")?;
            // Values beyond usize are no chunk's: mapped to usize::MAX, they fail the check
            // against the verifying key's parameters.
            *field = usize::try_from(value).unwrap_or(usize::MAX);
        }
        let chunk_params = ChunkParams::from_capacities(fields);
        let vk_fingerprint = r.array("the verifying-key fingerprint")?;
        let summary = StatementSummary {
            first_tx: r.u64("the summary")?,
            tx_count: r.u64("the summary")?,
            touched: r.u64("the summary")?,
        };
        let count = r.u32("the public-input count")? as usize;
        let mut public_inputs = Vec::with_capacity(count.min(1 << 16));
        for index in 0..count {
            public_inputs.push(r.field("public input", index)?);
        }
        let proof_len = r.u32("the proof length")? as usize;
        let proof = r.take(proof_len, "the proof")?.to_vec();
        Ok(Self { chunk_index, chunk_params, vk_fingerprint, summary, public_inputs, proof })
    }

    fn to_json_value(&self) -> ArtifactJson {
        ArtifactJson {
            format_version: FORMAT_VERSION,
            chunk_index: self.chunk_index,
            chunk_params: self.chunk_params,
            vk_fingerprint: hex::encode(self.vk_fingerprint),
            summary: self.summary,
            public_inputs: self.public_inputs.iter().map(field_to_hex).collect(),
            proof: format!("0x{}", hex::encode(&self.proof)),
        }
    }

    fn from_json_value(json: ArtifactJson) -> Result<Self, VerifyError> {
        if json.format_version != FORMAT_VERSION {
            return Err(VerifyError::WrongVersion {
                found: json.format_version,
                expected: FORMAT_VERSION,
            });
        }
        let fingerprint = decode_hex(&json.vk_fingerprint, "vk_fingerprint")?;
        let vk_fingerprint = <[u8; 32]>::try_from(fingerprint)
            .map_err(|_| VerifyError::Json("vk_fingerprint: expected 32 bytes".into()))?;
        let public_inputs = json
            .public_inputs
            .iter()
            .enumerate()
            .map(|(i, text)| field_from_hex(text, format!("public input {i}")))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            chunk_index: json.chunk_index,
            chunk_params: json.chunk_params,
            vk_fingerprint,
            summary: json.summary,
            public_inputs,
            proof: decode_hex(&json.proof, "proof")?,
        })
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_json_value()).unwrap_or_default()
    }

    /// Reads the JSON form.
    pub fn from_json(text: &str) -> Result<Self, VerifyError> {
        let json: ArtifactJson =
            serde_json::from_str(text).map_err(|e| VerifyError::Json(e.to_string()))?;
        Self::from_json_value(json)
    }
}

/// A batch's chunk artifacts, in order: the bundle file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    /// The chunks' artifacts.
    pub chunks: Vec<ProofArtifact>,
}

const BUNDLE_MAGIC: &[u8; 8] = b"ZKEVMBDL";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BundleJson {
    format_version: u32,
    chunks: Vec<ArtifactJson>,
}

impl Bundle {
    /// Binary form: magic `ZKEVMBDL`, format version `u32`, chunk count `u32`, then each
    /// artifact's length `u32` and binary form.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(BUNDLE_MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(self.chunks.len() as u32).to_le_bytes());
        for chunk in &self.chunks {
            let bytes = chunk.to_bytes();
            out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            out.extend_from_slice(&bytes);
        }
        out
    }

    /// Reads the binary form, all of `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        let mut r = Reader::new(bytes);
        if r.take(8, "the magic bytes")? != BUNDLE_MAGIC {
            return Err(VerifyError::BadMagic { expected: "proof bundle" });
        }
        let version = r.u32("the format version")?;
        if version != FORMAT_VERSION {
            return Err(VerifyError::WrongVersion { found: version, expected: FORMAT_VERSION });
        }
        let count = r.u32("the chunk count")? as usize;
        let mut chunks = Vec::with_capacity(count.min(1 << 10));
        for _ in 0..count {
            let len = r.u32("a chunk length")? as usize;
            chunks.push(ProofArtifact::from_bytes(r.take(len, "a chunk")?)?);
        }
        r.finish("the bundle")?;
        Ok(Self { chunks })
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        let json = BundleJson {
            format_version: FORMAT_VERSION,
            chunks: self.chunks.iter().map(ProofArtifact::to_json_value).collect(),
        };
        serde_json::to_string_pretty(&json).unwrap_or_default()
    }

    /// Reads the JSON form.
    pub fn from_json(text: &str) -> Result<Self, VerifyError> {
        let json: BundleJson =
            serde_json::from_str(text).map_err(|e| VerifyError::Json(e.to_string()))?;
        if json.format_version != FORMAT_VERSION {
            return Err(VerifyError::WrongVersion {
                found: json.format_version,
                expected: FORMAT_VERSION,
            });
        }
        let chunks = json
            .chunks
            .into_iter()
            .map(ProofArtifact::from_json_value)
            .collect::<Result<_, _>>()?;
        Ok(Self { chunks })
    }

    /// Reads either form: JSON when the first non-blank byte is `{`, else binary.
    pub fn load(bytes: &[u8]) -> Result<Self, VerifyError> {
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => {
                let text = std::str::from_utf8(bytes)
                    .map_err(|e| VerifyError::Json(format!("not UTF-8: {e}")))?;
                Self::from_json(text)
            }
            _ => Self::from_bytes(bytes),
        }
    }
}

/// The statement file: what the bundle's proofs claim, chunk by chunk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchStatement {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Each chunk's statement, in order.
    pub chunks: Vec<ChunkStatement>,
}

impl BatchStatement {
    /// A statement of `chunks`.
    pub fn new(chunks: Vec<ChunkStatement>) -> Self {
        Self { format_version: FORMAT_VERSION, chunks }
    }

    /// Reads the JSON form.
    pub fn from_json(text: &str) -> Result<Self, VerifyError> {
        let statement: Self =
            serde_json::from_str(text).map_err(|e| VerifyError::Json(e.to_string()))?;
        if statement.format_version != FORMAT_VERSION {
            return Err(VerifyError::WrongVersion {
                found: statement.format_version,
                expected: FORMAT_VERSION,
            });
        }
        Ok(statement)
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
