//! # Writing an OrderCloud API crate
//!
//! Each OrderCloud API area (Me, Orders, Products, ...) is its own crate: its models and its
//! routes, nothing else. The generated section crates (`ordercloud-catalogs`,
//! `ordercloud-orders`...) are written exactly this way, by a generator; a hand-written
//! crate for an endpoint the description lacks looks the same. Everything that is the same
//! for every operation lives here and in `ordercloud-models`: the base URL and `/v1`, path
//! encoding, list options, typed filters and pages of either shape, JSON bodies without
//! their read-only fields, required fields checked before sending, three-state PATCH
//! fields, extended properties, the crate's name in the User-Agent, tokens and sessions,
//! timeouts, retries, tracing and errors.
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
//! ordercloud-auth = { version = "0.1", features = ["mock"] }
//! tokio = { version = "1", features = ["macros", "rt"] }
//! ```
//!
//! `http` and `bytes` come re-exported as [`ordercloud_transport::http`](crate::http) and
//! [`ordercloud_transport::bytes`](crate::bytes), so there is no version of them to keep in
//! step.
//!
//! ## Models
//!
//! - An explicit `rename` on every field (OrderCloud's names are `ID`, `xp`, `ClientID`:
//!   `rename_all` gets them wrong); unknown fields accepted; `Option` for every field, left
//!   out when `None`; `#[non_exhaustive]` with a `new()` and `with_*` setters, so fields can
//!   be added without breaking anyone.
//! - A read-only field (IDs and dates the server sets) is marked with
//!   `skip_serializing_if = "ordercloud_models::skip_read_only"`: the runtime leaves it out
//!   of every request body, while `serde_json::to_string` of the model keeps it.
//! - **Extended properties** are [`Xp`](ordercloud_models::Xp): untyped by default, so
//!   no call site needs a type parameter, and typed when you ask, both ways:
//!   `product.xp.as_ref().map(Xp::get::<MyXp>)` reads them into your own struct, and
//!   `Xp::new(&my_xp)?` writes them. The JSON text is kept as it arrived and parsed only when
//!   asked, so a page of products with large `xp` decodes as fast as one without. One type
//!   for every model is what a user of 400 operations wants: generic models (`Product<Xp>`)
//!   would need a type parameter on every model, call and list, and inference cannot pick
//!   the default.
//! - A PATCH body is a `Partial*` type whose fields are [`Patch<T>`](ordercloud_models::Patch):
//!   left out (`Unchanged`, the default), sent as `null` (`Null`, which clears the field), or
//!   sent (`Set`).
//! - An open set of values is an [`open_enum!`](ordercloud_models::open_enum).
//!
//! ## Routes
//!
//! Each operation is an [`Operation`](crate::Operation) (its ID, method, path template and
//! roles), listed in the crate's `OPERATIONS` table; a method starts its call with
//! [`ApiClient::call`](crate::ApiClient::call), fills the path parameters (each encoded as
//! one segment), adds the body, and says what it answers: [`returning`](crate::ApiRequest::returning)
//! (a [`Call`](crate::Call)), [`returning_nothing`](crate::ApiRequest::returning_nothing) for
//! `204`, or [`listing`](crate::ApiRequest::listing) /
//! [`listing_with_facets`](crate::ApiRequest::listing_with_facets) (a [`ListCall`](crate::ListCall),
//! which takes `ListOptions` and walks its pages). Optional query parameters of an operation's
//! own are methods of its request type, declared with
//! [`operation_request!`](crate::operation_request). The API handle is one
//! [`api_handle!`](crate::api_handle) line, which also names the crate in the User-Agent.
//! A call is sent by awaiting it.
//!
//! This whole example, the crate and its use, is compiled and run by `cargo test`. The
//! crate itself is the part down to "using it": routes and models, and for plumbing only
//! the imports and the handle's [`api_handle!`](crate::api_handle).
//!
//! ```
//! // ---- models ----
//! use ordercloud_models::{ListPageWithFacets, Patch, Xp, skip_read_only};
//! use ordercloud_transport::{Call, ListCall, Operation, api_handle, operation_request};
//! use serde::{Deserialize, Serialize};
//!
//! /// A product.
//! #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
//! #[non_exhaustive]
//! pub struct Product {
//!     #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
//!     pub id: Option<String>,
//!     #[serde(rename = "Name", default, skip_serializing_if = "Option::is_none")]
//!     pub name: Option<String>,
//!     #[serde(rename = "Description", default, skip_serializing_if = "Option::is_none")]
//!     pub description: Option<String>,
//!     #[serde(rename = "Active", default, skip_serializing_if = "Option::is_none")]
//!     pub active: Option<bool>,
//!     #[serde(rename = "DateCreated", default, skip_serializing_if = "skip_read_only")]
//!     pub date_created: Option<String>,
//!     #[serde(rename = "xp", default, skip_serializing_if = "Option::is_none")]
//!     pub xp: Option<Xp>,
//! }
//!
//! impl Product {
//!     pub fn new() -> Self {
//!         Self::default()
//!     }
//!     pub fn with_id(mut self, id: impl Into<String>) -> Self {
//!         self.id = Some(id.into());
//!         self
//!     }
//!     pub fn with_name(mut self, name: impl Into<String>) -> Self {
//!         self.name = Some(name.into());
//!         self
//!     }
//!     pub fn with_xp(mut self, xp: Xp) -> Self {
//!         self.xp = Some(xp);
//!         self
//!     }
//! }
//!
//! /// A PATCH of a product: each field left alone, cleared or set.
//! #[derive(Clone, Debug, Default, PartialEq, Serialize)]
//! #[non_exhaustive]
//! pub struct PartialProduct {
//!     #[serde(rename = "Name", skip_serializing_if = "Patch::is_unchanged")]
//!     pub name: Patch<String>,
//!     #[serde(rename = "Description", skip_serializing_if = "Patch::is_unchanged")]
//!     pub description: Patch<String>,
//!     #[serde(rename = "xp", skip_serializing_if = "Patch::is_unchanged")]
//!     pub xp: Patch<Xp>,
//! }
//!
//! // ---- routes ----
//! pub const GET: Operation = Operation { id: "Products.Get", method: "GET", path: "/products/{productID}", roles: &["ProductAdmin", "ProductReader"] };
//! pub const CREATE: Operation = Operation { id: "Products.Create", method: "POST", path: "/products", roles: &["ProductAdmin"] };
//! pub const SAVE: Operation = Operation { id: "Products.Save", method: "PUT", path: "/products/{productID}", roles: &["ProductAdmin"] };
//! pub const PATCH: Operation = Operation { id: "Products.Patch", method: "PATCH", path: "/products/{productID}", roles: &["ProductAdmin"] };
//! pub const DELETE: Operation = Operation { id: "Products.Delete", method: "DELETE", path: "/products/{productID}", roles: &["ProductAdmin"] };
//! pub const LIST: Operation = Operation { id: "Products.List", method: "GET", path: "/products", roles: &["ProductAdmin", "ProductReader"] };
//! /// Every operation of this crate.
//! pub const OPERATIONS: &[Operation] = &[GET, CREATE, SAVE, PATCH, DELETE, LIST];
//!
//! operation_request! {
//!     /// The request of [`ProductsApi::list`].
//!     pub struct ListProducts: list ListCall<Product, ListPageWithFacets<Product>> {
//!         /// Only the products of this catalog.
//!         fn catalog_id(catalog_id: &str) => "catalogID";
//!     }
//! }
//!
//! api_handle! {
//!     /// Products.
//!     pub struct ProductsApi;
//! }
//!
//! impl ProductsApi {
//!     /// `GET /products/{productID}`
//!     pub fn get(&self, product_id: &str) -> Call<Product> {
//!         self.client.call(&GET).path_param(product_id).returning()
//!     }
//!     /// `POST /products`; the body needs a `Name`.
//!     pub fn create(&self, product: &Product) -> Call<Product> {
//!         self.client.call(&CREATE).json_requiring(product, &["Name"]).returning()
//!     }
//!     /// `PUT /products/{productID}`: creates or replaces.
//!     pub fn save(&self, product_id: &str, product: &Product) -> Call<Product> {
//!         self.client.call(&SAVE).path_param(product_id).json_requiring(product, &["Name"]).returning()
//!     }
//!     /// `PATCH /products/{productID}`: only the fields the partial holds.
//!     pub fn patch(&self, product_id: &str, partial: &PartialProduct) -> Call<Product> {
//!         self.client.call(&PATCH).path_param(product_id).json(partial).returning()
//!     }
//!     /// `DELETE /products/{productID}`, answered `204`.
//!     pub fn delete(&self, product_id: &str) -> Call<()> {
//!         self.client.call(&DELETE).path_param(product_id).returning_nothing()
//!     }
//!     /// `GET /products`, with its facets.
//!     pub fn list(&self) -> ListProducts {
//!         self.client.call(&LIST).listing_with_facets().into()
//!     }
//! }
//!
//! // ---- using it, offline ----
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use ordercloud_auth::{Session, TokenRequest};
//! use ordercloud_models::{Filter, ListOptions};
//! use ordercloud_transport::{ApiClient, MockTransport};
//! use serde_json::json;
//!
//! let mock = MockTransport::new();
//! mock.push_json(200, &json!({"access_token": "t-1", "expires_in": 600}))
//!     .push_json(200, &json!({"ID": "p/1", "Name": "Bike", "DateCreated": "2026-12-03T10:00:00Z", "xp": {"Color": "red", "Sizes": ["S"]}}))
//!     .push_json(201, &json!({"ID": "p2", "Name": "Helmet"}))
//!     .push_json(200, &json!({"ID": "p/1", "Name": "Bike"}))
//!     .push_json(200, &json!({"ID": "p/1", "Name": "Bike 2"}))
//!     .push_status(204, "")
//!     .push_json(200, &json!({"Meta": {"Page": 1, "TotalPages": 2, "Facets": [{"Name": "Color", "XpPath": "Color", "Values": [{"Value": "red", "Count": 2}]}]}, "Items": [{"ID": "a"}]}))
//!     .push_json(200, &json!({"Meta": {"Page": 2, "TotalPages": 2}, "Items": [{"ID": "b"}]}));
//! let client = ApiClient::builder().transport(mock.clone()).build()?;
//! // Signed in as a user: the API handle takes the session's client.
//! let session = Session::new(client, TokenRequest::password("my-client-id", "admin", "Adm1n-Passw0rd"));
//! let products = ProductsApi::new(session.client());
//!
//! // GET, with xp read untyped and typed.
//! #[derive(Deserialize, Serialize)]
//! struct ProductXp {
//!     #[serde(rename = "Color")]
//!     color: String,
//! }
//! let bike = products.get("p/1").await?;
//! let xp = bike.xp.as_ref().unwrap();
//! assert_eq!(xp.to_value()["Sizes"][0], "S");
//! assert_eq!(xp.get::<ProductXp>()?.color, "red");
//!
//! // POST with typed xp; a missing required field is refused before anything is sent.
//! let helmet = Product::new().with_id("p2").with_name("Helmet").with_xp(Xp::new(&ProductXp { color: "blue".into() })?);
//! products.create(&helmet).await?;
//! let nameless = products.create(&Product::new().with_id("p3")).await.unwrap_err();
//! assert!(nameless.is_invalid_request() && nameless.to_string().contains("needs Name"));
//!
//! // PUT of what was read: the read-only DateCreated is not sent.
//! products.save("p/1", &bike).await?;
//! // PATCH: set the name, clear the description, leave the rest.
//! let partial = PartialProduct { name: "Bike 2".into(), description: Patch::Null, ..Default::default() };
//! products.patch("p/1", &partial).await?;
//! products.delete("p/1").await?;
//!
//! // A list with facets and typed filters, walked as a stream.
//! let options = ListOptions::new().page_size(1).filter_with(Filter::ge("PriceSchedule.PriceBreaks.Price", 10)).filter_with(Filter::eq("Active", true));
//! let mut items = products.list().catalog_id("c1").options(&options).items();
//! let mut ids = Vec::new();
//! while let Some(product) = items.next().await {
//!     ids.extend(product?.id);
//! }
//! assert_eq!(ids, ["a", "b"]);
//!
//! let requests = mock.requests();
//! assert_eq!(requests[1].uri.path(), "/v1/products/p%2F1");
//! assert_eq!(requests[1].header("authorization"), Some("Bearer t-1"));
//! // The handle named its crate (here, this doc test's) in the User-Agent.
//! let crate_name = format!(" {}/{}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"));
//! assert!(requests[1].header("user-agent").unwrap().contains(&crate_name));
//! assert_eq!(requests[2].body_json::<serde_json::Value>()?, json!({"ID": "p2", "Name": "Helmet", "xp": {"Color": "blue"}}));
//! assert_eq!(requests[3].body_json::<serde_json::Value>()?, json!({"ID": "p/1", "Name": "Bike", "xp": {"Color": "red", "Sizes": ["S"]}}));
//! assert_eq!(requests[4].body_json::<serde_json::Value>()?, json!({"Name": "Bike 2", "Description": null}));
//! assert_eq!(requests[5].method, ordercloud_transport::http::Method::DELETE);
//! assert_eq!(
//!     requests[7].uri.query(),
//!     Some("catalogID=c1&pageSize=1&PriceSchedule.PriceBreaks.Price=%21%3C10&Active=true&page=2")
//! );
//! mock.assert_all_used();
//! # Ok(())
//! # }
//! ```
//!
//! ## Testing it
//!
//! - Logic on `MockTransport` (feature `mock`): script answers with `push_json`,
//!   `push_api_error` or `push_error`, then read what was sent with `requests()`,
//!   `body_json()`, `query_pairs()` and `form_pairs()`. Time is virtual, so timeouts cost
//!   nothing.
//! - The wire with `wiremock` or `ordercloud-simulator`, both on 127.0.0.1.
//!
//! ## What not to write again
//!
//! Do not parse error bodies, strip byte-order marks, map decoding errors, encode paths or
//! queries, check required fields, leave out read-only fields, add `Authorization` headers
//! or retry: the runtime does all of that, and an area crate's errors are
//! [`Error`](crate::Error) like every other crate's. Use
//! [`redact`](crate::ApiRequest::redact), [`secret_path_param`](crate::ApiRequest::secret_path_param)
//! and [`secret_header`](crate::ApiRequest::secret_header) for any secret the call sends,
//! so no error shows it.
