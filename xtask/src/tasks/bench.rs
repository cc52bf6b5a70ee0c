//! `cargo xtask bench [--quick] [--postgres]`: makes the release build (the one `cargo xtask
//! run --release` and docs/DEPLOY.md make) and the load generator, fills a fresh database with `parley bench-fixture`, serves it on loopback and
//! runs `parley-bench run`, which prints the table and writes `target/bench/results.json`.
//! Also the small correctness run that `cargo xtask test` includes.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::process::{self, cargo_native};
use crate::server::{self, Background};
use crate::ui::{header, note};
use crate::{postgres, scratch};

/// What `cargo xtask bench` was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// The short run (under 3 minutes once built).
    pub quick: bool,
    /// PostgreSQL at 127.0.0.1:5432 instead of SQLite.
    pub postgres: bool,
}

/// Users in the benchmark fixture (one idle connection each at the largest P1 step).
const USERS: &str = "10000";
/// Friend pairs (P4 uses the first, P5 and the soak all of them).
const PAIRS: &str = "50";
/// Members of the P6 group.
const GROUP_SIZE: &str = "1000";
/// Messages in the P8 history conversation.
const HISTORY: &str = "1000000";
/// How long the server may take to answer `/readyz`.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs the benchmark.
pub fn bench(paths: &Paths, options: Options) -> Result<()> {
    header("Bench: tools (wasm target, cargo-leptos, wasm-bindgen, npm packages with wasm-opt)");
    // The release wasm build runs wasm-opt, which comes with the npm packages; without them
    // cargo-leptos would try to download binaryen itself.
    crate::tools::ensure_build_tools(paths, true)?;
    // F2 runs Lighthouse (one of the npm packages) in Debian's Chromium.
    crate::tools::ensure_chromium()?;
    // The one release build, as `cargo xtask run --release` and docs/DEPLOY.md make it: the
    // server measured is the one that serves the bundles F1 measures.
    header("Bench: release build (cargo leptos build --release --precompress)");
    super::leptos_build(paths, true)?;
    let wasm: [(&str, Result<(), String>); 2] = [("client", Ok(())), ("admin", Ok(()))];

    header("Bench: cargo build --release -p bench");
    process::run(
        cargo_native()
            .args(["build", "--release", "-p", "bench"])
            .current_dir(&paths.root),
    )?;

    let dir = scratch::fresh_dir("parley-bench")?;
    let log = dir.join("server.log");
    note(&format!("scratch folder: {}", dir.display()));
    let database = if options.postgres {
        Some(ScratchPostgres::create()?)
    } else {
        None
    };
    let addr = SocketAddr::from(([127, 0, 0, 1], server::free_port()?));
    let parley = |args: &[&str]| {
        let mut cmd = parley_command(paths, true, &dir, addr, database.as_ref());
        cmd.args(args);
        cmd
    };

    header("Bench: fixture (users, sessions, pairs, group, history)");
    let fixture = dir.join("fixture.json");
    let fixture_arg = fixture.to_string_lossy().into_owned();
    process::run(&mut parley(&[
        "bench-fixture",
        "--users",
        USERS,
        "--pairs",
        PAIRS,
        "--group-size",
        GROUP_SIZE,
        "--history",
        HISTORY,
        "--out",
        &fixture_arg,
    ]))?;

    header("Bench: serve and measure");
    let outcome = (|| {
        let mut served = Background::start(&mut with_fd_limit(parley(&["serve"])), addr, &log)?;
        served.wait_ready("/readyz", READY_TIMEOUT)?;
        let results = paths.target_dir.join("bench").join("results.json");
        let mut generator = Command::new(paths.target_dir.join("release").join("parley-bench"));
        generator.current_dir(&paths.root).args([
            "run",
            "--addr",
            &addr.to_string(),
            "--fixture",
            &fixture_arg,
            "--server-pid",
            &served.pid().to_string(),
            "--out",
            &results.to_string_lossy(),
        ]);
        if options.quick {
            generator.arg("--quick");
        }
        for (project, built) in &wasm {
            match built {
                Ok(()) => {
                    let pkg = if *project == "admin" {
                        paths.admin_site().join("admin").join("pkg")
                    } else {
                        paths.client_site().join("pkg")
                    };
                    generator.arg(format!("--{project}-pkg")).arg(pkg);
                }
                Err(why) => {
                    generator.arg(format!("--{project}-missing")).arg(why);
                }
            }
        }
        generator
            .arg("--lighthouse")
            .arg(
                paths
                    .root
                    .join("node_modules")
                    .join(".bin")
                    .join("lighthouse"),
            )
            .args(["--chromium", crate::tools::CHROMIUM]);
        let backend = if options.postgres {
            "postgres"
        } else {
            "sqlite"
        };
        for fact in machine_facts(backend) {
            generator.args(["--about", &fact]);
        }
        let mut generator = with_fd_limit(generator);
        let status = process::status(&mut generator);
        served.stop();
        process::check(&generator, status?)
    })();
    drop(database);
    server::conclude(outcome, &dir, &log, "bench", None)
}

