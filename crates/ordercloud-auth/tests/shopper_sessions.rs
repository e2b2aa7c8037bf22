//! A shopper's session from a login: renewed with its refresh token only (always the
//! newest), ended when that is refused or missing, or when logged out; an ended session
//! sends nothing. Snapshots, restore and the event hook.

mod common;

use common::{is_token_request, mock_client, token_json};

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use ordercloud_auth::{AccessToken, Session, SessionEnd, SessionEvent, SessionSnapshot};
use ordercloud_transport::bytes::Bytes;
use ordercloud_transport::http::{Method, Request, Response};
use ordercloud_transport::{
    ApiClient, Error, ErrorCategory, HttpTransport, MockTransport, RecordedRequest, Sleep, TransportError, async_trait,
};

const CLIENT: &str = "my-client-id";

fn login(token: &str, expires_in: u64, refresh: Option<&str>) -> AccessToken {
    AccessToken::new(token, Some(Duration::from_secs(expires_in)), refresh.map(str::to_owned))
}

fn form(request: &RecordedRequest, name: &str) -> Option<String> {
    request.form_pairs().into_iter().find(|(key, _)| key == name).map(|(_, value)| value)
}

async fn get_me(me: &ApiClient) -> Result<(), Error> {
    me.request(Method::GET, "/me").send_empty().await
}

#[tokio::test(start_paused = true)]
async fn renewals_use_the_refresh_token_only_and_always_the_newest() {
    let mock = MockTransport::new();
    mock.push_status(204, "")
        .push_status(200, token_json("t-2", 600, Some("r-2")))
        .push_status(204, "")
        .push_status(200, token_json("t-3", 600, Some("r-3")))
        .push_status(204, "");
    let session = Session::from_login(mock_client(&mock), CLIENT, login("t-1", 600, Some("r-1"))).unwrap();
    let me = session.client();
    get_me(&me).await.unwrap();
    tokio::time::advance(Duration::from_secs(541)).await; // within a minute of expiry
    get_me(&me).await.unwrap();
    tokio::time::advance(Duration::from_secs(541)).await;
    get_me(&me).await.unwrap();
    let requests = mock.requests();
    let refreshes: Vec<&RecordedRequest> = requests.iter().filter(|request| is_token_request(request)).collect();
    assert_eq!(refreshes.len(), 2);
    for (refresh, used) in refreshes.iter().zip(["r-1", "r-2"]) {
        assert_eq!(form(refresh, "grant_type").as_deref(), Some("refresh_token"));
        assert_eq!(form(refresh, "refresh_token").as_deref(), Some(used), "the newest refresh token");
        assert_eq!(form(refresh, "client_id").as_deref(), Some(CLIENT));
        assert_eq!(form(refresh, "password"), None);
    }
    assert_eq!(requests[4].header("authorization"), Some("Bearer t-3"));
    mock.assert_all_used();
}

#[tokio::test(start_paused = true)]
async fn a_refresh_answer_without_a_refresh_token_keeps_the_one_that_got_it() {
    let mock = MockTransport::new();
    mock.push_api_error(401, "InvalidToken", "expired")
        .push_status(200, token_json("t-2", 600, None))
        .push_status(204, "")
        .push_api_error(401, "InvalidToken", "expired")
        .push_status(200, token_json("t-3", 600, None))
        .push_status(204, "");
    let me = Session::from_login(mock_client(&mock), CLIENT, login("t-1", 600, Some("r-1"))).unwrap().client();
    get_me(&me).await.unwrap();
    get_me(&me).await.unwrap();
    let requests = mock.requests();
    assert_eq!(form(&requests[1], "refresh_token").as_deref(), Some("r-1"));
    assert_eq!(form(&requests[4], "refresh_token").as_deref(), Some("r-1"));
    mock.assert_all_used();
}

