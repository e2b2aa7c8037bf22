//! `Session`: an `ApiClient` whose calls carry a token that is fetched once and renewed.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use ordercloud_models::REDACTED;
use ordercloud_transport::http::HeaderValue;
use ordercloud_transport::{ApiClient, Error, TokenProvider};
use tokio::time::Instant;

use crate::api::AuthApi;
use crate::grant::TokenRequest;
use crate::token::AccessToken;

/// How long before its expiry a token is renewed, at most; a token that lives less than
/// twice this is renewed halfway through its life instead.
pub const RENEW_BEFORE_EXPIRY: Duration = Duration::from_secs(60);

/// A signed-in context: an [`ApiClient`] whose every call carries this session's token.
///
/// - **One token request, however many calls wait.** Calls find the token with a shared
///   read (no contended lock while it is valid). When there is none, or it is due for
///   renewal, one call asks the token endpoint and the others wait for its answer, each
///   within its own timeout.
/// - **Renewal before expiry**: [`RENEW_BEFORE_EXPIRY`] ahead (halfway through a shorter
///   life), with the refresh token when there is one (and, if that is refused, the grant
///   again), otherwise with the session's grant again.
/// - **After `401 InvalidToken`** the client asks for a token newer than the refused one and
///   sends that call once more; a second 401 is returned as it is.
/// - **No cached failure**: a refused token request fails the calls that waited for it with
///   its typed error, sends no API call, and the next call tries again. A renewal that fails
///   while the token at hand has not yet expired keeps that token in use meanwhile.
///
/// Clones share the token. [`client`](Self::client) may be called as often as needed; the
/// clients share the original client's connection pool. The session and its clients never
/// show a password, secret or token in `Debug`, `Display`, errors or traces.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), ordercloud_transport::Error> {
/// use ordercloud_auth::{Session, TokenRequest};
/// use ordercloud_transport::{ApiClient, MockTransport, http::Method};
///
/// let mock = MockTransport::new();
/// mock.push_status(200, r#"{"access_token":"t-1","expires_in":36000}"#);
/// mock.push_status(200, r#"{"ID":"jdoe"}"#).push_status(200, r#"{"ID":"jdoe"}"#);
/// let client = ApiClient::builder().transport(mock.clone()).build()?;
///
/// let session = Session::new(client, TokenRequest::password("my-client-id", "jdoe", "N3w-Passw0rd"));
/// let me = session.client();
/// me.request(Method::GET, "/me").send_empty().await?; // fetches the token first
/// me.request(Method::GET, "/me").send_empty().await?; // reuses it
/// let requests = mock.requests();
/// assert_eq!(requests[0].uri.path(), "/oauth/token");
/// assert_eq!(requests[2].header("authorization"), Some("Bearer t-1"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    /// The session's client, without a token; calls get theirs from the session.
    client: ApiClient,
    auth: AuthApi,
    request: TokenRequest,
    /// The token at hand: read by every call, written only by the one fetching.
    current: RwLock<Option<Arc<Cached>>>,
    /// Held by the one call that fetches a token; the others wait their turn here.
    fetching: tokio::sync::Mutex<()>,
}

struct Cached {
    authorization: HeaderValue,
    renew_at: Instant,
    expires_at: Instant,
    refresh_token: Option<String>,
}

