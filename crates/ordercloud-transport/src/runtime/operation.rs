//! `Operation`: one operation of OrderCloud's API description, as API crates list them.

/// What starts the path of an operation outside `/v1`: OrderCloud serves its OAuth
/// endpoints (the token, its signing keys, the user info) from the host's root.
const OUTSIDE_V1: &str = "/oauth/";

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
    /// The path template as OrderCloud's API description writes it, with a leading `/` and
    /// `{name}` for each path parameter (`"/products/{productID}"`): after `/v1`, but for the
    /// OAuth endpoints (`/oauth/...`: the token, the signing keys), which OrderCloud serves
    /// from the host's root (after a gateway's own path, if the base URL has one).
    pub path: &'static str,
    /// The roles any one of which grants access; empty for an anonymous operation.
    pub roles: &'static [&'static str],
}

impl Operation {
    /// Whether the route is under `/v1`, as every route of OrderCloud's API is but the OAuth
    /// endpoints (`/oauth/...`), which are at the host's root.
    ///
    /// ```
    /// use ordercloud_transport::Operation;
    ///
    /// const TOKEN: Operation = Operation { id: "Auth.Token", method: "POST", path: "/oauth/token", roles: &[] };
    /// assert!(!TOKEN.is_versioned());
    /// const CERT: Operation = Operation { id: "Certs.GetPublicKey", method: "GET", path: "/oauth/certs/{ID}", roles: &[] };
    /// assert!(!CERT.is_versioned());
    /// const ME: Operation = Operation { id: "Me.Get", method: "GET", path: "/me", roles: &[] };
    /// assert!(ME.is_versioned());
    /// ```
    pub fn is_versioned(&self) -> bool {
        !self.path.starts_with(OUTSIDE_V1)
    }

    /// The names of the path parameters, in path order.
    pub fn path_parameters(&self) -> impl Iterator<Item = &'static str> {
        let path: &'static str = self.path;
        path.split('{').skip(1).filter_map(|part| part.split_once('}').map(|(name, _)| name))
    }
}
