//! The token endpoint and the signed-in user: `POST /oauth/token` and `GET /v1/me`.
//!
//! Tokens are JWT-shaped (`header.payload.signature`, base64url) with the claims OrderCloud
//! documents, `exp` and `nbf` on the simulator's clock; the signature is a fixed word, as
//! clients never check it.

use base64::Engine as _;
use http::StatusCode;
use ordercloud_models::ErrorCode;
use serde_json::json;

use crate::routes::{Incoming, Reply, locked_out, percent_decode};
use crate::state::{GrantKind, State};

/// How long a refresh token lives: OrderCloud's longest `RefreshTokenDuration` is days; the
/// simulator keeps one for a week.
const REFRESH_TOKEN_LIFETIME: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// `POST /oauth/token`: the password grant (a password or a live one-time password),
/// client credentials, anonymous shoppers, and refresh tokens.
pub(crate) fn token(state: &mut State, request: &Incoming<'_>) -> Reply {
    let content_type = request.headers.get(http::header::CONTENT_TYPE).and_then(|value| value.to_str().ok());
    if !content_type.is_some_and(|value| value.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded")) {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "The body must be a form");
    }
    let form = form_pairs(request.body);
    let field = |name: &str| form.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
    let Some(client) = field("client_id").and_then(|client_id| state.client(client_id)).cloned() else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "The client ID is missing or unknown");
    };
    if client.client_secret.as_deref().is_some_and(|secret| field("client_secret") != Some(secret)) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "The client secret is missing or wrong");
    }
    let requested: Vec<&str> =
        field("scope").map(|scope| scope.split(' ').filter(|role| !role.is_empty()).collect()).unwrap_or_default();
    if let Some(role) = requested.iter().find(|role| !client.roles.iter().any(|allowed| allowed == *role)) {
        return Reply::bad_request(
            ErrorCode::AuthInsufficientRoles,
            &format!("The client may not grant the role {role}"),
        );
    }
    let roles: Vec<String> = if requested.is_empty() {
        client.roles.clone()
    } else {
        requested.iter().map(|role| (*role).to_owned()).collect()
    };
    let subject = match field("grant_type") {
        Some("password") => match password_grant(state, &client.client_id, field("username"), field("password")) {
            Ok(username) => Subject::User(username),
            Err(reply) => return reply,
        },
        Some("client_credentials") if client.client_secret.is_some() && field("anonuserid").is_none() => {
            Subject::Integration
        }
        Some("client_credentials") if client.anonymous_shopping => Subject::Anonymous(
            field("anonuserid").map_or_else(|| format!("anon-{:08x}", state.random() as u32), str::to_owned),
        ),
        Some("client_credentials") => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unauthorized_client",
                "The client allows no anonymous shopping",
            );
        }
        Some("refresh_token") if client.refresh_tokens => {
            let live = field("refresh_token").and_then(|token| state.live_grant(GrantKind::RefreshToken, token));
            match live {
                Some(grant) if grant.client_id == client.client_id => {
                    grant.used = true;
                    Subject::User(grant.username.clone())
                }
                _ => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "The refresh token is invalid or expired",
                    );
                }
            }
        }
        Some("refresh_token") => {
            return oauth_error(StatusCode::BAD_REQUEST, "unauthorized_client", "The client issues no refresh tokens");
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "The grant_type is missing or unknown",
            );
        }
    };
    let username = subject.username(&client.client_id);
    let now = state.unix_now();
    let lifetime = client.token_lifetime;
    let mut claims = json!({
        "usr": username,
        "cid": client.client_id,
        "usrtype": if matches!(subject, Subject::Integration) { "admin" } else { "buyer" },
        "role": if roles.len() == 1 { json!(roles[0]) } else { json!(roles) },
        "iss": "https://auth.ordercloud.io",
        "aud": "https://api.ordercloud.io",
        "exp": now.saturating_add(lifetime.as_secs()),
        "nbf": now,
        "jti": format!("{:016x}", state.random()),
    });
    if let Subject::Anonymous(id) = &subject {
        claims["orderid"] = json!(format!("order-{id}"));
    }
    let jwt = format!(
        "{}.{}.{}",
        base64url(br#"{"typ":"JWT","alg":"RS256"}"#),
        base64url(claims.to_string().as_bytes()),
        base64url(b"simulator")
    );
    let access_token = state.keep(GrantKind::AccessToken, jwt, &client.client_id, &username, lifetime);
    let refresh_token = (client.refresh_tokens && !matches!(subject, Subject::Anonymous(_)))
        .then(|| state.issue(GrantKind::RefreshToken, &client.client_id, &username, REFRESH_TOKEN_LIFETIME));
    Reply::ok(json!({
        "access_token": access_token,
        "expires_in": lifetime.as_secs(),
        "token_type": "bearer",
        "refresh_token": refresh_token,
    }))
}

