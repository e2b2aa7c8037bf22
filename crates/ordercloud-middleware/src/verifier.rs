//! `TokenVerifier`: is this OrderCloud access token genuine, current, and for us?

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ordercloud_models::resources::PublicKey;
use ordercloud_transport::{ApiClient, Error, Operation};
use serde::Deserialize;
use serde_json::Value;

use crate::cache::FlightCache;
use crate::error::{VerifyError, shown};
use crate::jwk::RsaKey;
use crate::jwt::Jwt;
use crate::verified::VerifiedToken;

/// `Certs.GetPublicKey`, at the host's root as every `/oauth/` path: the key of a `kid`.
const GET_PUBLIC_KEY: Operation =
    Operation { id: "Certs.GetPublicKey", method: "GET", path: "/oauth/certs/{ID}", roles: &[] };

/// `Me.Get`, with the token being verified: whether OrderCloud takes a token without `kid`.
const GET_ME: Operation = Operation { id: "Me.Get", method: "GET", path: "/me", roles: &[] };

/// How far a token's `exp` and `nbf` may be off the clock by default.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);

/// How long a key is kept once fetched. A key ID names one key for good; this only bounds
/// how long a key OrderCloud has retired keeps working here.
pub const KEY_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// How long a key ID OrderCloud does not know is remembered as unknown: a burst of forged
/// tokens with made-up key IDs costs one request per ID in this time.
pub const UNKNOWN_KEY_LIFETIME: Duration = Duration::from_secs(60);

/// How long a failure to reach OrderCloud is remembered, so a failing call is not retried
/// in a loop by every request that comes.
pub const UNAVAILABLE_LIFETIME: Duration = Duration::from_secs(5);

/// How long OrderCloud's word on a token without a key ID (`GET /v1/me`) is kept.
pub const ME_LIFETIME: Duration = Duration::from_secs(60);

/// The most calls to OrderCloud the verifier makes in a second to look up a key ID or a
/// token without one; beyond, a token that needs one is [`VerifyError::TooManyLookups`].
/// Tokens whose key is already kept cost no call.
pub const LOOKUPS_PER_SECOND: u32 = 20;

/// How long a lookup refused for the budget is remembered for its key ID or token.
const TOO_MANY_LIFETIME: Duration = Duration::from_secs(1);

/// The most key IDs, and the most tokens checked with `GET /v1/me`, remembered at once.
pub const CACHE_CAPACITY: usize = 1024;

/// The longest key ID fetched; a longer one is unknown without asking.
const MAX_KEY_ID_BYTES: usize = 256;

/// Verifies OrderCloud access tokens, as a middleware does before it trusts a shopper:
/// RS256 signatures with OrderCloud's key for the token's `kid` (fetched from
/// `GET {host}/oauth/certs/{kid}` once per key ID, however many requests wait for it), the
/// time claims with a [leeway](Self::leeway), the issuer and audience, and the API clients
/// [allowed](Self::allow_client_ids). A token without `kid` (OrderCloud's portal issues
/// those) is verified by asking OrderCloud (`GET /v1/me` with it), as Catalyst does, and the
/// answer kept for [`ME_LIFETIME`].
///
/// Cheap to clone: clones share the keys and answers fetched. Nothing is fetched until a
/// token needs it.
///
/// ```no_run
/// # async fn handler(token: &str) -> Result<(), Box<dyn std::error::Error>> {
/// use ordercloud_middleware::{ApiClient, TokenVerifier};
///
/// let client = ApiClient::builder().base_url("https://sandboxapi.ordercloud.io").build()?;
/// let verifier = TokenVerifier::new(client).allow_client_ids(["my-storefront-client-id"]);
///
/// let shopper = verifier.verify(token).await?;
/// println!("{} ({}) with roles {:?}", shopper.username(), shopper.user_type(), shopper.roles());
/// # Ok(())
/// # }
/// ```
///
/// **Issuer and audience.** OrderCloud writes its API's URL in `aud` (its documentation
/// gives `https://api.ordercloud.io` for production; Catalyst reads `aud` as the token's
/// environment) and its authorization server's in `iss` (`https://auth.ordercloud.io`).
/// So by default `aud` must be the API the client's base URL names (without `/v1`), and
/// `iss` that URL or its `auth` sibling (`https://sandboxauth.ordercloud.io` for
/// `https://sandboxapi.ordercloud.io`). Add others with [`accept_issuer`](Self::accept_issuer)
/// and [`accept_audience`](Self::accept_audience) (a gateway in front of OrderCloud, say).
#[derive(Clone)]
pub struct TokenVerifier {
    config: Arc<Config>,
    caches: Arc<Caches>,
}

