//! `RetryPolicy`: which failures are sent again, and after how long.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use http::{HeaderMap, Method, StatusCode};

use crate::error::{TransportError, TransportErrorKind};

/// Which failed calls the client sends again, and after how long.
///
/// The default retries only what provably did not take effect, at most twice: a request
/// never sent (no connection could be established, or a transport says its turn never
/// came), and a `429 Too Many Requests` (honouring `Retry-After`, in seconds or as an HTTP
/// date). That is the rule [`Error::is_retryable`](crate::Error::is_retryable) answers by. It never retries a timeout, a connection lost after the
/// request started, or a 5xx, because the server may have acted: a retried
/// `POST /password/reset` would send a second email. Retrying 502/503/504 for idempotent
/// methods (`GET`, `PUT`, `DELETE`, `HEAD`, `OPTIONS`) is opt-in.
///
/// Waits grow exponentially from [`with_backoff`](Self::with_backoff)'s initial delay, with
/// jitter, and never outlast the call's timeout: a wait that would is not started, and the
/// last error is returned instead.
///
/// ```
/// use std::time::Duration;
/// use ordercloud_transport::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .with_max_retries(4)
///     .with_backoff(Duration::from_millis(50), Duration::from_secs(2))
///     .retry_idempotent_server_errors(true);
/// assert_eq!(patient.max_retries(), 4);
/// assert_eq!(RetryPolicy::none().max_retries(), 0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    idempotent_server_errors: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            idempotent_server_errors: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// At most `max_retries` retries after the first attempt.
    #[must_use]
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The first wait, doubled at each retry up to `max`, before jitter.
    #[must_use]
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Also retry 502, 503 and 504 answers to idempotent methods.
    #[must_use]
    pub fn retry_idempotent_server_errors(mut self, enabled: bool) -> Self {
        self.idempotent_server_errors = enabled;
        self
    }

    /// How many retries follow a first attempt at most.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// After `retries` retries, whether a transport failure is retried, and the wait.
    pub(crate) fn after_failure(&self, retries: u32, error: &TransportError) -> Option<Duration> {
        (retries < self.max_retries && retryable_failure(error.kind())).then(|| self.backoff(retries))
    }

    /// After `retries` retries, whether a non-2xx answer is retried, and the wait.
    pub(crate) fn after_status(
        &self,
        retries: u32,
        method: &Method,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> Option<Duration> {
        if retries >= self.max_retries {
            return None;
        }
        let server_error =
            matches!(status, StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT);
        if retryable_status(status) || (server_error && self.idempotent_server_errors && is_idempotent(method)) {
            let retry_after = headers
                .get(http::header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| parse_retry_after(value, SystemTime::now()));
            return Some(retry_after.unwrap_or_else(|| self.backoff(retries)));
        }
        None
    }

    /// The wait before retry number `retries + 1`: exponential, with jitter in [50%, 100%].
    fn backoff(&self, retries: u32) -> Duration {
        let factor = 2u32.saturating_pow(retries.min(16));
        let full = self.initial_backoff.saturating_mul(factor).min(self.max_backoff);
        // In f64 the largest durations round up past Duration::MAX: keep `full` then.
        Duration::try_from_secs_f64(full.as_secs_f64() * (0.5 + 0.5 * random_fraction())).unwrap_or(full)
    }
}

/// The one rule of what may be sent again, which the policy retries by and
/// [`Error::is_retryable`](crate::Error::is_retryable) answers: a failure that proves the
/// request was not sent ([`TransportErrorKind::request_not_sent`]), unless sending it again
/// must fail the same way (a TLS handshake refused, no async runtime).
pub(crate) fn retryable_failure(kind: TransportErrorKind) -> bool {
    kind.request_not_sent() && !matches!(kind, TransportErrorKind::Tls | TransportErrorKind::Runtime)
}

/// The status of the same rule: `429 Too Many Requests`, which OrderCloud answers before
/// doing anything. (5xx answers may have taken effect: retrying them is the policy's opt-in.)
pub(crate) fn retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
}

fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS)
}

