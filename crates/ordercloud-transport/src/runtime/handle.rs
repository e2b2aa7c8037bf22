//! `api_handle!`: the struct and constructor of every API crate's resource handles.

/// Declares the handle of an API crate's resource (`ProductsApi`, `PasswordResetApi`): a
/// struct that holds an [`ApiClient`](crate::ApiClient) (a field named `client`, for its
/// methods), is cheap to clone and shows the client in `Debug`; its `new(client)`, which
/// names the calling crate (its `CARGO_PKG_NAME/CARGO_PKG_VERSION`) in each call's
/// User-Agent; and `client()`, the client calls go through. Documentation comments go on
/// the struct, and optionally on a `fn new;` line after it (a default one is written
/// otherwise).
///
/// ```
/// use ordercloud_transport::{ApiClient, Call, Operation, api_handle};
///
/// const GET_PRODUCT: Operation =
///     Operation { id: "Products.Get", method: "GET", path: "/products/{productID}", roles: &["ProductReader"] };
///
/// api_handle! {
///     /// Products: the goods a marketplace sells.
///     pub struct ProductsApi;
///     /// Products through `client`: a session's client for signed-in calls.
///     fn new;
/// }
///
/// impl ProductsApi {
///     /// `Products.Get`.
///     pub fn get(&self, product_id: &str) -> Call<serde_json::Value> {
///         self.client.call(&GET_PRODUCT).path_param(product_id).returning()
///     }
/// }
///
/// # fn main() -> Result<(), ordercloud_transport::Error> {
/// let products = ProductsApi::new(ApiClient::builder().build()?);
/// let agent = format!("{} {}/{}", ordercloud_transport::USER_AGENT, env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"));
/// assert_eq!(products.client().user_agent(), agent);
/// assert!(format!("{:?}", products.clone().get("p-1")).contains("Products.Get"));
/// # Ok(())
/// # }
/// ```
#[macro_export]
macro_rules! api_handle {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident;
        $(#[$new_meta:meta])+
        fn new;
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        $vis struct $name {
            client: $crate::ApiClient,
        }

        impl $name {
            $(#[$new_meta])*
            ///
            /// Its calls name this crate in the User-Agent.
            pub fn new(client: $crate::ApiClient) -> Self {
                Self { client: client.for_api_crate(::core::concat!(
                    ::core::env!("CARGO_PKG_NAME"),
                    "/",
                    ::core::env!("CARGO_PKG_VERSION")
                )) }
            }

            /// The client calls go through.
            pub fn client(&self) -> &$crate::ApiClient {
                &self.client
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident;
    ) => {
        $crate::api_handle! {
            $(#[$meta])*
            $vis struct $name;
            #[doc = ::core::concat!("A `", ::core::stringify!($name), "` whose calls go through `client` (a session's client, for signed-in calls).")]
            fn new;
        }
    };
}
