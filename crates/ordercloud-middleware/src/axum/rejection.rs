//! `Rejection`: a refusal in OrderCloud's error shape.

use std::fmt;

use ::axum::body::Body;
use ::axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use ordercloud_models::{ApiError, ErrorResponse};
use serde_json::json;

use crate::error::VerifyError;
use crate::events::HandlerError;
use crate::signed::SignedBodyError;
use crate::webhook::PreHookResponse;

/// What an extractor of this module answers when it refuses a request: a status and
/// OrderCloud's error body, `{"Errors":[{"ErrorCode","Message","Data"}]}`; a `401` also
/// carries `WWW-Authenticate: Bearer`. It never holds the token or the body refused.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    status: StatusCode,
    error: ApiError,
}

impl Rejection {
    /// A refusal with `status` and `error`.
    pub fn new(status: StatusCode, error: ApiError) -> Self {
        Self { status, error }
    }

    /// `403 Auth.InsufficientRoles`, with the roles that would do and those the token has
    /// in `Data`, as OrderCloud answers.
    pub fn insufficient_roles(sufficient: &[&str], assigned: &[String]) -> Self {
        let error =
            ApiError::new("Auth.InsufficientRoles", "User does not have role(s) required to perform this action.")
                .with_data(json!({"SufficientRoles": sufficient, "AssignedRoles": assigned}));
        Self::new(StatusCode::FORBIDDEN, error)
    }

    /// The status answered.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The error answered.
    pub fn error(&self) -> &ApiError {
        &self.error
    }
}

impl From<VerifyError> for Rejection {
    fn from(error: VerifyError) -> Self {
        Self::new(error.status(), ApiError::new(error.error_code(), error.to_string()))
    }
}

impl From<SignedBodyError> for Rejection {
    fn from(error: SignedBodyError) -> Self {
        let refused = HandlerError::from(error);
        Self::new(refused.status(), refused.error().clone())
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.error.error_code.as_str(), self.error.message)
    }
}

impl std::error::Error for Rejection {}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let unauthorized = self.status == StatusCode::UNAUTHORIZED;
        let mut response = json(self.status, &ErrorResponse::new(vec![self.error]));
        if unauthorized {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl IntoResponse for HandlerError {
    fn into_response(self) -> Response {
        HandlerError::into_response(self).map(Body::from)
    }
}

/// A pre-hook's answer, as JSON with `200`.
impl IntoResponse for PreHookResponse {
    fn into_response(self) -> Response {
        json(StatusCode::OK, &self)
    }
}

fn json<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    crate::events::json_response(status, body).map(Body::from)
}
