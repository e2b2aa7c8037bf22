//! How a Session behaves: one token request for any number of waiting calls, renewal before
//! expiry on virtual time, one renewal and one retry after 401 InvalidToken, no cached
//! failure, and no secret in any output.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ordercloud_auth::{AccessToken, Session, TokenRequest};
use ordercloud_models::ErrorCode;
use ordercloud_transport::bytes::Bytes;
use ordercloud_transport::http::{Method, Request, Response};
use ordercloud_transport::{ApiClient, HttpTransport, MockTransport, Sleep, TransportError};

fn token_json(token: &str, expires_in: u64, refresh: Option<&str>) -> String {
    serde_json::json!({"access_token": token, "expires_in": expires_in, "refresh_token": refresh}).to_string()
}

fn login() -> TokenRequest {
    TokenRequest::password("my-client-id", "jdoe", "Passw0rd-Secret")
}

fn is_token_request(request: &ordercloud_transport::RecordedRequest) -> bool {
    request.uri.path() == "/oauth/token"
}

/// Token requests wait at a gate until every API call has started, so they all queue for
/// the one token; API calls are answered at once. Timers never fire.
#[derive(Debug, Default)]
struct Gated {
    token_requests: AtomicUsize,
    api_calls: AtomicUsize,
    open: tokio::sync::Notify,
    opened: std::sync::atomic::AtomicBool,
}

#[async_trait::async_trait]
impl HttpTransport for Gated {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        if request.uri().path() == "/oauth/token" {
            self.token_requests.fetch_add(1, Ordering::SeqCst);
            let open = self.open.notified();
            if !self.opened.load(Ordering::SeqCst) {
                open.await;
            }
            return Ok(Response::new(Bytes::from(token_json("t-1", 3600, None))));
        }
        assert_eq!(request.headers()["authorization"], "Bearer t-1");
        self.api_calls.fetch_add(1, Ordering::SeqCst);
        Ok(Response::builder().status(204).body(Bytes::new()).unwrap())
    }

    fn sleep(&self, _duration: Duration) -> Sleep {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn a_thousand_concurrent_calls_make_one_token_request() {
    let transport = Arc::new(Gated::default());
    let client = ApiClient::builder().transport(transport.clone()).max_in_flight(64).build().unwrap();
    let me = Session::new(client, login()).client();
    let calls: Vec<_> = (0..1000)
        .map(|_| {
            let me = me.clone();
            tokio::spawn(async move { me.request(Method::GET, "/me").send_empty().await })
        })
        .collect();
    while transport.token_requests.load(Ordering::SeqCst) == 0 {
        tokio::task::yield_now().await;
    }
    for _ in 0..100 {
        tokio::task::yield_now().await; // let every call reach the wait for the token
    }
    transport.opened.store(true, Ordering::SeqCst);
    transport.open.notify_waiters();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(transport.token_requests.load(Ordering::SeqCst), 1);
    assert_eq!(transport.api_calls.load(Ordering::SeqCst), 1000);
}

#[tokio::test(start_paused = true)]
async fn tokens_are_renewed_before_they_expire_with_the_refresh_token() {
    let mock = MockTransport::new();
    mock.push_status(200, token_json("t-1", 600, Some("r-1")))
        .push_status(204, "")
        .push_status(204, "")
        .push_status(200, token_json("t-2", 600, Some("r-2")))
        .push_status(204, "");
    let me = Session::new(ApiClient::builder().transport(mock.clone()).build().unwrap(), login()).client();
    me.request(Method::GET, "/me").send_empty().await.unwrap();
    tokio::time::advance(Duration::from_secs(539)).await;
    me.request(Method::GET, "/me").send_empty().await.unwrap();
    tokio::time::advance(Duration::from_secs(2)).await; // 541 s: within 60 s of expiry
    me.request(Method::GET, "/me").send_empty().await.unwrap();
    let requests = mock.requests();
    assert_eq!(requests.len(), 5);
    assert!(is_token_request(&requests[3]));
    let refresh = requests[3].form_pairs();
    assert!(
        refresh.contains(&("grant_type".into(), "refresh_token".into()))
            && refresh.contains(&("refresh_token".into(), "r-1".into()))
    );
    assert_eq!(requests[4].header("authorization"), Some("Bearer t-2"));
    mock.assert_all_used();
}

#[tokio::test(start_paused = true)]
async fn a_failed_renewal_keeps_the_token_until_it_expires() {
    let mock = MockTransport::new();
    mock.push_status(200, token_json("t-1", 600, None))
        .push_status(204, "")
        .push_status(503, "token service down")
        .push_status(204, "")
        .push_status(503, "still down");
    let me = Session::new(ApiClient::builder().transport(mock.clone()).build().unwrap(), login()).client();
    me.request(Method::GET, "/me").send_empty().await.unwrap();
    tokio::time::advance(Duration::from_secs(560)).await; // due for renewal, not expired
    me.request(Method::GET, "/me").send_empty().await.unwrap();
    let requests = mock.requests();
    assert!(is_token_request(&requests[2]), "a renewal was tried");
    assert_eq!(requests[3].header("authorization"), Some("Bearer t-1"), "the token at hand was used");
    tokio::time::advance(Duration::from_secs(41)).await; // now expired
    let error = me.request(Method::GET, "/me").send_empty().await.unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(503));
    mock.assert_all_used();
}

