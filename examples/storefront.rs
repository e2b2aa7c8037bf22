//! A storefront backend-for-frontend on plain hyper: the shopper's browser talks to it (JSON
//! and a session cookie), and it talks to OrderCloud. The `storefront_backend` example runs
//! it; its test drives it against the simulator.
//!
//! | route | does |
//! |---|---|
//! | `POST /api/password/forgot` `{"username"}` | emails a verification code |
//! | `POST /api/password/reset` `{"username","code","password"}` | sets a new password with the code |
//! | `POST /api/otp` `{"username"}` | emails a one-time password |
//! | `POST /api/login` `{"username","password"}` | logs in (a password or a one-time password); sets the `sid` cookie |
//! | `GET /api/me` | the signed-in shopper |
//! | `POST /api/me/password` `{"password"}` | changes the signed-in shopper's password |
//! | `GET /api/cart` | the signed-in shopper's cart: its lines and total |
//! | `POST /api/cart/items` `{"product","quantity"}` | adds to the cart; the cart |
//! | `POST /api/cart/submit` | submits the cart: the order's status and total |
//! | `POST /api/logout` | ends the session |
//!
//! The pattern: a login makes a [`Session::from_login`], which keeps no password and renews
//! with its refresh token only. Each session is saved in a [`SessionStore`] (Redis or a
//! database in production) when it starts and whenever it renews ([`Session::on_event`]), so
//! another instance, or this one after a restart, [restores](Session::restore) it. Every
//! OrderCloud error becomes an answer in one place, by [`Error::category`]. The cart is
//! OrderCloud's Cart, as OrderCloud recommends for a shopper: the backend keeps no order ID.
//!
//! With several instances, send each shopper's requests to one of them (sticky sessions);
//! the store then serves restarts and failover. A refresh token works once, so two instances
//! renewing the same session at the same moment race for it, and the loser's session ends.

use std::collections::HashMap;
use std::convert::Infallible;
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, COOKIE, HeaderMap, HeaderValue, SET_COOKIE};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use ordercloud::orders::CartApi;
use ordercloud::orders::models::LineItem;
use ordercloud_auth::{AuthApi, Session, SessionEvent, SessionSnapshot, TokenRequest};
use ordercloud_models::{OneTimePasswordRequest, PasswordReset, PasswordResetRequest, TokenPasswordReset};
use ordercloud_password_reset::{ErrorExt, PasswordResetApi};
use ordercloud_transport::{ApiClient, Error, ErrorCategory, HttpTransport, HyperTransport};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// Where sessions live between requests and across restarts: a stand-in for Redis or a
/// database, holding each session's snapshot as JSON under its session ID. A snapshot holds
/// the shopper's tokens: keep a real store server-side and encrypted at rest.
#[derive(Clone, Default)]
pub struct SessionStore(Arc<Mutex<HashMap<String, String>>>);

/// The number of sessions only: the snapshots hold tokens, and their IDs are cookies.
impl std::fmt::Debug for SessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionStore").field("sessions", &self.len()).finish_non_exhaustive()
    }
}

impl SessionStore {
    fn save(&self, id: &str, snapshot: &SessionSnapshot) {
        if let Ok(json) = serde_json::to_string(snapshot) {
            self.lock().insert(id.to_owned(), json);
        }
    }

    fn load(&self, id: &str) -> Option<SessionSnapshot> {
        serde_json::from_str(self.lock().get(id)?).ok()
    }

    fn delete(&self, id: &str) {
        self.lock().remove(id);
    }

    /// How many sessions are stored.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no session is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The backend: one OrderCloud client (one connection pool) for every shopper, the
/// sessions of this process, and the store they are saved in.
#[derive(Debug)]
pub struct Storefront {
    client: ApiClient,
    client_id: String,
    reset_url: String,
    sessions: Mutex<HashMap<String, Session>>,
    store: SessionStore,
}

/// An answer to the browser: a status, a JSON body (none for 204), perhaps a cookie.
struct Reply {
    status: StatusCode,
    body: Option<Value>,
    cookie: Option<String>,
}

impl Reply {
    fn json(status: StatusCode, body: Value) -> Self {
        Self { status, body: Some(body), cookie: None }
    }

    fn done() -> Self {
        Self { status: StatusCode::NO_CONTENT, body: None, cookie: None }
    }

