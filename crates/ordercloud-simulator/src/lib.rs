//! A local OrderCloud, in process or as the `ordercloud-simulator` program: every resource of
//! OrderCloud's API description in memory, sign-in, the forgotten-credentials endpoints and
//! signed messages, for offline examples, end-to-end tests and a storefront's CI.
//!
//! [`Simulator::start`] binds 127.0.0.1 on a random port (or [`host`](SimulatorBuilder::host)
//! and [`port`](SimulatorBuilder::port)) and serves over real HTTP:
//!
//! - **Every operation of today's description** (`described.rs`, generated from the
//!   committed description, routed through a generated route tree in as many steps as the
//!   path has segments): objects created (an ID generated when none is given, `IdExists`
//!   for a taken one), got (`NotFound` with `ObjectType` and `ObjectID`), saved, patched
//!   (only the fields sent; `null` clears) and deleted, under parents that must exist, the
//!   read-only fields the server's; lists with `page`, `pageSize` (20, at most 100),
//!   `search` and `searchOn`, `sortBy` (`!` descending) and filters on any property and
//!   `xp` (text compared without regard to letter case, so `sortBy=ID` with `ID=>{last}`
//!   pages by Last ID); `Products.List` by `catalogID`; assignments; the roles of
//!   OrderCloud's API reference, or of the simulator's documented rules where the
//!   reference gives none (403 `Auth.InsufficientRoles`).
//! - **The storefront**: the Cart as OrderCloud documents it (each operation standing for
//!   the order operation of the user's active cart: an empty cart with a null ID, line items
//!   starting it, `SetActiveCart`, a submit starting the next); what the signed-in user sees
//!   (`Me.ListProducts` and the other views of the catalogs assigned to their buyer, their
//!   orders, product collections, subscriptions and promotions); `Me.Register` keeping the
//!   anonymous shopper's cart; orders created for the caller, line items priced from the
//!   price schedules with the order's totals kept exactly ([`Decimal`](ordercloud_models::Decimal)),
//!   ship-to and bill-to, promotions and approval rules (OrderCloud's rule expressions),
//!   `Submit`, `Approve` and `Decline`. Every other action answers 501
//!   `Simulator.NotSimulated` naming the operation.
//! - **Who may see which orders**, as OrderCloud decides: a buyer user their own (their
//!   buyer's with `OrderReader`), an approver those awaiting their group, a supplier user
//!   those to their supplier, the marketplace's integration every one; for anybody else an
//!   order and all under it are `404 NotFound`, and lists hold only what may be seen.
//! - **Sign-in** at `POST /oauth/token`: passwords (or a live one-time password, spent),
//!   client credentials (in the form or by HTTP Basic), anonymous shoppers and refresh tokens
//!   for the clients that issue them ([`SimApiClient`]); a token gets the roles asked for that
//!   its client has. Tokens are JWTs signed RS256 as OrderCloud's are, with a `kid`
//!   ([`SIGNING_KEY_ID`]) whose public key `GET /oauth/certs/{kid}` serves, `exp` and `nbf`
//!   on the simulator's clock, and the API's URL as the request reached it in `iss` and
//!   `aud`; so a middleware verifies them as it verifies OrderCloud's. The key is a test key
//!   committed with the crate: a simulator's token proves nothing elsewhere.
//! - **Calling out**, as OrderCloud does, signed with `X-oc-hash`: webhooks created with
//!   `Webhooks.Create` for the operations (`WebhookRoutes`) and API clients (`ApiClientIDs`)
//!   they list, a pre-hook (`BeforeProcessRequest`) before the operation (its `proceed:
//!   false` stops it with 400 `Webhook.Blocked`, and a failure with 502 `Webhook.Failed`,
//!   changing nothing), a post-hook after it succeeded; the `OrderCheckout` integration
//!   event of the shopper's API client (`OrderCheckoutIntegrationEventID`, settable with
//!   `ApiClients.Patch`) on `IntegrationEvents.EstimateShipping`, `.Calculate` and
//!   `Orders.Submit` (and the Cart's), with its answers put where OrderCloud puts them
//!   (the worksheet, the order's costs, the line items' prices; `.GetWorksheet` and
//!   `.SelectShipmethods` work on them), and the `AddToCart` event (`AddToCartIntegrationEventID`) before a line item
//!   is added. Each call has a [timeout](SimulatorBuilder::callout_timeout) and is recorded
//!   ([`callouts`](Simulator::callouts), `GET /_simulator/callouts`).
//! - **Forgotten credentials** as OrderCloud does them: `POST /v1/password/reset` (a
//!   `ForgottenPassword` message with a verification code and a renewal token, a JWT with
//!   the `PasswordReset` role, both valid 120 minutes and once), `PUT
//!   /v1/password/reset/{code}` (the platform password policy, reuse, a lockout after 10
//!   failures), `POST /v1/password/onetimepassword`, `POST /v1/username/retrieve` and
//!   `POST /v1/me/password`.
//! - **Browsers**: CORS preflights and headers, any origin unless
//!   [restricted](SimulatorBuilder::cors_origin).
//!
//! Every message goes to the [outbox](Simulator::outbox) (the newest [`OUTBOX_LIMIT`]). A
//! registered [`SimMessageSender`] also gets the messages of the types it handles, as
//! OrderCloud's custom message senders do: POSTed in the background with the exact payload
//! JSON and its `x-oc-hash` signature, once, within a timeout, the outcome recorded in
//! [`OutboxMessage::delivery`]. Every request is counted by route, method, grant type and
//! status ([`requests`](Simulator::requests)), so a test can assert how many token requests
//! a backend made.
//!
//! Every error is an OrderCloud error body with the real codes; a malformed body, a wrong
//! content type, an unknown route (404 `NotFound`, `Data` naming the route) or a wrong
//! method (405) get one too. Objects come from the builder
//! ([`resource`](SimulatorBuilder::resource)), a [seed](SimulatorBuilder::seed) or the API
//! itself, and [`reset`](Simulator::reset) goes back to the seeded state. The clock can be
//! [advanced](Simulator::advance) to test expiry. The server stops when the simulator is
//! dropped.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use ordercloud_simulator::{SimApiClient, SimUser, Simulator};
//! use serde_json::json;
//!
//! let simulator = Simulator::builder()
//!     .api_client(SimApiClient::new("storefront").with_buyer("retail"))
//!     .resource("/buyers", json!({"ID": "retail", "Name": "Retail", "Active": true}))
//!     .user(SimUser::new("storefront", "jdoe", "jdoe@example.com", "Old-Passw0rd"))
//!     .start()
//!     .await?;
//! println!("a local OrderCloud at {}", simulator.base_url());
//! assert_eq!(simulator.resources()["Objects"]["buyers"][0]["Name"], "Retail");
//! assert!(simulator.outbox().is_empty());
//! # Ok(())
//! # }
//! ```

