//! `parley-bench run`: every scenario in turn against one server, then the report.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;

use crate::ledger::Outcome;
use crate::report::{Report, Target};
use crate::scenarios::{Ctx, media, p1, p4, p5, p6, p8, s1, soak};
use crate::wasm;

/// The figures each scenario's keys are compared with.
const P1_KIB: f64 = 12.0;
const P4_P50_MS: f64 = 0.5;
const P4_P99_MS: f64 = 5.0;
const P5_MSGS: f64 = 10_000.0;
const P6_P99_MS: f64 = 50.0;
const P8_P99_MS: f64 = 5.0;
/// Target for S1's 99th percentile (ms), over 1,000,000 messages.
const S1_P99_MS: f64 = 50.0;
const F1_CLIENT_KB: f64 = 250.0;
/// Target for every Lighthouse category on both pages.
const F2_SCORE: f64 = 95.0;
const SOAK_MSGS: f64 = 1_000_000.0;
/// The soak's RSS trend over its second half, percent per hour: flat.
const SOAK_SLOPE_PCT_PER_HOUR: f64 = 5.0;

/// M1's memory bound: the server's RSS above idle during 20 concurrent 10 MiB uploads.
const M1_RSS_MIB: f64 = 64.0;

/// Why a scenario's keys are null when `--only` left it out.
const NOT_SELECTED: &str = "not run (left out by --only)";

/// The note for a scenario that did not finish.
fn failure(e: &anyhow::Error) -> String {
    if e.to_string() == NOT_SELECTED {
        NOT_SELECTED.to_owned()
    } else {
        format!("failed: {e:#}")
    }
}

/// The release wasm bundles' `pkg` folders, or why each was not built.
#[derive(Debug, Clone)]
pub struct Wasm {
    /// `target/site/pkg`.
    pub client: Result<PathBuf, String>,
    /// `target/site-admin/admin/pkg`.
    pub admin: Result<PathBuf, String>,
}

