//! The middleware of the `checkout_middleware` example, on axum: a shopper's endpoint
//! behind the token verifier, a pre-hook on line items, and the checkout integration
//! event's three routes; and the journey that exercises it against any simulator (the
//! `ordercloud-simulator` program, or one started in process).
//!
//! It resets the simulator and seeds `checkout_marketplace.json` over the control routes,
//! registers the webhook and the integration event through OrderCloud's API (as a
//! middleware's deployment does), then speaks only OrderCloud's API.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::{FromRef, State};
use axum::routing::{get, post};
use ordercloud::ApiClient;
use ordercloud::auth::{AuthApi, Session, TokenRequest};
use ordercloud::integrations::IntegrationEventsApi;
use ordercloud::integrations::models::{IntegrationEvent, IntegrationEventType};
use ordercloud::models::{Decimal, Xp, decimal};
use ordercloud::orders::models::{LineItem, Order, OrderDirection, OrderShipMethodSelection, ShipMethodSelection};
use ordercloud::orders::{LineItemsApi, OrdersApi};
use ordercloud::security::ApiClientsApi;
use ordercloud::security::models::PartialApiClient;
use ordercloud::seller::WebhooksApi;
use ordercloud::seller::models::{ApiRole, Webhook, WebhookRoute};
use ordercloud::transport::http::Method;
use ordercloud_middleware::axum::{ShopperRole, Signed, Verified, integration_event_routes};
use ordercloud_middleware::models::resources::{
    OrderCalculateResponse, OrderSubmitResponse, ShipEstimate, ShipEstimateItem, ShipEstimateResponse, ShipMethod,
};
use ordercloud_middleware::{
    HandlerError, HashKey, IntegrationEventHandler, OrderCalculatePayload, OrderSubmitPayload, PreHookResponse,
    ShipEstimatePayload, TokenVerifier, VerifiedToken, WebhookPayload,
};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::{reset_and_seed, step};

/// The marketplace the journey starts from: the storefront's API client (shoppers of the
/// buyer `retail`), the middleware's own client (client credentials, `FullAccess`), the
/// shopper `jdoe`, and a helmet at 59 (49.50 from two).
pub const MARKETPLACE: &str = include_str!("checkout_marketplace.json");

/// The storefront's API client: the only one whose tokens the middleware takes.
pub const STOREFRONT: &str = "storefront";
const MIDDLEWARE_CLIENT: &str = "middleware";
const MIDDLEWARE_SECRET: &str = "middleware-secret";
const USERNAME: &str = "jdoe";
const PASSWORD: &str = "Summer-Ride-2027";
/// The webhook's and the integration event's hash keys, as set in OrderCloud.
const WEBHOOK_KEY: &str = "line-items-webhook-key";
const EVENT_KEY: &str = "checkout-event-key";
/// The most of one item a line may hold: the pre-hook refuses more.
const MOST_OF_AN_ITEM: i32 = 10;

// ---- The middleware ----------------------------------------------------------------

/// What the middleware has seen, one line a call, for the example to print and its test to
/// check.
#[derive(Clone, Default)]
pub struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn push(&self, line: String) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(line);
    }

    /// Every line so far.
    pub fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// The middleware's state: the verifier of shoppers' tokens, the webhook's key, and the
