//! `Signed`: the extractor of a body OrderCloud signed.

use ::axum::body::Body;
use ::axum::extract::{FromRef, FromRequest, Request};
use http::HeaderMap;
use http::header::CONTENT_LENGTH;
use serde::de::DeserializeOwned;

use super::Rejection;
use crate::signed::{HashKey, OC_HASH_HEADER, SignedBodyError};

/// A body OrderCloud signed, read as `T` (a [`WebhookPayload`](crate::WebhookPayload), an
/// integration event's payload, or your own type) once its `X-oc-hash` verifies with the
/// state's [`HashKey`].
///
/// A call without `X-oc-hash` is refused before its body is read; the raw body is read up
/// to the key's [limit](HashKey::with_body_limit) (a declared length over it is refused
/// before reading), verified in constant time, and only then parsed. Refused with a [`Rejection`] in OrderCloud's error shape: `401 InvalidHash` (no
/// or a wrong `X-oc-hash`), `413 PayloadTooLarge`, `400 InvalidRequestBody` (signed, but
/// not a `T`).
#[derive(Clone, Debug)]
pub struct Signed<T>(pub T);

impl<S, T> FromRequest<S> for Signed<T>
where
    S: Send + Sync,
    HashKey: FromRef<S>,
    T: DeserializeOwned,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Rejection> {
        let key = HashKey::from_ref(state);
        let (parts, body) = request.into_parts();
        let (signature, bytes) = signed_body(&parts.headers, body, &key).await?;
        Ok(Self(key.verify(&bytes, Some(signature))?))
    }
}

/// The `X-oc-hash` header and the raw body, not yet verified: a call without the header is
/// refused before its body is read, and the body is read up to `key`'s limit.
pub(crate) async fn signed_body<'h>(
    headers: &'h HeaderMap,
    body: Body,
    key: &HashKey,
) -> Result<(&'h str, bytes::Bytes), Rejection> {
    let signature = headers.get(OC_HASH_HEADER).and_then(|value| value.to_str().ok()).map(str::trim);
    let signature = signature.filter(|value| !value.is_empty()).ok_or(SignedBodyError::MissingSignature)?;
    Ok((signature, read_body(headers, body, key.body_limit()).await?))
}

/// The body, at most `limit` bytes: a larger declared length is refused unread, a longer
/// body as soon as it passes the limit.
async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<bytes::Bytes, Rejection> {
    let declared = headers.get(CONTENT_LENGTH).and_then(|value| value.to_str().ok()?.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(SignedBodyError::TooLarge { limit }.into());
    }
    ::axum::body::to_bytes(body, limit).await.map_err(|error| {
        // The limit's error, wherever it stands in the chain of causes.
        let too_large = std::iter::successors(std::error::Error::source(&error), |source| source.source())
            .any(|source| source.is::<http_body_util::LengthLimitError>());
        if too_large {
            SignedBodyError::TooLarge { limit }.into()
        } else {
            Rejection::new(
                http::StatusCode::BAD_REQUEST,
                ordercloud_models::ApiError::new("InvalidRequestBody", "the request body was cut off"),
            )
        }
    })
}