/// Runs every scenario (or those named in `only`) and fills `report`; the summed correctness
/// outcome.
pub async fn run(
    ctx: &Ctx,
    wasm: &Wasm,
    lighthouse: &Result<crate::lighthouse::Tools, String>,
    only: &[String],
    report: &mut Report,
) -> Outcome {
    let quick = ctx.quick;
    let want = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    let mut total = Outcome::default();
    let mut failed: Vec<String> = Vec::new();
    report.detail(
        "mode",
        json!({
            "quick": quick,
            "users": ctx.fixture.users.len(),
            "pairs": ctx.fixture.pairs.len(),
            "generator_open_files_limit": crate::rss::open_files_limit(),
            "server_open_files_limit": ctx.server_pid.and_then(server_fd_limit),
        }),
    );

    // The real log-in path; P4's sender speaks with this session.
    let logged_in = match ctx.fixture.pairs.first() {
        Some(pair) => {
            let user = &ctx.fixture.users[pair.a];
            ctx.api.log_in(&user.username, &ctx.fixture.password).await
        }
        None => Err(anyhow::anyhow!("the fixture has no pair")),
    };

    let started = std::time::Instant::now();
    stage(started, "p1: idle connections");
    let p1 = if want("p1") {
        p1::run(ctx, &[1000, 5000, 10_000]).await
    } else {
        Err(anyhow::anyhow!(NOT_SELECTED))
    };
    match p1 {
        Ok(r) => {
            let at = |n: usize| {
                r.steps
                    .iter()
                    .find(|s| s.connections == n)
                    .map(|s| s.kib_per_conn)
            };
            report.set("p1_kib_per_conn", at(10_000), Target::AtMost(P1_KIB));
            report.set("p1_kib_per_conn_1k", at(1000), Target::None);
            report.set("p1_kib_per_conn_5k", at(5000), Target::None);
            if let Some(n) = &r.note {
                report.note("p1_kib_per_conn", n.clone());
            }
            report.detail("p1", json!(r));
        }
        Err(e) => {
            report.set("p1_kib_per_conn", None, Target::AtMost(P1_KIB));
            report.note("p1_kib_per_conn", failure(&e));
            if e.to_string() != NOT_SELECTED {
                failed.push("p1".into());
            }
        }
    }

    stage(started, "p4: one pair at 100 msg/s");
    let p4_duration = Duration::from_secs(if quick { 15 } else { 60 });
    let p4 = match &logged_in {
        _ if !want("p4") => Err(anyhow::anyhow!(NOT_SELECTED)),
        Ok(token) => p4::run(ctx, token, 100.0, p4_duration).await,
        Err(e) => Err(anyhow::anyhow!("log_in failed: {e:#}")),
    };
    match p4 {
        Ok(r) => {
            report.set("p4_p50_ms", r.p50_ms, Target::AtMost(P4_P50_MS));
            report.set("p4_p99_ms", r.p99_ms, Target::AtMost(P4_P99_MS));
            if let (Some(ack), Some(floor)) = (r.ack_p50_ms, r.http_floor_p50_ms) {
                report.note(
                    "p4_p50_ms",
                    format!(
                        "median send to HTTP answer {ack:.3} ms; an empty HTTP round trip \
                         (/healthz) {floor:.3} ms"
                    ),
                );
            }
            total.add(r.outcome);
            report.detail("p4", json!({"seconds": p4_duration.as_secs(), "result": r}));
        }
        Err(e) => {
            report.set("p4_p50_ms", None, Target::AtMost(P4_P50_MS));
            report.set("p4_p99_ms", None, Target::AtMost(P4_P99_MS));
            report.note("p4_p50_ms", failure(&e));
            if e.to_string() != NOT_SELECTED {
                failed.push("p4".into());
            }
        }
    }

    stage(started, "p5: 50 pairs, closed loop");
    let p5_duration = Duration::from_secs(if quick { 10 } else { 30 });
    let mut p5_rate = None;
    let p5 = if want("p5") || want("soak") {
        p5::run(ctx, 50, p5_duration).await
    } else {
        Err(anyhow::anyhow!(NOT_SELECTED))
    };
    match p5 {
        Ok(r) => {
            report.set(
                "p5_msgs_per_s",
                Some(r.msgs_per_s),
                Target::AtLeast(P5_MSGS),
            );
            p5_rate = Some(r.msgs_per_s);
            if let (Some(us), Some(cores)) = (r.server_cpu_us_per_msg, r.server_cores_busy) {
                report.note(
                    "p5_msgs_per_s",
                    format!(
                        "server CPU {us:.0} µs per message, {cores:.2} of the machine's cores busy"
                    ),
                );
            }
            total.add(r.outcome);
            report.detail("p5", json!({"seconds": p5_duration.as_secs(), "result": r}));
        }
        Err(e) => {
            report.set("p5_msgs_per_s", None, Target::AtLeast(P5_MSGS));
            report.note("p5_msgs_per_s", failure(&e));
            if e.to_string() != NOT_SELECTED {
                failed.push("p5".into());
            }
        }
    }

    stage(started, "p6: group with every member online");
    let p6 = if want("p6") {
        p6::run(ctx, 100).await
    } else {
        Err(anyhow::anyhow!(NOT_SELECTED))
    };
    match p6 {
        Ok(r) => {
            report.set("p6_p99_ms", r.p99_ms, Target::AtMost(P6_P99_MS));
            if r.incomplete > 0 {
                report.note(
                    "p6_p99_ms",
                    format!(
                        "{} messages did not reach every member in 10 s",
                        r.incomplete
                    ),
                );
            }
            total.add(r.outcome);
            report.detail("p6", json!(r));
        }
        Err(e) => {
            report.set("p6_p99_ms", None, Target::AtMost(P6_P99_MS));
            report.note("p6_p99_ms", failure(&e));
            if e.to_string() != NOT_SELECTED {
                failed.push("p6".into());
            }
        }
    }

    stage(started, "p8: history pages");
    let p8 = if want("p8") {
        p8::run(ctx, if quick { 300 } else { 1000 }).await
    } else {
        Err(anyhow::anyhow!(NOT_SELECTED))
    };
    match p8 {
        Ok(r) => {
            report.set("p8_p99_ms", r.p99_ms, Target::AtMost(P8_P99_MS));
            if r.history != 1_000_000 {
                report.note(
                    "p8_p99_ms",
                    format!("measured on {} messages, not 1,000,000", r.history),
                );
            }
            total.add(r.outcome);
            report.detail("p8", json!(r));
        }
        Err(e) => {
            report.set("p8_p99_ms", None, Target::AtMost(P8_P99_MS));
            report.note("p8_p99_ms", failure(&e));
            if e.to_string() != NOT_SELECTED {
                failed.push("p8".into());
            }
        }
    }

    stage(started, "s1: message search");
    let s1 = if want("s1") {
        s1::run(ctx, if quick { 200 } else { 1000 }).await
    } else {
        Err(anyhow::anyhow!(NOT_SELECTED))
    };
    match s1 {
        Ok(r) => {
            report.set("s1_search_p99_ms", r.p99_ms, Target::AtMost(S1_P99_MS));
            if r.history != 1_000_000 {
                report.note(
                    "s1_search_p99_ms",
                    format!("measured on {} messages, not 1,000,000", r.history),
                );
            }
            if r.empty > 0 {
                report.note(
                    "s1_search_p99_ms",
                    format!("{} searches found nothing", r.empty),
                );
                failed.push("s1".into());
            }
            report.detail("s1", json!(r));
        }
        Err(e) => {
            report.set("s1_search_p99_ms", None, Target::AtMost(S1_P99_MS));
            report.note("s1_search_p99_ms", failure(&e));
            if e.to_string() != NOT_SELECTED {
                failed.push("s1".into());
            }
        }
    }

    stage(started, "m1: 20 concurrent 10 MiB uploads");
    let m1 = if want("m1") {
        media::m1(ctx).await
    } else {
        Err(anyhow::anyhow!(NOT_SELECTED))
    };
    match m1 {
        Ok(r) => {
            report.set("m1_upload_mib_per_s", Some(r.mib_per_s), Target::None);
            report.set(
                "m1_rss_peak_mib",
                r.rss_peak_above_idle_mib,
                Target::AtMost(M1_RSS_MIB),
            );
            if r.rss_peak_above_idle_mib.is_none() {
                report.note(
                    "m1_rss_peak_mib",
                    "no server process id given (--server-pid)",
                );
            }
            report.detail("m1", json!(r));
        }
        Err(e) => {
            report.set("m1_upload_mib_per_s", None, Target::None);
            report.set("m1_rss_peak_mib", None, Target::AtMost(M1_RSS_MIB));
            report.note("m1_upload_mib_per_s", failure(&e));
            if e.to_string() != NOT_SELECTED {
                failed.push("m1".into());
            }
        }
    }

    stage(started, "m2: 2 MP photos, uploaded and sent");
    let m2 = if want("m2") {
        media::m2(ctx, Duration::from_secs(if quick { 10 } else { 30 })).await
    } else {
        Err(anyhow::anyhow!(NOT_SELECTED))
    };
    match m2 {
        Ok(r) => {
            report.set("m2_image_msgs_per_s", Some(r.msgs_per_s), Target::None);
            report.detail("m2", json!(r));
        }
        Err(e) => {
            report.set("m2_image_msgs_per_s", None, Target::None);
            report.note("m2_image_msgs_per_s", failure(&e));
            if e.to_string() != NOT_SELECTED {
                failed.push("m2".into());
            }
        }
    }

    if want("f1") {
        f1(wasm, report);
    }
    if want("f2") {
        stage(started, "f2: Lighthouse on /login and the chat list");
        f2(ctx, lighthouse, report).await;
    }

    stage(started, "soak");
    let soak_duration = Duration::from_secs(if quick { 60 } else { 3600 });
    let soak_target = if quick {
        Target::None
    } else {
        Target::AtLeast(SOAK_MSGS)
    };
    match p5_rate {
        _ if !want("soak") => {
            report.set("soak_msgs", None, soak_target);
            report.set("soak_rss_growth_pct", None, Target::None);
            report.set(
                "soak_rss_slope_pct_per_hour",
                None,
                Target::AtMost(SOAK_SLOPE_PCT_PER_HOUR),
            );
            report.note("soak_msgs", NOT_SELECTED);
        }
        Some(rate) if rate > 0.0 => match soak::run(ctx, 50, rate / 2.0, soak_duration).await {
            Ok(r) => {
                report.set("soak_msgs", Some(r.delivered as f64), soak_target);
                report.set("soak_rss_growth_pct", Some(r.rss_growth_pct), Target::None);
                report.set(
                    "soak_rss_slope_pct_per_hour",
                    r.rss_slope_pct_per_hour,
                    Target::AtMost(SOAK_SLOPE_PCT_PER_HOUR),
                );
                report.note(
                    "soak_rss_slope_pct_per_hour",
                    "least-squares trend of RSS over the second half of the run",
                );
                if quick {
                    report.note(
                        "soak_msgs",
                        "quick mode: a 1-minute soak (the 1,000,000 target is for the one-hour run); \
                         RSS growth from 6 s to the end",
                    );
                }
                report.note("soak_rss_growth_pct", rss_curve(&r.rss_tenths_kib));
                total.add(r.outcome);
                report.detail("soak", json!(r));
            }
            Err(e) => {
                report.set("soak_msgs", None, soak_target);
                report.set("soak_rss_growth_pct", None, Target::None);
                report.set(
                    "soak_rss_slope_pct_per_hour",
                    None,
                    Target::AtMost(SOAK_SLOPE_PCT_PER_HOUR),
                );
                report.note("soak_msgs", failure(&e));
                if e.to_string() != NOT_SELECTED {
                    failed.push("soak".into());
                }
            }
        },
        _ => {
            report.set("soak_msgs", None, soak_target);
            report.set("soak_rss_growth_pct", None, Target::None);
            report.set(
                "soak_rss_slope_pct_per_hour",
                None,
                Target::AtMost(SOAK_SLOPE_PCT_PER_HOUR),
            );
            report.note(
                "soak_msgs",
                "not run: it runs at half of p5_msgs_per_s, which is missing",
            );
        }
    }

    stage(started, "done");
    report.detail("run_seconds", json!(started.elapsed().as_secs()));
    report.set("lost", Some(total.lost as f64), Target::AtMost(0.0));
    report.set(
        "duplicated",
        Some(total.duplicated as f64),
        Target::AtMost(0.0),
    );
    report.set(
        "out_of_order",
        Some(total.out_of_order as f64),
        Target::AtMost(0.0),
    );
    report.set(
        "unexpected",
        Some(total.unexpected as f64),
        Target::AtMost(0.0),
    );
    if !failed.is_empty() {
        report.note(
            "lost",
            format!(
                "counted over the scenarios that ran; failed: {}",
                failed.join(", ")
            ),
        );
    }
    report.detail("correctness", json!(total));
    total
}

