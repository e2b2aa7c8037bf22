//! `HyperTransport`: hyper-util's pooled HTTP/1.1 client over rustls (ring) on tokio.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body as _, Incoming};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use super::connection_limit::LimitedConnector;
use super::{HttpTransport, Sleep};
use crate::error::{Error, TransportError, TransportErrorKind};
use crate::timeout::checked_timeout;

/// How long connecting (TCP and TLS) may take unless configured otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest response body accepted unless configured otherwise: 10 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;
/// How many connections one transport keeps open at most unless configured otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 64;
/// How long an idle pooled connection is kept unless configured otherwise.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// The production transport: hyper-util's pooled HTTP/1.1 client over rustls with the ring
/// provider (or the process-wide provider an application installed with rustls'
/// `CryptoProvider::install_default`), on tokio.
///
/// Connections are kept alive and reused, and idle ones really expire (the pool has a
/// timer). Connecting has its own timeout. Response bodies are read up to a limit. Trusted
/// roots are Mozilla's (feature `webpki-roots`, default), the system's (feature
/// `native-roots`), and any certificates you add, for a private CA or a test server.
///
/// ```
/// use std::time::Duration;
/// use ordercloud_transport::{ApiClient, HyperTransport};
///
/// # fn main() -> Result<(), ordercloud_transport::Error> {
/// let transport = HyperTransport::builder()
///     .connect_timeout(Duration::from_secs(3))
///     .max_response_bytes(1024 * 1024)
///     .build()?;
/// let client = ApiClient::builder().transport(transport).build()?;
/// # Ok(())
/// # }
/// ```
///
/// Sends on tokio: a call made where no tokio runtime is running ends with a
/// [`TransportErrorKind::Runtime`] error, nothing sent. The runtime must have IO and time
/// enabled (`#[tokio::main]` does both); tokio gives no way to check that from outside, and
/// panics, naming the missing driver, when one is used without them.
#[derive(Clone)]
pub struct HyperTransport {
    client: Client<HttpsConnector<LimitedConnector<HttpConnector>>, Full<Bytes>>,
    max_response_bytes: usize,
    connect_timeout: Duration,
    pool_idle_timeout: Duration,
}

impl HyperTransport {
    /// Starts configuring a transport.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("max_response_bytes", &self.max_response_bytes)
            .field("connect_timeout", &self.connect_timeout)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl HttpTransport for HyperTransport {
    async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError> {
        let response = self.client.request(request.map(Full::new)).await.map_err(classify)?;
        let (parts, body) = response.into_parts();
        let body = read_body(body, self.max_response_bytes).await?;
        Ok(http::Response::from_parts(parts, body))
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }

    /// A tokio runtime must be running. That it has IO and time enabled cannot be checked
    /// from outside tokio: without them tokio itself panics, naming the missing driver.
    fn check_ready(&self) -> Result<(), TransportError> {
        match tokio::runtime::Handle::try_current() {
            Ok(_) => Ok(()),
            Err(_) => Err(TransportError::new(
                TransportErrorKind::Runtime,
                "HyperTransport needs a tokio runtime with IO and time enabled, such as #[tokio::main]'s; \
                 none is running on this thread",
            )),
        }
    }
}

/// Reads a whole body of at most `limit` bytes into one buffer.
///
/// A body in one piece is kept as it came, without a copy; pieces are gathered into one
/// buffer sized by the declared length, so a body costs its own size once, not twice.
async fn read_body(mut body: Incoming, limit: usize) -> Result<Bytes, TransportError> {
    let too_large =
        |what: &str| TransportError::new(TransportErrorKind::BodyTooLarge, format!("{limit} bytes at most; {what}"));
    // hyper reports a declared Content-Length as the body's size hint.
    let declared = body.size_hint().lower();
    if declared > limit as u64 {
        return Err(too_large(&format!("its Content-Length says {declared}")));
    }
    // A 204, or any answer declared empty, has nothing to read.
    if body.is_end_stream() {
        return Ok(Bytes::new());
    }
    let mut first: Option<Bytes> = None;
    let mut gathered: Vec<u8> = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| TransportError::new(TransportErrorKind::Io, error))?;
        let Ok(data) = frame.into_data() else { continue };
        let length = first.as_ref().map_or(0, Bytes::len) + gathered.len() + data.len();
        if length > limit {
            return Err(too_large("more arrived"));
        }
        match first.take() {
            None if gathered.is_empty() => first = Some(data),
            earlier => {
                if gathered.capacity() < length {
                    // Exactly what is declared, else doubling, never past the limit.
                    let target = (declared as usize).max(length).max(gathered.capacity() * 2).min(limit);
                    gathered.reserve_exact(target - gathered.len());
                }
                if let Some(earlier) = earlier {
                    gathered.extend_from_slice(&earlier);
                }
                gathered.extend_from_slice(&data);
            }
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(gathered)))
}

