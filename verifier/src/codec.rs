//! A bounds-checked little-endian reader and writer for the binary forms.

use halo2_proofs::halo2curves::bn256::Fr;
use halo2_proofs::halo2curves::ff::PrimeField;

use crate::error::VerifyError;

/// Reads fields off a byte slice; every read past the end is [`VerifyError::Truncated`].
pub struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, position: 0 }
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], VerifyError> {
        let end = self.position.checked_add(n).ok_or(VerifyError::Truncated { what })?;
        let slice = self.bytes.get(self.position..end).ok_or(VerifyError::Truncated { what })?;
        self.position = end;
        Ok(slice)
    }

    /// A fixed-size array.
    pub fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], VerifyError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    /// A little-endian `u32`.
    pub fn u32(&mut self, what: &'static str) -> Result<u32, VerifyError> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    /// A little-endian `u64`.
    pub fn u64(&mut self, what: &'static str) -> Result<u64, VerifyError> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    /// A canonical field element (32 bytes, little-endian).
    pub fn field(&mut self, what: &'static str, index: usize) -> Result<Fr, VerifyError> {
        field_from_le(self.array(what)?).ok_or_else(|| VerifyError::NonCanonicalFieldElement {
            location: format!("{what} {index}"),
        })
    }

    /// Fails unless every byte was read.
    pub fn finish(&self, what: &'static str) -> Result<(), VerifyError> {
        match self.bytes.len() - self.position {
            0 => Ok(()),
            count => Err(VerifyError::TrailingBytes { what, count }),
        }
    }
}

/// The field element with little-endian encoding `bytes`, if canonical.
pub fn field_from_le(bytes: [u8; 32]) -> Option<Fr> {
    let mut repr = <Fr as PrimeField>::Repr::default();
    repr.as_mut().copy_from_slice(&bytes);
    Option::from(Fr::from_repr(repr))
}

/// The little-endian encoding of `value`.
pub fn field_to_le(value: &Fr) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(value.to_repr().as_ref());
    out
}

/// `0x`-prefixed big-endian hex of a field element.
pub fn field_to_hex(value: &Fr) -> String {
    let mut bytes = field_to_le(value);
    bytes.reverse();
    format!("0x{}", hex::encode(bytes))
}

/// The field element of `0x`-prefixed big-endian hex `text`.
pub fn field_from_hex(text: &str, location: String) -> Result<Fr, VerifyError> {
    let bytes = decode_hex(text, "public input")?;
    let Ok(mut bytes) = <[u8; 32]>::try_from(bytes) else {
        return Err(VerifyError::Json(format!("{location}: a public input is 32 bytes")));
    };
    bytes.reverse();
    field_from_le(bytes).ok_or(VerifyError::NonCanonicalFieldElement { location })
}

/// Bytes of optionally `0x`-prefixed hex.
pub fn decode_hex(text: &str, what: &str) -> Result<Vec<u8>, VerifyError> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    hex::decode(digits).map_err(|e| VerifyError::Json(format!("{what}: bad hex: {e}")))
}
