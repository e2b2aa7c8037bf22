//! The endpoints: each takes the parsed request and the state, and returns an answer.

use http::{HeaderMap, Method, StatusCode};
use ordercloud_models::{
    ApiError, Environment, ErrorCode, ErrorResponse, ForgottenPasswordEventBody, ForgottenUsernameEventBody,
    MessageSenderPayload, MessageType, OneTimePasswordEventBody, OneTimePasswordRequest, PasswordRequirements,
    PasswordReset, PasswordResetRequest, TokenPasswordReset, User,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::state::{CODE_LIFETIME, GrantKind, ONE_TIME_PASSWORD_LIFETIME, State, UserRecord};

/// An answer: a status and an optional JSON body.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Option<Value>,
}

impl Reply {
    fn no_content() -> Self {
        Self { status: StatusCode::NO_CONTENT, body: None }
    }

    fn error(status: StatusCode, code: ErrorCode, message: &str) -> Self {
        Self::error_with(status, ApiError::new(code, message))
    }

    fn error_with(status: StatusCode, error: ApiError) -> Self {
        let body = serde_json::to_value(ErrorResponse::new(vec![error])).unwrap_or(Value::Null);
        Self { status, body: Some(body) }
    }

    fn bad_request(code: ErrorCode, message: &str) -> Self {
        Self::error(StatusCode::BAD_REQUEST, code, message)
    }
}

/// What the server read of a request.
pub(crate) struct Incoming<'a> {
    pub(crate) method: &'a Method,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

pub(crate) fn handle(state: &mut State, request: &Incoming<'_>) -> Reply {
    let segments: Vec<&str> = request.path.trim_start_matches('/').split('/').collect();
    match (request.method, segments.as_slice()) {
        (&Method::POST, ["v1", "password", "reset"]) => {
            json_body(request).map_or_else(|e| e, |body| send_code(state, body))
        }
        (&Method::PUT, ["v1", "password", "reset", code]) => match percent_decode(code) {
            Some(code) if !code.is_empty() => json_body(request).map_or_else(|e| e, |body| reset(state, &code, body)),
            _ => not_found(),
        },
        (&Method::POST, ["v1", "password", "onetimepassword"]) => {
            json_body(request).map_or_else(|e| e, |body| send_one_time_password(state, body))
        }
        (&Method::POST, ["v1", "username", "retrieve"]) => retrieve_username(state, request.query.unwrap_or("")),
        (&Method::POST, ["v1", "me", "password"]) => match bearer(request.headers) {
            Some(token) => json_body(request).map_or_else(|e| e, |body| reset_by_token(state, &token, body)),
            None => {
                Reply::error(StatusCode::UNAUTHORIZED, ErrorCode::InvalidToken, "Access token is missing or invalid")
            }
        },
        _ => not_found(),
    }
}

fn not_found() -> Reply {
    Reply::error(StatusCode::NOT_FOUND, ErrorCode::NotFound, "Resource not found")
}

/// The JSON body as `T`, or the 400 OrderCloud gives for a body it cannot read.
fn json_body<T: DeserializeOwned>(request: &Incoming<'_>) -> Result<T, Reply> {
    let content_type = request.headers.get(http::header::CONTENT_TYPE).and_then(|value| value.to_str().ok());
    if !content_type.is_some_and(|value| value.trim_start().to_ascii_lowercase().starts_with("application/json")) {
        return Err(Reply::bad_request(ErrorCode::InvalidRequestBody, "Content-Type must be application/json"));
    }
    let body = request.body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(request.body);
    serde_json::from_slice(body).map_err(|error| {
        Reply::bad_request(ErrorCode::InvalidRequestBody, &format!("The request body is not valid JSON: {error}"))
    })
}

fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|value| !value.is_empty())
}

fn invalid_client() -> Reply {
    Reply::bad_request(ErrorCode::PasswordResetMissingOrInvalidClientId, "Missing or invalid ClientID")
}

