//! The error body OrderCloud answers with, and its error codes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The body of an OrderCloud error response: `{"Errors":[...]}`.
///
/// A missing or `null` `Errors` list reads as empty; unknown fields are ignored.
///
/// ```
/// use ordercloud_models::{ErrorCode, ErrorResponse};
///
/// let body: ErrorResponse = serde_json::from_str(
///     r#"{"Errors":[{"ErrorCode":"PasswordReset.InvalidVerification","Message":"Invalid code","Data":null}]}"#,
/// )?;
/// assert_eq!(body.errors[0].error_code, ErrorCode::PasswordResetInvalidVerification);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorResponse {
    /// The errors, most relevant first.
    #[serde(rename = "Errors", default, deserialize_with = "null_as_default")]
    pub errors: Vec<ApiError>,
}

impl ErrorResponse {
    /// A body holding `errors`.
    pub fn new(errors: Vec<ApiError>) -> Self {
        Self { errors }
    }
}

/// One entry of an OrderCloud error body.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiError {
    /// What went wrong, as a stable code to program against.
    #[serde(rename = "ErrorCode", default = "unknown_code", deserialize_with = "null_as_unknown_code")]
    pub error_code: ErrorCode,
    /// A human-readable explanation.
    #[serde(rename = "Message", default, deserialize_with = "null_as_default")]
    pub message: String,
    /// Details whose shape depends on the code (for `PasswordReset.InsecurePassword`, the
    /// password requirements); `Null` when there are none.
    #[serde(rename = "Data", default)]
    pub data: Value,
}

impl ApiError {
    /// An error with `code` and `message` and no data.
    pub fn new(code: impl Into<ErrorCode>, message: impl Into<String>) -> Self {
        Self { error_code: code.into(), message: message.into(), data: Value::Null }
    }

    /// Attaches `data`.
    #[must_use]
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = data;
        self
    }
}

impl Default for ErrorCode {
    fn default() -> Self {
        unknown_code()
    }
}

