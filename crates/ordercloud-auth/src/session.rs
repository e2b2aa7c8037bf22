//! `Session`: an `ApiClient` whose calls carry a token that is fetched once and renewed.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use ordercloud_models::REDACTED;
use ordercloud_transport::http::HeaderValue;
use ordercloud_transport::{ApiClient, Error, TokenProvider, bearer_authorization};
use tokio::time::Instant;

use crate::api::AuthApi;
use crate::grant::TokenRequest;
use crate::token::AccessToken;

/// How long before its expiry a token is renewed, at most; a token that lives less than
/// twice this is renewed halfway through its life instead.
pub const RENEW_BEFORE_EXPIRY: Duration = Duration::from_secs(60);

/// After a renewal ahead of expiry fails, how long the token at hand is used before the
/// next renewal is tried; each failure in a row doubles it, up to [`MAX_RENEWAL_RETRY`], and
/// never past the token's expiry.
pub const RENEWAL_RETRY: Duration = Duration::from_secs(5);

/// The longest wait between renewals tried ahead of expiry.
pub const MAX_RENEWAL_RETRY: Duration = Duration::from_secs(60);

/// A signed-in context: an [`ApiClient`] whose every call carries this session's token.
///
/// - **One token request per flight, however many calls wait.** Calls find the token with a
///   shared read (no contended lock while it is valid). When there is none, or it is due for
///   renewal, one call asks the token endpoint and the others wait for its answer, each
///   within its own timeout. Every call that waited gets that one answer: the token, or the
///   typed error. A refused password is asked for once, not once per waiting call, so a
///   burst of page loads cannot lock a user out. Nothing is kept beyond the flight: the
///   next call after a failed one tries again.
/// - **Renewal before expiry**: [`RENEW_BEFORE_EXPIRY`] ahead (halfway through a shorter
///   life), with the refresh token when there is one (and, if that is refused, the grant
///   again), otherwise with the session's grant again. A renewal that fails while the token
///   at hand has not expired keeps that token in use, and is tried again after
///   [`RENEWAL_RETRY`] (doubling up to [`MAX_RENEWAL_RETRY`]), not on every call.
/// - **Lifetimes**: see [`AccessToken`]: `expires_in`, else the JWT's `exp`, else the token
///   is kept until the API refuses it. A lifetime too long for the clock never expires.
/// - **After `401 InvalidToken`** the client asks for a token newer than the refused one and
///   sends that call once more; a second 401 is returned as it is.
///
/// Clones share the token. [`client`](Self::client) may be called as often as needed; the
/// clients share the original client's connection pool. The session and its clients never
/// show a password, secret or token in `Debug`, `Display`, errors or traces: every error a
/// token request returns is kept clear of all of the session's secrets.
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
    /// Held by the one call that fetches a token; the others wait their turn here, and
    /// find the outcome of the flight they waited for.
    flight: tokio::sync::Mutex<Flight>,
    /// How many flights have ended; read before waiting, to know whether one ended since.
    flights: AtomicU64,
}

/// The outcome of the last token flight, for the calls that waited for it.
#[derive(Default)]
struct Flight {
    outcome: Option<Result<HeaderValue, Error>>,
}

struct Cached {
    authorization: HeaderValue,
    /// When to renew ahead of expiry; `None` when the lifetime is unknown or never ends.
    renew_at: Option<Instant>,
    /// When the token expires; `None` when unknown (kept until refused) or never.
    expires_at: Option<Instant>,
    refresh_token: Option<String>,
    /// Renewals ahead of expiry that failed in a row.
    failed_renewals: u32,
}

impl Cached {
    /// Whether the token is to be used as it is at `now`, without renewing.
    fn is_fresh(&self, now: Instant) -> bool {
        self.renew_at.is_none_or(|renew_at| now < renew_at)
    }

