//! A deterministic sample of state-test entries.
//!
//! Each entry gets a 64-bit key: FNV-1a of the seed and of the entry's id made relative to the
//! folder it was found under (so the same corpus gives the same sample wherever it lies), mixed
//! by SplitMix64's finaliser. The sample is the `n` entries with the smallest keys: the same on
//! every machine, independent of the order files are read in, and a larger `n` extends a
//! smaller one.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The key of an entry id under `seed`.
pub fn key(seed: u64, relative_id: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in seed.to_le_bytes().iter().chain(relative_id.as_bytes()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

/// `id` with the folder `roots` member that holds it stripped, or with its file's folder
/// stripped when `id` names a file given directly.
pub fn relative_id(id: &str, roots: &[PathBuf]) -> String {
    let path = Path::new(id.split("::").next().unwrap_or(id));
    let root = roots
        .iter()
        .filter(|r| path.starts_with(r) && path != r.as_path())
        .max_by_key(|r| r.components().count());
    let base = root.map(PathBuf::as_path).or_else(|| path.parent());
    match base.and_then(|b| id.strip_prefix(&*b.to_string_lossy())) {
        Some(rest) => rest.trim_start_matches('/').to_string(),
        None => id.to_string(),
    }
}

/// The ids of the `n` entries of `ids` with the smallest keys under `seed`.
pub fn choose(ids: &[String], roots: &[PathBuf], n: usize, seed: u64) -> HashSet<String> {
    let mut keyed: Vec<(u64, &String)> =
        ids.iter().map(|id| (key(seed, &relative_id(id, roots)), id)).collect();
    keyed.sort();
    keyed.into_iter().take(n).map(|(_, id)| id.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(root: &str) -> Vec<String> {
        (0..50)
            .map(|i| format!("{root}/Folder{}/t{i}.json::t{i}::Cancun[0](d0,g0,v0)", i % 3))
            .collect()
    }

    #[test]
    fn the_sample_does_not_depend_on_where_the_corpus_lies_or_its_order() {
        let a = choose(&ids("/work/shared/statetests"), &["/work/shared/statetests".into()], 10, 7);
        let mut other = ids("../st");
        other.reverse();
        let b = choose(&other, &["../st".into()], 10, 7);
        let strip = |s: &HashSet<String>| {
            let mut v: Vec<String> =
                s.iter().map(|id| id.rsplit('/').next().unwrap_or_default().to_string()).collect();
            v.sort();
            v
        };
        assert_eq!(a.len(), 10);
        assert_eq!(strip(&a), strip(&b));
    }

    #[test]
    fn seeds_change_the_sample_and_larger_samples_extend_smaller_ones() {
        let all = ids("/c");
        let roots = ["/c".into()];
        let small = choose(&all, &roots, 5, 1);
        assert!(small.is_subset(&choose(&all, &roots, 20, 1)));
        assert_ne!(small, choose(&all, &roots, 5, 2));
        assert_eq!(choose(&all, &roots, 500, 1).len(), 50);
    }

    #[test]
    fn ids_are_made_relative_to_their_root() {
        let roots = ["/a/b".into()];
        assert_eq!(relative_id("/a/b/F/x.json::x::Cancun[0]", &roots), "F/x.json::x::Cancun[0]");
        assert_eq!(relative_id("/elsewhere/y.json::y::Cancun[1]", &roots), "y.json::y::Cancun[1]");
    }

    #[test]
    fn keys_are_pinned() {
        // Computed independently (FNV-1a then SplitMix64's finaliser): a sample must never
        // change between versions or machines.
        assert_eq!(key(0, "VMTests/x.json::x::Cancun[0]"), 0xf38b_7e2b_ef29_82d9);
        assert_ne!(key(0, "a"), key(1, "a"));
    }
}
