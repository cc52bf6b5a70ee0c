//! Rate limits: log-in (per account and address, per address, and a per-account slow-down),
//! sign-up and incoming webhook calls (per address) and each user's writes and searches.
//!
//! Every limiter is keyed and bounded: keys whose limits have fully recovered are forgotten by
//! [`Limits::shrink`], which the server's housekeeping runs every few minutes.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use shared::AppError;
use shared::ids::UserId;

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

    /// `per_second` sustained, with a burst of three seconds' worth.
    pub fn per_second(per_second: u32) -> Self {
        let per_second = per_second.max(1);
        Self {
            burst: per_second.saturating_mul(3),
            period: Duration::from_nanos(1_000_000_000 / u64::from(per_second)),
        }
    }
}

/// A user's action that is rate-limited per user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Sending a message.
    Send,
    /// Sending a friend request.
    FriendRequest,
    /// Asking to join a group.
    JoinRequest,
    /// Creating a group.
    CreateGroup,
    /// Searching users or groups.
    Search,
    /// Uploading a file.
    Upload,
    /// Filing a report.
    Report,
    /// Any server function call of a signed-in user: the backstop for every endpoint that has
    /// no limit of its own.
    Call,
}

/// The configured limits.
#[derive(Debug, Clone, Copy)]
pub struct LimitConfig {
    /// Log-in attempts for one username from one address (an IPv4 address or an IPv6 /64):
    /// over it, that address is refused for that account, and nobody else is.
    pub login_per_account_address: Rate,
    /// Log-in attempts for one username from anywhere: over it, attempts are slowed down (by
    /// at most [`LOGIN_SLOWDOWN_MAX`]), never refused, so a distributed guesser cannot lock the
    /// owner out.
    pub login_per_account: Rate,
    /// Log-in attempts per client address.
    pub login_per_ip: Rate,
    /// Sign-ups per client address.
    pub signup_per_ip: Rate,
    /// Incoming webhook calls per client address, counted before the token is looked up, so
    /// guessing tokens costs the server at most this many lookups.
    pub hooks_per_ip: Rate,
    /// Messages per user.
    pub sends: Rate,
    /// Friend requests per user.
    pub friend_requests: Rate,
    /// Group join requests per user.
    pub join_requests: Rate,
    /// Groups created per user.
    pub group_creations: Rate,
    /// User and group searches per user.
    pub searches: Rate,
    /// Uploads per user (an album of nine photos fits in a burst).
    pub uploads: Rate,
    /// Reports filed per user.
    pub reports: Rate,
    /// Server function calls per signed-in user, whatever the function.
    pub calls: Rate,
}

/// The longest a log-in is held back by the per-account slow-down.
pub const LOGIN_SLOWDOWN_MAX: Duration = Duration::from_secs(2);

impl Default for LimitConfig {
    fn default() -> Self {
        Self {
            login_per_account_address: Rate {
                burst: 10,
                period: Duration::from_secs(30),
            },
            login_per_account: Rate {
                burst: 30,
                period: Duration::from_secs(2),
            },
            login_per_ip: Rate {
                burst: 50,
                period: Duration::from_secs(2),
            },
            signup_per_ip: Rate {
                burst: 30,
                period: Duration::from_secs(20),
            },
            hooks_per_ip: Rate {
                burst: 60,
                period: Duration::from_millis(50),
            },
            sends: Rate::per_second(10),
            friend_requests: Rate {
                burst: 20,
                period: Duration::from_secs(30),
            },
            join_requests: Rate {
                burst: 20,
                period: Duration::from_secs(30),
            },
            group_creations: Rate {
                burst: 10,
                period: Duration::from_secs(60),
            },
            searches: Rate {
                burst: 30,
                period: Duration::from_millis(500),
            },
            uploads: Rate {
                burst: 30,
                period: Duration::from_millis(500),
            },
            reports: Rate {
                burst: 10,
                period: Duration::from_secs(60),
            },
            calls: Rate::per_second(CALLS_PER_SEND * 10),
        }
    }
}

/// Calls a user may make for each message they may send: sending is the most frequent call,
/// and each send comes with a few others (read cursors, lists).
const CALLS_PER_SEND: u32 = 5;

impl LimitConfig {
    /// These limits with `per_second` sends per user (and five times as many calls).
    pub fn with_send_rate(mut self, per_second: u32) -> Self {
        self.sends = Rate::per_second(per_second);
        self.calls = Rate::per_second(per_second.saturating_mul(CALLS_PER_SEND));
        self
    }

    /// These limits with `per_second` searches per user, sustained (the default allows two a
    /// second in bursts of thirty).
    pub fn with_search_rate(mut self, per_second: u32) -> Self {
        self.searches = Rate::per_second(per_second);
        self
    }

    /// These limits with sign-ups from one address allowed in bursts of `burst`.
    pub fn with_signup_burst(mut self, burst: u32) -> Self {
        self.signup_per_ip.burst = burst.max(1);
        self
    }

