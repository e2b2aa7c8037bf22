//! `Call` and `ListCall`: a request that knows what it answers, as each generated operation
//! returns it; and `operation_request!`, for operations with query parameters of their own.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use ordercloud_models::{ListOptions, ListPage, ListPageWithFacets};
use serde::de::DeserializeOwned;

use crate::error::{Error, json_text};
use crate::runtime::pages::{ListEnvelope, PageItems, Pages};
use crate::runtime::request::{ApiRequest, ApiResponse};

/// How a call reads its 2xx body.
type Decode<T> = fn(&[u8]) -> Result<T, serde_json::Error>;

impl ApiRequest {
    /// This request as a [`Call`] that answers `T`, read from the JSON body.
    pub fn returning<T: DeserializeOwned>(self) -> Call<T> {
        Call { request: self, decode: |body| serde_json::from_slice(json_text(body)) }
    }

    /// This request as a [`Call`] that answers nothing (`204 No Content`): any 2xx body is
    /// ignored.
    pub fn returning_nothing(self) -> Call<()> {
        Call { request: self, decode: |_| Ok(()) }
    }

    /// This request as a [`ListCall`] of a list of `T`.
    pub fn listing<T: DeserializeOwned>(self) -> ListCall<T> {
        ListCall { request: self, pages: PhantomData }
    }

    /// This request as a [`ListCall`] of a list of `T` that counts facets.
    pub fn listing_with_facets<T: DeserializeOwned>(self) -> ListCall<T, ListPageWithFacets<T>> {
        ListCall { request: self, pages: PhantomData }
    }
}

/// A call of one operation that answers `T` (`()` for `204 No Content`): what a generated
/// method returns. Options first, then [`send`](Self::send).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), ordercloud_transport::Error> {
/// use std::time::Duration;
/// use ordercloud_transport::{ApiClient, MockTransport, Operation};
///
/// const GET_PRODUCT: Operation =
///     Operation { id: "Products.Get", method: "GET", path: "/products/{productID}", roles: &["ProductReader"] };
///
/// let mock = MockTransport::new();
/// mock.push_status(200, r#"{"ID":"p/1","Name":"Bike"}"#);
/// let client = ApiClient::builder().transport(mock.clone()).build()?;
/// let product: serde_json::Value = client
///     .call(&GET_PRODUCT)
///     .path_param("p/1")
///     .returning()
///     .timeout(Duration::from_secs(5))
///     .send()
///     .await?;
/// assert_eq!(product["Name"], "Bike");
/// assert_eq!(mock.requests()[0].uri.path(), "/v1/products/p%2F1");
/// # Ok(())
/// # }
/// ```
#[must_use = "a call does nothing until it is sent"]
pub struct Call<T> {
    request: ApiRequest,
    decode: Decode<T>,
}

impl<T> Call<T> {
    /// Adds the query parameter `name=value` (the operation's own parameters have methods
    /// of their own; this is for the rest).
    pub fn query(self, name: &str, value: impl fmt::Display) -> Self {
        Self { request: self.request.query(name, &value.to_string()), ..self }
    }

    /// Gives this call `timeout` instead of the client's.
    pub fn timeout(self, timeout: Duration) -> Self {
        Self { request: self.request.timeout(timeout), ..self }
    }

    /// Sends `token` as this call's bearer token, whatever the client's (to act as another
    /// user for one call, say).
    pub fn bearer_token(self, token: &str) -> Self {
        Self { request: self.request.bearer_token(token), ..self }
    }

    /// The request underneath, for anything else [`ApiRequest`] offers (extra headers, a
    /// body of another shape).
    pub fn into_request(self) -> ApiRequest {
        self.request
    }

    /// Sends the call; the answer's body as `T`.
    pub async fn send(self) -> Result<T, Error> {
        self.send_response().await.map(|response| response.body)
    }

