//! `cargo xtask run [--release]`: build Parley, create the demo accounts and serve it.

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::ui::{header, note};
use crate::{demo, http, process, server, tools};

/// The address `parley serve` listens on when `PARLEY_ADDR` is not set.
const DEFAULT_ADDR: &str = "127.0.0.1:3000";
/// The hidden subcommand that prints the banner once the server answers.
pub const ANNOUNCE: &str = "__announce";

/// Builds both apps and the server, seeds the demo accounts, then serves Parley until Ctrl-C.
pub fn run(paths: &Paths, release: bool) -> Result<()> {
    header("Tools");
    tools::ensure_build_tools(paths, release)?;

    header(if release { "Build (release)" } else { "Build" });
    super::leptos_build(paths, release)?;

    let addr = std::env::var("PARLEY_ADDR").unwrap_or_else(|_| DEFAULT_ADDR.to_owned());
    let parley = || {
        let mut cmd = server::command(paths, release);
        if std::env::var_os("PARLEY_DATA_DIR").is_none() {
            cmd.env("PARLEY_DATA_DIR", "./data");
        }
        cmd
    };

    header("Demo accounts");
    process::run(parley().arg("seed-demo"))?;

    header(&format!("Serving Parley at http://{addr}/"));
    // The banner comes from a helper process that waits for the server, so it is printed
    // after the server's start-up lines instead of scrolling away above them.
    let announcer = std::env::current_exe()
        .map_err(|err| Error::io("locating the xtask binary", &err))
        .and_then(|exe| {
            Command::new(exe)
                .args([ANNOUNCE, &addr, &std::process::id().to_string()])
                .stdin(Stdio::null())
                .spawn()
                .map_err(|err| Error::io("starting the banner helper", &err))
        });
    if let Err(err) = announcer {
        note(&format!("{err}; open http://{addr}/ once the server is up"));
        println!("{}", demo::banner(&addr));
    }
    serve(parley().arg("serve"))
}

/// Replaces this process with the server: the terminal's Ctrl-C then goes to the server
/// alone, which shuts down cleanly, and the shell waits for it to finish.
#[cfg(unix)]
fn serve(cmd: &mut Command) -> Result<()> {
    use std::os::unix::process::CommandExt;
    println!("$ {}", process::describe(cmd));
    crate::ui::flush();
    let err = cmd.exec();
    Err(Error::io(
        format!("could not start `{}`", process::describe(cmd)),
        &err,
    ))
}

/// Runs the server as a child; Ctrl-C reaches it through the console it shares with us.
#[cfg(not(unix))]
fn serve(cmd: &mut Command) -> Result<()> {
    process::run(cmd)
}

/// Waits until the server at `addr` answers `/healthz`, then prints the URLs and demo logins.
/// Gives up silently when the server process `server_pid` (our parent) is gone.
pub fn announce(addr: &str, server_pid: u32) -> Result<()> {
    let target = addr
        .parse::<SocketAddr>()
        .map(|socket| {
            if socket.ip().is_unspecified() {
                SocketAddr::from(([127, 0, 0, 1], socket.port()))
            } else {
                socket
            }
        })
        .map_err(|err| Error::new(format!("PARLEY_ADDR {addr:?} is not an address: {err}")))?;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        if !parent_is(server_pid) {
            return Ok(());
        }
        if http::get_status(target, "/healthz", Duration::from_secs(2)) == Some(200) {
            println!("\n{}\n", demo::banner(addr));
            return Ok(());
        }
        sleep(Duration::from_millis(300));
    }
    Err(Error::new(format!(
        "Parley did not answer at http://{target}/healthz within 120 s"
    )))
}

/// Whether our parent process is still `pid` (a parent that exits leaves us to another one).
#[cfg(unix)]
fn parent_is(pid: u32) -> bool {
    std::os::unix::process::parent_id() == pid
}

/// Whether our parent process is still `pid` (not knowable here: assume so).
#[cfg(not(unix))]
fn parent_is(_pid: u32) -> bool {
    true
}
