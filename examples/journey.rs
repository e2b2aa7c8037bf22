//! A storefront's journey on a local OrderCloud with the generated SDK and the Cart, as
//! OrderCloud recommends for a shopper: browse anonymously with a filter, fill the cart,
//! change a line, estimate shipping and calculate tax (the storefront's checkout
//! integration answers), register and keep the cart, sign in, ship it, submit it, find the
//! order among the user's, then forget the password, reset it from the email's link and
//! sign in again.
//!
//! It runs against any simulator, the `ordercloud-simulator` program or one started in
//! process: it resets it and seeds the marketplace of `marketplace.json` over the control
//! routes first, then speaks only OrderCloud's API. The checkout integration is a small
//! endpoint of its own on 127.0.0.1, registered as the storefront's `OrderCheckout`
//! integration event (the `checkout_middleware` example shows one that verifies what it is
//! sent, with `ordercloud-middleware`).

use std::collections::HashMap;
use std::convert::Infallible;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use ordercloud::auth::{AccessToken, AuthApi, Session, TokenRequest};
use ordercloud::integrations::IntegrationEventsApi;
use ordercloud::integrations::models::{IntegrationEvent, IntegrationEventType};
use ordercloud::me::MeApi;
use ordercloud::me::models::MeUser;
use ordercloud::models::{PasswordResetRequest, RawJson, TokenPasswordReset, decimal};
use ordercloud::orders::CartApi;
use ordercloud::orders::models::{
    Address, LineItem, Order, OrderShipMethodSelection, OrderStatus, OrderWorksheet, PartialLineItem,
    ShipMethodSelection,
};
use ordercloud::password_reset::PasswordResetApi;
use ordercloud::security::ApiClientsApi;
use ordercloud::security::models::PartialApiClient;
use ordercloud::transport::http::Method;
use ordercloud::{ApiClient, Error, Filter, ListOptions};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The seed the journey starts from: the storefront's API client (anonymous shopping into
/// the buyer `retail`), the storefront's own back-office client, the catalog `summer`
/// assigned to that buyer, and four products.
pub const MARKETPLACE: &str = include_str!("marketplace.json");

/// The storefront's API client, as `marketplace.json` defines it.
pub const CLIENT_ID: &str = "storefront";
/// The storefront's back-office client, which registers its checkout integration.
const BACK_OFFICE: &str = "storefront-back-office";
const BACK_OFFICE_SECRET: &str = "back-office-secret";

/// Who registers.
const USERNAME: &str = "ada";
const EMAIL: &str = "ada@example.com";
const FIRST_PASSWORD: &str = "Summer-Ride-2027";
const NEW_PASSWORD: &str = "Autumn-Ride-2027";

/// What the journey saw, for a test to check. No `Debug`: it holds a reset token.
pub struct Journey {
    /// The IDs of the products the anonymous shopper listed, in the order listed.
    pub products: Vec<String>,
    /// The cart as calculated, before registering.
    pub calculated: Order,
    /// Whether the registered user's cart was the anonymous shopper's.
    pub cart_kept: bool,
    /// The order as submitted.
    pub order: Order,
    /// The user's cart after the submit: a new, empty one.
    pub next_cart: Order,
    /// The link token of the reset email: a JWT, as OrderCloud's.
    pub link_token: String,
    /// Whether the first password still signed in after the reset.
    pub old_password_works: bool,
    /// The orders the user sees after signing in again.
    pub orders_after: Vec<Order>,
}

