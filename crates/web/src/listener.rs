//! The server's listener: a connection that sends and receives nothing for [`IDLE`] is
//! closed, so that idle or half-sent connections (a client that opens sockets and says
//! nothing) cannot hold the server's file descriptors until it can accept no one.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// How long a connection may be silent both ways: longer than any page takes to answer,
/// shorter than an attacker's patience.
pub const IDLE: Duration = Duration::from_secs(30);

/// A TCP listener whose connections close after `idle` without traffic.
pub struct IdleListener {
    inner: TcpListener,
    idle: Duration,
}

impl IdleListener {
    /// Wraps `inner`.
    pub fn new(inner: TcpListener, idle: Duration) -> IdleListener {
        IdleListener { inner, idle }
    }
}

/// The client's address, as the listener knows it (made `ConnectInfo<SocketAddr>` for the
/// handlers by [`crate::serve`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peer(pub SocketAddr);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, IdleListener>>
    for Peer
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, IdleListener>) -> Peer {
        Peer(*stream.remote_addr())
    }
}

impl axum::serve::Listener for IdleListener {
    type Io = IdleStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (IdleStream, SocketAddr) {
        let (stream, addr) = axum::serve::Listener::accept(&mut self.inner).await;
        (IdleStream::new(stream, self.idle), addr)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// A connection that fails its next read once it has been silent both ways for its idle
/// time.
pub struct IdleStream {
    inner: TcpStream,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl IdleStream {
    fn new(inner: TcpStream, idle: Duration) -> IdleStream {
        IdleStream {
            inner,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle)),
        }
    }

    fn touch(&mut self) {
        let next = Instant::now() + self.idle;
        self.deadline.as_mut().reset(next);
    }
}

impl AsyncRead for IdleStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(r) => {
                this.touch();
                Poll::Ready(r)
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "connection idle too long",
                ))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl AsyncWrite for IdleStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(_))) {
            this.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::serve::Listener;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test(start_paused = true)]
    async fn a_silent_connection_is_closed_and_a_talking_one_is_not() {
        let inner = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut listener = IdleListener::new(inner, Duration::from_secs(30));
        let addr = listener.local_addr().unwrap();
        let client = tokio::spawn(async move {
            let mut c = TcpStream::connect(addr).await.unwrap();
            // Talks for a while, a byte every 20 s, then falls silent.
            for _ in 0..3 {
                c.write_all(b"x").await.unwrap();
                tokio::time::sleep(Duration::from_secs(20)).await;
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
        });
        let (mut server, _) = listener.accept().await;
        let mut buf = [0u8; 1];
        for _ in 0..3 {
            assert_eq!(server.read(&mut buf).await.unwrap(), 1);
        }
        let started = Instant::now();
        let err = server.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() <= Duration::from_secs(31));
        client.abort();
    }
}
