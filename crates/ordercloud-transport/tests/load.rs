//! Load: 1,000 concurrent calls through clones of one client against a loopback server all
//! succeed, and the limit on calls in flight holds the connections and concurrency down.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use ordercloud_transport::{ApiClient, HyperTransport};
use tokio::net::TcpListener;

#[derive(Default)]
struct Counters {
    /// Connections accepted in all.
    connections: AtomicUsize,
    /// Connections open now, and the most open at once.
    open: AtomicUsize,
    max_open: AtomicUsize,
    requests: AtomicUsize,
    active: AtomicUsize,
    max_active: AtomicUsize,
}

async fn server(counters: Arc<Counters>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counters.connections.fetch_add(1, Ordering::SeqCst);
            let now = counters.open.fetch_add(1, Ordering::SeqCst) + 1;
            counters.max_open.fetch_max(now, Ordering::SeqCst);
            let counters = counters.clone();
            tokio::spawn(async move {
                let connection = counters.clone();
                let service = service_fn(move |_request| {
                    let counters = counters.clone();
                    async move {
                        let now = counters.active.fetch_add(1, Ordering::SeqCst) + 1;
                        counters.max_active.fetch_max(now, Ordering::SeqCst);
                        counters.requests.fetch_add(1, Ordering::SeqCst);
                        tokio::task::yield_now().await;
                        counters.active.fetch_sub(1, Ordering::SeqCst);
                        Ok::<_, Infallible>(
                            http::Response::builder().status(204).body(Full::new(Bytes::new())).unwrap(),
                        )
                    }
                });
                let _ =
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                connection.open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    port
}

const LIMIT: usize = 16;

/// Sends 1,000 concurrent calls through clones of `client` (half with another token) and
/// checks that all succeed, on at most `LIMIT` connections.
async fn thousand_calls(client: ApiClient, counters: &Counters) {
    let calls: Vec<_> = (0..1000)
        .map(|index| {
            let client = if index % 2 == 0 { client.clone() } else { client.with_access_token("per-tenant").unwrap() };
            tokio::spawn(async move {
                client
                    .request(Method::POST, "/password/reset")
                    .json(&serde_json::json!({"n": index}))
                    .send_empty()
                    .await
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(counters.requests.load(Ordering::SeqCst), 1000);
    // The cap is on connections open at once: one the pool closed (a broken one, on a busy
    // machine) may be replaced, so the total accepted is not what is capped.
    let max_open = counters.max_open.load(Ordering::SeqCst);
    assert!((1..=LIMIT).contains(&max_open), "{max_open} connections open at once for a limit of {LIMIT}");
    assert!(counters.connections.load(Ordering::SeqCst) >= max_open);
    assert!(counters.max_active.load(Ordering::SeqCst) <= LIMIT);
}

/// 1,000 calls against a fresh server through a client capped at `LIMIT` connections and
/// `max_in_flight` calls.
async fn burst(max_in_flight: usize) {
    let counters = Arc::new(Counters::default());
    let port = server(counters.clone()).await;
    // Generous time limits: on a busy machine the last of 1,000 queued calls may wait long
    // for its turn and its connection, and this test is about limits, not speed.
    let patience = Duration::from_secs(600);
    let transport = HyperTransport::builder().max_connections(LIMIT).connect_timeout(patience).build().unwrap();
    let client = ApiClient::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .transport(transport)
        .timeout(patience)
        .max_in_flight(max_in_flight)
        .build()
        .unwrap();
    thousand_calls(client, &counters).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_limit_and_the_connection_cap_hold_together() {
    burst(LIMIT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_cap_alone_queues_a_burst() {
    burst(1000).await;
}
