//! The command line of `cargo xtask`: parsing it into a [`Task`], and the usage text.

use crate::tasks::bench::Options as BenchOptions;
use crate::tasks::chaos::Options as ChaosOptions;
use crate::tasks::test::Options;

/// What `cargo xtask …` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Task {
    /// Print the usage text.
    Help,
    /// Build, seed the demo accounts and serve Parley.
    Run {
        /// Build with `--release` (optimised server and wasm).
        release: bool,
    },
    /// Run the checks.
    Test(Options),
    /// Measure a release build under load.
    Bench(BenchOptions),
    /// Run the fault matrix.
    Chaos(ChaosOptions),
    /// Internal: print the banner once the server at this address answers, unless the
    /// server process (the given pid) is gone.
    Announce {
        /// The server's listen address.
        addr: String,
        /// The server's process id.
        server_pid: u32,
    },
}

/// The usage text.
pub const USAGE: &str = "\
Parley's developer tasks

Usage: cargo xtask <task> [options]

Tasks:
  run [--release]              build the client, the admin console and the server, create the
                               demo accounts and serve Parley at http://127.0.0.1:3000/
                               (admin console at /admin; Ctrl-C stops it)
  test [--no-e2e] [--no-lint]  cargo fmt --check, clippy (native and wasm), the unit and
                               integration tests (on SQLite, and on PostgreSQL when it answers),
                               the delivery check and the fault matrix (chaos --quick), then
                               the Playwright tests in headless Chromium
  bench [--quick] [--postgres] build the release server and the load generator, fill a fresh
                               database and measure memory, latency, throughput and wasm size
                               (table on screen, figures in target/bench/results.json; --quick
                               in under 3 minutes once built; --postgres on 127.0.0.1:5432)
  chaos [--quick] [--only A,B] the fault matrix: under steady load, kill the server, restart
                               PostgreSQL and Redis, kill one of two nodes, stall a receiver,
                               storm reconnects, fill the disk; fails unless every acknowledged
                               message is stored and delivered exactly once (table on screen,
                               target/chaos/results.json; --quick in about 3 minutes once built;
                               --only runs the named scenarios)
  help                         print this text

Environment:
  PARLEY_ADDR, PARLEY_DATA_DIR   where `run` serves and keeps its data (127.0.0.1:3000, ./data)
  PARLEY_TEST_POSTGRES_URL       PostgreSQL for the integration tests
                                 (default postgres://postgres@127.0.0.1:5432/postgres if it answers)
  PARLEY_TEST_S3_ENDPOINT        an S3 API for the media store tests (default: a moto server
                                 started for the run, installed with pip when missing)
  CI                             when set, a PostgreSQL that does not answer fails `test`
";

/// Parses the arguments after `cargo xtask`; an error is a message to print with the usage.
pub fn parse(args: &[String]) -> Result<Task, String> {
    let Some((task, rest)) = args.split_first() else {
        return Err("no task given".to_owned());
    };
    match task.as_str() {
        "help" | "--help" | "-h" => Ok(Task::Help),
        "run" => {
            let mut release = false;
            for arg in rest {
                match arg.as_str() {
                    "--release" => release = true,
                    "--help" | "-h" => return Ok(Task::Help),
                    other => return Err(format!("unknown option for run: {other}")),
                }
            }
            Ok(Task::Run { release })
        }
        "test" => {
            let mut options = Options {
                lint: true,
                e2e: true,
            };
            for arg in rest {
                match arg.as_str() {
                    "--no-e2e" => options.e2e = false,
                    "--no-lint" => options.lint = false,
                    "--help" | "-h" => return Ok(Task::Help),
                    other => return Err(format!("unknown option for test: {other}")),
                }
            }
            Ok(Task::Test(options))
        }
        "bench" => {
            let mut options = BenchOptions::default();
            for arg in rest {
                match arg.as_str() {
                    "--quick" => options.quick = true,
                    "--postgres" => options.postgres = true,
                    "--help" | "-h" => return Ok(Task::Help),
                    other => return Err(format!("unknown option for bench: {other}")),
                }
            }
            Ok(Task::Bench(options))
        }
        "chaos" => {
            let mut options = ChaosOptions::default();
            let mut args = rest.iter();
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--quick" => options.quick = true,
                    "--only" => {
                        let Some(list) = args.next() else {
                            return Err("--only needs a list of scenarios".to_owned());
                        };
                        options
                            .only
                            .extend(list.split(',').filter(|s| !s.is_empty()).map(str::to_owned));
                    }
                    "--help" | "-h" => return Ok(Task::Help),
                    other => return Err(format!("unknown option for chaos: {other}")),
                }
            }
            Ok(Task::Chaos(options))
        }
        crate::tasks::run::ANNOUNCE => match rest {
            [addr, pid] => pid
                .parse()
                .map(|server_pid| Task::Announce {
                    addr: addr.clone(),
                    server_pid,
                })
                .map_err(|_| format!("not a process id: {pid}")),
            _ => Err("internal task: expected ADDR PID".to_owned()),
        },
        other => Err(format!("unknown task: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn parses_the_tasks_and_their_options() {
        assert_eq!(parse(&args("run")), Ok(Task::Run { release: false }));
        assert_eq!(
            parse(&args("run --release")),
            Ok(Task::Run { release: true })
        );
        assert_eq!(
            parse(&args("test")),
            Ok(Task::Test(Options {
                lint: true,
                e2e: true
            }))
        );
        assert_eq!(
            parse(&args("test --no-e2e --no-lint")),
            Ok(Task::Test(Options {
                lint: false,
                e2e: false
            }))
        );
        assert_eq!(
            parse(&args("bench")),
            Ok(Task::Bench(BenchOptions::default()))
        );
        assert_eq!(
            parse(&args("bench --quick --postgres")),
            Ok(Task::Bench(BenchOptions {
                quick: true,
                postgres: true
            }))
        );
        assert_eq!(
            parse(&args("chaos")),
            Ok(Task::Chaos(ChaosOptions::default()))
        );
        assert_eq!(
            parse(&args("chaos --quick --only disk_full,slow_consumer")),
            Ok(Task::Chaos(ChaosOptions {
                quick: true,
                only: vec!["disk_full".into(), "slow_consumer".into()]
            }))
        );
        assert_eq!(parse(&args("chaos -h")), Ok(Task::Help));
        assert_eq!(parse(&args("--help")), Ok(Task::Help));
        assert_eq!(parse(&args("test -h")), Ok(Task::Help));
    }

    #[test]
    fn rejects_what_it_does_not_know() {
        assert!(parse(&[]).is_err());
        assert!(parse(&args("bench --slow")).is_err());
        assert!(parse(&args("chaos --postgres")).is_err());
        assert!(parse(&args("chaos --only")).is_err());
        assert!(parse(&args("deploy")).is_err());
        assert!(parse(&args("run --fast")).is_err());
        assert!(parse(&args("test --e2e-only")).is_err());
    }
}
