//! A PostgreSQL cluster of the chaos run's own: `initdb` in a scratch folder, started with
//! `pg_ctl` on a free port of 127.0.0.1 (socket in the same folder, trust authentication), so
//! that it can be stopped and started under load without touching the machine's shared
//! PostgreSQL. As root it runs as the `postgres` user (initdb and pg_ctl refuse root).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::process;
use crate::server::{free_port, run_logged, tail};
use crate::ui::note;

/// A running (or stopped) scratch cluster; stopped and deleted when dropped.
pub struct Cluster {
    root: PathBuf,
    data: PathBuf,
    bin: PathBuf,
    /// The server's own log (written by the `postgres` user).
    log: PathBuf,
    /// What initdb, pg_ctl and psql print.
    commands: PathBuf,
    port: u16,
    as_postgres: bool,
    running: bool,
}

impl Cluster {
    /// Creates the cluster in a fresh folder and starts it.
    pub fn create() -> Result<Self> {
        let bin = binaries()?;
        let root = crate::scratch::fresh_dir("parley-chaos-postgres")?;
        let as_postgres = process::probe("id", &["-u"]).as_deref() == Some("0");
        if as_postgres {
            process::run(Command::new("chown").args(["postgres:postgres"]).arg(&root))?;
        }
        let mut cluster = Self {
            data: root.join("data"),
            log: root.join("postgres.log"),
            commands: root.join("commands.log"),
            root,
            bin,
            port: free_port()?,
            as_postgres,
            running: false,
        };
        note(&format!(
            "scratch PostgreSQL: {} on 127.0.0.1:{}",
            cluster.data.display(),
            cluster.port
        ));
        cluster.run(cluster.tool("initdb").arg("-D").arg(&cluster.data).args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]))?;
        cluster.start()?;
        Ok(cluster)
    }

    /// One of the cluster's programs, run as `postgres` when this runs as root.
    fn tool(&self, name: &str) -> Command {
        let program = self.bin.join(name);
        if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(program);
            cmd
        } else {
            Command::new(program)
        }
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start(&mut self) -> Result<()> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.root.display()
        );
        self.run(
            self.tool("pg_ctl")
                .arg("-D")
                .arg(&self.data)
                .arg("-l")
                .arg(&self.log)
                .args(["-w", "-t", "60", "-o", &options, "start"]),
        )?;
        self.running = true;
        Ok(())
    }

    /// Stops the server (`mode`: `fast` for a normal restart, `immediate` for a crash).
    pub fn stop(&mut self, mode: &str) -> Result<()> {
        self.run(
            self.tool("pg_ctl")
                .arg("-D")
                .arg(&self.data)
                .args(["-m", mode, "-w", "-t", "60", "stop"]),
        )?;
        self.running = false;
        Ok(())
    }

    /// Whether it was started and not stopped since.
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// Creates a database and returns its URL.
    pub fn create_database(&self, name: &str) -> Result<String> {
        self.run(
            Command::new("psql")
                .args(["-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q"])
                .args(["-p", &self.port.to_string()])
                .args(["-c", &format!("CREATE DATABASE {name}")]),
        )?;
        Ok(format!(
            "postgres://postgres@127.0.0.1:{}/{name}",
            self.port
        ))
    }

    /// The server's log.
    pub fn log(&self) -> &Path {
        &self.log
    }

    /// Runs one of the cluster's commands with its output in the commands' log; on failure
    /// the error carries the end of both logs (the folder goes when the cluster is dropped).
    fn run(&self, cmd: &mut Command) -> Result<()> {
        run_logged(cmd, &self.commands).map_err(|err| {
            Error::new(format!(
                "{err}\n{}\n{}",
                tail(&self.commands, 10),
                tail(&self.log, 10)
            ))
        })
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.running && self.stop("immediate").is_err() {
            eprintln!(
                "could not stop the scratch PostgreSQL in {}",
                self.data.display()
            );
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` holding `initdb`, else the folder of the
/// `initdb` on PATH.
fn binaries() -> Result<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    process::probe("sh", &["-c", "command -v initdb"])
        .map(PathBuf::from)
        .and_then(|initdb| initdb.parent().map(Path::to_path_buf))
        .ok_or_else(|| {
            Error::new(
                "PostgreSQL's initdb was not found (in /usr/lib/postgresql/*/bin or on PATH)",
            )
        })
}