#[tokio::test(start_paused = true)]
async fn a_token_shorter_lived_than_the_margin_is_still_used() {
    let mock = MockTransport::new();
    mock.push_status(200, token_json("t-1", 30, None)).push_status(204, "").push_status(204, "");
    let me = Session::new(ApiClient::builder().transport(mock.clone()).build().unwrap(), login()).client();
    me.request(Method::GET, "/me").send_empty().await.unwrap();
    tokio::time::advance(Duration::from_secs(10)).await;
    me.request(Method::GET, "/me").send_empty().await.unwrap();
    assert_eq!(mock.requests().iter().filter(|request| is_token_request(request)).count(), 1);
    mock.assert_all_used();
}

#[tokio::test]
async fn a_401_invalid_token_renews_once_and_retries_once() {
    let mock = MockTransport::new();
    mock.push_status(200, token_json("t-1", 3600, None))
        .push_api_error(401, "InvalidToken", "Access token is invalid or expired.")
        .push_status(200, token_json("t-2", 3600, None))
        .push_status(200, r#"{"ID":"jdoe"}"#);
    let me = Session::new(ApiClient::builder().transport(mock.clone()).build().unwrap(), login()).client();
    let user: serde_json::Value = me.request(Method::GET, "/me").send_json().await.unwrap();
    assert_eq!(user["ID"], "jdoe");
    let requests = mock.requests();
    assert_eq!(requests[1].header("authorization"), Some("Bearer t-1"));
    assert!(is_token_request(&requests[2]));
    assert_eq!(requests[3].header("authorization"), Some("Bearer t-2"));
    mock.assert_all_used();

    // A second 401 is the answer.
    mock.push_api_error(401, "InvalidToken", "no").push_status(200, token_json("t-3", 3600, None)).push_api_error(
        401,
        "InvalidToken",
        "still no",
    );
    let error = me.request(Method::GET, "/me").send_empty().await.unwrap_err();
    assert_eq!(error.error_code(), Some(&ErrorCode::InvalidToken));
    assert_eq!(mock.requests().len(), 7, "one renewal and one retry, no more");
    mock.assert_all_used();

    // A 401 for another reason, or a 403, is not retried.
    mock.push_api_error(403, "Auth.InsufficientRoles", "no role");
    let error = me.request(Method::GET, "/me").send_empty().await.unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(403));
    assert_eq!(mock.requests().len(), 8);
}

