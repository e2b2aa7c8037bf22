//! `ApiRequest`: one call being built and sent through an [`ApiClient`].

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use ordercloud_models::{ErrorCode, ListOptions};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::Error;
use crate::client::{ApiClient, bearer, bearer_token, checked_timeout};
use crate::encode::{push_encoded, push_form_encoded};
use crate::error::{DecodeError, ResponseError, json_text};
use crate::error_body::ErrorBody;
use crate::pages::{PageAt, Pages};
use crate::text::Secret;
use crate::token_provider::TokenProvider;
use crate::transport::{Elapsed, Sleep, TransportError, TransportErrorKind};

const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");
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
#[must_use = "a request does nothing until it is sent"]
pub struct ApiRequest<'c> {
    client: &'c ApiClient,
    method: Method,
    route: &'static str,
    operation: &'static str,
    /// The path so far: the base prefix, the route up to `rest`, encoded parameters.
    path: String,
    /// The part of the route not yet copied into `path`.
    rest: &'static str,
    /// The encoded query, without `?` and without the page of a list call.
    query: String,
    /// The page of a list call: by number or by key, appended to the query when sent.
    page: Option<PageAt>,
    body: Option<Bytes>,
    content_type: Option<HeaderValue>,
    headers: Vec<(header::HeaderName, HeaderValue)>,
    authorization: Option<HeaderValue>,
    provider: Option<Arc<dyn TokenProvider>>,
    timeout: Duration,
    /// Values kept out of error text: secret parameters, tokens, passwords.
    secrets: Vec<SecretValue>,
    error: Option<Error>,
}

impl<'c> ApiRequest<'c> {
    pub(crate) fn new(client: &'c ApiClient, method: Method, route: &'static str, versioned: bool) -> Self {
        let error = (!route.starts_with('/')).then(|| Error::invalid("a route must start with '/'"));
        Self {
            client,
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
        self.secrets.push(SecretValue::any_case(value));
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

    /// Adds a list call's options to the query: `page`, `pageSize`, `search`, `searchOn`,
    /// `sortBy` and each filter, every name and value encoded like [`query`](Self::query)'s.
    /// With [`pages`](Self::pages), the page given here is the first one fetched.
    pub fn list_options(mut self, options: &ListOptions) -> Self {
        for (name, value) in options.query_pairs_without_page() {
            self = self.query(name, &value);
        }
        if let Some(page) = options.page {
            self.page = Some(PageAt::Number(page));
        }
        self
    }

    /// Sends `body` as compact JSON with `Content-Type: application/json`.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        let mut buffer = Vec::with_capacity(128);
        match serde_json::to_writer(&mut buffer, body) {
            Ok(()) => self.set_body(Bytes::from(buffer), APPLICATION_JSON),
            Err(source) => {
                self.error.get_or_insert(Error::invalid_with("the request body could not be serialized", source));
            }
        }
        self
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
        self.secrets.push(SecretValue::any_case(value));
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
        self.secrets.push(SecretValue::any_case(token));
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
        self.secrets.push(SecretValue { value: value.to_owned(), any_case: false });
        self
    }

    /// Like [`redact`](Self::redact), for a code, key or token, which counts in any letter
    /// case.
    pub fn redact_token(mut self, value: &str) -> Self {
        self.secrets.push(SecretValue::any_case(value));
        self
    }

    /// Sends the request and returns the 2xx response; any other status is an
    /// [`Error::Response`].
    pub async fn send(self) -> Result<Response<Bytes>, Error> {
        self.execute().await.map(|(response, _)| response)
    }

    /// Sends the request and ignores the 2xx response's body (for `204 No Content` endpoints).
    pub async fn send_empty(self) -> Result<(), Error> {
        self.execute().await.map(drop)
    }

    /// Sends the request and decodes the 2xx response's JSON body.
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.send_json_response().await.map(|response| response.body)
    }

