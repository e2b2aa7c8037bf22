//! ApiClient logic on MockTransport: headers, tokens, paths, refusals, timeouts, retries,
//! and what errors show.

use std::time::Duration;

use http::Method;
use ordercloud_models::{ErrorCode, PasswordReset};
use ordercloud_transport::{
    ApiClient, Error, MAX_TIMEOUT, MockTransport, RetryPolicy, TransportError, TransportErrorKind, USER_AGENT,
};

const CODE: &str = "vc-Secret-4f9a";
const PASSWORD: &str = "Pw-Secret-8c1e";
const TOKEN: &str = "tok-Secret-77d2";

fn client(mock: &MockTransport) -> ApiClient {
    ApiClient::builder().transport(mock.clone()).build().unwrap()
}

fn connect_error() -> TransportError {
    TransportError::new(
        TransportErrorKind::Connect,
        std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused"),
    )
}

#[tokio::test]
async fn anonymous_calls_send_no_authorization_header() {
    let mock = MockTransport::new();
    mock.push_status(204, "").push_status(204, "");
    let client = client(&mock);
    client
        .request(Method::POST, "/password/reset")
        .json(&serde_json::json!({"ClientID": "c"}))
        .send_empty()
        .await
        .unwrap();
    client.request(Method::GET, "/me").send_empty().await.unwrap();
    let requests = mock.requests();
    assert_eq!(requests[0].method, Method::POST);
    assert_eq!(requests[0].uri.to_string(), "https://api.ordercloud.io/v1/password/reset");
    assert_eq!(requests[0].header("accept"), Some("application/json"));
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert_eq!(requests[0].header("user-agent"), Some(USER_AGENT));
    assert!(USER_AGENT.starts_with("ordercloud-rust/"));
    assert_eq!(requests[0].body_text(), r#"{"ClientID":"c"}"#);
    assert!(requests.iter().all(|request| request.headers.get("authorization").is_none()));
    assert!(requests[1].headers.get("content-type").is_none(), "no body, no content type");
    assert!(requests[1].body.is_empty());
    mock.assert_all_used();
}

#[tokio::test]
async fn tokens_configured_overridden_per_client_and_per_call() {
    let mock = MockTransport::new();
    for _ in 0..4 {
        mock.push_status(204, "");
    }
    let client = ApiClient::builder()
        .transport(mock.clone())
        .access_token("client-token")
        .application_name("my-shop/1.2")
        .build()
        .unwrap();
    client.request(Method::GET, "/me").send_empty().await.unwrap();
    client.with_access_token(TOKEN).unwrap().request(Method::GET, "/me").send_empty().await.unwrap();
    client.request(Method::GET, "/me").bearer_token("call-token").send_empty().await.unwrap();
    client.request(Method::GET, "/me").without_token().send_empty().await.unwrap();
    let auth: Vec<Option<String>> =
        mock.requests().iter().map(|r| r.header("authorization").map(str::to_owned)).collect();
    assert_eq!(
        auth,
        [Some("Bearer client-token".into()), Some(format!("Bearer {TOKEN}")), Some("Bearer call-token".into()), None]
    );
    assert!(mock.requests()[1].headers["authorization"].is_sensitive());
    assert_eq!(mock.requests()[0].header("user-agent"), Some(format!("{USER_AGENT} my-shop/1.2").as_str()));
    assert!(client.has_access_token(), "the original client keeps its token");
}

#[tokio::test]
async fn path_parameters_are_one_encoded_segment() {
    let mock = MockTransport::new();
    for _ in 0..3 {
        mock.push_status(204, "");
    }
    let client = client(&mock);
    for code in ["a b/c?d#e%f", "código", "+&=~._-"] {
        client
            .request(Method::PUT, "/password/reset/{verificationCode}")
            .secret_path_param(code)
            .send_empty()
            .await
            .unwrap();
    }
    let paths: Vec<String> = mock.requests().iter().map(|r| r.uri.path().to_owned()).collect();
    assert_eq!(
        paths,
        [
            "/v1/password/reset/a%20b%2Fc%3Fd%23e%25f",
            "/v1/password/reset/c%C3%B3digo",
            "/v1/password/reset/%2B%26%3D~._-"
        ]
    );
}

#[tokio::test]
async fn query_values_are_encoded() {
    let mock = MockTransport::new();
    mock.push_status(200, "");
    let client = client(&mock);
    client
        .request(Method::POST, "/username/retrieve")
        .query("clientID", "my client")
        .query("email", "j+doe&x=1@exämple.com")
        .send_empty()
        .await
        .unwrap();
    assert_eq!(
        mock.requests()[0].uri.path_and_query().unwrap().as_str(),
        "/v1/username/retrieve?clientID=my%20client&email=j%2Bdoe%26x%3D1%40ex%C3%A4mple.com"
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_sending() {
    let mock = MockTransport::new();
    let client = client(&mock);
    for code in ["", ".", ".."] {
        let error = client
            .request(Method::PUT, "/password/reset/{verificationCode}")
            .secret_path_param(code)
            .send_empty()
            .await
            .unwrap_err();
        assert!(error.is_invalid_request(), "{error:?}");
        assert_eq!(
            error.to_string(),
            "invalid request, nothing was sent: verificationCode must not be empty, \".\" or \"..\""
        );
    }
    let missing = client.request(Method::PUT, "/password/reset/{verificationCode}").send_empty().await.unwrap_err();
    assert!(missing.to_string().contains("missing"), "{missing}");
    let extra = client.request(Method::GET, "/me").path_param("x").send_empty().await.unwrap_err();
    assert!(extra.is_invalid_request());
    let no_slash = client.request(Method::GET, "me").send_empty().await.unwrap_err();
    assert!(no_slash.is_invalid_request());
    for token in ["", "  ", "a\nb"] {
        let error = client.request(Method::GET, "/me").bearer_token(token).send_empty().await.unwrap_err();
        assert!(error.is_invalid_request());
        assert!(client.with_access_token(token).is_err());
    }
    assert!(mock.requests().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn the_builder_validates_everything() {
    let mock = MockTransport::new();
    let bad = [
        ApiClient::builder().transport(mock.clone()).base_url("http://api.ordercloud.io"),
        ApiClient::builder().transport(mock.clone()).base_url("not a url"),
        ApiClient::builder().transport(mock.clone()).access_token("bad\ntoken"),
        ApiClient::builder().transport(mock.clone()).timeout(Duration::ZERO),
        ApiClient::builder().transport(mock.clone()).max_in_flight(0),
        ApiClient::builder().transport(mock.clone()).max_in_flight(usize::MAX),
        ApiClient::builder().transport(mock.clone()).application_name("bad\u{7f}name"),
        ApiClient::builder().transport(mock.clone()).base_url("http://127.0.0.1:65536"),
        ApiClient::builder().transport(mock.clone()).base_url("https://:443"),
        ApiClient::builder().transport(mock.clone()).base_url("https://api.ordercloud.io\r\n"),
    ];
    for builder in bad {
        let shown = format!("{builder:?}");
        let error = builder.build().unwrap_err();
        assert!(error.is_config(), "{shown}: {error}");
        assert!(error.to_string().starts_with("invalid configuration, nothing was sent: "), "{error}");
    }
    let error = ApiClient::builder().transport(mock.clone()).max_in_flight(usize::MAX).build().unwrap_err();
    assert!(error.to_string().contains("from 1 to"), "the limit is named: {error}");
    assert!(mock.requests().is_empty());
    let client = ApiClient::builder()
        .transport(mock.clone())
        .base_url("http://api.ordercloud.io/v1/")
        .allow_insecure_http(true)
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://api.ordercloud.io/v1");
}

#[tokio::test]
async fn one_timeout_rule_everywhere_zero_refused_huge_clamped() {
    let mock = MockTransport::new();
    mock.push_no_answer().push_no_answer().push_no_answer();
    let client = client(&mock);
    let error = client.with_timeout(Duration::ZERO).unwrap_err();
    assert!(error.is_config() && error.to_string().contains("longer than zero"), "{error}");
    let error = client.request(Method::GET, "/me").timeout(Duration::ZERO).send_empty().await.unwrap_err();
    assert!(error.is_invalid_request() && error.to_string().contains("longer than zero"), "{error}");
    for huge in [Duration::MAX, Duration::from_secs(u64::MAX), MAX_TIMEOUT + Duration::from_nanos(1)] {
        let built = ApiClient::builder().transport(mock.clone()).timeout(huge).build().unwrap();
        assert_eq!(built.timeout(), MAX_TIMEOUT);
        assert_eq!(client.with_timeout(huge).unwrap().timeout(), MAX_TIMEOUT);
    }
    let error = client.with_timeout(Duration::MAX).unwrap().request(Method::GET, "/me").send_empty().await.unwrap_err();
    assert!(error.is_timeout(), "{error}");
    let error =
        client.request(Method::GET, "/me").timeout(Duration::from_secs(u64::MAX)).send_empty().await.unwrap_err();
    assert!(error.is_timeout(), "{error}");
    let error = client
        .with_timeout(Duration::MAX)
        .unwrap()
        .request(Method::GET, "/me")
        .timeout(Duration::MAX)
        .send_empty()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_eq!(mock.sleeps(), [MAX_TIMEOUT; 3], "the clamped timeout is what the timer gets");
}

#[tokio::test]
async fn absurd_retry_after_and_backoff_return_the_answer_instead_of_waiting() {
    let too_many = |retry_after: &str| {
        let mut answer = http::Response::new(bytes::Bytes::new());
        *answer.status_mut() = http::StatusCode::TOO_MANY_REQUESTS;
        answer.headers_mut().insert("retry-after", http::HeaderValue::from_str(retry_after).unwrap());
        answer
    };
    for retry_after in ["18446744073709551615", "99999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"] {
        let mock = MockTransport::new();
        mock.push_response(too_many(retry_after)).push_status(204, "");
        let error = client(&mock).request(Method::POST, "/password/reset").send_empty().await.unwrap_err();
        assert_eq!(error.status(), Some(http::StatusCode::TOO_MANY_REQUESTS), "{retry_after}");
        assert_eq!(mock.requests().len(), 1, "{retry_after}: a wait past the budget is not started");
    }
    // A date that does not parse is no Retry-After: the policy's own backoff applies.
    let mock = MockTransport::new();
    mock.push_response(too_many("Sun, 06 Nov 999999999999999 08:49:37 GMT")).push_status(204, "");
    client(&mock).request(Method::POST, "/password/reset").send_empty().await.unwrap();
    assert!(mock.sleeps()[1] <= Duration::from_millis(100), "{:?}", mock.sleeps());
    let mock = MockTransport::new();
    mock.push_error(connect_error()).push_status(204, "");
    let patient = ApiClient::builder()
        .transport(mock.clone())
        .retry_policy(RetryPolicy::default().with_backoff(Duration::MAX, Duration::MAX))
        .build()
        .unwrap();
    let error = patient.request(Method::POST, "/password/reset").send_empty().await.unwrap_err();
    assert!(error.is_retryable() && mock.requests().len() == 1, "{error}");
}

#[tokio::test]
async fn a_call_that_times_out_waiting_for_its_turn_was_not_sent() {
    /// Never answers; its timer fires at once, except for the 60 s the holder is given.
    #[derive(Debug, Default)]
    struct Held(std::sync::atomic::AtomicUsize);
    #[async_trait::async_trait]
    impl ordercloud_transport::HttpTransport for Held {
        async fn send(&self, _: http::Request<bytes::Bytes>) -> Result<http::Response<bytes::Bytes>, TransportError> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            std::future::pending().await
        }
        fn sleep(&self, duration: Duration) -> ordercloud_transport::Sleep {
            if duration == Duration::from_secs(60) {
                Box::pin(std::future::pending())
            } else {
                Box::pin(std::future::ready(()))
            }
        }
    }
    let transport = std::sync::Arc::new(Held::default());
    let client = ApiClient::builder().transport(transport.clone()).max_in_flight(1).build().unwrap();
    let slow = client.with_timeout(Duration::from_secs(60)).unwrap();
    let holder = tokio::spawn(async move { slow.request(Method::GET, "/held").send_empty().await });
    while transport.0.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        tokio::task::yield_now().await;
    }
    let error = client.request(Method::POST, "/password/reset").send_empty().await.unwrap_err();
    assert!(matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::QueueTimeout), "{error:?}");
    assert!(error.is_timeout() && error.is_retryable(), "{error}");
    assert!(error.to_string().contains("not sent"), "{error}");
    assert_eq!(transport.0.load(std::sync::atomic::Ordering::SeqCst), 1, "only the holder reached the transport");
    holder.abort();
}

#[tokio::test]
async fn a_call_without_an_answer_times_out() {
    let mock = MockTransport::new();
    mock.push_no_answer().push_no_answer();
    let client = client(&mock);
    let error = client.request(Method::POST, "/password/reset").send_empty().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(!error.is_retryable(), "a POST that may have arrived is not retryable");
    assert_eq!(error.to_string(), "the request timed out");
    assert_eq!(cause(&error), "the call was given 30s");
    let error = client.request(Method::POST, "/x").timeout(Duration::from_millis(1500)).send_empty().await.unwrap_err();
    assert_eq!(cause(&error), "the call was given 1.5s");
    assert_eq!(mock.requests().len(), 2, "a timed-out POST is never retried");
    assert_eq!(mock.sleeps(), [Duration::from_secs(30), Duration::from_millis(1500)]);
}

#[tokio::test]
async fn connect_failures_are_retried_and_then_reported() {
    let mock = MockTransport::new();
    mock.push_error(connect_error()).push_error(connect_error()).push_status(204, "");
    client(&mock).request(Method::POST, "/password/reset").send_empty().await.unwrap();
    assert_eq!(mock.requests().len(), 3);
    let waits = &mock.sleeps()[1..];
    assert_eq!(waits.len(), 2);
    assert!(waits[0] >= Duration::from_millis(50) && waits[0] <= Duration::from_millis(100), "{waits:?}");
    assert!(waits[1] >= Duration::from_millis(100) && waits[1] <= Duration::from_millis(200), "{waits:?}");

    let mock = MockTransport::new();
    for _ in 0..3 {
        mock.push_error(connect_error());
    }
    let error = client(&mock).request(Method::POST, "/password/reset").send_empty().await.unwrap_err();
    assert_eq!(mock.requests().len(), 3, "two retries at most");
    assert!(error.is_retryable() && !error.is_timeout());
    assert_eq!(error.to_string(), "could not connect to the server");
    assert_eq!(cause(&error), "Connection refused");
}

#[tokio::test]
async fn failures_after_sending_are_never_retried() {
    for kind in [
        TransportErrorKind::Io,
        TransportErrorKind::Timeout,
        TransportErrorKind::InvalidResponse,
        TransportErrorKind::Tls,
    ] {
        let mock = MockTransport::new();
        mock.push_error(TransportError::from_kind(kind)).push_status(204, "");
        let error = client(&mock).request(Method::POST, "/password/reset").send_empty().await.unwrap_err();
        assert!(matches!(&error, Error::Transport(e) if e.kind() == kind), "{error:?}");
        assert_eq!(mock.requests().len(), 1, "{kind:?} must not be retried");
    }
    for status in [500, 502, 503, 504] {
        let mock = MockTransport::new();
        mock.push_status(status, "").push_status(204, "");
        let error =
            client(&mock).request(Method::PUT, "/password/reset/{c}").path_param("x").send_empty().await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(mock.requests().len(), 1, "{status} is not retried by default");
    }
}

#[tokio::test]
async fn too_many_requests_honours_retry_after_within_the_budget() {
    let mock = MockTransport::new();
    mock.push_response(http::Response::builder().status(429).header("retry-after", "2").body("".into()).unwrap());
    mock.push_status(204, "");
    client(&mock).request(Method::POST, "/password/reset").send_empty().await.unwrap();
    assert_eq!(mock.sleeps(), [Duration::from_secs(30), Duration::from_secs(2)]);

    let mock = MockTransport::new();
    mock.push_response(http::Response::builder().status(429).header("retry-after", "60").body("".into()).unwrap());
    mock.push_status(204, "");
    let error = client(&mock).request(Method::POST, "/password/reset").send_empty().await.unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::TOO_MANY_REQUESTS));
    assert!(error.is_retryable());
    assert_eq!(mock.requests().len(), 1, "a wait past the timeout is not started");
}

