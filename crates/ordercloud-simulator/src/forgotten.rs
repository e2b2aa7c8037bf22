//! OrderCloud's forgotten-credentials endpoints: verification codes by email, resets,
//! one-time passwords, username reminders, and a new password with a token.

use http::StatusCode;
use ordercloud_models::{
    Environment, ErrorCode, ForgottenPasswordEventBody, ForgottenUsernameEventBody, MessageRecipient,
    MessageSenderPayload, MessageType, OneTimePasswordEventBody, OneTimePasswordRequest, PasswordRequirements,
    PasswordReset, PasswordResetRequest, TokenPasswordReset,
};
use serde_json::Value;

use crate::auth;
use crate::incoming::Incoming;
use crate::reply::{Reply, invalid_token, locked_out};
use crate::state::{CODE_LIFETIME, GrantKind, ONE_TIME_PASSWORD_LIFETIME, State, UserRecord};

/// The property names of the bodies these endpoints read, in their exact case.
pub(crate) const FIELDS: &[&str] = &["ClientID", "Email", "Username", "URL", "Password", "NewPassword"];

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

pub(crate) fn send_code(state: &mut State, request: PasswordResetRequest) -> Reply {
    let (client_id, username, email) = (&request.client_id, request.username.as_deref(), request.email.as_deref());
    let addressee = match addressee(state, client_id, username, email, ErrorCode::PasswordResetMissingUsernameOrEmail) {
        Ok(Some(addressee)) => addressee,
        Ok(None) => return Reply::no_content(),
        Err(reply) => return reply,
    };
    let mut body = ForgottenPasswordEventBody::default();
    body.password_renewal_verification_code =
        Some(state.issue(GrantKind::VerificationCode, client_id, &addressee.username, CODE_LIFETIME));
    body.password_renewal_access_token = Some(auth::renewal_token(state, client_id, &addressee.username));
    body.username = Some(addressee.username.clone());
    body.password_renewal_url = request.url.clone();
    deliver(state, MessageType::ForgottenPassword, addressee, body);
    Reply::no_content()
}

pub(crate) fn reset(state: &mut State, code: &str, reset: PasswordReset) -> Reply {
    if !state.knows_client(&reset.client_id) {
        return invalid_client();
    }
    if reset.username.trim().is_empty() {
        return Reply::bad_request(ErrorCode::PasswordResetMissingUsername, "Username is required");
    }
    let now = state.clock.now();
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

/// Checks the policy and reuse, then sets the password.
fn set_password(state: &mut State, client_id: &str, username: &str, password: &str) -> Reply {
    let requirements = PasswordRequirements::platform_default();
    if !requirements.unmet_by(password).is_empty() {
        let data = serde_json::to_value(&requirements).unwrap_or(Value::Null);
        return Reply::error_with(
            StatusCode::BAD_REQUEST,
            ErrorCode::PasswordResetInsecurePassword,
            "The password does not meet the requirements",
            data,
        );
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

pub(crate) fn send_one_time_password(state: &mut State, request: OneTimePasswordRequest) -> Reply {
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

pub(crate) fn retrieve_username(state: &mut State, request: &Incoming<'_>) -> Reply {
    let pairs = request.query_pairs();
    let value =
        |name: &str| pairs.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.clone());
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
    Reply::new(StatusCode::OK, None)
}

/// With the renewal token of a reset email (once), or a signed-in user's own access token.
pub(crate) fn reset_by_token(state: &mut State, token: &str, reset: TokenPasswordReset) -> Reply {
    let renewal =
        state.live_grant(GrantKind::RenewalToken, token).map(|grant| (grant.client_id.clone(), grant.username.clone()));
    let signed_in = || auth::signed_in(state, token).map(|holder| (holder.client_id, holder.username));
    let Some((client_id, username)) = renewal.or_else(signed_in) else {
        return invalid_token();
    };
    let now = state.clock.now();
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
