//! End to end: the SDK against the simulator over real HTTP, every success and error path
//! of the forgotten-credentials flow, expiry through the simulator's clock.

use std::time::Duration;

use ordercloud_password_reset::models::{
    MessageType, OneTimePasswordRequest, PasswordReset, PasswordResetRequest, TokenPasswordReset,
};
use ordercloud_password_reset::{ApiClient, ErrorCode, ErrorExt, PasswordResetApi};
use ordercloud_simulator::{SimUser, Simulator};
use ordercloud_transport::http;

const CLIENT: &str = "storefront-client";
const EMAIL: &str = "jdoe@example.com";
const OLD: &str = "Old-Passw0rd";
const NEW: &str = "Brand-New-Passw0rd";

async fn setup() -> (Simulator, PasswordResetApi) {
    let simulator = Simulator::builder().user(SimUser::new(CLIENT, "jdoe", EMAIL, OLD)).start().await.unwrap();
    let client = ApiClient::builder().base_url(simulator.base_url()).build().unwrap();
    (simulator, PasswordResetApi::new(client))
}

/// Requests a code and reads it (and the renewal token) from the "email".
async fn request_code(simulator: &Simulator, api: &PasswordResetApi) -> (String, String) {
    let request = PasswordResetRequest::new(CLIENT).with_email(EMAIL).with_url("https://shop.example.com/reset");
    api.send_verification_code(&request).await.unwrap();
    let body = simulator.last_message_to(EMAIL).unwrap().forgotten_password().unwrap();
    assert_eq!(body.username.as_deref(), Some("jdoe"));
    assert_eq!(body.password_renewal_url.as_deref(), Some("https://shop.example.com/reset"));
    (body.password_renewal_verification_code.unwrap(), body.password_renewal_access_token.unwrap())
}

fn code_of(error: &ordercloud_password_reset::Error) -> Option<ErrorCode> {
    error.error_code().cloned()
}

#[tokio::test]
async fn the_whole_flow_works_once() {
    let (simulator, api) = setup().await;
    let (code, _) = request_code(&simulator, &api).await;
    let message = simulator.last_message_to(EMAIL).unwrap();
    assert_eq!(message.message_type(), Some(&MessageType::ForgottenPassword));
    assert_eq!(message.payload.recipient.as_ref().and_then(|user| user.email.as_deref()), Some(EMAIL));

    let weak = api.reset_password(&code, &PasswordReset::new(CLIENT, "jdoe", "weak")).await.unwrap_err();
    assert_eq!(code_of(&weak), Some(ErrorCode::PasswordResetInsecurePassword));
    let requirements = weak.password_requirements().unwrap();
    assert_eq!(requirements.minimum_character_count, Some(10));
    assert_eq!(requirements.describe().len(), 4);

    let reuse = api.reset_password(&code, &PasswordReset::new(CLIENT, "jdoe", OLD)).await.unwrap_err();
    assert_eq!(code_of(&reuse), Some(ErrorCode::PasswordResetCannotReusePassword));

    api.reset_password(&code, &PasswordReset::new(CLIENT, "jdoe", NEW)).await.unwrap();
    assert!(simulator.password_matches(CLIENT, "jdoe", NEW));

    let again = api.reset_password(&code, &PasswordReset::new(CLIENT, "jdoe", "Another-Passw0rd")).await.unwrap_err();
    assert_eq!(code_of(&again), Some(ErrorCode::PasswordResetInvalidVerification));
    assert!(simulator.password_matches(CLIENT, "jdoe", NEW));
}

#[tokio::test]
async fn unknown_users_get_the_same_answer_and_no_email() {
    let (simulator, api) = setup().await;
    api.send_verification_code(&PasswordResetRequest::new(CLIENT).with_email("nobody@example.com")).await.unwrap();
    api.send_verification_code(&PasswordResetRequest::new(CLIENT).with_username("nobody")).await.unwrap();
    api.retrieve_username(CLIENT, "nobody@example.com").await.unwrap();
    assert!(simulator.outbox().is_empty());
}

#[tokio::test]
async fn codes_expire_after_120_minutes() {
    let (simulator, api) = setup().await;
    let (code, _) = request_code(&simulator, &api).await;
    simulator.advance(Duration::from_secs(119 * 60));
    let (fresh, _) = request_code(&simulator, &api).await;
    simulator.advance(Duration::from_secs(2 * 60));
    let expired = api.reset_password(&code, &PasswordReset::new(CLIENT, "jdoe", NEW)).await.unwrap_err();
    assert_eq!(code_of(&expired), Some(ErrorCode::PasswordResetInvalidVerification));
    api.reset_password(&fresh, &PasswordReset::new(CLIENT, "jdoe", NEW)).await.unwrap();
}

