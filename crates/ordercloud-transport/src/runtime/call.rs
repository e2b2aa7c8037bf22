//! `Call` and `ListCall`: a request that knows what it answers, as each generated operation
//! returns it; and `operation_request!`, for operations with query parameters of their own.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use ordercloud_models::{ListOptions, ListPage, ListPageWithFacets};
use serde::de::DeserializeOwned;

use crate::error::{Error, json_text};
use crate::runtime::by_id::ByIdCall;
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
/// method returns. Options first, then `.await` it (or [`send`](Self::send) it: the same).
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
    crate::__call_options!();

    /// The request underneath, for anything else [`ApiRequest`] offers (extra headers, a
    /// body of another shape).
    pub fn into_request(self) -> ApiRequest {
        self.request
    }

    /// Sends the call; the answer's body as `T`. Awaiting the call does the same.
    pub async fn send(self) -> Result<T, Error> {
        self.send_response().await.map(|response| response.body)
    }

    /// Sends the call; the answer's status and headers with its body as `T`.
    pub async fn send_response(self) -> Result<ApiResponse<T>, Error> {
        let decode = self.decode;
        self.request.send_with(decode).await.map(|(response, _)| response)
    }
}

impl<T> MapRequest for Call<T> {
    fn map_request(self, map: impl FnOnce(ApiRequest) -> ApiRequest) -> Self {
        Self { request: map(self.request), ..self }
    }
}

/// `call.await` sends it: the same as [`send`](Call::send).
impl<T: Send + 'static> IntoFuture for Call<T> {
    type Output = Result<T, Error>;
    type IntoFuture = CallFuture<T>;

    fn into_future(self) -> CallFuture<T> {
        CallFuture(Box::pin(self.send()))
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

    crate::__call_options!();

    /// The request underneath, for anything else [`ApiRequest`] offers.
    pub fn into_request(self) -> ApiRequest {
        self.request
    }

    /// Fetches the one page the options ask for (the first by default). Awaiting the call
    /// does the same.
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

impl<T, P> MapRequest for ListCall<T, P> {
    fn map_request(self, map: impl FnOnce(ApiRequest) -> ApiRequest) -> Self {
        Self { request: map(self.request), ..self }
    }
}

/// `list_call.await` fetches one page: the same as [`send`](ListCall::send).
impl<T: 'static, P: ListEnvelope<Item = T> + Send + 'static> IntoFuture for ListCall<T, P> {
    type Output = Result<P, Error>;
    type IntoFuture = CallFuture<P>;

    fn into_future(self) -> CallFuture<P> {
        CallFuture(Box::pin(self.send()))
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

            $crate::__call_options!();

            /// The call underneath.
            pub fn into_inner(self) -> $inner {
                self.0
            }

            $crate::operation_request!(@$kind $inner);
        }

        impl $crate::__private::MapRequest for $name {
            fn map_request(self, map: impl ::core::ops::FnOnce($crate::ApiRequest) -> $crate::ApiRequest) -> Self {
                Self($crate::__private::MapRequest::map_request(self.0, map))
            }
        }

        /// Awaiting the call sends it, as `send` does.
        impl ::core::future::IntoFuture for $name {
            type Output = <$inner as ::core::future::IntoFuture>::Output;
            type IntoFuture = <$inner as ::core::future::IntoFuture>::IntoFuture;

            fn into_future(self) -> Self::IntoFuture {
                ::core::future::IntoFuture::into_future(self.0)
            }
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
        pub fn by_id<I: IntoIterator<Item = S>, S: Into<String>>(self, ids: I) -> <$inner as $crate::__private::Answer>::ById {
            self.0.by_id(ids)
        }
    };
}

/// The options every call has, whatever it answers: written once here, for [`Call`],
/// [`ListCall`] and each [`operation_request!`] type, which give the request to change
/// through [`MapRequest`].
#[doc(hidden)]
#[macro_export]
macro_rules! __call_options {
    () => {
        /// Adds the query parameter `name=value` (the operation's own parameters have
        /// methods of their own; this is for the rest).
        pub fn query(self, name: &str, value: impl ::core::fmt::Display) -> Self {
            let value = ::std::string::ToString::to_string(&value);
            $crate::__private::MapRequest::map_request(self, |request| request.query(name, &value))
        }

        /// Gives this call (each page's call, for a list) `timeout` instead of the client's.
        pub fn timeout(self, timeout: ::core::time::Duration) -> Self {
            $crate::__private::MapRequest::map_request(self, |request| request.timeout(timeout))
        }

        /// Sends `token` as this call's bearer token (each page's, for a list), whatever the
        /// client's: to act as another user for one call, say.
        pub fn bearer_token(self, token: &str) -> Self {
            $crate::__private::MapRequest::map_request(self, |request| request.bearer_token(token))
        }
    };
}

/// A call whose request can be changed: what [`__call_options!`](crate::__call_options)
/// builds on.
#[doc(hidden)]
pub trait MapRequest: Sized {
    /// This call with its request changed by `map`.
    fn map_request(self, map: impl FnOnce(ApiRequest) -> ApiRequest) -> Self;
}

/// What awaiting a [`Call`] or a [`ListCall`] gives: the call on its way, ending with its
/// answer (the same as its `send()`).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), ordercloud_transport::Error> {
/// use ordercloud_transport::{ApiClient, MockTransport, http::Method};
///
/// let mock = MockTransport::new();
/// mock.push_status(200, r#"{"ID":"p-1"}"#);
/// let client = ApiClient::builder().transport(mock).build()?;
/// let product: serde_json::Value = client.request(Method::GET, "/products/p-1").returning().await?;
/// assert_eq!(product["ID"], "p-1");
/// # Ok(())
/// # }
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct CallFuture<T>(Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>);

impl<T> Future for CallFuture<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.as_mut().poll(cx)
    }
}

impl<T> fmt::Debug for CallFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallFuture")
    }
}

/// Names of what a call answers, so [`operation_request!`] can spell its methods' types.
#[doc(hidden)]
pub trait Answer {
    type Output;
    type Pages;
    type Items;
    type ById;
}

impl<T> Answer for Call<T> {
    type Output = T;
    type Pages = ();
    type Items = ();
    type ById = ();
}

impl<T, P> Answer for ListCall<T, P> {
    type Output = P;
    type Pages = Pages<T, P>;
    type Items = PageItems<T, P>;
    type ById = ByIdCall<T>;
}