    fn refused(status: StatusCode, error: &str) -> Self {
        Self::json(status, json!({ "error": error }))
    }
}

/// Every OrderCloud failure becomes an answer here, by its category: no table of codes.
impl From<Error> for Reply {
    fn from(error: Error) -> Self {
        let category = error.category();
        if matches!(category, ErrorCategory::Internal | ErrorCategory::Unavailable | ErrorCategory::Timeout) {
            eprintln!("storefront: OrderCloud call failed: {error}"); // Display never holds a secret
        }
        let mut body = json!({ "error": category.as_str() });
        if let Some(requirements) = error.password_requirements() {
            body["requirements"] = json!(requirements.describe());
        }
        Self::json(category.http_status(), body)
    }
}

impl Storefront {
    /// A backend for the API client `client_id`, calling OrderCloud through `client`, keeping
    /// sessions in `store`; reset emails link to `reset_url`.
    pub fn new(client: ApiClient, client_id: &str, reset_url: &str, store: SessionStore) -> Self {
        Self {
            client,
            client_id: client_id.to_owned(),
            reset_url: reset_url.to_owned(),
            sessions: Mutex::default(),
            store,
        }
    }

    async fn handle(&self, request: Request<Incoming>) -> Reply {
        let (parts, body) = request.into_parts();
        let Ok(body) = Limited::new(body, 16 * 1024).collect().await else {
            return Reply::refused(StatusCode::PAYLOAD_TOO_LARGE, "validation");
        };
        let body: Value = serde_json::from_slice(&body.to_bytes()).unwrap_or(Value::Null);
        let outcome = match (&parts.method, parts.uri.path()) {
            (&Method::POST, "/api/password/forgot") => self.forgot(&body).await,
            (&Method::POST, "/api/password/reset") => self.reset(&body).await,
            (&Method::POST, "/api/otp") => self.one_time_password(&body).await,
            (&Method::POST, "/api/login") => self.log_in(&body).await,
            (&Method::GET, "/api/me") => self.me(&parts.headers).await,
            (&Method::POST, "/api/me/password") => self.change_password(&parts.headers, &body).await,
            (&Method::GET, "/api/cart") => self.cart(&parts.headers).await,
            (&Method::POST, "/api/cart/items") => self.add_to_cart(&parts.headers, &body).await,
            (&Method::POST, "/api/cart/submit") => self.check_out(&parts.headers).await,
            (&Method::POST, "/api/logout") => Ok(self.log_out(&parts.headers)),
            _ => Err(Reply::refused(StatusCode::NOT_FOUND, "not_found")),
        };
        outcome.unwrap_or_else(|reply| reply)
    }

    async fn forgot(&self, body: &Value) -> Result<Reply, Reply> {
        let request = PasswordResetRequest::new(&self.client_id).with_username(field(body, "username")?);
        self.password_reset().send_verification_code(&request.with_url(&self.reset_url)).await?;
        Ok(Reply::done()) // the same answer whether or not the account exists
    }

    async fn reset(&self, body: &Value) -> Result<Reply, Reply> {
        let reset = PasswordReset::new(&self.client_id, field(body, "username")?, field(body, "password")?);
        self.password_reset().reset_password(field(body, "code")?, &reset).await?;
        Ok(Reply::done())
    }

    async fn one_time_password(&self, body: &Value) -> Result<Reply, Reply> {
        let request = OneTimePasswordRequest::new(&self.client_id).with_username(field(body, "username")?);
        self.password_reset().send_one_time_password(&request).await?;
        Ok(Reply::done())
    }

    /// Logs in with a password or a one-time password. The session keeps neither.
    async fn log_in(&self, body: &Value) -> Result<Reply, Reply> {
        let login = TokenRequest::password(&self.client_id, field(body, "username")?, field(body, "password")?);
        let token = AuthApi::new(self.client.clone()).token(&login).await?;
        let session = Session::from_login(self.client.clone(), &self.client_id, token)?;
        let id = new_session_id();
        self.store.save(&id, &session.snapshot());
        self.keep(&id, session);
        let mut reply = Reply::json(StatusCode::OK, json!({ "username": field(body, "username")? }));
        reply.cookie = Some(format!("sid={id}; Path=/; HttpOnly; SameSite=Strict")); // and Secure, behind HTTPS
        Ok(reply)
    }

