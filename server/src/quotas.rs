//! Quotas on HTTP requests: how fast one client address may create boards, teams and team
//! meetings (tower_governor as a layer on those routes, keyed by [`ClientAddress`]), and
//! how fast one person may run commands over HTTP (governor's keyed limiter, checked in
//! the handler once the caller is known). Both answer `429` with `Retry-After` and the
//! JSON error every refusal has.
//!
//! The client address is the socket's peer, unless the peer is a configured trusted proxy
//! (`--trusted-proxy`): then it is the right-most address in `X-Forwarded-For` (or, without
//! that header, `Forwarded`) that is not itself a trusted proxy. IPv6 clients are counted
//! by their /64 network, which one household or phone gets whole.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use forwarded_header_value::{ForwardedHeaderValue, Identifier};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use leerkring_shared::api::ApiError;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};

use crate::config::{Quotas, TrustedProxy};

/// How often the limiters forget addresses and people that have gone quiet.
pub const FORGET_IDLE_EVERY: Duration = Duration::from_secs(60);

/// The request limits of one server process.
pub struct HttpQuotas {
    creating: Arc<GovernorConfig<ClientAddress, NoOpMiddleware>>,
    commands: DefaultKeyedRateLimiter<String>,
}

/// A request over its rate: when the next one will be let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    /// Whole seconds to wait, rounded up (what `Retry-After` says).
    pub retry_after_secs: u64,
}

/// The configured rates could not be turned into limiters (the flags refuse 0 already;
/// this is for `Quotas` built in code).
#[derive(Debug, thiserror::Error)]
#[error("the rate limits need a burst and a rate of at least 1 (--create-burst, --create-every-secs, --http-command-burst, --http-commands-per-second)")]
pub struct InvalidQuota;

impl HttpQuotas {
    pub fn new(quotas: &Quotas) -> Result<Self, InvalidQuota> {
        let creating = GovernorConfigBuilder::default()
            .period(quotas.create_every())
            .burst_size(quotas.create_burst)
            .key_extractor(ClientAddress {
                trusted: quotas.trusted_proxy.clone().into(),
            })
            .finish()
            .ok_or(InvalidQuota)?;
        let per_second = NonZeroU32::new(quotas.http_commands_per_second).ok_or(InvalidQuota)?;
        let burst = NonZeroU32::new(quotas.http_command_burst).ok_or(InvalidQuota)?;
        Ok(Self {
            creating: Arc::new(creating),
            commands: RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst)),
        })
    }

    /// The layer for the routes that create boards, teams and meetings.
    pub fn creation_layer(&self) -> GovernorLayer<ClientAddress, NoOpMiddleware, Body> {
        GovernorLayer::new(Arc::clone(&self.creating)).error_handler(creation_refused)
    }

    /// Takes one command from `caller`'s allowance (a key naming the board or team, the
    /// token's role and the member, if any).
    pub fn check_command(&self, caller: &str) -> Result<(), Throttled> {
        let key = caller.to_owned();
        self.commands.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            Throttled {
                retry_after_secs: whole_seconds_up(wait),
            }
        })
    }

    /// Drops the state of addresses and people whose allowance is full again, so the
    /// limiters' memory follows who is active rather than who ever came.
    pub fn forget_idle(&self) {
        let creating = self.creating.limiter();
        creating.retain_recent();
        creating.shrink_to_fit();
        self.commands.retain_recent();
        self.commands.shrink_to_fit();
    }
}

fn whole_seconds_up(wait: Duration) -> u64 {
    let seconds = wait.as_secs();
    if wait.subsec_nanos() > 0 {
        seconds + 1
    } else {
        seconds.max(1)
    }
}

/// The `429` answer: `Retry-After` and a JSON error in English and Dutch.
pub fn too_many_requests(throttled: Throttled, error: &str, error_nl: &str) -> Response<Body> {
    let body = ApiError {
        error: error.to_owned(),
        error_nl: Some(error_nl.to_owned()),
    };
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(throttled.retry_after_secs),
    );
    response
}

