//! `Error`: everything a call can end with, short of success.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::StatusCode;
use ordercloud_models::{ApiError, ErrorCode};

use crate::address::base_url::UrlError;

mod category;
mod pagination;
mod response;
mod session;
mod transport;

pub use category::ErrorCategory;
pub use pagination::{PaginationError, PaginationErrorKind};
pub(crate) use response::json_text;
pub use response::{DecodeError, ResponseError};
pub use session::{SessionEnd, SessionExpired};
pub(crate) use transport::Elapsed;
pub use transport::{TransportError, TransportErrorKind};

/// Why an OrderCloud call failed.
///
/// The variant says how far the request got: refused before sending
/// ([`InvalidRequest`](Self::InvalidRequest)), a client or transport set up wrongly
/// ([`Config`](Self::Config)), refused because its session has ended
/// ([`SessionExpired`](Self::SessionExpired)), lost in transport ([`Transport`](Self::Transport)), answered
/// with a non-2xx status ([`Response`](Self::Response)), or answered 2xx with a body that did
/// not decode ([`Decode`](Self::Decode)). The helpers answer the usual questions without
/// matching ([`status`](Self::status), [`is_not_found`](Self::is_not_found),
/// [`is_retryable`](Self::is_retryable)...), and [`category`](Self::category) sorts every
/// error into what a web handler answers.
///
/// `Display` is one line a person can act on: control characters are replaced, and it never
/// contains the request URL, the body sent, or a token, password or verification code the
/// call sent, in any encoding a server is likely to echo. Neither does `Debug`, nor any error
/// in the `source()` chain.
///
/// **Causes are said once.** Every error type of this SDK follows one rule: its `Display`
/// says what its own level adds, and [`source()`](StdError::source) returns the cause, whose
/// text the `Display` does not repeat. `Error` adds nothing to its variant: it shows the
/// variant's text and returns the variant's cause (a refused connection's `io::Error`, a
/// body's serialization error...), so `anyhow`'s `{:#}` or any chain printer says each cause
/// once. `{}` alone gives this level's line; match on the variant to reach
/// [`ResponseError`] or [`TransportError`].
///
/// ```
/// use std::error::Error as _;
/// use ordercloud_transport::{Error, TransportError, TransportErrorKind};
///
/// let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
/// let error = Error::from(TransportError::new(TransportErrorKind::Connect, refused));
/// assert_eq!(error.to_string(), "could not connect to the server");
/// assert_eq!(error.source().unwrap().to_string(), "Connection refused");
/// ```
///
/// ```
/// # async fn example(api: ordercloud_transport::ApiClient) {
/// use ordercloud_models::ErrorCode;
///
/// match api.request(http::Method::POST, "/password/reset").send_empty().await {
///     Ok(()) => println!("sent"),
///     Err(error) if error.error_code() == Some(&ErrorCode::PasswordResetLockedOut) => {
///         println!("locked out; try again in a few minutes")
///     }
///     Err(error) if error.is_retryable() => println!("try again: {error}"),
///     Err(error) => println!("failed: {error}"),
/// }
/// # }
/// ```
///
/// Cheap to clone: the raw body and any cause are shared, so one failure can be handed to
/// every call that waited for it (a refused token request, say).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request was refused before anything was sent (an empty path parameter, a body
    /// that does not serialize, a per-call token that cannot be a header value...).
    InvalidRequest(InvalidRequest),
    /// The client or transport is configured wrongly (a bad base URL, a zero timeout,
    /// `max_in_flight(0)`...): nothing was sent, and nothing will be until it is fixed.
    Config(ConfigError),
    /// No complete response arrived; [`TransportError::kind`] says whether the request can
    /// have reached the server.
    Transport(TransportError),
    /// The server answered with a status outside 2xx.
    Response(Box<ResponseError>),
    /// The server answered 2xx, but the body is not what the endpoint returns.
    Decode(Box<DecodeError>),
    /// A list's pages do not end, or cannot be followed: the server answered a page it had
    /// already given or another page than the one asked for, gave a page key too long for
    /// a URL, or (walking by last ID) IDs out of order; see [`Pages`](crate::Pages).
    Pagination(PaginationError),
    /// The call's session has ended (logged out, or its refresh token refused or missing):
    /// nothing was sent, and the user must sign in again. See
    /// [`is_session_expired`](Self::is_session_expired).
    SessionExpired(SessionExpired),
}

