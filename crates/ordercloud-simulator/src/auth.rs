//! The token endpoint, `POST /oauth/token`, and who a token says its holder is.
//!
//! Tokens are JWTs (`header.payload.signature`, base64url) with the claims OrderCloud
//! documents, `exp` and `nbf` on the simulator's clock, `iss` and `aud` the API's URL as the
//! request reached it, signed RS256 with the simulator's key (`kid` in the header; the
//! public key at `GET /oauth/certs/{kid}`), so a middleware verifies them as it verifies
//! OrderCloud's. A token gets the roles asked for that its API client has (all of the
//! client's when none is asked for); a refreshed token never gets more than the one it
//! renews (RFC 6749, section 6).

use std::time::Duration;

use http::StatusCode;
use ordercloud_models::ErrorCode;
use serde_json::{Value, json};

use crate::incoming::{Incoming, form_pairs};
use crate::keys;
use crate::reply::{Reply, locked_out, oauth_error};
use crate::resources::Company;
use crate::state::{CODE_LIFETIME, GrantKind, State, TokenFacts};

/// How long a refresh token lives: OrderCloud's longest `RefreshTokenDuration` is days; the
/// simulator keeps one for a week.
pub(crate) const REFRESH_TOKEN_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// The one role the token of a reset email carries.
const PASSWORD_RESET_ROLE: &str = "PasswordReset";

/// `POST /oauth/token`: the password grant (a password or a live one-time password),
/// client credentials (in the form, or by HTTP Basic), anonymous shoppers, and refresh
/// tokens.
pub(crate) fn token(state: &mut State, request: &Incoming<'_>) -> Reply {
    let content_type = request.headers.get(http::header::CONTENT_TYPE).and_then(|value| value.to_str().ok());
    if !content_type.is_some_and(|value| value.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded")) {
        return oauth_error(StatusCode::BAD_REQUEST, ErrorCode::OAuthInvalidRequest, "The body must be a form");
    }
    let form = form_pairs(request.body);
    let field = |name: &str| form.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
    let basic = request.basic_credentials();
    let client_id = basic.as_ref().map(|(id, _)| id.clone()).or_else(|| field("client_id"));
    let secret = basic.map(|(_, secret)| secret).or_else(|| field("client_secret"));
    let Some(client) = client_id.and_then(|client_id| state.client(&client_id)).cloned() else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            ErrorCode::OAuthInvalidClient,
            "The client ID is missing or unknown",
        );
    };
    if client.client_secret.as_ref().is_some_and(|expected| secret.as_ref() != Some(expected)) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            ErrorCode::OAuthInvalidClient,
            "The client secret is missing or wrong",
        );
    }
    let requested: Vec<String> = field("scope")
        .map(|scope| scope.split(' ').filter(|role| !role.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    // The roles asked for that the client has; all of its roles when none is asked for.
    let granted = |allowed: &[String]| -> Vec<String> {
        if requested.is_empty() {
            allowed.to_vec()
        } else {
            requested.iter().filter(|role| allowed.contains(role)).cloned().collect()
        }
    };
    let (subject, roles, company) = match field("grant_type").as_deref() {
        Some("password") => {
            match password_grant(state, &client.client_id, field("username").as_deref(), field("password").as_deref()) {
                Ok((username, company)) => {
                    let company = company.or_else(|| client.buyer_id.clone().map(Company::Buyer));
                    (Subject::User(username), granted(&client.roles), company)
                }
                Err(reply) => return reply,
            }
        }
        Some("client_credentials") if client.client_secret.is_some() && field("anonuserid").is_none() => {
            (Subject::Integration, granted(&client.roles), None)
        }
        Some("client_credentials") if client.anonymous_shopping => {
            let id = field("anonuserid").unwrap_or_else(|| format!("anon-{:08x}", state.clock.random() as u32));
            (Subject::Anonymous(id), granted(&client.roles), client.buyer_id.clone().map(Company::Buyer))
        }
        Some("client_credentials") => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                ErrorCode::OAuthUnauthorizedClient,
                "The client allows no anonymous shopping",
            );
        }
        Some("refresh_token") if client.refresh_tokens => {
            let live = field("refresh_token").and_then(|token| {
                let grant = state.live_grant(GrantKind::RefreshToken, &token)?;
                (grant.client_id == client.client_id).then(|| {
                    grant.used = true;
                    (grant.username.clone(), grant.token.clone())
                })
            });
            match live {
                // The same holder, anonymous or not, and never more roles than it had.
                Some((username, facts)) => {
                    let subject = if facts.anonymous { Subject::Anonymous(username) } else { Subject::User(username) };
                    (subject, granted(&facts.roles), facts.company())
                }
                None => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        ErrorCode::OAuthInvalidGrant,
                        "The refresh token is invalid or expired",
                    );
                }
            }
        }
        Some("refresh_token") => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                ErrorCode::OAuthUnauthorizedClient,
                "The client issues no refresh tokens",
            );
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                ErrorCode::OAuthUnsupportedGrantType,
                "The grant_type is missing or unknown",
            );
        }
    };
    let username = subject.username(&client.client_id);
    let anonymous = matches!(subject, Subject::Anonymous(_));
    let facts = match subject {
        Subject::Integration => TokenFacts { roles, user_type: "admin", ..TokenFacts::default() },
        _ => TokenFacts::of(roles, company, anonymous),
    };
    let lifetime = client.token_lifetime;
    let access_token = access_token(state, &client.client_id, &username, facts.clone(), lifetime, true);
    let refresh_token = client.refresh_tokens.then(|| {
        state.issue_with(GrantKind::RefreshToken, &client.client_id, &username, REFRESH_TOKEN_LIFETIME, facts.clone())
    });
    Reply::ok(json!({
        "access_token": access_token,
        "expires_in": lifetime.as_secs(),
        "token_type": "bearer",
        "refresh_token": refresh_token,
    }))
}

