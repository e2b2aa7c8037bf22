//! The exact wire format of every endpoint, verified by wiremock through the real hyper
//! transport: method, encoded path, query, each header, exact body bytes, one call each.

use ordercloud_password_reset::models::{
    OneTimePasswordRequest, PasswordReset, PasswordResetRequest, TokenPasswordReset,
};
use ordercloud_password_reset::{ApiClient, ErrorCode, ErrorExt, PasswordResetApi};
use ordercloud_transport::USER_AGENT;
use wiremock::matchers::{any, body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    // Anything no test expects gets a loud 500, so a wrong path fails with a clear message.
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500).set_body_string("no mock matched this request"))
        .with_priority(u8::MAX)
        .mount(&server)
        .await;
    server
}

fn api(server: &MockServer) -> PasswordResetApi {
    PasswordResetApi::new(ApiClient::builder().base_url(server.uri()).build().unwrap())
}

fn no_authorization(request: &Request) -> bool {
    !request.headers.contains_key("authorization")
}

fn common_headers(request: &Request) -> bool {
    request.headers.get("accept").is_some_and(|v| v == "application/json")
        && request.headers.get("user-agent").is_some_and(|v| {
            v.to_str()
                .is_ok_and(|v| v == format!("{USER_AGENT} ordercloud-password-reset/{}", env!("CARGO_PKG_VERSION")))
        })
}

