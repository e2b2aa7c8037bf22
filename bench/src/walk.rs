//! The walk rows: every product of a catalog of 10,000 (100 pages of 100) from a server that
//! answers each request after 40 ms, through `ProductsApi::list().pages().all_items()`, one
//! page at a time, with the default concurrency, and with the caller's own sort (so by page
//! number past page 30), against the ideal: pages / concurrency x latency.

use std::time::{Duration, Instant};

use ordercloud_catalogs::ProductsApi;
use ordercloud_models::ListOptions;
use ordercloud_password_reset::ApiClient;
use ordercloud_transport::DEFAULT_CONCURRENCY;

use crate::measure::{median, stats};
use crate::server::{SLOW_CATALOG, SLOW_CATALOG_SIZE, SLOW_LATENCY};

const PAGE_SIZE: usize = 100;

/// One walk: its time and the requests it made.
struct Walk {
    elapsed: Duration,
    requests: u64,
}

async fn walk(products: &ProductsApi, concurrency: usize, sorted: bool, port: u16) -> Result<Walk, String> {
    let mut options = ListOptions::new().page_size(PAGE_SIZE as u32);
    if sorted {
        options = options.sort_by(["ID"]);
    }
    let before = stats(port)?;
    let started = Instant::now();
    let items = products
        .list()
        .catalog_id(SLOW_CATALOG)
        .options(&options)
        .pages()
        .concurrency(concurrency)
        .all_items()
        .await
        .map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    let after = stats(port)?;
    let in_order = items.windows(2).all(|pair| pair[0].id < pair[1].id);
    if items.len() != SLOW_CATALOG_SIZE || !in_order {
        return Err(format!("the walk found {} products (in order: {in_order})", items.len()));
    }
    // The `before` query is counted by the server; the `after` one is not yet.
    Ok(Walk { elapsed, requests: after.1.saturating_sub(before.1 + 1) })
}

/// Measures the walk one page at a time and with the default concurrency, `rounds` times
/// each, and prints its table.
pub(crate) async fn run(port: u16, rounds: usize) -> Result<(), String> {
    let client =
        ApiClient::builder().base_url(format!("http://127.0.0.1:{port}")).build().map_err(|e| e.to_string())?;
    let products = ProductsApi::new(client);
    let pages = SLOW_CATALOG_SIZE.div_ceil(PAGE_SIZE);
    println!();
    println!(
        "| all items of {SLOW_CATALOG_SIZE} products ({pages} pages of {PAGE_SIZE}), {} ms a request | requests | time (median of {rounds}) | ideal: pages / concurrency x latency | / ideal |",
        SLOW_LATENCY.as_millis()
    );
    println!("|---|---:|---:|---:|---:|");
    let rows = [
        ("one page at a time, `concurrency(1)`", 1, false),
        ("default: 8 at a time, by Last ID past page 30", DEFAULT_CONCURRENCY, false),
        ("8 at a time, `sort_by([\"ID\"])` given: page numbers to 100", DEFAULT_CONCURRENCY, true),
    ];
    for (label, concurrency, sorted) in rows {
        let mut walks = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            walks.push(walk(&products, concurrency, sorted, port).await?);
        }
        let seconds = median(walks.iter().map(|walk| walk.elapsed.as_secs_f64()).collect());
        let ideal = pages as f64 / concurrency as f64 * SLOW_LATENCY.as_secs_f64();
        println!("| {label} | {} | {seconds:.2} s | {ideal:.2} s | {:.2} |", walks[0].requests, seconds / ideal);
    }
    Ok(())
}

/// `ordercloud-bench walk [--quick]`: the walk rows alone.
pub(crate) fn only(quick: bool) -> Result<(), String> {
    let server = crate::ServerProcess::start()?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(run(server.port, if quick { 1 } else { 3 }))
}