    /// Sends the call; the answer's status and headers with its body as `T`.
    pub async fn send_response(self) -> Result<ApiResponse<T>, Error> {
        let decode = self.decode;
        self.request.send_with(decode).await.map(|(response, _)| response)
    }
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Call").field(&self.request).finish()
    }
}

/// A call of one list operation: its answer is a page (`P`, a [`ListPage`] of `T` or a
/// [`ListPageWithFacets`]), and it can walk every page. What a generated list method
/// returns.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), ordercloud_transport::Error> {
/// use ordercloud_models::{Filter, ListMeta, ListOptions, ListPage};
/// use ordercloud_transport::{ApiClient, MockTransport, Operation};
///
/// const LIST_USERS: Operation = Operation {
///     id: "Users.List", method: "GET", path: "/buyers/{buyerID}/users", roles: &["BuyerUserReader"],
/// };
///
/// let mock = MockTransport::new();
/// mock.push_json(200, &ListPage::new(ListMeta::new(1, 100, 2, 1), vec!["ann", "bob"]));
/// let client = ApiClient::builder().transport(mock.clone()).build()?;
/// let users: Vec<String> = client
///     .call(&LIST_USERS)
///     .path_param("b1")
///     .listing()
///     .query("userGroupID", "g1")
///     .options(&ListOptions::new().page_size(100).filter_with(Filter::eq("Active", false)))
///     .pages()
///     .all_items()
///     .await?;
/// assert_eq!(users, ["ann", "bob"]);
/// assert_eq!(mock.requests()[0].uri.query(), Some("userGroupID=g1&pageSize=100&Active=false"));
/// # Ok(())
/// # }
/// ```
#[must_use = "a call does nothing until it is sent"]
pub struct ListCall<T, P = ListPage<T>> {
    request: ApiRequest,
    pages: PhantomData<fn() -> (T, P)>,
}

impl<T, P: ListEnvelope<Item = T>> ListCall<T, P> {
    /// The list's options: page, page size, search, sort and filters; see
    /// [`ApiRequest::list_options`].
    pub fn options(self, options: &ListOptions) -> Self {
        Self { request: self.request.list_options(options), ..self }
    }

    /// Adds the query parameter `name=value` (the operation's own parameters have methods
    /// of their own; this is for the rest).
    pub fn query(self, name: &str, value: impl fmt::Display) -> Self {
        Self { request: self.request.query(name, &value.to_string()), ..self }
    }

    /// Gives each page's call `timeout` instead of the client's.
    pub fn timeout(self, timeout: Duration) -> Self {
        Self { request: self.request.timeout(timeout), ..self }
    }

    /// Sends `token` as the bearer token of each page's call, whatever the client's.
    pub fn bearer_token(self, token: &str) -> Self {
        Self { request: self.request.bearer_token(token), ..self }
    }

    /// The request underneath, for anything else [`ApiRequest`] offers.
    pub fn into_request(self) -> ApiRequest {
        self.request
    }

    /// Fetches the one page the options ask for (the first by default).
    pub async fn send(self) -> Result<P, Error> {
        self.request.send_decoded::<P>().await.map(|(response, _)| response.body)
    }

    /// Walks every page from the one the options ask for: see [`Pages`].
    pub fn pages(self) -> Pages<T, P> {
        Pages::new(self.request)
    }

    /// Every item of every page from the one the options ask for, as a stream: see
    /// [`Pages::items`].
    pub fn items(self) -> PageItems<T, P> {
        self.pages().items()
    }
}

impl<T, P> fmt::Debug for ListCall<T, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ListCall").field(&self.request).finish()
    }
}

