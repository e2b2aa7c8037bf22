//! `HyperTransport`: hyper-util's pooled HTTP/1.1 client over rustls (ring) on tokio.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Body as _;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::Error;
use crate::connection_limit::LimitedConnector;
use crate::transport::{HttpTransport, Sleep, TransportError, TransportErrorKind};

/// How long connecting (TCP and TLS) may take unless configured otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest response body accepted unless configured otherwise: 10 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;
/// How many connections one transport keeps open at most unless configured otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 64;
/// How long an idle pooled connection is kept unless configured otherwise.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// The production transport: hyper-util's pooled HTTP/1.1 client over rustls with the ring
/// provider, on tokio.
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
/// Needs a tokio runtime with the time driver when it sends.
#[derive(Clone)]
pub struct HyperTransport {
    client: Client<HttpsConnector<LimitedConnector<HttpConnector>>, Full<Bytes>>,
    max_response_bytes: usize,
}

impl HyperTransport {
    /// Starts configuring a transport.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport").field("max_response_bytes", &self.max_response_bytes).finish_non_exhaustive()
    }
}

#[async_trait]
impl HttpTransport for HyperTransport {
    async fn send(&self, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, TransportError> {
        let response = self.client.request(request.map(Full::new)).await.map_err(classify)?;
        let (parts, body) = response.into_parts();
        // hyper reports a declared Content-Length as the body's size hint.
        if body.size_hint().lower() > self.max_response_bytes as u64 {
            return Err(TransportError::new(
                TransportErrorKind::BodyTooLarge,
                format!("the declared Content-Length exceeds the limit of {} bytes", self.max_response_bytes),
            ));
        }
        // A 204, or any answer declared empty, has nothing to read.
        if body.is_end_stream() {
            return Ok(http::Response::from_parts(parts, Bytes::new()));
        }
        let body = Limited::new(body, self.max_response_bytes).collect().await.map_err(|error| {
            if error.is::<LengthLimitError>() {
                TransportError::new(TransportErrorKind::BodyTooLarge, error)
            } else {
                TransportError::new(TransportErrorKind::Io, error)
            }
        })?;
        Ok(http::Response::from_parts(parts, body.to_bytes()))
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
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
    /// How long a TCP connection and TLS handshake may take. Default: 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long an idle connection stays in the pool. Default: 60 s.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// How many idle connections per host the pool keeps. Default: no limit.
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// How many connections may be open at once (at least 1); a call that finds them all
    /// busy waits for one to come back to the pool, or for one to close, at most the
    /// connect timeout. Keep it at or above the client's `max_in_flight`. Default: 64.
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
            return Err(Error::invalid("max_connections must be at least 1"));
        }
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
                    .map_err(|source| Error::invalid_with("a root certificate is not valid PEM", source.to_string()))?;
                roots
                    .add(certificate)
                    .map_err(|source| Error::invalid_with("a root certificate could not be used", source))?;
                found = true;
            }
            if !found {
                return Err(Error::invalid("no certificate found in the PEM given as a root"));
            }
        }
        for der in &self.extra_roots_der {
            roots
                .add(CertificateDer::from(der.clone()))
                .map_err(|source| Error::invalid_with("a root certificate could not be used", source))?;
        }
        if roots.is_empty() {
            return Err(Error::invalid(
                "no trusted root certificates: enable the webpki-roots or native-roots feature, or add one",
            ));
        }
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|source| Error::invalid_with("the TLS configuration is not valid", source))?
            .with_root_certificates(roots)
            .with_no_client_auth();

        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(self.connect_timeout));
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(LimitedConnector::new(http, self.max_connections, self.connect_timeout));
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .build(https);
        Ok(HyperTransport { client, max_response_bytes: self.max_response_bytes })
    }
}