/// Sorts a hyper-util error by how far the request got.
fn classify(error: hyper_util::client::legacy::Error) -> TransportError {
    if error.is_connect() {
        let kind = if chain(&error).any(is_tls_error) { TransportErrorKind::Tls } else { TransportErrorKind::Connect };
        return TransportError::new(kind, error);
    }
    let parse = chain(&error).any(|cause| cause.downcast_ref::<hyper::Error>().is_some_and(hyper::Error::is_parse));
    let kind = if parse { TransportErrorKind::InvalidResponse } else { TransportErrorKind::Io };
    TransportError::new(kind, error)
}

/// Whether `error` is a rustls error, possibly inside (nested) `io::Error`s, whose
/// `source()` skips the error they wrap.
fn is_tls_error(error: &(dyn StdError + 'static)) -> bool {
    error.is::<rustls::Error>()
        || error
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            .is_some_and(|inner| is_tls_error(inner))
}

fn chain<'a>(error: &'a (dyn StdError + 'static)) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(error), |&error| error.source())
}

/// Configures a [`HyperTransport`].
#[derive(Clone, Debug)]
pub struct HyperTransportBuilder {
    connect_timeout: Duration,
    pool_idle_timeout: Duration,
    pool_max_idle_per_host: usize,
    max_connections: usize,
    max_response_bytes: usize,
    webpki_roots: bool,
    native_roots: bool,
    extra_roots_pem: Vec<Vec<u8>>,
    extra_roots_der: Vec<Vec<u8>>,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            pool_max_idle_per_host: usize::MAX,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            webpki_roots: cfg!(feature = "webpki-roots"),
            native_roots: cfg!(feature = "native-roots"),
            extra_roots_pem: Vec::new(),
            extra_roots_der: Vec::new(),
        }
    }
}