#[tokio::test]
async fn a_refused_refresh_token_ends_the_session_and_nothing_more_is_sent() {
    for refusal in [
        r#"{"error":"invalid_grant","error_description":"spent"}"#,
        r#"{"Errors":[{"ErrorCode":"Auth.InvalidUsernameOrPassword","Message":"no"}]}"#,
    ] {
        let mock = MockTransport::new();
        mock.push_api_error(401, "InvalidToken", "expired").push_status(400, refusal);
        let session = Session::from_login(mock_client(&mock), CLIENT, login("t-1", 3600, Some("r-1"))).unwrap();
        let events = record_events(&session);
        let me = session.client();
        let error = get_me(&me).await.unwrap_err();
        assert!(error.is_session_expired(), "{error}");
        assert_eq!(error.session_end(), Some(SessionEnd::RefreshRefused));
        assert_eq!(error.category(), ErrorCategory::SessionExpired);
        assert_eq!(session.ended(), Some(SessionEnd::RefreshRefused));
        assert_eq!(mock.requests().len(), 2, "one API call, one refresh");
        for _ in 0..3 {
            let error = get_me(&session.client()).await.unwrap_err();
            assert!(error.is_session_expired() && !error.is_retryable(), "{error}");
        }
        assert_eq!(mock.requests().len(), 2, "an ended session sends nothing: no call, no token request");
        assert!(matches!(events.lock().unwrap().as_slice(), [SessionEvent::Ended(SessionEnd::RefreshRefused)]));
        assert_eq!(session.snapshot().refresh_token(), None, "the session forgot its tokens");
        assert_eq!(session.snapshot().access_token(), "");
    }
}

#[tokio::test(start_paused = true)]
async fn without_a_refresh_token_the_token_is_used_until_it_expires_then_the_session_ends() {
    let mock = MockTransport::new();
    for _ in 0..3 {
        mock.push_status(204, "");
    }
    let me = Session::from_login(mock_client(&mock), CLIENT, login("t-1", 600, None)).unwrap().client();
    get_me(&me).await.unwrap();
    tokio::time::advance(Duration::from_secs(590)).await; // no renewal ahead of expiry: nothing to renew with
    get_me(&me).await.unwrap();
    get_me(&me).await.unwrap();
    assert!(mock.requests().iter().all(|request| !is_token_request(request)));
    tokio::time::advance(Duration::from_secs(11)).await;
    let error = get_me(&me).await.unwrap_err();
    assert_eq!(error.session_end(), Some(SessionEnd::NoRefreshToken));
    assert_eq!(mock.requests().len(), 3, "nothing sent once the token expired");
    mock.assert_all_used();
}

