//! Serde types of the Sitecore OrderCloud API.
//!
//! This crate holds data only: it depends on `serde` and `serde_json` (and, with `verify`,
//! on the hashing a message sender's signature needs), so a crate that needs the types (a
//! message-sender webhook, a test double) stays light.
//!
//! - Request bodies: [`PasswordResetRequest`], [`PasswordReset`], [`OneTimePasswordRequest`],
//!   [`TokenPasswordReset`].
//! - The error body every OrderCloud endpoint answers with: [`ErrorResponse`] holding
//!   [`ApiError`]s, whose codes are the open set [`ErrorCode`], and the
//!   [`PasswordRequirements`] an `InsecurePassword` error carries.
//! - What a message sender receives: [`MessageSenderPayload`] with the event bodies
//!   [`ForgottenPasswordEventBody`], [`ForgottenUsernameEventBody`],
//!   [`OneTimePasswordEventBody`] and the [`MessageRecipient`].
//! - What every list endpoint shares: [`ListPage`] with its [`ListMeta`], and the
//!   [`ListOptions`] a list call takes.
//! - What every model shares: [`Decimal`] (made from literals with [`decimal!`]),
//!   [`OtherFields`], [`Xp`] and [`Patch`].
//!
//! The modules follow the API's areas: [`common`] (errors, lists, environments, open enums,
//! redaction), [`forgotten_credentials`] and [`message_sender`]; everything is also
//! re-exported here. A crate for another area declares its open sets with [`open_enum!`].
//!
//! Every field carries its exact OrderCloud JSON name (`ClientID`, `URL`); unset optional
//! fields are left out of the JSON; open sets keep values this version does not know. The
//! generated models keep the fields they have no member for in [`OtherFields`] and write
//! them back, so a GET then a PUT loses nothing; their money and other decimals are
//! [`Decimal`], exact to the digit. Passwords, tokens, secrets and verification codes print
//! as `** redacted **` in `Debug`, and no type here implements `Display` over them.
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
//!
//! ## Features
//!
//! - `resources`: the models of every resource of OrderCloud's API description
//!   (the module `resources`), generated; the API crates turn it on.
//! - `verify`: `message_sender::receive_message`, which checks a message sender's
//!   `x-oc-hash` (HMAC-SHA256, constant time) and parses the call in one step.

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod common;
pub mod forgotten_credentials;
pub mod message_sender;
#[cfg(feature = "resources")]
#[cfg_attr(docsrs, doc(cfg(feature = "resources")))]
pub mod resources;

pub use common::{
    ApiError, Decimal, DecimalError, Environment, ErrorCode, ErrorResponse, Filter, FilterError, FilterValue,
    ListFacet, ListFacetValue, ListFields, ListMeta, ListOptions, ListPage, ListPageWithFacets, MetaWithFacets,
    OtherFields, Patch, REDACTED, RawJson, SortBy, Xp, skip_read_only, to_request_body,
};
pub use forgotten_credentials::{
    OneTimePasswordRequest, PasswordRequirements, PasswordReset, PasswordResetRequest, TokenPasswordReset,
};
pub use message_sender::{
    ForgottenPasswordEventBody, ForgottenUsernameEventBody, MessageRecipient, MessageSenderPayload, MessageType,
    OneTimePasswordEventBody,
};

/// What [`open_enum!`] and [`xp!`] expand to refer to; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json::json;
}
