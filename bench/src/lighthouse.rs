//! F2: Lighthouse (the npm package, driving Debian's Chromium with its mobile defaults: a
//! simulated slow 4G network and a 4× slower CPU) on the log-in page and, signed in, on the
//! chat list. Each page is measured three times; the medians are reported.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;
use serde_json::Value;

/// The categories Lighthouse 12 scores, by their ids in its report.
pub const CATEGORIES: [&str; 4] = ["performance", "accessibility", "best-practices", "seo"];

/// How many times each page is measured.
pub const RUNS: usize = 3;

/// Where the tools are.
#[derive(Debug, Clone)]
pub struct Tools {
    /// The `lighthouse` command (`node_modules/.bin/lighthouse`).
    pub lighthouse: PathBuf,
    /// The browser it drives.
    pub chromium: PathBuf,
}

/// One page's medians: each category's score (0–100) and the timings that explain them.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PageScores {
    /// Category id → median score.
    pub scores: Vec<(String, f64)>,
    /// Median largest contentful paint (ms).
    pub lcp_ms: f64,
    /// Median total blocking time (ms).
    pub tbt_ms: f64,
    /// Median first contentful paint (ms).
    pub fcp_ms: f64,
}

impl PageScores {
    /// The median score of `category`.
    pub fn score(&self, category: &str) -> Option<f64> {
        self.scores
            .iter()
            .find(|(c, _)| c == category)
            .map(|(_, s)| *s)
    }
}

/// Measures `url` [`RUNS`] times, with `cookie` (a `Cookie` header) when given.
pub fn measure(
    tools: &Tools,
    url: &str,
    cookie: Option<&str>,
    scratch: &Path,
) -> anyhow::Result<PageScores> {
    let mut runs = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        let out = scratch.join(format!("lighthouse-{run}.json"));
        let mut cmd = Command::new(&tools.lighthouse);
        cmd.arg(url)
            .arg("--output=json")
            .arg(format!("--output-path={}", out.display()))
            .arg("--quiet")
            .arg(format!("--only-categories={}", CATEGORIES.join(",")))
            .arg(
                "--chrome-flags=--headless --no-sandbox --disable-gpu --disable-quic \
                 --no-first-run --disable-background-networking --disable-component-update \
                 --disable-sync",
            )
            .env("CHROME_PATH", &tools.chromium);
        if let Some(cookie) = cookie {
            let headers = serde_json::json!({ "Cookie": cookie }).to_string();
            cmd.arg(format!("--extra-headers={headers}"));
        }
        let status = cmd
            .status()
            .with_context(|| format!("starting {}", tools.lighthouse.display()))?;
        anyhow::ensure!(status.success(), "lighthouse {url} failed ({status})");
        let bytes = std::fs::read(&out).with_context(|| format!("reading {}", out.display()))?;
        let report: Value =
            serde_json::from_slice(&bytes).context("parsing Lighthouse's report")?;
        runs.push(report);
    }
    summarize(&runs)
}

/// The medians over `reports` (Lighthouse JSON reports of one page).
pub fn summarize(reports: &[Value]) -> anyhow::Result<PageScores> {
    let mut scores = Vec::new();
    for category in CATEGORIES {
        let values: Vec<f64> = reports
            .iter()
            .map(|r| {
                r["categories"][category]["score"]
                    .as_f64()
                    .map(|s| (s * 100.0).round())
                    .with_context(|| format!("no {category} score in the report"))
            })
            .collect::<anyhow::Result<_>>()?;
        scores.push((category.to_owned(), median(values)));
    }
    let audit = |id: &str| {
        median(
            reports
                .iter()
                .filter_map(|r| r["audits"][id]["numericValue"].as_f64())
                .collect(),
        )
    };
    Ok(PageScores {
        scores,
        lcp_ms: audit("largest-contentful-paint"),
        tbt_ms: audit("total-blocking-time"),
        fcp_ms: audit("first-contentful-paint"),
    })
}

/// The median of `values` (0 when empty).
fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(perf: f64, lcp: f64) -> Value {
        json!({
            "categories": {
                "performance": {"score": perf},
                "accessibility": {"score": 1.0},
                "best-practices": {"score": 0.96},
                "seo": {"score": 0.9},
            },
            "audits": {
                "largest-contentful-paint": {"numericValue": lcp},
                "total-blocking-time": {"numericValue": 10.0},
                "first-contentful-paint": {"numericValue": 900.0},
            }
        })
    }

    #[test]
    fn medians_over_the_runs() {
        let scores = summarize(&[
            report(0.9, 2000.0),
            report(0.97, 1500.0),
            report(0.95, 1800.0),
        ])
        .expect("complete reports");
        assert_eq!(scores.score("performance"), Some(95.0));
        assert_eq!(scores.score("best-practices"), Some(96.0));
        assert_eq!(scores.score("seo"), Some(90.0));
        assert_eq!(scores.lcp_ms, 1800.0);
    }

    #[test]
    fn a_report_without_scores_is_an_error() {
        assert!(summarize(&[json!({"categories": {}})]).is_err());
    }
}