    async fn me(&self, headers: &HeaderMap) -> Result<Reply, Reply> {
        let session = self.session(headers)?;
        let me: Value = session.client().request(Method::GET, "/me").send_json().await?;
        Ok(Reply::json(StatusCode::OK, json!({ "username": me["Username"], "email": me["Email"] })))
    }

    async fn change_password(&self, headers: &HeaderMap, body: &Value) -> Result<Reply, Reply> {
        let session = self.session(headers)?;
        let new_password = TokenPasswordReset::new(field(body, "password")?);
        PasswordResetApi::new(session.client()).change_password(&new_password).await?;
        Ok(Reply::done())
    }

    async fn cart(&self, headers: &HeaderMap) -> Result<Reply, Reply> {
        let cart = CartApi::new(self.session(headers)?.client());
        Ok(Reply::json(StatusCode::OK, cart_summary(&cart).await?))
    }

    async fn add_to_cart(&self, headers: &HeaderMap, body: &Value) -> Result<Reply, Reply> {
        let cart = CartApi::new(self.session(headers)?.client());
        // One when left out; a quantity that is no whole number is refused, not taken as one.
        let quantity = match &body["quantity"] {
            Value::Null => 1,
            quantity => quantity.as_i64().and_then(|quantity| i32::try_from(quantity).ok()).ok_or_else(invalid)?,
        };
        let line = LineItem::new().with_product_id(field(body, "product")?).with_quantity(quantity);
        cart.create_line_item(&line).send().await?; // OrderCloud starts the cart if there is none
        Ok(Reply::json(StatusCode::OK, cart_summary(&cart).await?))
    }

    async fn check_out(&self, headers: &HeaderMap) -> Result<Reply, Reply> {
        let order = CartApi::new(self.session(headers)?.client()).submit().send().await?;
        let status = order.status.as_ref().map(|status| status.as_str().to_owned());
        Ok(Reply::json(StatusCode::OK, json!({ "status": status, "total": money(order.total) })))
    }

    fn log_out(&self, headers: &HeaderMap) -> Reply {
        if let Some(id) = session_id(headers) {
            let session = self.sessions.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
            match session {
                Some(session) => session.log_out(), // its hook deletes it from the store
                None => self.store.delete(id),
            }
        }
        Reply { cookie: Some("sid=; Path=/; Max-Age=0".to_owned()), ..Reply::done() }
    }

    /// The session of the request's cookie: this process's, or else the store's (after a
    /// restart, or when another instance started it).
    fn session(&self, headers: &HeaderMap) -> Result<Session, Reply> {
        let signed_out = || Reply::refused(StatusCode::UNAUTHORIZED, ErrorCategory::SessionExpired.as_str());
        let id = session_id(headers).ok_or_else(signed_out)?;
        // Looked up and, if need be, restored under one lock: two requests with the same
        // cookie must not restore two sessions racing for one refresh token.
        let mut sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        let session = match sessions.get(id) {
            Some(session) => session.clone(),
            None => {
                let session = Session::restore(self.client.clone(), self.store.load(id).ok_or_else(signed_out)?);
                self.save_on_renewal(id, &session);
                sessions.insert(id.to_owned(), session.clone());
                session
            }
        };
        if session.ended().is_some() {
            sessions.remove(id);
            return Err(signed_out());
        }
        Ok(session)
    }

    /// Keeps `session` in this process, and its snapshot in the store whenever it renews.
    fn keep(&self, id: &str, session: Session) {
        self.save_on_renewal(id, &session);
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner).insert(id.to_owned(), session);
    }

    /// Saves `session`'s snapshot in the store whenever it renews; an ended session leaves
    /// the store. (With Redis, hand the snapshot to a task: the hook must not wait.)
    fn save_on_renewal(&self, id: &str, session: &Session) {
        let (store, key) = (self.store.clone(), id.to_owned());
        session.on_event(move |event| match event {
            SessionEvent::Renewed(snapshot) => store.save(&key, &snapshot),
            SessionEvent::Ended(_) => store.delete(&key),
            _ => {}
        });
    }

    /// The anonymous forgotten-credentials calls.
    fn password_reset(&self) -> PasswordResetApi {
        PasswordResetApi::new(self.client.clone())
    }
}

