//! `Session`: an `ApiClient` whose calls carry a token that is fetched once and renewed.

use std::fmt;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use ordercloud_models::REDACTED;
use ordercloud_transport::http::HeaderValue;
use ordercloud_transport::{ApiClient, Error, Secret, SessionEnd, TokenProvider, bearer_authorization};
use tokio::time::Instant;

use crate::api::AuthApi;
use crate::grant::TokenRequest;
use crate::snapshot::{SessionSnapshot, from_unix, to_unix};
use crate::token::{AccessToken, TokenClaims};

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
/// Two kinds, one type:
///
/// - **A service credential's** ([`new`](Self::new), [`from_token`](Self::from_token)): the
///   session keeps its [`TokenRequest`] (client credentials, say) and asks again with it
///   whenever the refresh token is missing or refused.
/// - **A user's, after a login** ([`from_login`](Self::from_login),
///   [`restore`](Self::restore)): the session keeps no password. It renews with the refresh
///   token alone, always the newest (each refresh answer may carry a new one, which replaces
///   the old: OrderCloud spends a refresh token when it is used). When the refresh token is
///   refused, or there is none when the token runs out, the session **has ended**: every
///   call then fails at once, nothing sent, with an error for which
///   [`Error::is_session_expired`] is true. [`log_out`](Self::log_out) ends it too.
///
/// How tokens are kept:
///
/// - **One token request per flight, however many calls wait.** Calls find the token with a
///   shared read (no contended lock while it is valid). When there is none, or it is due for
///   renewal, one call asks the token endpoint and the others wait for its answer, each
///   within its own timeout. Every call that waited gets that one answer: the token, or the
///   typed error. A refused password is asked for once, not once per waiting call, so a
///   burst of page loads cannot lock a user out; a refused refresh token ends the session
///   for all of them with one request. Nothing else is kept beyond the flight: the next call
///   after a failed one tries again.
/// - **Renewal before expiry**: [`RENEW_BEFORE_EXPIRY`] ahead (halfway through a shorter
///   life), with the refresh token when there is one (for a service credential, if that is
///   refused, the grant again; without a refresh token, the grant). A user's session without
///   a refresh token uses its token until it expires. A renewal that fails (but is not
///   refused) while the token at hand has not expired keeps that token in use, and is tried
///   again after [`RENEWAL_RETRY`] (doubling up to [`MAX_RENEWAL_RETRY`]), not on every call.
/// - **Lifetimes**: see [`AccessToken`]: `expires_in`, else the JWT's `exp`, else the token
///   is kept until the API refuses it. A lifetime too long for the clock never expires.
/// - **After `401 InvalidToken`** the client asks for a token newer than the refused one and
///   sends that call once more; a second 401 is returned as it is.
///
/// **Keeping sessions across restarts**: [`snapshot`](Self::snapshot) gives the tokens, their
/// expiry (wall-clock) and claims as a serializable [`SessionSnapshot`];
/// [`restore`](Self::restore) resumes it, without a token request while the token is valid.
/// [`on_event`](Self::on_event) tells when a renewal changed the tokens (save the new
/// snapshot) and when the session ended (delete it).
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
/// let session = Session::new(client, TokenRequest::client_credentials("my-client-id", "the-secret"));
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

/// What happened to a session, for the hook given to [`Session::on_event`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum SessionEvent {
    /// The session got a new token (a renewal, or the first token of a [`Session::new`]):
    /// the snapshot to save in place of the old one, whose refresh token may now be spent.
    Renewed(Box<SessionSnapshot>),
    /// The session has ended, and why: its clients refuse every call from now on, so a
    /// stored snapshot of it can be deleted.
    Ended(SessionEnd),
}

/// Called with each [`SessionEvent`].
type Hook = Arc<dyn Fn(SessionEvent) + Send + Sync>;