fn unknown_code() -> ErrorCode {
    ErrorCode::Other(String::new())
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

fn null_as_unknown_code<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<ErrorCode, D::Error> {
    Ok(Option::<ErrorCode>::deserialize(deserializer)?.unwrap_or_else(unknown_code))
}

crate::open_enum! {
    /// An OrderCloud `ErrorCode`: the codes of the forgotten-credentials flow, the token
    /// endpoint (OrderCloud's `Auth.*` and OAuth2's `invalid_grant`...) and the general ones
    /// they can meet, by name; any other code is kept in `Other`.
    ///
    /// ```
    /// use ordercloud_models::ErrorCode;
    ///
    /// assert_eq!(ErrorCode::from("PasswordReset.LockedOut"), ErrorCode::PasswordResetLockedOut);
    /// assert_eq!(ErrorCode::from("Some.NewCode").as_str(), "Some.NewCode");
    /// ```
    pub enum ErrorCode {
        /// `PasswordReset.CannotReusePassword`: the new password was used recently.
        PasswordResetCannotReusePassword = "PasswordReset.CannotReusePassword",
        /// `PasswordReset.InsecurePassword`: the password does not meet the policy; `Data`
        /// lists the requirements.
        PasswordResetInsecurePassword = "PasswordReset.InsecurePassword",
        /// `PasswordReset.InvalidVerification`: the code is wrong or expired, or the
        /// username does not match.
        PasswordResetInvalidVerification = "PasswordReset.InvalidVerification",
        /// `PasswordReset.LockedOut`: too many failed attempts; try again later.
        PasswordResetLockedOut = "PasswordReset.LockedOut",
        /// `PasswordReset.MissingOrInvalidClientID`: the ClientID is missing or unknown.
        PasswordResetMissingOrInvalidClientId = "PasswordReset.MissingOrInvalidClientID",
        /// `PasswordReset.MissingUsername`: the reset names no user.
        PasswordResetMissingUsername = "PasswordReset.MissingUsername",
        /// `PasswordReset.MissingUsernameOrEmail`: the request has neither.
        PasswordResetMissingUsernameOrEmail = "PasswordReset.MissingUsernameOrEmail",
        /// `PasswordReset.TooSoonToChange`: the password was changed too recently.
        PasswordResetTooSoonToChange = "PasswordReset.TooSoonToChange",
        /// `OneTimePasswordRequest.UsernameOrEmailRequired`: the request has neither.
        OneTimePasswordUsernameOrEmailRequired = "OneTimePasswordRequest.UsernameOrEmailRequired",
        /// `NotFound`: no such route or object.
        NotFound = "NotFound",
        /// `ValidationFailure`: the request failed validation.
        ValidationFailure = "ValidationFailure",
        /// `ServerError`: the service failed.
        ServerError = "ServerError",
        /// `Request.InvalidRequestBody`: the body is not the JSON the endpoint takes.
        InvalidRequestBody = "Request.InvalidRequestBody",
        /// `Auth.InvalidUsernameOrPassword`: the credentials were refused.
        AuthInvalidUsernameOrPassword = "Auth.InvalidUsernameOrPassword",
        /// `Auth.InsufficientRoles`: the token lacks a role the endpoint needs.
        AuthInsufficientRoles = "Auth.InsufficientRoles",
        /// `InvalidToken`: the access token is missing, malformed or expired.
        InvalidToken = "InvalidToken",
        /// `Auth.IncorrectPassword`: the password is wrong.
        AuthIncorrectPassword = "Auth.IncorrectPassword",
        /// `Auth.UserNotFound`: no such user for this API client.
        AuthUserNotFound = "Auth.UserNotFound",
        /// `Auth.UserNotActive`: the user may not sign in.
        AuthUserNotActive = "Auth.UserNotActive",
        /// `Auth.CompanyNotActive`: the user's company is not active.
        AuthCompanyNotActive = "Auth.CompanyNotActive",
        /// `Auth.SellerNotActive`: the marketplace owner is not active.
        AuthSellerNotActive = "Auth.SellerNotActive",
        /// OAuth2 `invalid_grant`: the credentials or refresh token were refused.
        OAuthInvalidGrant = "invalid_grant",
        /// OAuth2 `invalid_client`: the client ID or secret was refused.
        OAuthInvalidClient = "invalid_client",
        /// OAuth2 `invalid_request`: a required field is missing or malformed.
        OAuthInvalidRequest = "invalid_request",
        /// OAuth2 `unauthorized_client`: the client may not use this grant.
        OAuthUnauthorizedClient = "unauthorized_client",
        /// OAuth2 `unsupported_grant_type`: the grant type is not supported.
        OAuthUnsupportedGrantType = "unsupported_grant_type",
        /// OAuth2 `invalid_scope`: a requested role is not allowed.
        OAuthInvalidScope = "invalid_scope",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_the_documented_shape() {
        let text = r#"{"Errors":[{"ErrorCode":"PasswordReset.InsecurePassword","Message":"Password does not meet requirements","Data":{"MinimumCharacterCount":10,"UpperCaseRequired":true}}]}"#;
        let body: ErrorResponse = serde_json::from_str(text).unwrap();
        assert_eq!(body.errors.len(), 1);
        let error = &body.errors[0];
        assert_eq!(error.error_code, ErrorCode::PasswordResetInsecurePassword);
        assert_eq!(error.message, "Password does not meet requirements");
        assert_eq!(error.data, json!({"MinimumCharacterCount":10,"UpperCaseRequired":true}));
        assert_eq!(serde_json::to_string(&body).unwrap(), text);
    }

    #[test]
    fn tolerates_nulls_missing_fields_and_extras() {
        let body: ErrorResponse = serde_json::from_str(
            r#"{"Errors":[{"ErrorCode":null,"Message":null},{"ErrorCode":"NotFound","Extra":1}],"More":true}"#,
        )
        .unwrap();
        assert_eq!(body.errors[0].error_code.as_str(), "");
        assert_eq!(body.errors[0].message, "");
        assert_eq!(body.errors[0].data, Value::Null);
        assert_eq!(body.errors[1].error_code, ErrorCode::NotFound);
        let empty: ErrorResponse = serde_json::from_str(r#"{"Errors":null}"#).unwrap();
        assert!(empty.errors.is_empty());
        let empty: ErrorResponse = serde_json::from_str("{}").unwrap();
        assert!(empty.errors.is_empty());
    }

    #[test]
    fn error_codes_round_trip_and_keep_unknown_values() {
        for text in
            ["PasswordReset.MissingOrInvalidClientID", "OneTimePasswordRequest.UsernameOrEmailRequired", "Brand.New"]
        {
            let code = ErrorCode::from(text);
            assert_eq!(code.as_str(), text);
            assert_eq!(code.is_known(), text != "Brand.New");
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<ErrorCode>(&format!("\"{text}\"")).unwrap(), code);
        }
        assert_eq!(ErrorCode::from(String::from("NotFound")), ErrorCode::NotFound);
        assert!(ErrorCode::PasswordResetLockedOut == "PasswordReset.LockedOut");
    }
}
