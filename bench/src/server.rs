//! The loopback server: `GET /v1/products` answers a fixed page of 100 products (built once,
//! [`product_page`]), or with `catalogID=slow-40ms` a page of a catalog of 10,000 products
//! 40 ms after the request ([`SlowCatalog`]); `GET /stats` answers `<connections accepted>
//! <requests served>`, and everything else 204; all with keep-alive.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use ordercloud_models::resources::{Inventory, Product};
use ordercloud_models::{Decimal, ListFacet, ListFacetValue, ListPageWithFacets, MetaWithFacets, Xp, decimal};
use tokio::net::TcpListener;

/// The path of the list the list rows fetch.
const PRODUCTS: &str = "/v1/products";

pub(crate) fn serve() -> Result<(), String> {
    crate::exit_when_stdin_closes();
    let page = product_page()?;
    let catalog = Arc::new(SlowCatalog::new()?);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
        println!("{}", listener.local_addr().map_err(|e| e.to_string())?.port());
        let connections = Arc::new(AtomicU64::new(0));
        let requests = Arc::new(AtomicU64::new(0));
        loop {
            let (stream, _) = listener.accept().await.map_err(|e| e.to_string())?;
            let _ = stream.set_nodelay(true);
            connections.fetch_add(1, Ordering::Relaxed);
            let (connections, requests, page, catalog) =
                (connections.clone(), requests.clone(), page.clone(), catalog.clone());
            tokio::spawn(async move {
                let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
                    let served = requests.fetch_add(1, Ordering::Relaxed);
                    let mut delay = None;
                    let response = match (request.method(), request.uri().path()) {
                        (_, "/stats") => {
                            let stats = format!("{} {}", connections.load(Ordering::Relaxed), served);
                            http::Response::new(Full::new(Bytes::from(stats)))
                        }
                        (&http::Method::GET, PRODUCTS) => {
                            let query = request.uri().query().unwrap_or("");
                            let body = match catalog.page(query) {
                                Some(body) => {
                                    delay = Some(SLOW_LATENCY);
                                    body
                                }
                                None => page.clone(),
                            };
                            let mut response = http::Response::new(Full::new(body));
                            response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                            response
                        }
                        _ => {
                            let mut response = http::Response::new(Full::new(Bytes::new()));
                            *response.status_mut() = http::StatusCode::NO_CONTENT;
                            response
                        }
                    };
                    async move {
                        if let Some(delay) = delay {
                            tokio::time::sleep(delay).await;
                        }
                        Ok::<_, Infallible>(response)
                    }
                });
                let _ =
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    })
}

/// How long the slow catalog takes to answer: an ordinary cloud round trip.
pub(crate) const SLOW_LATENCY: std::time::Duration = std::time::Duration::from_millis(40);

/// The catalog of the walk rows: 10,000 products (IDs `NW-TRAIL-00001`... in order), served
/// as OrderCloud serves a list: `page` and `pageSize`, `sortBy=ID`, and `ID=>{last ID}`.
pub(crate) struct SlowCatalog {
    /// Each product's ID and its JSON.
    products: Vec<(String, String)>,
}

/// The `catalogID` that asks for the slow catalog.
pub(crate) const SLOW_CATALOG: &str = "slow-40ms";

/// How many products the slow catalog holds.
pub(crate) const SLOW_CATALOG_SIZE: usize = 10_000;

impl SlowCatalog {
    fn new() -> Result<Self, String> {
        let products = (1..=SLOW_CATALOG_SIZE)
            .map(|n| {
                let product = product(n);
                let json = serde_json::to_string(&product).map_err(|e| e.to_string())?;
                Ok((product.id.unwrap_or_default(), json))
            })
            .collect::<Result<_, String>>()?;
        Ok(Self { products })
    }

    /// The page a query of the slow catalog asks for, as JSON; `None` for another query.
    fn page(&self, query: &str) -> Option<Bytes> {
        let mut slow = false;
        let (mut page, mut page_size, mut after) = (1usize, 20usize, None);
        for pair in query.split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            match name {
                "catalogID" => slow = value == SLOW_CATALOG,
                "page" => page = value.parse().ok()?,
                "pageSize" => page_size = value.parse().ok()?,
                // The products are in ID order already, so sortBy=ID changes nothing.
                "ID" => after = Some(value.strip_prefix("%3E")?.to_owned()),
                _ => {}
            }
        }
        if !slow || page == 0 || page_size == 0 {
            return None;
        }
        let first = after.map_or(0, |after| self.products.partition_point(|(id, _)| *id <= after));
        let matching = &self.products[first..];
        let items: Vec<&str> =
            matching.iter().skip((page - 1) * page_size).take(page_size).map(|(_, json)| json.as_str()).collect();
        let total = matching.len();
        let body = format!(
            r#"{{"Meta":{{"Facets":[],"Page":{page},"PageSize":{page_size},"TotalCount":{total},"TotalPages":{}}},"Items":[{}]}}"#,
            total.div_ceil(page_size),
            items.join(",")
        );
        Some(Bytes::from(body))
    }
}