fn creation_refused(error: GovernorError) -> Response<Body> {
    match error {
        GovernorError::TooManyRequests { wait_time, .. } => {
            // tower_governor rounds the wait down; the client should not come back early.
            let throttled = Throttled {
                retry_after_secs: wait_time + 1,
            };
            too_many_requests(
                throttled,
                "too many boards or teams created from your address; try again later",
                "Vanaf jouw adres zijn te veel borden of teams aangemaakt; probeer het later opnieuw.",
            )
        }
        GovernorError::UnableToExtractKey | GovernorError::Other { .. } => {
            tracing::error!(
                "the client's address is unknown; the server is not served with connect info"
            );
            let body = ApiError {
                error: "the server could not tell where the request came from".into(),
                error_nl: None,
            };
            (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
        }
    }
}

/// Keys the creation limit by the client's address ([`client_address`]), taken from the
/// connection (the server is served with `ConnectInfo<SocketAddr>`).
#[derive(Clone, Debug)]
pub struct ClientAddress {
    trusted: Arc<[TrustedProxy]>,
}

impl KeyExtractor for ClientAddress {
    type Key = IpAddr;

    fn extract<T>(&self, request: &Request<T>) -> Result<Self::Key, GovernorError> {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .ok_or(GovernorError::UnableToExtractKey)?
            .0
            .ip();
        Ok(counted_as(client_address(
            peer,
            request.headers(),
            &self.trusted,
        )))
    }
}

/// Where a request came from: the peer, or, when the peer is a trusted proxy, the nearest
/// address in its forwarding header that is not a trusted proxy too. Addresses to the
/// left of that one were written by the client itself and prove nothing. A hop that
/// cannot be read stops the walk: the request counts against the proxy that passed it on.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[TrustedProxy]) -> IpAddr {
    let is_trusted = |address: &IpAddr| trusted.iter().any(|proxy| proxy.contains(address));
    let peer = peer.to_canonical();
    if !is_trusted(&peer) {
        if headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded") {
            warn_untrusted_forwarding(peer);
        }
        return peer;
    }
    let hops = x_forwarded_for(headers).unwrap_or_else(|| forwarded_for(headers));
    let mut nearest = peer;
    for hop in hops.iter().rev() {
        let Some(address) = hop.map(|address| address.to_canonical()) else {
            return nearest;
        };
        if !is_trusted(&address) {
            return address;
        }
        nearest = address;
    }
    nearest
}

/// Says once per process that a proxy seems to be in front but is not trusted: then every
/// client behind it counts as the proxy and they all share one creation allowance.
fn warn_untrusted_forwarding(peer: IpAddr) {
    static WARNED: AtomicBool = AtomicBool::new(false);
    if !WARNED.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            %peer,
            "a request came with X-Forwarded-For or Forwarded from an address that is not a \
             trusted proxy: the header is ignored and its clients are counted as that address; \
             if this is your reverse proxy, pass --trusted-proxy"
        );
    }
}

/// The address a client is counted as: itself for IPv4, its /64 network for IPv6.
pub fn counted_as(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(network))
        }
        v4 => v4,
    }
}

/// The hops in every `X-Forwarded-For` header, in order (`None` for one that is not an
/// address); `None` if there is no such header.
fn x_forwarded_for(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let mut values = headers.get_all("x-forwarded-for").iter().peekable();
    values.peek()?;
    Some(
        values
            .flat_map(|value| match value.to_str() {
                Ok(text) => text.split(',').map(parse_hop).collect::<Vec<_>>(),
                Err(_) => vec![None],
            })
            .collect(),
    )
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`[v6]:port`, `v4:port`).
fn parse_hop(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
}

