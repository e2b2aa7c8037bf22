//! `ApiRequest`: one call being built and sent through an [`ApiClient`].

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};
use ordercloud_models::{ListFields, ListOptions};
use serde::Serialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::address::encode::{push_encoded, push_form_encoded};
use crate::error::Error;
use crate::runtime::client::{ApiClient, Shared};
use crate::runtime::operation::Operation;
use crate::runtime::secrets::Secret;
use crate::runtime::token_provider::{TokenProvider, bearer};
use crate::timeout::checked_timeout;

pub(crate) const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");
const FORM_URLENCODED: HeaderValue = HeaderValue::from_static("application/x-www-form-urlencoded");

/// Headers a request sets itself, which [`ApiRequest::header`] refuses.
const SET_BY_THE_REQUEST: [header::HeaderName; 6] = [
    header::HOST,
    header::CONTENT_LENGTH,
    header::CONTENT_TYPE,
    header::AUTHORIZATION,
    header::USER_AGENT,
    header::ACCEPT,
];

/// Headers about the connection or the message's framing, which belong to the transport
/// (hop-by-hop headers, `Expect`, a body encoding the body does not have), refused too.
const CONNECTION_LEVEL: [&str; 10] = [
    "connection",
    "transfer-encoding",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
    "expect",
    "proxy-authorization",
    "content-encoding",
];

/// One OrderCloud call: a route with its path parameters, query, body and per-call options,
/// sent by one of the `send` methods, or walked page by page with [`pages`](Self::pages).
///
/// Every path parameter is percent-encoded as one segment (see
/// [`encode::push_encoded`](crate::encode::push_encoded)); an empty parameter, `.` or `..`
/// is refused before anything is sent. Mistakes while building (a body that does not
/// serialize, a token that cannot be a header) are reported by `send`, so building never
/// panics.
///
/// ```
/// # async fn example(client: ordercloud_transport::ApiClient) -> Result<(), ordercloud_transport::Error> {
/// use http::Method;
/// use ordercloud_models::PasswordReset;
///
/// // PUT /v1/password/reset/{verificationCode}
/// client
///     .request(Method::PUT, "/password/reset/{verificationCode}")
///     .operation("ForgottenCredentials.ResetPasswordByVerificationCode")
///     .secret_path_param("a code/with?odd#chars")
///     .json(&PasswordReset::new("my-client-id", "jdoe", "N3w-Secret-pass"))
///     .send_empty()
///     .await
/// # }
/// ```
///
/// A request owns what it needs (the client's parts are shared, not borrowed), so it, and
/// the [`Pages`](crate::Pages) walked from it, can be returned from a function or moved
/// into a spawned task.
#[must_use = "a request does nothing until it is sent"]
pub struct ApiRequest {
    pub(crate) shared: Arc<Shared>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) method: Method,
    pub(crate) route: &'static str,
    pub(crate) operation: &'static str,
    /// The path so far: the base prefix, the route up to `rest`, encoded parameters.
    pub(crate) path: String,
    /// The part of the route not yet copied into `path`.
    rest: &'static str,
    /// The encoded query, without `?` and without the page of a list call.
    pub(crate) query: String,
    /// The page of a list call: by number or by key, appended to the query when sent.
    pub(crate) page: Option<PageAt>,
    pub(crate) body: Option<Bytes>,
    pub(crate) content_type: Option<HeaderValue>,
    pub(crate) headers: Vec<(header::HeaderName, HeaderValue)>,
    pub(crate) authorization: Option<HeaderValue>,
    pub(crate) provider: Option<Arc<dyn TokenProvider>>,
    pub(crate) timeout: Duration,
    /// Values kept out of error text: secret parameters, tokens, passwords.
    pub(crate) secrets: Vec<Secret>,
    /// What the list operation takes, which its options are checked against.
    pub(crate) list_fields: &'static ListFields,
    pub(crate) error: Option<Error>,
}

/// Which page a list request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PageAt {
    /// `page=N`.
    Number(u32),
    /// `pageKey=K`, for lists paged by key.
    Key(String),
}

impl ApiClient {
    /// Starts a request: `route` is the path after `/v1`, with `{name}` for each path
    /// parameter, such as `/password/reset/{verificationCode}`.
    pub fn request(&self, method: Method, route: &'static str) -> ApiRequest {
        ApiRequest::new(self, method, route, true)
    }

