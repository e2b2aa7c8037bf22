//! `Verified`: the extractor of a user whose OrderCloud token verifies.

use std::marker::PhantomData;
use std::ops::Deref;

use ::axum::extract::{FromRef, FromRequestParts};
use http::header;
use http::request::Parts;

use super::Rejection;
use crate::error::VerifyError;
use crate::verified::VerifiedToken;
use crate::verifier::TokenVerifier;

/// The roles an endpoint takes, any one of which lets a user in: `Verified<R>` answers
/// `403` to a token with none of them.
///
/// ```
/// use ordercloud_middleware::axum::{RequiredRoles, Verified};
///
/// /// Order managers: OrderCloud's role, or the marketplace's own.
/// struct OrderManagers;
///
/// impl RequiredRoles for OrderManagers {
///     const ROLES: &'static [&'static str] = &["OrderAdmin", "CustomOrderManager"];
/// }
///
/// async fn refund(manager: Verified<OrderManagers>) -> String {
///     format!("{} may refund", manager.username())
/// }
/// ```
pub trait RequiredRoles: Send + Sync + 'static {
    /// The roles, any one of which will do; none lets any verified user in.
    const ROLES: &'static [&'static str];
}

/// Any verified user, whatever their roles.
#[derive(Debug)]
pub struct AnyRole;

impl RequiredRoles for AnyRole {
    const ROLES: &'static [&'static str] = &[];
}

/// A shopper: a token with OrderCloud's `Shopper` role.
#[derive(Debug)]
pub struct ShopperRole;

impl RequiredRoles for ShopperRole {
    const ROLES: &'static [&'static str] = &["Shopper"];
}

/// The user of a request whose `Authorization: Bearer` token the state's
/// [`TokenVerifier`] accepts, and who has one of `R`'s roles; it derefs to the
/// [`VerifiedToken`].
///
/// Refused with a [`Rejection`]: `401 InvalidToken` for a missing, malformed, forged,
/// expired or foreign token (its message says which, never showing the token), `403
/// Auth.InsufficientRoles` for a token without the roles, `503 ServiceUnavailable` when
/// OrderCloud could not be asked for its key.
#[derive(Debug)]
pub struct Verified<R = AnyRole> {
    token: VerifiedToken,
    roles: PhantomData<fn() -> R>,
}

impl<R> Verified<R> {
    /// The verified token.
    pub fn into_inner(self) -> VerifiedToken {
        self.token
    }
}

impl<R> Deref for Verified<R> {
    type Target = VerifiedToken;

    fn deref(&self) -> &VerifiedToken {
        &self.token
    }
}

impl<S, R> FromRequestParts<S> for Verified<R>
where
    S: Send + Sync,
    TokenVerifier: FromRef<S>,
    R: RequiredRoles,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Rejection> {
        let verifier = TokenVerifier::from_ref(state);
        let token = bearer(parts).ok_or(VerifyError::Missing)?;
        let token = verifier.verify(token).await?;
        if !token.has_any_role(R::ROLES) {
            return Err(Rejection::insufficient_roles(R::ROLES, token.roles()));
        }
        Ok(Self { token, roles: PhantomData })
    }
}

/// The token of `Authorization: Bearer <token>` (the scheme in any letter case).
fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|token| !token.is_empty())
}
