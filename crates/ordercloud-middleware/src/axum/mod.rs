//! axum: an extractor for a verified user ([`Verified`]), one for a signed body
//! ([`Signed`]), and the routes of the integration events over a handler
//! ([`integration_event_routes`]). Refusals answer in OrderCloud's error shape,
//! `{"Errors":[{"ErrorCode","Message","Data"}]}` ([`Rejection`]).
//!
//! The extractors find what they need in the router's state through `FromRef`: a
//! [`TokenVerifier`] for [`Verified`], a [`HashKey`] for [`Signed`].
//!
//! ```
//! use axum::Router;
//! use axum::extract::FromRef;
//! use axum::routing::{get, post};
//! use ordercloud_middleware::axum::{ShopperRole, Signed, Verified, integration_event_routes};
//! use ordercloud_middleware::{
//!     ApiClient, HashKey, IntegrationEventHandler, PreHookResponse, TokenVerifier, WebhookPayload,
//! };
//!
//! #[derive(Clone)]
//! struct AppState {
//!     verifier: TokenVerifier,
//!     webhook_key: HashKey,
//! }
//!
//! impl FromRef<AppState> for TokenVerifier {
//!     fn from_ref(state: &AppState) -> Self {
//!         state.verifier.clone()
//!     }
//! }
//!
//! impl FromRef<AppState> for HashKey {
//!     fn from_ref(state: &AppState) -> Self {
//!         state.webhook_key.clone()
//!     }
//! }
//!
//! async fn my_orders(shopper: Verified<ShopperRole>) -> String {
//!     format!("hello {}", shopper.username())
//! }
//!
//! async fn order_submitted(Signed(payload): Signed<WebhookPayload>) -> PreHookResponse {
//!     println!("{:?} {:?}", payload.verb, payload.route);
//!     PreHookResponse::proceed()
//! }
//!
//! struct Checkout;
//! impl IntegrationEventHandler for Checkout {}
//!
//! # fn main() -> Result<(), ordercloud_middleware::Error> {
//! let client = ApiClient::builder().base_url("https://sandboxapi.ordercloud.io").build()?;
//! let state = AppState {
//!     verifier: TokenVerifier::new(client).allow_client_ids(["storefront-client-id"]),
//!     webhook_key: HashKey::new("the-webhooks-hash-key"),
//! };
//! let app: Router = Router::new()
//!     .route("/api/my-orders", get(my_orders))
//!     .route("/webhooks/order-submitted", post(order_submitted))
//!     .nest("/integrations", integration_event_routes(Checkout, HashKey::new("the-events-hash-key")))
//!     .with_state(state);
//! # drop(app);
//! # Ok(())
//! # }
//! ```

mod rejection;
mod routes;
mod signed;
mod verified;

pub use rejection::Rejection;
pub use routes::integration_event_routes;
pub use signed::Signed;
pub use verified::{AnyRole, RequiredRoles, ShopperRole, Verified};

#[cfg(doc)]
use crate::{HashKey, TokenVerifier};