    /// Log-ins to one account from one address allowed at once before they are refused (one
    /// more every 30 s).
    pub fn with_login_burst(mut self, burst: u32) -> Self {
        self.login_per_account_address.burst = burst.max(1);
        self
    }
}

/// The live limiters.
pub struct Limits {
    login_account_address: DefaultKeyedRateLimiter<(String, IpAddr)>,
    login_account: DefaultKeyedRateLimiter<String>,
    login_ip: DefaultKeyedRateLimiter<IpAddr>,
    signup_ip: DefaultKeyedRateLimiter<IpAddr>,
    hooks_ip: DefaultKeyedRateLimiter<IpAddr>,
    sends: DefaultKeyedRateLimiter<UserId>,
    friend_requests: DefaultKeyedRateLimiter<UserId>,
    join_requests: DefaultKeyedRateLimiter<UserId>,
    group_creations: DefaultKeyedRateLimiter<UserId>,
    searches: DefaultKeyedRateLimiter<UserId>,
    uploads: DefaultKeyedRateLimiter<UserId>,
    reports: DefaultKeyedRateLimiter<UserId>,
    calls: DefaultKeyedRateLimiter<UserId>,
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

/// The address of a caller without one (an in-process call): every such caller shares it.
const NO_ADDRESS: IpAddr = IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);

impl Limits {
    /// Limiters with the given configuration.
    pub fn new(config: LimitConfig) -> Self {
        Self {
            login_account_address: RateLimiter::keyed(config.login_per_account_address.quota()),
            login_account: RateLimiter::keyed(config.login_per_account.quota()),
            login_ip: RateLimiter::keyed(config.login_per_ip.quota()),
            signup_ip: RateLimiter::keyed(config.signup_per_ip.quota()),
            hooks_ip: RateLimiter::keyed(config.hooks_per_ip.quota()),
            sends: RateLimiter::keyed(config.sends.quota()),
            friend_requests: RateLimiter::keyed(config.friend_requests.quota()),
            join_requests: RateLimiter::keyed(config.join_requests.quota()),
            group_creations: RateLimiter::keyed(config.group_creations.quota()),
            searches: RateLimiter::keyed(config.searches.quota()),
            uploads: RateLimiter::keyed(config.uploads.quota()),
            reports: RateLimiter::keyed(config.reports.quota()),
            calls: RateLimiter::keyed(config.calls.quota()),
        }
    }

    /// Counts a log-in attempt from `ip` against the address limit only.
    pub fn check_login_ip(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        match ip {
            Some(ip) => self
                .login_ip
                .check_key(&network(ip))
                .map_err(|n| refused(n.wait_time_from(self.login_ip.clock().now()))),
            None => Ok(()),
        }
    }

    /// Counts a log-in attempt for `username` from `ip`: `rate_limited` when over the address
    /// limit or the account-and-address limit; otherwise how long to hold the attempt back
    /// because the account as a whole is being guessed at (zero when it is not).
    pub fn check_login(&self, username: &str, ip: Option<IpAddr>) -> Result<Duration, AppError> {
        self.check_login_ip(ip)?;
        let address = network(ip.unwrap_or(NO_ADDRESS));
        self.login_account_address
            .check_key(&(username.to_owned(), address))
            .map_err(|n| refused(n.wait_time_from(self.login_account_address.clock().now())))?;
        Ok(match self.login_account.check_key(&username.to_owned()) {
            Ok(()) => Duration::ZERO,
            Err(n) => n
                .wait_time_from(self.login_account.clock().now())
                .min(LOGIN_SLOWDOWN_MAX),
        })
    }

    /// Counts a sign-up from `ip`.
    pub fn check_signup(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        match ip {
            Some(ip) => self
                .signup_ip
                .check_key(&network(ip))
                .map_err(|n| refused(n.wait_time_from(self.signup_ip.clock().now()))),
            None => Ok(()),
        }
    }

    /// Counts an incoming webhook call from `ip`.
    pub fn check_hook_call(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        let address = network(ip.unwrap_or(NO_ADDRESS));
        self.hooks_ip
            .check_key(&address)
            .map_err(|n| refused(n.wait_time_from(self.hooks_ip.clock().now())))
    }

    /// Counts one `action` of `user`; `rate_limited` (with the wait) when over its limit.
    pub fn check_user(&self, user: UserId, action: Action) -> Result<(), AppError> {
        let limiter = match action {
            Action::Send => &self.sends,
            Action::FriendRequest => &self.friend_requests,
            Action::JoinRequest => &self.join_requests,
            Action::CreateGroup => &self.group_creations,
            Action::Search => &self.searches,
            Action::Upload => &self.uploads,
            Action::Report => &self.reports,
            Action::Call => &self.calls,
        };
        // The limiter's own clock, read only on a refusal: building a clock is expensive (it
        // queries the CPU, which costs a trip out of a virtual machine).
        limiter
            .check_key(&user)
            .map_err(|n| refused(n.wait_time_from(limiter.clock().now())))
    }