#[tokio::test]
async fn a_refused_token_without_a_refresh_token_ends_the_session_with_no_token_request() {
    let mock = MockTransport::new();
    mock.push_api_error(401, "InvalidToken", "expired");
    let me = Session::from_login(mock_client(&mock), CLIENT, login("t-1", 3600, None)).unwrap().client();
    let error = get_me(&me).await.unwrap_err();
    assert_eq!(error.session_end(), Some(SessionEnd::NoRefreshToken));
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_refresh_that_fails_without_a_refusal_does_not_end_the_session() {
    let mock = MockTransport::new();
    mock.push_status(503, "down")
        .push_error(TransportError::from_kind(ordercloud_transport::TransportErrorKind::Io))
        .push_status(200, token_json("t-2", 600, Some("r-2")))
        .push_status(204, "");
    let session = Session::from_login(mock_client(&mock), CLIENT, login("t-1", 600, Some("r-1"))).unwrap();
    let me = session.client();
    tokio::time::advance(Duration::from_secs(601)).await;
    assert_eq!(get_me(&me).await.unwrap_err().status().map(|status| status.as_u16()), Some(503));
    assert!(!get_me(&me).await.unwrap_err().is_session_expired());
    assert_eq!(session.ended(), None);
    get_me(&me).await.unwrap();
    let requests = mock.requests();
    assert!(requests[..3].iter().all(|request| form(request, "refresh_token").as_deref() == Some("r-1")));
    assert_eq!(requests[3].header("authorization"), Some("Bearer t-2"));
    mock.assert_all_used();
}

#[tokio::test]
async fn log_out_ends_the_session_for_every_client_and_clone() {
    let mock = MockTransport::new();
    mock.push_status(204, "");
    let session = Session::from_login(mock_client(&mock), CLIENT, login("t-1", 3600, Some("r-1"))).unwrap();
    let events = record_events(&session);
    let me = session.client();
    let clone = session.clone();
    get_me(&me).await.unwrap();
    session.log_out();
    session.log_out(); // twice is harmless; the first reason stays
    for client in [me, clone.client(), session.client()] {
        let error = get_me(&client).await.unwrap_err();
        assert_eq!(error.session_end(), Some(SessionEnd::LoggedOut));
        assert_eq!(error.to_string(), "the session has ended (it was logged out); sign in again. Nothing was sent");
    }
    assert_eq!(mock.requests().len(), 1);
    assert_eq!(clone.ended(), Some(SessionEnd::LoggedOut));
    assert!(session.claims().is_none() && session.expires_at().is_none());
    assert!(matches!(events.lock().unwrap().as_slice(), [SessionEvent::Ended(SessionEnd::LoggedOut)]));
    // Anonymous calls through the session's client still go out: they use no token.
    mock.push_status(204, "");
    session.client().request(Method::POST, "/password/reset").without_token().send_empty().await.unwrap();
}

#[tokio::test]
async fn a_renewal_that_lands_after_log_out_does_not_bring_the_session_back() {
    let transport = Gated::new(200, token_json("t-2", 600, Some("r-2")), 401);
    let client = ApiClient::builder().transport(transport.clone()).build().unwrap();
    let session = Session::from_login(client, CLIENT, login("t-1", 3600, Some("r-1"))).unwrap();
    let me = session.client();
    let call = tokio::spawn(async move { get_me(&me).await });
    transport.wait_for_token_request().await;
    session.log_out();
    transport.open();
    let error = call.await.unwrap().unwrap_err();
    assert_eq!(error.session_end(), Some(SessionEnd::LoggedOut));
    assert_eq!(session.snapshot().access_token(), "", "the late token was not kept");
    assert_eq!(transport.api_calls.load(Ordering::SeqCst), 1, "only the call before the renewal");
}

/// Token requests wait at a gate until it opens, then get `token_answer`; API calls are
/// answered with `api_status` at once (`InvalidToken` for a 401). Counts both.
#[derive(Debug)]
struct Gated {
    token_answer: (u16, String),
    api_status: u16,
    token_requests: AtomicUsize,
    api_calls: AtomicUsize,
    gate: tokio::sync::Notify,
    opened: AtomicBool,
}

impl Gated {
    fn new(token_status: u16, token_body: String, api_status: u16) -> Arc<Self> {
        Arc::new(Self {
            token_answer: (token_status, token_body),
            api_status,
            token_requests: AtomicUsize::new(0),
            api_calls: AtomicUsize::new(0),
            gate: tokio::sync::Notify::new(),
            opened: AtomicBool::new(false),
        })
    }

    async fn wait_for_token_request(&self) {
        while self.token_requests.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
    }

    fn open(&self) {
        self.opened.store(true, Ordering::SeqCst);
        self.gate.notify_waiters();
    }

    /// Opens the gate once the first token request waits and every other call has had the
    /// chance to reach its own wait for the token.
    async fn open_when_all_wait(&self) {
        self.wait_for_token_request().await;
        for _ in 0..200 {
            tokio::task::yield_now().await;
        }
        self.open();
    }
}

#[async_trait]
impl HttpTransport for Gated {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        if request.uri().path() == "/oauth/token" {
            self.token_requests.fetch_add(1, Ordering::SeqCst);
            let gate = self.gate.notified();
            if !self.opened.load(Ordering::SeqCst) {
                gate.await;
            }
            let (status, body) = &self.token_answer;
            return Ok(Response::builder().status(*status).body(Bytes::from(body.clone())).unwrap());
        }
        self.api_calls.fetch_add(1, Ordering::SeqCst);
        let body = match self.api_status {
            401 => r#"{"Errors":[{"ErrorCode":"InvalidToken","Message":"expired"}]}"#,
            _ => "",
        };
        Ok(Response::builder().status(self.api_status).body(Bytes::from(body)).unwrap())
    }

    fn sleep(&self, _duration: Duration) -> Sleep {
        Box::pin(std::future::pending())
    }
}

