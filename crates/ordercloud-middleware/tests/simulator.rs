//! A middleware on axum against the simulator, over real HTTP on 127.0.0.1: shoppers'
//! tokens verified with the key the simulator serves, a webhook and the checkout
//! integration events called by the simulator and verified by `X-oc-hash`, and the
//! receiver's answers to hostile calls.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::FromRef;
use axum::routing::{get, post};
use ordercloud_auth::{AuthApi, TokenRequest};
use ordercloud_middleware::axum::{RequiredRoles, ShopperRole, Signed, Verified, integration_event_routes};
use ordercloud_middleware::models::decimal;
use ordercloud_middleware::models::message_sender::compute_oc_hash;
use ordercloud_middleware::models::resources::{
    Order, OrderCalculateResponse, OrderSubmitResponse, ShipEstimate, ShipEstimateResponse, ShipMethod,
};
use ordercloud_middleware::{
    ApiClient, HandlerError, HashKey, IntegrationEventHandler, OrderCalculatePayload, OrderSubmitPayload,
    PreHookResponse, ShipEstimatePayload, TokenVerifier, VerifiedToken, WebhookPayload,
};
use ordercloud_simulator::{DeliveryOutcome, SimApiClient, SimUser, Simulator};
use serde_json::{Value, json};
use support::raw;
use tokio::net::TcpListener;

const ADMIN: &str = "admin";
const SECRET: &str = "admin-secret";
const SHOP: &str = "shop";
const HOOK_KEY: &str = "webhook-hash-key";
const EVENT_KEY: &str = "event-hash-key";

#[derive(Clone)]
struct AppState {
    verifier: TokenVerifier,
    webhook_key: HashKey,
    seen: Seen,
}

impl FromRef<AppState> for TokenVerifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

impl FromRef<AppState> for HashKey {
    fn from_ref(state: &AppState) -> Self {
        state.webhook_key.clone()
    }
}

/// What the middleware saw, in order: `(what, who)`.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

struct OrderManagers;

impl RequiredRoles for OrderManagers {
    const ROLES: &'static [&'static str] = &["OrderAdmin"];
}

async fn me(shopper: Verified<ShopperRole>) -> axum::Json<Value> {
    axum::Json(json!({"username": shopper.username(), "roles": shopper.roles()}))
}

async fn manage(manager: Verified<OrderManagers>) -> String {
    manager.username().to_owned()
}

async fn order_created(
    axum::extract::State(state): axum::extract::State<AppState>,
    Signed(payload): Signed<WebhookPayload<Value, Order>>,
) -> PreHookResponse {
    let order = payload.response.and_then(|response| response.body).and_then(|order| order.id).unwrap_or_default();
    state.seen.lock().unwrap().push(("webhook".to_owned(), order));
    PreHookResponse::proceed()
}

async fn check_comments(Signed(payload): Signed<WebhookPayload>) -> PreHookResponse {
    let body = payload.request.and_then(|request| request.body).map(|body| body.to_value()).unwrap_or_default();
    if body["Comments"].as_str().is_some_and(|comments| comments.contains("rush")) {
        PreHookResponse::block_with(json!("We do not rush orders"))
    } else {
        PreHookResponse::proceed()
    }
}

/// The checkout: flat shipping choices, 8% tax, and each call's token verified.
struct Checkout {
    verifier: TokenVerifier,
    seen: Seen,
}

impl Checkout {
    async fn saw(&self, what: &str, token: Option<&str>) -> Result<VerifiedToken, HandlerError> {
        let verified = self
            .verifier
            .verify(token.unwrap_or_default())
            .await
            .map_err(|error| HandlerError::new(error.status(), error.error_code(), &error.to_string()))?;
        self.seen.lock().unwrap().push((what.to_owned(), verified.username().to_owned()));
        Ok(verified)
    }
}

