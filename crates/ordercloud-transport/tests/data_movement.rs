//! Moving data at scale against a loopback server that answers each request after a delay,
//! as a distant OrderCloud would: pages in flight together and in order, the Last ID walk
//! past page 30, objects by ID in URLs under OrderCloud's limit, and bulk calls. The server
//! counts the requests in flight, so the concurrency bound is checked where it matters.

use std::collections::{BTreeSet, HashMap};
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use ordercloud_models::ListOptions;
use ordercloud_transport::{ApiClient, Bulk, Error, MAX_URL_LENGTH, Operation, PaginationErrorKind, StopHandle};
use serde_json::{Value, json};
use tokio::net::TcpListener;

const LIST_PRODUCTS: Operation = Operation { id: "Products.List", method: "GET", path: "/products", roles: &[] };

/// What the server knows and saw.
#[derive(Default)]
struct State {
    /// The list, in its own order.
    items: Vec<Value>,
    /// How long each answer takes.
    latency: Duration,
    /// When set, a page after the first is held until this many requests have been in flight
    /// at once (at most two seconds), so requests sent together are seen together.
    gate: Option<usize>,
    /// Page numbers that fail (500) the first time they are asked for.
    failing_pages: Mutex<BTreeSet<u32>>,
    /// Page numbers answered with a status (404, 503...) every time they are asked for.
    broken_pages: HashMap<u32, u16>,
    /// Page numbers answered 200 with a body that is not a list page.
    garbled_pages: BTreeSet<u32>,
    /// A server that ignores `sortBy`, or the `ID` filter (`a|b` and `>x` alike).
    ignores_sort: bool,
    ignores_id_filter: bool,
    /// What the answers' `Meta` claims as `TotalPages`, and as `NextPageKey`, instead of the truth.
    claimed_total_pages: Option<u32>,
    claimed_next_page_key: Option<String>,
    /// Product IDs whose creation fails (500), and those answered 429 once.
    failing_ids: BTreeSet<String>,
    throttled_ids: Mutex<BTreeSet<String>>,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    /// Each request: method and full URL.
    log: Mutex<Vec<(String, String)>>,
    /// The ID of each product POSTed.
    posted: Mutex<Vec<String>>,
}

struct Server {
    state: Arc<State>,
    base_url: String,
}

