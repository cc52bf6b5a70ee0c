//! `cargo xtask chaos [--quick]`: the fault matrix. Each scenario gets a fresh database
//! (`parley bench-fixture`), a debug `parley serve` on loopback, and `parley-bench chaos-load`
//! for its steady load (senders retrying with the same client id, devices reconnecting and
//! resuming); meanwhile this task causes the scenario's fault: SIGKILL of the server, a
//! restart of a PostgreSQL or Redis of the run's own, a killed node of two, a full disk.
//! The generator checks the ledger at the end and records the scenario in
//! `target/chaos/results.json`; `parley-bench chaos-report` prints the table, and the task
//! fails unless every scenario ran and nothing was lost or duplicated. Every process started
//! here is stopped when its scenario ends, whatever the outcome.

mod generator;
mod postgres;
mod redis;
mod tmpfs;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use self::generator::{Generator, Verdict};
use self::postgres::Cluster;
use self::redis::Redis;
use self::tmpfs::Tmpfs;
use super::bench::with_fd_limit;
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::process::{self, cargo_native};
use crate::server::{self, Background};
use crate::ui::{header, note};

/// What `cargo xtask chaos` was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    /// The short run (all scenarios, a few seconds of load each).
    pub quick: bool,
    /// Only these scenarios (all when empty).
    pub only: Vec<String>,
}

/// The scenarios, in the order they run (the names `parley-bench chaos-load` knows).
pub const SCENARIOS: [&str; 7] = [
    "reconnect_storm_while_sending",
    "server_sigkill_sqlite",
    "postgres_restart",
    "two_nodes_redis_restart",
    "slow_consumer",
    "reconnect_storm",
    "disk_full",
];

/// Messages per second each user may send: far above a person's, as in the benchmark.
const SEND_RATE: &str = "1000000";
/// How long a server may take to answer `/readyz`.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the generator may take to connect its devices and start sending.
const LOAD_START_TIMEOUT: Duration = Duration::from_secs(180);
/// The tmpfs of `disk_full` while the fixture is written, and once space is back.
const ROOMY_DISK_KIB: u64 = 64 * 1024;
/// Free space left on it for the server's writes.
const DISK_HEADROOM_KIB: u64 = 1024;
/// Lines of each log shown for a scenario that is not clean.
const LOG_TAIL_LINES: usize = 25;

/// Users, friend pairs and group size of a scenario's fixture.
#[derive(Debug, Clone, Copy)]
struct FixtureSpec {
    users: usize,
    pairs: usize,
    group: usize,
}

/// Eight pairs (their first users send) and a group of eight, everyone online on two devices.
const SMALL: FixtureSpec = FixtureSpec {
    users: 16,
    pairs: 8,
    group: 8,
};

/// Runs every scenario and prints the table.
pub fn chaos(paths: &Paths, options: &Options) -> Result<()> {
    if let Some(unknown) = options
        .only
        .iter()
        .find(|name| !SCENARIOS.contains(&name.as_str()))
    {
        return Err(Error::new(format!(
            "unknown chaos scenario {unknown} (known: {})",
            SCENARIOS.join(", ")
        )));
    }
    let selected: Vec<&'static str> = SCENARIOS
        .into_iter()
        .filter(|name| options.only.is_empty() || options.only.iter().any(|o| o == name))
        .collect();
    header("Chaos: cargo build -p server -p bench");
    process::run(
        cargo_native()
            .args(["build", "-p", "server", "-p", "bench"])
            .current_dir(&paths.root),
    )?;
    let results = paths.target_dir.join("chaos").join("results.json");
    match std::fs::remove_file(&results) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(Error::io(format!("removing {}", results.display()), &err)),
    }
    let run = Run {
        paths,
        quick: options.quick,
        bench: paths.target_dir.join("debug").join("parley-bench"),
        results,
    };
    let started = Instant::now();
    let mut cluster: Option<Cluster> = None;
    for name in selected.iter().copied() {
        header(&format!("Chaos: {name}"));
        let scenario_started = Instant::now();
        let scene = Scene::new(name)?;
        let outcome = match name {
            "reconnect_storm_while_sending" => reconnect_storm_while_sending(&run, &scene),
            "server_sigkill_sqlite" => server_sigkill_sqlite(&run, &scene),
            "postgres_restart" => postgres_restart(&run, &scene, &mut cluster),
            "two_nodes_redis_restart" => two_nodes_redis_restart(&run, &scene, &mut cluster),
            "slow_consumer" => slow_consumer(&run, &scene),
            "reconnect_storm" => reconnect_storm(&run, &scene),
            "disk_full" => disk_full(&run, &scene),
            other => Err(Error::new(format!("no orchestration for {other}"))),
        };
        let took = scenario_started.elapsed().as_secs_f32();
        match outcome {
            Ok(Verdict::Clean) => {
                note(&format!("{name}: clean ({took:.0} s)"));
                scene.remove();
            }
            Ok(Verdict::NotClean) => {
                note(&format!(
                    "{name}: NOT CLEAN ({took:.0} s); logs kept in {}",
                    scene.dir.display()
                ));
                scene.show_logs(cluster.as_ref().map(Cluster::log));
            }
            Err(err) => {
                note(&format!(
                    "{name}: did not run: {err} ({took:.0} s); logs kept in {}",
                    scene.dir.display()
                ));
                scene.show_logs(cluster.as_ref().map(Cluster::log));
                run.record_failure(name, &err.to_string())?;
            }
        }
    }
    drop(cluster);

    header(&format!(
        "Chaos: results ({:.0} s)",
        started.elapsed().as_secs_f32()
    ));
    let mut report = Command::new(&run.bench);
    report
        .current_dir(&paths.root)
        .args(["chaos-report", "--expect", &selected.join(","), "--results"])
        .arg(&run.results);
    process::run(&mut report).map_err(|_| {
        Error::new(format!(
            "chaos: a scenario lost or duplicated messages, failed a check or did not run (see {})",
            run.results.display()
        ))
    })
}