#[tokio::test]
async fn send_verification_code_posts_the_js_sdk_bytes() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/password/reset"))
        .and(header("content-type", "application/json"))
        .and(common_headers)
        .and(no_authorization)
        .and(body_string(r#"{"ClientID":"my-client-id","Email":"jdoe@example.com","Username":"jdoe","URL":"https://shop.example.com/reset"}"#))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let request = PasswordResetRequest::new("my-client-id")
        .with_email("jdoe@example.com")
        .with_username("jdoe")
        .with_url("https://shop.example.com/reset");
    api(&server).send_verification_code(&request).await.unwrap();
}

#[tokio::test]
async fn reset_password_puts_to_the_encoded_code() {
    let server = server().await;
    Mock::given(method("PUT"))
        .and(path("/v1/password/reset/a%20b%2Fc%3Fd%23e%25f%2Bg"))
        .and(header("content-type", "application/json"))
        .and(common_headers)
        .and(no_authorization)
        .and(body_string(r#"{"ClientID":"my-client-id","Username":"jdoe","Password":"S3cret!pass"}"#))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let reset = PasswordReset::new("my-client-id", "jdoe", "S3cret!pass");
    api(&server).reset_password("a b/c?d#e%f+g", &reset).await.unwrap();
}

#[tokio::test]
async fn send_one_time_password_posts_its_body() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/password/onetimepassword"))
        .and(common_headers)
        .and(no_authorization)
        .and(body_string(r#"{"ClientID":"my-client-id","Username":"jdoe"}"#))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    api(&server)
        .send_one_time_password(&OneTimePasswordRequest::new("my-client-id").with_username("jdoe"))
        .await
        .unwrap();
}

#[tokio::test]
async fn retrieve_username_sends_an_encoded_query_and_no_body() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/username/retrieve"))
        .and(query_param("clientID", "my-client-id"))
        .and(query_param("email", "j+doe&x=1@exämple.com"))
        .and(common_headers)
        .and(no_authorization)
        .and(|request: &Request| request.body.is_empty() && !request.headers.contains_key("content-type"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    api(&server).retrieve_username("my-client-id", "j+doe&x=1@exämple.com").await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].url.query(), Some("clientID=my-client-id&email=j%2Bdoe%26x%3D1%40ex%C3%A4mple.com"));
}

#[tokio::test]
async fn reset_by_token_posts_with_that_token_whatever_the_client_has() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/me/password"))
        .and(header("authorization", "Bearer renewal-token"))
        .and(common_headers)
        .and(body_string(r#"{"NewPassword":"N3w-Secret-pass"}"#))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&server)
        .await;
    let reset = TokenPasswordReset::new("N3w-Secret-pass");
    api(&server).reset_password_by_token("renewal-token", &reset).await.unwrap();
    let with_token = ApiClient::builder().base_url(server.uri()).access_token("client-token").build().unwrap();
    PasswordResetApi::new(with_token).reset_password_by_token("renewal-token", &reset).await.unwrap();
}

#[tokio::test]
async fn the_anonymous_calls_send_no_token_even_when_the_client_has_one() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/password/reset"))
        .and(no_authorization)
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client =
        ApiClient::builder().base_url(format!("{}/v1/", server.uri())).access_token("admin-token").build().unwrap();
    PasswordResetApi::new(client)
        .send_verification_code(&PasswordResetRequest::new("c").with_username("u"))
        .await
        .unwrap();
}

#[tokio::test]
async fn refusals_send_nothing() {
    let server = server().await;
    let api = api(&server);
    let reset = PasswordReset::new("c", "jdoe", "N3w-Secret-pass");
    let outcomes = [
        api.send_verification_code(&PasswordResetRequest::new("c")).await,
        api.send_verification_code(&PasswordResetRequest::new("c").with_email(" ").with_username("")).await,
        api.send_verification_code(&PasswordResetRequest::new(" ").with_username("u")).await,
        api.reset_password("", &reset).await,
        api.reset_password(".", &reset).await,
        api.reset_password("..", &reset).await,
        api.reset_password("code", &PasswordReset::new("", "jdoe", "x")).await,
        api.reset_password("code", &PasswordReset::new("c", "", "x")).await,
        api.reset_password("code", &PasswordReset::new("c", "jdoe", "")).await,
        api.send_one_time_password(&OneTimePasswordRequest::new("c")).await,
        api.send_one_time_password(&OneTimePasswordRequest::new("").with_email("e")).await,
        api.retrieve_username("", "jdoe@example.com").await,
        api.retrieve_username("c", "").await,
        api.reset_password_by_token("", &TokenPasswordReset::new("x")).await,
        api.reset_password_by_token("t", &TokenPasswordReset::new("")).await,
    ];
    for (index, outcome) in outcomes.into_iter().enumerate() {
        let error = outcome.unwrap_err();
        assert!(error.is_invalid_request(), "{index}: {error:?}");
        assert!(error.to_string().starts_with("invalid request, nothing was sent: "), "{index}: {error}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// Answers one reset with `template` and returns what the client made of it.
async fn reset_answered_with(template: ResponseTemplate) -> Result<(), ordercloud_password_reset::Error> {
    let server = server().await;
    Mock::given(method("PUT")).respond_with(template).expect(1).mount(&server).await;
    api(&server).reset_password("the-code", &PasswordReset::new("c", "jdoe", "Pw-Secret-1")).await
}

fn json_answer(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

#[tokio::test]
async fn every_kind_of_answer_is_typed_never_a_panic() {
    let invalid = r#"{"Errors":[{"ErrorCode":"PasswordReset.InvalidVerification","Message":"Invalid verification code","Data":null}]}"#;
    let error = reset_answered_with(json_answer(400, invalid)).await.unwrap_err();
    assert_eq!(error.error_code(), Some(&ErrorCode::PasswordResetInvalidVerification));
    assert_eq!(error.to_string(), "HTTP 400 Bad Request: PasswordReset.InvalidVerification: Invalid verification code");

    let bom = format!("\u{feff}{invalid}");
    let error = reset_answered_with(json_answer(400, &bom)).await.unwrap_err();
    assert_eq!(error.error_code(), Some(&ErrorCode::PasswordResetInvalidVerification));

    let insecure = r#"{"Errors":[{"ErrorCode":"PasswordReset.InsecurePassword","Message":"Too weak","Data":{"MinimumCharacterCount":10,"UpperCaseRequired":true,"Future":"x"}}]}"#;
    let error = reset_answered_with(json_answer(400, insecure)).await.unwrap_err();
    let requirements = error.password_requirements().unwrap();
    assert_eq!(requirements.minimum_character_count, Some(10));
    assert_eq!(requirements.upper_case_required, Some(true));
    assert!(requirements.other.contains_key("Future"));

    let unknown = r#"{"Errors":[{"ErrorCode":"PasswordReset.Brand.New","Message":"New","Data":{"A":1}}]}"#;
    let error = reset_answered_with(json_answer(409, unknown)).await.unwrap_err();
    assert_eq!(error.error_code().map(ErrorCode::as_str), Some("PasswordReset.Brand.New"));
    assert!(error.password_requirements().is_none());

    for status in [401, 404] {
        let error = reset_answered_with(ResponseTemplate::new(status)).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert!(error.to_string().ends_with("(empty body)"), "{error}");
    }
    let error =
        reset_answered_with(ResponseTemplate::new(500).set_body_string("Internal failure, id 42")).await.unwrap_err();
    assert_eq!(error.to_string(), "HTTP 500 Internal Server Error: Internal failure, id 42");
    let html = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let error = reset_answered_with(ResponseTemplate::new(502).set_body_raw(html, "text/html")).await.unwrap_err();
    assert_eq!(error.to_string(), "HTTP 502 Bad Gateway: HTML page \"502 Bad Gateway\"");
    assert_eq!(error.response_body().unwrap().as_ref(), html.as_bytes());
    let error = reset_answered_with(json_answer(400, r#"{"Errors":[{"ErrorCo"#)).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert!(error.error_code().is_none());

    reset_answered_with(ResponseTemplate::new(204)).await.unwrap();
    reset_answered_with(ResponseTemplate::new(200)).await.unwrap();
    reset_answered_with(json_answer(200, r#"{"Unexpected":"but fine"}"#)).await.unwrap();
}

#[tokio::test]
async fn secrets_stay_out_of_errors_on_the_wire() {
    let server = server().await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(404).set_body_string("Cannot PUT /v1/password/reset/vc-Secret-91 for Pw-Secret-22"),
        )
        .mount(&server)
        .await;
    let error = api(&server)
        .reset_password("vc-Secret-91", &PasswordReset::new("c", "jdoe", "Pw-Secret-22"))
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("vc-Secret-91") && !shown.contains("Pw-Secret-22"), "{shown}");
}
