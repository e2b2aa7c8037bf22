//! OrderCloud middleware in Rust: the code OrderCloud calls, or trusts.
//!
//! - **Verified shoppers**: [`TokenVerifier`] checks an OrderCloud access token as an API
//!   beside the storefront must before it trusts one: the RS256 signature with OrderCloud's
//!   key for the token's `kid` (fetched once per key ID from `GET {host}/oauth/certs/{kid}`
//!   and kept), `exp` and `nbf` with a small leeway, the issuer and audience, and the API
//!   clients allowed. A token without `kid` is checked by asking OrderCloud
//!   (`GET /v1/me`). The answer, a [`VerifiedToken`], gives the username, the API client,
//!   the user type and the roles; a refusal, a [`VerifyError`], never holds the token.
//! - **Webhooks**: the [`WebhookPayload`] OrderCloud POSTs before or after an operation,
//!   typed over the bodies, and a pre-hook's [`PreHookResponse`].
//! - **Integration events**: the payloads and answers of every route OrderCloud calls
//!   ([`IntegrationEvent`]: `/shippingrates`, `/ordercalculate`, `/ordersubmit`,
//!   `/ordersubmitforapproval`, `/orderapproved`, `/calculateorderreturn`, `/addtocart`,
//!   `/createuser`, `/syncuser`), and an [`IntegrationEventHandler`] trait: implement the
//!   routes your events use, and [`answer_integration_event`] verifies, reads and answers a
//!   call.
//! - **Signatures**: every webhook and event call is signed with `X-oc-hash`, the base64
//!   HMAC-SHA256 of the raw body under the [`HashKey`] set in OrderCloud;
//!   [`HashKey::verify`] checks it in constant time, within a body size limit, before
//!   anything is read.
//!
//! Everything above is framework-free. With the `axum` feature, the module `axum` adds an
//! extractor for a verified user that answers `401`/`403` in OrderCloud's error shape, an
//! extractor for a signed body, and the routes of the integration events over a handler.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use ordercloud_middleware::{ApiClient, TokenVerifier};
//!
//! let client = ApiClient::builder().base_url("https://sandboxapi.ordercloud.io").build()?;
//! let verifier = TokenVerifier::new(client).allow_client_ids(["my-storefront-client-id"]);
//! # let bearer_token = "";
//! let shopper = verifier.verify(bearer_token).await?;
//! if shopper.has_any_role(&["Shopper"]) {
//!     println!("{} shops through {}", shopper.username(), shopper.client_id());
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The `ordercloud-simulator` crate is a local OrderCloud that signs its tokens the same
//! way, serves its key, and calls webhooks and integration events back: a middleware can
//! be tested end to end without a marketplace.
//!
//! ## Features
//!
//! - `hyper` (default): the HTTP stack the verifier fetches keys with, hyper and rustls
//!   with Mozilla's roots.
//! - `native-roots`: also trust the operating system's root certificates.
//! - `mock`: `MockTransport` (re-exported here), for tests without a network.
//! - `axum`: the extractors and routes of the module `axum`.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod cache;
mod error;
mod events;
mod jwk;
mod jwt;
mod redact;
mod signed;
mod verified;
mod verifier;
mod webhook;

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;

pub use error::VerifyError;
pub use events::{
    AddToCartPayload, AddToCartResponse, HandlerError, IntegrationEvent, IntegrationEventHandler,
    LineItemReturnCalculation, OpenIdConnectPayload, OpenIdConnectResponse, OpenIdConnectTokenResponse,
    OrderApprovedPayload, OrderCalculatePayload, OrderCheckoutPayload, OrderReturnCalculatePayload,
    OrderReturnCalculateResponse, OrderSubmitForApprovalPayload, OrderSubmitPayload, ShipEstimatePayload,
    answer_integration_event,
};
pub use jwt::MAX_TOKEN_BYTES;
pub use ordercloud_auth::TokenClaims;
pub use ordercloud_models as models;
#[cfg(feature = "mock")]
pub use ordercloud_transport::MockTransport;
pub use ordercloud_transport::{ApiClient, Error};
pub use signed::{DEFAULT_BODY_LIMIT, HashKey, OC_HASH_HEADER, SignedBodyError};
pub use verified::VerifiedToken;
pub use verifier::{
    CACHE_CAPACITY, DEFAULT_LEEWAY, KEY_LIFETIME, LOOKUPS_PER_SECOND, ME_LIFETIME, TokenVerifier, UNAVAILABLE_LIFETIME,
    UNKNOWN_KEY_LIFETIME,
};
pub use webhook::{PreHookResponse, WebhookMessage, WebhookPayload};