/// The load generator's correctness run against a debug server on SQLite: a few pairs and a
/// small group for a few seconds; fails when a message is lost, duplicated or out of order.
pub fn correctness(paths: &Paths) -> Result<()> {
    header("Load generator correctness check (parley-bench check)");
    process::run(
        cargo_native()
            .args(["build", "-p", "server", "-p", "bench"])
            .current_dir(&paths.root),
    )?;
    let dir = scratch::fresh_dir("parley-bench-check")?;
    let log = dir.join("server.log");
    let addr = SocketAddr::from(([127, 0, 0, 1], server::free_port()?));
    let fixture = dir.join("fixture.json");
    let fixture_arg = fixture.to_string_lossy().into_owned();
    let outcome = (|| {
        server::run_logged(
            parley_command(paths, false, &dir, addr, None).args([
                "bench-fixture",
                "--users",
                "24",
                "--pairs",
                "4",
                "--group-size",
                "12",
                "--out",
                &fixture_arg,
            ]),
            &log,
        )?;
        let mut serve = parley_command(paths, false, &dir, addr, None);
        serve.arg("serve");
        let mut served = Background::start(&mut serve, addr, &log)?;
        served.wait_ready("/readyz", READY_TIMEOUT)?;
        let mut check = Command::new(paths.target_dir.join("debug").join("parley-bench"));
        check.current_dir(&paths.root).args([
            "check",
            "--addr",
            &addr.to_string(),
            "--fixture",
            &fixture_arg,
            "--seconds",
            "3",
        ]);
        let status = process::status(&mut check);
        served.stop();
        process::check(&check, status?)
    })();
    server::conclude(outcome, &dir, &log, "load generator check", None)
}

/// Messages per second each bench user may send.
const BENCH_SEND_RATE: &str = "1000000";

/// A `parley` command that ignores the caller's Parley settings: it listens on `addr`, keeps
/// its data in `dir` (or the scratch PostgreSQL database) and logs only warnings (a log line
/// per request would be measured too). Each P5 sender sends hundreds of messages a second, far
/// past a person's send limit: the limit is raised (it is still checked on every send, so its
/// cost is measured) rather than measuring refusals.
fn parley_command(
    paths: &Paths,
    release: bool,
    dir: &Path,
    addr: SocketAddr,
    database: Option<&ScratchPostgres>,
) -> Command {
    let mut cmd = Command::new(paths.server_binary(release));
    cmd.current_dir(&paths.root);
    for (var, _) in std::env::vars_os() {
        let name = var.to_string_lossy();
        if name.starts_with("PARLEY_") || name == "DATABASE_URL" || name == "REDIS_URL" {
            cmd.env_remove(&var);
        }
    }
    cmd.env("PARLEY_ADDR", addr.to_string())
        .env("PARLEY_DATA_DIR", dir.join("data"))
        .env("PARLEY_SITE_ROOT", paths.client_site())
        .env("PARLEY_ADMIN_SITE_ROOT", paths.admin_site())
        .env("RUST_LOG", "warn")
        .env("PARLEY_SEND_RATE", BENCH_SEND_RATE)
        .env("PARLEY_SEARCH_RATE", BENCH_SEND_RATE);
    if let Some(db) = database {
        cmd.env("DATABASE_URL", &db.url);
    }
    cmd
}

/// Wraps `cmd` in `sh` so it starts with its soft open-file limit raised to the hard limit.
pub(crate) fn with_fd_limit(cmd: Command) -> Command {
    let mut wrapped = Command::new("sh");
    wrapped
        .arg("-c")
        .arg("ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec \"$@\"")
        .arg("sh")
        .arg(cmd.get_program())
        .args(cmd.get_args());
    if let Some(dir) = cmd.get_current_dir() {
        wrapped.current_dir(dir);
    }
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => wrapped.env(key, value),
            None => wrapped.env_remove(key),
        };
    }
    wrapped
}

/// A fresh database on the local PostgreSQL, dropped again when this is dropped.
struct ScratchPostgres {
    name: String,
    url: String,
}

impl ScratchPostgres {
    fn create() -> Result<Self> {
        if !postgres::local_reachable() {
            return Err(Error::new(
                "--postgres: PostgreSQL does not answer at 127.0.0.1:5432",
            ));
        }
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let name = format!("parley_bench_{}_{nanos}", std::process::id());
        process::run(psql().arg("-c").arg(format!("CREATE DATABASE {name}")))?;
        let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
        note(&format!("PostgreSQL scratch database: {url}"));
        Ok(Self { name, url })
    }
}

impl Drop for ScratchPostgres {
    fn drop(&mut self) {
        let dropped = psql()
            .arg("-c")
            .arg(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .stdout(Stdio::null())
            .status();
        if !dropped.is_ok_and(|s| s.success()) {
            eprintln!("could not drop the scratch database {}", self.name);
        }
    }
}

fn psql() -> Command {
    let mut cmd = Command::new("psql");
    cmd.args(["-h", "127.0.0.1", "-p", "5432", "-U", "postgres", "-q"]);
    cmd
}

/// `key=value` facts about this machine for the report.
fn machine_facts(backend: &str) -> Vec<String> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let cores = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .map(|v| v.trim().to_owned())
        .unwrap_or_default();
    let fd_limit = process::probe("sh", &["-c", "ulimit -Hn"]).unwrap_or_default();
    vec![
        format!("cpu={cpu}"),
        format!("cores={cores}"),
        format!("memory={memory}"),
        format!("database={backend}"),
        format!("open_files_hard_limit={fd_limit}"),
    ]
}