struct Inner {
    /// The session's client, without a token; calls get theirs from the session.
    client: ApiClient,
    renewal: Renewal,
    /// The token at hand: read by every call, written only by the one fetching.
    current: RwLock<Option<Arc<Cached>>>,
    /// Held by the one call that fetches a token; the others wait their turn here, and
    /// find the outcome of the flight they waited for.
    flight: tokio::sync::Mutex<Flight>,
    /// How many flights have ended; read before waiting, to know whether one ended since.
    flights: AtomicU64,
    /// [`LIVE`] while the session lives, else why it ended ([`end_code`]); read first by
    /// every call, without a lock.
    ended: AtomicU8,
    /// Told of renewals and the end; read only then.
    hook: Mutex<Option<Hook>>,
}

/// How the session gets its next token.
enum Renewal {
    /// A service credential: the refresh token when there is one, else (or when it is
    /// refused) this grant again.
    Grant(Box<TokenRequest>),
    /// A user's login: the refresh token only, for this API client.
    RefreshOnly { client_id: String },
}

impl Renewal {
    fn client_id(&self) -> &str {
        match self {
            Self::Grant(request) => request.client_id(),
            Self::RefreshOnly { client_id } => client_id,
        }
    }
}

/// The outcome of the last token flight, for the calls that waited for it.
#[derive(Default)]
struct Flight {
    outcome: Option<Result<HeaderValue, Error>>,
}

struct Cached {
    /// `Bearer <token>`; `None` for a restored session whose access token was unusable,
    /// which renews before its first call.
    authorization: Option<HeaderValue>,
    /// When to renew ahead of expiry; `None` when the lifetime is unknown or never ends.
    renew_at: Option<Instant>,
    /// When the token expires; `None` when unknown (kept until refused) or never.
    expires_at: Option<Instant>,
    /// The same, on the wall clock, for snapshots.
    expires_at_wall: Option<SystemTime>,
    refresh_token: Option<String>,
    /// Renewals ahead of expiry that failed in a row.
    failed_renewals: u32,
}

impl Cached {
    /// A token that lives `lifetime` from now (`None`: unknown or endless), renewed ahead of
    /// expiry when `early`, else when it expires.
    fn new(
        authorization: Option<HeaderValue>,
        lifetime: Option<Duration>,
        refresh_token: Option<String>,
        early: bool,
    ) -> Self {
        let now = Instant::now();
        let expires_at = lifetime.and_then(|lifetime| now.checked_add(lifetime));
        let renew_at = match early {
            true => lifetime.and_then(|lifetime| now.checked_add(lifetime - RENEW_BEFORE_EXPIRY.min(lifetime / 2))),
            false => expires_at,
        };
        let expires_at_wall = lifetime.and_then(|lifetime| SystemTime::now().checked_add(lifetime));
        Self { authorization, renew_at, expires_at, expires_at_wall, refresh_token, failed_renewals: 0 }
    }

    /// The `Authorization` value to use as it is at `now`, without renewing.
    fn fresh(&self, now: Instant) -> Option<&HeaderValue> {
        self.authorization.as_ref().filter(|_| self.renew_at.is_none_or(|renew_at| now < renew_at))
    }

    /// The `Authorization` value, while it still works at `now` as far as its lifetime tells.
    fn unexpired(&self, now: Instant) -> Option<&HeaderValue> {
        self.authorization.as_ref().filter(|_| self.expires_at.is_none_or(|expires_at| now < expires_at))
    }

    /// The access token itself.
    fn access_token(&self) -> Option<&str> {
        self.authorization.as_ref()?.to_str().ok()?.strip_prefix("Bearer ")
    }
}

/// [`Inner::ended`] while the session lives.
const LIVE: u8 = 0;

fn end_code(end: SessionEnd) -> u8 {
    match end {
        SessionEnd::LoggedOut => 1,
        SessionEnd::RefreshRefused => 2,
        _ => 3,
    }
}

fn end_of(code: u8) -> Option<SessionEnd> {
    match code {
        LIVE => None,
        1 => Some(SessionEnd::LoggedOut),
        2 => Some(SessionEnd::RefreshRefused),
        _ => Some(SessionEnd::NoRefreshToken),
    }
}

