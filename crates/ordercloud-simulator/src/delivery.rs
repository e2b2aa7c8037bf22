//! The simulator as OrderCloud's message sender: each message a registered endpoint handles
//! is POSTed to it, signed with `x-oc-hash`, in the background.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Uri};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use ordercloud_models::message_sender::{OC_HASH_HEADER, compute_oc_hash};
use tokio::net::TcpStream;

use crate::DeliveryOutcome;
use crate::state::{PendingDelivery, State};

/// POSTs `delivery` once, within its sender's timeout, and records the outcome in the
/// outbox. Never retried: OrderCloud's documentation describes no retries.
pub(crate) async fn deliver(state: Arc<Mutex<State>>, delivery: PendingDelivery) {
    let signature = compute_oc_hash(&delivery.body, delivery.sender.shared_key.as_bytes());
    let timeout = delivery.sender.timeout;
    let outcome = match tokio::time::timeout(timeout, post(&delivery.sender.url, delivery.body, &signature)).await {
        Ok(Ok(status)) => DeliveryOutcome::Delivered { status },
        Ok(Err(error)) => DeliveryOutcome::Failed(error),
        Err(_) => DeliveryOutcome::Failed(format!("no answer within {timeout:?}")),
    };
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(record) = state.outbox_entry(delivery.number).and_then(|message| message.delivery.as_mut()) {
        record.outcome = outcome;
    }
}

/// One POST over a fresh HTTP/1.1 connection; the answer's status.
async fn post(url: &str, body: Bytes, signature: &str) -> Result<u16, String> {
    let uri: Uri = url.parse().map_err(|_| "the sender URL is not a valid URL".to_owned())?;
    if uri.scheme_str() != Some("http") {
        return Err("the simulator delivers to http:// endpoints only".to_owned());
    }
    let authority = uri.authority().ok_or("the sender URL has no host")?.clone();
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
    Ok(response.status().as_u16())
}

/// Waits, polling, until no delivery is pending or `timeout` passes; whether none is.
pub(crate) async fn settle(state: &Mutex<State>, timeout: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let pending = state.lock().unwrap_or_else(PoisonError::into_inner).outbox.iter().any(|message| {
            message.delivery.as_ref().is_some_and(|delivery| delivery.outcome == DeliveryOutcome::Pending)
        });
        if !pending {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
