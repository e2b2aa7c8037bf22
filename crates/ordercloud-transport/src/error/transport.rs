//! `TransportError`: no complete HTTP answer, and what that says about the request.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// What kind of failure a [`TransportError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be established (DNS, refused, unreachable, connect timeout):
    /// the request was not sent.
    Connect,
    /// The TLS handshake failed (for example an untrusted certificate): the request was not
    /// sent, and sending it again will fail the same way.
    Tls,
    /// No complete answer arrived in time: the request may have reached the server.
    Timeout,
    /// The connection failed after the request started: it may have reached the server.
    Io,
    /// The answer was not valid HTTP: the request may have reached the server.
    InvalidResponse,
    /// The response body is larger than the transport accepts.
    BodyTooLarge,
    /// The call's time ran out before it was sent: while it waited for its access token
    /// (from a [`TokenProvider`](crate::TokenProvider)) or for its turn among the client's
    /// calls in flight. The request was not sent.
    QueueTimeout,
    /// The async runtime the transport needs is not running here (for
    /// [`HyperTransport`](crate::HyperTransport), a tokio runtime): nothing was sent.
    Runtime,
    /// Anything else.
    Other,
}

impl TransportErrorKind {
    fn describe(self) -> &'static str {
        match self {
            Self::Connect => "could not connect to the server",
            Self::Tls => "the TLS handshake with the server failed",
            Self::Timeout => "the request timed out",
            Self::Io => "the connection failed during the request",
            Self::InvalidResponse => "the server's answer is not valid HTTP",
            Self::BodyTooLarge => "the response body is larger than the limit",
            Self::QueueTimeout => "the call timed out waiting for its token or its turn, and was not sent",
            Self::Runtime => "the async runtime the HTTP transport needs is not running",
            Self::Other => "the HTTP transport failed",
        }
    }

    /// Whether a failure of this kind proves the request was never sent.
    pub fn request_not_sent(self) -> bool {
        matches!(self, Self::Connect | Self::Tls | Self::QueueTimeout | Self::Runtime)
    }
}

/// A failure to get a complete HTTP response. Its [`kind`](Self::kind) says what failed and
/// whether the request can have reached the server; the underlying error is its `source()`.
///
/// Cheap to clone: clones share the source.
#[derive(Clone)]
pub struct TransportError {
    kind: TransportErrorKind,
    source: Option<Arc<dyn StdError + Send + Sync>>,
}

impl TransportError {
    /// An error of `kind` caused by `source`.
    pub fn new(kind: TransportErrorKind, source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self { kind, source: Some(Arc::from(source.into())) }
    }

    /// An error of `kind` with no underlying cause.
    pub fn from_kind(kind: TransportErrorKind) -> Self {
        Self { kind, source: None }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request timed out, in connecting or waiting for the answer.
    pub fn is_timeout(&self) -> bool {
        matches!(self.kind, TransportErrorKind::Timeout | TransportErrorKind::QueueTimeout)
            || (self.kind == TransportErrorKind::Connect
                && self.chain().any(|error| {
                    error.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
                }))
    }

    /// This error with its causes replaced by their text, on one clean line and without
    /// `secrets`, when any cause shows a secret in its `Display` or `Debug` (a transport of
    /// the caller's own may quote the request's URL, and with it a code sent in the path) or
    /// is not one clean line. Untouched otherwise, so the causes can still be downcast.
    pub(crate) fn cleaned(self, secrets: &[crate::text::Secret<'_>]) -> Self {
        let shows_secret = |text: &str| crate::text::shows_secret(text, secrets);
        let texts: Vec<String> = self.chain().map(|error| error.to_string()).collect();
        let debug = self.source.as_ref().map(|source| format!("{source:?}")).unwrap_or_default();
        let unclean = |text: &String| shows_secret(text) || crate::text::one_line(text) != *text;
        if !texts.iter().any(unclean) && !shows_secret(&debug) {
            return self;
        }
        let shown =
            crate::text::safe_snippet(&texts.join(": "), secrets).unwrap_or_else(|| crate::text::WITHHELD.to_owned());
        Self { kind: self.kind, source: Some(Arc::new(Scrubbed(shown))) }
    }

    fn chain(&self) -> impl Iterator<Item = &(dyn StdError + 'static)> {
        let first = self.source.as_deref().map(|error| error as &(dyn StdError + 'static));
        std::iter::successors(first, |&error| error.source())
    }
}

/// What failed, by its kind; the cause ("Connection refused") is `source()`'s.
impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.describe())
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError").field("kind", &self.kind).field("source", &self.source).finish()
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_deref().map(|error| error as &(dyn StdError + 'static))
    }
}

/// Causes whose text showed a secret of the call or was not one clean line: that text, on
/// one line and without it.
#[derive(Debug)]
struct Scrubbed(String);

impl fmt::Display for Scrubbed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for Scrubbed {}

/// The cause of a timeout raised by the client: how long the call was given.
#[derive(Debug)]
pub(crate) struct Elapsed(pub(crate) Duration);

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the call was given {:?}", self.0)
    }
}

impl StdError for Elapsed {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_kind_and_source_gives_the_cause() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        let error = TransportError::new(TransportErrorKind::Connect, io);
        assert_eq!(error.to_string(), "could not connect to the server");
        assert_eq!(error.source().map(ToString::to_string).as_deref(), Some("Connection refused"));
        assert!(!error.is_timeout());
        assert!(error.kind().request_not_sent());
        assert!(TransportError::from_kind(TransportErrorKind::Io).source().is_none());
    }

    #[test]
    fn causes_that_are_not_one_clean_line_are_cleaned() {
        let error = TransportError::new(TransportErrorKind::Io, "broken\n  pipe\r\n").cleaned(&[]);
        assert_eq!(error.to_string(), "the connection failed during the request");
        assert_eq!(error.source().unwrap().to_string(), "broken pipe");
        let error = TransportError::new(TransportErrorKind::Io, "a\u{1b}[2Jb\u{202e}c").cleaned(&[]);
        assert_eq!(error.source().unwrap().to_string(), "a\u{FFFD}[2Jb\u{FFFD}c");
        let io = std::io::Error::new(std::io::ErrorKind::TimedOut, "connect");
        let clean = TransportError::new(TransportErrorKind::Connect, io).cleaned(&[]);
        assert!(clean.source().unwrap().downcast_ref::<std::io::Error>().is_some(), "a clean cause is kept as it is");
    }

    #[test]
    fn a_connect_timeout_is_a_timeout() {
        let io = std::io::Error::new(std::io::ErrorKind::TimedOut, "connect");
        assert!(TransportError::new(TransportErrorKind::Connect, io).is_timeout());
        assert!(TransportError::from_kind(TransportErrorKind::Timeout).is_timeout());
        assert!(!TransportError::from_kind(TransportErrorKind::Io).is_timeout());
        assert!(!TransportErrorKind::Timeout.request_not_sent());
    }
}