impl Session {
    /// A session that gets its tokens with `request` through `client`'s host: a service
    /// credential (client credentials, an integration user), whose grant it replays.
    ///
    /// **It signs in lazily**: `new` sends nothing, and the first call through
    /// [`client`](Self::client) asks for the token. So a wrong client ID or secret does not
    /// fail here: it fails that first call, with the token endpoint's refusal (`400
    /// invalid_client`, say). To check the credentials at startup, sign in at once with
    /// [`sign_in`](Self::sign_in):
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_transport::Error> {
    /// use ordercloud_auth::{Session, TokenRequest};
    /// use ordercloud_transport::{ApiClient, ErrorCategory, MockTransport};
    ///
    /// let mock = MockTransport::new();
    /// mock.push_status(400, r#"{"error":"invalid_client","error_description":"Invalid client secret"}"#);
    /// let client = ApiClient::builder().transport(mock.clone()).build()?;
    ///
    /// let session = Session::new(client, TokenRequest::client_credentials("my-client-id", "a-wrong-secret"));
    /// assert!(mock.requests().is_empty(), "nothing sent yet");
    /// let error = session.sign_in().await.unwrap_err(); // the eager path: fails here, at startup
    /// assert_eq!(error.category(), ErrorCategory::Internal); // a misconfigured backend
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(client: ApiClient, request: TokenRequest) -> Self {
        Self::with_renewal(client, Renewal::Grant(Box::new(request)))
    }

    fn with_renewal(client: ApiClient, renewal: Renewal) -> Self {
        Self {
            inner: Arc::new(Inner {
                client: client.without_access_token(),
                renewal,
                current: RwLock::new(None),
                flight: tokio::sync::Mutex::new(Flight::default()),
                flights: AtomicU64::new(0),
                ended: AtomicU8::new(LIVE),
                hook: Mutex::new(None),
            }),
        }
    }

    /// A session that starts with `token`, already obtained with `request`; when it is due,
    /// it is renewed with its refresh token, or else with `request` again. For a service
    /// credential: a user's login is [`from_login`](Self::from_login), which keeps no
    /// password.
    pub fn from_token(client: ApiClient, request: TokenRequest, token: AccessToken) -> Result<Self, Error> {
        let session = Self::new(client, request);
        session.inner.store(&token, None)?;
        Ok(session)
    }

    /// A user's session from the token of a login (a password, or a one-time password),
    /// for the API client `client_id`. It keeps no password: it renews with the token's
    /// refresh token only, always the newest, and when that is refused, or there is none
    /// once the token runs out, the session has ended (see the type's docs). An empty token
    /// is refused.
    ///
    /// It sends nothing: the login that gave `token` was the sign-in, so a wrong password
    /// fails there, at [`AuthApi::token`], never at a later call.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_transport::Error> {
    /// use ordercloud_auth::{AuthApi, Session, TokenRequest};
    /// use ordercloud_transport::{ApiClient, MockTransport, http::Method};
    ///
    /// let mock = MockTransport::new();
    /// mock.push_status(200, r#"{"access_token":"t-1","expires_in":600,"refresh_token":"r-1"}"#);
    /// mock.push_api_error(401, "InvalidToken", "expired");
    /// mock.push_status(400, r#"{"error":"invalid_grant"}"#);
    /// let client = ApiClient::builder().transport(mock.clone()).build()?;
    ///
    /// let login = TokenRequest::password("my-client-id", "jdoe", "the-password");
    /// let token = AuthApi::new(client.clone()).token(&login).await?;
    /// let session = Session::from_login(client, "my-client-id", token)?; // `login` can go now
    ///
    /// // The API refuses the token, the refresh token is refused too: the session has ended.
    /// let error = session.client().request(Method::GET, "/me").send_empty().await.unwrap_err();
    /// assert!(error.is_session_expired());
    /// // From now on, nothing is sent.
    /// let error = session.client().request(Method::GET, "/me").send_empty().await.unwrap_err();
    /// assert!(error.is_session_expired());
    /// assert_eq!(mock.requests().len(), 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_login(client: ApiClient, client_id: impl Into<String>, token: AccessToken) -> Result<Self, Error> {
        let session = Self::with_renewal(client, Renewal::RefreshOnly { client_id: client_id.into() });
        session.inner.store(&token, None)?;
        Ok(session)
    }

