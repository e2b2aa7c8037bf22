//! What OrderCloud signs: the body of a webhook or integration-event call, with
//! `X-oc-hash` = base64(HMAC-SHA256(hash key, raw body)), checked before anything is read.

use std::fmt;
use std::sync::Arc;

use ordercloud_models::REDACTED;
use ordercloud_models::message_sender::verify_oc_hash;
use serde::de::DeserializeOwned;

/// The header OrderCloud signs its calls with (header names are case-insensitive:
/// OrderCloud's documentation writes `X-oc-hash`).
pub use ordercloud_models::message_sender::OC_HASH_HEADER;

/// The largest body [`HashKey`] lets a call have by default: 4 MiB, room for the worksheet
/// of an order of some thousand line items.
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// The `HashKey` of a webhook or integration event: the shared secret its calls are signed
/// with, and the largest body a call may have. Cheap to clone; `Debug` never shows the key.
///
/// ```
/// use ordercloud_middleware::HashKey;
///
/// let key = HashKey::new("the-webhooks-hash-key").with_body_limit(256 * 1024);
/// assert!(!format!("{key:?}").contains("the-webhooks-hash-key"));
/// ```
#[derive(Clone)]
pub struct HashKey {
    key: Arc<[u8]>,
    body_limit: usize,
}

impl HashKey {
    /// The key as set on the webhook or integration event in OrderCloud.
    pub fn new(key: impl AsRef<[u8]>) -> Self {
        Self { key: Arc::from(key.as_ref()), body_limit: DEFAULT_BODY_LIMIT }
    }

    /// Refuses calls with a larger body than `bytes` ([`DEFAULT_BODY_LIMIT`] unless set).
    #[must_use]
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// The largest body a call may have.
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// Verifies `body` (the raw bytes received) against `x_oc_hash` (the header's value,
    /// `None` when absent) in constant time, then reads it as `T`. Never panics; the error
    /// never holds the body.
    ///
    /// ```
    /// use ordercloud_middleware::{HashKey, SignedBodyError, WebhookPayload};
    /// use ordercloud_models::message_sender::compute_oc_hash;
    ///
    /// let key = HashKey::new("secret");
    /// let body = br#"{"Route":"v1/orders/{direction}/{orderID}/submit","Verb":"POST"}"#;
    /// let signature = compute_oc_hash(body, b"secret");
    /// let payload: WebhookPayload = key.verify(body, Some(&signature))?;
    /// assert_eq!(payload.verb.as_deref(), Some("POST"));
    /// assert_eq!(key.verify::<WebhookPayload>(body, Some("forged")).unwrap_err(), SignedBodyError::BadSignature);
    /// assert_eq!(key.verify::<WebhookPayload>(body, None).unwrap_err(), SignedBodyError::MissingSignature);
    /// # Ok::<(), SignedBodyError>(())
    /// ```
    pub fn verify<T: DeserializeOwned>(&self, body: &[u8], x_oc_hash: Option<&str>) -> Result<T, SignedBodyError> {
        self.check(body, x_oc_hash)?;
        let text = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        serde_json::from_slice(text)
            .map_err(|error| SignedBodyError::Unparsable { line: error.line(), column: error.column() })
    }

    /// Verifies the signature only: the size, the key, the header and the HMAC.
    pub fn check(&self, body: &[u8], x_oc_hash: Option<&str>) -> Result<(), SignedBodyError> {
        if self.key.is_empty() {
            return Err(SignedBodyError::EmptyKey);
        }
        if body.len() > self.body_limit {
            return Err(SignedBodyError::TooLarge { limit: self.body_limit });
        }
        let signature = x_oc_hash.map(str::trim).filter(|value| !value.is_empty());
        let signature = signature.ok_or(SignedBodyError::MissingSignature)?;
        if verify_oc_hash(body, signature, &self.key) { Ok(()) } else { Err(SignedBodyError::BadSignature) }
    }
}

impl fmt::Debug for HashKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HashKey").field("key", &REDACTED).field("body_limit", &self.body_limit).finish()
    }
}

/// Why a signed call was refused. It never holds the body, which carries tokens and
/// customers' data.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignedBodyError {
    /// The hash key is empty: a mistake in the receiver's configuration.
    EmptyKey,
    /// The body is larger than the key's [limit](HashKey::with_body_limit).
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The call has no `X-oc-hash` header (or an empty one).
    MissingSignature,
    /// The `X-oc-hash` is not the body's HMAC under the key: a wrong key, a changed body,
    /// or a call that does not come from OrderCloud.
    BadSignature,
    /// The body is signed but is not the JSON expected.
    Unparsable {
        /// The line (from 1) where reading failed.
        line: usize,
        /// The column (from 1) where reading failed.
        column: usize,
    },
}

impl SignedBodyError {
    /// The status to answer: `401` for a missing or wrong signature, `413` for a body too
    /// large, `400` for one that does not read, `500` for an empty key.
    pub fn status(&self) -> http::StatusCode {
        match self {
            Self::MissingSignature | Self::BadSignature => http::StatusCode::UNAUTHORIZED,
            Self::TooLarge { .. } => http::StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unparsable { .. } => http::StatusCode::BAD_REQUEST,
            Self::EmptyKey => http::StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl fmt::Display for SignedBodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyKey => f.write_str("the hash key is empty"),
            Self::TooLarge { limit } => write!(f, "the body is larger than {limit} bytes"),
            Self::MissingSignature => write!(f, "the call has no {OC_HASH_HEADER} header"),
            Self::BadSignature => write!(f, "the {OC_HASH_HEADER} header does not sign this body with the hash key"),
            Self::Unparsable { line, column } => {
                write!(f, "the signed body is not what was expected (at line {line}, column {column})")
            }
        }
    }
}

impl std::error::Error for SignedBodyError {}

#[cfg(test)]
mod tests {
    use super::*;
    use ordercloud_models::message_sender::compute_oc_hash;

    #[test]
    fn every_failure_has_its_kind_and_status() {
        let key = HashKey::new("k").with_body_limit(64);
        let body = br#"{"a":"secret-value"}"#;
        let good = compute_oc_hash(body, b"k");
        assert_eq!(key.verify::<serde_json::Value>(body, Some(&format!(" {good} "))).unwrap()["a"], "secret-value");
        let cases: [(&[u8], Option<&str>, SignedBodyError); 5] = [
            (body, None, SignedBodyError::MissingSignature),
            (body, Some(""), SignedBodyError::MissingSignature),
            (body, Some(&compute_oc_hash(body, b"other")), SignedBodyError::BadSignature),
            (br#"{"a":"secret-valuf"}"#, Some(&good), SignedBodyError::BadSignature),
            (&[b' '; 65], Some(&good), SignedBodyError::TooLarge { limit: 64 }),
        ];
        for (body, header, expected) in cases {
            let error = key.verify::<serde_json::Value>(body, header).unwrap_err();
            assert_eq!(error, expected);
            assert!(!error.to_string().contains("secret"));
        }
        let not_json = b"secret-value";
        let error = key.verify::<serde_json::Value>(not_json, Some(&compute_oc_hash(not_json, b"k"))).unwrap_err();
        assert!(matches!(error, SignedBodyError::Unparsable { .. }) && error.status() == 400);
        assert_eq!(HashKey::new("").check(b"{}", Some("x")), Err(SignedBodyError::EmptyKey));
        assert_eq!(SignedBodyError::BadSignature.status(), 401);
    }
}
