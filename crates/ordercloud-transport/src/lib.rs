//! The request runtime of the OrderCloud Rust SDK.
//!
//! - [`HttpTransport`]: one object-safe trait that sends a request and returns the response
//!   for every status. It never retries, adds auth or interprets a status.
//! - [`HyperTransport`] (feature `hyper`, default): hyper-util's pooled client over rustls
//!   with the ring provider, with a connect timeout and a response size limit.
//! - [`MockTransport`] (feature `mock`): scripted answers and recorded requests for tests.
//! - [`ApiClient`]: base URL and `/v1`, path encoding, JSON bodies, the bearer token (and
//!   no `Authorization` header without one), per-call token and timeout, the 30 s default
//!   timeout, the [`RetryPolicy`], a limit on calls in flight, the User-Agent, tracing, and
//!   turning non-2xx answers into [`Error`]. Its [`ApiRequest`] is how every OrderCloud
//!   crate builds its endpoints: path parameters, query, [list options](ApiRequest::list_options)
//!   and [pages](Pages), JSON and form bodies, extra headers, routes outside `/v1`, and a
//!   typed body with its status and headers ([`ApiResponse`]).
//!
//! Writing a crate for another OrderCloud area? Read the [guide].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), ordercloud_transport::Error> {
//! use http::Method;
//! use ordercloud_models::{ErrorCode, PasswordResetRequest};
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
#![cfg_attr(docsrs, feature(doc_cfg))]

mod base_url;
mod client;
#[cfg(feature = "hyper")]
mod connection_limit;
pub mod encode;
mod error;
mod error_body;
pub mod guide;
#[cfg(feature = "hyper")]
mod hyper_transport;
#[cfg(feature = "mock")]
mod mock;
mod pages;
mod region;
mod request;
mod retry;
mod text;
mod token_provider;
mod transport;

pub use base_url::DEFAULT_BASE_URL;
pub use client::{ApiClient, ApiClientBuilder, DEFAULT_MAX_IN_FLIGHT, DEFAULT_TIMEOUT, MAX_TIMEOUT, USER_AGENT};
pub use error::{ConfigError, DecodeError, Error, InvalidRequest, PaginationError, PaginationErrorKind, ResponseError};
#[cfg(feature = "hyper")]
pub use hyper_transport::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_POOL_IDLE_TIMEOUT,
    HyperTransport, HyperTransportBuilder,
};
#[cfg(feature = "mock")]
pub use mock::{MockTransport, RecordedRequest};
pub use pages::Pages;
pub use region::Region;
pub use request::{ApiRequest, ApiResponse};

/// The `http` crate this one is built on, so an API crate names `http::Method` without
/// pinning a matching version itself.
pub use http;

/// The `bytes` crate of [`HttpTransport`]'s bodies, for the same reason.
pub use bytes;
pub use retry::RetryPolicy;
pub use token_provider::{TokenProvider, bearer_authorization};
pub use transport::{HttpTransport, Sleep, TransportError, TransportErrorKind};