#[derive(Clone)]
struct Config {
    client: ApiClient,
    allowed: Allowed,
    issuers: Vec<String>,
    audiences: Vec<String>,
    leeway: Duration,
}

#[derive(Clone, Debug)]
enum Allowed {
    Clients(Vec<String>),
    Any,
}

struct Caches {
    keys: FlightCache<RsaKey, VerifyError>,
    me: FlightCache<(), VerifyError>,
    /// The lookups made in the current second: its start and how many.
    lookups: std::sync::Mutex<(std::time::Instant, u32)>,
}

impl Caches {
    /// Whether one more lookup fits in this second's budget (and counts it).
    fn take_lookup(&self) -> bool {
        let mut lookups = self.lookups.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = std::time::Instant::now();
        if now.duration_since(lookups.0) >= Duration::from_secs(1) {
            *lookups = (now, 0);
        }
        lookups.1 += 1;
        lookups.1 <= LOOKUPS_PER_SECOND
    }
}

impl TokenVerifier {
    /// A verifier of the tokens of the OrderCloud `client` talks to (its base URL; its own
    /// token, if any, is never sent). It allows no API client until
    /// [`allow_client_ids`](Self::allow_client_ids) (or
    /// [`allow_any_client_id`](Self::allow_any_client_id)) says which.
    pub fn new(client: ApiClient) -> Self {
        let root = api_root(&client);
        let issuers = [Some(root.clone()), auth_sibling(&root)].into_iter().flatten().collect();
        let config = Config {
            client: client.for_api_crate(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"))),
            allowed: Allowed::Clients(Vec::new()),
            issuers,
            audiences: vec![root],
            leeway: DEFAULT_LEEWAY,
        };
        let caches = Caches {
            keys: FlightCache::new(CACHE_CAPACITY),
            me: FlightCache::new(CACHE_CAPACITY),
            lookups: std::sync::Mutex::new((std::time::Instant::now(), 0)),
        };
        Self { config: Arc::new(config), caches: Arc::new(caches) }
    }

    /// Accepts the tokens of these API clients (compared without regard to letter case, as
    /// OrderCloud's client IDs are); replaces any given before.
    #[must_use]
    pub fn allow_client_ids<I, S>(mut self, client_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Arc::make_mut(&mut self.config).allowed = Allowed::Clients(client_ids.into_iter().map(Into::into).collect());
        self
    }

    /// Accepts the tokens of every API client of the marketplace.
    #[must_use]
    pub fn allow_any_client_id(mut self) -> Self {
        Arc::make_mut(&mut self.config).allowed = Allowed::Any;
        self
    }

    /// Also accepts tokens whose `iss` is `issuer` (a URL; a trailing `/` is ignored).
    #[must_use]
    pub fn accept_issuer(mut self, issuer: &str) -> Self {
        Arc::make_mut(&mut self.config).issuers.push(trimmed(issuer).to_owned());
        self
    }

    /// Also accepts tokens whose `aud` is `audience` (a URL; a trailing `/` is ignored).
    #[must_use]
    pub fn accept_audience(mut self, audience: &str) -> Self {
        Arc::make_mut(&mut self.config).audiences.push(trimmed(audience).to_owned());
        self
    }

    /// How far `exp` and `nbf` may be off this machine's clock ([`DEFAULT_LEEWAY`] unless
    /// set).
    #[must_use]
    pub fn leeway(mut self, leeway: Duration) -> Self {
        Arc::make_mut(&mut self.config).leeway = leeway;
        self
    }

    /// Verifies `access_token` (without `Bearer `): its form, its algorithm (RS256 only),
    /// its claims (`usr`, `cid`, `usrtype`, `exp`, `nbf`, `iss`, `aud`), its API client, then
    /// its signature with OrderCloud's key for its `kid`, or, without `kid`, OrderCloud's
    /// answer to `GET /v1/me` with it. The cheap checks come first, so a forged or stale
    /// token costs no request. Never panics, whatever the input; the error never holds the
    /// token.
    pub async fn verify(&self, access_token: &str) -> Result<VerifiedToken, VerifyError> {
        let access_token = access_token.trim();
        if access_token.is_empty() {
            return Err(VerifyError::Missing);
        }
        let jwt = Jwt::parse(access_token)?;
        self.check_claims(&jwt)?;
        match &jwt.key_id {
            Some(kid) => jwt.verify(&self.key(kid).await?)?,
            None => self.ask_ordercloud(access_token).await?,
        }
        VerifiedToken::new(access_token, jwt.claims, jwt.key_id).ok_or(VerifyError::Malformed)
    }

    /// The claims every OrderCloud token has, the clock, the issuer, the audience and the
    /// API client.
    fn check_claims(&self, jwt: &Jwt<'_>) -> Result<(), VerifyError> {
        let claims = &jwt.claims;
        let config = &self.config;
        claims.usr.as_ref().ok_or(VerifyError::MissingClaim("usr"))?;
        let client_id = claims.cid.as_ref().ok_or(VerifyError::MissingClaim("cid"))?;
        claims.usrtype.as_ref().ok_or(VerifyError::MissingClaim("usrtype"))?;
        let exp = claims.exp.ok_or(VerifyError::MissingClaim("exp"))?;
        let nbf = claims.nbf.ok_or(VerifyError::MissingClaim("nbf"))?;
        let now = unix_now();
        let leeway = i64::try_from(config.leeway.as_secs()).unwrap_or(i64::MAX);
        if exp.saturating_add(leeway) <= now {
            return Err(VerifyError::Expired);
        }
        if nbf.saturating_sub(leeway) > now {
            return Err(VerifyError::NotYetValid);
        }
        let issuer = claims.other.get("iss").and_then(Value::as_str).ok_or(VerifyError::MissingClaim("iss"))?;
        if !config.issuers.iter().any(|accepted| accepted.eq_ignore_ascii_case(trimmed(issuer))) {
            return Err(VerifyError::WrongIssuer);
        }
        let ours =
            |audience: &str| config.audiences.iter().any(|accepted| accepted.eq_ignore_ascii_case(trimmed(audience)));
        let for_us = match claims.other.get("aud") {
            Some(Value::String(audience)) => ours(audience),
            Some(Value::Array(audiences)) => audiences.iter().filter_map(Value::as_str).any(ours),
            _ => return Err(VerifyError::MissingClaim("aud")),
        };
        if !for_us {
            return Err(VerifyError::WrongAudience);
        }
        let allowed = match &config.allowed {
            Allowed::Any => true,
            Allowed::Clients(ids) => ids.iter().any(|id| id.eq_ignore_ascii_case(client_id)),
        };
        if !allowed {
            return Err(VerifyError::ClientNotAllowed(shown(client_id, 64)));
        }
        Ok(())
    }

    /// OrderCloud's key `kid`: kept, or fetched once for every caller waiting for it.
    async fn key(&self, kid: &str) -> Result<RsaKey, VerifyError> {
        if kid.is_empty() || kid.len() > MAX_KEY_ID_BYTES {
            return Err(VerifyError::UnknownKey);
        }
        self.caches.keys.get(kid, || self.fetch_key(kid)).await
    }

    /// `GET {host}/oauth/certs/{kid}`, anonymous, and how long to keep what it says.
    async fn fetch_key(&self, kid: &str) -> (Result<RsaKey, VerifyError>, Duration) {
        if !self.caches.take_lookup() {
            return (Err(VerifyError::TooManyLookups), TOO_MANY_LIFETIME);
        }
        let answer =
            self.config.client.call(&GET_PUBLIC_KEY).path_param(kid).without_token().send_json::<PublicKey>().await;
        match answer {
            Ok(jwk) => match RsaKey::from_jwk(&jwk, kid) {
                Some(key) => (Ok(key), KEY_LIFETIME),
                None => (Err(VerifyError::UnknownKey), UNKNOWN_KEY_LIFETIME),
            },
            Err(error) if is_refusal(&error) => (Err(VerifyError::UnknownKey), UNKNOWN_KEY_LIFETIME),
            Err(error) => (Err(VerifyError::Unavailable(error)), UNAVAILABLE_LIFETIME),
        }
    }

    /// Whether OrderCloud takes the token: `GET /v1/me` with it answers an active user.
    async fn ask_ordercloud(&self, access_token: &str) -> Result<(), VerifyError> {
        let key = fingerprint(access_token);
        self.caches.me.get(&key, || self.get_me(access_token)).await
    }

    async fn get_me(&self, access_token: &str) -> (Result<(), VerifyError>, Duration) {
        #[derive(Deserialize)]
        struct Me {
            #[serde(rename = "Active", default)]
            active: Option<bool>,
        }
        if !self.caches.take_lookup() {
            return (Err(VerifyError::TooManyLookups), TOO_MANY_LIFETIME);
        }
        let answer = self.config.client.call(&GET_ME).bearer_token(access_token).send_json::<Me>().await;
        match answer {
            Ok(me) if me.active != Some(false) => (Ok(()), ME_LIFETIME),
            Ok(_) => (Err(VerifyError::Rejected), ME_LIFETIME),
            Err(error) if refuses_the_token(&error) || error.is_invalid_request() => {
                (Err(VerifyError::Rejected), ME_LIFETIME)
            }
            Err(error) => (Err(VerifyError::Unavailable(error)), UNAVAILABLE_LIFETIME),
        }
    }
}

impl fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("client", &self.config.client)
            .field("allowed_client_ids", &self.config.allowed)
            .field("issuers", &self.config.issuers)
            .field("audiences", &self.config.audiences)
            .field("leeway", &self.config.leeway)
            .finish_non_exhaustive()
    }
}

