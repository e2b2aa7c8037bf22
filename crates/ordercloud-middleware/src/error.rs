//! `VerifyError`: why a token was refused.

use std::fmt;

use http::StatusCode;

/// Why [`TokenVerifier::verify`](crate::TokenVerifier::verify) refused a token.
///
/// No variant holds the token or any part of it: an error can be logged as it is. Every
/// refusal of the token itself answers `401` with OrderCloud's `InvalidToken`
/// ([`status`](Self::status), [`error_code`](Self::error_code)); only
/// [`Unavailable`](Self::Unavailable), where OrderCloud could not be asked, is not the
/// token's fault (`503`).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum VerifyError {
    /// No token was given (an empty string, or no `Authorization: Bearer` header).
    Missing,
    /// The token is not a JWT: not three base64url parts with a JSON header and claims, or
    /// larger than [`MAX_TOKEN_BYTES`](crate::MAX_TOKEN_BYTES).
    Malformed,
    /// The token is signed with another algorithm than RS256 (`none`, `HS256`...); the text
    /// is its `alg`, cut to 16 characters.
    UnsupportedAlgorithm(String),
    /// A claim OrderCloud always sets is missing or has the wrong type.
    MissingClaim(&'static str),
    /// The token's `exp` has passed (more than the verifier's leeway ago).
    Expired,
    /// The token's `nbf` is still ahead (more than the leeway).
    NotYetValid,
    /// The token's `iss` is not one of the issuers the verifier accepts.
    WrongIssuer,
    /// The token's `aud` is not the API the verifier serves: a token of another
    /// OrderCloud environment, say.
    WrongAudience,
    /// The token's API client is not one of those allowed; the client ID is shown, cut to
    /// 64 characters.
    ClientNotAllowed(String),
    /// OrderCloud has no key with the token's `kid` (or its key is not an RSA signing key).
    UnknownKey,
    /// The signature is not the token's under OrderCloud's key: a changed or forged token.
    BadSignature,
    /// OrderCloud refused the token when asked (a token without `kid`, checked with
    /// `GET /v1/me`), or says its user is not active.
    Rejected,
    /// OrderCloud could not be asked (a key or `GET /v1/me` failed in transport, with a
    /// server error, or was rate limited): not the token's fault. Remembered for
    /// [`UNAVAILABLE_LIFETIME`](crate::UNAVAILABLE_LIFETIME), so a failing call is not
    /// repeated by every request.
    Unavailable(ordercloud_transport::Error),
    /// More key IDs, or tokens without one, came to be looked up than
    /// [`LOOKUPS_PER_SECOND`](crate::LOOKUPS_PER_SECOND) allows: a storm of made-up tokens
    /// does not become a storm of calls to OrderCloud. Not the token's fault: try again.
    TooManyLookups,
}

impl VerifyError {
    /// The status a service answers with: `503` for [`Unavailable`](Self::Unavailable) and
    /// [`TooManyLookups`](Self::TooManyLookups), `401` for the rest.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unavailable(_) | Self::TooManyLookups => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    /// The OrderCloud `ErrorCode` of the answer: `InvalidToken`, as OrderCloud answers a
    /// refused token, or `ServiceUnavailable`.
    pub fn error_code(&self) -> &'static str {
        match self {
            Self::Unavailable(_) | Self::TooManyLookups => "ServiceUnavailable",
            _ => "InvalidToken",
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str("no access token was given"),
            Self::Malformed => f.write_str("the access token is not a well-formed JWT"),
            Self::UnsupportedAlgorithm(alg) => {
                write!(f, "the access token is signed with {alg:?}; OrderCloud signs with RS256")
            }
            Self::MissingClaim(claim) => write!(f, "the access token has no valid {claim:?} claim"),
            Self::Expired => f.write_str("the access token has expired"),
            Self::NotYetValid => f.write_str("the access token is not valid yet"),
            Self::WrongIssuer => f.write_str("the access token was issued by another issuer"),
            Self::WrongAudience => f.write_str("the access token is for another OrderCloud API"),
            Self::ClientNotAllowed(client_id) => {
                write!(f, "the access token's API client {client_id:?} is not allowed here")
            }
            Self::UnknownKey => f.write_str("OrderCloud has no signing key with the access token's kid"),
            Self::BadSignature => f.write_str("the access token's signature does not verify"),
            Self::Rejected => f.write_str("OrderCloud refused the access token"),
            Self::Unavailable(_) => f.write_str("OrderCloud could not be asked to verify the access token"),
            Self::TooManyLookups => f.write_str("too many new keys and tokens to look up with OrderCloud just now"),
        }
    }
}

impl std::error::Error for VerifyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Unavailable(error) => Some(error),
            _ => None,
        }
    }
}

/// `text` cut to `limit` characters, control characters replaced, for an error that shows
/// part of what an attacker sent.
pub(crate) fn shown(text: &str, limit: usize) -> String {
    text.chars().take(limit).map(|c| if c.is_control() { '\u{FFFD}' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_text_is_cut_and_has_no_control_characters() {
        assert_eq!(shown("HS256\n\u{1b}[31m", 16), "HS256\u{FFFD}\u{FFFD}[31m");
        assert_eq!(shown(&"x".repeat(100), 16).len(), 16);
    }

    #[test]
    fn refusals_are_401_invalid_token_and_unavailability_is_503() {
        assert_eq!(
            (VerifyError::Expired.status(), VerifyError::Expired.error_code()),
            (StatusCode::UNAUTHORIZED, "InvalidToken")
        );
        let unavailable = VerifyError::Unavailable(ordercloud_transport::Error::invalid_request("x"));
        assert_eq!(unavailable.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(std::error::Error::source(&unavailable).is_some());
    }
}
