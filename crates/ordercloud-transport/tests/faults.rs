//! Faults, each against a real loopback server that misbehaves in one way. In every case:
//! a clear, typed error, no panic, no hang, and a POST that reached the server at most once.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http::Method;
use ordercloud_transport::{ApiClient, Error, HyperTransport, TransportErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A raw TCP server on 127.0.0.1 counting connections and complete requests received.
struct FaultServer {
    port: u16,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

impl FaultServer {
    /// Serves each connection with `behaviour`, given the stream and the request counter.
    async fn start<F, Fut>(behaviour: F) -> Self
    where
        F: Fn(TcpStream, Arc<AtomicUsize>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let (counted, received) = (connections.clone(), requests.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(behaviour(stream, received.clone()));
            }
        });
        Self { port, connections, requests }
    }

    fn client(&self, transport: HyperTransport) -> ApiClient {
        ApiClient::builder()
            .base_url(format!("http://127.0.0.1:{}", self.port))
            .transport(transport)
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap()
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Reads one request (head and Content-Length body); false when the client went away.
async fn read_request(stream: &mut TcpStream, requests: &AtomicUsize) -> bool {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(0);
            if buffer.len() >= end + 4 + length {
                requests.fetch_add(1, Ordering::SeqCst);
                return true;
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    }
}

/// Answers each request on the connection with `reply`, then closes.
async fn reply_then_close(mut stream: TcpStream, requests: Arc<AtomicUsize>, reply: &'static [u8]) {
    if read_request(&mut stream, &requests).await {
        let _ = stream.write_all(reply).await;
        let _ = stream.shutdown().await;
    }
}

fn transport() -> HyperTransport {
    HyperTransport::builder().build().unwrap()
}

async fn post(client: &ApiClient) -> Result<(), Error> {
    client
        .request(Method::POST, "/password/reset")
        .json(&serde_json::json!({"ClientID": "c", "Username": "u"}))
        .send_empty()
        .await
}

fn kind(error: &Error) -> Option<TransportErrorKind> {
    match error {
        Error::Transport(transport) => Some(transport.kind()),
        _ => None,
    }
}

#[tokio::test]
async fn a_server_that_never_answers_ends_at_the_timeout() {
    let server = FaultServer::start(|mut stream, requests| async move {
        read_request(&mut stream, &requests).await;
        tokio::time::sleep(Duration::from_secs(60)).await;
    })
    .await;
    let client = server.client(transport()).with_timeout(Duration::from_millis(300)).unwrap();
    let error = post(&client).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(server.requests(), 1, "a timed-out POST is sent once");
}

#[tokio::test]
async fn a_connection_closed_in_the_headers_is_an_io_error() {
    let server =
        FaultServer::start(|stream, requests| reply_then_close(stream, requests, b"HTTP/1.1 200 OK\r\nContent-Le"))
            .await;
    let error = post(&server.client(transport())).await.unwrap_err();
    assert_eq!(kind(&error), Some(TransportErrorKind::Io), "{error:?}");
    assert_eq!(error.to_string(), "the connection failed during the request");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_connection_closed_in_the_body_is_an_io_error() {
    let server = FaultServer::start(|stream, requests| {
        reply_then_close(stream, requests, b"HTTP/1.1 400 Bad Request\r\nContent-Length: 100\r\n\r\n{\"Errors\":[")
    })
    .await;
    let error = post(&server.client(transport())).await.unwrap_err();
    assert_eq!(kind(&error), Some(TransportErrorKind::Io), "{error:?}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_declared_huge_body_is_refused_unread() {
    let server = FaultServer::start(|stream, requests| {
        reply_then_close(stream, requests, b"HTTP/1.1 200 OK\r\nContent-Length: 50000000000\r\n\r\nxxxx")
    })
    .await;
    let error = post(&server.client(transport())).await.unwrap_err();
    assert_eq!(kind(&error), Some(TransportErrorKind::BodyTooLarge), "{error:?}");
    assert!(error.to_string().contains("limit"), "{error}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_streamed_body_past_the_limit_stops_being_read() {
    let written = Arc::new(AtomicUsize::new(0));
    let total = written.clone();
    let server = FaultServer::start(move |mut stream, requests| {
        let total = total.clone();
        async move {
            if !read_request(&mut stream, &requests).await {
                return;
            }
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").await;
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "x".repeat(64 * 1024));
            // At most 256 MiB, far past the 1 MiB limit; stops when the client hangs up.
            for _ in 0..4096 {
                if stream.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
                total.fetch_add(64 * 1024, Ordering::SeqCst);
            }
        }
    })
    .await;
    let transport = HyperTransport::builder().max_response_bytes(1024 * 1024).build().unwrap();
    let error = post(&server.client(transport)).await.unwrap_err();
    assert_eq!(kind(&error), Some(TransportErrorKind::BodyTooLarge), "{error:?}");
    assert_eq!(server.requests(), 1);
    assert!(written.load(Ordering::SeqCst) < 256 * 1024 * 1024, "the client stopped reading");
}

#[tokio::test]
async fn an_answer_that_is_not_http_is_an_invalid_response() {
    let server =
        FaultServer::start(|stream, requests| reply_then_close(stream, requests, b"SSH-2.0-OpenSSH_9.6\r\n\r\n")).await;
    let error = post(&server.client(transport())).await.unwrap_err();
    assert_eq!(kind(&error), Some(TransportErrorKind::InvalidResponse), "{error:?}");
    assert!(error.to_string().contains("not valid HTTP"), "{error}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_pooled_connection_closed_between_calls_does_not_fail_the_next_call() {
    let (closed_tx, mut closed_rx) = tokio::sync::mpsc::unbounded_channel();
    let server = FaultServer::start(move |stream, requests| {
        let closed = closed_tx.clone();
        async move {
            // Promises keep-alive, then closes once the answer is out.
            reply_then_close(stream, requests, b"HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n").await;
            let _ = closed.send(());
        }
    })
    .await;
    let client = server.client(transport());
    post(&client).await.unwrap();
    closed_rx.recv().await.unwrap();
    // Let the client's connection task see the close; the pool then drops the connection.
    tokio::time::sleep(Duration::from_millis(50)).await;
    post(&client).await.unwrap();
    assert_eq!(server.requests(), 2);
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported_as_retryable() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = ApiClient::builder().base_url(format!("http://127.0.0.1:{port}")).build().unwrap();
    let error = post(&client).await.unwrap_err();
    assert_eq!(kind(&error), Some(TransportErrorKind::Connect), "{error:?}");
    assert!(error.is_retryable());
    let chain = chain(&error);
    assert_eq!(chain[0], "could not connect to the server");
    assert!(chain.last().unwrap().to_lowercase().contains("refused"), "the root cause is kept: {chain:?}");
    let whole = chain.join(": ");
    assert_eq!(whole.matches("could not connect").count(), 1, "each cause said once: {whole}");
    assert_eq!(whole.to_lowercase().matches("refused").count(), 1, "each cause said once: {whole}");
}

/// The error's text, then each cause's, as a chain printer (`anyhow`'s `{:#}`) shows them.
fn chain(error: &Error) -> Vec<String> {
    std::iter::successors(Some(error as &dyn std::error::Error), |error| error.source())
        .map(ToString::to_string)
        .collect()
}

#[tokio::test]
async fn a_host_that_cannot_resolve_is_a_connect_error() {
    // Longer than the 255 bytes any DNS name may have: the resolver refuses it without
    // asking a server, so the outcome does not depend on this machine's network.
    let host = format!("{}invalid", format!("{}.", "a".repeat(63)).repeat(5));
    let client = ApiClient::builder().base_url(format!("https://{host}")).build().unwrap();
    let error = post(&client).await.unwrap_err();
    assert_eq!(kind(&error), Some(TransportErrorKind::Connect), "{error:?}");
    assert!(!error.is_timeout(), "{error}");
    assert!(!error.to_string().contains("/password/reset"), "the path stays out of the message: {error}");
}

/// Answers the first request of the whole server with `first`, every later one with a 400.
async fn first_answer_then_400(
    first: impl Fn(TcpStream) -> std::pin::Pin<Box<dyn Future<Output = TcpStream> + Send>> + Send + Sync + 'static,
) -> FaultServer {
    let first = Arc::new(first);
    let answered = Arc::new(AtomicUsize::new(0));
    FaultServer::start(move |mut stream, requests| {
        let (first, answered) = (first.clone(), answered.clone());
        async move {
            while read_request(&mut stream, &requests).await {
                if answered.fetch_add(1, Ordering::SeqCst) == 0 {
                    stream = first(stream).await;
                } else if stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\n{}").await.is_err() {
                    return;
                }
            }
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stray_answer_in_the_same_write_is_never_taken_for_the_next_calls() {
    for first in [
        &b"HTTP/1.1 204 No Content\r\n\r\n"[..],
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    ] {
        let server = first_answer_then_400(move |mut stream| {
            Box::pin(async move {
                let mut answer = first.to_vec();
                answer.extend_from_slice(b"HTTP/1.1 204 No Content\r\n\r\n");
                let _ = stream.write_all(&answer).await;
                stream
            })
        })
        .await;
        let client = server.client(transport());
        post(&client).await.unwrap();
        let error = post(&client).await.unwrap_err();
        assert_eq!(error.status(), Some(http::StatusCode::BAD_REQUEST), "{error:?}");
        assert_eq!(server.connections.load(Ordering::SeqCst), 2, "the connection with stray bytes was dropped");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stray_answer_on_an_idle_connection_discards_it() {
    let (stray_tx, mut stray_rx) = tokio::sync::mpsc::unbounded_channel();
    let server = first_answer_then_400(move |mut stream| {
        let stray = stray_tx.clone();
        Box::pin(async move {
            let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").await;
            let _ = stray.send(());
            stream
        })
    })
    .await;
    let client = server.client(transport());
    post(&client).await.unwrap();
    stray_rx.recv().await.unwrap();
    // Let the idle connection's task read the stray bytes; hyper then closes it.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let error = post(&client).await.unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::BAD_REQUEST), "{error:?}");
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn idle_connections_to_one_host_never_starve_another() {
    let answer = |stream, requests| {
        reply_then_close(stream, requests, b"HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n")
    };
    let slow = FaultServer::start(|mut stream, requests| async move {
        while read_request(&mut stream, &requests).await {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if stream.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").await.is_err() {
                return;
            }
        }
    })
    .await;
    let other = FaultServer::start(answer).await;
    let shared =
        HyperTransport::builder().max_connections(2).connect_timeout(Duration::from_millis(500)).build().unwrap();
    let to_slow = slow.client(shared.clone());
    let (first, second) = tokio::join!(post(&to_slow), post(&to_slow));
    first.unwrap();
    second.unwrap();
    assert_eq!(slow.connections.load(Ordering::SeqCst), 2, "both places of the first host are now idle connections");
    post(&other.client(shared)).await.unwrap();
    assert_eq!(other.requests(), 1);
}

#[test]
fn a_call_with_no_tokio_runtime_is_an_error_not_a_panic() {
    use std::task::{Context, Poll, Waker};
    let client = ApiClient::builder().base_url("http://127.0.0.1:9").build().unwrap();
    let mut call = std::pin::pin!(post(&client));
    let Poll::Ready(Err(error)) = call.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
        panic!("the call should end at once");
    };
    assert_eq!(kind(&error), Some(TransportErrorKind::Runtime), "{error:?}");
    assert_eq!(error.to_string(), "the async runtime the HTTP transport needs is not running");
    assert!(chain(&error)[1].contains("tokio runtime"), "{error:#?}");
    assert!(matches!(&error, Error::Transport(transport) if transport.kind().request_not_sent()));
}

#[tokio::test]
async fn transport_durations_follow_the_one_timeout_rule() {
    let transport =
        HyperTransport::builder().connect_timeout(Duration::MAX).pool_idle_timeout(Duration::MAX).build().unwrap();
    let shown = format!("{transport:?}");
    assert!(shown.contains("connect_timeout: 86400s") && shown.contains("pool_idle_timeout: 86400s"), "{shown}");
    let server =
        FaultServer::start(|stream, requests| reply_then_close(stream, requests, b"HTTP/1.1 204 No Content\r\n\r\n"))
            .await;
    post(&server.client(transport)).await.unwrap();
    for builder in [
        HyperTransport::builder().connect_timeout(Duration::ZERO),
        HyperTransport::builder().pool_idle_timeout(Duration::ZERO),
        HyperTransport::builder().max_connections(0),
    ] {
        let error = builder.build().unwrap_err();
        assert!(error.is_config(), "{error}");
    }
}