/// The `for=` hops of every `Forwarded` header (RFC 7239), in order.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all(header::FORWARDED)
        .iter()
        .flat_map(|value| {
            let parsed = value
                .to_str()
                .ok()
                .and_then(|text| ForwardedHeaderValue::from_forwarded(text).ok());
            match parsed {
                Some(parsed) => parsed
                    .iter()
                    .map(|stanza| match stanza.forwarded_for.as_ref() {
                        Some(Identifier::SocketAddr(socket)) => Some(socket.ip()),
                        Some(Identifier::IpAddr(address)) => Some(*address),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
                None => vec![None],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(list: &[&str]) -> Vec<TrustedProxy> {
        list.iter()
            .map(|text| text.parse().expect("a proxy"))
            .collect()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().expect("a header value"));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn forwarding_headers_from_an_untrusted_peer_are_ignored() {
        let spoofed = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=198.51.100.1"),
        ]);
        let address = client_address(ip("192.0.2.7"), &spoofed, &proxies(&["10.0.0.1"]));
        assert_eq!(address, ip("192.0.2.7"));
        assert_eq!(
            client_address(ip("192.0.2.7"), &spoofed, &[]),
            ip("192.0.2.7")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8", "2001:db8::1"]);
        // The client wrote the first entry itself; the proxies appended the rest.
        let chain = headers(&[
            ("x-forwarded-for", "6.6.6.6, 198.51.100.4"),
            ("x-forwarded-for", "10.1.2.3"),
        ]);
        assert_eq!(
            client_address(ip("10.0.0.1"), &chain, &trusted),
            ip("198.51.100.4")
        );
        let via_v6 = headers(&[("x-forwarded-for", "[2001:db8::99]:5123")]);
        assert_eq!(
            client_address(ip("2001:db8::1"), &via_v6, &trusted),
            ip("2001:db8::99")
        );
    }

    #[test]
    fn the_forwarded_header_counts_when_there_is_no_x_forwarded_for() {
        let trusted = proxies(&["10.0.0.1"]);
        let forwarded = headers(&[(
            "forwarded",
            r#"for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https"#,
        )]);
        assert_eq!(
            client_address(ip("10.0.0.1"), &forwarded, &trusted),
            ip("2001:db8:cafe::17")
        );
    }

    #[test]
    fn an_unreadable_hop_counts_against_the_proxy_that_passed_it_on() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let junk = headers(&[("x-forwarded-for", "198.51.100.4, unknown, 10.0.0.2")]);
        assert_eq!(
            client_address(ip("10.0.0.1"), &junk, &trusted),
            ip("10.0.0.2")
        );
        let only_proxies = headers(&[("x-forwarded-for", "10.0.0.3")]);
        assert_eq!(
            client_address(ip("10.0.0.1"), &only_proxies, &trusted),
            ip("10.0.0.3")
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_network_and_mapped_ipv4_as_ipv4() {
        assert_eq!(
            counted_as(ip("2001:db8:1:2:aaaa::1")),
            counted_as(ip("2001:db8:1:2:bbbb::9"))
        );
        assert_ne!(
            counted_as(ip("2001:db8:1:2::1")),
            counted_as(ip("2001:db8:1:3::1"))
        );
        assert_eq!(counted_as(ip("::ffff:192.0.2.7")), ip("192.0.2.7"));
    }

    #[test]
    fn a_proxy_is_an_address_or_a_range_and_nothing_else() {
        assert!("10.0.0.0/8".parse::<TrustedProxy>().is_ok());
        assert!(" 192.0.2.1 ".parse::<TrustedProxy>().is_ok());
        assert!("::1".parse::<TrustedProxy>().is_ok());
        assert!("proxy.example".parse::<TrustedProxy>().is_err());
        assert!("10.0.0.0/33".parse::<TrustedProxy>().is_err());
    }

    #[test]
    fn a_persons_http_commands_are_limited_to_the_burst_then_the_rate() {
        let quotas = HttpQuotas::new(&Quotas {
            create_burst: 1,
            create_every_secs: 10,
            http_command_burst: 3,
            http_commands_per_second: 1,
            max_meetings_per_team: 100,
            trusted_proxy: Vec::new(),
        })
        .expect("valid quotas");
        assert!((0..3).all(|_| quotas.check_command("board:a").is_ok()));
        let throttled = quotas.check_command("board:a").expect_err("burst spent");
        assert_eq!(throttled.retry_after_secs, 1);
        assert!(
            quotas.check_command("board:b").is_ok(),
            "someone else is not held back"
        );
    }
}
