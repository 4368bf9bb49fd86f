//! Who is asking: the client's address, taken from `X-Forwarded-For` only
//! when the connection comes from a proxy named in `COVERS_TRUSTED_PROXIES`
//! (anyone else could write any address there).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;

/// The proxies whose `X-Forwarded-For` is believed: addresses or networks
/// (`10.0.0.0/8`, `::1`), comma-separated.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (addr, bits) = match item.split_once('/') {
                Some((addr, bits)) => (addr, Some(bits)),
                None => (item, None),
            };
            let addr: IpAddr =
                addr.parse().map_err(|_| format!("{item:?} is not an address or a network"))?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                None => max,
                Some(b) => b
                    .parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("{item:?} has no valid prefix length"))?,
            };
            nets.push((addr, bits));
        }
        Ok(Self(nets))
    }

    fn trusts(&self, addr: IpAddr) -> bool {
        let addr = canonical(addr);
        self.0.iter().any(|&(net, bits)| in_network(addr, canonical(net), bits))
    }

    /// The client of a request that arrived from `peer`: the nearest address
    /// in `X-Forwarded-For` that is not a trusted proxy, when `peer` is one.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return canonical(peer);
        }
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        for hop in forwarded.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(addr) if self.trusts(addr) => continue,
                Ok(addr) => return canonical(addr),
                // A hop that is not an address: trust nothing before it.
                Err(_) => break,
            }
        }
        canonical(peer)
    }

    /// The client of `request` (the connection's peer when the server was
    /// not given connection information, as in tests, counts as loopback).
    pub fn client_of(&self, request: &Request) -> IpAddr {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |info| info.0.ip());
        self.client(peer, request.headers())
    }
}

/// IPv4 addresses written as IPv6 (`::ffff:1.2.3.4`) count as IPv4.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

fn in_network(addr: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (addr, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits) };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", xff.parse().unwrap());
        h
    }

    #[test]
    fn forwarded_addresses_count_only_from_a_trusted_proxy() {
        let none = TrustedProxies::parse("").unwrap();
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(none.client(peer, &headers("198.51.100.1")), peer);

        let proxies = TrustedProxies::parse("10.0.0.0/8, ::1").unwrap();
        let proxy: IpAddr = "10.1.2.3".parse().unwrap();
        // The client may put anything first; the proxy appends what it saw.
        let h = headers("1.1.1.1, 198.51.100.7, 10.9.9.9");
        assert_eq!(proxies.client(proxy, &h), "198.51.100.7".parse::<IpAddr>().unwrap());
        assert_eq!(proxies.client(peer, &h), peer, "not from a proxy: the header is ignored");
        assert_eq!(
            proxies.client("::1".parse().unwrap(), &headers("garbage")),
            "::1".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn bad_lists_are_refused() {
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert!(TrustedProxies::parse("192.168.1.1, fd00::/8").is_ok());
    }
}
