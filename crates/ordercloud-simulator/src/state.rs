//! The simulator's world: users, issued codes and tokens, the clock and the outbox.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

use ordercloud_models::MessageSenderPayload;

use crate::{OutboxMessage, SimUser};

/// How long a verification code (and its renewal token) stays valid.
pub(crate) const CODE_LIFETIME: Duration = Duration::from_secs(120 * 60);
/// How long a one-time password stays valid.
pub(crate) const ONE_TIME_PASSWORD_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// Failed attempts that lock a user out.
pub(crate) const LOCKOUT_ATTEMPTS: u32 = 10;
/// How long a lockout lasts.
pub(crate) const LOCKOUT_DURATION: Duration = Duration::from_secs(2 * 60);

pub(crate) struct State {
    pub(crate) clients: Vec<String>,
    pub(crate) users: Vec<UserRecord>,
    pub(crate) grants: Vec<Grant>,
    pub(crate) outbox: Vec<OutboxMessage>,
    started: Instant,
    offset: Duration,
    counter: u64,
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
}

impl State {
    pub(crate) fn new(clients: Vec<String>, users: Vec<SimUser>) -> Self {
        let users = users.into_iter().map(|user| UserRecord { user, failed_attempts: 0, locked_until: None }).collect();
        Self {
            clients,
            users,
            grants: Vec::new(),
            outbox: Vec::new(),
            started: Instant::now(),
            offset: Duration::ZERO,
            counter: 0,
        }
    }

    /// The simulated time since the simulator started: real time plus every `advance`.
    /// Saturating, so no advance or lifetime, however large, overflows it.
    pub(crate) fn now(&self) -> Duration {
        self.started.elapsed().saturating_add(self.offset)
    }

    pub(crate) fn advance(&mut self, by: Duration) {
        self.offset = self.offset.saturating_add(by);
    }

    pub(crate) fn knows_client(&self, client_id: &str) -> bool {
        !client_id.is_empty() && self.clients.iter().any(|known| known == client_id)
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
        };
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

    pub(crate) fn send(&mut self, to: &str, payload: MessageSenderPayload) {
        self.outbox.push(OutboxMessage { to: to.to_owned(), payload });
    }

    fn random(&mut self) -> u64 {
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