    /// Resumes a user's session from `snapshot` (see [`snapshot`](Self::snapshot)), through
    /// `client`'s host: no token request while its token has not expired; then it renews
    /// with the refresh token only, like [`from_login`](Self::from_login). A snapshot with
    /// neither a usable access token nor a refresh token gives a session that has already
    /// ended.
    ///
    /// ```
    /// # fn main() -> Result<(), ordercloud_transport::Error> {
    /// use std::time::Duration;
    /// use ordercloud_auth::{AccessToken, Session, SessionSnapshot};
    /// use ordercloud_transport::ApiClient;
    ///
    /// let client = ApiClient::builder().build()?;
    /// let token = AccessToken::new("t-1", Some(Duration::from_secs(600)), Some("r-1".to_owned()));
    /// let stored = serde_json::to_string(&Session::from_login(client.clone(), "my-client-id", token)?.snapshot())
    ///     .expect("a snapshot serializes");
    ///
    /// // Later, perhaps in another process:
    /// let snapshot: SessionSnapshot = serde_json::from_str(&stored).expect("a stored snapshot");
    /// let session = Session::restore(client, snapshot);
    /// assert!(session.ended().is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn restore(client: ApiClient, snapshot: SessionSnapshot) -> Self {
        let (access_token, refresh_token, expires_at, client_id) = snapshot.into_parts();
        let session = Self::with_renewal(client, Renewal::RefreshOnly { client_id });
        let authorization = bearer_authorization(&access_token).ok();
        if authorization.is_none() && refresh_token.is_none() {
            session.inner.end(SessionEnd::NoRefreshToken);
            return session;
        }
        // What is left of the token's life: none when it has passed, unknown when the
        // snapshot had no expiry or one beyond the clock.
        let lifetime = expires_at
            .and_then(from_unix)
            .map(|expires_at| expires_at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO));
        let early = refresh_token.is_some();
        // A new session has not ended, so this cannot fail.
        let _ = session.inner.set_current(Arc::new(Cached::new(authorization, lifetime, refresh_token, early)));
        session
    }

    /// The session's tokens, their expiry and claims, to keep in the application's session
    /// store (Redis, a database, a web framework's sessions) and [`restore`](Self::restore)
    /// later, in this process or another. It holds secrets: see [`SessionSnapshot`]. Save it
    /// again after each renewal ([`on_event`](Self::on_event)): the refresh token of an older
    /// snapshot may be spent. A session that has ended gives a snapshot without tokens, which
    /// restores to an ended session.
    pub fn snapshot(&self) -> SessionSnapshot {
        self.inner.snapshot()
    }

    /// Calls `hook` with each [`SessionEvent`] from now on: after a renewal, with the new
    /// snapshot to save; when the session ends, with why. It replaces any hook given before.
    ///
    /// It runs inside the token flight, before the calls waiting for the token go on: keep
    /// it short and never let it wait (hand the snapshot to a task that saves it). It may
    /// call the session's own methods.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_transport::Error> {
    /// use std::sync::{Arc, Mutex};
    /// use ordercloud_auth::{AccessToken, Session, SessionEvent};
    /// use ordercloud_transport::{ApiClient, MockTransport, http::Method};
    ///
    /// let mock = MockTransport::new();
    /// mock.push_api_error(401, "InvalidToken", "expired");
    /// mock.push_status(200, r#"{"access_token":"t-2","expires_in":600,"refresh_token":"r-2"}"#);
    /// mock.push_status(204, "");
    /// let client = ApiClient::builder().transport(mock).build()?;
    /// let token = AccessToken::new("t-1", None, Some("r-1".to_owned()));
    /// let session = Session::from_login(client, "my-client-id", token)?;
    ///
    /// let saved = Arc::new(Mutex::new(Vec::new()));
    /// let store = saved.clone();
    /// session.on_event(move |event| {
    ///     if let SessionEvent::Renewed(snapshot) = event {
    ///         store.lock().unwrap().push(*snapshot); // in a server: hand it to a task that saves it
    ///     }
    /// });
    /// session.client().request(Method::GET, "/me").send_empty().await?;
    /// assert_eq!(saved.lock().unwrap()[0].refresh_token(), Some("r-2"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_event(&self, hook: impl Fn(SessionEvent) + Send + Sync + 'static) {
        *self.inner.hook.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(hook));
    }

    /// The claims of the current token (username, roles, expiry...), read from its JWT;
    /// `None` when there is no token, or it is not a JWT.
    pub fn claims(&self) -> Option<TokenClaims> {
        self.inner.live_current().as_deref().and_then(Cached::access_token).and_then(TokenClaims::from_jwt)
    }

    /// When the current token expires, on the wall clock; `None` when there is no token or
    /// its lifetime is unknown.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.inner.live_current().and_then(|cached| cached.expires_at_wall)
    }

    /// Ends the session: from now on its clients refuse every call at once, nothing sent,
    /// with an error for which [`Error::is_session_expired`] is true, and the session forgets
    /// its tokens. Calls already on their way are not stopped. OrderCloud has no endpoint
    /// that revokes a token, so delete any stored snapshot too: its access token stays valid
    /// until it expires.
    pub fn log_out(&self) {
        self.inner.end(SessionEnd::LoggedOut);
    }

    /// Why the session has ended, or `None` while it lives.
    pub fn ended(&self) -> Option<SessionEnd> {
        self.inner.end_state()
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

    /// Signs in now: gets a token if none is at hand, and fails with the token endpoint's
    /// refusal if the credentials are wrong. A [`Session::new`] otherwise signs in at its
    /// first call; call this at startup to check its credentials before any business call.
    /// Calls made meanwhile wait for this one token request.
    pub async fn sign_in(&self) -> Result<(), Error> {
        self.inner.authorization(None).await.map(drop)
    }
}

