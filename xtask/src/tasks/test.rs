//! `cargo xtask test [--no-e2e] [--no-lint]`: every check Parley's CI runs, in order,
//! stopping at the first failure.

use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use crate::error::Result;
use crate::paths::Paths;
use crate::postgres::{self, Plan};
use crate::process::{self, cargo, cargo_native};
use crate::s3::{self, S3Endpoint};
use crate::server::{self, Background};
use crate::ui::{header, note};
use crate::{redis, scratch, tools};

/// Which layers `cargo xtask test` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Run `cargo fmt --check` and clippy.
    pub lint: bool,
    /// Run the Playwright tests against a freshly built and started server.
    pub e2e: bool,
}

/// The Playwright configuration, relative to the workspace root.
const PLAYWRIGHT_CONFIG: &str = "end2end/playwright.config.ts";
/// Log-ins to one account from one address the end-to-end server allows at once: the console
/// tests log the demo administrator in from one address more often than the default 10; the
/// lock-out test reads it (`PARLEY_E2E_LOGIN_BURST`) to know when refusals start.
const E2E_LOGIN_BURST: &str = "25";
/// How long the end-to-end server may take to answer `/readyz`.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs the selected layers in order; the first failure stops the run.
pub fn test(paths: &Paths, options: Options) -> Result<()> {
    if options.lint {
        format(paths)?;
        lint(paths)?;
    }
    unit_and_integration(paths)?;
    super::bench::correctness(paths)?;
    super::chaos::chaos(
        paths,
        &super::chaos::Options {
            quick: true,
            only: Vec::new(),
        },
    )?;
    if options.e2e {
        end_to_end(paths)?;
    }
    header("All checks passed");
    Ok(())
}

fn format(paths: &Paths) -> Result<()> {
    header("Format: cargo fmt --check");
    process::run(
        cargo()
            .args(["fmt", "--all", "--", "--check"])
            .current_dir(&paths.root),
    )
}

fn lint(paths: &Paths) -> Result<()> {
    header("Lint: clippy (native workspace, wasm front ends)");
    tools::ensure_wasm_target()?;
    // `--workspace` unifies features, so the server and the apps' `ssr` side are linted here.
    let runs: [&[&str]; 2] = [
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[
            "clippy",
            "-p",
            "shared",
            "-p",
            "client-app",
            "-p",
            "admin-app",
            "--target",
            tools::WASM_TARGET,
            "--features",
            "hydrate",
            "--",
            "-D",
            "warnings",
        ],
    ];
    for args in runs {
        process::run(cargo().args(args).current_dir(&paths.root))?;
    }
    Ok(())
}

fn unit_and_integration(paths: &Paths) -> Result<()> {
    header("Unit and integration tests");
    let plan = Plan::decide(
        std::env::var(postgres::URL_VAR).ok(),
        postgres::local_reachable,
        postgres::is_ci(),
    )?;
    note(plan.describe());
    let redis_url = redis::decide(std::env::var(redis::URL_VAR).ok(), postgres::is_ci())?;
    note(match &redis_url {
        Some(_) => "Redis: running the two-node fan-out tests",
        None => "Redis not reachable: SKIPPING the two-node fan-out tests",
    });
    let s3_log = paths.target_dir.join("moto-server.log");
    let s3 = S3Endpoint::decide(std::env::var(s3::URL_VAR).ok(), postgres::is_ci(), &s3_log)?;
    note(match &s3 {
        Some(_) => "S3: running the media tests on the S3 store too",
        None => "no S3 server: SKIPPING the S3 store tests",
    });
    let with_db = |cmd: &mut Command| {
        cmd.current_dir(&paths.root);
        match &plan {
            Plan::Both(url) => cmd.env(postgres::URL_VAR, url),
            Plan::SqliteOnly => cmd.env_remove(postgres::URL_VAR),
        };
        match &redis_url {
            Some(url) => cmd.env(redis::URL_VAR, url),
            None => cmd.env_remove(redis::URL_VAR),
        };
        match &s3 {
            Some(endpoint) => cmd.env(s3::URL_VAR, &endpoint.url),
            None => cmd.env_remove(s3::URL_VAR),
        };
    };
    let nextest = cargo()
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if nextest {
        let mut run = cargo_native();
        run.args(["nextest", "run", "--workspace", "--no-fail-fast"]);
        with_db(&mut run);
        // Parley keeps its examples in tests, not doc comments: nextest (which skips doc tests)
        // runs everything there is.
        process::run(&mut run)
    } else {
        note("cargo-nextest not installed: using cargo test");
        let mut run = cargo_native();
        run.args(["test", "--workspace"]);
        with_db(&mut run);
        process::run(&mut run)
    }
}