/// A new access token for `username` of `client_id` (a user who just registered), with the
/// client's roles and `buyer_id`.
pub(crate) fn token_for(
    state: &mut State,
    client_id: &str,
    username: &str,
    buyer_id: Option<String>,
) -> Option<String> {
    let client = state.client(client_id)?.clone();
    let facts = TokenFacts::of(client.roles.clone(), buyer_id.map(Company::Buyer), false);
    Some(access_token(state, client_id, username, facts, client.token_lifetime, true))
}

/// The token an integration event's call carries (`OrderCloudAccessToken`): the caller's
/// holder, with the event's elevated roles besides its own, for the client's token
/// lifetime.
pub(crate) fn integration_token(state: &mut State, holder: &Holder, elevated_roles: &[String]) -> String {
    let mut facts = holder.facts.clone();
    for role in elevated_roles {
        if !facts.roles.contains(role) {
            facts.roles.push(role.clone());
        }
    }
    let lifetime =
        state.client(&holder.client_id).map_or(crate::DEFAULT_TOKEN_LIFETIME, |client| client.token_lifetime);
    access_token(state, &holder.client_id, &holder.username, facts, lifetime, true)
}

/// A token for the user `username` of `client_id` with no `kid`, as OrderCloud's portal
/// issues them: a verifier checks it by asking `GET /v1/me`. `None` for an unknown client
/// or user.
pub(crate) fn portal_token(state: &mut State, client_id: &str, username: &str) -> Option<String> {
    let client = state.client(client_id)?.clone();
    let record = state.find_user(client_id, Some(username), None)?;
    let (username, company) = (record.user.username.clone(), record.company.clone());
    let facts = TokenFacts::of(client.roles.clone(), company.or(client.buyer_id.map(Company::Buyer)), false);
    Some(access_token(state, client_id, &username, facts, client.token_lifetime, false))
}

