//! What a call's error text must not show: its secret parameters, redacted values, token,
//! and its token provider's own secrets.

use std::sync::Arc;

use http::HeaderValue;

use crate::runtime::token_provider::{TokenProvider, bearer_token};
use crate::text::Secret as TextSecret;

/// A value no error text may show: a password, a client secret, a code, a key or a token,
/// with how it counts. A password counts in its own letter case only, so a server's "The
/// password does not meet the requirements" stays readable for `password1`; a code, key or
/// token counts in any letter case.
///
/// What a [`TokenProvider`](crate::TokenProvider) gives from
/// [`secrets`](crate::TokenProvider::secrets), and what
/// [`ApiRequest::redact_secret`](crate::ApiRequest::redact_secret) takes. Its `Debug` shows
/// only how it counts.
///
/// ```
/// use ordercloud_transport::Secret;
///
/// let password = Secret::exact_case("Passw0rd!");
/// let token = Secret::any_case("a-refresh-token");
/// assert!(!password.is_any_case() && token.is_any_case());
/// assert_eq!(format!("{token:?}"), "Secret { value: \"** redacted **\", any_case: true }");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    value: String,
    any_case: bool,
}

impl Secret {
    /// A code, key or token: it counts in any letter case.
    pub fn any_case(value: impl Into<String>) -> Self {
        Self { value: value.into(), any_case: true }
    }

    /// A password: it counts in its own letter case only.
    pub fn exact_case(value: impl Into<String>) -> Self {
        Self { value: value.into(), any_case: false }
    }

    /// Whether it counts in any letter case.
    pub fn is_any_case(&self) -> bool {
        self.any_case
    }

    /// The secret itself.
    pub fn value(&self) -> &str {
        &self.value
    }

    fn as_text(&self) -> TextSecret<'_> {
        match self.any_case {
            true => TextSecret::any_case(&self.value),
            false => TextSecret::exact_case(&self.value),
        }
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secret").field("value", &ordercloud_models::REDACTED).field("any_case", &self.any_case).finish()
    }
}

/// The secrets of one call, gathered when its error is built.
pub(crate) struct Secrets {
    pub(crate) values: Vec<Secret>,
    /// The token the call was sent with (the client's, its own, or its provider's).
    pub(crate) authorization: Option<HeaderValue>,
    /// The provider whose own secrets (password, client secret...) join `values` when an
    /// error needs them.
    pub(crate) provider: Option<Arc<dyn TokenProvider>>,
}

impl Secrets {
    /// The secrets as the scrubber takes them; asks the token provider for its own first,
    /// so a call that succeeds never does.
    pub(crate) fn as_strs(&mut self) -> Vec<TextSecret<'_>> {
        if let Some(provider) = self.provider.take() {
            self.values.extend(provider.secrets());
        }
        let token = self.authorization.as_ref().and_then(bearer_token).map(TextSecret::any_case);
        self.values.iter().map(Secret::as_text).chain(token).collect()
    }
}