/// loyalty points it keeps by username.
#[derive(Clone)]
struct AppState {
    verifier: TokenVerifier,
    webhook_key: HashKey,
    points: Arc<Mutex<HashMap<String, u64>>>,
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

/// `GET /api/loyalty`: the signed-in shopper's points.
async fn loyalty(State(state): State<AppState>, shopper: Verified<ShopperRole>) -> axum::Json<Value> {
    let points = state.points.lock().unwrap_or_else(PoisonError::into_inner).get(shopper.username()).copied();
    state.seen.push(format!("GET /api/loyalty from {}, verified", shopper.username()));
    axum::Json(json!({"Username": shopper.username(), "Points": points.unwrap_or(0)}))
}

/// The pre-hook of `POST v1/orders/{direction}/{orderID}/lineitems`: at most ten of an item.
async fn check_line_item(
    State(state): State<AppState>,
    Signed(call): Signed<WebhookPayload<LineItem>>,
) -> PreHookResponse {
    let quantity = call.request.and_then(|request| request.body).and_then(|line| line.quantity).unwrap_or(0);
    if quantity > MOST_OF_AN_ITEM {
        state.seen.push(format!("pre-hook: a line of {quantity} refused"));
        PreHookResponse::block_with(json!({"Reason": format!("at most {MOST_OF_AN_ITEM} of an item")}))
    } else {
        state.seen.push(format!("pre-hook: a line of {quantity} allowed"));
        PreHookResponse::proceed()
    }
}

/// The checkout integration event: two ship methods, 8% tax, loyalty points on submit.
/// Each call's token is verified, as the shopper's with the event's elevated role.
struct Checkout {
    state: AppState,
}

impl Checkout {
    async fn verified(&self, route: &str, token: Option<&str>) -> Result<VerifiedToken, HandlerError> {
        let token = self.state.verifier.verify(token.unwrap_or_default()).await;
        let token = token.map_err(|error| HandlerError::new(error.status(), error.error_code(), &error.to_string()))?;
        self.state.seen.push(format!("{route} for {}, verified", token.username()));
        Ok(token)
    }
}

impl IntegrationEventHandler for Checkout {
    async fn shipping_rates(&self, payload: ShipEstimatePayload) -> Result<ShipEstimateResponse, HandlerError> {
        self.verified("/shippingrates", payload.ordercloud_access_token.as_deref()).await?;
        let items: Vec<ShipEstimateItem> = payload
            .line_items()
            .iter()
            .map(|line| {
                ShipEstimateItem::new()
                    .with_line_item_id(line.id.clone().unwrap_or_default())
                    .with_quantity(line.quantity.unwrap_or(0))
            })
            .collect();
        let methods = vec![
            ShipMethod::new()
                .with_id("ground")
                .with_name("Ground")
                .with_cost(decimal!(9.50))
                .with_estimated_transit_days(5),
            ShipMethod::new()
                .with_id("express")
                .with_name("Express")
                .with_cost(decimal!(24.00))
                .with_estimated_transit_days(1),
        ];
        let estimate =
            ShipEstimate::new().with_id("one-parcel").with_ship_estimate_items(items).with_ship_methods(methods);
        Ok(ShipEstimateResponse::new().with_ship_estimates(vec![estimate]))
    }

    async fn order_calculate(&self, payload: OrderCalculatePayload) -> Result<OrderCalculateResponse, HandlerError> {
        self.verified("/ordercalculate", payload.ordercloud_access_token.as_deref()).await?;
        let order = payload.order().ok_or_else(|| HandlerError::bad_request("Order.Missing", "no order"))?;
        let tax = (order.subtotal.unwrap_or_default() * decimal!(0.08)).round_dp(2);
        Ok(OrderCalculateResponse::new()
            .with_shipping_total(order.shipping_cost.unwrap_or_default())
            .with_tax_total(tax))
    }

    async fn order_submit(&self, payload: OrderSubmitPayload) -> Result<OrderSubmitResponse, HandlerError> {
        let shopper = self.verified("/ordersubmit", payload.ordercloud_access_token.as_deref()).await?;
        let total = payload.order().and_then(|order| order.total).unwrap_or_default();
        let earned = u64::try_from(total.trunc().mantissa()).unwrap_or(0);
        *self
            .state
            .points
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(shopper.username().to_owned())
            .or_default() += earned;
        Ok(OrderSubmitResponse::new().with_xp(Xp::from(json!({"LoyaltyPoints": earned}))))
    }
}

/// The middleware's routes over `state`.
fn router(state: AppState) -> Router {
    let checkout = Checkout { state: state.clone() };
    Router::new()
        .route("/api/loyalty", get(loyalty))
        .route("/webhooks/line-items", post(check_line_item))
        .nest("/integrations", integration_event_routes(checkout, HashKey::new(EVENT_KEY)))
        .with_state(state)
}

/// A running middleware; dropping it stops serving.
pub struct Middleware {
    /// Where it serves.
    pub address: SocketAddr,
    /// What it has seen.
    pub seen: Seen,
    server: JoinHandle<()>,
}

impl Middleware {
    /// Serves on 127.0.0.1 (any free port) for the OrderCloud `client` calls: its tokens,
    /// webhooks and events.
    pub async fn start(client: ApiClient) -> Result<Self, String> {
        let seen = Seen::default();
        let state = AppState {
            verifier: TokenVerifier::new(client).allow_client_ids([STOREFRONT]),
            webhook_key: HashKey::new(WEBHOOK_KEY),
            points: Arc::default(),
            seen: seen.clone(),
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.map_err(|error| format!("could not listen: {error}"))?;
        let address = listener.local_addr().map_err(|error| error.to_string())?;
        let app = router(state);
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { address, seen, server })
    }

