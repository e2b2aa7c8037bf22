//! The endpoints: each takes the parsed request and the state, and returns an answer.

use http::{HeaderMap, Method, StatusCode};
use ordercloud_models::{
    ApiError, Environment, ErrorCode, ErrorResponse, ForgottenPasswordEventBody, ForgottenUsernameEventBody,
    MessageRecipient, MessageSenderPayload, MessageType, OneTimePasswordEventBody, OneTimePasswordRequest,
    PasswordRequirements, PasswordReset, PasswordResetRequest, TokenPasswordReset,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::auth;
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

    pub(crate) fn ok(body: Value) -> Self {
        Self { status: StatusCode::OK, body: Some(body) }
    }

    pub(crate) fn error(status: StatusCode, code: ErrorCode, message: &str) -> Self {
        Self::error_with(status, ApiError::new(code, message))
    }

    fn error_with(status: StatusCode, error: ApiError) -> Self {
        let body = serde_json::to_value(ErrorResponse::new(vec![error])).unwrap_or(Value::Null);
        Self { status, body: Some(body) }
    }

    pub(crate) fn bad_request(code: ErrorCode, message: &str) -> Self {
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

/// Answers a request, and counts it by route (control routes are not counted).
pub(crate) fn handle(state: &mut State, request: &Incoming<'_>) -> Reply {
    let segments: Vec<&str> = request.path.trim_start_matches('/').split('/').collect();
    let (route, reply) = match (request.method, segments.as_slice()) {
        (_, ["_simulator", route @ ..]) => {
            return crate::control::handle(state, request, route).unwrap_or_else(not_found);
        }
        (&Method::POST, ["v1", "password", "reset"]) => {
            ("/v1/password/reset", json_body(request).map_or_else(|e| e, |body| send_code(state, body)))
        }
        (&Method::PUT, ["v1", "password", "reset", code]) => (
            "/v1/password/reset/{verificationCode}",
            match percent_decode(code) {
                Some(code) if !code.is_empty() => {
                    json_body(request).map_or_else(|e| e, |body| reset(state, &code, body))
                }
                _ => not_found(),
            },
        ),
        (&Method::POST, ["v1", "password", "onetimepassword"]) => (
            "/v1/password/onetimepassword",
            json_body(request).map_or_else(|e| e, |body| send_one_time_password(state, body)),
        ),
        (&Method::POST, ["v1", "username", "retrieve"]) => {
            ("/v1/username/retrieve", retrieve_username(state, request.query.unwrap_or("")))
        }
        (&Method::POST, ["v1", "me", "password"]) => (
            "/v1/me/password",
            match bearer(request.headers) {
                Some(token) => json_body(request).map_or_else(|e| e, |body| reset_by_token(state, &token, body)),
                None => auth::invalid_token(),
            },
        ),
        (&Method::GET, ["v1", "me"]) => ("/v1/me", auth::me(state, bearer(request.headers).as_deref())),
        (&Method::POST, ["oauth", "token"]) => ("/oauth/token", auth::token(state, request)),
        _ => (OTHER_ROUTE, not_found()),
    };
    let grant_type = (route == "/oauth/token").then(|| auth::grant_type(request.body));
    state.count(request.method, route, grant_type, reply.status);
    reply
}

/// The route a request counts under when it matches none of the simulator's.
pub(crate) const OTHER_ROUTE: &str = "(other)";

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

/// Who a message goes to: the address, the username and the recipient as sent.
struct Addressee {
    to: String,
    username: String,
    recipient: MessageRecipient,
}

impl Addressee {
    fn of(record: &UserRecord) -> Self {
        let mut user = MessageRecipient::default();
        user.id = Some(record.user.id.clone());
        user.username = Some(record.user.username.clone());
        user.email = Some(record.user.email.clone());
        user.first_name = record.user.first_name.clone();
        user.active = Some(true);
        user.xp = Some(ordercloud_models::Xp::default());
        user.failed_login_attempts = Some(i64::from(record.failed_attempts));
        Self { to: record.user.email.clone(), username: record.user.username.clone(), recipient: user }
    }
}

/// The checks every send makes (a known client; a username or email, else `missing`),
/// then the user named, if any: an unknown user gets the same 204, so the endpoints do not
/// reveal who has an account.
fn addressee(
    state: &mut State,
    client_id: &str,
    username: Option<&str>,
    email: Option<&str>,
    missing: ErrorCode,
) -> Result<Option<Addressee>, Reply> {
    if !state.knows_client(client_id) {
        return Err(invalid_client());
    }
    let (username, email) = (given(username), given(email));
    if username.is_none() && email.is_none() {
        return Err(Reply::bad_request(missing, "Username or Email is required"));
    }
    Ok(state.find_user(client_id, username, email).map(|record| Addressee::of(record)))
}

/// Puts a message of `message_type` with `event_body` in the outbox.
fn deliver(state: &mut State, message_type: MessageType, addressee: Addressee, event_body: impl serde::Serialize) {
    let mut payload = MessageSenderPayload::default();
    payload.environment = Some(Environment::Sandbox);
    payload.message_type = Some(message_type);
    payload.recipient = Some(addressee.recipient);
    payload.event_body = ordercloud_models::RawJson::new(&event_body).ok();
    state.send(&addressee.to, payload);
}

fn send_code(state: &mut State, request: PasswordResetRequest) -> Reply {
    let (client_id, username, email) = (&request.client_id, request.username.as_deref(), request.email.as_deref());
    let addressee = match addressee(state, client_id, username, email, ErrorCode::PasswordResetMissingUsernameOrEmail) {
        Ok(Some(addressee)) => addressee,
        Ok(None) => return Reply::no_content(),
        Err(reply) => return reply,
    };
    let mut body = ForgottenPasswordEventBody::default();
    body.password_renewal_verification_code =
        Some(state.issue(GrantKind::VerificationCode, client_id, &addressee.username, CODE_LIFETIME));
    body.password_renewal_access_token =
        Some(state.issue(GrantKind::RenewalToken, client_id, &addressee.username, CODE_LIFETIME));
    body.username = Some(addressee.username.clone());
    body.password_renewal_url = request.url.clone();
    deliver(state, MessageType::ForgottenPassword, addressee, body);
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

pub(crate) fn locked_out() -> Reply {
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
    let (client_id, username, email) = (&request.client_id, request.username.as_deref(), request.email.as_deref());
    let addressee =
        match addressee(state, client_id, username, email, ErrorCode::OneTimePasswordUsernameOrEmailRequired) {
            Ok(Some(addressee)) => addressee,
            Ok(None) => return Reply::no_content(),
            Err(reply) => return reply,
        };
    let mut body = OneTimePasswordEventBody::default();
    body.one_time_password =
        Some(state.issue(GrantKind::OneTimePassword, client_id, &addressee.username, ONE_TIME_PASSWORD_LIFETIME));
    body.username = Some(addressee.username.clone());
    body.client_id = Some(client_id.clone());
    deliver(state, MessageType::OneTimePassword, addressee, body);
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
    let found = given(email.as_deref()).and_then(|email| state.find_user(&client_id, None, Some(email)));
    if let Some(addressee) = found.map(|record| Addressee::of(record)) {
        let mut body = ForgottenUsernameEventBody::default();
        body.username = Some(addressee.username.clone());
        deliver(state, MessageType::ForgottenUsername, addressee, body);
    }
    Reply { status: StatusCode::OK, body: None }
}

/// With the renewal token of a reset email (once), or a signed-in user's own access token.
fn reset_by_token(state: &mut State, token: &str, reset: TokenPasswordReset) -> Reply {
    let renewal =
        state.live_grant(GrantKind::RenewalToken, token).map(|grant| (grant.client_id.clone(), grant.username.clone()));
    let Some((client_id, username)) = renewal.or_else(|| auth::signed_in(state, token)) else {
        return auth::invalid_token();
    };
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
