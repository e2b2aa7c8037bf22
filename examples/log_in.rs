//! Logs a user in on a real OrderCloud, with a password or a one-time password, and reads
//! the signed-in user through a session.
//!
//! ORDERCLOUD_CLIENT_ID=... ORDERCLOUD_USERNAME=... ORDERCLOUD_PASSWORD=... [ORDERCLOUD_SCOPE="Shopper MeAdmin"]
//! [ORDERCLOUD_CLIENT_SECRET=...] [ORDERCLOUD_BASE_URL=...] cargo run --example log_in
//!
//! A one-time password from `send_one_time_password` goes in ORDERCLOUD_PASSWORD.

use ordercloud_auth::{AuthApi, Session, TokenRequest};
use ordercloud_examples::{client_from_env, client_id_from_env, masked, optional, required, run_example, validity};
use ordercloud_transport::http::Method;

fn main() -> std::process::ExitCode {
    run_example(run())
}

async fn run() -> Result<(), String> {
    let client_id = client_id_from_env()?;
    let username = required("ORDERCLOUD_USERNAME", "the user's username")?;
    let password = required("ORDERCLOUD_PASSWORD", "the user's password, or a one-time password")?;
    let mut login = TokenRequest::password(&client_id, username, password);
    if let Some(scope) = optional("ORDERCLOUD_SCOPE") {
        login = login.with_scope(scope.split_whitespace());
    }
    if let Some(secret) = optional("ORDERCLOUD_CLIENT_SECRET") {
        login = login.with_client_secret(secret);
    }
    let client = client_from_env()?;
    let token = AuthApi::new(client.clone()).token(&login).await.map_err(|error| error.to_string())?;
    let claims = token.claims().unwrap_or_default();
    println!(
        "Logged in: access token {} for {} (roles: {}), valid for {}{}",
        masked(token.access_token()),
        claims.usr.as_deref().unwrap_or("?"),
        claims.role.join(" "),
        validity(token.expires_in()),
        if token.refresh_token().is_some() { ", with a refresh token" } else { "" }
    );
    let me = Session::from_login(client, login.client_id(), token).map_err(|error| error.to_string())?.client();
    let user: serde_json::Value =
        me.request(Method::GET, "/me").send_json().await.map_err(|error| error.to_string())?;
    println!("GET /v1/me -> {} <{}>", user["Username"].as_str().unwrap_or("?"), user["Email"].as_str().unwrap_or("?"));
    Ok(())
}
