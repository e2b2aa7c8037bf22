//! `AccessToken`: what the token endpoint answers, and the claims its JWT carries.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use ordercloud_models::REDACTED;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// A token from the token endpoint: the access token, its lifetime, and a refresh token
/// when the API client issues them.
///
/// `Debug` shows neither token. The access token is a JWT whose claims
/// [`claims`](Self::claims) reads without verifying the signature (only the API does that).
///
/// **How long a token is used.** Its lifetime is `expires_in` when the answer gave a usable
/// one; otherwise the JWT's own `exp` claim, counted from when the token is taken into use
/// (`expires_in` is only recommended by RFC 6749, section 5.1); with neither, the token is
/// kept until the API refuses it (`401 InvalidToken`, after which a
/// [`Session`](crate::Session) renews it once). A lifetime too long for the clock means the
/// token does not expire while the process runs; it never means "already expired".
#[derive(Clone, Deserialize)]
pub struct AccessToken {
    access_token: String,
    #[serde(default, deserialize_with = "lenient_lifetime")]
    expires_in: Option<Duration>,
    #[serde(default, deserialize_with = "non_empty")]
    refresh_token: Option<String>,
}

impl AccessToken {
    /// A token from its parts, such as one kept from an earlier login: `expires_in` is its
    /// lifetime from now (`None` or zero when unknown; see the type's docs for what then).
    pub fn new(access_token: impl Into<String>, expires_in: Option<Duration>, refresh_token: Option<String>) -> Self {
        let refresh_token = refresh_token.filter(|token| !token.is_empty());
        Self {
            access_token: access_token.into(),
            expires_in: expires_in.filter(|lifetime| !lifetime.is_zero()),
            refresh_token,
        }
    }

    /// The access token, for `Authorization: Bearer <token>`.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The refresh token; `None` when the answer had none, or `null`, or `""`.
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// How long the token was valid for when it was issued, as the token endpoint said
    /// (`expires_in`, in seconds): `None` when the answer had none or an unusable one (zero,
    /// negative, not a number). A number too large for a `Duration` is `Duration::MAX`.
    pub fn expires_in(&self) -> Option<Duration> {
        self.expires_in
    }

    /// How long the token is valid from `now`: [`expires_in`](Self::expires_in) when known,
    /// else what is left until the JWT's `exp` (nothing when that has passed), else `None`.
    pub(crate) fn lifetime(&self, now: SystemTime) -> Option<Duration> {
        self.expires_in.or_else(|| {
            let exp = self.claims()?.exp?;
            let now = i64::try_from(now.duration_since(UNIX_EPOCH).ok()?.as_secs()).ok()?;
            u64::try_from(exp.checked_sub(now)?).ok().filter(|left| *left > 0).map(Duration::from_secs)
        })
    }

    /// The JWT's claims, read without verifying its signature; `None` when the token is not
    /// a JWT with a JSON payload.
    pub fn claims(&self) -> Option<TokenClaims> {
        TokenClaims::from_jwt(&self.access_token)
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("access_token", &REDACTED)
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| REDACTED))
            .finish()
    }
}

/// The claims of an OrderCloud access token, as the official SDKs document them; every
/// other claim is kept in [`other`](Self::other).
///
/// ```
/// use ordercloud_auth::TokenClaims;
///
/// // header.payload.signature, the payload {"usr":"jdoe","cid":"c","role":"Shopper","exp":2000000000}
/// let jwt = "e30.eyJ1c3IiOiJqZG9lIiwiY2lkIjoiYyIsInJvbGUiOiJTaG9wcGVyIiwiZXhwIjoyMDAwMDAwMDAwfQ.c2ln";
/// let claims = TokenClaims::from_jwt(jwt).unwrap();
/// assert_eq!(claims.usr.as_deref(), Some("jdoe"));
/// assert_eq!(claims.role, ["Shopper"]);
/// assert_eq!(claims.exp, Some(2_000_000_000));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenClaims {
    /// The username.
    #[serde(default)]
    pub usr: Option<String>,
    /// The API client's ID.
    #[serde(default)]
    pub cid: Option<String>,
    /// The kind of user: `admin`, `buyer` or `supplier`.
    #[serde(default)]
    pub usrtype: Option<String>,
    /// The roles granted (the JWT has a string for one, an array for several).
    #[serde(default, deserialize_with = "one_or_many")]
    pub role: Vec<String>,
    /// When the token expires, in Unix seconds.
    #[serde(default)]
    pub exp: Option<i64>,
    /// When the token becomes valid, in Unix seconds.
    #[serde(default)]
    pub nbf: Option<i64>,
    /// The anonymous shopper's order, for anonymous tokens only.
    #[serde(default)]
    pub orderid: Option<String>,
    /// Every other claim, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl TokenClaims {
    /// Reads the payload of `jwt` (base64url, padded or not), without verifying it.
    pub fn from_jwt(jwt: &str) -> Option<Self> {
        let payload = jwt.split('.').nth(1)?;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(OneOrMany::One(role)) => vec![role],
        Some(OneOrMany::Many(roles)) => roles,
    })
}