/// Runs the journey against the simulator at `base_url`, telling each step to `say`.
pub async fn run(base_url: &str, say: &mut dyn FnMut(String)) -> Result<Journey, String> {
    let client = ApiClient::builder()
        .base_url(base_url)
        .application_name("storefront-journey")
        .build()
        .map_err(|error| error.to_string())?;
    reset_and_seed(&client, MARKETPLACE, "marketplace.json").await?;
    let checkout = Checkout::start().await?;
    checkout.register(&client).await?;
    say(format!("seeded {base_url}: the buyer retail, the catalog summer, 4 products and a checkout integration"));

    // 1. An anonymous shopper: a token of the storefront's client, no user yet.
    let anonymous = AuthApi::new(client.clone())
        .token(&TokenRequest::anonymous(CLIENT_ID))
        .await
        .map_err(step("sign in anonymously"))?;
    let anonymous_token = anonymous.access_token().to_owned();
    let shopper = Session::from_token(client.clone(), TokenRequest::anonymous(CLIENT_ID), anonymous)
        .map_err(step("keep the anonymous session"))?;

    // 2. The catalog's cycling products, by name.
    let cycling = ListOptions::new().filter_with(Filter::eq("xp.Sport", "Cycling")).sort_by(["Name"]);
    let me = MeApi::new(shopper.client());
    let page = me.list_products().catalog_id("summer").options(&cycling).send().await.map_err(step("list products"))?;
    let products: Vec<String> = page.items.iter().filter_map(|product| product.id.clone()).collect();
    let listed: Vec<String> = page
        .items
        .iter()
        .map(|product| {
            let price = product
                .price_schedule
                .as_ref()
                .and_then(|schedule| schedule.price_breaks.as_ref())
                .and_then(|breaks| breaks.first())
                .and_then(|first| first.price);
            format!(
                "{} {}",
                product.name.as_deref().unwrap_or("?"),
                price.map_or("(no price)".to_owned(), |price| format!("{price:.2}"))
            )
        })
        .collect();
    say(format!("{} cycling products in summer: {}", page.meta.total_count, listed.join(", ")));

    // 3. The cart: empty until the first line item, which starts it.
    let cart = CartApi::new(shopper.client());
    let empty = cart.get().send().await.map_err(step("get the cart"))?;
    let bike = LineItem::new().with_product_id("road-bike").with_quantity(1);
    cart.create_line_item(&bike).send().await.map_err(step("add the bike"))?;
    let helmet = LineItem::new().with_product_id("helmet").with_quantity(1);
    let helmet = cart.create_line_item(&helmet).send().await.map_err(step("add a helmet"))?;
    let helmet_id = helmet.id.clone().unwrap_or_default();
    let two = cart
        .patch_line_item(&helmet_id, &PartialLineItem::new().with_quantity(2))
        .send()
        .await
        .map_err(step("change the helmets"))?;
    say(format!(
        "the cart: {}, then a road bike and a helmet; two helmets are {:.2} each",
        if empty.id.is_none() { "empty with no ID" } else { "an old order" },
        two.unit_price.unwrap_or_default()
    ));

    // 4. Shipping and tax, as the storefront's checkout integration says.
    let worksheet = cart.estimate_shipping().send().await.map_err(step("estimate shipping"))?;
    let estimates = worksheet.ship_estimate_response.and_then(|response| response.ship_estimates).unwrap_or_default();
    let methods: Vec<String> = estimates
        .iter()
        .flat_map(|estimate| estimate.ship_methods.clone().unwrap_or_default())
        .map(|method| format!("{} {:.2}", method.name.unwrap_or_default(), method.cost.unwrap_or_default()))
        .collect();
    let selection = OrderShipMethodSelection::new().with_ship_method_selections(vec![
        ShipMethodSelection::new().with_ship_estimate_id("parcel").with_ship_method_id("ground"),
    ]);
    cart.select_ship_methods(&selection).send().await.map_err(step("select a ship method"))?;
    let calculated = cart.calculate().send().await.map_err(step("calculate"))?.order.unwrap_or_default();
    let worksheet = cart.get_order_worksheet().send().await.map_err(step("read the worksheet"))?;
    let lines = worksheet.line_items.map_or(0, |lines| lines.len());
    say(format!(
        "shipping offered: {}; ground, then calculated: subtotal {:.2}, shipping {:.2}, tax {:.2}, total {:.2} ({lines} lines on the worksheet)",
        methods.join(", "),
        calculated.subtotal.unwrap_or_default(),
        calculated.shipping_cost.unwrap_or_default(),
        calculated.tax_cost.unwrap_or_default(),
        calculated.total.unwrap_or_default(),
    ));

    // 5. The shopper registers: the cart is theirs now.
    let user = MeUser::new()
        .with_username(USERNAME)
        .with_first_name("Ada")
        .with_last_name("Lovelace")
        .with_email(EMAIL)
        .with_password(FIRST_PASSWORD)
        .with_active(true);
    let registered = me.register(&anonymous_token, &user).send().await.map_err(step("register"))?;
    let token = registered.access_token.ok_or("the registration answered no token")?;
    let ada = Session::from_login(client.clone(), CLIENT_ID, AccessToken::new(token, None, None))
        .map_err(step("keep the new user's session"))?;
    let kept = CartApi::new(ada.client()).get().send().await.map_err(step("get the cart"))?;
    let cart_kept = kept.id.is_some() && kept.id == calculated.id;
    say(format!(
        "registered {USERNAME}; the cart {} ({} lines)",
        if cart_kept { "is still theirs" } else { "was lost" },
        kept.line_item_count.unwrap_or(0)
    ));

    // 6. Signed in, they ship to an address and submit; the next cart is a new one.
    let signed_in = Session::new(client.clone(), TokenRequest::password(CLIENT_ID, USERNAME, FIRST_PASSWORD));
    let cart = CartApi::new(signed_in.client());
    let address = Address::new()
        .with_first_name("Ada")
        .with_last_name("Lovelace")
        .with_street1("12 Harbour Street")
        .with_city("Porto")
        .with_zip("4000-001")
        .with_country("PT");
    cart.set_shipping_address(&address).send().await.map_err(step("ship to an address"))?;
    let order = cart.submit().send().await.map_err(step("submit the cart"))?;
    let next_cart = cart.get().send().await.map_err(step("get the next cart"))?;
    say(format!(
        "signed in and submitted the cart to Porto: {} line items, total {:.2}, status {}; the next cart is {}",
        order.line_item_count.unwrap_or(0),
        order.total.unwrap_or_default(),
        order.status.as_ref().map_or("?", OrderStatus::as_str),
        if next_cart.id.is_none() { "empty" } else { "an old one" },
    ));

    // 7. Forgotten: the reset email carries a link with a token.
    let reset = PasswordResetApi::new(client.clone());
    let request = PasswordResetRequest::new(CLIENT_ID).with_email(EMAIL).with_url("https://shop.example.com/reset");
    reset.send_verification_code(&request).await.map_err(step("ask for a reset email"))?;
    let link_token = reset_link_token(&client).await?;
    say(format!("the reset email went to {EMAIL}, its link carrying a token"));

    // 8. The link's page sets a new password with that token.
    reset
        .reset_password_by_token(&link_token, &TokenPasswordReset::new(NEW_PASSWORD))
        .await
        .map_err(step("reset the password from the link"))?;
    say("reset the password from the email's link".to_owned());

    // 9. The new password signs in; the old one no longer does.
    let auth = AuthApi::new(client.clone());
    let old_password_works = auth.token(&TokenRequest::password(CLIENT_ID, USERNAME, FIRST_PASSWORD)).await.is_ok();
    let token =
        auth.token(&TokenRequest::password(CLIENT_ID, USERNAME, NEW_PASSWORD)).await.map_err(step("sign in again"))?;
    let again = Session::from_login(client.clone(), CLIENT_ID, token).map_err(step("keep the session"))?;
    let me = MeApi::new(again.client());
    let profile = me.get().send().await.map_err(step("read my profile"))?;
    let orders_after = me.list_orders().send().await.map_err(step("list my orders"))?.items;
    say(format!(
        "signed in again as {} with the new password (the old one {}); {} order(s), the first {}",
        profile.username.as_deref().unwrap_or("?"),
        if old_password_works { "still works" } else { "is refused" },
        orders_after.len(),
        orders_after.first().and_then(|order| order.status.as_ref()).map_or("?", OrderStatus::as_str),
    ));
    Ok(Journey { products, calculated, cart_kept, order, next_cart, link_token, old_password_works, orders_after })
}

