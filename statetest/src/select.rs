//! Which entries `zkevm statetest` runs: `--filter` (a substring of the id) and `--entries`
//! (a list of ids relative to the PATH folders, as [`crate::sample::relative_id`] makes them).
//!
//! An entries file has one id per line; blank lines and lines starting with `#` are ignored,
//! and so is any text up to the last tab of a line (the smoke list keeps each entry's expected
//! outcome there).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::{io, StatetestError};

use crate::sample::relative_id;

/// The entries a run admits, before sampling.
#[derive(Debug, Default)]
pub struct Selection {
    filter: Option<String>,
    listed: Option<HashSet<String>>,
    roots: Vec<PathBuf>,
}

impl Selection {
    /// Entries whose id contains `filter` and, with a list, whose relative id is listed.
    pub fn new(filter: Option<String>, listed: Option<HashSet<String>>, roots: &[PathBuf]) -> Self {
        Self { filter, listed, roots: roots.to_vec() }
    }

    /// Whether the run takes the entry `id`.
    pub fn admits(&self, id: &str) -> bool {
        self.filter.as_deref().is_none_or(|f| id.contains(f))
            && self.listed.as_ref().is_none_or(|l| l.contains(&relative_id(id, &self.roots)))
    }

    /// Listed ids that none of `found` (full ids) matches.
    pub fn missing<'a>(&'a self, found: &[String]) -> Vec<&'a str> {
        let Some(listed) = &self.listed else { return Vec::new() };
        let found: HashSet<String> = found.iter().map(|id| relative_id(id, &self.roots)).collect();
        let mut missing: Vec<&str> =
            listed.iter().filter(|id| !found.contains(*id)).map(String::as_str).collect();
        missing.sort_unstable();
        missing
    }

    /// Whether a list restricts the run.
    pub fn is_listed(&self) -> bool {
        self.listed.is_some()
    }

    /// Whether the file may hold admitted entries: with a list, only the files it names are
    /// read (so an unreadable file that holds no listed entry is not reported).
    pub fn may_hold(&self, file: &Path) -> bool {
        let Some(listed) = &self.listed else { return true };
        let file = relative_id(&file.to_string_lossy(), &self.roots);
        listed.iter().any(|id| id.split("::").next() == Some(file.as_str()))
    }
}

/// The ids of an entries file.
pub fn read_entries(path: &Path) -> Result<HashSet<String>, StatetestError> {
    let text = std::fs::read_to_string(path).map_err(io("reading", path))?;
    Ok(parse_entries(&text))
}

fn parse_entries(text: &str) -> HashSet<String> {
    text.lines()
        .map(|line| line.rsplit('\t').next().unwrap_or(line).trim())
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_files_skip_comments_and_expected_outcomes() {
        let ids =
            parse_entries("# list\n\npassed\tA/x.json::x::Cancun[0]\nB/y.json::y::Cancun[1]\n");
        let expected: HashSet<String> =
            ["A/x.json::x::Cancun[0]", "B/y.json::y::Cancun[1]"].map(String::from).into();
        assert_eq!(ids, expected);
    }

    #[test]
    fn a_list_admits_its_entries_under_the_root_and_names_the_missing() {
        let listed = parse_entries("A/x.json::x::Cancun[0]\nA/gone.json::g::Cancun[0]\n");
        let s = Selection::new(Some("Cancun".into()), Some(listed), &["/st".into()]);
        assert!(s.admits("/st/A/x.json::x::Cancun[0]"));
        assert!(!s.admits("/st/A/x.json::x::Cancun[1]"));
        assert_eq!(
            s.missing(&["/st/A/x.json::x::Cancun[0]".into()]),
            ["A/gone.json::g::Cancun[0]"]
        );
        assert!(s.may_hold(Path::new("/st/A/x.json")) && s.may_hold(Path::new("/st/A/gone.json")));
        assert!(!s.may_hold(Path::new("/st/A/y.json")));
        let filtered = Selection::new(Some("y.json".into()), None, &[]);
        assert!(filtered.may_hold(Path::new("/st/A/x.json")));
        assert!(filtered.admits("/st/B/y.json::y::Cancun[0]") && !filtered.admits("/st/A/x.json"));
    }
}