impl Server {
    async fn start(state: State) -> Self {
        let state = Arc::new(state);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let (shared, origin) = (state.clone(), base_url.clone());
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let (state, origin) = (shared.clone(), origin.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
                        let (state, origin) = (state.clone(), origin.clone());
                        async move { Ok::<_, Infallible>(answer(&state, &origin, request).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self { state, base_url }
    }

    fn client(&self) -> ApiClient {
        ApiClient::builder().base_url(&self.base_url).build().unwrap()
    }

    fn requests(&self) -> Vec<(String, String)> {
        self.state.log.lock().unwrap().clone()
    }

    fn most_in_flight(&self) -> usize {
        self.state.most_in_flight.load(Ordering::SeqCst)
    }
}

/// `count` products whose IDs (`p00000`...) are not in the list's own order.
fn catalog(count: usize) -> Vec<Value> {
    (0..count).map(|n| json!({"ID": format!("p{:05}", n * 7919 % count), "Name": format!("Product {n}")})).collect()
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(|item| item["ID"].as_str().unwrap().to_owned()).collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' && at + 2 < bytes.len() {
            out.push(u8::from_str_radix(&text[at + 1..at + 3], 16).unwrap());
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

fn json_response(status: u16, body: &Value) -> http::Response<Full<Bytes>> {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

async fn answer(
    state: &State,
    origin: &str,
    request: http::Request<hyper::body::Incoming>,
) -> http::Response<Full<Bytes>> {
    let target = request.uri().path_and_query().map(|pq| pq.as_str().to_owned()).unwrap_or_default();
    state.log.lock().unwrap().push((request.method().to_string(), format!("{origin}{target}")));
    let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    state.most_in_flight.fetch_max(now, Ordering::SeqCst);
    let pairs = query_pairs(request.uri().query().unwrap_or(""));
    let page: u32 = pairs.iter().find(|(name, _)| name == "page").map_or(1, |(_, value)| value.parse().unwrap());
    if let Some(gate) = state.gate.filter(|_| page > 1) {
        for _ in 0..200 {
            if state.most_in_flight.load(Ordering::SeqCst) >= gate {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    tokio::time::sleep(state.latency).await;
    let response = match (request.method().as_str(), request.uri().path()) {
        ("GET", "/v1/products") => list(state, &pairs, page),
        ("POST", "/v1/products") => {
            let body = http_body_util::BodyExt::collect(request.into_body()).await.unwrap().to_bytes();
            let product: Value = serde_json::from_slice(&body).unwrap();
            let id = product["ID"].as_str().unwrap().to_owned();
            state.posted.lock().unwrap().push(id.clone());
            if state.throttled_ids.lock().unwrap().remove(&id) {
                let mut response = json_response(429, &json!({"Errors": [{"ErrorCode": "TooManyRequests"}]}));
                response.headers_mut().insert("retry-after", "0".parse().unwrap());
                response
            } else if state.failing_ids.contains(&id) {
                json_response(500, &json!({"Errors": [{"ErrorCode": "ServerError", "Message": "try later"}]}))
            } else {
                json_response(201, &product)
            }
        }
        _ => json_response(404, &json!({"Errors": [{"ErrorCode": "NotFound"}]})),
    };
    state.in_flight.fetch_sub(1, Ordering::SeqCst);
    response
}

/// A list page as OrderCloud answers it: filters on `ID` (`a|b` any of, `>x` after),
/// `sortBy=ID` or `!ID`, `page` and `pageSize`.
fn list(state: &State, pairs: &[(String, String)], page: u32) -> http::Response<Full<Bytes>> {
    if state.failing_pages.lock().unwrap().remove(&page) {
        return json_response(500, &json!({"Errors": [{"ErrorCode": "ServerError"}]}));
    }
    if let Some(status) = state.broken_pages.get(&page) {
        return json_response(*status, &json!({"Errors": [{"ErrorCode": "NotFound"}]}));
    }
    if state.garbled_pages.contains(&page) {
        return json_response(200, &json!({"Meta": "garbled", "Items": 7}));
    }
    let mut items: Vec<&Value> = state.items.iter().collect();
    let mut page_size = 20;
    for (name, value) in pairs {
        match name.as_str() {
            "pageSize" => page_size = value.parse().unwrap(),
            "sortBy" if state.ignores_sort => {}
            "sortBy" if value == "ID" => items.sort_by_key(|item| item["ID"].as_str().unwrap().to_lowercase()),
            "sortBy" if value == "!ID" => {
                items.sort_by_key(|item| std::cmp::Reverse(item["ID"].as_str().unwrap().to_lowercase()));
            }
            "ID" if state.ignores_id_filter => {}
            "ID" => match value.strip_prefix('>') {
                Some(after) => items.retain(|item| item["ID"].as_str().unwrap().to_lowercase() > after.to_lowercase()),
                None => {
                    let any: Vec<String> = value.split('|').map(str::to_lowercase).collect();
                    items.retain(|item| any.contains(&item["ID"].as_str().unwrap().to_lowercase()));
                }
            },
            _ => {}
        }
    }
    let total = items.len();
    let start = (page as usize - 1) * page_size;
    let page_items: Vec<&Value> = items.into_iter().skip(start).take(page_size).collect();
    let total_pages = state.claimed_total_pages.map_or(total.div_ceil(page_size), |claimed| claimed as usize);
    let meta = json!({
        "Page": page, "PageSize": page_size, "TotalCount": total, "TotalPages": total_pages,
        "NextPageKey": state.claimed_next_page_key,
    });
    json_response(200, &json!({"Meta": meta, "Items": page_items}))
}

/// The page numbers a log's list requests asked for (1 when none).
fn pages_asked(requests: &[(String, String)]) -> Vec<u32> {
    requests
        .iter()
        .filter(|(method, url)| method == "GET" && url.contains("/v1/products"))
        .map(|(_, url)| {
            let query = url.split_once('?').map_or("", |(_, query)| query);
            query_pairs(query).iter().find(|(name, _)| name == "page").map_or(1, |(_, value)| value.parse().unwrap())
        })
        .collect()
}

fn products(client: &ApiClient, options: &ListOptions) -> ordercloud_transport::ListCall<Value> {
    client.call(&LIST_PRODUCTS).listing::<Value>().options(options)
}

#[tokio::test]
async fn pages_come_in_order_without_duplicates_and_no_more_than_concurrency_at_once() {
    // 21 pages: the first alone, then five rounds of four.
    let server = Server::start(State {
        items: catalog(2_100),
        latency: Duration::from_millis(5),
        gate: Some(4),
        ..State::default()
    })
    .await;
    let client = server.client();
    let options = ListOptions::new().page_size(100);
    // A walk owns what it needs: it can run in a task of its own.
    let walk = products(&client, &options).pages().concurrency(4).all_items();
    let items = tokio::spawn(walk).await.unwrap().unwrap();
    assert_eq!(ids(&items), ids(&server.state.items), "every item once, in the list's own order");
    assert_eq!(server.most_in_flight(), 4, "four pages at once, never more");
    let mut asked = pages_asked(&server.requests());
    assert_eq!(asked[0], 1);
    asked.sort_unstable();
    assert_eq!(asked, (1..=21).collect::<Vec<_>>(), "each page asked for once");

    // The stream of items: the same, in the same order, with the default concurrency.
    let mut stream = products(&client, &options).items();
    let mut streamed = Vec::new();
    while let Some(item) = stream.next().await {
        streamed.push(item.unwrap());
    }
    assert_eq!(streamed, items);
    assert!(server.most_in_flight() <= 8);
}

#[tokio::test]
async fn pages_fetched_ahead_are_bounded_by_the_concurrency() {
    let server =
        Server::start(State { items: catalog(2_000), latency: Duration::from_millis(2), ..State::default() }).await;
    let client = server.client();
    let mut pages = products(&client, &ListOptions::new().page_size(100)).pages().concurrency(3);
    let first = pages.next_page().await.unwrap().unwrap();
    assert_eq!(first.items.len(), 100);
    assert_eq!(server.requests().len(), 1, "nothing is fetched ahead of the first page");
    pages.next_page().await.unwrap().unwrap();
    assert!(server.requests().len() <= 1 + 3, "{} requests", server.requests().len());
    // Nothing moves while the walk is not awaited.
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(server.requests().len() <= 1 + 3);
}

#[tokio::test]
async fn a_failed_page_is_the_error_and_is_asked_for_again_while_others_are_in_flight() {
    let server = Server::start(State {
        items: catalog(1_000),
        latency: Duration::from_millis(3),
        failing_pages: Mutex::new(BTreeSet::from([3])),
        ..State::default()
    })
    .await;
    let client = server.client();
    let mut pages = products(&client, &ListOptions::new().page_size(100)).pages().concurrency(4);
    let mut items = Vec::new();
    let mut errors = Vec::new();
    loop {
        match pages.next_page().await {
            Ok(Some(page)) => items.extend(page.items),
            Ok(None) => break,
            Err(error) => {
                assert_eq!(items.len(), 200, "the error comes in the failed page's turn");
                errors.push(error);
            }
        }
    }
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].status().map(|status| status.as_u16()), Some(500));
    assert_eq!(ids(&items), ids(&server.state.items), "nothing skipped, nothing twice");
    let asked = pages_asked(&server.requests());
    assert_eq!(asked.iter().filter(|page| **page == 3).count(), 2, "the failed page asked for again");
    assert_eq!(asked.len(), 11);
}

#[tokio::test]
async fn past_30_pages_the_walk_goes_on_by_last_id_and_never_asks_a_page_past_30() {
    let server =
        Server::start(State { items: catalog(3_500), latency: Duration::from_millis(1), ..State::default() }).await;
    let client = server.client();
    let options = ListOptions::new().page_size(100);
    let items = products(&client, &options).pages().all_items().await.unwrap();
    let mut sorted = ids(&server.state.items);
    sorted.sort();
    assert_eq!(ids(&items), sorted, "every item once, in ID order");
    let requests = server.requests();
    assert!(pages_asked(&requests).iter().all(|page| *page <= 30), "no page past 30");
    assert_eq!(requests.len(), 1 + 35, "the first page, then 35 pages in ID order");
    assert!(!requests[0].1.contains("sortBy"), "the first request is the caller's");
    let after: Vec<&String> = requests.iter().map(|(_, url)| url).filter(|url| url.contains("ID=%3E")).collect();
    assert_eq!(after.len(), 5, "pages 1 to 5 after the last ID of page 30");
    assert!(after.iter().all(|url| url.contains("sortBy=ID") && url.contains("ID=%3Ep02999")), "{after:?}");

    // As a stream, the same.
    let mut stream = products(&client, &options).items();
    let mut count = 0;
    while let Some(item) = stream.next().await {
        assert_eq!(item.unwrap()["ID"].as_str().unwrap(), sorted[count]);
        count += 1;
    }
    assert_eq!(count, 3_500);

    // Sorted by the caller: page numbers to the end, as asked.
    let before = server.requests().len();
    let options = ListOptions::new().page_size(100).sort_by(["!ID"]);
    let items = products(&client, &options).pages().all_items().await.unwrap();
    sorted.reverse();
    assert_eq!(ids(&items), sorted);
    let asked = pages_asked(&server.requests()[before..]);
    assert_eq!(asked.iter().max(), Some(&35));
}

#[tokio::test]
async fn a_list_without_ids_goes_on_by_page_number() {
    let items: Vec<Value> = (0..3_200).map(|n| json!({"ProductID": format!("p{n}"), "CatalogID": "c"})).collect();
    let server = Server::start(State { items, ..State::default() }).await;
    let client = server.client();
    let found = products(&client, &ListOptions::new().page_size(100)).pages().all_items().await.unwrap();
    assert_eq!(found, server.state.items);
    assert_eq!(pages_asked(&server.requests()).iter().max(), Some(&32));
}

#[tokio::test]
async fn many_objects_by_id_come_in_the_order_asked_in_urls_under_the_limit() {
    let items: Vec<Value> =
        (0..1_000).map(|n| json!({"ID": format!("catalog-item-{n:04}-with-a-rather-long-id"), "N": n})).collect();
    let server = Server::start(State { items, latency: Duration::from_millis(2), ..State::default() }).await;
    let client = server.client();
    // Every third product backwards, two unknown IDs, a repeat and one in other letters.
    let mut asked: Vec<String> =
        (0..1_000).rev().step_by(3).map(|n| format!("catalog-item-{n:04}-with-a-rather-long-id")).collect();
    asked.insert(5, "no-such-product".to_owned());
    asked.push("CATALOG-ITEM-0999-WITH-A-RATHER-LONG-ID".to_owned());
    asked.push("another-missing-one".to_owned());
    let lookup = client.call(&LIST_PRODUCTS).listing::<Value>().by_id(asked.clone()).concurrency(3).send();
    let found = tokio::spawn(lookup).await.unwrap().unwrap();
    let expected: Vec<u64> = (0..1_000).rev().step_by(3).collect();
    assert_eq!(found.items.iter().map(|item| item["N"].as_u64().unwrap()).collect::<Vec<_>>(), expected);
    assert_eq!(found.missing, ["no-such-product", "another-missing-one"]);

    let requests = server.requests();
    // 336 IDs of 39 characters: 4 requests of 100 IDs would pass the URL limit.
    assert!(requests.len() > 4, "{} requests", requests.len());
    assert!(server.most_in_flight() <= 3);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (_, url) in &requests {
        assert!(url.len() <= MAX_URL_LENGTH, "a URL of {} characters", url.len());
        let query = url.split_once('?').unwrap().1;
        let pairs = query_pairs(query);
        assert!(pairs.contains(&("pageSize".to_owned(), "100".to_owned())));
        let filter = &pairs.iter().find(|(name, _)| name == "ID").unwrap().1;
        assert!(filter.split('|').count() <= 100);
        for id in filter.split('|') {
            *seen.entry(id.to_lowercase()).or_default() += 1;
        }
    }
    assert_eq!(seen.len(), asked.len() - 1, "each ID asked once (letter case aside)");
    assert!(seen.values().all(|count| *count == 1));

    // A smaller page size makes smaller groups; an ID the filter cannot express is refused.
    let before = server.requests().len();
    let few = client
        .call(&LIST_PRODUCTS)
        .listing::<Value>()
        .options(&ListOptions::new().page_size(20))
        .by_id(asked[..50].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(few.items.len() + few.missing.len(), 50);
    assert_eq!(server.requests().len() - before, 3);
    let refused = client.call(&LIST_PRODUCTS).listing::<Value>().by_id(["a", "b|c"]).send().await.unwrap_err();
    assert!(refused.is_invalid_request() && refused.to_string().contains("ids[1]"), "{refused}");
    assert_eq!(server.requests().len() - before, 3, "nothing sent");
}

fn post_product(client: &ApiClient, id: &str) -> impl std::future::Future<Output = Result<Value, Error>> + use<> {
    client.request(http::Method::POST, "/products").json(&json!({"ID": id})).send_json::<Value>()
}

#[tokio::test]
async fn bulk_calls_hold_the_bound_report_progress_and_keep_failures_with_their_inputs() {
    let inputs: Vec<String> = (0..120).map(|n| format!("p{n:03}")).collect();
    let failing: BTreeSet<String> = inputs.iter().filter(|id| id.ends_with('7')).cloned().collect();
    let throttled: BTreeSet<String> = ["p010", "p020"].map(str::to_owned).into();
    let server = Server::start(State {
        latency: Duration::from_millis(3),
        failing_ids: failing.clone(),
        throttled_ids: Mutex::new(throttled),
        ..State::default()
    })
    .await;
    let client = server.client();
    let mut progress = Vec::new();
    let report = Bulk::new(inputs.clone())
        .concurrency(6)
        .on_progress(|step| progress.push(step))
        .run(|id| post_product(&client, id))
        .await;
    assert!(server.most_in_flight() <= 6);
    assert!(!report.stopped && report.not_started.len() == 0);
    let failed: Vec<&String> = report.failed.iter().map(|failure| &failure.input).collect();
    assert_eq!(failed, failing.iter().collect::<Vec<_>>(), "each failure with its input, in order");
    assert!(report.failed.iter().all(|failure| failure.error.status().map(|s| s.as_u16()) == Some(500)));
    assert_eq!(report.failed[0].index, 7);
    let created: Vec<&str> = report.succeeded.iter().map(|product| product["ID"].as_str().unwrap()).collect();
    let expected: Vec<&str> = inputs.iter().filter(|id| !failing.contains(*id)).map(String::as_str).collect();
    assert_eq!(created, expected, "the answers, in the order of the inputs");

    // A POST is sent once (a 500 may have done something), unless it provably did not take
    // effect: the two answered 429 were sent again, by the client's retry policy.
    let mut sent: HashMap<String, usize> = HashMap::new();
    for id in server.state.posted.lock().unwrap().iter() {
        *sent.entry(id.clone()).or_default() += 1;
    }
    assert_eq!(sent.len(), 120);
    for (id, count) in &sent {
        assert_eq!(*count, if id == "p010" || id == "p020" { 2 } else { 1 }, "{id}");
    }

    assert_eq!(progress.len(), 120, "once per call");
    assert!(progress.iter().all(|step| step.done + step.failed + step.remaining == 120));
    assert!(progress.windows(2).all(|pair| pair[0].done + pair[0].failed + 1 == pair[1].done + pair[1].failed));
    let last = progress.last().unwrap();
    assert_eq!((last.done, last.failed, last.remaining), (108, 12, 0));
}

#[tokio::test]
async fn a_bulk_run_stops_after_too_many_failures_or_when_told() {
    let inputs: Vec<String> = (0..100).map(|n| format!("q{n:03}")).collect();
    let server = Server::start(State {
        latency: Duration::from_millis(2),
        failing_ids: inputs.iter().cloned().collect(),
        ..State::default()
    })
    .await;
    let client = server.client();
    let report =
        Bulk::new(inputs.clone()).concurrency(2).stop_after_failures(3).run(|id| post_product(&client, id)).await;
    assert!(report.stopped);
    assert!((3..=4).contains(&report.failed.len()), "the calls in flight finish: {}", report.failed.len());
    let not_started: Vec<String> = report.not_started.collect();
    assert_eq!(report.failed.len() + not_started.len(), 100, "every input accounted for");
    assert_eq!(not_started[0], inputs[report.failed.len()]);
    assert_eq!(server.requests().len(), report.failed.len());

    // Stopped by a handle, from the progress callback.
    let server = Server::start(State { latency: Duration::from_millis(2), ..State::default() }).await;
    let client = server.client();
    let bulk = Bulk::new(inputs.clone()).concurrency(3);
    let stop: StopHandle = bulk.stop_handle();
    // A run owns what it is given: it can run in a task of its own.
    let run = bulk
        .on_progress(move |step| {
            if step.done == 10 {
                stop.stop();
            }
        })
        .run(move |id| post_product(&client, id));
    let report = tokio::spawn(run).await.unwrap();
    assert!(report.stopped);
    assert!((10..=12).contains(&report.succeeded.len()), "{}", report.succeeded.len());
    assert_eq!(report.succeeded.len() + report.not_started.len(), 100);
    assert_eq!(server.requests().len(), report.succeeded.len());
}

/// Every item of a walk that skips its errors, and the errors skipped.
async fn skipping_errors(pages: ordercloud_transport::Pages<Value>) -> (Vec<Value>, Vec<Error>) {
    let mut stream = pages.items();
    let (mut items, mut errors) = (Vec::new(), Vec::new());
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => items.push(item),
            Err(error) => errors.push(error),
        }
        assert!(errors.len() <= 10, "the walk keeps failing: {errors:?}");
    }
    (items, errors)
}

#[tokio::test]
async fn a_page_that_cannot_pass_ends_the_walk_after_its_error() {
    // A page that is not there, and one whose body never decodes: asked for once each, and
    // a caller that skips errors is not caught in a loop.
    for (broken_pages, garbled_pages) in
        [(HashMap::from([(3, 404)]), BTreeSet::new()), (HashMap::new(), BTreeSet::from([3]))]
    {
        let server =
            Server::start(State { items: catalog(1_000), broken_pages, garbled_pages, ..State::default() }).await;
        let client = server.client();
        let pages = products(&client, &ListOptions::new().page_size(100)).pages().concurrency(4);
        let (items, errors) = skipping_errors(pages).await;
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(matches!(errors[0].status().map(|s| s.as_u16()), Some(404) | Some(200)), "{:?}", errors[0]);
        assert_eq!(ids(&items), ids(&server.state.items[..200]), "the pages before it, then the end");
        let asked = pages_asked(&server.requests());
        assert_eq!(asked.iter().filter(|page| **page == 3).count(), 1, "asked for once");
        assert!(asked.len() <= 3 + 4, "no page asked for after the walk ended: {asked:?}");
    }

    // An error that may pass (503) is asked for again, but not forever: five times in all.
    let server =
        Server::start(State { items: catalog(1_000), broken_pages: HashMap::from([(2, 503)]), ..State::default() })
            .await;
    let client = server.client();
    let (items, errors) = skipping_errors(products(&client, &ListOptions::new().page_size(100)).pages()).await;
    assert_eq!(errors.len(), 5);
    assert!(errors.iter().all(|error| error.status().map(|s| s.as_u16()) == Some(503)));
    assert_eq!(items.len(), 100);
    assert_eq!(pages_asked(&server.requests()).iter().filter(|page| **page == 2).count(), 5);
}

#[tokio::test]
async fn a_server_that_does_not_sort_by_id_ends_the_last_id_walk() {
    let server = Server::start(State { items: catalog(3_500), ignores_sort: true, ..State::default() }).await;
    let client = server.client();
    let error = products(&client, &ListOptions::new().page_size(100)).pages().all_items().await.unwrap_err();
    let Error::Pagination(pagination) = &error else { panic!("{error:?}") };
    assert_eq!(pagination.kind(), PaginationErrorKind::OutOfOrder);
    // The first answer, in the list's own order, is not returned and not counted.
    assert_eq!(pagination.pages(), 1);
    assert!(error.to_string().contains("not in increasing order"), "{error}");

    // Sorted, but the ID filter ignored after page 30: the next window starts over, and
    // ends the walk after the 30 pages returned.
    let server = Server::start(State { items: catalog(3_500), ignores_id_filter: true, ..State::default() }).await;
    let client = server.client();
    let mut stream = products(&client, &ListOptions::new().page_size(100)).items();
    let mut count = 0;
    let error = loop {
        match stream.next().await.unwrap() {
            Ok(_) => count += 1,
            Err(error) => break error,
        }
    };
    assert_eq!(count, 3_000);
    assert!(matches!(error, Error::Pagination(_)), "{error:?}");
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn objects_by_id_take_one_request_per_group_whatever_the_server_answers() {
    // A server that ignores the ID filter, claims 40,000 pages and a next page key: each
    // group is one request, and only the objects asked for are kept.
    let server = Server::start(State {
        items: catalog(1_000),
        ignores_id_filter: true,
        claimed_total_pages: Some(40_000),
        claimed_next_page_key: Some("next".to_owned()),
        ..State::default()
    })
    .await;
    let client = server.client();
    let asked: Vec<String> = (0..250).map(|n| format!("p{:05}", n * 4)).collect();
    let found = client.call(&LIST_PRODUCTS).listing::<Value>().by_id(asked.clone()).send().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "250 IDs, 100 to a page: three requests, no second page");
    assert!(requests.iter().all(|(_, url)| !url.contains("page=") && !url.contains("pageKey")), "{requests:?}");
    // Each answer is the list's first page: of it, only what its request asked for.
    let first_page: Vec<String> = ids(&server.state.items[..100]);
    let expected: Vec<&String> = asked.iter().filter(|id| first_page.contains(id)).collect();
    assert!(!expected.is_empty());
    assert_eq!(ids(&found.items).iter().collect::<Vec<_>>(), expected, "only the objects asked for, in order");
    assert_eq!(found.items.len() + found.missing.len(), asked.len());
}

#[tokio::test]
async fn an_id_refused_by_id_is_named_at_its_place_in_the_callers_ids() {
    let server = Server::start(State::default()).await;
    let client = server.client();
    let long = "x".repeat(MAX_URL_LENGTH);
    let ids = ["a", "A", "b", "B", long.as_str()];
    let refused = client.call(&LIST_PRODUCTS).listing::<Value>().by_id(ids).send().await.unwrap_err();
    assert!(refused.is_invalid_request());
    assert!(refused.to_string().contains("ids[4] cannot be looked up"), "{refused}");
    assert!(server.requests().is_empty(), "nothing sent");
}

#[tokio::test]
async fn a_stopped_bulk_run_hands_back_the_inputs_it_never_started_unread() {
    // Endless inputs: the run stops after two failures, and the rest is never read.
    let failing: BTreeSet<String> = (0..10).map(|n| format!("e{n}")).collect();
    let server = Server::start(State { failing_ids: failing, ..State::default() }).await;
    let client = server.client();
    let read = Arc::new(AtomicUsize::new(0));
    let counted = read.clone();
    let endless = (0..).map(move |n| {
        counted.fetch_add(1, Ordering::SeqCst);
        format!("e{n}")
    });
    let mut report = Bulk::new(endless).concurrency(2).stop_after_failures(2).run(|id| post_product(&client, id)).await;
    assert!(report.stopped);
    let started = report.failed.len();
    assert!((2..=3).contains(&started), "{started}");
    assert_eq!(read.load(Ordering::SeqCst), started, "no input read but those started");
    assert_eq!(report.not_started.size_hint(), (usize::MAX, None));
    assert!(format!("{report:?}").contains("not_started: at least"), "{report:?}");
    // The rest, in order, from where the run stopped.
    assert_eq!(report.not_started.next(), Some(format!("e{started}")));

    // A run that was not stopped has nothing left; a Vec's rest knows its length.
    let inputs: Vec<String> = (0..5).map(|n| format!("f{n}")).collect();
    let report = Bulk::new(inputs.clone()).run(|id| post_product(&client, id)).await;
    assert!(!report.stopped && report.not_started.len() == 0);
    let bulk = Bulk::new(inputs).concurrency(1);
    bulk.stop_handle().stop();
    let report = bulk.run(|id| post_product(&client, id)).await;
    assert_eq!(report.not_started.len(), 5);
    assert_eq!(report.not_started.collect::<Vec<_>>(), ["f0", "f1", "f2", "f3", "f4"]);
}

/// A transport whose pages after the second are answered only once released, and whose
/// timers run out when told: a walk left alone longer than a call's timeout, without waiting
/// for one.
#[derive(Debug)]
struct LeftAlone {
    released: tokio::sync::watch::Sender<bool>,
    /// Each expiry ends the timers started before it.
    expiries: tokio::sync::watch::Sender<u32>,
    asked: Mutex<Vec<u32>>,
}

#[ordercloud_transport::async_trait]
impl ordercloud_transport::HttpTransport for LeftAlone {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, ordercloud_transport::TransportError> {
        let pairs = query_pairs(request.uri().query().unwrap_or(""));
        let page: u32 = pairs.iter().find(|(name, _)| name == "page").map_or(1, |(_, value)| value.parse().unwrap());
        let first_time = {
            let mut asked = self.asked.lock().unwrap();
            asked.push(page);
            asked.iter().filter(|asked| **asked == page).count() == 1
        };
        if page == 3 && first_time {
            // Answered while the walk is not polled; its body is still being read when the
            // walk is polled again, after the call's time ran out.
            let _ = self.released.subscribe().wait_for(|released| *released).await;
            tokio::task::yield_now().await;
        }
        let items: Vec<String> = (0..10).map(|n| format!("p{page}-{n}")).collect();
        let meta = json!({"Page": page, "PageSize": 10, "TotalCount": 40, "TotalPages": 4});
        let body = json!({"Meta": meta, "Items": items}).to_string();
        Ok(http::Response::builder().status(200).body(Bytes::from(body)).unwrap())
    }

    fn sleep(&self, _: Duration) -> ordercloud_transport::Sleep {
        let mut expiries = self.expiries.subscribe();
        let started = *expiries.borrow();
        Box::pin(async move {
            let _ = expiries.wait_for(|expiry| *expiry > started).await;
        })
    }
}

#[tokio::test]
async fn a_page_fetched_ahead_that_timed_out_while_the_walk_was_left_alone_is_asked_for_again() {
    let transport = Arc::new(LeftAlone {
        released: tokio::sync::watch::Sender::new(false),
        expiries: tokio::sync::watch::Sender::new(0),
        asked: Mutex::new(Vec::new()),
    });
    let client = ApiClient::builder().transport(transport.clone()).build().unwrap();
    let mut pages = client.request(http::Method::GET, "/products").pages::<String>().concurrency(2);
    assert_eq!(pages.next_page().await.unwrap().unwrap().items[0], "p1-0");
    // Page 2 comes back while page 3 is still in flight.
    assert_eq!(pages.next_page().await.unwrap().unwrap().items[0], "p2-0");
    assert_eq!(*transport.asked.lock().unwrap(), [1, 2, 3]);
    // Left alone: page 3's answer arrives, and its call's time runs out.
    transport.released.send_replace(true);
    transport.expiries.send_modify(|expiry| *expiry += 1);
    let third = pages.next_page().await.expect("asked for again, not an error");
    assert_eq!(third.unwrap().items[0], "p3-0");
    assert_eq!(pages.next_page().await.unwrap().unwrap().items[0], "p4-0");
    assert!(pages.next_page().await.unwrap().is_none());
    let mut asked = transport.asked.lock().unwrap().clone();
    asked.sort_unstable();
    assert_eq!(asked, [1, 2, 3, 3, 4], "page 3 asked for twice");
}
