//! The `checkout_middleware` example end to end, against the standalone simulator: the
//! `ordercloud-simulator` program in a process of its own, the middleware on axum in this
//! one, and the shopper's journey through OrderCloud's API. Each call the simulator makes to
//! the middleware is signed, and the middleware verifies each (the hash, then the token in
//! it).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use ordercloud::ApiClient;
use ordercloud::models::decimal;
use ordercloud::transport::http::Method;
use ordercloud_examples::checkout;
use serde_json::Value;

/// The simulator program, stopped when dropped.
struct Program(Child);

impl Program {
    /// Starts it on a free port; its base URL, the first line it prints.
    fn start() -> (Self, String) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ordercloud-simulator-program"))
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the simulator program starts");
        let mut base_url = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut base_url).unwrap();
        (Self(child), base_url.trim().to_owned())
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn a_shopper_checks_out_and_the_middleware_sees_each_call_verified() {
    let (_program, base_url) = Program::start();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");
    let mut said = Vec::new();
    let (middleware, journey) = checkout::run(&base_url, &mut |line| said.push(line)).await.unwrap();

    assert_eq!(journey.refused_code, "Webhook.Blocked", "the pre-hook refused twelve of an item");
    assert_eq!(
        journey.totals,
        [decimal!(99), decimal!(9.5), decimal!(7.92), decimal!(116.42)],
        "subtotal, shipping, tax and total as the middleware said"
    );
    assert_eq!(journey.submitted.status.map(|status| status.as_str().to_owned()).as_deref(), Some("Open"));
    assert_eq!(journey.points, 116);
    assert_eq!(
        middleware.seen.lines(),
        [
            "pre-hook: a line of 12 refused",
            "pre-hook: a line of 2 allowed",
            "/shippingrates for jdoe, verified",
            "/ordercalculate for jdoe, verified",
            "/ordersubmit for jdoe, verified",
            "GET /api/loyalty from jdoe, verified",
        ]
    );
    assert!(said.iter().any(|line| line.contains("116 loyalty points")), "{said:?}");

    // What the simulator recorded of its calls, over its control route.
    let client = ApiClient::builder().base_url(&base_url).build().unwrap();
    let callouts: Value = client.request_unversioned(Method::GET, "/_simulator/callouts").send_json().await.unwrap();
    let calls: Vec<(&str, &str, u64)> = callouts
        .as_array()
        .unwrap()
        .iter()
        .map(|call| {
            (call["Kind"].as_str().unwrap(), call["Operation"].as_str().unwrap(), call["Status"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        calls,
        [
            ("PreHook", "LineItems.Create", 200),
            ("PreHook", "LineItems.Create", 200),
            ("IntegrationEvent", "IntegrationEvents.EstimateShipping", 200),
            ("IntegrationEvent", "IntegrationEvents.Calculate", 200),
            ("IntegrationEvent", "Orders.Submit", 200),
        ]
    );
    // The middleware fetched the simulator's key once, for every token it verified.
    let requests: Value = client.request_unversioned(Method::GET, "/_simulator/requests").send_json().await.unwrap();
    let fetches: u64 = requests
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["Route"] == "/oauth/certs/{ID}")
        .map(|entry| entry["Count"].as_u64().unwrap())
        .sum();
    assert_eq!(fetches, 1);
}