/// Prints where the run is, with the time since it started.
fn stage(started: std::time::Instant, what: &str) {
    eprintln!("== [{:>5.1} s] {what}", started.elapsed().as_secs_f32());
}

/// F1: the bundles' brotli sizes, and what the chat list loads before it is interactive.
fn f1(wasm: &Wasm, report: &mut Report) {
    for (key, bundle, target) in [
        (
            "f1_client_wasm_brotli_kb",
            &wasm.client,
            Target::AtMost(F1_CLIENT_KB),
        ),
        ("f1_admin_wasm_brotli_kb", &wasm.admin, Target::None),
    ] {
        let value = match bundle {
            Ok(dir) => wasm::kb_in(dir).map_err(|e| format!("{e:#}")),
            Err(why) => Err(why.clone()),
        };
        match value {
            Ok(kb) => report.set(key, Some(kb), target),
            Err(why) => {
                report.set(key, None, target);
                report.note(key, why);
            }
        }
    }
    let key = "f1_first_screen_wasm_brotli_kb";
    let value = match &wasm.client {
        Ok(dir) => wasm::first_screen_kb_in(dir).map_err(|e| format!("{e:#}")),
        Err(why) => Err(why.clone()),
    };
    match value {
        Ok(kb) => report.set(key, Some(kb), Target::AtMost(F1_CLIENT_KB)),
        Err(why) => {
            report.set(key, None, Target::AtMost(F1_CLIENT_KB));
            report.note(key, why);
        }
    }
}