impl Error {
    /// A request refused before anything was sent, for API crates that check their input:
    /// `message` says what is wrong and must not contain the rejected value.
    pub fn invalid_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::invalid(message)
    }

    /// The error for a call whose session has ended, for token providers: the call ends
    /// with it, nothing sent. It is never retryable, and
    /// [`is_session_expired`](Self::is_session_expired) is true for it.
    ///
    /// ```
    /// use ordercloud_transport::{Error, ErrorCategory, SessionEnd};
    ///
    /// let error = Error::session_expired(SessionEnd::LoggedOut);
    /// assert!(error.is_session_expired() && !error.is_retryable());
    /// assert_eq!(error.category(), ErrorCategory::SessionExpired);
    /// assert_eq!(error.to_string(), "the session has ended (it was logged out); sign in again. Nothing was sent");
    /// ```
    pub fn session_expired(end: SessionEnd) -> Self {
        Self::SessionExpired(SessionExpired::new(end))
    }

    pub(crate) fn invalid(message: impl Into<Cow<'static, str>>) -> Self {
        Self::InvalidRequest(InvalidRequest(Described::new(message, None)))
    }

    pub(crate) fn invalid_with(
        message: impl Into<Cow<'static, str>>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self::InvalidRequest(InvalidRequest(Described::new(message, Some(source.into()))))
    }

    pub(crate) fn config(message: impl Into<Cow<'static, str>>) -> Self {
        Self::Config(ConfigError(Described::new(message, None)))
    }

    #[cfg(feature = "hyper")]
    pub(crate) fn config_with(
        message: impl Into<Cow<'static, str>>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self::Config(ConfigError(Described::new(message, Some(source.into()))))
    }

    /// The HTTP status of the answer, when one arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Response(error) => Some(error.status()),
            Self::Decode(error) => Some(error.status()),
            _ => None,
        }
    }

    /// Whether the server answered `404 Not Found`: the object (or one its path goes
    /// through) does not exist, or the token's user may not see it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_transport::Error> {
    /// use ordercloud_transport::{ApiClient, MockTransport, http::Method};
    ///
    /// let mock = MockTransport::new();
    /// mock.push_api_error(404, "NotFound", "Product not found: missing");
    /// let client = ApiClient::builder().transport(mock).build()?;
    /// match client.request(Method::GET, "/products/missing").send_empty().await {
    ///     Err(error) if error.is_not_found() => println!("no such product"),
    ///     other => other?,
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_not_found(&self) -> bool {
        self.answered(StatusCode::NOT_FOUND)
    }

    /// Whether the server answered `401 Unauthorized`: no token, or one it refused (after
    /// a session's one renewal).
    pub fn is_unauthorized(&self) -> bool {
        self.answered(StatusCode::UNAUTHORIZED)
    }

    /// Whether the server answered `403 Forbidden`: the token lacks a role the call needs.
    pub fn is_forbidden(&self) -> bool {
        self.answered(StatusCode::FORBIDDEN)
    }

    /// Whether the server answered `409 Conflict`: an object with that ID exists already.
    pub fn is_conflict(&self) -> bool {
        self.answered(StatusCode::CONFLICT)
    }

    /// Whether the server answered `429 Too Many Requests` (after the client's own
    /// retries).
    pub fn is_rate_limited(&self) -> bool {
        self.answered(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether the server answered with a `5xx` status: it failed, or a gateway before it.
    pub fn is_server_error(&self) -> bool {
        matches!(self, Self::Response(error) if error.status().is_server_error())
    }

    /// Whether the server answered a non-2xx `status`.
    fn answered(&self, status: StatusCode) -> bool {
        matches!(self, Self::Response(error) if error.status() == status)
    }

    /// The first OrderCloud `ErrorCode` of the error body, when there is one.
    pub fn error_code(&self) -> Option<&ErrorCode> {
        match self {
            Self::Response(error) => error.error_code(),
            _ => None,
        }
    }

    /// The OrderCloud errors of the answer's body (at most the first
    /// [`ResponseError::MAX_ERRORS`]); empty when it had none.
    pub fn api_errors(&self) -> &[ApiError] {
        match self {
            Self::Response(error) => error.errors(),
            _ => &[],
        }
    }

    /// Whether the call ran out of time (waiting for its turn, connecting, or waiting for
    /// the whole answer).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Transport(error) if error.is_timeout())
    }

    /// Whether the request provably did not take effect, so sending it again is safe and may
    /// succeed: it was never sent because no connection could be made or its turn never
    /// came, or the server answered `429 Too Many Requests`. This is the same rule the
    /// default [`RetryPolicy`](crate::RetryPolicy) retries by.
    ///
    /// A timeout after sending or a dropped connection is not retryable by this rule: the
    /// request may have been processed (for a reset request, an email may be on its way).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(error) => crate::runtime::retry::retryable_failure(error.kind()),
            Self::Response(error) => crate::runtime::retry::retryable_status(error.status()),
            _ => false,
        }
    }

    /// Whether the request was refused before anything was sent, for its own arguments.
    pub fn is_invalid_request(&self) -> bool {
        matches!(self, Self::InvalidRequest(_))
    }

    /// Whether the call was refused, nothing sent, because its session has ended (see
    /// [`SessionEnd`] for why): the user must sign in again. Every later call of that
    /// session ends the same way at once.
    ///
    /// A token the API itself refused (`401 InvalidToken`, after the client's one renewal)
    /// is not this error, since a request was sent; [`category`](Self::category) puts both in
    /// [`ErrorCategory::SessionExpired`].
    pub fn is_session_expired(&self) -> bool {
        matches!(self, Self::SessionExpired(_))
    }

    /// Why the call's session ended, when it was refused for that.
    pub fn session_end(&self) -> Option<SessionEnd> {
        match self {
            Self::SessionExpired(error) => Some(error.reason()),
            _ => None,
        }
    }

    /// Whether the client or transport is configured wrongly.
    pub fn is_config(&self) -> bool {
        matches!(self, Self::Config(_))
    }

    /// The raw body of the answer, when one arrived.
    pub fn response_body(&self) -> Option<&Bytes> {
        match self {
            Self::Response(error) => Some(error.body()),
            Self::Decode(error) => Some(error.body()),
            _ => None,
        }
    }
}

