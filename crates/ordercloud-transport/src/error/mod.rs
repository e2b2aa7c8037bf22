//! `Error`: everything a call can end with, short of success.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use ordercloud_models::{ApiError, ErrorCode};

use crate::error_body::ErrorBody;
use crate::text::{self, Secret};
use crate::transport::{TransportError, TransportErrorKind};

/// Why an OrderCloud call failed.
///
/// The variant says how far the request got: refused before sending
/// ([`InvalidRequest`](Self::InvalidRequest)), a client or transport set up wrongly
/// ([`Config`](Self::Config)), lost in transport ([`Transport`](Self::Transport)), answered
/// with a non-2xx status ([`Response`](Self::Response)), or answered 2xx with a body that did
/// not decode ([`Decode`](Self::Decode)). The helpers answer the usual questions without
/// matching. [`source()`](StdError::source) is the variant's own error, so a chain can be
/// downcast to [`ResponseError`] or [`TransportError`].
///
/// `Display` is one line a person can act on: control characters are replaced, and it never
/// contains the request URL, the body sent, or a token, password or verification code the
/// call sent, in any encoding a server is likely to echo. Neither does `Debug`, nor any error
/// in the `source()` chain.
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
    /// A list's pages do not end: the server answered a page it had already given, or
    /// another page than the one asked for; see [`Pages`](crate::Pages).
    Pagination(PaginationError),
}

impl Error {
    /// A request refused before anything was sent, for API crates that check their input:
    /// `message` says what is wrong and must not contain the rejected value.
    pub fn invalid_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::invalid(message)
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

    pub(crate) fn config_with(
        message: impl Into<Cow<'static, str>>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self::Config(ConfigError(Described::new(message, Some(source.into()))))
    }

    /// The HTTP status of the answer, when one arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Response(error) => Some(error.status),
            Self::Decode(error) => Some(error.status),
            _ => None,
        }
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
            Self::Transport(error) => {
                matches!(error.kind(), TransportErrorKind::Connect | TransportErrorKind::QueueTimeout)
            }
            Self::Response(error) => error.status == StatusCode::TOO_MANY_REQUESTS,
            _ => false,
        }
    }

    /// Whether the request was refused before anything was sent, for its own arguments.
    pub fn is_invalid_request(&self) -> bool {
        matches!(self, Self::InvalidRequest(_))
    }

    /// Whether the client or transport is configured wrongly.
    pub fn is_config(&self) -> bool {
        matches!(self, Self::Config(_))
    }

    /// The raw body of the answer, when one arrived.
    pub fn response_body(&self) -> Option<&Bytes> {
        match self {
            Self::Response(error) => Some(&error.body),
            Self::Decode(error) => Some(&error.body),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest(error) => write!(f, "invalid request, nothing was sent: {error}"),
            Self::Config(error) => write!(f, "invalid configuration, nothing was sent: {error}"),
            Self::Transport(error) => write!(f, "request failed: {error}"),
            Self::Response(error) => fmt::Display::fmt(error, f),
            Self::Decode(error) => fmt::Display::fmt(error, f),
            Self::Pagination(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(match self {
            Self::InvalidRequest(error) => error,
            Self::Config(error) => error,
            Self::Transport(error) => error,
            Self::Response(error) => error.as_ref(),
            Self::Decode(error) => error.as_ref(),
            Self::Pagination(error) => error,
        })
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

/// A request refused before it was sent, for its own arguments.
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
        f.write_str(&self.0.message)
    }
}

impl StdError for InvalidRequest {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

/// A client or transport configured wrongly; nothing was sent.
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
        f.write_str(&self.0.message)
    }
}

impl StdError for ConfigError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

/// A non-2xx answer: its status, headers, raw body and the OrderCloud errors read from it.
///
/// The body is read leniently (a UTF-8 byte-order mark is skipped; HTML, plain text,
/// an empty or a truncated body leave [`errors`](Self::errors) empty) and kept whole. It is
/// read frugally too: at most [`MAX_ERRORS`](Self::MAX_ERRORS) entries are kept, and each
/// entry's `Data` is parsed only when [`errors`](Self::errors) is first called, so a hostile
/// body costs little more memory than its own size.
#[derive(Clone)]
pub struct ResponseError {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    parsed: ErrorBody,
    errors: OnceLock<Vec<ApiError>>,
    summary: String,
}

impl ResponseError {
    /// How many entries of an error body are kept; [`Display`](fmt::Display) counts the rest.
    pub const MAX_ERRORS: usize = crate::error_body::MAX_ENTRIES;

