//! Sending an [`ApiRequest`]: the attempts, within the call's time, with its token, retries
//! and renewal after `401 InvalidToken`; and reading the answer.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use ordercloud_models::ErrorCode;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::error::{DecodeError, Elapsed, Error, ResponseError, TransportError, TransportErrorKind, json_text};
use crate::runtime::client::Shared;
use crate::runtime::request::{APPLICATION_JSON, ApiRequest, ApiResponse, PageAt};
use crate::runtime::secrets::Secrets;
use crate::runtime::token_provider::TokenProvider;
use crate::stack::Sleep;
use crate::text::error_body::ErrorBody;

impl ApiRequest {
    /// Sends the request and returns the 2xx response; any other status is an
    /// [`Error::Response`].
    pub async fn send(self) -> Result<Response<Bytes>, Error> {
        self.execute().await.map(|(response, _)| response)
    }

    /// Sends the request and ignores the 2xx response's body (for `204 No Content` endpoints).
    pub async fn send_empty(self) -> Result<(), Error> {
        self.execute().await.map(drop)
    }

    /// Sends the request and decodes the 2xx response's JSON body.
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.send_json_response().await.map(|response| response.body)
    }

    /// Sends the request and returns the 2xx response's status and headers with its JSON body
    /// decoded (a UTF-8 byte-order mark skipped; a body that does not decode is an
    /// [`Error::Decode`]).
    pub async fn send_json_response<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        self.send_decoded().await.map(|(response, _)| response)
    }

    /// Sends the request and decodes the 2xx answer's JSON body; the raw body comes back too.
    pub(crate) async fn send_decoded<T: DeserializeOwned>(self) -> Result<(ApiResponse<T>, Bytes), Error> {
        self.send_with(|body| serde_json::from_slice(json_text(body))).await
    }

    /// Sends the request and reads the 2xx answer's body with `decode`; the raw body comes
    /// back too. A body `decode` refuses is an [`Error::Decode`], its text scrubbed.
    pub(crate) async fn send_with<T>(
        self,
        decode: impl FnOnce(&[u8]) -> Result<T, serde_json::Error>,
    ) -> Result<(ApiResponse<T>, Bytes), Error> {
        let (response, secrets) = self.execute().await?;
        decode_answer(response, secrets, decode)
    }

    /// Sends the request; a 2xx answer comes back with the call's secrets, for scrubbing a
    /// decoding error's text.
    pub(crate) async fn execute(mut self) -> Result<(Response<Bytes>, Secrets), Error> {
        self.finish_route();
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let shared = self.shared.clone();
        shared.transport.check_ready()?;
        if let Some(page) = self.page.take() {
            let (name, value) = match &page {
                PageAt::Number(number) => ("page", number.to_string()),
                PageAt::Key(key) => ("pageKey", key.clone()),
            };
            self = self.query(name, &value);
        }
        if !self.query.is_empty() {
            self.path.push('?');
            self.path.push_str(&self.query);
        }
        let uri = shared.base.uri(std::mem::take(&mut self.path)).map_err(Error::invalid_url)?;
        let call = Attempts {
            shared: shared.clone(),
            user_agent: self.user_agent,
            method: self.method,
            uri,
            authorization: self.authorization.take(),
            provider: self.provider.take(),
            provided: Mutex::new(None),
            body: self.body.take(),
            content_type: self.content_type.take(),
            headers: std::mem::take(&mut self.headers),
        };

        let span = tracing::debug_span!(
            "ordercloud.request",
            operation = self.operation,
            method = %call.method,
            route = self.route,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        // Timeouts are at most MAX_TIMEOUT, so this fails only on a clock near its end.
        let deadline = started
            .checked_add(self.timeout)
            .ok_or_else(|| Error::config("the clock cannot represent the call's deadline"))?;
        let attempts = AtomicU32::new(0);
        let run = with_timeout(call.run(deadline, &attempts), shared.transport.sleep(self.timeout));
        // Without a subscriber for the span, skip the wrapper's enter/exit on every poll.
        let outcome = if span.is_disabled() { run.await } else { run.instrument(span.clone()).await };
        if !span.is_disabled() {
            span.record("attempts", attempts.load(Ordering::Relaxed));
            // Milliseconds to the microsecond: `0.345`, not `0.34538800000000003`.
            span.record("elapsed_ms", (started.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0);
        }
        let provided = call.provided.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut secrets =
            Secrets { values: self.secrets, authorization: provided.or(call.authorization), provider: call.provider };
        match outcome {
            // A call still waiting for its token or its turn was never sent.
            None if attempts.load(Ordering::Relaxed) == 0 => {
                Err(TransportError::new(TransportErrorKind::QueueTimeout, Elapsed(self.timeout)).into())
            }
            None => Err(TransportError::new(TransportErrorKind::Timeout, Elapsed(self.timeout)).into()),
            Some(Err(Error::Transport(error))) => Err(Error::Transport(error.cleaned(&secrets.as_strs()))),
            Some(Err(error)) => Err(error),
            Some(Ok(response)) => {
                span.record("status", response.status().as_u16());
                if response.status().is_success() {
                    Ok((response, secrets))
                } else {
                    let (parts, body) = response.into_parts();
                    let error = ResponseError::new(parts.status, parts.headers, body, &secrets.as_strs());

                    Err(Error::Response(Box::new(error)))
                }
            }
        }
    }
}

/// Reads a 2xx answer's body with `decode`, as [`ApiRequest::send_with`] does; for an answer
/// fetched before it is read (a page fetched ahead of its turn).
pub(crate) fn decode_answer<T>(
    response: Response<Bytes>,
    mut secrets: Secrets,
    decode: impl FnOnce(&[u8]) -> Result<T, serde_json::Error>,
) -> Result<(ApiResponse<T>, Bytes), Error> {
    let (parts, body) = response.into_parts();
    match decode(&body) {
        Ok(decoded) => Ok((ApiResponse { status: parts.status, headers: parts.headers, body: decoded }, body)),
        Err(source) => Err(Error::Decode(Box::new(DecodeError::new(parts.status, body, &source, &secrets.as_strs())))),
    }
}

/// A prepared request and the attempts to send it.
struct Attempts {
    shared: Arc<Shared>,
    user_agent: HeaderValue,
    method: Method,
    uri: http::Uri,
    authorization: Option<HeaderValue>,
    provider: Option<Arc<dyn TokenProvider>>,
    /// The last value the provider gave, for keeping it out of error text.
    provided: Mutex<Option<HeaderValue>>,
    body: Option<Bytes>,
    content_type: Option<HeaderValue>,
    headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl Attempts {
    /// Sends the request, retrying as the policy allows while time is left before `deadline`,
    /// and counting each attempt in `attempts`. Returns the last answer, whatever its status.
    async fn run(&self, deadline: Instant, attempts: &AtomicU32) -> Result<Response<Bytes>, Error> {
        let shared = &self.shared;
        let mut retries = 0;
        // The provider's value the API refused with 401 InvalidToken, once.
        let mut rejected: Option<HeaderValue> = None;
        let mut renewed = false;
        loop {
            // The token first, without a place in flight, so a token request never waits
            // behind the calls that need its token.
            let provided = match &self.provider {
                Some(provider) => Some(self.provided_authorization(provider.as_ref(), rejected.take()).await?),
                None => None,
            };
            let permit = match shared.in_flight.try_acquire() {
                // The usual case, without building a waiter.
                Ok(permit) => permit,
                Err(_) => shared
                    .in_flight
                    .acquire()
                    .await
                    .map_err(|_| Error::invalid("the client's request limiter was closed"))?,
            };
            attempts.fetch_add(1, Ordering::Relaxed);
            let sent = shared.transport.send(self.attempt(provided.as_ref().or(self.authorization.as_ref()))).await;
            drop(permit);
            let wait = match sent {
                Ok(response) => {
                    let status = response.status();
                    if status.is_success() {
                        return Ok(response);
                    }
                    if status == StatusCode::UNAUTHORIZED && !renewed && provided.is_some() && refuses_token(&response)
                    {
                        // A 401 did nothing: renew the token once and send again at once.
                        tracing::info!(attempt = retries + 1, "renewing the access token after 401 InvalidToken");
                        renewed = true;
                        rejected = provided;
                        continue;
                    }
                    match shared.retry.after_status(retries, &self.method, status, response.headers()) {
                        Some(wait) if fits(wait, deadline) => {
                            tracing::info!(
                                attempt = retries + 1,
                                status = status.as_u16(),
                                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                                "retrying after a status that did not take effect"
                            );
                            wait
                        }
                        _ => return Ok(response),
                    }
                }
                Err(error) => match shared.retry.after_failure(retries, &error) {
                    Some(wait) if fits(wait, deadline) => {
                        // The kind only: a cause's text may quote the URL, secrets and all.
                        tracing::info!(attempt = retries + 1, kind = ?error.kind(), wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX), "retrying a request that was not sent");
                        wait
                    }
                    _ => return Err(error.into()),
                },
            };
            shared.transport.sleep(wait).await;
            retries += 1;
        }
    }

    /// The provider's value for the next attempt: the one at hand, else a fetched one (a
    /// newer one than `rejected`, when the API refused that).
    async fn provided_authorization(
        &self,
        provider: &dyn TokenProvider,
        rejected: Option<HeaderValue>,
    ) -> Result<HeaderValue, Error> {
        let value = match rejected.is_none().then(|| provider.cached_authorization()).flatten() {
            Some(value) => value,
            None => provider.authorization(rejected.as_ref()).await?,
        };
        *self.provided.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(value.clone());
        Ok(value)
    }

    /// The request of one attempt. Headers are built here rather than cloned from a
    /// prepared map: every value is a cheap clone, and the usual single attempt builds once.
    /// `Host` is the base URL's, computed once, so hyper does not format it per request.
    fn attempt(&self, authorization: Option<&HeaderValue>) -> Request<Bytes> {
        let mut headers = HeaderMap::with_capacity(5 + self.headers.len());
        headers.insert(header::ACCEPT, APPLICATION_JSON);
        headers.insert(header::HOST, self.shared.base.host_header());
        headers.insert(header::USER_AGENT, self.user_agent.clone());
        if let Some(authorization) = authorization {
            headers.insert(header::AUTHORIZATION, authorization.clone());
        }
        if let Some(content_type) = &self.content_type {
            headers.insert(header::CONTENT_TYPE, content_type.clone());
        }
        for (name, value) in &self.headers {
            headers.append(name.clone(), value.clone());
        }
        let mut request = Request::new(self.body.clone().unwrap_or_default());
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = headers;
        request
    }
}

/// Whether a 401's body says the token was refused (`InvalidToken`).
fn refuses_token(response: &Response<Bytes>) -> bool {
    ErrorBody::parse(json_text(response.body()))
        .entries
        .first()
        .is_some_and(|entry| entry.code == ErrorCode::InvalidToken)
}

/// Whether a wait of `wait` ends before `deadline`; a wait too long for the clock does not.
fn fits(wait: Duration, deadline: Instant) -> bool {
    Instant::now().checked_add(wait).is_some_and(|end| end < deadline)
}

/// Runs `future` until it completes or `sleep` does, whichever is first (`None` on timeout).
/// The future is polled first, so an answer that is ready wins over a timer that is too.
async fn with_timeout<F: Future>(future: F, mut sleep: Sleep) -> Option<F::Output> {
    let mut future = pin!(future);
    poll_fn(|cx| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        if sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        Poll::Pending
    })
    .await
}
