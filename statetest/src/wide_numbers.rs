//! Numbers the state-test fillers write as `0x:bigint 0x…`.
//!
//! ethereum/tests marks numbers wider than the usual fields with a `0x:bigint ` prefix; one
//! that does not fit 256 bits (`ValueOverflowParis`: a transaction value of 2^256 + 1) cannot
//! be a transaction field at all, and the test expects the transaction to be rejected.
//! `revm-statetest-types` parses neither form. [`normalize`] rewrites the prefix away from a
//! number that fits and, for one that does not, puts zero in its place and records which
//! transaction parts it made unbuildable, so those entries report the rejection the test
//! expects instead of the whole file failing to parse.

use std::collections::BTreeMap;

use alloy_primitives::U256;
use serde_json::Value;

const PREFIX: &str = "0x:bigint ";

/// Where a too-wide number sat in one test's `transaction`: the field, and its index when the
/// field is a per-entry list (`data`, `gasLimit`, `value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WideNumber {
    /// The JSON field name (`value`, `gasLimit`, `nonce`, ...).
    pub field: String,
    /// The list index, or `None` for a scalar field.
    pub index: Option<usize>,
    /// The number as the file writes it, without the prefix.
    pub text: String,
}

impl WideNumber {
    /// Whether an entry with these `(data, gas, value)` indexes uses this number.
    pub(crate) fn used_by(&self, data: usize, gas: usize, value: usize) -> bool {
        match (self.field.as_str(), self.index) {
            (_, None) => true,
            ("data", Some(i)) => i == data,
            ("gasLimit", Some(i)) => i == gas,
            ("value", Some(i)) => i == value,
            _ => false,
        }
    }

    /// Why an entry using it has no transaction.
    pub(crate) fn reason(&self) -> String {
        let place = match self.index {
            Some(i) => format!("{}[{i}]", self.field),
            None => self.field.clone(),
        };
        format!("transaction {place} {} does not fit 256 bits", self.text)
    }
}

/// Rewrites every `0x:bigint` number in each test's `transaction` object in place; returns the
/// numbers that do not fit 256 bits, by test name. Nothing changes in a document without the
/// prefix.
pub(crate) fn normalize(document: &mut Value) -> BTreeMap<String, Vec<WideNumber>> {
    let mut wide = BTreeMap::new();
    let Some(tests) = document.as_object_mut() else { return wide };
    for (name, test) in tests.iter_mut() {
        let Some(tx) = test.get_mut("transaction").and_then(Value::as_object_mut) else {
            continue;
        };
        let mut found = Vec::new();
        for (field, value) in tx.iter_mut() {
            match value {
                Value::Array(items) => {
                    for (index, item) in items.iter_mut().enumerate() {
                        if let Some(text) = rewrite(item) {
                            found.push(WideNumber {
                                field: field.clone(),
                                index: Some(index),
                                text,
                            });
                        }
                    }
                }
                item => {
                    if let Some(text) = rewrite(item) {
                        found.push(WideNumber { field: field.clone(), index: None, text });
                    }
                }
            }
        }
        if !found.is_empty() {
            wide.insert(name.clone(), found);
        }
    }
    wide
}

/// Drops the prefix of a `0x:bigint` string. If the number does not fit 256 bits it becomes
/// zero and its text is returned.
fn rewrite(item: &mut Value) -> Option<String> {
    let text = item.as_str()?.strip_prefix(PREFIX)?.trim().to_string();
    if text.parse::<U256>().is_ok() {
        *item = Value::String(text);
        None
    } else {
        *item = Value::String("0x0".into());
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_past_256_bits_is_zeroed_and_reported() {
        let mut doc = serde_json::json!({
            "t": {"transaction": {
                "value": ["0x01", "0x:bigint 0x10000000000000000000000000000000000000000000000000000000000000001"],
                "gasLimit": ["0x:bigint 0x5208"],
                "nonce": "0x00"
            }}
        });
        let wide = normalize(&mut doc);
        let tx = &doc["t"]["transaction"];
        assert_eq!(tx["value"][1], "0x0");
        assert_eq!(tx["gasLimit"][0], "0x5208");
        assert_eq!(tx["nonce"], "0x00");
        let found = &wide["t"];
        assert_eq!(found.len(), 1);
        assert!(found[0].used_by(0, 0, 1));
        assert!(!found[0].used_by(0, 0, 0));
        assert!(found[0].reason().contains("value[1]"), "{}", found[0].reason());
    }

    #[test]
    fn a_document_without_the_prefix_is_unchanged() {
        let mut doc = serde_json::json!({"t": {"transaction": {"value": ["0x01"]}}});
        let before = doc.clone();
        assert!(normalize(&mut doc).is_empty());
        assert_eq!(doc, before);
    }
}
