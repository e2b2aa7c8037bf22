//! One rule for every error: `Display` says what its own level adds, `source()` gives the
//! cause, so a chain printer (`anyhow`'s `{:#}`) says each cause once. Checked on every
//! variant of `Error` and every kind of `TransportError`.

use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::time::Duration;

use http::Method;
use ordercloud_models::{ListMeta, ListPage};
use ordercloud_transport::{
    ApiClient, Error, HyperTransport, MockTransport, Operation, RetryPolicy, SessionEnd, TransportError,
    TransportErrorKind,
};

const LIST: Operation = Operation { id: "Products.List", method: "GET", path: "/products", roles: &[] };

/// The texts a chain printer shows: the error's, then each cause's.
fn chain(error: &(dyn StdError + 'static)) -> Vec<String> {
    std::iter::successors(Some(error), |&error| error.source()).map(ToString::to_string).collect()
}

/// Each level's text is one clean, non-empty line, and none holds a later level's text.
#[track_caller]
fn assert_said_once(error: &(dyn StdError + 'static)) -> Vec<String> {
    let texts = chain(error);
    for (at, text) in texts.iter().enumerate() {
        assert!(!text.trim().is_empty(), "level {at} says nothing: {texts:?}");
        assert!(!text.chars().any(char::is_control), "level {at} is not one clean line: {texts:?}");
        for later in &texts[at + 1..] {
            assert!(!text.contains(later.as_str()), "{text:?} repeats its cause {later:?}: {texts:?}");
        }
    }
    texts
}

fn client(mock: &MockTransport) -> ApiClient {
    ApiClient::builder().transport(mock.clone()).retry_policy(RetryPolicy::none()).build().unwrap()
}

async fn failing(mock: &MockTransport) -> Error {
    client(mock).request(Method::GET, "/me").send_json::<serde_json::Value>().await.unwrap_err()
}

#[tokio::test]
async fn a_refused_product_says_its_answer_once() {
    let mock = MockTransport::new();
    mock.push_api_error(404, "NotFound", "Product not found: missing");
    let error = failing(&mock).await;
    let texts = assert_said_once(&error);
    assert_eq!(texts, ["HTTP 404 Not Found: NotFound: Product not found: missing"]);
    assert!(error.is_not_found());
}

#[tokio::test]
async fn every_transport_kind_names_itself_and_gives_its_cause() {
    let kinds = [
        TransportErrorKind::Connect,
        TransportErrorKind::Tls,
        TransportErrorKind::Timeout,
        TransportErrorKind::Io,
        TransportErrorKind::InvalidResponse,
        TransportErrorKind::BodyTooLarge,
        TransportErrorKind::QueueTimeout,
        TransportErrorKind::Runtime,
        TransportErrorKind::Other,
    ];
    for kind in kinds {
        let mock = MockTransport::new();
        let root = std::io::Error::other("the root cause");
        mock.push_error(TransportError::new(kind, root));
        let error = failing(&mock).await;
        let texts = assert_said_once(&error);
        assert_eq!(texts.len(), 2, "{kind:?}: {texts:?}");
        assert_eq!(texts[1], "the root cause", "{kind:?}");
        assert!(error.source().unwrap().downcast_ref::<std::io::Error>().is_some(), "{kind:?}: the cause is kept");

        let mock = MockTransport::new();
        mock.push_error(TransportError::from_kind(kind));
        assert_eq!(assert_said_once(&failing(&mock).await).len(), 1, "{kind:?} without a cause");
    }
}

#[tokio::test]
async fn a_cause_that_is_not_one_line_is_made_one() {
    let mock = MockTransport::new();
    mock.push_error(TransportError::new(TransportErrorKind::Io, "broken\n  pipe\u{1b}[2J"));
    let texts = assert_said_once(&failing(&mock).await);
    assert_eq!(texts, ["the connection failed during the request", "broken pipe\u{FFFD}[2J"]);
}

#[tokio::test]
async fn timeouts_say_how_long_the_call_was_given_once() {
    let mock = MockTransport::new();
    mock.push_no_answer();
    let error =
        client(&mock).request(Method::GET, "/me").timeout(Duration::from_secs(2)).send_empty().await.unwrap_err();
    assert_eq!(assert_said_once(&error), ["the request timed out", "the call was given 2s"]);
}

#[tokio::test]
async fn a_refused_connection_says_could_not_connect_once() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = ApiClient::builder()
        .transport(HyperTransport::builder().build().unwrap())
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.request(Method::GET, "/me").send_empty().await.unwrap_err();
    let texts = assert_said_once(&error);
    assert_eq!(texts[0], "could not connect to the server");
    let whole = texts.join(": ").to_lowercase();
    assert_eq!(whole.matches("could not connect").count(), 1, "{whole}");
    assert_eq!(whole.matches("refused").count(), 1, "{whole}");
}

#[tokio::test]
async fn invalid_requests_say_what_is_wrong_and_their_cause_once() {
    let mock = MockTransport::new();
    let client = client(&mock);
    // Without a cause.
    let error = client.request(Method::GET, "/products/{id}").path_param("").send_empty().await.unwrap_err();
    assert_eq!(assert_said_once(&error), ["invalid request, nothing was sent: id must not be empty, \".\" or \"..\""]);
    // With one: a body that does not serialize.
    let mut body = BTreeMap::new();
    body.insert((1, 2), "a map whose keys are not strings");
    let error = client.request(Method::POST, "/x").json(&body).send_empty().await.unwrap_err();
    let texts = assert_said_once(&error);
    assert_eq!(texts[0], "invalid request, nothing was sent: the request body could not be serialized");
    assert_eq!(texts.len(), 2, "{texts:?}");
    // A typed filter: its whole reason on the one line.
    let options = ordercloud_models::ListOptions::new().filter_with(ordercloud_models::Filter::eq("xp.Code", "A*B"));
    let error = client.call(&LIST).listing::<u32>().options(&options).send().await.unwrap_err();
    let texts = assert_said_once(&error);
    assert!(
        texts[0].starts_with("invalid request, nothing was sent: the filter on xp.Code cannot be sent"),
        "{texts:?}"
    );
    assert!(mock.requests().is_empty());
}

#[test]
fn configuration_errors_say_what_is_wrong_and_their_cause_once() {
    let error = ApiClient::builder().timeout(Duration::ZERO).build().unwrap_err();
    assert_said_once(&error);
    assert!(error.is_config());
    let error = ApiClient::builder().base_url("https://exa^mple.com").build().unwrap_err();
    let texts = assert_said_once(&error);
    assert_eq!(texts[0], "invalid configuration, nothing was sent: the base URL is not a valid absolute URL");
    assert_eq!(texts.len(), 2, "the parser's own error is the cause: {texts:?}");
    let error = HyperTransport::builder().add_root_certificate_der(b"not DER".to_vec()).build().unwrap_err();
    let texts = assert_said_once(&error);
    assert_eq!(texts[0], "invalid configuration, nothing was sent: a root certificate could not be used");
    assert_eq!(texts.len(), 2, "{texts:?}");
}

#[tokio::test]
async fn decode_pagination_and_session_errors_are_whole_on_their_line() {
    let mock = MockTransport::new();
    mock.push_status(200, "<html>");
    let error = failing(&mock).await;
    let texts = assert_said_once(&error);
    assert_eq!(texts.len(), 1);
    assert!(texts[0].starts_with("HTTP 200 OK: the response body could not be decoded: "), "{texts:?}");

    let mock = MockTransport::new();
    let page = ListPage::new(ListMeta::new(1, 1, 2, 2), vec![1u32]);
    mock.push_json(200, &page).push_json(200, &page);
    let error = client(&mock).call(&LIST).listing::<u32>().pages().all_items().await.unwrap_err();
    assert!(matches!(error, Error::Pagination(_)), "{error:?}");
    assert_eq!(assert_said_once(&error).len(), 1);

    for end in [SessionEnd::LoggedOut, SessionEnd::RefreshRefused, SessionEnd::NoRefreshToken] {
        assert_eq!(assert_said_once(&Error::session_expired(end)).len(), 1);
    }
    assert_eq!(assert_said_once(&Error::invalid_request("a check of an API crate")).len(), 1);
}