    /// Starts a request to a route outside `/v1`, such as the token endpoint
    /// `/oauth/token`: the route follows the host (or a gateway's path) directly, whether
    /// the base URL was given with `/v1` or without.
    pub fn request_unversioned(&self, method: Method, route: &'static str) -> ApiRequest {
        ApiRequest::new(self, method, route, false)
    }

    /// Starts a call of a described operation: its method, its path (after `/v1`, or after
    /// the host for a route outside it, see [`Operation::path`]) and its ID as the call's
    /// name in traces, from `operation`.
    ///
    /// ```
    /// use ordercloud_transport::{ApiClient, Operation};
    ///
    /// const GET_ME: Operation = Operation { id: "Me.Get", method: "GET", path: "/me", roles: &["Shopper", "MeAdmin"] };
    /// # fn main() -> Result<(), ordercloud_transport::Error> {
    /// let client = ApiClient::builder().build()?;
    /// let request = client.call(&GET_ME);
    /// assert!(format!("{request:?}").contains("Me.Get"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn call(&self, operation: &'static Operation) -> ApiRequest {
        let mut request =
            ApiRequest::new(self, Method::GET, operation.path, operation.is_versioned()).operation(operation.id);
        match Method::from_bytes(operation.method.as_bytes()) {
            Ok(method) => request.method = method,
            Err(_) => {
                request.error.get_or_insert(Error::invalid(format!("{} has no valid HTTP method", operation.id)));
            }
        }
        request
    }
}

impl ApiRequest {
    pub(crate) fn new(client: &ApiClient, method: Method, route: &'static str, versioned: bool) -> Self {
        let error = (!route.starts_with('/')).then(|| Error::invalid("a route must start with '/'"));
        Self {
            shared: client.shared.clone(),
            user_agent: client.user_agent.clone(),
            method,
            route,
            operation: route,
            path: client.shared.base.path_buffer(route.len() + 32, versioned),
            rest: route,
            query: String::new(),
            page: None,
            body: None,
            content_type: None,
            headers: Vec::new(),
            authorization: client.authorization.clone(),
            provider: client.provider.clone(),
            timeout: client.timeout,
            secrets: Vec::new(),
            list_fields: &ListFields::ANY,
            error,
        }
    }

    /// Names the operation in traces as `Area.Operation`, the way the official SDKs name
    /// resources (for example `ForgottenCredentials.SendVerificationCode`). Default: the route.
    pub fn operation(mut self, name: &'static str) -> Self {
        self.operation = name;
        self
    }

    /// Fills the route's next `{name}` with `value`, encoded as one path segment.
    pub fn path_param(mut self, value: &str) -> Self {
        if self.error.is_some() {
            return self;
        }
        let Some((literal, after_open)) = self.rest.split_once('{') else {
            self.error = Some(Error::invalid("more path parameters than the route has"));
            return self;
        };
        let Some((name, rest)) = after_open.split_once('}') else {
            self.error = Some(Error::invalid("the route has an unclosed '{'"));
            return self;
        };
        if value.is_empty() || value == "." || value == ".." {
            self.error = Some(Error::invalid(format!("{name} must not be empty, \".\" or \"..\"")));
            return self;
        }
        self.path.push_str(literal);
        push_encoded(&mut self.path, value);
        self.rest = rest;
        self
    }

    /// Like [`path_param`](Self::path_param), for a secret such as a verification code: it is
    /// also scrubbed from the text of any error this call returns.
    pub fn secret_path_param(mut self, value: &str) -> Self {
        self.secrets.push(Secret::any_case(value));
        self.path_param(value)
    }

