//! The simulator's world: users, issued codes and tokens, the resources, the clock, the
//! outbox and the request log. Every lookup is by key, and what expires is pruned as the
//! simulator goes, so a long session's memory stays flat.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use ordercloud_models::MessageSenderPayload;
use serde_json::Value;

use crate::callout::{Callout, PendingCallout};
use crate::clock::Clock;
use crate::recent::Recent;
use crate::resources::store::Store;
use crate::resources::{self, Company, Effect};
use crate::{Delivery, DeliveryOutcome, OutboxMessage, SimApiClient, SimMessageSender, SimUser};

/// How long a verification code (and its renewal token) stays valid.
pub(crate) const CODE_LIFETIME: Duration = Duration::from_secs(120 * 60);
/// How long a one-time password stays valid.
pub(crate) const ONE_TIME_PASSWORD_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// Failed attempts that lock a user out.
pub(crate) const LOCKOUT_ATTEMPTS: u32 = 10;
/// How long a lockout lasts.
pub(crate) const LOCKOUT_DURATION: Duration = Duration::from_secs(2 * 60);
/// How many messages the outbox keeps: the newest, so a long CI session's memory stays flat.
pub const OUTBOX_LIMIT: usize = 1000;
/// The most codes and tokens kept at once: beyond it the oldest issued is forgotten, as if
/// it had expired (a client whose token is forgotten gets `401 InvalidToken` and signs in
/// again). That many take about 50 MB; expired ones go as the clock passes them.
pub const GRANT_LIMIT: usize = 50_000;

/// How many calls to webhooks and integration events are remembered: the newest.
pub const CALLOUT_LIMIT: usize = 1000;
/// How long a webhook or an integration event may take to answer, unless the builder says.
pub const CALLOUT_TIMEOUT: Duration = Duration::from_secs(10);

/// What a simulator starts with, and goes back to on reset.
#[derive(Clone, Default)]
pub(crate) struct Seed {
    pub(crate) clients: Vec<SimApiClient>,
    pub(crate) users: Vec<SimUser>,
    pub(crate) senders: Vec<SimMessageSender>,
    /// Resources to create, each as `(path after /v1, object)`, in order.
    pub(crate) resources: Vec<(String, Value)>,
}

/// Called with each message as it is sent.
pub(crate) type MessageHook = Arc<dyn Fn(&OutboxMessage) + Send + Sync>;

pub(crate) struct State {
    seed: Seed,
    on_message: Option<MessageHook>,
    pub(crate) clients: Vec<SimApiClient>,
    users: Vec<UserRecord>,
    /// Users by `(client ID, lower-case username)`; buyer users, who sign in through any
    /// client, under an empty client ID.
    by_username: HashMap<(String, String), usize>,
    /// The same, by lower-case email.
    by_email: HashMap<(String, String), usize>,
    /// Live grants by their key (the secret; for a one-time password, with its user's).
    grants: HashMap<Arc<str>, Grant>,
    /// The same keys by expiry, soonest first, for pruning what the clock has passed.
    by_expiry: BTreeMap<(Duration, u64), Arc<str>>,
    /// The same keys by when they were issued, oldest first, for the [`GRANT_LIMIT`].
    by_number: BTreeMap<u64, Arc<str>>,
    issued: u64,
    pub(crate) store: Store,
    /// The newest [`OUTBOX_LIMIT`] messages.
    pub(crate) outbox: Recent<OutboxMessage>,
    pub(crate) senders: Vec<SimMessageSender>,
    /// Deliveries for the server to start once it has released the state.
    pub(crate) pending: Vec<PendingDelivery>,
    /// The newest [`CALLOUT_LIMIT`] calls made to webhooks and integration events.
    pub(crate) callouts: Recent<Callout>,
    /// Post-hooks for the server to call once it has released the state.
    pub(crate) pending_callouts: Vec<PendingCallout>,
    /// How long a webhook or an integration event may take to answer.
    pub(crate) callout_timeout: Duration,
    /// The simulator's API URL, `http://127.0.0.1:<port>`: the issuer and audience of its
    /// tokens when a request names no host.
    pub(crate) api_url: String,
    /// The API URL as the request being answered reached it (`http://` and its `Host`), set
    /// only while it is answered ([`State::answering`]).
    pub(crate) request_api_url: Option<String>,
    /// How many requests each route answered, by method, grant type and status; bounded,
    /// since every part of the key comes from a fixed set.
    pub(crate) requests: HashMap<RequestKey, u64>,
    /// The simulator's clock (real time plus every advance) and its random numbers.
    pub(crate) clock: Clock,
    seed_problem: Option<String>,
}