mod auth;
mod callout;
mod clock;
mod control;
mod delivery;
mod dispatch;
mod forgotten;
mod hooks;
mod incoming;
mod integration_events;
mod keys;
mod recent;
mod reply;
mod resources;
mod routes;
mod seed;
mod server;
mod state;

pub use callout::{Callout, CalloutKind};
pub use keys::SIGNING_KEY_ID;
pub use state::{CALLOUT_LIMIT, CALLOUT_TIMEOUT, GRANT_LIMIT, OUTBOX_LIMIT};

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use ordercloud_models::{
    ForgottenPasswordEventBody, ForgottenUsernameEventBody, MessageSenderPayload, MessageType, OneTimePasswordEventBody,
};
use serde::de::DeserializeOwned;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::state::{MessageHook, Seed, State};

/// A user the simulator knows.
#[derive(Clone)]
#[non_exhaustive]
pub struct SimUser {
    /// The API client the user signs in through.
    pub client_id: String,
    /// The user's ID.
    pub id: String,
    /// The username.
    pub username: String,
    /// The email address.
    pub email: String,
    /// The first name, shown in messages.
    pub first_name: Option<String>,
    /// The current password.
    pub password: String,
}

impl SimUser {
    /// A user of `client_id`; the ID is the username.
    pub fn new(client_id: &str, username: &str, email: &str, password: &str) -> Self {
        Self {
            client_id: client_id.to_owned(),
            id: username.to_owned(),
            username: username.to_owned(),
            email: email.to_owned(),
            first_name: None,
            password: password.to_owned(),
        }
    }

    /// Sets the first name.
    #[must_use]
    pub fn with_first_name(mut self, first_name: &str) -> Self {
        self.first_name = Some(first_name.to_owned());
        self
    }
}

