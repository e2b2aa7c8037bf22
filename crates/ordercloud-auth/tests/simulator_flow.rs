//! The auth crate against the simulator over real HTTP on 127.0.0.1: one-time-password
//! logins, refresh tokens after expiry, client credentials and anonymous shoppers.

mod common;

use common::{simulator, simulator_client as client};

use std::time::Duration;

use ordercloud_auth::{AuthApi, Session, TokenRequest};
use ordercloud_models::{ErrorCode, OneTimePasswordEventBody};
use ordercloud_simulator::SimApiClient;
use ordercloud_transport::http::Method;

const CLIENT: &str = common::STOREFRONT;

#[tokio::test]
async fn a_one_time_password_logs_in_once() {
    let simulator = simulator(SimApiClient::new(CLIENT)).await;
    let client = client(&simulator);
    client
        .request(Method::POST, "/password/onetimepassword")
        .json(&serde_json::json!({"ClientID": CLIENT, "Username": "jdoe"}))
        .send_empty()
        .await
        .unwrap();
    let message = simulator.last_message_to("jdoe@example.com").unwrap();
    let otp = message.event_body::<OneTimePasswordEventBody>().unwrap().one_time_password.unwrap();

    let auth = AuthApi::new(client.clone());
    let login = TokenRequest::password(CLIENT, "jdoe", otp.as_str()).with_scope(["Shopper", "MeAdmin"]);
    let token = auth.token(&login).await.unwrap();
    let claims = token.claims().unwrap();
    assert_eq!((claims.usr.as_deref(), claims.cid.as_deref()), (Some("jdoe"), Some(CLIENT)));
    assert_eq!(claims.role, ["Shopper", "MeAdmin"]);
    assert_eq!(token.expires_in(), Some(Duration::from_secs(36_000)));

    let me = Session::from_token(client.clone(), login.clone(), token).unwrap().client();
    let user: serde_json::Value = me.request(Method::GET, "/me").send_json().await.unwrap();
    assert_eq!(user["Username"], "jdoe");

    let spent = auth.token(&login).await.unwrap_err();
    assert_eq!(spent.error_code(), Some(&ErrorCode::AuthInvalidUsernameOrPassword));
    assert!(!spent.to_string().contains(&otp), "{spent}");
}

#[tokio::test]
async fn an_expired_token_is_refused_then_renewed_with_the_refresh_token() {
    let settings = SimApiClient::new(CLIENT).with_refresh_tokens(true).with_token_lifetime(Duration::from_secs(600));
    let simulator = simulator(settings).await;
    let session = Session::new(client(&simulator), TokenRequest::password(CLIENT, "jdoe", "Old-Passw0rd1"));
    let me = session.client();
    me.request(Method::GET, "/me").send_empty().await.unwrap();
    // The server's clock passes the token's expiry; the client's has not.
    simulator.advance(Duration::from_secs(601));
    let user: serde_json::Value = me.request(Method::GET, "/me").send_json().await.unwrap();
    assert_eq!(user["Username"], "jdoe");
    // The password changed meanwhile would not matter: the refresh token carried on.
    assert!(format!("{session:?}").contains("refresh_token: Some(\"** redacted **\")"), "{session:?}");
}

#[tokio::test]
async fn client_credentials_and_anonymous_shoppers() {
    let settings = SimApiClient::new(CLIENT).with_secret("the-secret").with_roles(["FullAccess", "Shopper"]);
    let simulator = simulator(settings).await;
    let auth = AuthApi::new(client(&simulator));
    let token =
        auth.token(&TokenRequest::client_credentials(CLIENT, "the-secret").with_scope(["FullAccess"])).await.unwrap();
    let claims = token.claims().unwrap();
    assert_eq!((claims.usrtype.as_deref(), claims.role.as_slice()), (Some("admin"), &["FullAccess".to_owned()][..]));

    let wrong = auth.token(&TokenRequest::client_credentials(CLIENT, "not-it")).await.unwrap_err();
    assert_eq!(wrong.status().map(|status| status.as_u16()), Some(401));
    assert_eq!(wrong.error_code(), Some(&ErrorCode::OAuthInvalidClient));
    assert!(!wrong.to_string().contains("not-it"));

    // As OrderCloud does, a role the client lacks is left out rather than refused.
    let scope = ["FullAccess", "MeAdmin"];
    let narrowed = auth.token(&TokenRequest::client_credentials(CLIENT, "the-secret").with_scope(scope)).await.unwrap();
    assert_eq!(narrowed.claims().unwrap().role, ["FullAccess".to_owned()]);

    let anonymous = TokenRequest::anonymous(CLIENT).with_client_secret("the-secret").with_anonymous_user_id("anon-7");
    let claims = auth.token(&anonymous).await.unwrap().claims().unwrap();
    assert_eq!((claims.usr.as_deref(), claims.orderid.as_deref()), (Some("anon-7"), Some("order-anon-7")));
}