/// Issues and keeps a signed access token for `username` of `client_id` with `facts`; its
/// header names the key unless `with_key_id` is false.
fn access_token(
    state: &mut State,
    client_id: &str,
    username: &str,
    facts: TokenFacts,
    lifetime: Duration,
    with_key_id: bool,
) -> String {
    let mut claims = claims(state, username, client_id, facts.user_type, &facts.roles, lifetime);
    if facts.anonymous {
        claims["orderid"] = json!(format!("order-{username}"));
    }
    let token = keys::sign(&claims, with_key_id);
    state.keep(GrantKind::AccessToken, token, client_id, username, lifetime, facts)
}

/// The token of a reset email: a JWT like the others, with only the `PasswordReset` role,
/// good for one `POST /v1/me/password` within the code's lifetime.
pub(crate) fn renewal_token(state: &mut State, client_id: &str, username: &str) -> String {
    let claims = claims(state, username, client_id, "buyer", &[PASSWORD_RESET_ROLE.to_owned()], CODE_LIFETIME);
    let facts = TokenFacts::of(vec![PASSWORD_RESET_ROLE.to_owned()], None, false);
    state.keep(GrantKind::RenewalToken, keys::sign(&claims, true), client_id, username, CODE_LIFETIME, facts)
}

/// The claims OrderCloud's tokens carry, `exp` and `nbf` on the simulator's clock, `iss`
/// and `aud` the API's URL.
fn claims(
    state: &mut State,
    username: &str,
    client_id: &str,
    usertype: &str,
    roles: &[String],
    lifetime: Duration,
) -> Value {
    let now = state.clock.unix_now();
    let api_url = state.token_audience();
    json!({
        "usr": username,
        "cid": client_id,
        "usrtype": usertype,
        "role": if roles.len() == 1 { json!(roles[0]) } else { json!(roles) },
        "iss": api_url,
        "aud": api_url,
        "exp": now.saturating_add(lifetime.as_secs()),
        "nbf": now,
        "jti": format!("{:016x}", state.clock.random()),
    })
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
/// failures count toward the lockout, as wrong passwords do. The username and the user's
/// company.
fn password_grant(
    state: &mut State,
    client_id: &str,
    username: Option<&str>,
    password: Option<&str>,
) -> Result<(String, Option<Company>), Reply> {
    let (Some(username), Some(password)) = (username.filter(|u| !u.is_empty()), password.filter(|p| !p.is_empty()))
    else {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            ErrorCode::OAuthInvalidRequest,
            "The username and password are required",
        ));
    };
    let now = state.clock.now();
    let refused = || Reply::bad_request(ErrorCode::AuthInvalidUsernameOrPassword, "Invalid username or password");
    let Some(record) = state.find_user(client_id, Some(username), None) else { return Err(refused()) };
    if record.is_locked(now) {
        return Err(locked_out());
    }
    let (username, company) = (record.user.username.clone(), record.company.clone());
    if !record.user.password.is_empty() && record.user.password == password {
        record.failed_attempts = 0;
        return Ok((username, company));
    }
    if let Some(grant) = state.live_one_time_password(client_id, &username, password) {
        grant.used = true;
        return Ok((username, company));
    }
    if let Some(record) = state.find_user(client_id, Some(&username), None) {
        record.fail(now);
    }
    Err(refused())
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

/// Who holds a live access token.
#[derive(Clone)]
pub(crate) struct Holder {
    pub(crate) client_id: String,
    pub(crate) username: String,
    pub(crate) facts: TokenFacts,
}

/// The holder of a live access token.
pub(crate) fn signed_in(state: &mut State, token: &str) -> Option<Holder> {
    state.live_grant(GrantKind::AccessToken, token).map(|grant| Holder {
        client_id: grant.client_id.clone(),
        username: grant.username.clone(),
        facts: grant.token.clone(),
    })
}
