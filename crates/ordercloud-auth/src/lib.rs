//! OrderCloud's token endpoint, and sessions whose tokens renew themselves.
//!
//! - [`AuthApi::token`] asks `POST {host}/oauth/token` for a [`TokenRequest`]: a user's
//!   password (or a one-time password in its place), client credentials, an anonymous
//!   shopper, or a refresh token. It answers an [`AccessToken`], whose JWT
//!   [claims](AccessToken::claims) can be read.
//! - [`Session`] is a signed-in context: [`Session::client`] gives an
//!   [`ApiClient`] whose calls carry the session's token,
//!   fetched once however many calls wait, renewed before it expires, and renewed once after
//!   a `401 InvalidToken`. A service credential's session replays its grant
//!   ([`Session::new`]); a shopper's, made from a login ([`Session::from_login`]), keeps no
//!   password and renews with its refresh token only, until that is refused or it is
//!   [logged out](Session::log_out). A session can be saved ([`Session::snapshot`], a
//!   serializable [`SessionSnapshot`]) and [restored](Session::restore) in another process.
//!
//! Passwords, one-time passwords, client secrets, access tokens and refresh tokens never
//! appear in `Debug`, `Display`, errors or traces. The anonymous forgotten-credentials calls
//! of `ordercloud-password-reset` need none of this: a client without a session sends no
//! `Authorization` header at all.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), ordercloud_auth::Error> {
//! use ordercloud_auth::models::ErrorCode;
//! use ordercloud_auth::{ApiClient, AuthApi, Session, TokenRequest};
//!
//! # let mock = ordercloud_transport::MockTransport::new();
//! # mock.push_api_error(400, "Auth.InvalidUsernameOrPassword", "Invalid username or password");
//! # let client = ApiClient::builder().transport(mock).build()?;
//! // In production: ApiClient::builder().base_url("https://sandboxapi.ordercloud.io").build()?
//! let auth = AuthApi::new(client.clone());
//! let error = auth.token(&TokenRequest::password("my-client-id", "jdoe", "wrong-Passw0rd")).await.unwrap_err();
//! assert_eq!(error.error_code(), Some(&ErrorCode::AuthInvalidUsernameOrPassword));
//! assert!(!error.to_string().contains("wrong-Passw0rd"));
//!
//! // Signed-in calls: every call through `admin` carries the session's token.
//! let session = Session::new(client, TokenRequest::client_credentials("my-client-id", "the-secret"));
//! let admin: ApiClient = session.client();
//! # drop(admin);
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
mod grant;
mod session;
mod snapshot;
mod token;

pub use api::{AuthApi, OPERATIONS, TOKEN};
pub use grant::TokenRequest;
pub use ordercloud_models as models;
pub use ordercloud_transport as transport;
#[cfg(feature = "mock")]
pub use ordercloud_transport::MockTransport;
pub use ordercloud_transport::{ApiClient, Error, ErrorCategory, SessionEnd};
pub use session::{MAX_RENEWAL_RETRY, RENEW_BEFORE_EXPIRY, RENEWAL_RETRY, Session, SessionEvent};
pub use snapshot::SessionSnapshot;
pub use token::{AccessToken, TokenClaims};