impl fmt::Debug for SimUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimUser")
            .field("client_id", &self.client_id)
            .field("id", &self.id)
            .field("username", &self.username)
            .field("email", &self.email)
            .field("password", &ordercloud_models::REDACTED)
            .finish()
    }
}

/// A message the simulator "sent": the recipient's address and the payload a message sender
/// would have received.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct OutboxMessage {
    /// The email address it went to.
    pub to: String,
    /// The message-sender payload, with its event body as JSON.
    pub payload: MessageSenderPayload,
    /// Its delivery to a registered message sender, if one handles its type.
    pub delivery: Option<Delivery>,
}

/// A message's delivery to a registered message sender.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// The endpoint it was POSTed to.
    pub endpoint: String,
    /// How it went.
    pub outcome: DeliveryOutcome,
}

/// How a delivery went.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryOutcome {
    /// Still on its way.
    Pending,
    /// The endpoint answered with this status.
    Delivered {
        /// The HTTP status of the answer.
        status: u16,
    },
    /// No answer: the connection failed or the sender's timeout passed.
    Failed(String),
}

/// A message-sender endpoint the simulator POSTs messages to, as OrderCloud does for a
/// marketplace's custom message sender: the exact payload JSON, `Content-Type:
/// application/json`, and `x-oc-hash` = base64(HMAC-SHA256(shared key, body)).
#[derive(Clone)]
#[non_exhaustive]
pub struct SimMessageSender {
    /// Where messages are POSTed (`http://` only).
    pub url: String,
    /// The key the messages are signed with.
    pub shared_key: String,
    /// The message types it handles.
    pub message_types: Vec<MessageType>,
    /// How long a delivery may take before it counts as failed.
    pub timeout: Duration,
}

impl SimMessageSender {
    /// An endpoint for the three forgotten-credentials messages, with a 5-second timeout.
    pub fn new(url: &str, shared_key: &str) -> Self {
        Self {
            url: url.to_owned(),
            shared_key: shared_key.to_owned(),
            message_types: vec![
                MessageType::ForgottenPassword,
                MessageType::ForgottenUsername,
                MessageType::OneTimePassword,
            ],
            timeout: Duration::from_secs(5),
        }
    }

    /// Only these message types go to it.
    #[must_use]
    pub fn handling<I: IntoIterator<Item = MessageType>>(mut self, message_types: I) -> Self {
        self.message_types = message_types.into_iter().collect();
        self
    }

    /// How long a delivery may take.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl fmt::Debug for SimMessageSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimMessageSender")
            .field("url", &self.url)
            .field("shared_key", &ordercloud_models::REDACTED)
            .field("message_types", &self.message_types)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl OutboxMessage {
    /// The kind of message.
    pub fn message_type(&self) -> Option<&MessageType> {
        self.payload.message_type.as_ref()
    }

    /// The event body as `T`, such as [`ForgottenPasswordEventBody`].
    pub fn event_body<T: DeserializeOwned>(&self) -> Option<T> {
        self.payload.event_body.as_ref()?.get().ok()
    }

    /// The event body of a `ForgottenPassword` message.
    pub fn forgotten_password(&self) -> Option<ForgottenPasswordEventBody> {
        self.is(MessageType::ForgottenPassword).then(|| self.event_body()).flatten()
    }

    /// The event body of a `ForgottenUsername` message.
    pub fn forgotten_username(&self) -> Option<ForgottenUsernameEventBody> {
        self.is(MessageType::ForgottenUsername).then(|| self.event_body()).flatten()
    }

    /// The event body of a `OneTimePassword` message.
    pub fn one_time_password(&self) -> Option<OneTimePasswordEventBody> {
        self.is(MessageType::OneTimePassword).then(|| self.event_body()).flatten()
    }

    /// The message as the control route `GET /_simulator/outbox` and `--messages` show it:
    /// `{"to": .., "payload": {...}}`, with `"delivery"` when a message sender got it.
    pub fn to_json(&self) -> serde_json::Value {
        let mut value = serde_json::json!({"to": self.to, "payload": self.payload});
        if let Some(delivery) = &self.delivery {
            value["delivery"] = match &delivery.outcome {
                DeliveryOutcome::Pending => serde_json::json!({"endpoint": delivery.endpoint, "outcome": "pending"}),
                DeliveryOutcome::Delivered { status } => {
                    serde_json::json!({"endpoint": delivery.endpoint, "outcome": "delivered", "status": status})
                }
                DeliveryOutcome::Failed(error) => {
                    serde_json::json!({"endpoint": delivery.endpoint, "outcome": "failed", "error": error})
                }
            };
        }
        value
    }

    fn is(&self, message_type: MessageType) -> bool {
        self.message_type() == Some(&message_type)
    }
}

/// How many requests the simulator answered, by route: for a test that asserts how many
/// token requests (or API calls) a backend made. Control routes (`/_simulator/...`) are not
/// counted; [`Simulator::reset`] clears the counts.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use ordercloud_simulator::Simulator;
///
/// let simulator = Simulator::start().await?;
/// // ... a backend under test talks to simulator.base_url() ...
/// let log = simulator.requests();
/// assert_eq!(log.token_requests(), 0);
/// assert_eq!(log.count("GET", "/v1/me"), 0);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestLog {
    routes: Vec<RouteCount>,
}

