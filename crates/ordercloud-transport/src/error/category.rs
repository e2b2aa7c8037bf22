//! `ErrorCategory`: what a web handler answers for an error, without a table of codes.

use http::StatusCode;
use ordercloud_models::ErrorCode;

use crate::error::{Error, TransportErrorKind};

/// What kind of failure an [`Error`] is, for the answer a backend gives its own client:
/// see [`Error::category`]. Each category names the HTTP status a backend-for-frontend would
/// usually answer ([`http_status`](Self::http_status)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCategory {
    /// The username and password (or one-time password) were refused, or the account is not
    /// active. Answer `401 Unauthorized` ("wrong username or password"; say no more, so the
    /// answer does not tell which accounts exist).
    InvalidCredentials,
    /// The session has ended or the API refused its token: the user must sign in again.
    /// Answer `401 Unauthorized`.
    SessionExpired,
    /// The request was refused for its content: a weak password, a wrong or spent
    /// verification code, a password used before, a missing field, a body OrderCloud could not
    /// read, or input refused before sending. Answer `400 Bad Request`. For a weak password,
    /// `ordercloud_password_reset::ErrorExt::password_requirements()` reads what the
    /// marketplace requires from the same error.
    Validation,
    /// Too many failed attempts: the account is locked for a while. Answer
    /// `429 Too Many Requests` ("try again in a few minutes").
    LockedOut,
    /// OrderCloud answered `429 Too Many Requests` (after the client's own retries). Answer
    /// `429`, with the answer's `Retry-After` if it had one.
    RateLimited,
    /// No complete answer in time (waiting for a turn, connecting, or waiting for the answer;
    /// the request may have been processed). Answer `504 Gateway Timeout`.
    Timeout,
    /// OrderCloud could not be reached or failed (`5xx`, a connection or TLS failure, an
    /// answer that is not HTTP). Answer `503 Service Unavailable`.
    Unavailable,
    /// The token lacks a role the call needs (`403`, `Auth.InsufficientRoles`). Answer
    /// `403 Forbidden`.
    Forbidden,
    /// The resource does not exist (`404`). Answer `404 Not Found`.
    NotFound,
    /// The backend itself is at fault: its configuration (a wrong client ID or secret, a bad
    /// base URL, a client that may not use a grant), an answer the SDK could not read, or any
    /// other status. Answer `500 Internal Server Error` and log the error.
    Internal,
}

impl ErrorCategory {
    /// The HTTP status a backend-for-frontend would usually answer for this category.
    pub fn http_status(self) -> StatusCode {
        match self {
            Self::InvalidCredentials | Self::SessionExpired => StatusCode::UNAUTHORIZED,
            Self::Validation => StatusCode::BAD_REQUEST,
            Self::LockedOut | Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::Timeout => StatusCode::GATEWAY_TIMEOUT,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable snake_case name, for a JSON answer or a log field: `invalid_credentials`,
    /// `session_expired`, `validation`, `locked_out`, `rate_limited`, `timeout`,
    /// `unavailable`, `forbidden`, `not_found`, `internal`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidCredentials => "invalid_credentials",
            Self::SessionExpired => "session_expired",
            Self::Validation => "validation",
            Self::LockedOut => "locked_out",
            Self::RateLimited => "rate_limited",
            Self::Timeout => "timeout",
            Self::Unavailable => "unavailable",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Internal => "internal",
        }
    }
}