/// A number in [0, 1) that differs between calls and processes; for jitter only.
fn random_fraction() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// `Retry-After` as a wait: delay-seconds, or an HTTP date (a date in the past means no
/// wait). A number too large for a `Duration` is as long as one can be; either way a wait
/// longer than the call's time left is never started.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        return Some(value.parse::<u64>().map_or(Duration::MAX, Duration::from_secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        headers
    }

    use std::time::UNIX_EPOCH;

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_770); // Sun, 06 Nov 1994 08:49:30 GMT
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Sat, 05 Nov 1994 08:49:37 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", UNIX_EPOCH), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), Some(Duration::from_secs(7)));
        for bad in [
            "",
            "-1",
            "+5",
            "1.5",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 999999999999999 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn absurd_retry_after_values_are_long_waits_not_panics() {
        let now = SystemTime::now();
        assert_eq!(parse_retry_after("18446744073709551615", now), Some(Duration::from_secs(u64::MAX)));
        assert_eq!(parse_retry_after("99999999999999999999999", now), Some(Duration::MAX));
        assert!(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now).unwrap() > Duration::from_secs(1 << 37));
    }

    #[test]
    fn the_largest_backoff_does_not_overflow() {
        let policy = RetryPolicy::default().with_backoff(Duration::MAX, Duration::MAX);
        for retries in [0, 1, 16, u32::MAX] {
            let wait = policy.backoff(retries);
            assert!(wait >= Duration::MAX / 2, "{retries}: {wait:?}");
        }
    }

    #[test]
    fn default_retries_connect_failures_and_429_only() {
        let policy = RetryPolicy::default();
        let connect = TransportError::from_kind(TransportErrorKind::Connect);
        let timeout = TransportError::from_kind(TransportErrorKind::Timeout);
        let io = TransportError::from_kind(TransportErrorKind::Io);
        assert!(policy.after_failure(0, &connect).is_some());
        assert!(policy.after_failure(1, &connect).is_some());
        assert!(policy.after_failure(2, &connect).is_none(), "at most 2 retries");
        assert!(policy.after_failure(0, &timeout).is_none());
        assert!(policy.after_failure(0, &io).is_none());
        assert!(policy.after_failure(0, &TransportError::from_kind(TransportErrorKind::Tls)).is_none());
        assert!(policy.after_failure(0, &TransportError::from_kind(TransportErrorKind::Runtime)).is_none());
        assert!(policy.after_failure(0, &TransportError::from_kind(TransportErrorKind::QueueTimeout)).is_some());
        let none = HeaderMap::new();
        assert!(policy.after_status(0, &Method::POST, StatusCode::TOO_MANY_REQUESTS, &none).is_some());
        for status in [500, 502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(policy.after_status(0, &Method::PUT, status, &none).is_none());
        }
        assert!(RetryPolicy::none().after_failure(0, &connect).is_none());
    }

    #[test]
    fn the_policy_and_is_retryable_follow_one_rule() {
        use crate::error::Error;
        let policy = RetryPolicy::default();
        let kinds = [
            TransportErrorKind::Connect,
            TransportErrorKind::Tls,
            TransportErrorKind::Timeout,
            TransportErrorKind::Io,
            TransportErrorKind::InvalidResponse,
            TransportErrorKind::BodyTooLarge,
            TransportErrorKind::QueueTimeout,
            TransportErrorKind::Runtime,
            TransportErrorKind::Other,
        ];
        for kind in kinds {
            let error = TransportError::from_kind(kind);
            let retried = policy.after_failure(0, &error).is_some();
            assert_eq!(retried, Error::from(error).is_retryable(), "{kind:?}");
            assert!(!retried || kind.request_not_sent(), "{kind:?} may have been sent");
        }
        for status in [400, 401, 404, 408, 409, 429, 500, 502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            let retried = policy.after_status(0, &Method::POST, status, &HeaderMap::new()).is_some();
            assert_eq!(retried, retryable_status(status), "{status}");
        }
    }

    #[test]
    fn idempotent_server_errors_are_opt_in_and_never_for_post() {
        let policy = RetryPolicy::default().retry_idempotent_server_errors(true);
        let none = HeaderMap::new();
        assert!(policy.after_status(0, &Method::PUT, StatusCode::SERVICE_UNAVAILABLE, &none).is_some());
        assert!(policy.after_status(0, &Method::POST, StatusCode::SERVICE_UNAVAILABLE, &none).is_none());
        assert!(policy.after_status(0, &Method::PUT, StatusCode::INTERNAL_SERVER_ERROR, &none).is_none());
    }

    #[test]
    fn retry_after_wins_over_backoff_and_backoff_grows_with_jitter() {
        let policy = RetryPolicy::default().with_backoff(Duration::from_millis(100), Duration::from_millis(300));
        let wait = policy.after_status(0, &Method::POST, StatusCode::TOO_MANY_REQUESTS, &headers("3"));
        assert_eq!(wait, Some(Duration::from_secs(3)));
        for retries in 0..4 {
            let full = Duration::from_millis(100 * 2u64.pow(retries)).min(Duration::from_millis(300));
            let wait = policy.backoff(retries);
            assert!(wait >= full / 2 && wait <= full, "{retries}: {wait:?}");
        }
    }
}