/// How many requests of one kind the simulator answered with one status.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RouteCount {
    /// The method: `GET`, `POST`, `PUT`...
    pub method: &'static str,
    /// The route template, such as `/v1/password/reset/{verificationCode}` (never the
    /// concrete path, which may hold a code), `/oauth/token`, or `(other)` for a request
    /// that matched no route.
    pub route: &'static str,
    /// For `/oauth/token`: `password`, `client_credentials`, `refresh_token`, or `other`.
    pub grant_type: Option<&'static str>,
    /// The status answered.
    pub status: u16,
    /// How many such requests.
    pub count: u64,
}

impl RequestLog {
    /// Every count, ordered by route, method, grant type and status.
    pub fn routes(&self) -> &[RouteCount] {
        &self.routes
    }

    /// How many requests were answered in all.
    pub fn total(&self) -> u64 {
        self.routes.iter().map(|route| route.count).sum()
    }

    /// How many `method` requests to `route` (a template, as in [`RouteCount::route`]) were
    /// answered, whatever the status.
    pub fn count(&self, method: &str, route: &str) -> u64 {
        self.sum(|entry| entry.method == method && entry.route == route)
    }

    /// How many `method` requests to `route` were answered with `status`.
    pub fn count_with_status(&self, method: &str, route: &str, status: u16) -> u64 {
        self.sum(|entry| entry.method == method && entry.route == route && entry.status == status)
    }

    /// How many token requests (`POST /oauth/token`) were answered, every grant and status.
    pub fn token_requests(&self) -> u64 {
        self.count("POST", "/oauth/token")
    }

    /// How many token requests of `grant_type` (`password`, `client_credentials`,
    /// `refresh_token`) were answered, whatever the status.
    pub fn token_requests_with_grant(&self, grant_type: &str) -> u64 {
        self.sum(|entry| entry.route == "/oauth/token" && entry.grant_type == Some(grant_type))
    }

    /// The counts as the control route `GET /_simulator/requests` answers them:
    /// `[{"Method", "Route", "GrantType"?, "Status", "Count"}]`.
    pub fn to_json(&self) -> serde_json::Value {
        let entries = self.routes.iter().map(|entry| {
            let mut value = serde_json::json!({
                "Method": entry.method, "Route": entry.route, "Status": entry.status, "Count": entry.count,
            });
            if let Some(grant_type) = entry.grant_type {
                value["GrantType"] = grant_type.into();
            }
            value
        });
        serde_json::Value::Array(entries.collect())
    }

    fn sum(&self, matches: impl Fn(&RouteCount) -> bool) -> u64 {
        self.routes.iter().filter(|entry| matches(entry)).map(|entry| entry.count).sum()
    }

    pub(crate) fn of(state: &State) -> Self {
        let mut routes: Vec<RouteCount> = state
            .requests
            .iter()
            .map(|(key, count)| RouteCount {
                method: key.method,
                route: key.route,
                grant_type: key.grant_type,
                status: key.status,
                count: *count,
            })
            .collect();
        routes.sort_by_key(|entry| (entry.route, entry.method, entry.grant_type, entry.status));
        Self { routes }
    }
}

