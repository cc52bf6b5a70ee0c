//! The `parley` server binary: building its command line, and running it in the background
//! for the end-to-end tests.

use std::collections::BTreeSet;
use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, PoisonError};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::http;
use crate::paths::Paths;
use crate::process::describe;
use crate::ui::note;

/// A `parley` command run from the workspace root, pointed at the built sites unless the
/// environment already says where they are.
pub fn command(paths: &Paths, release: bool) -> Command {
    let mut cmd = Command::new(paths.server_binary(release));
    cmd.current_dir(&paths.root);
    for (var, site) in [
        ("PARLEY_SITE_ROOT", paths.client_site()),
        ("PARLEY_ADMIN_SITE_ROOT", paths.admin_site()),
    ] {
        if std::env::var_os(var).is_none() {
            cmd.env(var, site);
        }
    }
    cmd
}

/// A `parley` command that ignores the caller's `PARLEY_*`, `DATABASE_URL` and `REDIS_URL`
/// settings: it uses the built sites, a SQLite database in `data_dir` and listens on `addr`.
pub fn isolated_command(paths: &Paths, data_dir: &Path, addr: SocketAddr) -> Command {
    let mut cmd = Command::new(paths.server_binary(false));
    cmd.current_dir(&paths.root);
    for (var, _) in std::env::vars_os() {
        let name = var.to_string_lossy();
        if name.starts_with("PARLEY_") || name == "DATABASE_URL" || name == "REDIS_URL" {
            cmd.env_remove(&var);
        }
    }
    cmd.env("PARLEY_ADDR", addr.to_string())
        .env("PARLEY_DATA_DIR", data_dir)
        .env("PARLEY_SITE_ROOT", paths.client_site())
        .env("PARLEY_ADMIN_SITE_ROOT", paths.admin_site());
    cmd
}

/// Runs `cmd` to completion with its output appended to `log`.
pub fn run_logged(cmd: &mut Command, log: &Path) -> Result<()> {
    let status = cmd
        .stdin(Stdio::null())
        .stdout(log_file(log)?)
        .stderr(log_file(log)?)
        .status()
        .map_err(|err| Error::io(format!("could not start `{}`", describe(cmd)), &err))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(format!("`{}` failed ({status})", describe(cmd))))
    }
}

/// A server running in the background; stopped when dropped.
#[derive(Debug)]
pub struct Background {
    child: Child,
    addr: SocketAddr,
}

impl Background {
    /// Starts `cmd` (a `parley serve` listening on `addr`) with its output appended to `log`.
    pub fn start(cmd: &mut Command, addr: SocketAddr, log: &Path) -> Result<Self> {
        note(&format!("$ {} (log: {})", describe(cmd), log.display()));
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log_file(log)?)
            .stderr(log_file(log)?)
            .spawn()
            .map_err(|err| Error::io(format!("could not start `{}`", describe(cmd)), &err))?;
        Ok(Self { child, addr })
    }

    /// The server's process id (a `sh -c '…; exec parley …'` wrapper keeps it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's base URL, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Waits until `GET path` answers 200, failing early when the server exits.
    pub fn wait_ready(&mut self, path: &str, timeout: Duration) -> Result<()> {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(Error::new(format!(
                    "the server exited before it was ready ({status})"
                )));
            }
            if http::get_status(self.addr, path, Duration::from_secs(2)) == Some(200) {
                note(&format!(
                    "{}{path} answered 200 after {:.1} s",
                    self.base_url(),
                    started.elapsed().as_secs_f32()
                ));
                return Ok(());
            }
            if started.elapsed() > timeout {
                return Err(Error::new(format!(
                    "{}{path} did not answer 200 within {} s",
                    self.base_url(),
                    timeout.as_secs()
                )));
            }
            sleep(Duration::from_millis(250));
        }
    }

    /// Kills the server at once with SIGKILL, as a crash or the OOM killer would, and waits
    /// for it to be gone.
    pub fn kill(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        // `Child::kill` is SIGKILL on Unix; an error means it is already gone.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Stops the server: SIGTERM first so it can shut down cleanly, SIGKILL after 10 s.
    pub fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let pid = self.child.id().to_string();
        let asked = Command::new("kill")
            .args(["-TERM", &pid])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if asked {
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                sleep(Duration::from_millis(100));
            }
        }
        // Already gone or not stoppable: nothing more to do either way.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now and that this process has not
/// handed out before: a port picked for a server that has not bound it yet is never picked
/// again for another one.
pub fn free_port() -> Result<u16> {
    /// Ports already handed out by this process.
    static GIVEN: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    /// How many ports the kernel may offer before giving up on a fresh one.
    const ATTEMPTS: usize = 64;
    let mut given = GIVEN.lock().unwrap_or_else(PoisonError::into_inner);
    for _ in 0..ATTEMPTS {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|addr| addr.port())
            .map_err(|err| Error::io("finding a free port on 127.0.0.1", &err))?;
        if given.insert(port) {
            return Ok(port);
        }
    }
    Err(Error::new(
        "finding a free port on 127.0.0.1: the kernel kept offering ports already handed out",
    ))
}

/// Ends a task that ran a server with its log and scratch folder in `dir`: on success the folder
/// goes; on failure the log's tail is printed (with `hint`, if any) and the error names `what`.
pub fn conclude(
    outcome: Result<()>,
    dir: &Path,
    log: &Path,
    what: &str,
    hint: Option<&str>,
) -> Result<()> {
    const LOG_TAIL_LINES: usize = 60;
    match outcome {
        Ok(()) => {
            // Nothing in the folder is worth keeping after a passing run.
            let _ = std::fs::remove_dir_all(dir);
            Ok(())
        }
        Err(err) => {
            eprintln!("\nServer log: {}", log.display());
            eprintln!("--- last {LOG_TAIL_LINES} lines ---");
            eprintln!("{}", tail(log, LOG_TAIL_LINES));
            eprintln!("--- end of server log ---");
            if let Some(hint) = hint {
                eprintln!("{hint}");
            }
            Err(Error::new(format!("{what}: {err}")))
        }
    }
}

/// The last `lines` lines of the file at `path` (empty when it cannot be read).
pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn log_file(path: &Path) -> Result<File> {
    File::options()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|err| Error::io(format!("opening {}", path.display()), &err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_last_lines() {
        let dir = std::env::temp_dir().join(format!("parley-xtask-tail-{}", std::process::id()));
        let file = dir.join("log");
        let written =
            std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&file, "a\nb\nc\n"));
        assert!(written.is_ok());
        assert_eq!(tail(&file, 2), "b\nc");
        assert_eq!(tail(&file, 10), "a\nb\nc");
        assert_eq!(tail(&dir.join("missing"), 3), "");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn free_ports_are_on_loopback() {
        assert!(free_port().is_ok_and(|port| port > 0));
    }

    #[test]
    fn a_free_port_is_never_handed_out_twice() {
        let ports: Vec<u16> = (0..200).filter_map(|_| free_port().ok()).collect();
        assert_eq!(ports.len(), 200);
        let distinct: std::collections::BTreeSet<u16> = ports.iter().copied().collect();
        assert_eq!(distinct.len(), ports.len());
    }
}
