//! `target/chaos/results.json`: one entry per scenario, written by each `chaos-load` run (and
//! by `chaos-report --failed` for a scenario that could not run), read back for the table.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One scenario's outcome.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScenarioResult {
    /// Ran, nothing lost or duplicated, and every expectation of the scenario held.
    pub ok: bool,
    /// Messages the senders tried to send (distinct client ids); `null` when it did not run.
    pub sent: Option<u64>,
    /// Of those, acknowledged by the server.
    pub acked: Option<u64>,
    /// Acknowledged messages missing from the database, plus (device, message) pairs where
    /// a receiving device never held an acknowledged message.
    pub lost: Option<u64>,
    /// Extra stored copies of one send or one seq, plus sends a device held twice.
    pub duplicated: Option<u64>,
    /// Why the scenario could not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The scenario's own expectations that did not hold (e.g. the fault had no effect).
    #[serde(default)]
    pub failures: Vec<String>,
    /// Further figures (send errors by code, reconnects, resyncs …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ScenarioResult {
    /// The entry of a scenario that could not run.
    pub fn not_run(reason: &str) -> Self {
        Self {
            error: Some(reason.to_owned()),
            ..Self::default()
        }
    }

    /// Sets `ok` from the counts, the failures and the error.
    pub fn judge(&mut self) {
        self.ok = self.error.is_none()
            && self.failures.is_empty()
            && self.lost == Some(0)
            && self.duplicated == Some(0);
    }
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// By scenario name.
    pub scenarios: BTreeMap<String, ScenarioResult>,
    /// Anything else in the file, kept as it was.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl Results {
    /// Reads `path`; a missing file is an empty result set.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("parsing {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// Writes the file (through a temporary file, so a reader never sees half of it).
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let text = serde_json::to_string_pretty(self)? + "\n";
        let partial = path.with_extension("json.partial");
        std::fs::write(&partial, text).with_context(|| format!("writing {}", partial.display()))?;
        std::fs::rename(&partial, path).with_context(|| format!("writing {}", path.display()))
    }

    /// Adds (or replaces) one scenario's entry in the file at `path`.
    pub fn record(path: &Path, name: &str, result: ScenarioResult) -> anyhow::Result<()> {
        let mut results = Self::load(path)?;
        results.scenarios.insert(name.to_owned(), result);
        results.save(path)
    }

    /// What is wrong with the run: scenarios missing from `expected`, not run, or not ok.
    pub fn problems(&self, expected: &[String]) -> Vec<String> {
        let mut problems: Vec<String> = expected
            .iter()
            .filter(|name| !self.scenarios.contains_key(*name))
            .map(|name| format!("{name}: no result"))
            .collect();
        for (name, result) in &self.scenarios {
            if let Some(error) = &result.error {
                problems.push(format!("{name}: did not run: {error}"));
            } else if !result.ok {
                let mut why = Vec::new();
                for (what, count) in [("lost", result.lost), ("duplicated", result.duplicated)] {
                    if count != Some(0) {
                        why.push(format!("{what} {}", shown(count)));
                    }
                }
                why.extend(result.failures.iter().cloned());
                problems.push(format!("{name}: {}", why.join("; ")));
            }
        }
        problems
    }

    /// The table printed at the end, scenarios in the order of `order` (others after).
    /// `order` is the count of live arrivals that came after a higher seq of their
    /// conversation on the same connection (reported, not judged: a client holds messages
    /// by seq).
    pub fn table(&self, order: &[String]) -> String {
        let mut names: Vec<&String> = order
            .iter()
            .filter(|name| self.scenarios.contains_key(*name))
            .collect();
        names.extend(self.scenarios.keys().filter(|name| !order.contains(name)));
        let mut out = format!(
            "{:<31} {:>5} {:>6} {:>6} {:>5} {:>4} {:>7} {:>10} {:>5}  {}\n",
            "scenario",
            "ok",
            "sent",
            "acked",
            "lost",
            "dup",
            "unacked",
            "reconnects",
            "order",
            "failed sends"
        );
        for name in names {
            let Some(r) = self.scenarios.get(name) else {
                continue;
            };
            let verdict = match (&r.error, r.ok) {
                (Some(_), _) => "ERROR",
                (None, true) => "yes",
                (None, false) => "NO",
            };
            let number = |key: &str| r.extra.get(key).and_then(Value::as_u64);
            let errors = match r.extra.get("send_errors").and_then(Value::as_object) {
                Some(codes) if !codes.is_empty() => codes
                    .iter()
                    .map(|(code, n)| format!("{code} {}", n.as_u64().unwrap_or(0)))
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => "none".to_owned(),
            };
            out.push_str(&format!(
                "{:<31} {:>5} {:>6} {:>6} {:>5} {:>4} {:>7} {:>10} {:>5}  {}\n",
                name,
                verdict,
                shown(r.sent),
                shown(r.acked),
                shown(r.lost),
                shown(r.duplicated),
                shown(number("unacked")),
                shown(number("reconnects")),
                shown(number("out_of_order")),
                errors
            ));
        }
        out
    }
}

