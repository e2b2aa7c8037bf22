//! The simulator signing and calling out as OrderCloud does, over real HTTP on 127.0.0.1:
//! RS256 tokens and the key that verifies them, webhooks before and after operations, and
//! the checkout and add-to-cart integration events with their answers applied.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ordercloud_models::message_sender::compute_oc_hash;
use ordercloud_simulator::{CalloutKind, DeliveryOutcome, SIGNING_KEY_ID, SimApiClient, SimUser, Simulator};
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

mod wire;

use wire::{call, token};

const ADMIN: &str = "admin";
const SECRET: &str = "admin-secret";
const SHOP: &str = "shop";
const HOOK_KEY: &str = "webhook-hash-key";
const EVENT_KEY: &str = "event-hash-key";

/// A call a receiver got: its path, `X-oc-hash` and body.
#[derive(Clone, Debug)]
struct Received {
    path: String,
    oc_hash: Option<String>,
    body: Value,
}

impl Received {
    fn signed_with(&self, key: &str) -> bool {
        self.oc_hash.as_deref() == Some(compute_oc_hash(self.body.to_string().as_bytes(), key.as_bytes()).as_str())
    }
}

type Answerer = Arc<dyn Fn(&str, &Value) -> Option<(u16, String)> + Send + Sync>;

/// A middleware on 127.0.0.1 that records every call and answers as `answer` says (no
/// answer at all for `None`); its base URL.
async fn receiver(answer: Answerer) -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/middleware", listener.local_addr().unwrap());
    let calls = Arc::new(Mutex::new(Vec::new()));
    let recorded = calls.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (recorded, answer) = (recorded.clone(), answer.clone());
            tokio::spawn(async move {
                let (mut stream, path, oc_hash, body) = read_call(stream).await;
                let raw: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                // Signed over the exact bytes: kept as received, compared as received.
                assert_eq!(raw.to_string().as_bytes(), &body[..], "compact JSON, as signed");
                recorded.lock().unwrap().push(Received { path: path.clone(), oc_hash, body: raw.clone() });
                match answer(&path, &raw) {
                    Some((status, text)) => {
                        let reply = format!(
                            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                            text.len()
                        );
                        let _ = stream.write_all(reply.as_bytes()).await;
                    }
                    None => tokio::time::sleep(Duration::from_secs(30)).await,
                }
            });
        }
    });
    (url, calls)
}

async fn read_call(mut stream: TcpStream) -> (TcpStream, String, Option<String>, Vec<u8>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            let header = |name: &str| {
                head.lines().find_map(|line| {
                    let (key, value) = line.split_once(':')?;
                    key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
                })
            };
            let length: usize = header("content-length").and_then(|value| value.parse().ok()).unwrap_or(0);
            if buffer.len() >= end + 4 + length {
                let path = head.split_whitespace().nth(1).unwrap_or_default().to_owned();
                return (stream, path, header("x-oc-hash"), buffer[end + 4..end + 4 + length].to_vec());
            }
        }
        let read = stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the connection closed before the whole call arrived");
        buffer.extend_from_slice(&chunk[..read]);
    }
}

async fn admin_token(simulator: &Simulator) -> String {
    token(simulator, &format!("grant_type=client_credentials&client_id={ADMIN}&client_secret={SECRET}")).await
}

async fn shopper_token(simulator: &Simulator) -> String {
    token(simulator, &format!("grant_type=password&client_id={SHOP}&username=jdoe&password=Old-Passw0rd1")).await
}

/// A JWT's header and claims.
fn decode(jwt: &str) -> (Value, Value) {
    let mut parts = jwt.split('.');
    let mut part = || serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap()).unwrap();
    (part(), part())
}

/// A simulator with an admin client, a shopper of the buyer `b1`, and a product `p1` at 50
/// (20 for two or more), with callouts that time out after `timeout`.
async fn marketplace(timeout: Duration) -> Simulator {
    Simulator::builder()
        .api_client(SimApiClient::new(ADMIN).with_secret(SECRET).with_roles(["FullAccess"]))
        .api_client(SimApiClient::new(SHOP).with_roles(["Shopper", "MeAdmin"]).with_buyer("b1"))
        .resource("/buyers", json!({"ID": "b1", "Name": "Buyer", "Active": true}))
        .resource("/buyers/b1/users", json!({"ID": "u1", "Username": "jdoe", "FirstName": "Jo", "LastName": "Doe", "Email": "jdoe@example.com", "Password": "Old-Passw0rd1", "Active": true}))
        .resource("/priceschedules", json!({"ID": "p1", "Name": "P1", "PriceBreaks": [{"Quantity": 1, "Price": 50.0}]}))
        .resource("/products", json!({"ID": "p1", "Name": "Product", "Active": true, "DefaultPriceScheduleID": "p1"}))
        .callout_timeout(timeout)
        .start()
        .await
        .unwrap()
}

