//! `ordercloud-bench simulator [--quick]`: how many requests a second the simulator answers
//! to `GET /v1/products/{productID}` with a live token, over 8 keep-alive connections with
//! one request in flight on each: the cost of routing, checking the token and its roles,
//! and answering one stored object, which every request to the simulator pays.
//!
//! The simulator runs in a child process (`simulator-serve`) on a current-thread runtime, as
//! the `ordercloud-simulator` program does, holding 200 products; the client is raw
//! hyper-util, so the numbers are the simulator's. Where valgrind is present, the simulator's
//! instructions per request follow, from the difference between two runs under callgrind
//! (1,000 and 5,000 requests), which the machine's load does not move.

use std::cell::{Cell, RefCell};
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::time::Instant;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use ordercloud_simulator::{SimApiClient, Simulator};
use serde_json::json;

use crate::ServerProcess;

/// The connections, each with one request in flight.
const CONNECTIONS: usize = 8;
/// The products the simulator holds; the requests go round them.
const PRODUCTS: usize = 200;
const CLIENT_ID: &str = "bench-integration";
const SECRET: &str = "bench-secret";

/// Runs the rounds against a simulator child and prints one table row.
pub(crate) fn run(quick: bool) -> Result<(), String> {
    let (rounds, requests) = if quick { (3, 5_000) } else { (7, 40_000) };
    let child = start(false)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let (mut rates, mut latencies) = runtime.block_on(async {
        let client = connect(child.port).await?;
        // Warm up: connections, the simulator's tables, the allocator.
        round(&client, requests / 10).await?;
        let mut rates = Vec::new();
        let mut latencies = Vec::new();
        for _ in 0..rounds {
            let (rate, mut measured) = round(&client, requests).await?;
            rates.push(rate);
            latencies.append(&mut measured);
        }
        Ok::<_, String>((rates, latencies))
    })?;
    drop(child);
    rates.sort_by(f64::total_cmp);
    latencies.sort_unstable();
    let percentile = |fraction: f64| {
        let index = ((latencies.len() as f64 - 1.0) * fraction).round() as usize;
        f64::from(latencies.get(index).copied().unwrap_or(0)) / 1000.0
    };
    println!("| simulator | requests/s (median of {rounds}) | min | max | p50 | p99 |");
    println!("|---|---:|---:|---:|---:|---:|");
    println!(
        "| GET /v1/products/{{productID}}, {CONNECTIONS} connections ({requests} requests x {rounds}) | {:.0} | {:.0} | {:.0} | {:.1} µs | {:.1} µs |",
        rates[rates.len() / 2],
        rates[0],
        rates[rates.len() - 1],
        percentile(0.50),
        percentile(0.99),
    );
    if crate::callgrind::present() {
        let per_request = (instructions(&runtime, 5_000)? - instructions(&runtime, 1_000)?) / 4_000.0;
        println!(
            "\nThe simulator's instructions per request (callgrind, the difference between 1,000 and 5,000 requests): {per_request:.0}"
        );
    }
    Ok(())
}

/// The instructions a simulator child under callgrind executed in all, having answered a
/// token request and `requests` product GETs.
fn instructions(runtime: &tokio::runtime::Runtime, requests: usize) -> Result<f64, String> {
    let child = start(true)?;
    runtime.block_on(async {
        let client = connect(child.port).await?;
        round(&client, requests).await.map(drop)
    })?;
    crate::callgrind::collected(&child.stop()?)
}

/// A client of the simulator on `port`, with a token.
async fn connect(port: u16) -> Result<Shared, String> {
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).pool_max_idle_per_host(CONNECTIONS).build_http();
    let base = format!("http://127.0.0.1:{port}");
    let token = token(&client, &base).await?;
    Ok(Rc::new((client, base, token)))
}

/// A token of the integration's own client, by client credentials.
async fn token(client: &Client<HttpConnector, Full<Bytes>>, base: &str) -> Result<String, String> {
    let form = format!("grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={SECRET}");
    let request = http::Request::post(format!("{base}/oauth/token"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(form)))
        .map_err(|e| e.to_string())?;
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let body = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
    let answer: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    answer["access_token"].as_str().map(str::to_owned).ok_or_else(|| "the simulator gave no token".to_owned())
}

type Shared = Rc<(Client<HttpConnector, Full<Bytes>>, String, String)>;

/// `requests` product GETs over [`CONNECTIONS`] workers: the rate, and each latency in ns.
async fn round(client: &Shared, requests: usize) -> Result<(f64, Vec<u32>), String> {
    let next = Rc::new(Cell::new(0usize));
    let latencies = Rc::new(RefCell::new(Vec::with_capacity(requests)));
    let local = tokio::task::LocalSet::new();
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..CONNECTIONS {
        let (client, next, latencies) = (client.clone(), next.clone(), latencies.clone());
        workers.push(local.spawn_local(async move {
            loop {
                let n = next.replace(next.get() + 1);
                if n >= requests {
                    return Ok::<(), String>(());
                }
                let (http, base, token) = &*client;
                let request = http::Request::get(format!("{base}/v1/products/bench-{:03}", n % PRODUCTS))
                    .header(ACCEPT, "application/json")
                    .header(AUTHORIZATION, format!("Bearer {token}"))
                    .body(Full::new(Bytes::new()))
                    .map_err(|e| e.to_string())?;
                let start = Instant::now();
                let response = http.request(request).await.map_err(|e| e.to_string())?;
                let status = response.status();
                response.into_body().collect().await.map_err(|e| e.to_string())?;
                if status != http::StatusCode::OK {
                    return Err(format!("the simulator answered {status}"));
                }
                latencies.borrow_mut().push(start.elapsed().as_nanos() as u32);
            }
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
    let rate = requests as f64 / started.elapsed().as_secs_f64();
    let latencies = Rc::try_unwrap(latencies).map_err(|_| "latencies still shared")?.into_inner();
    Ok((rate, latencies))
}

/// The child: a simulator with an integration client and [`PRODUCTS`] products, on a
/// current-thread runtime; prints its port, and stops when our stdin closes.
pub(crate) fn serve() -> Result<(), String> {
    crate::exit_when_stdin_closes();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let mut builder = Simulator::builder()
            .api_client(SimApiClient::new(CLIENT_ID).with_secret(SECRET).with_roles(["FullAccess"]))
            .resource(
                "/priceschedules",
                json!({"ID": "bench", "Name": "Bench", "PriceBreaks": [{"Quantity": 1, "Price": 19.99}]}),
            );
        for n in 0..PRODUCTS {
            builder = builder.resource(
                "/products",
                json!({
                    "ID": format!("bench-{n:03}"), "Name": format!("Trail shoe {n}"), "Active": true,
                    "DefaultPriceScheduleID": "bench", "QuantityMultiplier": 1,
                    "xp": {"Color": "Blue", "Sizes": ["8", "9", "10"], "Rating": 4.5},
                }),
            );
        }
        let simulator = builder.start().await.map_err(|e| e.to_string())?;
        println!("{}", simulator.address().port());
        std::future::pending::<()>().await;
        Ok(())
    })
}

/// The simulator child (`simulator-serve`), under callgrind if asked.
fn start(callgrind: bool) -> Result<ServerProcess, String> {
    let mut command = if callgrind {
        let mut command = crate::callgrind::command()?;
        command.stderr(Stdio::piped());
        command
    } else {
        Command::new(std::env::current_exe().map_err(|e| e.to_string())?)
    };
    ServerProcess::spawn(command.arg("simulator-serve"), "the simulator")
}