    /// Appends `name=value` to the query, both encoded so `+`, `&`, `=` and non-ASCII arrive
    /// intact.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        push_encoded(&mut self.query, name);
        self.query.push('=');
        push_encoded(&mut self.query, value);
        self
    }

    /// What the list operation takes: its own query parameters (`catalogID` on
    /// `Products.List`...), the properties it sorts by and searches in, and the listed
    /// model's properties. [`list_options`](Self::list_options) then refuses a filter named
    /// like one of its parameters (which OrderCloud would read as that parameter) or on a
    /// property the model does not have (`xp.` paths are free), and a sort or search it does
    /// not take. Generated list operations give theirs.
    pub fn list_fields(mut self, fields: &'static ListFields) -> Self {
        self.list_fields = fields;
        self
    }

    /// Adds a list call's options to the query: `page`, `pageSize`, `search`, `searchOn`,
    /// `sortBy` and each filter, every name and value encoded like [`query`](Self::query)'s.
    /// With [`pages`](Self::pages), the page given here is the first one fetched. An option
    /// that cannot be sent is refused when the call is sent, naming it: a typed filter that
    /// could not be written, a filter named like a list parameter, and what the operation's
    /// [fields](Self::list_fields) do not take ([`ListOptions::check_against`]).
    pub fn list_options(mut self, options: &ListOptions) -> Self {
        if let Err(error) = options.check_against(self.list_fields) {
            self.error.get_or_insert(Error::invalid(error.to_string()));
        }
        for (name, value) in options.query_pairs_without_page() {
            self = self.query(name, &value);
        }
        if let Some(page) = options.page {
            self.page = Some(PageAt::Number(page));
        }
        self
    }

    /// Sends `body` as compact JSON with `Content-Type: application/json`, its read-only
    /// fields left out (see [`ordercloud_models::to_request_body`]).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match ordercloud_models::to_request_body(body) {
            Ok(buffer) => self.set_body(Bytes::from(buffer), APPLICATION_JSON),
            Err(source) => {
                self.error.get_or_insert(Error::invalid_with("the request body could not be serialized", source));
            }
        }
        self
    }

    /// [`json`](Self::json) with `body` when there is one, for an operation that can be
    /// called without a body; with `None`, the request has no body.
    pub fn optional_json<T: Serialize + ?Sized>(self, body: Option<&T>) -> Self {
        match body {
            Some(body) => self.json(body),
            None => self,
        }
    }

    /// Like [`json`](Self::json), for an operation whose body must hold `required` fields
    /// (their JSON names): a body missing one, or holding `null` for it, is refused before
    /// anything is sent, naming the field.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use ordercloud_transport::{ApiClient, MockTransport, http::Method};
    ///
    /// let mock = MockTransport::new();
    /// let client = ApiClient::builder().transport(mock.clone()).build().unwrap();
    /// let error = client
    ///     .request(Method::POST, "/products")
    ///     .operation("Products.Create")
    ///     .json_requiring(&serde_json::json!({"ID": "p-1"}), &["Name"])
    ///     .send_empty()
    ///     .await
    ///     .unwrap_err();
    /// assert_eq!(error.to_string(), "invalid request, nothing was sent: the body of Products.Create needs Name");
    /// assert!(mock.requests().is_empty());
    /// # }
    /// ```
    pub fn json_requiring<T: Serialize + ?Sized>(self, body: &T, required: &[&str]) -> Self {
        self.json_requiring_by_country(body, required, &[])
    }

    /// Like [`json_requiring`](Self::json_requiring), where some fields are required only in
    /// some countries: `for_countries` pairs such a field with the `Country` codes that need
    /// it. OrderCloud requires an address's `State` and `Zip` in the US and Canada:
    ///
    /// ```
    /// # fn main() -> Result<(), ordercloud_transport::Error> {
    /// use ordercloud_transport::ApiClient;
    /// use ordercloud_transport::http::Method;
    ///
    /// let client = ApiClient::builder().build()?;
    /// let rule: &[(&str, &[&str])] = &[("State", &["US", "CA"]), ("Zip", &["US", "CA"])];
    /// let address = serde_json::json!({"Street1": "1 Main St", "City": "Reno", "Country": "US", "Zip": "89501"});
    /// let request = client.request(Method::POST, "/addresses").json_requiring_by_country(&address, &["Street1"], rule);
    /// assert!(format!("{request:?}").contains("needs State in US"));
    /// let abroad = serde_json::json!({"Street1": "1 Rue", "City": "Lyon", "Country": "FR"});
    /// let request = client.request(Method::POST, "/addresses").json_requiring_by_country(&abroad, &["Street1"], rule);
    /// assert!(!format!("{request:?}").contains("needs"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn json_requiring_by_country<T: Serialize + ?Sized>(
        self,
        body: &T,
        required: &[&str],
        for_countries: &[(&str, &[&str])],
    ) -> Self {
        let mut request = self.json(body);
        if request.error.is_some() || (required.is_empty() && for_countries.is_empty()) {
            return request;
        }
        // The body is read once, for both checks.
        let TopLevel { present, country } = request.body.as_deref().map(TopLevel::read).unwrap_or_default();
        let has = |field: &str| present.iter().any(|name| name == field);
        if let Some(missing) = required.iter().find(|name| !has(name)) {
            request.error = Some(Error::invalid(format!("the body of {} needs {missing}", request.operation)));
            return request;
        }
        let Some(country) = country else { return request };
        let needed = for_countries
            .iter()
            .find(|(field, countries)| countries.iter().any(|code| code.eq_ignore_ascii_case(&country)) && !has(field));
        if let Some((missing, _)) = needed {
            request.error =
                Some(Error::invalid(format!("the body of {} needs {missing} in {country}", request.operation)));
        }
        request
    }

    /// Sends `pairs` as a form with `Content-Type: application/x-www-form-urlencoded`, each
    /// name and value encoded (a space as `+`). Mark secret values with
    /// [`redact`](Self::redact).
    pub fn form<'a, I: IntoIterator<Item = (&'a str, &'a str)>>(mut self, pairs: I) -> Self {
        let mut body = String::with_capacity(128);
        for (name, value) in pairs {
            if !body.is_empty() {
                body.push('&');
            }
            push_form_encoded(&mut body, name);
            body.push('=');
            push_form_encoded(&mut body, value);
        }
        self.set_body(Bytes::from(body), FORM_URLENCODED);
        self
    }

    fn set_body(&mut self, body: Bytes, content_type: HeaderValue) {
        self.body = Some(body);
        self.content_type = Some(content_type);
    }

    /// Adds the header `name: value` to this call. A name or value that cannot be sent is
    /// refused when the call is sent, and so is a header the request sets itself (`Host`,
    /// `Accept`, `Content-Type`, `Content-Length`, `Authorization`, `User-Agent`) or one about
    /// the connection, which the transport manages (`Connection`, `Transfer-Encoding`,
    /// `Keep-Alive`, `Proxy-Connection`, `TE`, `Trailer`, `Upgrade`, `Expect`,
    /// `Proxy-Authorization`, `Content-Encoding`).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.push_header(name, value, false);
        self
    }

    /// Like [`header`](Self::header), for a secret (an API key, a signature): the value is
    /// marked sensitive, so HTTP/2 stacks never index it, and scrubbed from any error text.
    pub fn secret_header(mut self, name: &str, value: &str) -> Self {
        self.secrets.push(Secret::any_case(value));
        self.push_header(name, value, true);
        self
    }

    fn push_header(&mut self, name: &str, value: &str, sensitive: bool) {
        let header = header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid("a header name is not a valid HTTP header name"))
            .and_then(|name| {
                if SET_BY_THE_REQUEST.contains(&name) {
                    Err(Error::invalid(format!("the {name} header is set by the request itself")))
                } else if CONNECTION_LEVEL.contains(&name.as_str()) {
                    Err(Error::invalid(format!(
                        "the {name} header is about the connection, which the transport manages"
                    )))
                } else {
                    Ok(name)
                }
            })
            .and_then(|name| {
                let mut value = HeaderValue::from_str(value).map_err(|_| {
                    Error::invalid(format!("the value of the {name} header has characters that cannot be sent"))
                })?;
                value.set_sensitive(sensitive);
                Ok((name, value))
            });
        match header {
            Ok(header) => self.headers.push(header),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
    }

    /// Sends `token` as `Authorization: Bearer <token>` for this call only, whatever token
    /// the client has. An empty token is refused.
    pub fn bearer_token(mut self, token: &str) -> Self {
        self.secrets.push(Secret::any_case(token));
        match bearer(token) {
            Ok(value) => {
                self.authorization = Some(value);
                self.provider = None;
            }
            Err(message) => {
                self.error.get_or_insert(Error::invalid(message));
            }
        }
        self
    }

    /// Sends no `Authorization` header on this call, whatever token the client has.
    pub fn without_token(mut self) -> Self {
        self.authorization = None;
        self.provider = None;
        self
    }

    /// Gives this call `timeout` instead of the client's: longer than zero (a zero timeout
    /// is refused when the call is sent), and at most [`MAX_TIMEOUT`](crate::MAX_TIMEOUT),
    /// to which a longer one is shortened.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        match checked_timeout(timeout, "the call's timeout") {
            Ok(timeout) => self.timeout = timeout,
            Err(message) => {
                self.error.get_or_insert(Error::invalid(message));
            }
        }
        self
    }

    /// Keeps `value`, such as a password the body carries, out of the text of any error this
    /// call returns, in every encoding a server is likely to echo it in; it counts in its own
    /// letter case only, so a server's own words are not mistaken for it.
    pub fn redact(mut self, value: &str) -> Self {
        self.secrets.push(Secret::exact_case(value));
        self
    }

    /// Like [`redact`](Self::redact), for a code, key or token, which counts in any letter
    /// case.
    pub fn redact_token(mut self, value: &str) -> Self {
        self.secrets.push(Secret::any_case(value));
        self
    }

    /// Keeps `secret` out of the text of any error this call returns, counted as it says
    /// ([`redact`](Self::redact) and [`redact_token`](Self::redact_token) in one).
    pub fn redact_secret(mut self, secret: &Secret) -> Self {
        self.secrets.push(secret.clone());
        self
    }

    /// A copy of this request for another page; an error found while building stays with
    /// the original.
    pub(crate) fn duplicate(&self, page: Option<PageAt>) -> Self {
        Self {
            shared: self.shared.clone(),
            user_agent: self.user_agent.clone(),
            method: self.method.clone(),
            route: self.route,
            operation: self.operation,
            path: self.path.clone(),
            rest: self.rest,
            query: self.query.clone(),
            page,
            body: self.body.clone(),
            content_type: self.content_type.clone(),
            headers: self.headers.clone(),
            authorization: self.authorization.clone(),
            provider: self.provider.clone(),
            timeout: self.timeout,
            secrets: self.secrets.clone(),
            list_fields: self.list_fields,
            error: None,
        }
    }

    /// Completes the route, then takes the page this request asks for and any error found
    /// while building it.
    pub(crate) fn take_page_and_error(&mut self) -> (Option<PageAt>, Option<Error>) {
        self.finish_route();
        (self.page.take(), self.error.take())
    }

    pub(crate) fn finish_route(&mut self) {
        if !self.rest.is_empty() {
            if self.error.is_none() && self.rest.contains('{') {
                self.error = Some(Error::invalid("a path parameter of the route is missing"));
            }
            self.path.push_str(self.rest);
            self.rest = "";
        }
    }
}

