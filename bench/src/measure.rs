//! The measurements and the table.

use std::cell::{Cell, RefCell};
use std::io::{Read, Write};
use std::rc::Rc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use ordercloud_auth::{AccessToken, Session, TokenRequest};
use ordercloud_catalogs::ProductsApi;
use ordercloud_models::resources::Product;
use ordercloud_models::{ListPageWithFacets, PasswordResetRequest};
use ordercloud_password_reset::{ApiClient, PasswordResetApi};

use crate::ServerProcess;

const IN_FLIGHT: usize = 64;

/// How many products a page of the list holds.
const PAGE_ITEMS: usize = 100;

/// The clients under test, sending the same bytes to the same server.
struct Clients {
    raw: Client<HttpConnector, Full<Bytes>>,
    raw_uri: http::Uri,
    raw_body: Bytes,
    api: PasswordResetApi,
    /// A session's client, holding a token valid for the whole run: the per-call cost of
    /// taking the token from a session.
    session: ApiClient,
    /// The plain client with the same token, fixed: what the session's row compares with.
    fixed_token: ApiClient,
    request: PasswordResetRequest,
    /// The lists have clients of their own, so each row's connections are its own.
    raw_list: Client<HttpConnector, Full<Bytes>>,
    raw_list_uri: http::Uri,
    /// The runtime used by hand: `request(GET, "/products")` and `send_json`.
    list_client: ApiClient,
    /// The generated call, `ProductsApi::list`.
    products: ProductsApi,
}

impl Clients {
    fn new(port: u16) -> Result<Self, String> {
        let request = PasswordResetRequest::new("my-client-id")
            .with_email("jdoe@example.com")
            .with_username("jdoe")
            .with_url("https://shop.example.com/reset");
        let client =
            ApiClient::builder().base_url(format!("http://127.0.0.1:{port}")).build().map_err(|e| e.to_string())?;
        let token = AccessToken::new("bench-access-token", Some(Duration::from_secs(10 * 3600)), None);
        let login = TokenRequest::password("my-client-id", "jdoe", "Bench-Passw0rd");
        let session = Session::from_token(client.clone(), login, token).map_err(|e| e.to_string())?.client();
        let client_with_token = client.with_access_token("bench-access-token").map_err(|e| e.to_string())?;
        let list_client = || ApiClient::builder().base_url(format!("http://127.0.0.1:{port}")).build();
        Ok(Self {
            raw: Client::builder(TokioExecutor::new()).build_http(),
            raw_uri: format!("http://127.0.0.1:{port}/v1/password/reset").parse().map_err(|_| "bad uri")?,
            raw_body: Bytes::from(serde_json::to_vec(&request).map_err(|e| e.to_string())?),
            api: PasswordResetApi::new(client),
            session,
            fixed_token: client_with_token,
            request,
            raw_list: Client::builder(TokioExecutor::new()).build_http(),
            raw_list_uri: format!("http://127.0.0.1:{port}/v1/products").parse().map_err(|_| "bad uri")?,
            list_client: list_client().map_err(|e| e.to_string())?,
            products: ProductsApi::new(list_client().map_err(|e| e.to_string())?),
        })
    }

    async fn call(&self, which: Which) -> Result<(), String> {
        let page = match which {
            Which::RawList => self.raw_list().await?,
            Which::ListByHand => self
                .list_client
                .request(http::Method::GET, "/products")
                .send_json::<ListPageWithFacets<Product>>()
                .await
                .map_err(|e| e.to_string())?,
            Which::ProductsList => self.products.list().send().await.map_err(|e| e.to_string())?,
            Which::ProductsListAwait => self.products.list().await.map_err(|e| e.to_string())?,
            _ => return self.empty_call(which).await,
        };
        if page.items.len() == PAGE_ITEMS { Ok(()) } else { Err(format!("a page of {} products", page.items.len())) }
    }