/// The storefront's checkout integration on 127.0.0.1: OrderCloud's `OrderCheckout`
/// integration event POSTs the order's worksheet to `/shippingrates`, `/ordercalculate`
/// and `/ordersubmit` under its URL. Two ship methods, 8% tax on the subtotal. Stops when
/// dropped.
struct Checkout {
    url: String,
    server: JoinHandle<()>,
}

impl Checkout {
    async fn start() -> Result<Self, String> {
        let listener = TcpListener::bind("127.0.0.1:0").await.map_err(|error| format!("could not listen: {error}"))?;
        let url = format!("http://{}/checkout", listener.local_addr().map_err(|error| error.to_string())?);
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let service = service_fn(|request| async { Ok::<_, Infallible>(answer(request).await) });
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service),
                );
            }
        });
        Ok(Self { url, server })
    }

    /// Registers it as the storefront's checkout integration event, with the storefront's
    /// back-office client.
    async fn register(&self, client: &ApiClient) -> Result<(), String> {
        let back_office =
            Session::new(client.clone(), TokenRequest::client_credentials(BACK_OFFICE, BACK_OFFICE_SECRET)).client();
        let event = IntegrationEvent::new()
            .with_id("checkout")
            .with_name("Shipping and tax")
            .with_event_type(IntegrationEventType::OrderCheckout)
            .with_custom_implementation_url(self.url.clone())
            .with_hash_key("checkout-hash-key");
        IntegrationEventsApi::new(back_office.clone())
            .create(&event)
            .send()
            .await
            .map_err(step("create the checkout integration event"))?;
        let assigned = PartialApiClient::new().with_order_checkout_integration_event_id("checkout");
        ApiClientsApi::new(back_office).patch(CLIENT_ID, &assigned).send().await.map_err(step("assign the event"))?;
        Ok(())
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The checkout integration's answer to one call from OrderCloud.
async fn answer(request: Request<Incoming>) -> Response<Full<Bytes>> {
    let path = request.uri().path().to_owned();
    let body = request.into_body().collect().await.map(|body| body.to_bytes()).unwrap_or_default();
    // The worksheet's order read as the model, its amounts the exact decimals OrderCloud sent
    // (a `serde_json::Value` would hold them as `f64`).
    let payload = serde_json::from_slice::<HashMap<String, RawJson>>(&body).unwrap_or_default();
    let worksheet = payload.get("OrderWorksheet").and_then(|worksheet| worksheet.get::<OrderWorksheet>().ok());
    let order = worksheet.and_then(|worksheet| worksheet.order).unwrap_or_default();
    let answer = match path.rsplit('/').next().unwrap_or_default() {
        "shippingrates" => json!({"ShipEstimates": [{"ID": "parcel", "ShipEstimateItems": [], "ShipMethods": [
            {"ID": "ground", "Name": "Ground", "Cost": 9.5, "EstimatedTransitDays": 5},
            {"ID": "express", "Name": "Express", "Cost": 24.0, "EstimatedTransitDays": 1}]}]}),
        "ordercalculate" => {
            let tax = (order.subtotal.unwrap_or_default() * decimal!(0.08)).round_dp(2);
            json!({"ShippingTotal": order.shipping_cost.unwrap_or_default(), "TaxTotal": tax})
        }
        "ordersubmit" => json!({}),
        _ => {
            let mut response = Response::new(Full::new(Bytes::new()));
            *response.status_mut() = StatusCode::NOT_FOUND;
            return response;
        }
    };
    let mut response = Response::new(Full::new(Bytes::from(answer.to_string())));
    response
        .headers_mut()
        .insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("application/json"));
    response
}

