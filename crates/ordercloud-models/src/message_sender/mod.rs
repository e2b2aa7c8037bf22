//! Message-sender payloads: what OrderCloud POSTs to a marketplace's message sender, with
//! the event bodies of the forgotten-credentials flow and the recipient.
//!
//! With the `verify` feature, [`receive_message`] checks a call's `x-oc-hash` and parses it
//! in one step, for a receiver that never calls OrderCloud itself.

use std::fmt;

use crate::common::{RawJson, Xp};
use serde::{Deserialize, Serialize};

#[cfg(feature = "verify")]
mod receive;
#[cfg(feature = "verify")]
mod signature;

#[cfg(feature = "verify")]
pub use receive::{OC_HASH_HEADER, ReceiveError, SenderMessage, receive_message};
#[cfg(feature = "verify")]
pub use signature::{compute_oc_hash, verify_oc_hash};

use crate::common::Environment;
use crate::common::redact::RedactedOption;

/// The JSON OrderCloud POSTs to a message sender's URL.
///
/// `E` is the event body (for example [`ForgottenPasswordEventBody`]) and `C` the sender's
/// free-form `ConfigData`; both default to raw JSON, so any message type parses. Every field
/// is optional, as in OrderCloud's own typings.
///
/// ```
/// use ordercloud_models::{ForgottenPasswordEventBody, MessageSenderPayload, MessageType};
///
/// let payload: MessageSenderPayload<ForgottenPasswordEventBody> = serde_json::from_str(
///     r#"{"MessageType":"ForgottenPassword","EventBody":{"Username":"jdoe","PasswordRenewalVerificationCode":"123"}}"#,
/// )?;
/// assert_eq!(payload.message_type, Some(MessageType::ForgottenPassword));
/// let body = payload.event_body.as_ref().unwrap();
/// assert_eq!(body.password_renewal_verification_code.as_deref(), Some("123"));
/// assert!(!format!("{payload:?}").contains("\"123\""));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageSenderPayload<E = RawJson, C = RawJson> {
    /// The OrderCloud log ID of the call that caused the message.
    #[serde(rename = "OcLogIdHeader", default, skip_serializing_if = "Option::is_none")]
    pub oc_log_id_header: Option<String>,
    /// The OrderCloud environment that sent it.
    #[serde(rename = "Environment", default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    /// The buyer organization of the recipient.
    #[serde(rename = "BuyerID", default, skip_serializing_if = "Option::is_none")]
    pub buyer_id: Option<String>,
    /// An access token for the recipient (a secret: redacted in `Debug`).
    #[serde(rename = "UserToken", default, skip_serializing_if = "Option::is_none")]
    pub user_token: Option<String>,
    /// The user the message is for.
    #[serde(rename = "Recipient", default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<MessageRecipient>,
    /// Who else receives a copy, as sent.
    #[serde(rename = "CCList", default, skip_serializing_if = "Option::is_none")]
    pub cc_list: Option<RawJson>,
    /// What happened: its shape depends on [`message_type`](Self::message_type).
    #[serde(rename = "EventBody", default, skip_serializing_if = "Option::is_none")]
    pub event_body: Option<E>,
    /// The kind of message.
    #[serde(rename = "MessageType", default, skip_serializing_if = "Option::is_none")]
    pub message_type: Option<MessageType>,
    /// The message sender's own configuration (its `xp`).
    #[serde(rename = "ConfigData", default, skip_serializing_if = "Option::is_none")]
    pub config_data: Option<C>,
}

impl<E: fmt::Debug + 'static, C: fmt::Debug + 'static> fmt::Debug for MessageSenderPayload<E, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageSenderPayload")
            .field("oc_log_id_header", &self.oc_log_id_header)
            .field("environment", &self.environment)
            .field("buyer_id", &self.buyer_id)
            .field("user_token", &RedactedOption(self.user_token.is_some()))
            .field("recipient", &self.recipient)
            .field("cc_list", &self.cc_list)
            .field("event_body", &Shown(&self.event_body))
            .field("message_type", &self.message_type)
            .field("config_data", &Shown(&self.config_data))
            .finish()
    }
}