    /// Builds the error from an answer; `secrets` are kept out of its `Display`.
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Bytes, secrets: &[Secret<'_>]) -> Self {
        let parsed = ErrorBody::parse(json_text(&body));
        let summary = summarize(&parsed, &body, secrets);
        Self { status, headers, body, parsed, errors: OnceLock::new(), summary }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw response body, exactly as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The first OrderCloud `ErrorCode` of the body, read without parsing any `Data`.
    pub fn error_code(&self) -> Option<&ErrorCode> {
        self.parsed.entries.first().map(|entry| &entry.code)
    }

    /// How many errors the body listed, including those past [`MAX_ERRORS`](Self::MAX_ERRORS).
    pub fn error_count(&self) -> usize {
        self.parsed.total
    }

    /// The OrderCloud errors of the body (the first [`MAX_ERRORS`](Self::MAX_ERRORS)), with
    /// their `Data` parsed on the first call; empty when the body is not an OrderCloud error
    /// body.
    pub fn errors(&self) -> &[ApiError] {
        self.errors.get_or_init(|| self.parsed.api_errors(json_text(&self.body)))
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}: {}", status_text(self.status), self.summary)
    }
}

impl fmt::Debug for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only the scrubbed summary: the raw body and errors may echo a secret.
        f.debug_struct("ResponseError")
            .field("status", &self.status)
            .field("errors", &self.parsed.total)
            .field("summary", &self.summary)
            .field("body_len", &self.body.len())
            .field("header_names", &self.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl StdError for ResponseError {}

/// Why a walk over a list's pages was ended: the server's paging would never have ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaginationErrorKind {
    /// The server gave, as the next page's key, the key of a page already fetched: the keys
    /// go round in a cycle.
    RepeatedPageKey,
    /// The server answered a page exactly as it answered an earlier one.
    RepeatedPage,
    /// The server answered another page than the one asked for (it ignores `page`).
    WrongPageNumber {
        /// The page asked for.
        asked: u32,
        /// The page the answer says it is.
        answered: u32,
    },
}

/// A walk over a list's pages ended because the server's paging would never end; the
/// pages before it were returned, and nothing more is fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaginationError {
    kind: PaginationErrorKind,
    pages: u32,
}

impl PaginationError {
    pub(crate) fn new(kind: PaginationErrorKind, pages: u32) -> Self {
        Self { kind, pages }
    }

    /// What the server did.
    pub fn kind(&self) -> PaginationErrorKind {
        self.kind
    }

    /// How many pages were fetched before the walk ended, this one included.
    pub fn pages(&self) -> u32 {
        self.pages
    }
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the list's pages do not end: ")?;
        match self.kind {
            PaginationErrorKind::RepeatedPageKey => f.write_str("the server gave the key of an earlier page again")?,
            PaginationErrorKind::RepeatedPage => f.write_str("the server answered an earlier page again")?,
            PaginationErrorKind::WrongPageNumber { asked, answered } => {
                write!(f, "asked for page {asked}, the server answered page {answered}")?
            }
        }
        write!(f, " (stopped after {} pages)", self.pages)
    }
}

impl StdError for PaginationError {}

/// A 2xx answer whose body is not what the endpoint returns.
///
/// It says where and why decoding failed, with any secret of the call kept out; the raw
/// `serde_json` error is not kept, because its text can quote the body.
#[derive(Clone)]
pub struct DecodeError {
    status: StatusCode,
    body: Bytes,
    detail: String,
    line: usize,
    column: usize,
}