/// An API client the simulator knows: its ID, and how its token endpoint behaves.
#[derive(Clone)]
#[non_exhaustive]
pub struct SimApiClient {
    /// The client ID.
    pub client_id: String,
    /// The secret every grant must send, when set; it also allows the client-credentials
    /// grant.
    pub client_secret: Option<String>,
    /// The roles tokens may carry; a token gets those requested (all of them when none is).
    pub roles: Vec<String>,
    /// Whether tokens come with a refresh token.
    pub refresh_tokens: bool,
    /// Whether anonymous shoppers get tokens.
    pub anonymous_shopping: bool,
    /// How long access tokens live (`expires_in`).
    pub token_lifetime: Duration,
    /// The buyer organization its anonymous shoppers (and the users of `--user`, who belong
    /// to none) shop for: what `Me.ListProducts` shows them comes from the catalogs
    /// assigned to it.
    pub buyer_id: Option<String>,
}

/// OrderCloud's default access token lifetime: 600 minutes.
pub(crate) const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(600 * 60);

impl SimApiClient {
    /// A client with no secret, the shopper roles, no refresh tokens, anonymous shopping,
    /// and OrderCloud's default 600-minute tokens.
    pub fn new(client_id: &str) -> Self {
        Self {
            client_id: client_id.to_owned(),
            client_secret: None,
            roles: ["Shopper", "MeAdmin", "MeAddressAdmin", "MeXpAdmin", "PasswordReset"].map(str::to_owned).to_vec(),
            refresh_tokens: false,
            anonymous_shopping: true,
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            buyer_id: None,
        }
    }

    /// Requires `secret` on every grant, and allows client credentials.
    #[must_use]
    pub fn with_secret(mut self, secret: &str) -> Self {
        self.client_secret = Some(secret.to_owned());
        self
    }

    /// The roles tokens may carry.
    #[must_use]
    pub fn with_roles<I: IntoIterator<Item = S>, S: Into<String>>(mut self, roles: I) -> Self {
        self.roles = roles.into_iter().map(Into::into).collect();
        self
    }

    /// Whether tokens come with a refresh token.
    #[must_use]
    pub fn with_refresh_tokens(mut self, enabled: bool) -> Self {
        self.refresh_tokens = enabled;
        self
    }

    /// How long access tokens live.
    #[must_use]
    pub fn with_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// The buyer its anonymous shoppers (and users without a buyer) shop for.
    #[must_use]
    pub fn with_buyer(mut self, buyer_id: &str) -> Self {
        self.buyer_id = Some(buyer_id.to_owned());
        self
    }
}

impl fmt::Debug for SimApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimApiClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| ordercloud_models::REDACTED))
            .field("roles", &self.roles)
            .field("refresh_tokens", &self.refresh_tokens)
            .field("anonymous_shopping", &self.anonymous_shopping)
            .field("token_lifetime", &self.token_lifetime)
            .field("buyer_id", &self.buyer_id)
            .finish()
    }
}

/// Configures a [`Simulator`].
#[derive(Default)]
pub struct SimulatorBuilder {
    clients: Vec<SimApiClient>,
    users: Vec<SimUser>,
    senders: Vec<SimMessageSender>,
    resources: Vec<(String, serde_json::Value)>,
    host: Option<IpAddr>,
    port: u16,
    cors_origins: Vec<String>,
    on_message: Option<MessageHook>,
    callout_timeout: Option<Duration>,
}

