//! The one rule every timeout follows.

use std::time::Duration;

/// The longest timeout a call gets: one day. A longer one, `Duration::MAX` included, is
/// taken as this, which is "as long as it takes" for any HTTP call while keeping every
/// deadline representable. A zero timeout is refused everywhere.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// The one rule for every timeout: longer than zero, and at most [`MAX_TIMEOUT`].
pub(crate) fn checked_timeout(timeout: Duration, what: &'static str) -> Result<Duration, String> {
    if timeout.is_zero() {
        return Err(format!("{what} must be longer than zero"));
    }
    Ok(timeout.min(MAX_TIMEOUT))
}