impl Inner {
    fn current(&self) -> Option<Arc<Cached>> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The token at hand, unless the session has ended.
    fn live_current(&self) -> Option<Arc<Cached>> {
        self.end_state().is_none().then(|| self.current()).flatten()
    }

    /// Makes `cached` the token at hand, unless the session has ended meanwhile (checked
    /// under the lock [`end`](Self::end) clears the token under).
    fn set_current(&self, cached: Arc<Cached>) -> Result<(), Error> {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(end) = self.end_state() {
            return Err(Error::session_expired(end));
        }
        *current = Some(cached);
        Ok(())
    }

    fn snapshot(&self) -> SessionSnapshot {
        let current = self.live_current();
        let current = current.as_deref();
        SessionSnapshot::new(
            current.and_then(Cached::access_token).unwrap_or_default().to_owned(),
            current.and_then(|cached| cached.refresh_token.clone()),
            current.and_then(|cached| cached.expires_at_wall).and_then(to_unix),
            self.renewal.client_id().to_owned(),
            current.and_then(Cached::access_token).and_then(TokenClaims::from_jwt),
        )
    }

    fn end_state(&self) -> Option<SessionEnd> {
        end_of(self.ended.load(Ordering::Acquire))
    }

    /// Ends the session for `end` (the first reason stays), forgets its tokens, tells the
    /// hook, and returns the error every call now ends with.
    fn end(&self, end: SessionEnd) -> Error {
        if self.ended.compare_exchange(LIVE, end_code(end), Ordering::AcqRel, Ordering::Acquire).is_ok() {
            *self.current.write().unwrap_or_else(PoisonError::into_inner) = None;
            tracing::debug!(client_id = self.renewal.client_id(), reason = ?end, "the session has ended");
            self.notify(SessionEvent::Ended(end));
        }
        Error::session_expired(self.end_state().unwrap_or(end))
    }

