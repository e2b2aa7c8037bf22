//! The HTTP plumbing: accept loop, body limit, and turning a `Reply` into a response.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::{Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as Body;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use ordercloud_models::{ApiError, ErrorCode, ErrorResponse};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use crate::routes::{Incoming, handle};
use crate::state::State;

/// The largest request body read; OrderCloud's forgotten-credentials bodies are tiny.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// Serves connections until the task is aborted; aborting also ends every connection.
///
/// A failed accept (out of file descriptors, say) is followed by a growing pause, so the
/// loop never spins on an error that persists.
pub(crate) async fn serve(listener: TcpListener, state: Arc<Mutex<State>>) {
    let mut connections = JoinSet::new();
    let mut pause = AcceptPause::default();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => {
                pause = AcceptPause::default();
                stream
            }
            Err(_) => {
                tokio::time::sleep(pause.next()).await;
                continue;
            }
        };
        let state = state.clone();
        connections.spawn(async move {
            let service = service_fn(move |request| answer(request, state.clone()));
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
        // Reap finished connections so the set does not grow.
        while connections.try_join_next().is_some() {}
    }
}

/// The pause after each accept error in a row: 10 ms, doubling up to 1 s.
#[derive(Default)]
struct AcceptPause {
    failures: u32,
}

impl AcceptPause {
    fn next(&mut self) -> Duration {
        let doublings = self.failures.min(7);
        self.failures = self.failures.saturating_add(1);
        Duration::from_millis(10 << doublings).min(Duration::from_secs(1))
    }
}

async fn answer(request: http::Request<Body>, state: Arc<Mutex<State>>) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let error = ApiError::new(ErrorCode::InvalidRequestBody, "The request body is too large or was cut off");
            return Ok(json(
                StatusCode::BAD_REQUEST,
                &serde_json::to_value(ErrorResponse::new(vec![error])).unwrap_or_default(),
            ));
        }
    };
    let incoming = Incoming {
        method: &parts.method,
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &parts.headers,
        body: &body,
    };
    let (reply, deliveries) = {
        let mut locked = state.lock().unwrap_or_else(PoisonError::into_inner);
        let reply = handle(&mut locked, &incoming);
        (reply, std::mem::take(&mut locked.pending))
    };
    // In the background: the API call answers as OrderCloud's does, whatever the receiver.
    for delivery in deliveries {
        tokio::spawn(crate::delivery::deliver(state.clone(), delivery));
    }
    Ok(match reply.body {
        Some(body) => json(reply.status, &body),
        None => {
            let mut response = Response::new(Full::new(Bytes::new()));
            *response.status_mut() = reply.status;
            response
        }
    })
}

fn json(status: StatusCode, body: &serde_json::Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json; charset=utf-8"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_errors_in_a_row_pause_longer_up_to_a_second() {
        let mut pause = AcceptPause::default();
        let waits: Vec<u128> = (0..10).map(|_| pause.next().as_millis()).collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000]);
    }
}
