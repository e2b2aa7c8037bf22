//! Serde types of the Sitecore OrderCloud API, starting with the forgotten-credentials flow.
//!
//! This crate holds data only: it depends on `serde` and `serde_json` and nothing else, so a
//! crate that needs the types (a message-sender webhook, a test double) stays light.
//!
//! - Request bodies: [`PasswordResetRequest`], [`PasswordReset`], [`OneTimePasswordRequest`],
//!   [`TokenPasswordReset`].
//! - The error body every OrderCloud endpoint answers with: [`ErrorResponse`] holding
//!   [`ApiError`]s, whose codes are the open set [`ErrorCode`], and the
//!   [`PasswordRequirements`] an `InsecurePassword` error carries.
//! - What a message sender receives: [`MessageSenderPayload`] with the event bodies
//!   [`ForgottenPasswordEventBody`], [`ForgottenUsernameEventBody`],
//!   [`OneTimePasswordEventBody`] and the recipient [`User`].
//!
//! Every field carries its exact OrderCloud JSON name (`ClientID`, `URL`); unset optional
//! fields are left out of the JSON; unknown fields are accepted; open sets keep values this
//! version does not know. Passwords, tokens and verification codes print as
//! `** redacted **` in `Debug`, and no type here implements `Display` over them.
//!
//! ```
//! use ordercloud_models::PasswordResetRequest;
//!
//! let request = PasswordResetRequest::new("my-client-id")
//!     .with_email("jdoe@example.com")
//!     .with_url("https://shop.example.com/reset");
//! assert_eq!(
//!     serde_json::to_string(&request)?,
//!     r#"{"ClientID":"my-client-id","Email":"jdoe@example.com","URL":"https://shop.example.com/reset"}"#
//! );
//! # Ok::<(), serde_json::Error>(())
//! ```

#[macro_use]
mod open_enum;
mod credentials;
mod error;
mod message;
mod policy;
mod redact;

pub use credentials::{OneTimePasswordRequest, PasswordReset, PasswordResetRequest, TokenPasswordReset};
pub use error::{ApiError, ErrorCode, ErrorResponse};
pub use message::{
    Environment, ForgottenPasswordEventBody, ForgottenUsernameEventBody, MessageSenderPayload, MessageType,
    OneTimePasswordEventBody, User,
};
pub use policy::PasswordRequirements;
pub use redact::REDACTED;
