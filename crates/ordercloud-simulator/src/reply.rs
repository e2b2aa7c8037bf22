//! Answers: a status and an OrderCloud-shaped JSON body, and the errors every part of the
//! simulator gives.

use bytes::Bytes;
use http::StatusCode;
use ordercloud_models::{ApiError, ErrorCode, ErrorResponse};
use serde_json::{Value, json};

/// An answer: a status, an optional JSON body and any extra headers.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Option<Value>,
    /// The body already written as JSON, for an answer nothing reads again before it is
    /// sent (a stored object, written straight from the store).
    pub(crate) written: Option<Bytes>,
    /// `(name, value)` of headers beyond the usual ones (`Allow`, say).
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub(crate) fn new(status: StatusCode, body: Option<Value>) -> Self {
        Self { status, body, written: None, headers: Vec::new() }
    }

    /// 200 with a body already written as JSON.
    pub(crate) fn ok_written(json: Bytes) -> Self {
        Self { status: StatusCode::OK, body: None, written: Some(json), headers: Vec::new() }
    }

    /// The body as JSON bytes, if there is one.
    pub(crate) fn json_bytes(&self) -> Option<Bytes> {
        match (&self.written, &self.body) {
            (Some(written), _) => Some(written.clone()),
            (None, Some(body)) => Some(serde_json::to_vec(body).map_or_else(|_| Bytes::new(), Bytes::from)),
            (None, None) => None,
        }
    }

    pub(crate) fn no_content() -> Self {
        Self::new(StatusCode::NO_CONTENT, None)
    }

    pub(crate) fn ok(body: Value) -> Self {
        Self::new(StatusCode::OK, Some(body))
    }

    pub(crate) fn created(body: Value) -> Self {
        Self::new(StatusCode::CREATED, Some(body))
    }

    /// OrderCloud's error body, `{"Errors":[{"ErrorCode","Message","Data":null}]}`.
    pub(crate) fn error(status: StatusCode, code: impl Into<ErrorCode>, message: &str) -> Self {
        Self::api_error(status, ApiError::new(code, message))
    }

    /// OrderCloud's error body with `Data`.
    pub(crate) fn error_with(status: StatusCode, code: impl Into<ErrorCode>, message: &str, data: Value) -> Self {
        Self::api_error(status, ApiError::new(code, message).with_data(data))
    }

    fn api_error(status: StatusCode, error: ApiError) -> Self {
        let body = serde_json::to_value(ErrorResponse::new(vec![error])).unwrap_or(Value::Null);
        Self::new(status, Some(body))
    }

    /// A 400 with OrderCloud's error body.
    pub(crate) fn bad_request(code: impl Into<ErrorCode>, message: &str) -> Self {
        Self::error(StatusCode::BAD_REQUEST, code, message)
    }

    /// Adds a header.
    pub(crate) fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// A user locked out after too many failures.
pub(crate) fn locked_out() -> Reply {
    Reply::bad_request(ErrorCode::PasswordResetLockedOut, "Too many failed attempts; try again in a few minutes")
}

/// A missing, unknown or expired token.
pub(crate) fn invalid_token() -> Reply {
    Reply::error(StatusCode::UNAUTHORIZED, ErrorCode::InvalidToken, "Access token is invalid or expired.")
}

/// A token without any of the roles the operation takes: the roles that would do, and the
/// roles the token has.
pub(crate) fn insufficient_roles(sufficient: &[&str], assigned: &[String]) -> Reply {
    Reply::error_with(
        StatusCode::FORBIDDEN,
        ErrorCode::AuthInsufficientRoles,
        "User does not have role(s) required to perform this action.",
        json!({"SufficientRoles": sufficient, "AssignedRoles": assigned}),
    )
}

/// The token endpoint's refusal in OAuth2's shape, with OrderCloud's `Errors` beside it.
pub(crate) fn oauth_error(status: StatusCode, error: ErrorCode, description: &str) -> Reply {
    let code = error.as_str().to_owned();
    let mut reply = Reply::error(status, error, description);
    if let Some(Value::Object(body)) = &mut reply.body {
        body.insert("error".to_owned(), json!(code));
        body.insert("error_description".to_owned(), json!(description));
    }
    reply
}

/// OrderCloud's `NotFound`, naming what is missing in `Data`, which clients read (the
/// official JavaScript SDK fails on a `NotFound` without it).
pub(crate) fn not_found(object_type: &str, id: &str) -> Reply {
    Reply::error_with(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        &format!("{object_type} not found: {id}"),
        json!({"ObjectType": object_type, "ObjectID": id}),
    )
}

/// No route of OrderCloud's is at this path: a `NotFound` of the route.
pub(crate) fn unknown_route(path: &str) -> Reply {
    not_found("Route", path)
}

/// A route of OrderCloud's, but not for this method.
pub(crate) fn wrong_method(path: &str, allowed: &[&str]) -> Reply {
    let mut allowed: Vec<&str> = allowed.to_vec();
    allowed.sort_unstable();
    allowed.dedup();
    Reply::error_with(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        &format!("{path} takes {}", allowed.join(", ")),
        json!({"ObjectType": "Route", "ObjectID": path, "Allowed": allowed}),
    )
    .with_header("allow", allowed.join(", "))
}