impl IntegrationEventHandler for Checkout {
    async fn shipping_rates(&self, payload: ShipEstimatePayload) -> Result<ShipEstimateResponse, HandlerError> {
        self.saw("shippingrates", payload.ordercloud_access_token.as_deref()).await?;
        let methods = vec![
            ShipMethod::new().with_id("ground").with_name("Ground").with_cost(decimal!(10.00)),
            ShipMethod::new().with_id("air").with_name("Air").with_cost(decimal!(25.00)),
        ];
        Ok(ShipEstimateResponse::new()
            .with_ship_estimates(vec![ShipEstimate::new().with_id("all").with_ship_methods(methods)]))
    }

    async fn order_calculate(&self, payload: OrderCalculatePayload) -> Result<OrderCalculateResponse, HandlerError> {
        self.saw("ordercalculate", payload.ordercloud_access_token.as_deref()).await?;
        let subtotal = payload.order().and_then(|order| order.subtotal).unwrap_or_default();
        Ok(OrderCalculateResponse::new().with_tax_total((subtotal * decimal!(0.08)).round_dp(2)))
    }

    async fn order_submit(&self, payload: OrderSubmitPayload) -> Result<OrderSubmitResponse, HandlerError> {
        let verified = self.saw("ordersubmit", payload.ordercloud_access_token.as_deref()).await?;
        if !verified.has_role("OrderAdmin") {
            return Err(HandlerError::bad_request("Elevation.Missing", "the event's elevated role is missing"));
        }
        Ok(OrderSubmitResponse::new())
    }
}

/// The simulator (an admin client; the shoppers' client `shop`, of buyer `b1`; a product
/// `p1` at 50) and the middleware, serving on 127.0.0.1.
struct World {
    simulator: Simulator,
    middleware: String,
    seen: Seen,
}

async fn world() -> World {
    let simulator = Simulator::builder()
        .api_client(SimApiClient::new(ADMIN).with_secret(SECRET).with_roles(["FullAccess"]))
        .api_client(SimApiClient::new(SHOP).with_roles(["Shopper", "MeAdmin"]).with_buyer("b1"))
        .api_client(SimApiClient::new("other-shop").with_roles(["Shopper"]).with_buyer("b1"))
        .user(SimUser::new(SHOP, "jdoe", "jdoe@example.com", "Old-Passw0rd1"))
        .user(SimUser::new("other-shop", "ann", "ann@example.com", "Old-Passw0rd2"))
        .resource("/buyers", json!({"ID": "b1", "Name": "Buyer", "Active": true}))
        .resource("/priceschedules", json!({"ID": "p1", "Name": "P1", "PriceBreaks": [{"Quantity": 1, "Price": 50.0}]}))
        .resource("/products", json!({"ID": "p1", "Name": "Product", "Active": true, "DefaultPriceScheduleID": "p1"}))
        .start()
        .await
        .unwrap();
    let client = ApiClient::builder().base_url(simulator.base_url()).build().unwrap();
    let verifier = TokenVerifier::new(client).allow_client_ids([SHOP]);
    let seen = Seen::default();
    let checkout = Checkout { verifier: verifier.clone(), seen: seen.clone() };
    let state =
        AppState { verifier, webhook_key: HashKey::new(HOOK_KEY).with_body_limit(64 * 1024), seen: seen.clone() };
    let app = Router::new()
        .route("/api/me", get(me))
        .route("/api/manage", get(manage))
        .route("/webhooks/order-created", post(order_created))
        .route("/webhooks/check-comments", post(check_comments))
        .nest("/integrations", integration_event_routes(checkout, HashKey::new(EVENT_KEY)))
        .with_state(state);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let middleware = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    World { simulator, middleware, seen }
}

impl World {
    async fn token(&self, request: TokenRequest) -> String {
        let client = ApiClient::builder().base_url(self.simulator.base_url()).build().unwrap();
        AuthApi::new(client).token(&request).await.unwrap().access_token().to_owned()
    }

