//! A connector wrapper that caps how many connections are open at once to each host.
//!
//! hyper-util's pool has no such cap: a call can dial a new connection while the one that
//! just finished is still on its way back to the pool. Here each open connection holds a
//! permit of its host's semaphore until it closes, so the count never passes the cap; a
//! call that finds no permit waits for an idle connection (hyper-util races the pool
//! checkout against the dial) or for a permit, at most the connect timeout.
//!
//! The cap is per host because hyper-util keeps idle connections per host and offers no way
//! to close one early: with one cap for all hosts, idle connections to one host would hold
//! places a call to another host needs until they expire.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::{Connected, Connection};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower_service::Service;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Wraps connector `C`, holding one of its host's slots for each connection it opens.
#[derive(Clone)]
pub(crate) struct LimitedConnector<C> {
    inner: C,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
    max_connections: usize,
    wait: Duration,
}

impl<C> LimitedConnector<C> {
    pub(crate) fn new(inner: C, max_connections: usize, wait: Duration) -> Self {
        Self { inner, hosts: Arc::default(), max_connections, wait }
    }

    /// The slots of `uri`'s scheme and authority, created on first use. Hosts with no open
    /// connection are forgotten whenever a new host is added, so the map stays small.
    fn slots(&self, uri: &Uri) -> Arc<Semaphore> {
        let key = format!("{}://{}", uri.scheme_str().unwrap_or(""), uri.authority().map_or("", |a| a.as_str()));
        let mut hosts = self.hosts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(slots) = hosts.get(&key) {
            return slots.clone();
        }
        // Each open connection's permit, and each waiting call, holds a clone.
        hosts.retain(|_, slots| Arc::strong_count(slots) > 1);
        hosts.entry(key).or_insert_with(|| Arc::new(Semaphore::new(self.max_connections))).clone()
    }
}

impl<C> Service<Uri> for LimitedConnector<C>
where
    C: Service<Uri> + Clone + Send + 'static,
    C::Future: Send,
    C::Error: Into<BoxError>,
{
    type Response = LimitedStream<C::Response>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        // The clone is not ready; the original, which poll_ready readied, does the dial.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let (slots, wait) = (self.slots(&uri), self.wait);
        Box::pin(async move {
            let permit = match tokio::time::timeout(wait, slots.acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                Ok(Err(closed)) => return Err(closed.into()),
                Err(_) => {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("every connection slot stayed busy for {wait:?}"),
                    )
                    .into());
                }
            };
            let stream = inner.call(uri).await.map_err(Into::into)?;
            Ok(LimitedStream { inner: stream, _permit: permit })
        })
    }
}

/// A connection holding its slot until dropped.
pub(crate) struct LimitedStream<T> {
    inner: T,
    _permit: OwnedSemaphorePermit,
}

impl<T: Connection> Connection for LimitedStream<T> {
    fn connected(&self) -> Connected {
        self.inner.connected()
    }
}

impl<T: Read + Unpin> Read for LimitedStream<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: ReadBufCursor<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: Write + Unpin> Write for LimitedStream<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }
}