/// A message waiting to be POSTed: the number of its outbox entry and the exact bytes.
pub(crate) struct PendingDelivery {
    pub(crate) number: u64,
    pub(crate) sender: SimMessageSender,
    pub(crate) body: Bytes,
}

/// What a request is counted under.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct RequestKey {
    pub(crate) method: &'static str,
    pub(crate) route: &'static str,
    pub(crate) grant_type: Option<&'static str>,
    pub(crate) status: u16,
}

/// A user who signs in, with what the simulator keeps of their sign-ins.
pub(crate) struct UserRecord {
    pub(crate) user: SimUser,
    /// The buyer or supplier organization of a user the API's resources hold, who signs in
    /// through any of the simulator's clients; none for a user of the builder or `--user`.
    pub(crate) company: Option<Company>,
    pub(crate) failed_attempts: u32,
    pub(crate) locked_until: Option<Duration>,
}

impl UserRecord {
    /// The client part of the index keys: the user's client, or none for a buyer user, who
    /// signs in through any client.
    fn client_key(&self) -> String {
        if self.company.is_some() { String::new() } else { self.user.client_id.clone() }
    }

    fn username_key(&self) -> (String, String) {
        (self.client_key(), self.user.username.to_lowercase())
    }

    fn email_key(&self) -> (String, String) {
        (self.client_key(), self.user.email.to_lowercase())
    }

    /// Whether this is the user `user_id` of `company`.
    fn is_company_user(&self, company: &Company, user_id: &str) -> bool {
        self.company.as_ref().is_some_and(|own| own.same(company)) && self.user.id.eq_ignore_ascii_case(user_id)
    }
}

/// Something issued that works until it expires, some only once.
pub(crate) struct Grant {
    pub(crate) kind: GrantKind,
    pub(crate) client_id: String,
    /// The user's username, or an anonymous shopper's ID.
    pub(crate) username: String,
    /// What a token carries: its roles, the user's buyer, whether the shopper is anonymous.
    pub(crate) token: TokenFacts,
    pub(crate) expires: Duration,
    pub(crate) used: bool,
    /// Its place in the order of issue.
    number: u64,
}

/// What a token says of its holder.
#[derive(Clone, Debug, Default)]
pub(crate) struct TokenFacts {
    pub(crate) roles: Vec<String>,
    pub(crate) buyer_id: Option<String>,
    /// The supplier of a supplier user.
    pub(crate) supplier_id: Option<String>,
    pub(crate) anonymous: bool,
    /// The token's `usrtype`: `buyer`, `supplier`, or `admin` for an integration's own
    /// context.
    pub(crate) user_type: &'static str,
}

impl TokenFacts {
    /// The facts of a user's token: a buyer user's (anonymous or not), a supplier user's, or,
    /// with no company, a user of no organization (`buyer`, as OrderCloud's buyer users).
    pub(crate) fn of(roles: Vec<String>, company: Option<Company>, anonymous: bool) -> Self {
        let (buyer_id, supplier_id, user_type) = match company {
            Some(Company::Buyer(id)) => (Some(id), None, "buyer"),
            Some(Company::Supplier(id)) => (None, Some(id), "supplier"),
            None => (None, None, "buyer"),
        };
        Self { roles, buyer_id, supplier_id, anonymous, user_type }
    }