impl std::fmt::Debug for ApiRequest {
    /// The request's shape only: the concrete path (which holds encoded parameters such as a
    /// verification code), the token and the body are never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiRequest")
            .field("method", &self.method)
            .field("route", &self.route)
            .field("operation", &self.operation)
            .field("body_bytes", &self.body.as_ref().map(Bytes::len))
            .field("header_names", &self.headers.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .field("authorization", &self.authorization.as_ref().map(|_| ordercloud_models::REDACTED))
            .field("token_provider", &self.provider)
            .field("timeout", &self.timeout)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

/// A 2xx answer with its body decoded: what
/// [`send_json_response`](ApiRequest::send_json_response) returns.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// The status (2xx).
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

/// What the required-field checks read of a JSON body, in one pass.
#[derive(Default)]
struct TopLevel {
    /// The top-level fields of a JSON object that hold something other than `null`.
    present: Vec<String>,
    /// The top-level `Country`, if it is text.
    country: Option<String>,
}

impl TopLevel {
    /// The top-level fields of the JSON object `body`; nothing for any other JSON.
    fn read(body: &[u8]) -> Self {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = TopLevel;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<TopLevel, M::Error> {
                let mut fields = TopLevel::default();
                while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    let present = if name == "Country" {
                        let value = map.next_value::<serde_json::Value>()?;
                        if let serde_json::Value::String(country) = &value {
                            fields.country = Some(country.clone());
                        }
                        !value.is_null()
                    } else {
                        map.next_value::<Option<IgnoredAny>>()?.is_some()
                    };
                    if present {
                        fields.present.push(name.into_owned());
                    }
                }
                Ok(fields)
            }
        }
        serde_json::Deserializer::from_slice(body).deserialize_map(Fields).unwrap_or_default()
    }
}
