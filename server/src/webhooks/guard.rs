//! Where an outgoing webhook may post: an `http(s)` URL whose host is a public address. Loopback,
//! private, link-local (cloud metadata at 169.254.169.254), shared, reserved and multicast
//! addresses are refused unless the operator allows them, both when the URL is set and at each
//! post (the resolver below checks every address a name resolves to, so a name that later
//! points inside the network is refused then).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use reqwest_s3::Url;
use reqwest_s3::dns::{Addrs, Name, Resolve, Resolving};
use shared::AppError;
use shared::error::Invalid;
use shared::model::WEBHOOK_URL_MAX;

/// Whether `ip` is an address on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            // NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits.
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0; 4] {
                let [a, b] = s[6].to_be_bytes();
                let [c, d] = s[7].to_be_bytes();
                return is_public_v4(Ipv4Addr::new(a, b, c, d));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local, fd00:ec2::254 included
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || v6 == Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0, 0))
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19))) // benchmarking
}

/// Checks a webhook URL as given by its owner: its form, and (unless `allow_private`) that its
/// host is or resolves to public addresses only. The URL as stored.
pub async fn check_url(raw: &str, allow_private: bool) -> Result<Url, AppError> {
    let bad = || AppError::invalid("url", Invalid::BadCharacters);
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(AppError::invalid("url", Invalid::Required));
    }
    if raw.len() > WEBHOOK_URL_MAX {
        return Err(AppError::invalid("url", Invalid::TooLong));
    }
    let url = Url::parse(raw).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https")
        || !url.username().is_empty()
        || url.password().is_some()
        || url.host_str().is_none()
    {
        return Err(bad());
    }
    if allow_private {
        return Ok(url);
    }
    let refused = || AppError::invalid("url", Invalid::OutOfRange);
    let host = url.host_str().ok_or_else(bad)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return if is_public(ip) {
            Ok(url)
        } else {
            Err(refused())
        };
    }
    if host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost") {
        return Err(refused());
    }
    let port = url.port_or_known_default().unwrap_or(443);
    let lookup = tokio::net::lookup_host((host.to_owned(), port));
    let addrs: Vec<SocketAddr> = tokio::time::timeout(Duration::from_secs(3), lookup)
        .await
        .map_err(|_| AppError::invalid("url", Invalid::Unknown))?
        .map_err(|_| AppError::invalid("url", Invalid::Unknown))?
        .collect();
    if addrs.is_empty() || addrs.iter().any(|a| !is_public(a.ip())) {
        return Err(refused());
    }
    Ok(url)
}

/// Whether a post to `url` may go ahead: an address written in the URL must be public (names
/// are checked by [`GuardedResolver`] as they resolve).
pub fn literal_allowed(url: &Url, allow_private: bool) -> bool {
    if allow_private {
        return true;
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) => is_public(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_public(IpAddr::V6(ip)),
        Some(url::Host::Domain(d)) => {
            !(d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost"))
        }
        None => false,
    }
}

/// The webhook client's resolver: the system's, keeping public addresses only (all addresses
/// when private ones are allowed).
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    /// Private addresses allowed.
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allow_private || is_public(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_and_private_addresses() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "64:ff9b::101:101",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[tokio::test]
    async fn urls() {
        assert!(check_url("http://127.0.0.1:9/x", false).await.is_err());
        assert!(check_url("http://[::1]/x", false).await.is_err());
        assert!(
            check_url("http://169.254.169.254/latest", false)
                .await
                .is_err()
        );
        assert!(check_url("http://localhost:8080/", false).await.is_err());
        assert!(check_url("ftp://example.com/", true).await.is_err());
        assert!(
            check_url("http://user:pw@example.com/", true)
                .await
                .is_err()
        );
        assert!(check_url("http://127.0.0.1:9/x", true).await.is_ok());
        assert!(check_url("https://93.184.216.34/hook", false).await.is_ok());
        assert!(check_url("", true).await.is_err());
    }
}
