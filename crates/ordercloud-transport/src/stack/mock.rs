//! `MockTransport`: scripted answers and recorded requests, for tests without a network.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, Method, Response, StatusCode, Uri};

use super::{HttpTransport, Sleep};
use crate::error::{TransportError, TransportErrorKind};

type Handler = Box<dyn FnMut(&RecordedRequest) -> Result<Response<Bytes>, TransportError> + Send>;

/// A transport that answers from a script and records every request, for fast tests of
/// code built on [`ApiClient`](crate::ApiClient) (feature `mock`).
///
/// Answers are taken first in, first out; a request with nothing left to take is answered
/// by the fallback handler if one is set ([`from_fn`](Self::from_fn)), else with a
/// [`TransportErrorKind::Other`] error (never a panic). Clones share the script and the
/// record, so keep one to inspect after giving another to the client.
///
/// Time is virtual: [`HttpTransport::sleep`] completes at once and is recorded
/// ([`sleeps`](Self::sleeps)), so retry waits and timeouts are tested without waiting.
/// [`push_no_answer`](Self::push_no_answer) scripts a request that never gets an answer,
/// which therefore ends in the client's timeout at once.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), ordercloud_transport::Error> {
/// use ordercloud_transport::{ApiClient, MockTransport};
///
/// let mock = MockTransport::new();
/// mock.push_status(204, "");
/// let client = ApiClient::builder().transport(mock.clone()).build()?;
/// client.request(http::Method::POST, "/password/reset").json(&serde_json::json!({})).send_empty().await?;
///
/// let requests = mock.requests();
/// assert_eq!(requests[0].uri.path(), "/v1/password/reset");
/// mock.assert_all_used();
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Default)]
pub struct MockTransport {
    state: Arc<Mutex<State>>,
    /// Locked on its own, and never while `state` is, so a handler may use the mock.
    fallback: Arc<Mutex<Option<Handler>>>,
}

#[derive(Default)]
struct State {
    script: VecDeque<Scripted>,
    requests: Vec<RecordedRequest>,
    sleeps: Vec<Duration>,
}

enum Scripted {
    Answer(Result<Response<Bytes>, TransportError>),
    NoAnswer,
}

/// A request the mock received.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method.
    pub method: Method,
    /// The absolute URI.
    pub uri: Uri,
    /// The headers.
    pub headers: HeaderMap,
    /// The body bytes.
    pub body: Bytes,
}

impl RecordedRequest {
    /// The body as UTF-8 text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The query's `name=value` pairs, percent-decoded, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        decode_pairs(self.uri.query().unwrap_or(""), false)
    }

    /// The body's form pairs (`application/x-www-form-urlencoded`), decoded, in order.
    pub fn form_pairs(&self) -> Vec<(String, String)> {
        decode_pairs(&self.body_text(), true)
    }

    /// The JSON body read as `T`, so a test compares values rather than the serializer's
    /// field order (`serde_json::Value` for any JSON).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_transport::Error> {
    /// use ordercloud_transport::{ApiClient, MockTransport, http::Method};
    /// use serde_json::json;
    ///
    /// let mock = MockTransport::new();
    /// mock.push_status(204, "");
    /// let client = ApiClient::builder().transport(mock.clone()).build()?;
    /// client.request(Method::PATCH, "/me").json(&json!({"Phone": null, "FirstName": "Jane"})).send_empty().await?;
    /// let sent: serde_json::Value = mock.requests()[0].body_json().unwrap();
    /// assert_eq!(sent, json!({"FirstName": "Jane", "Phone": null}));
    /// # Ok(())
    /// # }
    /// ```
    pub fn body_json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(crate::error::json_text(&self.body))
    }
}