fn non_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.filter(|token| !token.is_empty()))
}

/// `expires_in` from an integer, a float or a numeric string; `None` when missing, zero,
/// negative or not a number, `Duration::MAX` when too large for a `Duration`.
fn lenient_lifetime<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Duration>, D::Error> {
    let seconds = match Option::<Value>::deserialize(deserializer)? {
        Some(Value::Number(number)) => match number.as_u64() {
            Some(whole) => return Ok((whole > 0).then(|| Duration::from_secs(whole))),
            None => number.as_f64(),
        },
        Some(Value::String(text)) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    Ok(seconds
        .filter(|seconds| seconds.is_finite() && *seconds >= 1.0)
        .map(|seconds| Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_parse_leniently_and_hide_their_tokens() {
        for (json, refresh) in [
            (r#"{"access_token":"a.b.c","expires_in":36000,"token_type":"bearer","refresh_token":"r-1"}"#, Some("r-1")),
            (r#"{"access_token":"a.b.c","expires_in":"600","refresh_token":null}"#, None),
            (r#"{"access_token":"a.b.c","expires_in":600.0,"refresh_token":""}"#, None),
            (r#"{"access_token":"a.b.c","expires_in":600,"extra":true}"#, None),
        ] {
            let token: AccessToken = serde_json::from_str(json).unwrap();
            assert_eq!(token.refresh_token(), refresh, "{json}");
            assert!(token.expires_in() >= Some(Duration::from_secs(600)));
            let shown = format!("{token:?}");
            assert!(!shown.contains("a.b.c") && !shown.contains("r-1"), "{shown}");
        }
    }

    #[test]
    fn unusable_lifetimes_are_unknown_and_huge_ones_never_end() {
        for (expires_in, expected) in [
            ("null", None),
            ("0", None),
            ("-5", None),
            ("0.2", None),
            ("\"soon\"", None),
            ("\"\"", None),
            ("true", None),
            ("{}", None),
            ("\"600\"", Some(Duration::from_secs(600))),
            ("600.9", Some(Duration::from_secs_f64(600.9))),
            ("1e308", Some(Duration::MAX)),
            ("18446744073709551615", Some(Duration::from_secs(u64::MAX))),
            ("1e400", None),
        ] {
            let json = format!(r#"{{"access_token":"a","expires_in":{expires_in}}}"#);
            let token: Result<AccessToken, _> = serde_json::from_str(&json);
            match token {
                Ok(token) => assert_eq!(token.expires_in(), expected, "{expires_in}"),
                // serde_json refuses a number beyond f64, as it should: no panic.
                Err(_) => assert_eq!(expected, None, "{expires_in}"),
            }
        }
        let missing: AccessToken = serde_json::from_str(r#"{"access_token":"a"}"#).unwrap();
        assert_eq!(missing.expires_in(), None);
    }

    #[test]
    fn without_expires_in_the_jwt_exp_gives_the_lifetime() {
        let encode =
            |payload: &str| format!("h.{}.s", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload));
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let token = AccessToken::new(encode(r#"{"exp":1000600}"#), None, None);
        assert_eq!(token.lifetime(now), Some(Duration::from_secs(600)));
        let expired = AccessToken::new(encode(r#"{"exp":999999}"#), None, None);
        assert_eq!(expired.lifetime(now), None, "a passed exp is no lifetime");
        let opaque = AccessToken::new("opaque", Some(Duration::ZERO), None);
        assert_eq!(opaque.lifetime(now), None);
        let given = AccessToken::new(encode(r#"{"exp":1000600}"#), Some(Duration::from_secs(60)), None);
        assert_eq!(given.lifetime(now), Some(Duration::from_secs(60)), "expires_in comes first");
    }

    #[test]
    fn claims_read_roles_as_a_string_or_a_list_and_keep_the_rest() {
        let encode =
            |payload: &str| format!("h.{}.s", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload));
        let claims = TokenClaims::from_jwt(&encode(
            r#"{"usr":"anon","cid":"c","usrtype":"buyer","role":["Shopper","MeAdmin"],"nbf":1,"exp":2,"orderid":"o-1","iss":"https://auth.ordercloud.io"}"#,
        ))
        .unwrap();
        assert_eq!(claims.role, ["Shopper", "MeAdmin"]);
        assert_eq!((claims.nbf, claims.exp, claims.orderid.as_deref()), (Some(1), Some(2), Some("o-1")));
        assert_eq!(claims.other["iss"], "https://auth.ordercloud.io");
        assert!(TokenClaims::from_jwt("not-a-jwt").is_none());
        assert!(TokenClaims::from_jwt("a.!!!.c").is_none());
        assert_eq!(TokenClaims::from_jwt(&encode("{}")).unwrap(), TokenClaims::default());
    }
}
