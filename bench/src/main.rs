//! `parley-bench`: Parley's load generator. It drives a running server through the real API
//! (server functions over HTTP, events over `/ws`), measures latency, throughput and memory,
//! and checks that every acknowledged message is stored once and delivered once, in order.
//! `cargo xtask bench` builds and starts everything and calls it; see docs/BENCHMARKS.md.

mod api;
mod chaos;
mod client;
mod clock;
mod cpu;
mod fixture;
mod ledger;
mod lighthouse;
mod report;
mod rss;
mod scenarios;
mod stats;
mod suite;
mod wasm;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::api::Api;
use crate::fixture::Fixture;
use crate::report::Report;
use crate::scenarios::Ctx;

/// Parley's load generator.
#[derive(Debug, Parser)]
#[command(name = "parley-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Every scenario, then the table and the JSON results.
    Run {
        /// The server, e.g. 127.0.0.1:3000.
        #[arg(long)]
        addr: SocketAddr,
        /// The file `parley bench-fixture` wrote.
        #[arg(long)]
        fixture: PathBuf,
        /// The server's process id (memory figures need it).
        #[arg(long)]
        server_pid: Option<u32>,
        /// The short run.
        #[arg(long)]
        quick: bool,
        /// Where to write the results.
        #[arg(long, default_value = "target/bench/results.json")]
        out: PathBuf,
        /// The client's freshly built release `pkg` folder.
        #[arg(long)]
        client_pkg: Option<PathBuf>,
        /// Why the client's release bundle was not built (its key is then null).
        #[arg(long)]
        client_missing: Option<String>,
        /// The admin console's freshly built release `pkg` folder.
        #[arg(long)]
        admin_pkg: Option<PathBuf>,
        /// Why the admin console's release bundle was not built (its key is then null).
        #[arg(long)]
        admin_missing: Option<String>,
        /// The `lighthouse` command for F2 (`node_modules/.bin/lighthouse`); without it the
        /// F2 keys are null.
        #[arg(long)]
        lighthouse: Option<PathBuf>,
        /// The Chromium Lighthouse drives.
        #[arg(long, default_value = "/usr/bin/chromium")]
        chromium: PathBuf,
        /// Extra `key=value` facts for the report (machine, database).
        #[arg(long = "about")]
        about: Vec<String>,
        /// Run only these scenarios (p1, p4, p5, p6, p8, s1, m1, m2, f1, f2, soak); the others' keys are null.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// The correctness check alone: a few pairs and a small group for a few seconds; fails
    /// unless nothing was lost, duplicated or reordered.
    Check {
        /// The server, e.g. 127.0.0.1:3000.
        #[arg(long)]
        addr: SocketAddr,
        /// The file `parley bench-fixture` wrote.
        #[arg(long)]
        fixture: PathBuf,
        /// How long to send (seconds).
        #[arg(long, default_value_t = 3)]
        seconds: u64,
    },
    /// One fault scenario's load for `cargo xtask chaos` (which causes the fault): sends with
    /// retries, devices that reconnect and resume, then the ledger check; the outcome is added
    /// to the results file. Sends until stdin says `stop` (or ends).
    ChaosLoad {
        /// The scenario, e.g. server_sigkill_sqlite.
        #[arg(long)]
        scenario: String,
        /// A server node, e.g. 127.0.0.1:3000 (repeat for several nodes).
        #[arg(long = "addr", required = true)]
        addrs: Vec<SocketAddr>,
        /// The file `parley bench-fixture` wrote.
        #[arg(long)]
        fixture: PathBuf,
        /// The short run.
        #[arg(long)]
        quick: bool,
        /// The results file the outcome is added to.
        #[arg(long, default_value = "target/chaos/results.json")]
        results: PathBuf,
        /// The server's process id (its memory is watched in slow_consumer).
        #[arg(long)]
        server_pid: Option<u32>,
        /// The longest the whole run may take (seconds).
        #[arg(long, default_value_t = 600)]
        limit: u64,
    },
    /// Prints the chaos results table and fails unless every expected scenario ran clean; with
    /// --failed, records instead that a scenario could not run.
    ChaosReport {
        /// The results file.
        #[arg(long, default_value = "target/chaos/results.json")]
        results: PathBuf,
        /// The scenarios that must be present and clean.
        #[arg(long, value_delimiter = ',')]
        expect: Vec<String>,
        /// Record this scenario as not run (with --reason).
        #[arg(long, requires = "reason")]
        failed: Option<String>,
        /// Why it could not run.
        #[arg(long)]
        reason: Option<String>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("parley-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    crate::clock::now_ns();
    match cli.command {
        Command::Run {
            addr,
            fixture,
            server_pid,
            quick,
            out,
            client_pkg,
            client_missing,
            admin_pkg,
            admin_missing,
            lighthouse,
            chromium,
            about,
            only,
        } => {
            let ctx = context(addr, &fixture, server_pid, quick)?;
            let bundle = |pkg: Option<PathBuf>, missing: Option<String>| match (pkg, missing) {
                (_, Some(why)) => Err(why),
                (Some(pkg), None) => Ok(pkg),
                (None, None) => Err("no bundle folder given".to_owned()),
            };
            let wasm = suite::Wasm {
                client: bundle(client_pkg, client_missing),
                admin: bundle(admin_pkg, admin_missing),
            };
            let lighthouse = lighthouse
                .map(|lighthouse| lighthouse::Tools {
                    lighthouse,
                    chromium,
                })
                .ok_or_else(|| "no lighthouse command given (--lighthouse)".to_owned());
            let mut report = Report::default();
            let facts: serde_json::Map<String, serde_json::Value> = about
                .iter()
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_owned(), serde_json::Value::from(v)))
                .collect();
            report.detail("about", serde_json::Value::Object(facts));
            let outcome = suite::run(&ctx, &wasm, &lighthouse, &only, &mut report).await;
            report.write(&out)?;
            println!("\n{}", report.table());
            println!("results: {}", out.display());
            Ok(if outcome.is_clean() {
                ExitCode::SUCCESS
            } else {
                eprintln!("parley-bench: messages were lost, duplicated or reordered");
                ExitCode::FAILURE
            })
        }
        Command::Check {
            addr,
            fixture,
            seconds,
        } => {
            let ctx = context(addr, &fixture, None, true)?;
            let outcome = scenarios::check::run(&ctx, Duration::from_secs(seconds)).await?;
            println!(
                "check: lost {} duplicated {} out of order {} unexpected {} ({} checked)",
                outcome.lost,
                outcome.duplicated,
                outcome.out_of_order,
                outcome.unexpected,
                outcome.checked
            );
            anyhow::ensure!(outcome.is_clean(), "the correctness check failed");
            Ok(ExitCode::SUCCESS)
        }
        Command::ChaosLoad {
            scenario,
            addrs,
            fixture,
            quick,
            results,
            server_pid,
            limit,
        } => {
            chaos::load(chaos::LoadArgs {
                scenario,
                addrs,
                fixture,
                quick,
                results,
                server_pid,
                limit: Duration::from_secs(limit),
            })
            .await
        }
        Command::ChaosReport {
            results,
            expect,
            failed,
            reason,
        } => chaos::report(&results, failed.zip(reason), &expect),
    }
}

fn context(
    addr: SocketAddr,
    fixture: &std::path::Path,
    server_pid: Option<u32>,
    quick: bool,
) -> anyhow::Result<Ctx> {
    let fixture = Fixture::load(fixture).context("the fixture")?;
    Ok(Ctx {
        api: Api::new(&format!("http://{addr}"))?,
        server: addr,
        server_pid,
        fixture,
        quick,
    })
}
