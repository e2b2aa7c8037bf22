//! The simulator calling out, as OrderCloud does: one signed POST (the exact JSON, and
//! `X-oc-hash` = base64(HMAC-SHA256(key, body))) over a fresh HTTP/1.1 connection, within
//! a timeout, its answer read up to a limit; and the record of each call to a webhook or an
//! integration event.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Uri};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::rt::TokioIo;
use ordercloud_models::message_sender::{OC_HASH_HEADER, compute_oc_hash};
use serde_json::{Value, json};
use tokio::net::TcpStream;

use crate::DeliveryOutcome;
use crate::state::State;

/// The largest answer read from a webhook or an integration event.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// A call the simulator made to a webhook or an integration event, and how it went.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Callout {
    /// What was called.
    pub kind: CalloutKind,
    /// The ID of the webhook or integration event.
    pub id: String,
    /// The URL POSTed to.
    pub url: String,
    /// The operation that caused it: `Orders.Submit`, `IntegrationEvents.Calculate`...
    pub operation: String,
    /// How it went: the status answered, or why there was no answer.
    pub outcome: DeliveryOutcome,
}

/// What a [`Callout`] called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CalloutKind {
    /// A webhook called before the operation (`BeforeProcessRequest`), which can stop it.
    PreHook,
    /// A webhook called after the operation succeeded.
    PostHook,
    /// An integration event's route (`/shippingrates`, `/addtocart`...).
    IntegrationEvent,
}

impl CalloutKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::PreHook => "PreHook",
            Self::PostHook => "PostHook",
            Self::IntegrationEvent => "IntegrationEvent",
        }
    }
}

impl Callout {
    /// The call as the control route `GET /_simulator/callouts` shows it: `{"Kind", "ID",
    /// "URL", "Operation", "Outcome": "pending"|"delivered"|"failed", "Status"?, "Error"?}`.
    pub fn to_json(&self) -> Value {
        let mut value =
            json!({"Kind": self.kind.as_str(), "ID": self.id, "URL": self.url, "Operation": self.operation});
        match &self.outcome {
            DeliveryOutcome::Pending => value["Outcome"] = json!("pending"),
            DeliveryOutcome::Delivered { status } => {
                value["Outcome"] = json!("delivered");
                value["Status"] = json!(status);
            }
            DeliveryOutcome::Failed(error) => {
                value["Outcome"] = json!("failed");
                value["Error"] = json!(error);
            }
        }
        value
    }
}

/// A call about to be made: where, what, signed with which key.
#[derive(Clone)]
pub(crate) struct Outgoing {
    pub(crate) url: String,
    pub(crate) body: Bytes,
    pub(crate) hash_key: String,
}

/// A post-hook to call once the state is released: the call, and the number of its record.
pub(crate) struct PendingCallout {
    pub(crate) number: u64,
    pub(crate) call: Outgoing,
    pub(crate) timeout: Duration,
}

/// An answer: its status and body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Bytes,
}

impl Answer {
    /// The body as JSON, when the status is 2xx and the body is JSON.
    pub(crate) fn json(&self) -> Option<Value> {
        (200..300).contains(&self.status).then(|| serde_json::from_slice(&self.body).ok()).flatten()
    }

    /// The body as text, cut to 8 KB, for a record of what failed.
    pub(crate) fn text(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        text.chars().take(8 * 1024).collect()
    }
}

/// Makes `call` within `timeout`: its answer, or why there was none.
pub(crate) async fn call(call: &Outgoing, timeout: Duration) -> Result<Answer, String> {
    let signature = compute_oc_hash(&call.body, call.hash_key.as_bytes());
    match tokio::time::timeout(timeout, post(&call.url, call.body.clone(), &signature)).await {
        Ok(answer) => answer,
        Err(_) => Err(format!("no answer within {timeout:?}")),
    }
}

/// How a call went, as its record says.
pub(crate) fn outcome(answer: &Result<Answer, String>) -> DeliveryOutcome {
    match answer {
        Ok(answer) => DeliveryOutcome::Delivered { status: answer.status },
        Err(error) => DeliveryOutcome::Failed(error.clone()),
    }
}

/// Makes a pending post-hook's call in the background and records how it went.
pub(crate) async fn finish(state: Arc<Mutex<State>>, pending: PendingCallout) {
    let answer = call(&pending.call, pending.timeout).await;
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(record) = state.callouts.get_mut(pending.number) {
        record.outcome = outcome(&answer);
    }
}

/// One POST over a fresh HTTP/1.1 connection: the answer's status and body (at most
/// [`MAX_ANSWER_BYTES`]).
pub(crate) async fn post(url: &str, body: Bytes, signature: &str) -> Result<Answer, String> {
    let uri: Uri = url.parse().map_err(|_| "the URL is not a valid URL".to_owned())?;
    if uri.scheme_str() != Some("http") {
        return Err("the simulator calls http:// endpoints only".to_owned());
    }
    let authority = uri.authority().ok_or("the URL has no host")?.clone();
    let stream = TcpStream::connect((authority.host().trim_matches(['[', ']']), authority.port_u16().unwrap_or(80)))
        .await
        .map_err(|error| format!("could not connect: {error}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| format!("the HTTP handshake failed: {error}"))?;
    tokio::spawn(connection);
    let request = Request::post(uri.path_and_query().map_or("/", |path| path.as_str()))
        .header(http::header::HOST, authority.as_str())
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(OC_HASH_HEADER, signature)
        .body(Full::new(body))
        .map_err(|error| format!("the request could not be built: {error}"))?;
    let response = sender.send_request(request).await.map_err(|error| format!("the request failed: {error}"))?;
    let status = response.status().as_u16();
    let body = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
        .collect()
        .await
        .map_err(|_| format!("the answer ({status}) is larger than {MAX_ANSWER_BYTES} bytes or was cut off"))?
        .to_bytes();
    Ok(Answer { status, body })
}
