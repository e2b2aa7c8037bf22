//! `TokenProvider`: where a client gets each call's access token, when it is not fixed.

use std::fmt;

use async_trait::async_trait;
use http::HeaderValue;

use crate::error::Error;
use crate::runtime::secrets::Secret;

/// Supplies the `Authorization` value of each call: the hook behind `ordercloud-auth`'s
/// `Session`, which fetches, caches and renews tokens.
///
/// A client given one with [`ApiClient::with_token_provider`](crate::ApiClient::with_token_provider)
/// asks it before each attempt, before the call takes its place among the calls in flight
/// (so a token request never waits behind the calls that need its token). The fast path,
/// [`cached_authorization`](Self::cached_authorization), must not wait; only when it has
/// nothing does the client await [`authorization`](Self::authorization), within the call's
/// timeout. After a `401` whose error is `InvalidToken` (the API refused the token and did
/// nothing), the client asks once more with the refused value as `rejected`, and retries the
/// call once with the answer.
///
/// Values should be marked sensitive (`HeaderValue::set_sensitive`); the client keeps the
/// token out of any error's text. A provider whose session has ended answers
/// [`authorization`](Self::authorization) at once with
/// [`Error::session_expired`](crate::Error::session_expired), so its calls end with nothing
/// sent. Implement it with [`async_trait`](crate::async_trait).
#[async_trait]
pub trait TokenProvider: Send + Sync + fmt::Debug {
    /// A valid `Bearer <token>` value at hand right now, without waiting; `None` sends the
    /// client to [`authorization`](Self::authorization).
    fn cached_authorization(&self) -> Option<HeaderValue>;

    /// A valid `Bearer <token>` value, fetching a token if none is at hand. `rejected` is the
    /// value the API has just refused with `401 InvalidToken`: return a newer one. An error
    /// ends the call with it, nothing sent (a refused renewal included; after a `401`, the
    /// call ends with the provider's error rather than the `401`).
    async fn authorization(&self, rejected: Option<&HeaderValue>) -> Result<HeaderValue, Error>;

    /// The secrets behind the tokens (a password, a client secret, a refresh token), which
    /// the client also keeps out of the text of every error of a call made with this
    /// provider. Asked only when a call fails. Default: none.
    fn secrets(&self) -> Vec<Secret> {
        Vec::new()
    }
}

/// The `Authorization: Bearer <token>` value for `token`, by the one rule every client
/// follows ([`ApiClient::with_access_token`](crate::ApiClient::with_access_token),
/// [`ApiRequest::bearer_token`](crate::ApiRequest::bearer_token)): an empty token (or one of
/// white space only), or one that cannot be an HTTP header value, is refused. The value is
/// marked sensitive. For token providers, so a provider's token is never sent as
/// `Bearer ` with nothing after it.
///
/// ```
/// use ordercloud_transport::bearer_authorization;
///
/// let value = bearer_authorization("a-token").unwrap();
/// assert_eq!(value, "Bearer a-token");
/// assert!(value.is_sensitive());
/// assert!(bearer_authorization(" ").unwrap_err().is_invalid_request());
/// ```
pub fn bearer_authorization(token: &str) -> Result<HeaderValue, Error> {
    bearer(token).map_err(Error::invalid)
}

/// `Bearer <token>` as a sensitive header value, or why the token cannot be one.
pub(crate) fn bearer(token: &str) -> Result<HeaderValue, &'static str> {
    if token.trim().is_empty() {
        return Err("the access token is empty");
    }
    let mut value = HeaderValue::try_from(format!("Bearer {token}"))
        .map_err(|_| "the access token has characters that cannot be sent in an HTTP header")?;
    value.set_sensitive(true);
    Ok(value)
}

/// The token of a `Bearer <token>` header value.
pub(crate) fn bearer_token(value: &HeaderValue) -> Option<&str> {
    value.to_str().ok()?.strip_prefix("Bearer ")
}