/// Whether OrderCloud refused the key request for what it asked (a 4xx but a rate limit or
/// a timeout: no such key), or answered something that is no key (a 2xx that does not
/// read), or nothing could be asked (a key ID that cannot be a path segment): the key ID is
/// unknown, not OrderCloud down.
fn is_refusal(error: &Error) -> bool {
    error.is_invalid_request() || refuses_the_token(error) || error.status().is_some_and(|status| status.is_success())
}

/// Whether an answer is a 4xx about the request itself: not `408` or `429`, which say to
/// come back later and are kept as [`VerifyError::Unavailable`].
fn refuses_the_token(error: &Error) -> bool {
    error.status().is_some_and(|status| status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429)
}

/// The API's URL without `/v1`: `https://sandboxapi.ordercloud.io`.
fn api_root(client: &ApiClient) -> String {
    let base = client.base_url();
    trimmed(base.strip_suffix("/v1").unwrap_or(&base)).to_owned()
}

/// OrderCloud's authorization server beside its API: `https://auth.ordercloud.io` for
/// `https://api.ordercloud.io`, `https://sandboxauth.ordercloud.io` for
/// `https://sandboxapi.ordercloud.io`; `None` for a host whose first label does not end in
/// `api`.
fn auth_sibling(root: &str) -> Option<String> {
    let (scheme, rest) = root.split_once("://")?;
    let (label, domain) = rest.split_once('.')?;
    let prefix = label.strip_suffix("api")?;
    Some(format!("{scheme}://{prefix}auth.{domain}"))
}