fn shown(value: Option<u64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn clean(sent: u64) -> ScenarioResult {
        let mut r = ScenarioResult {
            sent: Some(sent),
            acked: Some(sent),
            lost: Some(0),
            duplicated: Some(0),
            ..ScenarioResult::default()
        };
        r.extra.insert("send_errors".into(), json!({"internal": 3}));
        r.judge();
        r
    }

    #[test]
    fn the_json_has_the_documented_shape() {
        let mut results = Results::default();
        results.scenarios.insert("disk_full".into(), clean(10));
        results.scenarios.insert(
            "postgres_restart".into(),
            ScenarioResult::not_run("initdb failed"),
        );
        let value = serde_json::to_value(&results).unwrap();
        assert_eq!(value["scenarios"]["disk_full"]["sent"], json!(10));
        assert_eq!(value["scenarios"]["disk_full"]["acked"], json!(10));
        assert_eq!(value["scenarios"]["disk_full"]["lost"], json!(0));
        assert_eq!(value["scenarios"]["disk_full"]["duplicated"], json!(0));
        assert_eq!(value["scenarios"]["disk_full"]["ok"], json!(true));
        assert_eq!(
            value["scenarios"]["disk_full"]["send_errors"]["internal"],
            json!(3),
            "extra fields sit next to the counts"
        );
        assert!(value["scenarios"]["disk_full"].get("error").is_none());
        assert_eq!(value["scenarios"]["postgres_restart"]["lost"], Value::Null);
        assert_eq!(
            value["scenarios"]["postgres_restart"]["error"],
            json!("initdb failed")
        );
        let back: Results = serde_json::from_value(value).unwrap();
        assert_eq!(back, results);
    }

    #[test]
    fn a_run_is_clean_only_when_every_scenario_is() {
        let mut results = Results::default();
        let expected = vec!["a".to_owned(), "b".to_owned()];
        results.scenarios.insert("a".into(), clean(5));
        assert_eq!(results.problems(&expected), vec!["b: no result"]);
        let mut lossy = clean(5);
        lossy.lost = Some(2);
        lossy.failures.push("the fault had no effect".into());
        lossy.judge();
        assert!(!lossy.ok);
        results.scenarios.insert("b".into(), lossy);
        assert_eq!(
            results.problems(&expected),
            vec!["b: lost 2; the fault had no effect"]
        );
        results.scenarios.insert("b".into(), clean(1));
        assert!(results.problems(&expected).is_empty());
        let table = results.table(&expected);
        assert!(table.lines().nth(1).is_some_and(|l| l.starts_with('a')));
        assert!(table.contains("internal 3"));
    }

    #[test]
    fn recording_merges_into_the_file() {
        let dir = std::env::temp_dir().join(format!("parley-chaos-results-{}", std::process::id()));
        let path = dir.join("results.json");
        let _ = std::fs::remove_dir_all(&dir);
        Results::record(&path, "one", clean(1)).unwrap();
        Results::record(&path, "two", ScenarioResult::not_run("no")).unwrap();
        Results::record(&path, "one", clean(2)).unwrap();
        let back = Results::load(&path).unwrap();
        assert_eq!(back.scenarios.len(), 2);
        assert_eq!(back.scenarios["one"].sent, Some(2));
        assert!(Results::load(&dir.join("missing.json")).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
