//! Request bodies of the forgotten-credentials endpoints.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::common::redact::Redacted;

/// Asks OrderCloud to email a password-reset verification code
/// (`POST /v1/password/reset`).
///
/// OrderCloud needs the `Username` or the `Email` of the user; `URL` is the base of the link
/// in the email (it reaches the message sender as `PasswordRenewalUrl`).
///
/// ```
/// use ordercloud_models::PasswordResetRequest;
///
/// let request = PasswordResetRequest::new("my-client-id").with_username("jdoe");
/// assert_eq!(request.username.as_deref(), Some("jdoe"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PasswordResetRequest {
    /// The API client (application) the user signs in through.
    #[serde(rename = "ClientID", default)]
    pub client_id: String,
    /// The user's email address.
    #[serde(rename = "Email", default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The user's username.
    #[serde(rename = "Username", default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The base URL of the reset link placed in the email.
    #[serde(rename = "URL", default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl PasswordResetRequest {
    /// A request for the user of `client_id`; add the email or username.
    pub fn new(client_id: impl Into<String>) -> Self {
        Self { client_id: client_id.into(), ..Self::default() }
    }

    /// Names the user by email address.
    #[must_use]
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Names the user by username.
    #[must_use]
    pub fn with_username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// Sets the base URL of the reset link in the email.
    #[must_use]
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }
}

/// Sets a new password with an emailed verification code
/// (`PUT /v1/password/reset/{verificationCode}`).
///
/// `Debug` never shows the password:
///
/// ```
/// use ordercloud_models::PasswordReset;
///
/// let reset = PasswordReset::new("my-client-id", "jdoe", "N3w-Secret-pass");
/// assert!(!format!("{reset:?}").contains("N3w-Secret-pass"));
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PasswordReset {
    /// The API client (application) the user signs in through.
    #[serde(rename = "ClientID", default)]
    pub client_id: String,
    /// The user's username.
    #[serde(rename = "Username", default)]
    pub username: String,
    /// The new password.
    #[serde(rename = "Password", default)]
    pub password: String,
}

impl PasswordReset {
    /// A reset of `username`'s password to `password`.
    pub fn new(client_id: impl Into<String>, username: impl Into<String>, password: impl Into<String>) -> Self {
        Self { client_id: client_id.into(), username: username.into(), password: password.into() }
    }
}

impl fmt::Debug for PasswordReset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordReset")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("password", &Redacted)
            .finish()
    }
}

/// Asks OrderCloud to send a one-time password (`POST /v1/password/onetimepassword`).
///
/// ```
/// use ordercloud_models::OneTimePasswordRequest;
///
/// let request = OneTimePasswordRequest::new("my-client-id").with_email("jdoe@example.com");
/// assert_eq!(request.email.as_deref(), Some("jdoe@example.com"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OneTimePasswordRequest {
    /// The API client (application) the user signs in through.
    #[serde(rename = "ClientID", default)]
    pub client_id: String,
    /// The user's username.
    #[serde(rename = "Username", default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The user's email address.
    #[serde(rename = "Email", default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl OneTimePasswordRequest {
    /// A request for the user of `client_id`; add the username or email.
    pub fn new(client_id: impl Into<String>) -> Self {
        Self { client_id: client_id.into(), ..Self::default() }
    }

    /// Names the user by username.
    #[must_use]
    pub fn with_username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// Names the user by email address.
    #[must_use]
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }
}

/// Sets a new password with the `PasswordRenewalAccessToken` from the reset email
/// (`POST /v1/me/password`).
///
/// ```
/// use ordercloud_models::TokenPasswordReset;
///
/// let reset = TokenPasswordReset::new("N3w-Secret-pass");
/// assert_eq!(serde_json::to_string(&reset)?, r#"{"NewPassword":"N3w-Secret-pass"}"#);
/// assert!(!format!("{reset:?}").contains("N3w-Secret-pass"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenPasswordReset {
    /// The new password.
    #[serde(rename = "NewPassword", default)]
    pub new_password: String,
}

impl TokenPasswordReset {
    /// A reset to `new_password`.
    pub fn new(new_password: impl Into<String>) -> Self {
        Self { new_password: new_password.into() }
    }
}

impl fmt::Debug for TokenPasswordReset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenPasswordReset").field("new_password", &Redacted).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The bodies the official JS SDK sends for the same inputs (reference/peers.md).
    const JS_SEND_CODE: &str = r#"{"ClientID":"my-client-id","Email":"jdoe@example.com","Username":"jdoe","URL":"https://shop.example.com/reset"}"#;
    const JS_RESET: &str = r#"{"ClientID":"my-client-id","Username":"jdoe","Password":"S3cret!pass"}"#;

    #[test]
    fn send_code_body_matches_the_js_sdk_byte_for_byte() {
        let request = PasswordResetRequest::new("my-client-id")
            .with_email("jdoe@example.com")
            .with_username("jdoe")
            .with_url("https://shop.example.com/reset");
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(json, JS_SEND_CODE);
        assert_eq!(json.len(), 111);
        assert_eq!(serde_json::from_str::<PasswordResetRequest>(&json).unwrap(), request);
    }

    #[test]
    fn reset_body_matches_the_js_sdk_byte_for_byte() {
        let reset = PasswordReset::new("my-client-id", "jdoe", "S3cret!pass");
        let json = serde_json::to_string(&reset).unwrap();
        assert_eq!(json, JS_RESET);
        assert_eq!(json.len(), 70);
        assert_eq!(serde_json::from_str::<PasswordReset>(&json).unwrap(), reset);
    }

    #[test]
    fn unset_fields_are_omitted_not_null() {
        let json = serde_json::to_string(&PasswordResetRequest::new("c").with_username("u")).unwrap();
        assert_eq!(json, r#"{"ClientID":"c","Username":"u"}"#);
        let json = serde_json::to_string(&OneTimePasswordRequest::new("c")).unwrap();
        assert_eq!(json, r#"{"ClientID":"c"}"#);
    }

    #[test]
    fn non_ascii_is_sent_as_raw_utf8() {
        let json = serde_json::to_string(&PasswordReset::new("c", "jürgen", "Pässwörd</&>1")).unwrap();
        assert_eq!(json, r#"{"ClientID":"c","Username":"jürgen","Password":"Pässwörd</&>1"}"#);
    }

    #[test]
    fn unknown_and_null_fields_are_accepted() {
        let parsed: PasswordResetRequest =
            serde_json::from_str(r#"{"ClientID":"c","Email":null,"Username":"u","Extra":{"a":1},"URL":null}"#).unwrap();
        assert_eq!(parsed, PasswordResetRequest::new("c").with_username("u"));
        let parsed: OneTimePasswordRequest =
            serde_json::from_str(r#"{"ClientID":"c","Email":"e","New":true}"#).unwrap();
        assert_eq!(parsed, OneTimePasswordRequest::new("c").with_email("e"));
    }

    #[test]
    fn debug_redacts_passwords_but_shows_the_rest() {
        let reset = PasswordReset::new("my-client-id", "jdoe", "S3cret!pass");
        let debug = format!("{reset:?} {reset:#?}");
        assert!(!debug.contains("S3cret!pass"), "{debug}");
        assert!(debug.contains("jdoe") && debug.contains("** redacted **"), "{debug}");
        let token = TokenPasswordReset::new("S3cret!pass");
        assert_eq!(format!("{token:?}"), "TokenPasswordReset { new_password: ** redacted ** }");
    }
}