impl Error {
    /// The variant's own error, whose text and cause are this error's.
    fn variant(&self) -> &(dyn StdError + 'static) {
        match self {
            Self::InvalidRequest(error) => error,
            Self::Config(error) => error,
            Self::Transport(error) => error,
            Self::Response(error) => error.as_ref(),
            Self::Decode(error) => error.as_ref(),
            Self::Pagination(error) => error,
            Self::SessionExpired(error) => error,
        }
    }
}

/// The variant's text: `Error` adds nothing to it.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.variant(), f)
    }
}

/// The variant's cause, not the variant itself, whose text `Display` already shows.
impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.variant().source()
    }
}

impl Error {
    /// A base URL refused while configuring a client.
    pub(crate) fn config_url(error: UrlError) -> Self {
        Self::Config(ConfigError(Described::new(error.message, error.source)))
    }

    /// A request URI that cannot be built from its parts.
    pub(crate) fn invalid_url(error: UrlError) -> Self {
        Self::InvalidRequest(InvalidRequest(Described::new(error.message, error.source)))
    }
}

impl From<TransportError> for Error {
    fn from(error: TransportError) -> Self {
        Self::Transport(error)
    }
}

/// A message and an optional cause: the shared body of [`InvalidRequest`] and [`ConfigError`].
#[derive(Clone, Debug)]
struct Described {
    message: Cow<'static, str>,
    source: Option<Arc<dyn StdError + Send + Sync>>,
}

impl Described {
    fn new(message: impl Into<Cow<'static, str>>, source: Option<Box<dyn StdError + Send + Sync>>) -> Self {
        Self { message: message.into(), source: source.map(Arc::from) }
    }

    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_deref().map(|error| error as &(dyn StdError + 'static))
    }
}

/// A request refused before it was sent, for its own arguments: `Display` is
/// `invalid request, nothing was sent: ` and the [`message`](Self::message); `source()` is
/// the cause, when there is one (a body's serialization error, a refused filter).
#[derive(Clone, Debug)]
pub struct InvalidRequest(Described);

impl InvalidRequest {
    /// What is wrong with the request.
    pub fn message(&self) -> &str {
        &self.0.message
    }
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid request, nothing was sent: {}", self.0.message)
    }
}

impl StdError for InvalidRequest {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

/// A client or transport configured wrongly; nothing was sent. `Display` is
/// `invalid configuration, nothing was sent: ` and the [`message`](Self::message);
/// `source()` is the cause, when there is one (a certificate that does not parse).
#[derive(Clone, Debug)]
pub struct ConfigError(Described);

impl ConfigError {
    /// What is wrong with the configuration.
    pub fn message(&self) -> &str {
        &self.0.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration, nothing was sent: {}", self.0.message)
    }
}

impl StdError for ConfigError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}
