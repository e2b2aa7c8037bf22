//! The HTTP stack: the `HttpTransport` trait (what the client needs from one, and nothing
//! more), its hyper implementation, the per-host connection limit, and the mock for tests.

#[cfg(feature = "hyper")]
mod connection_limit;
#[cfg(feature = "hyper")]
pub(crate) mod hyper;
#[cfg(feature = "mock")]
pub(crate) mod mock;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;

use crate::error::TransportError;

/// A timer future returned by [`HttpTransport::sleep`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Sends one HTTP request and returns the response, whatever its status.
///
/// The transport is deliberately dumb: it never retries, never adds authentication and never
/// interprets a status code. [`ApiClient`](crate::ApiClient) does all of that on top, so any
/// HTTP stack (or a test double) can stand in by implementing two methods.
///
/// The client also takes its timer from the transport ([`sleep`](Self::sleep)), for request
/// timeouts and retry backoff, so the SDK itself pulls in no async runtime: a transport
/// built on tokio returns `tokio::time::sleep`, one built on another runtime returns that
/// runtime's timer.
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::time::Duration;
/// use ordercloud_transport::bytes::Bytes;
/// use ordercloud_transport::{ApiClient, HttpTransport, Sleep, TransportError, async_trait, http};
///
/// /// Answers every request with 204 No Content.
/// #[derive(Debug)]
/// struct NoContent;
///
/// #[async_trait]
/// impl HttpTransport for NoContent {
///     async fn send(&self, _request: http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError> {
///         Ok(http::Response::builder().status(204).body(Bytes::new()).expect("a valid response"))
///     }
///
///     fn sleep(&self, _duration: Duration) -> Sleep {
///         Box::pin(std::future::pending())
///     }
/// }
///
/// /// Counts the requests another transport sends.
/// #[derive(Debug)]
/// struct Counting<T> {
///     inner: T,
///     sent: AtomicUsize,
/// }
///
/// #[async_trait]
/// impl<T: HttpTransport> HttpTransport for Counting<T> {
///     async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError> {
///         self.sent.fetch_add(1, Ordering::Relaxed);
///         self.inner.send(request).await
///     }
///
///     fn sleep(&self, duration: Duration) -> Sleep {
///         self.inner.sleep(duration)
///     }
///
///     fn check_ready(&self) -> Result<(), TransportError> {
///         self.inner.check_ready()
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), ordercloud_transport::Error> {
/// let counting = Arc::new(Counting { inner: NoContent, sent: AtomicUsize::new(0) });
/// let client = ApiClient::builder().transport(counting.clone()).build()?;
/// client.request(http::Method::POST, "/password/reset").send_empty().await?;
/// assert_eq!(counting.sent.load(Ordering::Relaxed), 1);
/// # Ok(())
/// # }
/// ```
///
/// `async_trait` is re-exported by this crate, so an implementation needs no dependency of
/// its own for it.
#[async_trait]
pub trait HttpTransport: Send + Sync + fmt::Debug {
    /// Sends `request` (its URI is absolute) and reads the whole response body.
    ///
    /// Every status code is an `Ok` response; `Err` means no complete response arrived.
    async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError>;

    /// A future that completes after `duration`, on this transport's runtime.
    fn sleep(&self, duration: Duration) -> Sleep;

    /// Checks, before the client starts a call, that this transport can send and time from
    /// the current context: for example that the async runtime it needs is running. An
    /// error here ends the call with nothing sent, instead of a panic in the runtime.
    /// Default: always ready.
    fn check_ready(&self) -> Result<(), TransportError> {
        Ok(())
    }
}

#[async_trait]
impl<T: HttpTransport + ?Sized> HttpTransport for Arc<T> {
    async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError> {
        (**self).send(request).await
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        (**self).sleep(duration)
    }

    fn check_ready(&self) -> Result<(), TransportError> {
        (**self).check_ready()
    }
}
