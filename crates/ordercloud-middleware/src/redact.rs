//! How the secrets of payloads (access tokens) print in `Debug`.

use std::fmt;

use ordercloud_models::REDACTED;

/// Debugs as `** redacted **` when the secret is there and as `None` when it is not, so a
/// log still tells whether one came.
pub(crate) struct Secret(pub(crate) bool);

impl Secret {
    pub(crate) fn of<T>(value: &Option<T>) -> Self {
        Self(value.is_some())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 { f.write_str(REDACTED) } else { f.write_str("None") }
    }
}