    /// Its URL, for OrderCloud to call.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}

impl Drop for Middleware {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Registers the middleware with the OrderCloud `client` calls, with the middleware's own
/// client credentials: the line items' pre-hook for the storefront's client, the checkout
/// integration event, and that event assigned to the storefront's client.
pub async fn register(client: &ApiClient, middleware: &Middleware) -> Result<(), String> {
    let admin =
        Session::new(client.clone(), TokenRequest::client_credentials(MIDDLEWARE_CLIENT, MIDDLEWARE_SECRET)).client();
    let webhook = Webhook::new()
        .with_id("line-items")
        .with_name("At most ten of an item")
        .with_url(middleware.url("/webhooks/line-items"))
        .with_hash_key(WEBHOOK_KEY)
        .with_before_process_request(true)
        .with_api_client_ids(vec![STOREFRONT.to_owned()])
        .with_webhook_routes(vec![
            WebhookRoute::new().with_route("v1/orders/{direction}/{orderID}/lineitems").with_verb("POST"),
        ]);
    WebhooksApi::new(admin.clone()).create(&webhook).send().await.map_err(step("create the webhook"))?;
    let event = IntegrationEvent::new()
        .with_id("checkout")
        .with_name("Checkout")
        .with_event_type(IntegrationEventType::OrderCheckout)
        .with_custom_implementation_url(middleware.url("/integrations"))
        .with_hash_key(EVENT_KEY)
        .with_elevated_roles(vec![ApiRole::OrderAdmin]);
    IntegrationEventsApi::new(admin.clone())
        .create(&event)
        .send()
        .await
        .map_err(step("create the integration event"))?;
    let assigned = PartialApiClient::new().with_order_checkout_integration_event_id("checkout");
    ApiClientsApi::new(admin).patch(STOREFRONT, &assigned).send().await.map_err(step("assign the event"))?;
    Ok(())
}

// ---- The journey -------------------------------------------------------------------

/// What the journey saw, for a test to check.
#[derive(Debug)]
pub struct Journey {
    /// The error code of the line of twelve, refused by the pre-hook.
    pub refused_code: String,
    /// The order as calculated: subtotal, shipping, tax, total.
    pub totals: [Decimal; 4],
    /// The order as submitted.
    pub submitted: Order,
    /// The loyalty points the middleware gave.
    pub points: u64,
}

/// Resets the simulator at `base_url`, seeds the marketplace, starts the middleware and
/// registers it, then plays the shopper's checkout, telling each step to `say`. The
/// middleware (with what it saw) and the journey.
pub async fn run(base_url: &str, say: &mut dyn FnMut(String)) -> Result<(Middleware, Journey), String> {
    let client = ApiClient::builder().base_url(base_url).build().map_err(|error| error.to_string())?;
    reset_and_seed(&client, MARKETPLACE, "checkout_marketplace.json").await?;
    let middleware = Middleware::start(client.clone()).await?;
    register(&client, &middleware).await?;
    say(format!(
        "A middleware at http://{}, registered with the simulator: a pre-hook and the checkout event.",
        middleware.address
    ));

    let token = AuthApi::new(client.clone())
        .token(&TokenRequest::password(STOREFRONT, USERNAME, PASSWORD))
        .await
        .map_err(step("sign in"))?;
    let shopper = client.with_access_token(token.access_token()).map_err(|error| error.to_string())?;
    say(format!("1. {USERNAME} signs in to the storefront."));

    let order = OrdersApi::new(shopper.clone())
        .create(OrderDirection::Outgoing, &Order::new())
        .send()
        .await
        .map_err(step("create the order"))?;
    let order_id = order.id.clone().unwrap_or_default();
    let lines = LineItemsApi::new(shopper.clone());
    let twelve = LineItem::new().with_product_id("helmet").with_quantity(12);
    let refused = lines
        .create(OrderDirection::Outgoing, &order_id, &twelve)
        .send()
        .await
        .err()
        .ok_or("the pre-hook let a line of twelve through")?;
    let refused_code = refused.error_code().map(|code| code.as_str().to_owned()).unwrap_or_default();
    let reason = refused.api_errors().first().map(|error| error.data["Body"]["Reason"].clone()).unwrap_or_default();
    say(format!(
        "2. Twelve helmets: {} {refused_code}, the pre-hook says {reason}.",
        refused.status().map_or(0, |status| status.as_u16())
    ));
    let two = LineItem::new().with_product_id("helmet").with_quantity(2);
    let line = lines.create(OrderDirection::Outgoing, &order_id, &two).send().await.map_err(step("add a line item"))?;
    say(format!("3. Two helmets: {} at {:.2}.", line.quantity.unwrap_or(0), line.unit_price.unwrap_or_default()));

    let events = IntegrationEventsApi::new(shopper.clone());
    let worksheet = events
        .estimate_shipping(OrderDirection::Outgoing, &order_id)
        .send()
        .await
        .map_err(step("estimate shipping"))?;
    let estimates = worksheet.ship_estimate_response.and_then(|response| response.ship_estimates).unwrap_or_default();
    let methods: Vec<String> = estimates
        .iter()
        .flat_map(|estimate| estimate.ship_methods.clone().unwrap_or_default())
        .map(|method| format!("{} {:.2}", method.name.unwrap_or_default(), method.cost.unwrap_or_default()))
        .collect();
    say(format!("4. Shipping, as the middleware estimates it: {}.", methods.join(", ")));
    let selection = OrderShipMethodSelection::new().with_ship_method_selections(vec![
        ShipMethodSelection::new().with_ship_estimate_id("one-parcel").with_ship_method_id("ground"),
    ]);
    events
        .select_shipmethods(OrderDirection::Outgoing, &order_id, &selection)
        .send()
        .await
        .map_err(step("select a ship method"))?;
    let worksheet = events.calculate(OrderDirection::Outgoing, &order_id).send().await.map_err(step("calculate"))?;
    let order = worksheet.order.unwrap_or_default();
    let totals = [order.subtotal, order.shipping_cost, order.tax_cost, order.total].map(Option::unwrap_or_default);
    say(format!(
        "5. Ground, then calculated by the middleware: subtotal {:.2}, shipping {:.2}, tax {:.2}, total {:.2}.",
        totals[0], totals[1], totals[2], totals[3]
    ));
    let submitted = OrdersApi::new(shopper.clone())
        .submit(OrderDirection::Outgoing, &order_id)
        .send()
        .await
        .map_err(step("submit"))?;
    say(format!("6. Submitted: {}.", submitted.status.as_ref().map_or("?", |status| status.as_str())));

    let at_middleware = ApiClient::builder()
        .base_url(format!("http://{}", middleware.address))
        .build()
        .map_err(|error| error.to_string())?;
    let answer: Value = at_middleware
        .request_unversioned(Method::GET, "/api/loyalty")
        .bearer_token(token.access_token())
        .send_json()
        .await
        .map_err(step("ask the middleware"))?;
    let points = answer["Points"].as_u64().unwrap_or(0);
    say(format!("7. The middleware's own endpoint, with the shopper's token: {points} loyalty points."));
    say("The middleware saw:".to_owned());
    for line in middleware.seen.lines() {
        say(format!("   {line}"));
    }
    Ok((middleware, Journey { refused_code, totals, submitted, points }))
}
