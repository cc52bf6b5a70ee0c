//! `cargo xtask`: Parley's developer and CI entry points.
//!
//! `cargo xtask run` builds and serves Parley with demo accounts; `cargo xtask test` runs every
//! check CI runs; `cargo xtask bench` measures a release build under load; `cargo xtask chaos`
//! runs the fault matrix. Standard library only, so it builds in seconds.

mod cli;
mod demo;
mod error;
mod http;
mod lockfile;
mod paths;
mod postgres;
mod process;
mod redis;
mod s3;
mod scratch;
mod server;
mod tasks;
mod tools;
mod ui;

use std::process::ExitCode;

use cli::Task;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = match cli::parse(&args) {
        Ok(task) => task,
        Err(message) => {
            eprintln!("error: {message}\n");
            eprint!("{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    let result = match task {
        Task::Help => {
            print!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Task::Announce { addr, server_pid } => tasks::run::announce(&addr, server_pid),
        Task::Run { release } => {
            paths::Paths::discover().and_then(|paths| tasks::run::run(&paths, release))
        }
        Task::Bench(options) => {
            paths::Paths::discover().and_then(|paths| tasks::bench::bench(&paths, options))
        }
        Task::Chaos(options) => {
            paths::Paths::discover().and_then(|paths| tasks::chaos::chaos(&paths, &options))
        }
        Task::Test(options) => {
            paths::Paths::discover().and_then(|paths| tasks::test::test(&paths, options))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nerror: {err}");
            ExitCode::FAILURE
        }
    }
}
