//! What one failed call costs in memory, measured as the process's resident set (Linux
//! `/proc/self`). This file is its own test binary with a single test, so nothing else
//! runs while it measures.

use bytes::Bytes;
use http::Method;
use ordercloud_transport::{ApiClient, Error, HyperTransport, MockTransport};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The resident set now and at its peak since the last reset, in bytes.
fn resident() -> (usize, usize) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| {
        let line = status.lines().find(|line| line.starts_with(name)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse::<usize>().unwrap() * 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Makes the peak resident set start again from the current one.
fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
}

const LIMIT: usize = 10 * 1024 * 1024;
const MIB: usize = 1024 * 1024;

/// `{"Errors":[<entry>,<entry>,...]}` just under the response limit.
fn hostile_body(entry: &str) -> Bytes {
    let mut body = String::with_capacity(LIMIT);
    body.push_str("{\"Errors\":[");
    while body.len() + 2 * entry.len() + 3 < LIMIT {
        body.push_str(entry);
        body.push(',');
    }
    body.push_str(entry);
    body.push_str("]}");
    Bytes::from(body)
}

/// Runs `call` and returns its error with the extra memory at its peak and still held.
async fn measure<F: std::future::Future<Output = Result<(), Error>>>(call: F) -> (Error, usize, usize) {
    reset_peak();
    let (base, _) = resident();
    let error = call.await.unwrap_err();
    let (now, peak) = resident();
    (error, peak.saturating_sub(base), now.saturating_sub(base))
}

/// Serves `body` as the 400 answer to every request on 127.0.0.1.
async fn serve(body: Bytes) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut request = vec![0u8; 64 * 1024];
                let mut read = 0;
                while !request[..read].windows(4).any(|window| window == b"\r\n\r\n") {
                    match stream.read(&mut request[read..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(more) => read += more,
                    }
                }
                let head = format!("HTTP/1.1 400 Bad Request\r\nContent-Length: {}\r\n\r\n", body.len());
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
            });
        }
    });
    port
}

#[tokio::test(flavor = "current_thread")]
async fn a_hostile_error_body_costs_at_most_about_twice_the_limit() {
    if std::fs::metadata("/proc/self/clear_refs").is_err() {
        eprintln!("skipped: measuring memory needs Linux's /proc/self/clear_refs");
        return;
    }
    let bodies = [
        ("3.5 million empty errors", hostile_body("{}")),
        (
            "errors with Data nested 120 deep",
            hostile_body(&format!("{{\"Data\":{}{}}}", "[".repeat(120), "]".repeat(120))),
        ),
    ];
    for (name, body) in bodies {
        // Through MockTransport: the body is already in memory; the error must add little.
        let mock = MockTransport::new();
        mock.push_status(400, body.clone());
        let client = ApiClient::builder().transport(mock).build().unwrap();
        let (error, peak, held) = measure(client.request(Method::POST, "/password/reset").send_empty()).await;
        assert_eq!(error.status(), Some(http::StatusCode::BAD_REQUEST), "{name}");
        assert!(peak < 2 * MIB, "{name}: building the error took {peak} bytes at its peak");
        assert!(held < 2 * MIB, "{name}: the error holds {held} bytes beyond the body");
        let Error::Response(response) = &error else { panic!("{name}: {error:?}") };
        assert!(response.error_count() > 16 && response.errors().len() == 16, "{name}: {}", response.error_count());
        drop(error);

        // Over real HTTP: the body read, then the error built.
        let port = serve(body).await;
        let transport = HyperTransport::builder().max_response_bytes(LIMIT).build().unwrap();
        let client =
            ApiClient::builder().base_url(format!("http://127.0.0.1:{port}")).transport(transport).build().unwrap();
        let (error, peak, held) = measure(client.request(Method::POST, "/password/reset").send_empty()).await;
        assert_eq!(error.status(), Some(http::StatusCode::BAD_REQUEST), "{name}: {error}");
        assert!(peak < 2 * LIMIT + 2 * MIB, "{name}: one failed call peaked at {} MiB", peak / MIB);
        assert!(held < LIMIT + 2 * MIB, "{name}: the error holds {} MiB", held / MIB);
    }
}