/// An order of the shopper with two of `p1`; its ID and the line item's.
async fn order_with_a_line(simulator: &Simulator, shopper: &str) -> (String, String) {
    let (status, order) = call(simulator, "POST", "/v1/orders/Outgoing", Some(shopper), Some(json!({}))).await;
    assert_eq!(status, 201, "{order}");
    let id = order["ID"].as_str().unwrap().to_owned();
    let line = json!({"ProductID": "p1", "Quantity": 2});
    let (status, line) =
        call(simulator, "POST", &format!("/v1/orders/Outgoing/{id}/lineitems"), Some(shopper), Some(line)).await;
    assert_eq!(status, 201, "{line}");
    (id, line["ID"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn tokens_are_rs256_with_the_key_served_at_oauth_certs() {
    let simulator = marketplace(Duration::from_secs(5)).await;
    let shopper = shopper_token(&simulator).await;
    let (header, claims) = decode(&shopper);
    assert_eq!((header["alg"].as_str(), header["kid"].as_str()), (Some("RS256"), Some(SIGNING_KEY_ID)));
    assert_eq!(claims["iss"], simulator.base_url(), "the API's URL, as the request reached it");
    assert_eq!(claims["aud"], simulator.base_url());
    assert_eq!(
        (claims["usr"].as_str(), claims["cid"].as_str(), claims["usrtype"].as_str()),
        (Some("jdoe"), Some(SHOP), Some("buyer"))
    );

    let (status, jwk) = call(&simulator, "GET", &format!("/oauth/certs/{SIGNING_KEY_ID}"), None, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        (jwk["kty"].as_str(), jwk["alg"].as_str(), jwk["use"].as_str(), jwk["kid"].as_str()),
        (Some("RSA"), Some("RS256"), Some("sig"), Some(SIGNING_KEY_ID))
    );
    let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
    let e = URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap();
    let (signed, signature) = shopper.rsplit_once('.').unwrap();
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
    let key = RsaPublicKeyComponents { n: &n, e: &e };
    assert!(key.verify(&RSA_PKCS1_2048_8192_SHA256, signed.as_bytes(), &signature).is_ok());

    // Where the API description puts the operation too; another key ID is not found.
    let (status, described) = call(&simulator, "GET", &format!("/v1/oauth/certs/{SIGNING_KEY_ID}"), None, None).await;
    assert_eq!((status, described), (200, jwk));
    let (status, missing) = call(&simulator, "GET", "/oauth/certs/another-key", None, None).await;
    assert_eq!((status, missing["Errors"][0]["ErrorCode"].as_str()), (404, Some("NotFound")));
    assert_eq!(simulator.requests().count("GET", "/oauth/certs/{ID}"), 2);

    // A portal token has no kid, and OrderCloud takes it.
    let portal = simulator.portal_token(SHOP, "jdoe").unwrap();
    assert!(decode(&portal).0.get("kid").is_none());
    let (status, me) = call(&simulator, "GET", "/v1/me", Some(&portal), None).await;
    assert_eq!((status, me["Username"].as_str()), (200, Some("jdoe")));
    assert!(simulator.portal_token(SHOP, "nobody").is_none());
}

#[tokio::test]
async fn a_token_issued_outside_a_request_names_the_simulators_own_url() {
    let simulator = marketplace(Duration::from_secs(5)).await;
    let shopper = shopper_token(&simulator).await;
    let elsewhere = format!(
        "GET /v1/me HTTP/1.1\r\nHost: shop.test:8080\r\nAuthorization: Bearer {shopper}\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(wire::send(&simulator, &elsewhere).await.0, 200);
    let claims = decode(&simulator.portal_token(SHOP, "jdoe").unwrap()).1;
    let own = simulator.base_url();
    assert_eq!((claims["iss"].as_str(), claims["aud"].as_str()), (Some(own.as_str()), Some(own.as_str())));
}

#[tokio::test]
async fn a_post_hook_hears_of_each_write_through_the_clients_listed() {
    let simulator = marketplace(Duration::from_secs(5)).await;
    let (url, calls) = receiver(Arc::new(|_, _| Some((204, String::new())))).await;
    let admin = admin_token(&simulator).await;
    let webhook = json!({
        "ID": "orders-created", "Name": "Orders created", "Url": format!("{url}/webhooks/orders"), "HashKey": HOOK_KEY,
        "ApiClientIDs": [SHOP], "WebhookRoutes": [{"Route": "v1/orders/{direction}", "Verb": "POST"}],
        "ConfigData": {"Queue": "erp"},
    });
    assert_eq!(call(&simulator, "POST", "/v1/webhooks", Some(&admin), Some(webhook)).await.0, 201);

    let shopper = shopper_token(&simulator).await;
    let (_, order) =
        call(&simulator, "POST", "/v1/orders/Outgoing?extra=1", Some(&shopper), Some(json!({"Comments": "hi"}))).await;
    call(&simulator, "GET", "/v1/orders/Outgoing", Some(&shopper), None).await;
    call(&simulator, "POST", "/v1/orders/Outgoing", Some(&admin), Some(json!({"FromCompanyID": "b1"}))).await;
    let callouts = simulator.wait_for_callouts(Duration::from_secs(10)).await.unwrap();

    let calls = calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 1, "a read, and a write through another client, call nothing: {calls:?}");
    let hook = &calls[0];
    assert_eq!(hook.path, "/middleware/webhooks/orders");
    assert!(hook.signed_with(HOOK_KEY));
    let payload = &hook.body;
    assert_eq!(payload["Route"], "v1/orders/{direction}");
    assert_eq!(payload["RouteParams"], json!({"direction": "Outgoing"}));
    assert_eq!(payload["QueryParams"], json!({"extra": "1"}));
    assert_eq!((payload["Verb"].as_str(), payload["UserToken"].as_str()), (Some("POST"), Some(shopper.as_str())));
    assert_eq!(payload["Request"]["Body"], json!({"Comments": "hi"}));
    assert_eq!(payload["Response"]["Body"]["ID"], order["ID"]);
    assert_eq!(payload["ConfigData"], json!({"Queue": "erp"}));
    assert!(payload["LogID"].as_str().is_some_and(|id| id.len() == 36) && payload["Date"].as_str().is_some());
    assert_eq!(callouts.len(), 1);
    assert_eq!(
        (callouts[0].kind, callouts[0].id.as_str(), callouts[0].operation.as_str()),
        (CalloutKind::PostHook, "orders-created", "Orders.Create")
    );
    assert_eq!(callouts[0].outcome, DeliveryOutcome::Delivered { status: 204 });
    let (_, shown) = call(&simulator, "GET", "/_simulator/callouts", None, None).await;
    assert_eq!(shown[0]["Kind"], "PostHook");
    assert_eq!((shown[0]["Outcome"].as_str(), shown[0]["Status"].as_u64()), (Some("delivered"), Some(204)));
}

#[tokio::test]
async fn a_pre_hook_can_stop_the_operation_and_a_failing_one_does_too() {
    let simulator = marketplace(Duration::from_millis(300)).await;
    let verdict = Arc::new(Mutex::new(Some((200, r#"{"proceed":false,"body":"No comments on Sundays"}"#.to_owned()))));
    let answers = verdict.clone();
    let (url, calls) = receiver(Arc::new(move |_, _| answers.lock().unwrap().clone())).await;
    let admin = admin_token(&simulator).await;
    let webhook = json!({
        "ID": "check-comments", "Name": "Check comments", "Url": url, "HashKey": HOOK_KEY, "BeforeProcessRequest": true,
        "ApiClientIDs": [SHOP], "WebhookRoutes": [{"Route": "v1/orders/{direction}/{orderID}", "Verb": "PATCH"}],
    });
    assert_eq!(call(&simulator, "POST", "/v1/webhooks", Some(&admin), Some(webhook)).await.0, 201);
    let shopper = shopper_token(&simulator).await;
    let (_, order) = call(&simulator, "POST", "/v1/orders/Outgoing", Some(&shopper), Some(json!({}))).await;
    let path = format!("/v1/orders/Outgoing/{}", order["ID"].as_str().unwrap());
    let patch = || Some(json!({"Comments": "changed"}));

    let (status, refused) = call(&simulator, "PATCH", &path, Some(&shopper), patch()).await;
    assert_eq!((status, refused["Errors"][0]["ErrorCode"].as_str()), (400, Some("Webhook.Blocked")));
    assert_eq!(refused["Errors"][0]["Data"]["Body"], "No comments on Sundays");
    assert!(calls.lock().unwrap()[0].body["Response"]["Body"].is_null(), "a pre-hook comes before any answer");
    assert!(calls.lock().unwrap()[0].signed_with(HOOK_KEY));

    *verdict.lock().unwrap() = Some((500, "{}".to_owned()));
    let (status, failed) = call(&simulator, "PATCH", &path, Some(&shopper), patch()).await;
    assert_eq!((status, failed["Errors"][0]["ErrorCode"].as_str()), (502, Some("Webhook.Failed")));
    *verdict.lock().unwrap() = None;
    let (status, _) = call(&simulator, "PATCH", &path, Some(&shopper), patch()).await;
    assert_eq!(status, 502, "no answer within the timeout");
    let (_, unchanged) = call(&simulator, "GET", &path, Some(&shopper), None).await;
    assert!(unchanged.get("Comments").is_none(), "nothing changed: {unchanged}");

    *verdict.lock().unwrap() = Some((200, r#"{"proceed":true}"#.to_owned()));
    let (status, changed) = call(&simulator, "PATCH", &path, Some(&shopper), patch()).await;
    assert_eq!((status, changed["Comments"].as_str()), (200, Some("changed")));

    let outcomes: Vec<DeliveryOutcome> = simulator.callouts().into_iter().map(|callout| callout.outcome).collect();
    assert_eq!(outcomes[..2], [DeliveryOutcome::Delivered { status: 200 }, DeliveryOutcome::Delivered { status: 500 }]);
    assert!(
        matches!(&outcomes[2], DeliveryOutcome::Failed(error) if error.contains("no answer within")),
        "{outcomes:?}"
    );
    assert_eq!(simulator.requests().count_with_status("PATCH", "/v1/orders/{direction}/{orderID}", 502), 2);
}

#[tokio::test]
async fn checkout_calls_the_clients_event_and_puts_its_answers_where_ordercloud_does() {
    let simulator = marketplace(Duration::from_secs(5)).await;
    let (url, calls) = receiver(Arc::new(|path, _| {
        let answer = match path.rsplit('/').next().unwrap_or_default() {
            "shippingrates" => json!({"ShipEstimates": [{"ID": "all", "ShipEstimateItems": [], "ShipMethods": [
                {"ID": "ground", "Name": "Ground", "Cost": 10.0}, {"ID": "air", "Name": "Air", "Cost": 25.0}]}]}),
            "ordercalculate" => json!({"ShippingTotal": 25.0, "TaxTotal": 8.0, "LineItemOverrides": []}),
            "ordersubmit" => json!({"xp": {"ErpOrder": "E-1"}}),
            _ => return Some((404, "{}".to_owned())),
        };
        Some((200, answer.to_string()))
    }))
    .await;
    let admin = admin_token(&simulator).await;
    let event = json!({
        "ID": "checkout", "Name": "Checkout", "EventType": "OrderCheckout", "CustomImplementationUrl": url,
        "HashKey": EVENT_KEY, "ElevatedRoles": ["OrderAdmin"], "ConfigData": {"TaxRate": 0.08},
    });
    assert_eq!(call(&simulator, "POST", "/v1/integrationEvents", Some(&admin), Some(event)).await.0, 201);
    let shopper = shopper_token(&simulator).await;
    let (order_id, line_id) = order_with_a_line(&simulator, &shopper).await;
    let orders = format!("/v1/orders/Outgoing/{order_id}");

    // No event yet: the steps that need one say so.
    let (status, refused) = call(&simulator, "POST", &format!("{orders}/estimateshipping"), Some(&shopper), None).await;
    assert_eq!((status, refused["Errors"][0]["ErrorCode"].as_str()), (400, Some("IntegrationEvent.NotConfigured")));
    // The seeded client is an ApiClient of the API too: the event is assigned to it.
    let assign = json!({"OrderCheckoutIntegrationEventID": "checkout"});
    let (status, client) =
        call(&simulator, "PATCH", &format!("/v1/apiclients/{SHOP}"), Some(&admin), Some(assign)).await;
    assert_eq!((status, client["OrderCheckoutIntegrationEventID"].as_str()), (200, Some("checkout")));

    let (status, worksheet) =
        call(&simulator, "POST", &format!("{orders}/estimateshipping"), Some(&shopper), None).await;
    assert_eq!(status, 200, "{worksheet}");
    assert_eq!(worksheet["ShipEstimateResponse"]["ShipEstimates"][0]["ShipMethods"][1]["ID"], "air");
    assert_eq!(worksheet["ShipEstimateResponse"]["Succeeded"], true);
    let selection = json!({"ShipMethodSelections": [{"ShipEstimateID": "all", "ShipMethodID": "air"}]});
    let (status, worksheet) =
        call(&simulator, "POST", &format!("{orders}/shipmethods"), Some(&shopper), Some(selection)).await;
    assert_eq!((status, worksheet["Order"]["ShippingCost"].as_f64()), (200, Some(25.0)), "{worksheet}");
    let (status, worksheet) = call(&simulator, "POST", &format!("{orders}/calculate"), Some(&shopper), None).await;
    assert_eq!(status, 200);
    let order = &worksheet["Order"];
    assert_eq!(
        (order["Subtotal"].as_f64(), order["ShippingCost"].as_f64(), order["TaxCost"].as_f64()),
        (Some(100.0), Some(25.0), Some(8.0))
    );
    assert_eq!(order["Total"].as_f64(), Some(133.0));
    let (status, submitted) = call(&simulator, "POST", &format!("{orders}/submit"), Some(&shopper), None).await;
    assert_eq!((status, submitted["Status"].as_str()), (201, Some("Open")));
    let (_, worksheet) = call(&simulator, "GET", &format!("{orders}/worksheet"), Some(&shopper), None).await;
    assert_eq!(worksheet["OrderSubmitResponse"]["xp"]["ErpOrder"], "E-1");
    assert_eq!(worksheet["LineItems"][0]["ID"].as_str(), Some(line_id.as_str()));

    let calls = calls.lock().unwrap().clone();
    let paths: Vec<&str> = calls.iter().map(|call| call.path.as_str()).collect();
    assert_eq!(paths, ["/middleware/shippingrates", "/middleware/ordercalculate", "/middleware/ordersubmit"]);
    for call in &calls {
        assert!(call.signed_with(EVENT_KEY), "{}", call.path);
        assert_eq!(call.body["OrderWorksheet"]["Order"]["ID"].as_str(), Some(order_id.as_str()));
        assert_eq!(
            (call.body["Environment"].as_str(), call.body["ConfigData"]["TaxRate"].as_f64()),
            (Some("Sandbox"), Some(0.08))
        );
        let (_, claims) = decode(call.body["OrderCloudAccessToken"].as_str().unwrap());
        assert_eq!(claims["usr"], "jdoe");
        assert!(
            claims["role"].as_array().unwrap().contains(&json!("OrderAdmin")),
            "the event's elevated roles: {claims}"
        );
    }
    assert_eq!(
        calls[1].body["OrderWorksheet"]["Order"]["ShippingCost"].as_f64(),
        Some(25.0),
        "the calculate sees the selection"
    );
    assert_eq!(
        calls[2].body["OrderWorksheet"]["Order"]["Status"], "Open",
        "the submit comes after the order is submitted"
    );
    assert!(
        simulator
            .callouts()
            .iter()
            .all(|callout| callout.kind == CalloutKind::IntegrationEvent && callout.id == "checkout")
    );
}

#[tokio::test]
async fn a_failing_checkout_event_is_recorded_on_the_worksheet_and_changes_nothing() {
    let simulator = marketplace(Duration::from_secs(5)).await;
    let (url, _calls) = receiver(Arc::new(|_, _| Some((500, r#"{"error":"rates service down"}"#.to_owned())))).await;
    let admin = admin_token(&simulator).await;
    let event = json!({"ID": "checkout", "Name": "C", "EventType": "OrderCheckout", "CustomImplementationUrl": url, "HashKey": EVENT_KEY});
    call(&simulator, "POST", "/v1/integrationEvents", Some(&admin), Some(event)).await;
    call(
        &simulator,
        "PATCH",
        &format!("/v1/apiclients/{SHOP}"),
        Some(&admin),
        Some(json!({"OrderCheckoutIntegrationEventID": "checkout"})),
    )
    .await;
    let shopper = shopper_token(&simulator).await;
    let (order_id, _) = order_with_a_line(&simulator, &shopper).await;
    let (status, worksheet) =
        call(&simulator, "POST", &format!("/v1/orders/Outgoing/{order_id}/calculate"), Some(&shopper), None).await;
    assert_eq!(status, 200);
    let response = &worksheet["OrderCalculateResponse"];
    assert_eq!((response["Succeeded"].as_bool(), response["HttpStatusCode"].as_u64()), (Some(false), Some(500)));
    assert!(response["UnhandledErrorBody"].as_str().unwrap().contains("rates service down"));
    assert_eq!(
        (worksheet["Order"]["TaxCost"].as_f64(), worksheet["Order"]["Total"].as_f64()),
        (Some(0.0), Some(100.0))
    );
    let selection = json!({"ShipMethodSelections": [{"ShipEstimateID": "x", "ShipMethodID": "y"}]});
    let (status, refused) = call(
        &simulator,
        "POST",
        &format!("/v1/orders/Outgoing/{order_id}/shipmethods"),
        Some(&shopper),
        Some(selection),
    )
    .await;
    assert_eq!((status, refused["Errors"][0]["ErrorCode"].as_str()), (400, Some("ShipEstimate.NotFound")));
}

#[tokio::test]
async fn add_to_cart_prices_the_line_and_a_failure_adds_nothing() {
    let simulator = marketplace(Duration::from_secs(5)).await;
    let price = Arc::new(Mutex::new((200, r#"{"UnitPrice": 7.5}"#.to_owned())));
    let answers = price.clone();
    let (url, calls) = receiver(Arc::new(move |_, _| Some(answers.lock().unwrap().clone()))).await;
    let admin = admin_token(&simulator).await;
    let event = json!({"ID": "pricing", "Name": "Pricing", "EventType": "AddToCart", "CustomImplementationUrl": url, "HashKey": EVENT_KEY});
    call(&simulator, "POST", "/v1/integrationEvents", Some(&admin), Some(event)).await;
    // A field the 2022 models lack: the simulator keeps it as sent, and reads it.
    let (status, client) = call(
        &simulator,
        "PATCH",
        &format!("/v1/apiclients/{SHOP}"),
        Some(&admin),
        Some(json!({"AddToCartIntegrationEventID": "pricing"})),
    )
    .await;
    assert_eq!((status, client["AddToCartIntegrationEventID"].as_str()), (200, Some("pricing")));
    let shopper = shopper_token(&simulator).await;
    let (order_id, _) = order_with_a_line(&simulator, &shopper).await;
    let (_, order) = call(&simulator, "GET", &format!("/v1/orders/Outgoing/{order_id}"), Some(&shopper), None).await;
    assert_eq!((order["Subtotal"].as_f64(), order["LineItemCount"].as_u64()), (Some(15.0), Some(1)), "{order}");
    let sent = calls.lock().unwrap()[0].clone();
    assert_eq!(sent.path, "/middleware/addtocart");
    assert!(sent.signed_with(EVENT_KEY));
    assert_eq!(
        (sent.body["ProductID"].as_str(), sent.body["Quantity"].as_u64(), sent.body["BuyerID"].as_str()),
        (Some("p1"), Some(2), Some("b1"))
    );
    assert_eq!(sent.body["BuyerUser"]["Username"], "jdoe");
    assert!(sent.body["BuyerUser"].get("Password").is_none());

    *price.lock().unwrap() = (503, "{}".to_owned());
    let line = json!({"ProductID": "p1", "Quantity": 1});
    let (status, refused) =
        call(&simulator, "POST", &format!("/v1/orders/Outgoing/{order_id}/lineitems"), Some(&shopper), Some(line))
            .await;
    assert_eq!((status, refused["Errors"][0]["ErrorCode"].as_str()), (400, Some("IntegrationEvent.Failed")));
    let (_, order) = call(&simulator, "GET", &format!("/v1/orders/Outgoing/{order_id}"), Some(&shopper), None).await;
    assert_eq!(order["LineItemCount"].as_u64(), Some(1), "nothing added");
}

#[tokio::test]
async fn seeded_api_clients_are_api_objects_without_their_secret() {
    let simulator = marketplace(Duration::from_secs(5)).await;
    let admin = admin_token(&simulator).await;
    let (status, client) = call(&simulator, "GET", &format!("/v1/apiclients/{ADMIN}"), Some(&admin), None).await;
    assert_eq!((status, client["ID"].as_str(), client["AccessTokenDuration"].as_u64()), (200, Some(ADMIN), Some(600)));
    assert!(!client.to_string().contains(SECRET));
    simulator.reset();
    let admin = admin_token(&simulator).await;
    assert_eq!(call(&simulator, "GET", &format!("/v1/apiclients/{SHOP}"), Some(&admin), None).await.0, 200);
    let added = SimUser::new("late-client", "ann", "ann@example.com", "Passw0rd-Ann");
    simulator.add_user(added);
    assert_eq!(call(&simulator, "GET", "/v1/apiclients/late-client", Some(&admin), None).await.0, 200);
}

#[tokio::test]
async fn the_cart_calls_out_as_the_order_it_stands_for() {
    let simulator = marketplace(Duration::from_secs(5)).await;
    let (url, calls) = receiver(Arc::new(|path, _| {
        let answer = match path.rsplit('/').next().unwrap_or_default() {
            "addtocart" => json!({"UnitPrice": 19.99}),
            "shippingrates" => json!({"ShipEstimates": [{"ID": "all", "ShipEstimateItems": [], "ShipMethods": [
                {"ID": "ground", "Name": "Ground", "Cost": 4.99}]}]}),
            "ordercalculate" => json!({"ShippingTotal": 4.99, "TaxTotal": 4.8, "LineItemOverrides": []}),
            "ordersubmit" => json!({}),
            "hook" => json!({"proceed": true}),
            _ => return Some((404, "{}".to_owned())),
        };
        Some((200, answer.to_string()))
    }))
    .await;
    let admin = admin_token(&simulator).await;
    for (event, kind) in [("checkout", "OrderCheckout"), ("pricing", "AddToCart")] {
        let event = json!({"ID": event, "Name": event, "EventType": kind, "CustomImplementationUrl": url, "HashKey": EVENT_KEY});
        assert_eq!(call(&simulator, "POST", "/v1/integrationEvents", Some(&admin), Some(event)).await.0, 201);
    }
    let assign = json!({"OrderCheckoutIntegrationEventID": "checkout", "AddToCartIntegrationEventID": "pricing"});
    call(&simulator, "PATCH", &format!("/v1/apiclients/{SHOP}"), Some(&admin), Some(assign)).await;
    // Webhooks name the Cart's own routes.
    let webhook = json!({
        "ID": "cart-hooks", "Name": "Cart", "Url": format!("{url}/hook"), "HashKey": HOOK_KEY,
        "BeforeProcessRequest": true, "ApiClientIDs": [SHOP],
        "WebhookRoutes": [{"Route": "v1/cart/submit", "Verb": "POST"}],
    });
    assert_eq!(call(&simulator, "POST", "/v1/webhooks", Some(&admin), Some(webhook)).await.0, 201);

    let shopper = shopper_token(&simulator).await;
    let line = json!({"ProductID": "p1", "Quantity": 3});
    let (status, line) = call(&simulator, "POST", "/v1/cart/lineitems", Some(&shopper), Some(line)).await;
    assert_eq!((status, line["LineSubtotal"].as_f64()), (201, Some(59.97)), "priced by /addtocart: {line}");
    let (status, worksheet) = call(&simulator, "POST", "/v1/cart/estimateshipping", Some(&shopper), None).await;
    assert_eq!((status, worksheet["ShipEstimateResponse"]["Succeeded"].as_bool()), (200, Some(true)));
    let selection = json!({"ShipMethodSelections": [{"ShipEstimateID": "all", "ShipMethodID": "ground"}]});
    let (status, _) = call(&simulator, "POST", "/v1/cart/shipmethods", Some(&shopper), Some(selection)).await;
    assert_eq!(status, 200);
    let (status, worksheet) = call(&simulator, "POST", "/v1/cart/calculate", Some(&shopper), None).await;
    assert_eq!(status, 200);
    assert_eq!(worksheet["Order"]["Total"].as_f64(), Some(69.76), "59.97 + 4.99 + 4.80, exactly: {worksheet}");
    let order_id = worksheet["Order"]["ID"].as_str().unwrap().to_owned();
    let (status, submitted) = call(&simulator, "POST", "/v1/cart/submit", Some(&shopper), None).await;
    assert_eq!((status, submitted["Status"].as_str()), (200, Some("Open")));
    let (_, next) = call(&simulator, "GET", "/v1/cart", Some(&shopper), None).await;
    assert_eq!(next["ID"], Value::Null, "a new cart");

    let calls = calls.lock().unwrap().clone();
    let paths: Vec<&str> = calls.iter().map(|call| call.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/middleware/addtocart",
            "/middleware/shippingrates",
            "/middleware/ordercalculate",
            "/middleware/hook",
            "/middleware/ordersubmit"
        ]
    );
    assert!(calls[4].signed_with(EVENT_KEY) && calls[3].signed_with(HOOK_KEY));
    assert_eq!(calls[4].body["OrderWorksheet"]["Order"]["ID"].as_str(), Some(order_id.as_str()));
    assert_eq!(calls[3].body["Route"], "v1/cart/submit");
    assert_eq!(simulator.requests().count("POST", "/v1/cart/submit"), 1);
}

#[tokio::test]
async fn another_buyers_order_is_never_handed_to_a_middleware() {
    const OTHER: &str = "shop-b2";
    let simulator = Simulator::builder()
        .api_client(SimApiClient::new(ADMIN).with_secret(SECRET).with_roles(["FullAccess"]))
        .api_client(SimApiClient::new(SHOP).with_roles(["Shopper", "MeAdmin"]).with_buyer("b1"))
        .api_client(SimApiClient::new(OTHER).with_roles(["Shopper", "MeAdmin"]).with_buyer("b2"))
        .resource("/buyers", json!({"ID": "b1", "Name": "Buyer", "Active": true}))
        .resource("/buyers", json!({"ID": "b2", "Name": "Other buyer", "Active": true}))
        .resource("/buyers/b1/users", json!({"ID": "u1", "Username": "jdoe", "FirstName": "Jo", "LastName": "Doe", "Email": "jdoe@example.com", "Password": "Old-Passw0rd1", "Active": true}))
        .resource("/buyers/b2/users", json!({"ID": "u2", "Username": "mallory", "FirstName": "Mal", "LastName": "Lory", "Email": "m@example.com", "Password": "Old-Passw0rd1", "Active": true}))
        .resource("/priceschedules", json!({"ID": "p1", "Name": "P1", "PriceBreaks": [{"Quantity": 1, "Price": 50.0}]}))
        .resource("/products", json!({"ID": "p1", "Name": "Product", "Active": true, "DefaultPriceScheduleID": "p1"}))
        .start()
        .await
        .unwrap();
    let (url, calls) =
        receiver(Arc::new(|_, _| Some((200, r#"{"ShippingTotal": 1, "TaxTotal": 1}"#.to_owned())))).await;
    let admin = admin_token(&simulator).await;
    let event = json!({"ID": "checkout", "Name": "C", "EventType": "OrderCheckout", "CustomImplementationUrl": url, "HashKey": EVENT_KEY});
    call(&simulator, "POST", "/v1/integrationEvents", Some(&admin), Some(event)).await;
    for client in [SHOP, OTHER] {
        let assign = json!({"OrderCheckoutIntegrationEventID": "checkout"});
        call(&simulator, "PATCH", &format!("/v1/apiclients/{client}"), Some(&admin), Some(assign)).await;
    }
    let jdoe = shopper_token(&simulator).await;
    let (order_id, _) = order_with_a_line(&simulator, &jdoe).await;
    let mallory =
        token(&simulator, &format!("grant_type=password&client_id={OTHER}&username=mallory&password=Old-Passw0rd1"))
            .await;
    for step in ["calculate", "estimateshipping"] {
        let path = format!("/v1/orders/Outgoing/{order_id}/{step}");
        let (status, answer) = call(&simulator, "POST", &path, Some(&mallory), None).await;
        assert_eq!((status, answer["Errors"][0]["ErrorCode"].as_str()), (404, Some("NotFound")), "{step}: {answer}");
    }
    assert!(calls.lock().unwrap().is_empty(), "the middleware heard nothing of another buyer's order");
    let (status, order) = call(&simulator, "GET", &format!("/v1/orders/Outgoing/{order_id}"), Some(&jdoe), None).await;
    assert_eq!((status, order["TaxCost"].as_f64()), (200, Some(0.0)), "{order}");
}
