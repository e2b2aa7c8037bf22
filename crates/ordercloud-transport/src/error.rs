//! `Error`: everything a call can end with, short of success.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use ordercloud_models::{ApiError, ErrorCode, ErrorResponse};

use crate::transport::{TransportError, TransportErrorKind};

/// How many characters of a non-JSON error body `Display` shows.
const SNIPPET_CHARS: usize = 200;

/// Why an OrderCloud call failed.
///
/// The variant says how far the request got: never sent ([`InvalidRequest`](Self::InvalidRequest)),
/// lost in transport ([`Transport`](Self::Transport)), answered with a non-2xx status
/// ([`Response`](Self::Response)), or answered 2xx with a body that did not decode
/// ([`Decode`](Self::Decode)). The helpers answer the usual questions without matching.
///
/// `Display` is one line a person can act on, and neither it nor `Debug` ever contains the
/// request URL, the body sent, the access token, a password or a verification code.
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
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request was refused before anything was sent (an empty path parameter, a bad
    /// base URL, a token that cannot be a header value...).
    InvalidRequest(InvalidRequest),
    /// No complete response arrived; [`TransportError::kind`] says whether the request can
    /// have reached the server.
    Transport(TransportError),
    /// The server answered with a status outside 2xx.
    Response(Box<ResponseError>),
    /// The server answered 2xx, but the body is not what the endpoint returns.
    Decode(Box<DecodeError>),
}

impl Error {
    /// A request refused before anything was sent, for API crates that check their input:
    /// `message` says what is wrong and must not contain the rejected value.
    pub fn invalid_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::invalid(message)
    }

    pub(crate) fn invalid(message: impl Into<Cow<'static, str>>) -> Self {
        Self::InvalidRequest(InvalidRequest { message: message.into(), source: None })
    }

    pub(crate) fn invalid_with(
        message: impl Into<Cow<'static, str>>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self::InvalidRequest(InvalidRequest { message: message.into(), source: Some(source.into()) })
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
        self.api_errors().first().map(|error| &error.error_code)
    }

    /// The OrderCloud errors of the answer's body; empty when it had none.
    pub fn api_errors(&self) -> &[ApiError] {
        match self {
            Self::Response(error) => &error.errors,
            _ => &[],
        }
    }

    /// Whether the call ran out of time (connecting, or waiting for the whole answer).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Transport(error) if error.is_timeout())
    }

    /// Whether the request provably did not take effect, so sending it again is safe and may
    /// succeed: the connection could not be established, or the server answered 408 or 429.
    ///
    /// A timeout or a dropped connection is not retryable by this rule: the request may have
    /// been processed (for a reset request, an email may be on its way).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(error) => error.kind() == TransportErrorKind::Connect,
            Self::Response(error) => {
                matches!(error.status, StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS)
            }
            _ => false,
        }
    }

    /// Whether the request was refused before anything was sent.
    pub fn is_invalid_request(&self) -> bool {
        matches!(self, Self::InvalidRequest(_))
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
            Self::Transport(error) => write!(f, "request failed: {error}"),
            Self::Response(error) => fmt::Display::fmt(error, f),
            Self::Decode(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::InvalidRequest(error) => error.source(),
            Self::Transport(error) => error.source(),
            Self::Response(_) => None,
            Self::Decode(error) => error.source(),
        }
    }
}

impl From<TransportError> for Error {
    fn from(error: TransportError) -> Self {
        Self::Transport(error)
    }
}

/// A request refused before it was sent.
#[derive(Debug)]
pub struct InvalidRequest {
    message: Cow<'static, str>,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl InvalidRequest {
    /// What is wrong with the request.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for InvalidRequest {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_deref().map(|error| error as &(dyn StdError + 'static))
    }
}

/// A non-2xx answer: its status, headers, raw body and the OrderCloud errors parsed from it.
///
/// The body is parsed leniently (a UTF-8 byte-order mark is skipped; HTML, plain text,
/// an empty or a truncated body leave [`errors`](Self::errors) empty) and kept whole.
pub struct ResponseError {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    errors: Vec<ApiError>,
    summary: String,
}