    /// Sends the request and returns the 2xx response's status and headers with its JSON body
    /// decoded (a UTF-8 byte-order mark skipped; a body that does not decode is an
    /// [`Error::Decode`]).
    pub async fn send_json_response<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        self.send_decoded().await.map(|(response, _)| response)
    }

    /// Sends the request and decodes the 2xx answer's JSON body; the raw body comes back too.
    pub(crate) async fn send_decoded<T: DeserializeOwned>(self) -> Result<(ApiResponse<T>, Bytes), Error> {
        let (response, mut secrets) = self.execute().await?;
        let (parts, body) = response.into_parts();
        match serde_json::from_slice(json_text(&body)) {
            Ok(decoded) => Ok((ApiResponse { status: parts.status, headers: parts.headers, body: decoded }, body)),
            Err(source) => {
                Err(Error::Decode(Box::new(DecodeError::new(parts.status, body, &source, &secrets.as_strs()))))
            }
        }
    }

    /// Walks a list endpoint page by page, each page fetched when asked for: see [`Pages`].
    pub fn pages<T: DeserializeOwned>(self) -> Pages<'c, T> {
        Pages::new(self)
    }

    /// A copy of this request for another page; an error found while building stays with
    /// the original.
    pub(crate) fn duplicate(&self, page: Option<PageAt>) -> Self {
        Self {
            client: self.client,
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
            error: None,
        }
    }

    /// Completes the route, then takes the page this request asks for and any error found
    /// while building it.
    pub(crate) fn take_page_and_error(&mut self) -> (Option<PageAt>, Option<Error>) {
        self.finish_route();
        (self.page.take(), self.error.take())
    }

    fn finish_route(&mut self) {
        if !self.rest.is_empty() {
            if self.error.is_none() && self.rest.contains('{') {
                self.error = Some(Error::invalid("a path parameter of the route is missing"));
            }
            self.path.push_str(self.rest);
            self.rest = "";
        }
    }

    /// Sends the request; a 2xx answer comes back with the call's secrets, for scrubbing a
    /// decoding error's text.
    async fn execute(mut self) -> Result<(Response<Bytes>, Secrets), Error> {
        self.finish_route();
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let shared = &self.client.shared;
        shared.transport.check_ready()?;
        if let Some(page) = self.page.take() {
            let (name, value) = match &page {
                PageAt::Number(number) => ("page", number.to_string()),
                PageAt::Key(key) => ("pageKey", key.clone()),
            };
            self = self.query(name, &value);
        }
        if !self.query.is_empty() {
            self.path.push('?');
            self.path.push_str(&self.query);
        }
        let uri = shared.base.uri(std::mem::take(&mut self.path))?;
        let call = Call {
            client: self.client,
            method: self.method,
            uri,
            authorization: self.authorization.take(),
            provider: self.provider.take(),
            provided: Mutex::new(None),
            body: self.body.take(),
            content_type: self.content_type.take(),
            headers: std::mem::take(&mut self.headers),
        };

        let span = tracing::debug_span!(
            "ordercloud.request",
            operation = self.operation,
            method = %call.method,
            route = self.route,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        // Timeouts are at most MAX_TIMEOUT, so this fails only on a clock near its end.
        let deadline = started
            .checked_add(self.timeout)
            .ok_or_else(|| Error::config("the clock cannot represent the call's deadline"))?;
        let attempts = AtomicU32::new(0);
        let run = with_timeout(call.run(deadline, &attempts), shared.transport.sleep(self.timeout));
        // Without a subscriber for the span, skip the wrapper's enter/exit on every poll.
        let outcome = if span.is_disabled() { run.await } else { run.instrument(span.clone()).await };
        if !span.is_disabled() {
            span.record("attempts", attempts.load(Ordering::Relaxed));
            span.record("elapsed_ms", started.elapsed().as_secs_f64() * 1000.0);
        }
        let provided = call.provided.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut secrets =
            Secrets { values: self.secrets, authorization: provided.or(call.authorization), provider: call.provider };
        match outcome {
            // A call still waiting for its token or its turn was never sent.
            None if attempts.load(Ordering::Relaxed) == 0 => {
                Err(TransportError::new(TransportErrorKind::QueueTimeout, Elapsed(self.timeout)).into())
            }
            None => Err(TransportError::new(TransportErrorKind::Timeout, Elapsed(self.timeout)).into()),
            Some(Err(error)) => Err(error),
            Some(Ok(response)) => {
                span.record("status", response.status().as_u16());
                if response.status().is_success() {
                    Ok((response, secrets))
                } else {
                    let (parts, body) = response.into_parts();
                    let error = ResponseError::new(parts.status, parts.headers, body, &secrets.as_strs());

                    Err(Error::Response(Box::new(error)))
                }
            }
        }
    }
}

