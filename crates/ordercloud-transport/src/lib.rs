//! The request runtime of the OrderCloud Rust SDK.
//!
//! - [`HttpTransport`]: one object-safe trait that sends a request and returns the response
//!   for every status. It never retries, adds auth or interprets a status.
//! - [`HyperTransport`] (feature `hyper`, default): hyper-util's pooled client over rustls
//!   with the ring provider, with a connect timeout and a response size limit.
//! - `MockTransport` (feature `mock`): scripted answers and recorded requests for tests.
//! - [`ApiClient`]: base URL and `/v1`, path encoding, JSON bodies, the bearer token (and
//!   no `Authorization` header without one), per-call token and timeout, the 30 s default
//!   timeout, the [`RetryPolicy`], a limit on calls in flight, the User-Agent (with the API
//!   crate's name), tracing, and turning non-2xx answers into [`Error`]. Its [`ApiRequest`]
//!   is how every OrderCloud crate builds its endpoints: path parameters, query,
//!   [list options](ApiRequest::list_options) with typed filters, JSON bodies without their
//!   read-only fields and with their required fields checked, form bodies, extra headers,
//!   routes outside `/v1`, and a typed body with its status and headers ([`ApiResponse`]).
//! - For each described [`Operation`]: a [`Call`] that answers its model (or nothing), and a
//!   [`ListCall`] whose [`Pages`] (of [`ListPage`](ordercloud_models::ListPage) or
//!   [`ListPageWithFacets`](ordercloud_models::ListPageWithFacets)) own themselves, end
//!   whatever the server does, and stream their items ([`PageItems`]).
//! - Moving data: [`Pages`] keep up to 8 pages in flight, in order, and go on by Last ID
//!   past page 30; [`ListCall::by_id`] gets many objects by ID in requests under
//!   OrderCloud's URL limit; [`Bulk`] runs many calls at once with progress. They run in
//!   the task that awaits them: nothing is spawned.
//!
//! Writing a crate for another OrderCloud area? Read the [guide].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), ordercloud_transport::Error> {
//! use ordercloud_models::{ErrorCode, PasswordResetRequest};
//! use ordercloud_transport::http::Method;
//! use ordercloud_transport::{ApiClient, MockTransport};
//!
//! let mock = MockTransport::new();
//! mock.push_api_error(400, "PasswordReset.MissingOrInvalidClientID", "Invalid client");
//! let client = ApiClient::builder().transport(mock.clone()).build()?;
//!
//! let error = client
//!     .request(Method::POST, "/password/reset")
//!     .json(&PasswordResetRequest::new("nope").with_username("jdoe"))
//!     .send_empty()
//!     .await
//!     .unwrap_err();
//! assert_eq!(error.error_code(), Some(&ErrorCode::PasswordResetMissingOrInvalidClientId));
//! assert_eq!(error.to_string(), "HTTP 400 Bad Request: PasswordReset.MissingOrInvalidClientID: Invalid client");
//! assert!(mock.requests()[0].headers.get("authorization").is_none());
//! # Ok(())
//! # }
//! ```
//!
//! (`MockTransport` needs the feature `mock`, which this example is built with.)
//!
//! ## Features
//!
//! - `hyper` (default): [`HyperTransport`], on hyper-util, rustls with the ring provider and
//!   tokio. Without it nothing of hyper, rustls, ring or a tokio runtime is built: bring
//!   your own [`HttpTransport`].
//! - `webpki-roots` (default): Mozilla's root certificates, compiled in.
//! - `native-roots`: also the operating system's root certificates.
//! - `mock`: `MockTransport` and `RecordedRequest`, for tests.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod address;
mod error;
pub mod guide;
mod runtime;
mod stack;
mod text;
mod timeout;

pub use address::base_url::DEFAULT_BASE_URL;
pub use address::encode;
pub use address::region::Region;
pub use error::{
    ConfigError, DecodeError, Error, ErrorCategory, InvalidRequest, PaginationError, PaginationErrorKind,
    ResponseError, SessionEnd, SessionExpired, TransportError, TransportErrorKind,
};
pub use runtime::bulk::{Bulk, BulkFailure, BulkProgress, BulkReport, StopHandle};
pub use runtime::by_id::{ByIdCall, FoundById, MAX_URL_LENGTH};
pub use runtime::call::{Call, CallFuture, ListCall};
pub use runtime::client::{ApiClient, ApiClientBuilder, DEFAULT_MAX_IN_FLIGHT, DEFAULT_TIMEOUT, USER_AGENT};
pub use runtime::flight::DEFAULT_CONCURRENCY;
pub use runtime::operation::Operation;
pub use runtime::pages::{ListEnvelope, PageItems, Pages};
pub use runtime::request::{ApiRequest, ApiResponse};
pub use runtime::retry::RetryPolicy;
pub use runtime::secrets::Secret;
pub use runtime::token_provider::{TokenProvider, bearer_authorization};
#[cfg(feature = "hyper")]
pub use stack::hyper::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_POOL_IDLE_TIMEOUT,
    HyperTransport, HyperTransportBuilder,
};
#[cfg(feature = "mock")]
pub use stack::mock::{MockTransport, RecordedRequest};
pub use stack::{HttpTransport, Sleep};
pub use timeout::MAX_TIMEOUT;

/// The `http` crate this one is built on, so an API crate names `http::Method` without
/// pinning a matching version itself.
pub use http;

/// The `bytes` crate of [`HttpTransport`]'s bodies, for the same reason.
pub use bytes;

/// The attribute [`HttpTransport`] and [`TokenProvider`] are implemented with
/// (`#[ordercloud_transport::async_trait]`), so an implementation (a transport that counts
/// requests, say) needs no `async-trait` dependency of its own.
pub use async_trait::async_trait;

/// What [`operation_request!`] expands to refers to; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::runtime::call::{Answer, MapRequest};
    pub use ordercloud_models::ListOptions;
}