    /// The list as a hyper-util user would fetch it: the same GET, the whole body collected,
    /// then decoded by serde_json into the same struct the SDK answers.
    async fn raw_list(&self) -> Result<ListPageWithFacets<Product>, String> {
        let request = http::Request::builder()
            .method(http::Method::GET)
            .uri(self.raw_list_uri.clone())
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, ordercloud_transport::USER_AGENT)
            .body(Full::new(Bytes::new()))
            .map_err(|e| e.to_string())?;
        let response = self.raw_list.request(request).await.map_err(|e| e.to_string())?;
        let status = response.status();
        let body = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
        if !status.is_success() {
            return Err(format!("raw: HTTP {status}"));
        }
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    }

    /// One of the calls answered by 204.
    async fn empty_call(&self, which: Which) -> Result<(), String> {
        let response = match which {
            Which::Sdk => return self.api.send_verification_code(&self.request).await.map_err(|e| e.to_string()),
            Which::Session | Which::FixedToken => {
                let client = if which == Which::Session { &self.session } else { &self.fixed_token };
                return client
                    .request(http::Method::POST, "/password/reset")
                    .operation("ForgottenCredentials.SendVerificationCode")
                    .json(&self.request)
                    .send_empty()
                    .await
                    .map_err(|e| e.to_string());
            }
            Which::Raw => self.raw.request(self.raw_request(self.raw_body.clone())?).await,
            // The raw client doing the work the SDK cannot skip: serializing the body and
            // arming a timeout.
            Which::RawTimed => {
                let body = Bytes::from(serde_json::to_vec(&self.request).map_err(|e| e.to_string())?);
                let sent = self.raw.request(self.raw_request(body)?);
                tokio::time::timeout(Duration::from_secs(30), sent).await.map_err(|e| e.to_string())?
            }
            Which::RawList | Which::ListByHand | Which::ProductsList | Which::ProductsListAwait => {
                return Err("not a 204 call".to_owned());
            }
        };
        let response = response.map_err(|e| e.to_string())?;
        let status = response.status();
        response.into_body().collect().await.map_err(|e| e.to_string())?;
        if status.is_success() { Ok(()) } else { Err(format!("raw: HTTP {status}")) }
    }

    /// The request the SDK sends, built the way a hyper-util user would.
    fn raw_request(&self, body: Bytes) -> Result<http::Request<Full<Bytes>>, String> {
        http::Request::builder()
            .method(http::Method::POST)
            .uri(self.raw_uri.clone())
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, ordercloud_transport::USER_AGENT)
            .header(CONTENT_TYPE, "application/json")
            .body(Full::new(body))
            .map_err(|e| e.to_string())
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Which {
    Raw,
    Sdk,
    RawTimed,
    FixedToken,
    Session,
    RawList,
    ListByHand,
    ProductsList,
    /// The same call awaited without `send()`, through its boxed future.
    ProductsListAwait,
}

/// Rows measured together: rounds alternate among its clients, and the first is the
/// baseline the others are compared with.
struct Group {
    /// What the rows do, in front of the mode in the table's first column.
    what: &'static str,
    /// Each client, with its name in the table.
    rows: &'static [(Which, &'static str)],
    /// The calls of one round, sequential and with `IN_FLIGHT` in flight: full and quick.
    calls: [(usize, usize); 2],
}

const GROUPS: [Group; 2] = [
    Group {
        what: "",
        rows: &[
            (Which::Raw, "raw hyper-util"),
            (Which::Sdk, "PasswordResetApi"),
            (Which::RawTimed, "raw + serde_json + timeout"),
            (Which::FixedToken, "the call with a fixed token"),
            (Which::Session, "the same call through a Session"),
        ],
        calls: [(20_000, 50_000), (2_000, 5_000)],
    },
    Group {
        what: "list of 100 products, ",
        rows: &[
            (Which::RawList, "raw hyper-util + serde_json"),
            (Which::ListByHand, "request(GET, \"/products\").send_json"),
            (Which::ProductsList, "ProductsApi::list"),
            (Which::ProductsListAwait, "ProductsApi::list().await"),
        ],
        calls: [(5_000, 10_000), (500, 1_000)],
    },
];

#[derive(Clone, Copy)]
enum Mode {
    Sequential,
    Concurrent,
}

/// What one round measured.
struct Round {
    calls_per_second: f64,
    cpu_per_call: Duration,
    connections: u64,
    latencies: Vec<u32>,
}