impl ResponseError {
    /// Builds the error from an answer; `secrets` are scrubbed from its `Display`.
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Bytes, secrets: &[String]) -> Self {
        let errors =
            serde_json::from_slice::<ErrorResponse>(json_text(&body)).map(|parsed| parsed.errors).unwrap_or_default();
        let summary = summarize(&errors, &body, secrets);
        Self { status, headers, body, errors, summary }
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

    /// The OrderCloud errors of the body; empty when the body is not an OrderCloud error body.
    pub fn errors(&self) -> &[ApiError] {
        &self.errors
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
            .field("errors", &self.errors.len())
            .field("summary", &self.summary)
            .field("body_len", &self.body.len())
            .field("header_names", &self.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A 2xx answer whose body is not what the endpoint returns.
pub struct DecodeError {
    status: StatusCode,
    body: Bytes,
    detail: String,
    source: serde_json::Error,
}

impl DecodeError {
    pub(crate) fn new(status: StatusCode, body: Bytes, source: serde_json::Error, secrets: &[String]) -> Self {
        let detail = scrub(source.to_string(), secrets);
        Self { status, body, detail, source }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The raw response body, exactly as received.
    pub fn body(&self) -> &Bytes {
        &self.body
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

impl StdError for DecodeError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.source)
    }
}

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

/// One line about the body: `Code: Message` for OrderCloud errors, else a snippet.
/// Secrets are scrubbed from the whole text before it is shortened or reflowed, so no part
/// of one survives.
fn summarize(errors: &[ApiError], body: &[u8], secrets: &[String]) -> String {
    if let Some(first) = errors.first() {
        let line = match (first.error_code.as_str(), first.message.trim()) {
            ("", message) => message.to_owned(),
            (code, "") => code.to_owned(),
            (code, message) => format!("{code}: {message}"),
        };
        let mut line = one_line(&scrub(line, secrets));
        if errors.len() > 1 {
            line.push_str(&format!(" (and {} more)", errors.len() - 1));
        }
        return line;
    }
    let text = scrub(String::from_utf8_lossy(json_text(body)).into_owned(), secrets);
    let text = text.trim();
    if text.is_empty() {
        return "(empty body)".to_owned();
    }
    if let Some(title) = html_title(text) {
        return format!("HTML page \"{}\"", one_line(title));
    }
    one_line(text)
}

fn html_title(text: &str) -> Option<&str> {
    let lower = text.get(..text.len().min(4096))?.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    Some(text[start..end].trim()).filter(|title| !title.is_empty())
}

/// Collapses whitespace and caps the length at [`SNIPPET_CHARS`] characters.
fn one_line(text: &str) -> String {
    let mut line = String::new();
    for (count, word) in text.split_whitespace().enumerate() {
        if count > 0 {
            line.push(' ');
        }
        line.push_str(word);
        if line.chars().count() > SNIPPET_CHARS {
            break;
        }
    }
    if line.chars().count() > SNIPPET_CHARS {
        line = line.chars().take(SNIPPET_CHARS).collect();
        line.push('…');
    }
    line
}

/// Replaces each secret, as given and percent-encoded, with `[redacted]`.
fn scrub(mut text: String, secrets: &[String]) -> String {
    for secret in secrets.iter().filter(|secret| !secret.is_empty()) {
        for form in [Cow::Borrowed(secret.as_str()), Cow::Owned(crate::encode::encode(secret))] {
            if text.contains(form.as_ref()) {
                text = text.replace(form.as_ref(), "[redacted]");
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &'static [u8]) -> Error {
        Error::Response(Box::new(ResponseError::new(
            StatusCode::from_u16(status).unwrap(),
            HeaderMap::new(),
            Bytes::from_static(body),
            &["s3cret-code".to_owned()],
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
        assert!(response(408, b"").is_retryable());
        assert!(!response(503, b"").is_retryable());
        let unknown = response(599, b"x");
        assert_eq!(unknown.to_string(), "HTTP 599: x");
    }
}
