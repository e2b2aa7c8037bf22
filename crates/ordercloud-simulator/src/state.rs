//! The simulator's world: users, issued codes and tokens, the clock and the outbox.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ordercloud_models::MessageSenderPayload;

use crate::delivery::PendingDelivery;
use crate::{Delivery, DeliveryOutcome, OutboxMessage, SimApiClient, SimMessageSender, SimUser};

/// How long a verification code (and its renewal token) stays valid.
pub(crate) const CODE_LIFETIME: Duration = Duration::from_secs(120 * 60);
/// How long a one-time password stays valid.
pub(crate) const ONE_TIME_PASSWORD_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// Failed attempts that lock a user out.
pub(crate) const LOCKOUT_ATTEMPTS: u32 = 10;
/// How long a lockout lasts.
pub(crate) const LOCKOUT_DURATION: Duration = Duration::from_secs(2 * 60);

/// What a simulator starts with, and goes back to on reset.
#[derive(Clone, Default)]
pub(crate) struct Seed {
    pub(crate) clients: Vec<SimApiClient>,
    pub(crate) users: Vec<SimUser>,
    pub(crate) senders: Vec<SimMessageSender>,
}

/// Called with each message as it is sent.
pub(crate) type MessageHook = Arc<dyn Fn(&OutboxMessage) + Send + Sync>;

pub(crate) struct State {
    seed: Seed,
    on_message: Option<MessageHook>,
    pub(crate) clients: Vec<SimApiClient>,
    pub(crate) users: Vec<UserRecord>,
    pub(crate) grants: Vec<Grant>,
    pub(crate) outbox: Vec<OutboxMessage>,
    pub(crate) senders: Vec<SimMessageSender>,
    /// Deliveries for the server to start once it has released the state.
    pub(crate) pending: Vec<PendingDelivery>,
    /// How many requests each route answered, by method, grant type and status; bounded,
    /// since every part of the key comes from a fixed set.
    pub(crate) requests: HashMap<RequestKey, u64>,
    started: Instant,
    /// The wall-clock time at `started`, in Unix seconds, for tokens' `exp` and `nbf`.
    started_unix: u64,
    offset: Duration,
    counter: u64,
}

/// What a request is counted under.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct RequestKey {
    pub(crate) method: &'static str,
    pub(crate) route: &'static str,
    pub(crate) grant_type: Option<&'static str>,
    pub(crate) status: u16,
}

pub(crate) struct UserRecord {
    pub(crate) user: SimUser,
    pub(crate) failed_attempts: u32,
    pub(crate) locked_until: Option<Duration>,
}

/// Something issued to a user that works once before it expires.
pub(crate) struct Grant {
    pub(crate) kind: GrantKind,
    pub(crate) secret: String,
    pub(crate) client_id: String,
    pub(crate) username: String,
    pub(crate) expires: Duration,
    pub(crate) used: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum GrantKind {
    VerificationCode,
    RenewalToken,
    OneTimePassword,
    /// An access token from the token endpoint; `username` is the user's, or an anonymous
    /// shopper's ID.
    AccessToken,
    /// A refresh token; used once, when it is exchanged.
    RefreshToken,
}

impl State {
    pub(crate) fn new(seed: Seed, on_message: Option<MessageHook>) -> Self {
        let users = seed
            .users
            .iter()
            .cloned()
            .map(|user| UserRecord { user, failed_attempts: 0, locked_until: None })
            .collect();
        Self {
            clients: seed.clients.clone(),
            users,
            grants: Vec::new(),
            outbox: Vec::new(),
            senders: seed.senders.clone(),
            seed,
            on_message,
            pending: Vec::new(),
            requests: HashMap::new(),
            started: Instant::now(),
            started_unix: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs()),
            offset: Duration::ZERO,
            counter: 0,
        }
    }

    /// Back to the seeded state: the seeded users with their passwords, no codes or tokens,
    /// an empty outbox, and the clock at real time.
    pub(crate) fn reset(&mut self) {
        *self = Self::new(self.seed.clone(), self.on_message.clone());
    }

    /// Adds a user (and its client, if new) while serving.
    pub(crate) fn add_user(&mut self, user: SimUser) {
        if !self.knows_client(&user.client_id) {
            self.add_client(SimApiClient::new(&user.client_id));
        }
        self.users.push(UserRecord { user, failed_attempts: 0, locked_until: None });
    }