fn trimmed(url: &str) -> &str {
    url.trim().trim_end_matches('/')
}

fn unix_now() -> i64 {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs());
    i64::try_from(seconds).unwrap_or(i64::MAX)
}

/// The token's SHA-256, in hex: what the `GET /v1/me` answers are kept under, so the cache
/// holds no token.
fn fingerprint(token: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
    digest.as_ref().iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_auth_server_beside_each_api() {
        assert_eq!(auth_sibling("https://api.ordercloud.io").as_deref(), Some("https://auth.ordercloud.io"));
        assert_eq!(
            auth_sibling("https://sandboxapi.ordercloud.io").as_deref(),
            Some("https://sandboxauth.ordercloud.io")
        );
        assert_eq!(auth_sibling("https://useast-sandbox.ordercloud.io"), None);
        assert_eq!(auth_sibling("http://127.0.0.1:4300"), None);
    }

    #[test]
    fn defaults_come_from_the_clients_base_url() {
        let client = ApiClient::builder().base_url("https://sandboxapi.ordercloud.io/v1/").build().unwrap();
        let verifier = TokenVerifier::new(client).accept_audience("https://gw.example.com/");
        assert_eq!(verifier.config.audiences, ["https://sandboxapi.ordercloud.io", "https://gw.example.com"]);
        assert_eq!(verifier.config.issuers, ["https://sandboxapi.ordercloud.io", "https://sandboxauth.ordercloud.io"]);
        assert!(matches!(&verifier.config.allowed, Allowed::Clients(ids) if ids.is_empty()));
    }

    #[test]
    fn fingerprints_are_sha256_hex() {
        assert_eq!(fingerprint("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