    /// The organization the token's user belongs to.
    pub(crate) fn company(&self) -> Option<Company> {
        self.supplier_id.clone().map(Company::Supplier).or_else(|| self.buyer_id.clone().map(Company::Buyer))
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum GrantKind {
    VerificationCode,
    /// The token of a reset email, for `POST /v1/me/password` once.
    RenewalToken,
    OneTimePassword,
    /// An access token from the token endpoint.
    AccessToken,
    /// A refresh token; used once, when it is exchanged.
    RefreshToken,
}

impl State {
    pub(crate) fn new(seed: Seed, on_message: Option<MessageHook>) -> Self {
        let mut state = Self {
            clients: seed.clients.clone(),
            users: Vec::new(),
            by_username: HashMap::new(),
            by_email: HashMap::new(),
            grants: HashMap::new(),
            by_expiry: BTreeMap::new(),
            by_number: BTreeMap::new(),
            issued: 0,
            store: Store::default(),
            outbox: Recent::new(OUTBOX_LIMIT),
            senders: seed.senders.clone(),
            on_message,
            pending: Vec::new(),
            callouts: Recent::new(CALLOUT_LIMIT),
            pending_callouts: Vec::new(),
            callout_timeout: CALLOUT_TIMEOUT,
            api_url: "http://127.0.0.1".to_owned(),
            request_api_url: None,
            requests: HashMap::new(),
            clock: Clock::new(),
            seed: Seed::default(),
            seed_problem: None,
        };
        for user in &seed.users {
            state.add_user(user.clone());
        }
        for (path, object) in &seed.resources {
            if let Err(error) = state.create_resource(path, object.clone()) {
                state.seed_problem.get_or_insert(format!("the resource at {path} was refused: {error}"));
            }
        }
        for client in state.clients.clone() {
            state.store_api_client(&client);
        }
        state.seed = seed;
        state
    }

    /// Why a seeded resource did not apply, if one did not.
    pub(crate) fn seed_problem(&self) -> Option<&str> {
        self.seed_problem.as_deref()
    }

    /// Back to the seeded state: the seeded users with their passwords and the seeded
    /// resources, no codes or tokens, an empty outbox and request log, and the clock at
    /// real time.
    pub(crate) fn reset(&mut self) {
        let (api_url, callout_timeout) = (std::mem::take(&mut self.api_url), self.callout_timeout);
        *self = Self::new(self.seed.clone(), self.on_message.clone());
        self.api_url = api_url;
        self.callout_timeout = callout_timeout;
    }

    /// The API URL of the request being answered, or the simulator's own: what its tokens
    /// carry as issuer and audience, as OrderCloud's carry its API's URL.
    pub(crate) fn token_audience(&self) -> String {
        self.request_api_url.clone().unwrap_or_else(|| self.api_url.clone())
    }

    /// Runs `work` for a request that reached the API at `api_url` (see
    /// [`Incoming::api_url`](crate::incoming::Incoming::api_url)): the tokens it issues name
    /// that URL; after it, a token issued outside a request names the simulator's own.
    pub(crate) fn answering<T>(&mut self, api_url: Option<String>, work: impl FnOnce(&mut Self) -> T) -> T {
        self.request_api_url = api_url;
        let result = work(self);
        self.request_api_url = None;
        result
    }

    /// Adds a user (and its client, if new) while serving.
    pub(crate) fn add_user(&mut self, user: SimUser) {
        if !self.knows_client(&user.client_id) {
            self.add_client(SimApiClient::new(&user.client_id));
        }
        self.put_user(UserRecord { user, company: None, failed_attempts: 0, locked_until: None });
    }

    /// Adds or replaces a user record, keeping the indexes.
    fn put_user(&mut self, record: UserRecord) {
        let key = record.username_key();
        match self.by_username.get(&key) {
            Some(&index) => {
                self.users[index] = record;
                self.reindex();
            }
            None => {
                let index = self.users.len();
                self.by_email.insert(record.email_key(), index);
                self.by_username.insert(key, index);
                self.users.push(record);
            }
        }
    }

    /// Removes the user `user_id` of `company`, keeping the indexes.
    fn remove_company_user(&mut self, company: &Company, user_id: &str) {
        self.users.retain(|record| !record.is_company_user(company, user_id));
        self.reindex();
    }

    /// Both indexes again, after records moved.
    fn reindex(&mut self) {
        self.by_username =
            self.users.iter().enumerate().map(|(index, record)| (record.username_key(), index)).collect();
        self.by_email = self.users.iter().enumerate().map(|(index, record)| (record.email_key(), index)).collect();
    }

    /// Keeps what a resource change means for the users who sign in: a buyer or supplier
    /// user saved (its password, when the change sent one, kept here and never in the
    /// resource) or deleted.
    pub(crate) fn apply(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::UserSaved { company, user } => self.save_company_user(&company, user),
                Effect::UserDeleted { company, user_id } => self.remove_company_user(&company, &user_id),
            }
        }
    }