fn end_to_end(paths: &Paths) -> Result<()> {
    header("End-to-end: tools");
    tools::ensure_build_tools(paths, true)?;
    tools::ensure_chromium()?;

    header("End-to-end: cargo leptos build");
    super::leptos_build(paths, false)?;

    header("End-to-end: Playwright in Chromium");
    let dir = scratch::fresh_dir("parley-e2e")?;
    let log = dir.join("server.log");
    let addr = SocketAddr::from(([127, 0, 0, 1], server::free_port()?));
    let data = dir.join("data");
    note(&format!("data folder: {}", data.display()));

    let seeded = server::run_logged(
        server::isolated_command(paths, &data, addr).arg("seed-demo"),
        &log,
    );
    let outcome = seeded.and_then(|()| {
        // The sign-in test runs a fake GitHub on this port.
        let github = server::free_port()?;
        let github_base = format!("http://127.0.0.1:{github}");
        // Every test signs its users up, and logs the demo administrator in, from this one
        // address; bots' webhooks post to receivers the tests start on loopback.
        let mut server = Background::start(
            server::isolated_command(paths, &data, addr)
                .arg("serve")
                .env("PARLEY_SIGNUP_BURST", "500")
                .env("PARLEY_LOGIN_BURST", E2E_LOGIN_BURST)
                .env("PARLEY_WEBHOOK_ALLOW_PRIVATE", "true")
                .env("PARLEY_GITHUB_CLIENT_ID", "parley-e2e")
                .env("PARLEY_GITHUB_CLIENT_SECRET", "parley-e2e-secret")
                .env(
                    "PARLEY_GITHUB_AUTH_URL",
                    format!("{github_base}/login/oauth/authorize"),
                )
                .env(
                    "PARLEY_GITHUB_TOKEN_URL",
                    format!("{github_base}/login/oauth/access_token"),
                )
                .env("PARLEY_GITHUB_API_URL", format!("{github_base}/api")),
            addr,
            &log,
        )?;
        server.wait_ready("/readyz", READY_TIMEOUT)?;
        let mut playwright = Command::new("npx");
        playwright
            .args(["playwright", "test", "--config", PLAYWRIGHT_CONFIG])
            .env("PARLEY_E2E_BASE_URL", server.base_url())
            .env("PARLEY_E2E_LOGIN_BURST", E2E_LOGIN_BURST)
            .env("PARLEY_E2E_GITHUB_PORT", github.to_string())
            // The release test runs a server of its own on a copy of the site.
            .env("PARLEY_E2E_SERVER_BIN", paths.server_binary(false))
            .env("PARLEY_E2E_SITE_ROOT", paths.client_site())
            .env("PARLEY_E2E_ADMIN_SITE_ROOT", paths.admin_site())
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .current_dir(&paths.root);
        let status = process::status(&mut playwright);
        server.stop();
        process::check(&playwright, status?)
    });

    server::conclude(
        outcome,
        &dir,
        &log,
        "end-to-end tests",
        Some("Playwright traces and screenshots of failed tests: end2end/test-results/"),
    )
}