    /// Forgets keys whose limits have fully recovered (bounds memory).
    pub fn shrink(&self) {
        self.login_account_address.retain_recent();
        self.login_account.retain_recent();
        self.login_ip.retain_recent();
        self.signup_ip.retain_recent();
        self.hooks_ip.retain_recent();
        self.sends.retain_recent();
        self.friend_requests.retain_recent();
        self.join_requests.retain_recent();
        self.group_creations.retain_recent();
        self.searches.retain_recent();
        self.uploads.retain_recent();
        self.reports.retain_recent();
        self.calls.retain_recent();
    }

    /// Keys held by all limiters together (live or recovering).
    pub fn len(&self) -> usize {
        self.login_account_address.len()
            + self.login_account.len()
            + self.login_ip.len()
            + self.signup_ip.len()
            + self.hooks_ip.len()
            + self.sends.len()
            + self.friend_requests.len()
            + self.join_requests.len()
            + self.group_creations.len()
            + self.searches.len()
            + self.uploads.len()
            + self.reports.len()
            + self.calls.len()
    }

    /// Whether no limiter holds a key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1)));
    const ELSEWHERE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 7)));

    #[test]
    fn an_account_is_locked_for_the_guessing_address_only() {
        let cfg = LimitConfig {
            login_per_account_address: Rate {
                burst: 3,
                period: Duration::from_secs(60),
            },
            ..Default::default()
        };
        let limits = Limits::new(cfg);
        for _ in 0..3 {
            assert_eq!(
                limits.check_login("bob", ELSEWHERE).unwrap(),
                Duration::ZERO
            );
        }
        assert!(matches!(
            limits.check_login("bob", ELSEWHERE),
            Err(AppError::RateLimited { retry_after_secs }) if retry_after_secs >= 1
        ));
        assert_eq!(limits.check_login("bob", HOME).unwrap(), Duration::ZERO);
        assert_eq!(
            limits.check_login("alice", ELSEWHERE).unwrap(),
            Duration::ZERO
        );
    }

    #[test]
    fn a_guessed_account_slows_down_instead_of_refusing() {
        let cfg = LimitConfig {
            login_per_account: Rate {
                burst: 2,
                period: Duration::from_secs(60),
            },
            ..Default::default()
        };
        let limits = Limits::new(cfg);
        let addresses: Vec<Option<IpAddr>> = (1..=5u8)
            .map(|i| Some(IpAddr::from([203, 0, 113, i])))
            .collect();
        assert_eq!(
            limits.check_login("carol", addresses[0]).unwrap(),
            Duration::ZERO
        );
        assert_eq!(
            limits.check_login("carol", addresses[1]).unwrap(),
            Duration::ZERO
        );
        for ip in &addresses[2..] {
            let wait = limits.check_login("carol", *ip).unwrap();
            assert!(
                wait > Duration::ZERO && wait <= LOGIN_SLOWDOWN_MAX,
                "{wait:?}"
            );
        }
    }

    #[test]
    fn hook_calls_are_limited_per_address_network() {
        let cfg = LimitConfig {
            hooks_per_ip: Rate {
                burst: 3,
                period: Duration::from_secs(60),
            },
            ..Default::default()
        };
        let limits = Limits::new(cfg);
        let v6 = |last: u16| Some(IpAddr::from([0x2001, 0xdb8, 0, 1, 0, 0, 0, last]));
        for i in 1..=3 {
            limits.check_hook_call(v6(i)).unwrap();
        }
        // The same /64 is one address.
        assert!(matches!(
            limits.check_hook_call(v6(9)),
            Err(AppError::RateLimited { retry_after_secs }) if retry_after_secs >= 1
        ));
        limits.check_hook_call(HOME).unwrap();
        assert!(limits.len() >= 2);
    }

    #[test]
    fn user_actions_are_limited_per_user_and_per_action() {
        let cfg = LimitConfig {
            sends: Rate {
                burst: 2,
                period: Duration::from_secs(60),
            },
            ..Default::default()
        };
        let limits = Limits::new(cfg);
        let (ann, ben) = (UserId(1), UserId(2));
        limits.check_user(ann, Action::Send).unwrap();
        limits.check_user(ann, Action::Send).unwrap();
        assert!(matches!(
            limits.check_user(ann, Action::Send),
            Err(AppError::RateLimited { .. })
        ));
        limits.check_user(ben, Action::Send).unwrap();
        limits.check_user(ann, Action::Search).unwrap();
        assert!(!limits.is_empty());
    }

    #[test]
    fn per_second_rates_allow_three_seconds_of_burst() {
        let rate = Rate::per_second(10);
        assert_eq!(rate.burst, 30);
        assert_eq!(rate.period, Duration::from_millis(100));
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
