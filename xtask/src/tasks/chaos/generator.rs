//! The load generator of one chaos scenario (`parley-bench chaos-load`) as a child process:
//! its `@marker` lines on stdout say where the load is, a `stop` line on its stdin ends the
//! load, and its exit status says whether the scenario was clean.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::process::describe;
use crate::ui::{self, note};

/// `parley-bench chaos-load`'s exit status when the scenario ran but was not clean.
const NOT_CLEAN: i32 = 3;

/// How a scenario ended, once its load generator recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing lost or duplicated, and the fault did what it should.
    Clean,
    /// Recorded in the results with what went wrong.
    NotClean,
}

/// A running `parley-bench chaos-load`; killed when dropped.
pub struct Generator {
    child: Child,
    stdin: Option<ChildStdin>,
    markers: Receiver<String>,
    line: String,
}

impl Generator {
    /// Starts `cmd` with piped stdin and stdout (its lines are echoed, markers kept).
    pub fn start(cmd: &mut Command) -> Result<Self> {
        let line = describe(cmd);
        note(&format!("$ {line}"));
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|err| Error::io(format!("could not start `{line}`"), &err))?;
        let stdin = child.stdin.take();
        let (tx, markers) = mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if let Some(marker) = line.strip_prefix('@') {
                        // The receiver is gone once the scenario is over: nothing to tell.
                        let _ = tx.send(marker.trim().to_owned());
                    }
                    println!("    {line}");
                    ui::flush();
                }
            });
        }
        Ok(Self {
            child,
            stdin,
            markers,
            line,
        })
    }

    /// Waits for the `@name` marker (other markers are passed over).
    pub fn wait_for(&mut self, name: &str, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.markers.recv_timeout(Duration::from_millis(100)) {
                Ok(marker) if marker == name => return Ok(()),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => {
                    self.check_running(name)?;
                    if Instant::now() >= deadline {
                        return Err(Error::new(format!(
                            "the load generator did not report @{name} within {} s",
                            timeout.as_secs()
                        )));
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(Error::new(format!(
                        "the load generator ended before @{name}"
                    )));
                }
            }
        }
    }

    /// Lets the load run for `time`, failing early when the generator ends.
    pub fn run_for(&mut self, time: Duration) -> Result<()> {
        let deadline = Instant::now() + time;
        while Instant::now() < deadline {
            self.check_running("the end of the load")?;
            sleep(
                Duration::from_millis(100).min(deadline.saturating_duration_since(Instant::now())),
            );
        }
        Ok(())
    }

    fn check_running(&mut self, waiting_for: &str) -> Result<()> {
        match self.child.try_wait() {
            Ok(Some(status)) => Err(Error::new(format!(
                "the load generator ended ({status}) while waiting for {waiting_for}"
            ))),
            _ => Ok(()),
        }
    }

    /// Ends the load (`stop` on stdin, then stdin closed) and waits up to `timeout` for the
    /// generator to check and record the scenario.
    pub fn finish(&mut self, timeout: Duration) -> Result<Verdict> {
        if let Some(mut stdin) = self.stdin.take() {
            // A generator that already ended has closed its stdin: its status says the rest.
            let _ = stdin.write_all(b"stop\n");
        }
        let deadline = Instant::now() + timeout;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < deadline => sleep(Duration::from_millis(100)),
                Ok(None) => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return Err(Error::new(format!(
                        "`{}` did not finish within {} s of the stop and was killed",
                        self.line,
                        timeout.as_secs()
                    )));
                }
                Err(err) => return Err(Error::io("waiting for the load generator", &err)),
            }
        };
        match status.code() {
            Some(0) => Ok(Verdict::Clean),
            Some(NOT_CLEAN) => Ok(Verdict::NotClean),
            _ => Err(Error::new(format!("`{}` failed ({status})", self.line))),
        }
    }
}

impl Drop for Generator {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            // Already gone otherwise; nothing else to do on the way out.
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
