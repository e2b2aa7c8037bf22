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

    /// This error with its causes replaced by their text without `secrets`, when any cause
    /// shows one in its `Display` or `Debug` (a transport of the caller's own may quote the
    /// request's URL, and with it a code sent in the path). Untouched otherwise, so the
    /// causes can still be downcast.
    pub(crate) fn without_secrets(self, secrets: &[crate::text::Secret<'_>]) -> Self {
        let shows_secret = |text: &str| crate::text::shows_secret(text, secrets);
        let debug = self.source.as_ref().map(|source| format!("{source:?}")).unwrap_or_default();
        if !self.chain().any(|error| shows_secret(&error.to_string())) && !shows_secret(&debug) {
            return self;
        }
        let root = self.chain().last().map(|root| root.to_string()).unwrap_or_default();
        let shown = crate::text::safe_snippet(&root, secrets).unwrap_or_else(|| crate::text::WITHHELD.to_owned());
        Self { kind: self.kind, source: Some(Arc::new(Scrubbed(shown))) }
    }

    fn chain(&self) -> impl Iterator<Item = &(dyn StdError + 'static)> {
        let first = self.source.as_deref().map(|error| error as &(dyn StdError + 'static));
        std::iter::successors(first, |&error| error.source())
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.describe())?;
        // The innermost cause is usually the one a person can act on ("Connection refused"),
        // kept on one line.
        if let Some(root) = self.chain().last() {
            let root = crate::text::one_line(&root.to_string());
            if !root.is_empty() {
                write!(f, " ({})", crate::text::truncate(&root, crate::text::SNIPPET_CHARS))?;
            }
        }
        Ok(())
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

/// A cause whose own text showed a secret of the call: that text without it.
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
        write!(f, "no complete answer within {:?}", self.0)
    }
}

impl StdError for Elapsed {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_kind_and_the_root_cause() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        let error = TransportError::new(TransportErrorKind::Connect, io);
        assert_eq!(error.to_string(), "could not connect to the server (Connection refused)");
        assert!(error.source().is_some());
        assert!(!error.is_timeout());
        assert!(error.kind().request_not_sent());
    }

    #[test]
    fn display_is_one_line() {
        let error = TransportError::new(TransportErrorKind::Io, "broken\n  pipe\r\n");
        assert_eq!(error.to_string(), "the connection failed during the request (broken pipe)");
        let error = TransportError::new(TransportErrorKind::Io, " \n");
        assert_eq!(error.to_string(), "the connection failed during the request");
        let error = TransportError::new(TransportErrorKind::Io, "a\u{1b}[2Jb\u{202e}c");
        assert_eq!(error.to_string(), "the connection failed during the request (a\u{FFFD}[2Jb\u{FFFD}c)");
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