/// What every scenario works with.
struct Run<'a> {
    paths: &'a Paths,
    quick: bool,
    bench: PathBuf,
    results: PathBuf,
}

impl Run<'_> {
    /// `quick` seconds in the short run, else `full`.
    fn secs(&self, quick: u64, full: u64) -> Duration {
        Duration::from_secs(if self.quick { quick } else { full })
    }

    /// The generator's own time limit (it stops the load itself well before).
    fn limit(&self) -> Duration {
        self.secs(180, 600)
    }

    /// How long the generator may take from the stop to its recorded result.
    fn finish_timeout(&self) -> Duration {
        self.secs(90, 180)
    }

    /// A `parley` command for `scene`, ignoring the caller's settings: on `database` (else
    /// SQLite in the scene's data folder), with `redis` when given, logging warnings only,
    /// with the per-user send rate raised.
    fn parley(
        &self,
        scene: &Scene,
        addr: SocketAddr,
        database: Option<&str>,
        redis: Option<&str>,
    ) -> Command {
        let mut cmd = server::isolated_command(self.paths, &scene.data, addr);
        cmd.env("RUST_LOG", "warn")
            .env("PARLEY_SEND_RATE", SEND_RATE);
        if let Some(url) = database {
            cmd.env("DATABASE_URL", url);
        }
        if let Some(url) = redis {
            cmd.env("REDIS_URL", url);
        }
        cmd
    }

    /// Fills the scene's fresh database with `parley bench-fixture`.
    fn fixture(&self, scene: &Scene, database: Option<&str>, spec: FixtureSpec) -> Result<()> {
        let mut cmd = self.parley(scene, loopback()?, database, None);
        cmd.arg("bench-fixture")
            .args(["--users", &spec.users.to_string()])
            .args(["--pairs", &spec.pairs.to_string()])
            .args(["--group-size", &spec.group.to_string()])
            .arg("--out")
            .arg(&scene.fixture);
        note(&format!(
            "fixture: {} users, {} pairs, a group of {}",
            spec.users, spec.pairs, spec.group
        ));
        server::run_logged(&mut cmd, &scene.dir.join("fixture.log"))
    }

    /// Starts `parley serve` for `scene` at `addr` (log `log` in the scene's folder) and
    /// waits until it is ready.
    fn serve(
        &self,
        scene: &Scene,
        addr: SocketAddr,
        database: Option<&str>,
        redis: Option<&str>,
        log: &str,
    ) -> Result<Background> {
        let mut cmd = self.parley(scene, addr, database, redis);
        cmd.arg("serve");
        let mut served = Background::start(&mut with_fd_limit(cmd), addr, &scene.dir.join(log))?;
        served.wait_ready("/readyz", READY_TIMEOUT)?;
        Ok(served)
    }

    /// Starts the scenario's load against `addrs` and waits until it runs.
    fn load(
        &self,
        scene: &Scene,
        addrs: &[SocketAddr],
        server_pid: Option<u32>,
    ) -> Result<Generator> {
        let mut cmd = Command::new(&self.bench);
        cmd.current_dir(&self.paths.root)
            .args(["chaos-load", "--scenario", scene.name])
            .arg("--fixture")
            .arg(&scene.fixture)
            .arg("--results")
            .arg(&self.results)
            .args(["--limit", &self.limit().as_secs().to_string()]);
        for addr in addrs {
            cmd.args(["--addr", &addr.to_string()]);
        }
        if self.quick {
            cmd.arg("--quick");
        }
        if let Some(pid) = server_pid {
            cmd.args(["--server-pid", &pid.to_string()]);
        }
        let mut generator = Generator::start(&mut with_fd_limit(cmd))?;
        generator.wait_for("ready", LOAD_START_TIMEOUT)?;
        Ok(generator)
    }

    /// Records in the results that `name` could not run.
    fn record_failure(&self, name: &str, reason: &str) -> Result<()> {
        let mut cmd = Command::new(&self.bench);
        cmd.current_dir(&self.paths.root)
            .args([
                "chaos-report",
                "--failed",
                name,
                "--reason",
                reason,
                "--results",
            ])
            .arg(&self.results);
        process::run(&mut cmd)
    }
}

