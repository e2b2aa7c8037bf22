//! # Writing an OrderCloud API crate
//!
//! Each OrderCloud API area (Me, Orders, Products, ...) is its own crate: its models and its
//! endpoints, nothing else. Everything else is here and in `ordercloud-models`: the base URL
//! and `/v1`, path encoding, list options and pages, JSON and form bodies, headers, tokens,
//! timeouts, retries, tracing and errors. `ordercloud-password-reset` is built this way.
//!
//! ## Cargo.toml
//!
//! Depend on the transport without its default features and hand the choice of HTTP stack
//! to your users with the same three features every crate of the family has:
//!
//! ```toml
//! [features]
//! default = ["hyper"]
//! # The default transport: hyper + rustls (ring) with Mozilla's roots.
//! hyper = ["ordercloud-transport/hyper", "ordercloud-transport/webpki-roots"]
//! # Also trust the operating system's root certificates.
//! native-roots = ["ordercloud-transport/native-roots"]
//! # MockTransport, for testing code built on this crate.
//! mock = ["ordercloud-transport/mock"]
//!
//! [dependencies]
//! ordercloud-models = "0.1"
//! ordercloud-transport = { version = "0.1", default-features = false }
//! serde = { version = "1", features = ["derive"] }
//!
//! [dev-dependencies]
//! ordercloud-transport = { version = "0.1", features = ["mock"] }
//! ordercloud-simulator = "0.1"
//! tokio = { version = "1", features = ["macros", "rt"] }
//! ```
//!
//! `http` and `bytes` come re-exported as [`ordercloud_transport::http`](crate::http) and
//! [`ordercloud_transport::bytes`](crate::bytes), so there is no version of them to keep in
//! step.
//!
//! ## The crate
//!
//! Models carry an explicit `rename` on every field (OrderCloud's names are `ID`, `xp`,
//! `ClientID`: `rename_all` gets them wrong), accept unknown fields, and use `Option` for
//! what may be missing. A PATCH body leaves out what is not set; `Option<Option<T>>` with
//! `Some(None)` sends an explicit `null`, which clears the field. An open set of values is
//! an [`open_enum!`](ordercloud_models::open_enum). Endpoints are one call each on
//! [`ApiClient::request`](crate::ApiClient::request); name each operation `Area.Operation`
//! for traces. A list endpoint takes [`ListOptions`](ordercloud_models::ListOptions) and
//! either returns one [`ListPage`](ordercloud_models::ListPage) or walks them all with
//! [`Pages`](crate::Pages).
//!
//! This whole example, the crate and its use, is compiled and run by `cargo test`:
//!
//! ```
//! // ---- models ----
//! use ordercloud_models::{ListOptions, ListPage};
//! use ordercloud_transport::http::Method;
//! use ordercloud_transport::{ApiClient, Error, Pages};
//! use serde::{Deserialize, Serialize};
//!
//! /// The signed-in user.
//! #[derive(Clone, Debug, Deserialize)]
//! pub struct MeUser {
//!     #[serde(rename = "ID")]
//!     pub id: String,
//!     #[serde(rename = "FirstName", default)]
//!     pub first_name: Option<String>,
//!     #[serde(rename = "Phone", default)]
//!     pub phone: Option<String>,
//! }
//!
//! /// The fields of a PATCH: `None` leaves a field alone, `Some(None)` clears it.
//! #[derive(Clone, Debug, Default, Serialize)]
//! pub struct MeUserPatch {
//!     #[serde(rename = "FirstName", skip_serializing_if = "Option::is_none")]
//!     pub first_name: Option<String>,
//!     #[serde(rename = "Phone", skip_serializing_if = "Option::is_none")]
//!     pub phone: Option<Option<String>>,
//! }
//!
//! /// One of the user's addresses.
//! #[derive(Clone, Debug, Deserialize)]
//! pub struct Address {
//!     #[serde(rename = "ID")]
//!     pub id: String,
//!     #[serde(rename = "City", default)]
//!     pub city: Option<String>,
//! }
//!
//! // ---- endpoints ----
//! /// The Me API: the signed-in user and their addresses.
//! #[derive(Clone, Debug)]
//! pub struct MeApi {
//!     client: ApiClient,
//! }
//!
//! impl MeApi {
//!     pub fn new(client: ApiClient) -> Self {
//!         Self { client }
//!     }
//!
//!     /// `GET /v1/me`
//!     pub async fn get(&self) -> Result<MeUser, Error> {
//!         self.client.request(Method::GET, "/me").operation("Me.Get").send_json().await
//!     }
//!
//!     /// `PATCH /v1/me`, sending only the fields set.
//!     pub async fn patch(&self, patch: &MeUserPatch) -> Result<MeUser, Error> {
//!         self.client.request(Method::PATCH, "/me").operation("Me.Patch").json(patch).send_json().await
//!     }
//!
//!     /// `GET /v1/me/addresses`, one page.
//!     pub async fn list_addresses(&self, options: &ListOptions) -> Result<ListPage<Address>, Error> {
//!         self.addresses_request(options).send_json().await
//!     }
//!
//!     /// `GET /v1/me/addresses`, every page, each fetched when asked for.
//!     pub fn addresses(&self, options: &ListOptions) -> Pages<'_, Address> {
//!         self.addresses_request(options).pages()
//!     }
//!
//!     fn addresses_request(&self, options: &ListOptions) -> ordercloud_transport::ApiRequest<'_> {
//!         self.client.request(Method::GET, "/me/addresses").operation("Me.ListAddresses").list_options(options)
//!     }
//! }
//!
//! // ---- using it, offline ----
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Error> {
//! use ordercloud_transport::MockTransport;
//! use serde_json::json;
//!
//! let mock = MockTransport::new();
//! mock.push_json(200, &json!({"ID": "jdoe", "FirstName": "Jane", "Phone": "555"}));
//! mock.push_json(200, &json!({"ID": "jdoe", "FirstName": "Janet", "Phone": null}));
//! mock.push_json(200, &json!({"Meta": {"Page": 1, "TotalPages": 2}, "Items": [{"ID": "home", "City": "Oslo"}]}));
//! mock.push_json(200, &json!({"Meta": {"Page": 2, "TotalPages": 2}, "Items": [{"ID": "work"}]}));
//! let me = MeApi::new(ApiClient::builder().transport(mock.clone()).access_token("a-user-token").build()?);
//!
//! assert_eq!(me.get().await?.first_name.as_deref(), Some("Jane"));
//! let patch = MeUserPatch { first_name: Some("Janet".into()), phone: Some(None), ..Default::default() };
//! assert_eq!(me.patch(&patch).await?.phone, None);
//! let cities: Vec<Option<String>> = me
//!     .addresses(&ListOptions::new().page_size(1).sort_by(["City"]))
//!     .all_items()
//!     .await?
//!     .into_iter()
//!     .map(|address| address.city)
//!     .collect();
//! assert_eq!(cities, [Some("Oslo".to_owned()), None]);
//!
//! let requests = mock.requests();
//! assert_eq!(requests[1].method, Method::PATCH);
//! assert_eq!(requests[1].body_text(), r#"{"FirstName":"Janet","Phone":null}"#);
//! assert_eq!(requests[3].uri.path_and_query().unwrap().as_str(), "/v1/me/addresses?pageSize=1&sortBy=City&page=2");
//! assert_eq!(requests[3].header("authorization"), Some("Bearer a-user-token"));
//! mock.assert_all_used();
//! # Ok(())
//! # }
//! ```
//!
//! ## Testing it
//!
//! - Logic on [`MockTransport`](crate::MockTransport): script answers with `push_json`,
//!   `push_api_error` or `push_error`, then read what was sent with `requests()`,
//!   `query_pairs()` and `form_pairs()`. Time is virtual, so timeouts cost nothing.
//! - The wire with `wiremock` or `ordercloud-simulator`, both on 127.0.0.1.
//!
//! ## What not to write again
//!
//! Do not parse error bodies, strip byte-order marks, map decoding errors, encode paths or
//! queries, add `Authorization` headers or retry: the request does all of that, and an
//! area crate's errors are [`Error`](crate::Error) like every other crate's. Use
//! [`redact`](crate::ApiRequest::redact), [`secret_path_param`](crate::ApiRequest::secret_path_param)
//! and [`secret_header`](crate::ApiRequest::secret_header) for any secret the call sends,
//! so no error shows it.