impl DecodeError {
    pub(crate) fn new(status: StatusCode, body: Bytes, source: &serde_json::Error, secrets: &[Secret<'_>]) -> Self {
        let detail = text::safe_snippet(&source.to_string(), secrets).unwrap_or_else(|| text::WITHHELD.to_owned());
        Self { status, body, detail, line: source.line(), column: source.column() }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The raw response body, exactly as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The line (from 1) of the body where decoding failed.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column (from 1) of that line where decoding failed.
    pub fn column(&self) -> usize {
        self.column
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}: the response body could not be decoded: {}", status_text(self.status), self.detail)
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("detail", &self.detail)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl StdError for DecodeError {}

/// The JSON text of a body: without a UTF-8 byte-order mark.
pub(crate) fn json_text(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// One line about the body: `Code: Message` for OrderCloud errors, else a snippet (or an
/// HTML page's title). Secrets are kept out before the text is shortened, so no part of one
/// survives; a text that echoes one in a form that cannot be replaced is withheld.
fn summarize(parsed: &ErrorBody, body: &[u8], secrets: &[Secret<'_>]) -> String {
    if let Some(first) = parsed.entries.first() {
        let line = match (first.code.as_str(), first.message.trim()) {
            ("", message) => Cow::Borrowed(message),
            (code, "") => Cow::Borrowed(code),
            (code, message) => Cow::Owned(format!("{code}: {message}")),
        };
        let mut line = text::safe_snippet(&line, secrets)
            .or_else(|| {
                text::safe_snippet(first.code.as_str(), secrets).map(|code| format!("{code}: {}", text::WITHHELD))
            })
            .unwrap_or_else(|| text::WITHHELD.to_owned());
        if parsed.total > 1 {
            line.push_str(&format!(" (and {} more)", parsed.total - 1));
        }
        return line;
    }
    // Only the start of a body can be shown: decode no more of it than that.
    let body = json_text(body);
    let start = &body[..body.len().min(64 * 1024)];
    let text = String::from_utf8_lossy(start);
    let (text, html) = match html_title(&text) {
        Some(title) => (title, true),
        None => (text.as_ref(), false),
    };
    match text::safe_snippet(text, secrets) {
        Some(line) if line.is_empty() => "(empty body)".to_owned(),
        Some(line) if html => format!("HTML page \"{line}\""),
        Some(line) => line,
        None => text::WITHHELD.to_owned(),
    }
}

fn html_title(text: &str) -> Option<&str> {
    let head = &text[..text.floor_char_boundary_compat(4096)];
    let lower = head.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    Some(head[start..end].trim()).filter(|title| !title.is_empty())
}

/// `str::floor_char_boundary`, which is not stable on the minimum supported Rust.
trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, index: usize) -> usize;
}

impl FloorCharBoundary for str {
    fn floor_char_boundary_compat(&self, index: usize) -> usize {
        if index >= self.len() {
            return self.len();
        }
        (0..=index).rev().find(|&at| self.is_char_boundary(at)).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::SNIPPET_CHARS;

    fn response(status: u16, body: &'static [u8]) -> Error {
        Error::Response(Box::new(ResponseError::new(
            StatusCode::from_u16(status).unwrap(),
            HeaderMap::new(),
            Bytes::from_static(body),
            &[Secret::any_case("s3cret-code")],
        )))
    }

    #[test]
    fn an_ordercloud_error_body_gives_code_and_message() {
        let error = response(400, br#"{"Errors":[{"ErrorCode":"PasswordReset.InvalidVerification","Message":"Invalid verification code","Data":null}]}"#);
        assert_eq!(
            error.to_string(),
            "HTTP 400 Bad Request: PasswordReset.InvalidVerification: Invalid verification code"
        );
        assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
        assert_eq!(error.error_code(), Some(&ErrorCode::PasswordResetInvalidVerification));
        assert!(!error.is_retryable() && !error.is_timeout());
    }

    #[test]
    fn a_bom_does_not_stop_parsing() {
        let error = response(400, b"\xEF\xBB\xBF{\"Errors\":[{\"ErrorCode\":\"NotFound\",\"Message\":\"Not found\",\"Data\":{\"ObjectID\":\"x\"}}]}");
        assert_eq!(error.error_code(), Some(&ErrorCode::NotFound));
        assert_eq!(error.api_errors()[0].data["ObjectID"], "x");
    }

    #[test]
    fn several_errors_are_counted() {
        let error =
            response(400, br#"{"Errors":[{"ErrorCode":"A","Message":"first"},{"ErrorCode":"B","Message":"second"}]}"#);
        assert_eq!(error.to_string(), "HTTP 400 Bad Request: A: first (and 1 more)");
    }

    #[test]
    fn non_json_bodies_give_a_capped_snippet() {
        assert_eq!(response(404, b"").to_string(), "HTTP 404 Not Found: (empty body)");
        assert_eq!(response(401, b"  \r\n").to_string(), "HTTP 401 Unauthorized: (empty body)");
        assert_eq!(
            response(500, b"upstream\n  exploded").to_string(),
            "HTTP 500 Internal Server Error: upstream exploded"
        );
        let html = response(
            502,
            b"<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>",
        );
        assert_eq!(html.to_string(), "HTTP 502 Bad Gateway: HTML page \"502 Bad Gateway\"");
        let truncated = response(400, br#"{"Errors":[{"ErrorCode":"PasswordRe"#);
        assert!(truncated.error_code().is_none());
        assert!(truncated.to_string().starts_with("HTTP 400 Bad Request: {\"Errors\""));
        let long = Bytes::from(vec![b'x'; 10_000]);
        let long = ResponseError::new(StatusCode::BAD_GATEWAY, HeaderMap::new(), long, &[]);
        assert!(long.to_string().chars().count() < SNIPPET_CHARS + 40);
        assert_eq!(long.body().len(), 10_000, "the raw body is kept whole");
    }

    #[test]
    fn invalid_utf8_does_not_panic() {
        let error = response(500, b"\xFF\xFE\x00garbage");
        assert!(error.to_string().starts_with("HTTP 500"));
    }

    #[test]
    fn secrets_echoed_by_a_server_are_scrubbed() {
        let error = response(404, b"Cannot PUT /v1/password/reset/s3cret-code");
        assert_eq!(error.to_string(), "HTTP 404 Not Found: Cannot PUT /v1/password/reset/[redacted]");
        assert!(!format!("{error:?}").contains("s3cret-code"));
    }

    #[test]
    fn retryable_statuses() {
        assert!(response(429, b"").is_retryable());
        assert!(!response(408, b"").is_retryable(), "no policy retries a 408: it may have taken effect");
        assert!(!response(503, b"").is_retryable());
        let unknown = response(599, b"x");
        assert_eq!(unknown.to_string(), "HTTP 599: x");
    }
}