/// One scenario's scratch folder: data, fixture and logs.
struct Scene {
    name: &'static str,
    dir: PathBuf,
    data: PathBuf,
    fixture: PathBuf,
}

impl Scene {
    fn new(name: &'static str) -> Result<Self> {
        let dir = crate::scratch::fresh_dir(&format!("parley-chaos-{name}"))?;
        Ok(Self {
            name,
            data: dir.join("data"),
            fixture: dir.join("fixture.json"),
            dir,
        })
    }

    /// Deletes the folder (after a clean run nothing in it is worth keeping).
    fn remove(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    /// Prints the end of every log of the scene (and of `extra`).
    fn show_logs(&self, extra: Option<&Path>) {
        let mut logs: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "log"))
            .collect();
        logs.sort();
        logs.extend(extra.map(Path::to_path_buf));
        for log in logs {
            let tail = server::tail(&log, LOG_TAIL_LINES);
            if !tail.trim().is_empty() {
                eprintln!(
                    "--- {} (last {LOG_TAIL_LINES} lines) ---\n{tail}",
                    log.display()
                );
            }
        }
    }
}

/// A free port on 127.0.0.1.
fn loopback() -> Result<SocketAddr> {
    Ok(SocketAddr::from(([127, 0, 0, 1], server::free_port()?)))
}

/// The run's PostgreSQL, created on first use and started if a scenario left it stopped.
fn running_cluster(cluster: &mut Option<Cluster>) -> Result<&mut Cluster> {
    if cluster.is_none() {
        *cluster = Some(Cluster::create()?);
    }
    let cluster = cluster
        .as_mut()
        .ok_or_else(|| Error::new("the scratch PostgreSQL is missing"))?;
    if !cluster.is_running() {
        cluster.start()?;
    }
    Ok(cluster)
}

/// Devices drop their connections at random and senders cut off sends in flight, all while
/// sending; every retry reuses its client id.
fn reconnect_storm_while_sending(run: &Run, scene: &Scene) -> Result<Verdict> {
    let addr = loopback()?;
    run.fixture(scene, None, SMALL)?;
    let mut served = run.serve(scene, addr, None, None, "server.log")?;
    let mut load = run.load(scene, &[addr], None)?;
    load.run_for(run.secs(8, 30))?;
    let verdict = load.finish(run.finish_timeout())?;
    served.stop();
    Ok(verdict)
}

/// The server is killed with SIGKILL mid-traffic and started again on the same SQLite file
/// and port (twice in the full run).
fn server_sigkill_sqlite(run: &Run, scene: &Scene) -> Result<Verdict> {
    let addr = loopback()?;
    run.fixture(scene, None, SMALL)?;
    let mut served = run.serve(scene, addr, None, None, "server.log")?;
    let mut load = run.load(scene, &[addr], None)?;
    for _ in 0..if run.quick { 1 } else { 2 } {
        load.run_for(run.secs(3, 8))?;
        note("SIGKILL the server");
        served.kill();
        load.run_for(run.secs(1, 2))?;
        note("starting it again on the same database and port");
        served = run.serve(scene, addr, None, None, "server.log")?;
    }
    load.run_for(run.secs(4, 8))?;
    let verdict = load.finish(run.finish_timeout())?;
    served.stop();
    Ok(verdict)
}

/// The scenario's own PostgreSQL is stopped and started again under load (a fast shutdown;
/// in the full run also an immediate one, i.e. crash recovery).
fn postgres_restart(run: &Run, scene: &Scene, cluster: &mut Option<Cluster>) -> Result<Verdict> {
    let addr = loopback()?;
    let cluster = running_cluster(cluster)?;
    let url = cluster.create_database("parley_chaos_restart")?;
    run.fixture(scene, Some(&url), SMALL)?;
    let mut served = run.serve(scene, addr, Some(&url), None, "server.log")?;
    let mut load = run.load(scene, &[addr], None)?;
    let modes: &[&str] = if run.quick {
        &["fast"]
    } else {
        &["fast", "immediate"]
    };
    for mode in modes {
        load.run_for(run.secs(3, 8))?;
        note(&format!("stopping PostgreSQL ({mode})"));
        cluster.stop(mode)?;
        load.run_for(run.secs(2, 5))?;
        note("starting PostgreSQL again");
        cluster.start()?;
    }
    load.run_for(run.secs(4, 8))?;
    let verdict = load.finish(run.finish_timeout())?;
    served.stop();
    Ok(verdict)
}