/// How `Debug` shows a payload's event body or configuration: a typed one as itself (the
/// typed bodies redact their own secrets); raw JSON, which may hold a verification code, a
/// token or a provider's key, by its size only.
struct Shown<'a, T>(&'a Option<T>);

impl<T: fmt::Debug + 'static> fmt::Debug for Shown<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_ref().map(|value| (value as &dyn std::any::Any).downcast_ref::<RawJson>()) {
            Some(Some(raw)) => write!(f, "Some(RawJson(** {} bytes, redacted **))", raw.as_json().len()),
            _ => self.0.fmt(f),
        }
    }
}

/// The `EventBody` of a `ForgottenPassword` message: what the reset email needs.
///
/// A typical link: `{PasswordRenewalUrl}?user={Username}&code={PasswordRenewalVerificationCode}`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ForgottenPasswordEventBody {
    /// The user whose password is being reset.
    #[serde(rename = "Username", default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The `URL` given when the code was requested.
    #[serde(rename = "PasswordRenewalUrl", default, skip_serializing_if = "Option::is_none")]
    pub password_renewal_url: Option<String>,
    /// The verification code (a secret: redacted in `Debug`).
    #[serde(rename = "PasswordRenewalVerificationCode", default, skip_serializing_if = "Option::is_none")]
    pub password_renewal_verification_code: Option<String>,
    /// A token carrying only the `PasswordReset` role, for `POST /v1/me/password` (a secret:
    /// redacted in `Debug`).
    #[serde(rename = "PasswordRenewalAccessToken", default, skip_serializing_if = "Option::is_none")]
    pub password_renewal_access_token: Option<String>,
}

impl fmt::Debug for ForgottenPasswordEventBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForgottenPasswordEventBody")
            .field("username", &self.username)
            .field("password_renewal_url", &self.password_renewal_url)
            .field(
                "password_renewal_verification_code",
                &RedactedOption(self.password_renewal_verification_code.is_some()),
            )
            .field("password_renewal_access_token", &RedactedOption(self.password_renewal_access_token.is_some()))
            .finish()
    }
}

/// The `EventBody` of a `ForgottenUsername` message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ForgottenUsernameEventBody {
    /// The username being reminded.
    #[serde(rename = "Username", default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// The `EventBody` of a `OneTimePassword` message.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OneTimePasswordEventBody {
    /// The user the password is for.
    #[serde(rename = "Username", default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The API client the password signs in through.
    #[serde(rename = "ClientID", default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The one-time password (a secret: redacted in `Debug`).
    #[serde(rename = "OneTimePassword", default, skip_serializing_if = "Option::is_none")]
    pub one_time_password: Option<String>,
}

impl fmt::Debug for OneTimePasswordEventBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OneTimePasswordEventBody")
            .field("username", &self.username)
            .field("client_id", &self.client_id)
            .field("one_time_password", &RedactedOption(self.one_time_password.is_some()))
            .finish()
    }
}