impl fmt::Debug for SimulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimulatorBuilder")
            .field("clients", &self.clients)
            .field("users", &self.users)
            .field("senders", &self.senders)
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl SimulatorBuilder {
    /// Adds a user (and its client ID).
    pub fn user(self, user: SimUser) -> Self {
        let mut builder = self.client(&user.client_id);
        builder.users.push(user);
        builder
    }

    /// Adds a client ID with no users, and [`SimApiClient::new`]'s settings.
    pub fn client(mut self, client_id: &str) -> Self {
        if !self.clients.iter().any(|known| known.client_id == client_id) {
            self.clients.push(SimApiClient::new(client_id));
        }
        self
    }

    /// Adds an API client with its settings (a secret, roles, refresh tokens...), or replaces
    /// the settings of one already added.
    pub fn api_client(mut self, client: SimApiClient) -> Self {
        match self.clients.iter_mut().find(|known| known.client_id == client.client_id) {
            Some(known) => *known = client,
            None => self.clients.push(client),
        }
        self
    }

    /// Serves on `port`; 0 (the default) for any free port.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Serves on `host` instead of 127.0.0.1: `0.0.0.0` for another container of a
    /// docker-compose CI to reach it. Nothing but loopback is served unless asked.
    pub fn host(mut self, host: IpAddr) -> Self {
        self.host = Some(host);
        self
    }

    /// Lets only `origin` (`https://shop.example.com`) call it from a browser, as a
    /// marketplace's CORS settings do; repeatable. Without any, every origin may, as
    /// OrderCloud allows by default.
    pub fn cors_origin(mut self, origin: &str) -> Self {
        self.cors_origins.push(origin.trim_end_matches('/').to_owned());
        self
    }

    /// Creates `object` at `path` (after `/v1`, as `/products` or
    /// `/buyers/b1/users`) when the simulator starts, and again after each reset, through
    /// the API's own create: an ID is generated when none is given, and read-only fields are
    /// the server's. Assignments are created at their save path (`/catalogs/assignments`).
    pub fn resource(mut self, path: &str, object: serde_json::Value) -> Self {
        self.resources.push((path.to_owned(), object));
        self
    }

    /// Calls `hook` with each message as it is sent (to collect or forward it, say). It runs on the
    /// request path while the simulator's state is locked: keep it short, never let it wait
    /// (on a pipe, say: hand the message to a thread of your own instead), and do not call
    /// the simulator from it.
    pub fn on_message(mut self, hook: impl Fn(&OutboxMessage) + Send + Sync + 'static) -> Self {
        self.on_message = Some(Arc::new(hook));
        self
    }

    /// Adds the users, API clients, message senders and resources of a seed file's JSON text:
    /// `{"Users": [{"ClientID", "Username", "Email", "Password", "FirstName"?, "ID"?}],
    /// "ApiClients": [{"ClientID", "ClientSecret"?, "Roles"?, "RefreshTokens"?,
    /// "AnonymousShopping"?, "TokenLifetimeSeconds"?, "BuyerID"?}], "MessageSenders": [{"URL",
    /// "SharedKey", "MessageTypes"?, "TimeoutSeconds"?}], "Resources": {"/buyers": [{...}],
    /// "/catalogs/assignments": [{...}]}}`, every part optional. Resources are created as
    /// [`resource`](Self::resource) creates them, their paths in the order of their text so a
    /// parent comes before what is under it. The error says what is wrong.
    pub fn seed(mut self, json: &str) -> Result<Self, String> {
        let seed = seed::SeedFile::parse(json)?;
        for client in seed.api_clients() {
            self = self.api_client(client);
        }
        for user in &seed.users {
            self = self.user(user.to_user());
        }
        self.senders.extend(seed.message_senders());
        self.resources.extend(seed.resources());
        Ok(self)
    }

    /// How long a webhook or an integration event may take to answer ([`CALLOUT_TIMEOUT`]
    /// unless set); past it, the call counts as failed.
    pub fn callout_timeout(mut self, timeout: Duration) -> Self {
        self.callout_timeout = Some(timeout);
        self
    }

    /// Registers a message-sender endpoint: each message of a type it handles is POSTed to
    /// it, signed, besides going to the outbox.
    pub fn message_sender(mut self, sender: SimMessageSender) -> Self {
        self.senders.push(sender);
        self
    }

    /// Binds 127.0.0.1 (or the [host](Self::host) given) on the port given (any free one by
    /// default) and starts serving on the current tokio runtime. A seeded resource that does
    /// not apply (a path no operation creates at, an object it refuses) is an error saying
    /// which.
    pub async fn start(self) -> std::io::Result<Simulator> {
        let listener = TcpListener::bind((self.host.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)), self.port)).await?;
        let address = listener.local_addr()?;
        let seed = Seed { clients: self.clients, users: self.users, senders: self.senders, resources: self.resources };
        let mut state = State::new(seed, self.on_message);
        state.api_url = format!("http://{address}");
        state.callout_timeout = self.callout_timeout.unwrap_or(CALLOUT_TIMEOUT);
        if let Some(problem) = state.seed_problem() {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, problem));
        }
        let state = Arc::new(Mutex::new(state));
        let cors = server::Cors::new(self.cors_origins);
        let server = tokio::spawn(server::serve(listener, state.clone(), cors));
        Ok(Simulator { address, state, server })
    }
}

/// A running OrderCloud stand-in; stops serving when dropped.
pub struct Simulator {
    address: SocketAddr,
    state: Arc<Mutex<State>>,
    server: JoinHandle<()>,
}