fn recipient(record: &UserRecord) -> User {
    let mut user = User::default();
    user.id = Some(record.user.id.clone());
    user.username = Some(record.user.username.clone());
    user.email = Some(record.user.email.clone());
    user.first_name = record.user.first_name.clone();
    user.active = Some(true);
    user.xp = Some(serde_json::json!({}));
    user.failed_login_attempts = Some(i64::from(record.failed_attempts));
    user
}

fn payload(message_type: MessageType, record: &UserRecord, event_body: Value) -> MessageSenderPayload {
    let mut payload = MessageSenderPayload::default();
    payload.environment = Some(Environment::Sandbox);
    payload.message_type = Some(message_type);
    payload.recipient = Some(recipient(record));
    payload.event_body = Some(event_body);
    payload
}

fn send_code(state: &mut State, request: PasswordResetRequest) -> Reply {
    if !state.knows_client(&request.client_id) {
        return invalid_client();
    }
    let (username, email) = (given(request.username.as_deref()), given(request.email.as_deref()));
    if username.is_none() && email.is_none() {
        return Reply::bad_request(ErrorCode::PasswordResetMissingUsernameOrEmail, "Username or Email is required");
    }
    // An unknown user gets the same 204: the endpoint does not reveal who has an account.
    let Some(record) = state.find_user(&request.client_id, username, email) else { return Reply::no_content() };
    let (to, name) = (record.user.email.clone(), record.user.username.clone());
    let code = state.issue(GrantKind::VerificationCode, &request.client_id, &name, CODE_LIFETIME);
    let token = state.issue(GrantKind::RenewalToken, &request.client_id, &name, CODE_LIFETIME);
    let mut body = ForgottenPasswordEventBody::default();
    body.username = Some(name.clone());
    body.password_renewal_url = request.url.clone();
    body.password_renewal_verification_code = Some(code);
    body.password_renewal_access_token = Some(token);
    let Some(record) = state.find_user(&request.client_id, Some(&name), None) else { return Reply::no_content() };
    let message = payload(MessageType::ForgottenPassword, record, serde_json::to_value(body).unwrap_or(Value::Null));
    state.send(&to, message);
    Reply::no_content()
}

fn reset(state: &mut State, code: &str, reset: PasswordReset) -> Reply {
    if !state.knows_client(&reset.client_id) {
        return invalid_client();
    }
    if reset.username.trim().is_empty() {
        return Reply::bad_request(ErrorCode::PasswordResetMissingUsername, "Username is required");
    }
    let now = state.now();
    let username = reset.username.clone();
    if state.find_user(&reset.client_id, Some(&username), None).is_some_and(|record| record.is_locked(now)) {
        return locked_out();
    }
    let valid = state
        .live_grant(GrantKind::VerificationCode, code)
        .is_some_and(|grant| grant.client_id == reset.client_id && grant.username.eq_ignore_ascii_case(&username));
    if !valid {
        if let Some(record) = state.find_user(&reset.client_id, Some(&username), None) {
            record.fail(now);
        }
        return Reply::bad_request(
            ErrorCode::PasswordResetInvalidVerification,
            "The verification code is incorrect or expired, or the username does not match",
        );
    }
    let outcome = set_password(state, &reset.client_id, &username, &reset.password);
    if outcome.status == StatusCode::NO_CONTENT {
        if let Some(grant) = state.live_grant(GrantKind::VerificationCode, code) {
            grant.used = true;
        }
    }
    outcome
}

fn locked_out() -> Reply {
    Reply::bad_request(ErrorCode::PasswordResetLockedOut, "Too many failed attempts; try again in a few minutes")
}