/// Runs `calls` calls (one at a time, or `IN_FLIGHT` at once) and measures them.
async fn round(clients: &Rc<Clients>, which: Which, mode: Mode, calls: usize, port: u16) -> Result<Round, String> {
    let before = stats(port)?;
    let cpu = cpu_time();
    let started = Instant::now();
    let latencies = match mode {
        Mode::Sequential => {
            let mut latencies = Vec::with_capacity(calls);
            for _ in 0..calls {
                let start = Instant::now();
                clients.call(which).await?;
                latencies.push(start.elapsed().as_nanos() as u32);
            }
            latencies
        }
        Mode::Concurrent => {
            let next = Rc::new(Cell::new(0usize));
            let latencies = Rc::new(RefCell::new(Vec::with_capacity(calls)));
            let local = tokio::task::LocalSet::new();
            let mut workers = Vec::new();
            for _ in 0..IN_FLIGHT {
                let (clients, next, latencies) = (clients.clone(), next.clone(), latencies.clone());
                workers.push(local.spawn_local(async move {
                    while next.replace(next.get() + 1) < calls {
                        let start = Instant::now();
                        clients.call(which).await?;
                        latencies.borrow_mut().push(start.elapsed().as_nanos() as u32);
                    }
                    Ok::<(), String>(())
                }));
            }
            local
                .run_until(async {
                    for worker in workers {
                        worker.await.map_err(|e| e.to_string())??;
                    }
                    Ok::<(), String>(())
                })
                .await?;
            Rc::try_unwrap(latencies).map_err(|_| "latencies still shared")?.into_inner()
        }
    };
    let elapsed = started.elapsed();
    let cpu = cpu_time().saturating_sub(cpu);
    let after = stats(port)?;
    Ok(Round {
        calls_per_second: calls as f64 / elapsed.as_secs_f64(),
        cpu_per_call: cpu / calls as u32,
        // The `after` query's own connection is not the client's.
        connections: after.0.saturating_sub(before.0 + 1),
        latencies,
    })
}

pub(crate) fn run(quick: bool) -> Result<(), String> {
    let rounds = if quick { 3 } else { 7 };
    let server = ServerProcess::start()?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    runtime.block_on(async {
        let clients = Rc::new(Clients::new(server.port)?);
        for group in &GROUPS {
            let (sequential_calls, concurrent_calls) = group.calls[usize::from(quick)];
            for (mode, calls, label) in [
                (Mode::Sequential, sequential_calls, "sequential, 1 connection"),
                (Mode::Concurrent, concurrent_calls, "64 in flight"),
            ] {
                // Warm up each (connections, allocator, caches); the connections they open count.
                let mut opened = vec![0u64; group.rows.len()];
                for (row, &(which, _)) in group.rows.iter().enumerate() {
                    opened[row] += round(&clients, which, mode, calls / 10, server.port).await?.connections;
                }
                let mut measured: Vec<Vec<Round>> = group.rows.iter().map(|_| Vec::new()).collect();
                for index in 0..rounds {
                    // Rotate which goes first, so drift in the machine hits all alike.
                    let mut order: Vec<usize> = (0..group.rows.len()).collect();
                    order.rotate_left(index % group.rows.len());
                    for row in order {
                        let which = group.rows[row].0;
                        measured[row].push(round(&clients, which, mode, calls, server.port).await?);
                    }
                }
                rows.push((group, format!("{}{label}", group.what), calls, measured, opened));
            }
        }
        Ok::<(), String>(())
    })?;

    let memory_10k = memory_child(server.port, 10_000)?;
    let memory_100k = memory_child(server.port, 100_000)?;

    println!(
        "| mode | client | calls/s (median of {rounds}) | / raw | p50 | p99 | client CPU/call | TCP connections opened |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for (group, label, calls, measured, opened) in &rows {
        let rate_of = |row: usize| median(measured[row].iter().map(|r| r.calls_per_second).collect());
        let raw_rate = rate_of(0);
        for (row, &(_, name)) in group.rows.iter().enumerate() {
            let rate = rate_of(row);
            let mut latencies: Vec<u32> = measured[row].iter().flat_map(|r| r.latencies.iter().copied()).collect();
            latencies.sort_unstable();
            let cpu = median(measured[row].iter().map(|r| r.cpu_per_call.as_secs_f64() * 1e6).collect());
            let connections: u64 = opened[row] + measured[row].iter().map(|r| r.connections).sum::<u64>();
            let ratio = if row == 0 { "1.00".to_owned() } else { format!("{:.3}", rate / raw_rate) };
            println!(
                "| {label} ({calls} calls x {rounds}) | {name} | {rate:.0} | {ratio} | {} | {} | {cpu:.1} µs | {connections} |",
                micros(percentile(&latencies, 0.50)),
                micros(percentile(&latencies, 0.99)),
            );
        }
    }
    println!();
    println!(
        "Peak memory (VmHWM) of a process making sequential SDK calls: {memory_10k} KiB after 10k calls, {memory_100k} KiB after 100k calls."
    );
    runtime.block_on(crate::walk::run(server.port, if quick { 1 } else { 3 }))
}