/// The cart as the browser shows it: each line's product, quantity and total, and the
/// cart's total. Before the first line item OrderCloud answers an empty cart with no ID.
async fn cart_summary(cart: &CartApi) -> Result<Value, Error> {
    let order = cart.get().send().await?;
    let lines = match order.id {
        Some(_) => cart.list_line_items().send().await?.items,
        None => Vec::new(),
    };
    let items: Vec<Value> = lines
        .iter()
        .map(|line| json!({ "product": line.product_id, "quantity": line.quantity, "total": money(line.line_total) }))
        .collect();
    Ok(json!({ "items": items, "total": money(order.total) }))
}

/// An amount as the browser shows it: `99.00`.
fn money(amount: Option<ordercloud_models::Decimal>) -> String {
    format!("{:.2}", amount.unwrap_or_default())
}

/// A string field of the JSON body, or a 400.
fn field<'a>(body: &'a Value, name: &str) -> Result<&'a str, Reply> {
    body[name].as_str().ok_or_else(invalid)
}

/// The answer to a body the backend cannot use: a 400.
fn invalid() -> Reply {
    Reply::refused(StatusCode::BAD_REQUEST, ErrorCategory::Validation.as_str())
}

/// The `sid` cookie.
fn session_id(headers: &HeaderMap) -> Option<&str> {
    let cookies = headers.get(COOKIE)?.to_str().ok()?;
    cookies.split(';').find_map(|cookie| cookie.trim().strip_prefix("sid=")).filter(|id| !id.is_empty())
}

/// A new session ID: 128 bits from the standard library's randomly keyed hasher. A
/// production backend uses its web framework's session IDs, or a cryptographic generator.
fn new_session_id() -> String {
    let half = || {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos(),
        );
        hasher.finish()
    };
    format!("{:016x}{:016x}", half(), half())
}

/// Serves `storefront` on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, storefront: Arc<Storefront>) {
    while let Ok((stream, _)) = listener.accept().await {
        let storefront = storefront.clone();
        let service = service_fn(move |request| {
            let storefront = storefront.clone();
            async move { Ok::<_, Infallible>(respond(storefront.handle(request).await)) }
        });
        tokio::spawn(hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service));
    }
}

fn respond(reply: Reply) -> Response<Full<Bytes>> {
    let body = reply.body.map(|body| Bytes::from(body.to_string())).unwrap_or_default();
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = reply.status;
    if reply.status != StatusCode::NO_CONTENT {
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    if let Some(cookie) = reply.cookie.and_then(|cookie| HeaderValue::try_from(cookie).ok()) {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    response
}

/// The shopper's browser, for the walk-through and the test: JSON requests to the
/// storefront, keeping its session cookie. A clone is another tab, with the same cookie.
#[derive(Clone)]
pub struct Browser {
    /// Where the storefront listens.
    pub address: SocketAddr,
    transport: HyperTransport,
    cookie: Option<String>,
}

/// Without the cookie, which signs the shopper in.
impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser").field("address", &self.address).field("signed_in", &self.cookie.is_some()).finish()
    }
}

impl Browser {
    /// A browser with no cookie, for the storefront at `address`.
    pub fn new(address: SocketAddr) -> Result<Self, String> {
        let transport = HyperTransport::builder().build().map_err(|error| error.to_string())?;
        Ok(Self { address, transport, cookie: None })
    }

    /// Sends `body` (if any) to `path`; the status and the JSON answer (`null` for none).
    pub async fn call(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<(StatusCode, Value), String> {
        let mut request = Request::builder().method(method).uri(format!("http://{}{path}", self.address));
        if let Some(cookie) = &self.cookie {
            request = request.header(COOKIE, cookie.as_str());
        }
        let body = body.map(|body| Bytes::from(body.to_string())).unwrap_or_default();
        let request = request.header(CONTENT_TYPE, "application/json").body(body).map_err(|error| error.to_string())?;
        let response = self.transport.send(request).await.map_err(|error| error.to_string())?;
        if let Some(cookie) = response.headers().get(SET_COOKIE).and_then(|value| value.to_str().ok()) {
            let pair = cookie.split(';').next().unwrap_or_default();
            self.cookie = (pair != "sid=").then(|| pair.to_owned());
        }
        Ok((response.status(), serde_json::from_slice(response.body()).unwrap_or(Value::Null)))
    }

    /// Whether the browser holds a session cookie.
    pub fn has_session(&self) -> bool {
        self.cookie.is_some()
    }
}