/// Two nodes on one PostgreSQL share events through the scenario's own Redis: Redis is
/// restarted, then node A is killed and its clients move to node B.
fn two_nodes_redis_restart(
    run: &Run,
    scene: &Scene,
    cluster: &mut Option<Cluster>,
) -> Result<Verdict> {
    let (addr_a, addr_b) = (loopback()?, loopback()?);
    let cluster = running_cluster(cluster)?;
    let url = cluster.create_database("parley_chaos_two_nodes")?;
    let mut redis = Redis::start_in(&scene.dir)?;
    note(&format!("scratch Redis: {}", redis.url()));
    run.fixture(scene, Some(&url), SMALL)?;
    let mut node_a = run.serve(scene, addr_a, Some(&url), Some(&redis.url()), "node-a.log")?;
    let mut node_b = run.serve(scene, addr_b, Some(&url), Some(&redis.url()), "node-b.log")?;
    let mut load = run.load(scene, &[addr_a, addr_b], None)?;
    load.run_for(run.secs(2, 6))?;
    note("stopping Redis");
    redis.stop();
    load.run_for(run.secs(2, 5))?;
    note("starting Redis again");
    redis.start()?;
    load.run_for(run.secs(3, 6))?;
    note("SIGKILL node A");
    node_a.kill();
    load.run_for(run.secs(4, 8))?;
    let verdict = load.finish(run.finish_timeout())?;
    node_b.stop();
    Ok(verdict)
}

/// One receiver stops reading its socket while the others go on.
fn slow_consumer(run: &Run, scene: &Scene) -> Result<Verdict> {
    let addr = loopback()?;
    run.fixture(scene, None, SMALL)?;
    let mut served = run.serve(scene, addr, None, None, "server.log")?;
    let mut load = run.load(scene, &[addr], Some(served.pid()))?;
    load.run_for(run.secs(16, 30))?;
    let verdict = load.finish(run.finish_timeout())?;
    served.stop();
    Ok(verdict)
}

/// Hundreds (full: 2,000) of devices drop their connections at once and reconnect within a
/// second, under steady load.
fn reconnect_storm(run: &Run, scene: &Scene) -> Result<Verdict> {
    let addr = loopback()?;
    let clients = if run.quick { 300 } else { 2000 };
    // Two devices per user, every user in a pair.
    let users = clients / 2;
    run.fixture(
        scene,
        None,
        FixtureSpec {
            users,
            pairs: users / 2,
            group: if run.quick { 50 } else { 100 },
        },
    )?;
    let mut served = run.serve(scene, addr, None, None, "server.log")?;
    let mut load = run.load(scene, &[addr], None)?;
    load.run_for(run.secs(8, 15))?;
    let verdict = load.finish(run.finish_timeout())?;
    served.stop();
    Ok(verdict)
}

/// The database's file system fills up (a tmpfs with 1 MiB free): sends must fail with an
/// error code; then the space comes back, the server is restarted and must accept sends again.
fn disk_full(run: &Run, scene: &Scene) -> Result<Verdict> {
    let addr = loopback()?;
    let mount = scene.dir.join("disk");
    let disk = Tmpfs::mount(&mount, ROOMY_DISK_KIB)?;
    let url = format!("sqlite://{}", mount.join("parley.db").display());
    run.fixture(scene, Some(&url), SMALL)?;
    let used = disk.used_kib();
    disk.resize(used + DISK_HEADROOM_KIB)?;
    note(&format!(
        "the database's tmpfs: {used} KiB used, {DISK_HEADROOM_KIB} KiB free"
    ));
    let mut served = run.serve(scene, addr, Some(&url), None, "server.log")?;
    let mut load = run.load(scene, &[addr], None)?;
    load.wait_for("send-failed", run.secs(60, 120))?;
    note("the disk is full: sends fail");
    load.run_for(run.secs(2, 5))?;
    disk.resize(ROOMY_DISK_KIB)?;
    note("space is back: restarting the server");
    served.stop();
    served = run.serve(scene, addr, Some(&url), None, "server.log")?;
    load.run_for(run.secs(4, 8))?;
    let verdict = load.finish(run.finish_timeout())?;
    served.stop();
    Ok(verdict)
}
