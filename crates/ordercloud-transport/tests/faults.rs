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
    let client = server.client(transport()).with_timeout(Duration::from_millis(300));
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
    assert!(error.to_string().starts_with("request failed: the connection failed during the request"), "{error}");
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
    assert!(error.to_string().starts_with("request failed: could not connect to the server"), "{error}");
}

#[tokio::test]
async fn a_host_that_does_not_resolve_is_a_connect_error() {
    let client = ApiClient::builder().base_url("https://api.ordercloud.invalid").build().unwrap();
    let error = post(&client).await.unwrap_err();
    assert!(matches!(kind(&error), Some(TransportErrorKind::Connect)) || error.is_timeout(), "{error:?}");
    assert!(!error.to_string().contains("/password/reset"), "the path stays out of the message: {error}");
}