enum Subject {
    User(String),
    Integration,
    Anonymous(String),
}

impl Subject {
    fn username(&self, client_id: &str) -> String {
        match self {
            Self::User(username) => username.clone(),
            Self::Integration => format!("{client_id}-integration"),
            Self::Anonymous(id) => id.clone(),
        }
    }
}

/// Checks a username with its password or a live one-time password (which it spends);
/// failures count toward the lockout, as wrong passwords do.
fn password_grant(
    state: &mut State,
    client_id: &str,
    username: Option<&str>,
    password: Option<&str>,
) -> Result<String, Reply> {
    let (Some(username), Some(password)) = (username.filter(|u| !u.is_empty()), password.filter(|p| !p.is_empty()))
    else {
        return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "The username and password are required"));
    };
    let now = state.now();
    let refused = || Reply::bad_request(ErrorCode::AuthInvalidUsernameOrPassword, "Invalid username or password");
    let Some(record) = state.find_user(client_id, Some(username), None) else { return Err(refused()) };
    if record.is_locked(now) {
        return Err(locked_out());
    }
    let username = record.user.username.clone();
    if record.user.password == password {
        record.failed_attempts = 0;
        return Ok(username);
    }
    match state.live_grant(GrantKind::OneTimePassword, password) {
        Some(grant) if grant.client_id == client_id && grant.username.eq_ignore_ascii_case(&username) => {
            grant.used = true;
            Ok(username)
        }
        _ => {
            if let Some(record) = state.find_user(client_id, Some(&username), None) {
                record.fail(now);
            }
            Err(refused())
        }
    }
}

/// A token request's `grant_type`, as the request log counts it: one of the grants the
/// simulator knows, else `other`.
pub(crate) fn grant_type(body: &[u8]) -> &'static str {
    let form = form_pairs(body);
    let grant = form.iter().find(|(key, _)| key == "grant_type").map(|(_, value)| value.as_str());
    match grant {
        Some("password") => "password",
        Some("client_credentials") => "client_credentials",
        Some("refresh_token") => "refresh_token",
        _ => "other",
    }
}

/// `GET /v1/me`: the signed-in user, for a live access token.
pub(crate) fn me(state: &mut State, token: Option<&str>) -> Reply {
    let Some((client_id, username)) = token.and_then(|token| signed_in(state, token)) else {
        return invalid_token();
    };
    let user = state.find_user(&client_id, Some(&username), None).map(|record| record.user.clone());
    Reply::ok(match user {
        Some(user) => {
            json!({"ID": user.id, "Username": user.username, "Email": user.email, "FirstName": user.first_name, "Active": true})
        }
        None => json!({"ID": username, "Username": username, "Active": true}),
    })
}

/// The client and user of a live access token.
pub(crate) fn signed_in(state: &mut State, token: &str) -> Option<(String, String)> {
    state.live_grant(GrantKind::AccessToken, token).map(|grant| (grant.client_id.clone(), grant.username.clone()))
}

pub(crate) fn invalid_token() -> Reply {
    Reply::error(StatusCode::UNAUTHORIZED, ErrorCode::InvalidToken, "Access token is invalid or expired.")
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Reply {
    Reply { status, body: Some(json!({"error": error, "error_description": description})) }
}

/// A form body's pairs, `+` as a space and `%XX` decoded; a pair that does not decode is
/// left out.
fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((percent_decode(&name.replace('+', " "))?, percent_decode(&value.replace('+', " "))?))
        })
        .collect()
}

/// Base64url without padding, as JWTs are encoded.
fn base64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_known_values() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"\xfb\xff"), "-_8");
    }

    #[test]
    fn forms_decode_plus_and_escapes() {
        assert_eq!(
            form_pairs(b"a=b+c&d=%26%3D&e"),
            [("a".into(), "b c".into()), ("d".into(), "&=".into()), ("e".into(), String::new())]
        );
    }
}