#[tokio::test]
async fn a_refused_token_request_fails_the_call_sends_nothing_and_is_not_cached() {
    let mock = MockTransport::new();
    mock.push_api_error(400, "Auth.InvalidUsernameOrPassword", "Invalid username or password")
        .push_status(200, token_json("t-1", 3600, None))
        .push_status(204, "");
    let me = Session::new(ApiClient::builder().transport(mock.clone()).build().unwrap(), login()).client();
    let error = me.request(Method::GET, "/me").send_empty().await.unwrap_err();
    assert_eq!(error.error_code(), Some(&ErrorCode::AuthInvalidUsernameOrPassword));
    assert_eq!(mock.requests().len(), 1, "no API call without a token");
    me.request(Method::GET, "/me").send_empty().await.unwrap();
    assert_eq!(mock.requests().iter().filter(|request| is_token_request(request)).count(), 2);
    mock.assert_all_used();
}

#[tokio::test]
async fn a_session_from_a_held_token_uses_it_and_renews_with_its_refresh_token() {
    let mock = MockTransport::new();
    mock.push_api_error(401, "InvalidToken", "expired")
        .push_status(200, token_json("t-2", 3600, None))
        .push_status(204, "");
    let held = AccessToken::new("t-1", Duration::from_secs(3600), Some("r-1".into()));
    let client = ApiClient::builder().transport(mock.clone()).build().unwrap();
    let me = Session::from_token(client.clone(), login(), held).unwrap().client();
    me.request(Method::GET, "/me").send_empty().await.unwrap();
    let requests = mock.requests();
    assert_eq!(requests[0].header("authorization"), Some("Bearer t-1"));
    assert!(requests[1].form_pairs().contains(&("refresh_token".into(), "r-1".into())));
    assert_eq!(requests[2].header("authorization"), Some("Bearer t-2"));
    // The original client still sends no token at all.
    mock.push_status(204, "");
    client.request(Method::POST, "/password/reset").send_empty().await.unwrap();
    assert!(mock.requests()[3].headers.get("authorization").is_none());
}

proptest::proptest! {
    #[test]
    fn no_secret_reaches_any_output(
        password in "[A-Za-z0-9]{10,16}", secret in "[A-Za-z0-9]{10,16}", token in "[A-Za-z0-9]{10,16}",
        refresh in "[A-Za-z0-9]{10,16}", echo in 0usize..4,
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let mock = MockTransport::new();
        let echoed = [&password, &secret, &token, &refresh][echo];
        mock.push_status(200, token_json(&token, 3600, Some(&refresh)))
            .push_api_error(400, "Auth.Whatever", &format!("you sent {echoed} and {}", echoed.to_uppercase()))
            .push_status(400, format!("{{\"error\":\"invalid_grant\",\"error_description\":\"{echoed}\"}}"));
        let request = TokenRequest::password("c", "jdoe", password.as_str()).with_client_secret(secret.as_str());
        let session = Session::new(ApiClient::builder().transport(mock.clone()).build().unwrap(), request.clone());
        let me = session.client();
        let api_error = runtime.block_on(me.request(Method::GET, "/me").send_empty()).unwrap_err();
        let token_error = runtime.block_on(ordercloud_auth::AuthApi::new(me.clone()).token(&request)).unwrap_err();
        let texts = [
            api_error.to_string(), format!("{api_error:?}"),
            format!("{session:?}"), format!("{me:?}"), format!("{request:?}"),
            format!("{:?}", AccessToken::new(token.as_str(), Duration::from_secs(1), Some(refresh.clone()))),
        ];
        for text in texts {
            for value in [&password, &secret, &token, &refresh] {
                proptest::prop_assert!(!text.contains(value.as_str()), "{} leaked in {}", value, text);
            }
        }
        // The token request sends the password and the secret (no token of any kind).
        for text in [token_error.to_string(), format!("{token_error:?}")] {
            for value in [&password, &secret] {
                proptest::prop_assert!(!text.contains(value.as_str()), "{} leaked in {}", value, text);
            }
        }
    }
}