    fn save_company_user(&mut self, company: &Company, mut user: Value) {
        let text = |name: &str| user.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
        let (id, username, email, first_name) =
            (text("ID"), text("Username"), text("Email"), user["FirstName"].as_str().map(str::to_owned));
        let password = user
            .as_object_mut()
            .and_then(|fields| fields.remove("Password"))
            .and_then(|value| value.as_str().map(str::to_owned));
        self.store.put(&company.users(), &id, user);
        if username.is_empty() {
            return;
        }
        let existing = self.users.iter().position(|record| record.is_company_user(company, &id));
        let (password, failed_attempts, locked_until) = match existing.map(|index| &self.users[index]) {
            Some(record) => {
                (password.unwrap_or_else(|| record.user.password.clone()), record.failed_attempts, record.locked_until)
            }
            None => (password.unwrap_or_default(), 0, None),
        };
        if existing.is_some() {
            self.remove_company_user(company, &id);
        }
        let mut sim = SimUser::new("", &username, &email, &password);
        sim.id = id;
        sim.first_name = first_name;
        self.put_user(UserRecord { user: sim, company: Some(company.clone()), failed_attempts, locked_until });
    }

    /// Creates `object` at `path` (after `/v1`) as a seed does: through the API's own
    /// create (or save of an assignment), with every right.
    pub(crate) fn create_resource(&mut self, path: &str, object: Value) -> Result<Value, Value> {
        let call = match resources::route(&http::Method::POST, path) {
            resources::Route::Found(call) => call,
            _ => return Err(serde_json::json!({"Path": path, "Error": "no operation creates objects at this path"})),
        };
        let caller = resources::Caller::seed();
        let request = resources::Request { call: &call, query: &[], body: Some(object), caller: &caller };
        let (reply, effects) = resources::serve(&mut self.store, &request, &mut self.clock);
        self.apply(effects);
        match reply.status.is_success() {
            true => Ok(reply.body.unwrap_or(Value::Null)),
            false => Err(reply.body.unwrap_or(Value::Null)),
        }
    }

    pub(crate) fn knows_client(&self, client_id: &str) -> bool {
        self.client(client_id).is_some()
    }

    pub(crate) fn client(&self, client_id: &str) -> Option<&SimApiClient> {
        self.clients.iter().find(|known| !client_id.is_empty() && known.client_id == client_id)
    }

    /// Adds `client`, or replaces the settings of one with its ID.
    pub(crate) fn add_client(&mut self, client: SimApiClient) {
        self.store_api_client(&client);
        match self.clients.iter_mut().find(|known| known.client_id == client.client_id) {
            Some(known) => *known = client,
            None => self.clients.push(client),
        }
    }

    /// Keeps `client` as an `ApiClient` object of the API too, unless one with its ID is
    /// there: so `ApiClients.Get` and `.Patch` work on it (setting its
    /// `OrderCheckoutIntegrationEventID`, say). Its secret is not stored.
    fn store_api_client(&mut self, client: &SimApiClient) {
        if self.store.contains("apiclients", &client.client_id) {
            return;
        }
        let minutes = |lifetime: Duration| lifetime.as_secs().div_ceil(60);
        let object = serde_json::json!({
            "ID": client.client_id,
            "AppName": client.client_id,
            "Active": true,
            "AccessTokenDuration": minutes(client.token_lifetime),
            "RefreshTokenDuration": if client.refresh_tokens { minutes(crate::auth::REFRESH_TOKEN_LIFETIME) } else { 0 },
            "IsAnonBuyer": client.anonymous_shopping,
            "DateCreated": self.clock.now_text(),
        });
        self.store.put("apiclients", &client.client_id, object);
    }

    /// The user who signs in through `client_id` named by username or, failing that, by
    /// email (both case-insensitive): one of that client's, or a buyer user.
    pub(crate) fn find_user(
        &mut self,
        client_id: &str,
        username: Option<&str>,
        email: Option<&str>,
    ) -> Option<&mut UserRecord> {
        let lookup = |index: &HashMap<(String, String), usize>, value: &str| {
            let value = value.to_lowercase();
            index.get(&(client_id.to_owned(), value.clone())).or_else(|| index.get(&(String::new(), value))).copied()
        };
        let found = match username.filter(|name| !name.is_empty()) {
            Some(name) => lookup(&self.by_username, name),
            None => email.and_then(|email| lookup(&self.by_email, email)),
        };
        found.map(|index| &mut self.users[index])
    }

    /// Issues a fresh secret of `kind` for the user, valid for `lifetime`.
    pub(crate) fn issue(&mut self, kind: GrantKind, client_id: &str, username: &str, lifetime: Duration) -> String {
        self.issue_with(kind, client_id, username, lifetime, TokenFacts::default())
    }

