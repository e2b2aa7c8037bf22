//! How a Session behaves: one token request for any number of waiting calls, renewal before
//! expiry on virtual time, one renewal and one retry after 401 InvalidToken, no cached
//! failure, and no secret in any output.

mod common;

use common::{is_token_request, token_json};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ordercloud_auth::{AccessToken, Session, TokenRequest};
use ordercloud_models::ErrorCode;
use ordercloud_transport::bytes::Bytes;
use ordercloud_transport::http::{Method, Request, Response};
use ordercloud_transport::{ApiClient, HttpTransport, MockTransport, Sleep, TransportError};

fn login() -> TokenRequest {
    TokenRequest::password("my-client-id", "jdoe", "Passw0rd-Secret")
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
    let held = AccessToken::new("t-1", Some(Duration::from_secs(3600)), Some("r-1".into()));
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

/// Token requests wait at a gate until `callers` calls are waiting, then get `answer`;
/// API calls are answered 204 at once. Counts both.
#[derive(Debug)]
struct Refusing {
    answer: (u16, String),
    token_requests: AtomicUsize,
    api_calls: AtomicUsize,
    open: tokio::sync::Notify,
    opened: std::sync::atomic::AtomicBool,
}

impl Refusing {
    fn new(status: u16, body: &str) -> Arc<Self> {
        Arc::new(Self {
            answer: (status, body.to_owned()),
            token_requests: AtomicUsize::new(0),
            api_calls: AtomicUsize::new(0),
            open: tokio::sync::Notify::new(),
            opened: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Opens the gate once the first token request has waited while every other call got
    /// to its wait for the token.
    async fn open_when_all_wait(&self) {
        while self.token_requests.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        for _ in 0..200 {
            tokio::task::yield_now().await;
        }
        self.opened.store(true, Ordering::SeqCst);
        self.open.notify_waiters();
    }
}

#[async_trait::async_trait]
impl HttpTransport for Refusing {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        if request.uri().path() == "/oauth/token" {
            self.token_requests.fetch_add(1, Ordering::SeqCst);
            let open = self.open.notified();
            if !self.opened.load(Ordering::SeqCst) {
                open.await;
            }
            let (status, body) = &self.answer;
            return Ok(Response::builder().status(*status).body(Bytes::from(body.clone())).unwrap());
        }
        self.api_calls.fetch_add(1, Ordering::SeqCst);
        Ok(Response::builder().status(204).body(Bytes::new()).unwrap())
    }

    fn sleep(&self, _duration: Duration) -> Sleep {
        Box::pin(std::future::pending())
    }
}

/// `callers` concurrent calls through `me`; their outcomes.
async fn burst(me: &ApiClient, callers: usize, transport: &Refusing) -> Vec<Result<(), ordercloud_transport::Error>> {
    let calls: Vec<_> = (0..callers)
        .map(|_| {
            let me = me.clone();
            tokio::spawn(async move { me.request(Method::GET, "/me").send_empty().await })
        })
        .collect();
    transport.open_when_all_wait().await;
    let mut outcomes = Vec::new();
    for call in calls {
        outcomes.push(call.await.unwrap());
    }
    outcomes
}

#[tokio::test]
async fn a_refused_password_is_asked_once_for_every_call_that_waited() {
    for (status, body, code) in [
        (400, r#"{"error":"invalid_grant","error_description":"bad password"}"#, Some("invalid_grant")),
        (
            400,
            r#"{"Errors":[{"ErrorCode":"Auth.InvalidUsernameOrPassword","Message":"no"}]}"#,
            Some("Auth.InvalidUsernameOrPassword"),
        ),
        (500, "token service down", None),
    ] {
        let transport = Refusing::new(status, body);
        let client = ApiClient::builder().transport(transport.clone()).build().unwrap();
        let me = Session::new(client, login()).client();
        let outcomes = burst(&me, 50, &transport).await;
        assert_eq!(transport.token_requests.load(Ordering::SeqCst), 1, "{status} {body}: one token request");
        assert_eq!(transport.api_calls.load(Ordering::SeqCst), 0, "no API call without a token");
        for outcome in outcomes {
            let error = outcome.unwrap_err();
            assert_eq!(error.status().map(|status| status.as_u16()), Some(status), "every waiter gets the outcome");
            assert_eq!(error.error_code().map(|code| code.as_str()), code);
        }
        // After the flight, a later call tries again: nothing was cached.
        let _ = me.request(Method::GET, "/me").send_empty().await;
        assert_eq!(transport.token_requests.load(Ordering::SeqCst), 2);
    }
}

#[tokio::test(start_paused = true)]
async fn after_expiry_a_refused_renewal_is_also_asked_once() {
    let transport = Refusing::new(400, r#"{"error":"invalid_grant"}"#);
    transport.opened.store(true, Ordering::SeqCst);
    let held = AccessToken::new("t-1", Some(Duration::from_secs(600)), None);
    let client = ApiClient::builder().transport(transport.clone()).build().unwrap();
    let me = Session::from_token(client, login(), held).unwrap().client();
    me.request(Method::GET, "/me").send_empty().await.unwrap();
    tokio::time::advance(Duration::from_secs(601)).await;
    transport.opened.store(false, Ordering::SeqCst);
    let outcomes = burst(&me, 50, &transport).await;
    assert_eq!(transport.token_requests.load(Ordering::SeqCst), 1);
    assert!(outcomes.iter().all(|outcome| outcome.as_ref().is_err_and(|error| error.status().is_some())));
}

#[tokio::test(start_paused = true)]
async fn a_failing_early_renewal_is_retried_at_a_bounded_rate() {
    let transport = Refusing::new(503, "down");
    transport.opened.store(true, Ordering::SeqCst);
    let held = AccessToken::new("t-1", Some(Duration::from_secs(600)), None);
    let client = ApiClient::builder().transport(transport.clone()).build().unwrap();
    let me = Session::from_token(client, login(), held).unwrap().client();
    tokio::time::advance(Duration::from_secs(545)).await; // due for renewal, 55 s to expiry
    // One call a tenth of a second for 50 s: 500 calls, all served by the token at hand.
    for _ in 0..500 {
        me.request(Method::GET, "/me").send_empty().await.unwrap();
        tokio::time::advance(Duration::from_millis(100)).await;
    }
    let tries = transport.token_requests.load(Ordering::SeqCst);
    // Tried at once, then after 5, 10, 20 and 40 s (capped by the expiry): at most 5 in 50 s.
    assert!((1..=5).contains(&tries), "{tries} renewals tried");
    assert_eq!(transport.api_calls.load(Ordering::SeqCst), 500);
}

#[tokio::test]
async fn unusable_or_huge_lifetimes_never_mean_a_token_request_per_call() {
    for expires_in in ["null", "0", "-1", "\"soon\"", "1e308", "18446744073709551615", "\"36000\""] {
        let transport = Refusing::new(200, &format!(r#"{{"access_token":"t-1","expires_in":{expires_in}}}"#));
        let client = ApiClient::builder().transport(transport.clone()).build().unwrap();
        let me = Session::new(client, login()).client();
        let outcomes = burst(&me, 50, &transport).await;
        assert!(outcomes.iter().all(Result::is_ok), "{expires_in}");
        for _ in 0..20 {
            me.request(Method::GET, "/me").send_empty().await.unwrap();
        }
        assert_eq!(transport.token_requests.load(Ordering::SeqCst), 1, "expires_in {expires_in}");
        assert_eq!(transport.api_calls.load(Ordering::SeqCst), 70);
    }
}

#[tokio::test]
async fn a_token_that_outlives_the_clock_is_kept() {
    let mock = MockTransport::new();
    mock.push_status(204, "").push_status(204, "");
    let held = AccessToken::new("t-forever", Some(Duration::MAX), None);
    let me = Session::from_token(ApiClient::builder().transport(mock.clone()).build().unwrap(), login(), held)
        .unwrap()
        .client();
    me.request(Method::GET, "/me").send_empty().await.unwrap();
    me.request(Method::GET, "/me").send_empty().await.unwrap();
    assert!(mock.requests().iter().all(|request| request.header("authorization") == Some("Bearer t-forever")));
    mock.assert_all_used();
}

#[tokio::test]
async fn an_empty_token_is_refused_by_the_one_rule() {
    let mock = MockTransport::new();
    let client = ApiClient::builder().transport(mock.clone()).build().unwrap();
    let error = Session::from_token(client.clone(), login(), AccessToken::new("", None, None)).unwrap_err();
    assert!(error.is_invalid_request(), "{error}");
    mock.push_status(200, r#"{"access_token":" ","expires_in":600}"#);
    let error = Session::new(client, login()).client().request(Method::GET, "/me").send_empty().await.unwrap_err();
    assert!(error.is_invalid_request(), "{error}");
    assert_eq!(mock.requests().len(), 1, "only the token request: no `Bearer ` call");
}

#[tokio::test]
async fn the_grant_fallbacks_error_is_kept_clear_of_the_refresh_token() {
    let mock = MockTransport::new();
    mock.push_api_error(401, "InvalidToken", "expired")
        .push_status(400, r#"{"error":"invalid_grant","error_description":"refresh token is bad"}"#)
        .push_api_error(400, "Auth.InvalidUsernameOrPassword", "you sent refresh R-Secret-Refresh-77 earlier");
    let held = AccessToken::new("t-1", Some(Duration::from_secs(3600)), Some("R-Secret-Refresh-77".into()));
    let client = ApiClient::builder().transport(mock.clone()).build().unwrap();
    let me = Session::from_token(client, login(), held).unwrap().client();
    let error = me.request(Method::GET, "/me").send_empty().await.unwrap_err();
    assert_eq!(error.error_code(), Some(&ErrorCode::AuthInvalidUsernameOrPassword));
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.to_lowercase().contains("r-secret-refresh-77"), "{text}");
    }
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
            format!("{:?}", AccessToken::new(token.as_str(), Some(Duration::from_secs(1)), Some(refresh.clone()))),
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