    /// The simulated time since the simulator started: real time plus every `advance`.
    /// Saturating, so no advance or lifetime, however large, overflows it.
    pub(crate) fn now(&self) -> Duration {
        self.started.elapsed().saturating_add(self.offset)
    }

    pub(crate) fn advance(&mut self, by: Duration) {
        self.offset = self.offset.saturating_add(by);
    }

    /// The simulated time in Unix seconds.
    pub(crate) fn unix_now(&self) -> u64 {
        self.started_unix.saturating_add(self.now().as_secs())
    }

    pub(crate) fn knows_client(&self, client_id: &str) -> bool {
        self.client(client_id).is_some()
    }

    pub(crate) fn client(&self, client_id: &str) -> Option<&SimApiClient> {
        self.clients.iter().find(|known| !client_id.is_empty() && known.client_id == client_id)
    }

    /// Adds `client`, or replaces the settings of one with its ID.
    pub(crate) fn add_client(&mut self, client: SimApiClient) {
        match self.clients.iter_mut().find(|known| known.client_id == client.client_id) {
            Some(known) => *known = client,
            None => self.clients.push(client),
        }
    }

    /// The user of `client_id` named by username or, failing that, by email (both
    /// case-insensitive).
    pub(crate) fn find_user(
        &mut self,
        client_id: &str,
        username: Option<&str>,
        email: Option<&str>,
    ) -> Option<&mut UserRecord> {
        let matches = |record: &UserRecord| {
            record.user.client_id == client_id
                && (username.is_some_and(|name| record.user.username.eq_ignore_ascii_case(name))
                    || (username.is_none_or(str::is_empty)
                        && email.is_some_and(|email| record.user.email.eq_ignore_ascii_case(email))))
        };
        self.users.iter_mut().find(|record| matches(record))
    }

    /// Issues a fresh secret of `kind` for the user, valid for `lifetime`.
    pub(crate) fn issue(&mut self, kind: GrantKind, client_id: &str, username: &str, lifetime: Duration) -> String {
        let secret = match kind {
            GrantKind::OneTimePassword => format!("{:06}", self.random() % 1_000_000),
            GrantKind::VerificationCode => format!("{:016x}{:08x}", self.random(), self.random() as u32),
            GrantKind::RenewalToken => format!("prt.{:016x}{:016x}", self.random(), self.random()),
            GrantKind::RefreshToken => format!("rt.{:016x}{:016x}", self.random(), self.random()),
            GrantKind::AccessToken => format!("{:016x}", self.random()),
        };
        self.keep(kind, secret, client_id, username, lifetime)
    }

    /// Keeps `secret` as a grant of `kind`, valid for `lifetime`, and returns it.
    pub(crate) fn keep(
        &mut self,
        kind: GrantKind,
        secret: String,
        client_id: &str,
        username: &str,
        lifetime: Duration,
    ) -> String {
        let expires = self.now().saturating_add(lifetime);
        self.grants.push(Grant {
            kind,
            secret: secret.clone(),
            client_id: client_id.to_owned(),
            username: username.to_owned(),
            expires,
            used: false,
        });
        secret
    }

    /// The unused, unexpired grant of `kind` with `secret`.
    pub(crate) fn live_grant(&mut self, kind: GrantKind, secret: &str) -> Option<&mut Grant> {
        let now = self.now();
        self.grants
            .iter_mut()
            .find(|grant| grant.kind == kind && grant.secret == secret && !grant.used && grant.expires > now)
    }

    /// Puts a message in the outbox and, when a registered sender handles its type, queues
    /// its delivery with the exact bytes to sign and send.
    pub(crate) fn send(&mut self, to: &str, payload: MessageSenderPayload) {
        let handles = |sender: &&SimMessageSender| {
            payload.message_type.as_ref().is_some_and(|kind| sender.message_types.contains(kind))
        };
        let sender = self.senders.iter().find(handles).cloned();
        let delivery = match (&sender, serde_json::to_vec(&payload)) {
            (Some(sender), Ok(body)) => {
                self.pending.push(PendingDelivery {
                    index: self.outbox.len(),
                    sender: sender.clone(),
                    body: body.into(),
                });
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

    pub(crate) fn random(&mut self) -> u64 {
        self.counter += 1;
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(self.counter);
        hasher.finish()
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
