//! What a call's error text must not show: its secret parameters, redacted values, token,
//! and its token provider's own secrets.

use std::sync::Arc;

use http::HeaderValue;

use crate::runtime::token_provider::{TokenProvider, bearer_token};
use crate::text::Secret;

/// A value a call's error text must not show, and whether it counts in any letter case.
#[derive(Clone)]
pub(crate) struct SecretValue {
    value: String,
    any_case: bool,
}

impl SecretValue {
    /// A code, key or token: any letter case.
    pub(crate) fn any_case(value: &str) -> Self {
        Self { value: value.to_owned(), any_case: true }
    }

    /// A password: its own letter case only.
    pub(crate) fn exact_case(value: &str) -> Self {
        Self { value: value.to_owned(), any_case: false }
    }
}

/// The secrets of one call, gathered when its error is built.
pub(crate) struct Secrets {
    pub(crate) values: Vec<SecretValue>,
    /// The token the call was sent with (the client's, its own, or its provider's).
    pub(crate) authorization: Option<HeaderValue>,
    /// The provider whose own secrets (password, client secret...) join `values` when an
    /// error needs them.
    pub(crate) provider: Option<Arc<dyn TokenProvider>>,
}

impl Secrets {
    /// The secrets as the scrubber takes them; asks the token provider for its own first,
    /// so a call that succeeds never does.
    pub(crate) fn as_strs(&mut self) -> Vec<Secret<'_>> {
        if let Some(provider) = self.provider.take() {
            let extra = provider.secrets().into_iter().map(|(value, any_case)| SecretValue { value, any_case });
            self.values.extend(extra);
        }
        let token = self.authorization.as_ref().and_then(bearer_token).map(Secret::any_case);
        let values = self.values.iter().map(|secret| match secret.any_case {
            true => Secret::any_case(&secret.value),
            false => Secret::exact_case(&secret.value),
        });
        values.chain(token).collect()
    }
}