    async fn shopper(&self) -> String {
        self.token(TokenRequest::password(SHOP, "jdoe", "Old-Passw0rd1")).await
    }

    async fn admin(&self) -> String {
        self.token(TokenRequest::client_credentials(ADMIN, SECRET)).await
    }

    /// A call to the simulator's API.
    async fn api(&self, method: &str, path: &str, token: &str, body: Value) -> support::Answer {
        let address = self.simulator.address().to_string();
        let authorization = format!("Bearer {token}");
        let headers = [("Authorization", authorization.as_str()), ("Content-Type", "application/json")];
        raw(&address, method, path, &headers, body.to_string().as_bytes()).await
    }

    /// A call to the middleware with a bearer token.
    async fn get(&self, path: &str, token: &str) -> support::Answer {
        let authorization = format!("Bearer {token}");
        raw(&self.middleware, "GET", path, &[("Authorization", authorization.as_str())], b"").await
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.middleware)
    }
}

#[tokio::test]
async fn shoppers_are_verified_with_the_simulators_key_and_refused_in_ordercloud_shape() {
    let world = world().await;
    let shopper = world.shopper().await;
    let answer = world.get("/api/me", &shopper).await;
    assert_eq!((answer.status, answer.json()["username"].as_str()), (200, Some("jdoe")), "{answer:?}");
    assert_eq!(answer.json()["roles"], json!(["Shopper", "MeAdmin"]));
    world.get("/api/me", &shopper).await;
    assert_eq!(world.simulator.requests().count("GET", "/oauth/certs/{ID}"), 1, "the key was fetched once");

    let denied = world.get("/api/manage", &shopper).await;
    assert_eq!((denied.status, denied.error_code()), (403, "Auth.InsufficientRoles".to_owned()));
    assert_eq!(denied.json()["Errors"][0]["Data"]["SufficientRoles"], json!(["OrderAdmin"]));

    for (token, why) in
        [("", "no token"), ("garbage", "a malformed token"), (&shopper[..shopper.len() - 3], "a cut token")]
    {
        let refused = world.get("/api/me", token).await;
        assert_eq!((refused.status, refused.error_code()), (401, "InvalidToken".to_owned()), "{why}");
        assert_eq!(refused.header("www-authenticate"), Some("Bearer"), "{why}");
        assert!(token.len() < 8 || !refused.body.contains(token), "{why}: the token is not echoed");
    }
    let none = raw(&world.middleware, "GET", "/api/me", &[], b"").await;
    assert_eq!(none.status, 401);
    let other = world.token(TokenRequest::password("other-shop", "ann", "Old-Passw0rd2")).await;
    let refused = world.get("/api/me", &other).await;
    assert_eq!(refused.status, 401, "a client not allowed: {}", refused.body);
    assert!(refused.json()["Errors"][0]["Message"].as_str().unwrap().contains("other-shop"));

    // A token without kid is verified by asking the simulator, once.
    let portal = world.simulator.portal_token(SHOP, "jdoe").unwrap();
    assert_eq!(world.get("/api/me", &portal).await.status, 200);
    assert_eq!(world.get("/api/me", &portal).await.status, 200);
    assert_eq!(world.simulator.requests().count("GET", "/v1/me"), 1);
    // After a reset the simulator no longer knows it: a fresh verifier is refused.
    world.simulator.reset();
    let client = ApiClient::builder().base_url(world.simulator.base_url()).build().unwrap();
    let fresh = TokenVerifier::new(client).allow_client_ids([SHOP]);
    assert!(fresh.verify(&portal).await.is_err());
}

