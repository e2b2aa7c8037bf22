//! The token endpoint on the wire, against wiremock on 127.0.0.1: each grant's exact form,
//! the headers, the route at the host's root, and both error shapes.

use ordercloud_auth::{AuthApi, TokenRequest};
use ordercloud_models::ErrorCode;
use ordercloud_transport::ApiClient;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str =
    r#"{"access_token":"h.e30.s","expires_in":36000,"token_type":"bearer","refresh_token":"the-refresh-token"}"#;

async fn server_answering(status: u16, body: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json"))
        .mount(&server)
        .await;
    server
}

fn auth(server: &MockServer, with_v1: bool) -> AuthApi {
    let base = if with_v1 { format!("{}/v1/", server.uri()) } else { server.uri() };
    // A token on the client must never reach the token endpoint.
    AuthApi::new(ApiClient::builder().base_url(base).access_token("client-token").build().unwrap())
}

#[tokio::test]
async fn each_grant_sends_its_exact_form() {
    let cases = [
        (
            TokenRequest::password("my-client-id", "jdoe", "S3cret!pass").with_scope(["Shopper", "MeAdmin"]),
            "grant_type=password&username=jdoe&password=S3cret%21pass&client_id=my-client-id&scope=Shopper+MeAdmin",
        ),
        (
            TokenRequest::password("my-client-id", "jdoe", "S3cret!pass")
                .with_scope(["FullAccess"])
                .with_client_secret("the-secret"),
            "grant_type=password&scope=FullAccess&client_id=my-client-id&username=jdoe&password=S3cret%21pass&client_secret=the-secret",
        ),
        (
            TokenRequest::client_credentials("my-client-id", "the-secret").with_scope(["FullAccess"]),
            "grant_type=client_credentials&scope=FullAccess&client_id=my-client-id&client_secret=the-secret",
        ),
        (
            TokenRequest::anonymous("my-client-id").with_scope(["Shopper"]).with_anonymous_user_id("anon-123"),
            "grant_type=client_credentials&client_id=my-client-id&scope=Shopper&anonuserid=anon-123",
        ),
        (
            TokenRequest::refresh("my-client-id", "the-refresh-token"),
            "grant_type=refresh_token&client_id=my-client-id&refresh_token=the-refresh-token",
        ),
        (
            TokenRequest::password("c", "j doe+1@example.com", "a&b=c d").with_scope(["CustomRole"]),
            "grant_type=password&username=j+doe%2B1%40example.com&password=a%26b%3Dc+d&client_id=c&scope=CustomRole",
        ),
    ];
    for (with_v1, (request, body)) in [false, true].into_iter().cycle().zip(cases) {
        let server = server_answering(200, TOKEN).await;
        let token = auth(&server, with_v1).token(&request).await.unwrap();
        assert_eq!(token.refresh_token(), Some("the-refresh-token"));
        let received = server.received_requests().await.unwrap();
        let sent = &received[0];
        assert_eq!(sent.url.path(), "/oauth/token", "with /v1 in the base URL: {with_v1}");
        assert_eq!(std::str::from_utf8(&sent.body).unwrap(), body);
        assert_eq!(sent.headers["content-type"], "application/x-www-form-urlencoded");
        assert_eq!(sent.headers["accept"], "application/json");
        assert!(sent.headers.get("authorization").is_none(), "never a token to the token endpoint");
        let user_agent = format!("{} ordercloud-auth/{}", ordercloud_transport::USER_AGENT, env!("CARGO_PKG_VERSION"));
        assert_eq!(sent.headers["user-agent"], user_agent.as_str(), "the crate names itself");
        assert!(!body.contains("undefined"));
    }
}

#[tokio::test]
async fn refusals_in_either_shape_are_typed_one_line_and_secret_free() {
    let cases = [
        (
            400,
            r#"{"Errors":[{"ErrorCode":"Auth.InvalidUsernameOrPassword","Message":"Invalid username or password for S3cret!pass","Data":null}]}"#,
            ErrorCode::AuthInvalidUsernameOrPassword,
        ),
        (
            400,
            r#"{"error":"invalid_grant","error_description":"bad password S3cret!pass\nsecond line"}"#,
            ErrorCode::OAuthInvalidGrant,
        ),
        (
            401,
            r#"{"error":"invalid_client","error_description":"unknown client secret the-secret"}"#,
            ErrorCode::OAuthInvalidClient,
        ),
    ];
    for (status, body, code) in cases {
        let server = server_answering(status, body).await;
        let request = TokenRequest::password("my-client-id", "jdoe", "S3cret!pass").with_client_secret("the-secret");
        let error = auth(&server, true).token(&request).await.unwrap_err();
        assert_eq!(error.status().map(|status| status.as_u16()), Some(status));
        assert_eq!(error.error_code(), Some(&code));
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("S3cret!pass") && !shown.contains("the-secret"), "{shown}");
        assert!(!error.to_string().contains('\n'));
    }
}

#[tokio::test]
async fn empty_credentials_are_refused_before_sending() {
    let server = server_answering(200, TOKEN).await;
    let auth = auth(&server, false);
    for request in [
        TokenRequest::password("", "jdoe", "pw"),
        TokenRequest::password("c", " ", "pw"),
        TokenRequest::password("c", "jdoe", ""),
        TokenRequest::client_credentials("c", ""),
        TokenRequest::refresh("c", ""),
    ] {
        let error = auth.token(&request).await.unwrap_err();
        assert!(error.is_invalid_request(), "{request:?}: {error}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
