//! Rate limits on log-in (per account and per address) and sign-up (per address).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use shared::AppError;

/// How many attempts are allowed: a burst, then one more every `period`.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    /// Attempts allowed at once.
    pub burst: u32,
    /// Time for one more attempt to become available.
    pub period: Duration,
}

impl Rate {
    fn quota(self) -> Quota {
        let burst = NonZeroU32::new(self.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Quota::with_period(self.period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst)
    }
}

/// The configured limits.
#[derive(Debug, Clone, Copy)]
pub struct LimitConfig {
    /// Log-in attempts per username.
    pub login_per_account: Rate,
    /// Log-in attempts per client address.
    pub login_per_ip: Rate,
    /// Sign-ups per client address.
    pub signup_per_ip: Rate,
}

impl Default for LimitConfig {
    fn default() -> Self {
        Self {
            login_per_account: Rate {
                burst: 10,
                period: Duration::from_secs(30),
            },
            login_per_ip: Rate {
                burst: 50,
                period: Duration::from_secs(2),
            },
            signup_per_ip: Rate {
                burst: 30,
                period: Duration::from_secs(20),
            },
        }
    }
}

/// The live limiters.
pub struct Limits {
    login_account: DefaultKeyedRateLimiter<String>,
    login_ip: DefaultKeyedRateLimiter<IpAddr>,
    signup_ip: DefaultKeyedRateLimiter<IpAddr>,
}

/// The key an address is limited under: IPv4 as is, IPv6 by its /64 network (one subscriber
/// usually holds a whole /64).
fn network(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::from(segments)
        }
    }
}

fn refused(wait: Duration) -> AppError {
    AppError::RateLimited {
        retry_after_secs: wait.as_secs().max(1),
    }
}

impl Limits {
    /// Limiters with the given configuration.
    pub fn new(config: LimitConfig) -> Self {
        Self {
            login_account: RateLimiter::keyed(config.login_per_account.quota()),
            login_ip: RateLimiter::keyed(config.login_per_ip.quota()),
            signup_ip: RateLimiter::keyed(config.signup_per_ip.quota()),
        }
    }

    /// Counts a log-in attempt from `ip` against the address limit only.
    pub fn check_login_ip(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        let now = DefaultClock::default().now();
        match ip {
            Some(ip) => self
                .login_ip
                .check_key(&network(ip))
                .map_err(|n| refused(n.wait_time_from(now))),
            None => Ok(()),
        }
    }

    /// Counts a log-in attempt for `username` from `ip`; `rate_limited` when over either limit.
    pub fn check_login(&self, username: &str, ip: Option<IpAddr>) -> Result<(), AppError> {
        let now = DefaultClock::default().now();
        self.check_login_ip(ip)?;
        self.login_account
            .check_key(&username.to_owned())
            .map_err(|n| refused(n.wait_time_from(now)))
    }

    /// Counts a sign-up from `ip`.
    pub fn check_signup(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        let now = DefaultClock::default().now();
        match ip {
            Some(ip) => self
                .signup_ip
                .check_key(&network(ip))
                .map_err(|n| refused(n.wait_time_from(now))),
            None => Ok(()),
        }
    }

    /// Forgets keys whose limits have fully recovered (bounds memory).
    pub fn shrink(&self) {
        self.login_account.retain_recent();
        self.login_ip.retain_recent();
        self.signup_ip.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_account_limit_refuses_after_burst() {
        let cfg = LimitConfig {
            login_per_account: Rate {
                burst: 3,
                period: Duration::from_secs(60),
            },
            ..Default::default()
        };
        let limits = Limits::new(cfg);
        let ip = Some(IpAddr::from([127, 0, 0, 1]));
        for _ in 0..3 {
            limits.check_login("bob", ip).unwrap();
        }
        assert!(matches!(
            limits.check_login("bob", ip),
            Err(AppError::RateLimited { retry_after_secs }) if retry_after_secs >= 1
        ));
        limits.check_login("alice", ip).unwrap();
    }

    #[test]
    fn ipv6_is_limited_per_network() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(network(a), network(b));
        assert_ne!(network(a), network(c));
        assert_eq!(
            network(IpAddr::from([10, 0, 0, 1])),
            IpAddr::from([10, 0, 0, 1])
        );
    }
}
