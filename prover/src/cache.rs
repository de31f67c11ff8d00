//! The cache directory: `$ZKEVM_CACHE`, else `~/.cache/zkevm`. Files are written atomically
//! (a temporary file, then a rename), so concurrent runs and interrupted runs never leave a
//! half-written entry.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::ProverError;

/// Where parameters and keys are cached.
#[derive(Clone, Debug)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache at `dir`.
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// `$ZKEVM_CACHE`, else `$HOME/.cache/zkevm`.
    pub fn default_location() -> Result<Self, ProverError> {
        if let Some(dir) = std::env::var_os("ZKEVM_CACHE").filter(|d| !d.is_empty()) {
            return Ok(Self::at(dir));
        }
        let home =
            std::env::var_os("HOME").filter(|d| !d.is_empty()).ok_or(ProverError::NoCacheDir)?;
        Ok(Self::at(Path::new(&home).join(".cache").join("zkevm")))
    }

    /// The path of entry `name`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The bytes of entry `name`, if present.
    pub fn read(&self, name: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(name)).ok()
    }

    /// Stores entry `name`.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), ProverError> {
        write_atomically(&self.path(name), bytes)
    }

    /// The bytes of entry `name` when present and intact: stored by [`Cache::write_checked`]
    /// with a SHA-256 of the content after it (halo2's key readers panic on damaged input, so
    /// a damaged entry is treated as absent and regenerated).
    pub fn read_checked(&self, name: &str) -> Option<Vec<u8>> {
        let mut bytes = self.read(name)?;
        let split = bytes.len().checked_sub(32)?;
        let digest: [u8; 32] = Sha256::digest(&bytes[..split]).into();
        if bytes[split..] != digest {
            return None;
        }
        bytes.truncate(split);
        Some(bytes)
    }

    /// Stores entry `name` with a SHA-256 of its content after it.
    pub fn write_checked(&self, name: &str, bytes: &[u8]) -> Result<(), ProverError> {
        let mut stored = Vec::with_capacity(bytes.len() + 32);
        stored.extend_from_slice(bytes);
        stored.extend_from_slice(&Sha256::digest(bytes));
        self.write(name, &stored)
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ProverError> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| ProverError::io(dir, e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| ProverError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| ProverError::io(path, e))
}