/// Splits `text` at `&` and `=` and percent-decodes each part (`+` as a space in a form).
fn decode_pairs(text: &str, form: bool) -> Vec<(String, String)> {
    let decode = |part: &str| {
        let part = if form { part.replace('+', " ") } else { part.to_owned() };
        String::from_utf8_lossy(&crate::address::encode::decode(&part)).into_owned()
    };
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

impl MockTransport {
    /// An empty script.
    pub fn new() -> Self {
        Self::default()
    }

    /// A mock that answers every request with `handler` once the script is used up. The
    /// handler may call the mock itself (to read [`requests`](Self::requests) or script more
    /// answers); concurrent requests reach it one at a time.
    pub fn from_fn(
        handler: impl FnMut(&RecordedRequest) -> Result<Response<Bytes>, TransportError> + Send + 'static,
    ) -> Self {
        let mock = Self::new();
        *mock.fallback.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Box::new(handler));
        mock
    }

    /// Scripts `response` as the next answer.
    pub fn push_response(&self, response: Response<Bytes>) -> &Self {
        self.lock().script.push_back(Scripted::Answer(Ok(response)));
        self
    }

    /// Scripts an answer with `status` and `body` (a JSON body gets
    /// `Content-Type: application/json`).
    ///
    /// # Panics
    /// If `status` is not in 100..=999: a mistake in the test itself.
    pub fn push_status(&self, status: u16, body: impl Into<Bytes>) -> &Self {
        self.push_response(response(status, body))
    }

    /// Scripts an answer with `status` and `body` serialized as JSON.
    ///
    /// # Panics
    /// If `body` does not serialize or `status` is not in 100..=999: mistakes in the test
    /// itself.
    pub fn push_json<T: serde::Serialize + ?Sized>(&self, status: u16, body: &T) -> &Self {
        let body = serde_json::to_vec(body).expect("a mock's JSON body must serialize");
        self.push_status(status, body)
    }

    /// Scripts an OrderCloud error answer: `{"Errors":[{"ErrorCode":code,"Message":message,"Data":null}]}`.
    pub fn push_api_error(&self, status: u16, code: &str, message: &str) -> &Self {
        let body = serde_json::json!({"Errors": [{"ErrorCode": code, "Message": message, "Data": null}]});
        self.push_status(status, body.to_string())
    }

    /// Scripts a transport failure as the next answer.
    pub fn push_error(&self, error: TransportError) -> &Self {
        self.lock().script.push_back(Scripted::Answer(Err(error)));
        self
    }

    /// Scripts a request that never gets an answer (it ends in the client's timeout).
    pub fn push_no_answer(&self) -> &Self {
        self.lock().script.push_back(Scripted::NoAnswer);
        self
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// Every sleep the client asked for (each call's timeout, then any retry waits), oldest
    /// first.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    /// How many scripted answers have not been used.
    pub fn remaining(&self) -> usize {
        self.lock().script.len()
    }

    /// Asserts that every scripted answer was used.
    ///
    /// # Panics
    /// If some were not, saying how many.
    #[track_caller]
    pub fn assert_all_used(&self) {
        let remaining = self.remaining();
        assert!(remaining == 0, "{remaining} scripted answer(s) of the MockTransport were not used");
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock must not hide its own failure.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A response with `status` and `body`; a body starting with `{` or `[` is labelled JSON.
fn response(status: u16, body: impl Into<Bytes>) -> Response<Bytes> {
    let body = body.into();
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(status).expect("a mock status must be in 100..=999");
    if matches!(response.body().first(), Some(b'{' | b'[')) {
        response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    }
    response
}

#[async_trait]
impl HttpTransport for MockTransport {
    async fn send(&self, request: http::Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        let (parts, body) = request.into_parts();
        let recorded = RecordedRequest { method: parts.method, uri: parts.uri, headers: parts.headers, body };
        let scripted = {
            let mut state = self.lock();
            state.requests.push(recorded.clone());
            state.script.pop_front()
        };
        let next = match scripted {
            Some(scripted) => scripted,
            None => {
                // The state lock is released: the handler may use the mock.
                let mut fallback = self.fallback.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                match fallback.as_mut() {
                    Some(handler) => Scripted::Answer(handler(&recorded)),
                    None => Scripted::Answer(Err(TransportError::new(
                        TransportErrorKind::Other,
                        "MockTransport has no scripted answer left for this request",
                    ))),
                }
            }
        };
        match next {
            Scripted::Answer(answer) => answer,
            Scripted::NoAnswer => std::future::pending().await,
        }
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        self.lock().sleeps.push(duration);
        Box::pin(std::future::ready(()))
    }
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("MockTransport")
            .field("remaining", &state.script.len())
            .field("requests", &state.requests.len())
            .finish()
    }
}
