//! OrderCloud's forgotten-credentials flow: a shopper who forgot a password asks for a
//! verification code by email, follows the link, and sets a new password.
//!
//! [`PasswordResetApi`] has one method per endpoint; each returns
//! `Result<(), `[`Error`]`>`. The forgotten-credentials endpoints need no access token and
//! never send one; [`PasswordResetApi::change_password`] changes a signed-in user's password
//! with the client's token (a session's client). Input that can never succeed (no ClientID, neither username
//! nor email, an empty verification code) is refused before anything is sent. Error codes
//! are typed ([`ErrorCode`]), and an `InsecurePassword` error carries the server's
//! [`PasswordRequirements`] ([`ErrorExt::password_requirements`]).
//!
//! For a backend that sends its own reset emails, [`verify_oc_hash`] checks that a
//! message-sender call comes from OrderCloud, and
//! [`receive_message`](ordercloud_models::message_sender::receive_message) verifies and
//! parses one in a single step (`ordercloud-models` with its `verify` feature, which a
//! receiver can use without this crate's HTTP client).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), ordercloud_password_reset::Error> {
//! use ordercloud_password_reset::models::{PasswordReset, PasswordResetRequest};
//! use ordercloud_password_reset::{ApiClient, ErrorCode, ErrorExt, PasswordResetApi};
//!
//! # let mock = ordercloud_transport::MockTransport::new();
//! # mock.push_status(204, "");
//! # mock.push_status(400, r#"{"Errors":[{"ErrorCode":"PasswordReset.InsecurePassword","Message":"Password does not meet the requirements","Data":{"MinimumCharacterCount":10,"UpperCaseRequired":true}}]}"#);
//! # let client = ApiClient::builder().transport(mock).build()?;
//! // In production: ApiClient::builder().base_url("https://sandboxapi.ordercloud.io").build()?
//! let api = PasswordResetApi::new(client);
//!
//! api.send_verification_code(
//!     &PasswordResetRequest::new("my-client-id")
//!         .with_email("jdoe@example.com")
//!         .with_url("https://shop.example.com/reset"),
//! )
//! .await?;
//!
//! let code = "the-code-from-the-email";
//! let error = api.reset_password(code, &PasswordReset::new("my-client-id", "jdoe", "weak")).await.unwrap_err();
//! assert_eq!(error.error_code(), Some(&ErrorCode::PasswordResetInsecurePassword));
//! let requirements = error.password_requirements().expect("the server's requirements");
//! assert_eq!(requirements.describe(), ["at least 10 characters", "an upper-case letter"]);
//! # Ok(())
//! # }
//! ```
//!
//! ## Features
//!
//! - `hyper` (default): the HTTP stack, hyper and rustls with Mozilla's roots.
//! - `native-roots`: also trust the operating system's root certificates.
//! - `mock`: `MockTransport` (re-exported here), for tests without a network.

mod api;
pub mod operations;
mod policy;

pub use api::PasswordResetApi;
pub use operations::OPERATIONS;
pub use ordercloud_models as models;
pub use ordercloud_models::message_sender::{compute_oc_hash, verify_oc_hash};
pub use ordercloud_models::{ErrorCode, PasswordRequirements};
pub use ordercloud_transport as transport;
#[cfg(feature = "mock")]
pub use ordercloud_transport::MockTransport;
pub use ordercloud_transport::{ApiClient, Error, ErrorCategory, Region, RetryPolicy};
pub use policy::{ErrorExt, meets_platform_default_policy};