impl std::fmt::Debug for ApiRequest<'_> {
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

/// A value a call's error text must not show, and whether it counts in any letter case.
#[derive(Clone)]
struct SecretValue {
    value: String,
    any_case: bool,
}

impl SecretValue {
    fn any_case(value: &str) -> Self {
        Self { value: value.to_owned(), any_case: true }
    }
}

/// What a call's error text must not show: its secret parameters, redacted values and
/// token (the client's or the call's own).
struct Secrets {
    values: Vec<SecretValue>,
    authorization: Option<HeaderValue>,
    /// The provider whose own secrets (password, client secret...) join `values` when an
    /// error needs them.
    provider: Option<Arc<dyn TokenProvider>>,
}

impl Secrets {
    /// The secrets as the scrubber takes them; asks the token provider for its own first,
    /// so a call that succeeds never does.
    fn as_strs(&mut self) -> Vec<Secret<'_>> {
        if let Some(provider) = self.provider.take() {
            let extra = provider.secrets().into_iter().map(|(value, any_case)| SecretValue { value, any_case });
            self.values.extend(extra);
        }
        let token = self.authorization.as_ref().and_then(bearer_token).map(Secret::any_case);
        let values = self.values.iter().map(|secret| match secret.any_case {
            true => Secret::any_case(&secret.value),
            false => Secret::exact_case(&secret.value),
        });
        values.chain(token).collect()
    }
}