    fn notify(&self, event: SessionEvent) {
        let hook = self.hook.lock().unwrap_or_else(PoisonError::into_inner).clone();
        if let Some(hook) = hook {
            hook(event);
        }
    }

    /// Keeps `token` as the one at hand, and returns its `Authorization` value. When the
    /// answer has no refresh token, `used_refresh_token` (the one that got it) is kept. An
    /// empty token is refused by the same rule as everywhere else.
    fn store(&self, token: &AccessToken, used_refresh_token: Option<String>) -> Result<HeaderValue, Error> {
        let authorization = bearer_authorization(token.access_token())?;
        let lifetime = token.lifetime(SystemTime::now());
        let refresh_token = token.refresh_token().map(str::to_owned).or(used_refresh_token);
        let early = matches!(self.renewal, Renewal::Grant(_)) || refresh_token.is_some();
        self.set_current(Arc::new(Cached::new(Some(authorization.clone()), lifetime, refresh_token, early)))?;
        Ok(authorization)
    }

    /// Keeps using `cached` after a failed renewal ahead of expiry, until the next try.
    fn postpone_renewal(&self, cached: &Cached, now: Instant) -> Result<(), Error> {
        let failed = cached.failed_renewals.saturating_add(1);
        let wait = RENEWAL_RETRY.saturating_mul(1 << failed.min(8).saturating_sub(1)).min(MAX_RENEWAL_RETRY);
        let next = now.checked_add(wait).map(|next| cached.expires_at.map_or(next, |expires_at| next.min(expires_at)));
        self.set_current(Arc::new(Cached {
            authorization: cached.authorization.clone(),
            renew_at: next.or(cached.expires_at),
            expires_at: cached.expires_at,
            expires_at_wall: cached.expires_at_wall,
            refresh_token: cached.refresh_token.clone(),
            failed_renewals: failed,
        }))
    }

    /// Every secret of the session: its grant's and its refresh token.
    fn all_secrets(&self) -> Vec<Secret> {
        let mut secrets = match &self.renewal {
            Renewal::Grant(request) => request.secrets(),
            Renewal::RefreshOnly { .. } => Vec::new(),
        };
        secrets.extend(self.current().and_then(|cached| cached.refresh_token.clone()).map(Secret::any_case));
        secrets
    }

    /// A new token, and the refresh token that got it (kept if the answer has no new one):
    /// with the refresh token when there is one, else (or, for a service credential, when it
    /// is refused) with the grant. Each error is kept clear of every session secret. A
    /// user's session whose refresh token is refused, or missing, has ended.
    async fn fetch(&self, refresh_token: Option<&str>) -> Result<(AccessToken, Option<String>), Error> {
        let secrets = self.all_secrets();
        let auth = AuthApi::new(self.client.clone());
        let client_id = self.renewal.client_id();
        if let Some(refresh_token) = refresh_token {
            tracing::debug!(client_id, "renewing the session's token with its refresh token");
            let request = match &self.renewal {
                Renewal::Grant(request) => request.refreshed_with(refresh_token),
                Renewal::RefreshOnly { client_id } => TokenRequest::refresh(client_id.as_str(), refresh_token),
            };
            match auth.token_keeping_out(&request, &secrets).await {
                Ok(token) => return Ok((token, Some(refresh_token.to_owned()))),
                Err(error) => match &self.renewal {
                    Renewal::RefreshOnly { .. } if is_refusal(&error) => {
                        tracing::debug!(status = ?error.status(), "the refresh token was refused");
                        return Err(self.end(SessionEnd::RefreshRefused));
                    }
                    Renewal::Grant(_) if error.status().is_some() => {
                        tracing::debug!(status = ?error.status(), "the refresh token was refused; asking with the grant again");
                    }
                    _ => return Err(error),
                },
            }
        }
        match &self.renewal {
            Renewal::Grant(request) => {
                tracing::debug!(client_id, "asking for the session's token");
                auth.token_keeping_out(request, &secrets).await.map(|token| (token, None))
            }
            Renewal::RefreshOnly { .. } => Err(self.end(SessionEnd::NoRefreshToken)),
        }
    }

