//! `hearth healthcheck`: asks a running server's `/healthz` (or `/readyz`) and exits 0 if it
//! answers 200, 1 otherwise. For container health checks (the image's uses `--ready`), so
//! that the runtime image needs no HTTP client of its own.

use anyhow::{bail, Context};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Arguments of `hearth healthcheck`.
#[derive(clap::Args)]
pub struct Args {
    /// The server's address (as given to `hearth serve --addr`; an unspecified address such
    /// as 0.0.0.0 is asked on loopback) [default: 127.0.0.1:8080].
    #[arg(long, env = "HEARTH_ADDR")]
    addr: Option<SocketAddr>,
    /// Ask `/readyz` (the store answers and is migrated) instead of `/healthz` (the process
    /// answers): use it for container health checks and monitoring, so that a server whose
    /// database cannot be reached is reported.
    #[arg(long)]
    ready: bool,
}

/// Runs `hearth healthcheck`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let mut addr = args
        .addr
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        });
    }
    let path = if args.ready { "/readyz" } else { "/healthz" };
    let timeout = Duration::from_secs(3);
    let mut s = TcpStream::connect_timeout(&addr, timeout)
        .with_context(|| format!("connecting to {addr}"))?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    s.take(4096).read_to_string(&mut answer)?;
    let status = answer.lines().next().unwrap_or_default();
    if !status.starts_with("HTTP/1.1 200") {
        bail!("{path} on {addr} answered {status:?}");
    }
    println!("{path} on {addr}: ok");
    Ok(())
}
