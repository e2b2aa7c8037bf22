//! The simulator's clock: real time since it started plus every advance, as a duration,
//! Unix seconds and RFC 3339 text; and the source of its random numbers and new IDs. It is a
//! field of its own, so what serves the resources borrows it beside the store.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The clock, and the counter behind random numbers.
pub(crate) struct Clock {
    started: Instant,
    /// The wall-clock time at `started`, in Unix seconds, for tokens' `exp` and `nbf`.
    started_unix: u64,
    offset: Duration,
    counter: u64,
}

impl Clock {
    /// A clock at real time.
    pub(crate) fn new() -> Self {
        Self {
            started: Instant::now(),
            started_unix: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs()),
            offset: Duration::ZERO,
            counter: 0,
        }
    }

    /// The simulated time since the simulator started: real time plus every `advance`.
    /// Saturating, so no advance or lifetime, however large, overflows it.
    pub(crate) fn now(&self) -> Duration {
        self.started.elapsed().saturating_add(self.offset)
    }

    /// Moves the clock forward by `by`.
    pub(crate) fn advance(&mut self, by: Duration) {
        self.offset = self.offset.saturating_add(by);
    }

    /// The simulated time in Unix seconds.
    pub(crate) fn unix_now(&self) -> u64 {
        self.started_unix.saturating_add(self.now().as_secs())
    }

    /// Now as RFC 3339 text (`2026-12-03T10:00:00Z`).
    pub(crate) fn now_text(&self) -> String {
        rfc3339(self.unix_now())
    }

    /// A random number: the counter through a randomly keyed hasher.
    pub(crate) fn random(&mut self) -> u64 {
        self.counter += 1;
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(self.counter);
        hasher.finish()
    }

    /// A new object ID, as OrderCloud makes them: 22 URL-safe characters.
    pub(crate) fn new_id(&mut self) -> String {
        const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let (mut a, mut b) = (self.random(), self.random());
        (0..22)
            .map(|index| {
                let source = if index < 11 { &mut a } else { &mut b };
                let character = ALPHABET[(*source & 63) as usize];
                *source >>= 6;
                char::from(character)
            })
            .collect()
    }
}

/// Unix seconds as RFC 3339 UTC text (`2026-12-03T10:00:00Z`).
fn rfc3339(unix: u64) -> String {
    let days = unix / 86_400;
    let seconds = unix % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", seconds / 3600, seconds % 3600 / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_294_096), "2026-12-03T10:34:56Z");
    }

    #[test]
    fn advances_add_up_and_ids_are_22_url_safe_characters() {
        let mut clock = Clock::new();
        let before = clock.unix_now();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.unix_now() >= before + 3600);
        let id = clock.new_id();
        assert_eq!(id.len(), 22);
        assert!(id.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'));
        assert_ne!(clock.new_id(), id);
    }
}