    /// Whether the token still works at `now`, as far as its lifetime tells.
    fn is_unexpired(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|expires_at| now < expires_at)
    }
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
                flight: tokio::sync::Mutex::new(Flight::default()),
                flights: AtomicU64::new(0),
            }),
        }
    }

    /// A session that starts with `token`, already obtained with `request` (after a login,
    /// say); when it is due, it is renewed with its refresh token, or else with `request`.
    pub fn from_token(client: ApiClient, request: TokenRequest, token: AccessToken) -> Result<Self, Error> {
        let session = Self::new(client, request);
        session.inner.store(&token)?;
        Ok(session)
    }

    /// A client whose every call carries this session's token; it shares the connection
    /// pool of the client the session was made with.
    pub fn client(&self) -> ApiClient {
        self.inner.client.with_token_provider(self.inner.clone())
    }

    /// `client` with this session's token: that client's host, timeout, retry policy and
    /// connection pool, this session's token on every call. For an API behind a gateway
    /// that splits sign-in from the API, or a test that signs in on the simulator and calls
    /// a mock.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_transport::Error> {
    /// use ordercloud_auth::{Session, TokenRequest};
    /// use ordercloud_transport::{ApiClient, MockTransport, http::Method};
    ///
    /// let sign_in = MockTransport::new();
    /// sign_in.push_status(200, r#"{"access_token":"t-1","expires_in":600}"#);
    /// let api = MockTransport::new();
    /// api.push_status(204, "");
    /// let session = Session::new(
    ///     ApiClient::builder().transport(sign_in).base_url("https://auth.example.com").build()?,
    ///     TokenRequest::password("my-client-id", "jdoe", "N3w-Passw0rd"),
    /// );
    /// let gateway = ApiClient::builder().transport(api.clone()).base_url("https://gateway.example.com/oc").build()?;
    /// session.client_for(&gateway).request(Method::GET, "/me").send_empty().await?;
    /// assert_eq!(api.requests()[0].uri.to_string(), "https://gateway.example.com/oc/v1/me");
    /// assert_eq!(api.requests()[0].header("authorization"), Some("Bearer t-1"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn client_for(&self, client: &ApiClient) -> ApiClient {
        client.with_token_provider(self.inner.clone())
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

    fn set_current(&self, cached: Option<Arc<Cached>>) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = cached;
    }

    /// Keeps `token` as the one at hand, and returns its `Authorization` value. An empty
    /// token is refused by the same rule as everywhere else.
    fn store(&self, token: &AccessToken) -> Result<HeaderValue, Error> {
        let authorization = bearer_authorization(token.access_token())?;
        let now = Instant::now();
        let lifetime = token.lifetime(SystemTime::now());
        let expires_at = lifetime.and_then(|lifetime| now.checked_add(lifetime));
        let renew_at = lifetime.and_then(|lifetime| now.checked_add(lifetime - RENEW_BEFORE_EXPIRY.min(lifetime / 2)));
        let refresh_token = token.refresh_token().map(str::to_owned);
        let cached =
            Cached { authorization: authorization.clone(), renew_at, expires_at, refresh_token, failed_renewals: 0 };
        self.set_current(Some(Arc::new(cached)));
        Ok(authorization)
    }

    /// Keeps using `cached` after a failed renewal ahead of expiry, until the next try.
    fn postpone_renewal(&self, cached: &Cached, now: Instant) {
        let failed = cached.failed_renewals.saturating_add(1);
        let wait = RENEWAL_RETRY.saturating_mul(1 << failed.min(8).saturating_sub(1)).min(MAX_RENEWAL_RETRY);
        let next = now.checked_add(wait).map(|next| cached.expires_at.map_or(next, |expires_at| next.min(expires_at)));
        self.set_current(Some(Arc::new(Cached {
            authorization: cached.authorization.clone(),
            renew_at: next.or(cached.expires_at),
            expires_at: cached.expires_at,
            refresh_token: cached.refresh_token.clone(),
            failed_renewals: failed,
        })));
    }

    /// Every secret of the session, as `(value, any_case)`: its grant's and its refresh token.
    fn all_secrets(&self) -> Vec<(String, bool)> {
        let mut secrets: Vec<(String, bool)> =
            self.request.secrets().into_iter().map(|(value, any_case)| (value.to_owned(), any_case)).collect();
        secrets.extend(self.current().and_then(|cached| cached.refresh_token.clone()).map(|token| (token, true)));
        secrets
    }

    /// A new token: with the refresh token when there is one (and the grant if that is
    /// refused), else with the grant. Each error is kept clear of every session secret.
    async fn fetch(&self, refresh_token: Option<&str>) -> Result<AccessToken, Error> {
        let secrets = self.all_secrets();
        let secrets: Vec<(&str, bool)> = secrets.iter().map(|(value, any_case)| (value.as_str(), *any_case)).collect();
        if let Some(refresh_token) = refresh_token {
            tracing::debug!(
                client_id = self.request.client_id(),
                "renewing the session's token with its refresh token"
            );
            match self.auth.token_keeping_out(&self.request.refreshed_with(refresh_token), &secrets).await {
                Err(error) if error.status().is_some() => {
                    tracing::debug!(status = ?error.status(), "the refresh token was refused; asking with the grant again");
                }
                outcome => return outcome,
            }
        }
        tracing::debug!(client_id = self.request.client_id(), "asking for the session's token");
        self.auth.token_keeping_out(&self.request, &secrets).await
    }

    /// One flight: a new token, or, when a renewal ahead of expiry fails, the token at hand
    /// until its next try.
    async fn renew(&self, current: Option<Arc<Cached>>, rejected: Option<&HeaderValue>) -> Result<HeaderValue, Error> {
        match self.fetch(current.as_ref().and_then(|cached| cached.refresh_token.as_deref())).await {
            Ok(token) => self.store(&token),
            Err(error) => {
                let now = Instant::now();
                match current.filter(|cached| rejected.is_none() && cached.is_unexpired(now)) {
                    Some(cached) => {
                        tracing::warn!(status = ?error.status(), "renewing the session's token failed; using it until it expires");
                        self.postpone_renewal(&cached, now);
                        Ok(cached.authorization.clone())
                    }
                    None => Err(error),
                }
            }
        }
    }
}