    /// [`issue`](Self::issue), for a token that carries `token`'s facts.
    pub(crate) fn issue_with(
        &mut self,
        kind: GrantKind,
        client_id: &str,
        username: &str,
        lifetime: Duration,
        token: TokenFacts,
    ) -> String {
        loop {
            let secret = match kind {
                GrantKind::OneTimePassword => format!("{:06}", self.clock.random() % 1_000_000),
                GrantKind::VerificationCode => {
                    format!("{:016x}{:08x}", self.clock.random(), self.clock.random() as u32)
                }
                GrantKind::RefreshToken => format!("rt.{:016x}{:016x}", self.clock.random(), self.clock.random()),
                GrantKind::RenewalToken | GrantKind::AccessToken => {
                    format!("{:016x}{:016x}", self.clock.random(), self.clock.random())
                }
            };
            if self.grants.contains_key(grant_key(kind, client_id, username, &secret).as_str()) {
                continue;
            }
            return self.keep(kind, secret, client_id, username, lifetime, token);
        }
    }

    /// Keeps `secret` as a grant of `kind`, valid for `lifetime`, and returns it.
    pub(crate) fn keep(
        &mut self,
        kind: GrantKind,
        secret: String,
        client_id: &str,
        username: &str,
        lifetime: Duration,
        token: TokenFacts,
    ) -> String {
        self.issued += 1;
        let number = self.issued;
        let now = self.clock.now();
        // What the clock has passed goes first, soonest first: O(log n) a grant.
        while let Some(entry) = self.by_expiry.first_entry().filter(|entry| entry.key().0 <= now) {
            let key = entry.remove();
            self.forget(&key);
        }
        let expires = now.saturating_add(lifetime);
        let key: Arc<str> = grant_key(kind, client_id, username, &secret).into();
        let grant = Grant {
            kind,
            client_id: client_id.to_owned(),
            username: username.to_owned(),
            token,
            expires,
            used: false,
            number,
        };
        if let Some(replaced) = self.grants.insert(key.clone(), grant) {
            self.by_expiry.remove(&(replaced.expires, replaced.number));
            self.by_number.remove(&replaced.number);
        }
        self.by_expiry.insert((expires, number), key.clone());
        self.by_number.insert(number, key);
        while self.grants.len() > GRANT_LIMIT {
            let Some((_, oldest)) = self.by_number.pop_first() else { break };
            self.forget(&oldest);
        }
        secret
    }

    /// Drops the grant at `key` from every index.
    fn forget(&mut self, key: &str) {
        if let Some(grant) = self.grants.remove(key) {
            self.by_expiry.remove(&(grant.expires, grant.number));
            self.by_number.remove(&grant.number);
        }
    }

    /// The unused, unexpired grant of `kind` with `secret` (a one-time password: of that
    /// client's user).
    pub(crate) fn live_grant(&mut self, kind: GrantKind, secret: &str) -> Option<&mut Grant> {
        self.live(kind, grant_key(kind, "", "", secret))
    }

    /// The live one-time password `code` of `username` through `client_id`.
    pub(crate) fn live_one_time_password(&mut self, client_id: &str, username: &str, code: &str) -> Option<&mut Grant> {
        self.live(GrantKind::OneTimePassword, grant_key(GrantKind::OneTimePassword, client_id, username, code))
    }

    fn live(&mut self, kind: GrantKind, key: String) -> Option<&mut Grant> {
        let now = self.clock.now();
        self.grants.get_mut(key.as_str()).filter(|grant| grant.kind == kind && !grant.used && grant.expires > now)
    }

    /// How many grants are kept (for tests of the pruning).
    #[cfg(test)]
    pub(crate) fn grants_kept(&self) -> usize {
        self.grants.len()
    }

    /// Puts a message in the outbox and, when a registered sender handles its type, queues
    /// its delivery with the exact bytes to sign and send. The outbox keeps the newest
    /// [`OUTBOX_LIMIT`] messages.
    pub(crate) fn send(&mut self, to: &str, payload: MessageSenderPayload) {
        let handles = |sender: &&SimMessageSender| {
            payload.message_type.as_ref().is_some_and(|kind| sender.message_types.contains(kind))
        };
        let sender = self.senders.iter().find(handles).cloned();
        let number = self.outbox.next_number();
        let delivery = match (&sender, serde_json::to_vec(&payload)) {
            (Some(sender), Ok(body)) => {
                self.pending.push(PendingDelivery { number, sender: sender.clone(), body: body.into() });
                Some(Delivery { endpoint: sender.url.clone(), outcome: DeliveryOutcome::Pending })
            }
            _ => None,
        };
        self.outbox.push(OutboxMessage { to: to.to_owned(), payload, delivery });
        if let (Some(hook), Some(message)) = (&self.on_message, self.outbox.last()) {
            hook(message);
        }
    }