/// Checks the policy and reuse, then sets the password.
fn set_password(state: &mut State, client_id: &str, username: &str, password: &str) -> Reply {
    let requirements = PasswordRequirements::platform_default();
    if !requirements.unmet_by(password).is_empty() {
        let data = serde_json::to_value(&requirements).unwrap_or(Value::Null);
        let error =
            ApiError::new(ErrorCode::PasswordResetInsecurePassword, "The password does not meet the requirements")
                .with_data(data);
        return Reply::error_with(StatusCode::BAD_REQUEST, error);
    }
    let Some(record) = state.find_user(client_id, Some(username), None) else {
        return Reply::bad_request(ErrorCode::PasswordResetInvalidVerification, "The username does not match");
    };
    if record.user.password == password {
        return Reply::bad_request(ErrorCode::PasswordResetCannotReusePassword, "The new password was used recently");
    }
    record.user.password = password.to_owned();
    record.failed_attempts = 0;
    Reply::no_content()
}

fn send_one_time_password(state: &mut State, request: OneTimePasswordRequest) -> Reply {
    if !state.knows_client(&request.client_id) {
        return invalid_client();
    }
    let (username, email) = (given(request.username.as_deref()), given(request.email.as_deref()));
    if username.is_none() && email.is_none() {
        return Reply::bad_request(ErrorCode::OneTimePasswordUsernameOrEmailRequired, "Username or Email is required");
    }
    let Some(record) = state.find_user(&request.client_id, username, email) else { return Reply::no_content() };
    let (to, name) = (record.user.email.clone(), record.user.username.clone());
    let otp = state.issue(GrantKind::OneTimePassword, &request.client_id, &name, ONE_TIME_PASSWORD_LIFETIME);
    let mut body = OneTimePasswordEventBody::default();
    body.username = Some(name.clone());
    body.client_id = Some(request.client_id.clone());
    body.one_time_password = Some(otp);
    let Some(record) = state.find_user(&request.client_id, Some(&name), None) else { return Reply::no_content() };
    let message = payload(MessageType::OneTimePassword, record, serde_json::to_value(body).unwrap_or(Value::Null));
    state.send(&to, message);
    Reply::no_content()
}

fn retrieve_username(state: &mut State, query: &str) -> Reply {
    let value = |name: &str| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .and_then(|(_, v)| percent_decode(v))
    };
    let (client_id, email) = (value("clientID").unwrap_or_default(), value("email"));
    if !state.knows_client(&client_id) {
        return invalid_client();
    }
    if let Some(record) = given(email.as_deref()).and_then(|email| state.find_user(&client_id, None, Some(email))) {
        let to = record.user.email.clone();
        let mut body = ForgottenUsernameEventBody::default();
        body.username = Some(record.user.username.clone());
        let message =
            payload(MessageType::ForgottenUsername, record, serde_json::to_value(body).unwrap_or(Value::Null));
        state.send(&to, message);
    }
    Reply { status: StatusCode::OK, body: None }
}

fn reset_by_token(state: &mut State, token: &str, reset: TokenPasswordReset) -> Reply {
    let Some(grant) = state.live_grant(GrantKind::RenewalToken, token) else {
        return Reply::error(StatusCode::UNAUTHORIZED, ErrorCode::InvalidToken, "Access token is missing or invalid");
    };
    let (client_id, username) = (grant.client_id.clone(), grant.username.clone());
    let now = state.now();
    if state.find_user(&client_id, Some(&username), None).is_some_and(|record| record.is_locked(now)) {
        return locked_out();
    }
    let outcome = set_password(state, &client_id, &username, &reset.new_password);
    if outcome.status == StatusCode::NO_CONTENT {
        if let Some(grant) = state.live_grant(GrantKind::RenewalToken, token) {
            grant.used = true;
        }
    }
    outcome
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| token.to_owned())
}

/// Decodes `%XX` escapes; `None` when an escape is malformed or the result is not UTF-8.
pub(crate) fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = std::str::from_utf8(bytes.get(index + 1..index + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_is_strict() {
        assert_eq!(percent_decode("a%20b%2Fc%C3%B3"), Some("a b/có".to_owned()));
        assert_eq!(percent_decode("plus+stays"), Some("plus+stays".to_owned()));
        for bad in ["%", "%2", "%zz", "%FF"] {
            assert_eq!(percent_decode(bad), None, "{bad}");
        }
    }
}