/// The token in the link of the newest reset email, from the simulator's outbox.
async fn reset_link_token(client: &ApiClient) -> Result<String, String> {
    let outbox: Vec<Value> = client
        .request_unversioned(Method::GET, "/_simulator/outbox")
        .send_json()
        .await
        .map_err(|error| format!("reading the outbox: {error}"))?;
    outbox
        .iter()
        .rev()
        .filter(|message| message["payload"]["MessageType"] == "ForgottenPassword")
        .find_map(|message| message["payload"]["EventBody"]["PasswordRenewalAccessToken"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| "no reset email in the outbox".to_owned())
}

/// Resets the simulator behind `client` and seeds it with `marketplace`, the JSON of the
/// file `file`, over its control routes (OrderCloud has none).
pub async fn reset_and_seed(client: &ApiClient, marketplace: &str, file: &str) -> Result<(), String> {
    let marketplace: Value =
        serde_json::from_str(marketplace).map_err(|error| format!("{file} is not JSON: {error}"))?;
    client
        .request_unversioned(Method::POST, "/_simulator/reset")
        .send_empty()
        .await
        .map_err(step("reset the simulator"))?;
    client
        .request_unversioned(Method::POST, "/_simulator/seed")
        .json(&marketplace)
        .send_empty()
        .await
        .map_err(step("seed the simulator"))
}

/// What failed, with the error: `could not register: ...`.
pub fn step(what: &'static str) -> impl Fn(Error) -> String {
    move |error| format!("could not {what}: {error}")
}