impl Error {
    /// What kind of failure this is, for the answer a web handler gives: one `match`
    /// instead of a table of statuses and error codes. See [`ErrorCategory`] for each
    /// category and the HTTP status it usually becomes ([`ErrorCategory::http_status`]).
    ///
    /// The error code decides first (`Auth.InvalidUsernameOrPassword` and `invalid_grant`
    /// are invalid credentials, `InvalidToken` an expired session, a code ending in
    /// `LockedOut` a lockout, `invalid_client` a misconfigured backend...), then the status
    /// (`401` session expired, `403`, `404`, `429`, other `4xx` validation, `5xx`
    /// unavailable), then how far the request got.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_transport::Error> {
    /// use ordercloud_transport::{ApiClient, ErrorCategory, MockTransport, http::Method};
    ///
    /// let mock = MockTransport::new();
    /// mock.push_api_error(400, "PasswordReset.LockedOut", "Too many attempts");
    /// let client = ApiClient::builder().transport(mock).build()?;
    /// let error = client.request(Method::POST, "/password/reset").send_empty().await.unwrap_err();
    /// assert_eq!(error.category(), ErrorCategory::LockedOut);
    /// assert_eq!(error.category().http_status(), 429);
    /// # Ok(())
    /// # }
    /// ```
    pub fn category(&self) -> ErrorCategory {
        match self {
            Self::SessionExpired(_) => ErrorCategory::SessionExpired,
            Self::InvalidRequest(_) => ErrorCategory::Validation,
            Self::Config(_) | Self::Decode(_) | Self::Pagination(_) => ErrorCategory::Internal,
            Self::Transport(error) if error.is_timeout() => ErrorCategory::Timeout,
            Self::Transport(error) => match error.kind() {
                TransportErrorKind::Runtime => ErrorCategory::Internal,
                _ => ErrorCategory::Unavailable,
            },
            Self::Response(error) => {
                let code = error.error_code();
                code.and_then(category_of_code).unwrap_or_else(|| category_of_status(error.status()))
            }
        }
    }
}

/// The category an error code decides on its own, if any.
fn category_of_code(code: &ErrorCode) -> Option<ErrorCategory> {
    Some(match code {
        ErrorCode::AuthInvalidUsernameOrPassword
        | ErrorCode::AuthIncorrectPassword
        | ErrorCode::AuthUserNotFound
        | ErrorCode::AuthUserNotActive
        | ErrorCode::AuthCompanyNotActive
        | ErrorCode::AuthSellerNotActive
        | ErrorCode::OAuthInvalidGrant => ErrorCategory::InvalidCredentials,
        ErrorCode::InvalidToken => ErrorCategory::SessionExpired,
        code if code.as_str().ends_with("LockedOut") => ErrorCategory::LockedOut,
        ErrorCode::AuthInsufficientRoles => ErrorCategory::Forbidden,
        ErrorCode::PasswordResetMissingOrInvalidClientId
        | ErrorCode::OAuthInvalidClient
        | ErrorCode::OAuthUnauthorizedClient
        | ErrorCode::OAuthUnsupportedGrantType
        | ErrorCode::OAuthInvalidScope => ErrorCategory::Internal,
        ErrorCode::PasswordResetCannotReusePassword
        | ErrorCode::PasswordResetInsecurePassword
        | ErrorCode::PasswordResetInvalidVerification
        | ErrorCode::PasswordResetMissingUsername
        | ErrorCode::PasswordResetMissingUsernameOrEmail
        | ErrorCode::PasswordResetTooSoonToChange
        | ErrorCode::OneTimePasswordUsernameOrEmailRequired
        | ErrorCode::ValidationFailure
        | ErrorCode::InvalidRequestBody
        | ErrorCode::OAuthInvalidRequest => ErrorCategory::Validation,
        _ => return None,
    })
}

