//! `VerifiedToken`: who a verified token says its holder is.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ordercloud_auth::TokenClaims;
use ordercloud_models::REDACTED;

/// A token [`TokenVerifier::verify`](crate::TokenVerifier::verify) accepted, and what its
/// claims say of its holder.
///
/// `Debug` never shows the token; [`access_token`](Self::access_token) gives it, to call
/// OrderCloud on the holder's behalf.
#[derive(Clone)]
pub struct VerifiedToken {
    token: String,
    /// The claims, with a username, a client ID and a user type (checked by `new`).
    claims: TokenClaims,
    key_id: Option<String>,
}

impl VerifiedToken {
    /// The verified `token` with its claims, which have a username, a client ID and a user
    /// type.
    pub(crate) fn new(token: &str, claims: TokenClaims, key_id: Option<String>) -> Option<Self> {
        let complete = claims.usr.is_some() && claims.cid.is_some() && claims.usrtype.is_some();
        complete.then(|| Self { token: token.to_owned(), claims, key_id })
    }

    /// The username (the `usr` claim); an anonymous shopper's generated ID for one.
    pub fn username(&self) -> &str {
        self.claims.usr.as_deref().unwrap_or_default()
    }

    /// The API client the token was issued through (the `cid` claim).
    pub fn client_id(&self) -> &str {
        self.claims.cid.as_deref().unwrap_or_default()
    }

    /// The kind of user: `buyer`, `seller` or `supplier`. OrderCloud's `usrtype` claim says
    /// `admin` for the marketplace owner's users, given here as `seller`; a kind this
    /// version does not know is given as the claim says it.
    pub fn user_type(&self) -> &str {
        match self.claims.usrtype.as_deref().unwrap_or_default() {
            "admin" => "seller",
            other => other,
        }
    }

    /// The roles granted (the `role` claim), OrderCloud's and custom roles alike.
    pub fn roles(&self) -> &[String] {
        &self.claims.role
    }

    /// Whether the token has `role` (exactly as written, as OrderCloud compares roles).
    pub fn has_role(&self, role: &str) -> bool {
        self.roles().iter().any(|granted| granted == role)
    }

    /// Whether the token has any one of `roles`; `true` when none is asked for.
    ///
    /// ```
    /// # fn check(token: &ordercloud_middleware::VerifiedToken) {
    /// if !token.has_any_role(&["OrderAdmin", "OrderReader"]) {
    ///     // answer 403
    /// }
    /// # }
    /// ```
    pub fn has_any_role(&self, roles: &[&str]) -> bool {
        roles.is_empty() || roles.iter().any(|role| self.has_role(role))
    }

    /// The order of an anonymous shopper (the `orderid` claim); `None` for a signed-in user.
    pub fn anonymous_order_id(&self) -> Option<&str> {
        self.claims.orderid.as_deref()
    }

    /// Whether the holder is an anonymous shopper.
    pub fn is_anonymous(&self) -> bool {
        self.claims.orderid.is_some()
    }

    /// When the token expires (the `exp` claim).
    pub fn expires_at(&self) -> SystemTime {
        let seconds = self.claims.exp.and_then(|exp| u64::try_from(exp).ok()).unwrap_or(0);
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    /// The ID of the key that signed it (the header's `kid`); `None` for a token verified by
    /// asking OrderCloud.
    pub fn key_id(&self) -> Option<&str> {
        self.key_id.as_deref()
    }

    /// Every claim, others (`iss`, `aud`, `u`, `imp`...) included.
    pub fn claims(&self) -> &TokenClaims {
        &self.claims
    }

    /// The token itself, to call OrderCloud on its holder's behalf (a secret: keep it out
    /// of logs).
    pub fn access_token(&self) -> &str {
        &self.token
    }
}

impl fmt::Debug for VerifiedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedToken")
            .field("username", &self.username())
            .field("client_id", &self.client_id())
            .field("user_type", &self.user_type())
            .field("roles", &self.claims.role)
            .field("key_id", &self.key_id)
            .field("access_token", &REDACTED)
            .finish_non_exhaustive()
    }
}
