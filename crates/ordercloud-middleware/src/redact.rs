//! How the secrets of payloads (access tokens, raw bodies and configuration) print in
//! `Debug`.

use std::any::Any;
use std::fmt;

use ordercloud_models::{REDACTED, RawJson};

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

/// How `Debug` shows a body or a `ConfigData`: a typed one as itself (the typed models
/// redact their own secrets); raw JSON, which may hold a password, a token or a provider's
/// key, by its size only.
pub(crate) struct Shown<'a, T>(pub(crate) &'a Option<T>);

impl<T: fmt::Debug + 'static> fmt::Debug for Shown<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_ref().map(|value| (value as &dyn Any).downcast_ref::<RawJson>()) {
            Some(Some(raw)) => write!(f, "Some(RawJson(** {} bytes, redacted **))", raw.as_json().len()),
            _ => self.0.fmt(f),
        }
    }
}