/// In a child process: `calls` SDK calls, then print the peak resident memory.
///
/// `memory <port> <calls> [raw|sdk|session|raw-list|list-by-hand|products-list|products-list-await]
/// [sequential|concurrent]`: the optional arguments pick the client and mode, for running one
/// of them under a profiler such as callgrind.
pub(crate) fn memory(args: &[String]) -> Result<(), String> {
    let port: u16 = args.first().and_then(|a| a.parse().ok()).ok_or("memory: port?")?;
    let calls: usize = args.get(1).and_then(|a| a.parse().ok()).ok_or("memory: calls?")?;
    let which = match args.get(2).map(String::as_str) {
        Some("raw") => Which::Raw,
        Some("session") => Which::Session,
        Some("raw-list") => Which::RawList,
        Some("list-by-hand") => Which::ListByHand,
        Some("products-list") => Which::ProductsList,
        Some("products-list-await") => Which::ProductsListAwait,
        _ => Which::Sdk,
    };
    let mode = if args.get(3).is_some_and(|a| a == "concurrent") { Mode::Concurrent } else { Mode::Sequential };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let clients = Rc::new(Clients::new(port)?);
        round(&clients, which, mode, calls, port).await.map(drop)
    })?;
    println!("{}", peak_memory_kib()?);
    Ok(())
}

fn memory_child(port: u16, calls: usize) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = std::process::Command::new(exe)
        .args(["memory", &port.to_string(), &calls.to_string()])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("memory child failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().map_err(|_| "memory child printed no number".to_owned())
}

/// `(connections accepted, requests served)` from the server.
///
/// The stats are fetched over a connection of their own, which the server counts too.
pub(crate) fn stats(port: u16) -> Result<(u64, u64), String> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .write_all(b"GET /stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut text = String::new();
    stream.read_to_string(&mut text).map_err(|e| e.to_string())?;
    let body = text.split("\r\n\r\n").nth(1).ok_or("no stats body")?;
    let mut numbers = body.split_whitespace().map(|n| n.parse::<u64>().unwrap_or(0));
    Ok((numbers.next().unwrap_or(0), numbers.next().unwrap_or(0)))
}

/// CPU time of the main thread, in nanoseconds (Linux; zero elsewhere). The client runs on
/// a current-thread runtime, so this is all of its work; hyper-util spawns its connection
/// tasks onto the same runtime.
fn cpu_time() -> Duration {
    let schedstat = std::fs::read_to_string("/proc/self/schedstat").unwrap_or_default();
    Duration::from_nanos(schedstat.split_whitespace().next().and_then(|ns| ns.parse().ok()).unwrap_or(0))
}

fn peak_memory_kib() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmHWM in /proc/self/status".to_owned())
}

pub(crate) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn percentile(sorted: &[u32], fraction: f64) -> u32 {
    sorted.get(((sorted.len() as f64 - 1.0) * fraction).round() as usize).copied().unwrap_or(0)
}

fn micros(nanos: u32) -> String {
    format!("{:.1} µs", f64::from(nanos) / 1000.0)
}
