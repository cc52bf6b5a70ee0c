//! The S3 API server the media tests store into: `PARLEY_TEST_S3_ENDPOINT` when set, else a
//! moto server (`moto[server]` from the Python package index, installed with pip when missing)
//! started on a free port for the length of the run.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::process::{self, describe};
use crate::ui::note;

/// The variable the server's integration tests read to run the S3 store tests.
pub const URL_VAR: &str = "PARLEY_TEST_S3_ENDPOINT";

/// An S3 endpoint for the tests; a moto server this run started stops when this is dropped.
pub struct S3Endpoint {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    child: Option<Child>,
}

impl S3Endpoint {
    /// The endpoint to test against, or `None` (an error when `ci`) when none can be had.
    pub fn decide(from_env: Option<String>, ci: bool, log: &Path) -> Result<Option<Self>> {
        if let Some(url) = from_env.filter(|u| !u.trim().is_empty()) {
            return Ok(Some(Self { url, child: None }));
        }
        match Self::start_moto(log) {
            Ok(endpoint) => Ok(Some(endpoint)),
            Err(e) if ci => Err(Error::new(format!(
                "no S3 API server for the media store tests and CI is set: {e}"
            ))),
            Err(e) => {
                note(&format!("S3 tests skipped: {e}"));
                Ok(None)
            }
        }
    }

    fn start_moto(log: &Path) -> Result<Self> {
        if process::probe("moto_server", &["--help"]).is_none() {
            note("moto_server not found: installing moto[server] with pip");
            let mut pip = Command::new("python3");
            pip.args(["-m", "pip", "install", "--quiet", "moto[server]"]);
            process::run(&mut pip)?;
        }
        let port = crate::server::free_port()?;
        let mut cmd = Command::new("moto_server");
        cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
        let file = std::fs::File::create(log)
            .map_err(|e| Error::io(format!("creating {}", log.display()), &e))?;
        let err = file
            .try_clone()
            .map_err(|e| Error::io(format!("opening {}", log.display()), &e))?;
        note(&format!("$ {} (log: {})", describe(&cmd), log.display()));
        let child = cmd
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(err)
            .spawn()
            .map_err(|e| Error::io("starting moto_server", &e))?;
        let mut endpoint = Self {
            url: format!("http://127.0.0.1:{port}"),
            child: Some(child),
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if crate::http::get_status(addr, "/", Duration::from_secs(2)).is_some() {
                note(&format!("moto S3 server answering at {}", endpoint.url));
                return Ok(endpoint);
            }
            if let Some(child) = endpoint.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                return Err(Error::new(format!("moto_server exited ({status})")));
            }
            sleep(Duration::from_millis(200));
        }
        Err(Error::new("moto_server did not answer within 30 s"))
    }
}

impl Drop for S3Endpoint {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