/// The category of a status whose error code said nothing.
fn category_of_status(status: StatusCode) -> ErrorCategory {
    match status.as_u16() {
        401 => ErrorCategory::SessionExpired,
        403 => ErrorCategory::Forbidden,
        404 => ErrorCategory::NotFound,
        408 => ErrorCategory::Timeout,
        429 => ErrorCategory::RateLimited,
        400..=499 => ErrorCategory::Validation,
        500..=599 => ErrorCategory::Unavailable,
        _ => ErrorCategory::Internal,
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use http::HeaderMap;

    use super::*;
    use crate::error::{ResponseError, SessionEnd, TransportError};

    fn answer(status: u16, body: &str) -> Error {
        let status = StatusCode::from_u16(status).unwrap();
        Error::Response(Box::new(ResponseError::new(status, HeaderMap::new(), Bytes::from(body.to_owned()), &[])))
    }

    fn coded(status: u16, code: &str) -> Error {
        answer(status, &format!(r#"{{"Errors":[{{"ErrorCode":"{code}","Message":"m"}}]}}"#))
    }

    #[test]
    fn codes_decide_first() {
        use ErrorCategory::*;
        for (status, code, category) in [
            (400, "Auth.InvalidUsernameOrPassword", InvalidCredentials),
            (401, "Auth.InvalidUsernameOrPassword", InvalidCredentials),
            (400, "Auth.UserNotActive", InvalidCredentials),
            (400, "PasswordReset.InsecurePassword", Validation),
            (400, "PasswordReset.InvalidVerification", Validation),
            (400, "PasswordReset.CannotReusePassword", Validation),
            (400, "PasswordReset.LockedOut", LockedOut),
            (403, "Auth.LockedOut", LockedOut),
            (401, "InvalidToken", SessionExpired),
            (403, "Auth.InsufficientRoles", Forbidden),
            (400, "PasswordReset.MissingOrInvalidClientID", Internal),
            (400, "ValidationFailure", Validation),
            (429, "PasswordReset.LockedOut", LockedOut),
        ] {
            assert_eq!(coded(status, code).category(), category, "{status} {code}");
        }
        let oauth = |error: &str| answer(400, &format!(r#"{{"error":"{error}"}}"#)).category();
        assert_eq!(oauth("invalid_grant"), InvalidCredentials);
        assert_eq!(oauth("invalid_client"), Internal);
        assert_eq!(oauth("invalid_request"), Validation);
    }

    #[test]
    fn statuses_decide_when_the_code_says_nothing() {
        use ErrorCategory::*;
        for (status, category) in [
            (400, Validation),
            (409, Validation),
            (422, Validation),
            (401, SessionExpired),
            (403, Forbidden),
            (404, NotFound),
            (408, Timeout),
            (429, RateLimited),
            (500, Unavailable),
            (502, Unavailable),
            (503, Unavailable),
            (302, Internal),
        ] {
            assert_eq!(answer(status, "<html>busy</html>").category(), category, "{status}");
            assert_eq!(coded(status, "Some.NewCode").category(), category, "{status} with an unknown code");
        }
    }

    #[test]
    fn how_far_the_request_got_decides_the_rest() {
        use ErrorCategory::*;
        assert_eq!(Error::session_expired(SessionEnd::RefreshRefused).category(), SessionExpired);
        assert_eq!(Error::invalid_request("the new password is empty").category(), Validation);
        assert_eq!(Error::config("bad base URL").category(), Internal);
        for (kind, category) in [
            (TransportErrorKind::Timeout, Timeout),
            (TransportErrorKind::QueueTimeout, Timeout),
            (TransportErrorKind::Connect, Unavailable),
            (TransportErrorKind::Tls, Unavailable),
            (TransportErrorKind::Io, Unavailable),
            (TransportErrorKind::InvalidResponse, Unavailable),
            (TransportErrorKind::Runtime, Internal),
        ] {
            assert_eq!(Error::from(TransportError::from_kind(kind)).category(), category, "{kind:?}");
        }
    }

    #[test]
    fn every_category_has_a_status_and_a_name() {
        use ErrorCategory::*;
        let all = [
            InvalidCredentials,
            SessionExpired,
            Validation,
            LockedOut,
            RateLimited,
            Timeout,
            Unavailable,
            Forbidden,
            NotFound,
            Internal,
        ];
        let statuses: Vec<u16> = all.iter().map(|category| category.http_status().as_u16()).collect();
        assert_eq!(statuses, [401, 401, 400, 429, 429, 504, 503, 403, 404, 500]);
        let names: std::collections::HashSet<&str> = all.iter().map(|category| category.as_str()).collect();
        assert_eq!(names.len(), all.len());
    }

    #[test]
    fn an_ended_session_is_never_retryable() {
        for end in [SessionEnd::LoggedOut, SessionEnd::RefreshRefused, SessionEnd::NoRefreshToken] {
            let error = Error::session_expired(end);
            assert!(error.is_session_expired() && !error.is_retryable() && !error.is_timeout());
            assert_eq!((error.status(), error.session_end()), (None, Some(end)));
            assert!(matches!(&error, Error::SessionExpired(expired) if expired.reason() == end));
            assert!(std::error::Error::source(&error).is_none(), "an ended session has no cause to say");
        }
        assert!(!coded(401, "InvalidToken").is_session_expired());
    }
}