#[tokio::test]
async fn a_code_works_only_for_its_user() {
    let (simulator, api) = setup().await;
    simulator.add_user(SimUser::new(CLIENT, "asmith", "asmith@example.com", OLD));
    let (code, _) = request_code(&simulator, &api).await;
    let wrong_user = api.reset_password(&code, &PasswordReset::new(CLIENT, "asmith", NEW)).await.unwrap_err();
    assert_eq!(code_of(&wrong_user), Some(ErrorCode::PasswordResetInvalidVerification));
    assert!(simulator.password_matches(CLIENT, "asmith", OLD));
}

#[tokio::test]
async fn ten_failures_lock_the_user_out_for_two_minutes() {
    let (simulator, api) = setup().await;
    let (code, _) = request_code(&simulator, &api).await;
    for attempt in 0..10 {
        let error = api
            .reset_password(&format!("wrong-{attempt}"), &PasswordReset::new(CLIENT, "jdoe", NEW))
            .await
            .unwrap_err();
        assert_eq!(code_of(&error), Some(ErrorCode::PasswordResetInvalidVerification));
    }
    let locked = api.reset_password(&code, &PasswordReset::new(CLIENT, "jdoe", NEW)).await.unwrap_err();
    assert_eq!(code_of(&locked), Some(ErrorCode::PasswordResetLockedOut));
    simulator.advance(Duration::from_secs(121));
    api.reset_password(&code, &PasswordReset::new(CLIENT, "jdoe", NEW)).await.unwrap();
}

#[tokio::test]
async fn the_server_refuses_what_the_client_lets_through() {
    let (_simulator, api) = setup().await;
    let unknown_client =
        api.send_verification_code(&PasswordResetRequest::new("other-client").with_email(EMAIL)).await.unwrap_err();
    assert_eq!(code_of(&unknown_client), Some(ErrorCode::PasswordResetMissingOrInvalidClientId));
    assert_eq!(unknown_client.status(), Some(http::StatusCode::BAD_REQUEST));
    let unknown_client = api.retrieve_username("other-client", EMAIL).await.unwrap_err();
    assert_eq!(code_of(&unknown_client), Some(ErrorCode::PasswordResetMissingOrInvalidClientId));
    let bad_token =
        api.reset_password_by_token("not-a-renewal-token", &TokenPasswordReset::new(NEW)).await.unwrap_err();
    assert_eq!(bad_token.status(), Some(http::StatusCode::UNAUTHORIZED));
    assert_eq!(code_of(&bad_token), Some(ErrorCode::InvalidToken));
}

#[tokio::test]
async fn reset_by_token_uses_the_renewal_token_once() {
    let (simulator, api) = setup().await;
    let (_, token) = request_code(&simulator, &api).await;
    let weak = api.reset_password_by_token(&token, &TokenPasswordReset::new("short")).await.unwrap_err();
    assert_eq!(code_of(&weak), Some(ErrorCode::PasswordResetInsecurePassword));
    api.reset_password_by_token(&token, &TokenPasswordReset::new(NEW)).await.unwrap();
    assert!(simulator.password_matches(CLIENT, "jdoe", NEW));
    let reused = api.reset_password_by_token(&token, &TokenPasswordReset::new("Third-Passw0rd")).await.unwrap_err();
    assert_eq!(reused.status(), Some(http::StatusCode::UNAUTHORIZED));
}

#[tokio::test]
async fn one_time_passwords_last_ten_minutes_and_work_once() {
    let (simulator, api) = setup().await;
    api.send_one_time_password(&OneTimePasswordRequest::new(CLIENT).with_username("jdoe")).await.unwrap();
    let otp = simulator.last_message_to(EMAIL).unwrap().one_time_password().unwrap();
    assert_eq!(otp.client_id.as_deref(), Some(CLIENT));
    let otp = otp.one_time_password.unwrap();
    assert!(simulator.redeem_one_time_password(CLIENT, "jdoe", &otp));
    assert!(!simulator.redeem_one_time_password(CLIENT, "jdoe", &otp), "works once");

    api.send_one_time_password(&OneTimePasswordRequest::new(CLIENT).with_email(EMAIL)).await.unwrap();
    let otp = simulator.last_message_to(EMAIL).unwrap().one_time_password().unwrap().one_time_password.unwrap();
    simulator.advance(Duration::from_secs(10 * 60 + 1));
    assert!(!simulator.redeem_one_time_password(CLIENT, "jdoe", &otp), "expired");
}

#[tokio::test]
async fn retrieve_username_emails_the_username() {
    let (simulator, api) = setup().await;
    api.retrieve_username(CLIENT, "JDOE@example.com").await.unwrap();
    let message = simulator.last_message_to(EMAIL).unwrap();
    assert_eq!(message.forgotten_username().unwrap().username.as_deref(), Some("jdoe"));
}