impl HyperTransportBuilder {
    /// How long a TCP connection and TLS handshake may take: longer than zero, and at most
    /// [`MAX_TIMEOUT`](crate::MAX_TIMEOUT), to which a longer one is shortened. Default: 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long an idle connection stays in the pool: longer than zero (to keep none, set
    /// [`pool_max_idle_per_host`](Self::pool_max_idle_per_host) to 0), and at most
    /// [`MAX_TIMEOUT`](crate::MAX_TIMEOUT), to which a longer one is shortened. Default: 60 s.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// How many idle connections per host the pool keeps. Default: no limit.
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// How many connections may be open at once to one host (at least 1); a call that finds
    /// them all busy waits for one to come back to the pool, or for one to close, at most
    /// the connect timeout. Connections to one host never take a place another host needs.
    /// Keep it at or above the client's `max_in_flight`. Default: 64.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max;
        self
    }

    /// The largest response body accepted; a larger one is a
    /// [`TransportErrorKind::BodyTooLarge`] error and is not read further. Default: 10 MiB.
    pub fn max_response_bytes(mut self, max: usize) -> Self {
        self.max_response_bytes = max;
        self
    }

    /// Whether Mozilla's roots (compiled in, feature `webpki-roots`) are trusted.
    /// Default: on with that feature.
    pub fn webpki_roots(mut self, enabled: bool) -> Self {
        self.webpki_roots = enabled;
        self
    }

    /// Whether the operating system's roots (feature `native-roots`) are trusted.
    /// Default: on with that feature.
    pub fn native_roots(mut self, enabled: bool) -> Self {
        self.native_roots = enabled;
        self
    }

    /// Also trusts the certificates in `pem` (one or more `BEGIN CERTIFICATE` blocks), such
    /// as a private CA's. Checked by [`build`](Self::build).
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_roots_pem.push(pem.into());
        self
    }

    /// Also trusts the DER-encoded certificate `der`. Checked by [`build`](Self::build).
    pub fn add_root_certificate_der(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.extra_roots_der.push(der.into());
        self
    }

    /// Builds the transport; fails when a root certificate does not parse or no root is
    /// trusted at all.
    pub fn build(self) -> Result<HyperTransport, Error> {
        if self.max_connections == 0 || self.max_connections > tokio::sync::Semaphore::MAX_PERMITS {
            return Err(Error::config(format!(
                "max_connections must be from 1 to {}",
                tokio::sync::Semaphore::MAX_PERMITS
            )));
        }
        let connect_timeout = checked_timeout(self.connect_timeout, "the connect timeout").map_err(Error::config)?;
        let pool_idle_timeout =
            checked_timeout(self.pool_idle_timeout, "the pool's idle timeout").map_err(Error::config)?;
        let mut roots = rustls::RootCertStore::empty();
        #[cfg(feature = "webpki-roots")]
        if self.webpki_roots {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        #[cfg(feature = "native-roots")]
        if self.native_roots {
            let native = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(native.certs);
        }
        for pem in &self.extra_roots_pem {
            let mut found = false;
            for certificate in CertificateDer::pem_slice_iter(pem) {
                let certificate = certificate
                    .map_err(|source| Error::config_with("a root certificate is not valid PEM", source.to_string()))?;
                roots
                    .add(certificate)
                    .map_err(|source| Error::config_with("a root certificate could not be used", source))?;
                found = true;
            }
            if !found {
                return Err(Error::config("no certificate found in the PEM given as a root"));
            }
        }
        for der in &self.extra_roots_der {
            roots
                .add(CertificateDer::from(der.clone()))
                .map_err(|source| Error::config_with("a root certificate could not be used", source))?;
        }
        if roots.is_empty() {
            return Err(Error::config(
                "no trusted root certificates: enable the webpki-roots or native-roots feature, or add one",
            ));
        }
        let tls = rustls::ClientConfig::builder_with_provider(crypto_provider())
            .with_safe_default_protocol_versions()
            .map_err(|source| Error::config_with("the TLS configuration is not valid", source))?
            .with_root_certificates(roots)
            .with_no_client_auth();

        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(connect_timeout));
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(LimitedConnector::new(http, self.max_connections, connect_timeout));
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_idle_timeout(pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .build(https);
        Ok(HyperTransport { client, max_response_bytes: self.max_response_bytes, connect_timeout, pool_idle_timeout })
    }
}

/// The TLS provider: the one the application installed for the whole process, if any
/// (rustls asks libraries to honour it; an application that wants post-quantum key exchange
/// installs aws-lc-rs's), else ring, named explicitly so that no build ever needs aws-lc-rs
/// and cmake.
fn crypto_provider() -> Arc<rustls::crypto::CryptoProvider> {
    rustls::crypto::CryptoProvider::get_default().cloned().unwrap_or_else(|| Arc::new(ring_provider()))
}

/// rustls' ring provider. rustls 0.23.48 deprecates its constructor because ring has no
/// post-quantum key exchange, yet gives no other way to build it in 0.23 (its successor,
/// the `rustls-ring` crate, is for rustls 0.24); so this one call allows the deprecation,
/// rather than every build of a dependent project warning about it.
#[allow(deprecated)]
fn ring_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}