/// The answer to `GET /v1/products`: page 1 of 19 of a catalog of running shoes, 100
/// products with every field set (a nested `Inventory`, an `xp` of seven keys) and the
/// list's `Meta` with three facets, as compact JSON.
pub(crate) fn product_page() -> Result<Bytes, String> {
    let facet = |name: &str, values: &[(&str, u64)]| {
        let mut facet = ListFacet::default();
        facet.name = name.to_owned();
        facet.xp_path = name.to_owned();
        facet.values = values
            .iter()
            .map(|&(value, count)| {
                let mut facet_value = ListFacetValue::default();
                facet_value.value = value.to_owned();
                facet_value.count = count;
                facet_value
            })
            .collect();
        facet
    };
    let facets = vec![
        facet("Color", &[("Black", 512), ("Blue", 401), ("Red", 366), ("White", 309), ("Green", 255)]),
        facet("Brand", &[("Northwind", 1020), ("Trailhead", 611), ("Summit", 212)]),
        facet("Gender", &[("Unisex", 904), ("Women", 488), ("Men", 451)]),
    ];
    let mut meta = MetaWithFacets::new(1, 100, 1843, 19, facets);
    meta.item_range = vec![1, 100];
    let page = ListPageWithFacets::new(meta, (1..=100).map(product).collect());
    let json = serde_json::to_vec(&page).map_err(|e| e.to_string())?;
    Ok(Bytes::from(json))
}

/// Product `n` of the page: realistic values, every field set.
fn product(n: usize) -> Product {
    const COLORS: [&str; 5] = ["Black", "Blue", "Red", "White", "Green"];
    const BRANDS: [&str; 3] = ["Northwind", "Trailhead", "Summit"];
    let (color, brand) = (COLORS[n % COLORS.len()], BRANDS[n % BRANDS.len()]);
    let xp = serde_json::json!({
        "Brand": brand,
        "Color": color,
        "Gender": "Unisex",
        "Sizes": ["7", "8", "9", "10", "11", "12"],
        "Featured": n % 7 == 0,
        "Rating": 3.5 + (n % 15) as f64 / 10.0,
        "Tags": ["trail", "running", "waterproof"],
    });
    let mut product = Product::new()
        .with_owner_id("northwind-outfitters")
        .with_default_price_schedule_id(format!("ps-footwear-{:02}", n % 12))
        .with_auto_forward(n % 5 == 0)
        .with_id(format!("NW-TRAIL-{n:05}"))
        .with_name(format!("{brand} Ridge Runner {n} Trail Shoe, {color}"))
        .with_description(
            "Lightweight trail running shoe with a breathable mesh upper, a rock plate under the \
             forefoot and a 6 mm drop. The lugged outsole grips on wet rock and loose gravel; the \
             gusseted tongue keeps debris out.",
        )
        .with_quantity_multiplier(1)
        .with_ship_weight(Decimal::new(85 + n as i128, 2))
        .with_ship_height(decimal!(12.5))
        .with_ship_width(decimal!(20.0))
        .with_ship_length(decimal!(33.5))
        .with_active(n % 10 != 0)
        .with_ship_from_address_id("warehouse-reno-01")
        .with_inventory(
            Inventory::new()
                .with_enabled(true)
                .with_notification_point(10)
                .with_variant_level_tracking(true)
                .with_order_can_exceed(false)
                .with_quantity_available(i32::try_from(250 + n * 7).unwrap_or(i32::MAX)),
        )
        .with_default_supplier_id("northwind")
        .with_all_suppliers_can_sell(false)
        .with_returnable(true)
        .with_xp(Xp::from(xp));
    // Read-only: OrderCloud sets them, so they have no setters.
    product.spec_count = Some(2);
    product.variant_count = Some(12);
    if let Some(inventory) = product.inventory.as_mut() {
        inventory.last_updated = Some(format!("2025-03-{:02}T09:26:53.589+00:00", 1 + n % 28));
    }
    product
}
