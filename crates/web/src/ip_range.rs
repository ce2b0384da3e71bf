//! Address ranges for settings that name machines by address: a single address
//! (`10.0.0.5`, `::1`) or a CIDR range (`10.20.0.0/24`, `fd00:1::/64`), as a council's load
//! balancers sit in a subnet. Hand-written on the standard library's address parsers.

use std::net::IpAddr;

/// One address or a CIDR range of addresses (IPv4 or IPv6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpRange {
    /// The range's first address (no bits set after the prefix).
    network: IpAddr,
    /// How many leading bits every address in the range shares (32 or 128: one address).
    prefix: u8,
}

/// Why a setting's value is not an address or a CIDR range; says which and how to write one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IpRangeError {
    /// Neither an address nor `address/prefix`.
    #[error("`{0}` is not an IP address or a CIDR range (write e.g. 10.20.0.5, 10.20.0.0/24 or fd00::/64)")]
    Malformed(String),
    /// The prefix length is not a number within the address's bits.
    #[error("`{value}`: the prefix after / must be a whole number from 0 to {max}")]
    Prefix {
        /// The value as written.
        value: String,
        /// 32 for IPv4, 128 for IPv6.
        max: u8,
    },
    /// Bits set after the prefix: probably a mistyped range.
    #[error("`{value}` has bits set after its first {prefix}: write the range's first address, {network}/{prefix}")]
    HostBits {
        /// The value as written.
        value: String,
        /// The range it probably means.
        network: IpAddr,
        /// Its prefix length.
        prefix: u8,
    },
}

impl IpRange {
    /// Whether `ip` is in the range (an IPv4 address written as IPv6, `::ffff:10.0.0.5`,
    /// as the IPv4 address it is: how a dual-stack listener sees IPv4 clients).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = mask32(self.prefix);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = mask128(self.prefix);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

fn mask32(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask128(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

impl From<IpAddr> for IpRange {
    /// The range of one address.
    fn from(ip: IpAddr) -> IpRange {
        let ip = ip.to_canonical();
        let prefix = if ip.is_ipv4() { 32 } else { 128 };
        IpRange {
            network: ip,
            prefix,
        }
    }
}

impl std::str::FromStr for IpRange {
    type Err = IpRangeError;

    fn from_str(s: &str) -> Result<IpRange, IpRangeError> {
        let value = s.trim();
        let malformed = || IpRangeError::Malformed(value.to_string());
        let Some((address, prefix)) = value.split_once('/') else {
            return value
                .parse::<IpAddr>()
                .map(IpRange::from)
                .map_err(|_| malformed());
        };
        let network: IpAddr = address.parse().map_err(|_| malformed())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = Some(prefix)
            .filter(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u8>().ok())
            .filter(|p| *p <= max)
            .ok_or_else(|| IpRangeError::Prefix {
                value: value.to_string(),
                max,
            })?;
        let first = match network {
            IpAddr::V4(n) => IpAddr::from((u32::from(n) & mask32(prefix)).to_be_bytes()),
            IpAddr::V6(n) => IpAddr::from((u128::from(n) & mask128(prefix)).to_be_bytes()),
        };
        if first != network {
            return Err(IpRangeError::HostBits {
                value: value.to_string(),
                network: first,
                prefix,
            });
        }
        Ok(IpRange { network, prefix })
    }
}

impl std::fmt::Display for IpRange {
    /// As written: the address alone for a single address, else `address/prefix`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let full = if self.network.is_ipv4() { 32 } else { 128 };
        if self.prefix == full {
            write!(f, "{}", self.network)
        } else {
            write!(f, "{}/{}", self.network, self.prefix)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn cidr_ranges_hold_their_addresses_and_no_others() {
        let r: IpRange = "10.20.0.0/24".parse().unwrap();
        assert!(r.contains(ip("10.20.0.0")) && r.contains(ip("10.20.0.255")));
        assert!(!r.contains(ip("10.20.1.0")) && !r.contains(ip("10.19.255.255")));
        // A dual-stack listener sees an IPv4 client as ::ffff:a.b.c.d.
        assert!(r.contains(ip("::ffff:10.20.0.7")));
        assert!(!r.contains(ip("fd00::1")));
        let r: IpRange = "fd00:1::/64".parse().unwrap();
        assert!(r.contains(ip("fd00:1::5")) && r.contains(ip("fd00:1::ffff:ffff:ffff:ffff")));
        assert!(!r.contains(ip("fd00:2::5")) && !r.contains(ip("10.20.0.7")));
        let one: IpRange = "192.0.2.7".parse().unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        assert_eq!(one, IpRange::from(ip("192.0.2.7")));
        assert_eq!(one, "192.0.2.7/32".parse().unwrap());
        let any: IpRange = "0.0.0.0/0".parse().unwrap();
        assert!(any.contains(ip("203.0.113.9")) && !any.contains(ip("::1")));
        assert!("::/0"
            .parse::<IpRange>()
            .unwrap()
            .contains(ip("2001:db8::1")));
        assert!("::1".parse::<IpRange>().unwrap().contains(ip("::1")));
        assert_eq!(
            " 10.0.0.0/8 ".parse::<IpRange>().unwrap().to_string(),
            "10.0.0.0/8"
        );
        assert_eq!(one.to_string(), "192.0.2.7");
    }

    #[test]
    fn malformed_ranges_are_refused_saying_how_to_write_one() {
        for bad in [
            "",
            "proxy",
            "10.0.0",
            "10.0.0.0/",
            "10.0.0.0/8/8",
            "/8",
            "10.0.0.0/ 8",
        ] {
            let e = bad.parse::<IpRange>().unwrap_err().to_string();
            assert!(
                e.contains("10.20.0.0/24") || e.contains("prefix"),
                "{bad}: {e}"
            );
        }
        for (bad, max) in [
            ("10.0.0.0/33", 32),
            ("fd00::/129", 128),
            ("10.0.0.0/-1", 32),
            ("10.0.0.0/x", 32),
            ("10.0.0.0/0008", 32),
        ] {
            let e = bad.parse::<IpRange>().unwrap_err();
            assert!(
                matches!(&e, IpRangeError::Prefix { max: m, .. } if *m == max),
                "{bad}: {e:?}"
            );
        }
        let e = "10.20.0.5/24".parse::<IpRange>().unwrap_err().to_string();
        assert!(e.contains("10.20.0.0/24"), "{e}");
        let e = "fd00:1::5/64".parse::<IpRange>().unwrap_err().to_string();
        assert!(e.contains("fd00:1::/64"), "{e}");
    }
}