    /// One flight: a new token, or, when a renewal ahead of expiry fails, the token at hand
    /// until its next try.
    async fn renew(&self, current: Option<Arc<Cached>>, rejected: Option<&HeaderValue>) -> Result<HeaderValue, Error> {
        match self.fetch(current.as_ref().and_then(|cached| cached.refresh_token.as_deref())).await {
            Ok((token, used_refresh_token)) => {
                let authorization = self.store(&token, used_refresh_token)?;
                if self.hook.lock().unwrap_or_else(PoisonError::into_inner).is_some() {
                    self.notify(SessionEvent::Renewed(Box::new(self.snapshot())));
                }
                Ok(authorization)
            }
            Err(error) if error.is_session_expired() => Err(error),
            Err(error) => {
                let now = Instant::now();
                let usable = current.filter(|cached| rejected.is_none() && cached.unexpired(now).is_some());
                match usable {
                    Some(cached) => {
                        tracing::warn!(status = ?error.status(), "renewing the session's token failed; using it until it expires");
                        self.postpone_renewal(&cached, now)?;
                        cached.authorization.clone().ok_or(error)
                    }
                    None => Err(error),
                }
            }
        }
    }
}

/// Whether the token endpoint refused the grant itself (a `4xx` other than `408` and `429`),
/// rather than failing to answer it.
fn is_refusal(error: &Error) -> bool {
    error.status().is_some_and(|status| status.is_client_error() && !matches!(status.as_u16(), 408 | 429))
}

#[async_trait]
impl TokenProvider for Inner {
    fn cached_authorization(&self) -> Option<HeaderValue> {
        if self.ended.load(Ordering::Acquire) != LIVE {
            return None;
        }
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        current.as_ref().and_then(|cached| cached.fresh(Instant::now())).cloned()
    }

    async fn authorization(&self, rejected: Option<&HeaderValue>) -> Result<HeaderValue, Error> {
        if let Some(end) = self.end_state() {
            return Err(Error::session_expired(end));
        }
        let seen = self.flights.load(Ordering::Acquire);
        let mut flight = self.flight.lock().await;
        if let Some(end) = self.end_state() {
            return Err(Error::session_expired(end));
        }
        // A flight that ended while this call waited answers it: success or failure alike.
        if self.flights.load(Ordering::Acquire) != seen {
            match &flight.outcome {
                Some(Ok(value)) if rejected != Some(value) => return Ok(value.clone()),
                Some(Err(error)) => return Err(error.clone()),
                _ => {}
            }
        }
        let current = self.current();
        if let Some(value) = current.as_deref().and_then(|cached| cached.fresh(Instant::now())) {
            if rejected != Some(value) {
                return Ok(value.clone());
            }
        }
        let outcome = self.renew(current, rejected).await;
        flight.outcome = Some(outcome.clone());
        self.flights.fetch_add(1, Ordering::Release);
        outcome
    }

    fn secrets(&self) -> Vec<Secret> {
        self.all_secrets()
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Debug for Renewal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Grant(request) => f.debug_tuple("Grant").field(request).finish(),
            Self::RefreshOnly { client_id } => f.debug_struct("RefreshOnly").field("client_id", client_id).finish(),
        }
    }
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let current = self.current();
        let current = current.as_deref();
        f.debug_struct("Session")
            .field("renewal", &self.renewal)
            .field("ended", &self.end_state())
            .field("access_token", &current.and_then(|cached| cached.authorization.as_ref()).map(|_| REDACTED))
            .field("renew_at", &current.and_then(|cached| cached.renew_at))
            .field("expires_at", &current.and_then(|cached| cached.expires_at))
            .field("refresh_token", &current.and_then(|cached| cached.refresh_token.as_ref()).map(|_| REDACTED))
            .finish_non_exhaustive()
    }
}