impl Session {
    /// A session that gets its tokens with `request` through `client`'s host.
    pub fn new(client: ApiClient, request: TokenRequest) -> Self {
        let client = client.without_access_token();
        Self {
            inner: Arc::new(Inner {
                auth: AuthApi::new(client.clone()),
                client,
                request,
                current: RwLock::new(None),
                fetching: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// A session that starts with `token`, already obtained with `request` (after a login,
    /// say); when it is due, it is renewed with its refresh token, or else with `request`.
    pub fn from_token(client: ApiClient, request: TokenRequest, token: AccessToken) -> Result<Self, Error> {
        let session = Self::new(client, request);
        session.inner.store(token)?;
        Ok(session)
    }

    /// A client whose every call carries this session's token; it shares the connection
    /// pool of the client the session was made with.
    pub fn client(&self) -> ApiClient {
        self.inner.client.with_token_provider(self.inner.clone())
    }

    /// Gets a token now if none is at hand (to check credentials before any call, say).
    pub async fn sign_in(&self) -> Result<(), Error> {
        self.inner.authorization(None).await.map(drop)
    }
}

impl Inner {
    fn current(&self) -> Option<Arc<Cached>> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Keeps `token` as the one at hand, and returns it.
    fn store(&self, token: AccessToken) -> Result<Arc<Cached>, Error> {
        let mut authorization = HeaderValue::try_from(format!("Bearer {}", token.access_token())).map_err(|_| {
            Error::invalid_request("the token endpoint answered a token that cannot be sent in a header")
        })?;
        authorization.set_sensitive(true);
        let lifetime = token.expires_in();
        let early = RENEW_BEFORE_EXPIRY.min(lifetime / 2);
        let now = Instant::now();
        let renew_at = now.checked_add(lifetime - early).unwrap_or(now);
        let expires_at = now.checked_add(lifetime).unwrap_or(now);
        let refresh_token = token.refresh_token().map(str::to_owned);
        let cached = Arc::new(Cached { authorization, renew_at, expires_at, refresh_token });
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(cached.clone());
        Ok(cached)
    }

    /// A new token: with the refresh token when there is one (and the grant if that is
    /// refused), else with the grant.
    async fn fetch(&self, refresh_token: Option<&str>) -> Result<AccessToken, Error> {
        if let Some(refresh_token) = refresh_token {
            tracing::debug!(
                client_id = self.request.client_id(),
                "renewing the session's token with its refresh token"
            );
            match self.auth.token(&self.request.refreshed_with(refresh_token)).await {
                Err(error) if error.status().is_some() => {
                    tracing::debug!(status = ?error.status(), "the refresh token was refused; asking with the grant again");
                }
                outcome => return outcome,
            }
        }
        tracing::debug!(client_id = self.request.client_id(), "asking for the session's token");
        self.auth.token(&self.request).await
    }
}

#[async_trait]
impl TokenProvider for Inner {
    fn cached_authorization(&self) -> Option<HeaderValue> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        current.as_ref().filter(|cached| Instant::now() < cached.renew_at).map(|cached| cached.authorization.clone())
    }

    async fn authorization(&self, rejected: Option<&HeaderValue>) -> Result<HeaderValue, Error> {
        let _turn = self.fetching.lock().await;
        // Whoever held the turn before may have fetched what this call needs.
        let current = self.current();
        if let Some(cached) = &current {
            let refused = rejected.is_some_and(|rejected| *rejected == cached.authorization);
            if !refused && Instant::now() < cached.renew_at {
                return Ok(cached.authorization.clone());
            }
        }
        match self.fetch(current.as_ref().and_then(|cached| cached.refresh_token.as_deref())).await {
            Ok(token) => Ok(self.store(token)?.authorization.clone()),
            // A renewal ahead of expiry failed: the token at hand still works until it
            // expires (unless the API refused it), and the next call tries again.
            Err(error) => match current.filter(|cached| rejected.is_none() && Instant::now() < cached.expires_at) {
                Some(cached) => {
                    tracing::warn!(status = ?error.status(), "renewing the session's token failed; using it until it expires");
                    Ok(cached.authorization.clone())
                }
                None => Err(error),
            },
        }
    }

    fn secrets(&self) -> Vec<(String, bool)> {
        let mut secrets: Vec<(String, bool)> =
            self.request.secrets().into_iter().map(|(value, any_case)| (value.to_owned(), any_case)).collect();
        secrets.extend(self.current().and_then(|cached| cached.refresh_token.clone()).map(|token| (token, true)));
        secrets
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let current = self.current();
        f.debug_struct("Session")
            .field("request", &self.request)
            .field("access_token", &current.as_ref().map(|_| REDACTED))
            .field("renew_at", &current.as_ref().map(|cached| cached.renew_at))
            .field(
                "refresh_token",
                &current.as_ref().and_then(|cached| cached.refresh_token.as_ref()).map(|_| REDACTED),
            )
            .finish_non_exhaustive()
    }
}