/// A prepared request and the attempts to send it.
struct Call<'c> {
    client: &'c ApiClient,
    method: Method,
    uri: http::Uri,
    authorization: Option<HeaderValue>,
    provider: Option<Arc<dyn TokenProvider>>,
    /// The last value the provider gave, for keeping it out of error text.
    provided: Mutex<Option<HeaderValue>>,
    body: Option<Bytes>,
    content_type: Option<HeaderValue>,
    headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl Call<'_> {
    /// Sends the request, retrying as the policy allows while time is left before `deadline`,
    /// and counting each attempt in `attempts`. Returns the last answer, whatever its status.
    async fn run(&self, deadline: Instant, attempts: &AtomicU32) -> Result<Response<Bytes>, Error> {
        let shared = &self.client.shared;
        let mut retries = 0;
        // The provider's value the API refused with 401 InvalidToken, once.
        let mut rejected: Option<HeaderValue> = None;
        let mut renewed = false;
        loop {
            // The token first, without a place in flight, so a token request never waits
            // behind the calls that need its token.
            let provided = match &self.provider {
                Some(provider) => Some(self.provided_authorization(provider.as_ref(), rejected.take()).await?),
                None => None,
            };
            let permit = match shared.in_flight.try_acquire() {
                // The usual case, without building a waiter.
                Ok(permit) => permit,
                Err(_) => shared
                    .in_flight
                    .acquire()
                    .await
                    .map_err(|_| Error::invalid("the client's request limiter was closed"))?,
            };
            attempts.fetch_add(1, Ordering::Relaxed);
            let sent = shared.transport.send(self.attempt(provided.as_ref().or(self.authorization.as_ref()))).await;
            drop(permit);
            let wait = match sent {
                Ok(response) => {
                    let status = response.status();
                    if status.is_success() {
                        return Ok(response);
                    }
                    if status == StatusCode::UNAUTHORIZED && !renewed && provided.is_some() && refuses_token(&response)
                    {
                        // A 401 did nothing: renew the token once and send again at once.
                        tracing::info!(attempt = retries + 1, "renewing the access token after 401 InvalidToken");
                        renewed = true;
                        rejected = provided;
                        continue;
                    }
                    match shared.retry.after_status(retries, &self.method, status, response.headers()) {
                        Some(wait) if fits(wait, deadline) => {
                            tracing::info!(
                                attempt = retries + 1,
                                status = status.as_u16(),
                                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                                "retrying after a status that did not take effect"
                            );
                            wait
                        }
                        _ => return Ok(response),
                    }
                }
                Err(error) => match shared.retry.after_failure(retries, &error) {
                    Some(wait) if fits(wait, deadline) => {
                        tracing::info!(attempt = retries + 1, error = %error, wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX), "retrying a request that was not sent");
                        wait
                    }
                    _ => return Err(error.into()),
                },
            };
            shared.transport.sleep(wait).await;
            retries += 1;
        }
    }

    /// The provider's value for the next attempt: the one at hand, else a fetched one (a
    /// newer one than `rejected`, when the API refused that).
    async fn provided_authorization(
        &self,
        provider: &dyn TokenProvider,
        rejected: Option<HeaderValue>,
    ) -> Result<HeaderValue, Error> {
        let value = match rejected.is_none().then(|| provider.cached_authorization()).flatten() {
            Some(value) => value,
            None => provider.authorization(rejected.as_ref()).await?,
        };
        *self.provided.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(value.clone());
        Ok(value)
    }

    /// The request of one attempt. Headers are built here rather than cloned from a
    /// prepared map: every value is a cheap clone, and the usual single attempt builds once.
    /// `Host` is the base URL's, computed once, so hyper does not format it per request.
    fn attempt(&self, authorization: Option<&HeaderValue>) -> Request<Bytes> {
        let mut headers = HeaderMap::with_capacity(5 + self.headers.len());
        headers.insert(header::ACCEPT, APPLICATION_JSON);
        headers.insert(header::HOST, self.client.shared.base.host_header());
        headers.insert(header::USER_AGENT, self.client.shared.user_agent.clone());
        if let Some(authorization) = authorization {
            headers.insert(header::AUTHORIZATION, authorization.clone());
        }
        if let Some(content_type) = &self.content_type {
            headers.insert(header::CONTENT_TYPE, content_type.clone());
        }
        for (name, value) in &self.headers {
            headers.append(name.clone(), value.clone());
        }
        let mut request = Request::new(self.body.clone().unwrap_or_default());
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = headers;
        request
    }
}

/// Whether a 401's body says the token was refused (`InvalidToken`).
fn refuses_token(response: &Response<Bytes>) -> bool {
    ErrorBody::parse(json_text(response.body()))
        .entries
        .first()
        .is_some_and(|entry| entry.code == ErrorCode::InvalidToken)
}

/// Whether a wait of `wait` ends before `deadline`; a wait too long for the clock does not.
fn fits(wait: Duration, deadline: Instant) -> bool {
    Instant::now().checked_add(wait).is_some_and(|end| end < deadline)
}

/// Runs `future` until it completes or `sleep` does, whichever is first (`None` on timeout).
/// The future is polled first, so an answer that is ready wins over a timer that is too.
async fn with_timeout<F: Future>(future: F, mut sleep: Sleep) -> Option<F::Output> {
    let mut future = pin!(future);
    poll_fn(|cx| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        if sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        Poll::Pending
    })
    .await
}
