//! The HTTP plumbing: accept loop, body limit, CORS for browsers, and turning a `Reply`
//! into a response.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as Body;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use ordercloud_models::ErrorCode;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use crate::incoming::Incoming;
use crate::reply::Reply;
use crate::state::State;

/// The largest request body read.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Which origins may call from a browser: every one (OrderCloud's default), or those given.
#[derive(Clone, Debug, Default)]
pub(crate) struct Cors {
    origins: Vec<String>,
}

impl Cors {
    pub(crate) fn new(origins: Vec<String>) -> Self {
        Self { origins }
    }

    /// The `Access-Control-Allow-Origin` for a request from `origin`: `*` when every origin
    /// may call; the origin itself when it is one of those allowed; none otherwise.
    fn allow_origin(&self, origin: Option<&HeaderValue>) -> Option<HeaderValue> {
        if self.origins.is_empty() {
            return Some(HeaderValue::from_static("*"));
        }
        let origin = origin?;
        let text = origin.to_str().ok()?.trim_end_matches('/');
        self.origins.iter().any(|allowed| allowed.eq_ignore_ascii_case(text)).then(|| origin.clone())
    }

    /// The CORS headers of every answer to a request with `headers`.
    fn headers(&self, request: &HeaderMap, response: &mut HeaderMap) {
        if let Some(origin) = self.allow_origin(request.get(header::ORIGIN)) {
            response.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            // What a browser's script may read of an answer besides the simple headers.
            response.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("Retry-After, Location"));
        }
        if !self.origins.is_empty() {
            response.append(header::VARY, HeaderValue::from_static("Origin"));
        }
    }

    /// The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`): 204 with
    /// the methods and the headers asked for.
    fn preflight(&self, request: &HeaderMap) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(Bytes::new()));
        *response.status_mut() = StatusCode::NO_CONTENT;
        let headers = response.headers_mut();
        self.headers(request, headers);
        if headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE, OPTIONS"),
            );
            let asked = request.get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned();
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                asked.unwrap_or_else(|| HeaderValue::from_static("Authorization, Content-Type, Accept")),
            );
            headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
        }
        response
    }
}

/// Serves connections until the task is aborted; aborting also ends every connection.
///
/// A failed accept (out of file descriptors, say) is followed by a growing pause, so the
/// loop never spins on an error that persists.
pub(crate) async fn serve(listener: TcpListener, state: Arc<Mutex<State>>, cors: Cors) {
    let mut connections = JoinSet::new();
    let mut pause = AcceptPause::default();
    let cors = Arc::new(cors);
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
        let (state, cors) = (state.clone(), cors.clone());
        connections.spawn(async move {
            let service = service_fn(move |request| answer(request, state.clone(), cors.clone()));
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

async fn answer(
    request: http::Request<Body>,
    state: Arc<Mutex<State>>,
    cors: Arc<Cors>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    if parts.method == Method::OPTIONS && parts.headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD) {
        return Ok(cors.preflight(&parts.headers));
    }
    let reply = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => {
            let body = collected.to_bytes();
            let incoming = Incoming {
                method: &parts.method,
                path: parts.uri.path(),
                query: parts.uri.query(),
                headers: &parts.headers,
                body: &body,
            };
            crate::dispatch::answer(&state, &incoming).await
        }
        Err(_) => Reply::bad_request(ErrorCode::InvalidRequestBody, "The request body is too large or was cut off"),
    };
    let mut response = match reply.json_bytes() {
        Some(body) => {
            let mut response = Response::new(Full::new(body));
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
            response
        }
        None => Response::new(Full::new(Bytes::new())),
    };
    *response.status_mut() = reply.status;
    for (name, value) in reply.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    cors.headers(&parts.headers, response.headers_mut());
    Ok(response)
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

    #[test]
    fn only_the_origins_allowed_are_answered() {
        let open = Cors::default();
        assert_eq!(open.allow_origin(None), Some(HeaderValue::from_static("*")));
        let shop = Cors::new(vec!["https://shop.example.com".into()]);
        let asked = HeaderValue::from_static("https://shop.example.com/");
        assert_eq!(shop.allow_origin(Some(&asked)), Some(asked.clone()));
        assert_eq!(shop.allow_origin(Some(&HeaderValue::from_static("https://evil.example.com"))), None);
        assert_eq!(shop.allow_origin(None), None);
    }
}
