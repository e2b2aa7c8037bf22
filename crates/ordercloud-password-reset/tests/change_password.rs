//! `change_password`: a signed-in user's `POST /v1/me/password` with the client's own token
//! (a session's client), on the wire and against the simulator.

use ordercloud_auth::{AuthApi, Session, TokenRequest};
use ordercloud_password_reset::models::TokenPasswordReset;
use ordercloud_password_reset::{ApiClient, ErrorCategory, ErrorCode, ErrorExt, PasswordResetApi};
use ordercloud_simulator::{SimUser, Simulator};
use ordercloud_transport::MockTransport;

const CLIENT: &str = "storefront-client";

#[tokio::test]
async fn it_sends_the_clients_token_and_only_the_new_password() {
    let mock = MockTransport::new();
    mock.push_status(204, "");
    let client = ApiClient::builder().transport(mock.clone()).build().unwrap().with_access_token("t-1").unwrap();
    PasswordResetApi::new(client).change_password(&TokenPasswordReset::new("N3w-Secret-pass")).await.unwrap();
    let request = &mock.requests()[0];
    assert_eq!((request.method.as_str(), request.uri.path()), ("POST", "/v1/me/password"));
    assert_eq!(request.header("authorization"), Some("Bearer t-1"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.body_text(), r#"{"NewPassword":"N3w-Secret-pass"}"#);
}

#[tokio::test]
async fn without_a_token_or_a_password_nothing_is_sent() {
    let mock = MockTransport::new();
    let anonymous = ApiClient::builder().transport(mock.clone()).build().unwrap();
    let error = PasswordResetApi::new(anonymous.clone())
        .change_password(&TokenPasswordReset::new("N3w-Secret-pass"))
        .await
        .unwrap_err();
    assert!(error.is_invalid_request(), "{error}");
    let signed_in = PasswordResetApi::new(anonymous.with_access_token("t-1").unwrap());
    assert!(signed_in.change_password(&TokenPasswordReset::new("")).await.unwrap_err().is_invalid_request());
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn the_new_password_never_reaches_the_error() {
    let mock = MockTransport::new();
    mock.push_api_error(400, "PasswordReset.CannotReusePassword", "N3w-Secret-pass was used before");
    let client = ApiClient::builder().transport(mock).build().unwrap().with_access_token("t-1").unwrap();
    let error =
        PasswordResetApi::new(client).change_password(&TokenPasswordReset::new("N3w-Secret-pass")).await.unwrap_err();
    assert_eq!(error.category(), ErrorCategory::Validation);
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains("N3w-Secret-pass"), "{text}");
    }
}

#[tokio::test]
async fn a_shopper_changes_the_password_through_a_sessions_client() {
    let simulator = Simulator::builder()
        .user(SimUser::new(CLIENT, "jdoe", "jdoe@example.com", "Old-Passw0rd1"))
        .start()
        .await
        .unwrap();
    let client = ApiClient::builder().base_url(simulator.base_url()).build().unwrap();
    let auth = AuthApi::new(client.clone());
    let token = auth.token(&TokenRequest::password(CLIENT, "jdoe", "Old-Passw0rd1")).await.unwrap();
    let session = Session::from_login(client.clone(), CLIENT, token).unwrap();
    let api = PasswordResetApi::new(session.client());

    let weak = api.change_password(&TokenPasswordReset::new("weak")).await.unwrap_err();
    assert_eq!(weak.category(), ErrorCategory::Validation);
    assert_eq!(weak.error_code(), Some(&ErrorCode::PasswordResetInsecurePassword));
    assert_eq!(weak.password_requirements().unwrap().minimum_character_count, Some(10));

    api.change_password(&TokenPasswordReset::new("Changed-Passw0rd2")).await.unwrap();
    assert!(simulator.password_matches(CLIENT, "jdoe", "Changed-Passw0rd2"));
    let old = auth.token(&TokenRequest::password(CLIENT, "jdoe", "Old-Passw0rd1")).await.unwrap_err();
    assert_eq!(old.category(), ErrorCategory::InvalidCredentials);

    session.log_out();
    let ended = api.change_password(&TokenPasswordReset::new("Another-Passw0rd3")).await.unwrap_err();
    assert!(ended.is_session_expired(), "{ended}");
    assert!(simulator.password_matches(CLIENT, "jdoe", "Changed-Passw0rd2"));
}