#[tokio::test]
async fn webhooks_and_checkout_events_reach_the_middleware_signed_and_verified() {
    let world = world().await;
    let admin = world.admin().await;
    let webhooks = [
        json!({"ID": "order-created", "Name": "Order created", "Url": world.url("/webhooks/order-created"), "HashKey": HOOK_KEY,
               "ApiClientIDs": [SHOP], "WebhookRoutes": [{"Route": "v1/orders/{direction}", "Verb": "POST"}]}),
        json!({"ID": "check-comments", "Name": "Check comments", "Url": world.url("/webhooks/check-comments"), "HashKey": HOOK_KEY,
               "BeforeProcessRequest": true, "ApiClientIDs": [SHOP],
               "WebhookRoutes": [{"Route": "v1/orders/{direction}/{orderID}", "Verb": "PATCH"}]}),
    ];
    for webhook in webhooks {
        assert_eq!(world.api("POST", "/v1/webhooks", &admin, webhook).await.status, 201);
    }
    let event = json!({"ID": "checkout", "Name": "Checkout", "EventType": "OrderCheckout", "HashKey": EVENT_KEY,
                       "CustomImplementationUrl": world.url("/integrations"), "ElevatedRoles": ["OrderAdmin"]});
    assert_eq!(world.api("POST", "/v1/integrationEvents", &admin, event).await.status, 201);
    let assign = json!({"OrderCheckoutIntegrationEventID": "checkout"});
    assert_eq!(world.api("PATCH", &format!("/v1/apiclients/{SHOP}"), &admin, assign).await.status, 200);

    let shopper = world.shopper().await;
    let order = world.api("POST", "/v1/orders/Outgoing", &shopper, json!({})).await.json();
    let order_id = order["ID"].as_str().unwrap().to_owned();
    let orders = format!("/v1/orders/Outgoing/{order_id}");
    let rush = world.api("PATCH", &orders, &shopper, json!({"Comments": "rush it"})).await;
    assert_eq!((rush.status, rush.error_code()), (400, "Webhook.Blocked".to_owned()));
    assert_eq!(rush.json()["Errors"][0]["Data"]["Body"], "We do not rush orders");
    assert_eq!(world.api("PATCH", &orders, &shopper, json!({"Comments": "thanks"})).await.status, 200);
    let line =
        world.api("POST", &format!("{orders}/lineitems"), &shopper, json!({"ProductID": "p1", "Quantity": 2})).await;
    assert_eq!(line.status, 201);

    let worksheet = world.api("POST", &format!("{orders}/estimateshipping"), &shopper, json!(null)).await.json();
    assert_eq!(worksheet["ShipEstimateResponse"]["ShipEstimates"][0]["ShipMethods"][0]["ID"], "ground");
    let selection = json!({"ShipMethodSelections": [{"ShipEstimateID": "all", "ShipMethodID": "ground"}]});
    world.api("POST", &format!("{orders}/shipmethods"), &shopper, selection).await;
    let worksheet = world.api("POST", &format!("{orders}/calculate"), &shopper, json!(null)).await.json();
    let totals = &worksheet["Order"];
    assert_eq!(
        (totals["ShippingCost"].as_f64(), totals["TaxCost"].as_f64(), totals["Total"].as_f64()),
        (Some(10.0), Some(8.0), Some(118.0))
    );
    let submitted = world.api("POST", &format!("{orders}/submit"), &shopper, json!(null)).await;
    assert_eq!(submitted.status, 201);
    let worksheet = world.api("GET", &format!("{orders}/worksheet"), &shopper, json!(null)).await.json();
    assert_eq!(worksheet["OrderSubmitResponse"]["Succeeded"], true, "{worksheet}");

    let callouts = world.simulator.wait_for_callouts(Duration::from_secs(10)).await.unwrap();
    assert!(
        callouts.iter().all(|callout| callout.outcome == DeliveryOutcome::Delivered { status: 200 }),
        "{callouts:?}"
    );
    let seen = world.seen.lock().unwrap().clone();
    let kinds: Vec<&str> = seen.iter().map(|(what, _)| what.as_str()).collect();
    assert_eq!(kinds, ["webhook", "shippingrates", "ordercalculate", "ordersubmit"]);
    assert_eq!(seen[0].1, order_id);
    assert!(seen[1..].iter().all(|(_, who)| who == "jdoe"), "each event's token verified as the shopper's: {seen:?}");
}

