//! A `redis-server` of the chaos run's own on a free port of 127.0.0.1 (no persistence), so
//! that it can be stopped and started under load without touching the machine's shared Redis.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::server::free_port;

/// How long Redis may take to answer `PING` after starting.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// The scratch Redis; stopped when dropped.
pub struct Redis {
    port: u16,
    dir: PathBuf,
    log: PathBuf,
    child: Option<Child>,
}

impl Redis {
    /// Starts a Redis keeping its files (none: persistence is off) and log in `dir`.
    pub fn start_in(dir: &Path) -> Result<Self> {
        let mut redis = Self {
            port: free_port()?,
            dir: dir.to_path_buf(),
            log: dir.join("redis.log"),
            child: None,
        };
        redis.start()?;
        Ok(redis)
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts it (again) on its port and waits for `PING` to be answered.
    pub fn start(&mut self) -> Result<()> {
        let log = File::options()
            .create(true)
            .append(true)
            .open(&self.log)
            .map_err(|err| Error::io(format!("opening {}", self.log.display()), &err))?;
        let err_log = log
            .try_clone()
            .map_err(|err| Error::io(format!("opening {}", self.log.display()), &err))?;
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .arg("--dir")
            .arg(&self.dir)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err_log)
            .spawn()
            .map_err(|err| Error::io("could not start redis-server", &err))?;
        self.child = Some(child);
        let started = Instant::now();
        while !self.answers() {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                return Err(Error::new(format!(
                    "redis-server exited ({status}); see {}",
                    self.log.display()
                )));
            }
            if started.elapsed() > READY_TIMEOUT {
                return Err(Error::new(format!(
                    "redis-server did not answer on port {} within {} s",
                    self.port,
                    READY_TIMEOUT.as_secs()
                )));
            }
            sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// Stops it: SIGTERM, then SIGKILL after 5 s.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let asked = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if asked {
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if matches!(child.try_wait(), Ok(Some(_))) {
                    return;
                }
                sleep(Duration::from_millis(50));
            }
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    fn answers(&self) -> bool {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
        if stream.write_all(b"PING\r\n").is_err() {
            return false;
        }
        let mut reply = [0u8; 7];
        stream.read_exact(&mut reply).is_ok() && &reply == b"+PONG\r\n"
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}
