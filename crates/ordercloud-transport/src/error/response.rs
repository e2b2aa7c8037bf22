//! `ResponseError` and `DecodeError`: an answer that arrived, but is not a success.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::sync::OnceLock;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use ordercloud_models::{ApiError, ErrorCode};

use crate::text::error_body::ErrorBody;
use crate::text::{self, Secret};

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
    pub const MAX_ERRORS: usize = crate::text::error_body::MAX_ENTRIES;

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
    use crate::error::Error;
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
