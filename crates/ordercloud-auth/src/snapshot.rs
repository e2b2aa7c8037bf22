//! `SessionSnapshot`: a session's tokens, expiry and claims, to store and restore.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ordercloud_models::REDACTED;
use serde::{Deserialize, Serialize};

use crate::token::TokenClaims;

/// A [`Session`](crate::Session)'s state, to keep in an application's session store and
/// [`restore`](crate::Session::restore) later (after a restart, or on another instance):
/// the access token, the refresh token, when the access token expires (Unix seconds, since
/// an `Instant` cannot be stored), the API client's ID, and the token's claims.
///
/// **It holds secrets**: the access token and the refresh token are bearer credentials,
/// each enough to act as the user. Store it where session data is kept safe (server side,
/// never in a cookie or the browser), encrypted at rest if the store is shared, and delete
/// it when the session ends. `Debug` shows neither token.
///
/// Serialized (serde), it is one object: `{"access_token", "refresh_token"?, "expires_at"?,
/// "client_id", "claims"?}`. Unknown fields are ignored, so a newer version's snapshot can
/// be read.
///
/// ```
/// use std::time::Duration;
/// use ordercloud_auth::{AccessToken, Session};
/// use ordercloud_transport::ApiClient;
///
/// # fn main() -> Result<(), ordercloud_transport::Error> {
/// // The payload of this JWT is {"usr":"jdoe","cid":"my-client-id"}.
/// let jwt = "e30.eyJ1c3IiOiJqZG9lIiwiY2lkIjoibXktY2xpZW50LWlkIn0.c2ln";
/// let token = AccessToken::new(jwt, Some(Duration::from_secs(600)), Some("r-1".to_owned()));
/// let session = Session::from_login(ApiClient::builder().build()?, "my-client-id", token)?;
/// let snapshot = session.snapshot();
/// assert_eq!(snapshot.claims().and_then(|claims| claims.usr.as_deref()), Some("jdoe"));
/// assert_eq!(snapshot.refresh_token(), Some("r-1"));
/// assert!(!format!("{snapshot:?}").contains("r-1"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Serialize, Deserialize)]
pub struct SessionSnapshot {
    access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<u64>,
    client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    claims: Option<TokenClaims>,
}

impl SessionSnapshot {
    pub(crate) fn new(
        access_token: String,
        refresh_token: Option<String>,
        expires_at: Option<u64>,
        client_id: String,
        claims: Option<TokenClaims>,
    ) -> Self {
        Self { access_token, refresh_token, expires_at, client_id, claims }
    }

    /// The access token, the session's bearer credential (empty for an ended session).
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The refresh token, if the session has one.
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// When the access token expires; `None` when its lifetime is unknown.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at.and_then(from_unix)
    }

    /// The API client's ID.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The access token's claims when the snapshot was taken (the username, roles...), for
    /// an application that reads its store without restoring the session. A restored
    /// session reads them from its token again.
    pub fn claims(&self) -> Option<&TokenClaims> {
        self.claims.as_ref()
    }

    /// `(access_token, refresh_token, expires_at, client_id)`.
    pub(crate) fn into_parts(self) -> (String, Option<String>, Option<u64>, String) {
        (self.access_token, self.refresh_token, self.expires_at, self.client_id)
    }
}

impl fmt::Debug for SessionSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionSnapshot")
            .field("access_token", &REDACTED)
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| REDACTED))
            .field("expires_at", &self.expires_at)
            .field("client_id", &self.client_id)
            .field("claims", &self.claims)
            .finish()
    }
}

/// `time` in whole Unix seconds, rounded down (a token counts as expired no later than it
/// is); `None` before 1970.
pub(crate) fn to_unix(time: SystemTime) -> Option<u64> {
    time.duration_since(UNIX_EPOCH).ok().map(|since| since.as_secs())
}

/// The time `seconds` after 1970; `None` when the clock cannot hold it.
pub(crate) fn from_unix(seconds: u64) -> Option<SystemTime> {
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_read_leniently_and_never_panic_on_their_expiry() {
        let snapshot: SessionSnapshot =
            serde_json::from_str(r#"{"access_token":"a","client_id":"c","expires_at":18446744073709551615,"new":1}"#)
                .unwrap();
        assert_eq!(snapshot.expires_at(), None, "beyond the clock is unknown, not a panic");
        assert_eq!(snapshot.refresh_token(), None);
        let json = serde_json::to_string(&snapshot).unwrap();
        assert!(!json.contains("refresh_token") && !json.contains("claims"), "{json}");
        assert!(serde_json::from_str::<SessionSnapshot>(r#"{"access_token":"a"}"#).is_err(), "client_id is required");
        assert_eq!(to_unix(UNIX_EPOCH + Duration::from_millis(1999)), Some(1));
        assert_eq!(from_unix(1), Some(UNIX_EPOCH + Duration::from_secs(1)));
    }
}
