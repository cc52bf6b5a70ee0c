//! The run's phases, shared by every sender and device: load until `stop` (a line on stdin
//! from `cargo xtask chaos`, the end of stdin, or the run's time limit), then a settling time
//! in which unacknowledged sends are still retried, then shutdown. Also the `@marker` lines
//! on stdout that tell the orchestrator where the load is.

use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

/// The shared phase switches.
#[derive(Debug)]
pub struct Control {
    started: Instant,
    hard_deadline: Instant,
    settle: Duration,
    stopped_at: OnceLock<Instant>,
    stop: watch::Sender<bool>,
    shutdown: watch::Sender<bool>,
    storm: watch::Sender<u64>,
    failure_seen: AtomicBool,
}

impl Control {
    /// A run that retries unacknowledged sends for `settle` after the stop and ends everything
    /// after `limit` at the latest.
    pub fn new(settle: Duration, limit: Duration) -> Arc<Self> {
        let started = Instant::now();
        Arc::new(Self {
            started,
            hard_deadline: started + limit,
            settle,
            stopped_at: OnceLock::new(),
            stop: watch::channel(false).0,
            shutdown: watch::channel(false).0,
            storm: watch::channel(0).0,
            failure_seen: AtomicBool::new(false),
        })
    }

    /// Milliseconds since the run started.
    pub fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Ends the load: no new sends from now on.
    pub fn stop(&self) {
        let _ = self.stopped_at.set(Instant::now());
        self.stop.send_replace(true);
    }

    /// Whether the load has ended.
    pub fn is_stopped(&self) -> bool {
        *self.stop.borrow()
    }

    /// Resolves once the load has ended.
    pub fn stopped(&self) -> watch::Receiver<bool> {
        self.stop.subscribe()
    }

    /// When unacknowledged sends are given up: the settling time after the stop, or the
    /// run's time limit.
    pub fn give_up_at(&self) -> Instant {
        match self.stopped_at.get() {
            Some(at) => (*at + self.settle).min(self.hard_deadline),
            None => self.hard_deadline,
        }
    }

    /// Whether unacknowledged sends are given up now.
    pub fn giving_up(&self) -> bool {
        Instant::now() >= self.give_up_at()
    }

    /// The run's time limit.
    pub fn hard_deadline(&self) -> Instant {
        self.hard_deadline
    }

    /// Tells every device to close its connection and end.
    pub fn shut_down(&self) {
        self.shutdown.send_replace(true);
    }

    /// Changes once the devices must end.
    pub fn shutdown(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Tells every storm device to drop its connection and reconnect within a second.
    pub fn storm(&self) {
        self.storm.send_modify(|n| *n += 1);
    }

    /// Changes at every storm.
    pub fn storms(&self) -> watch::Receiver<u64> {
        self.storm.subscribe()
    }

    /// A send failed: the first one is announced with the `@send-failed` marker.
    pub fn send_failed(&self) {
        if !self.failure_seen.swap(true, Ordering::Relaxed) {
            marker("send-failed");
        }
    }
}

/// Resolves once `switch` is on (at once when it already is).
pub async fn until_on(switch: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is dropped here, before anything else awaits.
    let _ = switch.wait_for(|on| *on).await.map(|_| ());
}

/// Prints `@name` on its own line for the orchestrator.
pub fn marker(name: &str) {
    let mut out = std::io::stdout().lock();
    // Nobody to tell when stdout is gone.
    let _ = writeln!(out, "@{name}");
    let _ = out.flush();
}

/// Stops the load when stdin says `stop` or ends (read on a thread of its own).
pub fn stop_on_stdin(control: Arc<Control>) {
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        for line in stdin.lock().lines() {
            match line {
                Ok(line) if line.trim() == "stop" => break,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        control.stop();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sends_are_given_up_a_settling_time_after_the_stop() {
        let control = Control::new(Duration::from_millis(50), Duration::from_secs(60));
        assert!(!control.is_stopped());
        assert!(!control.giving_up());
        assert_eq!(control.give_up_at(), control.hard_deadline());
        control.stop();
        assert!(control.is_stopped());
        assert!(!control.giving_up());
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert!(control.giving_up());
    }
}