/// The recipient of a message: the OrderCloud user it is for. (Named for its role here, so
/// it does not clash with the Users API's `User`.)
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageRecipient {
    /// The user's ID.
    #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The ID of the user's company (buyer, supplier or marketplace owner).
    #[serde(rename = "CompanyID", default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<String>,
    /// The username.
    #[serde(rename = "Username", default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The first name.
    #[serde(rename = "FirstName", default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// The last name.
    #[serde(rename = "LastName", default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// The email address.
    #[serde(rename = "Email", default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The phone number.
    #[serde(rename = "Phone", default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// When the user accepted the terms (an ISO 8601 date-time).
    #[serde(rename = "TermsAccepted", default, skip_serializing_if = "Option::is_none")]
    pub terms_accepted: Option<String>,
    /// Whether the user can sign in.
    #[serde(rename = "Active", default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The marketplace's free-form extended properties.
    #[serde(rename = "xp", default, skip_serializing_if = "Option::is_none")]
    pub xp: Option<Xp>,
    /// The roles the user can be granted.
    #[serde(rename = "AvailableRoles", default, skip_serializing_if = "Option::is_none")]
    pub available_roles: Option<Vec<String>>,
    /// The user's locale, as sent.
    #[serde(rename = "Locale", default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<RawJson>,
    /// When the user was created (ISO 8601).
    #[serde(rename = "DateCreated", default, skip_serializing_if = "Option::is_none")]
    pub date_created: Option<String>,
    /// When the user was last active (ISO 8601).
    #[serde(rename = "LastActive", default, skip_serializing_if = "Option::is_none")]
    pub last_active: Option<String>,
    /// When the password was last set (ISO 8601).
    #[serde(rename = "PasswordLastSetDate", default, skip_serializing_if = "Option::is_none")]
    pub password_last_set_date: Option<String>,
    /// Failed sign-in attempts since the last success.
    #[serde(rename = "FailedLoginAttempts", default, skip_serializing_if = "Option::is_none")]
    pub failed_login_attempts: Option<i64>,
}

