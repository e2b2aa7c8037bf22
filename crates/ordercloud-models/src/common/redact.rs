//! How secrets print in `Debug`.

use std::fmt;

/// What a secret prints as in `Debug` output, everywhere in the OrderCloud crates.
pub const REDACTED: &str = "** redacted **";

/// Debugs as [`REDACTED`] when the secret is set, and as `None` when it is not, so a log
/// still tells whether a value was present.
pub(crate) struct RedactedOption(pub(crate) bool);

impl fmt::Debug for RedactedOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 { f.write_str(REDACTED) } else { f.write_str("None") }
    }
}

/// Debugs as [`REDACTED`].
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}