#[tokio::test]
async fn the_receiver_refuses_unsigned_forged_and_oversized_calls() {
    let world = world().await;
    let path = "/webhooks/order-created";
    let body = br#"{"Route":"v1/orders/{direction}","Verb":"POST","Response":{"Body":{"ID":"o1"}}}"#;
    let signature = compute_oc_hash(body, HOOK_KEY.as_bytes());
    let call = |headers: Vec<(&'static str, String)>, body: Vec<u8>| {
        let address = world.middleware.clone();
        async move {
            let headers: Vec<(&str, &str)> = headers.iter().map(|(name, value)| (*name, value.as_str())).collect();
            raw(&address, "POST", path, &headers, &body).await
        }
    };
    let signed = call(vec![("X-oc-hash", signature.clone())], body.to_vec()).await;
    assert_eq!(signed.status, 200);
    assert_eq!(signed.json(), json!({"proceed": true}));

    let unsigned = call(vec![], body.to_vec()).await;
    assert_eq!((unsigned.status, unsigned.error_code()), (401, "InvalidHash".to_owned()));
    let forged = call(vec![("X-oc-hash", compute_oc_hash(body, b"guessed-key"))], body.to_vec()).await;
    assert_eq!((forged.status, forged.error_code()), (401, "InvalidHash".to_owned()));
    let mut changed = body.to_vec();
    changed[60] ^= 1;
    assert_eq!(call(vec![("x-oc-hash", signature.clone())], changed).await.status, 401);

    let huge = vec![b' '; 5 * 1024 * 1024];
    let unsigned_huge = call(vec![], huge.clone()).await;
    assert_eq!(unsigned_huge.status, 401, "no signature: refused before the body is read");
    let declared = call(vec![("X-oc-hash", compute_oc_hash(&huge, HOOK_KEY.as_bytes()))], huge.clone()).await;
    assert_eq!((declared.status, declared.error_code()), (413, "PayloadTooLarge".to_owned()));
    let mut chunked = format!("{:x}\r\n", huge.len()).into_bytes();
    chunked.extend_from_slice(&huge);
    chunked.extend_from_slice(b"\r\n0\r\n\r\n");
    let streamed =
        call(vec![("Transfer-Encoding", "chunked".to_owned()), ("X-oc-hash", signature.clone())], chunked).await;
    assert_eq!(streamed.status, 413, "a body without a length is cut at the limit");

    let not_json = b"Route=v1/orders";
    let unreadable = call(vec![("X-oc-hash", compute_oc_hash(not_json, HOOK_KEY.as_bytes()))], not_json.to_vec()).await;
    assert_eq!((unreadable.status, unreadable.error_code()), (400, "InvalidRequestBody".to_owned()));
    assert!(world.seen.lock().unwrap().len() == 1, "only the signed call reached the handler");

    // The events' routes refuse the same way, and a route the handler leaves is 501.
    let event_body = br#"{"OrderWorksheet":{}}"#;
    let unsigned = raw(&world.middleware, "POST", "/integrations/ordercalculate", &[], event_body).await;
    assert_eq!((unsigned.status, unsigned.error_code()), (401, "InvalidHash".to_owned()));
    let event_signature = compute_oc_hash(event_body, EVENT_KEY.as_bytes());
    let headers = [("X-oc-hash", event_signature.as_str())];
    let left = raw(&world.middleware, "POST", "/integrations/calculateorderreturn", &headers, event_body).await;
    assert_eq!((left.status, left.error_code()), (501, "IntegrationEvent.NotHandled".to_owned()));
    let no_token = raw(&world.middleware, "POST", "/integrations/ordercalculate", &headers, event_body).await;
    assert_eq!((no_token.status, no_token.error_code()), (401, "InvalidToken".to_owned()), "the handler's own refusal");
}