/// Declares the request type of an operation with optional query parameters of its own:
/// a [`Call`] or [`ListCall`] with one method per parameter. Generated API crates use it;
/// it is public so a hand-written crate can too.
///
/// ```
/// use ordercloud_transport::{ApiClient, ListCall, Operation, operation_request};
///
/// operation_request! {
///     /// The request of `Categories.List`.
///     pub struct ListCategories: list ListCall<serde_json::Value> {
///         /// How deep in the tree to list (`depth`): `1` to `all`.
///         fn depth(depth: &str) => "depth";
///     }
/// }
///
/// const LIST: Operation = Operation { id: "Categories.List", method: "GET", path: "/catalogs/{catalogID}/categories", roles: &[] };
/// # fn main() -> Result<(), ordercloud_transport::Error> {
/// let client = ApiClient::builder().build()?;
/// let request = ListCategories::from(client.call(&LIST).path_param("c1").listing()).depth("all");
/// assert!(format!("{request:?}").contains("Categories.List"));
/// # Ok(())
/// # }
/// ```
#[macro_export]
macro_rules! operation_request {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident: $kind:ident $inner:ty {
            $( $(#[$method_meta:meta])* fn $method:ident($value:ident: $value_type:ty) => $param:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[must_use = "a call does nothing until it is sent"]
        #[derive(Debug)]
        $vis struct $name($inner);

        impl ::core::convert::From<$inner> for $name {
            fn from(call: $inner) -> Self {
                Self(call)
            }
        }

        impl $name {
            $(
                $(#[$method_meta])*
                pub fn $method(self, $value: $value_type) -> Self {
                    Self(self.0.query($param, $value))
                }
            )*

            /// Adds the query parameter `name=value`.
            pub fn query(self, name: &str, value: impl ::core::fmt::Display) -> Self {
                Self(self.0.query(name, value))
            }

            /// Gives this call `timeout` instead of the client's.
            pub fn timeout(self, timeout: ::core::time::Duration) -> Self {
                Self(self.0.timeout(timeout))
            }

            /// Sends `token` as this call's bearer token, whatever the client's.
            pub fn bearer_token(self, token: &str) -> Self {
                Self(self.0.bearer_token(token))
            }

            /// The call underneath.
            pub fn into_inner(self) -> $inner {
                self.0
            }

            $crate::operation_request!(@$kind $inner);
        }
    };
    (@call $inner:ty) => {
        /// Sends the call; the answer's body.
        pub async fn send(self) -> ::core::result::Result<<$inner as $crate::__private::Answer>::Output, $crate::Error> {
            self.0.send().await
        }
    };
    (@list $inner:ty) => {
        /// The list's options: page, page size, search, sort and filters.
        pub fn options(self, options: &$crate::__private::ListOptions) -> Self {
            Self(self.0.options(options))
        }

        /// Fetches the one page the options ask for (the first by default).
        pub async fn send(self) -> ::core::result::Result<<$inner as $crate::__private::Answer>::Output, $crate::Error> {
            self.0.send().await
        }

        /// Walks every page from the one the options ask for.
        pub fn pages(self) -> <$inner as $crate::__private::Answer>::Pages {
            self.0.pages()
        }

        /// Every item of every page, as a stream.
        pub fn items(self) -> <$inner as $crate::__private::Answer>::Items {
            self.0.items()
        }

        /// The objects of this list whose IDs are `ids`, in the order asked, with the IDs
        /// not found: see [`ListCall::by_id`]($crate::ListCall::by_id).
        pub fn by_id<I: IntoIterator<Item = S>, S: Into<String>>(self, ids: I) -> <$inner as $crate::__private::ListById>::Call {
            $crate::__private::ListById::list_by_id(self.0, ids.into_iter().map(Into::into).collect())
        }
    };
}

/// Names of what a call answers, so [`operation_request!`] can spell its methods' types.
#[doc(hidden)]
pub trait Answer {
    type Output;
    type Pages;
    type Items;
}

impl<T> Answer for Call<T> {
    type Output = T;
    type Pages = ();
    type Items = ();
}

impl<T, P> Answer for ListCall<T, P> {
    type Output = P;
    type Pages = Pages<T, P>;
    type Items = PageItems<T, P>;
}
