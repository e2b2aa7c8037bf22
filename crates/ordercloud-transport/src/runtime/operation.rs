//! `Operation`: one operation of OrderCloud's API description, as API crates list them.

/// One operation of the OrderCloud API, as its API description names it: what each API
/// crate lists in its `OPERATIONS` table and builds its calls from
/// ([`ApiClient::call`](crate::ApiClient::call)).
///
/// ```
/// use ordercloud_transport::Operation;
///
/// const GET_PRODUCT: Operation = Operation {
///     id: "Products.Get",
///     method: "GET",
///     path: "/products/{productID}",
///     roles: &["ProductAdmin", "ProductReader"],
/// };
/// assert_eq!(GET_PRODUCT.path_parameters().collect::<Vec<_>>(), ["productID"]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The operation's ID, `Resource.Operation` (`"Products.List"`): also the name of its
    /// calls in traces.
    pub id: &'static str,
    /// The HTTP method, upper case (`"GET"`).
    pub method: &'static str,
    /// The path template after `/v1`, with a leading `/` and `{name}` for each path
    /// parameter (`"/products/{productID}"`).
    pub path: &'static str,
    /// The roles any one of which grants access; empty for an anonymous operation.
    pub roles: &'static [&'static str],
}

impl Operation {
    /// The names of the path parameters, in path order.
    pub fn path_parameters(&self) -> impl Iterator<Item = &'static str> {
        let path: &'static str = self.path;
        path.split('{').skip(1).filter_map(|part| part.split_once('}').map(|(name, _)| name))
    }
}