/// `callers` concurrent calls through `me`, the gate opened once they all wait; their outcomes.
async fn burst(me: &ApiClient, callers: usize, transport: &Gated) -> Vec<Result<(), Error>> {
    let calls: Vec<_> = (0..callers)
        .map(|_| {
            let me = me.clone();
            tokio::spawn(async move { get_me(&me).await })
        })
        .collect();
    transport.open_when_all_wait().await;
    let mut outcomes = Vec::new();
    for call in calls {
        outcomes.push(call.await.unwrap());
    }
    outcomes
}

#[tokio::test(start_paused = true)]
async fn racing_calls_after_expiry_make_one_refresh_request_and_all_end_with_the_session() {
    let transport = Gated::new(400, r#"{"error":"invalid_grant"}"#.to_owned(), 204);
    let client = ApiClient::builder().transport(transport.clone()).build().unwrap();
    let session = Session::from_login(client, CLIENT, login("t-1", 600, Some("r-1"))).unwrap();
    tokio::time::advance(Duration::from_secs(601)).await;
    let outcomes = burst(&session.client(), 64, &transport).await;
    assert_eq!(transport.token_requests.load(Ordering::SeqCst), 1, "one refresh request");
    assert_eq!(transport.api_calls.load(Ordering::SeqCst), 0);
    assert_eq!(outcomes.len(), 64);
    for outcome in outcomes {
        assert_eq!(outcome.unwrap_err().session_end(), Some(SessionEnd::RefreshRefused));
    }
}

#[tokio::test]
async fn racing_calls_refused_by_the_api_make_one_refresh_request_and_all_end_with_the_session() {
    let transport = Gated::new(400, r#"{"error":"invalid_grant"}"#.to_owned(), 401);
    let client = ApiClient::builder().transport(transport.clone()).max_in_flight(64).build().unwrap();
    let session = Session::from_login(client, CLIENT, login("t-1", 3600, Some("r-1"))).unwrap();
    let outcomes = burst(&session.client(), 200, &transport).await;
    assert_eq!(transport.token_requests.load(Ordering::SeqCst), 1, "one refresh request");
    assert!(transport.api_calls.load(Ordering::SeqCst) <= 200, "each call sent at most once");
    for outcome in outcomes {
        assert!(outcome.unwrap_err().is_session_expired());
    }
    let before = transport.api_calls.load(Ordering::SeqCst);
    assert!(get_me(&session.client()).await.unwrap_err().is_session_expired());
    assert_eq!(transport.api_calls.load(Ordering::SeqCst), before);
}

fn record_events(session: &Session) -> Arc<Mutex<Vec<SessionEvent>>> {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    session.on_event(move |event| sink.lock().unwrap().push(event));
    events
}

/// A JWT-shaped token with this payload.
fn jwt(payload: &serde_json::Value) -> String {
    use base64::Engine as _;
    let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    format!("{}.{}.{}", encode(br#"{"alg":"RS256"}"#), encode(payload.to_string().as_bytes()), encode(b"sig"))
}

#[tokio::test]
async fn a_snapshot_round_trips_and_resumes_without_a_token_request() {
    let token = jwt(
        &serde_json::json!({"usr": "jdoe", "cid": CLIENT, "role": ["Shopper", "MeAdmin"], "exp": 4_000_000_000u64}),
    );
    let mock = MockTransport::new();
    let session = Session::from_login(
        mock_client(&mock),
        CLIENT,
        AccessToken::new(token.as_str(), Some(Duration::from_secs(600)), Some("r-1".into())),
    )
    .unwrap();
    let snapshot = session.snapshot();
    assert_eq!(snapshot.access_token(), token);
    assert_eq!(snapshot.client_id(), CLIENT);
    let left = snapshot.expires_at().unwrap().duration_since(SystemTime::now()).unwrap();
    assert!(left > Duration::from_secs(590) && left <= Duration::from_secs(600), "{left:?}");
    assert_eq!(snapshot.claims().unwrap().role, ["Shopper", "MeAdmin"]);
    assert_eq!(session.claims().unwrap().usr.as_deref(), Some("jdoe"));
    assert_eq!(
        session.expires_at().map(|at| at.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs()),
        snapshot.expires_at().map(|at| at.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs())
    );

    let stored = serde_json::to_string(&snapshot).unwrap();
    let read: SessionSnapshot = serde_json::from_str(&stored).unwrap();
    let restored = Session::restore(mock_client(&mock), read);
    mock.push_status(204, "");
    get_me(&restored.client()).await.unwrap();
    let requests = mock.requests();
    assert_eq!(requests.len(), 1, "no token request");
    assert_eq!(requests[0].header("authorization"), Some(format!("Bearer {token}").as_str()));
    assert_eq!(restored.snapshot().refresh_token(), Some("r-1"));
}

#[tokio::test]
async fn an_expired_snapshot_renews_with_its_refresh_token_before_the_first_call() {
    let stored = r#"{"access_token":"t-1","refresh_token":"r-1","expires_at":1000,"client_id":"my-client-id"}"#;
    let mock = MockTransport::new();
    mock.push_status(200, token_json("t-2", 600, Some("r-2"))).push_status(204, "");
    let session = Session::restore(mock_client(&mock), serde_json::from_str(stored).unwrap());
    let events = record_events(&session);
    get_me(&session.client()).await.unwrap();
    let requests = mock.requests();
    assert_eq!(form(&requests[0], "refresh_token").as_deref(), Some("r-1"));
    assert_eq!(requests[1].header("authorization"), Some("Bearer t-2"));
    let events = events.lock().unwrap();
    let [SessionEvent::Renewed(saved)] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!((saved.access_token(), saved.refresh_token()), ("t-2", Some("r-2")));
}

#[tokio::test]
async fn snapshots_that_cannot_resume_give_ended_sessions_and_never_panic() {
    let mock = MockTransport::new();
    for stored in [
        r#"{"access_token":"","client_id":"c"}"#,
        r#"{"access_token":"t-1","client_id":"c","expires_at":1}"#,
        r#"{"access_token":"bad\nheader","client_id":"c"}"#,
    ] {
        let session = Session::restore(mock_client(&mock), serde_json::from_str(stored).unwrap());
        let error = get_me(&session.client()).await.unwrap_err();
        assert_eq!(error.session_end(), Some(SessionEnd::NoRefreshToken), "{stored}");
    }
    assert!(mock.requests().is_empty(), "nothing sent for any of them");
    // An unusable access token with a refresh token renews first.
    mock.push_status(200, token_json("t-2", 600, None)).push_status(204, "");
    let stored = r#"{"access_token":" ","refresh_token":"r-1","client_id":"c","expires_at":18446744073709551615}"#;
    get_me(&Session::restore(mock_client(&mock), serde_json::from_str(stored).unwrap()).client()).await.unwrap();
    assert_eq!(mock.requests().len(), 2);
    mock.assert_all_used();
}

#[tokio::test]
async fn an_ended_sessions_snapshot_restores_ended() {
    let mock = MockTransport::new();
    let session = Session::from_login(mock_client(&mock), CLIENT, login("t-1", 600, Some("r-1"))).unwrap();
    session.log_out();
    let restored = Session::restore(mock_client(&mock), session.snapshot());
    assert_eq!(restored.ended(), Some(SessionEnd::NoRefreshToken));
    assert!(get_me(&restored.client()).await.unwrap_err().is_session_expired());
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn no_token_of_a_shoppers_session_reaches_any_output() {
    let mock = MockTransport::new();
    mock.push_api_error(401, "InvalidToken", "your token T-Access-Secret-1 expired")
        .push_status(503, r#"{"error":"server_error","error_description":"refresh R-Refresh-Secret-9 later"}"#);
    let session =
        Session::from_login(mock_client(&mock), CLIENT, login("T-Access-Secret-1", 600, Some("R-Refresh-Secret-9")))
            .unwrap();
    let error = get_me(&session.client()).await.unwrap_err();
    let snapshot = session.snapshot();
    for text in [
        error.to_string(),
        format!("{error:?}"),
        format!("{session:?}"),
        format!("{snapshot:?}"),
        format!("{:?}", SessionEvent::Renewed(Box::new(snapshot.clone()))),
    ] {
        for secret in ["t-access-secret-1", "r-refresh-secret-9"] {
            assert!(!text.to_lowercase().contains(secret), "{secret} in {text}");
        }
    }
}
