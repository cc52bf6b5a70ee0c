//! The results: `target/bench/results.json` and the table printed at the end.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde_json::{Map, Value, json};

/// A key's goal.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// At most this.
    AtMost(f64),
    /// At least this.
    AtLeast(f64),
    /// No goal (reported for information).
    None,
}

impl Target {
    fn describe(self) -> String {
        match self {
            Target::AtMost(v) => format!("≤ {}", fmt(v)),
            Target::AtLeast(v) => format!("≥ {}", fmt(v)),
            Target::None => "—".to_owned(),
        }
    }

    fn met(self, value: f64) -> Option<bool> {
        match self {
            Target::AtMost(t) => Some(value <= t),
            Target::AtLeast(t) => Some(value >= t),
            Target::None => None,
        }
    }
}

/// The figures of one run, in the order they were set.
#[derive(Debug, Default)]
pub struct Report {
    rows: Vec<(String, Option<f64>, Target)>,
    notes: BTreeMap<String, String>,
    details: Map<String, Value>,
}

impl Report {
    /// Records `key` (null when `value` is `None`).
    pub fn set(&mut self, key: &str, value: Option<f64>, target: Target) {
        self.rows.retain(|(k, _, _)| k != key);
        self.rows.push((key.to_owned(), value, target));
    }

    /// Records why `key` is null or how to read it.
    pub fn note(&mut self, key: &str, text: impl Into<String>) {
        self.notes.insert(key.to_owned(), text.into());
    }

    /// Keeps a scenario's full measurements.
    pub fn detail(&mut self, name: &str, value: Value) {
        self.details.insert(name.to_owned(), value);
    }

    /// The JSON document: every key at the top level, plus `notes` and `details`.
    pub fn to_json(&self) -> Value {
        let mut top = Map::new();
        for (key, value, _) in &self.rows {
            top.insert(key.clone(), value.map_or(Value::Null, |v| json!(round(v))));
        }
        top.insert("notes".to_owned(), json!(self.notes));
        top.insert("details".to_owned(), Value::Object(self.details.clone()));
        Value::Object(top)
    }

    /// Writes the JSON document to `path`.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let text = serde_json::to_string_pretty(&self.to_json())?;
        std::fs::write(path, text + "\n").with_context(|| format!("writing {}", path.display()))
    }

    /// The table: key, value, target, met.
    pub fn table(&self) -> String {
        // The key column fits the longest key.
        let width = self
            .rows
            .iter()
            .map(|(key, _, _)| key.chars().count())
            .max()
            .unwrap_or(0)
            .max(26);
        let mut out = format!(
            "{:<width$} {:>14} {:>12}  {}\n",
            "key", "value", "target", "met"
        );
        for (key, value, target) in &self.rows {
            let (shown, met) = match value {
                Some(v) => (
                    fmt(*v),
                    match target.met(*v) {
                        Some(true) => "yes",
                        Some(false) => "NO",
                        None => "—",
                    },
                ),
                None => ("null".to_owned(), "n/a"),
            };
            out.push_str(&format!(
                "{key:<width$} {shown:>14} {:>12}  {met}\n",
                target.describe()
            ));
        }
        for (key, note) in &self.notes {
            out.push_str(&format!("  {key}: {note}\n"));
        }
        out
    }
}

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn fmt(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_top_level_and_nulls_explained() {
        let mut r = Report::default();
        r.set("p4_p50_ms", Some(0.25), Target::AtMost(0.5));
        r.set("f1_client_wasm_brotli_kb", None, Target::AtMost(250.0));
        r.note("f1_client_wasm_brotli_kb", "not built");
        let j = r.to_json();
        assert_eq!(j["p4_p50_ms"], json!(0.25));
        assert!(j["f1_client_wasm_brotli_kb"].is_null());
        assert_eq!(j["notes"]["f1_client_wasm_brotli_kb"], json!("not built"));
        let table = r.table();
        assert!(table.contains("p4_p50_ms") && table.contains("yes") && table.contains("null"));
    }
}