impl Simulator {
    /// Starts configuring a simulator.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    /// A simulator with no users, serving.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// The base URL to give `ApiClient`: `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address served.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Adds a user (and its client ID) while serving.
    pub fn add_user(&self, user: SimUser) {
        self.lock().add_user(user);
    }

    /// The messages sent so far, oldest first: the newest [`OUTBOX_LIMIT`] of them.
    pub fn outbox(&self) -> Vec<OutboxMessage> {
        self.lock().outbox.iter().cloned().collect()
    }

    /// Registers a message-sender endpoint while serving.
    pub fn add_message_sender(&self, sender: SimMessageSender) {
        self.lock().senders.push(sender);
    }

    /// Waits until no delivery to a message sender is pending, at most `timeout`, and
    /// returns the outbox; `None` if some were still pending.
    pub async fn wait_for_deliveries(&self, timeout: Duration) -> Option<Vec<OutboxMessage>> {
        delivery::settle(&self.state, timeout, false).await.then(|| self.outbox())
    }

    /// The calls made to webhooks and integration events so far, oldest first: the newest
    /// [`CALLOUT_LIMIT`] of them. The same as `GET /_simulator/callouts`.
    pub fn callouts(&self) -> Vec<Callout> {
        self.lock().callouts.iter().cloned().collect()
    }

    /// Waits until no post-hook (nor message delivery) is pending, at most `timeout`, and
    /// returns the calls made; `None` if some were still pending.
    pub async fn wait_for_callouts(&self, timeout: Duration) -> Option<Vec<Callout>> {
        delivery::settle(&self.state, timeout, true).await.then(|| self.callouts())
    }

    /// A token for the user `username` of `client_id` without a `kid` in its header, as
    /// OrderCloud's portal issues them: a middleware verifies it by asking `GET /v1/me`.
    /// `None` for an unknown client or user.
    pub fn portal_token(&self, client_id: &str, username: &str) -> Option<String> {
        auth::portal_token(&mut self.lock(), client_id, username)
    }

    /// How many requests each route has answered since the simulator started or was
    /// [reset](Self::reset): see [`RequestLog`]. The same as `GET /_simulator/requests`.
    pub fn requests(&self) -> RequestLog {
        RequestLog::of(&self.lock())
    }

    /// The newest message sent to `email`.
    pub fn last_message_to(&self, email: &str) -> Option<OutboxMessage> {
        self.lock().outbox.iter().rev().find(|message| message.to.eq_ignore_ascii_case(email)).cloned()
    }

    /// Goes back to the seeded state: the users and clients it started with, with their
    /// passwords, no codes or tokens, an empty outbox and request log, the clock at real
    /// time.
    pub fn reset(&self) {
        self.lock().reset();
    }

    /// Moves the simulator's clock forward by `by` (codes and lockouts expire by it).
    pub fn advance(&self, by: Duration) {
        self.lock().clock.advance(by);
    }

    /// Whether `password` is the current password of `username` (for test assertions).
    pub fn password_matches(&self, client_id: &str, username: &str, password: &str) -> bool {
        self.lock().find_user(client_id, Some(username), None).is_some_and(|record| record.user.password == password)
    }

    /// Signs in with a one-time password, as OrderCloud's token endpoint would: true once for
    /// an unexpired password of that user, false after.
    pub fn redeem_one_time_password(&self, client_id: &str, username: &str, one_time_password: &str) -> bool {
        let mut state = self.lock();
        match state.live_one_time_password(client_id, username, one_time_password) {
            Some(grant) => {
                grant.used = true;
                true
            }
            None => false,
        }
    }

    /// Creates `object` at `path` while serving, as [`SimulatorBuilder::resource`] does; the
    /// object as created (its ID, dates...), or OrderCloud's error body.
    pub fn create_resource(
        &self,
        path: &str,
        object: serde_json::Value,
    ) -> Result<serde_json::Value, serde_json::Value> {
        self.lock().create_resource(path, object)
    }

    /// Every object and assignment the simulator holds, as `GET /_simulator/resources`
    /// shows them: `{"Objects": {"<collection>": [...]}, "Assignments": {"<schema>": [...]}}`.
    pub fn resources(&self) -> serde_json::Value {
        resources::dump(&self.lock().store)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl fmt::Debug for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Simulator").field("address", &self.address).finish_non_exhaustive()
    }
}