crate::open_enum! {
    /// The kind of a message-sender message: the forgotten-credentials kinds, and the order,
    /// return and invitation kinds of OrderCloud's API description. An open set: a kind this
    /// version does not know arrives in `Other` with its exact text.
    pub enum MessageType {
        /// A password-reset email with a verification code.
        ForgottenPassword = "ForgottenPassword",
        /// A username reminder.
        ForgottenUsername = "ForgottenUsername",
        /// A one-time password.
        OneTimePassword = "OneTimePassword",
        /// A new user's invitation to set a password.
        NewUserInvitation = "NewUserInvitation",
        /// `OrderDeclined`: order declined.
        OrderDeclined = "OrderDeclined",
        /// `OrderSubmitted`: order submitted.
        OrderSubmitted = "OrderSubmitted",
        /// `ShipmentCreated`: shipment created.
        ShipmentCreated = "ShipmentCreated",
        /// `OrderSubmittedForYourApproval`: order submitted for your approval.
        OrderSubmittedForYourApproval = "OrderSubmittedForYourApproval",
        /// `OrderSubmittedForApproval`: order submitted for approval.
        OrderSubmittedForApproval = "OrderSubmittedForApproval",
        /// `OrderApproved`: order approved.
        OrderApproved = "OrderApproved",
        /// `OrderSubmittedForYourApprovalHasBeenApproved`: order submitted for your approval has been approved.
        OrderSubmittedForYourApprovalHasBeenApproved = "OrderSubmittedForYourApprovalHasBeenApproved",
        /// `OrderSubmittedForYourApprovalHasBeenDeclined`: order submitted for your approval has been declined.
        OrderSubmittedForYourApprovalHasBeenDeclined = "OrderSubmittedForYourApprovalHasBeenDeclined",
        /// `OrderReturnDeclined`: order return declined.
        OrderReturnDeclined = "OrderReturnDeclined",
        /// `OrderReturnSubmitted`: order return submitted.
        OrderReturnSubmitted = "OrderReturnSubmitted",
        /// `OrderReturnSubmittedForYourApproval`: order return submitted for your approval.
        OrderReturnSubmittedForYourApproval = "OrderReturnSubmittedForYourApproval",
        /// `OrderReturnSubmittedForApproval`: order return submitted for approval.
        OrderReturnSubmittedForApproval = "OrderReturnSubmittedForApproval",
        /// `OrderReturnApproved`: order return approved.
        OrderReturnApproved = "OrderReturnApproved",
        /// `OrderReturnSubmittedForYourApprovalHasBeenApproved`: order return submitted for your approval has been approved.
        OrderReturnSubmittedForYourApprovalHasBeenApproved = "OrderReturnSubmittedForYourApprovalHasBeenApproved",
        /// `OrderReturnSubmittedForYourApprovalHasBeenDeclined`: order return submitted for your approval has been declined.
        OrderReturnSubmittedForYourApprovalHasBeenDeclined = "OrderReturnSubmittedForYourApprovalHasBeenDeclined",
        /// `OrderReturnCompleted`: order return completed.
        OrderReturnCompleted = "OrderReturnCompleted",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn forgotten_password_json() -> serde_json::Value {
        json!({
            "OcLogIdHeader": "log-1",
            "Environment": "Sandbox",
            "BuyerID": "buyer-1",
            "UserToken": "user-token-secret",
            "Recipient": {
                "ID": "u1", "Username": "jdoe", "Email": "jdoe@example.com", "Active": true,
                "xp": {"Tier": "gold", "Tags": [1, 2]}, "FailedLoginAttempts": 0,
                "Locale": {"ID": "en-us"}, "SomethingNew": 1
            },
            "CCList": [],
            "EventBody": {
                "Username": "jdoe",
                "PasswordRenewalUrl": "https://shop.example.com/reset",
                "PasswordRenewalVerificationCode": "code-secret",
                "PasswordRenewalAccessToken": "access-token-secret"
            },
            "MessageType": "ForgottenPassword",
            "ConfigData": {"Template": "x"}
        })
    }

    #[test]
    fn forgotten_password_payload_parses_and_redacts() {
        let payload: MessageSenderPayload<ForgottenPasswordEventBody> =
            serde_json::from_value(forgotten_password_json()).unwrap();
        assert_eq!(payload.environment, Some(Environment::Sandbox));
        assert_eq!(payload.message_type, Some(MessageType::ForgottenPassword));
        let recipient = payload.recipient.as_ref().unwrap();
        assert_eq!(recipient.xp, Some(Xp::from(json!({"Tier": "gold", "Tags": [1, 2]}))));
        let body = payload.event_body.as_ref().unwrap();
        assert_eq!(body.password_renewal_verification_code.as_deref(), Some("code-secret"));
        let debug = format!("{payload:?} {payload:#?}");
        for secret in ["user-token-secret", "code-secret", "access-token-secret"] {
            assert!(!debug.contains(secret), "{secret} leaked: {debug}");
        }
        assert!(debug.contains("jdoe") && debug.contains("https://shop.example.com/reset"));
    }

    #[test]
    fn a_raw_event_body_or_configuration_is_not_shown_in_debug() {
        let payload: MessageSenderPayload = serde_json::from_value(forgotten_password_json()).unwrap();
        let debug = format!("{payload:?} {payload:#?}");
        for secret in ["user-token-secret", "code-secret", "access-token-secret"] {
            assert!(!debug.contains(secret), "{secret} leaked: {debug}");
        }
        assert!(debug.contains("jdoe") && debug.contains("bytes, redacted"), "{debug}");
    }

    #[test]
    fn any_message_type_parses_with_the_default_body() {
        let payload: MessageSenderPayload = serde_json::from_value(
            json!({"MessageType": "OrderTeleported", "Environment": "Moon", "EventBody": {"Order": {}}}),
        )
        .unwrap();
        assert_eq!(payload.message_type, Some(MessageType::Other("OrderTeleported".into())));
        assert_eq!(payload.environment.as_ref().map(Environment::as_str), Some("Moon"));
        assert_eq!(payload.event_body, Some(RawJson::from(json!({"Order": {}}))));
    }

    #[test]
    fn one_time_password_body_round_trips_and_redacts() {
        let text = r#"{"Username":"jdoe","ClientID":"c","OneTimePassword":"otp-secret"}"#;
        let body: OneTimePasswordEventBody = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&body).unwrap(), text);
        assert!(!format!("{body:?}").contains("otp-secret"));
        assert!(format!("{:?}", OneTimePasswordEventBody::default()).contains("one_time_password: None"));
        let body: ForgottenUsernameEventBody = serde_json::from_str(r#"{"Username":"jdoe"}"#).unwrap();
        assert_eq!(body.username.as_deref(), Some("jdoe"));
    }
}