#[async_trait]
impl TokenProvider for Inner {
    fn cached_authorization(&self) -> Option<HeaderValue> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        current.as_ref().filter(|cached| cached.is_fresh(Instant::now())).map(|cached| cached.authorization.clone())
    }

    async fn authorization(&self, rejected: Option<&HeaderValue>) -> Result<HeaderValue, Error> {
        let seen = self.flights.load(Ordering::Acquire);
        let mut flight = self.flight.lock().await;
        // A flight that ended while this call waited answers it: success or failure alike.
        if self.flights.load(Ordering::Acquire) != seen {
            match &flight.outcome {
                Some(Ok(value)) if rejected != Some(value) => return Ok(value.clone()),
                Some(Err(error)) => return Err(error.clone()),
                _ => {}
            }
        }
        let current = self.current();
        if let Some(cached) = &current {
            let refused = rejected.is_some_and(|rejected| *rejected == cached.authorization);
            if !refused && cached.is_fresh(Instant::now()) {
                return Ok(cached.authorization.clone());
            }
        }
        let outcome = self.renew(current, rejected).await;
        flight.outcome = Some(outcome.clone());
        self.flights.fetch_add(1, Ordering::Release);
        outcome
    }

    fn secrets(&self) -> Vec<(String, bool)> {
        self.all_secrets()
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
            .field("renew_at", &current.as_ref().and_then(|cached| cached.renew_at))
            .field("expires_at", &current.as_ref().and_then(|cached| cached.expires_at))
            .field(
                "refresh_token",
                &current.as_ref().and_then(|cached| cached.refresh_token.as_ref()).map(|_| REDACTED),
            )
            .finish_non_exhaustive()
    }
}