#[tokio::test]
async fn retry_policies_are_configurable() {
    let mock = MockTransport::new();
    mock.push_status(503, "").push_status(204, "");
    let patient = ApiClient::builder()
        .transport(mock.clone())
        .retry_policy(RetryPolicy::default().retry_idempotent_server_errors(true))
        .build()
        .unwrap();
    patient.request(Method::PUT, "/password/reset/{c}").path_param("x").send_empty().await.unwrap();
    assert_eq!(mock.requests().len(), 2);
    mock.push_status(503, "").push_status(204, "");
    let error = patient.request(Method::POST, "/password/reset").send_empty().await.unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE), "POST is never retried on 503");

    let mock = MockTransport::new();
    mock.push_error(connect_error()).push_status(204, "");
    let strict = ApiClient::builder().transport(mock.clone()).retry_policy(RetryPolicy::none()).build().unwrap();
    assert!(strict.request(Method::GET, "/me").send_empty().await.is_err());
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn success_bodies_and_decoding() {
    let mock = MockTransport::new();
    mock.push_status(200, r#"{"ignored":true}"#).push_status(200, "\u{feff}{\"ID\":\"u1\"}").push_status(200, "<html>");
    let client = client(&mock);
    client.request(Method::POST, "/x").send_empty().await.unwrap();
    let value: serde_json::Value = client.request(Method::GET, "/me").send_json().await.unwrap();
    assert_eq!(value["ID"], "u1");
    let error = client.request(Method::GET, "/me").send_json::<serde_json::Value>().await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert!(error.to_string().starts_with("HTTP 200 OK: the response body could not be decoded"), "{error}");
    assert_eq!(error.response_body().map(|b| b.as_ref()), Some(&b"<html>"[..]));
}

#[tokio::test]
async fn an_exhausted_mock_is_an_error_not_a_panic() {
    let mock = MockTransport::new();
    let error = client(&mock).request(Method::GET, "/me").send_empty().await.unwrap_err();
    assert!(matches!(&error, Error::Transport(e) if e.kind() == TransportErrorKind::Other));
    assert!(cause(&error).contains("no scripted answer"), "{error:#?}");
}

#[tokio::test]
async fn from_fn_answers_by_request() {
    let mock = MockTransport::from_fn(|request| {
        let status = if request.uri.path().ends_with("/ok") { 204 } else { 404 };
        Ok(http::Response::builder().status(status).body(bytes::Bytes::new()).unwrap())
    });
    let client = client(&mock);
    assert!(client.request(Method::GET, "/ok").send_empty().await.is_ok());
    assert_eq!(
        client.request(Method::GET, "/nope").send_empty().await.unwrap_err().status(),
        Some(http::StatusCode::NOT_FOUND)
    );
}

#[tokio::test]
async fn no_secret_reaches_display_or_debug() {
    let mock = MockTransport::new();
    // A proxy page that echoes the path, and an OrderCloud error echoing the code.
    mock.push_status(404, format!("Cannot PUT /v1/password/reset/{CODE}"));
    mock.push_api_error(400, "PasswordReset.InvalidVerification", &format!("code {CODE} is invalid"));
    mock.push_no_answer();
    let client = ApiClient::builder().transport(mock.clone()).access_token(TOKEN).build().unwrap();
    let reset = PasswordReset::new("c", "jdoe", PASSWORD);
    let request =
        client.request(Method::PUT, "/password/reset/{verificationCode}").secret_path_param(CODE).bearer_token(TOKEN);
    let request_debug = format!("{:?}", request.json(&reset));
    assert!(request_debug.contains("/password/reset/{verificationCode}"), "{request_debug}");
    let mut shown = vec![
        format!("{client:?}"),
        format!("{reset:?}"),
        format!("{:?}", ApiClient::builder().access_token(TOKEN)),
        request_debug,
    ];
    for _ in 0..3 {
        let error = client
            .request(Method::PUT, "/password/reset/{verificationCode}")
            .secret_path_param(CODE)
            .json(&reset)
            .redact(PASSWORD)
            .send_empty()
            .await
            .unwrap_err();
        shown.push(format!("{error} {error:?} {error:#?}"));
        if error.error_code().is_some() {
            assert_eq!(error.error_code(), Some(&ErrorCode::PasswordResetInvalidVerification));
        }
    }
    for text in &shown {
        for secret in [CODE, PASSWORD, TOKEN] {
            assert!(!text.contains(secret), "{secret} leaked in: {text}");
        }
    }
    assert!(shown[4].contains("Cannot PUT /v1/password/reset/[redacted]"), "{}", shown[4]);
}

#[test]
fn debug_never_shows_a_url_password() {
    let builder = ApiClient::builder().base_url("https://svc-user:Url-Secret-Pass@gw.example.com/v1");
    let shown = format!("{builder:?}");
    assert!(!shown.contains("Url-Secret-Pass") && !shown.contains("svc-user"), "{shown}");
    assert!(shown.contains("gw.example.com"), "{shown}");
    let error = builder.build().unwrap_err();
    assert!(error.is_config() && !format!("{error} {error:?}").contains("Url-Secret-Pass"), "{error:?}");
}

#[test]
fn a_mock_handler_may_use_the_mock_itself() {
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let own: std::sync::Arc<std::sync::OnceLock<MockTransport>> = std::sync::Arc::default();
        let inside = own.clone();
        let mock = MockTransport::from_fn(move |_request| {
            let mock = inside.get().expect("set before any call");
            let seen = mock.requests().len();
            mock.push_status(204, "");
            Ok(http::Response::new(bytes::Bytes::from(seen.to_string())))
        });
        own.set(mock.clone()).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let client = client(&mock);
        let first = runtime.block_on(client.request(Method::GET, "/x").send()).unwrap();
        let second = runtime.block_on(client.request(Method::GET, "/x").send()).unwrap();
        done_tx.send((first.into_body(), second.status(), mock.remaining())).unwrap();
    });
    let (body, status, remaining) =
        done_rx.recv_timeout(Duration::from_secs(20)).expect("the handler deadlocked on the mock's lock");
    assert_eq!(body, "1", "the handler saw its own request");
    assert_eq!(status, 204, "the answer the handler scripted was used next");
    assert_eq!(remaining, 0);
}

#[tokio::test]
async fn the_variant_is_matched_and_the_source_is_its_cause() {
    use std::error::Error as _;
    let mock = MockTransport::new();
    mock.push_api_error(404, "NotFound", "No such thing").push_error(connect_error());
    let client = ApiClient::builder().transport(mock).retry_policy(RetryPolicy::none()).build().unwrap();
    let error = client.request(Method::GET, "/me").send_empty().await.unwrap_err();
    let Error::Response(response) = &error else { panic!("{error:?}") };
    assert_eq!((response.status().as_u16(), response.error_count()), (404, 1));
    assert!(error.source().is_none(), "the answer is the whole story");
    let error = client.request(Method::GET, "/me").send_empty().await.unwrap_err();
    let Error::Transport(transport) = &error else { panic!("{error:?}") };
    assert_eq!(transport.kind(), TransportErrorKind::Connect);
    let refused = error.source().unwrap().downcast_ref::<std::io::Error>().unwrap();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
}

/// The text of the error's cause.
fn cause(error: &Error) -> String {
    std::error::Error::source(error).map(ToString::to_string).unwrap_or_default()
}