/// F2: Lighthouse's medians on `/login` (signed out) and `/` (signed in as the first pair's
/// sender, whose chat list holds the pair's chat and the assistant's). The keys are the
/// performance scores and, per page, the lowest of the other three categories.
async fn f2(ctx: &Ctx, tools: &Result<crate::lighthouse::Tools, String>, report: &mut Report) {
    let keys = [
        ("f2_lighthouse_perf_login", "f2_lighthouse_others_min_login"),
        ("f2_lighthouse_perf_chats", "f2_lighthouse_others_min_chats"),
    ];
    let tools = match tools {
        Ok(tools) => tools.clone(),
        Err(why) => {
            for (perf, others) in keys {
                for key in [perf, others] {
                    report.set(key, None, Target::AtLeast(F2_SCORE));
                    report.note(key, why.clone());
                }
            }
            return;
        }
    };
    let cookie = ctx
        .fixture
        .pairs
        .first()
        .map(|pair| format!("parley_session={}", ctx.token(pair.a)));
    let base = format!("http://{}", ctx.server);
    let pages = [("/login", None), ("/", cookie)];
    let mut details = serde_json::Map::new();
    for ((path, cookie), (perf_key, others_key)) in pages.into_iter().zip(keys) {
        let url = format!("{base}{path}");
        let tools = tools.clone();
        let measured = tokio::task::spawn_blocking(move || {
            let scratch =
                std::env::temp_dir().join(format!("parley-lighthouse-{}", std::process::id()));
            std::fs::create_dir_all(&scratch)?;
            let scores = crate::lighthouse::measure(&tools, &url, cookie.as_deref(), &scratch);
            let _ = std::fs::remove_dir_all(&scratch);
            scores
        })
        .await
        .map_err(anyhow::Error::from)
        .and_then(|r| r);
        match measured {
            Ok(scores) => {
                let others = ["accessibility", "best-practices", "seo"]
                    .iter()
                    .filter_map(|c| scores.score(c))
                    .fold(f64::INFINITY, f64::min);
                report.set(
                    perf_key,
                    scores.score("performance"),
                    Target::AtLeast(F2_SCORE),
                );
                report.set(
                    others_key,
                    others.is_finite().then_some(others),
                    Target::AtLeast(F2_SCORE),
                );
                details.insert(path.to_owned(), json!(scores));
            }
            Err(e) => {
                for key in [perf_key, others_key] {
                    report.set(key, None, Target::AtLeast(F2_SCORE));
                    report.note(key, failure(&e));
                }
            }
        }
    }
    report.detail("f2_lighthouse", serde_json::Value::Object(details));
}

/// The open-file limit of another process, from `/proc/<pid>/limits`.
fn server_fd_limit(pid: u32) -> Option<u64> {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// The soak's RSS at each tenth of the run as a line of MB figures, e.g.
/// `RSS at each tenth of the run (MB): 132.1 133.0 … 131.9`.
fn rss_curve(tenths_kib: &[u64]) -> String {
    let figures: Vec<String> = tenths_kib
        .iter()
        .map(|kib| format!("{:.1}", *kib as f64 / 1024.0))
        .collect();
    format!("RSS at each tenth of the run (MB): {}", figures.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_curve_lists_megabytes_in_order() {
        assert_eq!(
            rss_curve(&[102_400, 104_448, 103_936]),
            "RSS at each tenth of the run (MB): 100.0 102.0 101.5"
        );
    }
}