    /// Counts a request answered with `status`.
    pub(crate) fn count(
        &mut self,
        method: &http::Method,
        route: &'static str,
        grant_type: Option<&'static str>,
        status: http::StatusCode,
    ) {
        let method = match *method {
            http::Method::GET => "GET",
            http::Method::POST => "POST",
            http::Method::PUT => "PUT",
            http::Method::PATCH => "PATCH",
            http::Method::DELETE => "DELETE",
            http::Method::HEAD => "HEAD",
            http::Method::OPTIONS => "OPTIONS",
            _ => "OTHER",
        };
        let key = RequestKey { method, route, grant_type, status: status.as_u16() };
        *self.requests.entry(key).or_insert(0) += 1;
    }
}

/// The key a grant is kept under: its secret, or for a one-time password (six digits, which
/// two users may share) its client's and user's too.
fn grant_key(kind: GrantKind, client_id: &str, username: &str, secret: &str) -> String {
    match kind {
        GrantKind::OneTimePassword => format!("otp\u{0}{client_id}\u{0}{}\u{0}{secret}", username.to_lowercase()),
        _ => secret.to_owned(),
    }
}

impl UserRecord {
    pub(crate) fn is_locked(&self, now: Duration) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }

    /// Counts a failed attempt, locking the user out at the limit.
    pub(crate) fn fail(&mut self, now: Duration) {
        self.failed_attempts += 1;
        if self.failed_attempts >= LOCKOUT_ATTEMPTS {
            self.locked_until = Some(now.saturating_add(LOCKOUT_DURATION));
            self.failed_attempts = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_grants_are_dropped_as_the_clock_passes_them() {
        let mut state = State::new(Seed::default(), None);
        let short = state.issue(GrantKind::OneTimePassword, "c", "u", Duration::from_secs(60));
        let long = state.issue(GrantKind::AccessToken, "c", "u", Duration::from_secs(3600));
        for _ in 0..1000 {
            state.issue(GrantKind::VerificationCode, "c", "u", Duration::from_secs(30));
        }
        state.clock.advance(Duration::from_secs(61));
        state.issue(GrantKind::VerificationCode, "c", "u", Duration::from_secs(30));
        // The one just issued and the token are left; the code behind the token went too.
        assert_eq!(state.grants_kept(), 2);
        assert!(state.live_one_time_password("c", "u", &short).is_none());
        assert!(state.live_grant(GrantKind::AccessToken, &long).is_some());
        assert_eq!((state.by_expiry.len(), state.by_number.len()), (2, 2), "the indexes follow");
    }

    #[test]
    fn beyond_the_limit_the_oldest_grant_is_forgotten() {
        let mut state = State::new(Seed::default(), None);
        let first = state.issue(GrantKind::AccessToken, "c", "u", Duration::from_secs(3600));
        let second = state.issue(GrantKind::AccessToken, "c", "u", Duration::from_secs(3600));
        for _ in 0..GRANT_LIMIT - 1 {
            state.issue(GrantKind::VerificationCode, "c", "u", Duration::from_secs(3600));
        }
        assert_eq!(state.grants_kept(), GRANT_LIMIT);
        assert!(state.live_grant(GrantKind::AccessToken, &first).is_none(), "the oldest went");
        assert!(state.live_grant(GrantKind::AccessToken, &second).is_some());
        assert_eq!((state.by_expiry.len(), state.by_number.len()), (GRANT_LIMIT, GRANT_LIMIT));
    }

    #[test]
    fn one_time_passwords_of_two_users_may_be_the_same_digits() {
        let mut state = State::new(Seed::default(), None);
        let facts = TokenFacts::default();
        state.keep(GrantKind::OneTimePassword, "123456".into(), "c", "ann", Duration::from_secs(60), facts.clone());
        state.keep(GrantKind::OneTimePassword, "123456".into(), "c", "bob", Duration::from_secs(60), facts);
        assert_eq!(
            state.live_one_time_password("c", "ANN", "123456").map(|grant| grant.username.clone()).as_deref(),
            Some("ann")
        );
        assert!(state.live_one_time_password("c", "bob", "123456").is_some());
        assert!(state.live_one_time_password("c", "carl", "123456").is_none());
    }
}
